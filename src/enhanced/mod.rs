//! Hand-built screens for the key resources, reached from the same menu (marked as enhanced).
//!
//! Most are one generic screen ([`resource::ResourceScreen`]) laid out per resource by a
//! [`resource::ScreenDef`]: list with search / sort / paging, create / edit / delete, read-only
//! when the token lacks the write roles, and a link to the same operation in the raw console.
//! The parts that are particular to a resource (client assignments, profile assignments, group
//! members) are panels in their own modules. Calls go through the session, so while a rep acts
//! as a buyer the screens call the API as that buyer.
pub mod api_clients;
pub mod effective_roles;
pub mod groups;
pub mod impersonation;
pub mod organization;
pub mod resource;
pub mod screens;
pub mod security_profiles;
pub mod sign_in_status;
pub mod start_here;
pub mod widgets;

use crate::auth::{Caller, Session};
use gatehouse_model::error::codes;
use gatehouse_model::read::{User, UserGroupAssignment};
use gatehouse_model::resources::{Kind, UserType};
use leptos::prelude::*;
use serde_json::Value;

/// Menu entries: (op-key in the URL, label). Resource screens come from [`screens::ALL`].
pub fn menu() -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> =
        screens::ALL.iter().map(|s| (format!("enhanced:{}", s.key), s.label)).collect();
    out.insert(2, ("enhanced:effective-roles".into(), "Effective roles"));
    out.push(("enhanced:impersonation".into(), "Impersonation launcher"));
    out.push(("enhanced:members".into(), "Members"));
    out.push(("enhanced:applications".into(), "Applications"));
    out
}

/// The enhanced screen for a menu key, if it is one.
pub fn screen_for(key: &str) -> Option<AnyView> {
    let name = key.strip_prefix("enhanced:")?;
    Some(match name {
        "impersonation" => view! { <impersonation::Launcher/> }.into_any(),
        "effective-roles" => view! { <effective_roles::EffectiveRoles/> }.into_any(),
        "members" => view! { <organization::Members/> }.into_any(),
        "applications" => view! { <organization::Applications/> }.into_any(),
        _ => {
            let def = screens::ALL.iter().find(|s| s.key == name)?;
            view! { <resource::ResourceScreen def=def/> }.into_any()
        }
    })
}

/// The enhanced screen key for an API tag (for the ⚡ marks in the resource menu).
pub fn screen_for_tag(tag: &str) -> Option<String> {
    screens::ALL.iter().find(|s| s.kind.def().tag == tag).map(|s| format!("enhanced:{}", s.key))
}

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

/// A problem's data naming an object the user can go and fix: (screen key, label, ID).
fn culprit(p: &Problem) -> Option<(&'static str, &'static str, String)> {
    ["ImpersonationConfigID", "ConflictingConfigID"]
        .iter()
        .find_map(|k| p.data[*k].as_str())
        .map(|id| ("impersonationconfigs", "impersonation config", id.to_string()))
}

/// One thing that went wrong, worded for people: the API's message and code, and what it means.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub explain: Option<String>,
    pub data: Value,
}

impl Problem {
    fn network(message: String) -> Problem {
        Problem {
            status: 0,
            code: "Network".into(),
            message,
            explain: Some("Everything you entered is still here; try again when the connection is back.".into()),
            data: Value::Null,
        }
    }
}

/// What an error code means for someone using the screens.
pub fn explain(status: u16, code: &str, data: &Value) -> Option<String> {
    let d = |k: &str| data[k].as_str().unwrap_or_default().to_string();
    let list = |k: &str| {
        data[k]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_str()).collect::<Vec<_>>().join(", "))
            .unwrap_or_default()
    };
    Some(match code {
        codes::ID_EXISTS => "An object of this kind already has this ID; IDs are unique. Choose another ID, or leave ID empty and the API makes one.".into(),
        codes::USERNAME_UNIQUE => "Usernames are unique across the whole marketplace (admin, buyer and supplier users alike). Choose another username.".into(),
        codes::INSUFFICIENT_ROLES => format!(
            "Your token lacks the roles for this. It accepts any of: {}. Your token has: {}. Ask an administrator for a security profile with one of them.",
            list("SufficientRoles"),
            if list("AssignedRoles").is_empty() { "none".into() } else { list("AssignedRoles") }
        ),
        codes::USED_BY_IMPERSONATION => format!(
            "Reps act on behalf of buyers through this client: impersonation config {} names it. Deleting the client would break that config, so the API refuses. Delete or change the config first.",
            d("ImpersonationConfigID")
        ),
        codes::IMPERSONATION_CONFIG => "An impersonation config depends on this. Delete or change that config first.".into(),
        codes::CONFLICTING_CONFIG => "Another impersonation config already covers the same impersonator and the same buyer users, so the API could not tell which client and roles apply. Edit that config instead, or narrow this one to a different group or user.".into(),
        codes::INSECURE_PASSWORD => "The password does not meet the password policy shown under the field.".into(),
        codes::VALIDATION => "The API refused a value; the field is marked.".into(),
        codes::NOT_FOUND => "It is not there (any more): someone may have deleted or renamed it. Reload the list.".into(),
        codes::INVALID_TOKEN => "Your session has ended; sign in again and retry — your input is kept.".into(),
        _ if status >= 500 => "The API failed. Your input is kept; try again later.".into(),
        _ => return None,
    })
}

