//! The access map over HTTP: read a marketplace through OrderCloud's documented list endpoints
//! only (as the portal does), build `model::access::AccessMap`, and check it against what the
//! API itself answers for every user: the `AvailableRoles` on each user of the user lists. The
//! API's answer is the expectation; the map's resolution is what is under test.
mod access_load;
mod common;
use access_load::{load, token};
use common::*;
use gatehouse_model::access::synth::{self, Size};
use gatehouse_model::access::{role_index, AccessLevel, AccessMap, Gap, Input, RoleRef};
use gatehouse_model::resources::UserType;
use gatehouse_sandbox::{seed, App};
use reqwest::StatusCode;
use std::time::Instant;

/// Compares the map's roles of the given rows with the `AvailableRoles` the API answered for
/// each user; returns how many were compared. Panics listing the first differences.
fn compare_rows(map: &AccessMap, rows: impl Iterator<Item = usize>) -> usize {
    let mut diffs = Vec::new();
    let mut n = 0;
    for r in rows {
        let row = map.row(r);
        let user = map.user(row);
        let expected: Vec<&str> = user.available_roles.iter().map(String::as_str).collect();
        let got = map.available_roles(row);
        if got != expected {
            diffs.push(format!(
                "{} {} {}: map {got:?}, API {expected:?}",
                row.user_type.as_str(),
                map.company_id(row),
                user.id
            ));
        }
        // what the API lists are API roles only, and custom roles never among them
        assert!(expected.iter().all(|r| role_index(r).is_some()), "{}: {expected:?}", user.id);
        // each source of each role holds it
        for role in row.roles.iter() {
            let sources = map.sources(row, RoleRef::Api(role));
            assert!(!sources.is_empty(), "{}: {} without a source", user.id, expected.join(","));
            assert!(sources.iter().all(|s| s.profile.roles.iter().any(|x| role_index(x) == Some(role))));
        }
        n += 1;
    }
    assert!(diffs.is_empty(), "{} of {n} users differ, first: {:#?}", diffs.len(), &diffs[..diffs.len().min(10)]);
    n
}

#[tokio::test]
async fn demo_marketplace_map_equals_every_users_available_roles() {
    let sb = start().await;
    let admin = sb.admin().await;
    let (market, loaded) = load(&sb.http, &sb.base, &admin).await;
    assert!(market.gaps.is_empty(), "the demo admin reads every input: {:?}", market.gaps);
    let map = AccessMap::build(market);
    let ids: Vec<&str> = map.rows().iter().map(|r| map.user(r).id.as_str()).collect();
    assert_eq!(ids.len(), 4, "admin, rep, the demo account's membership user and buyer user: {ids:?}");
    let n = compare_rows(&map, 0..map.len());
    assert_eq!(n, 4);
    // and by hand, from the seed: each role with the level it comes from
    let level = |user: &str, t: UserType, company: &str, role: &str| {
        let r = map.find(t, company, user).unwrap_or_else(|| panic!("{user} in the map"));
        let role = map.role_ref(role).unwrap();
        map.sources(map.row(r), role).iter().map(|s| (s.profile.id.clone(), s.level)).collect::<Vec<_>>()
    };
    assert_eq!(
        level("ADMIN", UserType::Admin, "", "ApiClientAdmin"),
        [("ADMIN_PROFILE".to_string(), AccessLevel::Marketplace)]
    );
    assert_eq!(
        level("REP01", UserType::Admin, "", "BuyerImpersonation"),
        [("CALL_CENTER_PROFILE".to_string(), AccessLevel::Group)]
    );
    assert_eq!(
        level("BUYER01", UserType::Buyer, seed::BUYER_ID, "Shopper"),
        [("BUYER_PROFILE".to_string(), AccessLevel::Buyer)]
    );
    println!("demo marketplace: {} requests, {} objects, {:?}", loaded.requests, loaded.objects, loaded.elapsed);
}

