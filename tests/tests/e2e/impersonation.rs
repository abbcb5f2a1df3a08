//! The impersonation launcher as a call-center rep (seed 001), through the screen only.
use gatehouse_e2e::*;
use serde_json::Value;

async fn response_json(b: &Browser) -> Value {
    let text = b.js("return document.querySelector('#response-body pre').textContent;").await;
    serde_json::from_str(text.as_str().unwrap()).unwrap()
}

async fn rows_shown(b: &Browser) -> u64 {
    b.js("return document.querySelectorAll('#imp-results tbody tr').length;").await.as_u64().unwrap()
}

async fn find_buyer01(b: &Browser) {
    b.click(".enhanced-section [data-screen='Impersonation launcher']").await;
    b.fill("#imp-search", "buyer01").await;
    b.click("#imp-search-go").await;
    b.find("#imp-results tr[data-user='BUYER01'] .imp-pick").await.click().await.unwrap();
    b.fill("#imp-reason", "TICKET-1").await;
}

#[tokio::test]
async fn a_rep_acts_as_a_buyer_and_ends_it() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, REP.0, REP.1).await;
    find_buyer01(&b).await;
    // the matching config offers the storefront client and the profile's roles
    let offer = b.text("#imp-config").await;
    assert!(
        (offer.contains(gatehouse_sandbox::seed::STOREFRONT_CLIENT_ID) || offer.starts_with("Storefront,"))
            && offer.contains("through the config CALL_CENTER_STOREFRONT"),
        "{offer}"
    );
    assert!(b.text("#imp-roles").await.contains("Shopper"));
    b.click("#imp-act").await;
    let banner = b.wait_text("#acting-banner", "acting as buyer01").await;
    // the header speaks of the identity in force, and says it is acted as
    assert_eq!(b.text("#who-user").await, "buyer01");
    assert_eq!(b.text("#who-type").await, "buyer");
    assert_eq!(b.text("#who-roles").await, "5 roles");
    assert!(b.find("#who-acting").await.is_displayed().await.unwrap());
    // names, not IDs: the buyer and the client by their names (the IDs are in the tooltip)
    assert!(
        banner.contains("rep01")
            && banner.contains("Example Buyer")
            && banner.contains("Storefront")
            && banner.contains("Shopper"),
        "{banner}"
    );
    assert!(
        !banner.contains("BUYER_ORGANIZATION") && !banner.contains(gatehouse_sandbox::seed::STOREFRONT_CLIENT_ID),
        "{banner}"
    );
    assert!(b.text("#acting-left").await.contains('m'));
    // the console now calls the API as the buyer
    b.open_op(&w, "GET /me").await;
    b.find("#acting-banner").await;
    assert_eq!(b.send().await, 200);
    let me = response_json(&b).await;
    assert_eq!(me["Username"], "buyer01");
    assert_eq!(me["Buyer"]["ID"], "BUYER_ORGANIZATION");
    // a per-request switch sends as the rep
    b.click("#send-as").await;
    assert_eq!(b.send().await, 200);
    assert_eq!(response_json(&b).await["Username"], "rep01");
    // End restores the rep's own context exactly
    b.click("#acting-end").await;
    b.gone("#acting-banner").await;
    assert!(!b.exists("#send-as").await);
    assert_eq!(b.send().await, 200);
    assert_eq!(response_json(&b).await["Username"], "rep01");
    assert_eq!(b.text("#who-user").await, "rep01");
    assert!(!b.find("#who-acting").await.is_displayed().await.unwrap());
    // the session is in the API's record, with every other rep's: a second rep acts too
    let admin = w.token(ADMIN.0, ADMIN.1).await;
    let rep2 = serde_json::json!({"ID": "REP02", "Username": "rep02", "Password": "Gatehouse-Rep02", "FirstName": "Robin", "LastName": "Rep", "Email": "rep02@example.com", "Active": true});
    assert_eq!(w.call("POST", "/adminusers", &admin, Some(rep2)).await.0, 201);
    assert_eq!(
        w.call(
            "POST",
            "/usergroups/assignments",
            &admin,
            Some(serde_json::json!({"UserGroupID": "CALL_CENTER", "UserID": "REP02"}))
        )
        .await
        .0,
        204
    );
    let rep2 = w.token("rep02", "Gatehouse-Rep02").await;
    let body = serde_json::json!({"ClientID": gatehouse_sandbox::seed::STOREFRONT_CLIENT_ID});
    assert_eq!(w.call("POST", "/buyers/BUYER_ORGANIZATION/users/BUYER01/accesstoken", &rep2, Some(body)).await.0, 200);
    b.click(".enhanced-section [data-screen='Impersonation launcher']").await;
    b.wait_text("#impersonation-record", "rep02").await;
    // the buyer's name comes from the launcher's buyer list, a load of its own
    let record = b.wait_text("#impersonation-record", "Example Buyer").await;
    assert!(
        record.contains("rep01")
            && record.contains("buyer01")
            && record.contains("Storefront")
            && record.contains("valid"),
        "{record}"
    );
    assert!(!b.exists("#impersonation-history").await);
    // twelve columns at 1400 px: each heading keeps its words whole (they broke letter by letter,
    // squeezed by the long cells beside them), the table scrolling sideways in its region instead
    b.c.set_window_size(1400, 900).await.unwrap();
    let broken = b
        .js("return [...document.querySelectorAll('#impersonation-record th')].filter(th => {
            const range = document.createRange(); range.selectNodeContents(th);
            const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
            return lines > th.textContent.trim().split(/\\s+/).length;
        }).map(th => th.textContent);")
        .await;
    assert_eq!(broken, serde_json::json!([]), "headings broken inside a word");
}

