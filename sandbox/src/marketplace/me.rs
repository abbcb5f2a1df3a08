//! `GET/PUT/PATCH /me`, and the admin-user extras (revoke tokens, unlock).
use crate::auth::Caller;
use crate::http::error::{Failure, Result};
use crate::http::JsonBody;
use crate::http::{json_response, Params};
use crate::marketplace::crud;
use crate::storage::db;
use crate::App;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gatehouse_model::error::codes;
use gatehouse_model::resources::{self as res, Kind, UserType};
use gatehouse_model::validate::{self, Mode};
use serde_json::{json, Value};

/// An anonymous shopper as `/me` shows it: an identity of its own (named after its order), the
/// roles of its token, its buyer; nothing of the template user it inherits security from.
fn anonymous_value(caller: &Caller) -> Value {
    let order = caller.claims.orderid.clone().unwrap_or_default();
    json!({
        "ID": format!("anon-{order}"), "Username": "", "FirstName": "", "LastName": "", "Email": "",
        "Phone": null, "TermsAccepted": null, "Active": true, "xp": null,
        "AvailableRoles": caller.claims.role, "Locale": null, "DateCreated": null, "PasswordLastSetDate": null,
        "Buyer": {"ID": caller.company}, "Anonymous": true, "OrderID": order,
    })
}

fn me_value(app: &App, caller: &Caller) -> Result<Value> {
    if caller.anonymous {
        return Ok(anonymous_value(caller));
    }
    let conn = app.conn()?;
    let me = db::by_seq(&conn, caller.user_seq)?
        .ok_or_else(|| Failure::unauthorized("The user of this token no longer exists."))?;
    let mut v = crud::present(&conn, &me)?;
    let company = |kind: Kind| -> Result<Value> {
        Ok(match db::get(&conn, kind, "", &me.parent)? {
            Some(c) => {
                json!({"ID": c.id, "DefaultCatalogID": c.data.get("DefaultCatalogID").cloned().unwrap_or(Value::Null)})
            }
            None => Value::Null,
        })
    };
    if let Value::Object(m) = &mut v {
        m.remove("CompanyID");
        match caller.user_type {
            UserType::Admin => {
                m.insert("Seller".into(), json!({"ID": "Marketplace"}));
            }
            UserType::Buyer => {
                m.insert("Buyer".into(), company(Kind::Buyer)?);
            }
            UserType::Supplier => {
                m.insert("Supplier".into(), json!({"ID": me.parent}));
            }
        }
    }
    Ok(v)
}

pub async fn get(app: App, caller: Caller) -> Result<Response> {
    Ok(json_response(StatusCode::OK, &me_value(&app, &caller)?))
}

pub async fn update(app: App, caller: Caller, body: JsonBody, mode: Mode) -> Result<Response> {
    caller.require(&["MeAdmin"])?;
    if caller.anonymous {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            codes::ANONYMOUS_SHOPPER,
            "An anonymous shopper has no profile to change; register the shopper as a user first.",
        ));
    }
    let value = body.value()?;
    // validate against the user schema first, so errors speak of the same fields
    validate::validate(&res::USER, res::Kind::AdminUser.def().required, &value, mode).map_err(Failure::validation)?;
    let (def, params) = {
        let conn = app.conn()?;
        let me = db::by_seq(&conn, caller.user_seq)?
            .ok_or_else(|| Failure::unauthorized("The user of this token no longer exists."))?;
        let kind = Kind::user_kind(caller.user_type);
        let def = kind.def();
        let mut params = Params::new();
        params.insert(def.id_param.to_string(), me.id.clone());
        if let Some(p) = def.parent_param() {
            params.insert(p.to_string(), me.parent.clone());
        }
        (def, params)
    };
    // act with the caller's own rights over their own record
    let mut me_caller = caller.clone();
    me_caller.claims.role.push(gatehouse_model::roles::FULL_ACCESS.into());
    let res = if mode == Mode::Full {
        crud::save(def, app.clone(), me_caller, params, body).await?
    } else {
        crud::patch(def, app.clone(), me_caller, params, body).await?
    };
    if !res.status().is_success() {
        return Ok(res);
    }
    Ok(json_response(StatusCode::OK, &me_value(&app, &caller)?))
}

pub async fn revoke_tokens(app: App, caller: Caller, params: Params) -> Result<Response> {
    caller.require(&["AdminUserAdmin"])?;
    caller.seller_only("Admin users")?;
    let id = params.get("userID").cloned().unwrap_or_default();
    let user = db::must_get(&*app.conn()?, Kind::AdminUser, "", &id)?;
    crate::auth::oauth::revoke_user_tokens(&app, user.seq)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn unlock(app: App, caller: Caller, params: Params) -> Result<Response> {
    caller.require(&["AdminUserAdmin"])?;
    caller.seller_only("Admin users")?;
    let id = params.get("userID").cloned().unwrap_or_default();
    let user = db::must_get(&*app.conn()?, Kind::AdminUser, "", &id)?;
    crate::auth::oauth::unlock_user(&app, user.seq)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
