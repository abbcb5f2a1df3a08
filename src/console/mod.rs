//! The API console: resource menu (sections → resources, with a filter), the operation
//! selector, parameters, the body form or pasted JSON, and the response.
pub mod form;
pub mod history;
pub mod pretty;
pub mod response;
pub mod snippet;

use crate::api::{enc, ApiResponse};
use crate::auth::Session;
use crate::components::Spinner;
use crate::data::Load;
use crate::route::{self, Route};
use crate::spec::{Kind, Op, Param, Spec};
use crate::text::fold;
use form::{fields_view, json_error, validate};
use gatehouse_model::list::{filter_expr, ListQuery};
use gatehouse_model::resources::UserType;
use leptos::prelude::*;
use response::ResponseView;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

const SPEC_URL: &str = "gatehouse.spec_url";

/// Where the API description comes from.
fn spec_source(session: &Session) -> String {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(SPEC_URL).ok().flatten())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| session.url("/openapi/v3"))
}

async fn fetch_spec(url: String) -> Result<Arc<Spec>, String> {
    crate::api::mark("spec-request");
    let res = gloo_net::http::Request::get(&url)
        .send()
        .await
        .map_err(|e| format!("Could not load the API description from {url}: {e}"))?;
    if !res.ok() {
        return Err(format!("Could not load the API description from {url}: HTTP {}", res.status()));
    }
    let text = res.text().await.map_err(|e| format!("Could not load the API description from {url}: {e}"))?;
    crate::api::mark("spec-arrived");
    parse_spec(&text)
}

fn parse_spec(text: &str) -> Result<Arc<Spec>, String> {
    let doc = crate::spec::read::document(text).map_err(|e| format!("The API description is not valid JSON: {e}"))?;
    crate::api::mark("spec-parsed");
    let spec = Spec::parse(doc).map(Arc::new);
    crate::api::mark("spec-digested");
    spec
}

/// The API description's load (its answer is the document, or why it cannot be used).
type SpecLoad = Load<Result<Arc<Spec>, String>>;

type SpecAnswer = futures::future::Shared<futures::future::LocalBoxFuture<'static, Result<Arc<Spec>, String>>>;

thread_local! {
    /// The description asked for at start-up ([`fetch_early`]): its address and its answer.
    static EARLY: std::cell::RefCell<Option<(String, f64, SpecAnswer)>> = const { std::cell::RefCell::new(None) };
}

/// Asks for the API description of the session in force as soon as the app starts, while the
/// run-time config loads and the shell mounts: the same request the console would make then.
/// The console takes the answer once, for the same address ([`early_answer`]); nothing is kept.
pub fn fetch_early(session: &Session) {
    use futures::FutureExt;
    if session.current_untracked().is_none() {
        forget_early();
        return;
    }
    let url = spec_source(session);
    let asked = url.clone();
    let answer = async move {
        match preloaded(&asked).await {
            Some(text) => {
                crate::api::mark("spec-arrived");
                parse_spec(&text)
            }
            None => fetch_spec(asked).await,
        }
    };
    let answer = answer.boxed_local().shared();
    leptos::task::spawn_local(answer.clone().map(|_| ()));
    EARLY.with(|e| *e.borrow_mut() = Some((url, crate::api::now_ms(), answer)));
}

/// The description `early.js` asked for before the app started (`window.gatehouseEarly`), when
/// it is for `url`: its text. `None` (asked for nothing, for another address, or answered with
/// an error): the app asks itself, and says what went wrong. Taken once, whatever its address.
async fn preloaded(url: &str) -> Option<String> {
    use wasm_bindgen::JsCast;
    let early = take_early()?;
    crate::api::mark("spec-request");
    let asked = js_sys::Reflect::get(&early, &"url".into()).ok()?.as_string()?;
    if asked != url {
        return None;
    }
    let body: js_sys::Promise = js_sys::Reflect::get(&early, &"body".into()).ok()?.dyn_into().ok()?;
    let buffer = wasm_bindgen_futures::JsFuture::from(body).await.ok().filter(|b| b.is_object())?;
    // read as `Response.text()` reads it (the app's own fetch would)
    Some(crate::api::body_text(js_sys::Uint8Array::new(&buffer).to_vec()))
}

/// `window.gatehouseEarly`, taken off the page (once: its body is held until then).
fn take_early() -> Option<wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    let window: js_sys::Object = window().unchecked_into();
    let key = wasm_bindgen::JsValue::from_str("gatehouseEarly");
    let early = js_sys::Reflect::get(&window, &key).ok().filter(|v| v.is_object())?;
    let _ = js_sys::Reflect::delete_property(&window, &key);
    Some(early)
}

/// An early answer the app will not use (a sign-in or invitation link, nobody signed in) is
/// let go at once, so its body is not held for the life of the page.
pub fn forget_early() {
    let _ = take_early();
}

/// The early answer for `url`, taken (a later load asks again); only while the page is starting
/// (a console first mounted after a sign-in, minutes later, asks afresh).
fn early_answer(url: &str) -> Option<SpecAnswer> {
    let fresh = |at: f64| crate::api::now_ms() - at < 10_000.0;
    EARLY.with(|e| e.borrow_mut().take()).filter(|(u, at, _)| u == url && fresh(*at)).map(|(_, _, a)| a)
}

#[component]
pub fn Console() -> impl IntoView {
    let session = expect_context::<Session>();
    let source = RwSignal::new(spec_source(&session));
    // the API description: loaded from its address (a newer address aborts the older load), or
    // read from a file
    let spec_load: SpecLoad = Load::new(
        move || Some(source.get()),
        move |url, _| async move {
            Ok(match early_answer(&url) {
                Some(answer) => answer.await,
                None => fetch_spec(url).await,
            })
        },
        false,
    );
    let spec = move || spec_load.state.get().and_then(Result::ok);
    // another description offered while one was slow to come (kept while the next loads)
    let offered = RwSignal::new(false);
    let route = Route::new();
    let selected = route.op;
    let menu_open = RwSignal::new(false);
    crate::components::outside_click_closes(menu_open, "menu", "menu-toggle");
    // opening another operation or screen closes the folded menu and moves the focus to its
    // heading (not on the first load)
    Effect::new(move |first: Option<()>| {
        selected.track();
        if first.is_some() {
            menu_open.set(false);
            request_animation_frame(|| crate::components::focus("#console-ready h2[tabindex]"));
        }
    });
    provide_context(route);
    provide_context(crate::enhanced::jump::Jump::new());
    provide_context(history::History::new(session));
    let loaded = move || spec().and_then(|s| s.ok());
    view! {
        <div class="console" id="console">
            {move || match spec() {
                None => view! { <SpecLoading source=source spec=spec_load offered=offered/> }.into_any(),
                Some(Err(e)) => view! { <div class="panel"><p class="error" role="alert" id="spec-error">{e}</p><SpecSource source=source spec=spec_load/></div> }.into_any(),
                Some(Ok(s)) => { let (title, ops_n, sections_n) = (s.title.clone(), s.ops.len(), s.sections.len()); view! {
                    // below 1000 px the menu folds away behind this button
                    <button class="menu-toggle" id="menu-toggle" aria-expanded=move || menu_open.get().to_string() aria-controls="menu"
                        on:click=move |_| menu_open.update(|o| *o = !*o)
                        on:keydown=move |ev| crate::components::escape_closes(&ev, menu_open, "menu-toggle")>"☰ Resources"</button>
                    <Menu spec=s.clone() route=route open=menu_open/>
                    <main class="workspace" id="console-ready" tabindex="-1" data-ops=ops_n>
                        {move || {
                            let s = loaded()?;
                            let key = selected.get()?;
                            if let Some(screen) = crate::enhanced::screen_for(&key, &s) {
                                return Some(screen);
                            }
                            let op = s.op(&key).cloned();
                            Some(match op {
                                Some(op) => view! { <OperationSelector spec=s.clone() current=op.key.clone()/><OperationPanel form=s.body(&op) op=op/> }.into_any(),
                                None => view! { <p class="error" id="op-missing">{format!("This API description has no operation {key}.")}</p> }.into_any(),
                            })
                        }}
                        <Show when=move || selected.get().is_none()>
                            <div class="welcome" id="welcome">
                                <h2>{title.clone()}</h2>
                                <p>{format!("{} in {}. Pick a resource from the Resources menu, or start from what this marketplace holds.", crate::text::count(ops_n, "operation", "operations"), crate::text::count(sections_n, "section", "sections"))}</p>
                                <crate::enhanced::start_here::StartHere/>
                                <crate::enhanced::overview::Overview/>
                                <Recent/>
                                <details class="spec-other" id="spec-other">
                                    <summary>"Use another API description"</summary>
                                    <SpecSource source=source spec=spec_load/>
                                </details>
                            </div>
                        </Show>
                    </main>
                }.into_any() }
            }}
        </div>
    }
}

