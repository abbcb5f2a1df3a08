//! The access map: every user of the marketplace in view against the API roles they hold, each
//! held role with its sources; the roles and who holds them; "can this user call this
//! operation?"; and who can act as whom. Read once through the documented list endpoints
//! (`data::marketplace`), answered by the model's [`AccessMap`] without another request.
use super::files::download;
use crate::auth::Session;
use crate::data::marketplace::{read_marketplace, Progress};
use crate::data::Load;
use crate::spec::Spec;
use gatehouse_model::access::export;
use gatehouse_model::access::{
    describe_assignment, describe_impersonators, describe_targets, elevated_reason, AccessMap, Filter, Operation,
    RoleRef, Row, SignInProblem, SortBy,
};
use gatehouse_model::resources::UserType;
use leptos::prelude::*;
use std::collections::HashSet;
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// Height of a matrix row in pixels (fixed, so the rows in view follow from the scroll offset).
const ROW_H: f64 = 32.0;
/// Height of the matrix's scroll region.
const VIEW_H: f64 = 560.0;
/// Rows drawn above and below those in view.
const OVERSCAN: usize = 4;
/// Width of a role column in pixels (fixed, its name written upwards).
const COL_W: f64 = 30.0;
/// Role columns drawn left and right of those in view.
const COL_OVERSCAN: usize = 4;
/// Items listed at most in one list of a panel (a search narrows it).
const LIST_MAX: usize = 100;

type Map = Arc<AccessMap>;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tab {
    Matrix,
    Holders,
    Call,
    Reach,
}

/// The name the marketplace goes by in headings and file names: its organization's, else the
/// API's host.
fn market_name(session: Session) -> (String, String) {
    let c = session.current_untracked();
    let org = c.as_ref().map(|c| c.org.clone()).unwrap_or_default();
    let name = c
        .map(|c| {
            if c.org_name.is_empty() {
                c.base_url.split("://").nth(1).unwrap_or(&c.base_url).trim_end_matches('/').to_string()
            } else {
                c.org_name
            }
        })
        .unwrap_or_default();
    (org, name)
}

fn user_label(map: &AccessMap, row: &Row) -> String {
    let u = map.user(row);
    let name = format!("{} {}", u.first_name, u.last_name);
    let name = name.trim();
    let company = map.company_id(row);
    match (name.is_empty(), company.is_empty()) {
        (true, true) => u.username.clone(),
        (true, false) => format!("{} ({company})", u.username),
        (false, true) => format!("{} — {name}", u.username),
        (false, false) => format!("{} — {name} ({company})", u.username),
    }
}

fn sources_short(map: &AccessMap, row: &Row, role: RoleRef) -> String {
    map.sources(row, role).iter().map(|s| s.short(map.market())).collect::<Vec<_>>().join("; ")
}

/// The profile's screen with `grant`'s assignment filled in (its level, company and group or user).
fn assign_href(profile: &str, t: UserType, grant: &gatehouse_model::access::Grant) -> String {
    use gatehouse_model::access::AccessLevel;
    let a = &grant.assignment;
    let party = match t {
        UserType::Admin => "admin",
        UserType::Buyer => "buyer",
        UserType::Supplier => "supplier",
    };
    let (level, target) = match grant.level {
        AccessLevel::Marketplace => ("seller".to_string(), None),
        AccessLevel::Buyer => ("buyer".to_string(), None),
        AccessLevel::Supplier => ("supplier".to_string(), None),
        AccessLevel::Group => (format!("{party}group"), a.user_group_id.clone()),
        AccessLevel::User => (format!("{party}user"), a.user_id.clone()),
    };
    let company = a.buyer_id.clone().or_else(|| a.supplier_id.clone()).unwrap_or_default();
    let mut h = crate::route::object_href("enhanced:securityprofiles", "", profile);
    for (k, v) in [("assign.level", Some(level)), ("assign.company", Some(company)), ("assign.target", target)] {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            h.push_str(&format!("&{k}={}", crate::api::enc(&v)));
        }
    }
    h
}

/// How long the last read took, and the memory the portal's WASM holds after it: on the
/// screen's element for `scripts/bench` (`data-read-ms`, `data-build-ms`, `data-wasm-bytes`).
#[derive(Clone, Copy, Default)]
struct Timing {
    read_ms: f64,
    build_ms: f64,
    wasm_bytes: f64,
}

fn wasm_bytes() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().map(|b| b.byte_length() as f64).unwrap_or(0.0))
        .unwrap_or(0.0)
}

/// What the person chose on the screen: kept while the map is read again or grows (the part
/// already known is shown while the rest is read), so a new map never resets the view.
#[derive(Clone, Copy)]
struct Choices {
    tab: RwSignal<Tab>,
    filter: RwSignal<Filter>,
    sort: RwSignal<SortBy>,
}

