//! Accounts, organizations, members, invitations, custom roles and applications over real HTTP;
//! and every operation of the OpenAPI document run with one organization's token against the
//! other organization's IDs, which must neither see nor change anything.
mod common;
use common::{claims, error_code, start, Sandbox};
use gatehouse_sandbox::{hub, seed};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn sign_up(sb: &Sandbox, email: &str) -> String {
    let (s, v) = sb
        .call(
            Method::POST,
            "/account/signup",
            None,
            Some(json!({"Email": email, "Password": "Strong-Pass-123", "FirstName": "Pat", "LastName": email})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["access_token"].as_str().unwrap().to_string()
}

async fn sign_in(sb: &Sandbox, email: &str, password: &str) -> (StatusCode, Value) {
    sb.call(Method::POST, "/account/signin", None, Some(json!({"Email": email, "Password": password}))).await
}

async fn org_token(sb: &Sandbox, account: &str, org: &str) -> String {
    let (s, v) = sb.call(Method::POST, &format!("/account/organizations/{org}/token"), Some(account), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["access_token"].as_str().unwrap().to_string()
}

async fn new_org(sb: &Sandbox, account: &str, name: &str) -> String {
    let (s, v) = sb.post("/account/organizations", account, json!({"Name": name})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["Role"], "Admin");
    v["ID"].as_str().unwrap().to_string()
}

/// Invites `email` with `role`; returns the invitation's code (from its link).
async fn invite(sb: &Sandbox, admin: &str, email: &str, role: &str) -> String {
    let (s, v) = sb.post("/organization/invitations", admin, json!({"Email": email, "Role": role})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["Link"].as_str().unwrap().split("invitation=").nth(1).unwrap().to_string()
}

async fn accept(sb: &Sandbox, account: &str, code: &str) -> (StatusCode, Value) {
    sb.call(Method::POST, &format!("/invitations/{code}/accept"), Some(account), None).await
}

#[tokio::test]
async fn accounts_sign_up_sign_in_and_out_and_never_pass_for_marketplace_tokens() {
    let sb = start().await;
    // every problem of a bad sign-up at once
    let (s, v) = sb
        .call(
            Method::POST,
            "/account/signup",
            None,
            Some(json!({"Email": "not-an-email", "Password": "short", "Nick": 1})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let props: Vec<&str> =
        v["Errors"].as_array().unwrap().iter().map(|e| e["Data"]["Property"].as_str().unwrap()).collect();
    for p in ["Email", "Password", "FirstName", "LastName", "Nick"] {
        assert!(props.contains(&p), "{p} missing from {v}");
    }
    let (s, v) = sb.call(Method::POST, "/account/signup", None, Some(json!([1]))).await;
    assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, "Request.InvalidRequestBody"));

    let token = sign_up(&sb, "ann@example.com").await;
    let (s, v) = sb
        .call(
            Method::POST,
            "/account/signup",
            None,
            Some(json!({"Email": "ANN@example.com", "Password": "Strong-Pass-123", "FirstName": "A", "LastName": "B"})),
        )
        .await;
    assert_eq!((s, error_code(&v)), (StatusCode::CONFLICT, "Account.EmailTaken"));
    let (s, me) = sb.get("/account", &token).await;
    assert_eq!((s, me["Email"].as_str()), (StatusCode::OK, Some("ann@example.com")));

    // a wrong password and an unknown email get the same answer
    let (s1, v1) = sign_in(&sb, "ann@example.com", "Wrong-Pass-123").await;
    let (s2, v2) = sign_in(&sb, "nobody@example.com", "Wrong-Pass-123").await;
    assert_eq!((s1, error_code(&v1)), (s2, error_code(&v2)));
    assert_eq!(s1, StatusCode::BAD_REQUEST);
    let (s, v) = sign_in(&sb, "Ann@Example.com", "Strong-Pass-123").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let second = v["access_token"].as_str().unwrap().to_string();

    // account tokens and marketplace tokens are never each other
    let admin = sb.admin().await;
    assert_eq!(sb.get("/account", &admin).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(sb.get("/buyers", &token).await.0, StatusCode::UNAUTHORIZED);

    // signing out ends every account token issued so far
    assert_eq!(sb.call(Method::POST, "/account/signout", Some(&second), None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(sb.get("/account", &token).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(sb.get("/account", &second).await.0, StatusCode::UNAUTHORIZED);
    // a password change too, and the answer carries a fresh token
    let (_, v) = sign_in(&sb, "ann@example.com", "Strong-Pass-123").await;
    let t = v["access_token"].as_str().unwrap().to_string();
    let (s, v) =
        sb.patch("/account", &t, json!({"CurrentPassword": "Strong-Pass-123", "Password": "Another-Pass-456"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(sb.get("/account", &t).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(sb.get("/account", v["access_token"].as_str().unwrap()).await.0, StatusCode::OK);
    assert_eq!(sign_in(&sb, "ann@example.com", "Another-Pass-456").await.0, StatusCode::OK);
}

#[tokio::test]
async fn wrong_passwords_lock_an_account_for_a_while() {
    let sb = start().await;
    sign_up(&sb, "ann@example.com").await;
    for _ in 0..hub::ACCOUNT_ATTEMPTS - 1 {
        assert_eq!(
            error_code(&sign_in(&sb, "ann@example.com", "Wrong-Pass-123").await.1),
            "Account.InvalidEmailOrPassword"
        );
    }
    // a right password resets the count
    assert_eq!(sign_in(&sb, "ann@example.com", "Strong-Pass-123").await.0, StatusCode::OK);
    for _ in 0..hub::ACCOUNT_ATTEMPTS - 1 {
        sign_in(&sb, "ann@example.com", "Wrong-Pass-123").await;
    }
    let (s, v) = sign_in(&sb, "ann@example.com", "Wrong-Pass-123").await;
    assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, "Account.LockedOut"), "{v}");
    // locked: even the right password is refused, without costing a hash
    let checks = sb.app.hub.password_checks.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(error_code(&sign_in(&sb, "ann@example.com", "Strong-Pass-123").await.1), "Account.LockedOut");
    assert_eq!(sb.app.hub.password_checks.load(std::sync::atomic::Ordering::SeqCst), checks);
    // and once the lock has run out, it works again
    sb.app.hub.pool.get().unwrap().execute("UPDATE accounts SET locked_until_ms = 1", []).unwrap();
    assert_eq!(sign_in(&sb, "ann@example.com", "Strong-Pass-123").await.0, StatusCode::OK);
}

#[tokio::test]
async fn concurrent_joins_and_demotions_keep_the_rules() {
    let sb = start().await;
    let ann = sign_up(&sb, "ann@example.com").await;
    let org = new_org(&sb, &ann, "Shop").await;
    let admin = org_token(&sb, &ann, &org).await;
    // two Admins demoting each other at once: one of them stays Admin
    let code = invite(&sb, &admin, "bob@example.com", "Admin").await;
    let bob = sign_up(&sb, "bob@example.com").await;
    assert_eq!(accept(&sb, &bob, &code).await.0, StatusCode::OK);
    let bob_admin = org_token(&sb, &bob, &org).await;
    let (_, members) = sb.get("/organization/members", &admin).await;
    let id = |email: &str| {
        members["Items"].as_array().unwrap().iter().find(|m| m["Email"] == email).unwrap()["AccountID"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (to_bob, to_ann) = (
        format!("/organization/members/{}", id("bob@example.com")),
        format!("/organization/members/{}", id("ann@example.com")),
    );
    let (a, b) = tokio::join!(
        sb.patch(&to_bob, &admin, json!({"Role": "Member"})),
        sb.patch(&to_ann, &bob_admin, json!({"Role": "Member"}))
    );
    // one wins; the other is refused: as the last Admin (409), or because the winner's demotion
    // already ended the loser's token (401)
    let statuses = [a.0, b.0];
    assert!(statuses.contains(&StatusCode::OK), "{statuses:?}");
    assert!(statuses.iter().any(|s| *s == StatusCode::CONFLICT || *s == StatusCode::UNAUTHORIZED), "{statuses:?}");
    let admins = hub::memberships_of_org(&sb.app.hub.pool, &org).unwrap().iter().filter(|m| m.role == "Admin").count();
    assert_eq!(admins, 1);
    // the same invitation accepted twice at once: one membership
    let code = invite(
        &sb,
        &org_token(&sb, if a.0 == StatusCode::OK { &ann } else { &bob }, &org).await,
        "cy@example.com",
        "Member",
    )
    .await;
    let cy = sign_up(&sb, "cy@example.com").await;
    let (x, y) = tokio::join!(accept(&sb, &cy, &code), accept(&sb, &cy, &code));
    assert!([x.0, y.0].contains(&StatusCode::OK), "{x:?} {y:?}");
    assert_eq!(hub::memberships_of_org(&sb.app.hub.pool, &org).unwrap().len(), 3);
    let t = org_token(&sb, &cy, &org).await;
    assert_eq!(sb.get("/buyers", &t).await.0, StatusCode::OK);
}

#[tokio::test]
async fn members_roles_and_the_last_admin() {
    let sb = start().await;
    let ann = sign_up(&sb, "ann@example.com").await;
    let org = new_org(&sb, &ann, "Ann's shop").await;
    let ann_org = org_token(&sb, &ann, &org).await;
    let (s, v) = sb.get("/organization", &ann_org).await;
    assert_eq!((s, v["Role"].as_str(), v["Name"].as_str()), (StatusCode::OK, Some("Admin"), Some("Ann's shop")));

    // a Member: works with buyers, reads who has access, manages nothing of the organization
    let code = invite(&sb, &ann_org, "bob@example.com", "Member").await;
    let bob = sign_up(&sb, "bob@example.com").await;
    let (s, v) = accept(&sb, &bob, &code).await;
    assert_eq!((s, v["Role"].as_str()), (StatusCode::OK, Some("Member")), "{v}");
    let bob_org = org_token(&sb, &bob, &org).await;
    assert_eq!(
        sb.post("/buyers", &bob_org, json!({"ID": "B1", "Name": "Bob's buyer", "Active": true})).await.0,
        StatusCode::CREATED
    );
    assert_eq!(sb.get("/securityprofiles", &bob_org).await.0, StatusCode::OK);
    assert_eq!(sb.get("/adminusers", &bob_org).await.0, StatusCode::OK);
    for (method, path, body) in [
        (Method::GET, "/apiclients", None),
        (Method::POST, "/apiclients", Some(json!({"AppName": "x", "Active": true}))),
        (Method::POST, "/securityprofiles", Some(json!({"ID": "P", "Name": "p", "Roles": ["FullAccess"]}))),
        (Method::POST, "/securityprofiles/assignments", Some(json!({"SecurityProfileID": "ORG_ADMIN", "UserID": "x"}))),
        (Method::GET, "/impersonationconfig", None),
    ] {
        let (s, v) = sb.call(method.clone(), path, Some(&bob_org), body).await;
        assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, "InsufficientRoles"), "{method} {path}");
    }
    for (method, path, body) in [
        (Method::POST, "/organization/invitations", Some(json!({"Email": "c@example.com", "Role": "Member"}))),
        (Method::GET, "/organization/invitations", None),
        (Method::PATCH, "/organization", Some(json!({"Name": "mine"}))),
        (Method::POST, "/organization/applications", Some(json!({"Kind": "Webapp", "Name": "w"}))),
        (Method::POST, "/organization/roles", Some(json!({"Name": "r", "Roles": ["BuyerReader"]}))),
    ] {
        let (s, v) = sb.call(method.clone(), path, Some(&bob_org), body).await;
        assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, "Organization.AdminOnly"), "{method} {path}: {v}");
    }
    let (s, v) = sb.get("/organization/members", &bob_org).await;
    assert_eq!((s, v["Items"].as_array().unwrap().len()), (StatusCode::OK, 2));
    let bob_id = v["Items"].as_array().unwrap().iter().find(|m| m["Email"] == "bob@example.com").unwrap()["AccountID"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, me) = sb.get("/account", &ann).await;
    let ann_id = me["ID"].as_str().unwrap().to_string();

    // "an" before a vowel sound, "a" before a consonant one
    let (_, v) = sb.post("/adminusers", &ann_org, json!({"ID": "U", "Username": "u-one", "FirstName": "U", "LastName": "O", "Email": "u@example.com", "Active": true})).await;
    assert_eq!(v["ID"], "U");
    let (_, v) = sb.post("/adminusers", &ann_org, json!({"ID": "U", "Username": "u-two", "FirstName": "U", "LastName": "O", "Email": "u@example.com", "Active": true})).await;
    assert_eq!(v["Errors"][0]["Message"], "An admin user with ID U already exists.");
    // a marketplace user of the organization is not a member
    let (s, v) = sb.get("/organization", &sb.admin().await).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, "Organization.NotAMember"));

    // the last Admin stays
    let (s, v) = sb.patch(&format!("/organization/members/{ann_id}"), &ann_org, json!({"Role": "Member"})).await;
    assert_eq!((s, error_code(&v)), (StatusCode::CONFLICT, "Organization.LastAdmin"));
    assert_eq!(sb.delete(&format!("/organization/members/{ann_id}"), &ann_org).await.0, StatusCode::CONFLICT);
    assert_eq!(sb.delete(&format!("/account/organizations/{org}"), &ann).await.0, StatusCode::CONFLICT);
    let (s, v) = sb.patch(&format!("/organization/members/{bob_id}"), &ann_org, json!({"Role": "Owner"})).await;
    assert_eq!((s, v["Errors"][0]["Data"]["Property"].as_str()), (StatusCode::BAD_REQUEST, Some("Role")));

    // a role change takes effect at once: the old token is refused, a new one has the new roles
    let (s, _) = sb.patch(&format!("/organization/members/{bob_id}"), &ann_org, json!({"Role": "Admin"})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(sb.get("/buyers", &bob_org).await.0, StatusCode::UNAUTHORIZED);
    let bob_org = org_token(&sb, &bob, &org).await;
    assert_eq!(claims(&bob_org)["role"], "FullAccess");
    // now Ann may step down and leave
    assert_eq!(sb.delete(&format!("/account/organizations/{org}"), &ann).await.0, StatusCode::NO_CONTENT);
    assert_eq!(sb.get("/buyers", &ann_org).await.0, StatusCode::UNAUTHORIZED);
    let (s, _) = sb.call(Method::POST, &format!("/account/organizations/{org}/token"), Some(&ann), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, v) = sb.get("/account/organizations", &ann).await;
    assert_eq!(v["Items"].as_array().unwrap().len(), 0);
    // removal by an Admin: the same
    let code = invite(&sb, &bob_org, "ann@example.com", "Member").await;
    assert_eq!(accept(&sb, &ann, &code).await.0, StatusCode::OK);
    let ann_org = org_token(&sb, &ann, &org).await;
    assert_eq!(sb.get("/buyers", &ann_org).await.0, StatusCode::OK);
    assert_eq!(sb.delete(&format!("/organization/members/{ann_id}"), &bob_org).await.0, StatusCode::NO_CONTENT);
    assert_eq!(sb.get("/buyers", &ann_org).await.0, StatusCode::UNAUTHORIZED);
    // someone else's organization is not found, for a token or for leaving
    assert_eq!(
        sb.call(Method::POST, &format!("/account/organizations/{org}/token"), Some(&ann), None).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn invitations_are_single_use_expire_can_be_revoked_and_name_one_email() {
    let sb = start().await;
    let ann = sign_up(&sb, "ann@example.com").await;
    let org = new_org(&sb, &ann, "Shop").await;
    let admin = org_token(&sb, &ann, &org).await;
    let carl = sign_up(&sb, "carl@example.com").await;

    // anyone holding the link sees what it offers
    let code = invite(&sb, &admin, "carl@example.com", "Member").await;
    let (s, v) = sb.call(Method::GET, &format!("/invitations/{code}"), None, None).await;
    assert_eq!(
        (s, v["Organization"]["Name"].as_str(), v["Status"].as_str(), v["AccountExists"].as_bool()),
        (StatusCode::OK, Some("Shop"), Some("Pending"), Some(true))
    );
    // a second invitation for the same email while one is pending
    let (s, v) =
        sb.post("/organization/invitations", &admin, json!({"Email": "carl@example.com", "Role": "Member"})).await;
    assert_eq!((s, error_code(&v)), (StatusCode::CONFLICT, "Invitation.Pending"));
    // the outbox holds the message with the link
    let outbox = hub::outbox(&sb.app.hub.pool).unwrap();
    assert!(
        outbox.iter().any(|m| m["To"] == "carl@example.com" && m["Body"].as_str().unwrap().contains(&code)),
        "{outbox:?}"
    );

    // the wrong account
    let dora = sign_up(&sb, "dora@example.com").await;
    let (s, v) = accept(&sb, &dora, &code).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, "Invitation.WrongEmail"));
    // the right one, once
    assert_eq!(accept(&sb, &carl, &code).await.0, StatusCode::OK);
    let (s, v) = accept(&sb, &carl, &code).await;
    assert_eq!((s, error_code(&v)), (StatusCode::GONE, "Invitation.Used"));
    // inviting a member
    let (s, v) =
        sb.post("/organization/invitations", &admin, json!({"Email": "carl@example.com", "Role": "Member"})).await;
    assert_eq!((s, error_code(&v)), (StatusCode::CONFLICT, "Organization.AlreadyMember"));

    // revoked
    let code = invite(&sb, &admin, "dora@example.com", "Member").await;
    let (_, list) = sb.get("/organization/invitations", &admin).await;
    let id = list["Items"].as_array().unwrap().iter().find(|i| i["Email"] == "dora@example.com").unwrap()["ID"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(sb.delete(&format!("/organization/invitations/{id}"), &admin).await.0, StatusCode::NO_CONTENT);
    let (s, v) = accept(&sb, &dora, &code).await;
    assert_eq!((s, error_code(&v)), (StatusCode::GONE, "Invitation.Revoked"));
    assert_eq!(sb.delete(&format!("/organization/invitations/{id}"), &admin).await.0, StatusCode::CONFLICT);

    // expired (seven days later)
    let code = invite(&sb, &admin, "dora@example.com", "Member").await;
    let conn = sb.app.hub.pool.get().unwrap();
    conn.execute(
        "UPDATE invitations SET expires_ms = ?1 WHERE code = ?2",
        r2d2_sqlite::rusqlite::params![hub::now_ms() - 1, code],
    )
    .unwrap();
    drop(conn);
    let (s, v) = accept(&sb, &dora, &code).await;
    assert_eq!((s, error_code(&v)), (StatusCode::GONE, "Invitation.Expired"));
    let (_, v) = sb.call(Method::GET, &format!("/invitations/{code}"), None, None).await;
    assert_eq!(v["Status"], "Expired");
    // forged
    let (s, _) = sb.call(Method::GET, "/invitations/forged-code", None, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(accept(&sb, &dora, "forged-code").await.0, StatusCode::NOT_FOUND);
    // an invitation to another organization's role is refused
    let (s, _) =
        sb.post("/organization/invitations", &admin, json!({"Email": "eve@example.com", "Role": "NoSuchRole"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // only the invited account's organizations list shows it
    let (_, v) = sb.get("/account/organizations", &dora).await;
    assert_eq!(v["Items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn custom_roles_are_named_sets_of_api_roles() {
    let sb = start().await;
    let ann = sign_up(&sb, "ann@example.com").await;
    let org = new_org(&sb, &ann, "Shop").await;
    let admin = org_token(&sb, &ann, &org).await;
    let (s, v) = sb
        .post(
            "/organization/roles",
            &admin,
            json!({"ID": "Support", "Name": "Support desk", "Roles": ["BuyerReader", "BuyerUserReader"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = sb.post("/organization/roles", &admin, json!({"ID": "Bad", "Name": "x", "Roles": ["NotARole"]})).await;
    assert_eq!((s, v["Errors"][0]["Data"]["Property"].as_str()), (StatusCode::BAD_REQUEST, Some("Roles")));
    let (s, _) = sb
        .post("/organization/roles", &admin, json!({"ID": "Support", "Name": "again", "Roles": ["BuyerReader"]}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(
        sb.put("/organization/roles/Admin", &admin, json!({"Name": "x", "Roles": ["BuyerReader"]})).await.0,
        StatusCode::FORBIDDEN
    );

    let code = invite(&sb, &admin, "sam@example.com", "Support").await;
    let sam = sign_up(&sb, "sam@example.com").await;
    assert_eq!(accept(&sb, &sam, &code).await.0, StatusCode::OK);
    let t = org_token(&sb, &sam, &org).await;
    let mut roles: Vec<String> = serde_json::from_value(claims(&t)["role"].clone()).unwrap();
    roles.sort();
    assert_eq!(roles, ["BuyerReader", "BuyerUserReader"]);
    assert_eq!(sb.get("/buyers", &t).await.0, StatusCode::OK);
    assert_eq!(sb.post("/buyers", &t, json!({"Name": "x"})).await.0, StatusCode::FORBIDDEN);

    // redefining the role refuses the old tokens; new ones carry the new set
    let (s, _) =
        sb.put("/organization/roles/Support", &admin, json!({"Name": "Support desk", "Roles": ["BuyerAdmin"]})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(sb.get("/buyers", &t).await.0, StatusCode::UNAUTHORIZED);
    let t = org_token(&sb, &sam, &org).await;
    assert_eq!(claims(&t)["role"], "BuyerAdmin");
    assert_eq!(sb.post("/buyers", &t, json!({"Name": "x", "Active": true})).await.0, StatusCode::CREATED);
    // in use: not deleted; once unused: deleted
    let (s, v) = sb.delete("/organization/roles/Support", &admin).await;
    assert_eq!((s, error_code(&v)), (StatusCode::CONFLICT, "Organization.RoleInUse"));
    let (_, members) = sb.get("/organization/members", &admin).await;
    let sam_id = members["Items"].as_array().unwrap().iter().find(|m| m["Email"] == "sam@example.com").unwrap()
        ["AccountID"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        sb.patch(&format!("/organization/members/{sam_id}"), &admin, json!({"Role": "Member"})).await.0,
        StatusCode::OK
    );
    assert_eq!(sb.delete("/organization/roles/Support", &admin).await.0, StatusCode::NO_CONTENT);
    let (_, v) = sb.get("/organization/roles", &admin).await;
    let ids: Vec<&str> = v["Items"].as_array().unwrap().iter().map(|r| r["ID"].as_str().unwrap()).collect();
    assert_eq!(ids, ["Admin", "Member"]);
}

async fn token_request(sb: &Sandbox, form: &Value) -> (StatusCode, Value) {
    let pairs: Vec<(String, String)> =
        form.as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string())).collect();
    let res = sb.http.post(format!("{}/oauth/token", sb.base)).form(&pairs).send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

#[tokio::test]
async fn applications_of_each_kind_issue_the_right_tokens() {
    let sb = start().await;
    let ann = sign_up(&sb, "ann@example.com").await;
    let org = new_org(&sb, &ann, "Shop").await;
    let admin = org_token(&sb, &ann, &org).await;

    // a sales channel: no secret, anonymous shoppers with shopper roles only
    let (s, sales) =
        sb.post("/organization/applications", &admin, json!({"Kind": "SalesChannel", "Name": "Web store"})).await;
    assert_eq!(s, StatusCode::CREATED, "{sales}");
    assert!(sales.get("ClientSecret").is_none());
    let (s, t) = token_request(&sb, &sales["TokenRequest"]).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let shopper = t["access_token"].as_str().unwrap();
    let c = claims(shopper);
    assert!(c["orderid"].is_string());
    let mut roles: Vec<String> = serde_json::from_value(c["role"].clone()).unwrap();
    roles.sort();
    assert_eq!(roles, ["MeAddressAdmin", "MeAdmin", "MeCreditCardAdmin", "MeXpAdmin", "Shopper"]);
    assert_eq!(sb.get("/buyers", shopper).await.0, StatusCode::FORBIDDEN);
    let (s, me) = sb.get("/me", shopper).await;
    assert_eq!((s, me["Anonymous"].as_bool()), (StatusCode::OK, Some(true)));

    // integrations: confidential, client credentials; Read-only reads and never writes
    let (s, v) = sb.post("/organization/applications", &admin, json!({"Kind": "Integration", "Name": "ERP"})).await;
    assert_eq!((s, v["Errors"][0]["Data"]["Property"].as_str()), (StatusCode::BAD_REQUEST, Some("Role")));
    let (s, ro) = sb
        .post("/organization/applications", &admin, json!({"Kind": "Integration", "Name": "ERP", "Role": "ReadOnly"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{ro}");
    let secret = ro["ClientSecret"].as_str().unwrap().to_string();
    assert_eq!(ro["TokenRequest"]["client_secret"], secret.as_str());
    let (s, t) = token_request(&sb, &ro["TokenRequest"]).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let reader = t["access_token"].as_str().unwrap().to_string();
    assert_eq!(sb.get("/buyers", &reader).await.0, StatusCode::OK);
    assert_eq!(sb.post("/buyers", &reader, json!({"Name": "x", "Active": true})).await.0, StatusCode::FORBIDDEN);
    let mut wrong = ro["TokenRequest"].clone();
    wrong["client_secret"] = json!("wrong");
    assert_eq!(token_request(&sb, &wrong).await.0, StatusCode::BAD_REQUEST);
    // the secret is shown once: never in the list
    let (_, list) = sb.get("/organization/applications", &admin).await;
    assert!(!list.to_string().contains(&secret));
    // rotating: the old secret and its tokens stop working
    let id = ro["ID"].as_str().unwrap();
    let (s, rotated) =
        sb.call(Method::POST, &format!("/organization/applications/{id}/secret"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_ne!(rotated["ClientSecret"], secret.as_str());
    assert_eq!(sb.get("/buyers", &reader).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(token_request(&sb, &ro["TokenRequest"]).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(token_request(&sb, &rotated["TokenRequest"]).await.0, StatusCode::OK);

    let (s, adm) = sb
        .post("/organization/applications", &admin, json!({"Kind": "Integration", "Name": "PIM", "Role": "Admin"}))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, t) = token_request(&sb, &adm["TokenRequest"]).await;
    assert_eq!(
        sb.post("/buyers", t["access_token"].as_str().unwrap(), json!({"Name": "x", "Active": true})).await.0,
        StatusCode::CREATED
    );

    // a webapp: no roles of its own; a token carries the signed-in user's roles
    let (s, web) =
        sb.post("/organization/applications", &admin, json!({"Kind": "Webapp", "Name": "Back office"})).await;
    assert_eq!(s, StatusCode::CREATED);
    assert!(sb
        .put("/securityprofiles/READER", &admin, json!({"Name": "r", "Roles": ["BuyerReader"]}))
        .await
        .0
        .is_success());
    assert!(sb.put("/adminusers/U1", &admin, json!({"Username": "u1", "FirstName": "U", "LastName": "One", "Email": "u1@example.com", "Active": true, "Password": "Strong-Pass-123"})).await.0.is_success());
    assert_eq!(
        sb.post("/securityprofiles/assignments", &admin, json!({"SecurityProfileID": "READER", "UserID": "U1"}))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let mut form = web["TokenRequest"].clone();
    form["username"] = json!("u1");
    form["password"] = json!("Strong-Pass-123");
    let (s, t) = token_request(&sb, &form).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(claims(t["access_token"].as_str().unwrap())["role"], "BuyerReader");
    // and an account member through the webapp gets its membership's roles
    let (s, v) = sb.post(&format!("/account/organizations/{org}/token"), &ann, json!({"ClientID": web["ID"]})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(claims(v["access_token"].as_str().unwrap())["cid"], web["ID"]);

    // the raw API shows what was made; renaming renames the API client
    let (s, client) = sb.get(&format!("/apiclients/{}", sales["ID"].as_str().unwrap()), &admin).await;
    assert_eq!((s, client["IsAnonBuyer"].as_bool()), (StatusCode::OK, Some(true)));
    let (s, _) = sb
        .patch(
            &format!("/organization/applications/{}", sales["ID"].as_str().unwrap()),
            &admin,
            json!({"Name": "Store"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, client) = sb.get(&format!("/apiclients/{}", sales["ID"].as_str().unwrap()), &admin).await;
    assert_eq!(client["AppName"], "Store");
    // deleting takes the client and its objects; its tokens are refused
    assert_eq!(
        sb.delete(&format!("/organization/applications/{}", sales["ID"].as_str().unwrap()), &admin).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(sb.get("/me", shopper).await.0, StatusCode::UNAUTHORIZED);
    let obj = sales["ObjectID"].as_str().unwrap();
    assert_eq!(sb.get(&format!("/buyers/{obj}"), &admin).await.0, StatusCode::NOT_FOUND);
    assert_eq!(sb.get(&format!("/securityprofiles/{obj}"), &admin).await.0, StatusCode::NOT_FOUND);
    let (_, list) = sb.get("/organization/applications", &admin).await;
    assert_eq!(list["Items"].as_array().unwrap().len(), 3);
}

/// Everything of the main organization, as rows: what another organization's requests must never
/// change.
fn dump(sb: &Sandbox) -> Vec<String> {
    let conn = sb.app.pool.get().unwrap();
    let mut out = Vec::new();
    for sql in [
        "SELECT kind || '|' || parent || '|' || id || '|' || data || '|' || COALESCE(secret, '') FROM objects ORDER BY seq",
        "SELECT kind || '|' || parent || '|' || key || '|' || data FROM assignments ORDER BY seq",
        "SELECT user_seq || '|' || client_id FROM refresh_tokens ORDER BY hash",
    ] {
        let mut st = conn.prepare(sql).unwrap();
        out.extend(st.query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap));
    }
    out
}

/// The main organization's IDs, by the path parameter that names them.
fn main_id(param: &str, path: &str) -> &'static str {
    match param {
        "buyerID" => seed::BUYER_ID,
        "userID" if path.starts_with("/buyers") => "BUYER01",
        "userID" => "ADMIN",
        "userGroupID" => "CALL_CENTER",
        "securityProfileID" => "ADMIN_PROFILE",
        "apiClientID" => seed::SHARED_CLIENT_ID,
        "impersonationConfigID" => "CALL_CENTER_STOREFRONT",
        "supplierID" => "SUPPLIER",
        _ => "X",
    }
}

#[tokio::test]
async fn no_operation_of_the_document_reaches_another_organization() {
    let sb = start().await;
    // an Admin (FullAccess) of another organization
    let ann = sign_up(&sb, "ann@example.com").await;
    let org = new_org(&sb, &ann, "Other").await;
    let other = org_token(&sb, &ann, &org).await;
    let before = dump(&sb);
    let (_, doc) = sb.call(Method::GET, &format!("{}/v1/openapi/v3", sb.base), None, None).await;
    // what only the main organization has: none of it may appear in any answer
    let secrets = [
        seed::BUYER_ID,
        "admin01",
        "BUYER01",
        "CALL_CENTER",
        "ADMIN_PROFILE",
        seed::SHARED_CLIENT_ID,
        seed::STOREFRONT_CLIENT_ID,
        "rep01",
    ];
    let body = json!({
        "ID": "X", "Name": "x", "AppName": "x", "Active": true, "Username": "someone-new", "FirstName": "a", "LastName": "b",
        "Email": "a@example.com", "BuyerID": seed::BUYER_ID, "UserID": "ADMIN", "UserGroupID": "CALL_CENTER",
        "SecurityProfileID": "ADMIN_PROFILE", "ApiClientID": seed::SHARED_CLIENT_ID, "ClientID": seed::STOREFRONT_CLIENT_ID,
        "ImpersonationGroupID": "CALL_CENTER", "Roles": ["FullAccess"],
    });
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, _) in item.as_object().unwrap().iter().filter(|(m, _)| *m != "servers") {
            let filled = path
                .split('/')
                .map(|seg| match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(p) => main_id(p, path).to_string(),
                    None => seg.to_string(),
                })
                .collect::<Vec<_>>()
                .join("/");
            ops.push((method.to_uppercase(), filled));
        }
    }
    assert!(ops.len() >= 89, "only {} operations", ops.len());
    // reads first (writes below may create the same IDs in the other organization)
    ops.sort_by_key(|(m, _)| m != "GET");
    let mut reads = 0;
    for (method, path) in &ops {
        if path.starts_with("/account") || path.starts_with("/invitations") {
            continue; // account endpoints take account tokens
        }
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let send_body = matches!(method.as_str(), "POST" | "PUT" | "PATCH");
        let (s, v) = sb.call(m, path, Some(&other), send_body.then(|| body.clone())).await;
        assert!(s.as_u16() < 500, "{method} {path}: {s} {v}");
        // (an error names what was asked for; an answer must hold nothing of the other's)
        if method == "GET" && s.is_success() {
            reads += 1;
            let text = v.to_string();
            for secret in secrets {
                assert!(!text.contains(secret), "{method} {path} shows {secret}: {text}");
            }
        }
    }
    assert!(reads >= 10, "only {reads} reads answered");
    assert_eq!(dump(&sb), before, "the main organization changed");
    // its own API client ID cannot be taken over by another organization
    let (s, _) = sb.put(&format!("/apiclients/{}", seed::SHARED_CLIENT_ID), &other, json!({"AppName": "mine", "Active": true, "AccessTokenDuration": 600,
        "RefreshTokenDuration": 0, "AllowSeller": true, "AllowAnyBuyer": false, "AllowAnySupplier": false, "IsAnonBuyer": false})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(dump(&sb), before, "the main organization changed");
    // and the main organization's admin still works, seeing none of the other's
    let admin = sb.admin().await;
    let (_, buyers) = sb.get("/buyers", &admin).await;
    assert_eq!(buyers["Items"].as_array().unwrap().len(), 1);
    assert_eq!(sb.get(&format!("/buyers/{}", seed::SECOND_BUYER_ID), &admin).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_seed_makes_two_organizations_and_an_account_in_both() {
    let sb = start().await;
    let (s, v) = sign_in(&sb, seed::ACCOUNT_EMAIL, seed::ACCOUNT_PASSWORD).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let account = v["access_token"].as_str().unwrap().to_string();
    let (_, orgs) = sb.get("/account/organizations", &account).await;
    let names: Vec<&str> = orgs["Items"].as_array().unwrap().iter().map(|o| o["Name"].as_str().unwrap()).collect();
    assert_eq!(names, [seed::MAIN_ORG_NAME, seed::SECOND_ORG_NAME]);
    // each organization's token sees its own buyers only
    let main = org_token(&sb, &account, hub::MAIN_ORG).await;
    let second = org_token(&sb, &account, seed::SECOND_ORG).await;
    let ids = |v: &Value| {
        v["Items"].as_array().unwrap().iter().map(|b| b["ID"].as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&sb.get("/buyers", &main).await.1), [seed::BUYER_ID]);
    assert_eq!(ids(&sb.get("/buyers", &second).await.1), [seed::SECOND_BUYER_ID]);
    // seeding again changes nothing
    seed::run(&sb.app).unwrap();
    let (_, orgs) = sb.get("/account/organizations", &account).await;
    assert_eq!(orgs["Items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_released_client_id_routes_to_its_new_organization() {
    let sb = start().await;
    let ann = sign_up(&sb, "ann@example.com").await;
    let org = new_org(&sb, &ann, "Other").await;
    let other = org_token(&sb, &ann, &org).await;
    let client = json!({"AppName": "x", "Active": true, "AccessTokenDuration": 600, "RefreshTokenDuration": 0, "AllowSeller": true,
        "AllowAnyBuyer": false, "AllowAnySupplier": false, "IsAnonBuyer": false});
    assert!(sb.put("/apiclients/MOVING-ID", &other, client.clone()).await.0.is_success());
    assert_eq!(sb.app.for_client("MOVING-ID").unwrap().org, org);
    // taken: the main organization cannot have it
    let admin = sb.admin().await;
    assert_eq!(sb.put("/apiclients/MOVING-ID", &admin, client.clone()).await.0, StatusCode::CONFLICT);
    // released, then taken by the main organization: requests with it go there (not to a remembered owner)
    assert_eq!(sb.delete("/apiclients/MOVING-ID", &other).await.0, StatusCode::NO_CONTENT);
    assert!(sb.put("/apiclients/MOVING-ID", &admin, client).await.0.is_success());
    assert_eq!(sb.app.for_client("MOVING-ID").unwrap().org, hub::MAIN_ORG);
    let (s, _) = sb.login_full("MOVING-ID", "admin01", "Gatehouse-Admin1", None).await;
    assert_eq!(s, StatusCode::OK);
}

/// The hub's answers and the model's readers name the same properties: every key an answer holds
/// is a property of its documented schema, and every property the portal reads is documented
/// (a renamed field on either side fails here, instead of showing as an empty cell).
#[tokio::test]
async fn hub_answers_carry_the_properties_the_model_reads() {
    use gatehouse_model::read;
    let sb = start().await;
    let ann = sign_up(&sb, "ann@example.com").await;
    let org = new_org(&sb, &ann, "Shop").await;
    let admin = org_token(&sb, &ann, &org).await;
    let code = invite(&sb, &admin, "bob@example.com", "Member").await;
    // what the invited person's link shows
    let (_, landing) = sb.call(Method::GET, &format!("/invitations/{code}"), None, None).await;
    assert_eq!(landing["Status"], "Pending", "{landing}");
    let (s, app) = sb
        .post("/organization/applications", &admin, json!({"Kind": "Integration", "Name": "ERP", "Role": "ReadOnly"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{app}");
    let (_, doc) = sb.call(Method::GET, "/openapi/v3", None, None).await;
    let (_, account) = sb.get("/account", &ann).await;
    let (_, orgs) = sb.get("/account/organizations", &ann).await;
    let (_, members) = sb.get("/organization/members", &admin).await;
    let (_, invitations) = sb.get("/organization/invitations", &admin).await;
    let (_, roles) = sb.get("/organization/roles", &admin).await;
    let (_, apps) = sb.get("/organization/applications", &admin).await;
    let items = |v: &Value| -> Vec<Value> {
        match v {
            Value::Array(a) => a.clone(),
            Value::Object(o) if o.contains_key("Items") => o["Items"].as_array().cloned().unwrap_or_default(),
            other => vec![other.clone()],
        }
    };
    for (schema, reads, answers) in [
        ("Account", read::Account::READS, vec![account]),
        ("Organization", read::Organization::READS, items(&orgs)),
        ("Member", read::Member::READS, items(&members)),
        ("Invitation", read::Invitation::READS, [vec![landing.clone()], items(&invitations)].concat()),
        ("OrganizationRole", read::OrganizationRole::READS, items(&roles)),
        ("Application", read::Application::READS, [vec![app], items(&apps)].concat()),
        ("ProvisioningEvent", read::ProvisioningEvent::READS, vec![]),
    ] {
        let props = doc["components"]["schemas"][schema]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{schema} is not documented"));
        for key in reads {
            assert!(props.contains_key(*key), "the portal reads {schema}.{key}, which the document does not have");
        }
        assert!(schema == "ProvisioningEvent" || !answers.is_empty(), "no {schema} answered");
        for a in &answers {
            for key in a.as_object().unwrap_or_else(|| panic!("{schema}: {a}")).keys() {
                assert!(
                    props.contains_key(key),
                    "the sandbox answers {schema}.{key}, which the document does not have: {a}"
                );
            }
        }
    }
}
