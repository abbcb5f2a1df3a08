//! Access as code over real HTTP against the sandbox: organization A (the demo marketplace)
//! exported, applied to a new empty organization B, exported again; re-plans, diffs, refused
//! plans, an outage mid-apply and its resume, and the CLI's exit codes.
use gatehouse_cli::{read_index, resume, run, Api, Auth, Outcome, RunOptions};
use gatehouse_model::setup::apply::{steps, ClientIds};
use gatehouse_model::setup::plan::{plan_index, Change, PlanOptions};
use gatehouse_model::setup::{export, ExportOptions, SetupFile, SetupKind};
use gatehouse_sandbox::{seed, App};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

struct Sb {
    base: String,
    app: App,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

async fn start() -> Sb {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("sandbox.db")).unwrap();
    seed::run(&app).unwrap();
    let base = gatehouse_sandbox::spawn(app.clone()).await.unwrap();
    Sb { base, app, http: reqwest::Client::new(), _dir: dir }
}

impl Sb {
    async fn call(&self, method: reqwest::Method, path: &str, token: Option<&str>, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, format!("{}/v1{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let v: Value = res.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path}: {status} {v}");
        v
    }

    /// A new organization B of a new account, and an Admin integration's (client ID, secret) in it.
    async fn new_org(&self, email: &str) -> (String, String) {
        use reqwest::Method;
        let body = json!({"Email": email, "Password": "Strong-Pass-123", "FirstName": "Pat", "LastName": "B"});
        let v = self.call(Method::POST, "/account/signup", None, Some(body)).await;
        let account = v["access_token"].as_str().unwrap().to_string();
        let v = self.call(Method::POST, "/account/organizations", Some(&account), Some(json!({"Name": "B"}))).await;
        let org = v["ID"].as_str().unwrap().to_string();
        let v = self.call(Method::POST, &format!("/account/organizations/{org}/token"), Some(&account), None).await;
        let admin = v["access_token"].as_str().unwrap().to_string();
        let app = json!({"Kind": "Integration", "Name": "Promoter", "Role": "Admin"});
        let v = self.call(Method::POST, "/organization/applications", Some(&admin), Some(app)).await;
        (v["ID"].as_str().unwrap().to_string(), v["ClientSecret"].as_str().unwrap().to_string())
    }
}

fn a_auth() -> Auth {
    let d = seed::demo();
    Auth::Password { client_id: d.admin.client_id, username: d.admin.username, password: d.admin.password }
}

fn b_auth(b: &(String, String)) -> Auth {
    Auth::Secret { client_id: b.0.clone(), secret: b.1.clone() }
}

async fn export_of(api: &Api) -> SetupFile {
    let (m, b, _) = read_index(api, "x").await.unwrap();
    assert!(m.gaps.is_empty(), "{:?}", m.gaps);
    export(&m, &b, &ExportOptions::default())
}

/// The file's objects with every API client ID replaced by the client's name (IDs are the
/// API's own), and the marketplace left out.
fn by_names(f: &SetupFile) -> String {
    let mut f = f.clone();
    let names: HashMap<String, String> = f
        .objects
        .get(&SetupKind::ApiClients)
        .into_iter()
        .flatten()
        .map(|c| (c["ID"].as_str().unwrap().to_string(), c["AppName"].as_str().unwrap().to_string()))
        .collect();
    for (kind, list) in f.objects.iter_mut() {
        for o in list.iter_mut() {
            for field in ["ID", "ApiClientID", "ClientID"] {
                let client_ref = match kind {
                    SetupKind::ApiClients => field == "ID",
                    SetupKind::ApiClientAssignments => field == "ApiClientID",
                    SetupKind::ImpersonationConfigs => field == "ClientID",
                    _ => false,
                };
                if client_ref {
                    let id = o[field].as_str().unwrap_or_default().to_string();
                    o.insert(field.into(), json!(names.get(&id).cloned().unwrap_or(format!("unknown {id}"))));
                }
            }
        }
    }
    f.marketplace = Default::default();
    f.to_text()
}

