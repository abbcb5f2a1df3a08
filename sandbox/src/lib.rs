//! Gatehouse sandbox: a local OrderCloud-compatible API server on axum and SQLite.
//!
//! `App::open` opens (or creates) the database and signing key; `router` builds every route;
//! `serve` runs it on a listener. The binary in `main.rs` adds the command line.

// The rooms, lower to higher: a room imports only rooms above it in this list (tests/shape.rs).
pub mod access;
pub mod auth;
pub mod http;
pub mod hub;
pub mod marketplace;
pub mod seed;
pub mod storage;

// Paths outside callers (tests, examples) know.
pub use auth::oauth;
pub use http::error;
pub use hub::oem;
pub use storage::db;

use crate::auth::keys;
use crate::http::error::{Failure, Result};
use crate::storage::clients;
use axum::http::{header, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use gatehouse_model::resources::{Kind, UserType};
use gatehouse_model::types::Claims;
use parking_lot::{Mutex, RwLock};
use std::collections::HashMap;
use std::path::Path as FsPath;
use std::sync::Arc;
use tower_http::cors::{Any, CorsLayer};

pub const ISSUER: &str = "urn:gatehouse:sandbox:auth";
pub const AUDIENCE: &str = "urn:gatehouse:sandbox:api";
/// Largest request body accepted.
pub const BODY_LIMIT: usize = 1024 * 1024;
const VERIFIED_CACHE: usize = 4096;

/// What every organization of a running sandbox shares: the signing key, the password-hashing
/// slots, the verified-token cache and the hub (accounts, organizations, memberships,
/// invitations, the API client index) kept in the main database file.
pub struct Hub {
    /// The main database file: the first organization's marketplace and the hub's own tables.
    pub pool: db::Pool,
    /// Where the other organizations' marketplace files live (`<main file>.orgs/`).
    pub dir: std::path::PathBuf,
    pub keys: keys::Keys,
    pub issuer: String,
    pub audience: String,
    verified: Mutex<HashMap<String, Claims>>,
    /// At most this many argon2 computations at once, so a burst of sign-ins cannot take every
    /// core from the requests of other users.
    pub hashing: tokio::sync::Semaphore,
    /// Passwords verified at sign-in (known users or not): every attempt costs one.
    pub password_checks: std::sync::atomic::AtomicU64,
    /// The portal's address, where invitation and session links lead.
    portal_url: RwLock<String>,
    /// Memberships are created one at a time (a member's seller user and its hub row belong
    /// together; two concurrent joins of the same account must not both provision).
    pub joining: Mutex<()>,
    /// Vendor provisioning calls run one at a time (checks and writes of one call are never
    /// interleaved with another's: racing calls give one 201 and 409s).
    pub provisioning: Mutex<()>,
    /// Vendor calls in the current minute: vendor → (minute start in ms, calls).
    rates: Mutex<HashMap<String, (i64, i64)>>,
    /// API client → organization, as the index said (a client ID keeps its organization until
    /// it is released, which drops it here too).
    pub client_orgs: RwLock<HashMap<String, String>>,
    /// The organizations' marketplaces opened so far (the main one included).
    markets: Mutex<HashMap<String, Arc<Market>>>,
    /// Every access token lasts this many seconds when above 0 (`serve --token-seconds`), in
    /// place of its API client's AccessTokenDuration minutes: for watching tokens expire.
    token_seconds: std::sync::atomic::AtomicI64,
    /// The browser origins allowed to call the API (`serve --allow-origin`); empty: any. Read
    /// when a router is built.
    allowed_origins: RwLock<Vec<String>>,
}

/// One organization's marketplace: its own database file, revocations and present cache.
pub struct Market {
    /// The organization's ID (`hub::MAIN_ORG` for the main database file).
    pub org: String,
    pub pool: db::Pool,
    revoked: RwLock<HashMap<i64, i64>>,
    /// Impersonation tokens (their `jti`) ended by their rep before they expired.
    revoked_tokens: RwLock<std::collections::HashSet<String>>,
    /// (user, client, impersonator) → what the database said of them at a write generation.
    present: Mutex<HashMap<PresentKey, PresentEntry>>,
}

type PresentKey = (i64, String, Option<i64>);
/// What the database said of a token's present, at a write generation.
type PresentEntry = (u64, std::result::Result<auth::Present, String>);

/// A handle on one organization's marketplace and the hub it belongs to. Every request works on
/// the marketplace its API client belongs to, so no query can reach another organization's data.
#[derive(Clone)]
pub struct App {
    pub market: Arc<Market>,
    pub hub: Arc<Hub>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "App({})", self.org)
    }
}

