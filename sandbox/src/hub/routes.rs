//! Accounts, organizations, members, invitations and custom roles over HTTP (sandbox extension).
//!
//! Two kinds of bearer token meet here:
//! - an **account token** (`POST /v1/account/signin`, audience `ACCOUNT_AUDIENCE`) for what
//!   belongs to the person: their account, their organizations, accepting an invitation, getting
//!   a token for one organization;
//! - an ordinary **marketplace token** of an organization, held by a member's provisioned seller
//!   user, for what belongs to the organization (`/v1/organization/...`). The organization is the
//!   token's own, as for every other `/v1` request, and the member's role decides the rest.
use super::accounts::{self, Account};
use super::members::{self, Membership};
use super::rules::*;
use super::{invitations, lockout, organizations, roles};
use crate::auth::Caller;
use crate::http::error::{Failure, Result};
use crate::http::json_response;
use crate::http::JsonBody;
use crate::storage::db;
use crate::App;
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use gatehouse_model::error::{codes, ApiError};
use gatehouse_model::password::ADMIN_POLICY;
use gatehouse_model::resources::{Kind, UserType};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

// ---- request bodies ----

/// A JSON object body read field by field; every problem is collected and reported together.
pub struct Body {
    map: Map<String, Value>,
    known: Vec<&'static str>,
    problems: Vec<ApiError>,
}

impl Body {
    pub fn parse(bytes: &JsonBody) -> Result<Body> {
        match bytes.value()? {
            Value::Object(map) => Ok(Body { map, known: Vec::new(), problems: Vec::new() }),
            _ => Err(Failure::bad_request(codes::INVALID_BODY, "The request body must be a JSON object.")),
        }
    }

    fn problem(&mut self, name: &str, rule: &str, message: String) {
        self.problems
            .push(ApiError::new(codes::VALIDATION, message).with_data(json!({"Property": name, "Rule": rule})));
    }

    /// The value of a property that is there (not absent, not null); absent and `required` is a
    /// problem.
    fn given(&mut self, name: &'static str, required: bool) -> Option<Value> {
        self.known.push(name);
        match self.map.get(name) {
            None | Some(Value::Null) => {
                if required {
                    self.problem(name, "Required", format!("{name} is required."));
                }
                None
            }
            Some(v) => Some(v.clone()),
        }
    }

    /// A string property, trimmed: `None` when absent (a problem if `required`), too long or not
    /// a string.
    pub fn text(&mut self, name: &'static str, required: bool, max: usize) -> Option<String> {
        match self.given(name, required)? {
            Value::String(s) => {
                let s = s.trim().to_string();
                // names people read are NFC with no invisible characters; secrets stay as typed
                let s = if name.contains("Password") || name == "Code" {
                    s
                } else {
                    match crate::http::text::clean(&s) {
                        Ok(s) => s,
                        Err(why) => {
                            self.problem(name, "Format", format!("{name} {why}."));
                            return None;
                        }
                    }
                };
                if s.is_empty() && required {
                    self.problem(name, "Required", format!("{name} is required."));
                    None
                } else if s.chars().count() > max {
                    self.problem(name, "MaxLength", format!("{name} can be at most {max} characters."));
                    None
                } else {
                    Some(s)
                }
            }
            _ => {
                self.problem(name, "Type", format!("{name} must be a string."));
                None
            }
        }
    }

    /// A list of strings.
    pub fn strings(&mut self, name: &'static str, required: bool) -> Option<Vec<String>> {
        match self.given(name, required)? {
            Value::Array(items) if items.iter().all(Value::is_string) => {
                Some(items.iter().filter_map(Value::as_str).map(String::from).collect())
            }
            _ => {
                self.problem(name, "Type", format!("{name} must be a list of strings."));
                None
            }
        }
    }

    pub fn email(&mut self, name: &'static str) -> Option<String> {
        let e = self.text(name, true, 254)?;
        if !is_email(&e) {
            self.problem(name, "Format", format!("{name} is not an email address."));
            return None;
        }
        match crate::http::text::email(&e) {
            Ok(e) => Some(e),
            Err(why) => {
                self.problem(name, "Format", format!("{name} {why}."));
                None
            }
        }
    }

