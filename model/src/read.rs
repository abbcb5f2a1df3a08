//! Readers: API objects as the portal receives them, read through their property names.
//!
//! A reader is a typed view over the JSON an answer already is: `Member(&v).email()` reads
//! `v["Email"]`. The property names are written once, here, for the portal that reads them and
//! the sandbox that documents them (its OpenAPI schemas take `TEXT` for the hub's objects).
//! They are views rather than `Deserialize` types because a derived reader costs the portal's
//! bundle about 3 KB per type, and a view costs what the field-by-field read did.
//!
//! A property that is absent, null or of another type reads as empty text (or `false`), as the
//! portal shows it; the API decides what is valid, not the reader.

use serde_json::Value;

/// The text at a key of an API object, or empty.
pub fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

macro_rules! reader {
    ($(#[$doc:meta])* $name:ident {
        text: [$($t:ident = $tk:literal),* $(,)?]
        $(, choice: [$($c:ident = $ck:literal),* $(,)?])?
        $(, flag: [$($f:ident = $fk:literal),* $(,)?])?
        $(,)?
    }) => {
        $(#[$doc])*
        #[derive(Clone, Copy)]
        pub struct $name<'a>(pub &'a Value);

        impl<'a> $name<'a> {
            /// Its properties that are plain text, as the API names them.
            pub const TEXT: &'static [&'static str] = &[$($tk),*];
            /// Every property the reader reads.
            pub const READS: &'static [&'static str] = &[$($tk,)* $($($ck,)*)? $($($fk,)*)?];
            $(pub fn $t(self) -> String { text(self.0, $tk) })*
            $($(pub fn $c(self) -> String { text(self.0, $ck) })*)?
            $($(pub fn $f(self) -> bool { flag(self.0, $fk) })*)?
        }
    };
}

// ---- OrderCloud objects (their schemas are the tables of `resources`) ----

reader! {
    /// An admin, buyer or supplier user (`User`).
    User {
        text: [id = "ID", username = "Username", first_name = "FirstName", last_name = "LastName", email = "Email"],
        flag: [active = "Active"],
    }
}

impl User<'_> {
    /// "First Last", trimmed (empty when the user has no name).
    pub fn full_name(self) -> String {
        format!("{} {}", self.first_name(), self.last_name()).trim().to_string()
    }

    /// "First Last (username)", or the username alone when the user has no name.
    pub fn person(self) -> String {
        match (self.full_name(), self.username()) {
            (f, n) if f.is_empty() => n,
            (f, n) => format!("{f} ({n})"),
        }
    }
}

reader! {
    /// A user's membership of a user group (`UserGroupAssignment`).
    UserGroupAssignment { text: [user_group_id = "UserGroupID", user_id = "UserID"] }
}

reader! {
    /// An act-as token issued (sandbox extension, `GET /v1/impersonations`).
    ImpersonationRecord {
        text: [
            id = "ID", impersonator_user_id = "ImpersonatorUserID", impersonator_username = "ImpersonatorUsername",
            impersonator_type = "ImpersonatorType", user_id = "UserID", username = "Username", buyer_id = "BuyerID",
            client_id = "ClientID", client_name = "ClientName", issued = "Issued", expires = "Expires",
            reason = "Reason", ended = "Ended", ended_by = "EndedBy",
        ],
        flag: [revoked = "Revoked"],
    }
}

// ---- The hub's objects (sandbox extension: organizations above one marketplace) ----

reader! {
    /// A person's account on the hub (`Account`).
    Account { text: [id = "ID", email = "Email", first_name = "FirstName", last_name = "LastName", date_created = "DateCreated"] }
}

reader! {
    /// An organization as one of its members sees it (`Organization`).
    Organization { text: [id = "ID", name = "Name", role = "Role", date_joined = "DateJoined", console_client_id = "ConsoleClientID"] }
}

reader! {
    /// A member of an organization (`Member`).
    Member {
        text: [account_id = "AccountID", email = "Email", first_name = "FirstName", last_name = "LastName", role = "Role", user_id = "UserID", date_joined = "DateJoined"],
    }
}

reader! {
    /// An invitation to join an organization (`Invitation`).
    Invitation {
        text: [id = "ID", email = "Email", role = "Role", status = "Status", date_created = "DateCreated", expires = "Expires", link = "Link"],
        flag: [account_exists = "AccountExists"],
    }
}

reader! {
    /// A role members can be given (`OrganizationRole`).
    OrganizationRole { text: [id = "ID", name = "Name", description = "Description"], flag: [built_in = "BuiltIn"] }
}

reader! {
    /// An application of an organization: a sales channel, integration or web app (`Application`).
    Application {
        text: [id = "ID", client_id = "ClientID", name = "Name", role = "Role", object_id = "ObjectID", date_created = "DateCreated", client_secret = "ClientSecret"],
        choice: [kind = "Kind"],
        flag: [confidential = "Confidential", client_missing = "ClientMissing"],
    }
}

reader! {
    /// Something a vendor did through the provisioning API (`ProvisioningEvent`).
    ProvisioningEvent { text: [vendor = "Vendor", action = "Action", organization_id = "OrganizationID", subject = "Subject", message = "Message", date = "Date"] }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::SCHEMAS;
    use serde_json::json;

    #[test]
    fn readers_of_ordercloud_objects_read_properties_their_schemas_have() {
        for (schema, reads) in [
            ("User", User::READS),
            ("UserGroupAssignment", UserGroupAssignment::READS),
            ("ImpersonationRecord", ImpersonationRecord::READS),
        ] {
            let s = SCHEMAS.iter().find(|s| s.name == schema).unwrap_or_else(|| panic!("no schema {schema}"));
            for key in reads {
                // Revoked is added to each record when it is listed
                if *key == "Revoked" {
                    continue;
                }
                assert!(s.fields.iter().any(|f| f.name == *key), "{schema} has no {key}");
            }
        }
    }

    #[test]
    fn a_reader_reads_what_is_there_and_empty_for_the_rest() {
        let v = json!({"FirstName": "Ann", "LastName": "Lee", "Username": "ann", "Active": true, "Email": null});
        let u = User(&v);
        assert_eq!((u.person(), u.email(), u.active()), ("Ann Lee (ann)".to_string(), String::new(), true));
        assert_eq!(User(&json!({"Username": "bob", "FirstName": 3})).person(), "bob");
        assert_eq!(User(&json!({"FirstName": "Ann"})).full_name(), "Ann");
        assert!(!Invitation(&json!({"AccountExists": "yes"})).account_exists());
    }
}
