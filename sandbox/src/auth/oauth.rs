//! `POST /oauth/token`: password, client_credentials and refresh_token grants; token issue.
use crate::http::error::{Failure, Result};
use crate::storage::clock::{now_ms, now_s as now};
use crate::storage::db::{self, Obj};
use crate::storage::roles;
use crate::App;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use gatehouse_model::resources::{Kind, UserType};
use gatehouse_model::types::{AccessToken, ApiClient, Claims};
use r2d2_sqlite::rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::encode_b64(&crate::storage::id::random_bytes::<16>()).map_err(Failure::internal)?;
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt).map_err(Failure::internal)?.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// An OAuth2 error: `error` / `error_description` plus the API's `Errors[]`.
pub struct OAuthError {
    status: StatusCode,
    error: &'static str,
    code: &'static str,
    message: String,
}

fn oauth_err(error: &'static str, code: &'static str, message: impl Into<String>) -> OAuthError {
    OAuthError { status: StatusCode::BAD_REQUEST, error, code, message: message.into() }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        crate::http::json_response(
            self.status,
            &json!({
                "error": self.error,
                "error_description": self.message,
                "Errors": [{"ErrorCode": self.code, "Message": self.message, "Data": null}],
            }),
        )
    }
}

impl From<Failure> for OAuthError {
    fn from(f: Failure) -> Self {
        let message = f.errors.first().map(|e| e.message.clone()).unwrap_or_default();
        OAuthError { status: f.status, error: "server_error", code: "ServerError", message }
    }
}

pub fn sha(text: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(text.as_bytes()))
}

/// Signs an access token for `user` through `client` with `roles`.
/// Whose a token is besides its user's.
pub enum Issue {
    /// The user's own.
    Own,
    /// An impersonation token; `by` is the impersonating user's internal ID (`imp`).
    Impersonation { by: String },
    /// An anonymous shopper acting as the client's default context user, with an order of
    /// their own (`orderid`).
    Anonymous { order_id: String },
}

