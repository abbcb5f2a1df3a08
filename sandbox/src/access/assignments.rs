//! Assignments: API clients to buyers / suppliers, security profiles to a party (seller,
//! buyer, supplier, user group, user), and users to user groups. Saving answers 204.
use crate::auth::Caller;
use crate::http::error::{Failure, Result};
use crate::http::list::{self, ListSpec};
use crate::http::JsonBody;
use crate::http::{json_response, Params};
use crate::storage::db;
use crate::storage::roles::SP_ASSIGNMENT_KIND;
use crate::App;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gatehouse_model::error::{codes, ApiError};
use gatehouse_model::resources::{self as res, Kind, UserType};
use gatehouse_model::validate::{self, Mode};
use r2d2_sqlite::rusqlite::Connection;
use serde_json::{json, Map, Value};

pub use crate::storage::roles::API_CLIENT_KIND;

/// Saves an assignment of `kind` under `parent` from its fields (its key computed from them).
pub fn save(
    tx: &r2d2_sqlite::rusqlite::Transaction,
    kind: &str,
    parent: &str,
    data: &serde_json::Map<String, serde_json::Value>,
) -> Result<()> {
    db::save_assignment(tx, kind, parent, &db::assignment_key(data, key_fields(kind)), data)
}

pub fn key_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        API_CLIENT_KIND => &["ApiClientID", "BuyerID", "SupplierID"],
        SP_ASSIGNMENT_KIND => &["SecurityProfileID", "BuyerID", "SupplierID", "UserGroupID", "UserID"],
        _ => &["UserGroupID", "UserID"],
    }
}

use crate::storage::db::text as s;

fn required(fields: &Map<String, Value>, names: &[&str]) -> Result<()> {
    let missing: Vec<ApiError> = names
        .iter()
        .filter(|n| s(fields, n).is_none())
        .map(|n| {
            ApiError::new(codes::VALIDATION, format!("{n} is required."))
                .with_data(json!({"Property": n, "Rule": "Required"}))
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Failure::validation(missing))
    }
}

fn invalid(message: String) -> Failure {
    Failure::validation(vec![ApiError::new(codes::VALIDATION, message)])
}

/// Only the party fields, with empty strings dropped, so equal assignments have equal keys.
fn clean(fields: Map<String, Value>, kind: &str) -> Map<String, Value> {
    key_fields(kind)
        .iter()
        .filter_map(|k| s(&fields, k).map(|v| (k.to_string(), Value::String(v.to_string()))))
        .collect()
}

fn list_response(
    rows: Vec<Map<String, Value>>,
    raw: Option<String>,
    schema: &res::Schema,
    params: &[&str],
) -> Result<Response> {
    let spec = ListSpec { schema, search_on: &[], sort_by: &[], params };
    let q = list::parse(raw.as_deref(), &spec)?;
    Ok(json_response(StatusCode::OK, &list::apply(rows, &q, &spec)))
}

// ---- API client assignments ----

const API_CLIENT_READ: &[&str] = &["ApiClientAdmin", "ApiClientReader"];
const API_CLIENT_WRITE: &[&str] = &["ApiClientAdmin"];

pub async fn list_api_client(app: App, caller: Caller, raw: Option<String>) -> Result<Response> {
    caller.require(API_CLIENT_READ)?;
    caller.seller_only("API client assignments")?;
    let rows = db::assignments(&*app.conn()?, API_CLIENT_KIND, "")?;
    list_response(rows, raw, &res::API_CLIENT_ASSIGNMENT, &[])
}

