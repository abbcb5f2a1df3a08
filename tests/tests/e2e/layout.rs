//! The layout at the widths people use: 800 px (menu folded, request and response stacked),
//! 1366 px (list columns without a horizontal scroll), and long forms that keep Save in view.
use gatehouse_e2e::*;
use serde_json::json;
use std::time::Duration;

async fn visible(b: &Browser, css: &str) -> bool {
    b.js(&format!("const e = document.querySelector('{css}'); return !!e && e.offsetParent !== null;")).await
        == json!(true)
}

#[tokio::test]
async fn at_800_px_the_menu_folds_and_request_and_response_stack() {
    let w = world().await;
    let b = browser().await;
    b.c.set_window_size(800, 900).await.unwrap();
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_op(&w, "GET /buyers").await;
    assert!(visible(&b, "#menu-toggle").await);
    assert!(!visible(&b, "#menu").await, "the menu is folded");
    b.click("#menu-toggle").await;
    assert!(visible(&b, "#menu").await);
    assert_eq!(b.attr("#menu-toggle", "aria-expanded").await.as_deref(), Some("true"));
    b.click(".menu [data-resource='Admin Users']").await;
    b.find(".op-head").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!visible(&b, "#menu").await, "choosing an entry folds the menu again");
    // a click outside a folded menu closes it, as a pop-over; one inside does not
    let click_at =
        "const e = document.elementFromPoint(arguments[0], arguments[1]); e.click(); return e.closest('[id]')?.id;";
    for (toggle, panel) in [("#menu-toggle", "#menu"), ("#header-menu-toggle", "#header-menu")] {
        b.click(toggle).await;
        assert!(visible(&b, panel).await, "{panel} opens");
        b.c.execute(&format!("document.querySelector('{panel}').firstElementChild.dispatchEvent(new MouseEvent('click', {{bubbles: true}}));"), vec![]).await.unwrap();
        assert!(visible(&b, panel).await, "a click inside {panel} leaves it open");
        let outside = b.c.execute(click_at, vec![json!(700), json!(700)]).await.unwrap();
        assert!(!visible(&b, panel).await, "a click outside ({outside}) closes {panel}");
        assert_eq!(b.attr(toggle, "aria-expanded").await.as_deref(), Some("false"));
    }
    b.open_op(&w, "GET /buyers").await;
    b.send().await;
    let overlap = b
        .js("const a = document.querySelector('section.operation').getBoundingClientRect(); const r = document.querySelector('#response').getBoundingClientRect();
             return {stacked: r.top >= a.bottom - 1, wide: document.documentElement.scrollWidth <= window.innerWidth};")
        .await;
    assert_eq!(
        overlap,
        json!({"stacked": true, "wide": true}),
        "request and response stack, nothing wider than the window"
    );
    // an enhanced screen: list and editor stack too
    b.open_screen(&w, "buyers").await;
    assert_eq!(b.js("return document.documentElement.scrollWidth <= window.innerWidth;").await, json!(true));
}

/// From 1000 px the header is one line at every width: no label breaks in two (the header would
/// grow and push the menu down, then shrink back as the clock's text got shorter); the context
/// switch gives up room first, and nothing scrolls sideways.
#[tokio::test]
async fn at_1000_px_the_header_is_one_line() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    let measure = "const h = document.querySelector('header.top');
        return [Math.round(h.getBoundingClientRect().height), document.documentElement.scrollWidth <= innerWidth,
            [...h.querySelectorAll('#who-roles, #time-left, #sign-out, #theme-toggle, #token-open')].filter(e => e.getClientRects().length > 1 || e.getBoundingClientRect().height > 34).map(e => e.id)];";
    let wide = b.js(measure).await;
    b.c.set_window_size(1000, 900).await.unwrap();
    b.find("#console-ready").await;
    let narrow = b.js(measure).await;
    assert_eq!(narrow, wide, "1000 px against the window's first width");
    assert_eq!((&narrow[1], &narrow[2]), (&json!(true), &json!([])), "{narrow}");
}

#[tokio::test]
async fn at_1366_px_lists_need_no_horizontal_scroll_and_save_stays_in_view() {
    let w = world().await;
    let b = browser().await;
    b.c.set_window_size(1366, 700).await.unwrap();
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    assert!(!visible(&b, "#menu-toggle").await);
    for s in ["apiclients", "securityprofiles", "adminusers", "buyers", "impersonationconfigs"] {
        b.open_screen(&w, s).await;
        b.find("#ed-list tbody tr").await;
        let fits =
            b.js("const t = document.querySelector('.table-wrap'); return t.scrollWidth <= t.clientWidth + 1;").await;
        assert_eq!(fits, json!(true), "{s}: the list's columns fit");
    }
    // a long form: Save stays on screen wherever the form is scrolled to
    b.open_screen(&w, "apiclients").await;
    b.wait_text("#ed-empty", "Choose an API client in the list").await;
    b.click("#ed-new").await;
    b.find("#ed-save").await;
    for at in ["0", "99999"] {
        b.js(&format!("document.querySelector('#screen').scrollTop = {at}; document.querySelector('#ed-form').scrollIntoView({{block: 'start'}});")).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let inside = b.js("const r = document.querySelector('#ed-save').getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight;").await;
        assert_eq!(inside, json!(true), "Save in view (scrolled to {at})");
    }
}