/// Signs an access token; returns it with its claims. The token names the organization and the
/// incarnation of its API client (`client_seq`, the client's row), so it is answered only there.
#[allow(clippy::too_many_arguments)]
pub fn access_token(
    app: &App,
    user: &Obj,
    t: UserType,
    client_id: &str,
    client_seq: i64,
    minutes: i64,
    roles: Vec<String>,
    issue: Issue,
) -> (String, Claims) {
    let now = now();
    // `serve --token-seconds`: every token short-lived, to watch sessions end by the clock
    let expires_in = app.hub.token_seconds().unwrap_or(minutes.max(1) * 60);
    let rand = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(crate::storage::id::random_bytes::<9>());
    let claims = Claims {
        usr: user.data.get("Username").and_then(Value::as_str).unwrap_or("").to_string(),
        cid: client_id.to_string(),
        u: user.seq.to_string(),
        usrtype: t.as_str().to_string(),
        role: roles,
        iss: app.hub.issuer.clone(),
        aud: app.hub.audience.clone(),
        exp: now + expires_in,
        nbf: now,
        imp: match &issue {
            Issue::Impersonation { by } => Some(by.clone()),
            _ => None,
        },
        orderid: match issue {
            Issue::Anonymous { order_id } => Some(order_id),
            _ => None,
        },
        cmp: if t == UserType::Admin { None } else { Some(user.parent.clone()) },
        jti: Some(format!("{:x}.{rand}", now_ms())),
        org: Some(app.org.clone()),
        cin: Some(client_seq.to_string()),
    };
    (app.hub.keys.sign(&claims), claims)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct TokenForm {
    grant_type: String,
    client_id: String,
    client_secret: Option<String>,
    username: Option<String>,
    password: Option<String>,
    scope: Option<String>,
    refresh_token: Option<String>,
}

pub async fn token(app: axum::extract::State<App>, body: Bytes) -> Response {
    // the API client names the organization whose marketplace answers
    let client_id = serde_urlencoded::from_bytes::<TokenForm>(&body).map(|f| f.client_id).unwrap_or_default();
    let app = match app.for_client(&client_id) {
        Ok(app) => app,
        Err(e) => return OAuthError::from(e).into_response(),
    };
    match grant(&app, &body).await {
        Ok(t) => crate::http::json_response(StatusCode::OK, &t),
        Err(e) => e.into_response(),
    }
}

fn user_type_of(user: &Obj) -> Option<UserType> {
    Kind::from_key(&user.kind).and_then(Kind::user_type)
}

/// Does the client let this user sign in?
pub fn client_allows(
    conn: &r2d2_sqlite::rusqlite::Connection,
    client: &ApiClient,
    t: UserType,
    company: &str,
) -> Result<bool> {
    let assigned = |field: &str| -> Result<bool> {
        Ok(db::assignments(conn, crate::storage::roles::API_CLIENT_KIND, "")?.iter().any(|a| {
            a.get("ApiClientID").and_then(Value::as_str) == Some(client.id.as_str())
                && a.get(field).and_then(Value::as_str) == Some(company)
        }))
    };
    Ok(match t {
        UserType::Admin => client.allow_seller,
        UserType::Buyer => client.allow_any_buyer || assigned("BuyerID")?,
        UserType::Supplier => client.allow_any_supplier || assigned("SupplierID")?,
    })
}

/// A stored refresh token: user_seq, roles, scope, password_tag, expires.
type RefreshRow = (i64, String, Option<String>, Option<String>, i64);

async fn grant(app: &App, body: &Bytes) -> std::result::Result<AccessToken, OAuthError> {
    let form: TokenForm = serde_urlencoded::from_bytes(body).map_err(|e| {
        oauth_err("invalid_request", "Auth.InvalidRequest", format!("The token request must be form-encoded: {e}."))
    })?;
    if form.client_id.is_empty() {
        return Err(oauth_err("invalid_client", "Auth.InvalidClientID", "client_id is required."));
    }
    let mut conn = app.conn()?;
    let client_obj = db::get(&conn, Kind::ApiClient, "", &form.client_id)?.ok_or_else(|| {
        oauth_err("invalid_client", "Auth.InvalidClientID", format!("No API client has the ID {}.", form.client_id))
    })?;
    let mut client_data = client_obj.data.clone();
    client_data.insert("ID".into(), Value::String(client_obj.id.clone()));
    let client: ApiClient = serde_json::from_value(Value::Object(client_data)).unwrap_or_default();
    if !client.active {
        return Err(oauth_err("invalid_client", "Auth.ClientNotActive", "This API client is not active."));
    }
    if let Some(secret) = client.client_secret.as_deref().filter(|s| !s.is_empty()) {
        if form.client_secret.as_deref() != Some(secret) {
            return Err(oauth_err(
                "invalid_client",
                "Auth.InvalidClientSecret",
                "This API client requires its client_secret, and the one given is missing or wrong.",
            ));
        }
    }
    let mut scope: Vec<String> = form.scope.as_deref().unwrap_or("").split_whitespace().map(String::from).collect();

    let mut anonymous = false;
    let (user, roles, refreshing) = match form.grant_type.as_str() {
        "password" => {
            let (Some(username), Some(password)) = (
                form.username.as_deref().filter(|u| !u.is_empty()),
                form.password.as_deref().filter(|p| !p.is_empty()),
            ) else {
                return Err(oauth_err(
                    "invalid_request",
                    "Auth.UsernameAndPasswordRequired",
                    "username and password are required.",
                ));
            };
            let user = db::by_username(&conn, username)?;
            if let Some(u) = &user {
                if let Some(until) = locked_until(&conn, u.seq)? {
                    return Err(oauth_err("invalid_grant", "Auth.LockedOut", lockout_message(until)));
                }
            }
            // no connection is held while the password is hashed
            drop(conn);
            // an unknown username costs the same hashing work as a wrong password
            let hash = user.as_ref().and_then(|u| u.secret.clone()).filter(|h| !h.is_empty());
            let ok = check_password(app, password, hash).await?;
            conn = app.conn()?;
            match (user, ok) {
                (Some(user), true) => {
                    // counted atomically: a right password that arrives after the failures that
                    // locked the user out is refused too
                    if let Some(until) = sign_in_succeeded(app, &conn, &user)? {
                        return Err(oauth_err("invalid_grant", "Auth.LockedOut", lockout_message(until)));
                    }
                    (user, None, false)
                }
                (user, _) => {
                    if let Some(user) = user {
                        if let Some(until) = sign_in_failed(app, &conn, &user)? {
                            return Err(oauth_err("invalid_grant", "Auth.LockedOut", lockout_message(until)));
                        }
                    }
                    return Err(oauth_err(
                        "invalid_grant",
                        "Auth.InvalidUsernameOrPassword",
                        "The username or password is wrong.",
                    ));
                }
            }
        }
        "client_credentials" => {
            // without a secret, only as an anonymous shopper
            if client.client_secret.as_deref().is_none_or(str::is_empty) {
                if !client.is_anon_buyer {
                    return Err(oauth_err(
                        "unauthorized_client",
                        "Auth.InvalidClientSecret",
                        "client_credentials needs an API client with a ClientSecret, or one that allows anonymous shopping (IsAnonBuyer).",
                    ));
                }
                anonymous = true;
            }
            let name = client.default_context_user_name.clone().filter(|n| !n.is_empty()).ok_or_else(|| {
                oauth_err(
                    "unauthorized_client",
                    "Auth.NoDefaultContextUser",
                    "This API client has no DefaultContextUserName to act as.",
                )
            })?;
            let user = db::by_username(&conn, &name)?.ok_or_else(|| {
                oauth_err(
                    "unauthorized_client",
                    "Auth.NoDefaultContextUser",
                    format!("The default context user {name} does not exist."),
                )
            })?;
            (user, None, false)
        }
        "refresh_token" => {
            let rt = form
                .refresh_token
                .as_deref()
                .filter(|r| !r.is_empty())
                .ok_or_else(|| oauth_err("invalid_request", "Auth.InvalidRequest", "refresh_token is required."))?;
            let hash = sha(rt);
            let row: Option<RefreshRow> = conn
                .query_row(
                    "SELECT user_seq, roles, scope, password_tag, expires FROM refresh_tokens WHERE hash = ?1 AND client_id = ?2",
                    params![hash, client.id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .optional()
                .map_err(Failure::from)?;
            let Some((user_seq, roles, kept_scope, password_tag, expires)) = row else {
                return Err(oauth_err(
                    "invalid_grant",
                    "Auth.InvalidRefreshToken",
                    "The refresh token is unknown or was issued to another client.",
                ));
            };
            if expires < now() {
                return Err(oauth_err(
                    "invalid_grant",
                    "Auth.RefreshTokenExpired",
                    "The refresh token has expired; sign in again.",
                ));
            }
            let user = db::by_seq(&conn, user_seq)?.ok_or_else(|| {
                oauth_err(
                    "invalid_grant",
                    "Auth.InvalidRefreshToken",
                    "The user of this refresh token no longer exists.",
                )
            })?;
            if let Some(until) = locked_until(&conn, user.seq)? {
                return Err(oauth_err("invalid_grant", "Auth.LockedOut", lockout_message(until)));
            }
            if password_tag.as_ref().is_some_and(|tag| *tag != password_tag_of(&user)) {
                return Err(oauth_err(
                    "invalid_grant",
                    "Auth.InvalidRefreshToken",
                    "The password changed after this refresh token was issued; sign in again.",
                ));
            }
            // roles are recomputed from today's assignments, within the scope first asked for
            // (none asked: all of them; tokens from before scopes were kept: within the roles
            // they were given)
            scope = match (kept_scope, password_tag) {
                (Some(s), _) => serde_json::from_str(&s).unwrap_or_default(),
                (None, Some(_)) => Vec::new(),
                (None, None) => serde_json::from_str(&roles).unwrap_or_default(),
            };
            (user, None, true)
        }
        "" => return Err(oauth_err("invalid_request", "Auth.InvalidRequest", "grant_type is required.")),
        other => {
            return Err(oauth_err(
                "unsupported_grant_type",
                "Auth.UnsupportedGrantType",
                format!("grant_type {other} is not supported; use password, client_credentials or refresh_token."),
            ))
        }
    };

    let t = user_type_of(&user).ok_or_else(|| Failure::internal("token user is not a user"))?;
    // a membership user signs in only through its account (a client whose
    // DefaultContextUserName names it would otherwise hand its roles to whoever holds the secret)
    if !refreshing && db::is_membership_user(&user) {
        return Err(oauth_err(
            "unauthorized_client",
            "Auth.MembershipUser",
            "This user is an account's membership of the organization; it signs in only through its account (POST /v1/account/organizations/{id}/token).",
        ));
    }
    if user.data.get("Active").and_then(Value::as_bool) != Some(true) {
        return Err(oauth_err("invalid_grant", "Auth.UserNotActive", "This user is not active."));
    }
    if t != UserType::Admin {
        let company_kind = if t == UserType::Buyer { Kind::Buyer } else { Kind::Supplier };
        let company = db::get(&conn, company_kind, "", &user.parent)?;
        if company.is_none_or(|c| c.data.get("Active").and_then(Value::as_bool) == Some(false)) {
            return Err(oauth_err(
                "invalid_grant",
                "Auth.UserNotActive",
                format!("The {} {} is not active.", t.as_str(), user.parent),
            ));
        }
    }
    if anonymous && t != UserType::Buyer {
        return Err(oauth_err(
            "unauthorized_client",
            "Auth.NoDefaultContextUser",
            "Anonymous shopping needs a buyer user as the API client's DefaultContextUserName.",
        ));
    }
    if !client_allows(&conn, &client, t, &user.parent)? {
        return Err(oauth_err(
            "unauthorized_client",
            "Auth.UnauthorizedClient",
            format!("API client {} does not allow {} users of this organization to sign in.", client.id, t.as_str()),
        ));
    }
    let roles = match roles {
        Some(r) => r,
        None => {
            let (available, custom) = roles::available_roles(&conn, t, &user.parent, &user.id)?;
            let mut all = available;
            // custom roles travel in the token but never as an API role's name
            all.extend(custom.into_iter().filter(|r| !gatehouse_model::roles::is_role(r)));
            if scope.is_empty() {
                all
            } else {
                all.into_iter().filter(|r| scope.contains(r)).collect()
            }
        }
    };
    drop(conn);
    let issue =
        if anonymous { Issue::Anonymous { order_id: crate::storage::id::new_id(Kind::Buyer) } } else { Issue::Own };
    // an anonymous shopper's token lasts a fixed week, whatever the client says
    let minutes = if anonymous { ANONYMOUS_MINUTES } else { client.access_token_duration };
    let (access, claims) = access_token(app, &user, t, &client.id, client_obj.seq, minutes, roles.clone(), issue);
    let expires_in = claims.exp - claims.nbf;
    let refresh_token = if refreshing {
        // keep the refresh token the client already holds
        form.refresh_token.clone()
    } else if client.refresh_token_duration > 0 && !anonymous {
        // (an anonymous shopper's refresh would lose their order: none are issued)
        Some(issue_refresh_token(app, &user, &client.id, client.refresh_token_duration, &roles, &scope)?)
    } else {
        None
    };
    Ok(AccessToken { access_token: access, token_type: "bearer".into(), expires_in, refresh_token })
}

/// Stores a new refresh token for `user` through `client_id`, lasting `minutes`; returns it.
pub fn issue_refresh_token(
    app: &App,
    user: &Obj,
    client_id: &str,
    minutes: i64,
    roles: &[String],
    scope: &[String],
) -> Result<String> {
    let rt = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(crate::storage::id::random_bytes::<32>());
    let expires = now() + minutes * 60;
    db::write(&app.pool, |tx| {
        tx.execute(
            "INSERT INTO refresh_tokens (hash, user_seq, client_id, roles, expires, scope, password_tag) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                sha(&rt),
                user.seq,
                client_id,
                serde_json::to_string(roles)?,
                expires,
                // no scope asked: every role the user will have
                if scope.is_empty() { None } else { Some(serde_json::to_string(scope)?) },
                password_tag_of(user)
            ],
        )?;
        Ok(())
    })?;
    Ok(rt)
}

/// How long an anonymous shopper's token lasts (one week, as on the real API).
pub const ANONYMOUS_MINUTES: i64 = 7 * 24 * 60;

/// Names the password a refresh token was issued under (a digest of its hash), so a changed
/// password ends the refresh tokens issued before.
fn password_tag_of(user: &Obj) -> String {
    sha(user.secret.as_deref().unwrap_or(""))
}

/// Verifies a password off the async workers, at most `App::hashing` at once. With no hash (an
/// unknown user) it verifies against a fixed hash, so the answer takes as long as a wrong password.
pub async fn check_password(app: &App, password: &str, hash: Option<String>) -> Result<bool> {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let known = hash.is_some();
    let hash = match hash {
        Some(h) => h,
        None => DUMMY.get_or_init(|| hash_password("not a password of anyone").unwrap_or_default()).clone(),
    };
    let _slot = app.hub.hashing.acquire().await.map_err(Failure::internal)?;
    let pw = password.to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&pw, &hash)).await.map_err(Failure::internal)?;
    app.hub.password_checks.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    Ok(ok && known)
}