#[tokio::test(flavor = "multi_thread")]
async fn export_a_apply_to_empty_b_export_b_equals_a_then_replan_and_diff() {
    let sb = start().await;
    let a = Api::connect(&sb.base, a_auth()).await.unwrap();
    let file_a = export_of(&a).await;
    let text = file_a.to_text();
    assert!(!text.contains("ClientSecret") && !text.contains("Password"), "{text}");
    assert!(file_a.objects[&SetupKind::ApiClients].len() >= 2, "{text}");
    assert_eq!(export_of(&a).await.to_text(), text, "two exports of an unchanged marketplace are identical");

    let org = sb.new_org("b@example.com").await;
    let b = Api::connect(&sb.base, b_auth(&org)).await.unwrap();
    let empty = export_of(&b).await;
    assert!(empty.objects.values().all(Vec::is_empty), "B holds only built-ins: {}", empty.to_text());

    let (_, _, ix) = read_index(&b, "B").await.unwrap();
    let plan = plan_index(&SetupFile::parse(&text).unwrap(), &ix, "B", PlanOptions::default());
    assert!(!plan.refused(), "{}", plan.to_text());
    assert!(plan.changes() > 0 && plan.items.iter().all(|i| i.change == Change::Create), "{}", plan.to_text());
    let list = steps(&plan);
    // a token that stopped working mid-run: signed in again, and the run goes on
    b.set_token("expired").await;
    let started = std::time::Instant::now();
    let calls = std::sync::Mutex::new(Vec::new());
    let report =
        run(&b, &list, ClientIds::from_plan(&plan), &RunOptions::default(), |d, t| calls.lock().unwrap().push((d, t)))
            .await;
    let secs = started.elapsed().as_secs_f64();
    eprintln!("applied {} objects in {secs:.3} s: {:.0} objects/s", list.len(), list.len() as f64 / secs);
    assert!(report.complete(), "{:?}", report.results.iter().filter(|r| matches!(r.outcome, Outcome::Failed(_))));
    assert!(b.reauths() >= 1);
    assert_eq!(calls.lock().unwrap().last(), Some(&(list.len(), list.len())));
    assert_eq!(report.results.len(), list.len());

    let file_b = export_of(&b).await;
    assert_eq!(by_names(&file_b), by_names(&file_a));

    // re-planning shows no changes
    let (_, _, ix) = read_index(&b, "B").await.unwrap();
    let again = plan_index(&file_a, &ix, "B", PlanOptions::default());
    assert_eq!(again.changes(), 0, "{}", again.to_text());

    // an object changed in B: an update with its field diff
    b.send("PATCH", "/securityprofiles/CALL_CENTER_PROFILE", Some(&json!({"Name": "Renamed"}))).await.unwrap();
    let (_, _, ix) = read_index(&b, "B").await.unwrap();
    let p = plan_index(&file_a, &ix, "B", PlanOptions::default());
    assert_eq!(p.changes(), 1, "{}", p.to_text());
    let item = p.items.iter().find(|i| i.change != Change::Unchanged).unwrap();
    assert_eq!((item.kind, item.key.as_str()), (SetupKind::SecurityProfiles, "CALL_CENTER_PROFILE"));
    let Change::Update(d) = &item.change else { panic!("{:?}", item.change) };
    assert_eq!((d.len(), d[0].field.as_str()), (1, "Name"));
    assert_eq!((d[0].old.clone(), d[0].new.clone()), (json!("Renamed"), json!("Call Center Profile")));
    assert!(p
        .to_text()
        .contains("~ security profile CALL_CENTER_PROFILE\n    Name: \"Renamed\" → \"Call Center Profile\""));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broken_reference_is_refused_at_plan_time_and_nothing_is_sent() {
    let sb = start().await;
    let a = Api::connect(&sb.base, a_auth()).await.unwrap();
    let mut file = export_of(&a).await;
    file.objects.get_mut(&SetupKind::SecurityProfiles).unwrap().retain(|p| p["ID"] != "BUYER_PROFILE");
    let org = sb.new_org("b@example.com").await;
    let b = Api::connect(&sb.base, b_auth(&org)).await.unwrap();
    let before = export_of(&b).await.to_text();
    let (_, _, ix) = read_index(&b, "B").await.unwrap();
    let plan = plan_index(&file, &ix, "B", PlanOptions::default());
    assert!(plan.refused());
    let text = plan.to_text();
    assert!(text.contains("names security profile BUYER_PROFILE"), "{text}");
    assert!(text.contains("impersonation config CALL_CENTER_STOREFRONT") || text.contains("BUYER_PROFILE"), "{text}");
    let sent = b.requests();
    let report = run(&b, &steps(&plan), ClientIds::from_plan(&plan), &RunOptions::default(), |_, _| {}).await;
    assert!(report.results.is_empty());
    assert_eq!(b.requests(), sent, "nothing sent");
    assert_eq!(export_of(&b).await.to_text(), before);
}

/// A sandbox server on `addr` (port 0: any) that stops when `stop` fires (in-flight requests
/// finish first).
async fn serve(app: App, addr: SocketAddr, stop: tokio::sync::oneshot::Receiver<()>) -> SocketAddr {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_reuseaddr(true).unwrap();
    socket.bind(addr).unwrap();
    let listener = socket.listen(128).unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, gatehouse_sandbox::router(app))
            .with_graceful_shutdown(async move {
                let _ = stop.await;
            })
            .await;
    });
    addr
}

