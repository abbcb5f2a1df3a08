//! The sandbox tried as an attacker would: tokens that outlive their user or client, refresh
//! after changes, escalation through renames and grants, company scope, anonymous shoppers,
//! impersonation limits and its record, lost updates, sign-in bursts, and bad path input.
mod common;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const BUYER: &str = "BUYER_ORGANIZATION";
const STORE: &str = gatehouse_sandbox::seed::STOREFRONT_CLIENT_ID;

/// Creates a profile holding `roles`, a user (admin when `company` is None) and assigns the
/// profile to that user; returns the user's token through the shared client.
async fn user_with_roles(sb: &Sandbox, admin: &str, company: Option<(&str, &str)>, id: &str, roles: &[&str]) -> String {
    let username = id.to_lowercase();
    let password = "Hardening-Pass1";
    let (users, party) = match company {
        None => ("/adminusers".to_string(), json!({})),
        Some(("buyer", b)) => (format!("/buyers/{b}/users"), json!({"BuyerID": b})),
        Some((_, s)) => (format!("/suppliers/{s}/users"), json!({"SupplierID": s})),
    };
    let (s, b) = sb.post(&users, admin, json!({"ID": id, "Username": username, "Password": password, "FirstName": "F", "LastName": "L", "Email": "x@y.io", "Active": true})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let profile = format!("{id}_PROFILE");
    let (s, b) = sb.post("/securityprofiles", admin, json!({"ID": profile, "Name": profile, "Roles": roles})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let mut assignment = party;
    assignment["SecurityProfileID"] = json!(profile);
    assignment["UserID"] = json!(id);
    let (s, b) = sb.post("/securityprofiles/assignments", admin, assignment).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    sb.login(&username, password).await
}

/// Moves the seed's admin profile from the seller level to the seed admin alone, so new admin
/// users hold only what a test gives them.
async fn isolate_admins(sb: &Sandbox, admin: &str) {
    let (s, b) = sb
        .post("/securityprofiles/assignments", admin, json!({"SecurityProfileID": "ADMIN_PROFILE", "UserID": "ADMIN"}))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    let (s, b) = sb.delete("/securityprofiles/ADMIN_PROFILE/assignments", admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    let (s, b) = sb
        .post("/securityprofiles/assignments", admin, json!({"SecurityProfileID": "ADMIN_PROFILE", "UserID": "ADMIN"}))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
}

fn roles_of(token: &str) -> Vec<String> {
    match claims(token)["role"].clone() {
        Value::String(s) => vec![s],
        Value::Array(a) => a.into_iter().filter_map(|v| v.as_str().map(String::from)).collect(),
        _ => vec![],
    }
}

async fn refresh(sb: &Sandbox, client: &str, rt: &str) -> (StatusCode, Value) {
    sb.token_form(&[("grant_type", "refresh_token"), ("client_id", client), ("refresh_token", rt)]).await
}

#[tokio::test]
async fn a_burst_of_wrong_passwords_is_answered_and_counted_without_starving_others() {
    let sb = start().await;
    let admin = sb.admin().await;
    let burst: Vec<_> = (0..16)
        .map(|_| {
            let (http, base) = (sb.http.clone(), sb.base.clone());
            tokio::spawn(async move {
                let form = [
                    ("grant_type", "password"),
                    ("client_id", CLIENT),
                    ("username", "admin01"),
                    ("password", "wrong-password"),
                ];
                let res = http.post(format!("{base}/oauth/token")).form(&form).send().await.unwrap();
                (res.status(), res.json::<Value>().await.unwrap())
            })
        })
        .collect();
    // meanwhile another user's reads go on, and the pool is never exhausted by waiting hashes
    let mut max_in_use = 0;
    let mut reads = 0;
    while burst.iter().any(|t| !t.is_finished()) {
        let state = sb.app.pool.state();
        max_in_use = max_in_use.max(state.connections - state.idle_connections);
        let (s, _) = sb.get("/buyers", &admin).await;
        assert_eq!(s, StatusCode::OK);
        reads += 1;
    }
    for t in burst {
        let (s, b) = t.await.unwrap();
        assert_eq!(
            (s, b["error"].as_str(), error_code(&b)),
            (StatusCode::BAD_REQUEST, Some("invalid_grant"), "Auth.InvalidUsernameOrPassword"),
            "{b}"
        );
    }
    assert!(reads > 0);
    assert!(max_in_use < 8, "the pool (8) was exhausted during the burst: {max_in_use} connections in use");
    // every failure counted
    let (_, me) = sb.get("/adminusers/ADMIN", &admin).await;
    assert_eq!(me["FailedLoginAttempts"], 16, "{me}");
}

#[tokio::test]
async fn tokens_are_checked_against_the_present() {
    let sb = start().await;
    let admin = sb.admin().await;
    // a user: deactivated, reactivated, deleted, recreated under the same ID and username
    let (s, _) = sb.post("/buyers/BUYER_ORGANIZATION/users", &admin, json!({"ID": "U1", "Username": "u1", "Password": "userpass001", "FirstName": "U", "LastName": "One", "Email": "u@x.io", "Active": true})).await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, t) = sb.login_full(CLIENT, "u1", "userpass001", None).await;
    let (token, rt) =
        (t["access_token"].as_str().unwrap().to_string(), t["refresh_token"].as_str().unwrap().to_string());
    assert_eq!(sb.get("/me", &token).await.0, StatusCode::OK);
    sb.patch("/buyers/BUYER_ORGANIZATION/users/U1", &admin, json!({"Active": false})).await;
    let (s, b) = sb.get("/me", &token).await;
    assert_eq!((s, error_code(&b)), (StatusCode::UNAUTHORIZED, "InvalidToken"), "{b}");
    assert!(b["Errors"][0]["Message"].as_str().unwrap().contains("not active"), "{b}");
    assert_eq!(refresh(&sb, CLIENT, &rt).await.0, StatusCode::BAD_REQUEST, "an inactive user's refresh is refused");
    sb.patch("/buyers/BUYER_ORGANIZATION/users/U1", &admin, json!({"Active": true})).await;
    assert_eq!(sb.get("/me", &token).await.0, StatusCode::OK);
    // the buyer deactivated: its users' tokens stop
    sb.patch("/buyers/BUYER_ORGANIZATION", &admin, json!({"Active": false})).await;
    assert_eq!(sb.get("/me", &token).await.0, StatusCode::UNAUTHORIZED);
    sb.patch("/buyers/BUYER_ORGANIZATION", &admin, json!({"Active": true})).await;
    assert_eq!(sb.get("/me", &token).await.0, StatusCode::OK);
    assert_eq!(sb.delete("/buyers/BUYER_ORGANIZATION/users/U1", &admin).await.0, StatusCode::NO_CONTENT);
    let (s, b) = sb.get("/me", &token).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    let (s, b) = refresh(&sb, CLIENT, &rt).await;
    assert_eq!(
        (s, b["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant")),
        "a deleted user's refresh token is gone: {b}"
    );
    sb.post("/buyers/BUYER_ORGANIZATION/users", &admin, json!({"ID": "U1", "Username": "u1", "Password": "userpass001", "FirstName": "U", "LastName": "One", "Email": "u@x.io", "Active": true})).await;
    assert_eq!(
        sb.get("/me", &token).await.0,
        StatusCode::UNAUTHORIZED,
        "a new user under the same ID is not the old token's user"
    );

    // an API client: deactivated, reactivated, deleted
    let (_, c) = sb.post("/apiclients", &admin, json!({"AppName": "Temp", "Active": true, "AccessTokenDuration": 60, "RefreshTokenDuration": 60, "AllowAnyBuyer": true})).await;
    let cid = c["ID"].as_str().unwrap().to_string();
    let (_, t) = sb.login_full(&cid, "buyer01", "buyerpass01", None).await;
    let (token, rt) =
        (t["access_token"].as_str().unwrap().to_string(), t["refresh_token"].as_str().unwrap().to_string());
    assert_eq!(sb.get("/me", &token).await.0, StatusCode::OK);
    sb.patch(&format!("/apiclients/{cid}"), &admin, json!({"Active": false})).await;
    let (s, b) = sb.get("/me", &token).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(b["Errors"][0]["Message"].as_str().unwrap().contains("API client"), "{b}");
    let (s, b) = refresh(&sb, &cid, &rt).await;
    assert_eq!((s, error_code(&b)), (StatusCode::BAD_REQUEST, "Auth.ClientNotActive"), "{b}");
    sb.patch(&format!("/apiclients/{cid}"), &admin, json!({"Active": true})).await;
    assert_eq!(sb.get("/me", &token).await.0, StatusCode::OK);
    assert_eq!(sb.delete(&format!("/apiclients/{cid}"), &admin).await.0, StatusCode::NO_CONTENT);
    assert_eq!(sb.get("/me", &token).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn refresh_recomputes_roles_and_is_refused_after_changes() {
    let sb = start().await;
    let admin = sb.admin().await;
    isolate_admins(&sb, &admin).await;
    user_with_roles(&sb, &admin, None, "OPS", &["BuyerReader"]).await;
    let (s, t) = sb.login_full(CLIENT, "ops", "Hardening-Pass1", Some("BuyerReader BuyerAdmin")).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(roles_of(t["access_token"].as_str().unwrap()), ["BuyerReader"]);
    let rt = t["refresh_token"].as_str().unwrap().to_string();
    // a role added within the scope appears; one outside the scope does not
    sb.patch(
        "/securityprofiles/OPS_PROFILE",
        &admin,
        json!({"Roles": ["BuyerReader", "BuyerAdmin", "SupplierReader"]}),
    )
    .await;
    let (s, r) = refresh(&sb, CLIENT, &rt).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(roles_of(r["access_token"].as_str().unwrap()), ["BuyerAdmin", "BuyerReader"]);
    // the assignment removed: no roles left
    sb.delete("/securityprofiles/OPS_PROFILE/assignments?userID=OPS", &admin).await;
    let (_, r) = refresh(&sb, CLIENT, &rt).await;
    assert!(roles_of(r["access_token"].as_str().unwrap()).is_empty(), "{r}");
    // no scope asked: every role the user has today
    sb.post("/securityprofiles/assignments", &admin, json!({"SecurityProfileID": "OPS_PROFILE", "UserID": "OPS"}))
        .await;
    let (_, t) = sb.login_full(CLIENT, "ops", "Hardening-Pass1", None).await;
    let all_rt = t["refresh_token"].as_str().unwrap().to_string();
    sb.patch(
        "/securityprofiles/OPS_PROFILE",
        &admin,
        json!({"Roles": ["BuyerReader", "BuyerAdmin", "SupplierReader", "SupplierAdmin"]}),
    )
    .await;
    let (_, r) = refresh(&sb, CLIENT, &all_rt).await;
    assert_eq!(
        roles_of(r["access_token"].as_str().unwrap()),
        ["BuyerAdmin", "BuyerReader", "SupplierAdmin", "SupplierReader"]
    );
    // locked out: refused
    sb.patch(
        "/securityprofiles/OPS_PROFILE",
        &admin,
        json!({"PasswordConfig": {"AllowedFailedAttempts": 1, "LockoutDuration": 0}}),
    )
    .await;
    sb.login_full(CLIENT, "ops", "wrong-one", None).await;
    let (s, b) = refresh(&sb, CLIENT, &all_rt).await;
    assert_eq!((s, error_code(&b)), (StatusCode::BAD_REQUEST, "Auth.LockedOut"), "{b}");
    sb.call(Method::POST, "/adminusers/OPS/unlock", Some(&admin), None).await;
    assert_eq!(refresh(&sb, CLIENT, &all_rt).await.0, StatusCode::OK);
    // the password changed after issue: refused
    sb.patch("/adminusers/OPS", &admin, json!({"Password": "Another-Pass2"})).await;
    let (s, b) = refresh(&sb, CLIENT, &all_rt).await;
    assert_eq!((s, error_code(&b)), (StatusCode::BAD_REQUEST, "Auth.InvalidRefreshToken"), "{b}");
    assert!(b["error_description"].as_str().unwrap().contains("password"), "{b}");
    let (_, t) = sb.login_full(CLIENT, "ops", "Another-Pass2", None).await;
    assert_eq!(refresh(&sb, CLIENT, t["refresh_token"].as_str().unwrap()).await.0, StatusCode::OK);
}

#[tokio::test]
async fn renames_carry_every_reference() {
    let sb = start().await;
    let admin = sb.admin().await;
    // a buyer user with a user-level profile, a group membership, and a config naming them
    sb.post(
        "/securityprofiles",
        &admin,
        json!({"ID": "POWER", "Name": "Power", "Roles": ["BuyerAdmin", "OrderAdmin"]}),
    )
    .await;
    sb.post("/buyers/BUYER_ORGANIZATION/users", &admin, json!({"ID": "VIP", "Username": "vip", "Password": "vippass0001", "FirstName": "V", "LastName": "P", "Email": "v@x.io", "Active": true})).await;
    sb.post(
        "/securityprofiles/assignments",
        &admin,
        json!({"SecurityProfileID": "POWER", "BuyerID": BUYER, "UserID": "VIP"}),
    )
    .await;
    sb.post("/buyers/BUYER_ORGANIZATION/usergroups", &admin, json!({"ID": "GOLD", "Name": "Gold"})).await;
    sb.post(
        "/securityprofiles/assignments",
        &admin,
        json!({"SecurityProfileID": "POWER", "BuyerID": BUYER, "UserGroupID": "GOLD"}),
    )
    .await;
    sb.post(
        "/buyers/BUYER_ORGANIZATION/usergroups/assignments",
        &admin,
        json!({"UserGroupID": "GOLD", "UserID": "BUYER01"}),
    )
    .await;
    let (s, b) = sb.post("/impersonationconfig", &admin, json!({"ID": "VIPCFG", "ImpersonationGroupID": "CALL_CENTER", "BuyerID": BUYER, "UserID": "VIP", "SecurityProfileID": "BUYER_PROFILE", "ClientID": STORE})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");

    // the user renamed by an admin: the assignment and config follow, the old ID is free and bare
    let (s, b) = sb.patch("/buyers/BUYER_ORGANIZATION/users/VIP", &admin, json!({"ID": "VIP2"})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(b["AvailableRoles"].as_array().unwrap().iter().any(|r| r == "OrderAdmin"), "{b}");
    let (_, cfg) = sb.get("/impersonationconfig/VIPCFG", &admin).await;
    assert_eq!(cfg["UserID"], "VIP2");
    let (s, b) = sb.post("/buyers/BUYER_ORGANIZATION/users", &admin, json!({"ID": "VIP", "Username": "newcomer", "Password": "newpass0001", "FirstName": "N", "LastName": "C", "Email": "n@x.io", "Active": true})).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(
        b["AvailableRoles"],
        json!(["MeAddressAdmin", "MeAdmin", "MeCreditCardAdmin", "MeXpAdmin", "Shopper"]),
        "only the buyer-level profile: {b}"
    );
    assert!(
        !b["AvailableRoles"].as_array().unwrap().iter().any(|r| r == "OrderAdmin"),
        "the newcomer inherits nothing: {b}"
    );

    // a shopper renaming themselves through /me keeps their group's roles; the freed ID gets none
    sb.post(
        "/securityprofiles/assignments",
        &admin,
        json!({"SecurityProfileID": "POWER", "BuyerID": BUYER, "UserID": "BUYER01"}),
    )
    .await;
    let shopper = sb.login("buyer01", "buyerpass01").await;
    let (s, b) = sb.patch("/me", &shopper, json!({"ID": "BUYER01_RENAMED"})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(b["AvailableRoles"].as_array().unwrap().iter().any(|r| r == "OrderAdmin"), "{b}");
    let (_, members) = sb.get("/buyers/BUYER_ORGANIZATION/usergroups/assignments", &admin).await;
    assert!(members["Items"].as_array().unwrap().iter().any(|m| m["UserID"] == "BUYER01_RENAMED"), "{members}");
    let (_, b) = sb.post("/buyers/BUYER_ORGANIZATION/users", &admin, json!({"ID": "BUYER01", "Username": "impostor", "Password": "impostor001", "FirstName": "I", "LastName": "M", "Email": "i@x.io", "Active": true})).await;
    assert!(!b["AvailableRoles"].as_array().unwrap().iter().any(|r| r == "OrderAdmin"), "{b}");
    assert_eq!(sb.get("/me", &shopper).await.0, StatusCode::OK, "the renamed shopper's token still works");

    // the group renamed: members and the group-level profile follow
    let (s, _) = sb.patch("/buyers/BUYER_ORGANIZATION/usergroups/GOLD", &admin, json!({"ID": "PLATINUM"})).await;
    assert_eq!(s, StatusCode::OK);
    let (_, sp) = sb.get("/securityprofiles/assignments?level=Group", &admin).await;
    assert!(sp["Items"].as_array().unwrap().iter().any(|a| a["UserGroupID"] == "PLATINUM"), "{sp}");
    sb.post("/buyers/BUYER_ORGANIZATION/usergroups", &admin, json!({"ID": "GOLD", "Name": "New gold"})).await;
    sb.post(
        "/buyers/BUYER_ORGANIZATION/usergroups/assignments",
        &admin,
        json!({"UserGroupID": "GOLD", "UserID": "BUYER01"}),
    )
    .await;
    let (_, b) = sb.get("/buyers/BUYER_ORGANIZATION/users/BUYER01", &admin).await;
    assert!(
        !b["AvailableRoles"].as_array().unwrap().iter().any(|r| r == "OrderAdmin"),
        "joining the new GOLD grants nothing: {b}"
    );

    // the admin group and the profile renamed: the rep still impersonates
    sb.patch("/usergroups/CALL_CENTER", &admin, json!({"ID": "CALL_CENTER_2"})).await;
    sb.patch("/securityprofiles/BUYER_PROFILE", &admin, json!({"ID": "BUYER_PROFILE_2"})).await;
    let (_, cfg) = sb.get("/impersonationconfig/CALL_CENTER_STOREFRONT", &admin).await;
    assert_eq!(
        (cfg["ImpersonationGroupID"].as_str(), cfg["SecurityProfileID"].as_str()),
        (Some("CALL_CENTER_2"), Some("BUYER_PROFILE_2")),
        "{cfg}"
    );
    let rep = sb.login("rep01", "Gatehouse-Rep01").await;
    assert!(roles_of(&rep).contains(&"BuyerImpersonation".to_string()));
    let (s, b) =
        sb.post("/buyers/BUYER_ORGANIZATION/users/BUYER01_RENAMED/accesstoken", &rep, json!({"ClientID": STORE})).await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // the buyer renamed: users, groups, memberships, assignments and configs move with it
    sb.post("/apiclients/assignments", &admin, json!({"ApiClientID": STORE, "BuyerID": BUYER})).await;
    let (s, b) = sb.patch("/buyers/BUYER_ORGANIZATION", &admin, json!({"ID": "ACME"})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, users) = sb.get("/buyers/ACME/users", &admin).await;
    assert_eq!((s, users["Meta"]["TotalCount"].as_i64()), (StatusCode::OK, Some(4)), "{users}");
    let (_, groups) = sb.get("/buyers/ACME/usergroups/assignments", &admin).await;
    assert_eq!(groups["Meta"]["TotalCount"], 2, "{groups}");
    let (_, cfg) = sb.get("/impersonationconfig/CALL_CENTER_STOREFRONT", &admin).await;
    assert_eq!(cfg["BuyerID"], "ACME");
    let (_, ca) = sb.get("/apiclients/assignments", &admin).await;
    assert!(ca["Items"].as_array().unwrap().iter().any(|a| a["BuyerID"] == "ACME"), "{ca}");
    let (s, t) = sb.login_full(CLIENT, "impostor", "impostor001", None).await;
    assert_eq!(s, StatusCode::OK, "users of a renamed buyer still sign in: {t}");
    assert!(
        roles_of(t["access_token"].as_str().unwrap()).contains(&"Shopper".to_string()),
        "the buyer-level profile followed"
    );
    let (_, me) = sb.get("/me", t["access_token"].as_str().unwrap()).await;
    assert_eq!(me["Buyer"]["ID"], "ACME");
    // a new buyer under the old ID is empty and grants nothing
    sb.post("/buyers", &admin, json!({"ID": BUYER, "Name": "Reused", "Active": true})).await;
    let (_, users) = sb.get("/buyers/BUYER_ORGANIZATION/users", &admin).await;
    assert_eq!(users["Meta"]["TotalCount"], 0);
    let (_, b) = sb.post("/buyers/BUYER_ORGANIZATION/users", &admin, json!({"ID": "FRESH", "Username": "fresh", "Password": "freshpass01", "FirstName": "F", "LastName": "R", "Email": "f@x.io", "Active": true})).await;
    assert_eq!(b["AvailableRoles"], json!([]), "{b}");

    // a supplier renamed: its users, groups, memberships and profile assignments move with it
    sb.post("/suppliers", &admin, json!({"ID": "SUPPLY", "Name": "Supply", "Active": true})).await;
    sb.post("/suppliers/SUPPLY/users", &admin, json!({"ID": "S1", "Username": "supply01", "Password": "supplypass1", "FirstName": "S", "LastName": "U", "Email": "s@x.io", "Active": true})).await;
    sb.post("/suppliers/SUPPLY/usergroups", &admin, json!({"ID": "SG", "Name": "Supply group"})).await;
    sb.post("/suppliers/SUPPLY/usergroups/assignments", &admin, json!({"UserGroupID": "SG", "UserID": "S1"})).await;
    sb.post(
        "/securityprofiles/assignments",
        &admin,
        json!({"SecurityProfileID": "POWER", "SupplierID": "SUPPLY", "UserGroupID": "SG"}),
    )
    .await;
    sb.post("/apiclients/assignments", &admin, json!({"ApiClientID": CLIENT, "SupplierID": "SUPPLY"})).await;
    let (s, b) = sb.patch("/suppliers/SUPPLY", &admin, json!({"ID": "SUPPLY2"})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, u) = sb.get("/suppliers/SUPPLY2/users/S1", &admin).await;
    assert_eq!(u["AvailableRoles"], json!(["BuyerAdmin", "OrderAdmin"]), "the group-level profile followed: {u}");
    let (s, t) = sb.login_full(CLIENT, "supply01", "supplypass1", None).await;
    assert_eq!(s, StatusCode::OK, "the client assignment followed: {t}");
    sb.post("/suppliers", &admin, json!({"ID": "SUPPLY", "Name": "Reused", "Active": true})).await;
    let (_, groups) = sb.get("/suppliers/SUPPLY/usergroups", &admin).await;
    assert_eq!(groups["Meta"]["TotalCount"], 0, "{groups}");
    // an API client's ID is the API's to choose: a new one in a body changes nothing
    let (s, b) =
        sb.patch(&format!("/apiclients/{STORE}"), &admin, json!({"ID": "MINE", "AppName": "Storefront"})).await;
    assert!(s == StatusCode::OK || s == StatusCode::BAD_REQUEST, "{b}");
    assert_eq!(sb.get(&format!("/apiclients/{STORE}"), &admin).await.0, StatusCode::OK);
    assert_eq!(sb.get("/apiclients/MINE", &admin).await.0, StatusCode::NOT_FOUND);

    // a username change carries the clients acting as that user
    sb.patch(&format!("/apiclients/{STORE}"), &admin, json!({"DefaultContextUserName": "impostor"})).await;
    sb.patch("/buyers/ACME/users/BUYER01", &admin, json!({"Username": "impostor2"})).await;
    let (_, c) = sb.get(&format!("/apiclients/{STORE}"), &admin).await;
    assert_eq!(c["DefaultContextUserName"], "impostor2");
}

#[tokio::test]
async fn granting_a_role_needs_it_or_grant_for_any_role() {
    let sb = start().await;
    let admin = sb.admin().await;
    isolate_admins(&sb, &admin).await;
    let manager =
        user_with_roles(&sb, &admin, None, "MGR", &["SecurityProfileAdmin", "SetSecurityProfile", "BuyerAdmin"]).await;
    // a profile of roles the manager holds
    let (s, b) =
        sb.post("/securityprofiles", &manager, json!({"ID": "OK", "Name": "ok", "Roles": ["BuyerAdmin"]})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    // FullAccess, or any role not held: refused, naming what is missing
    for roles in [json!(["FullAccess"]), json!(["BuyerAdmin", "OrderAdmin"])] {
        let (s, b) = sb.post("/securityprofiles", &manager, json!({"Name": "escalate", "Roles": roles})).await;
        assert_eq!((s, error_code(&b)), (StatusCode::FORBIDDEN, "InsufficientRoles"), "{b}");
        assert_eq!(b["Errors"][0]["Data"]["SufficientRoles"], json!(["FullAccess", "GrantForAnyRole"]));
    }
    let (_, b) = sb
        .post("/securityprofiles", &manager, json!({"Name": "escalate", "Roles": ["BuyerAdmin", "OrderAdmin"]}))
        .await;
    assert_eq!(b["Errors"][0]["Data"]["MissingRoles"], json!(["OrderAdmin"]));
    let (s, _) = sb.patch("/securityprofiles/OK", &manager, json!({"Roles": ["BuyerAdmin", "FullAccess"]})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = sb.put("/securityprofiles/OK", &manager, json!({"Name": "ok", "Roles": ["AdminUserAdmin"]})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // assigning a profile holding roles not held: refused; one within them: allowed
    let (s, b) = sb
        .post("/securityprofiles/assignments", &manager, json!({"SecurityProfileID": "ADMIN_PROFILE", "UserID": "MGR"}))
        .await;
    assert_eq!((s, error_code(&b)), (StatusCode::FORBIDDEN, "InsufficientRoles"), "{b}");
    let (s, _) =
        sb.post("/securityprofiles/assignments", &manager, json!({"SecurityProfileID": "OK", "UserID": "MGR"})).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    // a config handing impersonators a profile with roles not held: refused
    let (s, b) = sb.post("/impersonationconfig", &manager, json!({"ImpersonationUserID": "MGR", "BuyerID": BUYER, "SecurityProfileID": "BUYER_PROFILE", "ClientID": STORE})).await;
    assert_eq!((s, error_code(&b)), (StatusCode::FORBIDDEN, "InsufficientRoles"), "{b}");
    // the seed admin holds GrantForAnyRole and may grant what it lacks
    let (s, b) = sb
        .post("/securityprofiles", &admin, json!({"ID": "SHOP", "Name": "shop", "Roles": ["Shopper", "OrderAdmin"]}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");

    // custom roles never act as API roles: refused by name, and inert if already stored
    let (s, b) = sb
        .post("/securityprofiles", &admin, json!({"Name": "sneaky", "Roles": [], "CustomRoles": ["FullAccess"]}))
        .await;
    assert_eq!((s, error_code(&b)), (StatusCode::BAD_REQUEST, "ValidationFailure"), "{b}");
    assert_eq!(b["Errors"][0]["Data"]["Property"], "CustomRoles");
    gatehouse_sandbox::db::write(&sb.app.pool, |tx| {
        let mut data = serde_json::Map::new();
        data.insert("Name".into(), json!("legacy"));
        data.insert("Roles".into(), json!(["MeAdmin"]));
        data.insert("CustomRoles".into(), json!(["FullAccess", "catalog-editor"]));
        gatehouse_sandbox::db::insert(tx, gatehouse_model::resources::Kind::SecurityProfile, "", "LEGACY", &data, None)
            .map(|_| ())
    })
    .unwrap();
    sb.post("/securityprofiles/assignments", &admin, json!({"SecurityProfileID": "LEGACY", "BuyerID": BUYER})).await;
    let shopper = sb.login("buyer01", "buyerpass01").await;
    let roles = roles_of(&shopper);
    assert!(roles.contains(&"catalog-editor".to_string()) && !roles.contains(&"FullAccess".to_string()), "{roles:?}");
    let (s, _) = sb.get("/adminusers", &shopper).await;
    assert_ne!(s, StatusCode::OK);
}

#[tokio::test]
async fn buyer_and_supplier_users_stay_in_their_company() {
    let sb = start().await;
    let admin = sb.admin().await;
    sb.post("/buyers", &admin, json!({"ID": "OTHER", "Name": "Other", "Active": true})).await;
    sb.post("/buyers/OTHER/users", &admin, json!({"ID": "O1", "Username": "other01", "Password": "otherpass01", "FirstName": "O", "LastName": "U", "Email": "o@x.io", "Active": true})).await;
    sb.post("/suppliers", &admin, json!({"ID": "SUP", "Name": "Supplier", "Active": true})).await;
    sb.post("/suppliers", &admin, json!({"ID": "SUP2", "Name": "Supplier 2", "Active": true})).await;
    let every = [
        "BuyerAdmin",
        "BuyerUserAdmin",
        "UserGroupAdmin",
        "SupplierAdmin",
        "SupplierUserAdmin",
        "SupplierUserGroupAdmin",
        "ApiClientAdmin",
        "SecurityProfileAdmin",
        "SetSecurityProfile",
        "AdminUserAdmin",
        "AdminUserGroupAdmin",
    ];
    let buyer = user_with_roles(&sb, &admin, Some(("buyer", BUYER)), "BADMIN", &every).await;
    // their own buyer works
    let (s, b) = sb.get("/buyers", &buyer).await;
    assert_eq!((s, b["Meta"]["TotalCount"].as_i64()), (StatusCode::OK, Some(1)), "{b}");
    assert_eq!(b["Items"][0]["ID"], BUYER);
    assert_eq!(sb.get("/buyers/BUYER_ORGANIZATION/users", &buyer).await.0, StatusCode::OK);
    // another buyer's objects are not there
    for path in [
        "/buyers/OTHER",
        "/buyers/OTHER/users",
        "/buyers/OTHER/users/O1",
        "/buyers/OTHER/usergroups",
        "/buyers/OTHER/usergroups/assignments",
        "/suppliers/SUP",
        "/suppliers/SUP/users",
    ] {
        let (s, b) = sb.get(path, &buyer).await;
        assert_eq!((s, error_code(&b)), (StatusCode::NOT_FOUND, "NotFound"), "{path}: {b}");
    }
    let (s, _) = sb.patch("/buyers/OTHER/users/O1", &buyer, json!({"Password": "hijacked0001"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = sb.delete("/buyers/OTHER", &buyer).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = sb.put("/buyers/OTHER", &buyer, json!({"Name": "mine now", "Active": true})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, b) = sb.get("/suppliers", &buyer).await;
    assert_eq!(b["Meta"]["TotalCount"], 0, "{b}");
    // new companies and the seller's resources are out of reach, whatever the roles
    let (s, b) = sb.post("/buyers", &buyer, json!({"ID": "MINE", "Name": "Mine", "Active": true})).await;
    assert_eq!((s, error_code(&b)), (StatusCode::FORBIDDEN, "OutsideCompany"), "{b}");
    for (method, path, body) in [
        (Method::GET, "/apiclients", None),
        (Method::GET, "/securityprofiles", None),
        (Method::GET, "/adminusers", None),
        (Method::GET, "/usergroups/assignments", None),
        (
            Method::POST,
            "/securityprofiles/assignments",
            Some(json!({"SecurityProfileID": "ADMIN_PROFILE", "BuyerID": BUYER, "UserID": "BADMIN"})),
        ),
        (Method::POST, "/apiclients/assignments", Some(json!({"ApiClientID": STORE, "BuyerID": BUYER}))),
        (Method::DELETE, "/adminusers/ADMIN/tokens", None),
    ] {
        let (s, b) = sb.call(method.clone(), path, Some(&buyer), body).await;
        assert_eq!((s, error_code(&b)), (StatusCode::FORBIDDEN, "OutsideCompany"), "{method} {path}: {b}");
    }
    // a supplier user likewise
    sb.patch(&format!("/apiclients/{CLIENT}"), &admin, json!({"AllowAnySupplier": true})).await;
    let supplier = user_with_roles(&sb, &admin, Some(("supplier", "SUP")), "SADMIN", &every).await;
    assert_eq!(sb.get("/suppliers/SUP/users", &supplier).await.0, StatusCode::OK);
    assert_eq!(sb.get("/suppliers/SUP2/users", &supplier).await.0, StatusCode::NOT_FOUND);
    assert_eq!(sb.get("/buyers/BUYER_ORGANIZATION/users", &supplier).await.0, StatusCode::NOT_FOUND);
    let (_, b) = sb.get("/buyers", &supplier).await;
    assert_eq!(b["Meta"]["TotalCount"], 0);
    let (_, b) = sb.get("/suppliers", &supplier).await;
    assert_eq!((b["Meta"]["TotalCount"].as_i64(), b["Items"][0]["ID"].as_str()), (Some(1), Some("SUP")));
}

#[tokio::test]
async fn an_anonymous_shopper_never_reaches_its_template_user() {
    let sb = start().await;
    let admin = sb.admin().await;
    // the template user holds BuyerUserAdmin: an anonymous token inherits it, but not the user
    sb.post("/securityprofiles", &admin, json!({"ID": "TEMPLATE", "Name": "t", "Roles": ["BuyerUserAdmin"]})).await;
    sb.post(
        "/securityprofiles/assignments",
        &admin,
        json!({"SecurityProfileID": "TEMPLATE", "BuyerID": BUYER, "UserID": "BUYER01"}),
    )
    .await;
    sb.patch(
        &format!("/apiclients/{STORE}"),
        &admin,
        json!({"IsAnonBuyer": true, "DefaultContextUserName": "buyer01"}),
    )
    .await;
    let (s, t) = sb.token_form(&[("grant_type", "client_credentials"), ("client_id", STORE)]).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let anon = t["access_token"].as_str().unwrap();
    assert!(roles_of(anon).contains(&"BuyerUserAdmin".to_string()));
    let (s, _) = sb.get("/buyers/BUYER_ORGANIZATION/users/BUYER01", anon).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = sb.patch("/buyers/BUYER_ORGANIZATION/users/BUYER01", anon, json!({"Password": "takeover0001"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, list) = sb.get("/buyers/BUYER_ORGANIZATION/users", anon).await;
    assert!(!list["Items"].as_array().unwrap().iter().any(|u| u["ID"] == "BUYER01"), "{list}");
    assert_eq!(sb.login_full(CLIENT, "buyer01", "buyerpass01", None).await.0, StatusCode::OK, "credentials unchanged");
}

#[tokio::test]
async fn impersonation_is_limited_and_recorded() {
    let sb = start().await;
    let admin = sb.admin().await;
    let rep = sb.login("rep01", "Gatehouse-Rep01").await;
    let act = |token: String| {
        let sb = &sb;
        async move {
            sb.post("/buyers/BUYER_ORGANIZATION/users/BUYER01/accesstoken", &token, json!({"ClientID": STORE})).await
        }
    };
    // the config's client inactive, or not admitting the buyer: refused
    sb.patch(&format!("/apiclients/{STORE}"), &admin, json!({"Active": false})).await;
    let (s, b) = act(rep.clone()).await;
    assert_eq!((s, error_code(&b)), (StatusCode::BAD_REQUEST, "Auth.ClientNotActive"), "{b}");
    sb.patch(&format!("/apiclients/{STORE}"), &admin, json!({"Active": true, "AllowAnyBuyer": false})).await;
    let (s, b) = act(rep.clone()).await;
    assert_eq!((s, error_code(&b)), (StatusCode::FORBIDDEN, "Auth.UnauthorizedClient"), "{b}");
    sb.post("/apiclients/assignments", &admin, json!({"ApiClientID": STORE, "BuyerID": BUYER})).await;
    assert_eq!(act(rep.clone()).await.0, StatusCode::OK, "an assignment admits the buyer");
    // the target or its buyer inactive: refused
    sb.patch("/buyers/BUYER_ORGANIZATION/users/BUYER01", &admin, json!({"Active": false})).await;
    assert_eq!(act(rep.clone()).await.0, StatusCode::BAD_REQUEST);
    sb.patch("/buyers/BUYER_ORGANIZATION/users/BUYER01", &admin, json!({"Active": true})).await;
    sb.patch("/buyers/BUYER_ORGANIZATION", &admin, json!({"Active": false})).await;
    let (s, b) = act(rep.clone()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    sb.patch("/buyers/BUYER_ORGANIZATION", &admin, json!({"Active": true})).await;

    // an impersonation token cannot change the user's credentials or state
    let (s, b) = act(rep.clone()).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let imp = b["access_token"].as_str().unwrap().to_string();
    for body in [
        json!({"Password": "changedpass1"}),
        json!({"Username": "hijack"}),
        json!({"Active": false}),
        json!({"ID": "MOVED"}),
    ] {
        let (s, b) = sb.patch("/me", &imp, body.clone()).await;
        assert_eq!((s, error_code(&b)), (StatusCode::FORBIDDEN, "Impersonation.Restricted"), "{body}: {b}");
    }
    let (s, b) = sb.put("/me", &imp, json!({"Username": "buyer01", "FirstName": "Changed", "LastName": "User", "Email": "buyer01@example.com", "Active": true})).await;
    assert_eq!(s, StatusCode::OK, "other fields may change: {b}");
    assert_eq!(sb.login_full(CLIENT, "buyer01", "buyerpass01", None).await.0, StatusCode::OK);

    // every token issued is recorded; admins with BuyerImpersonation read the record
    let (s, log) = sb.get("/impersonations", &rep).await;
    assert_eq!(s, StatusCode::OK, "{log}");
    assert_eq!(log["Meta"]["TotalCount"], 2, "{log}");
    let last = &log["Items"][0];
    assert_eq!(
        (
            last["ImpersonatorUsername"].as_str(),
            last["UserID"].as_str(),
            last["BuyerID"].as_str(),
            last["ClientID"].as_str(),
            last["ClientName"].as_str(),
            last["Revoked"].as_bool()
        ),
        (Some("rep01"), Some("BUYER01"), Some(BUYER), Some(STORE), Some("Storefront"), Some(false)),
        "{last}"
    );
    assert_eq!(last["Roles"], json!(["Shopper", "MeAdmin", "MeAddressAdmin", "MeXpAdmin", "MeCreditCardAdmin"]));
    assert!(last["Issued"].is_string() && last["Expires"].is_string());
    let (s, b) = sb.get("/impersonations", &admin).await;
    assert_eq!((s, error_code(&b)), (StatusCode::FORBIDDEN, "InsufficientRoles"), "without BuyerImpersonation: {b}");
    // revoking the rep's tokens ends the impersonation tokens it obtained, and the record says so
    std::thread::sleep(Duration::from_millis(5));
    let (s, _) = sb.delete("/adminusers/REP01/tokens", &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, b) = sb.get("/me", &imp).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    let rep = sb.login("rep01", "Gatehouse-Rep01").await;
    let (_, log) = sb.get("/impersonations?sortBy=!Issued", &rep).await;
    assert!(log["Items"].as_array().unwrap().iter().all(|r| r["Revoked"] == true), "{log}");
    // the document lists it, marked as a sandbox extension
    let (_, doc) = sb.call(Method::GET, "/openapi/v3", None, None).await;
    assert_eq!(doc["paths"]["/impersonations"]["get"]["x-sandbox-extension"], true);
    assert_eq!(
        doc["paths"]["/impersonations"]["get"]["security"][0]["OAuth2"],
        json!(["FullAccess", "BuyerImpersonation"])
    );
}

#[tokio::test]
async fn concurrent_patches_of_different_fields_both_survive() {
    let sb = start().await;
    let admin = sb.admin().await;
    for round in 0..15 {
        let (first, second) = (format!("F{round}"), format!("L{round}"));
        let a = sb.patch(
            "/buyers/BUYER_ORGANIZATION/users/BUYER01",
            &admin,
            json!({"FirstName": first, "xp": {"a": round}}),
        );
        let b = sb.patch(
            "/buyers/BUYER_ORGANIZATION/users/BUYER01",
            &admin,
            json!({"LastName": second, "xp": {"b": round}}),
        );
        let ((sa, _), (sb_, _)) = tokio::join!(a, b);
        assert_eq!((sa, sb_), (StatusCode::OK, StatusCode::OK));
        let (_, u) = sb.get("/buyers/BUYER_ORGANIZATION/users/BUYER01", &admin).await;
        assert_eq!(
            (u["FirstName"].as_str(), u["LastName"].as_str()),
            (Some(first.as_str()), Some(second.as_str())),
            "round {round}: {u}"
        );
        assert_eq!((u["xp"]["a"].as_i64(), u["xp"]["b"].as_i64()), (Some(round), Some(round)), "round {round}: {u}");
    }
}

#[tokio::test]
async fn sign_in_reveals_nothing_and_lockout_is_counted_atomically() {
    let sb = start().await;
    let admin = sb.admin().await;
    let attempt = |user: &'static str, password: &'static str| {
        let (http, base) = (sb.http.clone(), sb.base.clone());
        async move {
            let form = [("grant_type", "password"), ("client_id", CLIENT), ("username", user), ("password", password)];
            let res = http.post(format!("{base}/oauth/token")).form(&form).send().await.unwrap();
            let status = res.status();
            (status, res.json::<Value>().await.unwrap(), ())
        }
    };
    // an unknown username: the same answer as a wrong password, after the same hashing work
    // (counted, not timed: other tests share the cores)
    let verified = || sb.app.hub.password_checks.load(std::sync::atomic::Ordering::SeqCst);
    let before = verified();
    let (s1, b1, _) = attempt("nobody-at-all", "whatever-pass").await;
    assert_eq!(verified(), before + 1, "an unknown username is hashed like any other");
    let (s2, b2, _) = attempt("rep01", "whatever-pass").await;
    assert_eq!(verified(), before + 2);
    assert_eq!((s1, &b1["Errors"], &b1["error"]), (s2, &b2["Errors"], &b2["error"]));
    // AllowedFailedAttempts = 3, and a parallel burst of 12 wrong passwords
    sb.patch(
        "/securityprofiles/BUYER_PROFILE",
        &admin,
        json!({"PasswordConfig": {"AllowedFailedAttempts": 3, "LockoutDuration": 0}}),
    )
    .await;
    let burst: Vec<_> = (0..12).map(|_| tokio::spawn(attempt("buyer01", "wrong-password"))).collect();
    for t in burst {
        let (s, b, _) = t.await.unwrap();
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(["Auth.InvalidUsernameOrPassword", "Auth.LockedOut"].contains(&error_code(&b)), "{b}");
    }
    let (s, b, _) = attempt("buyer01", "buyerpass01").await;
    assert_eq!(
        (s, error_code(&b)),
        (StatusCode::BAD_REQUEST, "Auth.LockedOut"),
        "the right password after the lockout: {b}"
    );
    let (_, user) = sb.get("/buyers/BUYER_ORGANIZATION/users/BUYER01", &admin).await;
    assert!(user["FailedLoginAttempts"].as_i64().unwrap() >= 3, "{user}");
}

#[tokio::test]
async fn path_ids_usernames_and_database_paths_are_checked() {
    let sb = start().await;
    let admin = sb.admin().await;
    let long = "B".repeat(101);
    for path in
        [format!("/buyers/{long}"), format!("/buyers/{long}/users"), format!("/buyers/BUYER_ORGANIZATION/users/{long}")]
    {
        let (s, b) = sb.get(&path, &admin).await;
        assert_eq!((s, error_code(&b)), (StatusCode::BAD_REQUEST, "ValidationFailure"), "{b}");
        assert_eq!(b["Errors"][0]["Data"]["Rule"], "MaxLength");
    }
    // escapes count as the characters they stand for
    let (s, _) = sb.get(&format!("/buyers/{}", "%41".repeat(100)), &admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = sb.get(&format!("/buyers/{}", "B".repeat(100)), &admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    for username in [" padded", "padded ", "\tpadded"] {
        let (s, b) = sb.post("/adminusers", &admin, json!({"Username": username, "Password": "Padded-Pass1", "FirstName": "P", "LastName": "D", "Email": "p@x.io", "Active": true})).await;
        assert_eq!(
            (s, b["Errors"][0]["Data"]["Property"].as_str()),
            (StatusCode::BAD_REQUEST, Some("Username")),
            "{username:?}: {b}"
        );
    }
    let (s, b) = sb.patch("/me", &admin, json!({"Username": "admin01 "})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    // an unusable database path fails at once, with the reason
    let started = Instant::now();
    let err = match gatehouse_sandbox::App::open(std::path::Path::new("/proc/self/gatehouse-cannot-be-here.db")) {
        Ok(_) => panic!("opened a database in /proc"),
        Err(e) => e,
    };
    assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
    assert!(err.contains("cannot open database"), "{err}");
}