#[component]
pub fn AccessMapScreen(spec: Arc<Spec>) -> impl IntoView {
    let session = expect_context::<Session>();
    let progress = RwSignal::new(Progress::default());
    // the part of the map already read, while the rest is on its way
    let partial = RwSignal::new(None::<Map>);
    let choices = Choices {
        tab: RwSignal::new(Tab::Matrix),
        filter: RwSignal::new(Filter::default()),
        sort: RwSignal::new(SortBy::User),
    };
    let timing = RwSignal::new(Timing::default());
    let (id, name) = market_name(session);
    // read on every visit (never a stale map); leaving the screen aborts the read
    let load: Load<Map> = Load::new(
        move || Some(()),
        move |_, signal| {
            let (id, name) = (id.clone(), name.clone());
            async move {
                let started = js_sys::Date::now();
                progress.set(Progress::default());
                partial.set(None);
                let m = read_marketplace(
                    session,
                    &id,
                    &name,
                    signal,
                    move |p| {
                        progress.try_set(p);
                    },
                    move |m| {
                        partial.try_set(Some(Arc::new(AccessMap::build(m.clone()))));
                    },
                )
                .await;
                partial.try_set(None);
                let read = js_sys::Date::now();
                let map = Arc::new(AccessMap::build(m?));
                let built = js_sys::Date::now();
                timing.try_set(Timing { read_ms: read - started, build_ms: built - read, wasm_bytes: wasm_bytes() });
                Ok(map)
            }
        },
        true,
    );
    let spec = StoredValue::new(spec);
    view! {
        <section class="enhanced screen" id="screen" data-screen="access-map" aria-label="Access map"
            data-read-ms=move || format!("{:.0}", timing.get().read_ms) data-build-ms=move || format!("{:.0}", timing.get().build_ms)
            data-wasm-bytes=move || timing.get().wasm_bytes.to_string()>
            <header class="screen-head">
                <h2 tabindex="-1">"⚡ Access map"</h2>
                <button type="button" id="am-reload" on:click=move |_| load.reload() disabled=move || load.loading.get()>"Read again"</button>
            </header>
            <p class="muted">"Who holds which API roles in this marketplace and through what (security profile and assignment level), who can call an operation, and who can act as whom. Read from the API's list endpoints each time you open it."</p>
            <Show when=move || load.loading.get()>
                <div class="am-progress" id="am-progress" role="status">
                    <progress aria-label="Reading the marketplace" max=move || progress.get().total.max(1).to_string()
                        value=move || progress.get().loaded.to_string()></progress>
                    <span>{move || {
                        let p = progress.get();
                        format!("Reading the marketplace: {} of {} objects ({} of {} lists{})", p.loaded, p.total, p.lists_done, p.lists,
                            if p.pass == 2 { ", users of each company" } else { "" })
                    }}</span>
                </div>
            </Show>
            {move || {
                // while a read is on its way: the part of it already known, never the older map
                if load.loading.get() {
                    return match partial.get() {
                        Some(map) => view! { <Loaded map=map spec=spec.get_value() choices=choices complete=false/> }.into_any(),
                        None => ().into_any(),
                    };
                }
                load.state.with(|s| match s {
                    Some(Err(p)) => view! { <p class="error" role="alert" id="am-error">{crate::data::one_line(p)}</p> }.into_any(),
                    Some(Ok(map)) => view! { <Loaded map=map.clone() spec=spec.get_value() choices=choices complete=true/> }.into_any(),
                    None => ().into_any(),
                })
            }}
        </section>
    }
}

/// The map's views. `complete` false: the part read so far (whole companies), said above it.
#[component]
fn Loaded(map: Map, spec: Arc<Spec>, choices: Choices, complete: bool) -> impl IntoView {
    let tab = choices.tab;
    let m = map.market();
    let counts = |t: UserType| map.rows().iter().filter(|r| r.user_type == t).count();
    use crate::text::count;
    let parties = |t: UserType| m.parties.iter().filter(|p| p.user_type == t).count();
    let summary = format!(
        "{} ({} admin, {} buyer, {} supplier) in {} and {}; {} in use; {}, {}, {}, {}.",
        count(map.len(), "user", "users"),
        counts(UserType::Admin),
        counts(UserType::Buyer),
        counts(UserType::Supplier),
        count(parties(UserType::Buyer), "buyer", "buyers"),
        count(parties(UserType::Supplier), "supplier", "suppliers"),
        count(map.roles_in_use().len(), "role", "roles"),
        count(m.profiles.len(), "security profile", "security profiles"),
        count(m.assignments.len(), "assignment", "assignments"),
        count(m.api_clients.len(), "API client", "API clients"),
        count(m.impersonation_configs.len(), "impersonation config", "impersonation configs"),
    );
    let gaps: Vec<String> = m.gaps.iter().map(|g| g.describe()).collect();
    let tab_button = move |t: Tab, id: &'static str, label: &'static str| {
        view! { <button type="button" id=id class="tab" aria-pressed=move || (tab.get() == t).to_string() on:click=move |_| tab.set(t)>{label}</button> }
    };
    let (m1, m2, m3) = (map.clone(), map.clone(), map.clone());
    view! {
        <div id=if complete { "am-ready" } else { "am-partial" } data-users=map.len().to_string()>
            {(!complete).then(|| view! {
                <p class="warn" id="am-partial-note">"The part read so far: every user shown here is complete with all their roles; the users of companies still being read are not in it yet."</p>
            })}
            <p id="am-summary">{summary}</p>
            {(!gaps.is_empty()).then(|| view! {
                <div class="warn" id="am-gaps" role="status">
                    <p><strong>"This map is incomplete: your roles do not let you read all of it."</strong></p>
                    <ul>{gaps.into_iter().map(|g| view! { <li>{g}</li> }).collect_view()}</ul>
                </div>
            })}
            <div class="row tabs" role="group" aria-label="Views">
                {tab_button(Tab::Matrix, "am-tab-matrix", "Users × roles")}
                {tab_button(Tab::Holders, "am-tab-holders", "Roles → holders")}
                {tab_button(Tab::Call, "am-tab-call", "Can this user call…?")}
                {tab_button(Tab::Reach, "am-tab-reach", "Impersonation reach")}
            </div>
            <Show when=move || matches!(tab.get(), Tab::Matrix | Tab::Holders)>
                <Review map=m1.clone() choices=choices holders=Signal::derive(move || tab.get() == Tab::Holders)/>
            </Show>
            <Show when=move || tab.get() == Tab::Call><CanCall map=m2.clone() spec=spec.clone()/></Show>
            <Show when=move || tab.get() == Tab::Reach><Reach map=m3.clone()/></Show>
        </div>
    }
}

