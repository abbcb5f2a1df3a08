//! An organization's applications (sandbox extension, `/v1/organization/applications`): API
//! credentials of three kinds, each made of the API's own objects so that the raw API and the
//! existing screens show exactly what was created. `APP_x` below is the application's object ID.
//!
//! - **Sales channel**: a public API client (no secret) that lets any buyer in and allows
//!   anonymous shopping as `APP_x-anonymous`, a buyer user of the buyer `APP_x` whose profile
//!   `APP_x` (assigned to that buyer) holds shopper roles only.
//! - **Integration**: a confidential API client (secret shown once, rotatable) for client
//!   credentials, acting as the admin user `APP_x-integration` whose profile `APP_x` holds every
//!   reader role (Read-only) or FullAccess (Admin).
//! - **Webapp**: an API client for seller users with no roles and no user of its own: its tokens
//!   carry the roles of whoever signs in through it.
use super::routes::{admin, member, Body};
use super::rules::*;
use crate::auth::Caller;
use crate::http::error::{Failure, Result};
use crate::http::json_response;
use crate::http::JsonBody;
use crate::storage::db;
use crate::storage::roles::SP_ASSIGNMENT_KIND;
use crate::App;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gatehouse_model::resources::Kind;
use r2d2_sqlite::rusqlite::params;
use serde_json::{json, Value};

pub const SALES_CHANNEL: &str = "SalesChannel";
pub const INTEGRATION: &str = "Integration";
pub const WEBAPP: &str = "Webapp";
pub const READ_ONLY: &str = "ReadOnly";

/// A sales channel's shoppers: their own orders, addresses and cards, nothing of the seller's.
pub const SHOPPER_ROLES: &[&str] = &["Shopper", "MeAdmin", "MeAddressAdmin", "MeXpAdmin", "MeCreditCardAdmin"];

/// Every role that only reads.
pub fn reader_roles() -> Vec<&'static str> {
    gatehouse_model::roles::ALL_ROLES.iter().copied().filter(|r| r.ends_with("Reader")).collect()
}

struct Stored {
    client_id: String,
    kind: String,
    role: Option<String>,
    object_id: String,
    created_ms: i64,
}

