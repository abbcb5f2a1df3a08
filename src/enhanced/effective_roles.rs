//! Effective roles: for one admin, buyer or supplier user, the AvailableRoles the API reports
//! and, for each role, which profile grants it through which assignment (user, group or
//! company). The "does it reach" rule is the model's, the same one the sandbox grants with.
use super::jump::{Jump, RolesTarget};
use super::security_profiles::{all_assignments, describe_named};
use crate::auth::Session;
use crate::components::LoadView;
use crate::data::{call, groups_of, id_names, list_all, Problem};
use crate::data::{At, Load};
use gatehouse_model::read::text;
use gatehouse_model::read::User;
use gatehouse_model::resources::{Kind, UserType};
use gatehouse_model::types::Level;
use gatehouse_model::types::SecurityProfileAssignment;
use leptos::prelude::*;
use serde_json::Value;

/// A profile that grants a role, with the level and the assignment through which it reaches the user.
type Source = (String, (&'static str, SecurityProfileAssignment));

#[derive(Debug, Clone, PartialEq)]
struct Breakdown {
    username: String,
    available: Vec<String>,
    /// role → (profile, the level and the assignment through which it reaches the user)
    rows: Vec<(String, Vec<Source>)>,
}

fn users_of(t: UserType, company: &str) -> At {
    At::of(Kind::user_kind(t), company)
}

async fn breakdown(session: Session, t: UserType, company: String, id: String) -> Result<Breakdown, Vec<Problem>> {
    let user = call(session, "GET", &users_of(t, &company).item(&id), None).await?;
    let groups = groups_of(session, crate::auth::Caller::ActingAs, t, &company, &id).await?;
    let assignments = all_assignments(session).await?;
    let profiles = list_all(session, "/securityprofiles", 10_000).await?;
    let mut rows: Vec<(String, Vec<Source>)> = Vec::new();
    let mut add = |role: String, source: Source| match rows.iter_mut().find(|(r, _)| *r == role) {
        Some((_, s)) => s.push(source),
        None => rows.push((role, vec![source])),
    };
    for a in assignments.iter().filter(|a| a.reaches(t, &company, &id, &groups)) {
        let Some(p) = profiles.iter().find(|p| text(p, "ID") == a.security_profile_id) else { continue };
        let level = match a.level() {
            Level::User => "user",
            Level::Group => "group",
            Level::Company => "company",
        };
        let via = (level, a.clone());
        let profile = format!("{} ({})", text(p, "Name"), a.security_profile_id);
        for key in ["Roles", "CustomRoles"] {
            for r in p[key].as_array().into_iter().flatten().filter_map(Value::as_str) {
                add(r.to_string(), (profile.clone(), via.clone()));
            }
        }
    }
    rows.sort_by_key(|(r, _)| gatehouse_model::roles::ALL_ROLES.iter().position(|x| x == r).unwrap_or(usize::MAX));
    let available =
        user["AvailableRoles"].as_array().into_iter().flatten().filter_map(Value::as_str).map(String::from).collect();
    Ok(Breakdown { username: User(&user).person(), available, rows })
}

#[component]
pub fn EffectiveRoles() -> impl IntoView {
    let session = expect_context::<Session>();
    let jump = expect_context::<Jump>();
    let start = jump.roles.get_untracked();
    let user_type = RwSignal::new(start.user_type.unwrap_or(UserType::Admin));
    let company = RwSignal::new(start.company.clone());
    let user = RwSignal::new(start.user_id.clone());
    let names = crate::data::Names::new();

    // three loads, each keyed on what it depends on: a newer choice drops an older answer
    let companies = Load::new(
        move || match user_type.get() {
            UserType::Admin => None,
            UserType::Buyer => Some("/buyers"),
            UserType::Supplier => Some("/suppliers"),
        },
        move |path, _| id_names(session, path),
        false,
    );
    // the first company is chosen when none is
    Effect::new(move |_| {
        companies.state.with(|c| {
            if let (Some(Ok(list)), true) = (c, company.get_untracked().is_empty()) {
                if let Some((id, _)) = list.first() {
                    company.set(id.clone());
                }
            }
        })
    });
    let users = Load::new(
        move || {
            let (t, c) = (user_type.get(), company.get());
            (t == UserType::Admin || !c.is_empty()).then_some((t, c))
        },
        move |(t, c), _| async move {
            let list = list_all(session, &users_of(t, &c).collection(), 1000).await?;
            Ok(list.iter().map(|u| (text(u, "ID"), User(u).person())).collect::<Vec<_>>())
        },
        false,
    );
    let result = Load::new(
        move || {
            let (t, c, u) = (user_type.get(), company.get(), user.get());
            (!u.is_empty()).then_some((t, c, u))
        },
        move |(t, c, u), _| breakdown(session, t, c, u),
        false,
    );
    let load_problem = move || companies.problem().or_else(|| users.problem()).unwrap_or_default();
    let set_type = move |v: String| {
        user.set(String::new());
        company.set(String::new());
        user_type.set(UserType::parse(&v).unwrap_or(UserType::Admin));
        jump.roles.set(RolesTarget::default());
    };

    view! {
        <section class="enhanced screen" id="screen" data-screen="effective-roles" aria-label="Effective roles">
            <header class="screen-head"><h2 tabindex="-1">"⚡ Effective roles"</h2></header>
            <p class="muted">"What a user may do, and why: the union of the profiles assigned to the user, to their groups and to their company."</p>
            <div class="row pickers">
                <label for="er-type">"User type"</label>
                <select id="er-type" on:change=move |ev| set_type(event_target_value(&ev))>
                    {[UserType::Admin, UserType::Buyer, UserType::Supplier].into_iter().map(|t| view! { <option value=t.as_str() selected=move || user_type.get() == t>{t.as_str()}</option> }).collect_view()}
                </select>
                <Show when=move || user_type.get() != UserType::Admin>
                    <label for="er-company">"Company"</label>
                    <select id="er-company" on:change=move |ev| { user.set(String::new()); company.set(event_target_value(&ev)); }>
                        {move || companies.value().into_iter().map(|(id, name)| { let id2 = id.clone(); view! { <option value=id selected=move || company.get() == id2>{name}</option> } }).collect_view()}
                    </select>
                </Show>
                <label for="er-user">"User"</label>
                <select id="er-user" on:change=move |ev| user.set(event_target_value(&ev))>
                    <option value="">"— choose a user —"</option>
                    {move || users.value().into_iter().map(|(id, label)| { let id2 = id.clone(); view! { <option value=id selected=move || user.get() == id2>{label}</option> } }).collect_view()}
                </select>
            </div>
            <Show when=move || !load_problem().is_empty()><p class="error" id="er-load-error" role="alert">{load_problem}</p></Show>
            {result.view(" Working it out…", move |b| {
                    let explained: Vec<String> = b.rows.iter().map(|(r, _)| r.clone()).collect();
                    let unexplained: Vec<String> = b.available.iter().filter(|r| !explained.contains(r)).cloned().collect();
                    view! {
                        <div class="panel">
                            <h3>{format!("{} holds {} roles", b.username, b.available.len())}</h3>
                            <p id="er-available">"AvailableRoles: "{if b.available.is_empty() { "none".to_string() } else { b.available.join(", ") }}</p>
                            {(!unexplained.is_empty()).then(|| view! { <p class="warn">{format!("Reported by the API without a visible assignment: {}", unexplained.join(", "))}</p> })}
                            <div class="table-scroll" role="region" tabindex="0" aria-label="Where each role comes from"><table class="grid" id="er-breakdown">
                                <thead><tr><th>"Role"</th><th>"Granted by profile"</th><th>"Through the assignment to"</th></tr></thead>
                                <tbody>{b.rows.into_iter().map(|(role, sources)| {
                                    let n = sources.len();
                                    sources.into_iter().enumerate().map(|(i, (profile, via))| view! {
                                        <tr data-role=role.clone()>
                                            {(i == 0).then(|| view! { <td rowspan=n.to_string()><code>{role.clone()}</code></td> })}
                                            <td>{profile}</td><td>{move || format!("{}: {}", via.0, describe_named(session, names, &via.1))}</td>
                                        </tr>
                                    }).collect_view()
                                }).collect_view()}</tbody>
                            </table></div>
                        </div>
                    }.into_any()
            })}

        </section>
    }
}
