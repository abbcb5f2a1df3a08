//! One enhanced screen for a resource of the model: a list (search, sort, paging, and the
//! parent buyer / supplier for nested resources) beside an editor (create, edit, delete) laid
//! out by a [`ScreenDef`]. Input is validated with the model's rules before sending; whatever
//! the API or the network answers, the input stays on screen.
use super::screen_def::*;
use super::widgets::*;
use crate::auth::Session;
use crate::components::Problems;
use crate::components::{Busy, Spinner};
use crate::data::{held_roles, Problem, Write};
use crate::data::{At, Load};
use crate::fields::{self, check_box, json_box, lines_box, password_box, text_box, Row};
use crate::route::Route;
use gatehouse_model::list::ListQuery;
use gatehouse_model::read::text;
use gatehouse_model::resources::article;
use gatehouse_model::resources::{label, Kind, ResourceDef, Ty, UserType};
use gatehouse_model::roles::allows;
use gatehouse_model::validate::{validate_with, Mode};
use leptos::prelude::*;
use serde_json::{Map, Value};
use std::collections::HashMap;

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("{} item{}", a.len(), if a.len() == 1 { "" } else { "s" }),
        other => other.to_string(),
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| std::iter::once(f.to_ascii_uppercase()).chain(c).collect()).unwrap_or_default()
}

/// Everything wrong with the draft, by field, before anything is sent: what cannot be read
/// yet, and the model's validator (the same rules and words as the console and the sandbox).
fn check(def: &ResourceDef, form: Form) -> Result<Map<String, Value>, HashMap<String, String>> {
    let mut errs: HashMap<String, String> = form.local.get_untracked();
    let body = Value::Object(form.draft.get_untracked());
    let policy = def.kind.user_type().map(|_| UserType::of_path(def.path, None).password_policy());
    let cleaned = match validate_with(def.schema, def.required, &body, Mode::Full, policy) {
        Ok(m) => Some(m),
        Err(list) => {
            for e in list {
                let prop = e.data["Property"].as_str().unwrap_or("").to_string();
                errs.entry(prop).or_insert(e.message);
            }
            None
        }
    };
    match cleaned {
        Some(m) if errs.is_empty() => Ok(m),
        _ => Err(errs),
    }
}

/// The properties of `now` that differ from `before` (removed ones become null).
fn changes(before: &Map<String, Value>, now: &Map<String, Value>, def: &ResourceDef) -> Map<String, Value> {
    let mut out = Map::new();
    for f in def.schema.fields.iter().filter(|f| !f.read_only) {
        let (a, b) = (before.get(f.name), now.get(f.name));
        if a != b {
            out.insert(f.name.into(), b.cloned().unwrap_or(Value::Null));
        }
    }
    out
}

