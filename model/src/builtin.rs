//! Built-in objects: those the hub makes behind organizations, memberships and applications
//! (sandbox extension), defined once here for every screen and tool that must tell them from
//! the objects people made (the start page's checklist, list folding, export and plan).
//!
//! - **Organizations**: the console API client accounts sign in through (`CONSOLE_APP_NAME`;
//!   its ID is random, so [`BuiltIns::clients`] may name it too), and the membership-role
//!   profiles `ORG_ADMIN`, `ORG_MEMBER` and `ORG_ROLE_<role id>`.
//! - **Memberships**: the seller user each member works as, `ACCOUNT_<account id>`, and its
//!   profile assignment.
//! - **Applications**: for an application whose client ID is `C`, the object ID is `APP_` and
//!   the first 12 hex digits of `C` without dashes; a sales channel has the buyer `APP_x`, its
//!   user `APP_x-anonymous` and the profile `APP_x` assigned to that buyer; an integration has
//!   the admin user `APP_x-integration` and the profile `APP_x` assigned to it. A webapp's
//!   client has no object of its own: only the organization's applications list
//!   (`GET /v1/organization/applications`) names it, read into [`BuiltIns::from_applications`].
//!
//! Anything that names a built-in object (an assignment of a built-in profile, a membership of
//! a built-in user, an API client assignment of a built-in client) is built-in too.
use crate::resources::{Kind, UserType};
use serde_json::Value;
use std::collections::HashSet;

/// The membership-role profiles.
pub const ORG_ADMIN_PROFILE: &str = "ORG_ADMIN";
pub const ORG_MEMBER_PROFILE: &str = "ORG_MEMBER";
/// A custom membership role's profile: this prefix and the role's ID.
pub const ORG_ROLE_PREFIX: &str = "ORG_ROLE_";
/// A member's seller user: this prefix and the account's ID.
pub const ACCOUNT_USER_PREFIX: &str = "ACCOUNT_";
/// An application's objects: this prefix and 12 hex digits of its client ID.
pub const APP_PREFIX: &str = "APP_";
/// Suffixes of an application's users.
pub const ANONYMOUS_SUFFIX: &str = "-anonymous";
pub const INTEGRATION_SUFFIX: &str = "-integration";
/// The name of an organization's console API client.
pub const CONSOLE_APP_NAME: &str = "Gatehouse organization console";

/// The object ID of the application whose API client is `client_id`.
pub fn app_object_id(client_id: &str) -> String {
    let hex: String = client_id.chars().filter(|c| *c != '-').take(12).collect();
    format!("{APP_PREFIX}{hex}")
}

