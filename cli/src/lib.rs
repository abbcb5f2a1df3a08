//! The command-line face of access as code: an HTTP client for an OrderCloud-style API
//! ([`Api`]), a marketplace read from its list endpoints ([`read_marketplace`]) and the apply
//! runner ([`run`]) over the model's plan and steps (`gatehouse_model::setup`).
use gatehouse_model::access::{Input, Marketplace};
use gatehouse_model::builtin::BuiltIns;
use gatehouse_model::resources::UserType;
use gatehouse_model::setup::apply::{pending, Action, ClientIds, Step};
use gatehouse_model::setup::plan::Index;
use gatehouse_model::setup::SetupKind;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::{Mutex, Semaphore};
use tokio::task::JoinSet;

/// List page size.
pub const PAGE_SIZE: usize = 100;
/// Requests in flight at most (reads and writes alike).
pub const IN_FLIGHT: usize = 8;

/// How to get a token.
#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    /// The password grant (a marketplace user through an API client).
    Password { client_id: String, username: String, password: String },
    /// The client-credentials grant (a confidential API client).
    Secret { client_id: String, secret: String },
}

/// An API's answer: its status and JSON body (`Null` when empty or not JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
    /// The API's own error messages ("Code: message"), or the status.
    pub fn error(&self) -> String {
        let msgs: Vec<String> = self.body["Errors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                let code = e["ErrorCode"].as_str().unwrap_or_default();
                let msg = e["Message"].as_str().unwrap_or_default();
                format!("{code}: {msg}")
            })
            .collect();
        if msgs.is_empty() {
            match &self.body {
                Value::Null => format!("HTTP {}", self.status),
                b => format!("HTTP {}: {b}", self.status),
            }
        } else {
            format!("HTTP {}: {}", self.status, msgs.join("; "))
        }
    }
}

/// A failure to reach the API at all (connection refused, reset, timed out).
#[derive(Debug, Clone, PartialEq)]
pub struct NetError(pub String);

impl std::fmt::Display for NetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "network: {}", self.0)
    }
}

struct Inner {
    base: String,
    auth: Auth,
    http: reqwest::Client,
    /// (generation, token): a 401 re-authenticates once per generation.
    token: Mutex<(u64, String)>,
    requests: AtomicU64,
    reauths: AtomicU64,
}

/// An API at `base` (e.g. `http://127.0.0.1:8787`: `/oauth/token` and `/v1/...` under it).
#[derive(Clone)]
pub struct Api(Arc<Inner>);

