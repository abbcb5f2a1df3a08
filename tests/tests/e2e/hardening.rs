//! The portal tried as an attacker would: its Content-Security-Policy, the storefront window,
//! where a client secret is kept, and an answer it cannot read.
use gatehouse_e2e::*;
use serde_json::json;

#[tokio::test]
async fn the_portal_works_under_a_policy_that_blocks_inline_script_and_framing() {
    let w = world().await;
    // the headers a served portal carries
    let res = reqwest::get(format!("{}/", w.portal)).await.unwrap();
    let header = |name: &str| res.headers().get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let csp = header("content-security-policy");
    let script_src = csp.split(';').map(str::trim).find(|d| d.starts_with("script-src")).unwrap_or_default();
    assert_eq!(script_src, "script-src 'self' 'wasm-unsafe-eval'", "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(
        (header("x-frame-options"), header("x-content-type-options"), header("referrer-policy")),
        ("DENY".into(), "nosniff".into(), "no-referrer".into())
    );
    // the page itself states the policy and holds no inline script
    let html = res.text().await.unwrap();
    assert!(html.contains("http-equiv=\"Content-Security-Policy\""), "{html}");
    assert!(!regex_free_has_inline_script(&html), "{html}");
    // the portal works in full under it: sign in, send a request, open a screen
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_op(&w, "GET /buyers").await;
    assert_eq!(b.send().await, 200);
    b.open_screen(&w, "buyers").await;
    b.find("#screen tr[data-id='BUYER_ORGANIZATION']").await;
    // an injected inline script does not run, and the browser reports the violation
    let ran = b
        .js("window.__violations = 0; document.addEventListener('securitypolicyviolation', () => window.__violations++); \
             const s = document.createElement('script'); s.textContent = 'window.__injected = true'; document.head.appendChild(s); \
             return window.__injected === true;")
        .await;
    assert_eq!(ran, json!(false), "an inline script ran");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(b.js("return window.__violations;").await.as_u64().unwrap() >= 1);
    // an inline event handler neither
    let clicked = b.js("const d = document.createElement('div'); d.setAttribute('onclick', 'window.__clicked = true'); document.body.appendChild(d); d.click(); return window.__clicked === true;").await;
    assert_eq!(clicked, json!(false));
}

/// Whether `html` has a `<script>` element without a `src`.
fn regex_free_has_inline_script(html: &str) -> bool {
    html.split("<script").skip(1).any(|rest| {
        let tag = rest.split('>').next().unwrap_or("");
        !tag.contains("src=")
    })
}

#[tokio::test]
async fn open_storefront_gives_the_new_window_no_opener_and_no_referrer() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, REP.0, REP.1).await;
    b.click(".enhanced-section [data-screen='Impersonation launcher']").await;
    b.act_as("BUYER01", "TICKET-1").await;
    b.wait_text("#acting-banner", "acting as buyer01").await;
    b.js("window.__opened = []; window.open = (...args) => { window.__opened.push(args); return null; };").await;
    b.click("#open-storefront").await;
    let opened = b.js("return window.__opened;").await;
    let call = &opened[0];
    assert!(call[0].as_str().unwrap().contains("/storefront/impersonation?token="), "{opened}");
    assert_eq!(call[1], "_blank");
    let features = call[2].as_str().unwrap_or("");
    assert!(features.contains("noopener") && features.contains("noreferrer"), "{opened}");
}

#[tokio::test]
async fn a_client_secret_typed_at_sign_in_is_never_written_to_local_storage() {
    let w = world().await;
    let admin = w.token(ADMIN.0, ADMIN.1).await;
    let secret = "s3cret-typed-at-sign-in-0123456789";
    let (s, client) = w
        .call("POST", "/apiclients", &admin, Some(json!({"AppName": "Confidential", "Active": true, "AccessTokenDuration": 60, "RefreshTokenDuration": 60, "AllowSeller": true, "ClientSecret": secret})))
        .await;
    assert_eq!(s, 201, "{client}");
    let client_id = client["ID"].as_str().unwrap();
    let b = browser().await;
    b.c.goto(&w.portal).await.unwrap();
    b.fill("#signin-client", client_id).await;
    b.fill("#signin-secret", secret).await;
    b.fill("#signin-username", ADMIN.0).await;
    b.fill("#signin-password", ADMIN.1).await;
    b.click("#signin-stay").await;
    b.click("#signin-submit").await;
    b.find("#console-ready").await;
    let stored = |area: &'static str| {
        let b = &b;
        async move {
            b.js(&format!("return JSON.stringify(Object.assign({{}}, {area}));")).await.as_str().unwrap().to_string()
        }
    };
    let local = stored("localStorage").await;
    assert!(local.contains(client_id), "the context stays signed in: {local}");
    assert!(!local.contains(secret), "the secret reached localStorage: {local}");
    // this tab keeps it to renew the token, and a reload keeps working with it
    assert!(stored("sessionStorage").await.contains(secret));
    b.c.refresh().await.unwrap();
    b.find("#console-ready").await;
    let renewed = b
        .js("return document.querySelector('#who-user') ? document.querySelector('#who-user').textContent : '';")
        .await;
    assert_eq!(renewed, json!(ADMIN.0));
    assert!(!stored("localStorage").await.contains(secret));
}