#[tokio::test]
async fn without_a_matching_config_the_launcher_says_what_is_missing() {
    let w = world().await;
    let admin = w.token(ADMIN.0, ADMIN.1).await;
    assert_eq!(w.call("DELETE", "/impersonationconfig/CALL_CENTER_STOREFRONT", &admin, None).await.0, 204);
    let b = browser().await;
    b.sign_in(&w, REP.0, REP.1).await;
    find_buyer01(&b).await;
    let msg = b.wait_text("#imp-missing", "No impersonation config").await;
    assert!(
        msg.contains("rep01") && msg.contains("BUYER01") && msg.contains("ImpersonationGroupID one of CALL_CENTER"),
        "{msg}"
    );
    assert!(!b.exists("#imp-act").await);
    assert!(!b.exists("#acting-banner").await);

    // "Create this config": a link to the config form filled in for this rep and this user,
    // which the rep sends to an admin who may create it
    let href = b.attr("#imp-create-config", "href").await.unwrap();
    assert!(href.contains("op=enhanced%3Aimpersonationconfigs&new=1&set.ImpersonationUserID=REP01&set.BuyerID=BUYER_ORGANIZATION&set.UserID=BUYER01"), "{href}");
    let link = b.js("return document.getElementById('imp-create-config').href;").await.as_str().unwrap().to_string();
    let a = browser().await;
    a.sign_in(&w, ADMIN.0, ADMIN.1).await;
    a.c.goto(&link).await.unwrap();
    a.find("#ed-form").await;
    for (id, want) in [
        ("#ed-ImpersonationBuyerID", ""),
        ("#ed-ImpersonationUserID", "REP01"),
        ("#ed-BuyerID", "BUYER_ORGANIZATION"),
        ("#ed-UserID", "BUYER01"),
    ] {
        for _ in 0..100 {
            if a.value(id).await == want {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(a.value(id).await, want, "{id}");
    }
    // the prefilled address is not kept: the form is an ordinary new one
    assert!(!a.c.current_url().await.unwrap().as_str().contains("new=1"));
    a.fill("#ed-ID", "REP01_BUYER01").await;
    a.wait_text("#ed-SecurityProfileID", "Buyer User Profile").await;
    a.select("#ed-SecurityProfileID", "BUYER_PROFILE").await;
    a.select("#ed-ClientID", gatehouse_sandbox::seed::STOREFRONT_CLIENT_ID).await;
    a.click("#ed-save").await;
    a.wait_text("#ed-saved", "Saved").await;
    let (status, cfg) = w.call("GET", "/impersonationconfig/REP01_BUYER01", &admin, None).await;
    assert_eq!(status, 200, "{cfg}");
    assert_eq!((cfg["ImpersonationUserID"].as_str(), cfg["UserID"].as_str()), (Some("REP01"), Some("BUYER01")));
    // the rep now finds a config for this user
    b.c.refresh().await.unwrap();
    find_buyer01(&b).await;
    b.wait_text("#imp-config", "REP01_BUYER01").await;
}

#[tokio::test]
async fn the_launcher_is_look_up_only_without_the_role_keeps_input_offline_and_validates_roles() {
    let w = world().await;
    let admin = w.token(ADMIN.0, ADMIN.1).await;
    let cfg = serde_json::json!({"ID": "ADMIN_TOO", "ImpersonationUserID": "ADMIN", "BuyerID": "BUYER_ORGANIZATION",
        "SecurityProfileID": "BUYER_PROFILE", "ClientID": gatehouse_sandbox::seed::STOREFRONT_CLIENT_ID});
    assert_eq!(w.call("POST", "/impersonationconfig", &admin, Some(cfg)).await.0, 201);
    let b = browser().await;
    // admin01 matches a config but lacks BuyerImpersonation: look-up only
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    find_buyer01(&b).await;
    b.wait_text("#imp-config", "ADMIN_TOO").await;
    assert!(b.text("#imp-readonly").await.contains("BuyerImpersonation"));
    assert_eq!(b.find("#imp-act").await.prop("disabled").await.unwrap().as_deref(), Some("true"));
    // the API's record needs BuyerImpersonation: this browser's history instead, saying why
    b.wait_text("#impersonation-record-note", "InsufficientRoles").await;
    b.find("#impersonation-history").await;
    assert!(!b.exists("#impersonation-record").await);
    b.click("#sign-out").await;
    // a rep offline: the search fails, says so, and keeps the query
    b.sign_in(&w, REP.0, REP.1).await;
    b.click(".enhanced-section [data-screen='Impersonation launcher']").await;
    assert!(!b.exists("#imp-readonly").await);
    b.fill("#imp-search", "buyer01").await;
    b.offline(true).await;
    b.click("#imp-search-go").await;
    b.wait_text("#impersonation-launcher .error", "Could not reach the API").await;
    assert_eq!(b.value("#imp-search").await, "buyer01");
    b.offline(false).await;
    b.click("#imp-search-go").await;
    b.find("#imp-results tr[data-user='BUYER01'] .imp-pick").await.click().await.unwrap();
    b.fill("#imp-reason", "TICKET-1").await;
    // no role chosen: nothing sent
    b.find("#imp-roles").await;
    b.js("document.querySelectorAll('#imp-roles input:checked').forEach(e => e.click());").await;
    b.click("#imp-act").await;
    b.wait_text("#imp-error", "at least one role").await;
    assert!(!b.exists("#acting-banner").await);
    b.click("#imp-roles input").await;
    b.click("#imp-act").await;
    b.wait_text("#acting-banner", "acting as buyer01").await;
}

#[tokio::test]
async fn while_acting_the_console_marks_operations_by_the_buyers_roles() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, REP.0, REP.1).await;
    async fn allowed(b: &Browser) -> String {
        b.attr("#op-select option[value='GET /adminusers']", "data-allowed").await.unwrap()
    }
    async fn locked(b: &Browser) -> serde_json::Value {
        b.js("return document.querySelector(\".menu [data-resource='Admin Users']\").classList.contains('locked');")
            .await
    }
    // the rep holds AdminUserAdmin: the operation is open to them
    b.open_op(&w, "GET /adminusers").await;
    assert_eq!(allowed(&b).await, "true");
    assert_eq!(locked(&b).await, serde_json::json!(false));
    // acting as buyer01 (Shopper and Me roles only), it is marked as out of reach, as the buyer
    find_buyer01(&b).await;
    b.click("#imp-act").await;
    b.wait_text("#acting-banner", "acting as buyer01").await;
    b.open_op(&w, "GET /adminusers").await;
    assert_eq!(allowed(&b).await, "false");
    assert_eq!(locked(&b).await, serde_json::json!(true));
    // greyed, it says why; the place in view, it reads as any entry in view (the highlight's
    // text colour, not grey on the highlight)
    let v = b
        .js("const e = document.querySelector(\".menu [data-resource='Admin Users']\");
            const probe = document.createElement('span'); probe.style.color = 'var(--accent-text)'; document.body.append(probe);
            const want = getComputedStyle(probe).color; probe.remove();
            return [e.classList.contains('active'), getComputedStyle(e).color === want, e.title];")
        .await;
    assert_eq!(v, serde_json::json!([true, true, "None of its operations is open to the roles in force"]));
    let me_locked = b
        .js("return document.querySelector(\".menu .resource[data-resource='Me']\").classList.contains('locked');")
        .await;
    assert_eq!(me_locked, serde_json::json!(false), "the buyer's own Me operations stay open");
    // ending it restores the rep's marks
    b.click("#acting-end").await;
    b.gone("#acting-banner").await;
    b.open_op(&w, "GET /adminusers").await;
    assert_eq!(allowed(&b).await, "true");
}

#[tokio::test]
async fn results_are_named_after_their_users_and_act_as_waits_while_acting() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, REP.0, REP.1).await;
    find_buyer01(&b).await;
    assert_eq!(
        b.attr("#imp-results tr[data-user='BUYER01'] .imp-pick", "aria-label").await.as_deref(),
        Some("Choose buyer01")
    );
    b.click("#imp-act").await;
    b.wait_text("#acting-banner", "acting as buyer01").await;
    // while acting, another act-as waits for this one to end
    b.find("#imp-results tr[data-user='BUYER01'] .imp-pick").await.click().await.unwrap();
    b.fill("#imp-reason", "TICKET-1").await;
    assert!(b.attr("#imp-act", "disabled").await.is_some());
    b.click("#acting-end").await;
    b.gone("#acting-banner").await;
    assert!(b.attr("#imp-act", "disabled").await.is_none());
}

