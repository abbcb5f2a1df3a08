use super::apply::{pending, steps, Action, ClientIds};
use super::plan::{plan, Change, ClientId, Index, PlanError, PlanOptions};
use super::*;
use crate::access::{synth, Marketplace};
use crate::types::*;
use serde_json::json;
use std::collections::HashSet;

fn demo() -> Marketplace {
    let mut m = Marketplace::new("mkt-a", "Marketplace A");
    m.profiles = vec![
        SecurityProfile {
            id: "ADMIN_PROFILE".into(),
            name: "Admin".into(),
            roles: vec!["ProductAdmin".into(), "BuyerAdmin".into()],
            custom_roles: vec![],
        },
        SecurityProfile {
            id: "BUYER_PROFILE".into(),
            name: "Buyer".into(),
            roles: vec!["Shopper".into()],
            custom_roles: vec![],
        },
        SecurityProfile {
            id: "ORG_ADMIN".into(),
            name: "Organization Admin".into(),
            roles: vec!["FullAccess".into()],
            custom_roles: vec![],
        },
    ];
    m.add_company(UserType::Buyer, Company { id: "B1".into(), name: "Buyer one".into(), ..Company::default() });
    m.add_company(UserType::Buyer, Company { id: "B2".into(), name: "Buyer two".into(), ..Company::default() });
    let p = m.party_mut(UserType::Buyer, "B1");
    p.users.push(User {
        id: "buyer01".into(),
        username: "buyer01".into(),
        first_name: "Bea".into(),
        active: true,
        ..User::default()
    });
    p.groups.push(UserGroup { id: "G1".into(), name: "Group one".into(), ..UserGroup::default() });
    p.memberships.push(UserGroupAssignment { user_group_id: "G1".into(), user_id: "buyer01".into() });
    let a = m.party_mut(UserType::Admin, "");
    a.users.push(User { id: "ADMIN".into(), username: "admin01".into(), active: true, ..User::default() });
    a.users.push(User {
        id: "ACCOUNT_acct1".into(),
        username: "account.acct1".into(),
        active: true,
        ..User::default()
    });
    m.assignments = vec![
        SecurityProfileAssignment { security_profile_id: "ADMIN_PROFILE".into(), ..Default::default() },
        SecurityProfileAssignment {
            security_profile_id: "BUYER_PROFILE".into(),
            buyer_id: Some("B1".into()),
            ..Default::default()
        },
        SecurityProfileAssignment {
            security_profile_id: "ORG_ADMIN".into(),
            user_id: Some("ACCOUNT_acct1".into()),
            ..Default::default()
        },
    ];
    m.api_clients = vec![
        ApiClient {
            id: "CLIENT-A".into(),
            app_name: "Shared API Client".into(),
            active: true,
            access_token_duration: 600,
            allow_any_buyer: true,
            allow_seller: true,
            client_secret: Some("s3cret".into()),
            ..ApiClient::default()
        },
        ApiClient {
            id: "CLIENT-S".into(),
            app_name: "Storefront".into(),
            active: true,
            access_token_duration: 60,
            ..ApiClient::default()
        },
        ApiClient {
            id: "CONSOLE-1".into(),
            app_name: crate::builtin::CONSOLE_APP_NAME.into(),
            active: true,
            allow_seller: true,
            ..ApiClient::default()
        },
    ];
    m.api_client_assignments =
        vec![ApiClientAssignment { api_client_id: "CLIENT-S".into(), buyer_id: Some("B1".into()), supplier_id: None }];
    m.impersonation_configs = vec![ImpersonationConfig {
        id: "CALL_CENTER".into(),
        buyer_id: Some("B1".into()),
        security_profile_id: "BUYER_PROFILE".into(),
        client_id: "CLIENT-S".into(),
        ..ImpersonationConfig::default()
    }];
    m
}

fn all() -> ExportOptions {
    ExportOptions::default()
}

fn shuffled(mut m: Marketplace) -> Marketplace {
    m.parties.reverse();
    for p in &mut m.parties {
        p.users.reverse();
        p.groups.reverse();
        p.memberships.reverse();
    }
    m.profiles.reverse();
    for p in &mut m.profiles {
        p.roles.reverse();
    }
    m.assignments.reverse();
    m.api_clients.rotate_left(1);
    m
}

