//! An account's organizations as contexts: signing in gives one context per organization the
//! account belongs to, labelled with the organization's name, so the context switcher is the
//! organization switcher. Each organization's context is an ordinary marketplace context with
//! its own refresh token.
use super::account::{call, save, Account};
use super::{from_token, Context, Session};
use gatehouse_model::hub;
use gatehouse_model::read;
use leptos::prelude::*;
use serde_json::{json, Value};

/// A context for an organization token answer (`/account/organizations/{id}/token` or a
/// session link's).
pub fn context(base: &str, email: &str, v: &Value) -> Context {
    let mut c = from_token(base, &read::text(v, "ClientID"), None, email, false, v, None);
    c.org = read::text(&v["Organization"], "ID");
    c.org_name = read::text(&v["Organization"], "Name");
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
        token: read::text(&v, "access_token"),
        email: read::text(&v["Account"], "Email"),
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
        open(session, a, &read::text(o, "ID")).await?;
    }
    if items.is_empty() {
        return Err("Signed in. This account belongs to no organization yet: create one.".into());
    }
    Ok(())
}

/// Opens (or refreshes) the context of one organization of the signed-in account.
pub async fn open(session: Session, a: &Account, org: &str) -> Result<(), String> {
    let t = call(&a.base, Some(&a.token), "POST", &(crate::api::item(hub::MY_ORGANIZATIONS, org) + hub::TOKEN), None)
        .await?;
    session.put(context(&a.base, &a.email, &t));
    Ok(())
}
