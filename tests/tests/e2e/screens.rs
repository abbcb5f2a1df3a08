//! The enhanced screens in headless Chromium, through the screens only (menu, pickers, forms):
//! the seed-000 walkthrough from an empty marketplace, the seed-002 duplicate supplier user,
//! and for every screen: read-only mode, a validation error kept, a network failure survived.
use gatehouse_e2e::*;
use serde_json::json;

/// Types a user into the open user form.
async fn fill_user(b: &Browser, id: &str, username: &str, password: &str, first: &str) {
    b.fill("#ed-ID", id).await;
    b.fill("#ed-Username", username).await;
    b.fill("#ed-Password", password).await;
    b.fill("#ed-FirstName", first).await;
    b.fill("#ed-LastName", "User").await;
    b.fill("#ed-Email", &format!("{username}@example.com")).await;
}

async fn save(b: &Browser) -> String {
    b.click("#ed-save").await;
    b.wait_text("#ed-saved", "Saved").await
}

/// Picks the roles of a profile by checkbox.
async fn check_roles(b: &Browser, roles: &[&str]) {
    for r in roles {
        b.click(&format!("#role-{r}")).await;
    }
}

const ADMIN_ROLES: &[&str] =
    &["AdminUserAdmin", "BuyerAdmin", "BuyerUserAdmin", "ApiClientAdmin", "SecurityProfileAdmin", "MeAdmin"];
const BUYER_ROLES: &[&str] = &["Shopper", "MeAdmin", "MeAddressAdmin"];

#[tokio::test]
async fn seed_000_walkthrough_from_an_empty_marketplace() {
    let w = empty_world().await;
    let b = browser().await;
    b.sign_in(&w, OWNER.0, OWNER.1).await;

    // 1. the shared API client, from the menu's ⚡ mark beside the resource
    b.click(".menu [data-screen='API clients']").await;
    b.find("#screen[data-screen='apiclients']").await;
    b.click("#ed-new").await;
    b.fill("#ed-AppName", "Shared API Client").await;
    b.click("#ed-AllowSeller").await;
    b.click("#ed-AllowAnyBuyer").await;
    b.fill("#ed-AccessTokenDuration", "1.5").await;
    b.wait_text("#ed-AccessTokenDuration-error", "whole number of minutes").await;
    b.select("#ed-AccessTokenDuration-unit", "60").await;
    assert!(b.text("#ed-AccessTokenDuration-total").await.contains("90 minutes"));
    b.fill("#ed-AccessTokenDuration", "10").await;
    assert!(b.text("#ed-AccessTokenDuration-total").await.contains("10 hours"));
    b.fill("#ed-RefreshTokenDuration", "30").await;
    b.select("#ed-RefreshTokenDuration-unit", "1440").await;
    save(&b).await;
    let client_id = b.text("#ed-id").await;
    assert_eq!(client_id.len(), 36, "{client_id}");
    assert!(b.text("#ed-list").await.contains("Shared API Client"));

    // 2. the admin user: the password rules tick while typing
    b.menu_screen("Admin users", "adminusers").await;
    b.click("#ed-new").await;
    b.fill("#ed-Password", "weakpassword").await;
    assert_eq!(
        b.attr("#ed-Password-rules li:nth-child(2)", "data-met").await.as_deref(),
        Some("false"),
        "no digit yet"
    );
    fill_user(&b, "ADMIN", "admin01", "Str0ng-Admin-Pass", "Admin").await;
    let ticks = b.js("return [...document.querySelectorAll('#ed-Password-rules li')].map(l => l.dataset.met);").await;
    assert!(ticks.as_array().unwrap().iter().all(|t| t == "true"), "{ticks}");
    save(&b).await;

    // 3. the buyer organization and its user (parent picked in the screen)
    b.menu_screen("Buyers", "buyers").await;
    b.click("#ed-new").await;
    b.fill("#ed-ID", "BUYER_ORGANIZATION").await;
    b.fill("#ed-Name", "Example Buyer").await;
    save(&b).await;
    b.menu_screen("Buyer users", "buyerusers").await;
    b.wait_text("#ed-parent", "Example Buyer").await;
    b.click("#ed-new").await;
    fill_user(&b, "BUYER01", "buyer01", "buyerpass01", "Buyer").await;
    save(&b).await;

    // 4. two profiles, FullAccess refused unless confirmed, assigned at seller and buyer level
    b.menu_screen("Security profiles", "securityprofiles").await;
    b.click("#ed-new").await;
    b.fill("#ed-ID", "ADMIN_PROFILE").await;
    b.fill("#ed-Name", "Admin User Profile").await;
    b.click("#role-FullAccess").await;
    let why = b.text("#fullaccess-confirm").await;
    assert!(why.contains("every role check") && why.contains("bad practice"), "{why}");
    b.click("#fullaccess-cancel").await;
    b.gone("#fullaccess-confirm").await;
    assert_eq!(b.find("#role-FullAccess").await.prop("checked").await.unwrap().as_deref(), Some("false"));
    b.fill("#role-search", "Admin").await;
    check_roles(&b, ADMIN_ROLES).await;
    b.set_value("#role-search", "").await;
    assert!(b.text("#roles-count").await.starts_with(&ADMIN_ROLES.len().to_string()));
    save(&b).await;
    b.wait_text("#spa-none", "Not assigned").await;
    b.select("#spa-level", "seller").await;
    b.click("#spa-add").await;
    b.wait_text("#spa-list", "the whole seller organization").await;

    b.click("#ed-new").await;
    b.fill("#ed-ID", "BUYER_PROFILE").await;
    b.fill("#ed-Name", "Buyer User Profile").await;
    check_roles(&b, BUYER_ROLES).await;
    save(&b).await;
    b.select("#spa-level", "buyer").await;
    b.wait_text("#spa-company", "Example Buyer").await;
    b.select("#spa-company", "BUYER_ORGANIZATION").await;
    b.click("#spa-add").await;
    b.wait_text("#spa-list", "the whole buyer Example Buyer").await;

    // a third profile at user level: the warning, and a union of roles
    b.click("#ed-new").await;
    b.fill("#ed-ID", "BUYER_EXTRA").await;
    b.fill("#ed-Name", "Buyer extras").await;
    check_roles(&b, &["MeXpAdmin", "MeAdmin"]).await;
    save(&b).await;
    b.select("#spa-level", "buyeruser").await;
    assert!(b.text("#spa-user-warning").await.contains("hard to manage"));
    b.wait_text("#spa-company", "Example Buyer").await;
    b.select("#spa-company", "BUYER_ORGANIZATION").await;
    b.wait_text("#spa-target", "buyer01").await;
    b.select("#spa-target", "BUYER01").await;
    b.click("#spa-add").await;
    // names, not IDs: the user by name and username, the buyer by name
    b.wait_text("#spa-list", "(buyer01) of buyer Example Buyer").await;
    assert!(!b.text("#spa-list").await.contains("BUYER_ORGANIZATION"));

    // 5. both users show the union of their profiles' roles, with where each comes from
    b.menu_screen("Buyer users", "buyerusers").await;
    b.find("#ed-list tr[data-id='BUYER01']").await.click().await.unwrap();
    b.click("#ed-effective-roles").await;
    let avail = b.wait_text("#er-available", "Shopper").await;
    for r in ["Shopper", "MeAdmin", "MeAddressAdmin", "MeXpAdmin"] {
        assert!(avail.contains(r), "{r} in {avail}");
    }
    let me_admin = b.text("#er-breakdown").await;
    assert!(
        me_admin.contains("company: the whole buyer Example Buyer")
            && me_admin.contains("(buyer01) of buyer Example Buyer"),
        "{me_admin}"
    );
    let sources = b.js("return document.querySelectorAll(\"#er-breakdown tr[data-role='MeAdmin']\").length;").await;
    assert_eq!(sources, json!(2), "MeAdmin comes from two profiles");
    b.select("#er-type", "admin").await;
    b.wait_text("#er-user", "admin01").await;
    b.select("#er-user", "ADMIN").await;
    let avail = b.wait_text("#er-available", "AdminUserAdmin").await;
    for r in ADMIN_ROLES {
        assert!(avail.contains(r), "{r} in {avail}");
    }
    assert!(!avail.contains("FullAccess") && !avail.contains("Shopper"), "{avail}");

    // and the API agrees: both sign in through the new client with exactly those roles
    for (user, pass, want) in [("buyer01", "buyerpass01", 4usize), ("admin01", "Str0ng-Admin-Pass", ADMIN_ROLES.len())]
    {
        let token = w.token_for(&client_id, user, pass).await;
        let (_, me) = w.call("GET", "/me", &token, None).await;
        assert_eq!(me["AvailableRoles"].as_array().unwrap().len(), want, "{user}: {me}");
    }
}

