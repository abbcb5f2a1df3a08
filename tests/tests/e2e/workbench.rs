//! The console as a request workbench, in headless Chromium against the sandbox: the history
//! kept across reloads (per context, never a secret), searched, restored and sent again; the
//! request copied as cURL / fetch / SDK and the response body copied; JSON coloured and folded.
use gatehouse_e2e::*;
use serde_json::Value;

async fn entries(b: &Browser) -> Vec<String> {
    let v =
        b.js("return [...document.querySelectorAll('#history .history-entry code')].map(e => e.textContent);").await;
    serde_json::from_value(v).unwrap()
}

async fn clipboard(b: &Browser) -> String {
    let v = b.c.execute_async("navigator.clipboard.readText().then(arguments[0]);", vec![]).await.unwrap();
    v.as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_history_survives_a_reload_never_keeps_a_secret_and_restores_and_resends() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_op(&w, "POST /adminusers").await;
    b.fill("#field-ID", "wb1").await;
    b.fill("#field-Username", "wbuser").await;
    b.fill("#field-Password", "Wb-Secret-987!").await;
    b.fill("#field-FirstName", "Wanda").await;
    b.fill("#field-LastName", "Bench").await;
    b.fill("#field-Email", "wb@example.com").await;
    b.select("#field-Active", "true").await;
    assert_eq!(b.send().await, 201);
    b.open_op(&w, "GET /adminusers").await;
    b.fill("#param-search", "wbuser").await;
    assert_eq!(b.send().await, 200);

    // a reload keeps both, newest first
    b.c.refresh().await.unwrap();
    b.find("#send").await;
    b.click("#history-panel summary").await;
    assert_eq!(entries(&b).await, ["200 GET /adminusers?search=wbuser", "201 POST /adminusers"]);

    // nothing secret in the browser's storage: not the password, not the token
    let token = b.js("return JSON.parse(sessionStorage.getItem('gatehouse.contexts'))[0].access_token;").await;
    let stored = b.js("return JSON.stringify(localStorage);").await.as_str().unwrap().to_string();
    assert!(stored.contains("wbuser"), "{stored}");
    for secret in ["Wb-Secret-987!", "Password", token.as_str().unwrap()] {
        assert!(!stored.contains(secret), "{secret} is stored");
    }
    // kept per context: under the signed-in context's own key
    let keys = b.js("return Object.keys(localStorage).filter(k => k.startsWith('gatehouse.history:'));").await;
    assert_eq!(keys.as_array().unwrap().len(), 1);
    assert!(keys[0].as_str().unwrap().ends_with("|admin01"), "{keys}");

    // search
    b.fill("#history-search", "post").await;
    assert_eq!(entries(&b).await, ["201 POST /adminusers"]);

    // restore: the operation opens with the form as it was sent, the password left out
    b.click("#history .history-restore").await;
    b.wait_text(".op-head .method", "POST").await;
    for _ in 0..50 {
        if b.value("#field-Username").await == "wbuser" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(b.value("#field-Username").await, "wbuser");
    assert_eq!(b.value("#field-Email").await, "wb@example.com");
    assert_eq!(b.value("#field-Password").await, "");

    // send again: the list request goes out once more, from any operation
    b.set_value("#history-search", "").await;
    let resend =
        b.c.find(fantoccini::Locator::Css(
            "#history .history-resend[aria-label='Send again 200 GET /adminusers?search=wbuser']",
        ))
        .await
        .unwrap();
    resend.click().await.unwrap();
    b.wait_text(".op-head .method", "GET").await;
    b.find("#response").await;
    assert_eq!(b.attr("#response", "data-status").await.as_deref(), Some("200"));
    assert_eq!(b.value("#param-search").await, "wbuser");
    assert!(b.text("#response-body pre").await.contains("\"Username\": \"wbuser\""));
    assert_eq!(entries(&b).await.len(), 3);

    // clear
    b.click("#history-clear").await;
    assert!(entries(&b).await.is_empty());
    b.c.refresh().await.unwrap();
    b.find("#send").await;
    b.click("#history-panel summary").await;
    assert!(entries(&b).await.is_empty());

    // signing out forgets the history with the context (on a shared machine the bodies could
    // name customers); the theme stays
    b.open_op(&w, "GET /me").await;
    assert_eq!(b.send().await, 200);
    b.click("#theme-toggle").await;
    let kept = "return Object.keys(localStorage).filter(k => k.startsWith('gatehouse.')).sort().join(' ');";
    assert!(b.js(kept).await.as_str().unwrap().contains("gatehouse.history:"));
    b.click("#sign-out").await;
    b.find("#signin-grant").await;
    let left = b.js(kept).await;
    assert!(!left.as_str().unwrap().contains("gatehouse.history"), "{left}");
    assert!(left.as_str().unwrap().contains("gatehouse.theme"), "{left}");
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_op(&w, "GET /me").await;
    b.click("#history-panel summary").await;
    assert!(entries(&b).await.is_empty());
}

#[tokio::test]
async fn a_request_is_copied_as_curl_fetch_and_sdk_and_the_copied_curl_runs() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.grant_clipboard().await;
    b.open_op(&w, "GET /adminusers").await;
    b.fill("#param-search", "admin01").await;
    b.click("#add-filter").await;
    b.fill("#filter-field-0", "Active").await;
    b.fill("#filter-value-0", "true").await;
    let token = b.stored_token().await;

    b.click("#copy-sdk").await;
    b.wait_text("#copied", "SDK").await;
    let sdk = clipboard(&b).await;
    assert!(sdk.starts_with("import { AdminUsers } from \"ordercloud-javascript-sdk\";"), "{sdk}");
    assert!(
        sdk.contains("await AdminUsers.List({")
            && sdk.contains("\"search\": \"admin01\"")
            && sdk.contains("\"Active\": \"true\""),
        "{sdk}"
    );

    b.click("#copy-fetch").await;
    b.wait_text("#copied", "fetch").await;
    let fetch = clipboard(&b).await;
    assert!(
        fetch.contains("await fetch(\"") && fetch.contains("search=admin01") && fetch.contains("method: \"GET\""),
        "{fetch}"
    );
    assert!(!fetch.contains(&token));

    b.click("#copy-curl").await;
    b.wait_text("#copied", "cURL").await;
    let curl = clipboard(&b).await;
    assert!(curl.starts_with("curl -X GET '") && curl.contains("$TOKEN") && !curl.contains(&token), "{curl}");
    // the copied command works in a shell once TOKEN is set
    let out = tokio::process::Command::new("bash").arg("-c").arg(&curl).env("TOKEN", &token).output().await.unwrap();
    let answer: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(answer["Items"][0]["Username"], "admin01", "{answer}");

    // the response body, copied as it came
    assert_eq!(b.send().await, 200);
    b.click("#copy-response").await;
    b.wait_text("#copy-response", "Copied").await;
    let body: Value = serde_json::from_str(&clipboard(&b).await).unwrap();
    assert_eq!(body["Items"][0]["Username"], "admin01");
}

