//! The standard operations of every resource (List, Get, Create, Save, Patch, Delete), driven
//! by the model's resource table, with the rules particular to users, API clients, companies,
//! groups, security profiles and impersonation configs.
use crate::auth::Caller;
use crate::http::error::{Failure, Result};
use crate::http::list::{self, ListSpec};
use crate::http::JsonBody;
use crate::http::{json_response, Params};
use crate::storage::clock::now_rfc3339;
use crate::storage::db::{self, Obj};
use crate::storage::id::new_id;
use crate::storage::roles;
use crate::storage::store::cascade;
use crate::App;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gatehouse_model::error::{codes, ApiError};
use gatehouse_model::resources::{Kind, ResourceDef, UserType};
use gatehouse_model::validate::{self, Mode};
use r2d2_sqlite::rusqlite::{Connection, Transaction};
use serde_json::{json, Map, Value};

fn check_id(id: &str) -> Result<()> {
    let pattern = gatehouse_model::resources::ID_PATTERN;
    if !(pattern.test)(id) {
        return Err(Failure::validation(vec![validate::pattern_error("ID", id, &pattern)]));
    }
    Ok(())
}

/// The company ('' for the seller) a nested path is under, checked to exist and to be one the
/// caller may reach (another company's answers 404, revealing nothing).
fn parent_of(conn: &Connection, def: &ResourceDef, params: &Params, caller: &Caller) -> Result<String> {
    match (def.parent, def.parent_param()) {
        (Some(kind), Some(param)) => {
            let id = params.get(param).cloned().unwrap_or_default();
            let company = db::must_get(conn, kind, "", &id)?;
            if !caller.sees(kind, "", &id, company.seq) {
                return Err(Failure::not_found(kind.def().object_type, &id));
            }
            Ok(id)
        }
        _ => Ok(String::new()),
    }
}

/// Refuses buyer and supplier users on resources that belong to the seller.
fn check_scope(caller: &Caller, def: &ResourceDef) -> Result<()> {
    if def.parent.is_none() && !matches!(def.kind, Kind::Buyer | Kind::Supplier) {
        caller.seller_only(&format!("{}s", def.noun))?;
    }
    Ok(())
}

/// Like `db::get`, but an object the caller may not see is not there.
fn get_seen(conn: &Connection, caller: &Caller, kind: Kind, parent: &str, id: &str) -> Result<Option<Obj>> {
    Ok(db::get(conn, kind, parent, id)?.filter(|o| caller.sees(kind, parent, id, o.seq)))
}

fn item_id<'a>(def: &ResourceDef, params: &'a Params) -> &'a str {
    params.get(def.id_param).map(String::as_str).unwrap_or("")
}

/// The object as the API returns it: stored fields plus computed read-only ones.
pub fn present(conn: &Connection, obj: &Obj) -> Result<Value> {
    present_with(conn, obj, &mut None)
}

/// Like `present`; the users' roles resolved with `resolver` (read at the first user, then
/// reused: a list reads the profiles and assignments once).
fn present_with(conn: &Connection, obj: &Obj, resolver: &mut Option<roles::Resolver>) -> Result<Value> {
    let mut out = Map::with_capacity(obj.data.len() + 4);
    out.insert("ID".into(), Value::String(obj.id.clone()));
    out.extend(obj.data.iter().map(|(k, v)| (k.clone(), v.clone())));
    let kind = Kind::from_key(&obj.kind);
    if let Some(t) = kind.and_then(Kind::user_type) {
        let resolver = match resolver {
            Some(r) => r,
            None => resolver.insert(roles::Resolver::load(conn)?),
        };
        let (roles, _custom) = resolver.available_roles(conn, t, &obj.parent, &obj.id)?;
        out.insert("AvailableRoles".into(), json!(roles));
        out.insert(
            "CompanyID".into(),
            if t == UserType::Admin { Value::Null } else { Value::String(obj.parent.clone()) },
        );
        out.entry("Locale").or_insert(Value::Null);
        out.entry("FailedLoginAttempts").or_insert(json!(0));
    }
    if kind == Some(Kind::ApiClient) {
        let assigned = db::assignments(conn, crate::storage::roles::API_CLIENT_KIND, "")?;
        let mine = assigned.iter().filter(|a| a.get("ApiClientID").and_then(Value::as_str) == Some(obj.id.as_str()));
        let (mut b, mut s) = (0, 0);
        for a in mine {
            if a.get("BuyerID").and_then(Value::as_str).is_some_and(|v| !v.is_empty()) {
                b += 1;
            }
            if a.get("SupplierID").and_then(Value::as_str).is_some_and(|v| !v.is_empty()) {
                s += 1;
            }
        }
        out.insert("AssignedBuyerCount".into(), json!(b));
        out.insert("AssignedSupplierCount".into(), json!(s));
    }
    Ok(Value::Object(out))
}

