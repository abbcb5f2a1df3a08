//! Issue 27 over real HTTP: the browser origins allowed (`--allow-origin`), short-lived tokens
//! (`--token-seconds`), and act-as sessions with a reason and an end, read by supervisors only.
mod common;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

const STORE: &str = gatehouse_sandbox::seed::STOREFRONT_CLIENT_ID;
const ACT: &str = "/buyers/BUYER_ORGANIZATION/users/BUYER01/accesstoken";

async fn preflight(sb: &Sandbox, base: &str, origin: &str) -> Option<String> {
    let res = sb
        .http
        .request(Method::OPTIONS, format!("{base}/v1/me"))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "authorization")
        .send()
        .await
        .unwrap();
    res.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap().to_string())
}

async fn get_from(sb: &Sandbox, base: &str, origin: &str) -> Option<String> {
    let res = sb.http.get(format!("{base}/")).header("Origin", origin).send().await.unwrap();
    res.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap().to_string())
}

#[tokio::test]
async fn only_the_origins_allowed_get_cors_headers_and_any_is_the_default() {
    let sb = start().await;
    // the default: any origin
    assert_eq!(preflight(&sb, &sb.base, "https://anywhere.example").await.as_deref(), Some("*"));
    // a sandbox allowing one origin (a trailing slash is dropped): that origin, and no other
    sb.app.hub.set_allowed_origins(&["http://portal.test:8080/".into(), "https://two.example".into()]).unwrap();
    let strict = gatehouse_sandbox::spawn(sb.app.clone()).await.unwrap();
    assert_eq!(preflight(&sb, &strict, "http://portal.test:8080").await.as_deref(), Some("http://portal.test:8080"));
    assert_eq!(preflight(&sb, &strict, "https://two.example").await.as_deref(), Some("https://two.example"));
    assert_eq!(preflight(&sb, &strict, "http://127.0.0.1:9999").await, None, "another origin gets no CORS header");
    assert_eq!(get_from(&sb, &strict, "http://127.0.0.1:9999").await, None);
    assert_eq!(get_from(&sb, &strict, "http://portal.test:8080").await.as_deref(), Some("http://portal.test:8080"));
    // the server started before keeps answering any origin
    assert_eq!(get_from(&sb, &sb.base, "http://127.0.0.1:9999").await.as_deref(), Some("*"));
    // what is no origin is refused with a reason
    let e = sb.app.hub.set_allowed_origins(&["portal.test".into()]).unwrap_err();
    assert!(e.contains("no origin"), "{e}");
}

#[tokio::test]
async fn token_seconds_make_every_token_short_lived() {
    let sb = start().await;
    sb.app.hub.set_token_seconds(2);
    let (s, t) = sb.login_full(CLIENT, "rep01", "Gatehouse-Rep01", None).await;
    assert_eq!((s, t["expires_in"].as_i64()), (StatusCode::OK, Some(2)), "{t}");
    let rep = t["access_token"].as_str().unwrap().to_string();
    let (s, imp) = sb.post(ACT, &rep, json!({"ClientID": STORE})).await;
    assert_eq!((s, imp["expires_in"].as_i64()), (StatusCode::OK, Some(2)), "{imp}");
    let imp = imp["access_token"].as_str().unwrap().to_string();
    assert_eq!(sb.get("/me", &imp).await.0, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(3100)).await;
    assert_eq!(sb.get("/me", &imp).await.0, StatusCode::UNAUTHORIZED, "expired by the clock");
    // off again: the client's duration (the shared client: 600 minutes)
    sb.app.hub.set_token_seconds(0);
    let (_, t) = sb.login_full(CLIENT, "rep01", "Gatehouse-Rep01", None).await;
    assert_eq!(t["expires_in"].as_i64(), Some(600 * 60), "{t}");
}

fn record<'a>(log: &'a Value, id: &str) -> &'a Value {
    log["Items"].as_array().unwrap().iter().find(|r| r["ID"] == id).unwrap_or_else(|| panic!("no record {id}: {log}"))
}

