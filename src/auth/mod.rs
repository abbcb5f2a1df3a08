//! Tokens and marketplace contexts: password / refresh grants, storage (sessionStorage by
//! default, localStorage when the user stays signed in), silent refresh, and sign-out.

pub mod account;
pub mod guard;
pub mod impersonation;
pub mod orgs;

use crate::api;
use crate::json;
use gatehouse_model::environment::Environment;
use gatehouse_model::read;
use leptos::prelude::*;
use serde_json::Value;

/// What a change the person declined to confirm (in a production context) answers: it was
/// never sent.
pub const NOT_CONFIRMED: &str = "Not sent: the change was not confirmed (this context is production).";
/// Stored by the screens for the contexts: a request history key's prefix, the act-as record.
const FORGOTTEN_ON_SIGN_OUT: [&str; 2] = ["gatehouse.history:", "gatehouse.impersonation.history"];
const KEY: &str = "gatehouse.contexts";
const ACTIVE: &str = "gatehouse.active";
/// Client secrets of contexts kept in localStorage live only in this tab's sessionStorage:
/// a secret typed at sign-in is never written to localStorage.
const SECRETS: &str = "gatehouse.secrets";

/// One signed-in marketplace: API host + client + user, with its tokens.
#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    pub base_url: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub username: String,
    pub access_token: String,
    pub refresh_token: Option<String>,
    /// Epoch milliseconds when the access token expires.
    pub expires_at: f64,
    /// Seconds the token was issued for.
    pub lifetime: f64,
    /// Kept in localStorage (stay signed in) rather than sessionStorage.
    pub persistent: bool,
    /// How the token was obtained: `password` or `client_credentials` (renewed with the same
    /// grant when it has no refresh token).
    pub grant: String,
    /// The organization (ID and name) of an account's context; empty for a marketplace user's.
    pub org: String,
    pub org_name: String,
    /// The environment the person chose for this context (`sandbox`, `staging`, `production`);
    /// empty: guessed from the API address ([`Context::environment`]).
    pub env: String,
}

pub const PASSWORD: &str = "password";
pub const CLIENT_CREDENTIALS: &str = "client_credentials";

impl Context {
    /// A stored context; `None` unless it names its API, client, user and token.
    fn read(v: &Value) -> Option<Context> {
        let c = Context {
            base_url: read::text(v, "base_url"),
            client_id: read::text(v, "client_id"),
            client_secret: json::opt_string(v, "client_secret"),
            username: read::text(v, "username"),
            access_token: read::text(v, "access_token"),
            refresh_token: json::opt_string(v, "refresh_token"),
            expires_at: json::number(v, "expires_at"),
            lifetime: json::number(v, "lifetime"),
            persistent: v["persistent"].as_bool().unwrap_or_default(),
            grant: Some(read::text(v, "grant")).filter(|g| g == CLIENT_CREDENTIALS).unwrap_or_else(|| PASSWORD.into()),
            org: read::text(v, "org"),
            org_name: read::text(v, "org_name"),
            env: read::text(v, "env"),
        };
        let complete = [&c.base_url, &c.client_id, &c.username, &c.access_token].iter().all(|s| !s.is_empty());
        complete.then_some(c)
    }
    /// The stored form, read back by `read` (written by hand: a derived serializer costs bytes).
    fn to_json(&self) -> Value {
        serde_json::json!({
            "base_url": self.base_url, "client_id": self.client_id, "client_secret": self.client_secret,
            "username": self.username, "access_token": self.access_token, "refresh_token": self.refresh_token,
            "expires_at": self.expires_at, "lifetime": self.lifetime, "persistent": self.persistent, "grant": self.grant,
            "org": self.org, "org_name": self.org_name, "env": self.env,
        })
    }
    pub fn id(&self) -> String {
        format!("{}|{}|{}", self.base_url, self.client_id, self.username)
    }
    /// Sandbox, staging or production: as the person set it, else guessed from the address
    /// (an address not known counts as production).
    pub fn environment(&self) -> Environment {
        Environment::parse(&self.env).unwrap_or_else(|| Environment::guess(&self.base_url))
    }
    pub fn info(&self) -> TokenInfo {
        TokenInfo::decode(&self.access_token).unwrap_or_default()
    }
    pub fn label(&self) -> String {
        if !self.org.is_empty() {
            return format!("{} — {}", self.org_name, self.username);
        }
        let host = self.base_url.trim_start_matches("https://").trim_start_matches("http://");
        format!("{} @ {}", self.username, host)
    }
}

