//! The layer above the marketplaces: accounts (people, by email), organizations (each an
//! independent marketplace in a database file of its own), memberships (account × organization ×
//! role) and invitations; the index that says which organization an API client belongs to is
//! `storage::clients`.
//!
//! The hub's tables live in the main database file, beside the first organization's marketplace
//! (`MAIN_ORG`); every other organization's marketplace is `<main file>.orgs/<org id>.db`. A
//! request reaches exactly one marketplace, the one its API client belongs to, so nothing one
//! organization's token does can touch another organization's file.
//!
//! An account works in an organization as a seller user provisioned for its membership
//! (`ACCOUNT_<account id>`, no password), holding the roles of its membership role through a
//! security profile assigned to that user: `ORG_ADMIN` (FullAccess), `ORG_MEMBER`
//! (`MEMBER_ROLES`), or a custom role's `ORG_ROLE_<id>`. The raw API shows all of it.
use crate::http::error::{Failure, Result};
use crate::storage::db::{self, Pool};
use crate::storage::roles::SP_ASSIGNMENT_KIND;
use crate::App;
use axum::http::StatusCode;
use gatehouse_model::resources::Kind;
use r2d2_sqlite::rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};

/// The organization whose marketplace is the main database file itself.
mod accounts;
pub mod applications;
mod invitations;
mod lockout;
mod members;
mod migrations;
pub mod oem;
mod organizations;
mod roles;
pub mod routes;

pub use crate::auth::keys::ACCOUNT_AUDIENCE;
pub use crate::storage::clients::MAIN_ORG;
pub use crate::storage::clock::{now_ms, rfc3339};
use crate::storage::id::hub_id as new_id;
pub use crate::storage::id::random_code;
pub use accounts::*;
pub use invitations::*;
pub use lockout::*;
pub use members::*;
pub use migrations::migrate;
pub use organizations::*;
pub use roles::*;

/// The audience of account tokens (never accepted by the marketplace API, and the reverse).
/// How long an account token lasts.
pub const ACCOUNT_TOKEN_MINUTES: i64 = 8 * 60;
/// How long an invitation can be accepted.
pub const INVITATION_DAYS: i64 = 7;

pub const ADMIN: &str = "Admin";
pub const MEMBER: &str = "Member";
pub const ADMIN_PROFILE: &str = "ORG_ADMIN";
pub const MEMBER_PROFILE: &str = "ORG_MEMBER";
const CUSTOM_PREFIX: &str = "ORG_ROLE_";

/// What a Member may do: work with buyers, suppliers, their users and groups, and read (not
/// change) who has access: security profiles, admin users and groups. No API clients (their
/// secrets), no impersonation, no profile assignments, no member or application management.
pub const MEMBER_ROLES: &[&str] = &[
    "MeAdmin",
    "MeXpAdmin",
    "SecurityProfileReader",
    "AdminUserReader",
    "AdminUserGroupReader",
    "BuyerAdmin",
    "BuyerReader",
    "BuyerUserAdmin",
    "BuyerUserReader",
    "UserGroupAdmin",
    "UserGroupReader",
    "SupplierAdmin",
    "SupplierReader",
    "SupplierUserAdmin",
    "SupplierUserReader",
    "SupplierUserGroupAdmin",
    "SupplierUserGroupReader",
];

/// Looks like an email address: something, `@`, a dotted domain, no spaces.
pub fn is_email(e: &str) -> bool {
    e.split_once('@').is_some_and(|(l, d)| {
        !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.') && !d.contains('@')
    }) && !e.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_told_from_other_text() {
        for good in ["a@b.co", "first.last@example.com", "x+tag@sub.example.org"] {
            assert!(is_email(good), "{good}");
        }
        for bad in ["", "a", "@b.co", "a@b", "a@.b", "a@b.", "a b@c.de", "a@b@c.de"] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn invitation_links_keep_the_portal_address() {
        assert_eq!(invitation_link("http://p/app/", "C"), "http://p/app/?invitation=C");
        assert_eq!(invitation_link("http://p/?x=1", "C"), "http://p/?x=1&invitation=C");
    }
}