#[tokio::test]
async fn seed_002_duplicate_supplier_user_is_refused_and_explained() {
    let w = world().await;
    let admin = w.token(ADMIN.0, ADMIN.1).await;
    w.call("POST", "/suppliers", &admin, Some(json!({"ID": "SUPPLIER1", "Name": "Parts Inc", "Active": true}))).await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_screen(&w, "supplierusers").await;
    b.wait_text("#ed-parent", "Parts Inc").await;
    b.click("#ed-new").await;
    fill_user(&b, "SUP01", "sup01", "supplierpass1", "Sam").await;
    save(&b).await;
    // the same ID again
    b.click("#ed-new").await;
    fill_user(&b, "SUP01", "sup02", "supplierpass2", "Sue").await;
    b.click("#ed-save").await;
    let errs = b.wait_text("#ed-errors", "IdExists").await;
    assert!(errs.contains("409") && errs.contains("IDs are unique"), "{errs}");
    assert!(b.text("#ed-ID-error").await.contains("already exists"));
    assert_eq!(b.value("#ed-Username").await, "sup02", "input kept");
    assert_eq!(b.value("#ed-FirstName").await, "Sue");
    // a new ID goes through
    b.fill("#ed-ID", "SUP02").await;
    save(&b).await;
    assert!(b.text("#ed-list").await.contains("sup02"));
}

/// (screen key, a text field with a 100-character limit)
const SCREENS: &[(&str, &str)] = &[
    ("apiclients", "AppName"),
    ("securityprofiles", "Name"),
    ("adminusers", "Username"),
    ("adminusergroups", "Name"),
    ("buyers", "Name"),
    ("buyerusers", "Username"),
    ("buyergroups", "Name"),
    ("suppliers", "Name"),
    ("supplierusers", "Username"),
    ("suppliergroups", "Name"),
    ("impersonationconfigs", "ID"),
];

/// Gives the demo world a row on every screen (a supplier with a user and a group, a buyer
/// group), and a viewer who may read everything but change nothing. The seller-level admin
/// profile would give every admin user write roles, so it moves to admin01 alone.
async fn arrange_viewer(w: &World) {
    let admin = w.token(ADMIN.0, ADMIN.1).await;
    let ok = |s: u16| assert!((200..300).contains(&s), "arrange: HTTP {s}");
    ok(w.call("POST", "/suppliers", &admin, Some(json!({"ID": "SUPPLIER1", "Name": "Parts Inc", "Active": true})))
        .await
        .0);
    ok(w.call("POST", "/suppliers/SUPPLIER1/users", &admin, Some(json!({"ID": "SUP01", "Username": "sup01", "FirstName": "Sam", "LastName": "Supplier", "Email": "s@example.com", "Active": true}))).await.0);
    ok(w.call("POST", "/suppliers/SUPPLIER1/usergroups", &admin, Some(json!({"ID": "SUPGROUP", "Name": "Warehouse"})))
        .await
        .0);
    ok(w.call(
        "POST",
        "/buyers/BUYER_ORGANIZATION/usergroups",
        &admin,
        Some(json!({"ID": "BUYERGROUP", "Name": "Purchasing"})),
    )
    .await
    .0);
    let readers: Vec<&str> =
        gatehouse_model::roles::ALL_ROLES.iter().copied().filter(|r| r.ends_with("Reader")).collect();
    ok(w.call(
        "POST",
        "/securityprofiles/assignments",
        &admin,
        Some(json!({"SecurityProfileID": "ADMIN_PROFILE", "UserID": "ADMIN"})),
    )
    .await
    .0);
    ok(w.call("DELETE", "/securityprofiles/ADMIN_PROFILE/assignments", &admin, None).await.0);
    ok(w.call(
        "POST",
        "/securityprofiles",
        &admin,
        Some(json!({"ID": "READERS", "Name": "Readers", "Roles": readers})),
    )
    .await
    .0);
    ok(w.call("POST", "/adminusers", &admin, Some(json!({"ID": "VIEWER", "Username": "viewer01", "Password": "Viewer-Pass-01", "FirstName": "Vera", "LastName": "Viewer", "Email": "v@example.com", "Active": true}))).await.0);
    ok(w.call(
        "POST",
        "/securityprofiles/assignments",
        &admin,
        Some(json!({"SecurityProfileID": "READERS", "UserID": "VIEWER"})),
    )
    .await
    .0);
}