/// What the portal reads from a token's claims.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TokenInfo {
    pub usr: String,
    pub usrtype: String,
    pub cid: String,
    pub role: Vec<String>,
    pub exp: f64,
    /// Issued at (`iat`, else `nbf`), epoch seconds; 0 when the token does not say.
    pub iat: f64,
    pub imp: Option<String>,
    /// Every claim, as the token carries them (the token inspector shows and copies them).
    pub claims: Value,
}

impl TokenInfo {
    pub fn decode(token: &str) -> Option<TokenInfo> {
        let payload = token.split('.').nth(1)?;
        let mut b64 = payload.replace('-', "+").replace('_', "/");
        while b64.len() % 4 != 0 {
            b64.push('=');
        }
        let text = window().atob(&b64).ok()?;
        let v: Value = serde_json::from_str(&text).ok()?;
        Some(TokenInfo {
            usr: read::text(&v, "usr"),
            usrtype: read::text(&v, "usrtype"),
            cid: read::text(&v, "cid"),
            role: json::strings(&v["role"]),
            exp: json::number(&v, "exp"),
            iat: Some(json::number(&v, "iat")).filter(|t| *t > 0.0).unwrap_or_else(|| json::number(&v, "nbf")),
            imp: json::opt_string(&v, "imp"),
            claims: v,
        })
    }
    pub fn has_any(&self, roles: &[String]) -> bool {
        roles.is_empty() || self.role.iter().any(|r| r == "FullAccess" || roles.contains(r))
    }
}

fn storage(persistent: bool) -> Option<web_sys::Storage> {
    if persistent {
        window().local_storage().ok().flatten()
    } else {
        window().session_storage().ok().flatten()
    }
}

fn read(persistent: bool) -> Vec<Context> {
    storage(persistent)
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .map(|t| json::list(&t, Context::read))
        .unwrap_or_default()
}

/// The session shared by every screen.
#[derive(Clone, Copy)]
pub struct Session {
    pub contexts: RwSignal<Vec<Context>>,
    pub active: RwSignal<Option<String>>,
    /// Set when a request met a 401 that refreshing could not fix: the sign-in dialog opens.
    pub need_sign_in: RwSignal<bool>,
    /// Wall clock in ms, ticking every second (for time left).
    pub now: RwSignal<f64>,
    /// The impersonation token in force, if any.
    pub acting: RwSignal<Option<impersonation::Acting>>,
    /// The account signed in in this tab, if any (organizations are its contexts).
    pub account: RwSignal<Option<account::Account>>,
    /// A production write waiting for the person's yes ([`guard`]).
    pub asking: RwSignal<Option<guard::Ask>>,
    /// Confirmed bulk runs in progress: their writes are not asked about one by one.
    pub bulk: RwSignal<u32>,
}

/// The token requests carry by default, and what it allows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InForce {
    pub caller: Caller,
    pub info: TokenInfo,
}

/// Whose token a request carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Caller {
    /// The signed-in user's own (the launcher always works as the rep).
    #[default]
    Me,
    /// The user acted as, while acting as someone; else the signed-in user.
    ActingAs,
}

impl Session {
    pub fn load() -> Session {
        let mut contexts = read(true);
        for c in read(false) {
            if !contexts.iter().any(|x| x.id() == c.id()) {
                contexts.push(c);
            }
        }
        let secrets: Value = storage(false)
            .and_then(|s| s.get_item(SECRETS).ok().flatten())
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        for c in contexts.iter_mut().filter(|c| c.persistent && c.client_secret.is_none()) {
            c.client_secret = json::opt_string(&secrets, &c.id());
        }
        let active = storage(false)
            .and_then(|s| s.get_item(ACTIVE).ok().flatten())
            .or_else(|| storage(true).and_then(|s| s.get_item(ACTIVE).ok().flatten()))
            .filter(|id| contexts.iter().any(|c| &c.id() == id))
            .or_else(|| contexts.first().map(Context::id));
        Session {
            contexts: RwSignal::new(contexts),
            active: RwSignal::new(active),
            need_sign_in: RwSignal::new(false),
            now: RwSignal::new(js_sys::Date::now()),
            acting: RwSignal::new(impersonation::load()),
            account: RwSignal::new(account::load()),
            asking: RwSignal::new(None),
            bulk: RwSignal::new(0),
        }
    }