impl Api {
    /// Signs in; `Err` carries the API's message.
    pub async fn connect(base: &str, auth: Auth) -> Result<Api, String> {
        let api = Api(Arc::new(Inner {
            base: base.trim_end_matches('/').to_string(),
            auth,
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(60))
                .build()
                .map_err(|e| e.to_string())?,
            token: Mutex::new((0, String::new())),
            requests: AtomicU64::new(0),
            reauths: AtomicU64::new(0),
        }));
        let t = api.sign_in().await?;
        *api.0.token.lock().await = (1, t);
        Ok(api)
    }

    pub fn base(&self) -> &str {
        &self.0.base
    }

    /// Requests sent so far (token requests not counted).
    pub fn requests(&self) -> u64 {
        self.0.requests.load(Ordering::SeqCst)
    }

    /// Times a 401 made it sign in again.
    pub fn reauths(&self) -> u64 {
        self.0.reauths.load(Ordering::SeqCst)
    }

    async fn sign_in(&self) -> Result<String, String> {
        let form: Vec<(&str, &str)> = match &self.0.auth {
            Auth::Password { client_id, username, password } => vec![
                ("grant_type", "password"),
                ("client_id", client_id),
                ("username", username),
                ("password", password),
            ],
            Auth::Secret { client_id, secret } => {
                vec![("grant_type", "client_credentials"), ("client_id", client_id), ("client_secret", secret)]
            }
        };
        let res = self
            .0
            .http
            .post(format!("{}/oauth/token", self.0.base))
            .form(&form)
            .send()
            .await
            .map_err(|e| format!("Signing in at {}: {e}", self.0.base))?;
        let status = res.status().as_u16();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        match body["access_token"].as_str() {
            Some(t) if status == 200 => Ok(t.to_string()),
            _ => {
                let msg = body["error_description"]
                    .as_str()
                    .map(String::from)
                    .unwrap_or_else(|| Answer { status, body: body.clone() }.error());
                Err(format!("Signing in at {} failed: {msg}", self.0.base))
            }
        }
    }

    /// Sends a request to `/v1{path}`; a 401 signs in again (once per token) and resends.
    pub async fn send(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Answer, NetError> {
        let mut retried = false;
        loop {
            let (generation, token) = self.0.token.lock().await.clone();
            let m = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| NetError(e.to_string()))?;
            let mut req = self.0.http.request(m, format!("{}/v1{path}", self.0.base)).bearer_auth(&token);
            if let Some(b) = body {
                req = req.json(b);
            }
            self.0.requests.fetch_add(1, Ordering::SeqCst);
            let res = req.send().await.map_err(|e| NetError(e.to_string()))?;
            let status = res.status().as_u16();
            let text = res.text().await.map_err(|e| NetError(e.to_string()))?;
            let body = serde_json::from_str(&text).unwrap_or(Value::Null);
            if status == 401 && !retried {
                retried = true;
                let mut t = self.0.token.lock().await;
                if t.0 == generation {
                    let fresh = self.sign_in().await.map_err(NetError)?;
                    *t = (generation + 1, fresh);
                    self.0.reauths.fetch_add(1, Ordering::SeqCst);
                }
                continue;
            }
            return Ok(Answer { status, body });
        }
    }

    /// Puts a new token in place of the current one (tests: an expired or revoked token).
    pub async fn set_token(&self, token: &str) {
        let mut t = self.0.token.lock().await;
        *t = (t.0 + 1, token.to_string());
    }
}

// ---------------------------------------------------------------------------------------------
// Reading a marketplace

/// Why a read failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ReadError {
    Net(NetError),
    Api { path: String, error: String },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Net(e) => write!(f, "{e}"),
            ReadError::Api { path, error } => write!(f, "Reading {path}: {error}"),
        }
    }
}

/// Every page of one list: `Ok(None)` when refused (403).
async fn read_list(api: &Api, path: &str) -> Result<Option<Vec<Value>>, ReadError> {
    let mut items = Vec::new();
    let mut page = 1;
    loop {
        let p = format!("{path}?page={page}&pageSize={PAGE_SIZE}");
        let a = api.send("GET", &p, None).await.map_err(ReadError::Net)?;
        if a.status == 403 {
            return Ok(None);
        }
        if !a.ok() {
            return Err(ReadError::Api { path: p, error: a.error() });
        }
        let got = a.body["Items"].as_array().cloned().unwrap_or_default();
        let pages = a.body["Meta"]["TotalPages"].as_u64().unwrap_or(1) as usize;
        let n = got.len();
        items.extend(got);
        if page >= pages || n == 0 {
            return Ok(Some(items));
        }
        page += 1;
    }
}

/// Reads `inputs` (each with its company), at most [`IN_FLIGHT`] lists at once.
async fn read_inputs(
    api: &Api,
    inputs: Vec<(Input, String)>,
) -> Result<Vec<(Input, String, Option<Vec<Value>>)>, ReadError> {
    let sem = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut set = JoinSet::new();
    for (i, (input, company)) in inputs.into_iter().enumerate() {
        let (api, sem) = (api.clone(), sem.clone());
        set.spawn(async move {
            let _permit = sem.acquire_owned().await;
            let r = read_list(&api, &input.path(&company)).await;
            (i, input, company, r)
        });
    }
    let mut out = Vec::new();
    while let Some(j) = set.join_next().await {
        let (i, input, company, r) = j.map_err(|e| ReadError::Net(NetError(e.to_string())))?;
        out.push((i, input, company, r?));
    }
    out.sort_by_key(|o| o.0);
    Ok(out.into_iter().map(|(_, i, c, r)| (i, c, r)).collect())
}

