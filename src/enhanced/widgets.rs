//! Form widgets of the enhanced screens, each bound to one property of the draft object:
//! text, booleans, durations with units, passwords with their rules, secrets, JSON, lists,
//! the grouped role picker, and pickers that list the objects an ID may name.
use super::screen_def::{Form, Pick};
use crate::auth::Session;
use crate::data::list_all;
use crate::data::{At, Load};
use crate::fields::Slot;
use crate::text::{fold, number};
use gatehouse_model::read::text;
use gatehouse_model::read::User;
use gatehouse_model::resources::Kind;
use gatehouse_model::roles::{FULL_ACCESS, ROLE_AREAS};
use leptos::prelude::*;
use serde_json::Value;

pub fn id_of(name: &str) -> String {
    format!("ed-{name}")
}

/// The ID of a field's description (its API name and help), for `aria-describedby`.
pub fn desc_of(name: &str) -> String {
    format!("ed-{name}-desc")
}

impl Form {
    /// One property of the draft as the portal's field vocabulary sees it (`crate::fields`):
    /// writing it clears the problem the API or the validator found there.
    pub fn slot(self, name: &'static str) -> Slot {
        let form = self;
        Slot {
            name: name.into(),
            id: id_of(name),
            value: Memo::new(move |_| form.draft.with(|d| d.get(name).cloned())).into(),
            set: Callback::new(move |v: Option<Value>| put(form, name, v)),
            unreadable: Callback::new(move |problem: Option<String>| {
                form.local.update(|l| match problem {
                    Some(p) => {
                        l.insert(name.into(), p);
                    }
                    None => {
                        l.remove(name);
                    }
                })
            }),
            enabled: form.writable,
            required: false,
        }
    }
}

pub fn str_of(form: Form, name: &str) -> String {
    form.draft.with(|d| d.get(name).and_then(Value::as_str).map(String::from).unwrap_or_default())
}

/// Writes one property of the draft (None removes it) and clears the problem found there.
fn put(form: Form, name: &str, v: Option<Value>) {
    form.draft.update(|d| match v {
        Some(v) => {
            d.insert(name.to_string(), v);
        }
        None => {
            d.remove(name);
        }
    });
    form.errors.update(|e| {
        e.remove(name);
    });
}

/// Sets a text property as typed (the model's `typed_text`: empty text is no value, except
/// `Email`).
pub fn set_str(form: Form, name: &str, v: String) {
    put(form, name, gatehouse_model::validate::typed_text(name, v));
}

/// The texts of a list property of the draft.
fn strings(v: Option<&Value>) -> Vec<String> {
    v.map(crate::json::strings).unwrap_or_default()
}

const UNITS: &[(&str, i64)] = &[("minutes", 1), ("hours", 60), ("days", 1440)];

/// A duration in minutes (as the API stores it), typed in minutes, hours or days.
#[component]
pub fn MinutesInput(form: Form, name: &'static str, required: bool) -> impl IntoView {
    let minutes = move || form.draft.with(|d| d.get(name).and_then(Value::as_i64));
    let start = minutes().unwrap_or(0);
    let unit = RwSignal::new(UNITS.iter().rev().map(|u| u.1).find(|f| start != 0 && start % f == 0).unwrap_or(1));
    let typed = RwSignal::new(minutes().map(|m| (m / unit.get_untracked()).to_string()).unwrap_or_default());
    let apply = move || {
        let t = typed.get_untracked();
        form.errors.update(|e| {
            e.remove(name);
        });
        form.local.update(|l| {
            l.remove(name);
        });
        if t.trim().is_empty() {
            form.draft.update(|d| {
                d.remove(name);
            });
            return;
        }
        match number(&t) {
            Some(n) if n >= 0.0 && (n * unit.get_untracked() as f64).fract() == 0.0 => {
                form.draft.update(|d| {
                    d.insert(name.into(), Value::from((n * unit.get_untracked() as f64) as i64));
                });
            }
            _ => form.local.update(|l| {
                l.insert(
                    name.into(),
                    format!(
                        "{name} must be a whole number of minutes (got \"{t}\" {}).",
                        unit_name(unit.get_untracked())
                    ),
                );
            }),
        }
    };
    let id = id_of(name);
    let unit_id = format!("{id}-unit");
    let unit_id2 = unit_id.clone();
    view! {
        <span class="row duration">
            <input id=id aria-describedby=desc_of(name) aria-required=required.then_some("true") type="text" inputmode="decimal" size="8" disabled=move || !form.writable.get() prop:value=typed
                on:input=move |ev| { typed.set(event_target_value(&ev)); apply(); }/>
            <label class="sr-only" for=unit_id.clone()>{format!("{} unit", gatehouse_model::resources::label(name))}</label>
            <select id=unit_id2 disabled=move || !form.writable.get() on:change=move |ev| { unit.set(event_target_value(&ev).parse().unwrap_or(1)); apply(); }>
                {UNITS.iter().map(|(n, f)| view! { <option value=f.to_string() selected=move || unit.get() == *f>{*n}</option> }).collect_view()}
            </select>
            <span class="muted" id=format!("ed-{name}-total")>{move || minutes().map(|m| format!("= {}", human_minutes(m))).unwrap_or_default()}</span>
        </span>
    }
}