#[tokio::test]
async fn the_launcher_browses_buyer_users_page_by_page_and_names_what_it_may_read() {
    let w = world().await;
    let admin = w.token(ADMIN.0, ADMIN.1).await;
    // 25 more users of the example buyer, and a second buyer with one user
    for i in 0..25 {
        let u = serde_json::json!({"ID": format!("BROWSE{i:02}"), "Username": format!("browse{i:02}"), "FirstName": "Browse", "LastName": format!("{i:02}"), "Email": format!("browse{i:02}@example.com"), "Active": true});
        assert_eq!(w.call("POST", "/buyers/BUYER_ORGANIZATION/users", &admin, Some(u)).await.0, 201);
    }
    assert_eq!(
        w.call(
            "POST",
            "/buyers",
            &admin,
            Some(serde_json::json!({"ID": "ACME", "Name": "Acme Goods", "Active": true}))
        )
        .await
        .0,
        201
    );
    let acme = serde_json::json!({"ID": "ACME01", "Username": "acme01", "FirstName": "Ada", "LastName": "Acme", "Email": "acme01@example.com", "Active": true});
    assert_eq!(w.call("POST", "/buyers/ACME/users", &admin, Some(acme)).await.0, 201);
    let total =
        w.call("GET", "/buyers/BUYER_ORGANIZATION/users", &admin, None).await.1["Meta"]["TotalCount"].as_u64().unwrap();
    assert!(total > 20 && total <= 40, "{total}");

    let b = browser().await;
    b.sign_in(&w, REP.0, REP.1).await;
    b.click(".enhanced-section [data-screen='Impersonation launcher']").await;
    // no typing: the first buyer by name is listed at once, 20 to a page
    let rows = "#imp-results tbody tr";
    b.wait_text("#imp-page", "Page 1 of 1 · 1 user").await;
    assert_eq!(b.text(&format!("{rows}:first-child td:nth-child(4)")).await, "Acme Goods");
    assert_eq!(b.value("#imp-buyer").await, "ACME");
    b.select("#imp-buyer", "BUYER_ORGANIZATION").await;
    b.wait_text("#imp-page", &format!("Page 1 of 2 · {total} users")).await;
    assert_eq!(rows_shown(&b).await, 20);
    assert!(b.attr("#imp-prev", "disabled").await.is_some());
    b.click("#imp-next").await;
    b.wait_text("#imp-page", "Page 2 of 2").await;
    assert_eq!(rows_shown(&b).await, total - 20);
    assert!(b.attr("#imp-next", "disabled").await.is_some());
    b.click("#imp-prev").await;
    b.wait_text("#imp-page", "Page 1 of 2").await;
    // a search narrows the buyer browsed; every buyer can be searched at once
    b.fill("#imp-search", "acme").await;
    b.select("#imp-buyer", "").await;
    b.click("#imp-search-go").await;
    b.wait_text("#imp-results", "acme01").await;
    assert_eq!(rows_shown(&b).await, 1);
    assert!(!b.exists("#imp-pager").await, "every buyer at once is not paged");
    b.fill("#imp-search", "buyer01").await;
    b.click("#imp-search-go").await;
    b.find("#imp-results tr[data-user='BUYER01'] .imp-pick").await.click().await.unwrap();
    b.fill("#imp-reason", "TICKET-1").await;
    // the offer and the banner name the client and the buyer
    let offer = b.text("#imp-config").await;
    assert!(offer.starts_with("Storefront, through the config"), "{offer}");
    b.click("#imp-act").await;
    let banner = b.wait_text("#acting-banner", "acting as buyer01").await;
    assert!(banner.contains("Example Buyer") && banner.contains("Storefront"), "{banner}");
    // one line, at the desktop width and at 800 px; the IDs in its tooltip
    let height = "return document.querySelector('#acting-banner').getBoundingClientRect().height;";
    assert!(b.js(height).await.as_f64().unwrap() < 44.0, "{}", b.js(height).await);
    b.c.set_window_size(800, 900).await.unwrap();
    assert!(b.js(height).await.as_f64().unwrap() < 44.0, "{}", b.js(height).await);
    let title = b.attr("#acting-banner .acting-text", "title").await.unwrap();
    assert!(title.contains("BUYER_ORGANIZATION") && title.contains("BUYER01"), "{title}");
}