    /// Who requests go out as, and with which roles: the user acted as while impersonating, else
    /// the signed-in user (reactive). The menu, the operation selector, the response view and the
    /// screens' read-only checks all read this one notion.
    pub fn in_force(&self) -> InForce {
        match self.acting.get() {
            Some(a) => InForce { caller: Caller::ActingAs, info: TokenInfo::decode(&a.token).unwrap_or_default() },
            None => InForce { caller: Caller::Me, info: self.current().map(|c| c.info()).unwrap_or_default() },
        }
    }

    fn persist(&self) {
        let all = self.contexts.get_untracked();
        let secrets = secrets_of(&all);
        if let Some(s) = storage(false) {
            let _ = if secrets.is_empty() {
                s.remove_item(SECRETS)
            } else {
                s.set_item(SECRETS, &Value::Object(secrets).to_string())
            };
        }
        for persistent in [true, false] {
            let mine = stored(&all, persistent);
            if let Some(s) = storage(persistent) {
                if mine.is_empty() {
                    let _ = s.remove_item(KEY);
                } else {
                    let _ = s.set_item(KEY, &Value::Array(mine.iter().map(Context::to_json).collect()).to_string());
                }
            }
        }
        let active = self.active.get_untracked();
        for persistent in [true, false] {
            if let Some(s) = storage(persistent) {
                match &active {
                    Some(id) => {
                        let _ = s.set_item(ACTIVE, id);
                    }
                    None => {
                        let _ = s.remove_item(ACTIVE);
                    }
                }
            }
        }
    }

    pub fn current(&self) -> Option<Context> {
        let id = self.active.get()?;
        self.contexts.with(|cs| cs.iter().find(|c| c.id() == id).cloned())
    }

    pub fn current_untracked(&self) -> Option<Context> {
        let id = self.active.get_untracked()?;
        self.contexts.with_untracked(|cs| cs.iter().find(|c| c.id() == id).cloned())
    }

    /// Adds or replaces a context and makes it active.
    pub fn put(&self, mut ctx: Context) {
        let id = ctx.id();
        self.contexts.update(|cs| {
            // signed in again (a refresh, the sign-in dialog): the environment chosen stays
            if let Some(old) = cs.iter().find(|c| c.id() == id).filter(|_| ctx.env.is_empty()) {
                ctx.env = old.env.clone();
            }
            cs.retain(|c| c.id() != id);
            cs.push(ctx);
        });
        self.active.set(Some(id));
        self.need_sign_in.set(false);
        self.persist();
    }

    /// Forgets one context (an organization left); the first other one becomes active.
    pub fn drop_context(&self, id: &str) {
        self.contexts.update(|cs| cs.retain(|c| c.id() != id));
        self.active.set(self.contexts.with_untracked(|cs| cs.first().map(Context::id)));
        self.persist();
    }

    pub fn switch(&self, id: String) {
        self.active.set(Some(id));
        self.persist();
    }

    /// Sets the active context's environment (kept with it, across reloads and sign-ins).
    pub fn set_environment(&self, env: Environment) {
        let Some(id) = self.active.get_untracked() else { return };
        self.contexts.update(|cs| {
            if let Some(c) = cs.iter_mut().find(|c| c.id() == id) {
                c.env = env.name().into();
            }
        });
        self.persist();
    }

    /// Signs out of every context and drops every token (access, refresh, impersonation); the
    /// contexts' request histories and the act-as record go with them.
    pub fn sign_out(&self) {
        // the account's tokens end at the API too (every one issued so far), so a copy of one
        // cannot mint organization tokens after the person signed out; the marketplace's own
        // tokens have no such endpoint and are only forgotten
        if let Some(a) = self.account.get_untracked() {
            leptos::task::spawn_local(async move {
                let _ = account::call(&a.base, Some(&a.token), "POST", gatehouse_model::hub::SIGN_OUT, None).await;
            });
        }
        self.contexts.set(Vec::new());
        self.active.set(None);
        self.acting.set(None);
        impersonation::save(&None);
        self.account.set(None);
        account::save(None);
        for persistent in [true, false] {
            if let Some(s) = storage(persistent) {
                let _ = s.remove_item(KEY);
                let _ = s.remove_item(ACTIVE);
                let _ = s.remove_item(SECRETS);
                // what the signed-out contexts did stays with them: request histories (bodies can
                // name customers) and this browser's act-as record; preferences (theme, API
                // description) stay
                let keys: Vec<String> = (0..s.length().unwrap_or(0)).filter_map(|i| s.key(i).ok().flatten()).collect();
                for k in keys
                    .iter()
                    .filter(|k| k.starts_with(FORGOTTEN_ON_SIGN_OUT[0]) || k.as_str() == FORGOTTEN_ON_SIGN_OUT[1])
                {
                    let _ = s.remove_item(k);
                }
            }
        }
    }

