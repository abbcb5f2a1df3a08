//! The access map (issue 25) in Chromium, against the demo marketplace: the map, its CSV and
//! JSON downloads, its filters and roles → holders view, "can this user call…?" confirmed by
//! calling, impersonation reach both ways, a user who cannot read assignments told what is
//! missing, and axe on every view. One browser session for all of it.
//!
//! What the map should say is worked out here from the API's own answers (each user's
//! `AvailableRoles` in the list endpoints, and a plain reading of the assignments), never
//! through the model's access code.
use gatehouse_e2e::*;
use gatehouse_sandbox::seed::{SHARED_CLIENT_ID, STOREFRONT_CLIENT_ID};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

type Roles = BTreeMap<String, BTreeSet<String>>;
/// username → role → its sources ("PROFILE (level)")
type Sources = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

const ELEVATED: &[&str] = &[
    "FullAccess",
    "GrantForAnyRole",
    "SetSecurityProfile",
    "SecurityProfileAdmin",
    "ApiClientAdmin",
    "AdminUserAdmin",
    "BuyerUserAdmin",
    "SupplierUserAdmin",
    "BuyerImpersonation",
];

/// Every item of a list, page by page.
async fn list(w: &World, token: &str, path: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1.. {
        let sep = if path.contains('?') { '&' } else { '?' };
        let (status, v) = w.call("GET", &format!("{path}{sep}page={page}&pageSize=100"), token, None).await;
        assert_eq!(status, 200, "GET {path}: {v}");
        out.extend(v["Items"].as_array().unwrap().iter().cloned());
        if page >= v["Meta"]["TotalPages"].as_u64().unwrap_or(1) {
            break;
        }
    }
    out
}

fn s(v: &Value, k: &str) -> Option<String> {
    v[k].as_str().filter(|s| !s.is_empty()).map(String::from)
}