/// Reads a marketplace from its list endpoints (pages of [`PAGE_SIZE`], a few lists at once);
/// a refused list (403) is a gap in [`Marketplace::gaps`]. `name` names it in files and plans.
pub async fn read_marketplace(api: &Api, name: &str) -> Result<Marketplace, ReadError> {
    let mut m = Marketplace::new("", name);
    let first: Vec<(Input, String)> =
        Input::ALL.iter().filter(|i| i.per_company().is_none()).map(|i| (*i, String::new())).collect();
    for (input, company, items) in read_inputs(api, first).await? {
        match items {
            Some(items) => {
                m.add_items(input, &company, items);
            }
            None => m.refused(input, &company),
        }
    }
    let mut second = Vec::new();
    for p in &m.parties {
        for i in Input::ALL.iter().filter(|i| i.per_company() == Some(p.user_type) && p.user_type != UserType::Admin) {
            second.push((*i, p.company.id.clone()));
        }
    }
    for (input, company, items) in read_inputs(api, second).await? {
        match items {
            Some(items) => {
                m.add_items(input, &company, items);
            }
            None => m.refused(input, &company),
        }
    }
    Ok(m)
}

/// The hub's built-in clients (its applications list), or the patterns alone when the token may
/// not read it (not an organization member's).
pub async fn read_builtins(api: &Api) -> BuiltIns {
    match api.send("GET", "/organization/applications?pageSize=100", None).await {
        Ok(a) if a.ok() => BuiltIns::from_applications(a.body["Items"].as_array().map_or(&[][..], |v| v), None),
        _ => BuiltIns::default(),
    }
}

/// A marketplace read and indexed (for planning and resuming).
pub async fn read_index(api: &Api, name: &str) -> Result<(Marketplace, BuiltIns, Index), ReadError> {
    let m = read_marketplace(api, name).await?;
    let b = read_builtins(api).await;
    let ix = Index::of(&m, &b);
    Ok((m, b, ix))
}

// ---------------------------------------------------------------------------------------------
// Applying

/// What happened to one step.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Created,
    Updated,
    Deleted,
    /// The API refused it: its own error.
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct StepResult {
    pub kind: SetupKind,
    pub action: Action,
    pub key: String,
    pub outcome: Outcome,
}

/// A confidential client's secret, as its create answered it (shown once).
#[derive(Debug, Clone, PartialEq)]
pub struct NewSecret {
    pub name: String,
    pub id: String,
    pub secret: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// One per step sent, in the steps' order.
    pub results: Vec<StepResult>,
    /// Steps not sent (stopped at a failure, cancelled or cut off by a network error).
    pub not_sent: usize,
    /// The network failed: resume (re-read the target, [`resume`]) once it is back.
    pub interrupted: Option<String>,
    pub secrets: Vec<NewSecret>,
    /// The client IDs at the end (the plan's and those created).
    pub client_ids: ClientIds,
}

impl Report {
    pub fn failed(&self) -> usize {
        self.results.iter().filter(|r| matches!(r.outcome, Outcome::Failed(_))).count()
    }
    pub fn succeeded(&self) -> usize {
        self.results.len() - self.failed()
    }
    /// Done without a failure, and nothing left.
    pub fn complete(&self) -> bool {
        self.failed() == 0 && self.not_sent == 0 && self.interrupted.is_none()
    }
}

/// How to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Stop at the first failed object (the default goes on past failures).
    pub stop_on_error: bool,
    /// Set to stop the run: nothing new is sent, what is in flight finishes.
    pub cancel: Option<Arc<AtomicBool>>,
}

enum Sent {
    Done(Outcome, Option<Value>),
    Net(String),
}

