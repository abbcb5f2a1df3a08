//! The API contract shared by the Gatehouse portal (compiled to wasm32) and the sandbox.
//!
//! Everything here is a fact about the OrderCloud-style wire format: role names, the list and
//! error envelopes, the resources with their paths, fields, constraints and required roles, and
//! the password policy. The sandbox serves and enforces it; the portal reads and validates with it.

pub mod access;
pub mod builtin;
pub mod csv;
pub mod environment;
pub mod error;
pub mod hub;
pub mod impersonation;
pub mod list;
pub mod password;
pub mod read;
pub mod resources;
pub mod roles;
pub mod setup;
pub mod types;
pub mod user_import;
pub mod validate;

pub use error::{ApiError, ErrorBody};
pub use list::{ListPage, Meta};
