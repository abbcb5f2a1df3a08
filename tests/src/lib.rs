//! Harness for end-to-end tests: a seeded sandbox, the built portal (`dist/`) served with a
//! `config.json` pointing at that sandbox, and a headless Chromium driven over WebDriver.
use axum::response::IntoResponse;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use gatehouse_sandbox::{seed, App};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub use fantoccini;

pub struct World {
    pub api: String,
    pub portal: String,
    pub app: App,
    _dir: tempfile::TempDir,
}

fn dist() -> PathBuf {
    std::env::var_os("GATEHOUSE_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist"))
}

/// `../shared/reference` beside the repository (OrderCloud's OpenAPI document), if present.
pub fn reference_dir() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference");
    p.join("ordercloud-openapi-v3-2022.json").exists().then_some(p)
}

/// A description with one operation, `GET /big` (under a non-ASCII resource name), answered by `big_list` (under `{portal}/mock`).
pub fn big_spec() -> String {
    json!({"openapi": "3.0.1", "info": {"title": "Big", "version": "1"}, "tags": [{"name": "Übersicht"}],
        "paths": {"/big": {"get": {"operationId": "Big.List", "tags": ["Übersicht"], "summary": "A big list", "security": [{"OAuth2": []}],
            "responses": {"200": {"description": "ok"}}}}}})
    .to_string()
}

/// A description whose names are markup and quotes: a section `<b id="pwn-section">…</b>` and a
/// resource `"><img id="pwn" src=x onerror="window.pwned=1">`, one operation under it. The menu
/// must show them as text (it is written as markup from the description's names). Two more
/// resources, `Twin\r` and `Twin\n`, read alike once the page's parser has rewritten the carriage
/// return in their attributes.
pub const HOSTILE_SECTION: &str = "<b id=\"pwn-section\">Hostile</b> & co";
pub const HOSTILE_RESOURCE: &str = "Users' \"><img id=\"pwn\" src=x onerror=\"window.pwned=1\">";
pub fn hostile_spec() -> String {
    json!({"openapi": "3.0.1", "info": {"title": "Hostile", "version": "1"},
        "tags": [{"name": HOSTILE_SECTION, "x-id": "h"}, {"name": HOSTILE_RESOURCE, "x-section-id": "h"},
            {"name": "Twin\r", "x-section-id": "h"}, {"name": "Twin\n", "x-section-id": "h"}],
        "paths": {"/things": {"get": {"operationId": "Things.List", "tags": [HOSTILE_RESOURCE], "summary": "List things",
            "security": [{"OAuth2": []}], "responses": {"200": {"description": "ok"}}}},
            "/twin-cr": {"get": {"tags": ["Twin\r"], "summary": "List twins"}},
            "/twin-lf": {"get": {"tags": ["Twin\n"], "summary": "List twins"}}}})
    .to_string()
}

/// A description of 30 sections of 2 to 16 resources each (one operation each): a menu many
/// screens long, most of it out of view.
pub fn many_sections_spec() -> String {
    let mut tags = Vec::new();
    let mut paths = serde_json::Map::new();
    for s in 0..30 {
        tags.push(json!({"name": format!("Section {s}"), "x-id": format!("s{s}")}));
        for r in 0..2 + (s * 7) % 15 {
            let name = format!("Resource {s}.{r}");
            tags.push(json!({"name": name, "x-section-id": format!("s{s}")}));
            paths.insert(
                format!("/s{s}/r{r}"),
                json!({"get": {"operationId": format!("R{s}x{r}.List"), "tags": [name], "summary": "List", "security": [{"OAuth2": []}],
                    "responses": {"200": {"description": "ok"}}}}),
            );
        }
    }
    json!({"openapi": "3.0.1", "info": {"title": "Many sections", "version": "1"}, "tags": tags, "paths": paths})
        .to_string()
}

