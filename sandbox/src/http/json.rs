//! JSON in and out, in the API's shapes.
use crate::http::error::{Failure, Result};
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gatehouse_model::error::codes;
use serde_json::{json, Value};
use std::collections::HashMap;

/// Path parameters by name.
pub type Params = HashMap<String, String>;

pub fn json_response(status: StatusCode, value: &impl serde::Serialize) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    (status, [(axum::http::header::CONTENT_TYPE, "application/json; charset=utf-8")], body).into_response()
}

/// Parses a request body as JSON, reporting where it breaks.
pub fn parse_body(bytes: &Bytes) -> Result<Value> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Failure::bad_request(codes::INVALID_BODY, "The request body is empty; send a JSON object."));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        Failure::bad_request(codes::INVALID_BODY, format!("The request body is not valid JSON: {e}."))
            .data(json!({"Line": e.line(), "Column": e.column()}))
    })
}
