//! Accounts (a person by email) above the marketplaces: signing in gives one context per
//! organization the account belongs to, labelled with the organization's name, so the context
//! switcher is the organization switcher. The account token itself lives in this tab's
//! sessionStorage only (it creates organizations and accepts invitations); each organization's
//! context is an ordinary marketplace context with its own refresh token.
use super::{Context, Session};
use crate::api;
use crate::json;
use gatehouse_model::hub;
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
    let a =
        Account { base: json::string(&v, "base"), token: json::string(&v, "token"), email: json::string(&v, "email") };
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

/// A context for an organization token answer (`/account/organizations/{id}/token` or a
/// session link's).
pub fn context(base: &str, email: &str, v: &Value) -> Context {
    let mut c = super::from_token(base, &json::string(v, "ClientID"), None, email, false, v, None);
    c.org = json::string(&v["Organization"], "ID");
    c.org_name = json::string(&v["Organization"], "Name");
    c
}

/// Signs an account in (or up, with names): one context per organization it belongs to.
pub async fn sign_in(
    session: Session,
    base: &str,
    email: &str,
    password: &str,
    names: Option<(String, String)>,
) -> Result<(), String> {
    let (path, body) = match names {
        Some((first, last)) => {
            (hub::SIGN_UP, json!({"Email": email, "Password": password, "FirstName": first, "LastName": last}))
        }
        None => (hub::SIGN_IN, json!({"Email": email, "Password": password})),
    };
    let v = call(base, None, "POST", path, Some(body)).await?;
    let account = Account {
        base: base.trim_end_matches('/').into(),
        token: json::string(&v, "access_token"),
        email: json::string(&v["Account"], "Email"),
    };
    save(Some(&account));
    session.account.set(Some(account.clone()));
    open_all(session, &account).await
}

/// Opens a context for every organization of the account (the first becomes the active one);
/// with none, says so.
pub async fn open_all(session: Session, a: &Account) -> Result<(), String> {
    let orgs = call(&a.base, Some(&a.token), "GET", hub::MY_ORGANIZATIONS, None).await?;
    let items = orgs["Items"].as_array().cloned().unwrap_or_default();
    // the first organization is put last, so it is the active one
    for o in items.iter().rev() {
        open(session, a, &json::string(o, "ID")).await?;
    }
    if items.is_empty() {
        return Err("Signed in. This account belongs to no organization yet: create one.".into());
    }
    Ok(())
}

/// Opens (or refreshes) the context of one organization of the signed-in account.
pub async fn open(session: Session, a: &Account, org: &str) -> Result<(), String> {
    let t = call(&a.base, Some(&a.token), "POST", &(crate::data::item(hub::MY_ORGANIZATIONS, org) + hub::TOKEN), None)
        .await?;
    session.put(context(&a.base, &a.email, &t));
    Ok(())
}