#[tokio::test]
async fn every_screen_is_read_only_without_write_roles() {
    let w = world().await;
    arrange_viewer(&w).await;
    let b = browser().await;
    b.sign_in(&w, "viewer01", "Viewer-Pass-01").await;
    for (key, _) in SCREENS {
        b.open_screen(&w, key).await;
        let note = b.wait_text("#ed-readonly", "Read-only").await;
        assert!(note.contains("needs one of") && note.contains("none of them"), "{key}: {note}");
        if *key == "impersonationconfigs" {
            // reading configs takes SetSecurityProfile: the list shows the API's 403, explained
            let err = b.wait_text("#ed-list-errors", "InsufficientRoles").await;
            assert!(err.contains("SetSecurityProfile"), "{err}");
            continue;
        }
        b.find("#ed-list tbody tr").await.click().await.unwrap();
        b.find("#ed-form").await;
        assert!(
            !b.exists("#ed-save").await && !b.exists("#ed-delete").await && !b.exists("#ed-new").await,
            "{key}: write controls shown"
        );
        let enabled = b.js("return [...document.querySelectorAll('#ed-form input, #ed-form select, #ed-form textarea')].filter(e => !e.disabled && e.id !== 'role-search').map(e => e.id);").await;
        assert_eq!(enabled, json!([]), "{key}: inputs editable");
    }
    // a user without even the read roles gets the API's 403, explained
    b.click("#sign-out").await;
    b.sign_in(&w, BUYER.0, BUYER.1).await;
    b.open_screen(&w, "apiclients").await;
    let err = b.wait_text("#ed-list-errors", "InsufficientRoles").await;
    assert!(err.contains("403") && err.contains("ApiClientReader") && err.contains("Shopper"), "{err}");
    // the effective-roles screen says so too, instead of an empty picker
    b.open_screen(&w, "effective-roles").await;
    let err = b.wait_text("#er-load-error", "InsufficientRoles").await;
    assert!(err.contains("AdminUserReader"), "{err}");
}

#[tokio::test]
async fn a_validation_error_keeps_the_input_on_every_screen() {
    let w = world().await;
    arrange_viewer(&w).await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    let typed = "x".repeat(101);
    for (key, field) in SCREENS {
        b.open_screen(&w, key).await;
        b.click("#ed-new").await;
        b.set_value(&format!("#ed-{field}"), &typed).await;
        b.click("#ed-save").await;
        let msg = b.wait_text(&format!("#ed-{field}-error"), "at most 100 characters").await;
        // the field named by its label, as the form shows it
        let label = b.text(&format!("label[for='ed-{field}']")).await;
        let named = msg.split(" can be at most").next().unwrap();
        assert!(!named.is_empty() && label.starts_with(named), "{key}: {msg} (label {label:?})");
        assert!(b.text("#ed-errors").await.contains("nothing was sent"), "{key}");
        assert_eq!(b.value(&format!("#ed-{field}")).await, typed, "{key}: input kept");
        assert!(!b.exists("#ed-saved").await, "{key}: nothing saved");
    }
    // malformed xp: its position is named, nothing is sent, the text stays
    b.open_screen(&w, "buyers").await;
    b.click("#ed-new").await;
    b.fill("#ed-Name", "Has bad xp").await;
    b.set_value("#ed-xp", "{\"Tier\": }").await;
    b.click("#ed-save").await;
    let msg = b.wait_text("#ed-xp-error", "malformed JSON").await;
    assert!(msg.contains("line 1, column"), "{msg}");
    assert_eq!(b.value("#ed-xp").await, "{\"Tier\": }");
    assert!(!b.exists("#ed-saved").await);
    // an ID outside the API's pattern: named, nothing sent, the text stays
    b.set_value("#ed-xp", "").await;
    b.fill("#ed-ID", "MY BUYER").await;
    b.click("#ed-save").await;
    let msg = b.wait_text("#ed-ID-error", "letters, digits, - and _").await;
    assert!(msg.contains("\"MY BUYER\""), "{msg}");
    assert_eq!(b.value("#ed-ID").await, "MY BUYER");
    assert!(!b.exists("#ed-saved").await);
    let t = w.token(ADMIN.0, ADMIN.1).await;
    assert_eq!(w.call("GET", "/buyers?search=Has%20bad%20xp", &t, None).await.1["Meta"]["TotalCount"], 0);
}

