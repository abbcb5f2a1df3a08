//! The hub's fixed names and limits, and the helpers every part of it shares; re-exports of the
//! lower rooms' pieces it builds on (the clock, IDs, the main organization, the account audience).
/// The audience of account tokens (never accepted by the marketplace API, and the reverse).
pub use crate::auth::keys::ACCOUNT_AUDIENCE;
/// The organization whose marketplace is the main database file itself.
pub use crate::storage::clients::MAIN_ORG;
pub use crate::storage::clock::{now_ms, rfc3339};
pub(super) use crate::storage::id::hub_id as new_id;
pub use crate::storage::id::random_code;

/// How long an account token lasts.
pub const ACCOUNT_TOKEN_MINUTES: i64 = 8 * 60;
/// How long an invitation can be accepted.
pub const INVITATION_DAYS: i64 = 7;

pub const ADMIN: &str = "Admin";
pub const MEMBER: &str = "Member";
pub const ADMIN_PROFILE: &str = "ORG_ADMIN";
pub const MEMBER_PROFILE: &str = "ORG_MEMBER";
pub(super) const CUSTOM_PREFIX: &str = "ORG_ROLE_";

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