    /// The token a request carries for `caller`: the impersonation token while acting as
    /// someone (for `Caller::ActingAs`), else the context's access token.
    pub fn token(&self, caller: Caller) -> Option<String> {
        if caller == Caller::ActingAs {
            if let Some(a) = self.acting.get_untracked() {
                return Some(a.token);
            }
        }
        self.current_untracked().map(|c| c.access_token)
    }

    /// Renews the active context's token: with its refresh token, or (client credentials
    /// without one) with the client credentials again. True when a new token was stored.
    pub async fn refresh(&self) -> bool {
        let Some(ctx) = self.current_untracked() else { return false };
        let rt = ctx.refresh_token.clone();
        let mut form = match &rt {
            Some(rt) => vec![
                ("grant_type", "refresh_token"),
                ("client_id", ctx.client_id.as_str()),
                ("refresh_token", rt.as_str()),
            ],
            None if ctx.grant == CLIENT_CREDENTIALS => {
                vec![("grant_type", CLIENT_CREDENTIALS), ("client_id", ctx.client_id.as_str())]
            }
            None => return false,
        };
        if let Some(s) = ctx.client_secret.as_deref() {
            form.push(("client_secret", s));
        }
        match api::token_request(&ctx.base_url, &form).await {
            Ok(v) => {
                let mut next = from_token(
                    &ctx.base_url,
                    &ctx.client_id,
                    ctx.client_secret.clone(),
                    &ctx.username,
                    ctx.persistent,
                    &v,
                    rt,
                );
                next.grant = ctx.grant.clone();
                next.org = ctx.org.clone();
                next.org_name = ctx.org_name.clone();
                let active = self.active.get_untracked();
                self.put(next);
                self.active.set(active);
                true
            }
            Err(_) => false,
        }
    }

    /// Sends a request with the right token; on a 401 refreshes once and retries, and when that
    /// fails opens the sign-in dialog (the screen keeps its work).
    pub async fn send(
        &self,
        method: &str,
        url: &str,
        body: Option<&str>,
        caller: Caller,
        signal: Option<&web_sys::AbortSignal>,
    ) -> Result<api::ApiResponse, String> {
        self.send_streaming(method, url, body, caller, signal, None).await
    }

    /// [`Session::send`], showing the first part of a large answer while the rest arrives
    /// ([`api::send_streaming`]).
    pub async fn send_streaming(
        &self,
        method: &str,
        url: &str,
        body: Option<&str>,
        caller: Caller,
        signal: Option<&web_sys::AbortSignal>,
        mut early: Option<&mut dyn FnMut(api::ApiResponse)>,
    ) -> Result<api::ApiResponse, String> {
        if !self.allowed(method, url, body).await {
            return Err(NOT_CONFIRMED.into());
        }
        if caller == Caller::ActingAs && self.acting.with_untracked(Option::is_some) {
            impersonation::count_request();
        }
        let part = early.as_mut().map(|e| &mut **e as &mut dyn FnMut(api::ApiResponse));
        let res = api::send_streaming(method, url, self.token(caller).as_deref(), body, signal, part).await?;
        if res.status != 401 || (caller == Caller::ActingAs && self.acting.get_untracked().is_some()) {
            return Ok(res);
        }
        if self.refresh().await {
            let again = api::send_streaming(method, url, self.token(caller).as_deref(), body, signal, early).await?;
            if again.status != 401 {
                return Ok(again);
            }
        }
        self.need_sign_in.set(true);
        Ok(res)
    }

    /// The API URL for a path under `/v1`.
    pub fn url(&self, path: &str) -> String {
        let base = self.current_untracked().map(|c| c.base_url).unwrap_or_default();
        format!("{}/v1{}", base.trim_end_matches('/'), path)
    }
}