#[tokio::test]
async fn a_network_failure_loses_nothing_on_every_screen() {
    let w = world().await;
    arrange_viewer(&w).await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    for (i, (key, _)) in SCREENS.iter().enumerate() {
        b.open_screen(&w, key).await;
        b.find("#ed-list tbody tr").await.click().await.unwrap();
        b.find("#ed-form").await;
        // change a text field, then lose the network
        let field = b.js("const t = [...document.querySelectorAll('#ed-form input[type=text]')].filter(e => !e.disabled && !e.closest('.duration')); const f = t.find(e => e.id !== 'ed-ID') || t[0]; return f ? f.id : null;").await;
        let field = field.as_str().unwrap_or_else(|| panic!("{key}: no text field")).to_string();
        let value = format!("Offline-edit-{i}");
        b.fill(&format!("#{field}"), &value).await;
        b.offline(true).await;
        b.click("#ed-save").await;
        let err = b.wait_text("#ed-errors", "Could not reach the API").await;
        // said once, in words: no browser error text, no internal code
        assert!(
            err.contains("Nothing was sent") && !err.contains("TypeError") && !err.contains("(Network)"),
            "{key}: {err}"
        );
        assert_eq!(b.value(&format!("#{field}")).await, value, "{key}: input kept");
        // back online, the same input saves
        b.offline(false).await;
        b.click("#ed-save").await;
        for _ in 0..100 {
            if b.exists("#ed-saved").await {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let errs = if b.exists("#ed-errors").await { b.text("#ed-errors").await } else { String::new() };
        assert!(b.exists("#ed-saved").await, "{key}: not saved once back online: {errs}");
        assert_eq!(b.value(&format!("#{field}")).await, value, "{key}");
    }
}

#[tokio::test]
async fn api_client_access_secret_and_a_delete_refused_with_its_reason() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_screen(&w, "apiclients").await;
    let store = gatehouse_sandbox::seed::STOREFRONT_CLIENT_ID;
    b.find(&format!("#ed-list tr[data-id='{store}']")).await.click().await.unwrap();
    // durations are shown in the largest whole unit
    assert_eq!(b.value("#ed-AccessTokenDuration").await, "1");
    assert_eq!(b.value("#ed-AccessTokenDuration-unit").await, "60");
    // only the assigned buyers: turn "all buyers" off and assign one by picker
    b.click("#ed-AllowAnyBuyer").await;
    b.wait_text("#client-buyers-pick", "Example Buyer").await;
    b.select("#client-buyers-pick", "BUYER_ORGANIZATION").await;
    b.click("#client-buyers-add").await;
    b.find("#client-buyers .chip[data-id='BUYER_ORGANIZATION']").await;
    // the default context user is picked from the marketplace's usernames
    b.wait_text("#ed-DefaultContextUserName", "buyer01").await;
    b.select("#ed-DefaultContextUserName", "buyer01").await;
    // a generated secret: hidden, revealed, copied, saved
    b.click("#ed-ClientSecret-generate").await;
    let secret = b.value("#ed-ClientSecret").await;
    assert_eq!(secret.len(), 64, "{secret}");
    assert_eq!(b.attr("#ed-ClientSecret", "type").await.as_deref(), Some("text"));
    b.click("#ed-ClientSecret-reveal").await;
    assert_eq!(b.attr("#ed-ClientSecret", "type").await.as_deref(), Some("password"));
    b.grant_clipboard().await;
    b.click("#ed-ClientSecret-copy").await;
    b.wait_text("#ed-ClientSecret-copy", "Copied").await;
    let pasted = b.c.execute_async("navigator.clipboard.readText().then(arguments[0]);", vec![]).await.unwrap();
    assert_eq!(pasted, json!(secret));
    save(&b).await;
    let t = w.token(ADMIN.0, ADMIN.1).await;
    let (_, c) = w.call("GET", &format!("/apiclients/{store}"), &t, None).await;
    assert_eq!(c["ClientSecret"], secret.as_str());
    assert_eq!(c["AllowAnyBuyer"], false);
    assert_eq!(c["DefaultContextUserName"], "buyer01");
    let (_, a) = w.call("GET", "/apiclients/assignments", &t, None).await;
    assert!(
        a["Items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["ApiClientID"] == store && x["BuyerID"] == "BUYER_ORGANIZATION"),
        "{a}"
    );
    // deleting it is refused: an impersonation config uses it, and the screen says so
    b.click("#ed-delete").await;
    b.click("#ed-delete-yes").await;
    let why = b.wait_text("#ed-errors", "UsedByImpersonationConfig").await;
    assert!(why.contains("CALL_CENTER_STOREFRONT") && why.contains("Delete or change the config first"), "{why}");
    assert!(b.exists(&format!("#ed-list tr[data-id='{store}']")).await);
    // one click goes to the config that blocks it, then back
    b.click("#ed-errors .problem-open").await;
    b.find("#screen[data-screen='impersonationconfigs']").await;
    b.wait_text("#ed-heading", "CALL_CENTER_STOREFRONT").await;
    b.c.back().await.unwrap();
    b.find("#screen[data-screen='apiclients']").await;
    b.find(&format!("#ed-list tr[data-id='{store}']")).await.click().await.unwrap();
    // the same operation in the raw console, one click away
    b.click("#ed-console").await;
    b.find("#op-select").await;
    assert_eq!(b.value("#op-select").await, "PATCH /apiclients/{apiClientID}");
}

#[tokio::test]
async fn security_profile_roles_by_group_custom_roles_full_access_and_every_level() {
    let w = world().await;
    let admin = w.token(ADMIN.0, ADMIN.1).await;
    w.call("POST", "/suppliers", &admin, Some(json!({"ID": "SUPPLIER1", "Name": "Parts Inc", "Active": true}))).await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_screen(&w, "securityprofiles").await;
    b.click("#ed-new").await;
    b.fill("#ed-ID", "OPS").await;
    b.fill("#ed-Name", "Operations").await;
    // select all of one area, searched down to the readers
    b.fill("#role-search", "Reader").await;
    b.click("#roles-all-suppliers").await;
    b.set_value("#role-search", "").await;
    assert!(b.text("#roles-count").await.starts_with("4 selected"), "{}", b.text("#roles-count").await);
    // FullAccess only once confirmed
    b.click("#role-FullAccess").await;
    b.click("#fullaccess-grant").await;
    b.gone("#fullaccess-confirm").await;
    assert_eq!(b.find("#role-FullAccess").await.prop("checked").await.unwrap().as_deref(), Some("true"));
    b.set_value("#ed-CustomRoles", "ReportViewer\nRefundApprover").await;
    save(&b).await;
    let (_, p) = w.call("GET", "/securityprofiles/OPS", &admin, None).await;
    assert_eq!(
        p["Roles"],
        json!([
            "FullAccess",
            "SupplierAddressReader",
            "SupplierReader",
            "SupplierUserGroupReader",
            "SupplierUserReader"
        ])
    );
    assert_eq!(p["CustomRoles"], json!(["ReportViewer", "RefundApprover"]));
    // assignments at supplier and admin-group level, then removed again
    b.select("#spa-level", "supplier").await;
    b.wait_text("#spa-company", "Parts Inc").await;
    b.select("#spa-company", "SUPPLIER1").await;
    b.click("#spa-add").await;
    b.wait_text("#spa-list", "the whole supplier Parts Inc").await;
    b.select("#spa-level", "admingroup").await;
    b.wait_text("#spa-target", "Call Center").await;
    assert!(!b.exists("#spa-user-warning").await);
    b.select("#spa-target", "CALL_CENTER").await;
    b.click("#spa-add").await;
    b.wait_text("#spa-list", "group Call Center of seller organization").await;
    let (_, a) = w.call("GET", "/securityprofiles/assignments", &admin, None).await;
    let ops: Vec<_> = a["Items"].as_array().unwrap().iter().filter(|x| x["SecurityProfileID"] == "OPS").collect();
    assert_eq!(ops.len(), 2, "{a}");
    // the rep (in CALL_CENTER) now holds the custom roles through the group
    b.open_screen(&w, "effective-roles").await;
    b.wait_text("#er-user", "rep01").await;
    b.select("#er-user", "REP01").await;
    b.wait_text("#er-breakdown", "ReportViewer").await;
    // the group's name arrives with its own load; until then the row names the group by ID
    let table = b.wait_text("#er-breakdown", "group: group Call Center of seller organization").await;
    assert!(table.contains("Operations (OPS)"), "{table}");
    // remove the supplier assignment from the profile
    b.open_screen(&w, "securityprofiles").await;
    b.find("#ed-list tr[data-id='OPS']").await.click().await.unwrap();
    b.find("#spa-list li[data-assignment='the whole supplier SUPPLIER1'] .spa-remove").await.click().await.unwrap();
    b.wait_text("#spa-done", "Removed").await;
    assert!(!b.text("#spa-list").await.contains("Parts Inc"));
}

#[tokio::test]
async fn group_members_are_managed_from_the_group() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_screen(&w, "adminusergroups").await;
    b.find("#ed-list tr[data-id='CALL_CENTER']").await.click().await.unwrap();
    // members by name and username
    b.wait_text("#members-list li[data-user='REP01']", "Riley Rep (rep01)").await;
    assert_eq!(
        b.attr("#members-list li[data-user='REP01'] .member-remove", "aria-label").await.as_deref(),
        Some("Remove Riley Rep (rep01) from the group")
    );
    b.wait_text("#members-pick", "admin01").await;
    b.select("#members-pick", "ADMIN").await;
    b.click("#members-add").await;
    b.find("#members-list li[data-user='ADMIN']").await;
    b.find("#members-list li[data-user='REP01'] .member-remove").await.click().await.unwrap();
    b.gone("#members-list li[data-user='REP01']").await;
    let t = w.token(ADMIN.0, ADMIN.1).await;
    let (_, m) = w.call("GET", "/usergroups/assignments?userGroupID=CALL_CENTER", &t, None).await;
    let users: Vec<_> =
        m["Items"].as_array().unwrap().iter().map(|a| a["UserID"].as_str().unwrap().to_string()).collect();
    assert_eq!(users, vec!["ADMIN"]);
}

#[tokio::test]
async fn impersonation_configs_use_pickers_and_explain_a_conflict() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_screen(&w, "impersonationconfigs").await;
    b.click("#ed-new").await;
    // whom: groups and users come from the chosen buyer
    assert!(b.text("[data-field='GroupID']").await.contains("Pick a buyer first"));
    b.wait_text("#ed-BuyerID", "Example Buyer").await;
    b.select("#ed-BuyerID", "BUYER_ORGANIZATION").await;
    b.wait_text("#ed-UserID", "buyer01").await;
    // who: no buyer → admin groups
    b.wait_text("#ed-ImpersonationGroupID", "Call Center").await;
    b.select("#ed-ImpersonationGroupID", "CALL_CENTER").await;
    b.wait_text("#ed-SecurityProfileID", "Buyer User Profile").await;
    b.select("#ed-SecurityProfileID", "BUYER_PROFILE").await;
    b.wait_text("#ed-ClientID", "Storefront").await;
    b.select("#ed-ClientID", gatehouse_sandbox::seed::STOREFRONT_CLIENT_ID).await;
    b.click("#ed-save").await;
    let why = b.wait_text("#ed-errors", "Conflicting").await;
    assert!(why.contains("CALL_CENTER_STOREFRONT") && why.contains("Edit that config instead"), "{why}");
    assert!(b.text("#ed-errors .problem-open").await.contains("Open impersonation config CALL_CENTER_STOREFRONT"));
    assert_eq!(b.value("#ed-ImpersonationGroupID").await, "CALL_CENTER", "kept");
    // narrowed to one user, it is a different config
    b.select("#ed-UserID", "BUYER01").await;
    b.fill("#ed-ID", "REPS_FOR_BUYER01").await;
    save(&b).await;
    let t = w.token(ADMIN.0, ADMIN.1).await;
    let (s, c) = w.call("GET", "/impersonationconfig/REPS_FOR_BUYER01", &t, None).await;
    assert_eq!(s, 200);
    assert_eq!(c["UserID"], "BUYER01");
    assert_eq!(c["ImpersonationGroupID"], "CALL_CENTER");
}