/// Calls the API (as the acting user while impersonating); the JSON answer, or its problems.
pub async fn call(session: Session, method: &str, path: &str, body: Option<&Value>) -> Result<Value, Vec<Problem>> {
    call_as(session, Caller::ActingAs, method, path, body).await
}

/// [`call`], choosing the token: `own` is the signed-in user's even while acting as someone
/// (the launcher works as the rep).
pub async fn call_as(
    session: Session,
    caller: Caller,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Result<Value, Vec<Problem>> {
    call_with(session, caller, method, path, body, None).await
}

/// A GET that belongs to a [`Latest`] series: `None` when a newer load began meanwhile (or the
/// screen went away), so its answer is dropped.
pub async fn load_latest(
    session: Session,
    caller: Caller,
    path: &str,
    latest: crate::api::Latest,
) -> Option<Result<Value, Vec<Problem>>> {
    let ticket = latest.begin();
    let r = call_with(session, caller, "GET", path, None, ticket.signal.as_ref()).await;
    latest.is_current(&ticket).then_some(r)
}

/// [`call_as`], abortable by `signal`.
pub async fn call_with(
    session: Session,
    caller: Caller,
    method: &str,
    path: &str,
    body: Option<&Value>,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<Value, Vec<Problem>> {
    let text = body.map(|b| b.to_string());
    let res = session
        .send(method, &session.url(path), text.as_deref(), caller, signal)
        .await
        .map_err(|e| vec![Problem::network(e)])?;
    if res.ok() {
        if res.body.trim().is_empty() {
            return Ok(Value::Null);
        }
        // an answer that cannot be read is said to be so, never taken for an empty one
        return serde_json::from_str(&res.body).map_err(|e| {
            vec![Problem {
                status: res.status,
                code: "UnreadableAnswer".into(),
                message: format!(
                    "The API answered {} with {} that the portal cannot read as JSON ({e}).",
                    res.status,
                    crate::text::human_size(res.size)
                ),
                explain: Some("The raw console shows it as sent.".into()),
                data: Value::Null,
            }]
        });
    }
    let errs = res.errors().map(|b| b.errors).unwrap_or_default();
    if errs.is_empty() {
        return Err(vec![Problem {
            status: res.status,
            code: format!("HTTP {}", res.status),
            message: format!("The API answered {} {}.", res.status, res.status_text),
            explain: explain(res.status, "", &Value::Null),
            data: Value::Null,
        }]);
    }
    Err(errs
        .into_iter()
        .map(|e| {
            let data = e.data.clone();
            Problem {
                status: res.status,
                explain: explain(res.status, &e.error_code, &data),
                code: e.error_code,
                message: e.message,
                data,
            }
        })
        .collect())
}

/// Sends a change from a panel (an assignment, a membership): on success clears `problems` and
/// runs `then` (which reloads the panel); on failure puts the problems, explained, in one line.
pub fn change(
    session: Session,
    method: &'static str,
    path: String,
    body: Option<Value>,
    problems: RwSignal<String>,
    then: impl FnOnce() + 'static,
) {
    leptos::task::spawn_local(async move {
        match call(session, method, &path, body.as_ref()).await {
            Ok(_) => {
                problems.set(String::new());
                then();
            }
            Err(p) => problems.set(resource::one_line(&p)),
        }
    });
}

/// Every item of a list (following pages, up to `limit` items).
pub async fn list_all(session: Session, path: &str, limit: usize) -> Result<Vec<Value>, Vec<Problem>> {
    list_all_as(session, Caller::ActingAs, path, &[], limit).await
}

/// [`list_all`], choosing the token as [`call_as`] does.
pub async fn list_all_as(
    session: Session,
    caller: Caller,
    path: &str,
    params: &[(&str, &str)],
    limit: usize,
) -> Result<Vec<Value>, Vec<Problem>> {
    let params = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let mut q = gatehouse_model::list::ListQuery { page_size: 100, params, ..Default::default() };
    let mut out = Vec::new();
    for page in 1.. {
        q.page = page;
        let v = call_as(session, caller, "GET", &crate::api::with_query(path, &q), None).await?;
        let items = v["Items"].as_array().cloned().unwrap_or_default();
        out.extend(items);
        let pages = v["Meta"]["TotalPages"].as_u64().unwrap_or(1);
        if page as u64 >= pages || out.len() >= limit {
            break;
        }
    }
    Ok(out)
}

/// (ID, Name) of every object of a collection (buyers, suppliers): what a company picker offers.
pub async fn id_names(session: Session, path: &str) -> Result<Vec<(String, String)>, Vec<Problem>> {
    Ok(list_all(session, path, 1000).await?.iter().map(|v| (text(v, "ID"), text(v, "Name"))).collect())
}

/// GET with the signed-in user's own token (never an act-as one); problems in one line. What
/// the launcher and the checklist read with.
pub async fn get_as_me(session: Session, path: &str) -> Result<Value, String> {
    call_as(session, Caller::Me, "GET", path, None).await.map_err(|p| resource::one_line(&p))
}

/// The name of `id` in a list of (ID, name), or the ID when it has none there.
pub fn name_in(list: &[(String, String)], id: &str) -> String {
    list.iter()
        .find(|(i, _)| i == id)
        .map(|(_, n)| n.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| id.to_string())
}

/// Names for the IDs a panel holds (assignments, members): the companies, groups and users it
/// meets, loaded once per collection. Keys are `collection path + "/" + ID`, so a buyer and a
/// user that share an ID stay apart. An ID with no name known is shown as is.
#[derive(Clone, Copy)]
pub struct Names {
    known: RwSignal<std::collections::BTreeMap<String, String>>,
    asked: StoredValue<Vec<String>, LocalStorage>,
}

impl Names {
    pub fn new() -> Names {
        Names { known: RwSignal::new(Default::default()), asked: StoredValue::new_local(Vec::new()) }
    }
    /// Loads the names of a collection (once): people by [`person`], the rest by `Name`.
    pub fn load(&self, session: Session, path: String) {
        if self.asked.with_value(|a| a.contains(&path)) {
            return;
        }
        self.asked.update_value(|a| a.push(path.clone()));
        let known = self.known;
        leptos::task::spawn_local(async move {
            let Ok(list) = list_all(session, &path, 1000).await else { return };
            known.update(|k| {
                for v in &list {
                    let name = if v.get("Username").is_some() { User(v).person() } else { text(v, "Name") };
                    if !name.is_empty() {
                        k.insert(format!("{path}/{}", text(v, "ID")), name);
                    }
                }
            });
        });
    }
    /// The name of `id` in the collection at `path`, or `id` (tracked: fills in when loaded).
    pub fn of(&self, path: &str, id: &str) -> String {
        self.known.with(|k| k.get(&format!("{path}/{id}")).cloned()).unwrap_or_else(|| id.to_string())
    }
}

/// IDs of the groups a user of type `t` in `company` ('' for admin) belongs to.
pub async fn groups_of(
    session: Session,
    caller: Caller,
    t: UserType,
    company: &str,
    user_id: &str,
) -> Result<Vec<String>, Vec<Problem>> {
    let path = format!("{}/assignments", crate::data::At::of(Kind::group_kind(t), company).collection());
    Ok(list_all_as(session, caller, &path, &[("userID", user_id)], 10_000)
        .await?
        .iter()
        .map(UserGroupAssignment)
        .filter(|a| a.user_id() == user_id)
        .map(|a| a.user_group_id())
        .collect())
}

/// The roles of the token the screens call with (the acting user's while impersonating).
pub fn held_roles(session: Session) -> Vec<String> {
    session.in_force().info.role
}

/// The text at a key of an API object, or empty.
pub use crate::json::string as text;

/// A list of problems, with their meanings.
#[component]
pub fn Problems(#[prop(into)] id: String, #[prop(into)] problems: Signal<Vec<Problem>>) -> impl IntoView {
    view! {
        <Show when=move || !problems.get().is_empty()>
            <div role="alert"><ul class="problems" id=id.clone()>
                {move || problems.get().into_iter().map(|p| view! {
                    <li data-code=p.code.clone()>
                        <strong>{p.message.clone()}</strong>
                        // the API's code as secondary text; the portal's own problems have none to show
                        {(p.status > 0).then(|| view! { <span class="muted">{format!(" ({}, HTTP {})", p.code, p.status)}</span> })}
                        {p.explain.clone().map(|e| view! { <span class="explain">{e}</span> })}
                        {culprit(&p).map(|(screen, label, id)| view! {
                            <a class="problem-open" data-noscroll href=crate::route::object_href(&format!("enhanced:{screen}"), "", &id)>{format!("Open {label} {id}")}</a>
                        })}
                    </li>
                }).collect_view()}
            </ul></div>
        </Show>
    }
}
