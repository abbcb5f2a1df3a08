//! The vendor (OEM) provisioning API over real HTTP: every endpoint and listed error, matching by
//! vendorOrganizationId and by email domain, vendors kept apart, session links, the rate limit
//! and the audit log.
mod common;
use common::{claims, error_code, start, Sandbox};
use gatehouse_sandbox::{hub, oem};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

struct Vendor {
    id: String,
    secret: String,
}

fn vendor(sb: &Sandbox, name: &str, per_minute: i64) -> Vendor {
    let (v, secret) = oem::add_vendor(&sb.app.hub.pool, name, per_minute, None).unwrap();
    Vendor { id: v.client_id, secret }
}

fn envelope(v: &Vendor) -> Value {
    json!({"clientId": v.id, "clientSecret": v.secret, "grantType": "client_credentials", "scope": "vendor_manage"})
}

async fn oem_call(sb: &Sandbox, method: Method, path: &str, body: Value) -> (StatusCode, Value, Option<String>) {
    let res = sb.http.request(method, format!("{}/api/oem-api{path}", sb.base)).json(&body).send().await.unwrap();
    let status = res.status();
    let retry = res.headers().get("retry-after").and_then(|h| h.to_str().ok()).map(String::from);
    (status, res.json().await.unwrap_or(Value::Null), retry)
}

async fn create_org(sb: &Sandbox, v: &Vendor, data: Value) -> (StatusCode, Value) {
    let mut body = envelope(v);
    body["data"] = data;
    let (s, b, _) = oem_call(sb, Method::POST, "/organization", body).await;
    (s, b)
}

async fn create_user(sb: &Sandbox, v: &Vendor, data: Value) -> (StatusCode, Value) {
    let mut body = envelope(v);
    body["data"] = data;
    let (s, b, _) = oem_call(sb, Method::POST, "/user", body).await;
    (s, b)
}

async fn with_token(sb: &Sandbox, v: &Vendor, method: Method, path: &str, token: &str) -> (StatusCode, Value) {
    let mut body = envelope(v);
    body["organizationOemToken"] = json!(token);
    let (s, b, _) = oem_call(sb, method, path, body).await;
    (s, b)
}

fn org_of(b: &Value) -> String {
    b["organizationOemToken"].as_str().unwrap().to_string()
}