/// `APP_` and exactly 12 hex digits: an application's object ID.
pub fn is_app_object(id: &str) -> bool {
    id.strip_prefix(APP_PREFIX).is_some_and(|h| h.len() == 12 && h.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A built-in security profile ID.
pub fn is_builtin_profile(id: &str) -> bool {
    id == ORG_ADMIN_PROFILE || id == ORG_MEMBER_PROFILE || id.starts_with(ORG_ROLE_PREFIX) || is_app_object(id)
}

/// A built-in buyer (a sales channel's shoppers) or supplier (none are).
pub fn is_builtin_company(t: UserType, id: &str) -> bool {
    t == UserType::Buyer && is_app_object(id)
}

/// A built-in user of `t` in `company` ('' for admin users).
pub fn is_builtin_user(t: UserType, company: &str, id: &str) -> bool {
    let app_user = |suffix: &str| id.strip_suffix(suffix).is_some_and(is_app_object);
    match t {
        UserType::Admin => id.starts_with(ACCOUNT_USER_PREFIX) || app_user(INTEGRATION_SUFFIX),
        UserType::Buyer => is_builtin_company(t, company) || app_user(ANONYMOUS_SUFFIX),
        UserType::Supplier => false,
    }
}

/// A built-in user group (only a built-in company's).
pub fn is_builtin_group(t: UserType, company: &str, _id: &str) -> bool {
    is_builtin_company(t, company)
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// What the patterns alone say of an API client (its `ID`, `AppName`, `DefaultContextUserName`).
pub fn is_builtin_client_by_pattern(client: &Value) -> bool {
    let user = text(client, "DefaultContextUserName");
    let app_user = |suffix: &str| user.strip_suffix(suffix).is_some_and(is_app_object);
    text(client, "AppName") == CONSOLE_APP_NAME || app_user(ANONYMOUS_SUFFIX) || app_user(INTEGRATION_SUFFIX)
}

/// Is `obj` (as the API returns it) of resource `kind` a built-in object, by its patterns? For
/// users and groups of a company, `company` is the buyer or supplier ID ('' otherwise).
/// [`BuiltIns::is_builtin`] also knows the clients named by the hub.
pub fn is_builtin(kind: Kind, company: &str, obj: &Value) -> bool {
    let id = text(obj, "ID");
    match kind {
        Kind::ApiClient => is_builtin_client_by_pattern(obj),
        Kind::SecurityProfile => is_builtin_profile(id),
        Kind::Buyer => is_builtin_company(UserType::Buyer, id),
        Kind::Supplier => is_builtin_company(UserType::Supplier, id),
        Kind::AdminUser | Kind::BuyerUser | Kind::SupplierUser => {
            is_builtin_user(kind.user_type().unwrap_or_default(), company, id)
        }
        Kind::AdminUserGroup => is_builtin_group(UserType::Admin, company, id),
        Kind::BuyerUserGroup => is_builtin_group(UserType::Buyer, company, id),
        Kind::SupplierUserGroup => is_builtin_group(UserType::Supplier, company, id),
        Kind::ImpersonationConfig => {
            is_builtin_profile(text(obj, "SecurityProfileID"))
                || is_builtin_company(UserType::Buyer, text(obj, "BuyerID"))
        }
    }
}

/// The built-in API clients the hub names (the console client, every application's client),
/// beside what the patterns find.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BuiltIns {
    pub clients: HashSet<String>,
}

impl BuiltIns {
    /// From the items of `GET /v1/organization/applications` (their `ClientID`) and the console
    /// client's ID when known.
    pub fn from_applications(items: &[Value], console_client: Option<&str>) -> BuiltIns {
        let mut clients: HashSet<String> =
            items.iter().map(|a| text(a, "ClientID")).filter(|c| !c.is_empty()).map(String::from).collect();
        clients.extend(console_client.map(String::from));
        BuiltIns { clients }
    }

    /// An API client, by the hub's list or by its patterns.
    pub fn is_builtin_client(&self, client: &Value) -> bool {
        self.clients.contains(text(client, "ID")) || is_builtin_client_by_pattern(client)
    }

    /// [`is_builtin`], with the clients the hub names.
    pub fn is_builtin(&self, kind: Kind, company: &str, obj: &Value) -> bool {
        match kind {
            Kind::ApiClient => self.is_builtin_client(obj),
            Kind::ImpersonationConfig => is_builtin(kind, company, obj) || self.clients.contains(text(obj, "ClientID")),
            _ => is_builtin(kind, company, obj),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_hubs_objects_are_built_in() {
        let client = "9C3D7E11-A2B4-4C5D-8E9F-0123456789AB";
        let app = app_object_id(client);
        assert_eq!(app, "APP_9C3D7E11A2B4");
        assert!(is_app_object(&app));
        assert!(!is_app_object("APP_SHOP"));
        for p in ["ORG_ADMIN", "ORG_MEMBER", "ORG_ROLE_finance", app.as_str()] {
            assert!(is_builtin(Kind::SecurityProfile, "", &json!({ "ID": p })), "{p}");
        }
        for p in ["ADMIN_PROFILE", "ORG_FINANCE", "APP_PROFILE"] {
            assert!(!is_builtin(Kind::SecurityProfile, "", &json!({ "ID": p })), "{p}");
        }
        assert!(is_builtin(Kind::AdminUser, "", &json!({"ID": "ACCOUNT_acct1f"})));
        assert!(is_builtin(Kind::AdminUser, "", &json!({"ID": format!("{app}-integration")})));
        assert!(!is_builtin(Kind::AdminUser, "", &json!({"ID": "ADMIN"})));
        assert!(is_builtin(Kind::Buyer, "", &json!({ "ID": app })));
        assert!(is_builtin(Kind::BuyerUser, &app, &json!({"ID": format!("{app}-anonymous")})));
        assert!(!is_builtin(Kind::BuyerUser, "BUYER_ORGANIZATION", &json!({"ID": "buyer01"})));
        assert!(is_builtin(Kind::ApiClient, "", &json!({"ID": "X", "AppName": CONSOLE_APP_NAME})));
        let shop = json!({"ID": client, "AppName": "Shop", "DefaultContextUserName": format!("{app}-anonymous")});
        assert!(is_builtin(Kind::ApiClient, "", &shop));
        let webapp = json!({"ID": "W-1", "AppName": "Back office"});
        assert!(!is_builtin(Kind::ApiClient, "", &webapp));
        let hub = BuiltIns::from_applications(&[json!({"ClientID": "W-1", "Kind": "Webapp"})], Some("CONSOLE"));
        assert!(hub.is_builtin(Kind::ApiClient, "", &webapp));
        assert!(hub.is_builtin(Kind::ApiClient, "", &json!({"ID": "CONSOLE", "AppName": "renamed"})));
        assert!(!hub.is_builtin(Kind::ApiClient, "", &json!({"ID": "Shared", "AppName": "Shared API Client"})));
    }
}