#[tokio::test]
async fn screen_lists_search_sort_and_page() {
    let w = world().await;
    let t = w.token(ADMIN.0, ADMIN.1).await;
    for i in 1..=24 {
        w.call(
            "POST",
            "/buyers",
            &t,
            Some(json!({"ID": format!("B{i:02}"), "Name": format!("Company {i:02}"), "Active": true})),
        )
        .await;
    }
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_screen(&w, "buyers").await;
    b.wait_text("#ed-page", "Page 1 of 2 · 25 in all").await;
    assert_eq!(b.js("return document.querySelectorAll('#ed-list tbody tr').length;").await, json!(20));
    b.click("#ed-next").await;
    b.wait_text("#ed-page", "Page 2 of 2").await;
    assert_eq!(b.js("return document.querySelectorAll('#ed-list tbody tr').length;").await, json!(5));
    b.select("#ed-sort", "Name").await;
    b.click("#ed-dir").await;
    b.wait_text("#ed-page", "Page 1 of 2").await;
    b.wait_text("#ed-list tbody tr:first-child", "Example Buyer").await;
    b.set_value("#ed-search", "Company 07").await;
    b.wait_text("#ed-page", "1 in all").await;
    assert!(b.text("#ed-list tbody").await.contains("B07"));
    // keyboard: a focused row opens with Enter
    b.js("document.querySelector(\"#ed-list tr[data-id='B07']\").focus();").await;
    b.find("#ed-list tr[data-id='B07']").await.send_keys("\u{E007}").await.unwrap();
    b.wait_text("#ed-heading", "Company 07").await;
}

#[tokio::test]
async fn a_locked_out_admin_user_is_unlocked_from_their_screen() {
    let w = world().await;
    let t = w.token(ADMIN.0, ADMIN.1).await;
    w.call(
        "POST",
        "/securityprofiles",
        &t,
        Some(json!({"ID": "STRICT", "Name": "Strict", "Roles": [], "PasswordConfig": {"AllowedFailedAttempts": 2}})),
    )
    .await;
    w.call(
        "POST",
        "/securityprofiles/assignments",
        &t,
        Some(json!({"SecurityProfileID": "STRICT", "UserID": "REP01"})),
    )
    .await;
    w.try_sign_in(REP.0, "wrong").await;
    let b = w.try_sign_in(REP.0, "wrong").await;
    assert_eq!(b["Errors"][0]["ErrorCode"], "Auth.LockedOut", "{b}");
    let browser = browser().await;
    browser.sign_in(&w, ADMIN.0, ADMIN.1).await;
    browser.open_screen(&w, "adminusers").await;
    browser.find("#ed-list tr[data-id='REP01']").await.click().await.unwrap();
    browser.wait_text("#sign-in-failures", "2 failed sign-in(s)").await;
    browser.click("#sign-in-unlock").await;
    browser.wait_text("#sign-in-unlocked", "Unlocked").await;
    browser.wait_text("#sign-in-failures", "No failed sign-ins").await;
    assert!(w.try_sign_in(REP.0, REP.1).await["access_token"].is_string(), "signs in again");
}