impl std::ops::Deref for App {
    type Target = Market;
    fn deref(&self) -> &Market {
        &self.market
    }
}

/// Where links lead when no portal address is configured (`scripts/run`'s portal).
pub const DEFAULT_PORTAL_URL: &str = "http://127.0.0.1:8080/";

impl Hub {
    /// The portal's address (`serve --portal-url`, or the portal the sandbox serves).
    pub fn portal_url(&self) -> String {
        self.portal_url.read().clone()
    }

    pub fn set_portal_url(&self, url: &str) {
        *self.portal_url.write() = url.to_string();
    }

    /// Access tokens issued from now on last `seconds` (0: their client's duration again).
    pub fn set_token_seconds(&self, seconds: i64) {
        self.token_seconds.store(seconds.max(0), std::sync::atomic::Ordering::Relaxed);
    }

    /// The lifetime set by [`Hub::set_token_seconds`], if any.
    pub fn token_seconds(&self) -> Option<i64> {
        Some(self.token_seconds.load(std::sync::atomic::Ordering::Relaxed)).filter(|s| *s > 0)
    }

    /// Only these origins (`https://portal.example`, no path; a trailing `/` is dropped) may call
    /// the API from a browser, in routers built from now on; empty: any origin. An origin that
    /// is no valid header value is refused here.
    pub fn set_allowed_origins(&self, origins: &[String]) -> std::result::Result<(), String> {
        let mut list = Vec::new();
        for o in origins {
            let o = o.trim().trim_end_matches('/');
            if !(o.starts_with("http://") || o.starts_with("https://")) || HeaderValue::from_str(o).is_err() {
                return Err(format!("{o} is no origin (scheme://host[:port], e.g. http://127.0.0.1:8080)"));
            }
            list.push(o.to_string());
        }
        *self.allowed_origins.write() = list;
        Ok(())
    }

    pub fn allowed_origins(&self) -> Vec<String> {
        self.allowed_origins.read().clone()
    }

    /// Counts a call of `vendor` against `per_minute` (fixed one-minute windows); past it, the
    /// seconds to wait.
    pub fn rate_limit(&self, vendor: &str, per_minute: i64) -> Option<i64> {
        let now = hub::now_ms();
        let mut rates = self.rates.lock();
        let (start, calls) = rates.entry(vendor.to_string()).or_insert((now, 0));
        if now - *start >= 60_000 {
            *start = now;
            *calls = 0;
        }
        if *calls >= per_minute {
            return Some(((*start + 60_000 - now) / 1000).max(1));
        }
        *calls += 1;
        None
    }
}

impl Market {
    fn open(org: &str, path: &FsPath) -> std::result::Result<Market, String> {
        let pool = db::open(path)?;
        let revoked = {
            let conn = pool.get().map_err(|e| e.to_string())?;
            let mut st = conn.prepare("SELECT user_seq, before_ms FROM revocations").map_err(|e| e.to_string())?;
            let rows =
                st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))).map_err(|e| e.to_string())?;
            rows.collect::<std::result::Result<HashMap<_, _>, _>>().map_err(|e| e.to_string())?
        };
        let revoked_tokens = {
            let conn = pool.get().map_err(|e| e.to_string())?;
            let mut st = conn
                .prepare("SELECT json_extract(data, '$.TokenID') FROM impersonations WHERE json_extract(data, '$.TokenRevoked') = 1")
                .map_err(|e| e.to_string())?;
            let rows = st.query_map([], |r| r.get::<_, Option<String>>(0)).map_err(|e| e.to_string())?;
            rows.filter_map(|r| r.ok().flatten()).collect()
        };
        Ok(Market {
            org: org.to_string(),
            pool,
            revoked: RwLock::new(revoked),
            revoked_tokens: RwLock::new(revoked_tokens),
            present: Mutex::new(HashMap::new()),
        })
    }
}