#[test]
fn export_is_byte_identical_whatever_the_order() {
    let b = BuiltIns::default();
    let one = export(&demo(), &b, &all()).to_text();
    let two = export(&shuffled(demo()), &b, &all()).to_text();
    assert_eq!(one, two);
    assert!(one.ends_with("}\n"));
    assert!(one.starts_with("{\n  \"Format\": 1,\n  \"Marketplace\": {"), "{one}");
    // never secrets, passwords or built-ins
    for absent in ["s3cret", "ClientSecret", "Password", "ORG_ADMIN", "ACCOUNT_acct1", "CONSOLE-1", "AvailableRoles"] {
        assert!(!one.contains(absent), "{absent} exported");
    }
    // read back: the same file, the same text
    let back = SetupFile::parse(&one).unwrap();
    assert_eq!(back.to_text(), one);
    // large: shuffled lists give the same bytes too
    let big = synth::marketplace(7, &synth::Size::SMALL);
    assert_eq!(export(&big, &b, &all()).to_text(), export(&shuffled(big.clone()), &b, &all()).to_text());
}

#[test]
fn plan_against_an_empty_target_creates_everything_in_dependency_order() {
    let b = BuiltIns::default();
    let file = export(&demo(), &b, &all());
    let empty = Marketplace::new("mkt-b", "Marketplace B");
    let p = plan(&file, &empty, &b, PlanOptions::default());
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert!(p.items.iter().all(|i| i.change == Change::Create));
    let n: usize = file.objects.values().map(Vec::len).sum();
    assert_eq!(p.changes(), n);
    let st = steps(&p);
    let kinds: Vec<SetupKind> = st.iter().map(|s| s.kind).collect();
    let mut sorted = kinds.clone();
    sorted.sort();
    assert_eq!(kinds, sorted, "steps in dependency order");
    assert_eq!(kinds.first(), Some(&SetupKind::Buyers));
    assert_eq!(kinds.last(), Some(&SetupKind::ImpersonationConfigs));
    // users without a password, at their company's path
    let u = st.iter().find(|s| s.kind == SetupKind::Users && s.key == "buyer:B1/buyer01").unwrap();
    assert_eq!((u.method, u.path.as_str()), ("POST", "/buyers/B1/users"));
    let body = u.body.as_ref().unwrap();
    assert!(body.get("Password").is_none() && body.get("BuyerID").is_none() && body["ID"] == "buyer01");
    // the client create yields the ID later steps need
    let mut ids = ClientIds::from_plan(&p);
    let cfg = st.iter().find(|s| s.kind == SetupKind::ImpersonationConfigs).unwrap();
    assert!(cfg.request(&ids).is_err(), "the storefront has no ID before its create answers");
    let create = st.iter().find(|s| s.creates_client.as_deref() == Some("Storefront")).unwrap();
    assert_eq!((create.method, create.path.as_str()), ("POST", "/apiclients"));
    assert!(create.body.as_ref().unwrap().get("ID").is_none());
    create.record(&json!({"ID": "NEW-STORE"}), &mut ids);
    let r = cfg.request(&ids).unwrap();
    assert_eq!(r.body.unwrap()["ClientID"], "NEW-STORE");
    let aca = st.iter().find(|s| s.kind == SetupKind::ApiClientAssignments).unwrap();
    assert_eq!(aca.request(&ids).unwrap().body.unwrap()["ApiClientID"], "NEW-STORE");
    assert!(p.rewrites.iter().any(|r| r.from == "CLIENT-S" && r.to == ClientId::New && r.references == 2));
    assert!(p.to_text().contains("+ user buyer:B1/buyer01"), "{}", p.to_text());
}

#[test]
fn plan_against_itself_has_no_changes() {
    let b = BuiltIns::default();
    let m = demo();
    let p = plan(&export(&m, &b, &all()), &shuffled(m), &b, PlanOptions { delete_missing: true });
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.changes(), 0, "{}", p.to_text());
    assert!(p.rewrites.is_empty());
    assert!(steps(&p).is_empty());
}