/// A 5,000-item list of about 3 MB.
pub fn big_list() -> String {
    let items: Vec<Value> = (0..5000)
        .map(|i| {
            json!({"ID": format!("ITEM{i:05}"), "Username": format!("user{i}"), "Email": format!("user{i}@example.com"),
            "Active": i % 7 != 0, "AvailableRoles": ["Shopper", "MeAdmin"], "xp": {"Notes": "x".repeat(400)}})
        })
        .collect();
    json!({"Meta": {"Page": 1, "PageSize": 5000, "TotalCount": 5000, "TotalPages": 1, "ItemRange": [1, 5000]}, "Items": items}).to_string()
}

/// A list answer nested deeper than the portal's JSON parser allows (valid JSON all the same).
pub fn deep_list() -> String {
    let depth = 600;
    format!(
        r#"{{"Meta":{{"Page":1,"PageSize":20,"TotalCount":1,"TotalPages":1,"ItemRange":[1,1]}},"Items":[{{"ID":"DEEP","Name":"Deep","xp":{}1{}}}]}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

/// How `{portal}/mock/v1/big` answers its next request: whole (0); its first 256 KB, then the
/// rest once `{portal}/mock/big/release` is asked for (1, set by `/mock/big/hold`); or its
/// first 256 KB and then a broken connection (2, set by `/mock/big/cut`). A held or cut answer
/// sets the mode back to whole.
#[derive(Clone, Default)]
struct BigMode(std::sync::Arc<std::sync::atomic::AtomicU8>, std::sync::Arc<tokio::sync::Notify>);

/// Counts an answer given up by the browser: dropped while still armed.
struct Watch(Option<std::sync::Arc<std::sync::atomic::AtomicUsize>>);
impl Watch {
    /// The answer went out whole: nothing to count.
    fn disarm(&mut self) {
        self.0 = None;
    }
}
impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(a) = self.0.take() {
            a.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

/// (A held answer given up by the browser before its release is counted in `aborted`.)
async fn mock_big(mode: BigMode, aborted: std::sync::Arc<std::sync::atomic::AtomicUsize>) -> axum::response::Response {
    use axum::response::IntoResponse;
    use futures_util::StreamExt;
    let headers = [("content-type", "application/json"), ("access-control-allow-origin", "*")];
    let body = big_list();
    let how = mode.0.swap(0, std::sync::atomic::Ordering::SeqCst);
    if how == 0 {
        return (headers, body).into_response();
    }
    let rest = axum::body::Bytes::from(body.as_bytes()[256 * 1024..].to_vec());
    let first = futures_util::stream::iter([Ok::<_, std::io::Error>(axum::body::Bytes::from(
        body.as_bytes()[..256 * 1024].to_vec(),
    ))]);
    // armed now, with the answer begun: a browser that gives up before the release drops it
    let mut watch = Watch((how == 1).then_some(aborted));
    let then = futures_util::stream::once(async move {
        if how == 1 {
            mode.1.notified().await;
            watch.disarm();
            Ok(rest)
        } else {
            // after the first part has gone out and been shown (an error at once would leave
            // the browser no answer at all, and it would ask again)
            tokio::time::sleep(Duration::from_millis(1500)).await;
            Err(std::io::Error::other("the mock breaks the connection"))
        }
    });
    (headers, axum::body::Body::from_stream(first.chain(then))).into_response()
}

/// The mock list of buyers under `{portal}/mock/v1/buyers`, by the search asked for: `slow`
/// answers after 2.5 s, `fast` at once, `hang` after 8 s unless the browser aborts it first
/// (counted in `aborted`, read at `{portal}/mock/aborted`); anything else gets `deep_list`.
async fn mock_buyers(
    query: String,
    aborted: std::sync::Arc<std::sync::atomic::AtomicUsize>,
) -> ([(&'static str, &'static str); 1], String) {
    let one = |id: &str| {
        json!({"Meta": {"Page": 1, "PageSize": 20, "TotalCount": 1, "TotalPages": 1, "ItemRange": [1, 1]}, "Items": [{"ID": id, "Name": id, "Active": true}]}).to_string()
    };
    let body = if query.contains("search=slow") {
        tokio::time::sleep(Duration::from_millis(2500)).await;
        one("SLOW")
    } else if query.contains("search=fast") {
        one("FAST")
    } else if query.contains("search=both") {
        json!({"Meta": {"Page": 1, "PageSize": 20, "TotalCount": 2, "TotalPages": 1, "ItemRange": [1, 2]},
            "Items": [{"ID": "SLOW", "Name": "SLOW", "Active": true}, {"ID": "FAST", "Name": "FAST", "Active": true}]})
        .to_string()
    } else if query.contains("search=hang") {
        let mut watch = Watch(Some(aborted));
        tokio::time::sleep(Duration::from_secs(8)).await;
        watch.disarm();
        one("HANG")
    } else {
        deep_list()
    };
    ([("content-type", "application/json")], body)
}

/// A seeded sandbox and the portal served beside it.
pub async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("e2e.db")).unwrap();
    seed::run(&app).unwrap();
    let api = gatehouse_sandbox::spawn(app.clone()).await.unwrap();
    let portal = serve_portal(&api).await;
    // invitation and session links lead to this portal
    app.hub.set_portal_url(&format!("{portal}/"));
    World { api, portal, app, _dir: dir }
}

/// Holds back the API's answers to the requests a test names until [`Gate::open`]: a slow
/// API on demand, to see what a screen shows while part of its reading is on its way.
#[derive(Clone)]
pub struct Gate {
    open: std::sync::Arc<tokio::sync::watch::Sender<bool>>,
    held: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Gate {
    /// Lets every held request (and every later one) through.
    pub fn open(&self) {
        self.open.send_replace(true);
    }
    /// Requests held back so far.
    pub fn held(&self) -> usize {
        self.held.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[derive(Clone)]
struct Proxy {
    upstream: String,
    client: reqwest::Client,
    gate: Gate,
    hold: fn(&str) -> bool,
}

/// Forwards one request to the sandbox as it came (method, path, query, headers, body) and its
/// answer back; a request whose path `hold` names waits for the gate first (CORS preflights
/// never wait).
async fn forward(
    axum::extract::State(p): axum::extract::State<Proxy>,
    req: axum::extract::Request,
) -> axum::response::Response {
    let (parts, body) = req.into_parts();
    if parts.method != http::Method::OPTIONS && (p.hold)(parts.uri.path()) {
        p.gate.held.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let mut open = p.gate.open.subscribe();
        let _ = open.wait_for(|o| *o).await;
    }
    let target = format!("{}{}", p.upstream, parts.uri.path_and_query().map(|q| q.as_str()).unwrap_or("/"));
    let body = axum::body::to_bytes(body, 64 << 20).await.unwrap_or_default();
    let mut request = p.client.request(parts.method.clone(), target).body(body);
    for (k, v) in parts.headers.iter().filter(|(k, _)| *k != http::header::HOST) {
        request = request.header(k, v);
    }
    let Ok(answer) = request.send().await else {
        return (http::StatusCode::BAD_GATEWAY, "the sandbox did not answer").into_response();
    };
    let (status, headers) = (answer.status(), answer.headers().clone());
    let bytes = answer.bytes().await.unwrap_or_default();
    let mut out = axum::response::Response::new(axum::body::Body::from(bytes));
    *out.status_mut() = status;
    for (k, v) in
        headers.iter().filter(|(k, _)| *k != http::header::TRANSFER_ENCODING && *k != http::header::CONNECTION)
    {
        out.headers_mut().insert(k, v.clone());
    }
    out
}

/// [`world`] with its API behind a [`Gate`]: requests whose path `hold` names wait until the
/// test opens it. The portal and `World::api` both go through it.
pub async fn gated_world(hold: fn(&str) -> bool) -> (World, Gate) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("e2e.db")).unwrap();
    seed::run(&app).unwrap();
    let upstream = gatehouse_sandbox::spawn(app.clone()).await.unwrap();
    let gate = Gate {
        open: std::sync::Arc::new(tokio::sync::watch::channel(false).0),
        held: std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0)),
    };
    let proxy = Proxy { upstream, client: reqwest::Client::new(), gate: gate.clone(), hold };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = format!("http://{}", listener.local_addr().unwrap());
    let router = axum::Router::new().fallback(forward).with_state(proxy);
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let portal = serve_portal(&api).await;
    app.hub.set_portal_url(&format!("{portal}/"));
    (World { api, portal, app, _dir: dir }, gate)
}

