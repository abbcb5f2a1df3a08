//! Reads a marketplace for an access map the way the portal does against OrderCloud: only the
//! documented list endpoints (`model::access::Input`), pageSize 100, a few requests in flight;
//! a 403 on one input is recorded as a gap. Shared by `tests/access_map.rs` and
//! `examples/access_map.rs`.
#![allow(dead_code)]
use gatehouse_model::access::{Input, Marketplace};
use gatehouse_model::resources::UserType;
use reqwest::{Client, StatusCode};
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

pub const PAGE_SIZE: u32 = 100;
/// Requests in flight at once.
pub const IN_FLIGHT: usize = 6;

/// What a load did.
#[derive(Debug, Default, Clone)]
pub struct Loaded {
    pub requests: usize,
    /// Items read, all inputs together.
    pub objects: usize,
    pub elapsed: Duration,
}

/// One page of one input: (status, items, total pages).
async fn page(
    http: &Client,
    base: &str,
    token: &str,
    input: Input,
    company: &str,
    n: u32,
) -> (StatusCode, Vec<Value>, u32) {
    let url = format!("{base}/v1{}?pageSize={PAGE_SIZE}&page={n}", input.path(company));
    let res = http.get(url).bearer_auth(token).send().await.expect("request sent");
    let status = res.status();
    let mut body: Value = res.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        return (status, Vec::new(), 0);
    }
    let pages = body["Meta"]["TotalPages"].as_u64().unwrap_or(1) as u32;
    match body.get_mut("Items").map(Value::take) {
        Some(Value::Array(items)) => (status, items, pages),
        _ => panic!("{} answered without Items: {body}", input.path(company)),
    }
}

/// Every page of `inputs` (each with its company), at most [`IN_FLIGHT`] requests at once:
/// first pages together, then the remaining pages of each.
async fn read_all(
    http: &Client,
    base: &str,
    token: &str,
    inputs: Vec<(Input, String)>,
    m: &mut Marketplace,
    loaded: &mut Loaded,
) {
    let gate = Arc::new(Semaphore::new(IN_FLIGHT));
    let fetch = |input: Input, company: String, n: u32| {
        let (http, base, token, gate) = (http.clone(), base.to_string(), token.to_string(), gate.clone());
        tokio::spawn(async move {
            let _permit = gate.acquire_owned().await.expect("semaphore open");
            let (s, items, pages) = page(&http, &base, &token, input, &company, n).await;
            (input, company, n, s, items, pages)
        })
    };
    let first: Vec<_> = inputs.into_iter().map(|(i, c)| fetch(i, c, 1)).collect();
    let mut rest = Vec::new();
    let mut pages_in_order = Vec::new();
    for task in first {
        let (input, company, _, status, items, pages) = task.await.expect("task ran");
        loaded.requests += 1;
        if status == StatusCode::FORBIDDEN {
            m.refused(input, &company);
            continue;
        }
        assert!(status.is_success(), "{} answered {status}", input.path(&company));
        pages_in_order.push((input, company.clone(), items));
        for n in 2..=pages {
            rest.push(fetch(input, company.clone(), n));
        }
    }
    for task in rest {
        let (input, company, n, status, items, _) = task.await.expect("task ran");
        loaded.requests += 1;
        assert!(status.is_success(), "{} page {n} answered {status}", input.path(&company));
        pages_in_order.push((input, company, items));
    }
    for (input, company, items) in pages_in_order {
        loaded.objects += items.len();
        let bad = m.add_items(input, &company, items);
        assert_eq!(bad, 0, "{} had items that do not read as their type", input.path(&company));
    }
}

/// Reads the marketplace at `base` (its `/v1` API) with `token`.
pub async fn load(http: &Client, base: &str, token: &str) -> (Marketplace, Loaded) {
    let started = Instant::now();
    let mut m = Marketplace::new("", "Marketplace");
    let mut loaded = Loaded::default();
    let global: Vec<(Input, String)> =
        Input::ALL.iter().filter(|i| i.per_company().is_none()).map(|i| (*i, String::new())).collect();
    read_all(http, base, token, global, &mut m, &mut loaded).await;
    let per_company: Vec<(Input, String)> = m
        .parties
        .iter()
        .filter(|p| p.user_type != UserType::Admin)
        .flat_map(|p| {
            Input::ALL
                .iter()
                .filter(move |i| i.per_company() == Some(p.user_type))
                .map(move |i| (*i, p.company.id.clone()))
        })
        .collect();
    read_all(http, base, token, per_company, &mut m, &mut loaded).await;
    loaded.elapsed = started.elapsed();
    (m, loaded)
}

/// A token for `username` through `client`.
pub async fn token(http: &Client, base: &str, client: &str, username: &str, password: &str) -> String {
    let form = [("grant_type", "password"), ("client_id", client), ("username", username), ("password", password)];
    let res = http.post(format!("{base}/oauth/token")).form(&form).send().await.expect("token request sent");
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(status, StatusCode::OK, "sign-in of {username}: {body}");
    body["access_token"].as_str().expect("access_token").to_string()
}