/// Hashes a new password off the async workers, at most `App::hashing` at once.
pub async fn hash_password_async(app: &App, password: String) -> Result<String> {
    let _slot = app.hub.hashing.acquire().await.map_err(Failure::internal)?;
    tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(Failure::internal)?
}

/// When a locked-out user may try again (epoch ms; `i64::MAX`: once unlocked), if they are locked.
fn locked_until(conn: &r2d2_sqlite::rusqlite::Connection, user_seq: i64) -> Result<Option<i64>> {
    let until: Option<i64> = conn
        .query_row("SELECT until_ms FROM lockouts WHERE user_seq = ?1", params![user_seq], |r| r.get(0))
        .optional()
        .map_err(Failure::from)?;
    Ok(until.filter(|u| *u > now_ms()))
}

fn lockout_message(until: i64) -> String {
    if until == i64::MAX {
        "This user is locked out after too many failed sign-ins; an administrator can unlock them.".into()
    } else {
        let minutes = ((until - now_ms()) as f64 / 60_000.0).ceil().max(1.0) as i64;
        format!("This user is locked out after too many failed sign-ins; try again in {minutes} minute(s), or ask an administrator to unlock them.")
    }
}

/// Counts a wrong password (`FailedLoginAttempts` on the user) and locks the user out when their
/// security profiles' `PasswordConfig` says so; returns the lockout's end if it started now.
fn sign_in_failed(app: &App, conn: &r2d2_sqlite::rusqlite::Connection, user: &db::Obj) -> Result<Option<i64>> {
    let Some(t) = user_type_of(user) else { return Ok(None) };
    let limits = crate::storage::roles::sign_in_limits(conn, t, &user.parent, &user.id)?;
    // (the store's own bookkeeping: membership users count failures too)
    db::as_hub(|| {
        db::write(&app.pool, |tx| {
            let failures = set_failed_attempts(tx, user.seq, |n| n + 1)?;
            match limits.allowed_failures {
                Some(allowed) if failures >= allowed => {
                    let until =
                        limits.lockout_minutes.map_or(i64::MAX, |m| now_ms().saturating_add(m.saturating_mul(60_000)));
                    tx.execute(
                    "INSERT INTO lockouts (user_seq, until_ms) VALUES (?1, ?2) ON CONFLICT (user_seq) DO UPDATE SET until_ms = excluded.until_ms",
                    params![user.seq, until],
                )?;
                    Ok(Some(until))
                }
                _ => Ok(None),
            }
        })
    })
}

