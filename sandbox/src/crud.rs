//! The standard operations of every resource (List, Get, Create, Save, Patch, Delete), driven
//! by the model's resource table, with the rules particular to users, API clients, companies,
//! groups, security profiles and impersonation configs.
use crate::auth::Caller;
use crate::db::{self, Obj};
use crate::error::{Failure, Result};
use crate::list::{self, ListSpec};
use crate::roles;
use crate::App;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gatehouse_model::error::{codes, ApiError};
use gatehouse_model::resources::{Kind, ResourceDef, UserType};
use gatehouse_model::validate::{self, Mode};
use r2d2_sqlite::rusqlite::{Connection, Transaction};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

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

pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// A new random ID: 22 URL-safe characters, or an upper-case GUID for API clients.
pub fn new_id(kind: Kind) -> String {
    use base64::Engine;
    let bytes = crate::keys::random_bytes::<16>();
    if kind == Kind::ApiClient {
        let h: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
        format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
    } else {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }
}

fn check_id(id: &str) -> Result<()> {
    let pattern = gatehouse_model::resources::ID_PATTERN;
    if !(pattern.test)(id) {
        return Err(Failure::validation(vec![validate::pattern_error("ID", id, &pattern)]));
    }
    Ok(())
}

/// The company ('' for the seller) a nested path is under, checked to exist.
fn parent_of(conn: &Connection, def: &ResourceDef, params: &Params) -> Result<String> {
    match (def.parent, def.parent_param()) {
        (Some(kind), Some(param)) => {
            let id = params.get(param).cloned().unwrap_or_default();
            db::must_get(conn, kind, "", &id)?;
            Ok(id)
        }
        _ => Ok(String::new()),
    }
}

fn item_id<'a>(def: &ResourceDef, params: &'a Params) -> &'a str {
    params.get(def.id_param).map(String::as_str).unwrap_or("")
}

/// The object as the API returns it: stored fields plus computed read-only ones.
pub fn present(conn: &Connection, obj: &Obj) -> Result<Value> {
    let mut out = Map::with_capacity(obj.data.len() + 4);
    out.insert("ID".into(), Value::String(obj.id.clone()));
    out.extend(obj.data.iter().map(|(k, v)| (k.clone(), v.clone())));
    let kind = Kind::from_key(&obj.kind);
    if let Some(t) = kind.and_then(Kind::user_type) {
        let (roles, _custom) = roles::available_roles(conn, t, &obj.parent, &obj.id)?;
        out.insert("AvailableRoles".into(), json!(roles));
        out.insert("CompanyID".into(), if t == UserType::Admin { Value::Null } else { Value::String(obj.parent.clone()) });
        out.entry("Locale").or_insert(Value::Null);
        out.entry("FailedLoginAttempts").or_insert(json!(0));
    }
    if kind == Some(Kind::ApiClient) {
        let assigned = db::assignments(conn, crate::assignments::API_CLIENT_KIND, "")?;
        let mine = assigned.iter().filter(|a| a.get("ApiClientID").and_then(Value::as_str) == Some(obj.id.as_str()));
        let (mut b, mut s) = (0, 0);
        for a in mine {
            if a.get("BuyerID").and_then(Value::as_str).is_some_and(|v| !v.is_empty()) { b += 1; }
            if a.get("SupplierID").and_then(Value::as_str).is_some_and(|v| !v.is_empty()) { s += 1; }
        }
        out.insert("AssignedBuyerCount".into(), json!(b));
        out.insert("AssignedSupplierCount".into(), json!(s));
    }
    Ok(Value::Object(out))
}

// ---- operations ----