#[tokio::test]
async fn a_refused_input_is_a_gap_and_the_rest_of_the_map_stands() {
    let sb = start().await;
    let admin = sb.admin().await;
    // the demo admin's roles that read the map's inputs, but SetSecurityProfile, which reading
    // impersonation configs requires (there is no reader role for them)
    let roles = [
        "ApiClientAdmin",
        "SecurityProfileAdmin",
        "AdminUserAdmin",
        "AdminUserGroupAdmin",
        "BuyerAdmin",
        "BuyerUserAdmin",
        "UserGroupAdmin",
        "SupplierAdmin",
        "SupplierUserAdmin",
        "SupplierUserGroupAdmin",
    ];
    // the demo admin's token narrowed to those roles (the admin's profile, assigned to the
    // whole marketplace, reaches every admin user, so a scope is how a token lacks it)
    let (s, b) = sb.login_full(CLIENT, "admin01", "Gatehouse-Admin1", Some(&roles.join(" "))).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let auditor = b["access_token"].as_str().unwrap().to_string();
    let mut held: Vec<String> = serde_json::from_value(claims(&auditor)["role"].clone()).unwrap();
    held.sort();
    let mut wanted = roles.map(String::from).to_vec();
    wanted.sort();
    assert_eq!(held, wanted, "the token holds exactly those roles");
    let (full, _) = load(&sb.http, &sb.base, &admin).await;
    let (partial, _) = load(&sb.http, &sb.base, &auditor).await;
    assert_eq!(partial.gaps, [Gap { input: Input::ImpersonationConfigs, company: String::new() }]);
    let says = partial.gaps[0].describe();
    assert!(says.contains("/impersonationconfig") && says.contains("SetSecurityProfile"), "{says}");
    assert!(says.contains("who can act as whom"), "{says}");
    assert!(partial.impersonation_configs.is_empty());
    assert!(!full.impersonation_configs.is_empty());
    // everything else is read as in full, and the roles agree with the API user by user
    assert_eq!(partial.parties, full.parties);
    assert_eq!(partial.profiles, full.profiles);
    assert_eq!(partial.assignments, full.assignments);
    assert_eq!(partial.api_clients, full.api_clients);
    let map = AccessMap::build(partial);
    compare_rows(&map, 0..map.len());
    assert!(map.impersonation_reach().is_empty());
}

#[tokio::test]
async fn large_marketplace_map_equals_every_users_available_roles() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("large.db")).unwrap();
    seed::run(&app).unwrap();
    let seeded = seed::large(&app).unwrap();
    assert!(seeded.created);
    assert_eq!(seeded.users, Size::LARGE.users());
    let base = gatehouse_sandbox::spawn(app).await.unwrap();
    let http = reqwest::Client::new();
    let admin = token(&http, &base, CLIENT, "admin01", "Gatehouse-Admin1").await;

    let (market, loaded) = load(&http, &base, &admin).await;
    assert!(market.gaps.is_empty(), "{:?}", market.gaps);
    let t = Instant::now();
    let map = AccessMap::build(market);
    let build = t.elapsed();
    // the seeded users and the demo's four
    assert_eq!(map.len(), Size::LARGE.users() + 4);

    // every user, against the API's AvailableRoles
    let t = Instant::now();
    let compared = compare_rows(&map, 0..map.len());
    let compare = t.elapsed();

    // and the same roles as the map of the synthetic marketplace the seed stored (the seed
    // leaves out only what grants nothing; the demo's profiles reach admins and one buyer)
    let synthetic = AccessMap::build(synth::marketplace(seed::LARGE_SEED, &Size::LARGE));
    let demo_profiles = map.profile_index("ADMIN_PROFILE").map(|p| map.profile_roles(p)).unwrap();
    for row in synthetic.rows() {
        let user = &synthetic.user(row).id;
        let r = map.find(row.user_type, synthetic.company_id(row), user).expect("seeded user read back");
        let mut expected = row.roles;
        if row.user_type == UserType::Admin {
            expected = expected.union(demo_profiles);
        }
        assert_eq!(map.row(r).roles, expected, "{} {} {user}", row.user_type.as_str(), synthetic.company_id(row));
    }
    println!(
        "large marketplace: seeded {} users in {} ms; loaded {} objects in {} requests over loopback in {:.2} s (debug build); map built in {} ms; {compared} users compared with the API's AvailableRoles in {} ms",
        seeded.users,
        seeded.millis,
        loaded.objects,
        loaded.requests,
        loaded.elapsed.as_secs_f64(),
        build.as_millis(),
        compare.as_millis()
    );
}