/// A right password clears the failure count (and any lockout that has run out), unless the
/// user was locked out meanwhile: then it returns the lockout's end and changes nothing.
fn sign_in_succeeded(app: &App, conn: &r2d2_sqlite::rusqlite::Connection, user: &db::Obj) -> Result<Option<i64>> {
    // read first: most sign-ins have nothing to clear and need no write
    if let Some(until) = locked_until(conn, user.seq)? {
        return Ok(Some(until));
    }
    let failures = db::by_seq(conn, user.seq)?
        .map_or(0, |u| u.data.get("FailedLoginAttempts").and_then(Value::as_i64).unwrap_or(0));
    if failures == 0 {
        return Ok(None);
    }
    db::as_hub(|| {
        db::write(&app.pool, |tx| {
            if let Some(until) = locked_until(tx, user.seq)? {
                return Ok(Some(until));
            }
            let current = db::by_seq(tx, user.seq)?;
            if current.is_some_and(|u| u.data.get("FailedLoginAttempts").and_then(Value::as_i64).unwrap_or(0) != 0) {
                clear_lockout(tx, user.seq)?;
            }
            Ok(None)
        })
    })
}

/// Ends a lockout and clears the failure count (`POST /adminusers/{id}/unlock`, a right password).
pub fn unlock_user(app: &App, user_seq: i64) -> Result<()> {
    db::as_hub(|| db::write(&app.pool, |tx| clear_lockout(tx, user_seq)))
}