impl Session {
    /// The environment of the context in force (sandbox when none is signed in).
    pub fn environment(&self) -> Environment {
        self.current().map(|c| c.environment()).unwrap_or(Environment::Sandbox)
    }

    /// Before a request is sent: in production, a write not covered by a confirmed bulk run
    /// waits for the person's yes ([`guard`]); false: it must not be sent.
    async fn allowed(&self, method: &str, url: &str, body: Option<&str>) -> bool {
        let Some(ctx) = self.current_untracked() else { return true };
        if ctx.environment() != Environment::Production || self.bulk.get_untracked() > 0 {
            return true;
        }
        let path = url.strip_prefix(ctx.base_url.trim_end_matches('/')).unwrap_or(url);
        let Some(typed) = guard::question(method, path) else { return true };
        let body = body
            .and_then(|b| serde_json::from_str::<Value>(b).ok())
            .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default());
        let what = format!("{} {path}", method.to_ascii_uppercase());
        self.ask(guard::Ask { what, body, typed, context: ctx.label() }).await
    }

    /// Shows `ask` and waits for the person's answer.
    pub async fn ask(&self, ask: guard::Ask) -> bool {
        let answer = guard::wait_for_answer();
        self.asking.set(Some(ask));
        answer.await.unwrap_or(false)
    }

    /// The person's answer to the question on screen.
    pub fn answer(&self, yes: bool) {
        self.asking.set(None);
        guard::reply(yes);
    }

    /// A bulk run (`what`: its counts) asked about once in production; while the returned guard
    /// lives, its writes go without asking again. `None`: the person said no.
    pub async fn confirm_bulk(&self, what: String) -> Option<Bulk> {
        if self.environment() == Environment::Production {
            let context = self.current_untracked().map(|c| c.label()).unwrap_or_default();
            if !self.ask(guard::Ask { what, body: None, typed: None, context }).await {
                return None;
            }
        }
        self.bulk.update(|n| *n += 1);
        Some(Bulk(*self))
    }
}

/// A confirmed bulk run in progress (see [`Session::confirm_bulk`]).
pub struct Bulk(Session);

impl Drop for Bulk {
    fn drop(&mut self) {
        self.0.bulk.update(|n| *n = n.saturating_sub(1));
    }
}

/// The contexts kept in one storage (localStorage when `persistent`), as stored: a persistent
/// context never carries its client secret there.
fn stored(all: &[Context], persistent: bool) -> Vec<Context> {
    all.iter()
        .filter(|c| c.persistent == persistent)
        .map(|c| Context { client_secret: if persistent { None } else { c.client_secret.clone() }, ..c.clone() })
        .collect()
}

/// The client secrets of persistent contexts, by context ID, for this tab's sessionStorage.
fn secrets_of(all: &[Context]) -> serde_json::Map<String, Value> {
    all.iter()
        .filter(|c| c.persistent)
        .filter_map(|c| Some((c.id(), Value::String(c.client_secret.clone()?))))
        .collect()
}

pub fn from_token(
    base: &str,
    client_id: &str,
    secret: Option<String>,
    username: &str,
    persistent: bool,
    v: &serde_json::Value,
    old_refresh: Option<String>,
) -> Context {
    let lifetime = v["expires_in"].as_f64().unwrap_or(600.0);
    Context {
        base_url: base.trim_end_matches('/').to_string(),
        client_id: client_id.to_string(),
        client_secret: secret,
        username: username.to_string(),
        access_token: v["access_token"].as_str().unwrap_or_default().to_string(),
        refresh_token: v["refresh_token"].as_str().map(String::from).or(old_refresh),
        expires_at: js_sys::Date::now() + lifetime * 1000.0,
        lifetime,
        persistent,
        grant: PASSWORD.into(),
        org: String::new(),
        org_name: String::new(),
        env: String::new(),
    }
}

/// The password grant.
pub async fn sign_in(
    base: &str,
    client_id: &str,
    secret: Option<String>,
    username: &str,
    password: &str,
    persistent: bool,
) -> Result<Context, String> {
    let mut form =
        vec![("grant_type", "password"), ("client_id", client_id), ("username", username), ("password", password)];
    if let Some(s) = secret.as_deref().filter(|s| !s.is_empty()) {
        form.push(("client_secret", s));
    }
    let v = api::token_request(base, &form).await?;
    Ok(from_token(base, client_id, secret.filter(|s| !s.is_empty()), username, persistent, &v, None))
}

