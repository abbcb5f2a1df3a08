//! Lists: paging, search, sort, and every filter operator.
mod common;
use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn ids(v: &Value) -> Vec<String> {
    v["Items"].as_array().unwrap().iter().map(|i| i["ID"].as_str().unwrap().to_string()).collect()
}

async fn with_buyers() -> (Sandbox, String) {
    let sb = start().await;
    let admin = sb.admin().await;
    for i in 1..=25 {
        let name = if i % 2 == 0 { format!("Even Buyer {i:02}") } else { format!("Odd Shop {i:02}") };
        let (s, b) = sb
            .post(
                "/buyers",
                &admin,
                json!({"ID": format!("B{i:02}"), "Name": name, "Active": i % 5 != 0,
            "xp": {"Tier": i % 3, "Region": if i < 10 { "north" } else { "south" }}}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    (sb, admin)
}

#[tokio::test]
async fn paging_and_meta() {
    let (sb, admin) = with_buyers().await;
    let (_, l) = sb.get("/buyers?xp.Tier=*&pageSize=10&page=3", &admin).await;
    assert_eq!(l["Meta"], json!({"Page": 3, "PageSize": 10, "TotalCount": 25, "TotalPages": 3, "ItemRange": [21, 25]}));
    assert_eq!(ids(&l), ["B21", "B22", "B23", "B24", "B25"]);
    let (_, l) = sb.get("/buyers?xp.Tier=*", &admin).await;
    assert_eq!(l["Meta"]["PageSize"], 20);
    assert_eq!(l["Items"].as_array().unwrap().len(), 20);
    let (_, l) = sb.get("/buyers?ID=nothing", &admin).await;
    assert_eq!(l["Meta"], json!({"Page": 1, "PageSize": 20, "TotalCount": 0, "TotalPages": 0, "ItemRange": [1, 0]}));
    for bad in ["pageSize=0", "pageSize=101", "pageSize=x", "page=0", "page=-1"] {
        let (s, b) = sb.get(&format!("/buyers?{bad}"), &admin).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {b}");
        assert!(error_code(&b).starts_with("List."), "{b}");
    }
}

#[tokio::test]
async fn search_and_sort() {
    let (sb, admin) = with_buyers().await;
    let (_, l) = sb.get("/buyers?search=shop 1&searchOn=Name&pageSize=100", &admin).await;
    assert_eq!(ids(&l), ["B11", "B13", "B15", "B17", "B19"]);
    let (_, l) = sb.get("/buyers?search=b0&searchOn=ID&sortBy=!ID&pageSize=3", &admin).await;
    assert_eq!(ids(&l), ["B09", "B08", "B07"]);
    let (_, l) = sb.get("/buyers?xp.Tier=*&sortBy=Name,!ID&pageSize=2", &admin).await;
    assert_eq!(ids(&l), ["B02", "B04"]);
    let (s, b) = sb.get("/buyers?sortBy=Password", &admin).await;
    assert_eq!((s, error_code(&b)), (StatusCode::BAD_REQUEST, "List.InvalidSortProperty"));
    let (s, b) = sb.get("/buyers?search=x&searchOn=DefaultCatalogID", &admin).await;
    assert_eq!((s, error_code(&b)), (StatusCode::BAD_REQUEST, "List.InvalidProperty"));
}

#[tokio::test]
async fn filter_operators() {
    let (sb, admin) = with_buyers().await;
    let q = |f: &str| format!("/buyers?{f}&pageSize=100&sortBy=ID");
    let count = |v: &Value| v["Meta"]["TotalCount"].as_u64().unwrap();
    // exact, wildcard, OR, NOT
    let (_, l) = sb.get(&q("ID=B07"), &admin).await;
    assert_eq!(ids(&l), ["B07"]);
    let (_, l) = sb.get(&q("Name=Odd*2*"), &admin).await;
    assert_eq!(ids(&l), ["B21", "B23", "B25"]);
    let (_, l) = sb.get(&q("ID=B01|B02|B99"), &admin).await;
    assert_eq!(ids(&l), ["B01", "B02"]);
    let (_, l) = sb.get(&q("xp.Tier=*&Active=!true"), &admin).await;
    assert_eq!(ids(&l), ["B05", "B10", "B15", "B20", "B25"]);
    // comparisons, and !< / !> for ≥ / ≤
    let (_, l) = sb.get(&q("ID=>B22&xp.Tier=*"), &admin).await;
    assert_eq!(ids(&l), ["B23", "B24", "B25"]);
    let (_, l) = sb.get(&q("xp.Tier=*&xp.Tier=<1"), &admin).await;
    assert_eq!(count(&l), 8);
    let (_, l) = sb.get(&q("xp.Tier=*&xp.Tier=!<2"), &admin).await;
    assert_eq!(count(&l), 8);
    // repeated parameter = AND
    let (_, l) = sb.get(&q("ID=>B10&ID=<B13"), &admin).await;
    assert_eq!(ids(&l), ["B11", "B12"]);
    // xp paths, and !* for absent
    let (_, l) = sb.get(&q("xp.Region=north&xp.Tier=0"), &admin).await;
    assert_eq!(ids(&l), ["B03", "B06", "B09"]);
    let (_, l) = sb.get(&q("xp.Region=!*"), &admin).await;
    assert_eq!(ids(&l), ["BUYER_ORGANIZATION"]);
    // unknown property
    let (s, b) = sb.get("/buyers?Colour=red", &admin).await;
    assert_eq!((s, error_code(&b)), (StatusCode::BAD_REQUEST, "List.InvalidProperty"));
    assert!(b["Errors"][0]["Message"].as_str().unwrap().contains("Colour"));
}

#[tokio::test]
async fn user_lists_filter_by_group() {
    let sb = start().await;
    let admin = sb.admin().await;
    let (_, l) = sb.get("/adminusers?userGroupID=CALL_CENTER", &admin).await;
    // admin user lists take no userGroupID: it is not a User property
    assert_eq!(error_code(&l), "List.InvalidProperty");
    sb.post("/buyers/BUYER_ORGANIZATION/usergroups", &admin, json!({"ID": "G", "Name": "G"})).await;
    sb.post(
        "/buyers/BUYER_ORGANIZATION/users",
        &admin,
        json!({"ID": "U2", "Username": "u2", "FirstName": "U", "LastName": "Two", "Email": "u2@x.io", "Active": true}),
    )
    .await;
    sb.post("/buyers/BUYER_ORGANIZATION/usergroups/assignments", &admin, json!({"UserGroupID": "G", "UserID": "U2"}))
        .await;
    let (_, l) = sb.get("/buyers/BUYER_ORGANIZATION/users?userGroupID=G", &admin).await;
    assert_eq!(ids(&l), ["U2"]);
    let (_, l) = sb.get("/buyers/BUYER_ORGANIZATION/usergroups/assignments?UserID=U2", &admin).await;
    assert_eq!(l["Items"], json!([{"UserGroupID": "G", "UserID": "U2"}]));
    let (s, _) = sb.delete("/buyers/BUYER_ORGANIZATION/usergroups/G/assignments/U2", &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, l) = sb.get("/buyers/BUYER_ORGANIZATION/users?userGroupID=G", &admin).await;
    assert_eq!(l["Meta"]["TotalCount"], 0);
}
