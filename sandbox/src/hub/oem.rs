//! The vendor (OEM) provisioning API, `/api/oem-api/...` (seed 004): registered vendors create
//! organizations and their people from their own back ends, and send a person straight into the
//! portal with a one-time session link.
//!
//! **The rule for tokens.** An `organizationOemToken` names one membership: the person a call
//! created (the organization's first Admin, or the user added) in that organization, for the
//! vendor that made the call. A session for that token signs that person into that
//! organization; `DELETE /user` with it removes that person from that organization (the account
//! stays, with its other memberships) and ends the token. Only the vendor that received a token
//! can use it; anyone else's, or an ended one, is 403.
//!
//! Every call is counted against the vendor's rate (per minute, 429 with Retry-After past it)
//! and recorded in the audit log (vendor, what, organization, whom, result, when).
use super::rules::*;
use super::{accounts, members, organizations};
use crate::auth::oauth::sha;
use crate::http::error::Failure;
use crate::storage::db::{self, Pool};
use crate::App;
use axum::body::Bytes;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use r2d2_sqlite::rusqlite::{params, OptionalExtension};
use serde_json::{json, Map, Value};

/// How long a session link can be used (seconds).
pub const SESSION_SECONDS: i64 = 120;
/// Calls a vendor may make per minute unless it was registered with another rate.
pub const DEFAULT_PER_MINUTE: i64 = 120;
pub const SCOPE: &str = "vendor_manage";

/// An answer of the OEM API: `{"status", "message", "errors"?}` (its own shape, as the seed shows).
#[derive(Debug)]
pub struct OemError {
    status: StatusCode,
    message: String,
    errors: Vec<(String, String)>,
    retry_after: Option<i64>,
}

impl OemError {
    fn new(status: StatusCode, message: impl Into<String>) -> OemError {
        OemError { status, message: message.into(), errors: Vec::new(), retry_after: None }
    }
}

impl From<Failure> for OemError {
    fn from(f: Failure) -> OemError {
        let message = f.errors.first().map(|e| e.message.clone()).unwrap_or_else(|| "The request failed.".into());
        OemError::new(f.status, message)
    }
}

impl IntoResponse for OemError {
    fn into_response(self) -> Response {
        let mut body = json!({"status": self.status.as_u16(), "message": self.message});
        if !self.errors.is_empty() {
            body["errors"] = self.errors.iter().map(|(f, m)| json!({"field": f, "message": m})).collect();
        }
        let mut res = crate::http::json_response(self.status, &body);
        if let Some(s) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res
    }
}

type OemResult<T> = std::result::Result<T, OemError>;

// ---- vendors (the CLI registers them) ----

#[derive(Debug, Clone)]
pub struct Vendor {
    pub id: String,
    pub name: String,
    pub client_id: String,
    secret_hash: String,
    pub active: bool,
    pub per_minute: i64,
}

fn row_vendor(r: &r2d2_sqlite::rusqlite::Row) -> r2d2_sqlite::rusqlite::Result<Vendor> {
    Ok(Vendor {
        id: r.get(0)?,
        name: r.get(1)?,
        client_id: r.get(2)?,
        secret_hash: r.get(3)?,
        active: r.get::<_, i64>(4)? != 0,
        per_minute: r.get(5)?,
    })
}

const VENDOR_COLS: &str = "id, name, client_id, secret_hash, active, per_minute";

fn vendor_by_client(pool: &Pool, client_id: &str) -> crate::http::error::Result<Option<Vendor>> {
    let conn = pool.get()?;
    Ok(conn
        .query_row(&format!("SELECT {VENDOR_COLS} FROM vendors WHERE client_id = ?1"), params![client_id], row_vendor)
        .optional()?)
}