/// A sandbox holding an empty marketplace (only its owner, with FullAccess) and the portal.
pub async fn empty_world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("e2e.db")).unwrap();
    seed::empty_marketplace(&app).unwrap();
    let api = gatehouse_sandbox::spawn(app.clone()).await.unwrap();
    let portal = serve_portal(&api).await;
    // invitation and session links lead to this portal
    app.hub.set_portal_url(&format!("{portal}/"));
    World { api, portal, app, _dir: dir }
}

/// Chromedriver's network emulation: `offline` cuts the browser off from every host.
#[derive(Debug)]
struct NetworkConditions {
    offline: bool,
}

impl fantoccini::wd::WebDriverCompatibleCommand for NetworkConditions {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/chromium/network_conditions", session.unwrap_or_default()))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({"network_conditions": {"offline": self.offline, "latency": 0, "download_throughput": -1, "upload_throughput": -1}});
        (http::Method::POST, Some(body.to_string()))
    }
}

/// WebDriver's Set Permission (for the clipboard, which headless Chromium asks about).
#[derive(Debug)]
struct SetPermission {
    name: &'static str,
}

impl fantoccini::wd::WebDriverCompatibleCommand for SetPermission {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/permissions", session.unwrap_or_default()))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({"descriptor": {"name": self.name}, "state": "granted"}).to_string()))
    }
}