/// The filters, and the matrix or the roles → holders view of the users they keep.
#[component]
fn Review(map: Map, choices: Choices, holders: Signal<bool>) -> impl IntoView {
    let Choices { filter, sort, .. } = choices;
    let mv = map.clone();
    let shown: Memo<Vec<u32>> = Memo::new(move |_| filter.with(|f| mv.view(f, sort.get())));
    let selected = RwSignal::new(None::<u32>);
    // the detail closes while its user is filtered out of view
    let open = Memo::new(move |_| selected.get().filter(|r| shown.with(|s| s.contains(r))));
    let m = map.market();
    let companies: Vec<(usize, String)> = m
        .parties
        .iter()
        .enumerate()
        .filter(|(_, p)| p.user_type != UserType::Admin)
        .map(|(i, p)| {
            let name = if p.company.name.is_empty() { p.company.id.clone() } else { p.company.name.clone() };
            let inactive = if p.company.active { "" } else { ", inactive" };
            (i, format!("{name} ({} {}{inactive})", p.user_type.as_str(), p.company.id))
        })
        .collect();
    let groups: Vec<((usize, usize), String, String)> = m
        .parties
        .iter()
        .enumerate()
        .flat_map(|(pi, p)| {
            p.groups.iter().enumerate().map(move |(gi, g)| {
                let name = if g.name.is_empty() { g.id.clone() } else { g.name.clone() };
                let owner = if p.company.id.is_empty() { "admin".to_string() } else { p.company.id.clone() };
                ((pi, gi), format!("{pi}:{gi}"), format!("{name} ({owner})"))
            })
        })
        .collect();
    let roles: Vec<(RoleRef, String, String)> = map
        .roles_in_use()
        .into_iter()
        .map(|(r, n)| {
            let name = map.role_name(r).to_string();
            let custom = if matches!(r, RoleRef::Custom(_)) { ", custom" } else { "" };
            (r, name.clone(), format!("{name} ({n}{custom})"))
        })
        .collect();
    let mr = map.clone();
    let set_role = move |v: String| filter.update(|f| f.role = mr.role_ref(&v));
    let me = map.clone();
    let export_file = move |ext: &'static str| {
        let rows = shown.get_untracked();
        let time = String::from(js_sys::Date::new_0().to_iso_string());
        let name = export::file_name(&me, &time, ext);
        if ext == "csv" {
            download(&name, "text/csv;charset=utf-8", &export::csv(&me, &rows));
        } else {
            download(&name, "application/json", &export::json(&me, &rows, &time));
        }
    };
    let (m1, m2, m3) = (map.clone(), map.clone(), map.clone());
    view! {
        <div class="row pickers am-filters" role="group" aria-label="Filters">
            <span class="pair"><label for="am-search">"Search"</label>
            <input id="am-search" type="search" placeholder="Name, username, ID or email" size="28" prop:value=move || filter.with(|f| f.search.clone())
                on:input=move |ev| filter.update(|f| f.search = event_target_value(&ev))/></span>
            <span class="pair"><label for="am-type">"User type"</label>
            <select id="am-type" on:change=move |ev| filter.update(|f| f.user_type = UserType::parse(&event_target_value(&ev)))>
                <option value="">"All"</option>
                {[UserType::Admin, UserType::Buyer, UserType::Supplier].into_iter().map(|t| view! {
                    <option value=t.as_str() selected=filter.with_untracked(|f| f.user_type == Some(t))>{t.as_str()}</option>
                }).collect_view()}
            </select></span>
            <span class="pair"><label for="am-company">"Company"</label>
            <select id="am-company" on:change=move |ev| filter.update(|f| f.company = event_target_value(&ev).parse().ok())>
                <option value="">"All"</option>
                {companies.into_iter().map(|(i, label)| view! {
                    <option value=i.to_string() selected=filter.with_untracked(|f| f.company == Some(i))>{label}</option>
                }).collect_view()}
            </select></span>
            <span class="pair"><label for="am-group">"Group"</label>
            <select id="am-group" on:change=move |ev| filter.update(|f| {
                let v = event_target_value(&ev);
                f.group = v.split_once(':').and_then(|(p, g)| Some((p.parse().ok()?, g.parse().ok()?)));
            })>
                <option value="">"All"</option>
                {groups.into_iter().map(|(g, v, label)| view! {
                    <option value=v selected=filter.with_untracked(|f| f.group == Some(g))>{label}</option>
                }).collect_view()}
            </select></span>
            <span class="pair"><label for="am-role">"Role"</label>
            <select id="am-role" on:change=move |ev| set_role(event_target_value(&ev))>
                <option value="">"All"</option>
                {roles.into_iter().map(|(r, v, label)| view! {
                    <option value=v selected=filter.with_untracked(|f| f.role == Some(r))>{label}</option>
                }).collect_view()}
            </select></span>
            <span class="pair"><label for="am-status">"Status"</label>
            <select id="am-status" on:change=move |ev| filter.update(|f| f.active = match event_target_value(&ev).as_str() { "active" => Some(true), "inactive" => Some(false), _ => None })>
                <option value="">"All"</option>
                <option value="active" selected=filter.with_untracked(|f| f.active == Some(true))>"Active"</option>
                <option value="inactive" selected=filter.with_untracked(|f| f.active == Some(false))>"Inactive (or of an inactive company)"</option>
            </select></span>
            <label class="check"><input type="checkbox" id="am-elevated" prop:checked=move || filter.with(|f| f.elevated) on:change=move |ev| filter.update(|f| f.elevated = event_target_checked(&ev))/>"Only elevated roles"</label>
            <span class="pair"><label for="am-sort">"Sort"</label>
            <select id="am-sort" on:change=move |ev| sort.set(match event_target_value(&ev).as_str() {
                "user-desc" => SortBy::UserDescending, "most" => SortBy::MostRoles, "fewest" => SortBy::FewestRoles, _ => SortBy::User })>
                {[(SortBy::User, "user", "By user (A–Z)"), (SortBy::UserDescending, "user-desc", "By user (Z–A)"),
                  (SortBy::MostRoles, "most", "Most roles first"), (SortBy::FewestRoles, "fewest", "Fewest roles first")]
                    .into_iter()
                    .map(|(by, v, label)| view! { <option value=v selected=sort.get_untracked() == by>{label}</option> })
                    .collect_view()}
            </select></span>
        </div>
        <div class="row">
            <span id="am-count" role="status">{move || format!("{} of {} users", shown.with(Vec::len), m3.len())}</span>
            <button type="button" id="am-export-csv" on:click={ let e = export_file.clone(); move |_| e("csv") }>"Export CSV"</button>
            <button type="button" id="am-export-json" on:click=move |_| export_file("json")>"Export JSON"</button>
        </div>
        {move || if holders.get() {
            view! { <Holders map=m1.clone() shown=shown/> }.into_any()
        } else {
            view! { <Matrix map=m1.clone() shown=shown selected=selected/> }.into_any()
        }}
        {move || open.get().map(|r| view! { <Detail map=m2.clone() row=r/> })}
    }
}