/// Registers a vendor; returns it with its secret (shown once: only its digest is kept; a
/// random 256-bit secret needs no slow hash).
pub fn add_vendor(
    pool: &Pool,
    name: &str,
    per_minute: i64,
    fixed: Option<(&str, &str)>,
) -> crate::http::error::Result<(Vendor, String)> {
    let (client_id, secret) = match fixed {
        Some((c, s)) => (c.to_string(), s.to_string()),
        None => (new_id("vnd"), random_code::<32>()),
    };
    let id = new_id("vendor");
    db::write(pool, |tx| {
        tx.execute(
            "INSERT INTO vendors (id, name, client_id, secret_hash, active, per_minute, created_ms) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6)",
            params![id, name, client_id, sha(&secret), per_minute.max(1), now_ms()],
        )?;
        Ok(())
    })?;
    let v = vendor_by_client(pool, &client_id)?.ok_or_else(|| Failure::internal("new vendor vanished"))?;
    Ok((v, secret))
}

/// The demo vendor of `seed` (fixed credentials, so `seed --json` can print them every time).
pub const DEMO_VENDOR: (&str, &str) = ("demo-vendor", "demo-vendor-secret-change-me");

pub fn ensure_demo_vendor(pool: &Pool) -> crate::http::error::Result<()> {
    if vendor_by_client(pool, DEMO_VENDOR.0)?.is_none() {
        add_vendor(pool, "Demo vendor", DEFAULT_PER_MINUTE, Some(DEMO_VENDOR))?;
    }
    Ok(())
}

pub fn list_vendors(pool: &Pool) -> crate::http::error::Result<Vec<Value>> {
    let conn = pool.get()?;
    let mut st = conn.prepare(&format!("SELECT {VENDOR_COLS}, created_ms FROM vendors ORDER BY created_ms"))?;
    let rows = st.query_map([], |r| {
        let v = row_vendor(r)?;
        Ok(json!({"name": v.name, "clientId": v.client_id, "active": v.active, "perMinute": v.per_minute, "created": rfc3339(r.get(6)?)}))
    })?;
    Ok(rows.collect::<r2d2_sqlite::rusqlite::Result<Vec<_>>>()?)
}

/// Disables (or enables again) a vendor: a disabled vendor's calls are 401.
pub fn set_vendor_active(pool: &Pool, client_id: &str, active: bool) -> crate::http::error::Result<bool> {
    db::write(pool, |tx| {
        Ok(tx.execute("UPDATE vendors SET active = ?2 WHERE client_id = ?1", params![client_id, active as i64])? > 0)
    })
}

/// The audit log, oldest first; only `org`'s entries when given.
pub fn audit(pool: &Pool, org: Option<&str>) -> crate::http::error::Result<Vec<Value>> {
    let conn = pool.get()?;
    let mut st = conn.prepare(
        "SELECT a.seq, COALESCE(v.name, a.vendor), a.action, a.org, a.subject, a.status, a.message, a.at_ms
         FROM audit a LEFT JOIN vendors v ON v.id = a.vendor WHERE ?1 IS NULL OR a.org = ?1 ORDER BY a.seq",
    )?;
    let rows = st.query_map(params![org], |r| {
        Ok(json!({"ID": r.get::<_, i64>(0)?, "Vendor": r.get::<_, String>(1)?, "Action": r.get::<_, String>(2)?,
            "OrganizationID": r.get::<_, Option<String>>(3)?, "Subject": r.get::<_, Option<String>>(4)?,
            "Status": r.get::<_, i64>(5)?, "Message": r.get::<_, String>(6)?, "Date": rfc3339(r.get(7)?)}))
    })?;
    Ok(rows.collect::<r2d2_sqlite::rusqlite::Result<Vec<_>>>()?)
}

// ---- one call ----

/// What a call is doing, for the audit log.
struct Call {
    action: &'static str,
    vendor: String,
    org: Option<String>,
    subject: Option<String>,
}

impl Call {
    fn record(&self, pool: &Pool, status: StatusCode, message: &str) {
        let _ = db::write(pool, |tx| {
            tx.execute(
                "INSERT INTO audit (vendor, action, org, subject, status, message, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![self.vendor, self.action, self.org, self.subject, status.as_u16() as i64, message, now_ms()],
            )?;
            Ok(())
        });
    }
}

