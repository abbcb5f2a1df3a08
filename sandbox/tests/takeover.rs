//! Issue 21: ways to take over someone else's organization, each tried over real HTTP as an
//! attacker would, and what the further attacker pass over the hub found. Every test here was
//! seen failing before its fix.
mod common;
use common::{error_code, start, Sandbox};
use gatehouse_sandbox::oem;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const PASSWORD: &str = "Strong-Pass-123";
const MEMBERSHIP_OBJECT: &str = "Organization.MembershipObject";

async fn sign_up(sb: &Sandbox, email: &str) -> String {
    let (s, v) = sb
        .call(
            Method::POST,
            "/account/signup",
            None,
            Some(json!({"Email": email, "Password": PASSWORD, "FirstName": "Pat", "LastName": "Doe"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["access_token"].as_str().unwrap().to_string()
}

async fn account_id(sb: &Sandbox, account: &str) -> String {
    sb.get("/account", account).await.1["ID"].as_str().unwrap().to_string()
}

/// An organization token (+ refresh token) of `org` for the account, through its console client
/// or `client`.
async fn org_login(sb: &Sandbox, account: &str, org: &str, client: Option<&str>) -> Value {
    let body = client.map(|c| json!({"ClientID": c}));
    let (s, v) = sb.call(Method::POST, &format!("/account/organizations/{org}/token"), Some(account), body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn org_token(sb: &Sandbox, account: &str, org: &str) -> String {
    org_login(sb, account, org, None).await["access_token"].as_str().unwrap().to_string()
}

async fn new_org(sb: &Sandbox, account: &str, name: &str) -> String {
    let (s, v) = sb.post("/account/organizations", account, json!({"Name": name})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["ID"].as_str().unwrap().to_string()
}

/// Ann's organization, with Bob in it holding a custom role of `roles` (both org tokens).
struct Two {
    org: String,
    ann: String,
    ann_id: String,
    ann_org: String,
    bob: String,
    bob_org: String,
}

async fn ann_and_bob(sb: &Sandbox, roles: &[&str]) -> Two {
    let ann = sign_up(sb, "ann@example.com").await;
    let ann_id = account_id(sb, &ann).await;
    let org = new_org(sb, &ann, "Ann's shop").await;
    let ann_org = org_token(sb, &ann, &org).await;
    let role = if roles.is_empty() {
        "Member".to_string()
    } else {
        let (s, v) =
            sb.post("/organization/roles", &ann_org, json!({"ID": "helpers", "Name": "Helpers", "Roles": roles})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        "helpers".to_string()
    };
    let (s, v) =
        sb.post("/organization/invitations", &ann_org, json!({"Email": "bob@example.com", "Role": role})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let code = v["Link"].as_str().unwrap().split("invitation=").nth(1).unwrap().to_string();
    let bob = sign_up(sb, "bob@example.com").await;
    let (s, v) = sb.call(Method::POST, &format!("/invitations/{code}/accept"), Some(&bob), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let bob_org = org_token(sb, &bob, &org).await;
    Two { org, ann, ann_id, ann_org, bob, bob_org }
}

async fn refresh(sb: &Sandbox, client: &str, rt: &str) -> (StatusCode, Value) {
    sb.token_form(&[("grant_type", "refresh_token"), ("client_id", client), ("refresh_token", rt)]).await
}

// ---- vendors ----

struct Vendor {
    id: String,
    secret: String,
}

fn vendor(sb: &Sandbox, name: &str) -> Vendor {
    let (v, secret) = oem::add_vendor(&sb.app.hub.pool, name, 10_000, None).unwrap();
    Vendor { id: v.client_id, secret }
}

async fn oem_call(sb: &Sandbox, v: &Vendor, method: Method, path: &str, extra: Value) -> (StatusCode, Value) {
    let mut body = json!({"clientId": v.id, "clientSecret": v.secret, "grantType": "client_credentials", "scope": "vendor_manage"});
    for (k, x) in extra.as_object().unwrap() {
        body[k] = x.clone();
    }
    let res = sb.http.request(method, format!("{}/api/oem-api{path}", sb.base)).json(&body).send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A session link's answer for the person an OEM token names (`POST /v1/account/session`).
async fn session(sb: &Sandbox, v: &Vendor, oem_token: &str) -> (StatusCode, Value) {
    let (s, b) =
        oem_call(sb, v, Method::POST, "/organization/session", json!({"organizationOemToken": oem_token})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let code = b["redirectUrl"].as_str().unwrap().split("session=").nth(1).unwrap().to_string();
    sb.call(Method::POST, "/account/session", None, Some(json!({"Code": code}))).await
}

// 1. a vendor never obtains a session for an account it did not create
#[tokio::test]
async fn f1_a_vendor_cannot_provision_an_existing_account_it_did_not_create() {
    let sb = start().await;
    let victim = sign_up(&sb, "victim@example.com").await;
    let v = vendor(&sb, "Mallory");
    let data = json!({"name": "Trap", "email": "victim@example.com", "firstName": "V", "lastName": "V"});
    let (s, b) = oem_call(&sb, &v, Method::POST, "/organization", json!({"data": data})).await;
    assert_eq!((s, b["status"].as_i64()), (StatusCode::CONFLICT, Some(409)), "{b}");
    assert!(b.get("organizationOemToken").is_none(), "{b}");
    // nothing was made: the victim has no new organization
    let (_, orgs) = sb.get("/account/organizations", &victim).await;
    assert_eq!(orgs["Items"].as_array().unwrap().len(), 0, "{orgs}");
}

#[tokio::test]
async fn f1_a_vendor_cannot_add_an_existing_account_it_did_not_create_as_a_user() {
    let sb = start().await;
    sign_up(&sb, "victim@example.com").await;
    let v = vendor(&sb, "Mallory");
    let data = json!({"name": "Own", "email": "boss@mallory.test", "firstName": "M", "lastName": "M", "vendorOrganizationId": "m1"});
    assert_eq!(oem_call(&sb, &v, Method::POST, "/organization", json!({"data": data})).await.0, StatusCode::CREATED);
    let data = json!({"email": "victim@example.com", "firstName": "V", "lastName": "V", "vendorOrganizationId": "m1"});
    let (s, b) = oem_call(&sb, &v, Method::POST, "/user", json!({"data": data})).await;
    assert_eq!((s, b["status"].as_i64()), (StatusCode::CONFLICT, Some(409)), "{b}");
    // the vendor's own people can still be added anywhere it provisions
    let data = json!({"email": "boss@mallory.test", "firstName": "M", "lastName": "M", "name": "Second", "vendorOrganizationId": "m2"});
    assert_eq!(oem_call(&sb, &v, Method::POST, "/organization", json!({"data": data})).await.0, StatusCode::CREATED);
}

// 2. tokens are bound to the organization and the client incarnation that issued them
#[tokio::test]
async fn f2_a_reclaimed_client_id_does_not_route_old_tokens_into_another_organization() {
    let sb = start().await;
    let ann = sign_up(&sb, "ann@example.com").await;
    let org_a = new_org(&sb, &ann, "A").await;
    let ann_org = org_token(&sb, &ann, &org_a).await;
    let client = json!({"AppName": "x", "Active": true, "AllowSeller": true, "AccessTokenDuration": 600});
    let (s, v) = sb.put("/apiclients/X-reclaimed", &ann_org, client.clone()).await;
    assert!(s.is_success(), "{v}");
    let old = org_login(&sb, &ann, &org_a, Some("X-reclaimed")).await["access_token"].as_str().unwrap().to_string();
    assert_eq!(sb.get("/organization", &old).await.0, StatusCode::OK);
    assert_eq!(sb.delete("/apiclients/X-reclaimed", &ann_org).await.0, StatusCode::NO_CONTENT);
    // organization B claims the freed ID
    let bob = sign_up(&sb, "bob@example.com").await;
    let org_b = new_org(&sb, &bob, "B").await;
    let bob_org = org_token(&sb, &bob, &org_b).await;
    let (s, v) = sb.put("/apiclients/X-reclaimed", &bob_org, client).await;
    assert!(s.is_success(), "{v}");
    // A's old token is refused there, for reads and for writes
    let (s, v) = sb.get("/organization", &old).await;
    assert_eq!((s, error_code(&v)), (StatusCode::UNAUTHORIZED, "InvalidToken"), "{v}");
    let (s, v) = sb.post("/adminusers", &old, json!({"ID": "evil", "Username": "evil", "FirstName": "E", "LastName": "E", "Email": "e@x.io", "Active": true})).await;
    assert_eq!((s, error_code(&v)), (StatusCode::UNAUTHORIZED, "InvalidToken"), "{v}");
}

#[tokio::test]
async fn f2_a_recreated_client_does_not_revive_the_tokens_of_the_deleted_one() {
    let sb = start().await;
    let ann = sign_up(&sb, "ann@example.com").await;
    let org = new_org(&sb, &ann, "A").await;
    let ann_org = org_token(&sb, &ann, &org).await;
    let client = json!({"AppName": "x", "Active": true, "AllowSeller": true, "AccessTokenDuration": 600});
    assert!(sb.put("/apiclients/X-again", &ann_org, client.clone()).await.0.is_success());
    let old = org_login(&sb, &ann, &org, Some("X-again")).await["access_token"].as_str().unwrap().to_string();
    assert_eq!(sb.delete("/apiclients/X-again", &ann_org).await.0, StatusCode::NO_CONTENT);
    assert!(sb.put("/apiclients/X-again", &ann_org, client).await.0.is_success());
    let (s, v) = sb.get("/me", &old).await;
    assert_eq!((s, error_code(&v)), (StatusCode::UNAUTHORIZED, "InvalidToken"), "{v}");
}

// 3. membership users are not writable through /v1
#[tokio::test]
async fn f3_a_member_with_admin_user_admin_cannot_give_an_admins_membership_user_a_password() {
    let sb = start().await;
    let t = ann_and_bob(&sb, &["AdminUserAdmin", "AdminUserReader"]).await;
    let path = format!("/adminusers/ACCOUNT_{}", t.ann_id);
    let (s, v) = sb.patch(&path, &t.bob_org, json!({"Password": "Taken-Over-123!"})).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, MEMBERSHIP_OBJECT), "{v}");
    let (s, v) = sb.login_full(common::CLIENT, &format!("account.{}", t.ann_id), "Taken-Over-123!", None).await;
    assert_ne!(s, StatusCode::OK, "{v}");
    // nor delete it, nor rename it, nor create one in the reserved namespace
    let (s, v) = sb.delete(&path, &t.bob_org).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, MEMBERSHIP_OBJECT), "{v}");
    let (s, v) = sb.patch(&path, &t.bob_org, json!({"ID": "someone"})).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, MEMBERSHIP_OBJECT), "{v}");
    let (s, v) = sb.post("/adminusers", &t.bob_org, json!({"ID": "ACCOUNT_acctfuture", "Username": "future", "FirstName": "F", "LastName": "F", "Email": "f@x.io", "Active": true})).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, MEMBERSHIP_OBJECT), "{v}");
    // even the organization's Admin manages members only through the organization endpoints
    let (s, v) = sb
        .patch(&format!("/adminusers/ACCOUNT_{}", account_id(&sb, &t.bob).await), &t.ann_org, json!({"Active": false}))
        .await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, MEMBERSHIP_OBJECT), "{v}");
    let _ = (&t.org, &t.ann);
}

// 4. ORG_* profiles and their assignments are not writable through /v1
#[tokio::test]
async fn f4_a_member_with_security_profile_admin_cannot_delete_the_last_admins_assignment() {
    let sb = start().await;
    let t = ann_and_bob(&sb, &["SecurityProfileAdmin", "SecurityProfileReader"]).await;
    let (s, v) =
        sb.delete(&format!("/securityprofiles/ORG_ADMIN/assignments?userID=ACCOUNT_{}", t.ann_id), &t.bob_org).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, MEMBERSHIP_OBJECT), "{v}");
    // Ann is still Admin in fact, not only on the members screen
    let (s, v) = sb.get("/apiclients", &org_token(&sb, &t.ann, &t.org).await).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn f4_a_member_cannot_assign_a_custom_roles_profile_at_marketplace_level() {
    let sb = start().await;
    let t = ann_and_bob(&sb, &["SecurityProfileAdmin", "SecurityProfileReader"]).await;
    let (s, v) =
        sb.post("/securityprofiles/assignments", &t.bob_org, json!({"SecurityProfileID": "ORG_ROLE_helpers"})).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, MEMBERSHIP_OBJECT), "{v}");
    // nor change a membership profile's roles, nor define a role outside the organization endpoints
    let (s, v) = sb.patch("/securityprofiles/ORG_ROLE_helpers", &t.ann_org, json!({"Roles": ["FullAccess"]})).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, MEMBERSHIP_OBJECT), "{v}");
    let (s, v) = sb
        .post(
            "/securityprofiles",
            &t.bob_org,
            json!({"ID": "ORG_ROLE_mine", "Name": "m", "Roles": ["SecurityProfileAdmin"]}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, MEMBERSHIP_OBJECT), "{v}");
}

