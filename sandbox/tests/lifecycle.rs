//! Tokens over time (refresh, expiry, revocation), persistence across restarts and kill -9,
//! the command line, and the OpenAPI document's conventions.
mod common;
use common::*;
use gatehouse_model::types::Claims;
use gatehouse_sandbox::App;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::process::{Command, Stdio};

#[tokio::test]
async fn refresh_and_expiry() {
    let sb = start().await;
    let (s, t) = sb.login_full(CLIENT, "admin01", "Gatehouse-Admin1", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(t["token_type"], "bearer");
    assert_eq!(t["expires_in"], 600 * 60);
    let refresh = t["refresh_token"].as_str().expect("shared client issues refresh tokens").to_string();
    let (s, r) =
        sb.token_form(&[("grant_type", "refresh_token"), ("client_id", CLIENT), ("refresh_token", &refresh)]).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let fresh = r["access_token"].as_str().unwrap();
    let (s, me) = sb.get("/me", fresh).await;
    assert_eq!((s, me["Username"].as_str()), (StatusCode::OK, Some("admin01")));
    assert_eq!(claims(fresh)["role"], claims(t["access_token"].as_str().unwrap())["role"]);
    // wrong client, unknown refresh token
    let (s, _) = sb
        .token_form(&[
            ("grant_type", "refresh_token"),
            ("client_id", gatehouse_sandbox::seed::STOREFRONT_CLIENT_ID),
            ("refresh_token", &refresh),
        ])
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (_, b) =
        sb.token_form(&[("grant_type", "refresh_token"), ("client_id", CLIENT), ("refresh_token", "nope")]).await;
    assert_eq!(b["error"], "invalid_grant");
    // an expired token signed with the real key is refused with a clear message
    let mut c: Claims = serde_json::from_value(claims(fresh)).unwrap();
    c.exp = c.nbf - 1;
    c.nbf -= 120;
    let expired = sb.app.sign(&c);
    let (s, b) = sb.get("/me", &expired).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(b["Errors"][0]["Message"].as_str().unwrap().contains("expired"), "{b}");
}

#[tokio::test]
async fn revoked_tokens_stop_working() {
    let sb = start().await;
    let admin = sb.admin().await;
    let rep = sb.login("rep01", "Gatehouse-Rep01").await;
    let (s, _) = sb.get("/me", &rep).await;
    assert_eq!(s, StatusCode::OK);
    std::thread::sleep(std::time::Duration::from_millis(5));
    let (s, _) = sb.delete("/adminusers/REP01/tokens", &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, b) = sb.get("/me", &rep).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(b["Errors"][0]["Message"].as_str().unwrap().contains("revoked"));
    // a new sign-in works again
    let rep2 = sb.login("rep01", "Gatehouse-Rep01").await;
    let (s, _) = sb.get("/me", &rep2).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn me_can_be_updated_with_me_admin() {
    let sb = start().await;
    let buyer = sb.login("buyer01", "buyerpass01").await;
    let (s, b) = sb.patch("/me", &buyer, json!({"FirstName": "Bea", "Password": "newpass0001"})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["FirstName"], "Bea");
    assert_eq!(b["Buyer"]["ID"], "BUYER_ORGANIZATION");
    let (s, _) = sb.login_full(CLIENT, "buyer01", "newpass0001", None).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn data_and_keys_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keep.db");
    let (token, jwk) = {
        let app = App::open(&path).unwrap();
        gatehouse_sandbox::seed::run(&app).unwrap();
        let base = gatehouse_sandbox::spawn(app.clone()).await.unwrap();
        let sb = Sandbox { base, app, http: reqwest::Client::new(), dir: tempfile::tempdir().unwrap() };
        let admin = sb.admin().await;
        sb.post("/buyers", &admin, json!({"ID": "KEPT", "Name": "Kept"})).await;
        let (_, jwk) =
            sb.call(Method::GET, &format!("{}/oauth/certs/{}", sb.base, sb.app.hub.keys.kid), None, None).await;
        (admin, jwk)
    };
    let app = App::open(&path).unwrap();
    let base = gatehouse_sandbox::spawn(app.clone()).await.unwrap();
    let sb = Sandbox { base, app, http: reqwest::Client::new(), dir };
    let (s, b) = sb.get("/buyers/KEPT", &token).await;
    assert_eq!(s, StatusCode::OK, "the old token still verifies and the buyer is there: {b}");
    assert_eq!(jwk["kty"], "EC");
    assert_eq!(jwk["kid"], sb.app.hub.keys.kid);
    let (s, b) = sb.call(Method::GET, &format!("{}/oauth/certs/nope", sb.base), None, None).await;
    assert_eq!((s, error_code(&b)), (StatusCode::NOT_FOUND, "NotFound"));
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gatehouse-sandbox"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn wait_up(base: &str) {
    for _ in 0..200 {
        if reqwest::get(base).await.is_ok() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("sandbox did not start at {base}");
}

#[tokio::test]
async fn a_2xx_write_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let out = bin().args(["seed", "--db", db.to_str().unwrap(), "--json"]).output().unwrap();
    assert!(out.status.success());
    let demo: Value = serde_json::from_slice(&out.stdout).unwrap();
    for who in ["admin", "buyer", "rep"] {
        for k in ["client_id", "username", "password", "user_id"] {
            assert!(demo[who][k].is_string(), "{who}.{k} in {demo}");
        }
    }
    assert_eq!(demo["buyer"]["buyer_id"], "BUYER_ORGANIZATION");
    assert!(demo["rep"]["storefront_client_id"].is_string());
    // seeding twice changes nothing
    assert!(bin().args(["seed", "--db", db.to_str().unwrap()]).output().unwrap().status.success());

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = bin()
        .args(["serve", "--db", db.to_str().unwrap(), "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_up(&base).await;
    let http = reqwest::Client::new();
    let t: Value = http
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", CLIENT),
            ("username", "admin01"),
            ("password", "Gatehouse-Admin1"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = t["access_token"].as_str().unwrap().to_string();
    let res = http
        .post(format!("{base}/v1/buyers"))
        .bearer_auth(&token)
        .json(&json!({"ID": "DURABLE", "Name": "Durable"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    // SIGKILL right after the 2xx
    Command::new("kill").args(["-9", &child.id().to_string()]).status().unwrap();
    let _ = child.wait();
    let mut child = bin()
        .args(["serve", "--db", db.to_str().unwrap(), "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_up(&base).await;
    let res = http.get(format!("{base}/v1/buyers/DURABLE")).bearer_auth(&token).send().await.unwrap();
    let status = res.status();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status, StatusCode::OK);
}

#[test]
fn command_line_errors_are_one_line_and_non_zero() {
    let out = bin().args(["serve", "--bogus"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("--bogus"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let out = bin().args(["seed", "--db", dir.path().to_str().unwrap()]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("is a directory"), "{err}");
    let out = bin()
        .args(["serve", "--listen", "not-an-address", "--db", dir.path().join("x.db").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot listen"));
    let help = bin().arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("serve") && text.contains("seed"));
}

#[tokio::test]
async fn openapi_document_follows_ordercloud_conventions() {
    let sb = start().await;
    let (s, doc) = sb.call(Method::GET, "/openapi/v3", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let tags = doc["tags"].as_array().unwrap();
    assert!(tags
        .iter()
        .any(|t| t["name"] == "Authentication and Authorization" && t["x-id"] == "AuthenticationAndAuthorization"));
    assert!(tags.iter().any(|t| t["name"] == "Api Clients" && t["x-section-id"] == "Seller"));
    let mut ops = 0;
    let mut ids = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap().iter().filter(|(m, _)| *m != "servers") {
            ops += 1;
            let id = op["operationId"].as_str().unwrap();
            assert!(id.contains('.'), "{id}");
            assert!(ids.insert(format!("{method} {path}")));
            assert_eq!(op["tags"].as_array().unwrap().len(), 1);
            // OrderCloud's operations name their roles; the sandbox's account and invitation
            // operations (marked) take an account token or none
            assert!(
                op["security"][0]["OAuth2"].is_array()
                    || (op["x-sandbox-extension"] == true && op["security"].is_array()),
                "{method} {path}"
            );
            let tag = op["tags"][0].as_str().unwrap();
            assert!(tags.iter().any(|t| t["name"] == tag && t["x-section-id"].is_string()), "{tag}");
        }
    }
    assert!(ops >= 70, "{ops} operations");
    // the act-as session endpoints beside OrderCloud's token request are described too
    for (path, id) in [
        ("/impersonation/sessions", "ImpersonationSessions.Start"),
        ("/impersonation/sessions/{id}/end", "ImpersonationSessions.End"),
    ] {
        let op = &doc["paths"][path]["post"];
        assert_eq!(op["operationId"], id, "{path}");
        assert_eq!(op["x-sandbox-extension"], true, "{path}");
        assert!(op["requestBody"]["content"]["application/json"]["schema"].is_object(), "{path}");
    }
    let user = &doc["components"]["schemas"]["User"]["properties"];
    assert_eq!(user["Email"]["maxLength"], 200);
    assert_eq!(user["Password"]["format"], "password");
    assert_eq!(user["DateCreated"]["readOnly"], true);
    // the ID rule the sandbox enforces is stated, so generators and forms can follow it
    assert_eq!(user["ID"]["pattern"], "^[A-Za-z0-9_-]+$");
    assert!(
        doc["components"]["schemas"]["ApiClient"]["properties"]["ID"]["pattern"].is_null(),
        "API client IDs are the API's own"
    );
    let create = &doc["paths"]["/suppliers/{supplierID}/users"]["post"];
    assert_eq!(
        create["requestBody"]["content"]["application/json"]["schema"]["required"],
        json!(["Username", "FirstName", "LastName", "Email", "Active"])
    );
    assert_eq!(create["security"][0]["OAuth2"], json!(["FullAccess", "SupplierUserAdmin"]));
    // every reference points at something the document has (a client generator stops on one
    // that does not)
    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                m.iter().for_each(|(k, x)| if k == "$ref" { out.extend(x.as_str()) } else { refs(x, out) })
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 50, "{} references", all.len());
    for r in all {
        let pointer = r.strip_prefix('#').unwrap_or_else(|| panic!("{r} is not local"));
        assert!(doc.pointer(pointer).is_some(), "{r} points at nothing");
    }
}

#[tokio::test]
async fn ids_outside_the_stated_pattern_are_refused() {
    let sb = start().await;
    let admin = sb.admin().await;
    for (path, body) in
        [("/buyers", json!({"ID": "HAS SPACE", "Name": "x"})), ("/securityprofiles", json!({"ID": "a/b", "Name": "x"}))]
    {
        let (s, b) = sb.post(path, &admin, body).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{path}: {b}");
        assert_eq!(b["Errors"][0]["Data"], json!({"Property": "ID", "Rule": "Format"}), "{b}");
        assert!(b["Errors"][0]["Message"].as_str().unwrap().contains("letters, digits, - and _"), "{b}");
    }
    // renaming through PATCH follows the same rule
    sb.post("/buyers", &admin, json!({"ID": "RENAME_ME", "Name": "x"})).await;
    let (s, b) = sb.call(Method::PATCH, "/buyers/RENAME_ME", Some(&admin), Some(json!({"ID": "no good"}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    let (s, _) = sb.post("/buyers", &admin, json!({"ID": "Fine-ID_2", "Name": "x"})).await;
    assert_eq!(s, StatusCode::CREATED);
}

#[tokio::test]
async fn a_served_portal_keeps_its_own_config_and_gets_only_what_it_lacks() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<!doctype html>").unwrap();
    std::fs::write(
        dir.path().join("config.json"),
        r#"{"api_base": "", "storefront_url": "https://shop.example.com", "theme": "dark"}"#,
    )
    .unwrap();
    let defaults = json!({"api_base": "http://127.0.0.1:9", "client_id": "CLIENT", "storefront_url": ""});
    let config = gatehouse_sandbox::portal_config(dir.path(), defaults.clone());
    assert_eq!(
        config,
        json!({"api_base": "http://127.0.0.1:9", "storefront_url": "https://shop.example.com", "theme": "dark", "client_id": "CLIENT"})
    );
    // the portal's own config.json names no API: served by a sandbox on any address (scripts/run
    // passes options through), the portal calls that sandbox
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    assert_eq!(gatehouse_sandbox::portal_config(&shipped, defaults.clone())["api_base"], "http://127.0.0.1:9");
    // no config.json, or one that is not an object: the defaults
    assert_eq!(gatehouse_sandbox::portal_config(&dir.path().join("nowhere"), defaults.clone()), defaults);
    // served with the security headers
    let router = gatehouse_sandbox::portal_router(dir.path().to_path_buf(), config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum_serve(listener, router).await });
    let res = reqwest::get(format!("http://{addr}/config.json")).await.unwrap();
    assert!(res.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    let served: Value = res.json().await.unwrap();
    assert_eq!(served["storefront_url"], "https://shop.example.com");
}

async fn axum_serve(listener: tokio::net::TcpListener, router: axum::Router) {
    let _ = axum::serve(listener, router).await;
}
