//! Accounts (a person by email) above the marketplaces: the account token lives in this tab's
//! sessionStorage only (it creates organizations and accepts invitations), and account calls go
//! under `/v1`. Its organizations become contexts in [`super::orgs`].
use crate::api;
use gatehouse_model::read;
use leptos::prelude::*;
use serde_json::{json, Value};

const ACCOUNT: &str = "gatehouse.account";

/// The signed-in account of this tab: API base, account token, email.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub base: String,
    pub token: String,
    pub email: String,
}

pub fn load() -> Option<Account> {
    let s = window().session_storage().ok().flatten()?;
    let v: Value = serde_json::from_str(&s.get_item(ACCOUNT).ok().flatten()?).ok()?;
    let a = Account { base: read::text(&v, "base"), token: read::text(&v, "token"), email: read::text(&v, "email") };
    (!a.token.is_empty()).then_some(a)
}

pub fn save(a: Option<&Account>) {
    if let Some(s) = window().session_storage().ok().flatten() {
        let _ = match a {
            Some(a) => s.set_item(ACCOUNT, &json!({"base": a.base, "token": a.token, "email": a.email}).to_string()),
            None => s.remove_item(ACCOUNT),
        };
    }
}

/// Calls an account endpoint under `/v1` (no token, or the account's); the JSON answer or the
/// API's message.
pub async fn call(
    base: &str,
    token: Option<&str>,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Result<Value, String> {
    let url = format!("{}/v1{path}", base.trim_end_matches('/'));
    let res = api::send(method, &url, token, body.map(|b| b.to_string()).as_deref(), None).await?;
    let v: Value = serde_json::from_str(&res.body).unwrap_or(Value::Null);
    if res.ok() {
        return Ok(v);
    }
    Err(match res.errors().and_then(|b| b.errors.into_iter().next()) {
        Some(e) => format!("{} ({})", e.message, e.error_code),
        None => format!("The API answered {} {}.", res.status, res.status_text),
    })
}
