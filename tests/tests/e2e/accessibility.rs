//! axe-core (npm) in Chromium on every page and state of the portal: zero violations of any
//! impact, in the light and the dark theme.
use gatehouse_e2e::*;
use std::time::Duration;

async fn clean(b: &Browser, what: &str) {
    // let lists and panels settle first
    tokio::time::sleep(Duration::from_millis(400)).await;
    let found = b.axe().await;
    assert!(found.is_empty(), "{what}: {found:#?}");
}

const SCREENS: &[&str] = &[
    "apiclients",
    "securityprofiles",
    "adminusers",
    "adminusergroups",
    "buyers",
    "buyerusers",
    "buyergroups",
    "suppliers",
    "supplierusers",
    "suppliergroups",
    "impersonationconfigs",
];

/// Every page of the console and of the screens, as the current theme draws them.
async fn every_page(b: &Browser, w: &World, theme: &str) {
    b.open_op(w, "POST /adminusers").await;
    clean(b, &format!("{theme}: console with a form")).await;
    b.open_op(w, "GET /buyers").await;
    b.send().await;
    clean(b, &format!("{theme}: console with a response")).await;
    for s in SCREENS {
        b.open_screen(w, s).await;
        clean(b, &format!("{theme}: {s} list")).await;
        b.find("#ed-new:not([disabled])").await;
        b.click("#ed-new").await;
        b.find("#ed-heading").await;
        clean(b, &format!("{theme}: {s} editor")).await;
    }
    b.open_screen(w, "effective-roles").await;
    clean(b, &format!("{theme}: effective roles")).await;
    b.open_screen(w, "access-map").await;
    b.find("#am-ready").await;
    clean(b, &format!("{theme}: access map")).await;
    b.open_screen(w, "import-users").await;
    b.find("#csv-file").await;
    clean(b, &format!("{theme}: import users")).await;
    b.open_screen(w, "access-code").await;
    b.find("#export-download:not([disabled])").await;
    clean(b, &format!("{theme}: access as code")).await;
}

#[tokio::test]
async fn every_page_in_both_themes_has_no_violation() {
    let w = world().await;
    let b = browser().await;
    b.c.goto(&w.portal).await.unwrap();
    b.find("#account-form").await;
    clean(&b, "sign-in page").await;
    // FullAccess for the demo admin, so every screen's editor opens
    let t = w.token(ADMIN.0, ADMIN.1).await;
    assert_eq!(
        w.call(
            "POST",
            "/securityprofiles",
            &t,
            Some(serde_json::json!({"ID": "FULL", "Name": "Full", "Roles": ["FullAccess"]}))
        )
        .await
        .0,
        201
    );
    assert_eq!(
        w.call(
            "POST",
            "/securityprofiles/assignments",
            &t,
            Some(serde_json::json!({"SecurityProfileID": "FULL", "UserID": "ADMIN"}))
        )
        .await
        .0,
        204
    );
    // a supplier, so the supplier users' and groups' screens have a parent to work under
    assert_eq!(
        w.call(
            "POST",
            "/suppliers",
            &t,
            Some(serde_json::json!({"ID": "SUPPLIER", "Name": "Supplier", "Active": true}))
        )
        .await
        .0,
        201
    );
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    every_page(&b, &w, "light").await;
    b.click("#theme-toggle").await;
    every_page(&b, &w, "dark").await;
}

#[tokio::test]
async fn the_launcher_and_the_organization_screens_have_no_violation() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, REP.0, REP.1).await;
    for theme in ["light", "dark"] {
        b.c.goto(&format!("{}/?op=enhanced:impersonation", w.portal)).await.unwrap();
        b.find("#imp-search").await;
        clean(&b, &format!("{theme}: launcher idle")).await;
        b.act_as("BUYER01", "TICKET-1").await;
        b.wait_text("#acting-banner", "acting as buyer01").await;
        clean(&b, &format!("{theme}: launcher acting")).await;
        b.click("#acting-end").await;
        b.gone("#acting-banner").await;
        if theme == "light" {
            b.click("#theme-toggle").await;
        }
    }
    // an organization's Admin: members and applications
    let a = browser().await;
    a.c.goto(&w.portal).await.unwrap();
    a.fill("#account-email", gatehouse_sandbox::seed::ACCOUNT_EMAIL).await;
    a.fill("#account-password", gatehouse_sandbox::seed::ACCOUNT_PASSWORD).await;
    a.click("#account-submit").await;
    a.find("#console-ready").await;
    for s in ["members", "applications"] {
        a.open_screen(&w, s).await;
        clean(&a, s).await;
    }
}

#[tokio::test]
async fn a_skip_link_the_focus_on_the_opened_heading_and_a_focusable_response() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    // the first thing to tab to skips to the workspace
    let first = b.js("return document.querySelector('body a, body button, body input, body select').className;").await;
    assert_eq!(first, serde_json::json!("skip-link"));
    assert_eq!(b.attr(".skip-link", "href").await.as_deref(), Some("#console-ready"));
    // opening a screen from the menu moves the focus to its heading
    b.click(".menu [data-screen='Buyers']").await;
    b.find("#screen[data-screen='buyers']").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let focused = b.js("return document.activeElement.tagName + ' ' + document.activeElement.textContent;").await;
    assert_eq!(focused, serde_json::json!("H2 ⚡ Buyers"));
    // and opening an operation, to the operation's heading
    b.click(".menu [data-resource='Buyers']").await;
    b.find("#send").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let focused = b.js("return document.activeElement.className;").await;
    assert_eq!(focused, serde_json::json!("op-head"));
    // the response body can be reached and scrolled from the keyboard
    b.send().await;
    assert_eq!(b.attr("#response-body", "tabindex").await.as_deref(), Some("0"));
}

/// The sign-in page holds two forms (a marketplace user, an account): no two of its controls
/// share an accessible name, so a screen-reader user knows which Password and which Sign in.
#[tokio::test]
async fn the_sign_in_page_names_every_control_once() {
    let w = world().await;
    let b = browser().await;
    b.c.goto(&w.portal).await.unwrap();
    b.find("#account-form").await;
    b.find("#signin-submit").await;
    let names = b
        .js(r#"return [...document.querySelectorAll('main input, main select, main button')]
            .filter(e => e.offsetParent !== null)
            .map(e => {
              const label = e.getAttribute('aria-label') || (e.id && document.querySelector(`label[for="${e.id}"]`)?.textContent)
                || e.closest('label')?.textContent || e.textContent;
              return (label || '').trim().replace(/\s+/g, ' ');
            });"#)
        .await;
    let names: Vec<String> = names.as_array().unwrap().iter().map(|n| n.as_str().unwrap().to_string()).collect();
    assert!(names.len() >= 8, "{names:?}");
    let mut seen = std::collections::BTreeSet::new();
    for n in &names {
        assert!(!n.is_empty(), "a control without a name: {names:?}");
        assert!(seen.insert(n.clone()), "two controls named {n:?}: {names:?}");
    }
}
