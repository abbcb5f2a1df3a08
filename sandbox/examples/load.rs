//! Load benchmark (not a test): authenticated list requests/s with p50/p99 latency, and token
//! grants/s, against a sandbox started in this process on loopback. Bounded in time.
//!
//! cargo run --profile sandbox -p gatehouse-sandbox --example load -- [seconds] [connections]
use gatehouse_sandbox::{seed, App};
use std::sync::Arc;
use std::time::{Duration, Instant};

async fn run(
    label: &str,
    secs: u64,
    conns: usize,
    make: Arc<dyn Fn(&reqwest::Client) -> reqwest::RequestBuilder + Send + Sync>,
) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for _ in 0..conns {
        let make = make.clone();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::builder().pool_max_idle_per_host(1).build().unwrap();
            let mut lat = Vec::new();
            let mut failures = 0u64;
            while Instant::now() < deadline {
                let t = Instant::now();
                match make(&client).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        lat.push(t.elapsed());
                    }
                    _ => failures += 1,
                }
            }
            (lat, failures)
        }));
    }
    let mut all = Vec::new();
    let mut failures = 0;
    for t in tasks {
        let (l, f) = t.await.unwrap();
        all.extend(l);
        failures += f;
    }
    all.sort();
    let n = all.len();
    let pct = |p: f64| all.get(((n as f64 * p) as usize).min(n.saturating_sub(1))).copied().unwrap_or_default();
    println!(
        "{label}: {n} ok, {failures} failed in {secs} s with {conns} connections → {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms",
        n as f64 / secs as f64,
        pct(0.50).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let secs: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10);
    let conns: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(16);
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("load.db")).unwrap();
    seed::run(&app).unwrap();
    let base = gatehouse_sandbox::spawn(app).await.unwrap();
    let client = reqwest::Client::new();
    let form = [
        ("grant_type", "password"),
        ("client_id", seed::SHARED_CLIENT_ID),
        ("username", "admin01"),
        ("password", "Gatehouse-Admin1"),
    ];
    let v: serde_json::Value =
        client.post(format!("{base}/oauth/token")).form(&form).send().await.unwrap().json().await.unwrap();
    let token = v["access_token"].as_str().unwrap().to_string();
    for i in 0..50 {
        client
            .post(format!("{base}/v1/buyers"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"ID": format!("LB{i:02}"), "Name": format!("Load buyer {i}"), "Active": true}))
            .send()
            .await
            .unwrap();
    }
    println!("sandbox at {base}; {} cores", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    let (b1, t1) = (base.clone(), token.clone());
    run(
        "GET /v1/buyers?pageSize=20 (authenticated list)",
        secs,
        conns,
        Arc::new(move |c| c.get(format!("{b1}/v1/buyers?pageSize=20")).bearer_auth(&t1)),
    )
    .await;
    let (b2, t2) = (base.clone(), token.clone());
    run(
        "GET /v1/adminusers (list with AvailableRoles)",
        secs,
        conns,
        Arc::new(move |c| c.get(format!("{b2}/v1/adminusers")).bearer_auth(&t2)),
    )
    .await;
    let b3 = base.clone();
    run(
        "POST /oauth/token (password grant, argon2)",
        secs.min(5),
        4,
        Arc::new(move |c| c.post(format!("{b3}/oauth/token")).form(&form)),
    )
    .await;
    // reads by one user while another user's password is guessed in bursts of 16 at once
    let burst_secs = secs.min(5);
    let deadline = Instant::now() + Duration::from_secs(burst_secs);
    let b4 = base.clone();
    let attacker = tokio::spawn(async move {
        let client = reqwest::Client::new();
        let (mut answered, mut server_errors) = (0u64, 0u64);
        while Instant::now() < deadline {
            let wave: Vec<_> = (0..16)
                .map(|_| {
                    let wrong = [
                        ("grant_type", "password"),
                        ("client_id", seed::SHARED_CLIENT_ID),
                        ("username", "buyer01"),
                        ("password", "wrong-password"),
                    ];
                    tokio::spawn(client.post(format!("{b4}/oauth/token")).form(&wrong).send())
                })
                .collect();
            for h in wave {
                let r = h.await.unwrap();
                answered += 1;
                if r.map(|r| r.status().is_server_error()).unwrap_or(true) {
                    server_errors += 1;
                }
            }
        }
        (answered, server_errors)
    });
    let (b5, t5) = (base.clone(), token.clone());
    run(
        "GET /v1/buyers?pageSize=20 during bursts of 16 wrong-password sign-ins",
        burst_secs,
        8,
        Arc::new(move |c| c.get(format!("{b5}/v1/buyers?pageSize=20")).bearer_auth(&t5)),
    )
    .await;
    let (answered, server_errors) = attacker.await.unwrap();
    println!("  the bursts: {answered} wrong-password sign-ins answered, {server_errors} server errors");
}