/// The organization and account an OEM token names (read from the hub).
fn named(sb: &Sandbox, token: &str) -> (String, String) {
    let conn = sb.app.hub.pool.get().unwrap();
    conn.query_row("SELECT org, account FROM oem_tokens WHERE hash = ?1", [gatehouse_sandbox::oauth::sha(token)], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .unwrap()
}

#[tokio::test]
async fn organizations_are_created_with_their_first_admin_and_every_error_is_named() {
    let sb = start().await;
    let acme = vendor(&sb, "Acme", 120);
    let (s, b) = create_org(&sb, &acme, json!({"name": "Example Corp", "email": "john@example-corp.com", "firstName": "John", "lastName": "Doe", "vendorOrganizationId": "12345"})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(
        (b["status"].as_i64(), b["message"].as_str()),
        (Some(201), Some("Successfully created the organization"))
    );
    let (org, account) = named(&sb, &org_of(&b));
    let m = hub::membership(&sb.app.hub.pool, &account, &org).unwrap().unwrap();
    assert_eq!(m.role, "Admin");
    assert_eq!(hub::org(&sb.app.hub.pool, &org).unwrap().unwrap().name, "Example Corp");

    // 409: the same vendorOrganizationId again
    let (s, b) = create_org(&sb, &acme, json!({"name": "Again", "email": "x@example-corp.com", "firstName": "X", "lastName": "Y", "vendorOrganizationId": "12345"})).await;
    assert_eq!((s, b["status"].as_i64()), (StatusCode::CONFLICT, Some(409)), "{b}");
    // 400: not JSON, not an object, and each problem named
    let res = sb.http.post(format!("{}/api/oem-api/organization", sb.base)).body("{nope").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let (s, _, _) = oem_call(&sb, Method::POST, "/organization", json!([1, 2])).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let mut body = envelope(&acme);
    body["grantType"] = json!("password");
    body["scope"] = json!("other");
    body["data"] = json!({"email": "not-an-email", "firstName": 3});
    let (s, b, _) = oem_call(&sb, Method::POST, "/organization", body).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let fields: Vec<&str> = b["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for f in ["grantType", "scope", "data.name", "data.email", "data.firstName", "data.lastName"] {
        assert!(fields.contains(&f), "{f} not named in {b}");
    }
    // 401: a wrong secret, an unknown client, a disabled vendor
    let wrong = Vendor { id: acme.id.clone(), secret: "wrong".into() };
    let data = json!({"name": "N", "email": "n@n.com", "firstName": "N", "lastName": "N"});
    assert_eq!(create_org(&sb, &wrong, data.clone()).await.0, StatusCode::UNAUTHORIZED);
    let nobody = Vendor { id: "nobody".into(), secret: "x".into() };
    assert_eq!(create_org(&sb, &nobody, data.clone()).await.0, StatusCode::UNAUTHORIZED);
    oem::set_vendor_active(&sb.app.hub.pool, &acme.id, false).unwrap();
    assert_eq!(create_org(&sb, &acme, data.clone()).await.0, StatusCode::UNAUTHORIZED);
    oem::set_vendor_active(&sb.app.hub.pool, &acme.id, true).unwrap();
    assert_eq!(create_org(&sb, &acme, data).await.0, StatusCode::CREATED);
}

#[tokio::test]
async fn users_join_by_vendor_organization_id_or_by_email_domain_and_vendors_stay_apart() {
    let sb = start().await;
    let acme = vendor(&sb, "Acme", 120);
    let other = vendor(&sb, "Other", 120);
    let (_, with_id) = create_org(&sb, &acme, json!({"name": "With ID", "email": "a@with-id.com", "firstName": "A", "lastName": "A", "vendorOrganizationId": "1234"})).await;
    let (_, by_domain) = create_org(
        &sb,
        &acme,
        json!({"name": "By domain", "email": "boss@domain.com", "firstName": "B", "lastName": "B"}),
    )
    .await;
    let (with_id_org, _) = named(&sb, &org_of(&with_id));
    let (domain_org, _) = named(&sb, &org_of(&by_domain));

    let (s, b) = create_user(&sb, &acme, json!({"email": "john@else.com", "firstName": "John", "lastName": "Doe", "vendorUserId": "5678", "vendorOrganizationId": "1234"})).await;
    assert_eq!(
        (s, b["message"].as_str()),
        (StatusCode::CREATED, Some("Successfully created a user for the organization")),
        "{b}"
    );
    let (org, account) = named(&sb, &org_of(&b));
    assert_eq!(org, with_id_org);
    assert_eq!(hub::membership(&sb.app.hub.pool, &account, &org).unwrap().unwrap().role, "Member");
    let (s, b) =
        create_user(&sb, &acme, json!({"email": "jane@domain.com", "firstName": "Jane", "lastName": "Roe"})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(named(&sb, &org_of(&b)).0, domain_org);
    // 404: no organization matches; 409: a member already
    assert_eq!(
        create_user(&sb, &acme, json!({"email": "x@nowhere.com", "firstName": "X", "lastName": "Y"})).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        create_user(
            &sb,
            &acme,
            json!({"email": "x@y.com", "firstName": "X", "lastName": "Y", "vendorOrganizationId": "999"})
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        create_user(&sb, &acme, json!({"email": "jane@domain.com", "firstName": "Jane", "lastName": "Roe"})).await.0,
        StatusCode::CONFLICT
    );
    // another vendor reaches none of it: not by ID, not by domain, not with its tokens
    assert_eq!(
        create_user(
            &sb,
            &other,
            json!({"email": "eve@else.com", "firstName": "E", "lastName": "V", "vendorOrganizationId": "1234"})
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        create_user(&sb, &other, json!({"email": "eve@domain.com", "firstName": "E", "lastName": "V"})).await.0,
        StatusCode::NOT_FOUND
    );
    let (s, _) = with_token(&sb, &other, Method::POST, "/organization/session", &org_of(&with_id)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = with_token(&sb, &other, Method::DELETE, "/user", &org_of(&with_id)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // the same vendorOrganizationId is another vendor's own to use
    assert_eq!(create_org(&sb, &other, json!({"name": "Other's", "email": "o@o.com", "firstName": "O", "lastName": "O", "vendorOrganizationId": "1234"})).await.0, StatusCode::CREATED);
}

#[tokio::test]
async fn deleting_a_user_ends_its_membership_and_its_token() {
    let sb = start().await;
    let acme = vendor(&sb, "Acme", 120);
    let (_, org) = create_org(&sb, &acme, json!({"name": "Shop", "email": "boss@shop.com", "firstName": "B", "lastName": "B", "vendorOrganizationId": "1"})).await;
    let (_, user) = create_user(
        &sb,
        &acme,
        json!({"email": "clerk@shop.com", "firstName": "C", "lastName": "C", "vendorOrganizationId": "1"}),
    )
    .await;
    let (org_id, clerk) = named(&sb, &org_of(&user));
    let (s, b) = with_token(&sb, &acme, Method::DELETE, "/user", &org_of(&user)).await;
    assert_eq!((s, b["message"].as_str()), (StatusCode::CREATED, Some("Success: User Deleted")), "{b}");
    assert!(hub::membership(&sb.app.hub.pool, &clerk, &org_id).unwrap().is_none());
    // the token has ended: 403; a forged one too
    assert_eq!(with_token(&sb, &acme, Method::DELETE, "/user", &org_of(&user)).await.0, StatusCode::FORBIDDEN);
    assert_eq!(with_token(&sb, &acme, Method::DELETE, "/user", "forged").await.0, StatusCode::FORBIDDEN);
    // 400 without a token
    let (s, b, _) = oem_call(&sb, Method::DELETE, "/user", envelope(&acme)).await;
    assert_eq!((s, b["errors"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("organizationOemToken")));
    // the last Admin stays
    let (s, _) = with_token(&sb, &acme, Method::DELETE, "/user", &org_of(&org)).await;
    assert_eq!(s, StatusCode::CONFLICT);
    // 404: the person left the organization another way (removed in the portal)
    let (_, again) = create_user(
        &sb,
        &acme,
        json!({"email": "temp@shop.com", "firstName": "T", "lastName": "T", "vendorOrganizationId": "1"}),
    )
    .await;
    let (_, temp) = named(&sb, &org_of(&again));
    hub::remove_member(&sb.app.market(&org_id).unwrap(), &temp).unwrap();
    let (s, b) = with_token(&sb, &acme, Method::DELETE, "/user", &org_of(&again)).await;
    assert_eq!((s, b["status"].as_i64()), (StatusCode::NOT_FOUND, Some(404)), "{b}");
}

async fn redeem(sb: &Sandbox, code: &str) -> (StatusCode, Value) {
    sb.call(Method::POST, "/account/session", None, Some(json!({"Code": code}))).await
}

#[tokio::test]
async fn session_links_sign_in_once_within_their_lifetime() {
    let sb = start().await;
    sb.app.hub.set_portal_url("https://portal.example/app/");
    let acme = vendor(&sb, "Acme", 120);
    let (_, org) =
        create_org(&sb, &acme, json!({"name": "Shop", "email": "boss@shop.com", "firstName": "B", "lastName": "B"}))
            .await;
    let (s, b) = with_token(&sb, &acme, Method::POST, "/organization/session", &org_of(&org)).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let url = b["redirectUrl"].as_str().unwrap();
    assert!(url.starts_with("https://portal.example/app/?session="), "{url}");
    let code = url.split("session=").nth(1).unwrap();
    // once: an account token and the organization's token, as its Admin
    let (s, v) = redeem(&sb, code).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["Organization"]["Organization"]["Role"], "Admin");
    let token = v["Organization"]["access_token"].as_str().unwrap();
    assert_eq!(claims(token)["role"], "FullAccess");
    assert_eq!(sb.get("/organization", token).await.1["Name"], "Shop");
    assert_eq!(sb.get("/account", v["Account"]["access_token"].as_str().unwrap()).await.0, StatusCode::OK);
    // twice: refused, saying why
    let (s, v) = redeem(&sb, code).await;
    assert_eq!((s, error_code(&v)), (StatusCode::GONE, "Session.Used"));
    // forged
    let (s, v) = redeem(&sb, "forged-code").await;
    assert_eq!((s, error_code(&v)), (StatusCode::NOT_FOUND, "Session.Unknown"));
    // expired
    let (_, b) = with_token(&sb, &acme, Method::POST, "/organization/session", &org_of(&org)).await;
    let code = b["redirectUrl"].as_str().unwrap().split("session=").nth(1).unwrap().to_string();
    assert!(b["expiresIn"].as_i64().unwrap() <= 300);
    sb.app
        .hub
        .pool
        .get()
        .unwrap()
        .execute(
            "UPDATE session_links SET expires_ms = ?1 WHERE hash = ?2",
            r2d2_sqlite::rusqlite::params![hub::now_ms() - 1, gatehouse_sandbox::oauth::sha(&code)],
        )
        .unwrap();
    let (s, v) = redeem(&sb, &code).await;
    assert_eq!((s, error_code(&v)), (StatusCode::GONE, "Session.Expired"));
    // a user added later lands as a Member
    let (_, user) =
        create_user(&sb, &acme, json!({"email": "clerk@shop.com", "firstName": "C", "lastName": "C"})).await;
    let (_, b) = with_token(&sb, &acme, Method::POST, "/organization/session", &org_of(&user)).await;
    let (s, v) = redeem(&sb, b["redirectUrl"].as_str().unwrap().split("session=").nth(1).unwrap()).await;
    assert_eq!((s, v["Organization"]["Organization"]["Role"].as_str()), (StatusCode::OK, Some("Member")));
}

#[tokio::test]
async fn vendor_calls_are_rate_limited_and_audited() {
    let sb = start().await;
    let slow = vendor(&sb, "Slow", 3);
    let data = |n: i32| json!({"name": format!("Org {n}"), "email": format!("a{n}@x{n}.com"), "firstName": "A", "lastName": "B"});
    for n in 0..3 {
        assert_eq!(create_org(&sb, &slow, data(n)).await.0, StatusCode::CREATED);
    }
    let mut body = envelope(&slow);
    body["data"] = data(9);
    let (s, b, retry) = oem_call(&sb, Method::POST, "/organization", body).await;
    assert_eq!((s, b["status"].as_i64()), (StatusCode::TOO_MANY_REQUESTS, Some(429)));
    let wait: i64 = retry.expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&wait));
    // a wrong secret is counted too (guessing is rate-limited)
    let wrong = Vendor { id: slow.id.clone(), secret: "guess".into() };
    assert_eq!(create_org(&sb, &wrong, data(10)).await.0, StatusCode::TOO_MANY_REQUESTS);

    // every call is in the log: successes and refusals, with vendor, action, organization, result
    let acme = vendor(&sb, "Acme", 120);
    let (_, org) =
        create_org(&sb, &acme, json!({"name": "Shop", "email": "boss@shop.com", "firstName": "B", "lastName": "B"}))
            .await;
    create_user(&sb, &acme, json!({"email": "nobody@nowhere.com", "firstName": "N", "lastName": "N"})).await;
    let log = oem::audit(&sb.app.hub.pool, None).unwrap();
    assert_eq!(log.iter().filter(|e| e["Vendor"] == "Slow" && e["Status"] == 201).count(), 3);
    assert_eq!(log.iter().filter(|e| e["Vendor"] == "Slow" && e["Status"] == 429).count(), 2);
    assert!(log.iter().any(|e| e["Vendor"] == "Acme" && e["Action"] == "create user" && e["Status"] == 404), "{log:?}");
    // an organization's Admins see its own provisioning events, and only those
    let (org_id, _) = named(&sb, &org_of(&org));
    let (_, s) = with_token(&sb, &acme, Method::POST, "/organization/session", &org_of(&org)).await;
    let (_, v) = redeem(&sb, s["redirectUrl"].as_str().unwrap().split("session=").nth(1).unwrap()).await;
    let admin = v["Organization"]["access_token"].as_str().unwrap();
    let (st, events) = sb.get("/organization/events", admin).await;
    assert_eq!(st, StatusCode::OK);
    let items = events["Items"].as_array().unwrap();
    assert!(items.iter().all(|e| e["OrganizationID"] == org_id.as_str()), "{events}");
    assert!(items.iter().any(|e| e["Action"] == "create organization"));
    assert!(items.iter().any(|e| e["Action"] == "create session"));
}

#[tokio::test]
async fn guessing_client_ids_is_rate_limited_and_cannot_flood_the_audit_log() {
    let sb = start().await;
    let data = json!({"name": "N", "email": "n@n.com", "firstName": "N", "lastName": "N"});
    let mut limited = 0;
    for n in 0..oem::DEFAULT_PER_MINUTE + 5 {
        let guess = Vendor { id: format!("guess-{n}"), secret: "x".into() };
        match create_org(&sb, &guess, data.clone()).await.0 {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::TOO_MANY_REQUESTS => limited += 1,
            s => panic!("{s}"),
        }
    }
    assert_eq!(limited, 5);
    let logged = oem::audit(&sb.app.hub.pool, None).unwrap().len() as i64;
    assert_eq!(logged, oem::DEFAULT_PER_MINUTE, "only the calls within the limit are recorded");
}