/// Screenshots of every screen for the README guide: `GATEHOUSE_SHOTS=docs cargo test -p
/// gatehouse-e2e --test screens guide` writes them; otherwise the walk still runs and checks
/// that every screen renders with its list.
#[tokio::test]
async fn guide_walks_every_screen() {
    let w = world().await;
    arrange_viewer(&w).await;
    let dir = std::env::var("GATEHOUSE_SHOTS").ok();
    let b = browser().await;
    let shot = |name: &'static str| {
        let dir = dir.clone();
        let b = &b;
        async move {
            b.js("document.querySelectorAll('.table-wrap').forEach(e => e.scrollLeft = 0);").await;
            if let Some(d) = dir {
                b.screenshot(&format!("{d}/{name}.png")).await;
            }
        }
    };
    b.c.goto(&w.portal).await.unwrap();
    b.find("#signin-grant").await;
    shot("sign-in").await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_screen(&w, "apiclients").await;
    b.find(&format!("#ed-list tr[data-id='{}']", gatehouse_sandbox::seed::SHARED_CLIENT_ID))
        .await
        .click()
        .await
        .unwrap();
    b.find("#client-buyers").await;
    shot("screen-api-clients").await;
    b.open_screen(&w, "securityprofiles").await;
    b.find("#ed-list tr[data-id='BUYER_PROFILE']").await.click().await.unwrap();
    b.find("#spa-list").await;
    b.select("#spa-level", "buyeruser").await;
    b.find("#spa-user-warning").await;
    b.js("document.querySelector('#profile-assignments').scrollIntoView({block: 'end'});").await;
    shot("screen-security-profiles").await;
    b.open_screen(&w, "effective-roles").await;
    b.select("#er-type", "buyer").await;
    b.wait_text("#er-user", "buyer01").await;
    b.select("#er-user", "BUYER01").await;
    b.find("#er-breakdown").await;
    shot("screen-effective-roles").await;
    b.open_screen(&w, "buyerusers").await;
    b.wait_text("#ed-list", "buyer01").await;
    b.click("#ed-new").await;
    b.fill("#ed-Username", "buyer02").await;
    b.fill("#ed-Password", "short").await;
    shot("screen-users").await;
    b.open_screen(&w, "adminusergroups").await;
    b.find("#ed-list tr[data-id='CALL_CENTER']").await.click().await.unwrap();
    b.find("#members-list").await;
    shot("screen-groups").await;
    b.open_screen(&w, "impersonationconfigs").await;
    b.find("#ed-list tr[data-id='CALL_CENTER_STOREFRONT']").await.click().await.unwrap();
    b.wait_text("#ed-ClientID", "Storefront").await;
    shot("screen-impersonation-configs").await;
    b.click("#sign-out").await;
    b.sign_in(&w, "viewer01", "Viewer-Pass-01").await;
    b.open_screen(&w, "buyers").await;
    b.find("#ed-list tbody tr").await.click().await.unwrap();
    b.find("#ed-readonly").await;
    shot("screen-read-only").await;
    // the console: a form with its problems, and a list answer
    b.click("#sign-out").await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_op(&w, "POST /adminusers").await;
    b.fill("#field-ID", "new user").await;
    b.fill("#field-Username", "ada").await;
    b.fill("#field-Password", "short").await;
    b.fill("#field-xp", "{\"Tier\": ").await;
    b.click("#send").await;
    b.find(".field-error").await;
    shot("console-form").await;
    b.open_op(&w, "GET /adminusers").await;
    assert_eq!(b.send().await, 200);
    shot("console-list").await;
    // a rep acting as a buyer user: the launcher and the one-line banner (in the demo
    // marketplace as seeded: the viewer arranged above took the reps' admin profile away)
    let w = world().await;
    b.click("#sign-out").await;
    b.sign_in(&w, REP.0, REP.1).await;
    b.click(".enhanced-section [data-screen='Impersonation launcher']").await;
    b.find("#imp-results tr[data-user='BUYER01'] .imp-pick").await.click().await.unwrap();
    b.fill("#imp-reason", "TICKET-1").await;
    b.click("#imp-act").await;
    b.wait_text("#acting-banner", "acting as buyer01").await;
    b.find("#impersonation-record").await;
    shot("impersonation").await;
}

#[tokio::test]
async fn an_empty_list_says_what_is_missing_and_offers_to_create_it() {
    let w = empty_world().await;
    let b = browser().await;
    b.sign_in(&w, gatehouse_sandbox::seed::OWNER.0, gatehouse_sandbox::seed::OWNER.1).await;
    b.open_screen(&w, "suppliers").await;
    b.wait_text("#ed-empty-list", "No supplier here yet.").await;
    b.click("#ed-create-first").await;
    b.wait_text("#ed-heading", "New supplier").await;
    // a search that finds nothing is not an empty marketplace: the table stays, empty
    b.open_screen(&w, "apiclients").await;
    b.find("#ed-list").await;
    assert!(!b.exists("#ed-empty-list").await);
}

/// Generates a client secret (scrolled to the middle: the sticky foot covers the window's bottom).
async fn generate(b: &Browser) {
    b.js("document.getElementById('ed-ClientSecret-generate').scrollIntoView({block: 'center'});").await;
    b.click("#ed-ClientSecret-generate").await;
}

