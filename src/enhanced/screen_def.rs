//! What a resource screen is made of: its definition (fields placed in sections with their
//! widgets, pickers, panels below the editor) and the editor's state. [`super::resource`] draws
//! a screen from it, [`super::widgets`] binds widgets to it, [`super::screens`] lists them.
use gatehouse_model::resources::Kind;
use leptos::prelude::*;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The widget for one property.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum W {
    Text,
    LongText,
    Password,
    /// A checkbox with its label.
    Bool(&'static str),
    /// A duration in minutes, typed with a unit.
    Minutes,
    Secret,
    Json,
    Tags,
    Roles,
    Pick(Pick),
}

/// What a picker lists.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pick {
    Buyers,
    Profiles,
    Clients,
    /// Usernames of admin, buyer and supplier users.
    Usernames,
    /// Groups of the buyer named in `buyer_field`; admin groups when it is empty (if allowed).
    Groups {
        buyer_field: &'static str,
        admin_when_empty: bool,
    },
    Users {
        buyer_field: &'static str,
        admin_when_empty: bool,
    },
}

/// Panels below the editor of a saved object.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Extra {
    ClientAssignments,
    ProfileAssignments,
    Members,
    EffectiveRoles,
    /// Failed sign-ins and unlocking (admin users).
    SignInStatus,
}

pub struct ScreenDef {
    /// In the URL: `?op=enhanced:{key}`.
    pub key: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub intro: &'static str,
    pub columns: &'static [&'static str],
    /// The property that names an object in headings.
    pub title: &'static str,
    pub sections: &'static [Section],
    pub extras: &'static [Extra],
}

/// One field on a screen: property name, widget, hint.
pub type Placed = (&'static str, W, &'static str);
/// A titled group of fields.
pub type Section = (&'static str, &'static [Placed]);

/// The editor's state, shared with its widgets.
#[derive(Clone, Copy)]
pub struct Form {
    pub draft: RwSignal<Map<String, Value>>,
    /// Field → message, from validation or from the API.
    pub errors: RwSignal<HashMap<String, String>>,
    /// Field → message for input that cannot become a value yet (kept as typed).
    pub local: RwSignal<HashMap<String, String>>,
    pub writable: Signal<bool>,
}

/// What the editor shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Editing {
    None,
    New,
    /// A saved object, as last read from the API.
    Saved(Map<String, Value>),
}

impl Editing {
    /// The ID of the saved object in the editor; empty for none or a new one.
    pub fn id(&self) -> String {
        match self {
            Editing::Saved(m) => m.get("ID").and_then(Value::as_str).unwrap_or_default().to_string(),
            _ => String::new(),
        }
    }
}
