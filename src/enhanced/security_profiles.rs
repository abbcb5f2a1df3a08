//! The security profile screen's own panel: where the profile is assigned — the seller
//! organization, a buyer, a supplier, a user group or a single user.
use crate::auth::Session;
use crate::components::{Failed, LoadView};
use crate::data::{id_names, list_all, Problem, Write};
use crate::data::{At, Load};
use gatehouse_model::read::text;
use gatehouse_model::read::User;
use gatehouse_model::resources::{Kind, UserType};
use gatehouse_model::types::SecurityProfileAssignment;
use leptos::prelude::*;
use serde_json::{Map, Value};

/// (level, label) for the "Assign to" picker.
const LEVELS: &[(&str, &str)] = &[
    ("seller", "Seller organization (every admin user)"),
    ("buyer", "A buyer (every user of it)"),
    ("supplier", "A supplier (every user of it)"),
    ("admingroup", "An admin user group"),
    ("buyergroup", "A buyer's user group"),
    ("suppliergroup", "A supplier's user group"),
    ("adminuser", "One admin user"),
    ("buyeruser", "One buyer user"),
    ("supplieruser", "One supplier user"),
];

/// The company collection a level needs, if any, and the assignment field naming it.
fn company_of(level: &str) -> Option<(&'static str, &'static str)> {
    match level {
        "buyer" | "buyergroup" | "buyeruser" => Some((Kind::Buyer.def().path, "BuyerID")),
        "supplier" | "suppliergroup" | "supplieruser" => Some((Kind::Supplier.def().path, "SupplierID")),
        _ => None,
    }
}

/// The collection the target (group / user) is picked from, given the company, and the
/// assignment field naming it.
fn target_of(level: &str, company: &str) -> Option<(String, &'static str)> {
    let (kind, field) = match level {
        "admingroup" => (Kind::AdminUserGroup, "UserGroupID"),
        "adminuser" => (Kind::AdminUser, "UserID"),
        "buyergroup" => (Kind::BuyerUserGroup, "UserGroupID"),
        "buyeruser" => (Kind::BuyerUser, "UserID"),
        "suppliergroup" => (Kind::SupplierUserGroup, "UserGroupID"),
        "supplieruser" => (Kind::SupplierUser, "UserID"),
        _ => return None,
    };
    Some((At::of(kind, company).collection(), field))
}

/// Every security profile assignment of the marketplace.
pub async fn all_assignments(session: Session) -> Result<Vec<SecurityProfileAssignment>, Vec<Problem>> {
    Ok(list_all(session, "/securityprofiles/assignments", 10_000)
        .await?
        .into_iter()
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect())
}

pub fn describe(a: &SecurityProfileAssignment) -> String {
    let party = match (&a.buyer_id, &a.supplier_id) {
        (Some(b), _) if !b.is_empty() => format!("buyer {b}"),
        (_, Some(s)) if !s.is_empty() => format!("supplier {s}"),
        _ => "seller organization".into(),
    };
    match (a.user_id.as_deref().filter(|s| !s.is_empty()), a.user_group_id.as_deref().filter(|s| !s.is_empty())) {
        (Some(u), _) => format!("user {u} of {party}"),
        (None, Some(g)) => format!("group {g} of {party}"),
        _ => format!("the whole {party}"),
    }
}

/// [`describe`] in names: the company, group and user by name, loaded into `names` as needed
/// (the ID until then, or when it cannot be read).
pub fn describe_named(session: Session, names: crate::data::Names, a: &SecurityProfileAssignment) -> String {
    let some = |o: &Option<String>| o.clone().filter(|s| !s.is_empty());
    let (t, company, party) = match (some(&a.buyer_id), some(&a.supplier_id)) {
        (Some(b), _) => (UserType::Buyer, b, "buyer"),
        (_, Some(s)) => (UserType::Supplier, s, "supplier"),
        _ => (UserType::Admin, String::new(), ""),
    };
    let name = |kind: Kind, id: &str| {
        let path = At::of(kind, company.as_str()).collection();
        names.load(session, path.clone());
        names.of(&path, id)
    };
    let party = match t {
        UserType::Admin => "seller organization".to_string(),
        _ => format!("{party} {}", name(if t == UserType::Buyer { Kind::Buyer } else { Kind::Supplier }, &company)),
    };
    match (some(&a.user_id), some(&a.user_group_id)) {
        (Some(u), _) => format!("user {} of {party}", name(Kind::user_kind(t), &u)),
        (None, Some(g)) => format!("group {} of {party}", name(Kind::group_kind(t), &g)),
        _ => format!("the whole {party}"),
    }
}

