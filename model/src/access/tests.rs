//! Expected answers here are worked out by hand (the demo marketplace of seeds 000/001 and small
//! made-up ones) or by brute force through the model's one rule (`reaches`, `config_matches`),
//! never by the map's own index.
use super::export::{self, CSV_COLUMNS};
use super::synth::{self, Size};
use super::*;
use serde_json::json;
use std::collections::BTreeSet;

fn from<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).unwrap()
}

const ADMIN_ROLES: &[&str] = &[
    "ApiClientAdmin",
    "SecurityProfileAdmin",
    "SetSecurityProfile",
    "GrantForAnyRole",
    "AdminUserAdmin",
    "AdminUserGroupAdmin",
    "BuyerAdmin",
    "BuyerUserAdmin",
    "UserGroupAdmin",
    "SupplierAdmin",
    "SupplierUserAdmin",
    "SupplierUserGroupAdmin",
    "MeAdmin",
];
const BUYER_ROLES: &[&str] = &["Shopper", "MeAdmin", "MeAddressAdmin", "MeXpAdmin", "MeCreditCardAdmin"];
const CALL_CENTER_ROLES: &[&str] =
    &["BuyerImpersonation", "BuyerReader", "BuyerUserReader", "UserGroupReader", "MeAdmin"];
const SHARED: &str = "5E8F0C2A-7B1D-4C3E-9A6F-2D4B8E1F0A11";
const STOREFRONT: &str = "9C3D7E11-4A2B-4F6C-8D5E-1B2A3C4D5E6F";

