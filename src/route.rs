//! Where the portal is. Every operation and screen has its own address, `?op=KEY` (for example
//! `?op=GET%20/buyers` or `?op=enhanced:apiclients`), kept by leptos_router: menu entries and
//! other jumps are real links (open in a new tab, copy the link), reload keeps the place, and back
//! and forward move between places. A query rather than a path keeps `dist/` working on any
//! static host, under any sub-path, with no rewrite rules.
//!
//! The links are plain `<a href="?op=…">`: the router takes their clicks all the same (and leaves
//! Ctrl-, Shift- and middle-clicks to the browser). `<A>` would mark every one of them
//! `aria-current="page"`, as it compares paths only, and all these links share the page's path.
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

/// The address of an operation or screen, relative to the page.
pub fn href(op: &str) -> String {
    format!("?op={}", crate::api::enc(op))
}

/// The address of one object on an enhanced screen (`?op=enhanced:buyerusers&parent=B1&id=U1`);
/// empty values are left out.
pub fn object_href(op: &str, parent: &str, id: &str) -> String {
    let mut h = href(op);
    for (k, v) in [("parent", parent), ("id", id)] {
        if !v.is_empty() {
            h.push_str(&format!("&{k}={}", crate::api::enc(v)));
        }
    }
    h
}

/// The address of a new object's form on an enhanced screen, with fields filled in
/// (`?op=enhanced:impersonationconfigs&new=1&set.BuyerID=B1`): a link someone can follow, or
/// send to whoever may create it.
pub fn new_href(op: &str, fields: &[(&str, String)]) -> String {
    let mut h = href(op);
    h.push_str("&new=1");
    for (k, v) in fields.iter().filter(|(_, v)| !v.is_empty()) {
        h.push_str(&format!("&set.{k}={}", crate::api::enc(v)));
    }
    h
}

/// The place in view, read from the address, and the way to another.
#[derive(Clone, Copy)]
pub struct Route {
    /// The open operation or screen; `None` on the welcome page.
    pub op: Memo<Option<String>>,
    /// The object open on an enhanced screen: (parent, ID), empty when none.
    pub object: Memo<(String, String)>,
    /// A new object's form asked for by the address, with its filled-in fields.
    pub prefill: Memo<Option<Vec<(String, String)>>>,
    navigate: Callback<String>,
}

impl Route {
    /// The route of the page (called inside the `<Router>`).
    pub fn new() -> Route {
        let query = use_query_map();
        let navigate = use_navigate();
        Route {
            op: Memo::new(move |_| query.with(|q| q.get("op")).filter(|s| !s.is_empty())),
            object: Memo::new(move |_| {
                query.with(|q| (q.get("parent").unwrap_or_default(), q.get("id").unwrap_or_default()))
            }),
            prefill: Memo::new(move |_| {
                query.with(|q| {
                    q.get_str("new").map(|_| {
                        q.latest_values()
                            .filter_map(|(k, v)| Some((k.strip_prefix("set.")?.to_string(), v.to_string())))
                            .collect()
                    })
                })
            }),
            // the focus moves to the opened heading; the page does not jump to the top
            navigate: Callback::new(move |to: String| {
                navigate(&to, NavigateOptions { scroll: false, ..Default::default() })
            }),
        }
    }

    /// Opens `op`: a new history entry (none when it is already open).
    pub fn go(&self, op: &str) {
        if self.op.get_untracked().as_deref() != Some(op) {
            self.navigate.run(href(op));
        }
    }

    /// Goes to one object of an enhanced screen (`id` empty: to the screen with none open); no
    /// new history entry when it is the place in view.
    pub fn go_object(&self, op: &str, parent: &str, id: &str) {
        let here = self.op.get_untracked().as_deref() == Some(op)
            && self.object.with_untracked(|(p, i)| p == parent && i == id)
            && self.prefill.with_untracked(Option::is_none);
        if !here {
            self.navigate.run(object_href(op, parent, id));
        }
    }
}