pub async fn list(def: &'static ResourceDef, app: App, caller: Caller, params: Params, raw: Option<String>) -> Result<Response> {
    caller.require(def.read_roles)?;
    let extra: &[&str] = if def.kind.user_type().is_some() && def.kind != Kind::AdminUser { &["userGroupID"] } else { &[] };
    let spec = ListSpec { schema: def.schema, search_on: def.search_on, sort_by: def.sort_by, params: extra };
    let q = list::parse(raw.as_deref(), &spec)?;
    let conn = app.conn()?;
    let parent = parent_of(&conn, def, &params)?;
    let mut objs = db::list(&conn, def.kind, &parent)?;
    if let Some(group) = q.param("userGroupID") {
        let t = def.kind.user_type().expect("only user lists take userGroupID");
        db::must_get(&conn, Kind::group_kind(t), &parent, group)?;
        let members: Vec<String> = db::assignments(&conn, roles::membership_kind(t), &parent)?
            .into_iter()
            .filter(|a| a.get("UserGroupID").and_then(Value::as_str) == Some(group))
            .filter_map(|a| a.get("UserID").and_then(Value::as_str).map(String::from))
            .collect();
        objs.retain(|o| members.contains(&o.id));
    }
    let mut items = Vec::with_capacity(objs.len());
    for o in &objs {
        if let Value::Object(m) = present(&conn, o)? {
            items.push(m);
        }
    }
    Ok(json_response(StatusCode::OK, &list::apply(items, &q, &spec)))
}

pub async fn get(def: &'static ResourceDef, app: App, caller: Caller, params: Params) -> Result<Response> {
    caller.require(def.read_roles)?;
    let conn = app.conn()?;
    let parent = parent_of(&conn, def, &params)?;
    let obj = db::must_get(&conn, def.kind, &parent, item_id(def, &params))?;
    Ok(json_response(StatusCode::OK, &present(&conn, &obj)?))
}

/// Hashes a password off the async workers (argon2 is deliberately slow).
pub async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || crate::oauth::hash_password(&password)).await.map_err(Failure::internal)?
}

/// Checks the rules particular to a resource on the fields about to be stored, and takes the
/// password out of a user's document (returning it for hashing).
fn prepare(def: &ResourceDef, conn: &Connection, fields: &mut Map<String, Value>) -> Result<Option<String>> {
    let mut problems = Vec::new();
    let mut password = None;
    if let Some(t) = def.kind.user_type() {
        if let Some(Value::String(p)) = fields.remove("Password") {
            if let Some(msg) = t.password_policy().explain(&p) {
                return Err(Failure::validation(vec![ApiError::new(codes::INSECURE_PASSWORD, msg)
                    .with_data(serde_json::to_value(t.password_policy()).unwrap_or_default())]));
            }
            password = Some(p);
        }
        if fields.get("Username").and_then(Value::as_str).is_some_and(|u| u.trim().is_empty()) {
            problems.push(ApiError::new(codes::VALIDATION, "Username cannot be empty.").with_data(json!({"Property": "Username", "Rule": "Required"})));
        }
    }
    if def.kind == Kind::ImpersonationConfig {
        check_impersonation_refs(conn, fields)?;
    }
    if def.kind == Kind::ApiClient {
        if let Some(name) = fields.get("DefaultContextUserName").and_then(Value::as_str).filter(|n| !n.is_empty()) {
            if db::by_username(conn, name)?.is_none() {
                problems.push(ApiError::new(codes::VALIDATION, format!("DefaultContextUserName {name} is not the username of any user."))
                    .with_data(json!({"Property": "DefaultContextUserName", "Rule": "Reference"})));
            }
        }
    }
    if problems.is_empty() { Ok(password) } else { Err(Failure::validation(problems)) }
}


fn check_impersonation_refs(conn: &Connection, f: &Map<String, Value>) -> Result<()> {
    if let Some(id) = db::text(f, "SecurityProfileID") {
        db::must_get(conn, Kind::SecurityProfile, "", id)?;
    }
    if let Some(id) = db::text(f, "ClientID") {
        db::must_get(conn, Kind::ApiClient, "", id)?;
    }
    let imp_buyer = db::text(f, "ImpersonationBuyerID");
    if let Some(b) = imp_buyer {
        db::must_get(conn, Kind::Buyer, "", b)?;
    }
    let (imp_user_kind, imp_group_kind, imp_parent) = match imp_buyer {
        Some(b) => (Kind::BuyerUser, Kind::BuyerUserGroup, b),
        None => (Kind::AdminUser, Kind::AdminUserGroup, ""),
    };
    if let Some(u) = db::text(f, "ImpersonationUserID") {
        db::must_get(conn, imp_user_kind, imp_parent, u)?;
    }
    if let Some(g) = db::text(f, "ImpersonationGroupID") {
        db::must_get(conn, imp_group_kind, imp_parent, g)?;
    }
    if let Some(b) = db::text(f, "BuyerID") {
        db::must_get(conn, Kind::Buyer, "", b)?;
        if let Some(u) = db::text(f, "UserID") {
            db::must_get(conn, Kind::BuyerUser, b, u)?;
        }
        if let Some(g) = db::text(f, "GroupID") {
            db::must_get(conn, Kind::BuyerUserGroup, b, g)?;
        }
    }
    Ok(())
}