/// Opens one user's detail below the map and moves the focus (and the view) to it.
fn open_detail(selected: RwSignal<Option<u32>>, row: u32) {
    selected.set(Some(row));
    request_animation_frame(|| crate::components::focus("#am-detail h3"));
}

/// Sets `signal` only when the value differs (a set always wakes what reads it).
fn set_changed(signal: RwSignal<f64>, value: f64) {
    if signal.get_untracked() != value {
        signal.set(value);
    }
}

/// Users × roles: only the rows and the role columns in view are drawn (fixed row height and
/// column width, so the scroll offsets pick them), with spacers standing for the rest.
#[component]
fn Matrix(map: Map, shown: Memo<Vec<u32>>, selected: RwSignal<Option<u32>>) -> impl IntoView {
    let top = RwSignal::new(0.0f64);
    let left = RwSignal::new(0.0f64);
    // the region's inner width, and where the role columns begin (measured; 0 until known)
    let width = RwSignal::new(0.0f64);
    let fixed = RwSignal::new(0.0f64);
    let region = NodeRef::<leptos::html::Div>::new();
    let measure = move || {
        if let Some(el) = region.get_untracked() {
            set_changed(width, el.client_width() as f64);
            if let Ok(Some(start)) = el.query_selector("thead .colspace") {
                if let Ok(start) = start.dyn_into::<web_sys::HtmlElement>() {
                    set_changed(fixed, start.offset_left() as f64);
                }
            }
        }
    };
    // measured once laid out for the next frame anyway (reading sizes now would force a layout)
    Effect::new(move |_| {
        if region.get().is_some() {
            request_animation_frame(measure);
        }
    });
    let _resize = window_event_listener(leptos::ev::resize, move |_| measure());
    // a new filter or sort starts at the top
    Effect::new(move |_| {
        shown.track();
        // (only when scrolled: setting it forces a layout of the new rows)
        if top.get_untracked() > 0.0 {
            if let Some(el) = region.get_untracked() {
                el.set_scroll_top(0);
            }
            top.set(0.0);
        }
    });
    let cols: Vec<RoleRef> =
        map.roles_in_use().into_iter().map(|(r, _)| r).filter(|r| matches!(r, RoleRef::Api(_))).collect();
    let has_custom = !map.custom_roles().is_empty();
    let head: Vec<String> = cols.iter().map(|r| map.role_name(*r).to_string()).collect();
    let n_cols = cols.len();
    let cols = StoredValue::new(cols);
    let head = StoredValue::new(head);
    // the rows in view: redrawn when that window moves, not on every scrolled pixel
    let range = Memo::new(move |_| {
        let n = shown.with(Vec::len);
        let first = ((top.get() / ROW_H) as usize).saturating_sub(OVERSCAN).min(n);
        let last = (first + (VIEW_H / ROW_H) as usize + 2 * OVERSCAN).min(n);
        (first, last, n)
    });
    // the role columns in view: those between the left edge (less the fixed columns) and the
    // right edge of the region
    let col_range = Memo::new(move |_| {
        let w = if width.get() > 0.0 { width.get() } else { 1600.0 };
        let (l, f) = (left.get(), fixed.get());
        let first = (((l - f) / COL_W).floor().max(0.0) as usize).saturating_sub(COL_OVERSCAN).min(n_cols);
        let last = ((((l + w - f) / COL_W).ceil().max(0.0) as usize) + COL_OVERSCAN).min(n_cols);
        (first, last.max(first))
    });
    let spacer = move |skipped: usize| {
        (skipped > 0).then(|| {
            let w = format!("{}px", skipped as f64 * COL_W);
            view! { <td aria-hidden="true" class="colspace" style:width=w.clone() style:min-width=w style:padding="0"></td> }
        })
    };
    // always there (its offset is where the role columns begin), as wide as the columns left out
    let start_spacer = move |skipped: usize| {
        let w = format!("{}px", skipped as f64 * COL_W);
        view! { <td aria-hidden="true" class="colspace" style:width=w.clone() style:min-width=w style:padding="0"></td> }
    };
    let mr = map.clone();
    let rows = move || {
        let (first, last, n) = range.get();
        let (c0, c1) = col_range.get();
        let ids: Vec<u32> = shown.with(|s| s[first..last].to_vec());
        let map = mr.clone();
        let body = ids
            .into_iter()
            .enumerate()
            .map(|(k, r)| {
                let row = map.row(r as usize);
                let user = map.user(row);
                let username = user.username.clone();
                let party = map.party(row);
                let marks = [(!user.active).then_some("user inactive"), (!party.company.active).then_some("company inactive")]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ");
                let label = user_label(&map, row);
                let n_roles = row.roles.len() as usize + row.custom.len();
                let cells = cols.with_value(|cols| {
                    cols[c0..c1]
                        .iter()
                        .enumerate()
                        .map(|(j, c)| {
                            let role = map.role_name(*c).to_string();
                            let index = (c0 + j + 4).to_string();
                            if map.holds(row, *c) {
                                let src = sources_short(&map, row, *c);
                                let aria = format!("{role} held by {username} through {src}");
                                view! { <td data-role=role title=src class="held" aria-colindex=index>
                                    <button type="button" class="cell" aria-label=aria on:click=move |_| open_detail(selected, r)>"●"</button>
                                </td> }
                                .into_any()
                            } else {
                                view! { <td data-role=role class="role" aria-colindex=index></td> }.into_any()
                            }
                        })
                        .collect_view()
                });
                let custom = has_custom.then(|| {
                    let names = map.custom_names(row).join(", ");
                    let text = names.clone();
                    view! { <td class="custom" data-custom=names aria-colindex=(n_cols + 4).to_string()>{text}</td> }
                });
                let inactive = !marks.is_empty();
                view! {
                    <tr data-user=username.clone() aria-rowindex=(first + k + 2).to_string() class:inactive=inactive>
                        <th scope="row" class="user" aria-colindex="1">
                            <button type="button" class="link" on:click=move |_| open_detail(selected, r)>{label}</button>
                            {inactive.then(|| view! { <span class="badge">{marks}</span> })}
                        </th>
                        <td aria-colindex="2">{row.user_type.as_str()}</td>
                        <td class="num" aria-colindex="3">{n_roles}</td>
                        {start_spacer(c0)}
                        {cells}
                        {spacer(n_cols - c1)}
                        {custom}
                    </tr>
                }
            })
            .collect_view();
        let above = first as f64 * ROW_H;
        let below = (n - last) as f64 * ROW_H;
        let span = (n_cols + 5 + usize::from(has_custom)).to_string();
        view! {
            {(above > 0.0).then(|| view! { <tr aria-hidden="true" class="spacer" style:height=format!("{above}px")><td colspan=span.clone()></td></tr> })}
            {body}
            {(below > 0.0).then(|| view! { <tr aria-hidden="true" class="spacer" style:height=format!("{below}px")><td colspan=span></td></tr> })}
        }
    };
    let header = move || {
        let (c0, c1) = col_range.get();
        let cells = head.with_value(|head| {
            head[c0..c1]
                .iter()
                .enumerate()
                .map(|(j, h)| {
                    let elevated = elevated_reason(h);
                    view! { <th scope="col" class="role" class:elevated=elevated.is_some() title=elevated.unwrap_or_default()
                        aria-colindex=(c0 + j + 4).to_string()><span>{h.clone()}</span></th> }
                })
                .collect_view()
        });
        view! { {start_spacer(c0)} {cells} {spacer(n_cols - c1)} }
    };
    let colcount = (n_cols + 3 + usize::from(has_custom)).to_string();
    view! {
        <div class="am-matrix" id="am-matrix" node_ref=region tabindex="0" role="region" aria-label="Users and the roles they hold"
            style:max-height=format!("{VIEW_H}px") on:scroll=move |ev| {
                let el: web_sys::Element = event_target(&ev);
                set_changed(top, el.scroll_top() as f64);
                set_changed(left, el.scroll_left() as f64);
                set_changed(width, el.client_width() as f64);
            }>
            <table class="grid" aria-rowcount=move || (shown.with(Vec::len) + 1).to_string() aria-colcount=colcount>
                <thead><tr aria-rowindex="1">
                    <th scope="col" class="user" aria-colindex="1">"User"</th><th scope="col" aria-colindex="2">"Type"</th><th scope="col" aria-colindex="3">"Roles"</th>
                    {header}
                    {has_custom.then(|| view! { <th scope="col" aria-colindex=(n_cols + 4).to_string()>"Custom roles"</th> })}
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <Show when=move || shown.with(Vec::is_empty)><p class="muted" id="am-none">"No user matches these filters."</p></Show>
    }
}

