//! Access setup in headless Chromium: users from a CSV file (mapped, checked row by row before
//! anything is sent, created, the rows not created downloaded as CSV and read back), each result
//! confirmed over the API; axe on the new screens.
use gatehouse_e2e::*;
use gatehouse_model::csv;

const BUYER_ID: &str = "BUYER_ORGANIZATION";

/// Two rows the model refuses (lines 3 and 5), one the API refuses (line 6: BUYER01 exists),
/// three good ones (one with a quoted comma).
const USERS_CSV: &str = "ID,User name,First name,Last name,E-mail,Active,Notes\r\n\
csv-u1,csv.ann,Ann,Archer,ann@example.com,yes,first\r\n\
csv-u2,csv.bob,Bob,,bob@example.com,true,no last name\r\n\
csv-u3,csv.cy,Cy,\"Carter, Jr.\",cy@example.com,1,\"a comma, quoted\"\r\n\
csv u4,csv.dee,Dee,Dunn,dee@example.com,maybe,bad ID and Active\r\n\
BUYER01,csv.eve,Eve,Evans,eve@example.com,yes,taken ID\r\n\
csv-u6,csv.fay,Fay,Fox,fay@example.com,no,inactive\r\n";

#[tokio::test]
async fn users_from_csv_checked_created_and_failures_downloaded() {
    let w = world().await;
    let b = browser().await;
    let files = tempfile::tempdir().unwrap();
    let downloads = tempfile::tempdir().unwrap();
    b.allow_downloads(downloads.path()).await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.menu_screen("Import users", "import-users").await;

    // malformed CSV: said so, with its line, and nothing offered to send
    let bad = files.path().join("broken.csv");
    std::fs::write(&bad, "ID,Username\r\nx1,\"never closed\r\nx2,y\r\n").unwrap();
    b.find("#csv-file").await.send_keys(&bad.display().to_string()).await.unwrap();
    let e = b.wait_text("#csv-error", "not CSV").await;
    assert!(e.contains("Line 2") && e.contains("never closes"), "{e}");
    assert!(!b.exists("#csv-apply").await);

    // the real file: columns mapped from their headings, every row checked
    b.find(&format!("#csv-target option[value='buyer:{BUYER_ID}']")).await;
    b.select("#csv-target", &format!("buyer:{BUYER_ID}")).await;
    let good = files.path().join("users.csv");
    std::fs::write(&good, USERS_CSV).unwrap();
    b.find("#csv-file").await.send_keys(&good.display().to_string()).await.unwrap();
    b.wait_text("#csv-summary", "6 rows: 4 ready, 2 with problems").await;
    assert!(!b.exists("#csv-error").await);
    assert_eq!(b.value("#map-1").await, "Username");
    assert_eq!(b.value("#map-4").await, "Email");
    assert_eq!(b.value("#map-6").await, "", "Notes is ignored");
    let flagged = b.js("return [...document.querySelectorAll('#csv-preview tr.bad')].map(r => r.dataset.line)").await;
    assert_eq!(flagged, serde_json::json!(["3", "5"]));
    let line3 = b.text("#csv-preview tr[data-line='3'] .problems").await;
    assert!(line3.contains("LastName is required"), "{line3}");
    let line5 = b.text("#csv-preview tr[data-line='5'] .problems").await;
    assert!(line5.contains("Active must be") && line5.contains("ID"), "{line5}");
    assert_eq!(b.text("#csv-preview tr[data-line='2'] .problems").await, "None");
    let found = b.axe().await;
    assert!(found.is_empty(), "{found:?}");

    // nothing was sent while previewing
    let token = w.token(ADMIN.0, ADMIN.1).await;
    assert_eq!(w.call("GET", &format!("/buyers/{BUYER_ID}/users/csv-u1"), &token, None).await.0, 404);

    // apply: the four good rows sent, one refused by the API in its own words
    assert_eq!(b.text("#csv-apply").await, "Create 4 users");
    b.click("#csv-apply").await;
    b.wait_text("#csv-counts", "4 of 4 sent: 3 created, 1 failed.").await;
    assert_eq!(b.attr("#csv-progress", "value").await.as_deref(), Some("4"));
    assert_eq!(b.text("#csv-preview tr[data-line='2'] .result").await, "Created");
    let taken = b.text("#csv-preview tr[data-line='6'] .result").await;
    assert!(taken.starts_with("Failed:") && taken.contains("IdExists"), "{taken}");
    assert!(b.text("#csv-preview tr[data-line='3'] .result").await.starts_with("Not sent:"));

    // the users are there, as written, without a password
    for (id, last, active) in [("csv-u1", "Archer", true), ("csv-u3", "Carter, Jr.", true), ("csv-u6", "Fox", false)] {
        let (status, u) = w.call("GET", &format!("/buyers/{BUYER_ID}/users/{id}"), &token, None).await;
        assert_eq!(status, 200, "{id}: {u}");
        assert_eq!(u["LastName"], last);
        assert_eq!(u["Active"], active);
        assert!(u.get("Password").is_none_or(|p| p.is_null()), "{u}");
    }
    for id in ["csv-u2", "csv u4"] {
        let path = format!("/buyers/{BUYER_ID}/users/{}", id.replace(' ', "%20"));
        assert_eq!(w.call("GET", &path, &token, None).await.0, 404, "{id}");
    }
    let (_, buyer01) = w.call("GET", &format!("/buyers/{BUYER_ID}/users/BUYER01"), &token, None).await;
    assert_eq!(buyer01["Username"], "buyer01", "the taken ID was left alone");

    // the rows not created, downloaded and read back: the file's own columns and an Error column
    b.wait_text("#csv-failed", "Download the 3 rows not created").await;
    b.click("#csv-failed").await;
    let (name, text) = b.downloaded(downloads.path(), ".csv").await;
    assert_eq!(name, "users-not-created.csv");
    let rows = csv::parse(&text).unwrap();
    let heading = &rows[0].1;
    assert_eq!(heading.last().map(String::as_str), Some("Error"));
    assert_eq!(heading[..7], ["ID", "User name", "First name", "Last name", "E-mail", "Active", "Notes"]);
    let ids: Vec<&str> = rows[1..].iter().map(|(_, r)| r[0].as_str()).collect();
    assert_eq!(ids, ["csv-u2", "csv u4", "BUYER01"]);
    assert!(rows[1].1[7].contains("LastName is required"), "{:?}", rows[1]);
    assert!(rows[3].1[7].contains("IdExists"), "{:?}", rows[3]);
    assert_eq!(rows[2].1[6], "bad ID and Active");
}

