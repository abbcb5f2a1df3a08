//! Addresses: every operation and screen has its own link (leptos_router), which opens in a new
//! tab, survives a reload and moves with back and forward — also when `dist/` is served under a
//! sub-path by a plain static server with no rewrite rules.
use gatehouse_e2e::fantoccini::actions::{
    ActionSequence, InputSource, KeyAction, KeyActions, MouseActions, PointerAction, MOUSE_BUTTON_LEFT,
};
use gatehouse_e2e::fantoccini::key::Key;
use gatehouse_e2e::*;
use gatehouse_sandbox::seed;
use std::time::Duration;

async fn url(b: &Browser) -> String {
    b.c.current_url().await.unwrap().to_string()
}

/// Ctrl+click, as people open a link in a new tab.
async fn ctrl_click(b: &Browser, css: &str) {
    let el = b.find(css).await;
    let pause = || KeyAction::Pause { duration: Duration::from_millis(50) };
    let keys = KeyActions::new("keys".into())
        .then(KeyAction::Down { value: Key::Control.into() })
        .then(pause())
        .then(pause())
        .then(pause())
        .then(KeyAction::Up { value: Key::Control.into() });
    let mouse = MouseActions::new("mouse".into())
        .then(PointerAction::Pause { duration: Duration::from_millis(50) })
        .then(PointerAction::MoveToElement { element: el, duration: None, x: 0.0, y: 0.0 })
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
        .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
    b.c.perform_actions(vec![ActionSequence::from(keys), ActionSequence::from(mouse)]).await.unwrap();
    b.c.release_actions().await.unwrap();
}

#[tokio::test]
async fn every_place_has_a_link_that_opens_in_a_new_tab_even_under_a_sub_path() {
    let w = world().await;
    let base = serve_portal_at(&w.api, "/team/gatehouse/").await;
    let b = browser().await;
    b.c.goto(&base).await.unwrap();
    b.fill("#signin-username", ADMIN.0).await;
    b.fill("#signin-password", ADMIN.1).await;
    // a new tab has its own sessionStorage: stay signed in, as someone who opens tabs would
    b.click("#signin-stay").await;
    b.click("#signin-submit").await;
    b.find("#welcome").await;
    // menu entries are links to their own address, under the sub-path
    let admin_users = ".menu [data-resource='Admin Users']";
    let href = b.js(&format!("return document.querySelector(\"{admin_users}\").href;")).await;
    assert_eq!(href.as_str(), Some(format!("{base}?op=GET%20%2Fadminusers").as_str()));
    let screen = ".menu [data-screen='Buyers']";
    assert_eq!(
        b.js(&format!("return document.querySelector(\"{screen}\").getAttribute('href');")).await.as_str(),
        Some("?op=enhanced%3Abuyers")
    );
    // a click opens it in place: a new history entry, no page load
    b.js("window.notReloaded = true;").await;
    b.click(admin_users).await;
    b.find("#send").await;
    assert_eq!(url(&b).await, format!("{base}?op=GET%20%2Fadminusers"));
    assert_eq!(b.js("return window.notReloaded === true;").await, true);
    assert!(b.attr(admin_users, "class").await.unwrap_or_default().contains("active"));
    // the operation selector moves to another operation's address
    b.select("#op-select", "POST /adminusers").await;
    b.wait_text(".op-head", "POST").await;
    assert!(url(&b).await.ends_with("?op=POST%20%2Fadminusers"), "{}", url(&b).await);
    // back, forward and reload keep the place
    b.c.back().await.unwrap();
    b.wait_text(".op-head", "GET").await;
    b.c.back().await.unwrap();
    b.find("#welcome").await;
    b.c.forward().await.unwrap();
    b.wait_text(".op-head", "GET").await;
    b.c.refresh().await.unwrap();
    b.wait_text(".op-head", "/adminusers").await;
    assert!(url(&b).await.starts_with(&base));
    // Ctrl+click: the router leaves it to the browser, which opens the screen in a new tab
    let first = b.c.window().await.unwrap();
    ctrl_click(&b, screen).await;
    let mut tabs = Vec::new();
    for _ in 0..100 {
        tabs = b.c.windows().await.unwrap();
        if tabs.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(tabs.len(), 2, "a new tab opened");
    // the first tab stayed where it was
    assert!(url(&b).await.ends_with("?op=GET%20%2Fadminusers"));
    let new = tabs.into_iter().find(|t| *t != first).unwrap();
    b.c.switch_to_window(new).await.unwrap();
    b.find("#screen[data-screen='buyers']").await;
    assert_eq!(url(&b).await, format!("{base}?op=enhanced%3Abuyers"));
    // nothing is served outside the sub-path: the portal never asked for it
    let root = base.trim_end_matches("team/gatehouse/");
    assert_eq!(reqwest::get(root).await.unwrap().status(), 404);
}

#[tokio::test]
async fn every_object_of_an_enhanced_screen_has_its_own_address() {
    let w = world().await;
    let t = w.token(ADMIN.0, ADMIN.1).await;
    for i in 1..=2 {
        w.call(
            "POST",
            "/buyers",
            &t,
            Some(serde_json::json!({"ID": format!("LINK{i}"), "Name": format!("Linked {i}"), "Active": true})),
        )
        .await;
    }
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_screen(&w, "buyers").await;
    // opening a row gives the object its address, with a link to it beside the heading
    b.click("#ed-list tr[data-id='LINK1']").await;
    b.wait_text("#ed-heading", "Linked 1").await;
    assert!(url(&b).await.ends_with("?op=enhanced%3Abuyers&id=LINK1"), "{}", url(&b).await);
    assert_eq!(b.js("return document.getElementById('ed-link').href;").await.as_str(), Some(url(&b).await.as_str()));
    b.click("#ed-list tr[data-id='LINK2']").await;
    b.wait_text("#ed-heading", "Linked 2").await;
    // back and forward move between the objects, reload keeps the one in view
    b.c.back().await.unwrap();
    b.wait_text("#ed-heading", "Linked 1").await;
    b.c.back().await.unwrap();
    b.find("#ed-empty").await;
    b.c.forward().await.unwrap();
    b.wait_text("#ed-heading", "Linked 1").await;
    b.c.refresh().await.unwrap();
    b.wait_text("#ed-heading", "Linked 1").await;
    // closing the editor leaves the screen's own address
    b.click("#ed-cancel").await;
    b.find("#ed-empty").await;
    assert!(url(&b).await.ends_with("?op=enhanced%3Abuyers"), "{}", url(&b).await);
    // a nested object's address names its parent too, and opens straight on it
    b.c.goto(&format!("{}/?op=enhanced%3Abuyerusers&parent={}&id=BUYER01", w.portal, seed::BUYER_ID)).await.unwrap();
    b.wait_text("#ed-heading", "buyer01").await;
    assert_eq!(b.value("#ed-parent").await, seed::BUYER_ID);
    // an unknown object says so, and the list stays usable
    b.c.goto(&format!("{}/?op=enhanced%3Abuyers&id=NOPE", w.portal)).await.unwrap();
    b.wait_text("#ed-open-errors", "not there").await;
    b.find("#ed-list tr[data-id='LINK1']").await;
}
