//! Hand-built screens for the key resources, reached from the same menu (marked as enhanced).
//!
//! Most are one generic screen ([`resource::ResourceScreen`]) laid out per resource by a
//! [`screen_def::ScreenDef`]: list with search / sort / paging, create / edit / delete, read-only
//! when the token lacks the write roles, and a link to the same operation in the raw console.
//! The parts that are particular to a resource (client assignments, profile assignments, group
//! members) are panels in their own modules. Calls go through the session, so while a rep acts
//! as a buyer the screens call the API as that buyer.
pub mod access_code;
pub mod access_map;
pub mod api_clients;
pub mod effective_roles;
pub mod files;
pub mod groups;
pub mod impersonation;
pub mod import_users;
pub mod jump;
pub mod organization;
pub mod overview;
pub mod resource;
pub mod screen_def;
pub mod screens;
pub mod security_profiles;
pub mod sign_in_status;
pub mod start_here;
pub mod widgets;

use leptos::prelude::*;

/// Menu entries: (op-key in the URL, label). Resource screens come from [`screens::ALL`].
pub fn menu() -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> =
        screens::ALL.iter().map(|s| (format!("enhanced:{}", s.key), s.label)).collect();
    out.insert(2, ("enhanced:effective-roles".into(), "Effective roles"));
    out.insert(3, ("enhanced:access-map".into(), "Access map"));
    out.push(("enhanced:impersonation".into(), "Impersonation launcher"));
    out.push(("enhanced:import-users".into(), "Import users"));
    out.push(("enhanced:access-code".into(), "Access as code"));
    out.push(("enhanced:members".into(), "Members"));
    out.push(("enhanced:applications".into(), "Applications"));
    out
}

/// The enhanced screen for a menu key, if it is one (`spec`: the API description loaded).
pub fn screen_for(key: &str, spec: &std::sync::Arc<crate::spec::Spec>) -> Option<AnyView> {
    let name = key.strip_prefix("enhanced:")?;
    Some(match name {
        "impersonation" => view! { <impersonation::Launcher/> }.into_any(),
        "effective-roles" => view! { <effective_roles::EffectiveRoles/> }.into_any(),
        "access-code" => view! { <access_code::AccessCode/> }.into_any(),
        "import-users" => view! { <import_users::ImportUsers/> }.into_any(),
        "access-map" => view! { <access_map::AccessMapScreen spec=spec.clone()/> }.into_any(),
        "members" => view! { <organization::Members/> }.into_any(),
        "applications" => view! { <organization::Applications/> }.into_any(),
        _ => {
            let def = screens::ALL.iter().find(|s| s.key == name)?;
            view! { <resource::ResourceScreen def=def/> }.into_any()
        }
    })
}

/// The enhanced screen for an API tag: its menu key and label (the menu's entry for the resource).
pub fn screen_for_tag(tag: &str) -> Option<(String, &'static str)> {
    screens::ALL.iter().find(|s| s.kind.def().tag == tag).map(|s| (format!("enhanced:{}", s.key), s.label))
}

/// The resource an enhanced screen stands for, if it is a resource's.
pub fn tag_of_screen(key: &str) -> Option<&'static gatehouse_model::resources::ResourceDef> {
    let name = key.strip_prefix("enhanced:")?;
    screens::ALL.iter().find(|s| s.key == name).map(|s| s.kind.def())
}

/// A resource's enhanced screen as the menu offers it.
pub struct ResourceScreen {
    pub label: &'static str,
    pub read_roles: &'static [&'static str],
}

/// The resource screens whose resource the API description has (`tags`: its resources' names).
pub fn screens_of(tags: &[String]) -> impl Iterator<Item = ResourceScreen> + '_ {
    screens::ALL
        .iter()
        .filter(move |s| tags.iter().any(|t| t == s.kind.def().tag))
        .map(|s| ResourceScreen { label: s.label, read_roles: s.kind.def().read_roles })
}
