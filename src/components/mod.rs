//! Small shared pieces: spinner, a load and a write on screen (the same everywhere), problems,
//! sign-in form, theme.
pub mod account;
pub mod environment;
pub mod problems;
pub mod signin;
pub mod token;

pub use problems::Problems;

use crate::data::{one_line, Load, Problem};
use leptos::prelude::*;

#[component]
pub fn Spinner(#[prop(optional)] label: &'static str) -> impl IntoView {
    view! { <span class="spinner" role="status" aria-label=if label.is_empty() { "Loading" } else { label }></span> }
}

/// A [`Load`] on screen, the same everywhere: a spinner (and `waiting`) while the answer is on
/// its way, its problem in one line if it failed, nothing when there is nothing to load, else
/// `ok(answer)`.
pub trait LoadView<T> {
    fn view(self, waiting: &'static str, ok: impl Fn(T) -> AnyView + Send + Sync + 'static) -> impl IntoView;
}

impl<T: Clone + Send + Sync + 'static> LoadView<T> for Load<T> {
    fn view(self, waiting: &'static str, ok: impl Fn(T) -> AnyView + Send + Sync + 'static) -> impl IntoView {
        move || match self.state.get() {
            None if self.loading.get() => pending(waiting),
            None => ().into_any(),
            Some(Err(p)) => failed(&p),
            Some(Ok(v)) => ok(v),
        }
    }
}

fn pending(waiting: &'static str) -> AnyView {
    view! { <p class="loading"><Spinner/>{waiting}</p> }.into_any()
}

fn failed(p: &[Problem]) -> AnyView {
    view! { <p class="error" role="alert">{one_line(p)}</p> }.into_any()
}

/// A write's button label: `idle`, or a spinner and `doing` while the write is on its way.
#[component]
pub fn Busy(
    #[prop(into)] when: Signal<bool>,
    idle: &'static str,
    doing: &'static str,
    /// The spinner's name for screen readers ("Loading" when empty).
    #[prop(optional)]
    label: &'static str,
) -> impl IntoView {
    move || if when.get() { view! { <Spinner label=label/>{doing} }.into_any() } else { idle.into_any() }
}

/// What went wrong with a write (or a load beside it), in one line; nothing when all is well.
#[component]
pub fn Failed(
    #[prop(into)] problem: Signal<Option<String>>,
    #[prop(optional, into)] id: Option<String>,
) -> impl IntoView {
    view! {
        <Show when=move || problem.with(|p| p.as_ref().is_some_and(|p| !p.is_empty()))>
            <p class="error" role="alert" id=id.clone()>{move || problem.get()}</p>
        </Show>
    }
}

const THEME: &str = "gatehouse.theme";

/// Escape closes a folded menu (`open`) and puts the focus back on the button that opened it
/// (`toggle`, an element ID), from anywhere inside the menu or on that button.
pub fn escape_closes(ev: &leptos::ev::KeyboardEvent, open: RwSignal<bool>, toggle: &str) {
    if ev.key() != "Escape" || !open.get_untracked() {
        return;
    }
    open.set(false);
    focus(&format!("#{toggle}"));
}

/// A click outside a folded menu closes it, as it closes a pop-over: `open` is the menu's state,
/// `panel` and `toggle` the IDs of the menu and of the button that opens it (a click on either is
/// theirs). The listener goes with the component that calls this.
pub fn outside_click_closes(open: RwSignal<bool>, panel: &'static str, toggle: &'static str) {
    use wasm_bindgen::JsCast;
    let listener = window_event_listener(leptos::ev::click, move |ev| {
        if !open.get_untracked() {
            return;
        }
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok()) else { return };
        let inside = [panel, toggle]
            .iter()
            .any(|id| document().get_element_by_id(id).is_some_and(|e| e.contains(Some(&target))));
        if !inside {
            open.set(false);
        }
    });
    on_cleanup(move || listener.remove());
}

/// Moves the keyboard focus to the first element `css` selects, if there is one.
pub fn focus(css: &str) {
    if let Some(e) = document().query_selector(css).ok().flatten() {
        let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(e).focus();
    }
}

pub fn apply_theme(theme: &str) {
    if let Some(el) = document().document_element() {
        let _ = el.set_attribute("data-theme", theme);
    }
}

pub fn saved_theme() -> String {
    window().local_storage().ok().flatten().and_then(|s| s.get_item(THEME).ok().flatten()).unwrap_or_else(|| {
        let dark = window().match_media("(prefers-color-scheme: dark)").ok().flatten().is_some_and(|m| m.matches());
        if dark {
            "dark".into()
        } else {
            "light".into()
        }
    })
}

#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = RwSignal::new(saved_theme());
    Effect::new(move |_| apply_theme(&theme.get()));
    let flip = move |_| {
        let next = if theme.get_untracked() == "dark" { "light" } else { "dark" };
        if let Some(s) = window().local_storage().ok().flatten() {
            let _ = s.set_item(THEME, next);
        }
        theme.set(next.to_string());
    };
    view! {
        <button class="ghost" id="theme-toggle" on:click=flip title="Switch light / dark theme">
            {move || if theme.get() == "dark" { "☀ Light" } else { "☾ Dark" }}
        </button>
    }
}
