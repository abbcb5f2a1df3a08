//! Where the next screen of a console should open (shared between its screens).
use gatehouse_model::resources::UserType;
use leptos::prelude::*;

/// Whom the effective-roles screen should open on (set by "Effective roles" on a user).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RolesTarget {
    pub user_type: Option<UserType>,
    pub company: String,
    pub user_id: String,
}

/// Shared between the screens of one console: where the next screen should open.
#[derive(Clone, Copy)]
pub struct Jump {
    /// The user "Effective roles" shows.
    pub roles: RwSignal<RolesTarget>,
}

impl Jump {
    pub fn new() -> Jump {
        Jump { roles: RwSignal::new(RolesTarget::default()) }
    }
}