/// What the API says: each user's AvailableRoles, and where each role comes from by a plain
/// reading of the assignments (company, group or user of the user's own party).
async fn expected(w: &World, token: &str) -> (Roles, Sources) {
    let mut users: Vec<(&str, String, Value, BTreeSet<String>)> = Vec::new();
    let groups_of = |memberships: &[Value], id: &str| -> BTreeSet<String> {
        memberships
            .iter()
            .filter(|m| s(m, "UserID").as_deref() == Some(id))
            .filter_map(|m| s(m, "UserGroupID"))
            .collect()
    };
    let admin_memberships = list(w, token, "/usergroups/assignments").await;
    for u in list(w, token, "/adminusers").await {
        let g = groups_of(&admin_memberships, &s(&u, "ID").unwrap());
        users.push(("admin", String::new(), u, g));
    }
    for (kind, t) in [("buyers", "buyer"), ("suppliers", "supplier")] {
        for c in list(w, token, &format!("/{kind}")).await {
            let cid = s(&c, "ID").unwrap();
            let memberships = list(w, token, &format!("/{kind}/{cid}/usergroups/assignments")).await;
            for u in list(w, token, &format!("/{kind}/{cid}/users")).await {
                let g = groups_of(&memberships, &s(&u, "ID").unwrap());
                users.push((t, cid.clone(), u, g));
            }
        }
    }
    let profiles: BTreeMap<String, Vec<String>> = list(w, token, "/securityprofiles")
        .await
        .iter()
        .map(|p| {
            (
                s(p, "ID").unwrap(),
                p["Roles"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect(),
            )
        })
        .collect();
    let assignments = list(w, token, "/securityprofiles/assignments").await;
    let mut roles = Roles::new();
    let mut sources = Sources::new();
    for (t, company, u, groups) in &users {
        let username = s(u, "Username").unwrap();
        let id = s(u, "ID").unwrap();
        let available: BTreeSet<String> =
            u["AvailableRoles"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect();
        roles.insert(username.clone(), available);
        let mine = sources.entry(username).or_default();
        for a in &assignments {
            let (b, sp) = (s(a, "BuyerID"), s(a, "SupplierID"));
            let party = match *t {
                "admin" => b.is_none() && sp.is_none(),
                "buyer" => b.as_deref() == Some(company) && sp.is_none(),
                _ => sp.as_deref() == Some(company) && b.is_none(),
            };
            let (level, reaches) = match (s(a, "UserID"), s(a, "UserGroupID")) {
                (Some(uid), _) => ("user".to_string(), uid == id),
                (None, Some(g)) => (format!("group {g}"), groups.contains(&g)),
                (None, None) => {
                    (if *t == "admin" { "marketplace".to_string() } else { format!("{t} {company}") }, true)
                }
            };
            if !(party && reaches) {
                continue;
            }
            let pid = s(a, "SecurityProfileID").unwrap();
            for r in profiles.get(&pid).into_iter().flatten() {
                mine.entry(r.clone()).or_default().insert(format!("{pid} ({level})"));
            }
        }
    }
    (roles, sources)
}

/// The matrix as shown: username → role → its sources. Only the role columns in view are drawn,
/// so it is read across its width, half a view at a time.
async fn shown(b: &Browser) -> Sources {
    let size = b.js("const m = document.querySelector('#am-matrix'); return [m.scrollWidth, m.clientWidth];").await;
    let (wide, view) = (size[0].as_f64().unwrap(), size[1].as_f64().unwrap().max(100.0));
    let mut out = Sources::new();
    let mut x = 0.0;
    loop {
        b.js(&format!(
            "const m = document.querySelector('#am-matrix'); m.scrollLeft = {x}; m.dispatchEvent(new Event('scroll'));"
        ))
        .await;
        tokio::time::sleep(std::time::Duration::from_millis(120)).await;
        let v = b
            .js("const out = {}; for (const tr of document.querySelectorAll('#am-matrix tbody tr[data-user]')) {
                   const roles = {}; for (const td of tr.querySelectorAll('td.held')) roles[td.dataset.role] = td.title;
                   out[tr.dataset.user] = roles; } return out;")
            .await;
        for (u, roles) in v.as_object().unwrap() {
            let user = out.entry(u.clone()).or_default();
            for (r, src) in roles.as_object().unwrap() {
                user.insert(r.clone(), src.as_str().unwrap().split("; ").map(String::from).collect());
            }
        }
        if x + view >= wide {
            break;
        }
        x += view / 2.0;
    }
    b.js("const m = document.querySelector('#am-matrix'); m.scrollLeft = 0; m.dispatchEvent(new Event('scroll'));")
        .await;
    out
}

async fn shown_users(b: &Browser) -> BTreeSet<String> {
    shown(b).await.into_keys().collect()
}

/// RFC 4180 fields of a CSV text (quotes doubled inside quoted fields).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field, mut quoted, mut chars) = (Vec::new(), String::new(), false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

/// Picks the option of a select whose text starts with `text`.
async fn pick(b: &Browser, select: &str, text: &str) {
    b.find(select).await;
    let ok = b
        .js(&format!(
            "const s = document.querySelector({select:?}); const o = [...s.options].find(o => o.text.startsWith({text:?}));
             if (!o) return false; s.value = o.value; s.dispatchEvent(new Event('change', {{bubbles: true}})); return true;"
        ))
        .await;
    assert_eq!(ok, json!(true), "{select} has no option {text}");
}

/// Sets the can-call pickers and waits for the answer; (allowed, the whole answer's text).
async fn can_call(b: &Browser, user: &str, client: &str, op: &str) -> (bool, String) {
    pick(b, "#cc-user", user).await;
    b.select("#cc-client", client).await;
    b.select("#cc-op", op).await;
    let text = b.wait_text("#cc-result", &format!("{op} through")).await;
    (b.attr("#cc-result", "data-allowed").await.as_deref() == Some("yes"), text)
}

/// A password grant through `client`: the token, or the API's refusal.
async fn try_token(w: &World, client: &str, user: (&str, &str)) -> Result<String, Value> {
    let v: Value = reqwest::Client::new()
        .post(format!("{}/oauth/token", w.api))
        .form(&[("grant_type", "password"), ("client_id", client), ("username", user.0), ("password", user.1)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["access_token"].as_str().map(String::from).ok_or(v)
}

async fn reset_filters(b: &Browser) {
    for sel in ["#am-type", "#am-company", "#am-group", "#am-role", "#am-status"] {
        b.select(sel, "").await;
    }
    b.set_value("#am-search", "").await;
}

#[tokio::test]
async fn the_access_map_of_the_demo_marketplace() {
    let w = world().await;
    let admin = w.token(ADMIN.0, ADMIN.1).await;
    // an application that admits sellers only: a buyer user cannot sign in through it
    let (status, client) = w
        .call(
            "POST",
            "/apiclients",
            &admin,
            Some(json!({"AppName": "Sellers only", "Active": true, "AllowSeller": true, "AllowAnyBuyer": false,
                "AllowAnySupplier": false, "AccessTokenDuration": 600, "RefreshTokenDuration": 0})),
        )
        .await;
    assert_eq!(status, 201, "{client}");
    let sellers_only = client["ID"].as_str().unwrap().to_string();
    let (roles, sources) = expected(&w, &admin).await;
    assert!(roles.len() >= 3, "{roles:?}");

    let b = browser().await;
    let downloads = tempfile::tempdir().unwrap();
    b.allow_downloads(downloads.path()).await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.menu_screen("Access map", "access-map").await;
    b.find("#am-ready").await;
    assert!(!b.exists("#am-gaps").await, "an admin reads everything");

    // user by user, role by role, with sources: what the API says
    let map = shown(&b).await;
    assert_eq!(map.keys().collect::<Vec<_>>(), roles.keys().collect::<Vec<_>>());
    for (user, want) in &roles {
        let got: BTreeSet<String> = map[user].keys().cloned().collect();
        assert_eq!(&got, want, "roles of {user}");
        for role in want {
            assert_eq!(map[user][role], sources[user][role], "sources of {role} for {user}");
        }
    }
    assert!(map["rep01"]["BuyerImpersonation"].contains("CALL_CENTER_PROFILE (group CALL_CENTER)"));

    // the detail of one user: each role with its source in words
    b.click("#am-matrix tr[data-user='rep01'] th.user button").await;
    let detail = b.wait_text("#am-detail", "rep01").await;
    assert!(detail.contains("Call Center Profile (CALL_CENTER_PROFILE) assigned to group CALL_CENTER"), "{detail}");
    assert!(detail.contains("Elevated:"), "{detail}");
    let focused = b.js("return !!document.activeElement && !!document.activeElement.closest('#am-detail');").await;
    assert_eq!(focused, json!(true), "opening a user moves the focus to their detail");
    // counts in words: "1 buyer", never "1 buyers"
    let summary = b.text("#am-summary").await;
    let words: Vec<&str> = summary.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric())).collect();
    for (i, _) in words.iter().enumerate().filter(|(_, w)| **w == "1") {
        let next: Vec<&&str> = words[i + 1..].iter().take(2).collect();
        assert!(
            !next.iter().any(|w| w.ends_with('s') && !["in", "is"].contains(*w)),
            "a plural after 1 in {summary:?}"
        );
    }
    assert!(b.axe().await.is_empty(), "axe on the matrix: {:?}", b.axe().await);

    // the CSV, downloaded and parsed, says the same
    b.click("#am-export-csv").await;
    let (name, csv) = b.downloaded(downloads.path(), ".csv").await;
    assert!(name.starts_with("access-map-") && name.ends_with(".csv"), "{name}");
    let csv = csv.strip_prefix('\u{feff}').expect("a UTF-8 byte-order mark");
    let rows = parse_csv(csv);
    let head = &rows[0];
    let col = |n: &str| head.iter().position(|h| h == n).unwrap_or_else(|| panic!("no column {n}: {head:?}"));
    let (cu, cr, ck, cs) = (col("Username"), col("Role"), col("Kind"), col("Sources"));
    let mut from_csv = Sources::new();
    for r in &rows[1..] {
        let user = from_csv.entry(r[cu].clone()).or_default();
        if r[ck] == "api" {
            user.insert(r[cr].clone(), r[cs].split("; ").map(String::from).collect());
        }
    }
    assert_eq!(from_csv, sources.iter().map(|(u, r)| (u.clone(), r.clone())).collect::<Sources>());
    for (user, want) in &roles {
        assert_eq!(&from_csv[user].keys().cloned().collect::<BTreeSet<_>>(), want, "CSV roles of {user}");
    }
    b.click("#am-export-json").await;
    let (_, json_file) = b.downloaded(downloads.path(), ".json").await;
    let doc: Value = serde_json::from_str(&json_file).unwrap();
    for u in doc["Users"].as_array().unwrap() {
        let got: BTreeSet<String> =
            u["AvailableRoles"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect();
        assert_eq!(got, roles[u["Username"].as_str().unwrap()]);
    }

    // filters
    let holding = |role: &str| -> BTreeSet<String> {
        roles.iter().filter(|(_, r)| r.contains(role)).map(|(u, _)| u.clone()).collect()
    };
    b.select("#am-role", "BuyerImpersonation").await;
    assert_eq!(shown_users(&b).await, holding("BuyerImpersonation"));
    reset_filters(&b).await;
    b.select("#am-type", "buyer").await;
    assert_eq!(shown_users(&b).await, BTreeSet::from(["buyer01".to_string()]));
    assert!(!b.exists("#am-detail").await, "rep01's detail closes while rep01 is filtered out");
    reset_filters(&b).await;
    b.click("#am-elevated").await;
    let elevated: BTreeSet<String> =
        roles.iter().filter(|(_, r)| ELEVATED.iter().any(|e| r.contains(*e))).map(|(u, _)| u.clone()).collect();
    assert_eq!(shown_users(&b).await, elevated);
    assert!(!elevated.contains("buyer01"));
    b.click("#am-elevated").await;
    b.set_value("#am-search", "RILEY").await;
    assert_eq!(shown_users(&b).await, BTreeSet::from(["rep01".to_string()]));
    reset_filters(&b).await;
    pick(&b, "#am-group", "Call Center").await;
    assert_eq!(shown_users(&b).await, BTreeSet::from(["rep01".to_string()]));
    reset_filters(&b).await;
    b.select("#am-sort", "most").await;
    let order =
        b.js("return [...document.querySelectorAll('#am-matrix tbody tr[data-user]')].map(t => t.dataset.user);").await;
    let counts: Vec<usize> = order.as_array().unwrap().iter().map(|u| roles[u.as_str().unwrap()].len()).collect();
    assert!(counts.windows(2).all(|p| p[0] >= p[1]), "most roles first: {order} {counts:?}");

    // roles → holders
    b.click("#am-tab-holders").await;
    b.find("#am-holders").await;
    let all: BTreeSet<&String> = roles.values().flatten().collect();
    for role in &all {
        let n = b.attr(&format!("#am-holders details[data-role='{role}']"), "data-holders").await.unwrap();
        assert_eq!(n, holding(role).len().to_string(), "holders of {role}");
    }
    b.click("#am-holders details[data-role='Shopper'] summary").await;
    b.find("#am-holders details[data-role='Shopper'] li").await;
    let v = b.js("return [...document.querySelectorAll(\"#am-holders details[data-role='Shopper'] li\")].map(l => l.dataset.user);").await;
    let got: BTreeSet<String> = v.as_array().unwrap().iter().map(|u| u.as_str().unwrap().to_string()).collect();
    assert_eq!(got, holding("Shopper"));

    // can this user call…? each answer confirmed by calling
    b.click("#am-tab-call").await;
    let (yes, text) = can_call(&b, "rep01", SHARED_CLIENT_ID, "GET /buyers").await;
    assert!(yes, "{text}");
    assert!(
        text.contains(
            "Holds BuyerReader through Call Center Profile (CALL_CENTER_PROFILE) assigned to group CALL_CENTER"
        ),
        "{text}"
    );
    let rep = try_token(&w, SHARED_CLIENT_ID, REP).await.unwrap();
    assert_eq!(w.call("GET", "/buyers", &rep, None).await.0, 200);

    // a role missing: a buyer user reading the buyers (every admin user holds BuyerAdmin here)
    let (yes, text) = can_call(&b, "buyer01", SHARED_CLIENT_ID, "GET /buyers").await;
    assert!(!yes, "{text}");
    assert!(text.contains("Missing: buyer01 holds none of BuyerAdmin, BuyerReader, FullAccess"), "{text}");
    assert!(
        text.contains(
            "Assign Call Center Profile (CALL_CENTER_PROFILE) — it holds BuyerReader — to buyer BUYER_ORGANIZATION"
        ),
        "{text}"
    );
    assert!(text.contains("You can make this assignment."), "{text}");
    // the profile suggested hands out more than the role asked for: said beside it
    assert!(text.contains("It also grants elevated roles: BuyerImpersonation."), "{text}");
    let href = b.attr("#cc-grants li a", "href").await.unwrap();
    assert!(href.contains("securityprofiles") && href.contains("CALL_CENTER_PROFILE"), "{href}");
    let buyer = try_token(&w, SHARED_CLIENT_ID, BUYER).await.unwrap();
    assert_eq!(w.call("GET", "/buyers", &buyer, None).await.0, 403);

    let (yes, text) = can_call(&b, "buyer01", &sellers_only, "GET /me").await;
    assert!(!yes, "{text}");
    assert!(text.contains("may not sign in through Sellers only"), "{text}");
    assert!(text.contains("admits neither every buyer"), "{text}");
    assert!(try_token(&w, &sellers_only, BUYER).await.is_err(), "the client admits no buyer");
    let (yes, text) = can_call(&b, "buyer01", SHARED_CLIENT_ID, "GET /me").await;
    assert!(yes, "{text}");
    assert_eq!(w.call("GET", "/me", &buyer, None).await.0, 200);
    assert!(b.axe().await.is_empty(), "axe on can-call: {:?}", b.axe().await);

    // the suggestion followed: the profile's screen opens with the assignment filled in
    let (yes, _) = can_call(&b, "buyer01", SHARED_CLIENT_ID, "GET /buyers").await;
    assert!(!yes);
    b.click("#cc-grants a[href*='CALL_CENTER_PROFILE'][href*='assign.level=buyer']").await;
    b.find("#screen[data-screen='securityprofiles'] #spa-add").await;
    assert_eq!(b.value("#spa-level").await, "buyer");
    b.wait_text("#spa-company", "Example Buyer").await;
    // the filled-in form is brought into view (before anything clicks it)
    let mut in_view = json!(false);
    for _ in 0..50 {
        in_view = b
            .js("const r = document.querySelector('#spa-add').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight;")
            .await;
        if in_view == json!(true) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(in_view, json!(true), "the suggested assignment's Assign button is in view");
    b.click("#spa-add").await;
    b.wait_text("#spa-done", "Assigned").await;
    b.open_screen(&w, "access-map").await;
    b.find("#am-ready").await;
    b.click("#am-tab-call").await;
    let (yes, text) = can_call(&b, "buyer01", SHARED_CLIENT_ID, "GET /buyers").await;
    assert!(yes, "{text}");
    assert!(text.contains("assigned to buyer BUYER_ORGANIZATION"), "{text}");
    let buyer = try_token(&w, SHARED_CLIENT_ID, BUYER).await.unwrap();
    assert_eq!(w.call("GET", "/buyers", &buyer, None).await.0, 200);

    // impersonation reach, both ways, for the seeded call-center config
    b.click("#am-tab-reach").await;
    let configs = b.text("#ir-configs tr[data-config='CALL_CENTER_STOREFRONT']").await;
    assert!(configs.contains("admin users in group CALL_CENTER") && configs.contains("Storefront"), "{configs}");
    assert!(configs.contains("every user of a buyer"), "{configs}");
    pick(&b, "#ir-rep", "rep01").await;
    let acts = b.wait_text("#ir-acts-as", "buyer01").await;
    assert!(acts.contains("through CALL_CENTER_STOREFRONT"), "{acts}");
    pick(&b, "#ir-target", "buyer01").await;
    let by = b.wait_text("#ir-acted-by", "rep01").await;
    assert!(by.contains("through CALL_CENTER_STOREFRONT"), "{by}");
    assert!(!by.contains("admin01 "), "admin01 is not in the call center: {by}");
    // …and the API agrees: the rep gets a token as buyer01 through the storefront
    let (status, t) = w
        .call(
            "POST",
            "/buyers/BUYER_ORGANIZATION/users/BUYER01/accesstoken",
            &rep,
            Some(json!({"ClientID": STOREFRONT_CLIENT_ID})),
        )
        .await;
    assert_eq!(status, 200, "{t}");
    assert!(b.axe().await.is_empty(), "axe on reach: {:?}", b.axe().await);

    // made elsewhere meanwhile: "Read again" shows it; only the rows in view are drawn
    for i in 0..60 {
        let body = json!({"ID": format!("ZZ{i:03}"), "Username": format!("zz-buyer-{i:03}"), "FirstName": "Zed",
            "LastName": format!("Number {i}"), "Email": format!("zz{i}@example.com"), "Active": i % 10 != 0});
        let (status, v) = w.call("POST", "/buyers/BUYER_ORGANIZATION/users", &admin, Some(body)).await;
        assert_eq!(status, 201, "{v}");
    }
    b.click("#am-tab-matrix").await;
    b.click("#am-reload").await;
    let total = roles.len() + 60;
    b.find(&format!("#am-ready[data-users='{total}']")).await;
    b.click("#am-tab-matrix").await;
    b.find("#am-matrix tbody tr[data-user]").await;
    let drawn = b.js("return document.querySelectorAll('#am-matrix tbody tr[data-user]').length;").await;
    assert!(drawn.as_u64().unwrap() < total as u64, "{drawn} of {total} rows drawn");
    assert_eq!(b.attr("#am-matrix table", "aria-rowcount").await.unwrap(), (total + 1).to_string());
    b.js("const m = document.querySelector('#am-matrix'); m.scrollTop = m.scrollHeight;").await;
    b.find("#am-matrix tr[data-user='zz-buyer-059']").await;
    assert!(!b.exists("#am-matrix tr[data-user='admin01']").await, "rows scrolled out are not drawn");
    let inactive = b.text("#am-matrix tr[data-user='zz-buyer-050'] th.user").await;
    assert!(inactive.contains("user inactive"), "{inactive}");
    // …and only the role columns in view: a narrow matrix draws a few; scrolled to its right
    // end, the last role in use is drawn and the first is not
    let role_heads = "return [...document.querySelectorAll('#am-matrix thead th.role')].map(t => t.textContent);";
    let in_use: Vec<String> = {
        let mut all: Vec<&String> = roles.values().flatten().collect::<BTreeSet<_>>().into_iter().collect();
        all.dedup();
        all.into_iter().cloned().collect()
    };
    b.js("const m = document.querySelector('#am-matrix'); m.style.maxWidth = '520px'; window.dispatchEvent(new Event('resize')); m.scrollLeft = 0; m.dispatchEvent(new Event('scroll'));").await;
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    let first_view: Vec<String> = serde_json::from_value(b.js(role_heads).await).unwrap();
    assert!(first_view.len() < in_use.len(), "{} of {} role columns drawn", first_view.len(), in_use.len());
    b.js("const m = document.querySelector('#am-matrix'); m.scrollLeft = m.scrollWidth; m.dispatchEvent(new Event('scroll'));").await;
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    let last_view: Vec<String> = serde_json::from_value(b.js(role_heads).await).unwrap();
    assert!(!last_view.contains(&first_view[0]), "the first column is not drawn at the right end: {last_view:?}");
    let width = b.js("const m = document.querySelector('#am-matrix'); return m.scrollWidth;").await;
    b.js("const m = document.querySelector('#am-matrix'); m.style.maxWidth = ''; m.scrollLeft = 0; m.dispatchEvent(new Event('scroll'));").await;
    assert!(width.as_f64().unwrap() > 520.0, "the spacers keep the full width: {width}");

    // a user who cannot read the assignments (every admin user here can) is told what is missing
    b.js("sessionStorage.clear(); localStorage.clear();").await;
    b.sign_in(&w, BUYER.0, BUYER.1).await;
    b.open_screen(&w, "access-map").await;
    let gaps = b.wait_text("#am-gaps", "/securityprofiles/assignments").await;
    assert!(gaps.contains("SecurityProfileAdmin") && gaps.contains("no user holds anything"), "{gaps}");
    assert!(b.axe().await.is_empty(), "axe with gaps: {:?}", b.axe().await);
}

/// While the buyers' users are still on their way, the map shows the part already read (the
/// admin users, each complete), says so, and keeps the filter chosen meanwhile once it is whole.
#[tokio::test]
async fn the_part_already_read_is_shown_while_the_rest_loads() {
    let (w, gate) = gated_world(|p| p.starts_with("/v1/buyers/") && p.ends_with("/users")).await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_screen(&w, "access-map").await;
    b.wait_text("#am-partial-note", "read so far").await;
    assert!(b.exists("#am-progress").await, "still reading");
    assert!(!b.exists("#am-ready").await);
    let partial = shown(&b).await;
    b.select("#am-type", "admin").await;
    assert!(gate.held() > 0, "the buyers' users were asked for");
    gate.open();
    b.find("#am-ready").await;
    let admin = w.token(ADMIN.0, ADMIN.1).await;
    let (roles, sources) = expected(&w, &admin).await;
    // what was shown early is what the API says, user by user (only whole companies shown)
    assert!(!partial.contains_key(BUYER.0), "{partial:?}");
    let admins: BTreeSet<String> =
        list(&w, &admin, "/adminusers").await.iter().filter_map(|u| s(u, "Username")).collect();
    assert_eq!(partial.keys().cloned().collect::<BTreeSet<_>>(), admins);
    for (user, got) in &partial {
        assert_eq!(got.keys().cloned().collect::<BTreeSet<_>>(), roles[user], "roles of {user} shown early");
        for (role, src) in got {
            assert_eq!(src, &sources[user][role], "sources of {role} for {user} shown early");
        }
    }
    // the filter chosen while reading holds on the whole map
    assert_eq!(b.value("#am-type").await, "admin");
    assert_eq!(shown_users(&b).await, admins);
    b.select("#am-type", "").await;
    assert!(shown_users(&b).await.contains(BUYER.0));
}

/// No profile holds the operation's role: "Make a profile" opens the profile form with the name
/// and the role filled in; saved, its assignment is offered; made, the answer is yes.
#[tokio::test]
async fn a_profile_made_from_the_answer_turns_it_into_a_yes() {
    let w = world().await;
    let admin = w.token(ADMIN.0, ADMIN.1).await;
    // the one profile holding BuyerImpersonation goes
    let (status, v) = w.call("DELETE", "/securityprofiles/CALL_CENTER_PROFILE", &admin, None).await;
    assert_eq!(status, 204, "{v}");
    let op = "POST /buyers/{buyerID}/users/{userID}/accesstoken";
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_screen(&w, "access-map").await;
    b.find("#am-ready").await;
    b.click("#am-tab-call").await;
    let (yes, text) = can_call(&b, "admin01", SHARED_CLIENT_ID, op).await;
    assert!(!yes, "{text}");
    assert!(text.contains("No security profile holds any of these roles"), "{text}");
    b.click("#cc-no-profile a").await;
    b.find("#screen[data-screen='securityprofiles'] #ed-save").await;
    assert!(b.value("#ed-Name").await.starts_with("Can call POST"), "the name filled in");
    let checked = b.js("return [...document.querySelectorAll('#ed-Roles input:checked')].map(i => i.id);").await;
    assert_eq!(checked, json!(["role-BuyerImpersonation"]), "the role filled in, FullAccess never");
    let note = b.text("#ed-from-link").await;
    assert!(note.contains("Name") && note.contains("Roles") && note.contains("Check them"), "{note}");
    b.click("#ed-save").await;
    b.wait_text("#ed-saved", "Saved").await;

    b.open_screen(&w, "access-map").await;
    b.find("#am-ready").await;
    b.click("#am-tab-call").await;
    let (yes, text) = can_call(&b, "admin01", SHARED_CLIENT_ID, op).await;
    assert!(!yes, "{text}");
    assert!(text.contains("it holds BuyerImpersonation"), "the new profile offered: {text}");
    b.click("#cc-grants li a").await;
    b.find("#screen[data-screen='securityprofiles'] #spa-add").await;
    b.click("#spa-add").await;
    b.wait_text("#spa-done", "Assigned").await;
    b.open_screen(&w, "access-map").await;
    b.find("#am-ready").await;
    b.click("#am-tab-call").await;
    let (yes, text) = can_call(&b, "admin01", SHARED_CLIENT_ID, op).await;
    assert!(yes, "{text}");
    // a link never fills in a secret, nor FullAccess however it is written
    let url = format!(
        "{}/?op=enhanced:adminusers&new=1&set.Username=evil&set.Password=Attacker-Pass1&set.FirstName=Eve",
        w.portal
    );
    b.c.goto(&url).await.unwrap();
    b.find("#ed-save").await;
    assert_eq!(b.value("#ed-Username").await, "evil");
    assert_eq!(b.value("#ed-Password").await, "", "no password from a link");
    let url = format!("{}/?op=enhanced:securityprofiles&new=1&set.Roles=%20FullAccess,fullaccess,Shopper", w.portal);
    b.c.goto(&url).await.unwrap();
    b.find("#ed-save").await;
    assert_eq!(b.text("#roles-count").await, "1 selected");
    assert!(b.js("return document.querySelector('#role-Shopper').checked").await == json!(true));
    // the API agrees: admin01's own token now holds the role
    let token = w.token(ADMIN.0, ADMIN.1).await;
    let (_, me) = w.call("GET", "/me", &token, None).await;
    assert!(me["AvailableRoles"].as_array().unwrap().contains(&json!("BuyerImpersonation")), "{me}");
}
