//! The API console in headless Chromium against the sandbox: sign-in, generated forms and
//! pasted JSON, validation before sending, error meanings, lists, deep links, tokens.
use gatehouse_e2e::*;
use serde_json::{json, Value};

/// The JSON in the response viewer (small responses fit in its window).
async fn response_json(b: &Browser) -> Value {
    let text = b.js("return document.querySelector('#response-body pre').textContent;").await;
    serde_json::from_str(text.as_str().unwrap()).unwrap()
}

async fn fill_admin_form(b: &Browser, id: &str, username: &str, password: &str) {
    b.fill("#field-ID", id).await;
    b.fill("#field-Username", username).await;
    b.fill("#field-Password", password).await;
    b.fill("#field-FirstName", "Ada").await;
    b.fill("#field-LastName", "Lovelace").await;
    b.fill("#field-Email", "ada@example.com").await;
    b.select("#field-Active", "true").await;
}

#[tokio::test]
async fn sign_in_good_and_bad_password_and_sign_out() {
    let w = world().await;
    let b = browser().await;
    b.c.goto(&w.portal).await.unwrap();
    b.fill("#signin-username", "admin01").await;
    b.fill("#signin-password", "wrong-password").await;
    b.click("#signin-submit").await;
    let err = b.wait_text("#signin-error", "wrong").await;
    assert!(err.contains("Auth.InvalidUsernameOrPassword"), "{err}");
    // good password: user, type, roles and time left are visible
    b.fill("#signin-password", ADMIN.1).await;
    b.click("#signin-submit").await;
    b.find("#console-ready").await;
    assert_eq!(b.text("#who-user").await, "admin01");
    assert_eq!(b.text("#who-type").await, "admin");
    assert_eq!(b.text("#who-roles").await, "13 roles");
    let left = b.wait_text("#time-left", "h ").await;
    assert!(left.starts_with("9h") || left.starts_with("10h"), "{left}");
    // tokens live in sessionStorage unless asked to stay signed in
    let stored = b
        .js("return [sessionStorage.getItem('gatehouse.contexts'), localStorage.getItem('gatehouse.contexts')];")
        .await;
    assert!(stored[0].as_str().unwrap().contains("access_token"));
    assert!(stored[1].is_null());
    // sign out drops every token, and a reload stays signed out
    b.click("#sign-out").await;
    b.find("#signin-username").await;
    let stored = b.js("return [sessionStorage.getItem('gatehouse.contexts'), localStorage.getItem('gatehouse.contexts'), sessionStorage.getItem('gatehouse.impersonation')];").await;
    assert_eq!(stored, json!([null, null, null]));
    b.c.refresh().await.unwrap();
    b.find("#signin-username").await;
}

#[tokio::test]
async fn stay_signed_in_uses_local_storage_and_contexts_switch() {
    let w = world().await;
    let b = browser().await;
    b.c.goto(&w.portal).await.unwrap();
    b.fill("#signin-username", ADMIN.0).await;
    b.fill("#signin-password", ADMIN.1).await;
    b.click("#signin-stay").await;
    b.click("#signin-submit").await;
    b.find("#console-ready").await;
    let local = b.js("return localStorage.getItem('gatehouse.contexts');").await;
    assert!(local.as_str().unwrap().contains("admin01"));
    // add a second marketplace context and switch back without signing in again
    b.select("#context-switch", "+").await;
    b.find("#add-context #signin-username").await;
    b.fill("#add-context #signin-username", BUYER.0).await;
    b.fill("#add-context #signin-password", BUYER.1).await;
    b.click("#add-context #signin-submit").await;
    b.wait_text("#who-user", "buyer01").await;
    b.gone("#add-context").await;
    let ids = b
        .js("return [...document.querySelectorAll('#context-switch option')].map(o => o.value).filter(v => v != '+');")
        .await;
    let admin_ctx = ids
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v.as_str().unwrap().ends_with("|admin01"))
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    b.select("#context-switch", &admin_ctx).await;
    b.wait_text("#who-user", "admin01").await;
    b.c.refresh().await.unwrap();
    b.wait_text("#who-user", "admin01").await;
}

#[tokio::test]
async fn create_admin_user_through_form_and_through_json() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_op(&w, "POST /adminusers").await;
    // required fields are marked; read-only ones are left out
    assert!(b.exists(".field:has(#field-Username) .req").await);
    // named in words, the API's name and its limit as the description
    let named = b.js("const e = document.getElementById('field-FirstName'); return [[...e.labels].map(l => l.textContent).join(' '), document.getElementById(e.getAttribute('aria-describedby')).textContent];").await;
    assert_eq!(named, serde_json::json!(["First name", "FirstName · max 100"]));
    assert!(!b.exists("#field-AvailableRoles").await);
    assert!(!b.exists("#field-DateCreated").await);
    assert_eq!(b.attr("#field-Password", "type").await.as_deref(), Some("password"));
    fill_admin_form(&b, "FORMUSER", "formuser", "Str0ng-Passw0rd!").await;
    assert_eq!(b.send().await, 201);
    assert_eq!(response_json(&b).await["Username"], "formuser");
    let t = w.token(ADMIN.0, ADMIN.1).await;
    assert_eq!(w.call("GET", "/adminusers/FORMUSER", &t, None).await.0, 200);

    // paste-JSON mode, round-tripping with the form
    b.open_op(&w, "POST /adminusers").await;
    b.fill("#field-FirstName", "Typed In Form").await;
    b.click("#mode-json").await;
    let shown = b.find("#body-json").await.prop("value").await.unwrap().unwrap();
    assert!(shown.contains("Typed In Form"), "{shown}");
    b.set_value("#body-json", r#"{"ID": "JSONUSER", "Username": "jsonuser", "Password": "Str0ng-Passw0rd!", "FirstName": "Jay", "LastName": "Son", "Email": "", "Active": true}"#).await;
    b.click("#mode-form").await;
    assert_eq!(b.find("#field-Username").await.prop("value").await.unwrap().as_deref(), Some("jsonuser"));
    b.click("#mode-json").await;
    assert_eq!(b.send().await, 201);
    assert_eq!(w.call("GET", "/adminusers/JSONUSER", &t, None).await.0, 200);
}

#[tokio::test]
async fn a_token_with_a_single_role_is_read() {
    // one role is a plain string in the token's `role` claim, not a list
    let w = empty_world().await;
    let b = browser().await;
    b.sign_in(&w, OWNER.0, OWNER.1).await;
    assert_eq!(b.text("#who-roles").await, "1 role");
    let roles = b.js("return [...document.querySelectorAll('#who li')].map(l => l.textContent);").await;
    assert_eq!(roles, json!(["FullAccess"]));
    b.open_op(&w, "GET /adminusers").await;
    assert_eq!(b.attr("#op-select option[value='GET /adminusers']", "data-allowed").await.as_deref(), Some("true"));
}