#[tokio::test]
async fn a_rep_who_cannot_read_the_configs_names_the_client_and_the_api_checks() {
    let w = world().await;
    let admin = w.token(ADMIN.0, ADMIN.1).await;
    // the reps keep only the call-center roles (no SetSecurityProfile): the admin profile moves
    // from the whole seller organization to admin01 alone
    let mine = serde_json::json!({"SecurityProfileID": "ADMIN_PROFILE", "UserID": "ADMIN"});
    assert_eq!(w.call("POST", "/securityprofiles/assignments", &admin, Some(mine)).await.0, 204);
    assert_eq!(w.call("DELETE", "/securityprofiles/ADMIN_PROFILE/assignments", &admin, None).await.0, 204);
    let b = browser().await;
    b.sign_in(&w, REP.0, REP.1).await;
    assert!(!b.text("#who-roles").await.contains("13"));
    find_buyer01(&b).await;
    b.wait_text("#imp-unchecked", "cannot read impersonation configs").await;
    assert!(b.axe().await.is_empty(), "{:?}", b.axe().await);
    // nothing acted in yet: the rep names the client; a wrong one is the API's to refuse
    assert_eq!(b.value("#imp-client").await, "");
    b.click("#imp-act").await;
    b.wait_text("#imp-error", "Name the application").await;
    b.fill("#imp-client", "NO_SUCH_CLIENT").await;
    b.click("#imp-act").await;
    let refused = b.wait_text("#imp-error", "NO_SUCH_CLIENT").await;
    assert!(!b.exists("#acting-banner").await, "{refused}");
    b.fill("#imp-client", gatehouse_sandbox::seed::STOREFRONT_CLIENT_ID).await;
    b.click("#imp-act").await;
    // every role of the config's profile, as the API decided
    let banner = b.wait_text("#acting-banner", "acting as buyer01").await;
    assert!(banner.contains("Shopper") && banner.contains("MeXpAdmin"), "{banner}");
    b.click("#acting-end").await;
    b.gone("#acting-banner").await;
    // next time the client acted in is offered, by name
    b.click(".enhanced-section [data-screen='Impersonation launcher']").await;
    b.js("location.reload()").await;
    find_buyer01(&b).await;
    b.wait_text("#imp-unchecked", "cannot read").await;
    assert_eq!(b.value("#imp-client").await, gatehouse_sandbox::seed::STOREFRONT_CLIENT_ID);
    let offered = b
        .js("return [...document.querySelectorAll('#imp-clients option')].map(o => o.value + '|' + o.textContent);")
        .await;
    assert_eq!(offered, serde_json::json!([format!("{}|Storefront", gatehouse_sandbox::seed::STOREFRONT_CLIENT_ID)]));
}
