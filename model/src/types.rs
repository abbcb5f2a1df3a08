//! Typed views of the resources, for code that reasons about them (token grants, impersonation,
//! enhanced screens). Unknown fields are ignored and missing ones default, as on the wire.
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ApiClient {
    #[serde(rename = "ID")]
    pub id: String,
    pub app_name: String,
    pub active: bool,
    pub access_token_duration: i64,
    pub refresh_token_duration: i64,
    pub client_secret: Option<String>,
    pub default_context_user_name: Option<String>,
    pub allow_any_buyer: bool,
    pub allow_any_supplier: bool,
    pub allow_seller: bool,
    pub is_anon_buyer: bool,
    pub assigned_buyer_count: i64,
    pub assigned_supplier_count: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xp: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct User {
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(rename = "CompanyID")]
    pub company_id: Option<String>,
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub active: bool,
    pub available_roles: Vec<String>,
    pub date_created: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xp: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SecurityProfile {
    #[serde(rename = "ID")]
    pub id: String,
    pub name: String,
    pub roles: Vec<String>,
    pub custom_roles: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SecurityProfileAssignment {
    #[serde(rename = "SecurityProfileID")]
    pub security_profile_id: String,
    #[serde(rename = "BuyerID")]
    pub buyer_id: Option<String>,
    #[serde(rename = "SupplierID")]
    pub supplier_id: Option<String>,
    #[serde(rename = "UserID")]
    pub user_id: Option<String>,
    #[serde(rename = "UserGroupID")]
    pub user_group_id: Option<String>,
}

/// Level of a security profile assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Company,
    Group,
    User,
}

impl SecurityProfileAssignment {
    /// Does this assignment reach a user of type `t` in `company` ('' for the seller), with
    /// ID `user_id`, belonging to `groups`? The rule behind AvailableRoles: the assignment's
    /// party must be the user's company, and it names the user, one of their groups, or neither.
    pub fn reaches(&self, t: crate::resources::UserType, company: &str, user_id: &str, groups: &[String]) -> bool {
        use crate::resources::UserType;
        let (buyer, supplier) =
            (self.buyer_id.as_deref().filter(|s| !s.is_empty()), self.supplier_id.as_deref().filter(|s| !s.is_empty()));
        let company_ok = match t {
            UserType::Admin => buyer.is_none() && supplier.is_none(),
            UserType::Buyer => buyer == Some(company) && supplier.is_none(),
            UserType::Supplier => supplier == Some(company) && buyer.is_none(),
        };
        if !company_ok {
            return false;
        }
        match (
            self.user_id.as_deref().filter(|s| !s.is_empty()),
            self.user_group_id.as_deref().filter(|s| !s.is_empty()),
        ) {
            (Some(u), _) => u == user_id,
            (None, Some(g)) => groups.iter().any(|x| x == g),
            (None, None) => true,
        }
    }

    /// The level, reading an empty ID as absent (as `reaches` does).
    pub fn level(&self) -> Level {
        let set = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.is_empty());
        if set(&self.user_id) {
            Level::User
        } else if set(&self.user_group_id) {
            Level::Group
        } else {
            Level::Company
        }
    }
}

/// A buyer or a supplier (`Buyer`, `Supplier`): the company its users belong to. `Active` absent
/// reads as active, as the API treats a company that never said otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Company {
    #[serde(rename = "ID")]
    pub id: String,
    pub name: String,
    pub active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xp: Option<Value>,
}

impl Default for Company {
    fn default() -> Self {
        Company { id: String::new(), name: String::new(), active: true, xp: None }
    }
}

/// A group of admin, buyer or supplier users (`UserGroup`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UserGroup {
    #[serde(rename = "ID")]
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xp: Option<Value>,
}

/// A user's membership of a group (`UserGroupAssignment`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct UserGroupAssignment {
    #[serde(rename = "UserGroupID")]
    pub user_group_id: String,
    #[serde(rename = "UserID")]
    pub user_id: String,
}

/// An API client admitting a buyer or a supplier (`ApiClientAssignment`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiClientAssignment {
    #[serde(rename = "ApiClientID")]
    pub api_client_id: String,
    #[serde(rename = "BuyerID")]
    pub buyer_id: Option<String>,
    #[serde(rename = "SupplierID")]
    pub supplier_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ImpersonationConfig {
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(rename = "ImpersonationBuyerID")]
    pub impersonation_buyer_id: Option<String>,
    #[serde(rename = "ImpersonationGroupID")]
    pub impersonation_group_id: Option<String>,
    #[serde(rename = "ImpersonationUserID")]
    pub impersonation_user_id: Option<String>,
    #[serde(rename = "BuyerID")]
    pub buyer_id: Option<String>,
    #[serde(rename = "GroupID")]
    pub group_id: Option<String>,
    #[serde(rename = "UserID")]
    pub user_id: Option<String>,
    #[serde(rename = "SecurityProfileID")]
    pub security_profile_id: String,
    #[serde(rename = "ClientID")]
    pub client_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ImpersonateTokenRequest {
    #[serde(rename = "ClientID")]
    pub client_id: String,
    pub roles: Vec<String>,
    pub custom_roles: Vec<String>,
}

/// OAuth2 token response (snake_case on the wire).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccessToken {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub refresh_token: Option<String>,
}

/// The claims of an access token, as OrderCloud names them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    pub usr: String,
    pub cid: String,
    pub u: String,
    pub usrtype: String,
    /// Roles; a plain string on the wire when there is exactly one.
    #[serde(with = "one_or_many", default)]
    pub role: Vec<String>,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub nbf: i64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub imp: Option<String>,
    /// The anonymous shopper's own order (anonymous tokens only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub orderid: Option<String>,
    /// Company (buyer / supplier) ID; empty for admin users. Sandbox extension.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cmp: Option<String>,
    /// Token ID, used for revocation. Sandbox extension.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub jti: Option<String>,
    /// The organization whose marketplace issued the token. Sandbox extension: a token is
    /// answered only by that organization.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub org: Option<String>,
    /// The incarnation of the API client that issued the token (its row, not its reusable ID).
    /// Sandbox extension: a client deleted and made again under the same ID is another client.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cin: Option<String>,
}

/// Serde helpers for a claim that is a string when it holds one value and an array otherwise.
pub mod one_or_many {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &[String], s: S) -> Result<S::Ok, S::Error> {
        if v.len() == 1 {
            v[0].serialize(s)
        } else {
            v.serialize(s)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            One(String),
            Many(Vec<String>),
        }
        Ok(match Either::deserialize(d)? {
            Either::One(s) => vec![s],
            Either::Many(v) => v,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn single_role_is_a_string_on_the_wire() {
        let c = Claims {
            usr: "a".into(),
            cid: "c".into(),
            u: "1".into(),
            usrtype: "admin".into(),
            role: vec!["MeAdmin".into()],
            iss: "i".into(),
            aud: "a".into(),
            exp: 2,
            nbf: 1,
            imp: None,
            orderid: None,
            cmp: None,
            jti: None,
            org: None,
            cin: None,
        };
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["role"], "MeAdmin");
        let back: Claims = serde_json::from_value(v).unwrap();
        assert_eq!(back.role, vec!["MeAdmin".to_string()]);
    }
}