#[tokio::test]
async fn the_menu_filter_ignores_case_in_any_script() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    // resources and enhanced screens alike
    b.fill("#menu-filter", "SECURITY").await;
    let shown = b.shown_menu().await;
    // one entry per resource: the enhanced screen where there is one, its raw operations beside it
    assert!(shown.iter().any(|s| s == "⚡ Security profiles"), "{shown:?}");
    assert!(!shown.iter().any(|s| s == "Security Profiles"), "listed twice: {shown:?}");
    assert!(
        b.exists(".menu li:has(> [data-screen='Security profiles']) > a.raw-ops[data-resource='Security Profiles']")
            .await
    );
    assert!(!shown.iter().any(|s| s.contains("Buyer")), "{shown:?}");
    // a document whose names are not ASCII
    b.use_mock_api(&w).await;
    for typed in ["ÜBERSICHT", "übersicht", "Übersicht"] {
        b.fill("#menu-filter", typed).await;
        assert_eq!(b.shown_menu().await, ["Übersicht"], "filter {typed:?}");
    }
    b.fill("#menu-filter", "uebersicht").await;
    assert!(b.shown_menu().await.is_empty());
    assert!(!b.find(".enhanced-section").await.is_displayed().await.unwrap(), "no enhanced screen matches");
}

/// The menu is written as markup from the description's names: names that are markup and
/// quotes are shown as the text they are, never run or parsed (no element, no handler), and their
/// entries filter and lead to their operations like any other.
#[tokio::test]
async fn a_description_s_names_are_shown_as_text_in_the_menu() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.use_spec(&w, "/mock/hostile.json").await;
    b.find("#welcome").await;
    let v = b
        .js("return [document.querySelectorAll('#pwn, #pwn-section, #menu img, #menu b').length, typeof window.pwned,
        [...document.querySelectorAll('#menu .section h2')].map(h => h.textContent),
        document.querySelector('#menu a[data-resource]')?.dataset.resource];")
        .await;
    assert_eq!(
        v,
        json!([0, "undefined", ["⚡ Enhanced", gatehouse_e2e::HOSTILE_SECTION], gatehouse_e2e::HOSTILE_RESOURCE])
    );
    assert!(b.shown_menu().await.iter().any(|s| s == gatehouse_e2e::HOSTILE_RESOURCE));
    b.fill("#menu-filter", "onerror=").await;
    assert_eq!(b.shown_menu().await, [gatehouse_e2e::HOSTILE_RESOURCE]);
    b.click("#menu a[data-resource]").await;
    b.wait_text("#op-select", "List things").await;
    assert_eq!(b.attr("#menu a[data-resource]", "class").await.as_deref(), Some("resource active"));
    let v = b.js("return [document.querySelectorAll('#pwn, #menu img').length, typeof window.pwned];").await;
    assert_eq!(v, json!([0, "undefined"]));
    // two names the page's parser makes alike: the one opened, and only it, is marked
    b.set_value("#menu-filter", "").await;
    let marked = "return [...document.querySelectorAll('#menu a.active')].map(a => a.getAttribute('href'));";
    for twin in ["twin-cr", "twin-lf"] {
        b.click(&format!("#menu a[href='?op=GET%20%2F{twin}']")).await;
        b.wait_text("#op-select", "List twins").await;
        let want = json!([format!("?op=GET%20%2F{twin}")]);
        let mut got = b.js(marked).await;
        for _ in 0..20 {
            if got == want {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            got = b.js(marked).await;
        }
        assert_eq!(got, want, "{twin}");
    }
}

/// Spaces around the filter are no part of a name; a filter that leaves nothing says so; and at
/// a narrow width Escape in the filter (the browser empties the box, the folded menu closes)
/// leaves no filter behind: the menu opened again lists everything.
#[tokio::test]
async fn the_menu_filter_trims_says_when_nothing_matches_and_escape_clears_it() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    let all = b.shown_menu().await;
    assert!(all.len() > 20, "{all:?}");
    let none_said = || async { b.find("#menu-none").await.is_displayed().await.unwrap() };
    b.fill("#menu-filter", "  security  ").await;
    assert!(b.shown_menu().await.iter().any(|s| s == "⚡ Security profiles"));
    assert!(!none_said().await);
    // a resource is found by its operations' paths, with or without the method
    for typed in ["/adminusers/{", "post /AdminUsers"] {
        b.fill("#menu-filter", typed).await;
        assert_eq!(b.shown_menu().await, ["⚡ Admin users"], "filter {typed:?}");
    }
    b.fill("#menu-filter", "zzzz").await;
    assert!(b.shown_menu().await.is_empty());
    assert!(none_said().await, "an empty menu says that nothing matches");
    b.set_value("#menu-filter", "").await;
    assert_eq!(b.shown_menu().await, all);
    assert!(!none_said().await);
    // folded behind its button at 390 px
    b.c.set_window_size(390, 844).await.unwrap();
    b.click("#menu-toggle").await;
    b.fill("#menu-filter", "sup").await;
    assert!(b.shown_menu().await.len() < all.len());
    b.find("#menu-filter").await.send_keys("\u{e00c}").await.unwrap();
    assert_eq!(
        b.attr("#menu-toggle", "aria-expanded").await.as_deref(),
        Some("false"),
        "Escape closes the folded menu"
    );
    b.click("#menu-toggle").await;
    assert_eq!(b.js("return document.getElementById('menu-filter').value;").await, json!(""));
    assert_eq!(b.shown_menu().await, all, "the emptied filter filters nothing");
}

#[tokio::test]
async fn number_fields_are_checked_against_the_document() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_op(&w, "POST /apiclients").await;
    b.fill("#field-AppName", "Numbers").await;
    // the document's range, in the model's words
    b.fill("#field-AccessTokenDuration", "0").await;
    b.click("#send").await;
    let msg = b.wait_text("#field-AccessTokenDuration-error", "between").await;
    assert_eq!(msg, "Access token lifetime must be between 1 and 600 (got 0).");
    b.fill("#field-AccessTokenDuration", "2.5").await;
    b.click("#send").await;
    // the field's label, not the API's name
    b.wait_text("#field-AccessTokenDuration-error", "Access token lifetime must be a whole number.").await;
    assert!(!b.exists("#response").await, "nothing was sent");
    // any way of writing a whole number goes out as an integer
    b.fill("#field-AccessTokenDuration", "1.2e2").await;
    assert_eq!(b.send().await, 201);
    b.wait_text("#response-body pre", "\"AccessTokenDuration\": 120,").await;
}