/// Checks the box of the plan's confirmation and applies; waits for the end of the run.
async fn apply_and_wait(b: &Browser, want: &str) -> String {
    b.click("#apply-confirm").await;
    b.click("#apply-start").await;
    b.wait_text("#apply-counts", want).await
}

/// Uploads `text` as the setup file `name`.
async fn upload(b: &Browser, dir: &std::path::Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    b.find("#setup-file").await.send_keys(&path.display().to_string()).await.unwrap();
}

/// The plan's count of `change` for `kind`.
async fn count(b: &Browser, kind: &str, change: &str) -> String {
    b.text(&format!("#plan-counts tr[data-kind='{kind}'] .{change}")).await
}

#[tokio::test]
async fn access_exported_planned_and_applied() {
    use gatehouse_model::setup::{SetupFile, SetupKind};
    let w = world().await;
    let b = browser().await;
    let files = tempfile::tempdir().unwrap();
    let downloads = tempfile::tempdir().unwrap();
    b.allow_downloads(downloads.path()).await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    b.menu_screen("Access as code", "access-code").await;

    // export: a real file, the model's format, no secrets nor passwords
    b.gone("#access-reading").await;
    b.click("#export-download").await;
    let (name, text) = b.downloaded(downloads.path(), ".json").await;
    assert!(name.starts_with("access-") && name.ends_with(".json"), "{name}");
    assert!(!text.contains("ClientSecret") && !text.contains("\"Password\""), "{text}");
    let exported = SetupFile::parse(&text).unwrap();
    assert_eq!(exported.to_text(), text, "the download is the canonical text");
    let buyers = &exported.objects[&SetupKind::Buyers];
    assert!(buyers.iter().any(|o| o["ID"] == BUYER_ID), "{text}");

    // a file with a broken reference: refused, naming both sides, nothing offered to send
    let mut broken = exported.clone();
    broken.objects.entry(SetupKind::SecurityProfileAssignments).or_default().push(
        serde_json::json!({"SecurityProfileID": "NO_SUCH_PROFILE", "BuyerID": BUYER_ID}).as_object().unwrap().clone(),
    );
    upload(&b, files.path(), "broken.json", &broken.to_text()).await;
    let refused = b.wait_text("#plan-errors", "NO_SUCH_PROFILE").await;
    assert!(refused.contains("nothing will be sent"), "{refused}");
    assert!(!b.exists("#apply-start").await);

    // the changed file: a new profile, its assignment to the buyer, the buyer renamed
    let mut changed = exported.clone();
    let profiles = changed.objects.get_mut(&SetupKind::SecurityProfiles).unwrap();
    let mut profile = profiles[0].clone();
    profile.insert("ID".into(), "AS_CODE".into());
    profile.insert("Name".into(), "Made from a file".into());
    profiles.push(profile);
    changed
        .objects
        .entry(SetupKind::SecurityProfileAssignments)
        .or_default()
        .push(serde_json::json!({"SecurityProfileID": "AS_CODE", "BuyerID": BUYER_ID}).as_object().unwrap().clone());
    let buyer = changed.objects.get_mut(&SetupKind::Buyers).unwrap().iter_mut().find(|o| o["ID"] == BUYER_ID).unwrap();
    buyer.insert("Name".into(), "Renamed by a file".into());
    upload(&b, files.path(), "changed.json", &changed.to_text()).await;
    b.wait_text("#plan h3", "Plan: 3 changes").await;
    assert!(!b.exists("#plan-errors").await);
    assert_eq!(count(&b, "SecurityProfiles", "create").await, "1");
    assert_eq!(count(&b, "SecurityProfileAssignments", "create").await, "1");
    assert_eq!(count(&b, "Buyers", "update").await, "1");
    let update = b.text("#plan-items li[data-change='update']").await;
    assert!(update.contains("Name") && update.contains("Renamed by a file"), "{update}");
    let found = b.axe().await;
    assert!(found.is_empty(), "{found:?}");

    // nothing sent before the person confirms
    let token = w.token(ADMIN.0, ADMIN.1).await;
    assert_eq!(w.call("GET", "/securityprofiles/AS_CODE", &token, None).await.0, 404);

    // apply: progress and a result per object, the end state confirmed over the API
    apply_and_wait(&b, "3 of 3: 3 done, 0 failed.").await;
    assert_eq!(b.attr("#apply-progress", "value").await.as_deref(), Some("3"));
    let results = b.text("#apply-results").await;
    assert!(results.contains("AS_CODE: created") && results.contains(&format!("{BUYER_ID}: updated")), "{results}");
    let (status, p) = w.call("GET", "/securityprofiles/AS_CODE", &token, None).await;
    assert_eq!((status, p["Name"].as_str()), (200, Some("Made from a file")));
    let (_, buyer) = w.call("GET", &format!("/buyers/{BUYER_ID}"), &token, None).await;
    assert_eq!(buyer["Name"], "Renamed by a file");
    let (_, list) =
        w.call("GET", &format!("/securityprofiles/assignments?BuyerID={BUYER_ID}&pageSize=100"), &token, None).await;
    assert!(list["Items"].as_array().unwrap().iter().any(|a| a["SecurityProfileID"] == "AS_CODE"), "{list}");

    // read again: the same file plans no changes
    b.click("#plan-reread").await;
    b.wait_text("#plan h3", "Plan: 0 changes").await;
    let found = b.axe().await;
    assert!(found.is_empty(), "{found:?}");
}