/// One user: every role held, each with its sources, and why the elevated ones are elevated.
#[component]
fn Detail(map: Map, row: u32) -> impl IntoView {
    let r = map.row(row as usize);
    let user = map.user(r);
    let party = map.party(r);
    let m = map.market();
    let groups = map.group_ids(r);
    let mut roles: Vec<RoleRef> = r.roles.iter().map(RoleRef::Api).collect();
    roles.extend(r.custom.iter().map(|c| RoleRef::Custom(*c as usize)));
    let company = if party.company.id.is_empty() {
        "the marketplace (admin user)".to_string()
    } else {
        format!("{} {} ({})", r.user_type.as_str(), party.company.name, party.company.id)
    };
    view! {
        <div class="panel" id="am-detail" data-user=user.username.clone()>
            <h3 tabindex="-1">{format!("{} holds {}", user_label(&map, r), crate::text::count(roles.len(), "role", "roles"))}</h3>
            <p>{format!("Company: {company}{}. Groups: {}. {}",
                if party.company.active { "" } else { " — inactive" },
                if groups.is_empty() { "none".to_string() } else { groups.join(", ") },
                if user.active { "Active." } else { "Inactive: cannot sign in." })}</p>
            <div class="table-scroll" role="region" tabindex="0" aria-label="Roles of this user and where they come from"><table class="grid">
                <thead><tr><th scope="col">"Role"</th><th scope="col">"Granted through"</th></tr></thead>
                <tbody>{roles.into_iter().map(|role| {
                    let name = map.role_name(role).to_string();
                    let kind = if matches!(role, RoleRef::Custom(_)) { " (custom)" } else { "" };
                    let why = elevated_reason(&name).map(|w| format!("Elevated: {w}."));
                    let sources: Vec<String> = map.sources(r, role).iter().map(|s| format!("{} — {} level", s.describe(m), s.level.as_str())).collect();
                    view! { <tr data-role=name.clone()>
                        <th scope="row"><code>{name.clone()}</code>{kind}{why.map(|w| view! { <div class="warn small">{w}</div> })}</th>
                        <td><ul>{sources.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul></td>
                    </tr> }
                }).collect_view()}</tbody>
            </table></div>
        </div>
    }
}

/// Roles → the users (kept by the filters) holding them.
#[component]
fn Holders(map: Map, shown: Memo<Vec<u32>>) -> impl IntoView {
    let open = RwSignal::new(HashSet::<String>::new());
    let roles = map.roles_in_use();
    let m = map.clone();
    move || {
        let ids = shown.get();
        let map = m.clone();
        view! {
            <div id="am-holders">
                {roles.iter().map(|(role, _)| {
                    let role = *role;
                    let name = map.role_name(role).to_string();
                    let holders: Vec<u32> = ids.iter().copied().filter(|r| map.holds(map.row(*r as usize), role)).collect();
                    let n = holders.len();
                    let custom = matches!(role, RoleRef::Custom(_));
                    let elevated = elevated_reason(&name);
                    let (map, name1, name2, name3, name4) = (map.clone(), name.clone(), name.clone(), name.clone(), name.clone());
                    view! {
                        <details class="am-role" data-role=name1 data-holders=n.to_string()
                            prop:open=move || open.with(|o| o.contains(&name2))
                            on:toggle=move |ev| {
                                let el: web_sys::HtmlDetailsElement = event_target(&ev);
                                let now = el.open();
                                open.update(|o| { if now { o.insert(name3.clone()); } else { o.remove(&name3); } });
                            }>
                            <summary>
                                <code>{name4}</code>
                                {format!(" — {n} {}", if n == 1 { "holder" } else { "holders" })}
                                {custom.then_some(" (custom role)")}
                                {elevated.map(|w| view! { <span class="badge" title=w>" elevated"</span> })}
                            </summary>
                            {move || open.with(|o| o.contains(&name)).then(|| view! {
                                <ul>{holders.iter().take(LIST_MAX * 5).map(|r| {
                                    let row = map.row(*r as usize);
                                    let user = map.user(row).username.clone();
                                    view! { <li data-user=user>{format!("{} — {}", user_label(&map, row), sources_short(&map, row, role))}</li> }
                                }).collect_view()}</ul>
                            })}
                        </details>
                    }
                }).collect_view()}
            </div>
        }
    }
}

/// "Can this user call this operation through this application?"
#[component]
fn CanCall(map: Map, spec: Arc<Spec>) -> impl IntoView {
    let session = expect_context::<Session>();
    let user = RwSignal::new(String::new());
    let client = RwSignal::new(String::new());
    let op = RwSignal::new(String::new());
    let users: Vec<(String, String)> = map
        .view(&Filter::default(), SortBy::User)
        .into_iter()
        .map(|r| (r.to_string(), user_label(&map, map.row(r as usize))))
        .collect();
    let clients: Vec<(String, String)> = map
        .market()
        .api_clients
        .iter()
        .map(|c| (c.id.clone(), format!("{}{}", c.app_name, if c.active { "" } else { " (inactive)" })))
        .collect();
    let ops: Vec<(String, String)> = spec.ops.iter().map(|o| (o.key.clone(), o.label())).collect();
    let viewer = session.current_untracked().and_then(|c| map.find_username(&c.username));
    let m = map.clone();
    let answer = move || {
        let (u, c, k) = (user.get(), client.get(), op.get());
        let (Ok(r), false, Some(o)) = (u.parse::<usize>(), c.is_empty(), spec.op(&k)) else {
            return view! { <p class="muted" id="cc-hint">"Pick a user, an API client and an operation."</p> }
                .into_any();
        };
        let map = m.clone();
        let operation = Operation { id: &o.operation_id, method: &o.method, path: &o.path, roles: &o.roles };
        let check = map.can_call(r, &c, &operation);
        let row = map.row(r);
        let t = row.user_type;
        let username = map.user(row).username.clone();
        let client_name =
            map.market().api_clients.iter().find(|x| x.id == c).map(|x| x.app_name.clone()).unwrap_or(c.clone());
        let verdict = if check.allowed {
            format!("Yes: {username} can call {} through {client_name}.", o.key)
        } else {
            format!("No: {username} cannot call {} through {client_name}.", o.key)
        };
        let m = map.market();
        let held: Vec<String> = check
            .held
            .iter()
            .map(|(i, via)| {
                let role = gatehouse_model::roles::ALL_ROLES[*i];
                let through: Vec<String> = via
                    .iter()
                    .map(|a| {
                        let p = map.profile_of(*a).map(|p| format!("{} ({})", p.name, p.id)).unwrap_or_default();
                        format!("{p} assigned to {}", describe_assignment(&m.assignments[*a]))
                    })
                    .collect();
                format!("Holds {role} through {}.", through.join("; "))
            })
            .collect();
        let roles_line = if o.roles.is_empty() {
            "The operation needs no role: any valid token may call it.".to_string()
        } else {
            let own: Vec<&str> = o.roles.iter().map(String::as_str).filter(|r| *r != "FullAccess").collect();
            format!("The operation needs one of: {}, or FullAccess.", own.join(", "))
        };
        let sign_in: Vec<AnyView> = check
            .sign_in
            .iter()
            .map(|p| {
                let text = p.describe(t);
                let fix = matches!(p, SignInProblem::ClientDoesNotAdmit { fix: Some(_) }).then(|| {
                    let href = crate::route::object_href("enhanced:apiclients", "", &c);
                    let what = format!(
                        "Assign {} {} to {client_name} on the API clients screen",
                        t.as_str(),
                        map.company_id(row)
                    );
                    view! { " " <a href=href class="cc-fix">{what}</a> }
                });
                view! { <li>{text}{fix}</li> }.into_any()
            })
            .collect();
        let scope = check.scope.note(t);
        let missing = (!check.missing.is_empty())
            .then(|| format!("Missing: {} holds none of {}.", username, check.missing.join(", ")));
        let grants: Vec<AnyView> = check
            .grants
            .iter()
            .take(5)
            .map(|g| {
                let p = &m.profiles[g.profile];
                let to = describe_assignment(&g.assignment);
                let level_note = if g.level == gatehouse_model::access::AccessLevel::User {
                    " (a user-level assignment: hard to keep track of; prefer a group or the company)"
                } else {
                    ""
                };
                let href = assign_href(&p.id, t, g);
                let link = format!("Assign {} to {to}", p.id);
                // what else the profile hands out that reviewers watch for
                let wanted = g.roles.names();
                let also: Vec<&str> =
                    p.roles.iter().map(String::as_str).filter(|r| elevated_reason(r).is_some() && !wanted.iter().any(|w| w == r)).collect();
                let elevated_note = (!also.is_empty()).then(|| {
                    view! { <span class="warn small cc-elevated">{format!(" It also grants elevated roles: {}.", also.join(", "))}</span> }
                });
                let can = viewer.is_some_and(|v| map.may_make(v, g));
                let who = if can {
                    "You can make this assignment.".to_string()
                } else {
                    let names: Vec<String> = map
                        .who_can_make(g)
                        .into_iter()
                        .take(10)
                        .map(|w| map.user(map.row(w as usize)).username.clone())
                        .collect();
                    if names.is_empty() {
                        "Nobody in this map can make it (it needs an admin user with SecurityProfileAdmin or SetSecurityProfile and either GrantForAnyRole or every role of the profile).".into()
                    } else {
                        format!("You cannot make it; who can: {}.", names.join(", "))
                    }
                };
                view! { <li class="cc-grant">
                    {format!("Assign {} ({}) — it holds {} — to {to}{level_note}. ", p.name, p.id, g.roles.names().join(", "))}
                    <a href=href>{link}</a>
                    {format!(" {who}")}
                    {elevated_note}
                </li> }
                .into_any()
            })
            .collect();
        let no_profile = check.no_profile.then(|| {
            // a role that would do (never FullAccess: that one is granted only with its own warning)
            let role = check.missing.iter().find(|r| **r != "FullAccess").copied().unwrap_or_default();
            let href = crate::route::new_href(
                "enhanced:securityprofiles",
                &[("Name", format!("Can call {}", o.key)), ("Roles", role.to_string())],
            );
            view! { <p id="cc-no-profile">"No security profile holds any of these roles (profiles that would give FullAccess, or an organization's own, are not suggested). "<a href=href>"Make a profile"</a>" holding one, then assign it."</p> }
        });
        let allowed = if check.allowed { "yes" } else { "no" };
        view! {
            <div class="panel" id="cc-result" data-allowed=allowed>
                <p id="cc-answer" class=if check.allowed { "ok" } else { "error" }><strong>{verdict}</strong></p>
                <p>{roles_line}</p>
                {(!held.is_empty()).then(|| view! { <ul id="cc-held">{held.into_iter().map(|h| view! { <li>{h}</li> }).collect_view()}</ul> })}
                {missing.map(|t| view! { <p id="cc-missing">{t}</p> })}
                {if check.sign_in.is_empty() {
                    view! { <p id="cc-sign-in">{format!("{username} may sign in through {client_name}.")}</p> }.into_any()
                } else {
                    view! { <div id="cc-sign-in"><p>{format!("{username} may not sign in through {client_name}:")}</p><ul>{sign_in}</ul></div> }.into_any()
                }}
                {scope.map(|s| view! { <p class="muted" id="cc-scope">{s}</p> })}
                {(!grants.is_empty()).then(|| view! { <div id="cc-grants"><p>"Assignments that would grant it (a group of the user first, then the company, the user alone last):"</p><ul>{grants}</ul></div> })}
                {no_profile}
            </div>
        }
        .into_any()
    };
    view! {
        <div class="panel" id="am-call">
            <h3>"Can this user call this operation?"</h3>
            <div class="row pickers">
                <label for="cc-user">"User"</label>
                <select id="cc-user" on:change=move |ev| user.set(event_target_value(&ev))>
                    <option value="">"— choose a user —"</option>
                    {users.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
                <label for="cc-client">"API client"</label>
                <select id="cc-client" on:change=move |ev| client.set(event_target_value(&ev))>
                    <option value="">"— choose an API client —"</option>
                    {clients.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
                <label for="cc-op">"Operation"</label>
                <select id="cc-op" on:change=move |ev| op.set(event_target_value(&ev))>
                    <option value="">"— choose an operation —"</option>
                    {ops.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
            </div>
            {answer}
        </div>
    }
}

/// Who can act as whom: every config resolved, and both ways for a picked user.
#[component]
fn Reach(map: Map) -> impl IntoView {
    let m = map.market();
    let configs: Vec<AnyView> = map
        .impersonation_reach()
        .into_iter()
        .map(|c| {
            let cfg = &m.impersonation_configs[c.config];
            let client = match c.client {
                Some(i) => {
                    let a = &m.api_clients[i];
                    format!("{}{}", a.app_name, if a.active { "" } else { " (inactive)" })
                }
                None => format!("{} (not listed)", cfg.client_id),
            };
            let profile = match c.profile {
                Some(i) => format!("{} ({})", m.profiles[i].name, m.profiles[i].id),
                None => format!("{} (not listed)", cfg.security_profile_id),
            };
            let flag = if c.every_buyer {
                "reaches every user of every buyer"
            } else if c.whole_buyer {
                "reaches every user of a buyer"
            } else {
                ""
            };
            view! { <tr data-config=cfg.id.clone()>
                <th scope="row">{cfg.id.clone()}</th>
                <td>{format!("{} ({} users)", describe_impersonators(cfg), c.impersonators)}</td>
                <td>{format!("{} ({} buyer users)", describe_targets(cfg), c.targets)}</td>
                <td>{client}</td><td>{profile}</td>
                <td>{(!flag.is_empty()).then(|| view! { <span class="badge warn">{flag}</span> })}</td>
            </tr> }
            .into_any()
        })
        .collect();
    let none = configs.is_empty();
    let reps: Vec<(String, String)> = map
        .view(&Filter::default(), SortBy::User)
        .into_iter()
        .filter(|r| map.row(*r as usize).user_type != UserType::Supplier)
        .map(|r| (r.to_string(), user_label(&map, map.row(r as usize))))
        .collect();
    let buyers: Vec<(String, String)> = map
        .view(&Filter { user_type: Some(UserType::Buyer), ..Filter::default() }, SortBy::User)
        .into_iter()
        .map(|r| (r.to_string(), user_label(&map, map.row(r as usize))))
        .collect();
    let rep = RwSignal::new(String::new());
    let target = RwSignal::new(String::new());
    let rep_search = RwSignal::new(String::new());
    let target_search = RwSignal::new(String::new());
    let (ma, mb) = (map.clone(), map.clone());
    let list = move |map: &AccessMap,
                     found: Vec<(u32, gatehouse_model::access::ActAs)>,
                     needle: String,
                     id: &'static str| {
        let needle = needle.trim().to_lowercase();
        let m = map.market();
        let matching: Vec<(String, String, String)> = found
            .into_iter()
            .map(|(r, a)| {
                let row = map.row(r as usize);
                let how = if a.works() {
                    format!("through {}", m.impersonation_configs[a.config].id)
                } else {
                    format!(
                        "config {} matches but does not work: {}",
                        m.impersonation_configs[a.config].id,
                        a.problems.iter().map(|p| p.describe()).collect::<Vec<_>>().join("; ")
                    )
                };
                (map.user(row).username.clone(), user_label(map, row), how)
            })
            .filter(|(_, label, _)| needle.is_empty() || label.to_lowercase().contains(&needle))
            .collect();
        let n = matching.len();
        view! {
            <p role="status">{format!("{n} {}", if n == 1 { "user" } else { "users" })}{(n > LIST_MAX).then(|| format!(", the first {LIST_MAX} shown: search to narrow"))}</p>
            <ul id=id>{matching.into_iter().take(LIST_MAX).map(|(u, label, how)| view! { <li data-user=u>{format!("{label} — {how}")}</li> }).collect_view()}</ul>
        }
        .into_any()
    };
    let as_rep = move || {
        let r: usize = rep.get().parse().ok()?;
        Some(list(&ma, ma.acts_as(r), rep_search.get(), "ir-acts-as"))
    };
    let as_target = move || {
        let r: usize = target.get().parse().ok()?;
        Some(list(&mb, mb.who_can_act_as(r), target_search.get(), "ir-acted-by"))
    };
    view! {
        <div class="panel" id="am-reach">
            <h3>"Impersonation reach"</h3>
            {if none {
                view! { <p class="muted" id="ir-none">"No impersonation config: nobody can act as anyone."</p> }.into_any()
            } else {
                view! { <div class="table-scroll" role="region" tabindex="0" aria-label="Impersonation configs"><table class="grid" id="ir-configs">
                    <thead><tr><th scope="col">"Config"</th><th scope="col">"Who impersonates"</th><th scope="col">"Whom"</th>
                        <th scope="col">"Application"</th><th scope="col">"Profile granted"</th><th scope="col">"Reach"</th></tr></thead>
                    <tbody>{configs}</tbody>
                </table></div> }.into_any()
            }}
            <h4>"Whom can this user act as?"</h4>
            <div class="row pickers">
                <label for="ir-rep">"Admin or buyer user"</label>
                <select id="ir-rep" on:change=move |ev| rep.set(event_target_value(&ev))>
                    <option value="">"— choose —"</option>
                    {reps.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
                <label for="ir-rep-search">"Search the buyer users"</label>
                <input id="ir-rep-search" type="search" on:input=move |ev| rep_search.set(event_target_value(&ev))/>
            </div>
            {as_rep}
            <h4>"Who can act as this buyer user?"</h4>
            <div class="row pickers">
                <label for="ir-target">"Buyer user"</label>
                <select id="ir-target" on:change=move |ev| target.set(event_target_value(&ev))>
                    <option value="">"— choose —"</option>
                    {buyers.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
                <label for="ir-target-search">"Search the users who can"</label>
                <input id="ir-target-search" type="search" on:input=move |ev| target_search.set(event_target_value(&ev))/>
            </div>
            {as_target}
        </div>
    }
}