fn stored(app: &App) -> Result<Vec<Stored>> {
    let conn = app.conn()?;
    let mut st =
        conn.prepare("SELECT client_id, kind, role, object_id, created_ms FROM applications ORDER BY created_ms")?;
    let rows = st.query_map([], |r| {
        Ok(Stored {
            client_id: r.get(0)?,
            kind: r.get(1)?,
            role: r.get(2)?,
            object_id: r.get(3)?,
            created_ms: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<r2d2_sqlite::rusqlite::Result<Vec<_>>>()?)
}

fn one(app: &App, client_id: &str) -> Result<Stored> {
    stored(app)?
        .into_iter()
        .find(|s| s.client_id == client_id)
        .ok_or_else(|| Failure::not_found("Application", client_id))
}

/// The token request each kind makes, as form fields of `POST /oauth/token` (the secret only
/// when it is being shown).
fn token_request(s: &Stored, secret: Option<&str>) -> Value {
    match s.kind.as_str() {
        SALES_CHANNEL => json!({"grant_type": "client_credentials", "client_id": s.client_id}),
        INTEGRATION => {
            json!({"grant_type": "client_credentials", "client_id": s.client_id, "client_secret": secret.unwrap_or("<client secret>")})
        }
        _ => {
            json!({"grant_type": "password", "client_id": s.client_id, "username": "<username>", "password": "<password>"})
        }
    }
}

fn value(app: &App, s: &Stored, secret: Option<&str>) -> Result<Value> {
    let client = db::get(&*app.conn()?, Kind::ApiClient, "", &s.client_id)?;
    let name = client.as_ref().and_then(|c| c.data.get("AppName").cloned()).unwrap_or(Value::Null);
    let mut v = json!({
        "ID": s.client_id, "ClientID": s.client_id, "Kind": s.kind, "Name": name, "Role": s.role,
        "Confidential": s.kind == INTEGRATION, "ObjectID": s.object_id, "DateCreated": rfc3339(s.created_ms),
        "ClientMissing": client.is_none(), "TokenRequest": token_request(s, secret),
    });
    if let Some(secret) = secret {
        v["ClientSecret"] = json!(secret);
    }
    Ok(v)
}

pub async fn list(c: Caller) -> Result<Response> {
    member(&c)?;
    let items = stored(&c.app)?.iter().map(|s| value(&c.app, s, None)).collect::<Result<Vec<_>>>()?;
    Ok(json_response(StatusCode::OK, &crate::http::list::page_of(items)))
}

pub async fn get(c: Caller, id: String) -> Result<Response> {
    member(&c)?;
    let s = one(&c.app, &id)?;
    Ok(json_response(StatusCode::OK, &value(&c.app, &s, None)?))
}

fn new_secret() -> String {
    random_code::<32>()
}

/// `POST /v1/organization/applications` `{"Kind", "Name", "Role"}` (Admin). The answer shows an
/// integration's secret, once.
pub async fn create(c: Caller, bytes: JsonBody) -> Result<Response> {
    admin(&c, "create applications")?;
    let mut b = Body::parse(&bytes)?;
    let kind = b.text("Kind", true, 20);
    let name = b.text("Name", true, 100);
    let role = b.text("Role", false, 20);
    if let Some(k) = &kind {
        if ![SALES_CHANNEL, INTEGRATION, WEBAPP].contains(&k.as_str()) {
            b.fail("Kind", "OneOf", format!("Kind must be {SALES_CHANNEL}, {INTEGRATION} or {WEBAPP}, not {k}."));
        }
    }
    match (kind.as_deref(), role.as_deref()) {
        (Some(INTEGRATION), None) => {
            b.fail("Role", "Required", format!("An integration needs a Role: {READ_ONLY} or Admin."))
        }
        (Some(INTEGRATION), Some(r)) if r != READ_ONLY && r != ADMIN => {
            b.fail("Role", "OneOf", format!("Role must be {READ_ONLY} or Admin, not {r}."))
        }
        (Some(SALES_CHANNEL | WEBAPP), Some(_)) => b.fail(
            "Role",
            "NotAllowed",
            "Only integrations have a Role: sales channels have shopper roles, webapps the signed-in user's.".into(),
        ),
        _ => {}
    }
    b.finish()?;
    let (Some(kind), Some(name)) = (kind, name) else { return Err(Failure::internal("checked fields missing")) };
    let client_id = crate::storage::id::new_id(Kind::ApiClient);
    let object_id = format!("APP_{}", &client_id.replace('-', "")[..12]);
    crate::storage::clients::claim_client(&c.app, &client_id)?;
    let secret = (kind == INTEGRATION).then(new_secret);
    let now = crate::storage::clock::now_rfc3339();
    db::write(&c.app.pool, |tx| {
        let mut client = db::obj(json!({
            "AppName": name, "Active": true, "AccessTokenDuration": 600, "RefreshTokenDuration": 0,
            "AllowSeller": false, "AllowAnyBuyer": false, "AllowAnySupplier": false, "IsAnonBuyer": false, "DateCreated": now,
        }));
        let assign = |tx: &r2d2_sqlite::rusqlite::Transaction, data: Value| {
            crate::access::assignments::save(tx, SP_ASSIGNMENT_KIND, "", &db::obj(data))
        };
        match kind.as_str() {
            SALES_CHANNEL => {
                let username = format!("{object_id}-anonymous");
                db::insert(
                    tx,
                    Kind::Buyer,
                    "",
                    &object_id,
                    &db::obj(json!({"Name": format!("{name} shoppers"), "Active": true, "DateCreated": now})),
                    None,
                )?;
                db::insert(
                    tx,
                    Kind::BuyerUser,
                    &object_id,
                    &format!("{object_id}-anonymous"),
                    &db::obj(json!({
                    "Username": username, "FirstName": "Anonymous", "LastName": "Shopper", "Email": "", "Active": true,
                    "DateCreated": now, "PasswordLastSetDate": null})),
                    None,
                )?;
                db::insert(
                    tx,
                    Kind::SecurityProfile,
                    "",
                    &object_id,
                    &db::obj(
                        json!({"Name": format!("{name} (sales channel)"), "Roles": SHOPPER_ROLES, "CustomRoles": []}),
                    ),
                    None,
                )?;
                assign(tx, json!({"SecurityProfileID": object_id, "BuyerID": object_id}))?;
                client.insert("AllowAnyBuyer".into(), json!(true));
                client.insert("IsAnonBuyer".into(), json!(true));
                client.insert("RefreshTokenDuration".into(), json!(43200));
                client.insert("DefaultContextUserName".into(), json!(username));
            }
            INTEGRATION => {
                let username = format!("{object_id}-integration");
                db::insert(
                    tx,
                    Kind::AdminUser,
                    "",
                    &username,
                    &db::obj(json!({
                    "Username": username, "FirstName": name, "LastName": "(integration)", "Email": "", "Active": true,
                    "DateCreated": now, "PasswordLastSetDate": null})),
                    None,
                )?;
                let roles: Vec<&str> = if role.as_deref() == Some(ADMIN) { vec!["FullAccess"] } else { reader_roles() };
                db::insert(
                    tx,
                    Kind::SecurityProfile,
                    "",
                    &object_id,
                    &db::obj(json!({"Name": format!("{name} (integration)"), "Roles": roles, "CustomRoles": []})),
                    None,
                )?;
                assign(tx, json!({"SecurityProfileID": object_id, "UserID": username}))?;
                client.insert("AllowSeller".into(), json!(true));
                client.insert("ClientSecret".into(), json!(secret));
                client.insert("DefaultContextUserName".into(), json!(username));
            }
            _ => {
                client.insert("AllowSeller".into(), json!(true));
                client.insert("RefreshTokenDuration".into(), json!(43200));
            }
        }
        db::insert(tx, Kind::ApiClient, "", &client_id, &client, None)?;
        tx.execute(
            "INSERT INTO applications (client_id, kind, role, object_id, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![client_id, kind, role, object_id, now_ms()],
        )?;
        Ok(())
    })?;
    let s = one(&c.app, &client_id)?;
    Ok(json_response(StatusCode::CREATED, &value(&c.app, &s, secret.as_deref())?))
}

/// `PATCH /v1/organization/applications/{id}` `{"Name"}` (Admin): renames the API client.
pub async fn rename(c: Caller, id: String, bytes: JsonBody) -> Result<Response> {
    admin(&c, "rename applications")?;
    let mut b = Body::parse(&bytes)?;
    let name = b.text("Name", true, 100);
    b.finish()?;
    let name = name.ok_or_else(|| Failure::internal("checked fields missing"))?;
    let s = one(&c.app, &id)?;
    db::write(&c.app.pool, |tx| {
        let mut client = db::must_get(tx, Kind::ApiClient, "", &s.client_id)?;
        client.data.insert("AppName".into(), json!(name));
        db::update(tx, client.seq, Kind::ApiClient, &client.id, &client.data, None)
    })?;
    Ok(json_response(StatusCode::OK, &value(&c.app, &s, None)?))
}

/// `POST /v1/organization/applications/{id}/secret` (Admin, integrations): a new secret, shown
/// once; the old one stops working and the tokens issued with it are refused.
pub async fn rotate(c: Caller, id: String) -> Result<Response> {
    admin(&c, "rotate secrets")?;
    let s = one(&c.app, &id)?;
    if s.kind != INTEGRATION {
        return Err(Failure::bad_request(
            "Application.NoSecret",
            format!(
                "{} application has no secret to rotate; only integrations are confidential.",
                if s.kind == SALES_CHANNEL { "A sales channel" } else { "A webapp" }
            ),
        ));
    }
    let secret = new_secret();
    let user_seq = db::write(&c.app.pool, |tx| {
        let mut client = db::must_get(tx, Kind::ApiClient, "", &s.client_id)?;
        client.data.insert("ClientSecret".into(), json!(secret));
        db::update(tx, client.seq, Kind::ApiClient, &client.id, &client.data, None)?;
        Ok(db::get(tx, Kind::AdminUser, "", &format!("{}-integration", s.object_id))?.map(|u| u.seq))
    })?;
    if let Some(seq) = user_seq {
        crate::auth::oauth::revoke_user_tokens(&c.app, seq)?;
    }
    Ok(json_response(StatusCode::OK, &value(&c.app, &s, Some(&secret))?))
}

/// `DELETE /v1/organization/applications/{id}` (Admin): the API client and every object made for
/// it go; tokens issued through it are refused at once.
pub async fn delete(c: Caller, id: String) -> Result<Response> {
    admin(&c, "delete applications")?;
    let s = one(&c.app, &id)?;
    let users = db::write(&c.app.pool, |tx| {
        let mut users = Vec::new();
        if let Some(client) = db::get(tx, Kind::ApiClient, "", &s.client_id)? {
            crate::storage::store::cascade(tx, Kind::ApiClient, "", &client.id)?;
            db::delete(tx, client.seq)?;
        }
        let integration_user = format!("{}-integration", s.object_id);
        if let Some(u) = db::get(tx, Kind::AdminUser, "", &integration_user)? {
            crate::storage::store::cascade(tx, Kind::AdminUser, "", &u.id)?;
            db::delete(tx, u.seq)?;
            users.push(u.seq);
        }
        if let Some(p) = db::get(tx, Kind::SecurityProfile, "", &s.object_id)? {
            crate::storage::store::cascade(tx, Kind::SecurityProfile, "", &p.id)?;
            db::delete(tx, p.seq)?;
        }
        if let Some(b) = db::get(tx, Kind::Buyer, "", &s.object_id)? {
            users.extend(db::list(tx, Kind::BuyerUser, &b.id)?.iter().map(|u| u.seq));
            crate::storage::store::cascade(tx, Kind::Buyer, "", &b.id)?;
            db::delete(tx, b.seq)?;
        }
        tx.execute("DELETE FROM applications WHERE client_id = ?1", params![s.client_id])?;
        Ok(users)
    })?;
    crate::storage::clients::release_client(&c.app, &s.client_id)?;
    for seq in users {
        crate::auth::oauth::revoke_user_tokens(&c.app, seq)?;
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