async fn send_step(api: &Api, step: &Step, ids: &ClientIds) -> Sent {
    let req = match step.request(ids) {
        Ok(r) => r,
        Err(e) => return Sent::Done(Outcome::Failed(e), None),
    };
    match api.send(req.method, &req.path, req.body.as_ref()).await {
        Err(e) => Sent::Net(e.0),
        Ok(a) if a.ok() => {
            let o = match step.action {
                Action::Create => Outcome::Created,
                Action::Update => Outcome::Updated,
                Action::Delete => Outcome::Deleted,
            };
            Sent::Done(o, Some(a.body))
        }
        Ok(a) => Sent::Done(Outcome::Failed(a.error()), None),
    }
}

/// Applies `steps` in their order, kind by kind (and creates/updates before deletes), at most
/// [`IN_FLIGHT`] requests at once within a kind. `ids`: the target's client IDs by name
/// ([`ClientIds::from_plan`], or [`ClientIds::from_index`] when resuming). `progress(done, total)`
/// is called after every step.
pub async fn run(
    api: &Api,
    steps: &[Step],
    ids: ClientIds,
    opts: &RunOptions,
    progress: impl Fn(usize, usize) + Send + Sync,
) -> Report {
    let total = steps.len();
    let done = Arc::new(AtomicUsize::new(0));
    let mut report = Report { client_ids: ids, ..Report::default() };
    let mut slots: Vec<Option<StepResult>> = vec![None; total];
    let sem = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut stop = false;
    let mut start = 0;
    while start < total && !stop {
        // one group: consecutive steps of one kind and action
        let (kind, action) = (steps[start].kind, steps[start].action);
        let end = steps[start..].iter().position(|s| (s.kind, s.action) != (kind, action)).map_or(total, |n| start + n);
        let ids = Arc::new(report.client_ids.clone());
        let mut set = JoinSet::new();
        let mut next = start;
        loop {
            // launch while there is room and no reason to stop
            while next < end && !stop && sem.available_permits() > 0 {
                if opts.cancel.as_ref().is_some_and(|c| c.load(Ordering::SeqCst)) {
                    stop = true;
                    break;
                }
                let permit = sem.clone().acquire_owned().await.expect("semaphore open");
                let (api, ids, step) = (api.clone(), ids.clone(), steps[next].clone());
                let i = next;
                set.spawn(async move {
                    let r = send_step(&api, &step, &ids).await;
                    drop(permit);
                    (i, r)
                });
                next += 1;
            }
            let Some(j) = set.join_next().await else { break };
            let Ok((i, sent)) = j else { continue };
            let step = &steps[i];
            match sent {
                Sent::Net(e) => {
                    report.interrupted.get_or_insert(e);
                    stop = true;
                }
                Sent::Done(outcome, answer) => {
                    if let Some(a) = &answer {
                        step.record(a, &mut report.client_ids);
                        if let (Some(name), Some(secret)) =
                            (&step.creates_client, a.get("ClientSecret").and_then(Value::as_str))
                        {
                            let id = a["ID"].as_str().unwrap_or_default().to_string();
                            report.secrets.push(NewSecret { name: name.clone(), id, secret: secret.to_string() });
                        }
                    }
                    if matches!(outcome, Outcome::Failed(_)) && opts.stop_on_error {
                        stop = true;
                    }
                    slots[i] =
                        Some(StepResult { kind: step.kind, action: step.action, key: step.key.clone(), outcome });
                    progress(done.fetch_add(1, Ordering::SeqCst) + 1, total);
                }
            }
        }
        start = end;
    }
    report.results = slots.into_iter().flatten().collect();
    report.not_sent = total - report.results.len();
    report
}

/// The steps still to apply: `steps` against the target read again, and its client IDs (to
/// resume after an outage or a stop; nothing done is sent twice).
pub async fn resume(api: &Api, steps: &[Step]) -> Result<(Vec<Step>, ClientIds), ReadError> {
    let (_, _, ix) = read_index(api, "").await?;
    Ok((pending(steps, &ix).into_iter().cloned().collect(), ClientIds::from_index(&ix)))
}