/// The API description on its way: after a few seconds without an answer, how long it has been
/// and where from, with the choice of another address or a file (an address that never answers
/// is not waited on blindly; a slow one is not given up). Once offered, the choice stays while
/// another address loads (`offered` outlives this view, which each new load mounts afresh).
#[component]
fn SpecLoading(source: RwSignal<String>, spec: SpecLoad, offered: RwSignal<bool>) -> impl IntoView {
    const SAY_AFTER_S: u32 = 5;
    let waited = RwSignal::new(0u32);
    if let Ok(tick) = set_interval_with_handle(
        move || {
            waited.update(|s| *s += 1);
            if waited.get_untracked() >= SAY_AFTER_S {
                offered.set(true);
            }
        },
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || tick.clear());
    }
    let said = move || waited.get() >= SAY_AFTER_S;
    view! {
        <div class="loading" id="spec-loading">
            <Spinner label="Loading API description"/>" Loading the API description…"
            // a live region there from the start, so its words are announced when they come (once:
            // the seconds count beside it)
            <p id="spec-waiting">
                <span role="status">{move || said().then(|| format!("Still waiting for {}. It may be slow, or not answering: you can wait, or use another description.", source.get()))}</span>
                <span class="muted">{move || said().then(|| format!(" ({} s)", waited.get()))}</span>
            </p>
            <Show when=move || offered.get()>
                <SpecSource source=source spec=spec/>
            </Show>
        </div>
    }
}

/// Lets the user load another API description: a URL, or a file.
#[component]
fn SpecSource(source: RwSignal<String>, spec: SpecLoad) -> impl IntoView {
    let draft = RwSignal::new(source.get_untracked());
    let apply = move |_| {
        let url = draft.get_untracked();
        if let Some(s) = window().local_storage().ok().flatten() {
            let _ = s.set_item(SPEC_URL, &url);
        }
        source.set(url);
    };
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        leptos::task::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            spec.set(Ok(parse_spec(&text)));
        });
    };
    view! {
        <div class="spec-source">
            <label for="spec-url">"API description (OpenAPI 3) URL"</label>
            <div class="row">
                <input id="spec-url" prop:value=draft on:input=move |ev| draft.set(event_target_value(&ev))/>
                <button id="spec-load" on:click=apply>"Load"</button>
            </div>
            <label for="spec-file">"…or a file"</label>
            <input id="spec-file" type="file" accept=".json,application/json" on:change=on_file/>
        </div>
    }
}

/// The resource menu. Its entries (some hundred links) are written as one piece of markup from
/// the resource directory and the roles in force, and rewritten only when those roles change (a
/// rep starts or stops acting as a buyer): built element by element, with a reactive node for each
/// entry's visibility, state and lock, the menu took some 40 ms of the first screen. The filter and
/// the entry of the place in view are then kept by one effect each, over the entries' attributes
/// (`data-names`: the entry's folded names; `data-op` / `data-resource`: where it leads).
#[component]
fn Menu(spec: Arc<Spec>, route: Route, open: RwSignal<bool>) -> impl IntoView {
    let selected = route.op;
    let session = expect_context::<Session>();
    let filter = RwSignal::new(String::new());
    let current_resource = {
        let spec = spec.clone();
        Memo::new(move |_| selected.get().and_then(|k| spec.resource_of(&k).map(|r| r.name.clone())))
    };
    // the filter is folded once per keystroke (spaces around it are not part of any name)
    let needle = Memo::new(move |_| fold(filter.get().trim()));
    // whether the filter leaves any entry shown
    let any_shown = RwSignal::new(true);
    // the roles in force (the buyer's while acting as one), decoded once per change
    let info = Memo::new(move |_| session.in_force().info);
    let tags_owned: Vec<String> =
        spec.sections.iter().flat_map(|s| s.resources.iter().map(|r| r.name.clone())).collect();
    let entries = NodeRef::<leptos::html::Div>::new();
    let spec_for_marks = spec.clone();
    let markup = {
        let spec = spec.clone();
        move || {
            let place = Place { op: selected.get_untracked(), resource: current_resource.get_untracked() };
            info.with(|i| menu_markup(&spec, i, &place, &needle.get_untracked()))
        }
    };
    // the filter, on every entry and section (the markup is written filtered: not on the first
    // run), and whether any entry is left (again after a rewrite)
    Effect::new(move |first: Option<()>| {
        info.track();
        let f = needle.get();
        if first.is_none() {
            return;
        }
        // an entry by its names, a section by its entries
        let mut any = false;
        each(entries, ".section", |section| {
            let mut here = false;
            each_in(section, "li[data-names]", |el| {
                let show = shown(&el.get_attribute("data-names").unwrap_or_default(), &f);
                here |= show;
                let _ = el.style().set_property("display", if show { "" } else { "none" });
            });
            any |= here;
            let _ = section.style().set_property("display", if here { "" } else { "none" });
        });
        any_shown.set(any);
    });
    // the entry of the place in view: marked active (and the current page, for a screen); the
    // markup is written marked
    Effect::new(move |first: Option<()>| {
        let place = Place { op: selected.get(), resource: current_resource.get() };
        if first.is_none() {
            return;
        }
        // a resource's links are told by their order, not by the name in their attribute: the
        // page's parser rewrites some characters there (a carriage return, a NUL), so two names
        // could read alike, or a name unlike itself
        let mut names = spec_for_marks.sections.iter().flat_map(|s| s.resources.iter().map(|r| r.name.as_str()));
        each(entries, "a[data-op], a[data-resource]", |el| {
            let op = el.get_attribute("data-op");
            let resource = if op.is_none() { names.next() } else { None };
            let on = place.leads_here(op.as_deref(), resource);
            let _ = el.class_list().toggle_with_force("active", on);
            if op.is_some() {
                let _ = if on { el.set_attribute("aria-current", "page") } else { el.remove_attribute("aria-current") };
            }
        });
    });
    view! {
        <nav class="menu" id="menu" class:open=open aria-label="Resources"
            on:keydown=move |ev| crate::components::escape_closes(&ev, open, "menu-toggle")>
            <input id="menu-filter" type="search" placeholder="Filter resources" aria-label="Filter resources"
                prop:value=filter on:input=move |ev| filter.set(event_target_value(&ev))
                // Escape empties a search box without an input event (the folded menu closes
                // with it): its change is read all the same
                on:change=move |ev| filter.set(event_target_value(&ev))/>
            <div class="menu-entries" node_ref=entries inner_html=markup></div>
            <p class="muted small" id="menu-none" hidden=move || any_shown.get()>"No resource or screen matches."</p>
            {move || {
                let closed: Vec<String> = crate::enhanced::screens_of(&tags_owned)
                    .filter(|s| !info.with(|i| gatehouse_model::roles::allows(&i.role, s.read_roles)))
                    .map(|s| format!("{} (needs {})", s.label, s.read_roles.join(" or ")))
                    .collect();
                // folded: while acting as a buyer the list is long, and the menu is for moving
                (!closed.is_empty()).then(|| view! {
                    <details class="muted small menu-closed" id="menu-closed">
                        <summary>{crate::text::count(closed.len(), "screen your roles do not open", "screens your roles do not open")}</summary>
                        <p>{format!("{}.", closed.join("; "))}</p>
                    </details>
                })
            }}
        </nav>
    }
}