/// Points the signed-in context at the mock API under `{portal}/mock` (its buyers list), with
/// the sandbox's own document for the screens.
async fn use_mock_buyers(b: &Browser, w: &World) {
    b.js(&format!(
        "const c = JSON.parse(sessionStorage.getItem('gatehouse.contexts')); c[0].base_url = '{0}/mock'; \
         sessionStorage.setItem('gatehouse.contexts', JSON.stringify(c)); \
         sessionStorage.setItem('gatehouse.active', c[0].base_url + '|' + c[0].client_id + '|' + c[0].username); \
         localStorage.setItem('gatehouse.spec_url', '{1}/v1/openapi/v3');",
        w.portal, w.api
    ))
    .await;
}

/// Types a search into a list screen and submits it.
async fn search(b: &Browser, text: &str) {
    b.js(&format!("const i = document.getElementById('ed-search'); i.value = '{text}'; i.dispatchEvent(new Event('change', {{bubbles: true}}));")).await;
}

#[tokio::test]
async fn a_slow_older_list_answer_never_replaces_a_newer_one_and_leaving_aborts() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    use_mock_buyers(&b, &w).await;
    b.open_screen(&w, "buyers").await;
    b.wait_text("#ed-list-errors", "cannot read").await;
    // the first search answers after 2.5 s, the second at once
    search(&b, "slow").await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    search(&b, "fast").await;
    b.find("#screen tr[data-id='FAST']").await;
    tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
    assert!(b.exists("#screen tr[data-id='FAST']").await, "the newer answer was replaced");
    assert!(!b.exists("#screen tr[data-id='SLOW']").await, "the older, slower answer won");
    // leaving the screen aborts the load in flight
    let aborted = || async { reqwest::get(format!("{}/mock/aborted", w.portal)).await.unwrap().text().await.unwrap() };
    assert_eq!(aborted().await, "0");
    search(&b, "hang").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // (within the app: a page load would end the request in any case)
    b.menu_screen("Admin users", "adminusers").await;
    let mut seen = String::new();
    for _ in 0..40 {
        seen = aborted().await;
        if seen == "1" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(seen, "1", "the request of the screen left behind was not aborted");
}

#[tokio::test]
async fn opening_one_object_then_another_never_shows_the_first_when_it_answers_late() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    use_mock_buyers(&b, &w).await;
    b.open_screen(&w, "buyers").await;
    search(&b, "both").await;
    b.find("#screen tr[data-id='SLOW']").await.click().await.unwrap();
    b.wait_text("#ed-heading", "SLOW").await;
    b.find("#screen tr[data-id='FAST']").await.click().await.unwrap();
    b.wait_text("#ed-heading", "FAST").await;
    // back to SLOW: its own answer takes 2.5 s; forward to FAST before it comes
    b.c.back().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    b.c.forward().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
    let heading = b.text("#ed-heading").await;
    assert!(heading.contains("FAST") && !heading.contains("SLOW"), "the older, slower answer won: {heading}");
    assert!(b.c.current_url().await.unwrap().as_str().contains("id=FAST"));
}

#[tokio::test]
async fn an_answer_the_portal_cannot_read_is_reported_not_shown_as_an_empty_list() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    // the context now points at an API answering a list nested deeper than the parser allows
    use_mock_buyers(&b, &w).await;
    b.open_screen(&w, "buyers").await;
    let said = b.wait_text("#ed-list-errors", "cannot read").await;
    assert!(said.contains("200") && said.contains("KB") && said.contains("UnreadableAnswer"), "{said}");
    assert!(!b.exists("#screen tr[data-id]").await, "no rows are shown");
}