fn unit_name(f: i64) -> &'static str {
    UNITS.iter().find(|u| u.1 == f).map(|u| u.0).unwrap_or("minutes")
}

pub fn human_minutes(m: i64) -> String {
    match m {
        0 => "none".into(),
        m if m % 1440 == 0 => format!("{} day{}", m / 1440, if m == 1440 { "" } else { "s" }),
        m if m % 60 == 0 => format!("{} hour{}", m / 60, if m == 60 { "" } else { "s" }),
        m => format!("{m} minute{}", if m == 1 { "" } else { "s" }),
    }
}

/// Whether a secret was generated and is neither saved nor copied (the editor asks before it is
/// discarded): provided by the editor, set by [`SecretInput`].
#[derive(Clone, Copy)]
pub struct UnsavedSecret(pub RwSignal<bool>);

/// A client secret: hidden by default, revealed on request, generated from the browser's
/// cryptographic random source, copied to the clipboard.
#[component]
pub fn SecretInput(form: Form, name: &'static str) -> impl IntoView {
    let shown = RwSignal::new(false);
    let copied = RwSignal::new(None::<bool>);
    let unsaved = use_context::<UnsavedSecret>().map(|u| u.0);
    let generate = move |_| {
        let mut bytes = [0u8; 32];
        if let Ok(c) = window().crypto() {
            let _ = c.get_random_values_with_u8_array(&mut bytes);
        }
        let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        set_str(form, name, secret);
        shown.set(true);
        copied.set(None);
        if let Some(u) = unsaved {
            u.set(true);
        }
    };
    let copy = move |_| {
        let secret = str_of(form, name);
        let done = wasm_bindgen_futures::JsFuture::from(window().navigator().clipboard().write_text(&secret));
        leptos::task::spawn_local(async move {
            let ok = done.await.is_ok();
            copied.set(Some(ok));
            // copied: it is kept somewhere, leaving cannot lose it
            if let (true, Some(u)) = (ok, unsaved) {
                u.set(false);
            }
        });
    };
    view! {
        <span class="row secret">
            <input id=id_of(name) aria-describedby=desc_of(name) type=move || if shown.get() { "text" } else { "password" } autocomplete="off" disabled=move || !form.writable.get()
                prop:value=move || str_of(form, name) on:input=move |ev| set_str(form, name, event_target_value(&ev))/>
            <button type="button" id=format!("ed-{name}-reveal") on:click=move |_| shown.update(|s| *s = !*s)>{move || if shown.get() { "Hide" } else { "Reveal" }}</button>
            <button type="button" id=format!("ed-{name}-generate") on:click=generate disabled=move || !form.writable.get()>"Generate"</button>
            <button type="button" id=format!("ed-{name}-copy") on:click=copy>{move || match copied.get() { Some(true) => "Copied", Some(false) => "Copy failed", None => "Copy" }}</button>
        </span>
    }
}