/// Drops a user's lockout and failure count, inside the caller's transaction.
fn clear_lockout(tx: &r2d2_sqlite::rusqlite::Transaction, user_seq: i64) -> Result<()> {
    tx.execute("DELETE FROM lockouts WHERE user_seq = ?1", params![user_seq])?;
    set_failed_attempts(tx, user_seq, |_| 0).map(|_| ())
}

/// Rewrites a user's `FailedLoginAttempts` from its current value; returns the new one.
fn set_failed_attempts(
    tx: &r2d2_sqlite::rusqlite::Transaction,
    user_seq: i64,
    next: impl FnOnce(i64) -> i64,
) -> Result<i64> {
    let Some(mut user) = db::by_seq(tx, user_seq)? else { return Ok(0) };
    let n = next(user.data.get("FailedLoginAttempts").and_then(Value::as_i64).unwrap_or(0));
    user.data.insert("FailedLoginAttempts".into(), Value::from(n));
    let kind = Kind::from_key(&user.kind).ok_or_else(|| Failure::internal("user of unknown kind"))?;
    db::update(tx, user.seq, kind, &user.id, &user.data, None)?;
    Ok(n)
}

/// Revokes every token issued to a user until now (`DELETE /adminusers/{id}/tokens`).
pub fn revoke_user_tokens(app: &App, user_seq: i64) -> Result<()> {
    let before = now_ms();
    db::write(&app.pool, |tx| {
        tx.execute(
            "INSERT INTO revocations (user_seq, before_ms) VALUES (?1, ?2) ON CONFLICT (user_seq) DO UPDATE SET before_ms = excluded.before_ms",
            params![user_seq, before],
        )?;
        tx.execute("DELETE FROM refresh_tokens WHERE user_seq = ?1", params![user_seq])?;
        Ok(())
    })?;
    app.set_revoked(user_seq, before);
    Ok(())
}