// ---- operations ----

pub async fn list(
    def: &'static ResourceDef,
    app: App,
    caller: Caller,
    params: Params,
    raw: Option<String>,
) -> Result<Response> {
    caller.require(def.read_roles)?;
    check_scope(&caller, def)?;
    let extra: &[&str] =
        if def.kind.user_type().is_some() && def.kind != Kind::AdminUser { &["userGroupID"] } else { &[] };
    let spec = ListSpec { schema: def.schema, search_on: def.search_on, sort_by: def.sort_by, params: extra };
    let q = list::parse(raw.as_deref(), &spec)?;
    let conn = app.conn()?;
    let parent = parent_of(&conn, def, &params, &caller)?;
    let mut objs = db::list(&conn, def.kind, &parent)?;
    objs.retain(|o| caller.sees(def.kind, &o.parent, &o.id, o.seq));
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
    let mut resolver = None;
    for o in &objs {
        if let Value::Object(m) = present_with(&conn, o, &mut resolver)? {
            items.push(m);
        }
    }
    Ok(json_response(StatusCode::OK, &list::apply(items, &q, &spec)))
}

pub async fn get(def: &'static ResourceDef, app: App, caller: Caller, params: Params) -> Result<Response> {
    caller.require(def.read_roles)?;
    check_scope(&caller, def)?;
    let conn = app.conn()?;
    let parent = parent_of(&conn, def, &params, &caller)?;
    let id = item_id(def, &params);
    let obj =
        get_seen(&conn, &caller, def.kind, &parent, id)?.ok_or_else(|| Failure::not_found(def.object_type, id))?;
    Ok(json_response(StatusCode::OK, &present(&conn, &obj)?))
}

/// Takes a new password out of a user's fields, checked against the user type's policy, and
/// hashes it (off the async workers, with no database connection held).
async fn take_password(app: &App, def: &ResourceDef, fields: &mut Map<String, Value>) -> Result<Option<String>> {
    let Some(t) = def.kind.user_type() else { return Ok(None) };
    let Some(Value::String(p)) = fields.remove("Password") else { return Ok(None) };
    if let Some(msg) = t.password_policy().explain(&p) {
        return Err(Failure::validation(vec![ApiError::new(codes::INSECURE_PASSWORD, msg)
            .with_data(serde_json::to_value(t.password_policy()).unwrap_or_default())]));
    }
    Ok(Some(crate::auth::oauth::hash_password_async(app, p).await?))
}

/// The roles a security profile would grant once written, or that an impersonation config
/// would give its impersonators (its profile's).
fn granted_roles(conn: &Connection, def: &ResourceDef, fields: &Map<String, Value>) -> Result<Vec<String>> {
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(String::from).collect()
    };
    Ok(match def.kind {
        Kind::SecurityProfile => strings(fields.get("Roles")),
        Kind::ImpersonationConfig => match db::text(fields, "SecurityProfileID") {
            Some(id) => {
                db::get(conn, Kind::SecurityProfile, "", id)?.map(|p| strings(p.data.get("Roles"))).unwrap_or_default()
            }
            None => Vec::new(),
        },
        _ => Vec::new(),
    })
}

