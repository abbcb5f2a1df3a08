//! Issue 27 in the browser: environments and production's guard, the history's environment, the
//! copied cURL without the token until asked for, and the token inspector.
use gatehouse_e2e::*;
use serde_json::Value;

async fn clipboard(b: &Browser) -> String {
    let v = b.c.execute_async("navigator.clipboard.readText().then(arguments[0]);", vec![]).await.unwrap();
    v.as_str().unwrap().to_string()
}

async fn shown(b: &Browser, css: &str) -> bool {
    b.exists(css).await && b.find(css).await.is_displayed().await.unwrap()
}

#[tokio::test]
async fn production_is_marked_everywhere_and_every_write_waits_for_a_yes() {
    let w = world().await;
    let b = browser().await;
    let t = w.token(ADMIN.0, ADMIN.1).await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;

    // the sandbox on loopback is guessed as such: no band, and a write goes without a question
    assert_eq!(b.value("#env-switch").await, "sandbox");
    assert!(!b.exists("#env-band").await);
    b.open_op(&w, "POST /buyers").await;
    b.fill("#field-ID", "SANDBOXED").await;
    b.fill("#field-Name", "Sandboxed").await;
    assert_eq!(b.send().await, 201);
    assert!(!b.exists("#confirm-write").await);

    // production, chosen by the person, kept across a reload
    b.select("#env-switch", "production").await;
    b.wait_text("#env-band", "PRODUCTION").await;
    b.c.refresh().await.unwrap();
    b.wait_text("#env-band", "PRODUCTION").await;

    // the band on every screen the menu offers
    let entries: Vec<String> = serde_json::from_value(
        b.js("return [...document.querySelectorAll('.menu a.resource.enhanced')].filter(a => a.closest('li').style.display !== 'none').map(a => a.href);").await,
    )
    .unwrap();
    for href in &entries {
        b.c.goto(href).await.unwrap();
        b.find("#screen, #impersonation-launcher").await;
        assert!(shown(&b, "#env-band").await, "no band on {href}");
    }

    // the console: "Don't send" sends nothing; "Send it" sends
    b.open_op(&w, "POST /buyers").await;
    assert!(shown(&b, "#env-band").await);
    b.fill("#field-ID", "PRODBUYER").await;
    b.fill("#field-Name", "Production buyer").await;
    b.click("#send").await;
    let what = b.wait_text("#confirm-what", "POST /v1/buyers").await;
    assert!(what.contains("admin01"), "{what}");
    assert!(b.text("#confirm-body").await.contains("Production buyer"));
    b.click("#confirm-no").await;
    b.wait_text("#network-error", "Not sent").await;
    assert_eq!(w.call("GET", "/buyers/PRODBUYER", &t, None).await.0, 404, "nothing was sent");
    assert_eq!(b.send_confirmed().await, 201);
    assert_eq!(w.call("GET", "/buyers/PRODBUYER", &t, None).await.0, 200);

    // the history names the environment of each entry
    let history =
        b.js("return document.querySelector('.history').textContent;").await.as_str().unwrap_or_default().to_string();
    assert!(history.contains("production") && history.contains("sandbox"), "{history}");

    // an editor: saving asks; a delete asks for the ID typed
    b.open_screen(&w, "buyers").await;
    b.find("#ed-new:not([disabled])").await;
    b.click("#ed-new").await;
    b.fill("#ed-ID", "PRODEDIT").await;
    b.fill("#ed-Name", "Edited in production").await;
    b.click("#ed-save").await;
    b.wait_text("#confirm-what", "POST /v1/buyers").await;
    b.click("#confirm-yes").await;
    b.find("#ed-saved").await;
    assert_eq!(w.call("GET", "/buyers/PRODEDIT", &t, None).await.0, 200);
    b.click("#ed-delete").await;
    b.click("#ed-delete-yes").await;
    b.wait_text("#confirm-what", "DELETE /v1/buyers/PRODEDIT").await;
    assert!(!b.find("#confirm-yes").await.is_enabled().await.unwrap(), "not before the ID is typed");
    b.fill("#confirm-id", "PRODEDI").await;
    assert!(!b.find("#confirm-yes").await.is_enabled().await.unwrap(), "a wrong ID does not do");
    b.fill("#confirm-id", "PRODEDIT").await;
    b.click("#confirm-yes").await;
    b.gone("#confirm-write").await;
    let mut status = 0;
    for _ in 0..50 {
        status = w.call("GET", "/buyers/PRODEDIT", &t, None).await.0;
        if status == 404 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, 404, "deleted once the ID was typed");
    assert!(b.axe().await.is_empty(), "{:?}", b.axe().await);
}

