//! Test harness: a seeded sandbox on a loopback port with its own database file.
#![allow(dead_code, reason = "each test binary includes this harness and uses only part of it")]
use gatehouse_sandbox::{seed, App};
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;

pub const CLIENT: &str = seed::SHARED_CLIENT_ID;

pub struct Sandbox {
    pub base: String,
    pub app: App,
    pub http: Client,
    pub dir: tempfile::TempDir,
}

pub async fn start() -> Sandbox {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("sandbox.db")).unwrap();
    seed::run(&app).unwrap();
    let base = gatehouse_sandbox::spawn(app.clone()).await.unwrap();
    Sandbox { base, app, http: Client::new(), dir }
}

impl Sandbox {
    pub async fn token_form(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let res = self.http.post(format!("{}/oauth/token", self.base)).form(form).send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn login_full(
        &self,
        client: &str,
        user: &str,
        password: &str,
        scope: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut form =
            vec![("grant_type", "password"), ("client_id", client), ("username", user), ("password", password)];
        if let Some(s) = scope {
            form.push(("scope", s));
        }
        self.token_form(&form).await
    }

    pub async fn login(&self, user: &str, password: &str) -> String {
        let (status, body) = self.login_full(CLIENT, user, password, None).await;
        assert_eq!(status, StatusCode::OK, "login {user}: {body}");
        body["access_token"].as_str().unwrap().to_string()
    }

    pub async fn admin(&self) -> String {
        self.login("admin01", "Gatehouse-Admin1").await
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let url = if path.starts_with("http") { path.to_string() } else { format!("{}/v1{}", self.base, path) };
        let mut req = self.http.request(method, url);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("non-JSON answer {status}: {text}"))
        };
        (status, value)
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }
    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }
    pub async fn put(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }
    pub async fn patch(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, path, Some(token), Some(body)).await
    }
    pub async fn delete(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, path, Some(token), None).await
    }
}

pub fn error_code(v: &Value) -> &str {
    v["Errors"][0]["ErrorCode"].as_str().unwrap_or("")
}

/// Decodes a JWT's payload without verifying it (the test only reads claims).
pub fn claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}