#[tokio::test]
async fn an_act_as_session_keeps_its_reason_and_end_and_only_supervisors_read_it() {
    let sb = start().await;
    let rep = sb.login("rep01", "Gatehouse-Rep01").await;
    let act = || async {
        sb.post(ACT, &rep, json!({"ClientID": STORE})).await.1["access_token"].as_str().unwrap().to_string()
    };
    let imp = act().await;

    // the reason travels beside the token request, sent with the act-as token itself
    let (s, b) = sb.post("/impersonation/sessions", &imp, json!({"Reason": "x".repeat(201)})).await;
    assert_eq!((s, error_code(&b)), (StatusCode::BAD_REQUEST, "ValidationFailure"), "too long: {b}");
    assert_eq!(b["Errors"][0]["Data"]["Property"], "Reason", "{b}");
    let (s, b) = sb.post("/impersonation/sessions", &imp, json!({"Reason": "  "})).await;
    assert_eq!((s, error_code(&b)), (StatusCode::BAD_REQUEST, "ValidationFailure"), "blank: {b}");
    let (s, b) = sb.post("/impersonation/sessions", &rep, json!({"Reason": "TICKET-1"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "the rep's own token names no session: {b}");
    let (s, started) = sb.post("/impersonation/sessions", &imp, json!({"Reason": "TICKET-1 address change"})).await;
    assert_eq!(s, StatusCode::CREATED, "{started}");
    assert_eq!(
        (started["Reason"].as_str(), started["Username"].as_str()),
        (Some("TICKET-1 address change"), Some("buyer01"))
    );
    assert!(started.get("TokenID").is_none(), "no token ID shown: {started}");
    let id = started["ID"].as_str().unwrap().to_string();
    let (s, b) = sb.post("/impersonation/sessions", &imp, json!({"Reason": "another"})).await;
    assert_eq!(s, StatusCode::CONFLICT, "a reason is given once: {b}");

    // supervisors (BuyerImpersonation or FullAccess, seller users) read the record; others do not
    let (s, log) = sb.get("/impersonations", &rep).await;
    assert_eq!(s, StatusCode::OK, "{log}");
    assert_eq!(record(&log, &id)["Reason"], "TICKET-1 address change");
    let buyer = sb.login("buyer01", "buyerpass01").await;
    let (s, b) = sb.get("/impersonations", &buyer).await;
    assert_eq!((s, error_code(&b)), (StatusCode::FORBIDDEN, "InsufficientRoles"), "a buyer: {b}");
    let admin = sb.admin().await;
    let (s, b) = sb.get("/impersonations", &admin).await;
    assert_eq!((s, error_code(&b)), (StatusCode::FORBIDDEN, "InsufficientRoles"), "an admin who is no supervisor: {b}");
    let (s, b) = sb.get("/impersonations", &imp).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the act-as token: {b}");

    // only the rep who started it ends it (another user sees no such session)
    let end = json!({"EndedBy": "Rep", "Requests": 3});
    let (s, b) = sb.post(&format!("/impersonation/sessions/{id}/end"), &admin, end.clone()).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    let (s, b) = sb.post(&format!("/impersonation/sessions/{id}/end"), &imp, end.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "not with the act-as token (a buyer user's): {b}");
    let (s, b) = sb.post(&format!("/impersonation/sessions/{id}/end"), &rep, json!({"EndedBy": "Someone"})).await;
    assert_eq!((s, error_code(&b)), (StatusCode::BAD_REQUEST, "ValidationFailure"), "{b}");
    // End by the rep revokes the token at once
    assert_eq!(sb.get("/me", &imp).await.0, StatusCode::OK);
    let (s, ended) = sb.post(&format!("/impersonation/sessions/{id}/end"), &rep, end.clone()).await;
    assert_eq!(s, StatusCode::OK, "{ended}");
    assert_eq!(
        (ended["EndedBy"].as_str(), ended["Requests"].as_i64(), ended["Revoked"].as_bool()),
        (Some("Rep"), Some(3), Some(true)),
        "{ended}"
    );
    assert!(ended["Ended"].is_string(), "{ended}");
    let (s, b) = sb.get("/me", &imp).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "revoked by End: {b}");
    // a second end changes nothing
    let (_, again) =
        sb.post(&format!("/impersonation/sessions/{id}/end"), &rep, json!({"EndedBy": "Clock", "Requests": 9})).await;
    assert_eq!((again["EndedBy"].as_str(), again["Requests"].as_i64()), (Some("Rep"), Some(3)), "{again}");
    // the revocation outlives a restart of the sandbox
    let reopened = gatehouse_sandbox::App::open(&sb.dir.path().join("sandbox.db")).unwrap();
    let base2 = gatehouse_sandbox::spawn(reopened).await.unwrap();
    let (s, _) = sb.call(Method::GET, &format!("{base2}/v1/me"), Some(&imp), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // a session the clock ended: the token had expired, nothing to revoke
    sb.app.hub.set_token_seconds(1);
    let short = act().await;
    sb.app.hub.set_token_seconds(0);
    let (_, started) = sb.post("/impersonation/sessions", &short, json!({"Reason": "TICKET-2"})).await;
    let id2 = started["ID"].as_str().unwrap().to_string();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (s, ended) =
        sb.post(&format!("/impersonation/sessions/{id2}/end"), &rep, json!({"EndedBy": "Clock", "Requests": 0})).await;
    assert_eq!(s, StatusCode::OK, "{ended}");
    let (_, log) = sb.get("/impersonations", &rep).await;
    let r = record(&log, &id2);
    assert_eq!(
        (r["Reason"].as_str(), r["EndedBy"].as_str(), r["Revoked"].as_bool()),
        (Some("TICKET-2"), Some("Clock"), Some(false)),
        "{r}"
    );

    // another organization's supervisor does not see this marketplace's record
    let (s, account) = sb
        .call(
            Method::POST,
            "/account/signin",
            None,
            Some(json!({"Email": "demo@example.com", "Password": "Gatehouse-Demo1"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{account}");
    let account = account["access_token"].as_str().unwrap().to_string();
    let (_, orgs) = sb.get("/account/organizations", &account).await;
    let second = orgs["Items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["Name"] == "Second Marketplace")
        .unwrap_or_else(|| panic!("{orgs}"))["ID"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, t) = sb.call(Method::POST, &format!("/account/organizations/{second}/token"), Some(&account), None).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let other = t["access_token"].as_str().unwrap();
    let (s, log) = sb.get("/impersonations", other).await;
    assert_eq!(s, StatusCode::OK, "{log}");
    assert_eq!(log["Meta"]["TotalCount"], 0, "the other organization's record is its own: {log}");
    let (s, b) = sb.post(&format!("/impersonation/sessions/{id2}/end"), other, json!({"EndedBy": "Rep"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
}