    /// Unknown properties are problems too (a misspelt name would otherwise be lost silently);
    /// then every problem at once.
    pub fn finish(mut self) -> Result<()> {
        let unknown: Vec<String> = self.map.keys().filter(|k| !self.known.contains(&k.as_str())).cloned().collect();
        for k in unknown {
            self.problem(&k, "Unknown", format!("{k} is not a property of this request."));
        }
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(Failure::validation(self.problems))
        }
    }

    pub fn fail(&mut self, name: &str, rule: &str, message: String) {
        self.problem(name, rule, message);
    }
}

// ---- account tokens ----

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountClaims {
    pub sub: String,
    pub email: String,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub nbf: i64,
    pub jti: String,
}

/// The signed-in account of a request (an account token).
pub struct AccountCaller {
    pub account: Account,
    /// The main marketplace handle (the hub and every organization through it).
    pub app: App,
}

impl FromRequestParts<App> for AccountCaller {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<AccountCaller> {
        let text = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
        let token = text
            .strip_prefix("Bearer ")
            .or_else(|| text.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let Some(token) = token else {
            return Err(Failure::unauthorized("This needs an account token: sign in at POST /v1/account/signin and send `Authorization: Bearer <token>`."));
        };
        let claims: AccountClaims = app.hub.keys.verify_account(token).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                Failure::unauthorized("The account token has expired; sign in again.")
            }
            jsonwebtoken::errors::ErrorKind::InvalidAudience => Failure::unauthorized(
                "This is a marketplace token; this endpoint needs an account token (POST /v1/account/signin).",
            ),
            _ => Failure::unauthorized("The account token is not valid (bad signature, issuer or format)."),
        })?;
        let account = accounts::account(&app.hub.pool, &claims.sub)?
            .ok_or_else(|| Failure::unauthorized("The account of this token no longer exists."))?;
        let issued = i64::from_str_radix(claims.jti.split('.').next().unwrap_or(""), 16).unwrap_or(0);
        if issued < account.tokens_after_ms {
            return Err(Failure::unauthorized(
                "This account token has ended (signed out or password changed); sign in again.",
            ));
        }
        Ok(AccountCaller { account, app: app.market(MAIN_ORG)? })
    }
}

fn account_token(app: &App, account: &Account) -> Value {
    let now = crate::storage::clock::now_s();
    let claims = AccountClaims {
        sub: account.id.clone(),
        email: account.email.clone(),
        iss: app.hub.issuer.clone(),
        aud: ACCOUNT_AUDIENCE.into(),
        exp: now + ACCOUNT_TOKEN_MINUTES * 60,
        nbf: now,
        jti: format!("{:x}.{}", now_ms(), random_code::<9>()),
    };
    json!({"access_token": app.hub.keys.sign_any(&claims), "token_type": "bearer", "expires_in": ACCOUNT_TOKEN_MINUTES * 60, "Account": account.value()})
}

fn password_problem(body: &mut Body, password: &str) {
    if let Some(msg) = ADMIN_POLICY.explain(password) {
        body.fail("Password", "Policy", msg);
    }
}

// ---- /v1/account ----

/// `POST /v1/account/signup`: a new account (same password policy and hashing as admin users).
pub async fn sign_up(app: App, bytes: JsonBody) -> Result<Response> {
    let mut b = Body::parse(&bytes)?;
    let email = b.email("Email");
    let password = b.text("Password", true, 200);
    let first = b.text("FirstName", true, 100);
    let last = b.text("LastName", true, 100);
    if let Some(p) = &password {
        password_problem(&mut b, p);
    }
    b.finish()?;
    let (Some(email), Some(password), Some(first), Some(last)) = (email, password, first, last) else {
        return Err(Failure::internal("checked fields missing"));
    };
    if accounts::account_by_email(&app.hub.pool, &email)?.is_some() {
        return Err(Failure::conflict(
            "Account.EmailTaken",
            "An account with this email already exists; sign in instead.",
        ));
    }
    let hash = crate::auth::oauth::hash_password_async(&app, password).await?;
    let account = accounts::create_account(&app.hub.pool, &email, &first, &last, &hash, None)?;
    Ok(json_response(StatusCode::CREATED, &account_token(&app, &account)))
}