#[tokio::test]
async fn invalid_input_is_caught_before_sending() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_op(&w, "POST /adminusers").await;
    // password policy, required and max length: inline messages, nothing sent
    fill_admin_form(&b, "WEAK", "weakuser", "weakpassword").await;
    b.set_value("#field-LastName", "").await;
    b.set_value("#field-Phone", &"9".repeat(101)).await;
    b.set_value("#field-ID", "WE AK").await;
    b.click("#send").await;
    let msg = b.wait_text("#field-Password-error", "Password must contain").await;
    assert!(
        msg.contains("a digit") && msg.contains("an upper-case letter") && msg.contains("a special character"),
        "{msg}"
    );
    assert!(b.text("#field-LastName-error").await.contains("Last name is required"));
    assert!(b.text("#field-Phone-error").await.contains("at most 100 characters"));
    // a pattern the model knows is said in its words, not as the expression
    let id_error = b.text("#field-ID-error").await;
    assert_eq!(id_error, "ID \"WE AK\" is not allowed: use letters, digits, - and _ only.");
    assert!(b.text("#request-error").await.contains("need attention"));
    assert!(!b.exists("#response").await, "nothing was sent");
    let t = w.token(ADMIN.0, ADMIN.1).await;
    assert_eq!(w.call("GET", "/adminusers/WEAK", &t, None).await.0, 404);
    assert_eq!(w.call("GET", "/adminusers?search=weakuser", &t, None).await.1["Meta"]["TotalCount"], 0);
    // the input is intact
    assert_eq!(b.find("#field-Username").await.prop("value").await.unwrap().as_deref(), Some("weakuser"));
    // malformed JSON: position reported, nothing sent, text kept
    b.click("#mode-json").await;
    b.set_value("#body-json", "{\"ID\": \"X\",\n  \"Username\": }").await;
    b.click("#send").await;
    let err = b.wait_text("#json-error", "line 2").await;
    assert!(err.contains("column") && err.contains("Nothing was sent"), "{err}");
    assert!(!b.exists("#response").await);
    assert!(b.find("#body-json").await.prop("value").await.unwrap().unwrap().contains("\"Username\": }"));
    // a missing path parameter is named
    b.open_op(&w, "GET /buyers/{buyerID}/users").await;
    b.click("#send").await;
    b.wait_text("#request-error", "buyerID").await;
    // one validator: the enhanced editor and the sandbox say the same words for the same input
    b.open_screen(&w, "adminusers").await;
    b.click("#ed-new").await;
    b.fill("#ed-ID", "WE AK").await;
    b.click("#ed-save").await;
    assert_eq!(b.wait_text("#ed-ID-error", "not allowed").await, id_error);
    let (status, body) = w.call("POST", "/adminusers", &t, Some(json!({"ID": "WE AK", "Username": "weak2", "FirstName": "W", "LastName": "K", "Email": "w@example.com", "Active": true}))).await;
    assert_eq!(status, 400);
    assert_eq!(body["Errors"][0]["Message"], id_error);
}

#[tokio::test]
async fn a_malformed_xp_is_named_with_every_other_problem_and_the_first_send_after_fixing_sends() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_op(&w, "POST /adminusers").await;
    fill_admin_form(&b, "XPFIX", "xpfix", "weakpassword").await;
    // typed key by key, as people do: the box keeps the text while it is not JSON yet
    b.fill("#field-xp", "{\"Tier\": ").await;
    b.click("#send").await;
    // every problem at once, and nothing sent (the malformed xp was dropped from the body before)
    let xp = b.wait_text("#field-xp-error", "malformed JSON").await;
    assert!(xp.starts_with("xp: malformed JSON at line 1"), "{xp}");
    assert!(b.text("#field-Password-error").await.contains("Password must contain"));
    assert!(b.text("#request-error").await.contains("2 fields need attention"), "{}", b.text("#request-error").await);
    assert!(!b.exists("#response").await, "nothing was sent");
    assert_eq!(b.find("#field-xp").await.prop("value").await.unwrap().as_deref(), Some("{\"Tier\": "));
    // the problem is said once: under the field, not also as a hint
    assert_eq!(b.js("return [...document.getElementById('field-xp').closest('.field').querySelectorAll('*')].filter(e => !e.children.length && e.textContent.includes('malformed')).length;").await, json!(1));
    // fixed by typing (no blur needed: the message goes while typing, so Send stays under the pointer)
    b.fill("#field-Password", "Gatehouse-Xpfix1").await;
    b.fill("#field-xp", "{\"Tier\": 2}").await;
    assert!(!b.exists("#field-xp-error").await, "the xp problem went while typing");
    b.click("#send").await;
    b.wait_text("#response-body pre", "\"Tier\": 2").await;
    let t = w.token(ADMIN.0, ADMIN.1).await;
    assert_eq!(w.call("GET", "/adminusers/XPFIX", &t, None).await.1["xp"]["Tier"], 2);
    // pasted JSON that changes xp shows in the form's box
    b.click("#mode-json").await;
    b.set_value("#body-json", "{\"ID\": \"XPFIX2\", \"xp\": {\"Tier\": 3}}").await;
    b.click("#mode-form").await;
    assert!(b.find("#field-xp").await.prop("value").await.unwrap().unwrap().contains("\"Tier\": 3"));
}

#[tokio::test]
async fn conflict_and_forbidden_are_explained() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_op(&w, "POST /buyers").await;
    b.fill("#field-ID", "BUYER_ORGANIZATION").await;
    b.fill("#field-Name", "Duplicate").await;
    assert_eq!(b.send().await, 409);
    assert!(b.text("#response-meaning").await.contains("already exists"));
    let errs = b.text("#response-errors").await;
    assert!(errs.contains("IdExists") && errs.contains("BUYER_ORGANIZATION already exists"), "{errs}");
    // a buyer signs in: admin operations are marked, and a 403 shows accepted vs held roles
    b.click("#sign-out").await;
    b.sign_in(&w, BUYER.0, BUYER.1).await;
    b.open_op(&w, "GET /adminusers").await;
    assert_eq!(b.attr("#op-select option[value='GET /adminusers']", "data-allowed").await.as_deref(), Some("false"));
    assert!(b.text("#op-select option[value='GET /adminusers']").await.contains("lacks its roles"));
    assert_eq!(b.send().await, 403);
    let f = b.text("#response-forbidden").await;
    assert!(f.contains("AdminUserAdmin") && f.contains("AdminUserReader") && f.contains("Shopper"), "{f}");
}