#[tokio::test]
async fn a_generated_secret_neither_saved_nor_copied_is_not_discarded_without_asking() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_screen(&w, "apiclients").await;
    let store = gatehouse_sandbox::seed::STOREFRONT_CLIENT_ID;
    let shared = gatehouse_sandbox::seed::SHARED_CLIENT_ID;
    b.find(&format!("#ed-list tr[data-id='{store}']")).await.click().await.unwrap();
    generate(&b).await;
    let secret = b.value("#ed-ClientSecret").await;
    // closing asks, and "Keep editing" keeps the secret on screen
    b.click("#ed-cancel").await;
    b.wait_text("#ed-confirm-discard", "neither saved nor copied").await;
    b.click("#ed-discard-no").await;
    assert!(!b.exists("#ed-confirm-discard").await);
    assert_eq!(b.value("#ed-ClientSecret").await, secret);
    // opening another client asks too (and back in the browser would); "Discard it" goes on
    b.find(&format!("#ed-list tr[data-id='{shared}']")).await.click().await.unwrap();
    b.find("#ed-confirm-discard").await;
    assert_eq!(b.value("#ed-ClientSecret").await, secret, "nothing discarded yet");
    b.click("#ed-discard-yes").await;
    b.find(&format!("#ed-list tr.current[data-id='{shared}']")).await;
    // a copied secret is kept somewhere: leaving does not ask
    b.find(&format!("#ed-list tr[data-id='{store}']")).await.click().await.unwrap();
    generate(&b).await;
    b.grant_clipboard().await;
    b.js("document.getElementById('ed-ClientSecret-copy').scrollIntoView({block: 'center'});").await;
    b.click("#ed-ClientSecret-copy").await;
    b.wait_text("#ed-ClientSecret-copy", "Copied").await;
    b.click("#ed-cancel").await;
    b.find("#ed-empty").await;
    assert!(!b.exists("#ed-confirm-discard").await);
    // nothing was saved along the way
    let t = w.token(ADMIN.0, ADMIN.1).await;
    assert_ne!(w.call("GET", &format!("/apiclients/{store}"), &t, None).await.1["ClientSecret"], secret.as_str());
}

#[tokio::test]
async fn an_empty_marketplace_opens_on_a_checklist_that_ticks_itself_from_the_data() {
    let w = empty_world().await;
    let owner = w.token(OWNER.0, OWNER.1).await;
    let b = browser().await;
    b.sign_in(&w, OWNER.0, OWNER.1).await;
    // what the owner signs in with (a client, a profile, an assignment) does not count
    b.wait_text("#start-here-count", "0 of 5 done").await;
    let states = "return [...document.querySelectorAll('#start-here li')].map(l => l.dataset.state).join(' ');";
    assert_eq!(b.js(states).await, "todo todo todo todo todo");
    assert!(b.axe().await.is_empty(), "{:?}", b.axe().await);
    if let Ok(d) = std::env::var("GATEHOUSE_SHOTS") {
        b.screenshot(&format!("{d}/start-here.png")).await;
    }
    // each step leads to its screen
    b.click("#start-here li:first-child a").await;
    b.find("#screen[data-screen='apiclients']").await;
    // the steps are done elsewhere (here through the API); the first screen ticks them
    let client = w.call("POST", "/apiclients", &owner, Some(json!({"AppName": "Shared API Client", "AllowSeller": true, "AllowAnyBuyer": true, "AccessTokenDuration": 600, "Active": true}))).await;
    assert_eq!(client.0, 201, "{client:?}");
    b.click("#home").await;
    b.wait_text("#start-here-count", "1 of 5 done").await;
    assert_eq!(b.js(states).await, "done todo todo todo todo");
    assert_eq!(
        w.call(
            "POST",
            "/securityprofiles",
            &owner,
            Some(json!({"ID": "SHOPPERS", "Name": "Shoppers", "Roles": ["Shopper", "MeAdmin"]}))
        )
        .await
        .0,
        201
    );
    assert_eq!(
        w.call("POST", "/buyers", &owner, Some(json!({"ID": "B1", "Name": "Buyer One", "Active": true}))).await.0,
        201
    );
    assert_eq!(
        w.call(
            "POST",
            "/securityprofiles/assignments",
            &owner,
            Some(json!({"SecurityProfileID": "SHOPPERS", "BuyerID": "B1"}))
        )
        .await
        .0,
        204
    );
    b.click("#start-here-recheck").await;
    b.wait_text("#start-here-count", "3 of 5 done").await;
    assert_eq!(b.js(states).await, "done done done todo todo");
    let user = json!({"ID": "U1", "Username": "shopper1", "FirstName": "Sam", "LastName": "Shopper", "Email": "s@example.com", "Active": true});
    assert_eq!(w.call("POST", "/buyers/B1/users", &owner, Some(user)).await.0, 201);
    let config = json!({"ClientID": client.1["ID"], "SecurityProfileID": "SHOPPERS", "BuyerID": "B1", "ImpersonationUserID": "OWNER"});
    let made = w.call("POST", "/impersonationconfig", &owner, Some(config)).await;
    assert_eq!(made.0, 201, "{made:?}");
    // every step done: coming back to the window, the checklist leaves the first screen
    b.js("window.dispatchEvent(new Event('focus'))").await;
    b.gone("#start-here").await;
    b.find("#welcome").await;
}

#[tokio::test]
async fn the_checklist_is_for_whoever_sets_up_not_for_a_user_who_cannot_read_it() {
    let w = empty_world().await;
    let owner = w.token(OWNER.0, OWNER.1).await;
    let ok = |s: u16| assert!((200..300).contains(&s), "arrange: HTTP {s}");
    ok(w.call(
        "POST",
        "/securityprofiles",
        &owner,
        Some(json!({"ID": "ME_ONLY", "Name": "Me only", "Roles": ["MeAdmin"]})),
    )
    .await
    .0);
    ok(w.call("POST", "/adminusers", &owner, Some(json!({"ID": "CLERK", "Username": "clerk01", "Password": "Clerk-Pass-01", "FirstName": "Cleo", "LastName": "Clerk", "Email": "c@example.com", "Active": true}))).await.0);
    ok(w.call(
        "POST",
        "/securityprofiles/assignments",
        &owner,
        Some(json!({"SecurityProfileID": "ME_ONLY", "UserID": "CLERK"})),
    )
    .await
    .0);
    let b = browser().await;
    b.sign_in(&w, "clerk01", "Clerk-Pass-01").await;
    b.find("#welcome").await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(!b.exists("#start-here").await, "a checklist of steps this user cannot even read");
    // the owner, in the same marketplace, has it
    b.click("#sign-out").await;
    b.sign_in(&w, OWNER.0, OWNER.1).await;
    b.wait_text("#start-here-count", "of 5 done").await;
}

#[tokio::test]
async fn the_demo_marketplace_has_no_checklist() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.find("#welcome").await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(!b.exists("#start-here").await);
    // settled (every step done): coming back to the window sends nothing
    let sent = "return performance.getEntriesByType('resource').filter(e => e.name.includes('/v1/')).length;";
    let before = b.js(sent).await;
    b.js("window.dispatchEvent(new Event('focus'))").await;
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    assert_eq!(b.js(sent).await, before);
}