const PARTY_FIELDS: &[&str] = &["ImpersonationBuyerID", "ImpersonationGroupID", "ImpersonationUserID", "BuyerID", "GroupID", "UserID", "ClientID"];

/// Refuses a config that grants what another config already grants. `own` are the IDs of the
/// config being written (its new and, when renamed, its old ID): it never conflicts with itself.
fn check_config_conflict(tx: &Transaction, own: &[&str], f: &Map<String, Value>) -> Result<()> {
    for other in db::list(tx, Kind::ImpersonationConfig, "")? {
        if own.contains(&other.id.as_str()) {
            continue;
        }
        if PARTY_FIELDS.iter().all(|k| db::text(&other.data, k) == db::text(f, k)) {
            return Err(Failure::conflict(
                codes::CONFLICTING_CONFIG,
                format!("Impersonation config {} already grants the same impersonator, impersonated party and API client.", other.id),
            )
            .data(json!({"ConflictingConfigID": other.id})));
        }
    }
    Ok(())
}

fn finish_fields(def: &ResourceDef, fields: &mut Map<String, Value>, existing: Option<&Obj>, password_set: bool) {
    fields.remove("ID");
    let has_date_created = def.schema.field("DateCreated").is_some();
    if has_date_created {
        let created = existing.and_then(|o| o.data.get("DateCreated").cloned()).unwrap_or_else(|| Value::String(now_rfc3339()));
        fields.insert("DateCreated".into(), created);
    }
    if def.kind.user_type().is_some() {
        let last_set = if password_set { Value::String(now_rfc3339()) } else { existing.and_then(|o| o.data.get("PasswordLastSetDate").cloned()).unwrap_or(Value::Null) };
        fields.insert("PasswordLastSetDate".into(), last_set);
    }
}

pub async fn create(def: &'static ResourceDef, app: App, caller: Caller, params: Params, body: Bytes) -> Result<Response> {
    caller.require(def.write_roles)?;
    let value = parse_body(&body)?;
    let mut fields = validate::validate(def.schema, def.required, &value, Mode::Full).map_err(Failure::validation)?;
    let id = if def.schema.field("ID").is_some_and(|f| f.read_only) {
        new_id(def.kind)
    } else {
        match fields.get("ID").and_then(Value::as_str).filter(|s| !s.is_empty()) {
            Some(id) => id.to_string(),
            None => new_id(def.kind),
        }
    };
    check_id(&id)?;
    let (parent, password) = {
        let conn = app.conn()?;
        let parent = parent_of(&conn, def, &params)?;
        let password = prepare(def, &conn, &mut fields)?;
        (parent, password)
    };
    let secret = match password {
        Some(p) => Some(hash_password(p).await?),
        None => None,
    };
    finish_fields(def, &mut fields, None, secret.is_some());
    let seq = db::write(&app.pool, |tx| {
        if def.kind == Kind::ImpersonationConfig {
            check_config_conflict(tx, &[&id], &fields)?;
        }
        db::insert(tx, def.kind, &parent, &id, &fields, secret.as_deref())
    })?;
    let conn = app.conn()?;
    let obj = db::by_seq(&conn, seq)?.ok_or_else(|| Failure::internal("created object vanished"))?;
    Ok(json_response(StatusCode::CREATED, &present(&conn, &obj)?))
}

pub async fn save(def: &'static ResourceDef, app: App, caller: Caller, params: Params, body: Bytes) -> Result<Response> {
    write_existing(def, app, caller, params, body, Mode::Full).await
}

pub async fn patch(def: &'static ResourceDef, app: App, caller: Caller, params: Params, body: Bytes) -> Result<Response> {
    write_existing(def, app, caller, params, body, Mode::Partial).await
}

fn merge(target: &mut Map<String, Value>, patch: Map<String, Value>) {
    for (k, v) in patch {
        match (target.get_mut(&k), v) {
            (Some(Value::Object(t)), Value::Object(p)) => merge(t, p),
            (_, v) => {
                target.insert(k, v);
            }
        }
    }
}

