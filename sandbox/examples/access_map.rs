//! Access-map benchmark (not a test): the large synthetic marketplace (`seed --large`) served on
//! loopback by a sandbox in this process, read as the portal reads it (documented list
//! endpoints only, pageSize 100, a few requests in flight), then built into an AccessMap.
//! Prints the seed time, each round's load and build times, requests and objects, and medians.
//!
//! cargo run --profile sandbox -p gatehouse-sandbox --example access_map -- [rounds]
#[path = "../tests/access_load/mod.rs"]
mod access_load;

use gatehouse_model::access::AccessMap;
use gatehouse_sandbox::{seed, App};
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(5).max(1);
    let dir = tempfile::tempdir().expect("temporary directory");
    let app = App::open(&dir.path().join("access-map.db")).expect("database");
    seed::run(&app).expect("demo seed");
    let seeded = seed::large(&app).expect("large seed");
    println!(
        "seed --large: {} ms ({} users, {} buyers, {} groups, {} memberships, {} profiles, {} assignments, {} impersonation configs; {} synthetic objects the API would refuse left out)",
        seeded.millis,
        seeded.users,
        seeded.buyers,
        seeded.groups,
        seeded.memberships,
        seeded.profiles,
        seeded.assignments,
        seeded.impersonation_configs,
        seeded.left_out
    );
    let base = gatehouse_sandbox::spawn(app).await.expect("sandbox listening");
    let http = reqwest::Client::new();
    let token = access_load::token(&http, &base, seed::SHARED_CLIENT_ID, "admin01", "Gatehouse-Admin1").await;
    let (mut loads, mut builds) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        let (market, loaded) = access_load::load(&http, &base, &token).await;
        let t = Instant::now();
        let map = AccessMap::build(market);
        let build = t.elapsed();
        println!(
            "round {round}: loaded {} objects in {} requests ({} in flight) in {:.0} ms; map of {} users built in {:.1} ms; complete map {:.0} ms",
            loaded.objects,
            loaded.requests,
            access_load::IN_FLIGHT,
            ms(loaded.elapsed),
            map.len(),
            ms(build),
            ms(loaded.elapsed + build)
        );
        loads.push(loaded.elapsed);
        builds.push(build);
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (load, build) = (median(&mut loads), median(&mut builds));
    println!(
        "median of {rounds}: load {:.0} ms + build {:.1} ms = complete map in {:.0} ms (aim: ≤ 2000 ms)",
        ms(load),
        ms(build),
        ms(load + build)
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