impl App {
    /// Opens the database at `path` (creating it and its signing key when new): the main
    /// organization's marketplace and the hub. Other organizations' files are opened on demand.
    pub fn open(path: &FsPath) -> std::result::Result<App, String> {
        let main = Market::open(hub::MAIN_ORG, path)?;
        hub::migrate(&main.pool)?;
        let keys = keys::Keys::load_or_create(&main.pool, ISSUER, AUDIENCE)?;
        let mut dir = path.as_os_str().to_owned();
        dir.push(".orgs");
        let market = Arc::new(main);
        let hub = Arc::new(Hub {
            pool: market.pool.clone(),
            dir: dir.into(),
            keys,
            issuer: ISSUER.into(),
            audience: AUDIENCE.into(),
            verified: Mutex::new(HashMap::new()),
            hashing: tokio::sync::Semaphore::new(hashing_slots()),
            password_checks: std::sync::atomic::AtomicU64::new(0),
            portal_url: RwLock::new(DEFAULT_PORTAL_URL.into()),
            rates: Mutex::new(HashMap::new()),
            joining: Mutex::new(()),
            provisioning: Mutex::new(()),
            client_orgs: RwLock::new(HashMap::new()),
            markets: Mutex::new(HashMap::from([(hub::MAIN_ORG.to_string(), market.clone())])),
            token_seconds: std::sync::atomic::AtomicI64::new(0),
            allowed_origins: RwLock::new(Vec::new()),
        });
        let app = App { market, hub };
        clients::index_clients(&app)?;
        Ok(app)
    }

    /// The marketplace of organization `org` (opening its file on first use).
    pub fn market(&self, org: &str) -> Result<App> {
        if let Some(m) = self.hub.markets.lock().get(org) {
            return Ok(App { market: m.clone(), hub: self.hub.clone() });
        }
        if !clients::org_exists(&self.hub.pool, org)? {
            return Err(Failure::not_found("Organization", org));
        }
        let path = self.hub.dir.join(format!("{org}.db"));
        let market = Arc::new(Market::open(org, &path).map_err(Failure::internal)?);
        let mut markets = self.hub.markets.lock();
        let market = markets.entry(org.to_string()).or_insert(market).clone();
        Ok(App { market, hub: self.hub.clone() })
    }

    /// The marketplace that API client `client_id` belongs to; an unknown client ID is looked
    /// for in the main marketplace (which then answers that it does not exist).
    pub fn for_client(&self, client_id: &str) -> Result<App> {
        if let Some(org) = self.hub.client_orgs.read().get(client_id).cloned() {
            return self.market(&org);
        }
        match clients::client_org(&self.hub.pool, client_id)? {
            Some(org) => {
                let mut known = self.hub.client_orgs.write();
                if known.len() >= VERIFIED_CACHE {
                    known.clear();
                }
                known.insert(client_id.to_string(), org.clone());
                drop(known);
                self.market(&org)
            }
            None => self.market(hub::MAIN_ORG),
        }
    }

    pub fn conn(&self) -> Result<db::Conn> {
        Ok(self.pool.get()?)
    }