#[tokio::test(flavor = "multi_thread")]
async fn the_server_stopped_mid_apply_then_resumed_gives_the_same_end_state_and_nothing_twice() {
    let sb = start().await;
    let a = Api::connect(&sb.base, a_auth()).await.unwrap();
    let file_a = export_of(&a).await;
    let org = sb.new_org("b@example.com").await;

    let (tx, rx) = tokio::sync::oneshot::channel();
    let addr = serve(sb.app.clone(), "127.0.0.1:0".parse().unwrap(), rx).await;
    let b = Api::connect(&format!("http://{addr}"), b_auth(&org)).await.unwrap();
    let (_, _, ix) = read_index(&b, "B").await.unwrap();
    let plan = plan_index(&file_a, &ix, "B", PlanOptions::default());
    let list = steps(&plan);
    assert!(list.len() > 8, "{}", list.len());

    // the server goes away after 6 objects: the run stops, saying it was interrupted
    let tx = std::sync::Mutex::new(Some(tx));
    let first = run(&b, &list, ClientIds::from_plan(&plan), &RunOptions::default(), |d, _| {
        if d == 6 {
            if let Some(tx) = tx.lock().unwrap().take() {
                let _ = tx.send(());
            }
        }
    })
    .await;
    assert!(first.interrupted.is_some(), "{first:?}");
    assert!(first.not_sent > 0 && first.failed() == 0, "{first:?}");
    // it stays down for a moment; then it is back on the same address
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let (_tx2, rx2) = tokio::sync::oneshot::channel();
    serve(sb.app.clone(), addr, rx2).await;

    let (left, ids) = resume(&b, &list).await.unwrap();
    assert_eq!(left.len(), list.len() - first.succeeded(), "exactly what was not done is left");
    let second = run(&b, &left, ids, &RunOptions::default(), |_, _| {}).await;
    assert!(second.complete(), "{second:?}");
    let done: Vec<&str> = first.results.iter().chain(&second.results).map(|r| r.key.as_str()).collect();
    let mut unique = done.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((done.len(), unique.len()), (list.len(), list.len()), "every step sent once");

    let file_b = export_of(&b).await;
    assert_eq!(by_names(&file_b), by_names(&file_a));
    let (_, _, ix) = read_index(&b, "B").await.unwrap();
    assert_eq!(plan_index(&file_a, &ix, "B", PlanOptions::default()).changes(), 0);
    assert!(ix.client_ids.values().all(|ids| ids.len() == 1), "no client created twice: {:?}", ix.client_ids);
}

#[tokio::test(flavor = "multi_thread")]
async fn stop_on_error_and_cancel_leave_the_rest_unsent() {
    let sb = start().await;
    let a = Api::connect(&sb.base, a_auth()).await.unwrap();
    let file_a = export_of(&a).await;
    let org = sb.new_org("b@example.com").await;
    let b = Api::connect(&sb.base, b_auth(&org)).await.unwrap();
    let (_, _, ix) = read_index(&b, "B").await.unwrap();
    let plan = plan_index(&file_a, &ix, "B", PlanOptions::default());
    let mut list = steps(&plan);
    // a buyer the API refuses: an ID with a character IDs may not hold
    let buyer = list.iter_mut().find(|s| s.kind == SetupKind::Buyers).unwrap();
    buyer.body.as_mut().unwrap()["ID"] = json!("bad id!");
    let report =
        run(&b, &list, ClientIds::from_plan(&plan), &RunOptions { stop_on_error: true, cancel: None }, |_, _| {}).await;
    assert_eq!(report.failed(), 1, "{report:?}");
    let Outcome::Failed(e) = &report.results.iter().find(|r| r.kind == SetupKind::Buyers).unwrap().outcome else {
        panic!()
    };
    assert!(e.contains("HTTP 400"), "the API's own error: {e}");
    assert!(report.not_sent > 0 && report.results.iter().all(|r| r.kind <= SetupKind::Buyers));

    let cancel = Arc::new(AtomicBool::new(true));
    let report = run(
        &b,
        &list,
        ClientIds::from_plan(&plan),
        &RunOptions { stop_on_error: false, cancel: Some(cancel) },
        |_, _| {},
    )
    .await;
    assert_eq!((report.results.len(), report.not_sent), (0, list.len()));
}