/// `POST /v1/account/signin`: an account token for email and password. An unknown email costs
/// the same hashing as a wrong password, and both get the same answer.
pub async fn sign_in(app: App, bytes: JsonBody) -> Result<Response> {
    let mut b = Body::parse(&bytes)?;
    let email = b.text("Email", true, 254);
    let password = b.text("Password", true, 200);
    b.finish()?;
    let (Some(email), Some(password)) = (email, password) else {
        return Err(Failure::internal("checked fields missing"));
    };
    let account = accounts::account_by_email(&app.hub.pool, &email)?;
    let locked = |until: i64| {
        let minutes = ((until - now_ms()) / 60_000 + 1).max(1);
        Failure::new(
            StatusCode::BAD_REQUEST,
            "Account.LockedOut",
            format!("Too many wrong passwords: this account is locked for {minutes} more minute(s)."),
        )
    };
    if let Some(until) = account.as_ref().map(|a| lockout::locked_until(&app.hub.pool, &a.id)).transpose()?.flatten() {
        return Err(locked(until));
    }
    let ok = crate::auth::oauth::check_password(&app, &password, account.as_ref().map(|a| a.hash.clone())).await?;
    match (account, ok) {
        (Some(a), true) => {
            lockout::sign_in_succeeded(&app.hub.pool, &a.id)?;
            Ok(json_response(StatusCode::OK, &account_token(&app, &a)))
        }
        (account, _) => {
            if let Some(until) = account.map(|a| lockout::sign_in_failed(&app.hub.pool, &a.id)).transpose()?.flatten() {
                return Err(locked(until));
            }
            Err(Failure::new(
                StatusCode::BAD_REQUEST,
                "Account.InvalidEmailOrPassword",
                "The email or password is wrong.",
            ))
        }
    }
}

/// `POST /v1/account/signout`: ends every account token issued so far.
pub async fn sign_out(c: AccountCaller) -> Result<Response> {
    end_account_tokens(&c.app, &c.account.id)?;
    members::end_org_tokens(&c.app, &c.account.id)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn end_account_tokens(app: &App, account: &str) -> Result<()> {
    db::write(&app.hub.pool, |tx| {
        tx.execute(
            "UPDATE accounts SET tokens_after_ms = ?2 WHERE id = ?1",
            r2d2_sqlite::rusqlite::params![account, now_ms()],
        )?;
        Ok(())
    })
}

pub async fn me(c: AccountCaller) -> Result<Response> {
    Ok(json_response(StatusCode::OK, &c.account.value()))
}

/// `PATCH /v1/account`: names, and the password (which ends the other account tokens and every
/// organization token of the account). Changing the password needs the current one; an account
/// made without a password sets its first one with a single-use code (`POST /v1/account/password`).
pub async fn update_me(c: AccountCaller, bytes: JsonBody) -> Result<Response> {
    let mut b = Body::parse(&bytes)?;
    let first = b.text("FirstName", false, 100);
    let last = b.text("LastName", false, 100);
    let password = b.text("Password", false, 200);
    let current = b.text("CurrentPassword", false, 200);
    if let Some(p) = &password {
        password_problem(&mut b, p);
        if current.is_none() && c.account.has_password() {
            b.fail("CurrentPassword", "Required", "CurrentPassword is required to change the password.".into());
        }
    }
    b.finish()?;
    if password.is_some() && !c.account.has_password() {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "Account.FirstPasswordByCode",
            "This account has no password yet: set the first one with the single-use code handed out with your sign-in link (POST /v1/account/password).",
        ));
    }
    if let (Some(_), Some(cur)) = (&password, current) {
        if let Some(until) = lockout::locked_until(&c.app.hub.pool, &c.account.id)? {
            let minutes = ((until - now_ms()) / 60_000 + 1).max(1);
            return Err(Failure::new(
                StatusCode::BAD_REQUEST,
                "Account.LockedOut",
                format!("Too many wrong passwords: this account is locked for {minutes} more minute(s)."),
            ));
        }
        if !crate::auth::oauth::check_password(&c.app, &cur, Some(c.account.hash.clone())).await? {
            // counted like a wrong sign-in, so a stolen account token cannot guess at leisure
            lockout::sign_in_failed(&c.app.hub.pool, &c.account.id)?;
            return Err(Failure::new(StatusCode::FORBIDDEN, "Account.WrongPassword", "The current password is wrong."));
        }
        lockout::sign_in_succeeded(&c.app.hub.pool, &c.account.id)?;
    }
    let hash = match password {
        Some(p) => Some(crate::auth::oauth::hash_password_async(&c.app, p).await?),
        None => None,
    };
    let id = c.account.id.clone();
    db::write(&c.app.hub.pool, |tx| {
        use r2d2_sqlite::rusqlite::params;
        if let Some(f) = &first {
            tx.execute("UPDATE accounts SET first_name = ?2 WHERE id = ?1", params![id, f])?;
        }
        if let Some(l) = &last {
            tx.execute("UPDATE accounts SET last_name = ?2 WHERE id = ?1", params![id, l])?;
        }
        if let Some(h) = &hash {
            tx.execute("UPDATE accounts SET hash = ?2, tokens_after_ms = ?3 WHERE id = ?1", params![id, h, now_ms()])?;
        }
        Ok(())
    })?;
    if hash.is_some() {
        members::end_org_tokens(&c.app, &id)?;
    }
    let account = accounts::account(&c.app.hub.pool, &id)?.ok_or_else(|| Failure::internal("account vanished"))?;
    // a new password comes with a new token (the old ones have ended)
    let body = if hash.is_some() { account_token(&c.app, &account) } else { account.value() };
    Ok(json_response(StatusCode::OK, &body))
}

