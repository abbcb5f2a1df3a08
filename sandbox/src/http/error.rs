//! Failures as HTTP answers in the API's error shape.
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use gatehouse_model::error::{codes, ApiError, ErrorBody};
use serde_json::json;

#[derive(Debug)]
pub struct Failure {
    pub status: StatusCode,
    pub errors: Vec<ApiError>,
}

pub type Result<T> = std::result::Result<T, Failure>;

impl Failure {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Failure {
        Failure { status, errors: vec![ApiError::new(code, message)] }
    }
    pub fn data(mut self, data: serde_json::Value) -> Failure {
        if let Some(e) = self.errors.first_mut() {
            e.data = data;
        }
        self
    }
    pub fn bad_request(code: &str, message: impl Into<String>) -> Failure {
        Failure::new(StatusCode::BAD_REQUEST, code, message)
    }
    pub fn validation(errors: Vec<ApiError>) -> Failure {
        Failure { status: StatusCode::BAD_REQUEST, errors }
    }
    pub fn not_found(object_type: &str, id: &str) -> Failure {
        Failure::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, format!("{object_type} not found: {id}"))
            .data(json!({"ObjectType": object_type, "ObjectID": id}))
    }
    pub fn conflict(code: &str, message: impl Into<String>) -> Failure {
        Failure::new(StatusCode::CONFLICT, code, message)
    }
    pub fn unauthorized(message: impl Into<String>) -> Failure {
        Failure::new(StatusCode::UNAUTHORIZED, codes::INVALID_TOKEN, message)
    }
    pub fn internal(err: impl std::fmt::Display) -> Failure {
        eprintln!("gatehouse-sandbox: internal error: {err}");
        Failure::new(StatusCode::INTERNAL_SERVER_ERROR, codes::SERVER_ERROR, "The server failed to handle the request.")
    }
}

impl From<r2d2_sqlite::rusqlite::Error> for Failure {
    fn from(e: r2d2_sqlite::rusqlite::Error) -> Self {
        Failure::internal(e)
    }
}

impl From<r2d2::Error> for Failure {
    fn from(e: r2d2::Error) -> Self {
        Failure::internal(e)
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Self {
        Failure::internal(e)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&ErrorBody { errors: self.errors }).unwrap_or_default();
        let mut res = (self.status, body).into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

/// Turns any error answer that is not already JSON (router 404/405, body-limit 413, extractor
/// rejections) into the API's error shape, keeping its status.
pub async fn normalize(res: Response) -> Response {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return res;
    }
    let (code, message) = match status {
        StatusCode::NOT_FOUND => (codes::NOT_FOUND, "No such endpoint.".to_string()),
        StatusCode::METHOD_NOT_ALLOWED => {
            (codes::METHOD_NOT_ALLOWED, "This endpoint does not accept that method.".to_string())
        }
        StatusCode::PAYLOAD_TOO_LARGE => {
            (codes::PAYLOAD_TOO_LARGE, "The request body is too large (limit 1 MiB).".to_string())
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (codes::INVALID_BODY, "Send the body as application/json.".to_string()),
        s if s.is_server_error() => (codes::SERVER_ERROR, "The server failed to handle the request.".to_string()),
        _ => {
            let bytes = axum::body::to_bytes(res.into_body(), 64 * 1024).await.unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes).trim().to_string();
            return Failure::new(
                status,
                codes::INVALID_BODY,
                if text.is_empty() { "Bad request.".into() } else { text },
            )
            .into_response();
        }
    };
    let mut out = Failure::new(status, code, message).into_response();
    if let Some(allow) = res.headers().get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, allow.clone());
    }
    out
}