    /// Verifies a bearer token's signature and lifetime (remembering good ones until expiry).
    pub fn verify(&self, token: &str) -> Result<Claims> {
        let now = storage::clock::now_s();
        if let Some(c) = self.hub.verified.lock().get(token) {
            if c.exp > now && c.nbf <= now {
                return Ok(c.clone());
            }
        }
        let claims = self.hub.keys.verify(token).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                Failure::unauthorized("The access token has expired. Refresh it or sign in again.")
            }
            jsonwebtoken::errors::ErrorKind::ImmatureSignature => {
                Failure::unauthorized("The access token is not valid yet.")
            }
            _ => Failure::unauthorized("The access token is not valid (bad signature, issuer or format)."),
        })?;
        let mut cache = self.hub.verified.lock();
        if cache.len() >= VERIFIED_CACHE {
            cache.retain(|_, c| c.exp > now);
            if cache.len() >= VERIFIED_CACHE {
                cache.clear();
            }
        }
        cache.insert(token.to_string(), claims.clone());
        Ok(claims)
    }

    /// Checks a verified token against the present: its user still exists, is Active and (for
    /// buyer and supplier users) belongs to an active company; its API client still exists and is
    /// Active; the user who started an impersonation still exists and is Active. Answers from a
    /// cache that every committed write invalidates.
    pub fn present(&self, claims: &Claims, t: UserType, user_seq: i64, imp: Option<i64>) -> Result<auth::Present> {
        let key: PresentKey = (user_seq, claims.cid.clone(), imp);
        let generation = db::generation();
        if let Some((g, p)) = self.present.lock().get(&key) {
            if *g == generation {
                return p.clone().map_err(Failure::unauthorized);
            }
        }
        let fresh = self.load_present(t, user_seq, &claims.cid, imp)?;
        let mut cache = self.present.lock();
        if cache.len() >= VERIFIED_CACHE {
            cache.clear();
        }
        cache.insert(key, (generation, fresh.clone()));
        fresh.map_err(Failure::unauthorized)
    }

    fn load_present(
        &self,
        t: UserType,
        user_seq: i64,
        client_id: &str,
        imp: Option<i64>,
    ) -> Result<std::result::Result<auth::Present, String>> {
        let conn = self.conn()?;
        let active = |o: &db::Obj| o.data.get("Active").and_then(serde_json::Value::as_bool) == Some(true);
        let Some(user) =
            db::by_seq(&conn, user_seq)?.filter(|u| Kind::from_key(&u.kind).and_then(Kind::user_type) == Some(t))
        else {
            return Ok(Err("The user of this token no longer exists. Sign in again.".into()));
        };
        if !active(&user) {
            return Ok(Err("The user of this token is not active.".into()));
        }
        if t != UserType::Admin {
            let company_kind = if t == UserType::Buyer { Kind::Buyer } else { Kind::Supplier };
            let company = db::get(&conn, company_kind, "", &user.parent)?;
            if company.is_none_or(|c| c.data.get("Active").and_then(serde_json::Value::as_bool) == Some(false)) {
                return Ok(Err(format!("The {} {} of this token's user is not active.", t.as_str(), user.parent)));
            }
        }
        let client_seq = match db::get(&conn, Kind::ApiClient, "", client_id)? {
            None => return Ok(Err("The API client of this token no longer exists.".into())),
            Some(c) if !active(&c) => return Ok(Err("The API client of this token is not active.".into())),
            Some(c) => c.seq,
        };
        if let Some(imp) = imp {
            if !db::by_seq(&conn, imp)?.is_some_and(|u| active(&u)) {
                return Ok(Err("The user who started this impersonation no longer exists or is not active.".into()));
            }
        }
        Ok(Ok(auth::Present { user_id: user.id, company: user.parent, client_seq }))
    }

    pub fn revoked_before(&self, user_seq: i64) -> Option<i64> {
        self.revoked.read().get(&user_seq).copied()
    }

    pub fn set_revoked(&self, user_seq: i64, before_ms: i64) {
        self.revoked.write().insert(user_seq, before_ms);
    }

    /// Whether the token with this `jti` was ended by its rep (impersonation tokens).
    pub fn token_revoked(&self, jti: &str) -> bool {
        self.revoked_tokens.read().contains(jti)
    }

    pub fn revoke_token(&self, jti: &str) {
        self.revoked_tokens.write().insert(jti.to_string());
    }

    /// Signs arbitrary claims with the sandbox key (for tests of expiry and tampering).
    pub fn sign(&self, claims: &Claims) -> String {
        self.hub.keys.sign(claims)
    }
}

/// How many password hashes may run at once: one core is always left to everything else.
fn hashing_slots() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1))
}