#[component]
pub fn ResourceScreen(def: &'static ScreenDef) -> impl IntoView {
    let session = expect_context::<Session>();
    let route = expect_context::<Route>();
    let rdef = def.kind.def();
    // list state; the parent of nested resources may come with the address
    let parent = RwSignal::new(if rdef.parent.is_some() { route.object.get_untracked().0 } else { String::new() });
    let search = RwSignal::new(String::new());
    let sort = RwSignal::new(String::new());
    let desc = RwSignal::new(false);
    let page = RwSignal::new(1u32);
    let reload = RwSignal::new(0u32);
    // editor state
    let editing = RwSignal::new(Editing::None);
    let epoch = RwSignal::new(0u32);
    let forced_read_only = RwSignal::new(false);
    // a memo: every widget's `disabled` reads it, and the token is decoded once per change
    let can_write: Signal<bool> =
        Memo::new(move |_| allows(&held_roles(session), rdef.write_roles) && !forced_read_only.get()).into();
    let form = Form {
        draft: RwSignal::new(Map::new()),
        errors: RwSignal::new(HashMap::new()),
        local: RwSignal::new(HashMap::new()),
        writable: can_write,
    };
    // saves and deletes: on their way (the Save button says so), and what went wrong
    let write = Write::<Vec<Problem>>::new();
    // an object named by the address that could not be opened
    let open_problems = RwSignal::new(Vec::<Problem>::new());
    let saved_note = RwSignal::new(None::<String>);
    let confirm_delete = RwSignal::new(false);

    // the parent buyer / supplier of nested resources
    let parents = Load::new(
        move || rdef.parent.map(|pk| pk.def().path),
        move |path, _| crate::data::id_names(session, path),
        true,
    );
    // the first one is chosen when the address names none
    Effect::new(move |_| {
        parents.state.with(|s| {
            if let (Some(Ok(list)), true) = (s, parent.get_untracked().is_empty()) {
                if let Some((id, _)) = list.first() {
                    parent.set(id.clone());
                }
            }
        })
    });
    let ready = move || rdef.parent.is_none() || !parent.get().is_empty();

    // keyed on the parent, search, sort and page (and a version saves bump): a newer key, or
    // leaving the screen, aborts the load before; the page in view stays until the next is in
    let listing = Load::new(
        move || {
            reload.track();
            ready().then(|| {
                let q = ListQuery {
                    page: page.get(),
                    page_size: 20,
                    search: Some(search.get()).filter(|s| !s.is_empty()),
                    sort_by: Some(sort.get()).filter(|s| !s.is_empty()).map(|s| (s, desc.get())).into_iter().collect(),
                    ..Default::default()
                };
                (At::new(rdef, parent.get()), q)
            })
        },
        move |(at, q), signal| async move { at.list(session, &q, signal.as_ref()).await },
        true,
    );
    // built-in objects (`model::builtin`): marked in the list and folded away until asked for;
    // the API clients the hub names are read once (outside an organization nothing is asked)
    let show_builtin = RwSignal::new(false);
    let hub_named = matches!(def.kind, Kind::ApiClient | Kind::ImpersonationConfig);
    let builtins = Load::new(
        move || hub_named.then_some(()),
        move |_, _| async move { Ok(crate::data::marketplace::read_builtins(session).await) },
        true,
    );
    // read in place: the set of hub-named clients is not copied for every row
    let is_builtin = move |it: &Value| {
        let company = parent.get_untracked();
        builtins.state.with(|s| match s {
            Some(Ok(hub)) => hub.is_builtin(def.kind, &company, it),
            _ => gatehouse_model::builtin::is_builtin(def.kind, &company, it),
        })
    };

    let list_problems = Signal::derive(move || {
        listing.state.with(|s| s.as_ref().and_then(|r| r.as_ref().err()).cloned().unwrap_or_default())
    });

    // a generated secret, neither saved nor copied, is not discarded without asking
    let unsaved_secret = RwSignal::new(false);
    provide_context(UnsavedSecret(unsaved_secret));
    let pending = RwSignal::new(None::<Editing>);
    // every object has its own address: opening one (or the list alone) goes there
    let go_to = move |id: &str| route.go_object(&format!("enhanced:{}", def.key), &parent.get_untracked(), id);
    // the fields a followed link filled in (said above the form until another object opens)
    let from_link = RwSignal::new(Vec::<String>::new());
    let open_now = move |e: Editing| {
        unsaved_secret.set(false);
        from_link.set(Vec::new());
        open_problems.set(Vec::new());
        pending.set(None);
        go_to(&e.id());
        let draft = match &e {
            Editing::Saved(m) => m.clone(),
            _ => {
                // new objects start with their booleans off, as the API assumes
                let mut m = Map::new();
                for f in rdef.schema.fields.iter().filter(|f| f.ty == Ty::Bool && !f.read_only) {
                    m.insert(f.name.into(), Value::Bool(f.name == "Active"));
                }
                m
            }
        };
        form.draft.set(draft);
        form.errors.set(HashMap::new());
        form.local.set(HashMap::new());
        write.clear();
        saved_note.set(None);
        confirm_delete.set(false);
        let opened = e != Editing::None;
        editing.set(e);
        epoch.update(|n| *n += 1);
        // the editor sits below the list: bring the object opened into view
        if opened {
            request_animation_frame(|| {
                if let Some(h) = document().get_element_by_id("ed-heading") {
                    h.scroll_into_view_with_bool(true);
                }
            });
        }
    };

    let open = move |e: Editing| {
        if unsaved_secret.get_untracked() {
            pending.set(Some(e));
        } else {
            open_now(e);
        }
    };
    // "Keep editing": the address goes back to the object in the editor
    let keep = move || {
        pending.set(None);
        go_to(&editing.with_untracked(Editing::id));
    };

    let at = move || At::new(rdef, parent.get_untracked());
    // opening one object, then another: the older answer is dropped
    let open_latest = crate::api::Latest::new();

    // the address names an object (a link, a reload, back / forward): open it, or close the
    // editor when it names none
    Effect::new(move |_| {
        let (p, id) = route.object.get();
        if rdef.parent.is_some() && !p.is_empty() && p != parent.get_untracked() {
            parent.set(p);
        }
        // a new object's form asked for by the address: open it with those fields filled in
        if let Some(fields) = route.prefill.get().filter(|_| id.is_empty()) {
            open(Editing::New);
            if matches!(editing.get_untracked(), Editing::New) {
                let mut filled = Vec::new();
                form.draft.update(|d| {
                    for (k, v) in fields {
                        let field = rdef.schema.fields.iter().find(|f| f.name == k);
                        if let Some(value) = field.and_then(|f| crate::fields::from_link(f, &v)) {
                            filled.push(gatehouse_model::resources::label(&k));
                            d.insert(k, value);
                        }
                    }
                });
                from_link.set(filled);
            }
            return;
        }
        let open_id = editing.with_untracked(Editing::id);
        if id == open_id {
            // back where it was (or the editor already holds it): a load still on its way for
            // another object is no longer wanted
            open_latest.abort();
            return;
        }
        if id.is_empty() {
            open_latest.abort();
            if !open_id.is_empty() {
                open(Editing::None);
            }
            return;
        }
        let at = at();
        open_problems.set(Vec::new());
        leptos::task::spawn_local(async move {
            match at.get(session, &id, open_latest).await {
                None => {}
                Some(Ok(v)) => open(Editing::Saved(v.as_object().cloned().unwrap_or_default())),
                // said beside the editor: the list's own loads do not wipe it
                Some(Err(p)) => open_problems.set(p),
            }
        });
    });

    let save = move |_| {
        saved_note.set(None);
        write.clear();
        let body = match check(rdef, form) {
            Ok(b) => b,
            Err(errs) => {
                form.errors.set(errs);
                write.refuse(vec![Problem {
                    status: 0,
                    code: "NotSent".into(),
                    message: "Some fields need attention; nothing was sent.".into(),
                    explain: None,
                    data: Value::Null,
                }]);
                return;
            }
        };
        form.errors.set(HashMap::new());
        // a saved object: only what changed; a new one: all of it
        let (id, body) = match editing.get_untracked() {
            Editing::Saved(orig) => {
                let diff = changes(&orig, &form.draft.get_untracked(), rdef);
                if diff.is_empty() {
                    saved_note.set(Some("Nothing changed.".into()));
                    return;
                }
                (Some(text(&Value::Object(orig.clone()), "ID")), Value::Object(diff))
            }
            _ => (None, Value::Object(body)),
        };
        let at = at();
        write.run(async move {
            let answer = match &id {
                Some(id) => at.patch(session, id, &body).await,
                None => at.create(session, &body).await,
            };
            match answer {
                Ok(v) => {
                    let obj = v.as_object().cloned().unwrap_or_default();
                    let name = text(&v, def.title);
                    open_now(Editing::Saved(obj));
                    saved_note.set(Some(format!(
                        "Saved {} {}.",
                        rdef.noun,
                        if name.is_empty() { text(&v, "ID") } else { name }
                    )));
                    reload.update(|n| *n += 1);
                }
                Err(list) => {
                    let mut errs = HashMap::new();
                    for p in &list {
                        if let Some(prop) = p.data["Property"].as_str() {
                            errs.insert(prop.to_string(), p.message.clone());
                        }
                        if p.code == gatehouse_model::error::codes::ID_EXISTS {
                            errs.insert("ID".into(), p.message.clone());
                        }
                        if p.code == gatehouse_model::error::codes::USERNAME_UNIQUE {
                            errs.insert("Username".into(), p.message.clone());
                        }
                        if p.status == 403 {
                            forced_read_only.set(true);
                        }
                    }
                    form.errors.set(errs);
                    return Err(list);
                }
            }
            Ok(())
        });
    };

    let delete = move |_| {
        let Editing::Saved(orig) = editing.get_untracked() else { return };
        let (at, id) = (at(), text(&Value::Object(orig), "ID"));
        write.run(async move {
            match at.delete(session, &id).await {
                Ok(_) => {
                    open_now(Editing::None);
                    saved_note.set(Some(format!("Deleted the {}.", rdef.noun)));
                    reload.update(|n| *n += 1);
                }
                Err(list) => {
                    if list.iter().any(|p| p.status == 403) {
                        forced_read_only.set(true);
                    }
                    confirm_delete.set(false);
                    return Err(list);
                }
            }
            Ok(())
        });
    };

    // the same operation in the raw console
    let console_op = move || match editing.get() {
        Editing::None => format!("GET {}", rdef.path),
        Editing::New => format!("POST {}", rdef.path),
        Editing::Saved(_) => format!("PATCH {}", rdef.item_path()),
    };

    let columns = def.columns;
    view! {
        <section class="enhanced screen" id="screen" data-screen=def.key aria-label=def.label>
            <header class="screen-head">
                <h2 tabindex="-1">{format!("⚡ {}", def.label)}</h2>
                <span class="spacer"></span>
                <a class="button ghost" id="ed-console" title="Open the same operation in the raw API console" data-noscroll
                    href=move || crate::route::href(&console_op())>{move || format!("Raw console: {}", console_op())}</a>
            </header>
            <p class="muted">{def.intro}</p>
            <Show when=move || !can_write.get()>
                <p class="readonly" id="ed-readonly" role="status">
                    {move || {
                        let n = held_roles(session).len();
                        format!("Read-only: changing {}s needs one of {} (or FullAccess); your token has none of them ({n} other role{}).",
                            rdef.noun, rdef.write_roles.join(", "), if n == 1 { "" } else { "s" })
                    }}
                </p>
            </Show>
            <div class="screen-body">
                <div class="ed-list">
                    {rdef.parent.map(|pk| view! {
                        <div class="row">
                            <label for="ed-parent">{capitalized(pk.def().noun)}</label>
                            <select id="ed-parent" on:change=move |ev| { parent.set(event_target_value(&ev)); page.set(1); open(Editing::None); }>
                                {move || match parents.state.get() {
                                    Some(Ok(list)) => list.into_iter().map(|(id, name)| { let id2 = id.clone(); view! { <option value=id selected=move || parent.get() == id2>{format!("{name} ({})", id2)}</option> } }).collect_view().into_any(),
                                    _ => ().into_any(),
                                }}
                            </select>
                            {move || match parents.state.get() {
                                None => view! { <Spinner/> }.into_any(),
                                Some(Err(e)) => view! { <span class="error">{e.first().map(|p| p.message.clone())}</span> }.into_any(),
                                Some(Ok(l)) if l.is_empty() => view! { <span class="muted" id="ed-no-parent">{format!("Create {} {} first.", article(pk.def().noun), pk.def().noun)}</span> }.into_any(),
                                _ => ().into_any(),
                            }}
                        </div>
                    })}
                    <form class="row list-controls" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); page.set(1); reload.update(|n| *n += 1); }>
                        <label class="sr-only" for="ed-search">"Search"</label>
                        <input id="ed-search" type="search" placeholder=format!("Search {}", rdef.search_on.iter().map(|f| label(f)).collect::<Vec<_>>().join(", ")) prop:value=search
                            on:change=move |ev| { search.set(event_target_value(&ev)); page.set(1); }/>
                        <label class="sr-only" for="ed-sort">"Sort by"</label>
                        <select id="ed-sort" on:change=move |ev| { sort.set(event_target_value(&ev)); page.set(1); }>
                            <option value="">"Default order"</option>
                            {rdef.sort_by.iter().map(|f| view! { <option value=*f>{format!("Sort by: {}", label(f))}</option> }).collect_view()}
                        </select>
                        <button type="button" id="ed-dir" title="Sort direction" on:click=move |_| { desc.update(|d| *d = !*d); page.set(1); }>{move || if desc.get() { "↓ desc" } else { "↑ asc" }}</button>
                        <Show when=move || can_write.get()>
                            <button type="button" class="primary" id="ed-new" disabled=move || !ready() on:click=move |_| open(Editing::New)>{format!("New {}", rdef.noun)}</button>
                        </Show>
                    </form>
                    <Problems id="ed-list-errors" problems=list_problems/>
                    {move || match listing.state.get() {
                        None => view! { <p><Spinner/>" Loading…"</p> }.into_any(),
                        Some(Err(_)) => ().into_any(),
                        // an empty list says what is missing and offers to create it
                        Some(Ok(v)) if v["Items"].as_array().is_some_and(Vec::is_empty) && search.with_untracked(String::is_empty) => view! {
                            <p class="muted" id="ed-empty-list">{format!("No {} here yet.", rdef.noun)}" "
                                {can_write.get_untracked().then(|| view! {
                                    <button type="button" class="link" id="ed-create-first" on:click=move |_| open(Editing::New)>{format!("Create the first {}", rdef.noun)}</button>
                                })}
                            </p>
                        }.into_any(),
                        Some(Ok(v)) => {
                            let shown = show_builtin.get();
                            let items: Vec<(bool, Value)> = v["Items"].as_array().cloned().unwrap_or_default().into_iter().map(|it| (is_builtin(&it), it)).collect();
                            let built = items.iter().filter(|(b, _)| *b).count();
                            let items: Vec<(bool, Value)> = items.into_iter().filter(|(b, _)| shown || !b).collect();
                            let nothing_else = items.is_empty();
                            let meta = v["Meta"].clone();
                            let (pg, pages, total) = (meta["Page"].as_u64().unwrap_or(1), meta["TotalPages"].as_u64().unwrap_or(1), meta["TotalCount"].as_u64().unwrap_or(0));
                            let fold = (built > 0).then(|| {
                                let what = crate::text::count(built, "built-in object", "built-in objects");
                                let said = match (shown, nothing_else) {
                                    (true, _) => format!("{what} on this page, marked “built-in”: the hub made them behind the organization, its members and applications."),
                                    (false, true) => format!("Every object on this page is built-in ({what}, made by the hub behind the organization, its members and applications), folded away."),
                                    (false, false) => format!("{what} on this page folded away: the hub made them behind the organization, its members and applications."),
                                };
                                view! { <p class="muted builtin-fold" id="ed-builtin-fold">{said}" "
                                    <button type="button" class="link" id="ed-builtin-toggle" aria-pressed=shown.to_string() on:click=move |_| show_builtin.update(|s| *s = !*s)>
                                        {if shown { "Fold them away" } else { "Show them" }}</button></p> }
                            });
                            view! {
                                {fold}
                                <div class="table-wrap" hidden=nothing_else><table class="grid cards" id="ed-list">
                                    <thead><tr>{columns.iter().map(|c| view! { <th title=*c>{label(c)}</th> }).collect_view()}</tr></thead>
                                    <tbody>{items.into_iter().map(|(built_in, it)| {
                                        let id = text(&it, "ID");
                                        let obj = it.as_object().cloned().unwrap_or_default();
                                        let obj2 = obj.clone();
                                        let id2 = id.clone();
                                        view! { <tr data-id=id tabindex="0" class:builtin=built_in class:current=move || matches!(editing.get(), Editing::Saved(ref m) if m.get("ID").and_then(Value::as_str) == Some(id2.as_str()))
                                            on:click=move |_| open(Editing::Saved(obj.clone()))
                                            on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" || ev.key() == " " {
                                                ev.prevent_default();
                                                open(Editing::Saved(obj2.clone()));
                                            }>
                                            {columns.iter().enumerate().map(|(i, c)| view! { <td data-label=label(c)>{cell(&it[*c])}
                                                {(i == 0 && built_in).then(|| view! { " "<span class="badge builtin-mark" title="Made by the hub behind the organization, its members or applications">"built-in"</span> })}</td> }).collect_view()}
                                        </tr> }
                                    }).collect_view()}</tbody>
                                </table></div>
                                <div class="row pager">
                                    <button id="ed-prev" disabled={pg <= 1} on:click=move |_| page.update(|p| *p = p.saturating_sub(1).max(1))>"‹ Previous"</button>
                                    <span id="ed-page">{format!("Page {pg} of {} · {total} in all", pages.max(1))}</span>
                                    <button id="ed-next" disabled={pg >= pages} on:click=move |_| page.update(|p| *p += 1)>"Next ›"</button>
                                </div>
                            }.into_any()
                        }
                    }}
                </div>
                <div class="ed-editor">
                    <Problems id="ed-open-errors" problems=open_problems/>
                    <Show when=move || saved_note.get().is_some()><p class="ok" id="ed-saved" role="status">{move || saved_note.get()}</p></Show>
                    {move || {
                        epoch.track();
                        let e = editing.get_untracked();
                        if e == Editing::None {
                            return view! { <p class="muted" id="ed-empty">{format!("Choose {} {} in the list{}.", article(rdef.noun), rdef.noun, if can_write.get_untracked() { ", or create a new one" } else { "" })}</p> }.into_any();
                        }
                        let heading = match &e {
                            Editing::Saved(m) => format!("{} {}", capitalized(rdef.noun), m.get(def.title).and_then(Value::as_str).or(m.get("ID").and_then(Value::as_str)).unwrap_or("")),
                            _ => format!("New {}", rdef.noun),
                        };
                        let saved_id = match &e { Editing::Saved(m) => m.get("ID").and_then(Value::as_str).map(String::from), _ => None };
                        view! {
                            <form class="editor" id="ed-form" novalidate on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); save(()); }>
                                <h3 id="ed-heading">{heading}
                                    {saved_id.clone().map(|id| view! { " "<a class="ed-link" id="ed-link" href=crate::route::object_href(&format!("enhanced:{}", def.key), &parent.get_untracked(), &id)
                                        title="This object's own address: open it in a new tab, or copy the link">"Link"</a> })}
                                </h3>
                                {let new = saved_id.is_none(); move || (new && !from_link.with(Vec::is_empty)).then(|| view! {
                                    <p class="warn" id="ed-from-link" role="note">{format!("Filled in from the link you followed: {}. Check them before saving; nothing is saved until you do.", from_link.get().join(", "))}</p>
                                })}
                                {matches!(&e, Editing::Saved(m) if untrack(|| is_builtin(&Value::Object(m.clone())))).then(|| view! {
                                    <p class="warn" id="ed-builtin-note" role="note">{format!("Built-in: the hub made this {} behind the organization, its members or applications. Changing or deleting it can stop members or applications from signing in.", rdef.noun)}</p>
                                })}
                                {saved_id.clone().filter(|_| rdef.schema.field("ID").is_some_and(|f| f.read_only)).map(|id| view! { <p class="muted">"ID "<code id="ed-id">{id}</code></p> })}
                                {def.sections.iter().map(|(title, fields)| view! {
                                    <fieldset class="section-box"><legend>{*title}</legend>
                                        {fields.iter().map(|(name, w, hint)| field_row(rdef, form, name, *w, hint)).collect_view()}
                                    </fieldset>
                                }).collect_view()}
                                // the form's foot stays in view: its problems, Save and the delete question
                                <div class="ed-foot">
                                <Show when=move || pending.with(Option::is_some)>
                                    <div class="confirm" id="ed-confirm-discard" role="alertdialog" aria-labelledby="ed-discard-text">
                                        <span id="ed-discard-text">"The generated secret is neither saved nor copied, and cannot be shown again. Discard it?"</span>
                                        <button type="button" class="danger" id="ed-discard-yes" on:click=move |_| if let Some(e) = pending.get_untracked() { open_now(e) }>"Discard it"</button>
                                        <button type="button" id="ed-discard-no" on:click=move |_| keep()>"Keep editing"</button>
                                    </div>
                                </Show>
                                <Problems id="ed-errors" problems=Signal::derive(move || write.failed().unwrap_or_default())/>
                                <Show when=move || can_write.get()>
                                    <div class="row actions">
                                        <button type="submit" class="primary" id="ed-save" disabled=move || write.pending()><Busy when=move || write.pending() idle="Save" doing=" Saving…"/></button>
                                        <button type="button" id="ed-cancel" on:click=move |_| open(Editing::None)>"Close"</button>
                                        <span class="spacer"></span>
                                        <Show when=move || matches!(editing.get(), Editing::Saved(_))>
                                            <button type="button" class="danger" id="ed-delete" on:click=move |_| confirm_delete.set(true)>"Delete…"</button>
                                        </Show>
                                    </div>
                                    <Show when=move || confirm_delete.get()>
                                        <div class="confirm" id="ed-confirm-delete" role="alertdialog">
                                            {format!("Delete this {}? This cannot be undone.", rdef.noun)}
                                            <button type="button" class="danger" id="ed-delete-yes" on:click=delete>"Delete"</button>
                                            <button type="button" id="ed-delete-no" on:click=move |_| confirm_delete.set(false)>"Keep it"</button>
                                        </div>
                                    </Show>
                                </Show>
                                </div>
                            </form>
                            {saved_id.map(|id| def.extras.iter().map(|x| extra_view(*x, rdef, parent.get_untracked(), id.clone(), can_write)).collect_view())}
                        }.into_any()
                    }}
                </div>
            </div>
        </section>
    }
}