/// Chromium's DevTools protocol through chromedriver (`goog/cdp/execute`): one command.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({"cmd": self.cmd, "params": self.params}).to_string()))
    }
}

/// Serves `dist/` with a `config.json` naming `api` (what an operator edits after deploying).
pub async fn serve_portal(api: &str) -> String {
    serve_portal_with(api, json!({})).await
}

/// [`serve_portal`], with more settings in its `config.json` (e.g.
/// `{"impersonation_reason_required": false}`).
pub async fn serve_portal_with(api: &str, settings: Value) -> String {
    let dist = dist();
    assert!(
        dist.join("index.html").exists(),
        "build the portal first (trunk build --release=true): {} missing",
        dist.display()
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // requests the browser gave up on before the mock answered (see `mock_buyers`)
    let aborted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = aborted.clone();
    let big_aborted = aborted.clone();
    let mut config = json!({"api_base": api, "client_id": seed::SHARED_CLIENT_ID, "storefront_url": format!("http://{addr}/storefront")});
    if let (Some(c), Some(more)) = (config.as_object_mut(), settings.as_object()) {
        c.extend(more.clone());
    }
    let config = config.to_string();
    let big = BigMode::default();
    let (hold, cut, release) = (big.clone(), big.clone(), big.clone());
    use std::sync::atomic::Ordering::SeqCst;
    let mut router = axum::Router::new().route(
        "/config.json",
        axum::routing::get(move || async move { ([("content-type", "application/json")], config) }),
    );
    router = router
        .route("/mock/spec.json", axum::routing::get(|| async { ([("content-type", "application/json")], big_spec()) }))
        .route(
            "/mock/hostile.json",
            axum::routing::get(|| async { ([("content-type", "application/json")], hostile_spec()) }),
        )
        .route(
            "/mock/sections.json",
            axum::routing::get(|| async { ([("content-type", "application/json")], many_sections_spec()) }),
        )
        .route(
            "/mock/hang-spec.json",
            axum::routing::get(|| async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                ([("content-type", "application/json")], big_spec())
            }),
        )
        .route("/mock/v1/big", axum::routing::get(move || mock_big(big.clone(), big_aborted.clone())))
        .route("/mock/big/hold", axum::routing::get(move || async move { hold.0.store(1, SeqCst) }))
        .route("/mock/big/cut", axum::routing::get(move || async move { cut.0.store(2, SeqCst) }))
        .route("/mock/big/release", axum::routing::get(move || async move { release.1.notify_one() }));
    if let Some(r) = reference_dir() {
        router = router.nest_service("/reference", tower_http::services::ServeDir::new(r));
    }
    let router = router
        .route(
            "/mock/v1/buyers",
            axum::routing::get(move |q: axum::extract::RawQuery| mock_buyers(q.0.unwrap_or_default(), aborted.clone())),
        )
        // one buyer: SLOW answers after 2.5 s, any other at once
        .route(
            "/mock/v1/buyers/{id}",
            axum::routing::get(|axum::extract::Path(id): axum::extract::Path<String>| async move {
                if id == "SLOW" {
                    tokio::time::sleep(Duration::from_millis(2500)).await;
                }
                (
                    [("content-type", "application/json")],
                    json!({"ID": id, "Name": format!("{id} Co"), "Active": true}).to_string(),
                )
            }),
        )
        .route(
            "/mock/aborted",
            axum::routing::get(move || async move { counter.load(std::sync::atomic::Ordering::SeqCst).to_string() }),
        )
        .fallback_service(tower_http::services::ServeDir::new(dist));
    // served as the sandbox serves it: under its Content-Security-Policy and security headers
    let router = gatehouse_sandbox::portal_headers(router);
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}")
}