/// The demo marketplace (seeds 000 and 001) as the list endpoints return it.
fn demo() -> Marketplace {
    let mut m = Marketplace::new("demo", "Demo Marketplace");
    m.api_clients = vec![
        from(
            json!({"ID": SHARED, "AppName": "Shared API Client", "Active": true, "AllowSeller": true, "AllowAnyBuyer": true}),
        ),
        from(json!({"ID": STOREFRONT, "AppName": "Storefront", "Active": true, "AllowAnyBuyer": true})),
    ];
    m.profiles = vec![
        from(json!({"ID": "ADMIN_PROFILE", "Name": "Admin User Profile", "Roles": ADMIN_ROLES, "CustomRoles": []})),
        from(json!({"ID": "BUYER_PROFILE", "Name": "Buyer User Profile", "Roles": BUYER_ROLES})),
        from(json!({"ID": "CALL_CENTER_PROFILE", "Name": "Call Center Profile", "Roles": CALL_CENTER_ROLES})),
    ];
    let admins = m.party_mut(UserType::Admin, "");
    admins.users = vec![
        from(
            json!({"ID": "ADMIN", "Username": "admin01", "FirstName": "Admin", "LastName": "User", "Active": true, "AvailableRoles": []}),
        ),
        from(json!({"ID": "REP01", "Username": "rep01", "FirstName": "Riley", "LastName": "Rep", "Active": true})),
    ];
    admins.groups = vec![from(json!({"ID": "CALL_CENTER", "Name": "Call Center"}))];
    admins.memberships = vec![from(json!({"UserGroupID": "CALL_CENTER", "UserID": "REP01"}))];
    let buyer = m.add_company(
        UserType::Buyer,
        from(json!({"ID": "BUYER_ORGANIZATION", "Name": "Example Buyer", "Active": true})),
    );
    buyer.users = vec![from(
        json!({"ID": "BUYER01", "Username": "buyer01", "FirstName": "Buyer", "LastName": "User", "Active": true}),
    )];
    m.assignments = vec![
        from(json!({"SecurityProfileID": "ADMIN_PROFILE"})),
        from(json!({"SecurityProfileID": "BUYER_PROFILE", "BuyerID": "BUYER_ORGANIZATION"})),
        from(json!({"SecurityProfileID": "CALL_CENTER_PROFILE", "UserGroupID": "CALL_CENTER"})),
    ];
    m.impersonation_configs = vec![from(json!({
        "ID": "CALL_CENTER_STOREFRONT", "ImpersonationGroupID": "CALL_CENTER", "BuyerID": "BUYER_ORGANIZATION",
        "SecurityProfileID": "BUYER_PROFILE", "ClientID": STOREFRONT}))];
    m
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn names(map: &AccessMap, rows: &[u32]) -> Vec<String> {
    rows.iter().map(|r| map.user(map.row(*r as usize)).username.clone()).collect()
}

fn op<'a>(id: &'a str, method: &'a str, path: &'a str, roles: &'a [String]) -> Operation<'a> {
    Operation { id, method, path, roles }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

// ---- resolution ----

#[test]
fn the_demo_marketplace_resolves_as_worked_by_hand() {
    let map = AccessMap::build(demo());
    assert_eq!(map.len(), 3);
    let admin = map.find(UserType::Admin, "", "ADMIN").unwrap();
    let rep = map.find(UserType::Admin, "", "REP01").unwrap();
    let buyer = map.find(UserType::Buyer, "BUYER_ORGANIZATION", "BUYER01").unwrap();
    let roles =
        |r: usize| -> BTreeSet<String> { map.available_roles(map.row(r)).iter().map(|s| s.to_string()).collect() };
    assert_eq!(roles(admin), set(ADMIN_ROLES));
    // the rep: seller-level admin profile plus the call-center profile through its group
    let mut rep_roles = set(ADMIN_ROLES);
    rep_roles.extend(set(CALL_CENTER_ROLES));
    assert_eq!(roles(rep), rep_roles);
    assert_eq!(roles(buyer), set(BUYER_ROLES));
    assert_eq!(map.group_ids(map.row(rep)), ["CALL_CENTER"]);

    // sources: MeAdmin reaches the rep twice (marketplace and group), BuyerReader once (group)
    let me_admin = map.role_ref("MeAdmin").unwrap();
    let rep_row = map.row(rep);
    let src: Vec<String> = map.sources(rep_row, me_admin).iter().map(|s| s.short(map.market())).collect();
    assert_eq!(src, ["ADMIN_PROFILE (marketplace)", "CALL_CENTER_PROFILE (group CALL_CENTER)"]);
    let reader = map.sources(rep_row, map.role_ref("BuyerReader").unwrap());
    assert_eq!((reader.len(), reader[0].level, reader[0].group), (1, AccessLevel::Group, Some("CALL_CENTER")));
    assert_eq!(
        reader[0].describe(map.market()),
        "Call Center Profile (CALL_CENTER_PROFILE) assigned to group CALL_CENTER of the marketplace"
    );
    let shopper = map.sources(map.row(buyer), map.role_ref("Shopper").unwrap());
    assert_eq!(shopper[0].short(map.market()), "BUYER_PROFILE (buyer BUYER_ORGANIZATION)");
    assert!(map.sources(map.row(admin), map.role_ref("Shopper").unwrap()).is_empty());
}

#[test]
fn available_roles_are_api_roles_in_the_api_order_and_custom_roles_stand_apart() {
    let mut m = Marketplace::new("m", "M");
    m.profiles = vec![from(
        json!({"ID": "P", "Name": "P", "Roles": ["Shopper", "ApiClientAdmin", "NotARole", "MeAdmin"], "CustomRoles": ["reports", "Shopper-ish"]}),
    )];
    m.party_mut(UserType::Admin, "").users = vec![from(json!({"ID": "A", "Username": "a", "Active": true}))];
    m.assignments = vec![from(json!({"SecurityProfileID": "P"}))];
    let map = AccessMap::build(m);
    let row = map.row(0);
    // ApiClientAdmin comes first in the API's list, then MeAdmin, then Shopper; NotARole is not held
    assert_eq!(map.available_roles(row), ["ApiClientAdmin", "MeAdmin", "Shopper"]);
    assert_eq!(map.custom_names(row), ["reports", "Shopper-ish"]);
    assert_eq!(map.role_ref("reports"), Some(RoleRef::Custom(0)));
    assert!(map.holds(row, RoleRef::Custom(1)));
}

#[test]
fn the_reach_rule_holds_at_its_edges() {
    let mut m = Marketplace::new("m", "M");
    m.profiles = vec![
        from(json!({"ID": "SHOP", "Name": "s", "Roles": ["Shopper"]})),
        from(json!({"ID": "READ", "Name": "r", "Roles": ["OrderReader"]})),
        from(json!({"ID": "ADM", "Name": "a", "Roles": ["OrderAdmin"]})),
        from(json!({"ID": "ODD", "Name": "o", "Roles": ["FullAccess"]})),
    ];
    m.party_mut(UserType::Admin, "").users = vec![from(json!({"ID": "U1", "Username": "admin", "Active": true}))];
    let b = m.party_mut(UserType::Buyer, "B");
    b.users = vec![
        from(json!({"ID": "U1", "Username": "b-u1", "Active": true})),
        from(json!({"ID": "U2", "Username": "b-u2", "Active": true})),
    ];
    // G is not in the group list: the membership alone counts
    b.memberships = vec![from(json!({"UserGroupID": "G", "UserID": "U2"}))];
    m.party_mut(UserType::Supplier, "B").users = vec![from(json!({"ID": "U1", "Username": "s-u1", "Active": true}))];
    m.assignments = vec![
        // user level naming a group too: only the user counts, not the group
        from(json!({"SecurityProfileID": "SHOP", "BuyerID": "B", "UserID": "U1", "UserGroupID": "G"})),
        // group level
        from(json!({"SecurityProfileID": "READ", "BuyerID": "B", "UserGroupID": "G"})),
        // empty IDs read as absent: seller level
        from(json!({"SecurityProfileID": "ADM", "BuyerID": "", "SupplierID": "", "UserID": ""})),
        // a buyer and a supplier at once: reaches no one
        from(json!({"SecurityProfileID": "ODD", "BuyerID": "B", "SupplierID": "B"})),
        // a profile that is not listed: reaches, grants nothing
        from(json!({"SecurityProfileID": "GONE", "SupplierID": "B"})),
    ];
    let map = AccessMap::build(m);
    let roles = |t, c, u| map.available_roles(map.row(map.find(t, c, u).unwrap()));
    assert_eq!(roles(UserType::Admin, "", "U1"), ["OrderAdmin"]);
    assert_eq!(roles(UserType::Buyer, "B", "U1"), ["Shopper"]);
    assert_eq!(roles(UserType::Buyer, "B", "U2"), ["OrderReader"]);
    assert!(roles(UserType::Supplier, "B", "U1").is_empty());
    let s = map.find(UserType::Supplier, "B", "U1").unwrap();
    assert_eq!(map.row(s).via, [4]);
    assert!(map.reaching(map.row(s)).is_empty());
    assert_eq!(AccessLevel::of(&map.market().assignments[2]), AccessLevel::Marketplace);
    assert_eq!(map.market().assignments[2].level(), crate::types::Level::Company);
    // the unlisted group was added, unnamed
    assert_eq!(map.group_ids(map.row(map.find(UserType::Buyer, "B", "U2").unwrap())), ["G"]);
}

/// Every user × every assignment through `reaches`, the rule the sandbox grants with.
type Expected = (UserType, String, String, BTreeSet<String>, BTreeSet<String>, Vec<usize>);

fn brute_force(m: &Marketplace) -> Vec<Expected> {
    let mut out = Vec::new();
    for p in &m.parties {
        for u in &p.users {
            let groups: Vec<String> =
                p.memberships.iter().filter(|g| g.user_id == u.id).map(|g| g.user_group_id.clone()).collect();
            let mut roles = BTreeSet::new();
            let mut custom = BTreeSet::new();
            let mut via = Vec::new();
            for (i, a) in m.assignments.iter().enumerate() {
                if !a.reaches(p.user_type, &p.company.id, &u.id, &groups) {
                    continue;
                }
                via.push(i);
                if let Some(prof) = m.profiles.iter().find(|x| x.id == a.security_profile_id) {
                    roles.extend(prof.roles.iter().filter(|r| crate::roles::is_role(r)).cloned());
                    custom.extend(prof.custom_roles.iter().cloned());
                }
            }
            out.push((p.user_type, p.company.id.clone(), u.id.clone(), roles, custom, via));
        }
    }
    out
}

#[test]
fn the_index_gives_what_the_reach_rule_gives_for_every_user() {
    for seed in [1, 2, 3, 42] {
        let m = synth::marketplace(seed, &Size::SMALL);
        let expected = brute_force(&m);
        let map = AccessMap::build(m);
        assert_eq!(map.len(), expected.len());
        for (t, c, u, roles, custom, via) in expected {
            let row = map.row(map.find(t, &c, &u).unwrap());
            let got: BTreeSet<String> = map.available_roles(row).iter().map(|s| s.to_string()).collect();
            assert_eq!(got, roles, "seed {seed} {t:?} {c} {u}");
            let got: BTreeSet<String> = map.custom_names(row).iter().map(|s| s.to_string()).collect();
            assert_eq!(got, custom, "seed {seed} {t:?} {c} {u}");
            assert_eq!(row.via.iter().map(|v| *v as usize).collect::<Vec<_>>(), via, "seed {seed} {t:?} {c} {u}");
        }
    }
}

// ---- the screen ----

#[test]
fn filters_and_sorts_select_what_a_plain_scan_selects() {
    let map = AccessMap::build(synth::marketplace(7, &Size::SMALL));
    let m = map.market();
    let all: Vec<usize> = (0..map.len()).collect();
    let by_user = |mut v: Vec<usize>| {
        v.sort_by_key(|r| {
            let row = map.row(*r);
            (map.user(row).username.to_lowercase(), map.company_id(row).to_string(), map.user(row).id.clone())
        });
        v.into_iter().map(|r| r as u32).collect::<Vec<_>>()
    };
    let check = |f: Filter, keep: &dyn Fn(usize) -> bool| {
        let want = by_user(all.iter().copied().filter(|r| keep(*r)).collect());
        assert_eq!(map.view(&f, SortBy::User), want, "{f:?}");
        want.len()
    };
    assert_eq!(check(Filter::default(), &|_| true), Size::SMALL.users());
    assert!(
        check(Filter { user_type: Some(UserType::Supplier), ..Filter::default() }, &|r| map.row(r).user_type
            == UserType::Supplier)
            > 0
    );
    let b2 = m.parties.iter().position(|p| p.company.id == "BUYER002").unwrap();
    assert!(
        check(Filter { company: Some(b2), ..Filter::default() }, &|r| map.company_id(map.row(r)) == "BUYER002") > 0
    );
    let g = m.parties[b2].groups.iter().position(|g| !g.id.is_empty()).unwrap();
    let gid = m.parties[b2].groups[g].id.clone();
    check(Filter { group: Some((b2, g)), ..Filter::default() }, &|r| {
        map.company_id(map.row(r)) == "BUYER002" && map.group_ids(map.row(r)).contains(&gid)
    });
    let shopper = map.role_ref("Shopper").unwrap();
    check(Filter { role: Some(shopper), ..Filter::default() }, &|r| {
        map.available_roles(map.row(r)).contains(&"Shopper")
    });
    let n = check(Filter { elevated: true, ..Filter::default() }, &|r| {
        map.available_roles(map.row(r)).iter().any(|x| ELEVATED.iter().any(|(e, _)| e == x))
    });
    assert!(n > 0 && n < map.len());
    check(Filter { active: Some(false), ..Filter::default() }, &|r| {
        !map.user(map.row(r)).active || !map.party(map.row(r)).company.active
    });
    check(Filter { search: "  B1U ".into(), ..Filter::default() }, &|r| {
        map.user(map.row(r)).username.to_lowercase().contains("b1u")
    });
    // combined
    check(
        Filter { user_type: Some(UserType::Buyer), elevated: true, search: "example".into(), ..Filter::default() },
        &|r| map.row(r).user_type == UserType::Buyer && map.row(r).roles.intersects(elevated()),
    );

    // sorts
    let count = |r: u32| map.row(r as usize).roles.len() as usize + map.row(r as usize).custom.len();
    let most = map.view(&Filter::default(), SortBy::MostRoles);
    assert!(most.windows(2).all(|w| count(w[0]) >= count(w[1])));
    let fewest = map.view(&Filter::default(), SortBy::FewestRoles);
    assert!(fewest.windows(2).all(|w| count(w[0]) <= count(w[1])));
    let mut down = map.view(&Filter::default(), SortBy::UserDescending);
    down.reverse();
    assert_eq!(down, map.view(&Filter::default(), SortBy::User));
}

#[test]
fn holders_and_roles_in_use_count_the_same_users() {
    let map = AccessMap::build(demo());
    assert_eq!(names(&map, &map.holders(map.role_ref("MeAdmin").unwrap())), ["admin01", "buyer01", "rep01"]);
    assert_eq!(names(&map, &map.holders(map.role_ref("BuyerImpersonation").unwrap())), ["rep01"]);
    assert!(map.holders(map.role_ref("FullAccess").unwrap()).is_empty());
    let in_use = map.roles_in_use();
    let mut all: BTreeSet<String> = set(ADMIN_ROLES);
    all.extend(set(BUYER_ROLES));
    all.extend(set(CALL_CENTER_ROLES));
    assert_eq!(in_use.iter().map(|(r, _)| map.role_name(*r).to_string()).collect::<BTreeSet<_>>(), all);
    for (r, n) in in_use {
        assert_eq!(map.holders(r).len(), n, "{}", map.role_name(r));
    }
}

#[test]
fn the_elevated_roles_are_the_issues_nine_each_with_a_reason() {
    let want = [
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
    assert_eq!(ELEVATED.iter().map(|(r, _)| *r).collect::<BTreeSet<_>>(), want.into_iter().collect());
    assert_eq!(elevated().len(), 9);
    assert!(ELEVATED.iter().all(|(r, why)| crate::roles::is_role(r) && why.len() > 20));
    assert!(elevated_reason("Shopper").is_none());
    let map = AccessMap::build(demo());
    let rep = map.row(map.find(UserType::Admin, "", "REP01").unwrap());
    let el: Vec<&str> = map.elevated_of(rep).iter().map(|(r, _)| *r).collect();
    assert_eq!(
        el,
        [
            "GrantForAnyRole",
            "SetSecurityProfile",
            "SecurityProfileAdmin",
            "ApiClientAdmin",
            "AdminUserAdmin",
            "BuyerUserAdmin",
            "SupplierUserAdmin",
            "BuyerImpersonation"
        ]
    );
}

#[test]
fn role_sets_are_bits_over_the_api_roles() {
    assert!(ALL_ROLES.len() <= 128);
    let s = RoleSet::of(["Shopper", "FullAccess", "nope"]);
    assert_eq!(s.len(), 2);
    assert_eq!(s.names(), ["FullAccess", "Shopper"]);
    assert!(s.contains("Shopper") && !s.contains("MeAdmin"));
    assert_eq!(s.without(RoleSet::of(["Shopper"])).names(), ["FullAccess"]);
    assert!(RoleSet::EMPTY.is_empty());
    assert_eq!(RoleSet::of(ALL_ROLES).len() as usize, ALL_ROLES.len());
}

// ---- can call ----

#[test]
fn a_role_held_through_a_group_says_yes_and_through_what() {
    let map = AccessMap::build(demo());
    let rep = map.find(UserType::Admin, "", "REP01").unwrap();
    let roles = strings(&["FullAccess", "BuyerUserAdmin", "BuyerUserReader"]);
    let answer = map.can_call(rep, SHARED, &op("Users.List", "GET", "/buyers/{buyerID}/users", &roles));
    assert!(answer.allowed);
    // BuyerUserAdmin through the marketplace, BuyerUserReader through the group
    let held: Vec<(&str, Vec<String>)> = answer
        .held
        .iter()
        .map(|(r, via)| {
            (ALL_ROLES[*r], via.iter().map(|a| describe_assignment(&map.market().assignments[*a])).collect())
        })
        .collect();
    assert_eq!(
        held,
        [
            ("BuyerUserAdmin", vec!["the marketplace".to_string()]),
            ("BuyerUserReader", vec!["group CALL_CENTER of the marketplace".to_string()])
        ]
    );
    assert!(answer.sign_in.is_empty() && answer.grants.is_empty() && answer.missing.is_empty());
    assert_eq!(answer.scope, Scope::Any);
    // but not through the storefront, which does not admit sellers
    let answer = map.can_call(rep, STOREFRONT, &op("Users.List", "GET", "/buyers/{buyerID}/users", &roles));
    assert!(!answer.allowed);
    assert_eq!(answer.sign_in, [SignInProblem::ClientDoesNotAdmit { fix: None }]);
}

#[test]
fn a_missing_role_says_no_and_offers_group_then_company_then_user() {
    let mut m = demo();
    let b = m.party_mut(UserType::Buyer, "BUYER_ORGANIZATION");
    b.groups = vec![from(json!({"ID": "PURCHASING", "Name": "Purchasing"}))];
    b.memberships = vec![from(json!({"UserGroupID": "PURCHASING", "UserID": "BUYER01"}))];
    m.profiles.push(from(json!({"ID": "ORDERS", "Name": "Orders", "Roles": ["OrderReader", "OrderAdmin"]})));
    m.profiles.push(from(json!({"ID": "EVERYTHING", "Name": "All", "Roles": ["FullAccess"]})));
    let map = AccessMap::build(m.clone());
    let buyer = map.find(UserType::Buyer, "BUYER_ORGANIZATION", "BUYER01").unwrap();
    let roles = strings(&["FullAccess", "OrderAdmin", "OrderReader"]);
    let list = op("Orders.List", "GET", "/orders/{direction}", &roles);
    let answer = map.can_call(buyer, SHARED, &list);
    assert!(!answer.allowed && answer.held.is_empty() && !answer.no_profile);
    assert_eq!(answer.missing, ["FullAccess", "OrderAdmin", "OrderReader"]);
    let offered: Vec<(String, AccessLevel, String)> = answer
        .grants
        .iter()
        .map(|g| (m.profiles[g.profile].id.clone(), g.level, describe_assignment(&g.assignment)))
        .collect();
    // (EVERYTHING, FullAccess alone, is never offered where a narrower role does)
    let want = [
        ("ORDERS", AccessLevel::Group, "group PURCHASING of buyer BUYER_ORGANIZATION"),
        ("ORDERS", AccessLevel::Buyer, "buyer BUYER_ORGANIZATION"),
        ("ORDERS", AccessLevel::User, "user BUYER01 of buyer BUYER_ORGANIZATION"),
    ];
    assert_eq!(offered, want.map(|(a, b, c)| (a.to_string(), b, c.to_string())));
    let first = &answer.grants[0];
    let admin = map.find(UserType::Admin, "", "ADMIN").unwrap();
    let rep = map.find(UserType::Admin, "", "REP01").unwrap();
    // (both admins hold the seller-level admin profile, with GrantForAnyRole; a buyer user never may)
    assert!(map.may_make(admin, first) && map.may_make(rep, first) && !map.may_make(buyer, first));
    assert_eq!(names(&map, &map.who_can_make(first)), ["admin01", "rep01"]);
    // making it turns the no into a yes
    m.assignments.push(first.assignment.clone());
    let map = AccessMap::build(m);
    let answer = map.can_call(buyer, SHARED, &list);
    assert!(answer.allowed, "{answer:?}");
    assert_eq!(answer.held.iter().map(|(r, _)| ALL_ROLES[*r]).collect::<Vec<_>>(), ["OrderAdmin", "OrderReader"]);
}

#[test]
fn when_no_profile_holds_a_sufficient_role_it_says_so() {
    let map = AccessMap::build(demo());
    let buyer = map.find(UserType::Buyer, "BUYER_ORGANIZATION", "BUYER01").unwrap();
    let roles = strings(&["PromotionAdmin"]);
    let answer = map.can_call(buyer, SHARED, &op("Promotions.Create", "POST", "/promotions", &roles));
    assert!(!answer.allowed && answer.no_profile && answer.grants.is_empty());
    assert_eq!(answer.missing, ["FullAccess", "PromotionAdmin"]);
    // an operation needing no role: any token
    let answer = map.can_call(buyer, SHARED, &op("Me.Get", "GET", "/me", &[]));
    assert!(answer.allowed);
}

#[test]
fn full_access_and_an_organizations_own_profiles_are_never_offered_for_a_narrower_role() {
    let mut m = demo();
    m.profiles.push(from(json!({"ID": "OWNER", "Name": "Owner", "Roles": ["FullAccess"]})));
    m.profiles.push(from(json!({"ID": "ORG_ADMIN", "Name": "Organization Admin", "Roles": ["PromotionAdmin"]})));
    let map = AccessMap::build(m.clone());
    let buyer = map.find(UserType::Buyer, "BUYER_ORGANIZATION", "BUYER01").unwrap();
    let promo = strings(&["PromotionAdmin"]);
    let create = op("Promotions.Create", "POST", "/promotions", &promo);
    let answer = map.can_call(buyer, SHARED, &create);
    assert!(!answer.allowed && answer.no_profile && answer.grants.is_empty(), "{answer:?}");
    // a profile of the marketplace's own holding the role is offered
    m.profiles.push(from(json!({"ID": "PROMO", "Name": "Promotions", "Roles": ["PromotionAdmin", "FullAccess"]})));
    let map = AccessMap::build(m.clone());
    let answer = map.can_call(buyer, SHARED, &create);
    assert!(
        !answer.no_profile && answer.grants.iter().all(|g| map.market().profiles[g.profile].id == "PROMO"),
        "{answer:?}"
    );
    // an operation only FullAccess passes: the FullAccess profile is the answer
    let full = strings(&["FullAccess"]);
    let only_full = op("Everything", "DELETE", "/everything", &full);
    let answer = AccessMap::build(m).can_call(buyer, SHARED, &only_full);
    assert!(answer.grants.iter().any(|g| g.profile == 3), "{answer:?}");
}

#[test]
fn a_client_that_does_not_admit_the_buyer_says_no_and_how_to_admit_it() {
    let mut m = demo();
    m.api_clients.push(from(json!({"ID": "NARROW", "AppName": "Narrow", "Active": true, "AllowAnyBuyer": false})));
    let map = AccessMap::build(m.clone());
    let buyer = map.find(UserType::Buyer, "BUYER_ORGANIZATION", "BUYER01").unwrap();
    let roles = strings(&["Shopper"]);
    let products = op("Me.ListProducts", "GET", "/me/products", &roles);
    let answer = map.can_call(buyer, "NARROW", &products);
    assert!(!answer.allowed && !answer.held.is_empty());
    let fix = ApiClientAssignment {
        api_client_id: "NARROW".into(),
        buyer_id: Some("BUYER_ORGANIZATION".into()),
        supplier_id: None,
    };
    assert_eq!(answer.sign_in, [SignInProblem::ClientDoesNotAdmit { fix: Some(fix.clone()) }]);
    assert!(answer.sign_in[0].describe(UserType::Buyer).contains("buyer BUYER_ORGANIZATION"));
    m.api_client_assignments.push(fix);
    let map = AccessMap::build(m.clone());
    assert!(map.can_call(buyer, "NARROW", &products).allowed);
    // inactive flags
    m.api_clients[2].active = false;
    m.parties[1].company.active = false;
    m.parties[1].users[0].active = false;
    let map = AccessMap::build(m);
    assert_eq!(
        map.can_call(buyer, "NARROW", &products).sign_in,
        [SignInProblem::ClientInactive, SignInProblem::UserInactive, SignInProblem::CompanyInactive]
    );
    assert_eq!(map.can_call(buyer, "NOPE", &products).sign_in, [SignInProblem::UnknownClient]);
}

#[test]
fn company_scope_is_noted_and_seller_resources_refuse_buyers() {
    let mut m = demo();
    m.profiles.push(from(json!({"ID": "BA", "Name": "Buyer admin", "Roles": ["BuyerAdmin", "SecurityProfileAdmin"]})));
    m.assignments.push(from(json!({"SecurityProfileID": "BA", "BuyerID": "BUYER_ORGANIZATION", "UserID": "BUYER01"})));
    let map = AccessMap::build(m);
    let buyer = map.find(UserType::Buyer, "BUYER_ORGANIZATION", "BUYER01").unwrap();
    let roles = strings(&["BuyerAdmin"]);
    let answer = map.can_call(buyer, SHARED, &op("Buyers.Delete", "DELETE", "/buyers/{buyerID}", &roles));
    assert!(answer.allowed);
    assert_eq!(answer.scope, Scope::OwnCompany { company: "BUYER_ORGANIZATION".into() });
    assert!(answer.scope.note(UserType::Buyer).unwrap().contains("not always sufficient"));
    let roles = strings(&["SecurityProfileAdmin"]);
    let answer = map.can_call(buyer, SHARED, &op("SecurityProfiles.Create", "POST", "/securityprofiles", &roles));
    assert!(!answer.allowed && answer.sign_in.is_empty() && !answer.held.is_empty());
    assert_eq!(answer.scope, Scope::SellerOnly);
    assert_eq!(Scope::of("/suppliers/{supplierID}/users", UserType::Buyer, "B"), Scope::OtherParty);
    assert_eq!(Scope::of("/buyers", UserType::Admin, ""), Scope::Any);
    assert_eq!(Scope::of("/me/orders", UserType::Supplier, "S"), Scope::Any);
}

#[test]
fn who_may_make_a_grant_is_what_the_api_lets_grant() {
    // cross-check the bitset test with the model's `ungrantable` over names
    let map = AccessMap::build(synth::marketplace(5, &Size::SMALL));
    let target = (0..map.len()).find(|r| map.row(*r).user_type == UserType::Buyer).unwrap();
    let grants = map.grants(map.row(target), RoleSet::of(ALL_ROLES));
    assert!(!grants.is_empty());
    for g in grants.iter().take(12) {
        for v in 0..map.len() {
            let row = map.row(v);
            let have: Vec<String> = map.available_roles(row).iter().map(|s| s.to_string()).collect();
            let writes = crate::roles::allows(&have, &["SecurityProfileAdmin", "SetSecurityProfile"]);
            let ok = row.user_type == UserType::Admin
                && map.is_active(row)
                && writes
                && crate::roles::ungrantable(&have, &map.market().profiles[g.profile].roles)
                    .iter()
                    .all(|r| !crate::roles::is_role(r));
            assert_eq!(map.may_make(v, g), ok, "viewer {v} grant {g:?}");
        }
    }
}

// ---- impersonation ----

#[test]
fn the_call_center_config_reaches_both_ways() {
    let map = AccessMap::build(demo());
    let rep = map.find(UserType::Admin, "", "REP01").unwrap();
    let admin = map.find(UserType::Admin, "", "ADMIN").unwrap();
    let buyer = map.find(UserType::Buyer, "BUYER_ORGANIZATION", "BUYER01").unwrap();
    let via = map.can_act_as(rep, buyer);
    assert_eq!(via, [ActAs { config: 0, problems: vec![] }]);
    assert!(map.can_act_as(admin, buyer).is_empty());
    assert!(map.can_act_as(rep, admin).is_empty());
    assert_eq!(names(&map, &map.acts_as(rep).iter().map(|(u, _)| *u).collect::<Vec<_>>()), ["buyer01"]);
    assert!(map.acts_as(admin).is_empty());
    assert_eq!(names(&map, &map.who_can_act_as(buyer).iter().map(|(u, _)| *u).collect::<Vec<_>>()), ["rep01"]);
    let reach = map.impersonation_reach();
    assert_eq!(
        reach,
        [ConfigReach {
            config: 0,
            impersonators: 1,
            targets: 1,
            whole_buyer: true,
            every_buyer: false,
            client: Some(1),
            profile: Some(1)
        }]
    );
    let c = &map.market().impersonation_configs[0];
    assert_eq!(describe_impersonators(c), "admin users in group CALL_CENTER");
    assert_eq!(describe_targets(c), "every user of buyer BUYER_ORGANIZATION");
}

#[test]
fn a_matching_config_that_cannot_work_says_why() {
    let mut m = demo();
    m.api_clients[1].active = false;
    m.api_clients[1].allow_any_buyer = false;
    // the rep loses BuyerImpersonation: its group's profile no longer has it
    m.profiles[2].roles.retain(|r| r != "BuyerImpersonation");
    let map = AccessMap::build(m);
    let rep = map.find(UserType::Admin, "", "REP01").unwrap();
    let buyer = map.find(UserType::Buyer, "BUYER_ORGANIZATION", "BUYER01").unwrap();
    let via = map.can_act_as(rep, buyer);
    assert_eq!(
        via[0].problems,
        [ActAsProblem::RepLacksBuyerImpersonation, ActAsProblem::ClientInactive, ActAsProblem::ClientDoesNotAdmit]
    );
    assert!(!via[0].works());
    assert_eq!(map.who_can_act_as(buyer).len(), 1);
}

#[test]
fn acts_as_and_who_can_act_as_agree_with_every_pair() {
    for seed in [3, 11] {
        let map = AccessMap::build(synth::marketplace(seed, &Size::SMALL));
        let mut pairs = BTreeSet::new();
        for rep in 0..map.len() {
            for user in 0..map.len() {
                if rep != user && !map.can_act_as(rep, user).is_empty() {
                    pairs.insert((rep as u32, user as u32));
                }
            }
        }
        assert!(!pairs.is_empty(), "seed {seed} has no impersonation at all");
        let mut forward = BTreeSet::new();
        for rep in 0..map.len() {
            for (u, a) in map.acts_as(rep) {
                assert!(map.can_act_as(rep, u as usize).contains(&a));
                forward.insert((rep as u32, u));
            }
        }
        let mut backward = BTreeSet::new();
        for user in 0..map.len() {
            for (r, _) in map.who_can_act_as(user) {
                backward.insert((r, user as u32));
            }
        }
        assert_eq!(forward, pairs, "seed {seed}");
        assert_eq!(backward, pairs, "seed {seed}");
    }
}

// ---- export ----

/// RFC 4180 reader, for checking what the export wrote.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    rows
}

#[test]
fn the_csv_parses_back_to_the_map() {
    let mut m = demo();
    // a name a spreadsheet would run, a comma and a quote, a custom role
    m.parties[1].users[0].first_name = "=HYPERLINK(\"x\")".into();
    m.parties[1].users[0].last_name = "O'Neil, \"Jr\"".into();
    m.profiles[1].custom_roles = vec!["-reports".into()];
    m.party_mut(UserType::Admin, "").users.push(from(json!({"ID": "NOBODY", "Username": "@nobody", "Active": false})));
    m.assignments.push(from(
        json!({"SecurityProfileID": "BUYER_PROFILE", "BuyerID": "BUYER_ORGANIZATION", "UserID": "BUYER01"}),
    ));
    let map = AccessMap::build(m);
    let rows = map.view(&Filter::default(), SortBy::User);
    let text = export::csv(&map, &rows);
    assert!(text.starts_with(export::BOM));
    assert!(text.contains("\r\n"));
    let parsed = parse_csv(text.trim_start_matches(export::BOM));
    assert_eq!(parsed[0], CSV_COLUMNS);
    let unguard = |s: &str| -> String {
        match s.strip_prefix('\'') {
            Some(rest) if export::needs_guard(rest) => rest.to_string(),
            _ => s.to_string(),
        }
    };
    let col = |name: &str| CSV_COLUMNS.iter().position(|c| *c == name).unwrap();
    // rebuild (user → role → sources) from the file and from the map
    let mut from_file = BTreeSet::new();
    for r in &parsed[1..] {
        assert_eq!(r.len(), CSV_COLUMNS.len(), "{r:?}");
        from_file.insert((
            r[col("UserType")].clone(),
            r[col("CompanyID")].clone(),
            unguard(&r[col("Username")]),
            unguard(&r[col("Name")]),
            unguard(&r[col("Role")]),
            r[col("Kind")].clone(),
            r[col("Sources")].clone(),
        ));
    }
    let mut from_map = BTreeSet::new();
    for r in rows {
        let row = map.row(r as usize);
        let u = map.user(row);
        let key = |role: &str, kind: &str, src: String| {
            (
                row.user_type.as_str().to_string(),
                map.company_id(row).to_string(),
                u.username.clone(),
                format!("{} {}", u.first_name, u.last_name).trim().to_string(),
                role.to_string(),
                kind.to_string(),
                src,
            )
        };
        let mut any = false;
        for (rr, kind) in
            map.roles_in_use().iter().map(|(r, _)| (*r, if matches!(r, RoleRef::Api(_)) { "api" } else { "custom" }))
        {
            if map.holds(row, rr) {
                any = true;
                let src: Vec<String> = map.sources(row, rr).iter().map(|s| s.short(map.market())).collect();
                from_map.insert(key(map.role_name(rr), kind, src.join("; ")));
            }
        }
        if !any {
            from_map.insert(key("", "", String::new()));
        }
    }
    assert_eq!(from_file, from_map);
    // the guard is there in the raw text, and the quote-doubling
    assert!(text.contains(r#","'=HYPERLINK(""x"") O'Neil, ""Jr""","#));
    assert!(text.contains(",'@nobody,"));
    assert!(text.contains(",'-reports,custom,"));
    assert!(text.contains("BUYER_PROFILE (buyer BUYER_ORGANIZATION); BUYER_PROFILE (user)"));
    assert_eq!(export::field("plain"), "plain");
    assert_eq!(export::field("+1"), "'+1");
    assert_eq!(export::field("a,b"), "\"a,b\"");
    assert_eq!(export::field("\tx"), "'\tx");
}

#[test]
fn the_json_lists_every_user_with_available_roles_and_sources() {
    let map = AccessMap::build(demo());
    let rows = map.view(&Filter::default(), SortBy::User);
    let v: serde_json::Value = serde_json::from_str(&export::json(&map, &rows, "2025-01-02T03:04:05Z")).unwrap();
    assert_eq!(v["Marketplace"]["Name"], "Demo Marketplace");
    let users = v["Users"].as_array().unwrap();
    assert_eq!(users.len(), 3);
    let rep = users.iter().find(|u| u["ID"] == "REP01").unwrap();
    let avail: BTreeSet<String> =
        rep["AvailableRoles"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect();
    let mut want = set(ADMIN_ROLES);
    want.extend(set(CALL_CENTER_ROLES));
    assert_eq!(avail, want);
    let reader = rep["Roles"].as_array().unwrap().iter().find(|r| r["Role"] == "BuyerReader").unwrap();
    assert_eq!(reader["Sources"][0]["Level"], "group");
    assert_eq!(reader["Sources"][0]["UserGroupID"], "CALL_CENTER");
    assert_eq!(rep["Groups"], json!(["CALL_CENTER"]));
    assert_eq!(
        export::file_name(&map, "2025-01-02T03:04:05Z", "csv"),
        "access-map-Demo-Marketplace-2025-01-02T03-04-05Z.csv"
    );
}

#[test]
fn a_gap_says_which_role_is_missing_and_what_it_leaves_out() {
    let g = Gap { input: Input::BuyerUsers, company: "B".into() };
    assert_eq!(
        g.describe(),
        "Reading /buyers/B/users needs one of FullAccess, BuyerUserAdmin, BuyerUserReader: the map leaves out this buyer's users."
    );
    for i in Input::ALL {
        assert!(i.roles().iter().all(|r| crate::roles::is_role(r)), "{i:?}");
        assert!(i.path("X").starts_with('/'));
        assert_eq!(i.per_company().is_some(), i.path("X").contains("/X/"), "{i:?}");
    }
}

// ---- synthetic marketplaces ----

#[test]
fn a_synthetic_marketplace_is_the_same_for_the_same_seed() {
    let a = synth::marketplace(9, &Size::SMALL);
    assert_eq!(a, synth::marketplace(9, &Size::SMALL));
    assert_ne!(a, synth::marketplace(10, &Size::SMALL));
    let users: usize = a.parties.iter().map(|p| p.users.len()).sum();
    assert_eq!(users, Size::SMALL.users());
    assert_eq!(a.assignments.len(), Size::SMALL.assignments);
    assert_eq!(a.parties.iter().filter(|p| p.user_type == UserType::Buyer).count(), Size::SMALL.buyers);
    // usernames are unique, as the API keeps them
    let names: BTreeSet<&str> = a.parties.iter().flat_map(|p| p.users.iter().map(|u| u.username.as_str())).collect();
    assert_eq!(names.len(), users);
}

/// Timings for the large marketplace, printed, not asserted (run with `--release --nocapture`).
#[test]
fn large_marketplace_timing() {
    use std::time::Instant;
    let t = Instant::now();
    let m = synth::marketplace(2025, &Size::LARGE);
    let made = t.elapsed();
    let t = Instant::now();
    let map = AccessMap::build(m);
    let built = t.elapsed();
    assert_eq!(map.len(), Size::LARGE.users());
    let filters = [
        ("all by user", Filter::default(), SortBy::User),
        ("elevated, most roles", Filter { elevated: true, ..Filter::default() }, SortBy::MostRoles),
        ("search 'b42u1'", Filter { search: "b42u1".into(), ..Filter::default() }, SortBy::User),
        (
            "buyers holding Shopper, fewest roles",
            Filter { user_type: Some(UserType::Buyer), role: map.role_ref("Shopper"), ..Filter::default() },
            SortBy::FewestRoles,
        ),
    ];
    let mut lines = Vec::new();
    for (name, f, s) in filters {
        let t = Instant::now();
        let n = map.view(&f, s).len();
        lines.push(format!("  view {name}: {n} rows in {:.2} ms", t.elapsed().as_secs_f64() * 1e3));
    }
    let t = Instant::now();
    let in_use = map.roles_in_use().len();
    let roles_ms = t.elapsed().as_secs_f64() * 1e3;
    let rep = (0..map.len()).find(|r| !map.acts_as(*r).is_empty());
    let t = Instant::now();
    let reach = map.impersonation_reach().len();
    let reach_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let csv = export::csv(&map, &map.view(&Filter::default(), SortBy::User)).len();
    let csv_ms = t.elapsed().as_secs_f64() * 1e3;
    println!(
        "LARGE ({} users, {} assignments, {} configs; {} build): synth {:.1} ms, map build {:.1} ms",
        map.len(),
        map.market().assignments.len(),
        map.market().impersonation_configs.len(),
        if cfg!(debug_assertions) { "debug" } else { "release" },
        made.as_secs_f64() * 1e3,
        built.as_secs_f64() * 1e3
    );
    for l in lines {
        println!("{l}");
    }
    println!(
        "  roles_in_use: {in_use} roles in {roles_ms:.2} ms; impersonation_reach: {reach} configs in {reach_ms:.1} ms"
    );
    println!("  csv export: {:.1} MB in {csv_ms:.1} ms; a rep with reach: {rep:?}", csv as f64 / 1e6);
}

#[test]
fn pages_as_the_api_answers_them_make_the_same_marketplace() {
    let mut m = Marketplace::new("demo", "Demo Marketplace");
    let page = |v: serde_json::Value| v.as_array().unwrap().clone();
    m.add_items(
        Input::ApiClients,
        "",
        page(json!([
            {"ID": SHARED, "AppName": "Shared API Client", "Active": true, "AllowSeller": true, "AllowAnyBuyer": true, "xp": null},
            {"ID": STOREFRONT, "AppName": "Storefront", "Active": true, "AllowAnyBuyer": true}
        ])),
    );
    m.add_items(
        Input::SecurityProfiles,
        "",
        page(json!([
            {"ID": "ADMIN_PROFILE", "Name": "Admin User Profile", "Roles": ADMIN_ROLES, "CustomRoles": [], "PasswordConfig": {}},
            {"ID": "BUYER_PROFILE", "Name": "Buyer User Profile", "Roles": BUYER_ROLES},
            {"ID": "CALL_CENTER_PROFILE", "Name": "Call Center Profile", "Roles": CALL_CENTER_ROLES}
        ])),
    );
    m.add_items(
        Input::AdminUsers,
        "",
        page(json!([
            {"ID": "ADMIN", "Username": "admin01", "FirstName": "Admin", "LastName": "User", "Active": true, "AvailableRoles": []},
            {"ID": "REP01", "Username": "rep01", "FirstName": "Riley", "LastName": "Rep", "Active": true}
        ])),
    );
    m.add_items(Input::AdminUserGroups, "", page(json!([{"ID": "CALL_CENTER", "Name": "Call Center"}])));
    m.add_items(Input::AdminUserGroupAssignments, "", page(json!([{"UserGroupID": "CALL_CENTER", "UserID": "REP01"}])));
    m.add_items(
        Input::Buyers,
        "",
        page(json!([{"ID": "BUYER_ORGANIZATION", "Name": "Example Buyer", "Active": true}])),
    );
    m.add_items(
        Input::BuyerUsers,
        "BUYER_ORGANIZATION",
        page(
            json!([{"ID": "BUYER01", "Username": "buyer01", "FirstName": "Buyer", "LastName": "User", "Active": true}]),
        ),
    );
    m.add_items(
        Input::SecurityProfileAssignments,
        "",
        page(json!([
            {"SecurityProfileID": "ADMIN_PROFILE"},
            {"SecurityProfileID": "BUYER_PROFILE", "BuyerID": "BUYER_ORGANIZATION"},
            {"SecurityProfileID": "CALL_CENTER_PROFILE", "UserGroupID": "CALL_CENTER"}
        ])),
    );
    let bad = m.add_items(
        Input::ImpersonationConfigs,
        "",
        page(json!([
            {"ID": "CALL_CENTER_STOREFRONT", "ImpersonationGroupID": "CALL_CENTER", "BuyerID": "BUYER_ORGANIZATION",
             "SecurityProfileID": "BUYER_PROFILE", "ClientID": STOREFRONT},
            "not an object"
        ])),
    );
    assert_eq!(bad, 1);
    assert_eq!(m, demo());
    m.refused(Input::BuyerUserGroups, "BUYER_ORGANIZATION");
    assert_eq!(m.gaps[0].input.path(&m.gaps[0].company), "/buyers/BUYER_ORGANIZATION/usergroups");
}