#[test]
fn a_changed_field_is_an_update_with_its_diff() {
    let b = BuiltIns::default();
    let file = export(&demo(), &b, &all());
    let mut target = demo();
    target.party_mut(UserType::Buyer, "B1").users[0].first_name = "Beatrix".into();
    target.api_clients[1].id = "OTHER-ID".into();
    target.api_clients[1].access_token_duration = 30;
    target.api_client_assignments[0].api_client_id = "OTHER-ID".into();
    target.impersonation_configs[0].client_id = "OTHER-ID".into();
    let p = plan(&file, &target, &b, PlanOptions::default());
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let u = p.items.iter().find(|i| i.key == "buyer:B1/buyer01").unwrap();
    let Change::Update(d) = &u.change else { panic!("{:?}", u.change) };
    assert_eq!(
        (d.len(), d[0].field.as_str(), &d[0].old, &d[0].new),
        (1, "FirstName", &json!("Beatrix"), &json!("Bea"))
    );
    // the client matched by name: updated in place, its references rewritten
    let c = p.items.iter().find(|i| i.key == "Storefront").unwrap();
    assert!(matches!(&c.change, Change::Update(d) if d.len() == 1 && d[0].field == "AccessTokenDuration"));
    assert_eq!(p.changes(), 2, "{}", p.to_text());
    assert!(p.rewrites.contains(&super::plan::Rewrite {
        name: "Storefront".into(),
        from: "CLIENT-S".into(),
        to: ClientId::Existing("OTHER-ID".into()),
        references: 2
    }));
    let st = steps(&p);
    let patch = st.iter().find(|s| s.kind == SetupKind::ApiClients).unwrap();
    let r = patch.request(&ClientIds::from_plan(&p)).unwrap();
    assert_eq!(
        (r.method, r.path.as_str(), r.body.unwrap()),
        ("PATCH", "/apiclients/OTHER-ID", json!({"AccessTokenDuration": 60}))
    );
    let text = p.to_text();
    assert!(text.contains("~ user buyer:B1/buyer01\n    FirstName: \"Beatrix\" → \"Bea\""), "{text}");
    assert!(text.contains("@ \"Storefront\": CLIENT-S → OTHER-ID"), "{text}");
}

#[test]
fn a_broken_reference_is_refused_naming_both_sides() {
    let b = BuiltIns::default();
    let mut m = demo();
    m.assignments.push(SecurityProfileAssignment {
        security_profile_id: "NO_SUCH_PROFILE".into(),
        buyer_id: Some("B1".into()),
        user_id: Some("buyer01".into()),
        ..Default::default()
    });
    m.impersonation_configs[0].user_id = Some("ghost".into());
    let p = plan(&export(&m, &b, &all()), &Marketplace::new("b", "B"), &b, PlanOptions::default());
    let msgs: Vec<String> = p.errors.iter().map(PlanError::describe).collect();
    assert!(
        msgs.iter().any(|e| e.contains("security profile assignment NO_SUCH_PROFILE → buyer B1 / user buyer01")
            && e.contains("names security profile NO_SUCH_PROFILE")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|e| e.contains("impersonation config CALL_CENTER names user ghost of buyer B1")),
        "{msgs:?}"
    );
    assert!(p.refused() && steps(&p).is_empty());
    assert!(p.to_text().contains("nothing will be sent"));
}

#[test]
fn duplicate_client_names_are_refused() {
    let b = BuiltIns::default();
    let mut m = demo();
    m.api_clients.push(ApiClient { id: "CLIENT-S2".into(), app_name: "Storefront".into(), ..ApiClient::default() });
    let p = plan(&export(&m, &b, &all()), &Marketplace::new("b", "B"), &b, PlanOptions::default());
    assert!(
        p.errors
            .iter()
            .any(|e| matches!(e, PlanError::DuplicateClientName { side: super::plan::Side::File, name, ids }
        if name == "Storefront" && ids == &["CLIENT-S", "CLIENT-S2"])),
        "{:?}",
        p.errors
    );
    let p = plan(&export(&demo(), &b, &all()), &m, &b, PlanOptions::default());
    let e = p.errors.iter().map(PlanError::describe).collect::<Vec<_>>().join("\n");
    assert!(e.contains("target marketplace has 2 API clients named \"Storefront\" (CLIENT-S, CLIENT-S2)"), "{e}");
}