pub async fn save_api_client(app: App, caller: Caller, body: JsonBody) -> Result<Response> {
    caller.require(API_CLIENT_WRITE)?;
    caller.seller_only("API client assignments")?;
    let value = body.value()?;
    let fields = clean(
        validate::validate(&res::API_CLIENT_ASSIGNMENT, &[], &value, Mode::Full).map_err(Failure::validation)?,
        API_CLIENT_KIND,
    );
    required(&fields, &["ApiClientID"])?;
    match (s(&fields, "BuyerID"), s(&fields, "SupplierID")) {
        (Some(_), Some(_)) | (None, None) => return Err(invalid("Give exactly one of BuyerID and SupplierID.".into())),
        _ => {}
    }
    db::write(&app.pool, |tx| {
        db::must_get(tx, Kind::ApiClient, "", s(&fields, "ApiClientID").unwrap_or(""))?;
        if let Some(b) = s(&fields, "BuyerID") {
            db::must_get(tx, Kind::Buyer, "", b)?;
        }
        if let Some(x) = s(&fields, "SupplierID") {
            db::must_get(tx, Kind::Supplier, "", x)?;
        }
        let key = db::assignment_key(&fields, key_fields(API_CLIENT_KIND));
        db::save_assignment(tx, API_CLIENT_KIND, "", &key, &fields)
    })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn delete_api_client(
    app: App,
    caller: Caller,
    params: Params,
    company_field: &'static str,
) -> Result<Response> {
    caller.require(API_CLIENT_WRITE)?;
    caller.seller_only("API client assignments")?;
    let company_param = if company_field == "BuyerID" { "buyerID" } else { "supplierID" };
    let company = params.get(company_param).cloned().unwrap_or_default();
    let client = params.get("apiClientID").cloned().unwrap_or_default();
    db::write(&app.pool, |tx| {
        db::must_get(tx, if company_field == "BuyerID" { Kind::Buyer } else { Kind::Supplier }, "", &company)?;
        db::must_get(tx, Kind::ApiClient, "", &client)?;
        db::delete_assignments(tx, API_CLIENT_KIND, Some(""), |a| {
            s(a, "ApiClientID") == Some(&client) && s(a, company_field) == Some(&company)
        })
    })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---- security profile assignments ----

const SP_WRITE: &[&str] = &["SecurityProfileAdmin", "SetSecurityProfile"];

pub async fn list_security_profile(app: App, caller: Caller, raw: Option<String>) -> Result<Response> {
    caller.require(SP_WRITE)?;
    caller.seller_only("Security profile assignments")?;
    let pairs = list::pairs(raw.as_deref())?;
    let param = |name: &str| {
        pairs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone()).filter(|v| !v.is_empty())
    };
    let role = param("commerceRole");
    let level = param("level");
    if let Some(r) = &role {
        if !["seller", "buyer", "supplier"].contains(&r.to_ascii_lowercase().as_str()) {
            return Err(Failure::bad_request(
                codes::INVALID_PROPERTY,
                format!("commerceRole must be Seller, Buyer or Supplier (got {r:?})."),
            ));
        }
    }
    if let Some(l) = &level {
        if !["user", "group", "company"].contains(&l.to_ascii_lowercase().as_str()) {
            return Err(Failure::bad_request(
                codes::INVALID_PROPERTY,
                format!("level must be User, Group or Company (got {l:?})."),
            ));
        }
    }
    let rows: Vec<_> = db::assignments(&*app.conn()?, SP_ASSIGNMENT_KIND, "")?
        .into_iter()
        .filter(|a| match role.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("buyer") => s(a, "BuyerID").is_some(),
            Some("supplier") => s(a, "SupplierID").is_some(),
            Some("seller") => s(a, "BuyerID").is_none() && s(a, "SupplierID").is_none(),
            _ => true,
        })
        .filter(|a| match level.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("user") => s(a, "UserID").is_some(),
            Some("group") => s(a, "UserGroupID").is_some(),
            Some("company") => s(a, "UserID").is_none() && s(a, "UserGroupID").is_none(),
            _ => true,
        })
        .collect();
    list_response(rows, raw, &res::SECURITY_PROFILE_ASSIGNMENT, &["commerceRole", "level"])
}

/// Checks that every party an assignment names exists and that it names one coherent party.
fn check_party(conn: &Connection, f: &Map<String, Value>) -> Result<()> {
    let (buyer, supplier, user, group) = (s(f, "BuyerID"), s(f, "SupplierID"), s(f, "UserID"), s(f, "UserGroupID"));
    if buyer.is_some() && supplier.is_some() {
        return Err(invalid("Give at most one of BuyerID and SupplierID.".into()));
    }
    if user.is_some() && group.is_some() {
        return Err(invalid("Give at most one of UserID and UserGroupID.".into()));
    }
    let (t, company) = match (buyer, supplier) {
        (Some(b), _) => {
            db::must_get(conn, Kind::Buyer, "", b)?;
            (UserType::Buyer, b)
        }
        (_, Some(x)) => {
            db::must_get(conn, Kind::Supplier, "", x)?;
            (UserType::Supplier, x)
        }
        _ => (UserType::Admin, ""),
    };
    if let Some(u) = user {
        db::must_get(conn, Kind::user_kind(t), company, u)?;
    }
    if let Some(g) = group {
        db::must_get(conn, Kind::group_kind(t), company, g)?;
    }
    Ok(())
}