#[tokio::test]
async fn lists_with_search_sort_filter_and_paging() {
    let w = world().await;
    let t = w.token(ADMIN.0, ADMIN.1).await;
    for i in 1..=12 {
        let name = if i % 2 == 0 { format!("Even {i:02}") } else { format!("Odd {i:02}") };
        w.call(
            "POST",
            "/buyers",
            &t,
            Some(json!({"ID": format!("L{i:02}"), "Name": name, "Active": true, "xp": {"Tier": i % 3}})),
        )
        .await;
    }
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.click("[data-resource='Buyers']").await;
    b.wait_text("#request-url", "/v1/buyers").await;
    // search + sort descending + paging
    b.fill("#param-search", "Odd").await;
    b.select("#param-sortBy", "ID").await;
    b.click("#sort-direction").await;
    b.fill("#param-pageSize", "2").await;
    b.fill("#param-page", "2").await;
    assert!(b.text("#request-url").await.contains("sortBy=!ID"));
    assert_eq!(b.send().await, 200);
    let v = response_json(&b).await;
    let ids: Vec<&str> = v["Items"].as_array().unwrap().iter().map(|i| i["ID"].as_str().unwrap()).collect();
    assert_eq!(ids, ["L07", "L05"]);
    assert_eq!(v["Meta"]["TotalCount"], 6);
    assert_eq!(v["Meta"]["ItemRange"], json!([3, 4]));
    // filters: field, operator, value
    b.set_value("#param-search", "").await;
    b.set_value("#param-page", "").await;
    b.set_value("#param-pageSize", "").await;
    b.click("#add-filter").await;
    b.fill("#filter-field-0", "xp.Tier").await;
    b.select("#filter-op-0", "eq").await;
    b.fill("#filter-value-0", "0").await;
    b.click("#add-filter").await;
    b.fill("#filter-field-1", "Name").await;
    b.select("#filter-op-1", "starts").await;
    b.fill("#filter-value-1", "Even").await;
    b.click("#sort-direction").await;
    assert_eq!(b.send().await, 200);
    let v = response_json(&b).await;
    let ids: Vec<&str> = v["Items"].as_array().unwrap().iter().map(|i| i["ID"].as_str().unwrap()).collect();
    assert_eq!(ids, ["L06", "L12"]);
    // the request is in the history
    assert!(b.js("return document.getElementById('history').textContent;").await.as_str().unwrap().contains("200 GET"));
}

#[tokio::test]
async fn deep_links_reload_and_history() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_op(&w, "GET /buyers/{buyerID}/users").await;
    b.c.refresh().await.unwrap();
    b.find("#send").await;
    assert_eq!(b.find("#op-select").await.prop("value").await.unwrap().as_deref(), Some("GET /buyers/{buyerID}/users"));
    assert!(b.text(".op-head .path").await.contains("/buyers/{buyerID}/users"));
    // another operation through the selector, then back and forward
    b.select("#op-select", "POST /buyers/{buyerID}/users").await;
    b.wait_text(".op-head .method", "POST").await;
    let url = b.c.current_url().await.unwrap();
    assert!(url.as_str().contains("op=POST"), "{url}");
    b.c.back().await.unwrap();
    b.wait_text(".op-head .method", "GET").await;
    b.c.forward().await.unwrap();
    b.wait_text(".op-head .method", "POST").await;
    // an unknown operation in the URL is reported
    b.c.goto(&format!("{}/?op=GET%20/nowhere", w.portal)).await.unwrap();
    b.wait_text("#op-missing", "GET /nowhere").await;
}