fn cli(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gatehouse-cli")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn cli_async(args: Vec<String>) -> (i32, String, String) {
    tokio::task::spawn_blocking(move || cli(&args.iter().map(String::as_str).collect::<Vec<_>>())).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_exit_codes_tell_no_changes_changes_and_errors_apart() {
    let sb = start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.json").to_string_lossy().into_owned();
    let d = seed::demo();
    let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<String>>();
    let a_args = s(&["--api", &sb.base, "--client-id", &d.admin.client_id, "--username", "admin01", "--password"]);
    let mut export_a = s(&["export"]);
    export_a.extend(a_args.clone());
    export_a.extend(s(&[&d.admin.password, "--out", &file]));
    let (code, _, err) = cli_async(export_a).await;
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&file).unwrap().contains("CALL_CENTER_PROFILE"));

    let org = sb.new_org("b@example.com").await;
    let b_args = s(&["--api", &sb.base, "--client-id", &org.0, "--client-secret", &org.1]);
    let with = |cmd: &[&str], tail: &[&str]| {
        let mut v = s(cmd);
        v.extend(b_args.clone());
        v.extend(s(tail));
        v
    };
    let (code, out, err) = cli_async(with(&["plan", &file], &[])).await;
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.contains("+ security profile CALL_CENTER_PROFILE"), "{out}");
    let (code, out, err) = cli_async(with(&["apply", &file], &[])).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("created") && err.contains("progress:"), "{out}{err}");
    let (code, out, _) = cli_async(with(&["plan", &file], &[])).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 change(s)."), "{out}");

    // a broken reference: refused, exit 1, nothing sent
    let broken = dir.path().join("broken.json").to_string_lossy().into_owned();
    let mut f = SetupFile::parse(&std::fs::read_to_string(&file).unwrap()).unwrap();
    f.objects.get_mut(&SetupKind::SecurityProfileAssignments).unwrap()[0]
        .insert("UserGroupID".into(), json!("NO_SUCH_GROUP"));
    std::fs::write(&broken, f.to_text()).unwrap();
    let b = Api::connect(&sb.base, b_auth(&org)).await.unwrap();
    let before = export_of(&b).await.to_text();
    let (code, out, _) = cli_async(with(&["apply", &broken], &[])).await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("NO_SUCH_GROUP") && out.contains("Refused"), "{out}");
    assert_eq!(export_of(&b).await.to_text(), before);

    // bad input, wrong credentials, bad arguments: exit 1 with the reason
    let (code, _, err) = cli_async(with(&["plan", "/no/such/file.json"], &[])).await;
    assert_eq!(code, 1);
    assert!(err.contains("/no/such/file.json"), "{err}");
    let (code, _, err) =
        cli_async(s(&["export", "--api", &sb.base, "--client-id", &org.0, "--client-secret", "wrong"])).await;
    assert_eq!(code, 1);
    assert!(err.contains("Signing in"), "{err}");
    let (code, _, _) = cli_async(s(&["plan"])).await;
    assert_eq!(code, 1);
}