#[component]
pub fn ProfileAssignments(profile_id: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let pid = StoredValue::new(profile_id);
    // an assignment suggested elsewhere (the access map) comes filled in: `assign.level`,
    // `assign.company`, `assign.target` in the address
    let query = leptos_router::hooks::use_query_map();
    let asked = |k: &str| query.with_untracked(|q| q.get(k)).unwrap_or_default();
    let start = Some(asked("assign.level")).filter(|l| LEVELS.iter().any(|(k, _)| k == l));
    let level = RwSignal::new(start.clone().unwrap_or_else(|| "seller".to_string()));
    let company = RwSignal::new(if start.is_some() { asked("assign.company") } else { String::new() });
    let target = RwSignal::new(if start.is_some() { asked("assign.target") } else { String::new() });
    let write = Write::new();
    let added = RwSignal::new(String::new());
    let names = crate::data::Names::new();
    // assignments take the profile's write roles; a memo, so the token is read once per change
    let can_write = Memo::new(move |_| {
        gatehouse_model::roles::allows(&crate::data::held_roles(session), Kind::SecurityProfile.def().write_roles)
    });

    let rows = Load::new(
        move || Some(pid.get_value()),
        move |pid, _| async move {
            Ok(all_assignments(session).await?.into_iter().filter(|a| a.security_profile_id == pid).collect::<Vec<_>>())
        },
        true,
    );
    // the companies of the chosen level
    let companies = Load::new(
        move || company_of(&level.get()).map(|(path, _)| path),
        move |path, _| id_names(session, path),
        false,
    );
    // the groups / users of the chosen level and company
    let targets = Load::new(
        move || {
            let (l, c) = (level.get(), company.get());
            if company_of(&l).is_some() && c.is_empty() {
                return None;
            }
            target_of(&l, &c)
        },
        move |(path, field), _| async move {
            let list = list_all(session, &path, 1000).await?;
            Ok(list
                .iter()
                .map(|v| (text(v, "ID"), if field == "UserID" { User(v).person() } else { text(v, "Name") }))
                .collect::<Vec<_>>())
        },
        false,
    );
    // what went wrong: the last change, else a list that could not be loaded
    let problem = move || write.failed().or_else(|| companies.problem()).or_else(|| targets.problem());

    let add = move |_| {
        let (l, c, t) = (level.get_untracked(), company.get_untracked(), target.get_untracked());
        let mut body = Map::new();
        body.insert("SecurityProfileID".into(), Value::String(pid.get_value()));
        if let Some((_, field)) = company_of(&l) {
            if c.is_empty() {
                write.refuse("Choose which one first.".into());
                return;
            }
            body.insert(field.into(), Value::String(c.clone()));
        }
        if let Some((_, field)) = target_of(&l, &c) {
            if t.is_empty() {
                write.refuse("Choose the group or user first.".into());
                return;
            }
            body.insert(field.into(), Value::String(t));
        }
        let body = Value::Object(body);
        let a: SecurityProfileAssignment = serde_json::from_value(body.clone()).unwrap_or_default();
        write.change(session, "POST", "/securityprofiles/assignments".into(), Some(body), move || {
            added.set(format!("Assigned to {}.", describe_named(session, names, &a)));
            rows.reload();
        });
    };
    let remove = move |a: SecurityProfileAssignment| {
        let params = [
            ("buyerID", &a.buyer_id),
            ("supplierID", &a.supplier_id),
            ("userID", &a.user_id),
            ("userGroupID", &a.user_group_id),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k.to_string(), v.clone().filter(|s| !s.is_empty())?)))
        .collect();
        let profile = At::of(Kind::SecurityProfile, "").item(&a.security_profile_id);
        let path = crate::api::with_query(
            &format!("{profile}/assignments"),
            &gatehouse_model::list::ListQuery { params, ..Default::default() },
        );
        write.change(session, "DELETE", path, None, move || {
            added.set(format!("Removed the assignment to {}.", describe_named(session, names, &a)));
            rows.reload();
        });
    };
    let user_level = move || level.get().ends_with("user");
    // a suggested assignment: once the list has come, bring the filled-in form into view
    if start.is_some() {
        let shown = StoredValue::new(false);
        Effect::new(move |_| {
            if rows.state.with(Option::is_some) && !shown.get_value() {
                shown.set_value(true);
                request_animation_frame(|| {
                    if let Some(e) = document().get_element_by_id("spa-add") {
                        e.scroll_into_view_with_bool(false);
                    }
                });
            }
        });
    }

    view! {
        <div class="panel" id="profile-assignments">
            <h4>"Assignments"</h4>
            <p class="muted">"A user holds the roles of every profile assigned to their company, to any of their groups, or to them."</p>
            {rows.view("", move |list| match list {
                list if list.is_empty() => view! { <p class="muted" id="spa-none">"Not assigned anywhere yet: nobody holds these roles."</p> }.into_any(),
                list => view! {
                    <ul class="assignments" id="spa-list">
                        {list.into_iter().map(|a| {
                            let d = describe(&a);
                            let a2 = a.clone();
                            let a4 = a.clone();
                            view! { <li data-assignment=d.clone() title=d.clone()>{move || describe_named(session, names, &a4)}
                                <Show when=move || can_write.get()>{ let a3 = a2.clone(); view! { <button type="button" class="link spa-remove" on:click=move |_| remove(a3.clone())>"Remove"</button> } }</Show>
                            </li> }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
            <Show when=move || can_write.get()>
                <div class="add-assignment">
                    <label for="spa-level">"Assign to"</label>
                    <select id="spa-level" on:change=move |ev| { company.set(String::new()); target.set(String::new()); level.set(event_target_value(&ev)); }>
                        {LEVELS.iter().map(|(k, label)| view! { <option value=*k selected=move || level.get() == *k>{*label}</option> }).collect_view()}
                    </select>
                    <Show when=move || company_of(&level.get()).is_some()>
                        <label for="spa-company">{move || if level.get().starts_with("buyer") { "Buyer" } else { "Supplier" }}</label>
                        <select id="spa-company" on:change=move |ev| { target.set(String::new()); company.set(event_target_value(&ev)); }>
                            <option value="">"— choose —"</option>
                            {move || companies.value().into_iter().map(|(id, name)| { let id2 = id.clone(); view! { <option value=id.clone() selected=move || company.get() == id2>{format!("{name} ({id})")}</option> } }).collect_view()}
                        </select>
                    </Show>
                    <Show when=move || target_of(&level.get(), "").is_some()>
                        <label for="spa-target">{move || if user_level() { "User" } else { "Group" }}</label>
                        <select id="spa-target" on:change=move |ev| target.set(event_target_value(&ev))>
                            <option value="">"— choose —"</option>
                            {move || targets.value().into_iter().map(|(id, label)| { let id2 = id.clone(); view! { <option value=id selected=move || target.get() == id2>{label}</option> } }).collect_view()}
                        </select>
                    </Show>
                    <Show when=user_level>
                        <p class="warn" id="spa-user-warning" role="note">"Assigning to single users is hard to manage: every new user needs their own assignment, and nobody sees at a glance who holds what. Prefer the company or a group."</p>
                    </Show>
                    <button type="button" class="primary" id="spa-add" on:click=add>"Assign"</button>
                </div>
            </Show>
            <Show when=move || !added.get().is_empty()><p class="ok" id="spa-done" role="status">{move || added.get()}</p></Show>
            <Failed id="spa-error" problem=problem/>
        </div>
    }
}