#[tokio::test]
async fn the_copied_curl_holds_no_token_until_asked_and_then_runs() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.grant_clipboard().await;
    let token = b.stored_token().await;
    b.open_op(&w, "GET /adminusers").await;
    b.fill("#param-search", "admin01").await;
    b.click("#copy-curl").await;
    b.wait_text("#copied", "set TOKEN").await;
    let curl = clipboard(&b).await;
    assert!(!curl.contains(&token) && curl.contains("$TOKEN"), "{curl}");
    b.click("#include-token").await;
    b.click("#copy-curl").await;
    b.wait_text("#copied", "with your token").await;
    let curl = clipboard(&b).await;
    assert!(curl.contains(&token), "{curl}");
    // it runs as copied, with no variable set
    let out = tokio::process::Command::new("bash").arg("-c").arg(&curl).env_remove("TOKEN").output().await.unwrap();
    let answer: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(answer["Items"][0]["Username"], "admin01", "{answer}");
}

#[tokio::test]
async fn the_token_inspector_reads_the_token_in_force_for_a_rep_and_while_acting() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, REP.0, REP.1).await;
    b.grant_clipboard().await;
    let token = b.stored_token().await;
    // the rep's own token: read from its claims, compared with what the sandbox says of it
    let me = w.call("GET", "/me", &token, None).await.1;
    b.click("#token-open").await;
    assert!(b.text("#token-who").await.contains(me["Username"].as_str().unwrap()));
    assert!(b.text("#token-acting").await.contains("nobody"));
    let roles = b.text("#token-roles").await;
    let claims: Value = serde_json::from_str(token.split('.').nth(1).map(base64url).unwrap().as_str()).unwrap();
    for r in claims["role"].as_array().unwrap() {
        assert!(roles.contains(r.as_str().unwrap()), "{roles} lacks {r}");
    }
    assert!(b.text("#token-left").await.contains('m') || b.text("#token-left").await.contains('h'));
    b.click("#token-copy-claims").await;
    b.wait_text("#token-copied", "Claims copied").await;
    let copied = clipboard(&b).await;
    assert!(copied.contains("\"usr\"") && !copied.contains(&token), "{copied}");
    assert!(b.axe().await.is_empty(), "{:?}", b.axe().await);
    b.click("#token-close").await;
    b.gone("#token-inspector").await;

    // acting: the buyer's token, said to be acted as by the rep, with the reason
    b.c.goto(&format!("{}/?op=enhanced:impersonation", w.portal)).await.unwrap();
    b.act_as("BUYER01", "TICKET-9").await;
    b.click("#token-open").await;
    b.wait_text("#token-who", "buyer01").await;
    let acting = b.text("#token-acting").await;
    assert!(acting.contains("buyer01") && acting.contains(REP.0) && acting.contains("TICKET-9"), "{acting}");
    b.click("#token-copy-token").await;
    b.wait_text("#token-copied", "Token copied").await;
    let copied = clipboard(&b).await;
    assert!(copied.starts_with("ey") && copied != token, "the act-as token, asked for by name");
}

fn base64url(s: &str) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes() {
        let Some(v) = T.iter().position(|&t| t == c) else { continue };
        bits = (bits << 6) | v as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8(out).unwrap()
}