// 5. account sign-out and password change end the organization tokens, refresh tokens too
#[tokio::test]
async fn f5_account_sign_out_ends_organization_tokens_and_refresh_tokens() {
    let sb = start().await;
    let ann = sign_up(&sb, "ann@example.com").await;
    let org = new_org(&sb, &ann, "A").await;
    let login = org_login(&sb, &ann, &org, None).await;
    let (token, rt, client) = (
        login["access_token"].as_str().unwrap(),
        login["refresh_token"].as_str().unwrap(),
        login["ClientID"].as_str().unwrap(),
    );
    assert_eq!(sb.get("/organization", token).await.0, StatusCode::OK);
    assert_eq!(sb.call(Method::POST, "/account/signout", Some(&ann), None).await.0, StatusCode::NO_CONTENT);
    let (s, v) = sb.get("/organization", token).await;
    assert_eq!((s, error_code(&v)), (StatusCode::UNAUTHORIZED, "InvalidToken"), "{v}");
    let (s, v) = refresh(&sb, client, rt).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
}

#[tokio::test]
async fn f5_account_password_change_ends_organization_tokens_and_refresh_tokens() {
    let sb = start().await;
    let ann = sign_up(&sb, "ann@example.com").await;
    let org = new_org(&sb, &ann, "A").await;
    let login = org_login(&sb, &ann, &org, None).await;
    let (token, rt, client) = (
        login["access_token"].as_str().unwrap(),
        login["refresh_token"].as_str().unwrap(),
        login["ClientID"].as_str().unwrap(),
    );
    let (s, v) =
        sb.patch("/account", &ann, json!({"CurrentPassword": PASSWORD, "Password": "Another-Pass-456!"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = sb.get("/organization", token).await;
    assert_eq!((s, error_code(&v)), (StatusCode::UNAUTHORIZED, "InvalidToken"), "{v}");
    assert_eq!(refresh(&sb, client, rt).await.0, StatusCode::BAD_REQUEST);
}

// 6. a member cannot give the membership user a password, nor rename it, through /v1/me
#[tokio::test]
async fn f6_a_member_cannot_give_its_membership_user_a_password_through_me() {
    let sb = start().await;
    let t = ann_and_bob(&sb, &[]).await;
    let (s, v) = sb.patch("/me", &t.bob_org, json!({"Password": "Second-Way-In-1!"})).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, MEMBERSHIP_OBJECT), "{v}");
    let bob_id = account_id(&sb, &t.bob).await;
    let (s, _) = sb.login_full(common::CLIENT, &format!("account.{bob_id}"), "Second-Way-In-1!", None).await;
    assert_ne!(s, StatusCode::OK);
}

#[tokio::test]
async fn f6_a_member_cannot_rename_its_membership_user_through_me() {
    let sb = start().await;
    let t = ann_and_bob(&sb, &[]).await;
    let (s, v) = sb.patch("/me", &t.bob_org, json!({"ID": "bob-free"})).await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, MEMBERSHIP_OBJECT), "{v}");
    let (s, v) = sb.get("/organization/members", &t.bob_org).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

