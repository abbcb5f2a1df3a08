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

/// A request body to be read as JSON. Its bytes are taken as the request arrives (a body the
/// server refuses, too large say, is answered in the API's error shape); the JSON is read when the
/// handler asks, after its permission checks, so a caller without the right role hears 403 and
/// not a complaint about the body.
pub struct JsonBody(Bytes);

impl<S: Send + Sync> axum::extract::FromRequest<S> for JsonBody {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> std::result::Result<JsonBody, Response> {
        match Bytes::from_request(req, state).await {
            Ok(bytes) => Ok(JsonBody(bytes)),
            Err(refused) => Err(crate::http::error::normalize(refused.into_response()).await),
        }
    }
}

impl JsonBody {
    /// The body as JSON; an empty body or broken JSON is a 400 saying where it breaks.
    pub fn value(&self) -> Result<Value> {
        parse_body(&self.0)
    }

    /// Nothing but white space (where a body is optional).
    pub fn is_blank(&self) -> bool {
        self.0.iter().all(u8::is_ascii_whitespace)
    }
}

impl From<Bytes> for JsonBody {
    fn from(bytes: Bytes) -> JsonBody {
        JsonBody(bytes)
    }
}