fn org_value(o: &organizations::Org, m: &Membership) -> Value {
    json!({"ID": o.id, "Name": o.name, "Role": m.role, "DateJoined": rfc3339(m.created_ms)})
}

/// `GET /v1/account/organizations`: the organizations the account belongs to, with its role.
pub async fn my_orgs(c: AccountCaller) -> Result<Response> {
    let mut items = Vec::new();
    for m in members::memberships_of_account(&c.app.hub.pool, &c.account.id)? {
        if let Some(o) = organizations::org(&c.app.hub.pool, &m.org)? {
            items.push(org_value(&o, &m));
        }
    }
    Ok(json_response(StatusCode::OK, &crate::http::list::page_of(items)))
}

/// `POST /v1/account/organizations`: a new organization, with the account as its Admin.
pub async fn create_org(c: AccountCaller, bytes: JsonBody) -> Result<Response> {
    let mut b = Body::parse(&bytes)?;
    let name = b.text("Name", true, 100);
    b.finish()?;
    let name = name.ok_or_else(|| Failure::internal("checked fields missing"))?;
    let id = organizations::create_org(&c.app, &name)?;
    let market = c.app.market(&id)?;
    let m = members::add_member(&market, &c.account, ADMIN)?;
    let o = organizations::org(&c.app.hub.pool, &id)?.ok_or_else(|| Failure::internal("organization vanished"))?;
    Ok(json_response(StatusCode::CREATED, &org_value(&o, &m)))
}

fn membership_or_404(c: &AccountCaller, org: &str) -> Result<Membership> {
    // not a member and no such organization answer alike: IDs of others' organizations leak nothing
    members::membership(&c.app.hub.pool, &c.account.id, org)?.ok_or_else(|| Failure::not_found("Organization", org))
}