/// The client credentials grant: the token of the client's default context user (with no
/// secret on a client that allows anonymous shopping, an anonymous shopper's). The context is
/// named after the token's user.
pub async fn sign_in_client(
    base: &str,
    client_id: &str,
    secret: Option<String>,
    persistent: bool,
) -> Result<Context, String> {
    let secret = secret.filter(|s| !s.is_empty());
    let mut form = vec![("grant_type", CLIENT_CREDENTIALS), ("client_id", client_id)];
    if let Some(s) = secret.as_deref() {
        form.push(("client_secret", s));
    }
    let v = api::token_request(base, &form).await?;
    let user = TokenInfo::decode(v["access_token"].as_str().unwrap_or_default())
        .map(|i| i.usr)
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| client_id.to_string());
    let mut ctx = from_token(base, client_id, secret, &user, persistent, &v, None);
    ctx.grant = CLIENT_CREDENTIALS.into();
    Ok(ctx)
}

/// Ticks the clock and refreshes the active token shortly before it expires.
pub fn start_clock(session: Session) {
    leptos::task::spawn_local(async move {
        loop {
            gloo_timers::future::TimeoutFuture::new(1000).await;
            let now = js_sys::Date::now();
            session.now.set(now);
            if let Some(ctx) = session.current_untracked() {
                let margin = (ctx.lifetime * 1000.0 / 4.0).min(60_000.0);
                let renewable = ctx.refresh_token.is_some() || ctx.grant == CLIENT_CREDENTIALS;
                if renewable && ctx.expires_at - now < margin {
                    session.refresh().await;
                }
            }
        }
    });
}

pub fn fmt_left(ms: f64) -> String {
    if ms <= 0.0 {
        return "expired".into();
    }
    let s = (ms / 1000.0) as i64;
    if s >= 3600 {
        format!("{}h {:02}m", s / 3600, (s % 3600) / 60)
    } else {
        format!("{}m {:02}s", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(persistent: bool, secret: Option<&str>, grant: &str) -> Context {
        Context {
            base_url: "http://127.0.0.1:8787".into(),
            client_id: "CLIENT".into(),
            client_secret: secret.map(String::from),
            username: "admin01".into(),
            access_token: "a.b.c".into(),
            refresh_token: Some("rt".into()),
            expires_at: 1.7e12,
            lifetime: 36000.0,
            persistent,
            grant: grant.into(),
            org: String::new(),
            org_name: String::new(),
            env: String::new(),
        }
    }

    #[test]
    fn stored_contexts_read_back_as_written() {
        let org = Context {
            org: "orgsecond".into(),
            org_name: "Second Marketplace".into(),
            env: "staging".into(),
            ..context(false, None, PASSWORD)
        };
        assert_eq!(org.label(), "Second Marketplace — admin01");
        assert_eq!(context(false, None, PASSWORD).label(), "admin01 @ 127.0.0.1:8787");
        for c in [
            context(false, Some("s3cret"), PASSWORD),
            context(true, None, CLIENT_CREDENTIALS),
            context(false, None, PASSWORD),
            org,
        ] {
            let text = Value::Array(vec![c.to_json()]).to_string();
            assert_eq!(crate::json::list(&text, Context::read), vec![c]);
        }
        // an incomplete context is not one
        let mut broken = context(false, None, PASSWORD).to_json();
        broken["access_token"] = Value::String(String::new());
        assert!(Context::read(&broken).is_none());
    }

    #[test]
    fn a_persistent_context_keeps_its_secret_out_of_local_storage() {
        let all = vec![context(true, Some("typed-secret"), PASSWORD), context(false, Some("tab-secret"), PASSWORD)];
        let local = Value::Array(stored(&all, true).iter().map(Context::to_json).collect()).to_string();
        assert!(!local.contains("typed-secret"), "{local}");
        assert_eq!(stored(&all, false)[0].client_secret.as_deref(), Some("tab-secret"));
        let secrets = secrets_of(&all);
        assert_eq!(secrets.get(&all[0].id()), Some(&Value::String("typed-secret".into())));
        assert_eq!(secrets.len(), 1);
    }
}