/// The place in view, as the menu marks it: the operation or screen open, and its resource.
struct Place {
    op: Option<String>,
    resource: Option<String>,
}

impl Place {
    /// Whether a menu entry is the place in view: a screen's entry (`op`) when that screen is
    /// open, a resource's entry when one of its operations is.
    fn leads_here(&self, op: Option<&str>, resource: Option<&str>) -> bool {
        match op {
            Some(op) => self.op.as_deref() == Some(op),
            None => resource.is_some() && self.resource.as_deref() == resource,
        }
    }
}

/// Whether an entry with these folded names (one per line) is shown for the folded filter `f`.
fn shown(names: &str, f: &str) -> bool {
    f.is_empty() || names.split('\n').any(|n| n.contains(f))
}

/// Runs `f` on each element under the menu's entries that matches `selector`.
fn each(entries: NodeRef<leptos::html::Div>, selector: &str, f: impl FnMut(&web_sys::HtmlElement)) {
    if let Some(d) = entries.get() {
        each_in(&d, selector, f);
    }
}

/// Runs `f` on each element under `root` that matches `selector`.
fn each_in(root: &web_sys::Element, selector: &str, mut f: impl FnMut(&web_sys::HtmlElement)) {
    use wasm_bindgen::JsCast;
    let Ok(list) = root.query_selector_all(selector) else { return };
    for i in 0..list.length() {
        if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) {
            f(&el);
        }
    }
}