/// The request's envelope: every problem with it named at once.
struct Envelope {
    map: Map<String, Value>,
    problems: Vec<(String, String)>,
}

impl Envelope {
    fn parse(bytes: &Bytes) -> OemResult<Envelope> {
        let malformed = |why: String| {
            let mut e = OemError::new(StatusCode::BAD_REQUEST, "Malformed request body");
            e.errors.push(("body".into(), why));
            e
        };
        let value: Value = serde_json::from_slice(bytes).map_err(|e| malformed(format!("not valid JSON: {e}")))?;
        let Value::Object(map) = value else { return Err(malformed("must be a JSON object".into())) };
        let mut env = Envelope { map, problems: Vec::new() };
        env.string(None, "clientId", true, 200);
        env.string(None, "clientSecret", true, 200);
        match env.string(None, "grantType", true, 50).as_deref() {
            Some("client_credentials") | None => {}
            Some(other) => env.problems.push(("grantType".into(), format!("must be client_credentials, not {other}"))),
        }
        match env.string(None, "scope", true, 200) {
            Some(s) if !s.split_whitespace().any(|x| x == SCOPE) => {
                env.problems.push(("scope".into(), format!("must include {SCOPE}")))
            }
            _ => {}
        }
        Ok(env)
    }

    /// A string under the envelope (`within` None) or under `data`.
    fn string(&mut self, within: Option<&str>, name: &str, required: bool, max: usize) -> Option<String> {
        let field = match within {
            Some(w) => format!("{w}.{name}"),
            None => name.to_string(),
        };
        let value = match within {
            Some(w) => self.map.get(w).and_then(|d| d.get(name)).cloned(),
            None => self.map.get(name).cloned(),
        };
        match value {
            None | Some(Value::Null) => {
                if required {
                    self.problems.push((field, "is required".into()));
                }
                None
            }
            Some(Value::String(s)) if s.trim().is_empty() => {
                if required {
                    self.problems.push((field, "is required".into()));
                }
                None
            }
            Some(Value::String(s)) if s.chars().count() > max => {
                self.problems.push((field, format!("can be at most {max} characters")));
                None
            }
            // what people read (names, emails) is NFC with no invisible characters
            Some(Value::String(s)) if within.is_some() => match crate::http::text::clean(s.trim()) {
                Ok(s) => Some(s),
                Err(why) => {
                    self.problems.push((field, why));
                    None
                }
            },
            Some(Value::String(s)) => Some(s.trim().to_string()),
            Some(Value::Number(n)) if within.is_some() && name.starts_with("vendor") => Some(n.to_string()),
            Some(_) => {
                self.problems.push((field, "must be a string".into()));
                None
            }
        }
    }

    fn email(&mut self, name: &str) -> Option<String> {
        let e = self.string(Some("data"), name, true, 254)?;
        if !is_email(&e) {
            self.problems.push((format!("data.{name}"), "is not an email address".into()));
            return None;
        }
        match crate::http::text::email(&e) {
            Ok(e) => Some(e),
            Err(why) => {
                self.problems.push((format!("data.{name}"), why));
                None
            }
        }
    }

    fn data_object(&mut self) {
        if !self.map.get("data").is_some_and(Value::is_object) {
            self.problems.push(("data".into(), "is required and must be an object".into()));
        }
    }

    fn finish(&mut self) -> OemResult<()> {
        if self.problems.is_empty() {
            return Ok(());
        }
        let mut e = OemError::new(StatusCode::BAD_REQUEST, "Malformed request body");
        e.errors = std::mem::take(&mut self.problems);
        Err(e)
    }
}