#[tokio::test]
async fn fields_and_columns_are_named_in_words_with_the_api_name_beside() {
    let w = world().await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.open_screen(&w, "apiclients").await;
    let heads =
        b.js("return [...document.querySelectorAll('#ed-list th')].map(t => t.textContent + '|' + t.title);").await;
    assert!(heads.as_array().unwrap().iter().any(|h| h == "Application name|AppName"), "{heads}");
    assert!(heads.as_array().unwrap().iter().any(|h| h == "Allow all buyers|AllowAnyBuyer"), "{heads}");
    b.click("#ed-new").await;
    // an input's label is its name in words, nothing more; the API's name and the help are its
    // description
    let named = r#"
        const e = document.getElementById(arguments[0]);
        const label = [...e.labels].map(l => l.textContent.trim()).join(' ');
        const desc = (e.getAttribute('aria-describedby') || '').split(' ').map(id => document.getElementById(id)?.textContent || '').join(' ');
        return [label, desc];"#;
    for (id, label, api) in [
        ("ed-AppName", "Application name", "AppName"),
        ("ed-AccessTokenDuration", "Access token lifetime", "AccessTokenDuration"),
    ] {
        let got = b.c.execute(named, vec![json!(id)]).await.unwrap();
        assert_eq!(got[0], label, "{id}: {got}");
        assert!(got[1].as_str().unwrap().starts_with(api), "{id}: {got}");
    }
    // a checkbox: named by its own text, described by its help; the API's name beside it
    let got = b.c.execute(named, vec![json!("ed-AllowAnyBuyer")]).await.unwrap();
    assert_eq!(got[0], "Allow all buyers", "{got}");
    assert!(got[1].as_str().unwrap().contains("only the buyers assigned"), "{got}");
    assert_eq!(b.text("[data-field='AllowAnyBuyer'] .api-name").await, "AllowAnyBuyer");
    assert!(b.text("#ed-sort").await.contains("Sort by: Application name"));
}

/// The first screen of a working marketplace: what it holds by count (each the list's own
/// `Meta.TotalCount`, asked here with the admin's token), what the signed-in person may do with
/// each (from the API's documented roles, written out here), links to the screens, and the last
/// requests sent; the API description is loaded without asking and another one is one fold away.
#[tokio::test]
async fn the_start_page_says_what_the_marketplace_holds_and_what_you_may_do() {
    let w = world().await;
    let admin = w.token(ADMIN.0, ADMIN.1).await;
    let b = browser().await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.find("#overview-table").await;
    let lists = [
        ("apiclients", "/apiclients"),
        ("securityprofiles", "/securityprofiles"),
        ("adminusers", "/adminusers"),
        ("buyers", "/buyers"),
        ("suppliers", "/suppliers"),
        ("impersonationconfigs", "/impersonationconfig"),
    ];
    for (screen, path) in lists {
        let (status, v) = w.call("GET", &format!("{path}?pageSize=1"), &admin, None).await;
        assert_eq!(status, 200, "{path}: {v}");
        let want = v["Meta"]["TotalCount"].as_u64().unwrap().to_string();
        let row = format!("#overview-table tr[data-screen='{screen}']");
        assert_eq!(b.text(&format!("{row} td.count")).await, want, "{screen}");
    }
    assert!(!b.find("#spec-url").await.is_displayed().await.unwrap(), "another description is folded away");
    // a link opens its screen
    b.click("#overview-table tr[data-screen='buyers'] a").await;
    b.find("#screen[data-screen='buyers']").await;
    // the last requests, each one click from its operation
    b.open_op(&w, "GET /suppliers").await;
    b.send().await;
    b.click("#home").await;
    b.wait_text("#recent", "200 GET /suppliers").await;
    b.click("#recent button").await;
    b.find("#console-ready .op-select").await;
    assert!(b.c.current_url().await.unwrap().as_str().contains("suppliers"));

    let ok = |s: u16| assert!((200..300).contains(&s), "arrange: HTTP {s}");
    // a reader of buyers only: what it may read, what it may not and which role would open it
    // (the seller-level admin profile would give every admin user write roles: it moves to
    // admin01 alone)
    ok(w.call(
        "POST",
        "/securityprofiles/assignments",
        &admin,
        Some(json!({"SecurityProfileID": "ADMIN_PROFILE", "UserID": "ADMIN"})),
    )
    .await
    .0);
    ok(w.call("DELETE", "/securityprofiles/ADMIN_PROFILE/assignments", &admin, None).await.0);
    ok(w.call(
        "POST",
        "/securityprofiles",
        &admin,
        Some(json!({"ID": "READS_BUYERS", "Name": "Reads buyers", "Roles": ["BuyerReader"]})),
    )
    .await
    .0);
    ok(w.call("POST", "/adminusers", &admin, Some(json!({"ID": "NARROW", "Username": "narrow01", "Password": "Narrow-Pass-01", "FirstName": "Nora", "LastName": "Narrow", "Email": "n@example.com", "Active": true}))).await.0);
    ok(w.call(
        "POST",
        "/securityprofiles/assignments",
        &admin,
        Some(json!({"SecurityProfileID": "READS_BUYERS", "UserID": "NARROW"})),
    )
    .await
    .0);
    let n = browser().await;
    n.sign_in(&w, "narrow01", "Narrow-Pass-01").await;
    n.find("#overview-table").await;
    let reach = |screen: &'static str| {
        let n = &n;
        async move { n.attr(&format!("#overview-table tr[data-screen='{screen}']"), "data-reach").await.unwrap() }
    };
    assert_eq!(reach("buyers").await, "read");
    let buyers = n.text("#overview-table tr[data-screen='buyers']").await;
    assert!(buyers.contains("changing them needs BuyerAdmin"), "{buyers}");
    let (_, v) = w.call("GET", "/buyers?pageSize=1", &admin, None).await;
    assert_eq!(n.text("#overview-table tr[data-screen='buyers'] td.count").await, v["Meta"]["TotalCount"].to_string());
    assert_eq!(reach("apiclients").await, "closed");
    let clients = n.text("#overview-table tr[data-screen='apiclients']").await;
    assert!(
        clients.contains("—") && clients.contains("reading them needs ApiClientAdmin or ApiClientReader"),
        "{clients}"
    );
    assert_eq!(reach("impersonationconfigs").await, "closed");
}
