//! The lowest room: the API's error shape, JSON in and out, list queries, text rules and the
//! OpenAPI document. Imports nothing from the other rooms.
pub mod error;
pub mod json;
pub mod list;
pub mod openapi;
pub mod text;

pub use json::{json_response, JsonBody, Params};

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// This room's routes (under `/v1`): the OpenAPI document.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/openapi/v3", get(openapi_doc))
}

async fn openapi_doc() -> Response {
    static DOC: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    let body = DOC.get_or_init(|| serde_json::to_vec(&openapi::document()).unwrap_or_default()).clone();
    let mut res = body.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    res
}