/// Every route of the API: each room's routes, merged; under `/v1` with the path ID check.
pub fn router(app: App) -> Router {
    // any origin unless `--allow-origin` named some: then only those get CORS headers, and a
    // browser on another origin sees the answer refused
    let origins = app.hub.allowed_origins();
    let allow = if origins.is_empty() {
        tower_http::cors::AllowOrigin::any()
    } else {
        tower_http::cors::AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
    };
    let cors = CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE, Method::OPTIONS])
        .allow_headers(Any)
        .expose_headers(Any)
        .max_age(std::time::Duration::from_secs(3600));
    let v1 = Router::new()
        .merge(http::router())
        .merge(auth::router())
        .merge(access::router())
        .merge(marketplace::router())
        .merge(hub::router())
        .layer(axum::middleware::from_fn(path_ids_fit));
    Router::new()
        .nest("/v1", v1)
        .merge(auth::outer_router())
        .merge(hub::outer_router())
        .route(
            "/",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/plain")],
                    "Gatehouse sandbox: OrderCloud-compatible API. Document at /v1/openapi/v3\n",
                )
            }),
        )
        .fallback(|| async {
            Failure::new(
                axum::http::StatusCode::NOT_FOUND,
                gatehouse_model::error::codes::NOT_FOUND,
                "No such endpoint.",
            )
        })
        .layer(axum::middleware::map_response(error::normalize))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(cors)
        .with_state(app)
}

/// Longest ID the API accepts, in a body or in a path.
const MAX_ID_LEN: usize = 100;

/// IDs in the path obey the same length rule as IDs in a body (400, naming the segment).
async fn path_ids_fit(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let too_long = req.uri().path().split('/').find(|seg| percent_decoded_len(seg) > MAX_ID_LEN);
    if let Some(seg) = too_long {
        let shown: String = seg.chars().take(20).collect();
        return Failure::validation(vec![gatehouse_model::error::ApiError::new(
            gatehouse_model::error::codes::VALIDATION,
            format!("An ID in the path ({shown}…) is longer than {MAX_ID_LEN} characters."),
        )
        .with_data(serde_json::json!({"Property": "ID", "Rule": "MaxLength", "MaxLength": MAX_ID_LEN}))])
        .into_response();
    }
    next.run(req).await
}

/// Characters in a path segment once `%XX` escapes are read.
fn percent_decoded_len(seg: &str) -> usize {
    let (b, mut i) = (seg.as_bytes(), 0);
    let mut decoded = Vec::with_capacity(b.len());
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (b[i], b.get(i + 1).copied().and_then(hex), b.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(h), Some(l)) => {
                decoded.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                decoded.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).chars().count()
}

/// Serves the API on `listener` until the process is stopped.
pub async fn serve(app: App, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router(app)).with_graceful_shutdown(shutdown()).await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// The portal's Content-Security-Policy: no inline script (the WASM loader is a file of its
/// own), WebAssembly allowed, API calls to any host (the API's address is configured at run
/// time), and no framing. `index.html` carries the same policy less `frame-ancestors`, which
/// only a header can carry.
pub const PORTAL_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src *; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Adds the headers a served portal carries: the CSP, no framing, no MIME sniffing, no referrer.
pub fn portal_headers<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    use tower_http::set_header::SetResponseHeaderLayer as Set;
    router
        .layer(Set::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PORTAL_CSP)))
        .layer(Set::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(Set::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(Set::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
}

/// The `config.json` a served portal gets: the one in `dir` as its operator wrote it (a
/// storefront URL, say), with only what it lacks filled in from `defaults` (this sandbox's
/// address and client).
pub fn portal_config(dir: &FsPath, defaults: serde_json::Value) -> serde_json::Value {
    let mut config = std::fs::read_to_string(dir.join("config.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    for (k, v) in defaults.as_object().into_iter().flatten() {
        let missing = config.get(k).is_none_or(|x| x.is_null() || x.as_str() == Some(""));
        if missing {
            config.insert(k.clone(), v.clone());
        }
    }
    serde_json::Value::Object(config)
}

/// A static server for a built portal (`dist/`), answering `config.json` with `config` so the
/// portal talks to this sandbox. Any other file comes from `dir`.
pub fn portal_router(dir: std::path::PathBuf, config: serde_json::Value) -> Router {
    let body = config.to_string();
    portal_headers(
        Router::new()
            .route("/config.json", get(move || async move { ([(header::CONTENT_TYPE, "application/json")], body) }))
            .fallback_service(tower_http::services::ServeDir::new(dir)),
    )
}

/// Starts a sandbox on an ephemeral loopback port in this process; returns its base URL.
pub async fn spawn(app: App) -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    // built now: it reads the hub's settings (allowed origins) as they are at this call
    let router = router(app);
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok(format!("http://{addr}"))
}
