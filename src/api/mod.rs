//! HTTP to the API from the browser: bearer tokens, timing, sizes, and failures that keep
//! everything on screen.
use crate::json;
use gatehouse_model::error::{ApiError, ErrorBody};
use gloo_net::http::{Method, RequestBuilder};

/// One answer from the API, as the response viewer shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiResponse {
    pub method: String,
    pub url: String,
    pub status: u16,
    pub status_text: String,
    pub ms: f64,
    pub size: usize,
    pub headers: Vec<(String, String)>,
    pub body: std::sync::Arc<String>,
    /// `performance.now()` when the whole body had arrived.
    pub received_at: f64,
}

impl ApiResponse {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
    /// The `Errors[]` of an error answer, when it has them.
    pub fn errors(&self) -> Option<ErrorBody> {
        if self.ok() {
            return None;
        }
        let v: serde_json::Value = serde_json::from_str(&self.body).ok()?;
        let errors: Vec<ApiError> = v["Errors"].as_array()?.iter().map(|e| ApiError { error_code: json::string(e, "ErrorCode"), message: json::string(e, "Message"), data: e["Data"].clone() }).collect();
        (!errors.is_empty()).then_some(ErrorBody { errors })
    }
}

/// Percent-encodes a path segment or query value.
pub fn enc(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

pub fn now_ms() -> f64 {
    leptos::prelude::window().performance().map(|p| p.now()).unwrap_or_else(js_sys::Date::now)
}

fn method_of(name: &str) -> Method {
    match name {
        "POST" => Method::POST,
        "PUT" => Method::PUT,
        "PATCH" => Method::PATCH,
        "DELETE" => Method::DELETE,
        _ => Method::GET,
    }
}

/// Sends one request. `Err` is a network failure (nothing reached the API), worded for people.
pub async fn send(method: &str, url: &str, token: Option<&str>, body: Option<&str>) -> Result<ApiResponse, String> {
    let mut req = RequestBuilder::new(url).method(method_of(method)).header("Accept", "application/json");
    if let Some(t) = token {
        req = req.header("Authorization", &format!("Bearer {t}"));
    }
    let start = now_ms();
    let sent = match body {
        Some(b) => req.header("Content-Type", "application/json").body(b.to_string()).map_err(|e| e.to_string())?.send().await,
        None => req.send().await,
    };
    let res = sent.map_err(|e| format!("Network error: could not reach {url} ({e}). Nothing was changed on screen; check the API address and try again."))?;
    let text = res.text().await.unwrap_or_default();
    let received_at = now_ms();
    let ms = received_at - start;
    Ok(ApiResponse {
        method: method.to_string(),
        url: url.to_string(),
        status: res.status(),
        status_text: res.status_text(),
        ms,
        size: text.len(),
        headers: res.headers().entries().collect(),
        body: std::sync::Arc::new(text),
        received_at,
    })
}

/// `POST {base}/oauth/token` with a form body; answers the token JSON or the API's wording.
pub async fn token_request(base: &str, form: &[(&str, &str)]) -> Result<serde_json::Value, String> {
    let body: String = form
        .iter()
        .map(|(k, v)| format!("{}={}", js_sys::encode_uri_component(k), js_sys::encode_uri_component(v)))
        .collect::<Vec<_>>()
        .join("&");
    let url = format!("{}/oauth/token", base.trim_end_matches('/'));
    let res = RequestBuilder::new(&url)
        .method(Method::POST)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .body(body)
        .map_err(|e| e.to_string())?
        .send()
        .await
        .map_err(|e| format!("Network error: could not reach {url} ({e})."))?;
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    if (200..300).contains(&status) && value["access_token"].is_string() {
        return Ok(value);
    }
    let message = value["Errors"][0]["Message"]
        .as_str()
        .or(value["error_description"].as_str())
        .map(String::from)
        .unwrap_or_else(|| format!("Sign-in failed with HTTP {status}."));
    let code = value["Errors"][0]["ErrorCode"].as_str().or(value["error"].as_str()).unwrap_or("");
    Err(if code.is_empty() { message } else { format!("{message} ({code})") })
}