#[test]
fn deletes_only_when_asked_and_only_within_the_files_kinds_and_companies() {
    let b = BuiltIns::default();
    // the file covers buyer B1 and profiles/users/groups only
    let opts = ExportOptions {
        kinds: Some(vec![SetupKind::Buyers, SetupKind::Users, SetupKind::UserGroups, SetupKind::SecurityProfiles]),
        companies: Some(Companies { buyers: vec!["B1".into()], suppliers: vec![] }),
    };
    let file = export(&demo(), &b, &opts);
    assert!(!file.to_text().contains("Buyer two"), "B2 left out");
    let mut target = demo();
    target.party_mut(UserType::Buyer, "B1").users.push(User {
        id: "extra".into(),
        username: "x".into(),
        ..User::default()
    });
    target.party_mut(UserType::Buyer, "B2").users.push(User {
        id: "other".into(),
        username: "o".into(),
        ..User::default()
    });
    target.profiles.push(SecurityProfile { id: "OLD".into(), name: "Old".into(), ..SecurityProfile::default() });
    target.api_clients.push(ApiClient { id: "C9".into(), app_name: "Unlisted kind".into(), ..ApiClient::default() });
    let kept = plan(&file, &target, &b, PlanOptions::default());
    assert!(kept.deletes.is_empty() && kept.changes() == 0, "{}", kept.to_text());
    let p = plan(&file, &target, &b, PlanOptions { delete_missing: true });
    let deleted: Vec<String> = p.deletes.iter().map(|d| format!("{} {}", d.kind.as_str(), d.key)).collect();
    // not B2's user (company not in the file), not the client (kind not in the file), not ORG_ADMIN (built-in)
    assert_eq!(deleted, ["Users buyer:B1/extra", "SecurityProfiles OLD"]);
    let st = steps(&p);
    assert_eq!(st.last().unwrap().path, "/securityprofiles/OLD");
    assert_eq!(st.last().unwrap().action, Action::Delete);
    assert!(p.to_text().contains("- user buyer:B1/extra"));
}

#[test]
fn built_ins_are_never_exported_or_planned() {
    let hub = BuiltIns::from_applications(&[json!({"ClientID": "CLIENT-S"})], None);
    let file = export(&demo(), &hub, &all());
    let text = file.to_text();
    assert!(!text.contains("Storefront") && !text.contains("CALL_CENTER"), "{text}");
    // a hand-made file holding built-ins: left out of the plan
    let mut f = export(&demo(), &BuiltIns::default(), &all());
    f.objects.entry(SetupKind::SecurityProfiles).or_default().push(normalize(
        SetupKind::SecurityProfiles,
        json!({"ID": "ORG_MEMBER", "Name": "x"}).as_object().unwrap().clone(),
    ));
    let mut target = Marketplace::new("b", "B");
    target.profiles.push(SecurityProfile {
        id: "ORG_ADMIN".into(),
        name: "Organization Admin".into(),
        ..Default::default()
    });
    let p = plan(&f, &target, &BuiltIns::default(), PlanOptions { delete_missing: true });
    assert_eq!(p.skipped_builtins, 1);
    assert!(p.items.iter().chain(&p.deletes).all(|i| !i.key.starts_with("ORG_")));
}

