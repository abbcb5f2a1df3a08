//! The selected operation lives in the URL (`?op=METHOD%20/path`), so every operation has its
//! own address, reload keeps it, and back / forward move between operations. A query parameter
//! (not a path) keeps `dist/` working on any static host, under any sub-path, without rewrites.
use leptos::prelude::*;
use wasm_bindgen::JsValue;

pub fn current_op() -> Option<String> {
    let search = window().location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get("op").filter(|s| !s.is_empty())
}

/// Opens `op`: a new history entry and the selection.
pub fn go(selected: RwSignal<Option<String>>, op: &str) {
    push_op(op);
    selected.set(Some(op.to_string()));
}

fn push_op(op: &str) {
    if current_op().as_deref() == Some(op) {
        return;
    }
    let url = format!("?op={}", crate::api::enc(op));
    if let Ok(h) = window().history() {
        let _ = h.push_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Keeps `selected` in step with back / forward.
pub fn follow(selected: RwSignal<Option<String>>) {
    let handle = window_event_listener(leptos::ev::popstate, move |_| selected.set(current_op()));
    on_cleanup(move || handle.remove());
}
