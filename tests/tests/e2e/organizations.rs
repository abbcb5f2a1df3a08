//! Accounts and organizations through the portal (seed 003), and a vendor's one-time session
//! links opened in the browser (seed 004).
use gatehouse_e2e::*;
use gatehouse_sandbox::seed;
use serde_json::{json, Value};

/// Signs an account in (or up, with names) on the sign-in page.
async fn account_sign_in(b: &Browser, w: &World, email: &str, password: &str, new: Option<(&str, &str)>) {
    b.c.goto(&w.portal).await.unwrap();
    b.fill("#account-email", email).await;
    b.fill("#account-password", password).await;
    if let Some((first, last)) = new {
        b.click("#account-new").await;
        b.fill("#account-first", first).await;
        b.fill("#account-last", last).await;
    }
    b.click("#account-submit").await;
}

/// The labels of the context switcher's organizations.
async fn contexts(b: &Browser) -> Vec<String> {
    let v = b.js("return [...document.querySelectorAll('#context-switch option')].map(o => o.textContent).filter(t => !t.startsWith('+'));").await;
    serde_json::from_value(v).unwrap()
}

/// The IDs listed on an enhanced resource screen.
async fn listed(b: &Browser) -> String {
    b.js("return document.querySelector('#console-ready').textContent;").await.as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn a_new_person_creates_an_organization_and_a_member_joins_through_the_link() {
    let w = world().await;
    let ann = browser().await;
    account_sign_in(&ann, &w, "ann@example.com", "Strong-Pass-123!", Some(("Ann", "Admin"))).await;
    ann.wait_text(".signin-page", "Create your first organization").await;
    ann.fill("#new-org-name", "Ann's Shop").await;
    ann.click("#new-org button[type=submit]").await;
    ann.find("#console-ready").await;
    assert_eq!(contexts(&ann).await, ["Ann's Shop — ann@example.com"]);
    assert_eq!(ann.text("#who-roles").await, "1 role");
    // a brand-new organization has done none of the set-up: the client, profiles and
    // assignments the hub made behind it (built-in, model::builtin) do not count
    ann.wait_text("#start-here-count", "0 of 5 done").await;
    // the header names the person and their organization role, not the membership user
    assert_eq!(ann.text("#who-user").await, "ann@example.com");
    ann.wait_text("#who-type", "Admin").await;

    // what the hub made behind the organization is folded away in lists, said once, and marked
    // when shown: the console client Ann signs in through, and her membership user
    ann.open_screen(&w, "apiclients").await;
    ann.wait_text("#ed-builtin-fold", "Every object on this page is built-in (1 built-in object").await;
    assert_eq!(ann.js("return document.querySelectorAll('#ed-list tbody tr').length").await, 0);
    ann.click("#ed-builtin-toggle").await;
    ann.wait_text("#ed-list", "Gatehouse organization console").await;
    assert_eq!(ann.js("return document.querySelectorAll('#ed-list tbody tr.builtin .builtin-mark').length").await, 1);
    ann.wait_text("#ed-builtin-fold", "marked “built-in”").await;
    ann.find("#ed-list tbody tr.builtin").await.click().await.unwrap();
    ann.wait_text("#ed-builtin-note", "Built-in: the hub made this API client").await;
    ann.open_screen(&w, "adminusers").await;
    ann.wait_text("#ed-builtin-fold", "Every object on this page is built-in").await;
    ann.click("#ed-builtin-toggle").await;
    let ids = ann.js("return [...document.querySelectorAll('#ed-list tbody tr.builtin')].map(r => r.dataset.id)").await;
    let ids: Vec<String> = serde_json::from_value(ids).unwrap();
    assert!(!ids.is_empty() && ids.iter().all(|i| i.starts_with("ACCOUNT_")), "{ids:?}");

    // the Admin invites a Member; the link is shown to copy
    ann.open_screen(&w, "members").await;
    ann.wait_text("#members-title", "Members of Ann's Shop").await;
    ann.wait_text("#my-role", "Your role: Admin").await;
    // empty tables say so instead of showing their headers alone
    ann.wait_text("#invitations", "No invitations yet").await;
    ann.wait_text("#events", "No provisioning events").await;
    ann.fill("#invite-email", "bob@example.com").await;
    ann.select("#invite-role", "Member").await;
    ann.click("#invite button[type=submit]").await;
    let link = ann.wait_text("#invite-link", "invitation=").await;
    ann.wait_text("#invitations", "bob@example.com").await;

    // Bob opens the link: organization and role, his email fixed; he signs up and lands inside
    let bob = browser().await;
    bob.c.goto(&link).await.unwrap();
    bob.wait_text("#landing-title", "Join Ann's Shop as Member").await;
    // dates as people read them, not the API's ISO text
    let expires = bob.text("#landing").await;
    let iso = |t: &str| {
        t.as_bytes()
            .windows(11)
            .any(|w| w[..4].iter().all(u8::is_ascii_digit) && w[4] == b'-' && w[7] == b'-' && w[10] == b'T')
    };
    assert!(expires.contains("it expires") && !iso(&expires), "{expires}");
    assert_eq!(bob.value("#account-email").await, "bob@example.com");
    assert!(bob.attr("#account-email", "readonly").await.is_some());
    assert!(!bob.c.current_url().await.unwrap().as_str().contains("invitation="), "the code left the address bar");
    bob.fill("#account-password", "Strong-Pass-456!").await;
    bob.fill("#account-first", "Bob").await;
    bob.fill("#account-last", "Member").await;
    bob.click("#account-submit").await;
    bob.find("#console-ready").await;
    assert_eq!(contexts(&bob).await, ["Ann's Shop — bob@example.com"]);
    assert_eq!(bob.text("#who-user").await, "bob@example.com");
    bob.wait_text("#who-type", "Member").await;
    // once, a confirmation of where the invitation brought him
    bob.wait_text("#joined", "Invitation accepted: you are in Ann's Shop as Member.").await;
    bob.click("#joined-close").await;
    bob.gone("#joined").await;

    // a Member's menu offers the screens the Member role opens; the others are named once, with
    // the role that would open them, and stay reachable as raw operations
    assert!(bob.exists(".menu a.resource.enhanced[data-screen='Buyers']").await);
    assert!(bob.exists(".menu a.resource.enhanced[data-screen='Security profiles']").await);
    assert!(!bob.exists(".menu [data-screen='API clients']").await, "a Member cannot read API clients");
    assert!(!bob.exists(".menu [data-screen='Impersonation configs']").await);
    assert!(bob.exists(".menu a.resource[data-resource='Api Clients']").await, "the raw resource stays");
    // named in a fold (a long list while acting as a buyer), said how many in its summary
    assert_eq!(bob.text("#menu-closed summary").await, "2 screens your roles do not open");
    let closed = bob
        .js("return document.getElementById('menu-closed').textContent;")
        .await
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        closed.contains("API clients (needs ApiClientAdmin or ApiClientReader)")
            && closed.contains("Impersonation configs (needs SetSecurityProfile)")
            && !closed.contains("Buyers"),
        "{closed}"
    );
    // a Member works with buyers, reads profiles, and is told what needs the Admin role
    bob.open_screen(&w, "members").await;
    bob.wait_text("#my-role", "Your role: Member").await;
    assert!(!bob.exists("#invite").await, "a Member cannot invite");
    bob.open_screen(&w, "applications").await;
    assert!(bob.find("#apps-readonly").await.is_displayed().await.unwrap());
    assert!(!bob.exists("#new-app").await);
    bob.open_screen(&w, "securityprofiles").await;
    bob.wait_text("#ed-builtin-fold", "built-in").await;
    bob.click("#ed-builtin-toggle").await;
    bob.wait_text("#console-ready", "Organization Member").await;
    bob.wait_text("#console-ready", "Read-only: changing security profiles needs").await;
    // the link cannot be used twice
    let again = browser().await;
    again.c.goto(&link).await.unwrap();
    again.wait_text("#landing-error", "accepted").await;
    // Ann sees Bob among the members
    ann.open_screen(&w, "members").await;
    ann.wait_text("#members", "bob@example.com").await;
}