#[test]
fn a_resumed_run_skips_what_is_done() {
    let b = BuiltIns::default();
    let source = demo();
    let file = export(&source, &b, &all());
    let p = plan(&file, &Marketplace::new("b", "B"), &b, PlanOptions::default());
    let st = steps(&p);
    // half applied: the target now holds everything up to the users
    let mut half = Marketplace::new("b", "B");
    half.profiles = source.profiles.clone();
    for party in &source.parties {
        let q = half.party_mut(party.user_type, &party.company.id);
        q.company = party.company.clone();
        q.users = party.users.clone();
        q.groups = party.groups.clone();
    }
    let ix = Index::of(&half, &b);
    let left = pending(&st, &ix);
    assert!(
        left.iter().all(|s| s.kind >= SetupKind::ApiClients),
        "{:?}",
        left.iter().map(|s| &s.idempotence_key).collect::<Vec<_>>()
    );
    assert!(left.len() < st.len());
    // fully applied (client IDs differ): nothing pending, nothing to re-plan
    let mut done = shuffled(source.clone());
    for c in &mut done.api_clients {
        c.id = format!("T-{}", c.id);
    }
    done.api_client_assignments[0].api_client_id = "T-CLIENT-S".into();
    done.impersonation_configs[0].client_id = "T-CLIENT-S".into();
    let ix = Index::of(&done, &b);
    assert!(pending(&st, &ix).is_empty());
    assert_eq!(ClientIds::from_index(&ix).0["Storefront"], "T-CLIENT-S");
    assert_eq!(plan(&file, &done, &b, PlanOptions::default()).changes(), 0);
}

/// The large marketplace's export and plan against an empty one, timed (run it in release:
/// `cargo test -p gatehouse-model --release setup::tests::large -- --nocapture`).
#[test]
fn large_export_and_plan_timed() {
    let b = BuiltIns::default();
    let mut m = synth::marketplace(1, &synth::Size::LARGE);
    // the synthetic map's deliberate oddities (references to what no list returns) aside
    let profiles: HashSet<String> = m.profiles.iter().map(|p| p.id.clone()).collect();
    let parties = m.parties.clone();
    m.assignments.retain(|a| {
        let (b, s) = (a.buyer_id.as_deref().unwrap_or(""), a.supplier_id.as_deref().unwrap_or(""));
        let party = match (b, s) {
            ("", "") => parties.iter().find(|p| p.user_type == UserType::Admin),
            (b, "") => parties.iter().find(|p| p.user_type == UserType::Buyer && p.company.id == b),
            ("", s) => parties.iter().find(|p| p.user_type == UserType::Supplier && p.company.id == s),
            _ => None,
        };
        let names = |v: &Option<String>, ids: Vec<&str>| v.as_deref().is_none_or(|x| x.is_empty() || ids.contains(&x));
        profiles.contains(&a.security_profile_id)
            && party.is_some_and(|p| {
                names(&a.user_group_id, p.groups.iter().map(|g| g.id.as_str()).collect())
                    && names(&a.user_id, p.users.iter().map(|u| u.id.as_str()).collect())
            })
    });
    for p in &mut m.parties {
        let groups: HashSet<String> = p.groups.iter().map(|g| g.id.clone()).collect();
        p.memberships.retain(|x| groups.contains(&x.user_group_id));
    }
    let t = std::time::Instant::now();
    let file = export(&m, &b, &all());
    let text = file.to_text();
    let export_ms = t.elapsed().as_millis();
    let t = std::time::Instant::now();
    let parsed = SetupFile::parse(&text).unwrap();
    let parse_ms = t.elapsed().as_millis();
    let t = std::time::Instant::now();
    let p = plan(&parsed, &Marketplace::new("empty", "Empty"), &b, PlanOptions::default());
    let st = steps(&p);
    let plan_ms = t.elapsed().as_millis();
    let t = std::time::Instant::now();
    let same = plan(&parsed, &m, &b, PlanOptions { delete_missing: true });
    let replan_ms = t.elapsed().as_millis();
    println!(
        "large setup: {} objects, {} bytes; export {export_ms} ms, parse {parse_ms} ms, plan vs empty {plan_ms} ms ({} steps), plan vs itself {replan_ms} ms",
        st.len(),
        text.len(),
        st.len()
    );
    let bad: Vec<String> = p.errors.iter().take(5).map(PlanError::describe).collect();
    assert!(p.errors.is_empty(), "{bad:?}");
    assert_eq!(same.changes(), 0, "{}", same.to_text().lines().take(20).collect::<Vec<_>>().join("\n"));
    assert!(st.len() > 20_000);
}