/// The large synthetic marketplace (10,000 users) planned and applied into an empty
/// organization: plan time, objects per second, the longest wait between progress calls.
/// A measurement, not a timed test: `cargo test -p gatehouse-cli --test roundtrip -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "a measurement (minutes in a debug build)"]
async fn measure_apply_of_the_large_synthetic_marketplace() {
    use gatehouse_model::access::synth::{marketplace, Size};
    use gatehouse_model::builtin::BuiltIns;
    let sb = start().await;
    let mut file = export(&marketplace(7, &Size::LARGE), &BuiltIns::default(), &ExportOptions::default());
    // the synthetic marketplace names missing objects on purpose (the access review shows them):
    // a plan refuses those, so leave out what names them
    for _ in 0..5 {
        let p = plan_index(&file, &Default::default(), "B", PlanOptions::default());
        let broken: std::collections::HashSet<String> = p
            .errors
            .iter()
            .filter_map(|e| match e {
                gatehouse_model::setup::plan::PlanError::MissingReference { from, .. } => Some(from.clone()),
                _ => None,
            })
            .collect();
        if broken.is_empty() {
            break;
        }
        for (kind, list) in file.objects.iter_mut() {
            list.retain(|o| !broken.contains(&format!("{} {}", kind.noun(), gatehouse_model::setup::key(*kind, o))));
        }
    }
    let objects: usize = file.objects.values().map(Vec::len).sum();
    let org = sb.new_org("b@example.com").await;
    let b = Api::connect(&sb.base, b_auth(&org)).await.unwrap();
    let t = std::time::Instant::now();
    let (_, _, ix) = read_index(&b, "B").await.unwrap();
    let plan = plan_index(&file, &ix, "B", PlanOptions::default());
    let plan_secs = t.elapsed().as_secs_f64();
    assert!(!plan.refused(), "{}", plan.errors.iter().take(5).map(|e| e.describe()).collect::<Vec<_>>().join("\n"));
    let list = steps(&plan);
    let last = std::sync::Mutex::new((std::time::Instant::now(), 0.0f64));
    let t = std::time::Instant::now();
    let report = run(&b, &list, ClientIds::from_plan(&plan), &RunOptions::default(), |_, _| {
        let mut l = last.lock().unwrap();
        let gap = l.0.elapsed().as_secs_f64();
        *l = (std::time::Instant::now(), l.1.max(gap));
    })
    .await;
    let secs = t.elapsed().as_secs_f64();
    let failed: Vec<_> = report.results.iter().filter(|r| matches!(r.outcome, Outcome::Failed(_))).take(3).collect();
    eprintln!(
        "LARGE: {objects} objects in the file, {} steps; read + plan {plan_secs:.2} s; apply {secs:.1} s = {:.0} objects/s; \
         {} failed {failed:?}; longest progress gap {:.3} s",
        list.len(),
        list.len() as f64 / secs,
        report.failed(),
        last.lock().unwrap().1
    );
    // what one page of each whole-marketplace list costs, and how many pages it has
    for input in gatehouse_model::access::Input::ALL.iter().filter(|i| i.per_company().is_none()) {
        let t = std::time::Instant::now();
        let a = b.send("GET", &format!("{}?page=1&pageSize=100", input.path("")), None).await.unwrap();
        eprintln!("{input:?}: {} pages, page 1 in {:.3} s", a.body["Meta"]["TotalPages"], t.elapsed().as_secs_f64());
    }
    let t = std::time::Instant::now();
    let (m, bi, _) = read_index(&b, "B").await.unwrap();
    let read_secs = t.elapsed().as_secs_f64();
    let t = std::time::Instant::now();
    let ix = gatehouse_model::setup::plan::Index::of(&m, &bi);
    let index_secs = t.elapsed().as_secs_f64();
    let t = std::time::Instant::now();
    let changes = plan_index(&file, &ix, "B", PlanOptions::default()).changes();
    eprintln!(
        "re-plan: {changes} change(s); read {read_secs:.2} s ({} requests), index {index_secs:.2} s, plan {:.2} s",
        b.requests(),
        t.elapsed().as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_list_is_a_gap_not_a_failure() {
    let sb = start().await;
    let d = seed::demo();
    let buyer = Auth::Password { client_id: d.buyer.client_id, username: d.buyer.username, password: d.buyer.password };
    let api = Api::connect(&sb.base, buyer).await.unwrap();
    let m = gatehouse_cli::read_marketplace(&api, "A").await.unwrap();
    assert!(m.gaps.iter().any(|g| g.input == gatehouse_model::access::Input::Buyers), "{:?}", m.gaps);
    assert!(m.gaps.iter().any(|g| g.describe().contains("BuyerReader")));
}