/// `DELETE /v1/account/organizations/{orgID}`: leaves an organization (not as its last Admin).
pub async fn leave_org(c: AccountCaller, org: String) -> Result<Response> {
    membership_or_404(&c, &org)?;
    let market = c.app.market(&org)?;
    members::remove_member(&market, &c.account.id)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /v1/account/organizations/{orgID}/token`: a marketplace token of that organization for
/// the account's seller user, with the roles of its membership, and a refresh token. Optional
/// body `{"ClientID": ...}`: through another of the organization's API clients (a webapp), as
/// long as it lets seller users in.
pub async fn org_token(c: AccountCaller, org: String, bytes: JsonBody) -> Result<Response> {
    let client_wanted = if bytes.is_blank() {
        None
    } else {
        let mut b = Body::parse(&bytes)?;
        let v = b.text("ClientID", false, 100);
        b.finish()?;
        v
    };
    let m = membership_or_404(&c, &org)?;
    let v = issue_org_token(&c.app, &m, client_wanted)?;
    Ok(json_response(StatusCode::OK, &v))
}

/// A marketplace token (and refresh token) of membership `m`'s organization for its seller user,
/// through the organization's console client or `client_wanted`.
fn issue_org_token(main: &App, m: &Membership, client_wanted: Option<String>) -> Result<Value> {
    let org = m.org.clone();
    let market = main.market(&org)?;
    let console = organizations::ensure_basics(&market)?;
    let client_id = client_wanted.unwrap_or(console);
    let conn = market.conn()?;
    let client =
        db::get(&conn, Kind::ApiClient, "", &client_id)?.ok_or_else(|| Failure::not_found("ApiClient", &client_id))?;
    let flag = |k: &str| client.data.get(k).and_then(Value::as_bool) == Some(true);
    if !flag("Active") || !flag("AllowSeller") {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "Auth.UnauthorizedClient",
            format!("API client {client_id} does not let seller users sign in (or is not active)."),
        ));
    }
    let user = db::by_seq(&conn, m.user_seq)?.ok_or_else(|| {
        Failure::unauthorized("Your seller user in this organization is gone; ask an Admin to add you again.")
    })?;
    let (roles, _) = crate::storage::roles::available_roles(&conn, UserType::Admin, "", &user.id)?;
    drop(conn);
    let minutes = client.data.get("AccessTokenDuration").and_then(Value::as_i64).unwrap_or(600);
    let refresh_minutes = client.data.get("RefreshTokenDuration").and_then(Value::as_i64).unwrap_or(0);
    let (access, claims) = crate::auth::oauth::access_token(
        &market,
        &user,
        UserType::Admin,
        &client_id,
        client.seq,
        minutes,
        roles.clone(),
        crate::auth::oauth::Issue::Own,
    );
    let refresh = if refresh_minutes > 0 {
        Some(crate::auth::oauth::issue_refresh_token(&market, &user, &client_id, refresh_minutes, &roles, &[])?)
    } else {
        None
    };
    let o = organizations::org(&main.hub.pool, &org)?.ok_or_else(|| Failure::not_found("Organization", &org))?;
    Ok(
        json!({"access_token": access, "token_type": "bearer", "expires_in": claims.exp - claims.nbf, "refresh_token": refresh,
        "ClientID": client_id, "Organization": org_value(&o, m)}),
    )
}

/// `POST /v1/account/session` `{"Code"}`: exchanges a vendor's one-time sign-in link for an
/// account token and a token of the link's organization (404 unknown, 410 used or expired).
pub async fn redeem_session(app: App, bytes: JsonBody) -> Result<Response> {
    let mut b = Body::parse(&bytes)?;
    let code = b.text("Code", true, 200);
    b.finish()?;
    let (org, account) = super::oem::redeem_session(&app.hub.pool, &code.unwrap_or_default())?;
    let account = accounts::account(&app.hub.pool, &account)?.ok_or_else(|| Failure::not_found("Account", &account))?;
    let m = members::membership(&app.hub.pool, &account.id, &org)?
        .ok_or_else(|| Failure::not_found("Organization", &org))?;
    let token = issue_org_token(&app, &m, None)?;
    let mut v = json!({"Account": account_token(&app, &account), "Organization": token});
    if !account.has_password() {
        // the person's way to a password of their own: once, within the hour
        let (code, expires) = accounts::new_first_password_code(&app.hub.pool, &account.id)?;
        v["FirstPassword"] = json!({"Code": code, "Expires": rfc3339(expires)});
    }
    Ok(json_response(StatusCode::OK, &v))
}

/// `POST /v1/account/password` `{"Code", "Password"}`: sets the first password of an account made
/// without one (by a vendor), with the single-use code its session link handed out. No token: the
/// code is the secret. Answers a fresh account token.
pub async fn set_first_password(app: App, bytes: JsonBody) -> Result<Response> {
    let mut b = Body::parse(&bytes)?;
    let code = b.text("Code", true, 200);
    let password = b.text("Password", true, 200);
    if let Some(p) = &password {
        password_problem(&mut b, p);
    }
    b.finish()?;
    let (Some(code), Some(password)) = (code, password) else {
        return Err(Failure::internal("checked fields missing"));
    };
    let hash = crate::auth::oauth::hash_password_async(&app, password).await?;
    let account = accounts::redeem_first_password(&app.hub.pool, &code, &hash)?;
    Ok(json_response(StatusCode::OK, &account_token(&app, &account)))
}

/// `GET /v1/organization/events` (Admin): what vendors did to this organization (provisioning).
pub async fn events(c: Caller) -> Result<Response> {
    admin(&c, "see provisioning events")?;
    Ok(json_response(
        StatusCode::OK,
        &crate::http::list::page_of(super::oem::audit(&c.app.hub.pool, Some(&c.app.org))?),
    ))
}

// ---- invitations (the person invited) ----

fn invitation_value(inv: &invitations::Invitation, with_link: Option<&str>) -> Value {
    let mut v = json!({"ID": inv.id, "Email": inv.email, "Role": inv.role, "Status": inv.status(),
        "DateCreated": rfc3339(inv.created_ms), "Expires": rfc3339(inv.expires_ms)});
    if let Some(base) = with_link {
        v["Link"] = json!(invitations::invitation_link(base, &inv.code));
    }
    v
}

/// `GET /v1/invitations/{code}`: what an invitation link offers (no token needed: the code is
/// the secret).
pub async fn show_invitation(app: App, code: String) -> Result<Response> {
    let inv = invitations::invitation_by_code(&app.hub.pool, &code)?
        .ok_or_else(|| Failure::not_found("Invitation", "(this link)"))?;
    let o =
        organizations::org(&app.hub.pool, &inv.org)?.ok_or_else(|| Failure::not_found("Invitation", "(this link)"))?;
    let has_account = accounts::account_by_email(&app.hub.pool, &inv.email)?.is_some();
    let mut v = invitation_value(&inv, None);
    v["Organization"] = json!({"ID": o.id, "Name": o.name});
    v["AccountExists"] = json!(has_account);
    Ok(json_response(StatusCode::OK, &v))
}

/// `POST /v1/invitations/{code}/accept` with an account token whose email is the invited one.
pub async fn accept_invitation(c: AccountCaller, code: String) -> Result<Response> {
    let m = invitations::accept(&c.app, &code, &c.account)?;
    let o = organizations::org(&c.app.hub.pool, &m.org)?.ok_or_else(|| Failure::internal("organization vanished"))?;
    Ok(json_response(StatusCode::OK, &org_value(&o, &m)))
}

// ---- /v1/organization (a member's marketplace token) ----

/// The caller's membership of its token's organization: only an account's seller user has one.
pub fn member(c: &Caller) -> Result<(Membership, Account)> {
    let refuse = || {
        Failure::new(
            StatusCode::FORBIDDEN,
            "Organization.NotAMember",
            "Only members of this organization, signed in through their account, manage it; this token belongs to a marketplace user.",
        )
    };
    if c.user_type != UserType::Admin || c.impersonator.is_some() || c.anonymous {
        return Err(refuse());
    }
    let m = members::membership_of_user(&c.app.hub.pool, &c.app.org, c.user_seq)?.ok_or_else(refuse)?;
    let a = accounts::account(&c.app.hub.pool, &m.account)?.ok_or_else(refuse)?;
    Ok((m, a))
}

/// Like `member`, but only an Admin passes.
pub fn admin(c: &Caller, what: &str) -> Result<(Membership, Account)> {
    let (m, a) = member(c)?;
    if m.role != ADMIN {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "Organization.AdminOnly",
            format!("Only an Admin of the organization can {what}; your role is {}.", m.role),
        )
        .data(json!({"NeededRole": ADMIN, "Role": m.role})));
    }
    Ok((m, a))
}

/// `GET /v1/organization`: the token's organization and the caller's role in it.
pub async fn get_org(c: Caller) -> Result<Response> {
    let (m, _) = member(&c)?;
    let o = organizations::org(&c.app.hub.pool, &c.app.org)?
        .ok_or_else(|| Failure::not_found("Organization", &c.app.org))?;
    let mut v = org_value(&o, &m);
    v["ConsoleClientID"] = json!(o.console_client);
    Ok(json_response(StatusCode::OK, &v))
}

/// `PATCH /v1/organization`: renames it (Admin).
pub async fn rename_org(c: Caller, bytes: JsonBody) -> Result<Response> {
    admin(&c, "rename it")?;
    let mut b = Body::parse(&bytes)?;
    let name = b.text("Name", true, 100);
    b.finish()?;
    let name = name.ok_or_else(|| Failure::internal("checked fields missing"))?;
    db::write(&c.app.hub.pool, |tx| {
        tx.execute(
            "UPDATE organizations SET name = ?2 WHERE id = ?1",
            r2d2_sqlite::rusqlite::params![c.app.org, name],
        )?;
        Ok(())
    })?;
    get_org(c).await
}

pub async fn list_members(c: Caller) -> Result<Response> {
    member(&c)?;
    Ok(json_response(StatusCode::OK, &crate::http::list::page_of(members::members(&c.app)?)))
}

fn role_body(bytes: &JsonBody) -> Result<String> {
    let mut b = Body::parse(bytes)?;
    let role = b.text("Role", true, 100);
    b.finish()?;
    role.ok_or_else(|| Failure::internal("checked fields missing"))
}

/// `PATCH /v1/organization/members/{accountID}` `{"Role": ...}` (Admin).
pub async fn set_member_role(c: Caller, account: String, bytes: JsonBody) -> Result<Response> {
    admin(&c, "change roles")?;
    let role = role_body(&bytes)?;
    members::set_role(&c.app, &account, &role)?;
    let m = members::members(&c.app)?.into_iter().find(|m| m["AccountID"] == json!(account)).unwrap_or(Value::Null);
    Ok(json_response(StatusCode::OK, &m))
}

/// `DELETE /v1/organization/members/{accountID}` (Admin).
pub async fn remove_member(c: Caller, account: String) -> Result<Response> {
    admin(&c, "remove members")?;
    members::remove_member(&c.app, &account)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn list_invitations(c: Caller) -> Result<Response> {
    admin(&c, "see invitations")?;
    let base = c.app.hub.portal_url();
    let items: Vec<Value> = invitations::invitations_of_org(&c.app.hub.pool, &c.app.org)?
        .iter()
        .map(|i| invitation_value(i, (i.status() == "Pending").then_some(base.as_str())))
        .collect();
    Ok(json_response(StatusCode::OK, &crate::http::list::page_of(items)))
}

/// `POST /v1/organization/invitations` `{"Email", "Role"}` (Admin): the answer carries the link
/// to hand over; the sandbox's outbox keeps the message it would have mailed.
pub async fn invite(c: Caller, bytes: JsonBody) -> Result<Response> {
    let (_, by) = admin(&c, "invite people")?;
    let mut b = Body::parse(&bytes)?;
    let email = b.email("Email");
    let role = b.text("Role", true, 100);
    b.finish()?;
    let (Some(email), Some(role)) = (email, role) else { return Err(Failure::internal("checked fields missing")) };
    let base = c.app.hub.portal_url();
    let inv = invitations::invite(&c.app, &email, &role, &by, &base)?;
    Ok(json_response(StatusCode::CREATED, &invitation_value(&inv, Some(&base))))
}

pub async fn revoke_invitation(c: Caller, id: String) -> Result<Response> {
    admin(&c, "revoke invitations")?;
    invitations::revoke_invitation(&c.app, &id)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---- custom roles ----

pub async fn list_roles(c: Caller) -> Result<Response> {
    member(&c)?;
    Ok(json_response(StatusCode::OK, &crate::http::list::page_of(roles::roles(&c.app)?)))
}

fn role_fields(bytes: &JsonBody, id_needed: bool) -> Result<(Option<String>, String, Vec<String>)> {
    let mut b = Body::parse(bytes)?;
    let id = if id_needed { b.text("ID", false, 60) } else { None };
    let name = b.text("Name", true, 100);
    let roles = b.strings("Roles", true);
    if let Some(id) = &id {
        if !gatehouse_model::resources::is_id(id) || id == ADMIN || id == MEMBER {
            b.fail(
                "ID",
                "Format",
                format!("{id} cannot be a role ID: use letters, digits, - and _, and not Admin or Member."),
            );
        }
    }
    for r in roles.iter().flatten() {
        if !gatehouse_model::roles::is_role(r) {
            b.fail("Roles", "Reference", format!("{r} is not an API role."));
        }
    }
    if roles.as_ref().is_some_and(Vec::is_empty) {
        b.fail("Roles", "Required", "A role holds at least one API role.".into());
    }
    b.finish()?;
    match (name, roles) {
        (Some(n), Some(r)) => Ok((id, n, r)),
        _ => Err(Failure::internal("checked fields missing")),
    }
}

fn slug(name: &str) -> String {
    let s: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    let s = s.trim_matches('_').chars().take(40).collect::<String>();
    if s.is_empty() {
        new_id("role")
    } else {
        s
    }
}

/// `POST /v1/organization/roles` `{"ID"?, "Name", "Roles"}` (Admin): a custom role, kept as the
/// security profile `ORG_ROLE_<ID>`.
pub async fn create_role(c: Caller, bytes: JsonBody) -> Result<Response> {
    admin(&c, "define roles")?;
    let (id, name, roles) = role_fields(&bytes, true)?;
    let id = id.unwrap_or_else(|| slug(&name));
    let data = json!({"Name": name, "Roles": roles, "CustomRoles": []}).as_object().cloned().unwrap_or_default();
    db::as_hub(|| {
        db::write(&c.app.pool, |tx| {
            db::insert(tx, Kind::SecurityProfile, "", &roles::profile_of(&id), &data, None).map(|_| ())
        })
    })
    .map_err(|e| {
        if e.status == StatusCode::CONFLICT {
            Failure::conflict(codes::ID_EXISTS, format!("A role with ID {id} exists already."))
        } else {
            e
        }
    })?;
    let v = roles::roles(&c.app)?.into_iter().find(|r| r["ID"] == json!(id)).unwrap_or(Value::Null);
    Ok(json_response(StatusCode::CREATED, &v))
}

fn custom_or_404(app: &App, id: &str) -> Result<db::Obj> {
    if id == ADMIN || id == MEMBER {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "Organization.BuiltInRole",
            format!("{id} is a built-in role; it cannot be changed or deleted."),
        ));
    }
    db::get(&*app.conn()?, Kind::SecurityProfile, "", &roles::profile_of(id))?
        .ok_or_else(|| Failure::not_found("Role", id))
}

/// `PUT /v1/organization/roles/{roleID}` `{"Name", "Roles"}` (Admin): members holding it get the
/// new roles from their next token; their current tokens are refused.
pub async fn save_role(c: Caller, id: String, bytes: JsonBody) -> Result<Response> {
    admin(&c, "define roles")?;
    let (_, name, roles) = role_fields(&bytes, false)?;
    let profile = custom_or_404(&c.app, &id)?;
    let mut data = profile.data.clone();
    data.insert("Name".into(), json!(name));
    data.insert("Roles".into(), json!(roles));
    db::as_hub(|| {
        db::write(&c.app.pool, |tx| db::update(tx, profile.seq, Kind::SecurityProfile, &profile.id, &data, None))
    })?;
    for m in members::memberships_of_org(&c.app.hub.pool, &c.app.org)?.iter().filter(|m| m.role == id) {
        crate::auth::oauth::revoke_user_tokens(&c.app, m.user_seq)?;
    }
    let v = roles::roles(&c.app)?.into_iter().find(|r| r["ID"] == json!(id)).unwrap_or(Value::Null);
    Ok(json_response(StatusCode::OK, &v))
}

/// `DELETE /v1/organization/roles/{roleID}` (Admin): refused while a member or a pending
/// invitation has it.
pub async fn delete_role(c: Caller, id: String) -> Result<Response> {
    admin(&c, "define roles")?;
    let profile = custom_or_404(&c.app, &id)?;
    let held = members::memberships_of_org(&c.app.hub.pool, &c.app.org)?.iter().filter(|m| m.role == id).count();
    let invited = invitations::invitations_of_org(&c.app.hub.pool, &c.app.org)?
        .iter()
        .filter(|i| i.role == id && i.status() == "Pending")
        .count();
    if held + invited > 0 {
        return Err(Failure::conflict(
            "Organization.RoleInUse",
            format!(
                "{held} member(s) and {invited} pending invitation(s) have this role; give them another role first."
            ),
        ));
    }
    db::as_hub(|| {
        db::write(&c.app.pool, |tx| {
            crate::storage::store::cascade(tx, Kind::SecurityProfile, "", &profile.id)?;
            db::delete(tx, profile.seq)
        })
    })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