/// API roles grouped by area, with a search and select-all per group. Granting FullAccess
/// asks for an explicit confirmation that says why it is dangerous.
#[component]
pub fn RolePicker(form: Form, name: &'static str) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let confirm_full = RwSignal::new(false);
    let held = move || strings(form.draft.with(|d| d.get(name).cloned()).as_ref());
    let set = move |role: &str, on: bool| {
        form.draft.update(|d| {
            let mut rs = strings(d.get(name));
            rs.retain(|r| r != role);
            if on {
                rs.push(role.to_string());
            }
            let ordered: Vec<Value> = gatehouse_model::roles::ALL_ROLES
                .iter()
                .filter(|r| rs.iter().any(|x| x == *r))
                .map(|r| Value::String(r.to_string()))
                .collect();
            d.insert(name.into(), Value::Array(ordered));
        });
    };
    let needle = Memo::new(move |_| fold(&search.get()));
    let visible = move |role: &str| needle.with(|q| q.is_empty() || fold(role).contains(q.as_str()));
    view! {
        <div class="role-picker" id="ed-Roles">
            <div class="row">
                <label class="sr-only" for="role-search">"Search roles"</label>
                <input id="role-search" type="search" placeholder="Search roles" prop:value=search on:input=move |ev| search.set(event_target_value(&ev))/>
                <span class="muted" id="roles-count">{move || format!("{} selected", held().len())}</span>
            </div>
            {ROLE_AREAS.iter().map(|(area, roles)| {
                let roles: &'static [&'static str] = roles;
                let area_id = area.to_ascii_lowercase().replace(|c: char| !c.is_alphanumeric(), "-");
                let any_visible = move || roles.iter().any(|r| visible(r));
                view! {
                    <fieldset class="role-group" data-area=*area style:display=move || if any_visible() { "" } else { "none" }>
                        <legend>{*area}
                            <button type="button" class="link" id=format!("roles-all-{area_id}") disabled=move || !form.writable.get()
                                aria-label=format!("Select all {area} roles")
                                on:click=move |_| for r in roles.iter().filter(|r| **r != FULL_ACCESS && visible(r)) { set(r, true) }>"Select all"</button>
                            <button type="button" class="link" id=format!("roles-none-{area_id}") disabled=move || !form.writable.get()
                                aria-label=format!("Clear the {area} roles")
                                on:click=move |_| for r in roles.iter().filter(|r| visible(r)) { set(r, false) }>"Clear"</button>
                        </legend>
                        {roles.iter().map(|role| {
                            let role: &'static str = role;
                            view! {
                                <label class="check" style:display=move || if visible(role) { "" } else { "none" }>
                                    <input type="checkbox" id=format!("role-{role}") disabled=move || !form.writable.get()
                                        prop:checked=move || held().iter().any(|r| r == role)
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            if on && role == FULL_ACCESS {
                                                // not granted until confirmed
                                                event_target::<web_sys::HtmlInputElement>(&ev).set_checked(false);
                                                confirm_full.set(true);
                                            } else {
                                                set(role, on);
                                            }
                                        }/>
                                    {format!(" {role}")}
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                }
            }).collect_view()}
            <Show when=move || confirm_full.get()>
                <div class="modal" role="alertdialog" aria-modal="true" aria-labelledby="fullaccess-title" id="fullaccess-confirm">
                    <div class="card">
                        <h2 id="fullaccess-title">"Grant FullAccess?"</h2>
                        <p>"FullAccess passes every role check of the API. Anyone who holds it can call any endpoint directly — delete buyers, API clients and security profiles, read every order — even where your applications never offer it. It is considered bad practice; prefer the specific roles a user needs."</p>
                        <div class="row">
                            <button class="danger" id="fullaccess-grant" on:click=move |_| { set(FULL_ACCESS, true); confirm_full.set(false); }>"Grant FullAccess anyway"</button>
                            <button id="fullaccess-cancel" on:click=move |_| confirm_full.set(false)>"Cancel"</button>
                        </div>
                    </div>
                </div>
            </Show>
        </div>
    }
}

/// A picker's source that is not one list: the users of every buyer, or of every supplier.
const EVERY_BUYERS_USERS: &str = "*buyers";
const EVERY_SUPPLIERS_USERS: &str = "*suppliers";

/// Where a picker's options come from, given the draft (None: pick something else first).
fn pick_path(form: Form, pick: Pick) -> Result<Vec<String>, &'static str> {
    let field = |n: &str| str_of(form, n);
    Ok(match pick {
        Pick::Buyers => vec!["/buyers".into()],
        Pick::Profiles => vec!["/securityprofiles".into()],
        Pick::Clients => vec!["/apiclients".into()],
        Pick::Usernames => vec!["/adminusers".into(), EVERY_BUYERS_USERS.into(), EVERY_SUPPLIERS_USERS.into()],
        Pick::Groups { buyer_field, admin_when_empty } => match field(buyer_field) {
            b if !b.is_empty() => vec![At::of(Kind::BuyerUserGroup, b).collection()],
            _ if admin_when_empty => vec!["/usergroups".into()],
            _ => return Err("Pick a buyer first."),
        },
        Pick::Users { buyer_field, admin_when_empty } => match field(buyer_field) {
            b if !b.is_empty() => vec![At::of(Kind::BuyerUser, b).collection()],
            _ if admin_when_empty => vec!["/adminusers".into()],
            _ => return Err("Pick a buyer first."),
        },
    })
}

/// (value, label) for one listed object: people by name and username, the rest by name (the ID
/// when there is none).
fn option_of(pick: Pick, v: &Value) -> (String, String) {
    let id = text(v, "ID");
    let or_id = |name: String| if name.is_empty() { id.clone() } else { name };
    match pick {
        Pick::Usernames => (text(v, "Username"), User(v).person()),
        Pick::Users { .. } => (id.clone(), User(v).person()),
        Pick::Clients => (id.clone(), or_id(text(v, "AppName"))),
        _ => (id.clone(), or_id(text(v, "Name"))),
    }
}

pub async fn load_options(
    session: Session,
    pick: Pick,
    paths: Vec<String>,
) -> Result<Vec<(String, String)>, Vec<crate::data::Problem>> {
    let mut out = Vec::new();
    for p in paths {
        // the users of every buyer, or of every supplier (for usernames)
        let companies = match p.as_str() {
            EVERY_BUYERS_USERS => Some((Kind::Buyer, Kind::BuyerUser)),
            EVERY_SUPPLIERS_USERS => Some((Kind::Supplier, Kind::SupplierUser)),
            _ => None,
        };
        if let Some((company_kind, user_kind)) = companies {
            for company in list_all(session, &At::of(company_kind, "").collection(), 200).await? {
                let users = list_all(session, &At::of(user_kind, text(&company, "ID")).collection(), 200).await?;
                out.extend(users.iter().map(|u| option_of(pick, u)));
            }
        } else {
            out.extend(list_all(session, &p, 500).await?.iter().map(|v| option_of(pick, v)));
        }
    }
    Ok(out)
}

/// A select listing what an ID may name; reloads when what it depends on changes.
#[component]
pub fn PickInput(form: Form, name: &'static str, pick: Pick, required: bool) -> impl IntoView {
    let session = expect_context::<Session>();
    let source = Memo::new(move |_| pick_path(form, pick));
    // the options of the newest source only: a slower load for an earlier source is dropped
    let loaded = Load::new(move || source.get().ok(), move |paths, _| load_options(session, pick, paths), false);
    let options = Signal::derive(move || match source.get() {
        Err(why) => Some(Err(why.to_string())),
        Ok(_) => loaded.state.get().map(|r| r.map_err(|p| p.first().map(|p| p.message.clone()).unwrap_or_default())),
    });
    let current = move || str_of(form, name);
    view! {
        <span class="row pick">
            <select id=id_of(name) aria-describedby=desc_of(name) aria-required=required.then_some("true") disabled=move || !form.writable.get() || !matches!(options.get(), Some(Ok(_)))
                on:change=move |ev| set_str(form, name, event_target_value(&ev))>
                <option value="" selected=move || current().is_empty()>{if required { "— choose —" } else { "— none —" }}</option>
                {move || {
                    let cur = current();
                    let mut opts = match options.get() { Some(Ok(o)) => o, _ => Vec::new() };
                    if !cur.is_empty() && !opts.iter().any(|(v, _)| *v == cur) {
                        opts.insert(0, (cur.clone(), format!("{cur} (not found)")));
                    }
                    opts.into_iter().map(|(v, label)| { let v2 = v.clone(); view! { <option value=v selected=move || current() == v2>{label}</option> } }).collect_view()
                }}
            </select>
            {move || match options.get() {
                None => view! { <crate::components::Spinner/> }.into_any(),
                Some(Err(e)) => view! { <span class="muted pick-note">{e}</span> }.into_any(),
                Some(Ok(_)) => ().into_any(),
            }}
        </span>
    }
}