/// One labelled field: widget, hint, length count and message.
fn field_row(def: &'static ResourceDef, form: Form, name: &'static str, w: W, hint: &'static str) -> impl IntoView {
    let required = def.required.contains(&name);
    let slot = crate::fields::Slot { required, ..form.slot(name) };
    // the portal's field vocabulary for plain values; the screen's own widgets for the rest
    let widget = match w {
        W::Text => text_box(slot.clone(), false, ""),
        W::LongText => text_box(slot.clone(), true, ""),
        W::Password => password_box(slot.clone(), UserType::of_path(def.path, None).password_policy()),
        W::Bool(text) => check_box(slot.clone(), text),
        W::Json => json_box(slot.clone()),
        W::Tags => lines_box(slot.clone()),
        W::Minutes => view! { <MinutesInput form=form name=name required=required/> }.into_any(),
        W::Secret => view! { <SecretInput form=form name=name/> }.into_any(),
        W::Roles => view! { <RolePicker form=form name=name/> }.into_any(),
        W::Pick(p) => view! { <PickInput form=form name=name pick=p required=required/> }.into_any(),
    };
    let row = Row {
        required,
        hint: hint.into(),
        max_len: def.schema.field(name).and_then(|f| f.max_len),
        wide: matches!(w, W::Roles),
        check: matches!(w, W::Bool(_)),
    };
    let problem = Signal::derive(move || {
        form.errors.with(|e| e.get(name).cloned()).or_else(|| form.local.with(|l| l.get(name).cloned()))
    });
    fields::field_row(&slot, row, problem, widget)
}

fn extra_view(x: Extra, def: &'static ResourceDef, parent: String, id: String, can_write: Signal<bool>) -> AnyView {
    match x {
        Extra::ClientAssignments => {
            view! { <super::api_clients::ClientAssignments client_id=id can_write=can_write/> }.into_any()
        }
        Extra::ProfileAssignments => view! { <super::security_profiles::ProfileAssignments profile_id=id/> }.into_any(),
        Extra::Members => {
            view! { <super::groups::Members def=def company=parent group_id=id can_write=can_write/> }.into_any()
        }
        Extra::SignInStatus => {
            view! { <super::sign_in_status::SignInStatus user_id=id can_write=can_write/> }.into_any()
        }
        Extra::EffectiveRoles => {
            let jump = expect_context::<super::jump::Jump>();
            let route = expect_context::<crate::route::Route>();
            let t = def.kind.user_type();
            view! {
                <div class="panel">
                    <button id="ed-effective-roles" on:click=move |_| {
                        jump.roles.set(super::jump::RolesTarget { user_type: t, company: parent.clone(), user_id: id.clone() });
                        route.go("enhanced:effective-roles");
                    }>"Effective roles: what this user may do, and why"</button>
                </div>
            }.into_any()
        }
    }
}