// 7. changing the password needs the current one; a first password comes through a single-use code
#[tokio::test]
async fn f7_changing_the_account_password_needs_the_current_one() {
    let sb = start().await;
    let ann = sign_up(&sb, "ann@example.com").await;
    let (s, v) = sb.patch("/account", &ann, json!({"Password": "Stolen-Token-123!"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = sb
        .patch("/account", &ann, json!({"CurrentPassword": "Wrong-Pass-123!", "Password": "Stolen-Token-123!"}))
        .await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, "Account.WrongPassword"), "{v}");
    // names need no password
    assert_eq!(sb.patch("/account", &ann, json!({"FirstName": "Annie"})).await.0, StatusCode::OK);
    let (s, v) =
        sb.patch("/account", &ann, json!({"CurrentPassword": PASSWORD, "Password": "Another-Pass-456!"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn f7_a_vendor_made_account_sets_its_first_password_through_a_single_use_code() {
    let sb = start().await;
    let v = vendor(&sb, "Acme");
    let data = json!({"name": "Corp", "email": "new@corp.test", "firstName": "N", "lastName": "W"});
    let (s, b) = oem_call(&sb, &v, Method::POST, "/organization", json!({"data": data})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, redeemed) = session(&sb, &v, b["organizationOemToken"].as_str().unwrap()).await;
    assert_eq!(s, StatusCode::OK, "{redeemed}");
    let account = redeemed["Account"]["access_token"].as_str().unwrap();
    // the account token alone cannot set a password (the link's holder could be anyone)
    let (s, r) = sb.patch("/account", account, json!({"Password": "First-Pass-123!"})).await;
    assert_eq!((s, error_code(&r)), (StatusCode::FORBIDDEN, "Account.FirstPasswordByCode"), "{r}");
    let code = redeemed["FirstPassword"]["Code"].as_str().expect("a first-password code").to_string();
    let body = json!({"Code": code, "Password": "First-Pass-123!"});
    let (s, r) = sb.call(Method::POST, "/account/password", None, Some(body.clone())).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (s, r) = sb.call(Method::POST, "/account/password", None, Some(body)).await;
    assert_eq!(s, StatusCode::GONE, "{r}");
    let (s, _) = sb
        .call(
            Method::POST,
            "/account/signin",
            None,
            Some(json!({"Email": "new@corp.test", "Password": "First-Pass-123!"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
}

// 8. lookalike accounts and names with invisible characters
#[tokio::test]
async fn f8_sign_up_refuses_invisible_characters_and_lookalikes_and_keeps_international_addresses() {
    let sb = start().await;
    sign_up(&sb, "paypal@example.com").await;
    let try_sign_up = |email: &'static str| {
        let sb = &sb;
        async move {
            sb.call(
                Method::POST,
                "/account/signup",
                None,
                Some(json!({"Email": email, "Password": PASSWORD, "FirstName": "M", "LastName": "M"})),
            )
            .await
        }
    };
    for (email, why) in [
        ("pay\u{200b}pal@example.com", "zero-width space"),
        ("paypal\u{0}@example.com", "NUL"),
        ("p\u{0430}ypal@example.com", "Cyrillic a"),
        ("\u{202e}moc.elpmaxe@lapyap", "bidi override"),
    ] {
        let (s, v) = try_sign_up(email).await;
        assert!(s == StatusCode::BAD_REQUEST || s == StatusCode::CONFLICT, "{why}: {s} {v}");
    }
    // ordinary international addresses stay valid, and are kept in one normal form
    let (s, v) = try_sign_up("j\u{fc}rgen@m\u{fc}ller.de").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = try_sign_up("ju\u{308}rgen@mu\u{308}ller.de").await;
    assert_eq!((s, error_code(&v)), (StatusCode::CONFLICT, "Account.EmailTaken"), "{v}");
    let (s, v) = try_sign_up("\u{7528}\u{6237}@example.cn").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

#[tokio::test]
async fn f8_organization_names_refuse_nul_and_bidi_controls() {
    let sb = start().await;
    let ann = sign_up(&sb, "ann@example.com").await;
    for name in ["Acme\u{0}", "Acme \u{202e}evil", "A\u{200b}cme"] {
        let (s, v) = sb.post("/account/organizations", &ann, json!({"Name": name})).await;
        assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, "ValidationFailure"), "{name:?}: {v}");
    }
    let org = new_org(&sb, &ann, "Caf\u{e9} M\u{fc}ller").await;
    let t = org_token(&sb, &ann, &org).await;
    let (s, v) = sb.patch("/organization", &t, json!({"Name": "x\u{2067}y"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
}

// 9. racing provisioning calls: one 201, the rest 409, never 500, no orphaned accounts
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn f9_parallel_provisioning_with_one_vendor_organization_id_gives_one_201_and_409s() {
    let sb = start().await;
    let v = vendor(&sb, "Acme");
    for round in 0..3 {
        let calls = (0..10).map(|i| {
            let data = json!({"name": "Race", "email": format!("p{round}-{i}@race.test"), "firstName": "R", "lastName": "R", "vendorOrganizationId": format!("race-{round}")});
            oem_call(&sb, &v, Method::POST, "/organization", json!({"data": data}))
        });
        let answers = join_vec(calls.map(Box::pin).collect()).await;
        let created = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
        let conflicts = answers.iter().filter(|(s, _)| *s == StatusCode::CONFLICT).count();
        assert_eq!((created, conflicts), (1, 9), "round {round}: {answers:?}");
    }
    let conn = sb.app.hub.pool.get().unwrap();
    let orphans: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM accounts a WHERE a.email LIKE '%@race.test' AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.account = a.id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
}

async fn join_vec<F: std::future::Future + Unpin>(mut fs: Vec<F>) -> Vec<F::Output> {
    use std::task::Poll;
    let mut results: Vec<Option<F::Output>> = (0..fs.len()).map(|_| None).collect();
    std::future::poll_fn(move |cx| {
        let mut pending = false;
        for (i, f) in fs.iter_mut().enumerate() {
            if results[i].is_none() {
                match std::pin::Pin::new(f).poll(cx) {
                    Poll::Ready(v) => results[i] = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(results.iter_mut().map(|r| r.take().unwrap()).collect())
        }
    })
    .await
}

// ---- the further attacker pass ----

/// A member who may manage API clients cannot mint a token as another member's user through a
/// client whose DefaultContextUserName is that user (client_credentials).
#[tokio::test]
async fn a_member_cannot_act_as_another_member_through_a_default_context_client() {
    let sb = start().await;
    let t = ann_and_bob(&sb, &["ApiClientAdmin", "ApiClientReader"]).await;
    let client = json!({"ID": "borrow", "AppName": "b", "Active": true, "AllowSeller": true, "ClientSecret": "s3cret-s3cret",
        "AccessTokenDuration": 600, "DefaultContextUserName": format!("account.{}", t.ann_id)});
    let (s, v) = sb.post("/apiclients", &t.bob_org, client).await;
    assert!(s.is_success(), "{v}");
    let id = v["ID"].as_str().unwrap().to_string();
    let (s, v) = sb
        .token_form(&[("grant_type", "client_credentials"), ("client_id", &id), ("client_secret", "s3cret-s3cret")])
        .await;
    assert_eq!((s, error_code(&v)), (StatusCode::BAD_REQUEST, "Auth.MembershipUser"), "{v}");
}

/// A member who may manage admin user groups cannot put a membership user into a group that
/// holds more roles (the group's profile was assigned by someone who had them).
#[tokio::test]
async fn a_member_cannot_put_a_membership_user_into_a_group() {
    let sb = start().await;
    let t = ann_and_bob(&sb, &["AdminUserGroupAdmin", "AdminUserGroupReader"]).await;
    assert!(sb.post("/usergroups", &t.ann_org, json!({"ID": "ops", "Name": "Ops"})).await.0.is_success());
    assert!(sb
        .post("/securityprofiles", &t.ann_org, json!({"ID": "FA", "Name": "FA", "Roles": ["FullAccess"]}))
        .await
        .0
        .is_success());
    assert_eq!(
        sb.post("/securityprofiles/assignments", &t.ann_org, json!({"SecurityProfileID": "FA", "UserGroupID": "ops"}))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let bob_id = account_id(&sb, &t.bob).await;
    let (s, v) = sb
        .post(
            "/usergroups/assignments",
            &t.bob_org,
            json!({"UserGroupID": "ops", "UserID": format!("ACCOUNT_{bob_id}")}),
        )
        .await;
    assert_eq!((s, error_code(&v)), (StatusCode::FORBIDDEN, MEMBERSHIP_OBJECT), "{v}");
}