/// Identifies the vendor (401 for unknown or disabled credentials), counting the call against
/// its rate first, so guessing secrets is rate-limited too.
fn authenticate(app: &App, env: &Envelope, call: &mut Call) -> OemResult<Vendor> {
    let client_id = env.map.get("clientId").and_then(Value::as_str).unwrap_or("");
    let secret = env.map.get("clientSecret").and_then(Value::as_str).unwrap_or("");
    let vendor = vendor_by_client(&app.hub.pool, client_id)?;
    if let Some(v) = &vendor {
        call.vendor = v.id.clone();
        if let Some(wait) = app.hub.rate_limit(&v.id, v.per_minute) {
            let mut e = OemError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("Too many calls: at most {} a minute. Try again in {wait} s.", v.per_minute),
            );
            e.retry_after = Some(wait);
            return Err(e);
        }
    } else {
        // unknown client IDs share one bucket, so guessing them cannot flood the audit log
        call.vendor = format!("unknown client {}", client_id.chars().take(40).collect::<String>());
        if let Some(wait) = app.hub.rate_limit("(unknown clients)", DEFAULT_PER_MINUTE) {
            call.vendor.clear();
            let mut e = OemError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("Too many calls with unknown credentials. Try again in {wait} s."),
            );
            e.retry_after = Some(wait);
            return Err(e);
        }
    }
    match vendor {
        Some(v) if v.active && v.secret_hash == sha(secret) => Ok(v),
        Some(v) if !v.active => Err(OemError::new(StatusCode::UNAUTHORIZED, "This vendor is disabled.")),
        _ => Err(OemError::new(StatusCode::UNAUTHORIZED, "Invalid client ID or client secret.")),
    }
}

/// Runs one call: parse, authenticate, act; records the result whatever it is.
async fn run(
    app: App,
    bytes: Bytes,
    action: &'static str,
    act: impl AsyncFnOnce(&App, &mut Envelope, &Vendor, &mut Call) -> OemResult<(StatusCode, Value)>,
) -> Response {
    let mut call = Call { action, vendor: String::new(), org: None, subject: None };
    let outcome = async {
        let mut env = Envelope::parse(&bytes)?;
        // credentials first (401 before 400 for the rest), when they are there to check
        let creds_given = env.problems.iter().all(|(f, _)| f != "clientId" && f != "clientSecret");
        if creds_given {
            let vendor = authenticate(&app, &env, &mut call)?;
            // the envelope's other problems are reported with the data's, all at once
            act(&app, &mut env, &vendor, &mut call).await
        } else {
            env.finish()?;
            Err(OemError::new(StatusCode::BAD_REQUEST, "Malformed request body"))
        }
    }
    .await;
    let (status, body) = match outcome {
        Ok((s, v)) => (s, v),
        Err(e) => {
            if !call.vendor.is_empty() {
                call.record(&app.hub.pool, e.status, &e.message);
            }
            return e.into_response();
        }
    };
    call.record(&app.hub.pool, status, body["message"].as_str().unwrap_or(""));
    crate::http::json_response(status, &body)
}

fn new_oem_token(
    pool: &Pool,
    vendor: &Vendor,
    org: &str,
    account: &str,
    vendor_user_id: Option<&str>,
) -> crate::http::error::Result<String> {
    let token = random_code::<32>();
    db::write(pool, |tx| {
        tx.execute(
            "INSERT INTO oem_tokens (hash, vendor, org, account, vendor_user_id, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![sha(&token), vendor.id, org, account, vendor_user_id, now_ms()],
        )?;
        Ok(())
    })?;
    Ok(token)
}