/// Checks the rules particular to a resource on the fields about to be stored.
fn prepare(def: &ResourceDef, conn: &Connection, fields: &mut Map<String, Value>) -> Result<()> {
    let mut problems = Vec::new();
    if def.kind.user_type().is_some() {
        match fields.get("Username").and_then(Value::as_str) {
            Some(u) if u.trim().is_empty() => {
                problems.push(
                    ApiError::new(codes::VALIDATION, "Username cannot be empty.")
                        .with_data(json!({"Property": "Username", "Rule": "Required"})),
                );
            }
            Some(u) if u.trim() != u => {
                problems.push(
                    ApiError::new(codes::VALIDATION, "Username cannot begin or end with spaces.")
                        .with_data(json!({"Property": "Username", "Rule": "Format"})),
                );
            }
            _ => {}
        }
    }
    if def.kind == Kind::SecurityProfile {
        let custom =
            fields.get("CustomRoles").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str);
        for r in custom.filter(|r| gatehouse_model::roles::is_role(r)) {
            problems.push(
                ApiError::new(
                    codes::VALIDATION,
                    format!("CustomRoles cannot hold {r}: it is an API role; put it in Roles."),
                )
                .with_data(json!({"Property": "CustomRoles", "Rule": "NotAnApiRole"})),
            );
        }
    }
    if def.kind == Kind::ImpersonationConfig {
        check_impersonation_refs(conn, fields)?;
    }
    if def.kind == Kind::ApiClient {
        if let Some(name) = fields.get("DefaultContextUserName").and_then(Value::as_str).filter(|n| !n.is_empty()) {
            if db::by_username(conn, name)?.is_none() {
                problems.push(
                    ApiError::new(
                        codes::VALIDATION,
                        format!("DefaultContextUserName {name} is not the username of any user."),
                    )
                    .with_data(json!({"Property": "DefaultContextUserName", "Rule": "Reference"})),
                );
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::validation(problems))
    }
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

const PARTY_FIELDS: &[&str] = &[
    "ImpersonationBuyerID",
    "ImpersonationGroupID",
    "ImpersonationUserID",
    "BuyerID",
    "GroupID",
    "UserID",
    "ClientID",
];

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
                format!(
                    "Impersonation config {} already grants the same impersonator, impersonated party and API client.",
                    other.id
                ),
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
        let created =
            existing.and_then(|o| o.data.get("DateCreated").cloned()).unwrap_or_else(|| Value::String(now_rfc3339()));
        fields.insert("DateCreated".into(), created);
    }
    if def.kind.user_type().is_some() {
        let last_set = if password_set {
            Value::String(now_rfc3339())
        } else {
            existing.and_then(|o| o.data.get("PasswordLastSetDate").cloned()).unwrap_or(Value::Null)
        };
        fields.insert("PasswordLastSetDate".into(), last_set);
    }
}

pub async fn create(
    def: &'static ResourceDef,
    app: App,
    caller: Caller,
    params: Params,
    body: JsonBody,
) -> Result<Response> {
    caller.require(def.write_roles)?;
    check_scope(&caller, def)?;
    let value = body.value()?;
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
    if def.kind == Kind::ApiClient {
        crate::storage::clients::claim_client(&app, &id)?;
    }
    let secret = take_password(&app, def, &mut fields).await?;
    finish_fields(def, &mut fields, None, secret.is_some());
    let seq = db::write(&app.pool, |tx| {
        let parent = parent_of(tx, def, &params, &caller)?;
        if !caller.sees(def.kind, &parent, &id, 0) {
            return Err(outside_company(&caller, def));
        }
        prepare(def, tx, &mut fields)?;
        caller.may_grant(&granted_roles(tx, def, &fields)?, &format!("This {}", def.noun))?;
        if def.kind == Kind::ImpersonationConfig {
            check_config_conflict(tx, &[&id], &fields)?;
        }
        db::insert(tx, def.kind, &parent, &id, &fields, secret.as_deref())
    })?;
    let conn = app.conn()?;
    let obj = db::by_seq(&conn, seq)?.ok_or_else(|| Failure::internal("created object vanished"))?;
    Ok(json_response(StatusCode::CREATED, &present(&conn, &obj)?))
}