#[tokio::test]
async fn json_is_coloured_and_folds_even_in_a_big_answer() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_op(&w, "GET /adminusers").await;
    assert_eq!(b.send().await, 200);
    b.wait_text("#response-body .jk", "\"Meta\"").await;
    assert!(b.exists("#response-body .jn").await);
    assert!(b.exists("#response-body .js").await);
    // fold Meta: its lines leave, a summary stays; unfold brings them back
    let fold = "#response-body .fold[data-line='1']";
    assert_eq!(b.attr(fold, "aria-label").await.as_deref(), Some("Fold line 2"));
    assert!(b.text("#response-body pre").await.contains("\"TotalCount\""));
    b.click(fold).await;
    b.wait_text("#response-body .folded", "lines }").await;
    assert!(!b.text("#response-body pre").await.contains("\"TotalCount\""));
    assert_eq!(b.attr(fold, "aria-expanded").await.as_deref(), Some("false"));
    b.click(fold).await;
    b.wait_text("#response-body pre", "\"TotalCount\"").await;

    // 5,000 items: folding Items shrinks the scroll height to a few rows and Meta follows it
    b.use_mock_api(&w).await;
    assert_eq!(b.send().await, 200);
    b.wait_text("#response-body pre", "ITEM00000").await;
    for _ in 0..50 {
        if b.attr("#response-body", "data-lines").await.unwrap().parse::<usize>().unwrap() > 50_000 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let items = b.js("return [...document.querySelectorAll('#response-body .fold')].find(f => f.parentElement && f.nextSibling && f.nextElementSibling.textContent === '\"Items\"').dataset.line;").await;
    b.click(&format!("#response-body .fold[data-line='{}']", items.as_str().unwrap())).await;
    b.wait_text("#response-body .folded", "lines ]").await;
    let height =
        b.js("return document.querySelector('#response-body .virtual-space').offsetHeight;").await.as_u64().unwrap();
    assert!(height < 18 * 20, "{height}px");
    assert!(!b.text("#response-body pre").await.contains("ITEM04999"));
}