/// The membership a token names: (organization, account), noted in the call's record. 403 for a
/// forged, ended or another vendor's token; 404 when the person has left the organization since.
fn token_membership(app: &App, env: &mut Envelope, vendor: &Vendor, call: &mut Call) -> OemResult<(String, String)> {
    let token = env.string(None, "organizationOemToken", true, 200);
    env.finish()?;
    let token = token.unwrap_or_default();
    let conn = app.hub.pool.get().map_err(Failure::from)?;
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT org, account FROM oem_tokens WHERE hash = ?1 AND vendor = ?2 AND revoked_ms IS NULL",
            params![sha(&token), vendor.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(Failure::from)?;
    let (org, account) = row.ok_or_else(|| {
        OemError::new(StatusCode::FORBIDDEN, "Invalid organization token (unknown, ended, or another vendor's).")
    })?;
    call.org = Some(org.clone());
    call.subject = accounts::account(&app.hub.pool, &account)?.map(|a| a.email);
    if members::membership(&app.hub.pool, &account, &org)?.is_none() {
        return Err(OemError::new(
            StatusCode::NOT_FOUND,
            "User not found: this person is no longer in the organization.",
        ));
    }
    Ok((org, account))
}

/// The account a vendor provisions for an email: its own earlier one, or none yet (the caller
/// makes it). **A vendor never obtains a session for an account it did not create**: an email
/// whose account someone else made (the person signed up, or another vendor) is 409.
fn vendor_account(app: &App, vendor: &Vendor, email: &str) -> OemResult<Option<accounts::Account>> {
    match accounts::account_by_email(&app.hub.pool, email)? {
        Some(a) if a.vendor.as_deref() == Some(vendor.id.as_str()) => Ok(Some(a)),
        Some(_) => Err(OemError::new(
            StatusCode::CONFLICT,
            "An account with this email exists and was not created by you; invite the person from inside the organization instead.",
        )),
        None => Ok(None),
    }
}

/// The hash of an account made without a password: the person comes in through session links
/// and sets a first password with the single-use code a session hands out.
fn no_password() -> String {
    format!("{}{}", accounts::NO_PASSWORD, random_code::<16>())
}

fn domain_of(email: &str) -> String {
    email.rsplit_once('@').map(|(_, d)| d.to_lowercase()).unwrap_or_default()
}

/// `POST /api/oem-api/organization`.
pub async fn create_organization(app: axum::extract::State<App>, bytes: Bytes) -> Response {
    run(app.0, bytes, "create organization", async |app, env, vendor, call| {
        env.data_object();
        let name = env.string(Some("data"), "name", true, 100);
        let email = env.email("email");
        let first = env.string(Some("data"), "firstName", true, 100);
        let last = env.string(Some("data"), "lastName", true, 100);
        let vendor_org = env.string(Some("data"), "vendorOrganizationId", false, 100);
        env.finish()?;
        let (name, email, first, last) =
            (name.unwrap_or_default(), email.unwrap_or_default(), first.unwrap_or_default(), last.unwrap_or_default());
        call.subject = Some(email.clone());
        // one provisioning call at a time: of racing calls one creates, the others find it (409)
        let _one_at_a_time = app.hub.provisioning.lock();
        if let Some(vo) = &vendor_org {
            let conn = app.hub.pool.get().map_err(Failure::from)?;
            let taken = conn
                .query_row(
                    "SELECT id FROM organizations WHERE vendor = ?1 AND vendor_org_id = ?2",
                    params![vendor.id, vo],
                    |r| r.get::<_, String>(0),
                )
                .optional()
                .map_err(Failure::from)?;
            if let Some(org) = taken {
                call.org = Some(org);
                return Err(OemError::new(
                    StatusCode::CONFLICT,
                    format!("An organization with vendorOrganizationId {vo} exists already."),
                ));
            }
        }
        let existing = vendor_account(app, vendor, &email)?;
        let new_account = existing.is_none().then(|| new_id("acct"));
        // the organization, the vendor's fields and a new account commit together, or not at all
        let org = organizations::create_org_with(app, &name, |tx, org| {
            if let Some(id) = &new_account {
                accounts::insert_account(tx, id, &email, &first, &last, &no_password(), Some(&vendor.id))?;
            }
            tx.execute(
                "UPDATE organizations SET vendor = ?2, vendor_org_id = ?3, domain = ?4 WHERE id = ?1",
                params![org, vendor.id, vendor_org, domain_of(&email)],
            )
            .map_err(|e| match e {
                r2d2_sqlite::rusqlite::Error::SqliteFailure(f, _)
                    if f.code == r2d2_sqlite::rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Failure::conflict(
                        "Organization.VendorIdTaken",
                        "An organization with this vendorOrganizationId exists already.",
                    )
                }
                e => Failure::from(e),
            })?;
            Ok(())
        })?;
        call.org = Some(org.clone());
        let joined = (|| -> crate::http::error::Result<(accounts::Account, String)> {
            let account = match &existing {
                Some(a) => a.clone(),
                None => accounts::account(&app.hub.pool, new_account.as_deref().unwrap_or(""))?
                    .ok_or_else(|| Failure::internal("new account vanished"))?,
            };
            members::add_member(&app.market(&org)?, &account, ADMIN)?;
            let token = new_oem_token(&app.hub.pool, vendor, &org, &account.id, None)?;
            Ok((account, token))
        })();
        let token = match joined {
            Ok((_, token)) => token,
            Err(e) => {
                organizations::discard_org(app, &org, new_account.as_deref());
                return Err(e.into());
            }
        };
        Ok((
            StatusCode::CREATED,
            json!({"status": 201, "message": "Successfully created the organization", "organizationOemToken": token}),
        ))
    })
    .await
}