async fn write_existing(def: &'static ResourceDef, app: App, caller: Caller, params: Params, body: Bytes, mode: Mode) -> Result<Response> {
    caller.require(def.write_roles)?;
    let value = parse_body(&body)?;
    let mut fields = validate::validate(def.schema, def.required, &value, mode).map_err(Failure::validation)?;
    let uri_id = item_id(def, &params).to_string();
    let (parent, existing, password) = {
        let conn = app.conn()?;
        let parent = parent_of(&conn, def, &params)?;
        let existing = db::get(&conn, def.kind, &parent, &uri_id)?;
        if mode == Mode::Partial && existing.is_none() {
            return Err(Failure::not_found(def.object_type, &uri_id));
        }
        let mut merged = match (&existing, mode) {
            (Some(e), Mode::Partial) => e.data.clone(),
            _ => Map::new(),
        };
        let id_in_body = fields.get("ID").and_then(Value::as_str).filter(|s| !s.is_empty()).map(String::from);
        let read_only_id = def.schema.field("ID").is_some_and(|f| f.read_only);
        merge(&mut merged, std::mem::take(&mut fields));
        let new_id = if read_only_id { uri_id.clone() } else { id_in_body.unwrap_or_else(|| uri_id.clone()) };
        merged.insert("ID".into(), Value::String(new_id));
        let password = prepare(def, &conn, &mut merged)?;
        fields = merged;
        (parent, existing, password)
    };
    let new_id = fields.get("ID").and_then(Value::as_str).unwrap_or(&uri_id).to_string();
    check_id(&new_id)?;
    let secret = match password {
        Some(p) => Some(hash_password(p).await?),
        None => None,
    };
    finish_fields(def, &mut fields, existing.as_ref(), secret.is_some());
    let seq = db::write(&app.pool, |tx| {
        if def.kind == Kind::ImpersonationConfig {
            check_config_conflict(tx, &[&new_id, &uri_id], &fields)?;
        }
        // re-read inside the transaction so a concurrent delete is not resurrected as an update
        match db::get(tx, def.kind, &parent, &uri_id)? {
            Some(current) => {
                db::update(tx, current.seq, def.kind, &new_id, &fields, secret.as_deref())?;
                if new_id != uri_id {
                    rename_references(tx, def.kind, &parent, &uri_id, &new_id)?;
                }
                Ok(current.seq)
            }
            None if mode == Mode::Partial => Err(Failure::not_found(def.object_type, &uri_id)),
            None => db::insert(tx, def.kind, &parent, &new_id, &fields, secret.as_deref()),
        }
    })?;
    let conn = app.conn()?;
    let obj = db::by_seq(&conn, seq)?.ok_or_else(|| Failure::internal("saved object vanished"))?;
    Ok(json_response(StatusCode::OK, &present(&conn, &obj)?))
}

/// Keeps assignments pointing at an object whose ID changed.
fn rename_references(tx: &Transaction, kind: Kind, parent: &str, old: &str, new: &str) -> Result<()> {
    let field = match kind {
        Kind::SecurityProfile => Some(("securityprofile", "SecurityProfileID", None)),
        Kind::AdminUserGroup | Kind::BuyerUserGroup | Kind::SupplierUserGroup => Some((kind.key(), "UserGroupID", Some(parent))),
        Kind::AdminUser => Some(("adminusergroup", "UserID", Some(parent))),
        Kind::BuyerUser => Some(("buyerusergroup", "UserID", Some(parent))),
        Kind::SupplierUser => Some(("supplierusergroup", "UserID", Some(parent))),
        _ => None,
    };
    if let Some((akind, afield, aparent)) = field {
        let rows = match aparent {
            Some(p) => db::assignments(tx, akind, p)?,
            None => db::assignments(tx, akind, "")?,
        };
        for mut a in rows {
            if a.get(afield).and_then(Value::as_str) == Some(old) {
                db::delete_assignments(tx, akind, Some(aparent.unwrap_or("")), |x| x == &a)?;
                a.insert(afield.into(), Value::String(new.into()));
                let key = db::assignment_key(&a, crate::assignments::key_fields(akind));
                db::save_assignment(tx, akind, aparent.unwrap_or(""), &key, &a)?;
            }
        }
    }
    Ok(())
}

