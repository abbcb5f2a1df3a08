//! Who may do what: API client, security profile and user group assignments.
//! Imports `http`, `storage` and `auth`.
pub mod assignments;