/// `POST /api/oem-api/user`: into the vendor's organization with that vendorOrganizationId, or
/// else the one (created without one) whose first Admin's email has the same domain.
pub async fn create_user(app: axum::extract::State<App>, bytes: Bytes) -> Response {
    run(app.0, bytes, "create user", async |app, env, vendor, call| {
        env.data_object();
        let email = env.email("email");
        let first = env.string(Some("data"), "firstName", true, 100);
        let last = env.string(Some("data"), "lastName", true, 100);
        let vendor_user = env.string(Some("data"), "vendorUserId", false, 100);
        let vendor_org = env.string(Some("data"), "vendorOrganizationId", false, 100);
        env.finish()?;
        let (email, first, last) = (email.unwrap_or_default(), first.unwrap_or_default(), last.unwrap_or_default());
        call.subject = Some(email.clone());
        let _one_at_a_time = app.hub.provisioning.lock();
        let conn = app.hub.pool.get().map_err(Failure::from)?;
        let orgs: Vec<String> = match &vendor_org {
            Some(vo) => {
                let mut st = conn.prepare("SELECT id FROM organizations WHERE vendor = ?1 AND vendor_org_id = ?2").map_err(Failure::from)?;
                let rows = st.query_map(params![vendor.id, vo], |r| r.get(0)).map_err(Failure::from)?;
                rows.collect::<r2d2_sqlite::rusqlite::Result<Vec<_>>>().map_err(Failure::from)?
            }
            None => {
                let mut st = conn
                    .prepare("SELECT id FROM organizations WHERE vendor = ?1 AND vendor_org_id IS NULL AND domain = ?2")
                    .map_err(Failure::from)?;
                let rows = st.query_map(params![vendor.id, domain_of(&email)], |r| r.get(0)).map_err(Failure::from)?;
                rows.collect::<r2d2_sqlite::rusqlite::Result<Vec<_>>>().map_err(Failure::from)?
            }
        };
        drop(conn);
        let org = match orgs.as_slice() {
            [one] => one.clone(),
            [] => {
                return Err(OemError::new(StatusCode::NOT_FOUND, match &vendor_org {
                    Some(vo) => format!("None of your organizations has vendorOrganizationId {vo}."),
                    None => format!("None of your organizations created without a vendorOrganizationId has the email domain {}.", domain_of(&email)),
                }))
            }
            _ => return Err(OemError::new(StatusCode::CONFLICT, "Several of your organizations match this email domain; give vendorOrganizationId.")),
        };
        call.org = Some(org.clone());
        let (account, made) = match vendor_account(app, vendor, &email)? {
            Some(a) => (a, false),
            None => (accounts::create_account(&app.hub.pool, &email, &first, &last, &no_password(), Some(&vendor.id))?, true),
        };
        if members::membership(&app.hub.pool, &account.id, &org)?.is_some() {
            return Err(OemError::new(StatusCode::CONFLICT, format!("{email} is a member of this organization already.")));
        }
        if let Err(e) = members::add_member(&app.market(&org)?, &account, MEMBER) {
            if made {
                // no account is left behind without a membership
                organizations::discard_account(app, &account.id);
            }
            return Err(e.into());
        }
        let token = new_oem_token(&app.hub.pool, vendor, &org, &account.id, vendor_user.as_deref())?;
        Ok((StatusCode::CREATED, json!({"status": 201, "message": "Successfully created a user for the organization", "organizationOemToken": token})))
    })
    .await
}