pub async fn delete(def: &'static ResourceDef, app: App, caller: Caller, params: Params) -> Result<Response> {
    caller.require(def.write_roles)?;
    let id = item_id(def, &params).to_string();
    db::write(&app.pool, |tx| {
        let parent = parent_of(tx, def, &params)?;
        let obj = db::must_get(tx, def.kind, &parent, &id)?;
        cascade(tx, def.kind, &parent, &id)?;
        db::delete(tx, obj.seq)
    })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// What goes (or what stops a delete) when an object is deleted.
fn cascade(tx: &Transaction, kind: Kind, parent: &str, id: &str) -> Result<()> {
    let is = |m: &Map<String, Value>, k: &str| m.get(k).and_then(Value::as_str) == Some(id);
    match kind {
        Kind::ApiClient => {
            if let Some(cfg) = db::list(tx, Kind::ImpersonationConfig, "")?.into_iter().find(|c| is(&c.data, "ClientID")) {
                return Err(Failure::conflict(
                    codes::USED_BY_IMPERSONATION,
                    format!("API client {id} is used by impersonation config {}; delete or change that config first.", cfg.id),
                )
                .data(json!({"ImpersonationConfigID": cfg.id})));
            }
            db::delete_assignments(tx, crate::assignments::API_CLIENT_KIND, Some(""), |a| is(a, "ApiClientID"))?;
        }
        Kind::SecurityProfile => {
            if let Some(cfg) = db::list(tx, Kind::ImpersonationConfig, "")?.into_iter().find(|c| is(&c.data, "SecurityProfileID")) {
                return Err(Failure::conflict(
                    codes::IMPERSONATION_CONFIG,
                    format!("Security profile {id} is used by impersonation config {}; delete or change that config first.", cfg.id),
                ));
            }
            db::delete_assignments(tx, roles::SP_ASSIGNMENT_KIND, Some(""), |a| is(a, "SecurityProfileID"))?;
        }
        Kind::Buyer | Kind::Supplier => {
            let (users, groups, field) = if kind == Kind::Buyer {
                (Kind::BuyerUser, Kind::BuyerUserGroup, "BuyerID")
            } else {
                (Kind::SupplierUser, Kind::SupplierUserGroup, "SupplierID")
            };
            db::delete_children(tx, &[users, groups], id)?;
            db::delete_assignments(tx, groups.key(), Some(id), |_| true)?;
            db::delete_assignments(tx, roles::SP_ASSIGNMENT_KIND, Some(""), |a| is(a, field))?;
            db::delete_assignments(tx, crate::assignments::API_CLIENT_KIND, Some(""), |a| is(a, field))?;
        }
        Kind::AdminUser | Kind::BuyerUser | Kind::SupplierUser => {
            let t = kind.user_type().expect("user kinds have a user type");
            db::delete_assignments(tx, roles::membership_kind(t), Some(parent), |a| is(a, "UserID"))?;
            db::delete_assignments(tx, roles::SP_ASSIGNMENT_KIND, Some(""), |a| is(a, "UserID") && company_matches(a, t, parent))?;
        }
        Kind::AdminUserGroup | Kind::BuyerUserGroup | Kind::SupplierUserGroup => {
            let t = match kind {
                Kind::AdminUserGroup => UserType::Admin,
                Kind::BuyerUserGroup => UserType::Buyer,
                _ => UserType::Supplier,
            };
            db::delete_assignments(tx, kind.key(), Some(parent), |a| is(a, "UserGroupID"))?;
            db::delete_assignments(tx, roles::SP_ASSIGNMENT_KIND, Some(""), |a| is(a, "UserGroupID") && company_matches(a, t, parent))?;
        }
        Kind::ImpersonationConfig => {}
    }
    Ok(())
}

fn company_matches(a: &Map<String, Value>, t: UserType, company: &str) -> bool {
    let get = |k: &str| a.get(k).and_then(Value::as_str).filter(|v| !v.is_empty());
    match t {
        UserType::Admin => get("BuyerID").is_none() && get("SupplierID").is_none(),
        UserType::Buyer => get("BuyerID") == Some(company),
        UserType::Supplier => get("SupplierID") == Some(company),
    }
}