pub async fn save_security_profile(app: App, caller: Caller, body: JsonBody) -> Result<Response> {
    caller.require(SP_WRITE)?;
    caller.seller_only("Security profile assignments")?;
    let value = body.value()?;
    let fields = clean(
        validate::validate(&res::SECURITY_PROFILE_ASSIGNMENT, &[], &value, Mode::Full).map_err(Failure::validation)?,
        SP_ASSIGNMENT_KIND,
    );
    required(&fields, &["SecurityProfileID"])?;
    db::write(&app.pool, |tx| {
        let profile = db::must_get(tx, Kind::SecurityProfile, "", s(&fields, "SecurityProfileID").unwrap_or(""))?;
        let roles: Vec<String> = profile
            .data
            .get("Roles")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect();
        caller.may_grant(&roles, &format!("Assigning security profile {}", profile.id))?;
        check_party(tx, &fields)?;
        let key = db::assignment_key(&fields, key_fields(SP_ASSIGNMENT_KIND));
        db::save_assignment(tx, SP_ASSIGNMENT_KIND, "", &key, &fields)
    })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn delete_security_profile(
    app: App,
    caller: Caller,
    params: Params,
    raw: Option<String>,
) -> Result<Response> {
    caller.require(SP_WRITE)?;
    caller.seller_only("Security profile assignments")?;
    let id = params.get("securityProfileID").cloned().unwrap_or_default();
    let pairs = list::pairs(raw.as_deref())?;
    let param = |name: &str| {
        pairs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone()).filter(|v| !v.is_empty())
    };
    let wanted: Vec<(&str, Option<String>)> = vec![
        ("BuyerID", param("buyerID")),
        ("SupplierID", param("supplierID")),
        ("UserID", param("userID")),
        ("UserGroupID", param("userGroupID")),
    ];
    db::write(&app.pool, |tx| {
        db::must_get(tx, Kind::SecurityProfile, "", &id)?;
        db::delete_assignments(tx, SP_ASSIGNMENT_KIND, Some(""), |a| {
            s(a, "SecurityProfileID") == Some(&id) && wanted.iter().all(|(k, v)| s(a, k) == v.as_deref())
        })
    })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---- user group memberships ----

/// (user kind, group kind, company) of a membership route, checked to be the caller's to reach.
fn membership_scope(conn: &Connection, caller: &Caller, t: UserType, params: &Params) -> Result<(Kind, Kind, String)> {
    if t == UserType::Admin {
        caller.seller_only("Admin user groups")?;
    }
    let company = match t {
        UserType::Admin => String::new(),
        UserType::Buyer => params.get("buyerID").cloned().unwrap_or_default(),
        UserType::Supplier => params.get("supplierID").cloned().unwrap_or_default(),
    };
    match t {
        UserType::Admin => {}
        UserType::Buyer | UserType::Supplier => {
            let kind = if t == UserType::Buyer { Kind::Buyer } else { Kind::Supplier };
            let c = db::must_get(conn, kind, "", &company)?;
            if !caller.sees(kind, "", &company, c.seq) {
                return Err(Failure::not_found(kind.def().object_type, &company));
            }
        }
    }
    Ok((Kind::user_kind(t), Kind::group_kind(t), company))
}

pub async fn list_memberships(
    t: UserType,
    app: App,
    caller: Caller,
    params: Params,
    raw: Option<String>,
) -> Result<Response> {
    caller.require(Kind::group_kind(t).def().read_roles)?;
    let conn = app.conn()?;
    let (_, group_kind, company) = membership_scope(&conn, &caller, t, &params)?;
    let rows = db::assignments(&conn, group_kind.key(), &company)?;
    list_response(rows, raw, &res::USER_GROUP_ASSIGNMENT, &[])
}

pub async fn save_membership(
    t: UserType,
    app: App,
    caller: Caller,
    params: Params,
    body: JsonBody,
) -> Result<Response> {
    caller.require(Kind::group_kind(t).def().write_roles)?;
    let value = body.value()?;
    let fields = clean(
        validate::validate(&res::USER_GROUP_ASSIGNMENT, &[], &value, Mode::Full).map_err(Failure::validation)?,
        "group",
    );
    required(&fields, &["UserGroupID", "UserID"])?;
    db::write(&app.pool, |tx| {
        let (user_kind, group_kind, company) = membership_scope(tx, &caller, t, &params)?;
        db::must_get(tx, group_kind, &company, s(&fields, "UserGroupID").unwrap_or(""))?;
        db::must_get(tx, user_kind, &company, s(&fields, "UserID").unwrap_or(""))?;
        let key = db::assignment_key(&fields, key_fields("group"));
        db::save_assignment(tx, group_kind.key(), &company, &key, &fields)
    })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn delete_membership(t: UserType, app: App, caller: Caller, params: Params) -> Result<Response> {
    caller.require(Kind::group_kind(t).def().write_roles)?;
    let group = params.get("userGroupID").cloned().unwrap_or_default();
    let user = params.get("userID").cloned().unwrap_or_default();
    db::write(&app.pool, |tx| {
        let (_, group_kind, company) = membership_scope(tx, &caller, t, &params)?;
        db::must_get(tx, group_kind, &company, &group)?;
        db::delete_assignments(tx, group_kind.key(), Some(&company), |a| {
            s(a, "UserGroupID") == Some(&group) && s(a, "UserID") == Some(&user)
        })
    })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