/// Serves `dist/` under `prefix` (`/team/gatehouse/`) of a plain static server — no rewrite
/// rules, nothing at the root — as a static host would; answers the portal's URL there.
pub async fn serve_portal_at(api: &str, prefix: &str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = json!({"api_base": api, "client_id": seed::SHARED_CLIENT_ID}).to_string();
    let router = axum::Router::new()
        .route(
            &format!("{prefix}config.json"),
            axum::routing::get(move || async move { ([("content-type", "application/json")], config) }),
        )
        .nest_service(prefix.trim_end_matches('/'), tower_http::services::ServeDir::new(dist()));
    let router = gatehouse_sandbox::portal_headers(router);
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}{prefix}")
}

/// A headless Chromium session with its own profile and chromedriver.
pub struct Browser {
    pub c: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // Killing chromedriver leaves its Chromium (and every renderer) running: end whatever
        // uses this session's own profile, so a test run does not pile up browsers.
        let _ = Command::new("pkill")
            .arg("-KILL")
            .arg("-f")
            .arg(format!("user-data-dir={}", self._profile.path().display()))
            .status();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub async fn browser() -> Browser {
    browser_with(&[]).await
}

/// [`browser`], with more Chromium switches (e.g. `--host-resolver-rules=…`).
pub async fn browser_with(extra: &[&str]) -> Browser {
    let port = free_port();
    let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let profile = tempfile::tempdir().unwrap();
    // Chromium keeps its process-singleton socket in a directory under TMPDIR, which it removes
    // only on a clean exit; the session is killed, so that directory lives inside the profile and
    // goes with it (otherwise every test leaves an `org.chromium.Chromium.*` in /tmp).
    let tmp = profile.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let driver = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .env("TMPDIR", &tmp)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {chromedriver}: {e} (scripts/setup installs chromium-driver)"));
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let caps = json!({"goog:chromeOptions": {"binary": chromium, "args": [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1400,900", format!("--user-data-dir={}", profile.path().display())
    ]}});
    let mut caps = caps;
    if let Some(args) = caps["goog:chromeOptions"]["args"].as_array_mut() {
        args.extend(extra.iter().map(|a| json!(a)));
    }
    let caps = caps.as_object().unwrap().clone();
    let url = format!("http://127.0.0.1:{port}");
    let mut last = None;
    for _ in 0..100 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(c) => return Browser { c, driver, _profile: profile },
            Err(e) => last = Some(e.to_string()),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("could not start a browser session: {last:?}");
}

impl Browser {
    pub async fn find(&self, css: &str) -> Element {
        self.c
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap()
    }

