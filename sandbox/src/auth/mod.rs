//! Who is calling: signing keys, the caller extractor, credentials and the token endpoint,
//! impersonation. Imports `http` and `storage`.
pub mod caller;
pub mod impersonation;
pub mod keys;
pub mod oauth;

pub use caller::{issued_ms, Caller, Present};