/// `DELETE /api/oem-api/user`: removes the person the token names from its organization.
pub async fn delete_user(app: axum::extract::State<App>, bytes: Bytes) -> Response {
    run(app.0, bytes, "delete user", async |app, env, vendor, call| {
        let (org, account) = token_membership(app, env, vendor, call)?;
        members::remove_member(&app.market(&org)?, &account)?;
        db::write(&app.hub.pool, |tx| {
            tx.execute(
                "UPDATE oem_tokens SET revoked_ms = ?3 WHERE org = ?1 AND account = ?2 AND revoked_ms IS NULL",
                params![org, account, now_ms()],
            )?;
            Ok(())
        })?;
        Ok((StatusCode::CREATED, json!({"status": 201, "message": "Success: User Deleted"})))
    })
    .await
}

/// `POST /api/oem-api/organization/session`: a one-time link into the portal, signed in as the
/// person the token names, in its organization.
pub async fn create_session(app: axum::extract::State<App>, bytes: Bytes) -> Response {
    run(app.0, bytes, "create session", async |app, env, vendor, call| {
        let (org, account) = token_membership(app, env, vendor, call)?;
        let code = random_code::<32>();
        db::write(&app.hub.pool, |tx| {
            tx.execute(
                "INSERT INTO session_links (hash, org, account, vendor, expires_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![sha(&code), org, account, vendor.id, now_ms() + SESSION_SECONDS * 1000],
            )?;
            Ok(())
        })?;
        let base = app.hub.portal_url();
        let sep = if base.contains('?') { '&' } else { '?' };
        Ok((
            StatusCode::CREATED,
            json!({"status": 201, "message": "Session created", "redirectUrl": format!("{base}{sep}session={code}"),
            "expiresIn": SESSION_SECONDS}),
        ))
    })
    .await
}

/// Uses a session link's code up (once, within its lifetime): the (organization, account) it
/// signs in. 404 for an unknown code, 410 for a used or expired one.
pub fn redeem_session(pool: &Pool, code: &str) -> crate::http::error::Result<(String, String)> {
    let hash = sha(code);
    let now = now_ms();
    let row: Option<(String, String, i64, Option<i64>)> = {
        let conn = pool.get()?;
        conn.query_row(
            "SELECT org, account, expires_ms, used_ms FROM session_links WHERE hash = ?1",
            params![hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
    };
    let gone = |code: &str, msg: &str| Failure::new(StatusCode::GONE, code, msg.to_string());
    let Some((org, account, expires, used)) = row else {
        return Err(Failure::new(
            StatusCode::NOT_FOUND,
            "Session.Unknown",
            "This sign-in link is not valid. Ask for a new one, or sign in with your email and password if you have set one.",
        ));
    };
    if used.is_some() {
        return Err(gone("Session.Used", "This sign-in link has been used already; each link works once. Ask for a new one, or sign in with your email and password if you have set one."));
    }
    if expires <= now {
        return Err(gone("Session.Expired", "This sign-in link has expired (links last two minutes). Ask for a new one, or sign in with your email and password if you have set one."));
    }
    let took = db::write(pool, |tx| {
        Ok(tx.execute(
            "UPDATE session_links SET used_ms = ?2 WHERE hash = ?1 AND used_ms IS NULL AND expires_ms > ?2",
            params![hash, now],
        )?)
    })?;
    if took == 0 {
        return Err(gone("Session.Used", "This sign-in link has been used already; each link works once."));
    }
    Ok((org, account))
}