    /// Waits until the element's text contains `want`; returns the text.
    pub async fn wait_text(&self, css: &str, want: &str) -> String {
        let mut last = String::new();
        for _ in 0..150 {
            if let Ok(e) = self.c.find(Locator::Css(css)).await {
                if let Ok(t) = e.text().await {
                    if t.contains(want) {
                        return t;
                    }
                    last = t;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let dom = self
            .c
            .execute("const e = document.querySelector(arguments[0]); if (!e) return null; const r = e.getBoundingClientRect(), p = e.parentElement.getBoundingClientRect(); return `at ${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}x${Math.round(r.height)} in ${Math.round(p.width)}x${Math.round(p.height)}: ` + e.outerHTML.slice(0, 400);", vec![json!(css)])
            .await
            .unwrap_or_default();
        panic!("{css} never contained {want:?}; last text: {last:?}; in the page: {dom}");
    }

    pub async fn gone(&self, css: &str) {
        for _ in 0..150 {
            if self.c.find(Locator::Css(css)).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} is still there");
    }

    pub async fn exists(&self, css: &str) -> bool {
        self.c.find(Locator::Css(css)).await.is_ok()
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Replaces an input's text.
    pub async fn fill(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    /// Sets a textarea / input value at once (for long JSON) and fires `input`.
    pub async fn set_value(&self, css: &str, text: &str) {
        self.find(css).await;
        self.c
            .execute(
                "const e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true}));",
                vec![json!(css), json!(text)],
            )
            .await
            .unwrap();
    }

    pub async fn select(&self, css: &str, value: &str) {
        self.find(css).await;
        self.c
            .execute(
                "const e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('change', {bubbles: true}));",
                vec![json!(css), json!(value)],
            )
            .await
            .unwrap();
    }

    /// Runs axe-core (npm) on the page as it is now; every violation of any impact, as
    /// "rule (impact): target …" lines.
    pub async fn axe(&self) -> Vec<String> {
        static AXE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let source = AXE.get_or_init(|| {
            let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../node_modules/axe-core/axe.min.js");
            std::fs::read_to_string(&p)
                .unwrap_or_else(|e| panic!("{}: {e} (npm install puts axe-core there)", p.display()))
        });
        if self.js("return typeof axe;").await != json!("object") {
            self.c.execute(source, vec![]).await.unwrap();
        }
        let out = self
            .c
            .execute_async(
                r"const done = arguments[arguments.length - 1];
                 axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v =>
                   `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' — ' + n.failureSummary.replace(/\s+/g, ' ')).join(' | ')}`)),
                   e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(out).unwrap()
    }

    /// axe-core limited to the rules of WCAG 2.0 A and AA, 2.1 AA and best practice: the
    /// violations (as [`Browser::axe`] words them) and the "incomplete" results (what axe could
    /// not decide): contrast by axe's reason (e.g. `bgOverlap`), the other rules by the node.
    pub async fn axe_wcag(&self) -> (Vec<String>, Vec<(String, u64)>) {
        self.axe().await; // loads axe-core into the page when it is not there yet
        let out = self
            .c
            .execute_async(
                r"const done = arguments[arguments.length - 1];
                 axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']},
                   resultTypes: ['violations', 'incomplete']}).then(r => done([
                   r.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' — ' + n.failureSummary.replace(/\s+/g, ' ')).join(' | ')}`),
                   r.incomplete.flatMap(v => v.nodes.map(n => [v.id === 'color-contrast'
                     ? `color-contrast (${((n.any[0] || {}).data || {}).messageKey || 'undetermined'})` : `${v.id} at ${n.target.join(' ')}`, 1]))]),
                   e => done([['axe failed: ' + e], []]));",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(out).unwrap()
    }

    /// On the launcher (`enhanced:impersonation`): finds `user` (a buyer user's ID), gives
    /// `reason` and acts as them; waits for the banner.
    pub async fn act_as(&self, user: &str, reason: &str) {
        self.fill("#imp-search", &user.to_lowercase()).await;
        self.click("#imp-search-go").await;
        self.find(&format!("#imp-results tr[data-user='{user}'] .imp-pick")).await.click().await.unwrap();
        self.fill("#imp-reason", reason).await;
        self.click("#imp-act").await;
        self.find("#acting-banner").await;
    }

    /// The access token of the first context the portal keeps in this tab.
    pub async fn stored_token(&self) -> String {
        let v = self.js("return JSON.parse(sessionStorage.getItem('gatehouse.contexts'))[0].access_token;").await;
        v.as_str().unwrap_or_default().to_string()
    }

    pub async fn js(&self, script: &str) -> Value {
        self.c.execute(script, vec![]).await.unwrap()
    }

    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.find(css).await.attr(name).await.unwrap()
    }

    pub async fn sign_in(&self, world: &World, user: &str, password: &str) {
        self.c.goto(&world.portal).await.unwrap();
        self.fill("#signin-username", user).await;
        self.fill("#signin-password", password).await;
        self.click("#signin-submit").await;
        self.find("#console-ready").await;
    }

    /// Opens an operation by its URL (`?op=METHOD /path`) and waits for its form.
    pub async fn open_op(&self, world: &World, key: &str) {
        let url = format!("{}/?op={}", world.portal, key.replace(' ', "%20").replace('{', "%7B").replace('}', "%7D"));
        self.c.goto(&url).await.unwrap();
        self.find("#send").await;
    }

    /// Points the signed-in context at the mock API under `{portal}/mock` (`big_spec`, `big_list`)
    /// and opens its one operation.
    pub async fn use_mock_api(&self, world: &World) {
        self.js(&format!("const c = JSON.parse(sessionStorage.getItem('gatehouse.contexts')); c[0].base_url = '{0}/mock'; sessionStorage.setItem('gatehouse.contexts', JSON.stringify(c)); sessionStorage.setItem('gatehouse.active', c[0].base_url + '|' + c[0].client_id + '|' + c[0].username); localStorage.setItem('gatehouse.spec_url', '{0}/mock/spec.json');", world.portal)).await;
        self.open_op(world, "GET /big").await;
    }

    /// Opens the portal with the API description at `{portal}{path}` (signed in already).
    pub async fn use_spec(&self, world: &World, path: &str) {
        self.js(&format!("localStorage.setItem('gatehouse.spec_url', '{}{path}');", world.portal)).await;
        self.c.goto(&world.portal).await.unwrap();
    }

    /// The labels of the menu entries currently shown (not filtered out).
    pub async fn shown_menu(&self) -> Vec<String> {
        let v = self.js("return [...document.querySelectorAll('.menu .resource')].filter(e => e.offsetParent !== null).map(e => e.textContent.trim());").await;
        serde_json::from_value(v).unwrap()
    }

    /// Sends and waits for the whole response (all of its body in); returns its status.
    pub async fn send(&self) -> u16 {
        let seq = || async {
            self.js("const r = document.getElementById('response'); return r ? Number(r.dataset.seq) : 0;")
                .await
                .as_u64()
                .unwrap_or(0)
        };
        let before = seq().await;
        self.click("#send").await;
        for _ in 0..300 {
            if seq().await > before && self.attr("#response", "data-complete").await.as_deref() == Some("true") {
                return self.attr("#response", "data-status").await.unwrap().parse().unwrap();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no response arrived after Send");
    }

    /// Sends in a production context: answers the question with yes; returns the status.
    pub async fn send_confirmed(&self) -> u16 {
        let seq = self.js("const r = document.getElementById('response'); return r ? Number(r.dataset.seq) : 0;").await;
        self.click("#send").await;
        self.click("#confirm-yes").await;
        for _ in 0..300 {
            let now =
                self.js("const r = document.getElementById('response'); return r ? Number(r.dataset.seq) : 0;").await;
            if now != seq && self.attr("#response", "data-complete").await.as_deref() == Some("true") {
                return self.attr("#response", "data-status").await.unwrap().parse().unwrap();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no response arrived after the yes");
    }

    /// Cuts the browser off the network (or reconnects it).
    pub async fn offline(&self, offline: bool) {
        self.c.issue_cmd(NetworkConditions { offline }).await.unwrap();
    }

    /// Saves the page's downloads into `dir` (without asking), as a person's browser would.
    pub async fn allow_downloads(&self, dir: &std::path::Path) {
        let params = json!({"behavior": "allow", "downloadPath": dir.display().to_string(), "eventsEnabled": false});
        self.c.issue_cmd(Cdp { cmd: "Browser.setDownloadBehavior", params }).await.unwrap();
    }

    /// Waits for a finished download in `dir` whose name ends with `ext`; its name and content.
    pub async fn downloaded(&self, dir: &std::path::Path, ext: &str) -> (String, String) {
        for _ in 0..150 {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.ends_with(ext) {
                    // the file may show under its name before its bytes are all there: wait for
                    // content that stays the same for a moment
                    let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                    tokio::time::sleep(Duration::from_millis(150)).await;
                    if !text.is_empty() && std::fs::read_to_string(e.path()).unwrap_or_default() == text {
                        return (name, text);
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no {ext} file was downloaded into {}", dir.display());
    }

    /// Lets the page write to and read from the clipboard.
    pub async fn grant_clipboard(&self) {
        for name in ["clipboard-read", "clipboard-write"] {
            self.c.issue_cmd(SetPermission { name }).await.unwrap();
        }
    }

    /// Opens an enhanced screen by its URL (`?op=enhanced:{key}`) and waits for it.
    pub async fn open_screen(&self, world: &World, key: &str) {
        self.c.goto(&format!("{}/?op=enhanced:{key}", world.portal)).await.unwrap();
        self.find(&format!("#screen[data-screen='{key}']")).await;
    }

    /// Clicks a menu entry of the enhanced section and waits for its screen.
    pub async fn menu_screen(&self, label: &str, key: &str) {
        self.click(&format!(".menu [data-screen='{label}']")).await;
        self.find(&format!("#screen[data-screen='{key}']")).await;
    }

    /// The value of an input / select / textarea.
    pub async fn value(&self, css: &str) -> String {
        self.find(css).await.prop("value").await.unwrap().unwrap_or_default()
    }

    pub async fn screenshot(&self, path: &str) {
        let png = self.c.screenshot().await.unwrap();
        std::fs::write(path, png).unwrap();
    }
}

impl World {
    /// A token straight from the sandbox (for arranging data behind the browser's back).
    pub async fn token(&self, user: &str, password: &str) -> String {
        self.token_for(seed::SHARED_CLIENT_ID, user, password).await
    }

    /// `POST {api}{path}` with a JSON body and no token (the hub's vendor routes); the answer's JSON.
    pub async fn post_json(&self, path: &str, body: &Value) -> Value {
        let res = reqwest::Client::new().post(format!("{}{path}", self.api)).json(body).send().await.unwrap();
        res.json().await.unwrap()
    }

    /// The raw answer of a password grant through the shared client (for refusals).
    pub async fn try_sign_in(&self, user: &str, password: &str) -> Value {
        reqwest::Client::new()
            .post(format!("{}/oauth/token", self.api))
            .form(&[
                ("grant_type", "password"),
                ("client_id", seed::SHARED_CLIENT_ID),
                ("username", user),
                ("password", password),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// A password-grant token through `client_id`.
    pub async fn token_for(&self, client_id: &str, user: &str, password: &str) -> String {
        let v: Value = reqwest::Client::new()
            .post(format!("{}/oauth/token", self.api))
            .form(&[("grant_type", "password"), ("client_id", client_id), ("username", user), ("password", password)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["access_token"].as_str().unwrap_or_else(|| panic!("no token: {v}")).to_string()
    }

    /// Calls the API directly; returns (status, JSON).
    pub async fn call(&self, method: &str, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = reqwest::Client::new().request(m, format!("{}/v1{path}", self.api)).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

pub const ADMIN: (&str, &str) = ("admin01", "Gatehouse-Admin1");
pub const BUYER: (&str, &str) = ("buyer01", "buyerpass01");
pub const REP: (&str, &str) = ("rep01", "Gatehouse-Rep01");
pub const OWNER: (&str, &str) = seed::OWNER;
