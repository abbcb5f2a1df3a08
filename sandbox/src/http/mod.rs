//! The lowest room: the API's error shape, JSON in and out, list queries, text rules and the
//! OpenAPI document. Imports nothing from the other rooms.
pub mod error;
pub mod json;
pub mod list;
pub mod openapi;
pub mod text;

pub use json::{json_response, parse_body, Params};