/// The menu's entries as markup: the enhanced screens this description has no resource for,
/// then each section's resources, a resource with an enhanced screen listed as that screen when
/// the roles in force open it (its raw operations one click away), else as its raw operations
/// (locked when those roles call none of them). Every text and address is escaped.
fn menu_markup(spec: &Spec, info: &crate::auth::TokenInfo, place: &Place, needle: &str) -> String {
    use crate::text::{escape_attr as attr, escape_text as text};
    let mut out = String::with_capacity(32 * 1024);
    // an entry's folded names (one per line), hidden when the filter leaves it out; whether it
    // is shown
    let entry = |out: &mut String, names: &[String]| {
        let names = names.join("\n");
        out.push_str("<li data-names=\"");
        attr(out, &names);
        out.push('"');
        let show = shown(&names, needle);
        out.push_str(if show { ">" } else { " style=\"display:none;\">" });
        show
    };
    // a section's opening: hidden when the filter leaves none of its entries (in the one style
    // attribute it has, with any of its own)
    let section = |out: &mut String, class: &str, any: bool, style: &str| {
        out.push_str(&format!("<div class=\"{class}\""));
        let hidden = if any { "" } else { "display:none;" };
        if !hidden.is_empty() || !style.is_empty() {
            out.push_str(&format!(" style=\"{hidden}{style}\""));
        }
        out.push('>');
    };
    let screen_link = |out: &mut String, key: &str, label: &str| {
        let on = place.leads_here(Some(key), None);
        out.push_str(if on {
            "<a class=\"resource enhanced active\" aria-current=\"page\""
        } else {
            "<a class=\"resource enhanced\""
        });
        out.push_str(" href=\"");
        attr(out, &route::href(key));
        out.push_str("\" data-noscroll data-screen=\"");
        attr(out, label);
        out.push_str("\" data-op=\"");
        attr(out, key);
        out.push_str("\">⚡ ");
        text(out, label);
        out.push_str("</a>");
    };
    let tags: std::collections::HashSet<&str> =
        spec.sections.iter().flat_map(|s| s.resources.iter().map(|r| r.name.as_str())).collect();
    let enhanced: Vec<(String, &'static str)> = crate::enhanced::menu()
        .into_iter()
        .filter(|(key, _)| !crate::enhanced::tag_of_screen(key).is_some_and(|t| tags.contains(t.tag)))
        .collect();
    let mut entries = String::new();
    let mut any = false;
    for (key, label) in &enhanced {
        any |= entry(&mut entries, &[fold(label)]);
        screen_link(&mut entries, key, label);
        entries.push_str("</li>");
    }
    section(&mut out, "section enhanced-section", any, "");
    out.push_str("<h2>⚡ Enhanced</h2><ul>");
    out.push_str(&entries);
    out.push_str("</ul></div>");
    for s in &spec.sections {
        entries.clear();
        any = false;
        for r in &s.resources {
            let first = r.ops.first().map(|&i| spec.ops[i].key.as_str()).unwrap_or_default();
            let screen = crate::enhanced::screen_for_tag(&r.name);
            // found by its name, its section's, its screen's, and its operations' `METHOD /path`
            let names: Vec<String> = [r.name.as_str(), s.name.as_str(), screen.as_ref().map_or("", |s| s.1)]
                .into_iter()
                .chain(r.ops.iter().map(|&i| spec.ops[i].key.as_str()))
                .map(fold)
                .collect();
            any |= entry(&mut entries, &names);
            // read from the directory, not copied: 402 operations' roles
            let locked = !r.ops.iter().any(|&i| info.has_any(&spec.ops[i].roles));
            let raw_on = place.leads_here(None, Some(&r.name));
            let opens = screen
                .as_ref()
                .and_then(|(key, _)| crate::enhanced::tag_of_screen(key))
                .map(|t| gatehouse_model::roles::allows(&info.role, t.read_roles));
            // the start of a link to the resource's raw operations, up to its own attributes
            let raw_link = |out: &mut String, base: &str| {
                let (on, lock) = (if raw_on { " active" } else { "" }, if locked { " locked" } else { "" });
                out.push_str(&format!("<a class=\"{base}{on}{lock}\" href=\""));
                attr(out, &route::href(first));
                out.push_str("\" data-noscroll data-resource=\"");
                attr(out, &r.name);
                out.push('"');
            };
            match screen {
                // the screen, when the roles in force open it, and its raw operations beside it
                Some((key, label)) if opens == Some(true) => {
                    screen_link(&mut entries, &key, label);
                    raw_link(&mut entries, "raw-ops");
                    entries.push_str(" title=\"");
                    attr(&mut entries, &format!("The raw operations of {}", r.name));
                    entries.push_str("\" aria-label=\"");
                    attr(&mut entries, &format!("{}: raw operations", r.name));
                    entries.push_str("\">raw</a>");
                }
                _ => {
                    raw_link(&mut entries, "resource");
                    // why an entry is greyed, said on it
                    if locked {
                        entries.push_str(" title=\"None of its operations is open to the roles in force\"");
                    }
                    entries.push('>');
                    text(&mut entries, &r.name);
                    entries.push_str("</a>");
                }
            }
            entries.push_str("</li>");
        }
        // the room a section takes before it is first laid out (content-visibility): its
        // heading and its entries, so the scrollbar does not jump when it is
        section(&mut out, "section", any, &format!("contain-intrinsic-size:auto {}px", 32 + 26 * s.resources.len()));
        out.push_str("<h2>");
        text(&mut out, &s.name);
        out.push_str("</h2><ul>");
        out.push_str(&entries);
        out.push_str("</ul></div>");
    }
    out
}

#[component]
fn OperationSelector(spec: Arc<Spec>, current: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let route = expect_context::<Route>();
    let resource = spec.resource_of(&current).cloned();
    let ops: Vec<Op> = resource.map(|r| r.ops.iter().map(|&i| spec.ops[i].clone()).collect()).unwrap_or_default();
    let info = session.in_force().info;
    view! {
        <div class="op-select">
            <label for="op-select">"Operation"</label>
            <select id="op-select" prop:value=current.clone() on:change=move |ev| {
                route.go(&event_target_value(&ev));
            }>
                {ops.into_iter().map(|o| {
                    let allowed = info.has_any(&o.roles);
                    let label = if allowed { o.label() } else { format!("[no access] {} (your token lacks its roles)", o.label()) };
                    view! { <option value=o.key.clone() class:locked=!allowed data-allowed=allowed.to_string()>{label}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

#[derive(Clone, Debug, PartialEq)]
struct FilterRow {
    field: String,
    op: String,
    value: String,
}

const FILTER_OPS: &[(&str, &str)] = &[
    ("eq", "equals"),
    ("ne", "not equal"),
    ("gt", ">"),
    ("lt", "<"),
    ("ge", "≥"),
    ("le", "≤"),
    ("has", "contains"),
    ("starts", "starts with"),
    ("any", "any of (a|b)"),
    ("empty", "is empty"),
];

/// The parameters that have a value, in name order.
fn filled(m: HashMap<String, String>) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = m.into_iter().filter(|(_, v)| !v.trim().is_empty()).collect();
    v.sort();
    v
}

fn indexed(rows: Vec<FilterRow>) -> Vec<(usize, FilterRow)> {
    rows.into_iter().enumerate().collect()
}

/// How long a request is on its way before Stop is offered.
const STOP_AFTER_MS: u64 = 300;

/// What the response pane shows.
#[derive(Clone, PartialEq)]
enum Pane {
    Empty,
    Failed(String),
    /// The answer to the request of this number (its first part, then its whole).
    Answer(u64),
}

#[component]
fn OperationPanel(op: Op, form: Option<Vec<crate::spec::Field>>) -> impl IntoView {
    let session = expect_context::<Session>();
    let op = Arc::new(op);
    // the body's fields, when the operation takes a JSON body
    let form = Arc::new(form);
    let path_values = RwSignal::new(HashMap::<String, String>::new());
    let query_values = RwSignal::new(HashMap::<String, String>::new());
    let sort_field = RwSignal::new(String::new());
    let sort_desc = RwSignal::new(false);
    let filters = RwSignal::new(Vec::<FilterRow>::new());
    let body = RwSignal::new(Value::Object(Default::default()));
    let json_mode = RwSignal::new(false);
    let json_text = RwSignal::new(String::from("{}"));
    let json_err = RwSignal::new(None::<String>);
    let field_errors = RwSignal::new(HashMap::<String, String>::new());
    let unparsed = RwSignal::new(HashMap::<String, String>::new());
    let param_error = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    // Stop is offered once a request has been on its way for a moment: an answer that comes at
    // once leaves no button to flash beside Send and push the URL along (each request gets its
    // own count, so a late timer of an earlier one shows nothing)
    let long_wait = RwSignal::new(false);
    let sent_no = StoredValue::new(0u64);
    Effect::new(move |_| {
        if !sending.get() {
            long_wait.set(false);
            return;
        }
        let n = sent_no.try_update_value(|n| {
            *n += 1;
            *n
        });
        set_timeout(
            move || {
                if sending.get_untracked() && sent_no.try_get_value() == n {
                    long_wait.try_set(true);
                }
            },
            std::time::Duration::from_millis(STOP_AFTER_MS),
        );
    });
    // the request on its way, which Stop aborts; leaving the operation aborts a read (GET) too,
    // while a change is left to finish, so its answer is still kept in the history
    let in_flight: StoredValue<Option<web_sys::AbortController>, LocalStorage> = StoredValue::new_local(None);
    // Stop was pressed: when the request has settled, the focus goes back to Send (Stop is gone)
    let stopped = StoredValue::new(false);
    let stop = move || {
        if let Some(c) = in_flight.try_update_value(Option::take).flatten() {
            stopped.set_value(true);
            c.abort();
        }
    };
    let reads = op.method.eq_ignore_ascii_case("GET");
    on_cleanup(move || {
        if reads {
            stop();
        }
    });
    let response = RwSignal::new(None::<Result<ApiResponse, String>>);
    // which request the answer shown belongs to: its first part and its whole share one viewer
    // (read when an answer comes, so a new request leaves the last answer on screen until then)
    let answer_no = RwSignal::new(0u64);
    let pane = Memo::new(move |_| {
        response.with(|r| match r {
            None => Pane::Empty,
            Some(Err(e)) => Pane::Failed(e.clone()),
            Some(Ok(_)) => Pane::Answer(answer_no.get_untracked()),
        })
    });
    let history = expect_context::<history::History>();
    let route = expect_context::<Route>();
    // while acting as a buyer user, each request may go as them (default) or as yourself
    let send_as = RwSignal::new(true);
    // a password meets the rules of the user it is for: on /me paths, the caller's own
    let password = UserType::of_path(&op.path, UserType::parse(&session.in_force().info.usrtype)).password_policy();

    // the list options as the form holds them: the operation's own parameters as typed (in the
    // document's order), the sort and the filters
    let list_query = {
        let op = op.clone();
        move || ListQuery {
            params: query_values.with(|m| {
                op.query_params
                    .iter()
                    .filter_map(|p| Some((p.name.clone(), m.get(&p.name)?.trim().to_string())))
                    .filter(|(_, v)| !v.is_empty())
                    .collect()
            }),
            sort_by: Some(sort_field.get())
                .filter(|f| !f.is_empty())
                .map(|f| (f, sort_desc.get()))
                .into_iter()
                .collect(),
            filters: filters.with(|rows| {
                rows.iter()
                    .filter(|f| !f.field.trim().is_empty())
                    .map(|f| (f.field.trim().to_string(), filter_expr(&f.op, &f.value)))
                    .collect()
            }),
            ..Default::default()
        }
    };
    // the request's path and query, relative to the API's base
    let rel = {
        let op = op.clone();
        let list_query = list_query.clone();
        move || -> Result<String, String> {
            let mut path = op.path.clone();
            for p in &op.path_params {
                let v = path_values.with(|m| m.get(&p.name).cloned()).unwrap_or_default();
                if v.trim().is_empty() {
                    return Err(format!("Fill in the path parameter {}.", p.name));
                }
                path = path.replace(&format!("{{{}}}", p.name), &enc(v.trim()));
            }
            Ok(crate::api::with_query(&path, &list_query()))
        }
    };
    let url = {
        let rel = rel.clone();
        move || rel().map(|r| session.url(&r))
    };
    let url_preview = {
        let url = url.clone();
        move || url().unwrap_or_else(|e| e)
    };

    let to_json =
        move || json_text.set(serde_json::to_string_pretty(&body.get_untracked()).unwrap_or_else(|_| "{}".into()));
    let from_json = move || -> bool {
        match serde_json::from_str::<Value>(&json_text.get_untracked()) {
            Ok(v) if v.is_object() => {
                body.set(v);
                json_err.set(None);
                true
            }
            Ok(_) => {
                json_err.set(Some("The body must be a JSON object ({ … }). Nothing was sent.".into()));
                false
            }
            Err(e) => {
                json_err.set(Some(json_error(&e)));
                false
            }
        }
    };

    let send = {
        let op = op.clone();
        let rel = rel.clone();
        let form = form.clone();
        move || {
            if sending.get_untracked() {
                return;
            }
            param_error.set(None);
            let target = match rel() {
                Ok(u) => u,
                Err(e) => {
                    param_error.set(Some(e));
                    return;
                }
            };
            let payload = if let Some(fields) = form.as_ref() {
                if json_mode.get_untracked() && !from_json() {
                    return;
                }
                // every problem at once: what cannot be read yet, and what the document forbids
                let mut errs = if json_mode.get_untracked() { HashMap::new() } else { unparsed.get_untracked() };
                validate(fields, &body.get_untracked(), &[], password, &mut errs);
                let count = errs.len();
                field_errors.set(errs);
                if count > 0 {
                    param_error.set(Some(format!(
                        "{} before sending{}.",
                        if count == 1 {
                            "1 field needs attention".to_string()
                        } else {
                            format!("{count} fields need attention")
                        },
                        if json_mode.get_untracked() { " (switch to the form to see them)" } else { "" }
                    )));
                    return;
                }
                Some(serde_json::to_string(&body.get_untracked()).unwrap_or_default())
            } else {
                None
            };
            let as_user = session.acting.get_untracked().filter(|_| send_as.get_untracked()).map(|a| a.username);
            let mut entry = history::Entry {
                op: op.key.clone(),
                method: op.method.clone(),
                path: target.clone(),
                path_values: filled(path_values.get_untracked()),
                query_values: filled(query_values.get_untracked()),
                sort: sort_field.get_untracked(),
                desc: sort_desc.get_untracked(),
                filters: filters.get_untracked().into_iter().map(|f| (f.field, f.op, f.value)).collect(),
                body: form.as_ref().as_ref().map(|_| body.get_untracked()),
                as_user,
                context: session.current_untracked().map(|c| c.label()).unwrap_or_default(),
                env: session.environment().name().into(),
                ..Default::default()
            };
            let target = session.url(&target);
            let method = op.method.clone();
            let controller = web_sys::AbortController::new().ok();
            let signal = controller.as_ref().map(web_sys::AbortController::signal);
            in_flight.set_value(controller);
            leptos::task::spawn_local(async move {
                let caller =
                    if send_as.get_untracked() { crate::auth::Caller::ActingAs } else { crate::auth::Caller::Me };
                answer_no.update(|n| *n += 1);
                // the first part of a large answer is shown while the rest arrives
                let mut early = move |part: ApiResponse| response.set(Some(Ok(part)));
                let res = session
                    .send_streaming(&method, &target, payload.as_deref(), caller, signal.as_ref(), Some(&mut early))
                    .await;
                in_flight.try_set_value(None);
                let was_stopped = stopped.try_update_value(std::mem::take) == Some(true);
                // every request sent is kept, one without an answer too (it may have reached
                // the API): said why; a change the person declined to confirm was never sent
                match &res {
                    Ok(r) => {
                        entry.status = r.status;
                        entry.ms = r.ms.round() as u32;
                    }
                    Err(e) if e == crate::auth::NOT_CONFIRMED => {}
                    Err(_) => entry.unanswered = if was_stopped { "stopped" } else { "no answer" }.into(),
                }
                if res.is_ok() || !entry.unanswered.is_empty() {
                    entry.at = js_sys::Date::now();
                    history.record(entry);
                }
                response.set(Some(res));
                sending.set(false);
                if was_stopped {
                    request_animation_frame(|| crate::components::focus("#send"));
                }
            });
            // after the request's task is queued: it runs (and the request leaves) before the
            // screen is brought up to date for a request on its way
            sending.set(true);
        }
    };
    let send2 = send.clone();
    // an entry of the history put back into this operation's form (and sent, when asked)
    {
        let send = send.clone();
        let key = op.key.clone();
        Effect::new(move |_| {
            let Some((e, go)) = history.restore.get() else { return };
            if e.op != key {
                return;
            }
            history.restore.set(None);
            path_values.set(e.path_values.into_iter().collect());
            query_values.set(e.query_values.into_iter().collect());
            sort_field.set(e.sort);
            sort_desc.set(e.desc);
            filters.set(e.filters.into_iter().map(|(field, op, value)| FilterRow { field, op, value }).collect());
            if let Some(b) = e.body {
                body.set(b);
                to_json();
                field_errors.set(HashMap::new());
            }
            if go {
                send();
            }
        });
    }

    let param_input = move |p: Param, target: RwSignal<HashMap<String, String>>| {
        let id = format!("param-{}", p.name);
        let name = p.name.clone();
        let name2 = p.name.clone();
        let placeholder = if p.enum_values.is_empty() { String::new() } else { p.enum_values.join(", ") };
        view! {
            <div class="field">
                <label for=id.clone()>{p.name.clone()}{p.required.then_some(view! { <span class="req">" *"</span> })}</label>
                <input id=id type=if p.kind == Kind::Int { "number" } else { "text" } placeholder=placeholder aria-required=p.required.then_some("true")
                    prop:value=move || target.with(|m| m.get(&name).cloned().unwrap_or_default())
                    on:input=move |ev| { let v = event_target_value(&ev); target.update(|m| { m.insert(name2.clone(), v); }); }/>
            </div>
        }
    };

    let is_list = op.is_list();
    let sort_choices: Vec<String> = op
        .param("sortBy")
        .map(|p| p.enum_values.iter().filter(|v| !v.starts_with('!')).cloned().collect())
        .unwrap_or_default();
    let search_on = op.param("searchOn").map(|p| p.enum_values.join(", ")).unwrap_or_default();
    let path_params = op.path_params.clone();
    let plain: Vec<Param> = op.plain_query().cloned().collect();
    let has_params = !path_params.is_empty() || !plain.is_empty() || is_list;
    let body_fields = form.as_ref().clone();
    let op_roles = op.roles.clone();
    let copied = RwSignal::new("");
    let copy_url = {
        let url = url.clone();
        move |_| {
            if let Ok(u) = url() {
                let _ = window().navigator().clipboard().write_text(&u);
                copied.set("URL copied.");
            }
        }
    };
    // the request as code: cURL, fetch, or an SDK call
    let with_token = RwSignal::new(false);
    let copy_as = {
        let op = op.clone();
        let rel = rel.clone();
        let list_query = list_query.clone();
        move |kind: u8| {
            let full = match rel() {
                Ok(r) => session.url(&r),
                Err(e) => return param_error.set(Some(e)),
            };
            let mut params: Vec<&Param> = op.path_params.iter().collect();
            params.sort_by_key(|p| op.path.find(&format!("{{{}}}", p.name)));
            let path_args = params
                .iter()
                .map(|p| path_values.with_untracked(|m| m.get(&p.name).cloned().unwrap_or_default().trim().to_string()))
                .collect();
            let typed = if json_mode.get_untracked() {
                serde_json::from_str::<Value>(&json_text.get_untracked()).ok()
            } else {
                None
            };
            let body_now = form.as_ref().as_ref().map(|_| typed.unwrap_or_else(|| body.get_untracked()));
            let acting = session.acting.with_untracked(Option::is_some) && send_as.get_untracked();
            // the token goes into the copy only when the person asked for it
            let caller = if acting { crate::auth::Caller::ActingAs } else { crate::auth::Caller::Me };
            let token = with_token.get_untracked().then(|| session.token(caller)).flatten();
            let r = snippet::Request {
                method: &op.method,
                url: &full,
                operation_id: &op.operation_id,
                path_args,
                list: untrack(&list_query),
                body: body_now.as_ref(),
                acting,
                token: token.as_deref(),
            };
            let (text, what) = match (kind, r.token.is_some()) {
                (0, false) => (snippet::curl(&r), "cURL command copied (set TOKEN first)."),
                (1, false) => (snippet::fetch(&r), "fetch call copied (set token first)."),
                (_, false) => (snippet::sdk(&r), "SDK call copied."),
                (0, true) => (snippet::curl(&r), "cURL command copied, with your token: keep it private."),
                (1, true) => (snippet::fetch(&r), "fetch call copied, with your token: keep it private."),
                (_, true) => (snippet::sdk(&r), "SDK call copied, with your token: keep it private."),
            };
            let _ = window().navigator().clipboard().write_text(&text);
            copied.set(what);
        }
    };
    let (c0, c1, c2) = (copy_as.clone(), copy_as.clone(), copy_as);

    view! {
        <section class="operation" aria-label="Request">
            <h2 class="op-head" tabindex="-1">
                <span class=format!("method m-{}", op.method.to_ascii_lowercase())>{op.method.clone()}</span>
                <code class="path">{op.path.clone()}</code>
                <span class="summary">{op.summary.clone()}</span>
                <span class="muted opid">{op.operation_id.clone()}</span>
            </h2>
            <div class="roles muted">"Roles: "{if op.roles.is_empty() { "any signed-in user".to_string() } else { op.roles.join(", ") }}</div>
            <form class="request" novalidate on:submit=move |ev| { ev.prevent_default(); send2(); }>
                <Show when=move || has_params>
                    <h3 class="sub">"Parameters"</h3>
                </Show>
                {path_params.into_iter().map(|p| param_input(p, path_values)).collect_view()}
                {plain.into_iter().map(|p| param_input(p, query_values)).collect_view()}
                {is_list.then(|| {
                    let sort_choices = sort_choices.clone();
                    view! {
                        <div class="list-params">
                            <div class="field"><label for="param-search">"search"</label>
                                <input id="param-search" type="search" prop:value=move || query_values.with(|m| m.get("search").cloned().unwrap_or_default())
                                    on:input=move |ev| { let v = event_target_value(&ev); query_values.update(|m| { m.insert("search".into(), v); }); }/></div>
                            <div class="field"><label for="param-searchOn">"searchOn"</label>
                                <input id="param-searchOn" placeholder=search_on.clone() prop:value=move || query_values.with(|m| m.get("searchOn").cloned().unwrap_or_default())
                                    on:input=move |ev| { let v = event_target_value(&ev); query_values.update(|m| { m.insert("searchOn".into(), v); }); }/></div>
                            <div class="field"><label for="param-sortBy">"sortBy"</label>
                                <div class="row">
                                    <select id="param-sortBy" prop:value=sort_field on:change=move |ev| sort_field.set(event_target_value(&ev))>
                                        <option value="">"—"</option>
                                        {sort_choices.into_iter().map(|s| view! { <option value=s.clone()>{s.clone()}</option> }).collect_view()}
                                    </select>
                                    <button type="button" id="sort-direction" title="Sort direction" on:click=move |_| sort_desc.update(|d| *d = !*d)>
                                        {move || if sort_desc.get() { "↓ Desc" } else { "↑ Asc" }}
                                    </button>
                                </div></div>
                            <div class="field"><label for="param-page">"page"</label>
                                <input id="param-page" type="number" min="1" prop:value=move || query_values.with(|m| m.get("page").cloned().unwrap_or_default())
                                    on:input=move |ev| { let v = event_target_value(&ev); query_values.update(|m| { m.insert("page".into(), v); }); }/></div>
                            <div class="field"><label for="param-pageSize">"pageSize"</label>
                                <input id="param-pageSize" type="number" min="1" max="100" prop:value=move || query_values.with(|m| m.get("pageSize").cloned().unwrap_or_default())
                                    on:input=move |ev| { let v = event_target_value(&ev); query_values.update(|m| { m.insert("pageSize".into(), v); }); }/></div>
                            <div class="filters">
                                <h3 class="sub">"Filters"</h3>
                                <For each={move || indexed(filters.get())} key=|(i, _)| *i let:item>
                                    {
                                        let (i, row) = item;
                                        view! {
                                            <div class="row filter-row">
                                                <input class="filter-field" id=format!("filter-field-{i}") aria-label="Filter field" placeholder="Field or xp.Path" prop:value=row.field.clone()
                                                    on:input=move |ev| { let v = event_target_value(&ev); filters.update(|f| f[i].field = v); }/>
                                                <select class="filter-op" id=format!("filter-op-{i}") aria-label="Filter operator" prop:value=row.op.clone()
                                                    on:change=move |ev| { let v = event_target_value(&ev); filters.update(|f| f[i].op = v); }>
                                                    {FILTER_OPS.iter().map(|(k, l)| view! { <option value=*k>{*l}</option> }).collect_view()}
                                                </select>
                                                <input class="filter-value" id=format!("filter-value-{i}") aria-label="Filter value" prop:value=row.value.clone()
                                                    on:input=move |ev| { let v = event_target_value(&ev); filters.update(|f| f[i].value = v); }/>
                                                <button type="button" class="ghost" aria-label="Remove filter" on:click=move |_| filters.update(|f| { f.remove(i); })>"✕"</button>
                                            </div>
                                        }
                                    }
                                </For>
                                <button type="button" id="add-filter" on:click=move |_| filters.update(|f| f.push(FilterRow { field: String::new(), op: "eq".into(), value: String::new() }))>"+ Add filter"</button>
                            </div>
                        </div>
                    }
                })}
                {body_fields.map(|fields| view! {
                    <div class="body">
                        <div class="tabs" role="tablist">
                            <button type="button" role="tab" id="mode-form" aria-selected=move || (!json_mode.get()).to_string()
                                on:click=move |_| { if json_mode.get_untracked() && from_json() { json_mode.set(false); } }>"Form"</button>
                            <button type="button" role="tab" id="mode-json" aria-selected=move || json_mode.get().to_string()
                                on:click=move |_| { if !json_mode.get_untracked() { to_json(); json_mode.set(true); } }>"JSON"</button>
                        </div>
                        <Show when=move || json_err.get().is_some()>
                            <p class="error" id="json-error" role="alert">{move || json_err.get().unwrap_or_default()}</p>
                        </Show>
                        <div style:display=move || if json_mode.get() { "none" } else { "" } class="form-fields">
                            {fields_view(fields.clone(), vec![], body, field_errors, unparsed, password)}
                        </div>
                        <Show when=move || json_mode.get()>
                            <label for="body-json" class="sr-only">"Request body (JSON)"</label>
                            <textarea id="body-json" class="code" rows="14" spellcheck="false" prop:value=json_text
                                on:input=move |ev| json_text.set(event_target_value(&ev))></textarea>
                        </Show>
                    </div>
                })}
                <div class="send-row">
                    <button type="submit" class="primary" id="send" disabled=sending>
                        {move || if sending.get() { view! { <Spinner label="Sending"/>" Sending…" }.into_any() } else { "Send".into_any() }}
                    </button>
                    <Show when=move || long_wait.get()>
                        <button type="button" id="stop" on:click=move |_| stop() title="Stop waiting for this answer (a request that reached the API may have done its work)">"Stop"</button>
                    </Show>
                    <code class="url-preview" id="request-url">{url_preview}</code>
                    <button type="button" class="ghost" id="copy-url" on:click=copy_url title="Copy the request URL">"Copy URL"</button>
                    <span class="copy-as" role="group" aria-label="Copy the request as code">
                        <span class="muted">"Copy as"</span>
                        <button type="button" class="ghost" id="copy-curl" on:click=move |_| c0(0)>"cURL"</button>
                        <button type="button" class="ghost" id="copy-fetch" on:click=move |_| c1(1)>"fetch"</button>
                        <button type="button" class="ghost" id="copy-sdk" on:click=move |_| c2(2)>"SDK"</button>
                        <label class="check" title="Off: the copy reads the token from a variable, so a pasted snippet does not leak it">
                            <input type="checkbox" id="include-token" prop:checked=with_token on:change=move |ev| with_token.set(event_target_checked(&ev))/>" with my token"
                        </label>
                    </span>
                    <span class="muted" id="copied" role="status">{copied}</span>
                    {move || session.acting.get().map(|a| view! {
                        <label class="check" title="Like the SDK's As(): this request uses the impersonation token">
                            <input type="checkbox" id="send-as" prop:checked=send_as on:change=move |ev| send_as.set(event_target_checked(&ev))/>
                            {format!(" as {}", a.username)}
                        </label>
                    })}
                    // said in the row that stays in view, beside the Send that refused
                    <Show when=move || param_error.get().is_some()>
                        <p class="error" id="request-error" role="alert">{move || param_error.get().unwrap_or_default()}</p>
                    </Show>
                </div>
            </form>
        </section>
        <section class="response-pane" aria-label="Response" aria-live="polite">
            {move || match pane.get() {
                Pane::Empty => view! { <p class="muted empty">"The response appears here."</p> }.into_any(),
                Pane::Failed(e) => view! { <p class="error" id="network-error" role="alert">{e}</p> }.into_any(),
                Pane::Answer(n) => {
                    let token_roles = untrack(|| session.in_force().info.role);
                    let head = response.with_untracked(|r| r.clone().and_then(Result::ok)).unwrap_or_default();
                    let live = Signal::derive(move || response.with(|r| r.clone().and_then(Result::ok)));
                    let viewer = view! { <ResponseView head=head live=live op_roles=op_roles.clone() token_roles=token_roles/> };
                    // each answer gets a viewer of its own (one of the same side would be patched
                    // in place, still scrolled where the last answer was left)
                    if n % 2 == 0 { leptos::either::Either::Left(viewer) } else { leptos::either::Either::Right(viewer) }.into_any()
                }
            }}
            <HistoryView history=history route=route/>
        </section>
    }
}

/// The last requests of this context, each a link back to its operation (the full, searchable
/// history is under every operation).
#[component]
fn Recent() -> impl IntoView {
    let history = expect_context::<history::History>();
    let route = expect_context::<Route>();
    move || {
        let last: Vec<history::Entry> = history.entries.with(|l| l.iter().take(5).cloned().collect());
        (!last.is_empty()).then(|| {
            view! {
                <section class="panel" id="recent" aria-labelledby="recent-title">
                    <h3 id="recent-title">"Recent requests"</h3>
                    <ul class="recent">{last.into_iter().map(|e| {
                        let line = format!("{} {} {}", e.outcome(), e.method, e.path);
                        let e1 = e.clone();
                        view! { <li class="history-entry">
                            <code class=if (200..300).contains(&e.status) { "ok" } else { "bad" }>{line.clone()}</code>
                            <button type="button" class="ghost" aria-label=format!("Open {line}") on:click=move |_| {
                                history.restore.set(Some((e1.clone(), false)));
                                route.go(&e1.op);
                            }>"Open"</button>
                        </li> }
                    }).collect_view()}</ul>
                </section>
            }
        })
    }
}

/// The request history of this context: searchable; each entry can be put back into its
/// operation's form, or sent again.
#[component]
fn HistoryView(history: history::History, route: Route) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let shown = move || {
        let q = fold(query.get().trim());
        history
            .entries
            .with(|l| l.iter().filter(|e| q.is_empty() || e.haystack().contains(&q)).cloned().collect::<Vec<_>>())
    };
    let again = move |e: history::Entry, go: bool| {
        let op = e.op.clone();
        history.restore.set(Some((e, go)));
        route.go(&op);
    };
    view! {
        <details class="history" id="history-panel">
            <summary>{move || format!("Request history ({})", history.entries.with(Vec::len))}</summary>
            <div class="row history-tools">
                <label class="sr-only" for="history-search">"Search the history"</label>
                <input type="search" id="history-search" placeholder="Search: method, path, status" prop:value=query on:input=move |ev| query.set(event_target_value(&ev))/>
                <button type="button" class="ghost" id="history-clear" on:click=move |_| history.clear()>"Clear"</button>
            </div>
            <p class="muted">"Kept in this browser for this context. Tokens, passwords and secrets are never kept."</p>
            <ul id="history">{move || shown().into_iter().map(|e| {
                let line = format!("{} {} {}", e.outcome(), e.method, e.path);
                let (e1, e2) = (e.clone(), e.clone());
                view! {
                    <li class="history-entry">
                        <code class=if (200..300).contains(&e.status) { "ok" } else { "bad" }>{line.clone()}</code>
                        {e.as_user.clone().map(|u| view! { <span class="muted">{format!(" as {u}")}</span> })}
                        {(!e.env.is_empty()).then(|| view! { <span class=format!("badge env-badge env-{}", e.env) title=e.context.clone()>{e.env.clone()}</span> })}
                        <button type="button" class="ghost history-restore" aria-label=format!("Restore {line}") on:click=move |_| again(e1.clone(), false)>"Restore"</button>
                        <button type="button" class="ghost history-resend" aria-label=format!("Send again {line}") on:click=move |_| again(e2.clone(), true)>"Send again"</button>
                    </li>
                }
            }).collect_view()}</ul>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::TokenInfo;

    /// A section and a resource whose names are markup and quotes; the resource's one operation
    /// needs BuyerAdmin.
    fn spec() -> Spec {
        Spec::read(
            &serde_json::json!({"openapi": "3.0.1", "info": {"title": "T", "version": "1"},
                "tags": [{"name": "<b>S</b> & co", "x-id": "s"}, {"name": "Users' \"><img src=x onerror=alert(1)>", "x-section-id": "s"}],
                "paths": {"/things": {"get": {"operationId": "Things.List", "tags": ["Users' \"><img src=x onerror=alert(1)>"],
                    "summary": "List", "security": [{"OAuth2": ["BuyerAdmin"]}], "responses": {"200": {"description": "ok"}}}}}})
            .to_string(),
        )
        .unwrap()
    }

    fn roles(r: &[&str]) -> TokenInfo {
        TokenInfo { role: r.iter().map(|s| s.to_string()).collect(), ..Default::default() }
    }

    const NOWHERE: Place = Place { op: None, resource: None };

    #[test]
    fn names_are_written_as_text_and_attributes_never_as_markup() {
        let m = menu_markup(&spec(), &roles(&["FullAccess"]), &NOWHERE, "");
        assert!(!m.contains("<img") && !m.contains("<b>"), "{m}");
        assert!(m.contains("<h2>&lt;b&gt;S&lt;/b&gt; &amp; co</h2>"), "{m}");
        assert!(m.contains("data-resource=\"Users&#39; &quot;&gt;&lt;img src=x onerror=alert(1)&gt;\""), "{m}");
        assert!(m.contains(">Users' \"&gt;&lt;img src=x onerror=alert(1)&gt;</a>"), "{m}");
        // the link leads to the resource's first operation
        assert!(m.contains("href=\"?op=GET%20%2Fthings\""), "{m}");
    }

    #[test]
    fn an_entry_is_locked_when_the_roles_in_force_call_none_of_its_operations() {
        let entry = |info: &TokenInfo| {
            let m = menu_markup(&spec(), info, &NOWHERE, "");
            let at = m.find("data-resource=").unwrap();
            m[m[..at].rfind("<a ").unwrap()..at].to_string()
        };
        assert!(entry(&roles(&["MeAdmin"])).contains("class=\"resource locked\""));
        assert!(entry(&roles(&["BuyerAdmin"])).contains("class=\"resource\""));
        assert!(entry(&roles(&["FullAccess"])).contains("class=\"resource\""));
    }

    #[test]
    fn the_place_in_view_is_marked_and_the_filter_hides_the_rest() {
        let info = roles(&["FullAccess"]);
        let here =
            Place { op: Some("GET /things".into()), resource: Some("Users' \"><img src=x onerror=alert(1)>".into()) };
        assert!(menu_markup(&spec(), &info, &here, "").contains("class=\"resource active\""));
        let screen = Place { op: Some("enhanced:access-map".into()), resource: None };
        let m = menu_markup(&spec(), &info, &screen, "");
        assert!(
            m.contains(
                "<a class=\"resource enhanced active\" aria-current=\"page\" href=\"?op=enhanced%3Aaccess-map\""
            ),
            "{m}"
        );
        assert_eq!(m.matches("aria-current").count(), 1);
        // a filter matching the resource keeps it and its section; the enhanced screens are hidden
        let m = menu_markup(&spec(), &info, &NOWHERE, "onerror");
        assert!(m.starts_with("<div class=\"section enhanced-section\" style=\"display:none;\">"), "{m}");
        assert_eq!(m.matches("display:none").count(), 1 + crate::enhanced::menu().len(), "{m}");
        // a hidden section keeps the room it takes, in its one style attribute
        let m = menu_markup(&spec(), &info, &NOWHERE, "no such name");
        assert!(m.contains(" style=\"display:none;contain-intrinsic-size:auto 58px\"><h2>"), "{m}");
        assert_eq!(m.matches(" style=").count(), m.matches("display:none").count(), "{m}");
        assert!(shown("users\nother", "other") && !shown("users\nother", "s\no") && shown("x", ""));
    }

    #[test]
    fn a_resource_is_found_by_its_operations_paths_and_methods() {
        let info = roles(&["FullAccess"]);
        // the entries of the resource's section (after the enhanced one)
        let resource_shown = |needle: &str| {
            let m = menu_markup(&spec(), &info, &NOWHERE, &fold(needle));
            let at = m.find("<h2>&lt;b&gt;").unwrap();
            let section = &m[m[..at].rfind("<div").unwrap()..];
            let li = &section[section.find("<li").unwrap()..];
            !section[..section.find('>').unwrap()].contains("display:none")
                && !li[..li.find('>').unwrap()].contains("display:none")
        };
        for needle in ["/things", "GET /things", "get /Things", "hings", "Users'", "<b>S"] {
            assert!(resource_shown(needle), "{needle:?}");
        }
        for needle in ["POST /things", "/thing/", "get  /things"] {
            assert!(!resource_shown(needle), "{needle:?}");
        }
        // a path is written as an attribute's text, never as markup
        let hostile = Spec::read(
            &serde_json::json!({"openapi": "3.0.1", "info": {"title": "T", "version": "1"}, "tags": [{"name": "Things"}],
                "paths": {"/x\"><img src=x onerror=alert(1)>": {"get": {"tags": ["Things"], "responses": {}}}}})
            .to_string(),
        )
        .unwrap();
        let m = menu_markup(&hostile, &info, &NOWHERE, "");
        assert!(!m.contains("<img") && m.contains("get /x&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), "{m}");
    }
}