#[tokio::test]
async fn tokens_refresh_before_expiry() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    let before = b.js("return JSON.parse(sessionStorage.getItem('gatehouse.contexts'))[0].access_token;").await;
    // make the stored token look nearly expired, reload: the clock refreshes it silently
    b.js("const c = JSON.parse(sessionStorage.getItem('gatehouse.contexts')); c[0].expires_at = Date.now() + 5000; sessionStorage.setItem('gatehouse.contexts', JSON.stringify(c));").await;
    b.c.refresh().await.unwrap();
    b.find("#console-ready").await;
    let mut after = before.clone();
    for _ in 0..50 {
        after = b.js("return JSON.parse(sessionStorage.getItem('gatehouse.contexts'))[0].access_token;").await;
        if after != before {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_ne!(after, before, "the token was refreshed");
    b.wait_text("#time-left", "h").await;
}

#[tokio::test]
async fn client_credentials_sign_in_and_renewal() {
    let w = world().await;
    let t = w.token(ADMIN.0, ADMIN.1).await;
    let (s, c) = w
        .call(
            "POST",
            "/apiclients",
            &t,
            Some(json!({"AppName": "Integration", "Active": true, "AccessTokenDuration": 600,
        "ClientSecret": "s3cret-value", "DefaultContextUserName": "admin01", "AllowSeller": true})),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    let cid = c["ID"].as_str().unwrap();
    let b = browser().await;
    b.c.goto(&w.portal).await.unwrap();
    b.fill("#signin-client", cid).await;
    b.fill("#signin-secret", "s3cret-value").await;
    b.select("#signin-grant", "client_credentials").await;
    assert!(!b.find("#signin-username").await.is_displayed().await.unwrap(), "no username or password to give");
    b.click("#signin-submit").await;
    b.find("#console-ready").await;
    assert_eq!(b.text("#who-user").await, "admin01", "the default context user");
    // no refresh token: near expiry the portal asks for a new client credentials token
    let token = "return JSON.parse(sessionStorage.getItem('gatehouse.contexts'))[0];";
    let before = b.js(token).await;
    assert!(before["refresh_token"].is_null() && before["grant"] == "client_credentials", "{before}");
    b.js("const c = JSON.parse(sessionStorage.getItem('gatehouse.contexts')); c[0].expires_at = Date.now() + 5000; sessionStorage.setItem('gatehouse.contexts', JSON.stringify(c));").await;
    b.c.refresh().await.unwrap();
    b.find("#console-ready").await;
    let mut after = before.clone();
    for _ in 0..50 {
        after = b.js(token).await;
        if after["access_token"] != before["access_token"] {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_ne!(after["access_token"], before["access_token"], "renewed");
    b.wait_text("#time-left", "m").await;
    // a wrong secret is refused in the API's words
    b.click("#sign-out").await;
    b.fill("#signin-client", cid).await;
    b.fill("#signin-secret", "wrong").await;
    b.select("#signin-grant", "client_credentials").await;
    b.click("#signin-submit").await;
    b.wait_text("#signin-error", "Auth.InvalidClientSecret").await;
    // an anonymous shopper: no secret, a client that allows anonymous shopping
    let store = gatehouse_sandbox::seed::STOREFRONT_CLIENT_ID;
    let (s, _) = w
        .call(
            "PATCH",
            &format!("/apiclients/{store}"),
            &t,
            Some(json!({"IsAnonBuyer": true, "DefaultContextUserName": "buyer01"})),
        )
        .await;
    assert_eq!(s, 200);
    b.fill("#signin-client", store).await;
    b.set_value("#signin-secret", "").await;
    b.click("#signin-submit").await;
    b.find("#console-ready").await;
    assert_eq!(b.text("#who-user").await, "buyer01");
    assert_eq!(b.text("#who-type").await, "buyer");
}

#[tokio::test]
async fn a_401_mid_form_keeps_the_form() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_op(&w, "POST /buyers").await;
    b.fill("#field-ID", "KEPT").await;
    b.fill("#field-Name", "Kept through sign-in").await;
    // the rep (an admin with AdminUserAdmin) revokes the admin's tokens, refresh tokens included
    let rep = w.token(REP.0, REP.1).await;
    assert_eq!(w.call("DELETE", "/adminusers/ADMIN/tokens", &rep, None).await.0, 204);
    b.click("#send").await;
    b.find("#reauth").await;
    assert_eq!(b.find("#reauth #signin-username").await.prop("value").await.unwrap().as_deref(), Some("admin01"));
    b.fill("#reauth #signin-password", ADMIN.1).await;
    b.click("#reauth #signin-submit").await;
    b.gone("#reauth").await;
    assert_eq!(b.find("#field-Name").await.prop("value").await.unwrap().as_deref(), Some("Kept through sign-in"));
    assert_eq!(b.send().await, 201);
}

#[tokio::test]
async fn network_failure_keeps_everything() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_op(&w, "POST /buyers").await;
    b.fill("#field-Name", "Offline").await;
    // point the context at a closed port
    b.js("const c = JSON.parse(sessionStorage.getItem('gatehouse.contexts')); c[0].base_url = 'http://127.0.0.1:9'; sessionStorage.setItem('gatehouse.contexts', JSON.stringify(c)); sessionStorage.setItem('gatehouse.active', c[0].base_url + '|' + c[0].client_id + '|' + c[0].username);").await;
    b.c.refresh().await.unwrap();
    // the description cannot load either: the error says so
    b.wait_text("#spec-error", "Could not load").await;
    let _ = w;
}

#[tokio::test]
async fn the_real_ordercloud_document_is_fully_reachable() {
    let w = world().await;
    assert!(
        reference_dir().is_some(),
        "../shared/reference/ordercloud-openapi-v3-2022.json is needed beside the repository"
    );
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.click("#spec-other summary").await;
    b.fill("#spec-url", &format!("{}/reference/ordercloud-openapi-v3-2022.json", w.portal)).await;
    b.click("#spec-load").await;
    b.wait_text("#welcome", "402 operations in 7 sections").await;
    let sections = b.js("return [...document.querySelectorAll('.menu .section:not(.enhanced-section) h2')].map(h => h.textContent);").await;
    assert_eq!(
        sections,
        json!([
            "Authentication and Authorization",
            "Seller",
            "Buyers",
            "Suppliers",
            "Product Catalogs",
            "Orders and Fulfillment",
            "Me and My Stuff"
        ])
    );
    // visit every resource and select every one of its operations
    let report = b.c.execute_async(r#"
        const done = arguments[arguments.length - 1];
        (async () => {
          const tick = () => new Promise(r => setTimeout(r, 0));
          const seen = new Set(); const bad = [];
          for (const btn of [...document.querySelectorAll('.menu [data-resource]')]) {
            btn.click(); await tick();
            const sel = document.getElementById('op-select');
            for (const v of [...sel.options].map(o => o.value)) {
              const s = document.getElementById('op-select');
              s.value = v; s.dispatchEvent(new Event('change', {bubbles: true})); await tick();
              const head = document.querySelector('.op-head');
              const [m, p] = [v.slice(0, v.indexOf(' ')), v.slice(v.indexOf(' ') + 1)];
              if (!head || !head.textContent.includes(m) || !head.textContent.includes(p) || !document.getElementById('send')) bad.push(v);
              seen.add(v);
            }
          }
          done({seen: seen.size, bad, resources: document.querySelectorAll('.menu [data-resource]').length});
        })();
    "#, vec![]).await.unwrap();
    assert_eq!(report["bad"], json!([]), "{report}");
    assert_eq!(report["seen"], 402, "{report}");
    b.screenshot("/tmp/shot-ordercloud.png").await;
}

#[tokio::test]
async fn a_big_response_is_virtualized() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    // point the console at a 5,000-item API
    b.use_mock_api(&w).await;
    assert_eq!(b.send().await, 200);
    b.wait_text("#response-body pre", "ITEM00000").await;
    // size with one decimal, time in whole milliseconds
    let size = b.text("#response-size").await;
    let (mb, unit) = size.split_once(' ').unwrap();
    assert_eq!(
        (unit, mb.split_once('.').map(|(w, d)| (w.parse::<u32>().is_ok(), d.len()))),
        ("MB", Some((true, 1))),
        "{size}"
    );
    let time = b.text("#response-time").await;
    assert!(time.strip_suffix(" ms").is_some_and(|n| n.parse::<u64>().is_ok()), "{time}");
    // the whole answer is formatted, yet only a window of it is in the DOM
    for _ in 0..50 {
        if b.attr("#response-body", "data-lines").await.unwrap().parse::<usize>().unwrap() > 50_000 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let lines: usize = b.attr("#response-body", "data-lines").await.unwrap().parse().unwrap();
    assert!(lines > 50_000, "{lines} lines");
    let nodes = b.js("return document.querySelectorAll('*').length;").await.as_u64().unwrap();
    assert!(nodes < 1500, "{nodes} DOM nodes");
    let shown = b
        .js("return document.querySelector('#response-body pre').textContent.split('\\n').length;")
        .await
        .as_u64()
        .unwrap();
    assert!(shown < 400, "{shown} lines in the DOM");
    // the lines in the DOM cover what the viewer shows, scrolled into the middle, and still
    // once the window is made much taller (the window of lines follows the page's height)
    let covered = "const v = document.getElementById('response-body'); const pre = v.querySelector('pre'); \
        const top = pre.offsetTop, bottom = top + pre.offsetHeight; \
        return [v.clientHeight, top <= v.scrollTop && bottom >= v.scrollTop + v.clientHeight];";
    b.js("const v = document.getElementById('response-body'); v.scrollTop = 200000; v.dispatchEvent(new Event('scroll'));").await;
    let before = b.js(covered).await;
    assert_eq!(before[1], json!(true), "{before}");
    b.c.set_window_size(1400, 2400).await.unwrap();
    // (the page learns of the new size at its next frame, which may come after the layout the
    // script can read: so the check is repeated until both hold, for up to 3 s)
    let mut after = json!(null);
    for _ in 0..30 {
        after = b.js(covered).await;
        if after[0].as_u64() > before[0].as_u64().map(|h| h + 600) && after[1] == json!(true) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        after[0].as_u64() > before[0].as_u64().map(|h| h + 600),
        "the viewer grew with the window: {before} → {after}"
    );
    assert_eq!(after[1], json!(true), "{after}");
    // scrolling to the end shows the last item
    b.js("const v = document.getElementById('response-body'); v.scrollTop = v.scrollHeight; v.dispatchEvent(new Event('scroll'));").await;
    b.wait_text("#response-body pre", "ITEM04999").await;
}

/// Waits until `#response` says whether all of its body is in.
async fn wait_complete(b: &Browser, want: &str) {
    for _ in 0..200 {
        if b.attr("#response", "data-complete").await.as_deref() == Some(want) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("#response never had data-complete={want}");
}

/// A big answer on a slow connection: its first rows are on screen while the rest is on its
/// way (said in the size, copying waits for the whole), and when the rest comes the same viewer
/// (scrolled place kept) shows all of it, line for line as the whole answer pretty-printed.
#[tokio::test]
async fn a_big_answer_shows_its_first_rows_while_the_rest_arrives() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.use_mock_api(&w).await;
    let http = reqwest::Client::new();
    // answers the browser gave up before they were whole, as the mock API counts them
    let given_up = || async {
        let n = http.get(format!("{}/mock/aborted", w.portal)).send().await.unwrap().text().await.unwrap();
        n.parse::<usize>().unwrap()
    };
    let more_given_up = |than: usize| async move {
        for _ in 0..60 {
            let n = given_up().await;
            if n > than {
                return n;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the held answer was not given up");
    };
    // Stop: the answer that was arriving is given up, said in words, and Send is back
    assert!(!b.exists("#stop").await, "Stop only while sending");
    let before = given_up().await;
    http.get(format!("{}/mock/big/hold", w.portal)).send().await.unwrap();
    b.click("#send").await;
    b.wait_text("#response-body pre", "ITEM00000").await;
    b.click("#stop").await;
    let said = b.wait_text("#network-error", "Stopped while the answer arrived").await;
    assert!(said.contains("200") && said.contains("KB"), "{said}");
    assert!(b.attr("#send", "disabled").await.is_none() && !b.exists("#stop").await);
    // the focus, on Stop when it went away, is back on Send
    for _ in 0..20 {
        if b.js("return document.activeElement && document.activeElement.id;").await == "send" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(b.js("return document.activeElement && document.activeElement.id;").await, "send");
    // the stopped request is in the history all the same, said why it has no status
    assert_eq!(
        b.js("return document.querySelector('#history li code')?.textContent ?? null;").await,
        json!("stopped GET /big")
    );
    let before = more_given_up(before).await;
    // leaving the operation while a read arrives gives it up too
    http.get(format!("{}/mock/big/hold", w.portal)).send().await.unwrap();
    b.click("#send").await;
    b.wait_text("#response-body pre", "ITEM00000").await;
    b.click(".brand a").await;
    b.find("#welcome").await;
    more_given_up(before).await;
    b.open_op(&w, "GET /big").await;
    // sent again, held after its first part
    http.get(format!("{}/mock/big/hold", w.portal)).send().await.unwrap();
    b.click("#send").await;
    b.wait_text("#response-body pre", "ITEM00000").await;
    wait_complete(&b, "false").await;
    // all that came is shown within a quarter second, though nothing more arrives
    let size = b.wait_text("#response-size", "256").await;
    assert!(size.ends_with("so far, receiving…") && size.starts_with("256"), "{size}");
    assert_eq!(b.text("#response-time").await, "");
    assert!(b.attr("#copy-response", "disabled").await.is_some(), "copying waits for the whole body");
    assert!(b.attr("#send", "disabled").await.is_some(), "still sending");
    // the part is formatted to its end (well past its first 64 KB), and read far down
    let mut part = 0;
    for _ in 0..100 {
        part = b.attr("#response-body", "data-lines").await.unwrap().parse::<usize>().unwrap();
        if part > 6_000 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(part > 6_000, "the whole part formatted: {part} lines");
    b.js("const v = document.getElementById('response-body'); v.scrollTop = 90000; v.dispatchEvent(new Event('scroll'));")
        .await;
    http.get(format!("{}/mock/big/release", w.portal)).send().await.unwrap();
    wait_complete(&b, "true").await;
    // the expected lines, from the answer itself
    let whole: Value = serde_json::from_str(&big_list()).unwrap();
    let want = serde_json::to_string_pretty(&whole).unwrap().lines().count();
    for _ in 0..50 {
        if b.attr("#response-body", "data-lines").await.unwrap().parse::<usize>().unwrap() == want {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let lines: usize = b.attr("#response-body", "data-lines").await.unwrap().parse().unwrap();
    assert!(part < lines, "the first part ({part} lines) is less than the whole");
    assert_eq!(lines, want, "the whole answer, pretty-printed");
    let size = b.text("#response-size").await;
    assert!(size.ends_with(" MB") && !size.contains("so far"), "{size}");
    assert!(b.text("#response-time").await.ends_with(" ms"));
    assert!(b.attr("#copy-response", "disabled").await.is_none());
    assert_eq!(
        b.js("return document.getElementById('response-body').scrollTop;").await,
        json!(90000),
        "the same viewer, scrolled as it was (the whole never shows less than the part did)"
    );
    b.js("const v = document.getElementById('response-body'); v.scrollTop = v.scrollHeight; v.dispatchEvent(new Event('scroll'));").await;
    b.wait_text("#response-body pre", "ITEM04999").await;
    // the next answer is a new one, shown from its top
    assert_eq!(b.send().await, 200);
    assert_eq!(b.js("return document.getElementById('response-body').scrollTop;").await, json!(0));
    b.wait_text("#response-body pre", "ITEM00000").await;
}

/// Send: the request leaves at once, before the screen is brought up to date for a request on
/// its way (Stop in place of Send): the browser's own `fetch` is called while Stop is not yet
/// on the page.
#[tokio::test]
async fn a_request_leaves_before_the_screen_changes_for_it() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.use_mock_api(&w).await;
    // the page's fetch, watched: whether Stop was on the page when the request was made
    b.js("window.stopAtFetch = []; const f = window.fetch; window.fetch = function (...a) { \
          window.stopAtFetch.push(!!document.getElementById('stop')); return f.apply(this, a); };")
        .await;
    assert_eq!(b.send().await, 200);
    assert_eq!(b.js("return window.stopAtFetch;").await, json!([false]), "one request, made before Stop was shown");
}

/// An answer that comes at once leaves no Stop button flashing beside Send (a held answer,
/// in the test above, is offered Stop).
#[tokio::test]
async fn stop_is_offered_only_to_a_request_that_takes_a_moment() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_op(&w, "GET /me").await;
    // every element the page adds, watched: whether a Stop button was ever on it
    b.js("window.stopSeen = false; new MutationObserver((records) => { for (const r of records) for (const n of r.addedNodes) \
          if (n.nodeType === 1 && (n.id === 'stop' || n.querySelector('#stop'))) window.stopSeen = true; }) \
          .observe(document.body, { childList: true, subtree: true });")
        .await;
    // (an answer that took longer than Stop's 300 ms on a loaded machine is no answer "at once":
    // it is sent again, up to three times)
    for _ in 0..3 {
        b.js("window.stopSeen = false;").await;
        assert_eq!(b.send().await, 200);
        let ms: u64 = b.text("#response-time").await.trim_end_matches(" ms").parse().unwrap();
        if ms < 200 {
            assert_eq!(b.js("return window.stopSeen;").await, json!(false), "an answer in {ms} ms");
            return;
        }
    }
    panic!("GET /me never answered within 200 ms");
}

/// A connection that breaks while a big answer arrives: the part shown goes, and the page says
/// what happened in words, including that the API did answer (so the request is not simply
/// sent again unseen).
#[tokio::test]
async fn an_answer_cut_off_midway_says_so_and_shows_no_part_of_it() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.use_mock_api(&w).await;
    reqwest::get(format!("{}/mock/big/cut", w.portal)).await.unwrap();
    b.click("#send").await;
    // its first part was on screen before the connection broke
    wait_complete(&b, "false").await;
    b.wait_text("#response-body pre", "ITEM00000").await;
    let e = b.wait_text("#network-error", "The connection broke while the answer arrived").await;
    assert!(
        e.contains("the API had answered 200 OK") && e.contains("check what it did before sending it again"),
        "{e}"
    );
    assert!(!b.exists("#response").await, "no part of a broken answer is left on screen");
    assert!(b.attr("#send", "disabled").await.is_none(), "ready to send again");
    assert_eq!(b.send().await, 200);
}

/// One field vocabulary: the console's generated form and the enhanced editor build their
/// controls from the same inputs, so the same property looks, behaves and is worded the same.
#[tokio::test]
async fn the_console_form_and_the_editor_share_one_field_vocabulary() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    let ticks = "return [...document.querySelectorAll('[id$=\"-Password-rules\"] li')].map(l => l.dataset.met);";
    let xp_box = "const e = document.querySelector('[id$=\"-xp\"]'); return [e.tagName, e.className, document.getElementById(e.getAttribute('aria-describedby')).textContent];";

    // the console: a password ticks off the rules of the user it is for
    b.open_op(&w, "POST /buyers/{buyerID}/users").await;
    assert_eq!(b.js(ticks).await, json!(["false", "false"]), "a buyer user's policy: length and a digit");
    b.open_op(&w, "POST /adminusers").await;
    b.fill("#field-Password", "weakpassword").await;
    let console_ticks = b.js(ticks).await;
    assert_eq!(console_ticks.as_array().unwrap().len(), 5, "an admin user's policy: {console_ticks}");
    let console_xp = b.js(xp_box).await;
    b.fill("#field-xp", "{\"Tier\": ").await;
    let console_problem = b.wait_text("#field-xp-error", "malformed JSON").await;

    // the editor: the same rules ticked for the same input, the same box, the same words
    b.open_screen(&w, "adminusers").await;
    b.click("#ed-new").await;
    b.fill("#ed-Password", "weakpassword").await;
    assert_eq!(b.js(ticks).await, console_ticks);
    let editor_xp = b.js(xp_box).await;
    assert_eq!((&editor_xp[0], &editor_xp[1]), (&console_xp[0], &console_xp[1]));
    assert!(
        console_xp[2].as_str().unwrap().starts_with("xp") && editor_xp[2].as_str().unwrap().starts_with("xp"),
        "{console_xp} {editor_xp}"
    );
    b.fill("#ed-xp", "{\"Tier\": ").await;
    assert_eq!(b.wait_text("#ed-xp-error", "malformed JSON").await, console_problem);

    // both say which fields are required to assistive technology too (the marked ones, and
    // only those; a checkbox always holds a value, and required on it would mean "tick it"),
    // and an email address is typed as one
    let required = "return [...document.querySelectorAll('.field')]
        .filter(r => !r.querySelector('input[type=checkbox]'))
        .map(r => [r.dataset.field, !!r.querySelector('.req'), !!r.querySelector('[aria-required=true]')])
        .filter(x => x[1] || x[2]);";
    let email = |id: &str| format!("return document.getElementById('{id}').inputMode;");
    let editor = b.js(required).await;
    assert_eq!(b.js(&email("ed-Email")).await, "email");
    b.open_op(&w, "POST /adminusers").await;
    let console = b.js(required).await;
    assert_eq!(b.js(&email("field-Email")).await, "email");
    for (form, rows) in [("editor", &editor), ("console", &console)] {
        let rows = rows.as_array().unwrap();
        assert!(rows.iter().any(|r| r[0] == "Username"), "{form}: {rows:?}");
        assert!(rows.iter().all(|r| r[1] == r[2]), "{form}: [field, marked, aria-required] {rows:?}");
    }
    // the editors' own widgets (a duration, pickers) and a path parameter say it too
    for (screen, field) in [("apiclients", "AccessTokenDuration"), ("impersonationconfigs", "BuyerID")] {
        b.open_screen(&w, screen).await;
        b.click("#ed-new").await;
        b.find("#ed-heading").await;
        let rows = b.js(required).await;
        let rows = rows.as_array().unwrap();
        assert!(rows.iter().any(|r| r[0] == field && r[2] == true), "{screen}: {rows:?}");
        assert!(rows.iter().all(|r| r[1] == r[2]), "{screen}: [field, marked, aria-required] {rows:?}");
    }
    b.open_op(&w, "GET /buyers/{buyerID}").await;
    assert_eq!(b.attr("#param-buyerID", "aria-required").await.as_deref(), Some("true"));
}

#[tokio::test]
async fn a_signed_in_reload_asks_for_the_api_description_and_the_config_once_and_before_the_wasm_has_started() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    // [requests for `path`, asks by the app, the first request sent before the WASM started,
    // operations in the directory's menu]
    let requests = |path: &str| {
        format!(
            "const r = performance.getEntriesByType('resource').filter(e => e.name.includes('{path}'));
             const started = performance.getEntriesByName('gatehouse:wasm-started')[0].startTime;
             return [r.length, performance.getEntriesByName('gatehouse:spec-request').length,
                     r.length > 0 && r[0].startTime < started, document.querySelectorAll('#menu a').length > 0];"
        )
    };
    b.c.refresh().await.unwrap();
    b.find("#console-ready").await;
    // one request for the description: public/early.js's, taken by the app (same address),
    // and its body is not held by the page afterwards
    assert_eq!(b.js(&requests("/openapi/v3")).await, json!([1, 1, true, true]));
    assert_eq!(b.js("return typeof window.gatehouseEarly;").await, json!("undefined"));
    // the run-time config too: one request, the page's preload, which the app's own takes
    let config = "const r = performance.getEntriesByType('resource').filter(e => e.name.endsWith('/config.json'));
        const started = performance.getEntriesByName('gatehouse:wasm-started')[0].startTime;
        return [r.length, r[0].initiatorType, r[0].startTime < started];";
    assert_eq!(b.js(config).await, json!([1, "link", true]));
    // the WASM: one request too (the page's preload), compiled by public/early.js while it
    // arrived; the loader instantiates that module and does not ask for the file again
    let wasm = "const done = arguments[arguments.length - 1];
        const r = performance.getEntriesByType('resource').filter(e => e.name.endsWith('.wasm'));
        Promise.resolve(window.gatehouseWasm).then(m => done([r.length, r[0].initiatorType, m instanceof WebAssembly.Module]));";
    assert_eq!(b.c.execute_async(wasm, vec![]).await.unwrap(), json!([1, "link", true]));

    // the address the person chose is the one asked for early, and the directory is its
    b.js(&format!("localStorage.setItem('gatehouse.spec_url', '{}/v1/openapi/v3?copy=1')", w.api)).await;
    b.c.refresh().await.unwrap();
    b.find("#console-ready").await;
    assert_eq!(b.js(&requests("/openapi/v3?copy=1")).await, json!([1, 1, true, true]));

    // an early answer that is an error is not used: the app asks again and says what is wrong
    b.js(&format!("localStorage.setItem('gatehouse.spec_url', '{}/v1/openapi/none')", w.api)).await;
    b.c.refresh().await.unwrap();
    let error = b.find("#spec-error").await.text().await.unwrap();
    assert!(error.contains("HTTP 404"), "{error}");
    // (the browser keeps no timing entry of an error answer: the app's own marks count the asks)
    let v = b.js(&requests("/openapi/none")).await;
    assert_eq!((&v[1], &v[3]), (&json!(2), &json!(false)), "{v}");
    // signed out: nothing is asked for early, and nothing is left on the page
    b.js("sessionStorage.clear(); localStorage.clear();").await;
    b.c.refresh().await.unwrap();
    b.find("#account-form").await;
    let v = b.js("return [performance.getEntriesByType('resource').filter(e => e.name.includes('/openapi/')).length, typeof window.gatehouseEarly];").await;
    assert_eq!(v, json!([0, "undefined"]));
    b.js("localStorage.removeItem('gatehouse.spec_url')").await;
}

#[tokio::test]
async fn a_long_menu_keeps_its_height_while_scrolled_through() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.use_spec(&w, "/mock/sections.json").await;
    b.wait_text("#welcome", "in 30 sections").await;
    // the menu's sections out of view are not laid out until scrolled to; the room kept for
    // each is near its real size, so the menu's height (and the scrollbar) hardly moves as it is
    // scrolled through
    let heights =
        b.c.execute_async(
            r#"
        const done = arguments[arguments.length - 1];
        (async () => {
          const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
          const m = document.getElementById('menu');
          const before = m.scrollHeight;
          if (!m.clientHeight) return done([before, -1]);
          for (let y = 0; y <= m.scrollHeight; y += m.clientHeight / 2) { m.scrollTop = y; await frame(); }
          const after = m.scrollHeight;
          m.scrollTop = 0;
          done([before, after]);
        })();
    "#,
            vec![],
        )
        .await
        .unwrap();
    let (before, after) = (heights[0].as_f64().unwrap(), heights[1].as_f64().unwrap());
    assert!((after - before).abs() <= 0.1 * after, "the menu's height moved while scrolled through: {heights}");
}

/// An API description that does not answer: after a few seconds the page says how long it has
/// waited and for what, and offers another address, which loads.
#[tokio::test]
async fn a_description_that_does_not_answer_is_not_waited_on_blindly() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.use_spec(&w, "/mock/hang-spec.json").await;
    b.find("#spec-loading").await;
    assert_eq!(b.text("#spec-waiting").await, "", "said only after a few seconds");
    let said = b.wait_text("#spec-waiting", "Still waiting for").await;
    assert!(said.contains("/mock/hang-spec.json") && said.contains(" s)"), "{said}");
    // another address that does not answer either: the choice stays while it loads
    b.fill("#spec-url", &format!("{}/mock/hang-spec.json?again", w.portal)).await;
    b.click("#spec-load").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(b.exists("#spec-url").await, "the choice is still offered");
    assert!(!b.text("#spec-waiting").await.contains("?again"), "its own wait starts afresh");
    b.fill("#spec-url", &format!("{}/mock/spec.json", w.portal)).await;
    b.click("#spec-load").await;
    b.wait_text("#welcome", "1 operation in 1 section.").await;
}

/// A long request history, open below an answer, stays below the answer's viewer: it scrolls
/// inside its own share of the pane instead of being drawn under the viewer.
#[tokio::test]
async fn an_open_history_stays_below_the_answer() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.c.set_window_size(1366, 768).await.unwrap();
    b.open_op(&w, "GET /buyers").await;
    for _ in 0..15 {
        b.send().await;
    }
    b.click("#history-panel summary").await;
    let at = b
        .js("const h = document.getElementById('history-panel').getBoundingClientRect();
             const v = document.getElementById('response-body').getBoundingClientRect();
             const x = h.left + 40, y = h.top + 30;
             const hit = document.elementFromPoint(x, y);
             return [Math.round(v.bottom), Math.round(h.top), Math.round(v.height), !!hit && document.getElementById('history-panel').contains(hit)];")
        .await;
    assert!(at[0].as_i64().unwrap() <= at[1].as_i64().unwrap() + 1, "the viewer runs over the history: {at}");
    assert!(
        at[2].as_i64().unwrap() >= 200 && at[3] == true,
        "[viewer bottom, history top, viewer height, history hit] {at}"
    );
}