/// A buyer or supplier user creating a company other than its own.
fn outside_company(caller: &Caller, def: &ResourceDef) -> Failure {
    Failure::new(
        StatusCode::FORBIDDEN,
        codes::OUTSIDE_COMPANY,
        format!(
            "{} users work only inside their own company; they cannot create another {}.",
            caller.user_type.as_str(),
            def.noun
        ),
    )
}

pub async fn save(
    def: &'static ResourceDef,
    app: App,
    caller: Caller,
    params: Params,
    body: JsonBody,
) -> Result<Response> {
    write_existing(def, app, caller, params, body, Mode::Full).await
}

pub async fn patch(
    def: &'static ResourceDef,
    app: App,
    caller: Caller,
    params: Params,
    body: JsonBody,
) -> Result<Response> {
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

/// Fields an impersonation token may not change on the user it acts as.
const OWN_CREDENTIALS: &[&str] = &["ID", "Username", "Password", "Active"];

async fn write_existing(
    def: &'static ResourceDef,
    app: App,
    caller: Caller,
    params: Params,
    body: JsonBody,
    mode: Mode,
) -> Result<Response> {
    caller.require(def.write_roles)?;
    check_scope(&caller, def)?;
    let value = body.value()?;
    let mut fields = validate::validate(def.schema, def.required, &value, mode).map_err(Failure::validation)?;
    let uri_id = item_id(def, &params).to_string();
    if def.kind == Kind::ApiClient {
        // a PUT may create the client: its ID must not be another organization's
        crate::storage::clients::claim_client(&app, &uri_id)?;
    }
    let password_given = fields.contains_key("Password");
    let secret = take_password(&app, def, &mut fields).await?;
    // read, merge and write in one transaction: concurrent writes never lose each other's fields
    let seq = db::write(&app.pool, |tx| {
        let parent = parent_of(tx, def, &params, &caller)?;
        let existing = get_seen(tx, &caller, def.kind, &parent, &uri_id)?;
        if existing.is_none() && (mode == Mode::Partial || db::get(tx, def.kind, &parent, &uri_id)?.is_some()) {
            return Err(Failure::not_found(def.object_type, &uri_id));
        }
        if let Some(e) = &existing {
            if caller.impersonator.is_some() && e.seq == caller.user_seq {
                let changes = |f: &str| match f {
                    "Password" => password_given,
                    "ID" => fields.get("ID").and_then(Value::as_str).is_some_and(|v| !v.is_empty() && v != uri_id),
                    _ => fields.get(f).is_some_and(|v| e.data.get(f) != Some(v)),
                };
                if let Some(f) = OWN_CREDENTIALS.iter().find(|f| changes(f)) {
                    return Err(Failure::new(
                        StatusCode::FORBIDDEN,
                        codes::IMPERSONATION_RESTRICTED,
                        format!("An impersonation token cannot change the {f} of the user it acts as; only the user or an administrator can."),
                    ));
                }
            }
        }
        let mut merged = match (&existing, mode) {
            (Some(e), Mode::Partial) => e.data.clone(),
            _ => Map::new(),
        };
        let id_in_body = fields.get("ID").and_then(Value::as_str).filter(|s| !s.is_empty()).map(String::from);
        let read_only_id = def.schema.field("ID").is_some_and(|f| f.read_only);
        merge(&mut merged, std::mem::take(&mut fields));
        let new_id = if read_only_id { uri_id.clone() } else { id_in_body.unwrap_or_else(|| uri_id.clone()) };
        check_id(&new_id)?;
        if existing.is_none() && !caller.sees(def.kind, &parent, &new_id, 0) {
            return Err(outside_company(&caller, def));
        }
        merged.insert("ID".into(), Value::String(new_id.clone()));
        prepare(def, tx, &mut merged)?;
        caller.may_grant(&granted_roles(tx, def, &merged)?, &format!("This {}", def.noun))?;
        finish_fields(def, &mut merged, existing.as_ref(), secret.is_some());
        if def.kind == Kind::ImpersonationConfig {
            check_config_conflict(tx, &[&new_id, &uri_id], &merged)?;
        }
        match &existing {
            Some(current) => {
                db::update(tx, current.seq, def.kind, &new_id, &merged, secret.as_deref())?;
                if new_id != uri_id {
                    rename_references(tx, def.kind, &parent, &uri_id, &new_id)?;
                }
                let (old_name, new_name) = (
                    current.data.get("Username").and_then(Value::as_str),
                    merged.get("Username").and_then(Value::as_str),
                );
                if let (Some(old), Some(new)) = (old_name, new_name) {
                    if old != new {
                        rename_default_context_user(tx, old, new)?;
                    }
                }
                Ok(current.seq)
            }
            None => db::insert(tx, def.kind, &parent, &new_id, &merged, secret.as_deref()),
        }
    })?;
    let conn = app.conn()?;
    let obj = db::by_seq(&conn, seq)?.ok_or_else(|| Failure::internal("saved object vanished"))?;
    Ok(json_response(StatusCode::OK, &present(&conn, &obj)?))
}

/// Carries every reference to an object whose ID changed: profile assignments, group
/// memberships, client assignments, impersonation configs and, for a company, its users and
/// groups. Nothing keeps pointing at the old ID, so whoever takes it next inherits nothing.
fn rename_references(tx: &Transaction, kind: Kind, parent: &str, old: &str, new: &str) -> Result<()> {
    use crate::access::assignments::{key_fields, API_CLIENT_KIND};
    let sp = roles::SP_ASSIGNMENT_KIND;
    // (field, value) pairs naming the company of a user or group: (BuyerID, b) etc.
    let company_field = match kind.def().parent {
        Some(Kind::Buyer) => Some("BuyerID"),
        Some(Kind::Supplier) => Some("SupplierID"),
        _ => None,
    };
    let in_company = |a: &Map<String, Value>| -> bool {
        match company_field {
            Some(f) => db::text(a, f) == Some(parent),
            None => db::text(a, "BuyerID").is_none() && db::text(a, "SupplierID").is_none(),
        }
    };
    // rewrites `field` from old to new in the rows of `akind` under `aparent` that `when` accepts
    let swap = |akind: &str,
                aparent: Option<&str>,
                field: &'static str,
                when: &dyn Fn(&Map<String, Value>) -> bool|
     -> Result<usize> {
        db::rewrite_assignments(tx, akind, aparent, key_fields(akind), |p, a| {
            if db::text(a, field) == Some(old) && when(a) {
                a.insert(field.into(), Value::String(new.into()));
                Some(p.to_string())
            } else {
                None
            }
        })
    };
    // impersonation configs: the fields naming the object, each with the buyer field that must
    // hold its company ('' for admin parties)
    let mut config_fields: Vec<(&str, Option<&str>)> = Vec::new();
    match kind {
        Kind::SecurityProfile => {
            swap(sp, None, "SecurityProfileID", &|_| true)?;
            config_fields.push(("SecurityProfileID", None));
        }
        Kind::AdminUser
        | Kind::BuyerUser
        | Kind::SupplierUser
        | Kind::AdminUserGroup
        | Kind::BuyerUserGroup
        | Kind::SupplierUserGroup => {
            let is_user = kind.user_type().is_some();
            let (field, group_kind) = if is_user {
                ("UserID", Kind::group_kind(kind.user_type().expect("user kind")))
            } else {
                ("UserGroupID", kind)
            };
            swap(group_kind.key(), Some(parent), field, &|_| true)?;
            swap(sp, None, field, &in_company)?;
            match kind {
                Kind::AdminUser => config_fields.push(("ImpersonationUserID", Some(""))),
                Kind::AdminUserGroup => config_fields.push(("ImpersonationGroupID", Some(""))),
                Kind::BuyerUser => config_fields
                    .extend([("ImpersonationUserID", Some("ImpersonationBuyerID")), ("UserID", Some("BuyerID"))]),
                Kind::BuyerUserGroup => config_fields
                    .extend([("ImpersonationGroupID", Some("ImpersonationBuyerID")), ("GroupID", Some("BuyerID"))]),
                _ => {}
            }
        }
        Kind::Buyer | Kind::Supplier => {
            let (users, groups, field) = if kind == Kind::Buyer {
                (Kind::BuyerUser, Kind::BuyerUserGroup, "BuyerID")
            } else {
                (Kind::SupplierUser, Kind::SupplierUserGroup, "SupplierID")
            };
            for k in [users, groups] {
                tx.execute(
                    "UPDATE objects SET parent = ?3 WHERE kind = ?1 AND parent = ?2",
                    r2d2_sqlite::rusqlite::params![k.key(), old, new],
                )?;
            }
            tx.execute(
                "UPDATE assignments SET parent = ?3 WHERE kind = ?1 AND parent = ?2",
                r2d2_sqlite::rusqlite::params![groups.key(), old, new],
            )?;
            swap(sp, None, field, &|_| true)?;
            swap(API_CLIENT_KIND, None, field, &|_| true)?;
            if kind == Kind::Buyer {
                config_fields.extend([("ImpersonationBuyerID", None), ("BuyerID", None)]);
            }
        }
        Kind::ApiClient | Kind::ImpersonationConfig => {}
    }
    if config_fields.is_empty() {
        return Ok(());
    }
    for mut cfg in db::list(tx, Kind::ImpersonationConfig, "")? {
        let mut changed = false;
        for (field, company) in &config_fields {
            let company_ok = match company {
                None => true,
                Some("") => db::text(&cfg.data, "ImpersonationBuyerID").is_none(),
                Some(f) => db::text(&cfg.data, f) == Some(parent),
            };
            if company_ok && db::text(&cfg.data, field) == Some(old) {
                cfg.data.insert(field.to_string(), Value::String(new.into()));
                changed = true;
            }
        }
        if changed {
            db::update(tx, cfg.seq, Kind::ImpersonationConfig, &cfg.id, &cfg.data, None)?;
        }
    }
    Ok(())
}

/// Keeps API clients acting as a user (`DefaultContextUserName`) when that user's username changes.
fn rename_default_context_user(tx: &Transaction, old: &str, new: &str) -> Result<()> {
    for mut client in db::list(tx, Kind::ApiClient, "")? {
        if client
            .data
            .get("DefaultContextUserName")
            .and_then(Value::as_str)
            .is_some_and(|n| n.eq_ignore_ascii_case(old))
        {
            client.data.insert("DefaultContextUserName".into(), Value::String(new.into()));
            db::update(tx, client.seq, Kind::ApiClient, &client.id, &client.data, None)?;
        }
    }
    Ok(())
}

pub async fn delete(def: &'static ResourceDef, app: App, caller: Caller, params: Params) -> Result<Response> {
    caller.require(def.write_roles)?;
    check_scope(&caller, def)?;
    let id = item_id(def, &params).to_string();
    let seq = db::write(&app.pool, |tx| {
        let parent = parent_of(tx, def, &params, &caller)?;
        let obj =
            get_seen(tx, &caller, def.kind, &parent, &id)?.ok_or_else(|| Failure::not_found(def.object_type, &id))?;
        cascade(tx, def.kind, &parent, &id)?;
        db::delete(tx, obj.seq)?;
        Ok(obj.seq)
    })?;
    if def.kind == Kind::ApiClient {
        crate::storage::clients::release_client(&app, &id)?;
    }
    // a deleted user's tokens are revoked (its refresh tokens go with them)
    if def.kind.user_type().is_some() {
        crate::auth::oauth::revoke_user_tokens(&app, seq)?;
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