/// Runs a token request as the portal shows it (`curl -X POST {api}/oauth/token -d 'k=v' …`).
async fn run_curl(w: &World, curl: &str, fill: &[(&str, &str)]) -> (u16, Value) {
    let mut form: Vec<(String, String)> = Vec::new();
    for part in curl.split("-d '").skip(1) {
        let kv = part.split('\'').next().unwrap();
        let (k, v) = kv.split_once('=').unwrap();
        let v = fill.iter().find(|(p, _)| *p == v).map(|(_, r)| r.to_string()).unwrap_or(v.to_string());
        form.push((k.to_string(), v));
    }
    assert!(curl.starts_with(&format!("curl -X POST {}/oauth/token", w.api)), "{curl}");
    let res = reqwest::Client::new().post(format!("{}/oauth/token", w.api)).form(&form).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_admin_creates_one_application_of_each_kind_and_each_token_request_works() {
    let w = world().await;
    let b = browser().await;
    account_sign_in(&b, &w, seed::ACCOUNT_EMAIL, seed::ACCOUNT_PASSWORD, None).await;
    b.find("#console-ready").await;
    b.open_screen(&w, "applications").await;
    let mut shown = Vec::new();
    for (kind, name) in [("SalesChannel", "Web store"), ("Integration", "ERP"), ("Webapp", "Back office")] {
        b.select("#app-kind", kind).await;
        b.fill("#app-name", name).await;
        if kind == "Integration" {
            b.select("#app-role", "ReadOnly").await;
        }
        b.click("#new-app button[type=submit]").await;
        b.wait_text("#app-created h3", name).await;
        b.wait_text("#applications", name).await;
        let secret = if b.exists("#app-secret").await { Some(b.text("#app-secret").await) } else { None };
        shown.push((kind, b.text("#app-curl").await, secret));
    }
    // a sales channel: no secret, an anonymous shopper's token
    let (_, curl, secret) = &shown[0];
    assert!(secret.is_none() && !curl.contains("client_secret"), "{curl}");
    let (s, t) = run_curl(&w, curl, &[]).await;
    assert_eq!(s, 200, "{t}");
    // an integration: the secret shown once, in the request, and it works
    let (_, curl, secret) = &shown[1];
    assert!(curl.contains(secret.as_deref().unwrap()), "{curl}");
    assert_eq!(run_curl(&w, curl, &[]).await.0, 200);
    // a webapp: the signed-in user's roles (here the demo marketplace's admin)
    let (_, curl, _) = &shown[2];
    let (s, t) = run_curl(&w, curl, &[("<username>", "admin01"), ("<password>", "Gatehouse-Admin1")]).await;
    assert_eq!(s, 200, "{t}");
    // rotating shows a new secret; deleting asks first
    b.click("#applications tr[data-kind='Integration'] .app-rotate").await;
    b.wait_text("#app-created h3", "ERP").await;
    let rotated = b.text("#app-secret").await;
    assert_ne!(Some(rotated), shown[1].2);
    b.click("#applications tr[data-kind='Webapp'] .app-delete").await;
    b.wait_text("#applications tr[data-kind='Webapp'] .app-delete", "Really delete?").await;
    b.click("#applications tr[data-kind='Webapp'] .app-delete").await;
    b.gone("#applications tr[data-kind='Webapp']").await;
}

#[tokio::test]
async fn signing_out_ends_the_account_token_at_the_api() {
    let w = world().await;
    let b = browser().await;
    account_sign_in(&b, &w, seed::ACCOUNT_EMAIL, seed::ACCOUNT_PASSWORD, None).await;
    b.find("#console-ready").await;
    let stored = b.js("return sessionStorage.getItem('gatehouse.account');").await;
    let token = serde_json::from_str::<Value>(stored.as_str().unwrap()).unwrap()["token"].as_str().unwrap().to_string();
    assert_eq!(w.call("GET", "/account", &token, None).await.0, 200);
    b.click("#sign-out").await;
    b.find("#account-email").await;
    // a copy of the token (another tab, a log, a thief) no longer works
    let mut status = 0;
    for _ in 0..50 {
        status = w.call("GET", "/account", &token, None).await.0;
        if status == 401 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, 401, "the account token still works after signing out");
    assert_eq!(w.call("POST", "/account/organizations", &token, Some(json!({"Name": "Mine now"}))).await.0, 401);
}

#[tokio::test]
async fn switching_organizations_changes_every_screen_and_never_shows_the_other() {
    let w = world().await;
    let b = browser().await;
    account_sign_in(&b, &w, seed::ACCOUNT_EMAIL, seed::ACCOUNT_PASSWORD, None).await;
    b.find("#console-ready").await;
    let labels = contexts(&b).await;
    assert_eq!(labels.len(), 2, "{labels:?}");
    b.open_screen(&w, "buyers").await;
    b.wait_text("#console-ready", seed::BUYER_ID).await;
    assert!(!listed(&b).await.contains(seed::SECOND_BUYER_ID));
    // switch: the screen in view reloads with the other organization's data
    let second = b.js("return [...document.querySelectorAll('#context-switch option')].find(o => o.textContent.startsWith('Second')).value;").await;
    b.select("#context-switch", second.as_str().unwrap()).await;
    b.wait_text("#console-ready", seed::SECOND_BUYER_ID).await;
    assert!(!listed(&b).await.contains(seed::BUYER_ID), "the screen in view reloaded with the other organization");
    for screen in
        ["buyers", "apiclients", "securityprofiles", "adminusers", "impersonationconfigs", "members", "applications"]
    {
        b.open_screen(&w, screen).await;
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        let text = listed(&b).await;
        for theirs in [seed::BUYER_ID, "admin01", seed::SHARED_CLIENT_ID, "CALL_CENTER", "ADMIN_PROFILE"] {
            assert!(!text.contains(theirs), "{screen} shows {theirs} of the other organization: {text}");
        }
    }
}

#[tokio::test]
async fn a_vendor_session_link_signs_the_person_in_once() {
    let w = world().await;
    // seed 004's quick start, as written, from Node
    let out = tokio::process::Command::new("node")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/oem/quickstart.mjs"))
        .args([&w.api, seed::demo().vendor.client_id.as_str(), seed::demo().vendor.client_secret.as_str()])
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["statuses"], json!([201, 201, 201]), "{v}");
    let admin_link = v["opened"][0].as_str().unwrap().to_string();
    let member_link = v["opened"][1].as_str().unwrap().to_string();
    assert!(admin_link.starts_with(&w.portal), "{admin_link}");

    // the first open signs John in, as Admin of Example Corp, with no password typed
    let b = browser().await;
    b.c.goto(&admin_link).await.unwrap();
    // an account the vendor made has no password: the landing offers to set the first one
    b.find("#first-password").await;
    b.click("#first-password-later").await;
    b.find("#console-ready").await;
    assert!(!b.c.current_url().await.unwrap().as_str().contains("session="), "the code left the address bar");
    assert_eq!(contexts(&b).await.len(), 1);
    assert!(contexts(&b).await[0].starts_with("Example Corp — john."));
    b.open_screen(&w, "members").await;
    b.wait_text("#my-role", "Your role: Admin").await;
    // the Admin sees the vendor's provisioning events
    b.wait_text("#events", "create organization").await;

    // a second open of the same link: refused, saying why, with the normal sign-in offered
    let again = browser().await;
    again.c.goto(&admin_link).await.unwrap();
    again.wait_text("#landing-error", "used already").await;
    // John never set a password: the page says how to get one, and that way works as told
    let hint = again.text("#landing-no-password").await;
    assert!(hint.contains("Ask the service that sent you the link for a new one"), "{hint}");
    again.click("#landing-signin").await;
    again.find("#account-form").await;
    let vendor = &seed::demo().vendor;
    let fresh = w
        .post_json(
            "/api/oem-api/organization/session",
            &json!({"clientId": vendor.client_id, "clientSecret": vendor.client_secret, "grantType": "client_credentials",
                "scope": "vendor_manage", "organizationOemToken": v["org"]["organizationOemToken"]}),
        )
        .await;
    again.c.goto(fresh["redirectUrl"].as_str().unwrap()).await.unwrap();
    again.fill("#first-password", "John-First-Pass-1!").await;
    again.click("#first-password-set").await;
    again.find("#console-ready").await;
    let john = format!("john.{}@example-corp.com", v["stamp"].as_str().unwrap());
    let later = browser().await;
    account_sign_in(&later, &w, &john, "John-First-Pass-1!", None).await;
    later.find("#console-ready").await;

    // a forged link
    let forged = browser().await;
    forged.c.goto(&format!("{}/?session=forged", w.portal)).await.unwrap();
    forged.wait_text("#landing-error", "not valid").await;

    // the user added later lands as a Member
    let m = browser().await;
    m.c.goto(&member_link).await.unwrap();
    m.fill("#first-password", "First-Pass-123!").await;
    m.click("#first-password-set").await;
    m.find("#console-ready").await;
    m.open_screen(&w, "members").await;
    m.wait_text("#my-role", "Your role: Member").await;
}
