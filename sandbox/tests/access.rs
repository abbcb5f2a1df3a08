//! Roles per endpoint, the seed-000 walkthrough, seed-001 impersonation, seed-002 supplier users.
mod common;
use common::*;
use gatehouse_model::roles::{ALL_ROLES, FULL_ACCESS};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A token for an admin holding every role but FullAccess, narrowed by `scope`.
async fn root_token(sb: &Sandbox, scope: &str) -> String {
    let (status, body) = sb.login_full(CLIENT, "root01", "Root-Passw0rd!", Some(scope)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

async fn make_root(sb: &Sandbox) {
    let admin = sb.admin().await;
    let roles: Vec<&str> = ALL_ROLES.iter().copied().filter(|r| *r != FULL_ACCESS).collect();
    let (s, b) =
        sb.post("/securityprofiles", &admin, json!({"ID": "ALL_BUT_FULL", "Name": "Everything", "Roles": roles})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, b) = sb.post("/adminusers", &admin, json!({"ID": "ROOT", "Username": "root01", "Password": "Root-Passw0rd!", "FirstName": "R", "LastName": "T", "Email": "r@x.io", "Active": true})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, b) = sb
        .post("/securityprofiles/assignments", &admin, json!({"SecurityProfileID": "ALL_BUT_FULL", "UserID": "ROOT"}))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
}

#[tokio::test]
async fn every_operation_needs_one_of_its_roles() {
    let sb = start().await;
    make_root(&sb).await;
    let (_, doc) = sb.call(Method::GET, "/openapi/v3", None, None).await;
    let unrelated = root_token(&sb, "PasswordReset").await;
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        if ["/account", "/organization", "/invitations", "/api/oem-api"].iter().any(|p| path.starts_with(p)) {
            continue; // decided by account tokens and membership roles (tests/organizations.rs)
        }
        for (method, op) in ops.as_object().unwrap() {
            let roles: Vec<&str> =
                op["security"][0]["OAuth2"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
            // fill path parameters with real parents where needed and unknown IDs elsewhere
            let url = path
                .replace("{buyerID}", "BUYER_ORGANIZATION")
                .replace("{supplierID}", "NOSUCH")
                .replace(['{', '}'], "");
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let body = if matches!(method.as_str(), "post" | "put" | "patch") { Some(json!({})) } else { None };
            if roles.is_empty() {
                let (s, b) = sb.call(m.clone(), &url, Some(&unrelated), body.clone()).await;
                if op["x-sandbox-extension"] == true {
                    // the act-as session endpoints need a kind of token, not a role: never a
                    // refusal for roles (a 400 names the token they need)
                    assert!(s != StatusCode::FORBIDDEN && s != StatusCode::UNAUTHORIZED, "{method} {path}: {s} {b}");
                } else {
                    assert!(s.is_success(), "{method} {path} should need no role, got {s}");
                }
                continue;
            }
            // refused without a role, naming the roles that would do
            let (s, b) = sb.call(m.clone(), &url, Some(&unrelated), body.clone()).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{method} {path}: {b}");
            assert_eq!(error_code(&b), "InsufficientRoles");
            let sufficient: Vec<&str> = b["Errors"][0]["Data"]["SufficientRoles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap())
                .collect();
            assert_eq!(sufficient, roles, "{method} {path}");
            assert_eq!(
                b["Errors"][0]["Data"]["AssignedRoles"],
                json!("PasswordReset").as_str().map(|r| json!([r])).unwrap()
            );
            // allowed with each listed role alone (the answer may be 400/404 for the empty body or unknown IDs, never 401/403)
            for role in roles.iter().filter(|r| **r != FULL_ACCESS) {
                let t = root_token(&sb, role).await;
                let (s, b) = sb.call(m.clone(), &url, Some(&t), body.clone()).await;
                assert!(
                    s != StatusCode::FORBIDDEN && s != StatusCode::UNAUTHORIZED,
                    "{method} {path} with {role}: {s} {b}"
                );
                assert!(!s.is_server_error(), "{method} {path}: {s} {b}");
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} role checks ran");
}

#[tokio::test]
async fn no_token_is_401_and_bad_tokens_are_401() {
    let sb = start().await;
    let (s, b) = sb.call(Method::GET, "/buyers", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&b), "InvalidToken");
    let (s, _) = sb.get("/buyers", "not.a.jwt").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // a token signed by the sandbox's key but tampered with
    let admin = sb.admin().await;
    let mut parts: Vec<String> = admin.split('.').map(String::from).collect();
    parts[2] = parts[2].chars().rev().collect();
    let (s, _) = sb.get("/buyers", &parts.join(".")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn seed_000_walkthrough_gives_the_union_of_roles() {
    let sb = start().await;
    let admin = sb.admin().await;
    // a shared API client for all sellers and buyers
    let (s, client) = sb.post("/apiclients", &admin, json!({"AppName": "Shared API Client", "Active": true, "AccessTokenDuration": 600, "AllowSeller": true, "AllowAnyBuyer": true})).await;
    assert_eq!(s, StatusCode::CREATED, "{client}");
    let client_id = client["ID"].as_str().unwrap().to_string();
    assert_eq!(client_id.len(), 36, "generated GUID");
    // an admin user: password policy enforced
    let (s, b) = sb.post("/adminusers", &admin, json!({"ID": "ADMIN2", "Username": "admin02", "Password": "weakpassword", "FirstName": "Admin", "LastName": "User", "Email": "", "Active": true})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&b), "PasswordReset.InsecurePassword");
    assert!(b["Errors"][0]["Message"].as_str().unwrap().contains("an upper-case letter"), "{b}");
    assert_eq!(b["Errors"][0]["Data"]["MinimumCharacterCount"], 10);
    let (s, b) = sb.post("/adminusers", &admin, json!({"ID": "ADMIN2", "Username": "admin02", "Password": "Str0ng-Enough", "FirstName": "Admin", "LastName": "User", "Email": "", "Active": true})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert!(b.get("Password").is_none(), "password never returned");
    // a buyer organization and a buyer user
    let (s, b) = sb.post("/buyers", &admin, json!({"ID": "ACME", "Name": "Example Buyer", "Active": true})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert!(b["DateCreated"].is_string());
    let (s, b) = sb.post("/buyers/ACME/users", &admin, json!({"ID": "ACME01", "Username": "acme01", "Password": "acmepass01", "FirstName": "Buyer", "LastName": "User", "Email": "", "Active": true})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["CompanyID"], "ACME");
    // profiles, assigned at organization level
    let (s, _) = sb
        .post(
            "/securityprofiles",
            &admin,
            json!({"ID": "CATALOG", "Name": "Catalog", "Roles": ["ProductAdmin", "CatalogAdmin"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = sb
        .post(
            "/securityprofiles",
            &admin,
            json!({"ID": "SHOP", "Name": "Shop", "Roles": ["Shopper", "MeAdmin"], "CustomRoles": ["CanSeeSpecials"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = sb.post("/securityprofiles/assignments", &admin, json!({"SecurityProfileID": "CATALOG"})).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) =
        sb.post("/securityprofiles/assignments", &admin, json!({"SecurityProfileID": "SHOP", "BuyerID": "ACME"})).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    // admin users see the union of the seller-level profiles
    let (_, list) = sb.get("/adminusers?ID=ADMIN2", &admin).await;
    let roles = list["Items"][0]["AvailableRoles"].as_array().unwrap().clone();
    for r in ["ProductAdmin", "CatalogAdmin", "ApiClientAdmin", "SecurityProfileAdmin"] {
        assert!(roles.contains(&json!(r)), "{r} missing from {roles:?}");
    }
    let (_, list) = sb.get("/buyers/ACME/users", &admin).await;
    assert_eq!(list["Items"][0]["AvailableRoles"], json!(["MeAdmin", "Shopper"]));
    // a group-level and a user-level assignment add to the union
    sb.post("/buyers/ACME/usergroups", &admin, json!({"ID": "VIP", "Name": "VIP"})).await;
    let (s, _) =
        sb.post("/buyers/ACME/usergroups/assignments", &admin, json!({"UserGroupID": "VIP", "UserID": "ACME01"})).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    sb.post("/securityprofiles", &admin, json!({"ID": "ORDERS", "Name": "Orders", "Roles": ["OrderReader"]})).await;
    sb.post("/securityprofiles", &admin, json!({"ID": "ADDR", "Name": "Addresses", "Roles": ["MeAddressAdmin"]})).await;
    sb.post(
        "/securityprofiles/assignments",
        &admin,
        json!({"SecurityProfileID": "ORDERS", "BuyerID": "ACME", "UserGroupID": "VIP"}),
    )
    .await;
    sb.post(
        "/securityprofiles/assignments",
        &admin,
        json!({"SecurityProfileID": "ADDR", "BuyerID": "ACME", "UserID": "ACME01"}),
    )
    .await;
    let (_, u) = sb.get("/buyers/ACME/users/ACME01", &admin).await;
    assert_eq!(u["AvailableRoles"], json!(["MeAddressAdmin", "MeAdmin", "OrderReader", "Shopper"]));
    // the assignment list filters by level and commerce role
    let (_, l) = sb.get("/securityprofiles/assignments?level=User&commerceRole=Buyer", &admin).await;
    assert_eq!(l["Meta"]["TotalCount"], 1, "{l}");
    // both users sign in through the new client; their tokens carry their roles
    let (s, t) = sb.login_full(&client_id, "acme01", "acmepass01", None).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let c = claims(t["access_token"].as_str().unwrap());
    assert_eq!(c["usrtype"], "buyer");
    assert_eq!(c["cid"], client_id);
    assert_eq!(c["role"], json!(["MeAddressAdmin", "MeAdmin", "OrderReader", "Shopper", "CanSeeSpecials"]));
    // scope narrows the roles; one role is a plain string
    let (_, t) = sb.login_full(&client_id, "admin02", "Str0ng-Enough", Some("ProductAdmin FullAccess")).await;
    assert_eq!(claims(t["access_token"].as_str().unwrap())["role"], json!("ProductAdmin"));
    // removing an assignment removes its roles
    let (s, _) = sb.delete("/securityprofiles/CATALOG/assignments", &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, u) = sb.get("/adminusers/ADMIN2", &admin).await;
    assert!(!u["AvailableRoles"].as_array().unwrap().contains(&json!("ProductAdmin")));
}

#[tokio::test]
async fn client_access_configuration_is_enforced() {
    let sb = start().await;
    let admin = sb.admin().await;
    // the storefront client allows buyers only
    let (s, b) =
        sb.login_full(gatehouse_sandbox::seed::STOREFRONT_CLIENT_ID, "admin01", "Gatehouse-Admin1", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(b["error"], "unauthorized_client");
    assert_eq!(b["Errors"][0]["ErrorCode"], "Auth.UnauthorizedClient");
    // a client for one buyer only, through an assignment
    let (_, c) =
        sb.post("/apiclients", &admin, json!({"AppName": "ACME app", "Active": true, "AccessTokenDuration": 30})).await;
    let cid = c["ID"].as_str().unwrap().to_string();
    let (s, _) = sb.login_full(&cid, "buyer01", "buyerpass01", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, b) =
        sb.post("/apiclients/assignments", &admin, json!({"ApiClientID": cid, "BuyerID": "BUYER_ORGANIZATION"})).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    let (s, b) = sb.login_full(&cid, "buyer01", "buyerpass01", None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["expires_in"], 1800);
    assert!(b.get("refresh_token").is_none(), "no refresh token when RefreshTokenDuration is 0");
    let (_, c) = sb.get(&format!("/apiclients/{cid}"), &admin).await;
    assert_eq!(c["AssignedBuyerCount"], 1);
    let (s, _) = sb.delete(&format!("/buyers/BUYER_ORGANIZATION/ApiClients/Assignments/{cid}"), &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = sb.login_full(&cid, "buyer01", "buyerpass01", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // a client secret is required once set; client_credentials acts as the default context user
    sb.patch(
        &format!("/apiclients/{cid}"),
        &admin,
        json!({"ClientSecret": "s3cret", "DefaultContextUserName": "admin01", "AllowSeller": true}),
    )
    .await;
    let (s, b) = sb.login_full(&cid, "admin01", "Gatehouse-Admin1", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(b["Errors"][0]["ErrorCode"], "Auth.InvalidClientSecret");
    let (s, b) =
        sb.token_form(&[("grant_type", "client_credentials"), ("client_id", &cid), ("client_secret", "s3cret")]).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(claims(b["access_token"].as_str().unwrap())["usr"], "admin01");
    // inactive client and inactive user
    sb.patch(&format!("/apiclients/{cid}"), &admin, json!({"Active": false})).await;
    let (_, b) =
        sb.token_form(&[("grant_type", "client_credentials"), ("client_id", &cid), ("client_secret", "s3cret")]).await;
    assert_eq!(b["Errors"][0]["ErrorCode"], "Auth.ClientNotActive");
    sb.patch("/buyers/BUYER_ORGANIZATION/users/BUYER01", &admin, json!({"Active": false})).await;
    let (_, b) = sb.login_full(CLIENT, "buyer01", "buyerpass01", None).await;
    assert_eq!(b["Errors"][0]["ErrorCode"], "Auth.UserNotActive");
    // wrong password / missing fields / unknown grant
    let (s, b) = sb.login_full(CLIENT, "admin01", "nope", None).await;
    assert_eq!((s, b["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    assert_eq!(b["Errors"][0]["ErrorCode"], "Auth.InvalidUsernameOrPassword");
    let (_, b) = sb.token_form(&[("grant_type", "password"), ("client_id", CLIENT)]).await;
    assert_eq!(b["Errors"][0]["ErrorCode"], "Auth.UsernameAndPasswordRequired");
    let (_, b) = sb.token_form(&[("grant_type", "magic"), ("client_id", CLIENT)]).await;
    assert_eq!(b["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn password_config_locks_out_after_failed_sign_ins() {
    let sb = start().await;
    let admin = sb.admin().await;
    let code = |b: &Value| b["Errors"][0]["ErrorCode"].as_str().unwrap_or_default().to_string();
    // no PasswordConfig: wrong passwords are counted but never lock
    for _ in 0..4 {
        assert_eq!(code(&sb.login_full(CLIENT, "buyer01", "nope", None).await.1), "Auth.InvalidUsernameOrPassword");
    }
    let (s, _) = sb.login_full(CLIENT, "buyer01", "buyerpass01", None).await;
    assert_eq!(s, StatusCode::OK);
    // three failures allowed, then locked until an administrator unlocks (LockoutDuration 0)
    sb.post("/securityprofiles", &admin, json!({"ID": "STRICT", "Name": "Strict", "Roles": [], "PasswordConfig": {"AllowedFailedAttempts": 3, "LockoutDuration": 0}})).await;
    sb.post("/securityprofiles", &admin, json!({"ID": "LENIENT", "Name": "Lenient", "Roles": [], "PasswordConfig": {"AllowedFailedAttempts": 10, "LockoutDuration": 30}})).await;
    for a in [
        json!({"SecurityProfileID": "STRICT", "UserID": "REP01"}),
        json!({"SecurityProfileID": "LENIENT", "UserGroupID": "CALL_CENTER"}),
    ] {
        let (s, b) = sb.post("/securityprofiles/assignments", &admin, a).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    }
    for _ in 0..2 {
        assert_eq!(code(&sb.login_full(CLIENT, "rep01", "nope", None).await.1), "Auth.InvalidUsernameOrPassword");
    }
    let (_, rep) = sb.get("/adminusers/REP01", &admin).await;
    assert_eq!(rep["FailedLoginAttempts"], 2);
    // a right password starts the count again
    sb.login("rep01", "Gatehouse-Rep01").await;
    assert_eq!(sb.get("/adminusers/REP01", &admin).await.1["FailedLoginAttempts"], 0);
    for _ in 0..2 {
        sb.login_full(CLIENT, "rep01", "nope", None).await;
    }
    // the third failure locks (the strictest profile wins: 3 failures, not 10; until unlocked, not
    // 30 minutes), and then even the right password is refused
    let (s, b) = sb.login_full(CLIENT, "rep01", "nope", None).await;
    assert_eq!((s, code(&b)), (StatusCode::BAD_REQUEST, "Auth.LockedOut".to_string()), "{b}");
    let (_, b) = sb.login_full(CLIENT, "rep01", "Gatehouse-Rep01", None).await;
    assert_eq!(code(&b), "Auth.LockedOut");
    assert!(b["Errors"][0]["Message"].as_str().unwrap().contains("an administrator can unlock"), "{b}");
    // unlocking needs AdminUserAdmin, and lets the user in again
    let buyer = sb.login("buyer01", "buyerpass01").await;
    let (s, _) = sb.call(Method::POST, "/adminusers/REP01/unlock", Some(&buyer), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = sb.call(Method::POST, "/adminusers/REP01/unlock", Some(&admin), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    sb.login("rep01", "Gatehouse-Rep01").await;
    assert_eq!(sb.get("/adminusers/REP01", &admin).await.1["FailedLoginAttempts"], 0);
    // a timed lockout names the wait, and ends by itself
    sb.call(Method::DELETE, "/securityprofiles/STRICT/assignments?userID=REP01", Some(&admin), None).await;
    for _ in 0..9 {
        sb.login_full(CLIENT, "rep01", "nope", None).await;
    }
    let (_, b) = sb.login_full(CLIENT, "rep01", "nope", None).await;
    assert!(b["Errors"][0]["Message"].as_str().unwrap().contains("try again in 30 minute(s)"), "{b}");
    let conn = sb.app.pool.get().unwrap();
    conn.execute("UPDATE lockouts SET until_ms = 0", []).unwrap();
    sb.login("rep01", "Gatehouse-Rep01").await;
}

#[tokio::test]
async fn anonymous_shoppers_get_tokens_of_their_own() {
    let sb = start().await;
    let admin = sb.admin().await;
    let store = gatehouse_sandbox::seed::STOREFRONT_CLIENT_ID;
    let anon = [("grant_type", "client_credentials"), ("client_id", store), ("scope", "Shopper MeAdmin")];
    // without IsAnonBuyer, a client without a secret gives no client_credentials token
    let (s, b) = sb.token_form(&anon).await;
    assert_eq!(
        (s, b["Errors"][0]["ErrorCode"].as_str()),
        (StatusCode::BAD_REQUEST, Some("Auth.InvalidClientSecret")),
        "{b}"
    );
    assert!(b["Errors"][0]["Message"].as_str().unwrap().contains("IsAnonBuyer"), "{b}");
    // with it but no default context user: said so
    sb.patch(&format!("/apiclients/{store}"), &admin, json!({"IsAnonBuyer": true, "RefreshTokenDuration": 60})).await;
    let (_, b) = sb.token_form(&anon).await;
    assert_eq!(b["Errors"][0]["ErrorCode"], "Auth.NoDefaultContextUser", "{b}");
    // the default context user must be a buyer user
    sb.patch(&format!("/apiclients/{store}"), &admin, json!({"DefaultContextUserName": "admin01"})).await;
    let (_, b) = sb.token_form(&anon).await;
    assert_eq!(b["Errors"][0]["ErrorCode"], "Auth.NoDefaultContextUser", "{b}");
    // each anonymous shopper gets an order of their own, the requested roles the template user has,
    // and no refresh token (it could not keep the order)
    sb.patch(&format!("/apiclients/{store}"), &admin, json!({"DefaultContextUserName": "buyer01"})).await;
    let (s, first) = sb.token_form(&anon).await;
    assert_eq!(s, StatusCode::OK, "{first}");
    assert!(first.get("refresh_token").is_none(), "{first}");
    let (_, second) = sb.token_form(&anon).await;
    let (a, b) = (claims(first["access_token"].as_str().unwrap()), claims(second["access_token"].as_str().unwrap()));
    assert_eq!(
        (a["usr"].as_str(), a["usrtype"].as_str(), a["cid"].as_str()),
        (Some("buyer01"), Some("buyer"), Some(store))
    );
    let mut roles: Vec<&str> = a["role"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    roles.sort();
    assert_eq!(roles, ["MeAdmin", "Shopper"]);
    assert!(a["orderid"].is_string() && b["orderid"].is_string() && a["orderid"] != b["orderid"], "{a} {b}");
    assert!(a.get("imp").is_none());
    // a fixed week, whatever the client's AccessTokenDuration says
    assert_eq!(first["expires_in"], 7 * 24 * 3600, "{first}");
    // an identity of its own: /me is not the template user, and cannot change it
    let anon_token = first["access_token"].as_str().unwrap();
    let (s, me) = sb.get("/me", anon_token).await;
    assert_eq!(s, StatusCode::OK, "{me}");
    assert_eq!(me["ID"], format!("anon-{}", a["orderid"].as_str().unwrap()), "{me}");
    assert_eq!(
        (me["Username"].as_str(), me["Anonymous"].as_bool(), me["Buyer"]["ID"].as_str()),
        (Some(""), Some(true), Some("BUYER_ORGANIZATION")),
        "{me}"
    );
    for (method, body) in [
        (Method::PATCH, json!({"Password": "newpassword99"})),
        (Method::PATCH, json!({"Username": "taken"})),
        (Method::PUT, json!({"Username": "b", "FirstName": "b", "LastName": "b", "Email": "b@x.io", "Active": true})),
    ] {
        let (s, b) = sb.call(method, "/me", Some(anon_token), Some(body)).await;
        assert_eq!((s, error_code(&b)), (StatusCode::FORBIDDEN, "Anonymous.NoProfile"), "{b}");
    }
    let (_, template) = sb.get("/buyers/BUYER_ORGANIZATION/users/BUYER01", &admin).await;
    assert_eq!(
        (template["Username"].as_str(), template["FailedLoginAttempts"].as_i64()),
        (Some("buyer01"), Some(0)),
        "{template}"
    );
    assert_eq!(sb.login_full(CLIENT, "buyer01", "buyerpass01", None).await.0, StatusCode::OK);
    // a password sign-in through the same client is an ordinary token
    let (_, b) = sb.login_full(store, "buyer01", "buyerpass01", None).await;
    let c = claims(b["access_token"].as_str().unwrap());
    assert!(c.get("orderid").is_none(), "{c}");
    assert!(b["refresh_token"].is_string());
}

#[tokio::test]
async fn seed_001_impersonation() {
    let sb = start().await;
    let rep = sb.login("rep01", "Gatehouse-Rep01").await;
    let store = gatehouse_sandbox::seed::STOREFRONT_CLIENT_ID;
    let (s, b) = sb
        .post(
            "/buyers/BUYER_ORGANIZATION/users/BUYER01/accesstoken",
            &rep,
            json!({"ClientID": store, "Roles": ["Shopper", "MeAdmin", "OrderAdmin"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let token = b["access_token"].as_str().unwrap().to_string();
    let c = claims(&token);
    assert!(c["imp"].is_string(), "impersonation token carries imp: {c}");
    assert_eq!(c["usr"], "buyer01");
    assert_eq!(c["cid"], store);
    // config profile ∩ requested roles: OrderAdmin is not in the profile
    assert_eq!(c["role"], json!(["Shopper", "MeAdmin"]));
    let (s, me) = sb.get("/me", &token).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["Username"], "buyer01");
    assert_eq!(me["Buyer"]["ID"], "BUYER_ORGANIZATION");
    // the API client a config uses cannot be deleted
    let admin = sb.admin().await;
    let (s, b) = sb.delete(&format!("/apiclients/{store}"), &admin).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(error_code(&b), "ApiClient.UsedByImpersonationConfig");
    // a second config for the same parties conflicts
    let (s, b) = sb.post("/impersonationconfig", &admin, json!({"ImpersonationGroupID": "CALL_CENTER", "BuyerID": "BUYER_ORGANIZATION", "SecurityProfileID": "BUYER_PROFILE", "ClientID": store})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(error_code(&b), "ImpersonationConfig.ConflictingImpersonationConfigExists");
    // renaming a config does not conflict with itself
    let (s, b) =
        sb.patch("/impersonationconfig/CALL_CENTER_STOREFRONT", &admin, json!({"ID": "CALL_CENTER_RENAMED"})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) =
        sb.patch("/impersonationconfig/CALL_CENTER_RENAMED", &admin, json!({"ID": "CALL_CENTER_STOREFRONT"})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    // without the config: refused, saying what is missing
    let (s, _) = sb.delete("/impersonationconfig/CALL_CENTER_STOREFRONT", &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, b) = sb
        .post(
            "/buyers/BUYER_ORGANIZATION/users/BUYER01/accesstoken",
            &rep,
            json!({"ClientID": store, "Roles": ["Shopper"]}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    assert_eq!(error_code(&b), "Impersonation.ConfigError");
    assert!(b["Errors"][0]["Message"].as_str().unwrap().contains("No impersonation config"));
    // an admin without BuyerImpersonation is refused by role
    let (s, b) =
        sb.post("/buyers/BUYER_ORGANIZATION/users/BUYER01/accesstoken", &admin, json!({"ClientID": store})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&b), "InsufficientRoles");
}

#[tokio::test]
async fn buyer_impersonators_stay_in_their_company() {
    let sb = start().await;
    let admin = sb.admin().await;
    let store = gatehouse_sandbox::seed::STOREFRONT_CLIENT_ID;
    // a buyer-side supervisor with BuyerImpersonation, in BUYER_ORGANIZATION
    sb.post("/buyers/BUYER_ORGANIZATION/users", &admin, json!({"ID": "SUP", "Username": "supervisor", "Password": "superpass01", "FirstName": "S", "LastName": "V", "Email": "s@x.io", "Active": true})).await;
    sb.post(
        "/securityprofiles",
        &admin,
        json!({"ID": "IMP", "Name": "Impersonators", "Roles": ["BuyerImpersonation"]}),
    )
    .await;
    sb.post(
        "/securityprofiles/assignments",
        &admin,
        json!({"SecurityProfileID": "IMP", "BuyerID": "BUYER_ORGANIZATION", "UserID": "SUP"}),
    )
    .await;
    // another buyer company with a user, and configs naming both
    sb.post("/buyers", &admin, json!({"ID": "OTHER", "Name": "Other", "Active": true})).await;
    sb.post("/buyers/OTHER/users", &admin, json!({"ID": "O1", "Username": "other01", "Password": "otherpass01", "FirstName": "O", "LastName": "U", "Email": "o@x.io", "Active": true})).await;
    let (s, b) = sb.post("/impersonationconfig", &admin, json!({"ID": "SAME", "ImpersonationBuyerID": "BUYER_ORGANIZATION", "ImpersonationUserID": "SUP", "BuyerID": "BUYER_ORGANIZATION", "SecurityProfileID": "BUYER_PROFILE", "ClientID": store})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    sb.post("/impersonationconfig", &admin, json!({"ID": "CROSS", "ImpersonationBuyerID": "BUYER_ORGANIZATION", "ImpersonationUserID": "SUP", "BuyerID": "OTHER", "SecurityProfileID": "BUYER_PROFILE", "ClientID": store})).await;
    let sup = sb.login("supervisor", "superpass01").await;
    let (s, b) = sb
        .post(
            "/buyers/BUYER_ORGANIZATION/users/BUYER01/accesstoken",
            &sup,
            json!({"ClientID": store, "Roles": ["Shopper"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) =
        sb.post("/buyers/OTHER/users/O1/accesstoken", &sup, json!({"ClientID": store, "Roles": ["Shopper"]})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    assert!(b["Errors"][0]["Message"].as_str().unwrap().contains("own buyer"));
}

#[tokio::test]
async fn seed_002_supplier_users() {
    let sb = start().await;
    let admin = sb.admin().await;
    let (s, _) = sb.post("/suppliers", &admin, json!({"ID": "SUP1", "Name": "Supplies Inc", "Active": true})).await;
    assert_eq!(s, StatusCode::CREATED);
    let user = json!({"ID": "S1", "Username": "supplier01", "Password": "supplier01pass", "FirstName": "Sam", "LastName": "Supplier", "Email": "sam@supplies.io", "Active": true});
    let (s, b) = sb.post("/suppliers/SUP1/users", &admin, user.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["CompanyID"], "SUP1");
    let (s, b) = sb.post("/suppliers/SUP1/users", &admin, user.clone()).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(error_code(&b), "IdExists");
    assert!(b["Errors"][0]["Message"].as_str().unwrap().contains("S1 already exists"));
    // a different ID with the same username conflicts on the username
    let mut dup = user.clone();
    dup["ID"] = json!("S2");
    let (s, b) = sb.post("/suppliers/SUP1/users", &admin, dup).await;
    assert_eq!((s, error_code(&b)), (StatusCode::CONFLICT, "User.UsernameMustBeUnique"));
    // password and max-length violations
    let mut weak = user.clone();
    weak["ID"] = json!("S3");
    weak["Username"] = json!("s3");
    weak["Password"] = json!("short");
    let (s, b) = sb.post("/suppliers/SUP1/users", &admin, weak).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&b), "PasswordReset.InsecurePassword");
    assert!(b["Errors"][0]["Message"].as_str().unwrap().contains("at least 10 characters"));
    let mut long = user.clone();
    long["ID"] = json!("S4");
    long["Username"] = json!("s4");
    long["Email"] = json!("e".repeat(201));
    long.as_object_mut().unwrap().remove("FirstName");
    let (s, b) = sb.post("/suppliers/SUP1/users", &admin, long).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let messages: Vec<&str> = b["Errors"].as_array().unwrap().iter().map(|e| e["Message"].as_str().unwrap()).collect();
    assert!(messages.contains(&"FirstName is required."), "{messages:?}");
    assert!(messages.iter().any(|m| m.starts_with("Email can be at most 200 characters")), "{messages:?}");
    // unknown supplier → 404 naming it
    let (s, b) = sb.post("/suppliers/NOPE/users", &admin, user).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(b["Errors"][0]["Data"], json!({"ObjectType": "Supplier", "ObjectID": "NOPE"}));
    // supplier users sign in only through a client allowing suppliers
    let (s, _) = sb.login_full(CLIENT, "supplier01", "supplier01pass", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn crud_verbs_and_status_codes() {
    let sb = start().await;
    let admin = sb.admin().await;
    // POST without ID generates one
    let (s, b) = sb.post("/buyers", &admin, json!({"Name": "No ID", "Active": true})).await;
    assert_eq!(s, StatusCode::CREATED);
    let id = b["ID"].as_str().unwrap().to_string();
    assert!(!id.is_empty());
    // PUT creates at the URI's ID, and replaces
    let (s, b) = sb.put("/buyers/PUTME", &admin, json!({"Name": "Put", "Active": true, "xp": {"a": 1}})).await;
    assert_eq!((s, b["ID"].as_str()), (StatusCode::OK, Some("PUTME")));
    let created = b["DateCreated"].clone();
    let (s, b) = sb.put("/buyers/PUTME", &admin, json!({"Name": "Put again"})).await;
    assert_eq!(s, StatusCode::OK);
    assert!(b.get("xp").is_none() || b["xp"].is_null(), "PUT replaces: {b}");
    assert_eq!(b["DateCreated"], created, "DateCreated is kept");
    // PATCH merges, xp deeply; PATCH may change the ID
    sb.patch("/buyers/PUTME", &admin, json!({"xp": {"a": 1, "b": {"c": 2}}})).await;
    let (_, b) = sb.patch("/buyers/PUTME", &admin, json!({"xp": {"b": {"d": 3}}})).await;
    assert_eq!(b["xp"], json!({"a": 1, "b": {"c": 2, "d": 3}}));
    assert_eq!(b["Name"], "Put again");
    let (s, b) = sb.patch("/buyers/PUTME", &admin, json!({"ID": "RENAMED"})).await;
    assert_eq!((s, b["ID"].as_str()), (StatusCode::OK, Some("RENAMED")));
    let (s, _) = sb.get("/buyers/PUTME", &admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // PATCH of a missing object is 404; DELETE is 204 then 404
    let (s, b) = sb.patch("/buyers/NOPE", &admin, json!({"Name": "x"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(b["Errors"][0]["Data"]["ObjectType"], "Buyer");
    let (s, _) = sb.delete("/buyers/RENAMED", &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = sb.delete("/buyers/RENAMED", &admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // read-only fields are ignored; the API client ID cannot be chosen
    let (_, c) = sb
        .post(
            "/apiclients",
            &admin,
            json!({"ID": "MINE", "AppName": "x", "AccessTokenDuration": 10, "AssignedBuyerCount": 9}),
        )
        .await;
    assert_ne!(c["ID"], "MINE");
    assert_eq!(c["AssignedBuyerCount"], 0);
    // deleting a buyer removes its users
    sb.post("/buyers", &admin, json!({"ID": "GONE", "Name": "Gone"})).await;
    sb.post(
        "/buyers/GONE/users",
        &admin,
        json!({"ID": "G1", "Username": "gone01", "FirstName": "G", "LastName": "O", "Email": "g@o.io", "Active": true}),
    )
    .await;
    sb.delete("/buyers/GONE", &admin).await;
    let (s, _) = sb.login_full(CLIENT, "gone01", "whatever1", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = sb.post("/buyers", &admin, json!({"ID": "GONE", "Name": "Back"})).await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, l) = sb.get("/buyers/GONE/users", &admin).await;
    assert_eq!(l["Meta"]["TotalCount"], 0);
}

#[tokio::test]
async fn bad_input_gets_clear_errors() {
    let sb = start().await;
    let admin = sb.admin().await;
    let raw = |body: &'static str| {
        sb.http
            .post(format!("{}/v1/buyers", sb.base))
            .bearer_auth(&admin)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let res = raw("{\"Name\": ").await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let b: Value = res.json().await.unwrap();
    assert_eq!(error_code(&b), "Request.InvalidRequestBody");
    assert_eq!(b["Errors"][0]["Data"]["Line"], 1);
    let b: Value = raw("[1,2]").await.unwrap().json().await.unwrap();
    assert_eq!(error_code(&b), "Request.InvalidRequestBody");
    let b: Value = raw("").await.unwrap().json().await.unwrap();
    assert!(b["Errors"][0]["Message"].as_str().unwrap().contains("empty"));
    // wrong types, each named
    let (s, b) = sb.post("/buyers", &admin, json!({"Name": 7, "Active": "yes", "xp": [1]})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(b["Errors"].as_array().unwrap().len(), 3, "{b}");
    // bad IDs
    let (s, b) = sb.post("/buyers", &admin, json!({"ID": "has space", "Name": "x"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    // unknown roles in a profile
    let (s, b) = sb.post("/securityprofiles", &admin, json!({"Name": "x", "Roles": ["Wizard"]})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(b["Errors"][0]["Message"].as_str().unwrap().contains("Wizard"));
    // oversize body → 413 in the error shape
    let big = format!("{{\"Name\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let res = sb
        .http
        .post(format!("{}/v1/buyers", sb.base))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let b: Value = res.json().await.unwrap();
    assert_eq!(error_code(&b), "Request.PayloadTooLarge");
    // unknown endpoint and wrong method
    let (s, b) = sb.get("/nowhere", &admin).await;
    assert_eq!((s, error_code(&b)), (StatusCode::NOT_FOUND, "NotFound"));
    let (s, b) = sb.call(Method::PUT, "/buyers", Some(&admin), Some(json!({}))).await;
    assert_eq!((s, error_code(&b)), (StatusCode::METHOD_NOT_ALLOWED, "Request.MethodNotAllowed"));
    // CORS preflight from another origin
    let res = sb
        .http
        .request(Method::OPTIONS, format!("{}/v1/buyers", sb.base))
        .header("Origin", "https://portal.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization,content-type")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
}
