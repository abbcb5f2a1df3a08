//! The organization's own screens (for contexts of an account): its members, invitations,
//! custom roles and provisioning events, and its applications. Everything goes through the
//! sandbox's `/organization` endpoints with the context's token; what only an Admin may do is
//! shown read-only to others, saying so.
use super::screen_def::Form;
use super::widgets::RolePicker;
use crate::api::item;
use crate::auth::{Caller, Session};
use crate::components::{Failed, Problems};
use crate::data::Load;
use crate::data::{call, one_line, Problem, Write};
use gatehouse_model::hub;
use gatehouse_model::read::{Application, Invitation, Member, Organization, OrganizationRole, ProvisioningEvent};
use leptos::prelude::*;
use serde_json::{json, Map, Value};

/// The organization's lists, loaded together (`version` bumps reload them).
#[derive(Clone, Default)]
struct Org {
    me: Value,
    members: Vec<Value>,
    invitations: Vec<Value>,
    roles: Vec<Value>,
    events: Vec<Value>,
}

fn items(v: &Value) -> Vec<Value> {
    v["Items"].as_array().cloned().unwrap_or_default()
}

/// The organization and the caller's role; with `lists`, its members and roles too, and for an
/// Admin its invitations and provisioning events (the applications screen needs only the role).
async fn load(session: Session, lists: bool) -> Result<Org, Vec<Problem>> {
    let me = call(session, "GET", hub::ORGANIZATION, None).await?;
    if !lists {
        return Ok(Org { me, ..Org::default() });
    }
    let admin = Organization(&me).role() == "Admin";
    let get = |p: &'static str| async move { call(session, "GET", p, None).await.map(|v| items(&v)) };
    Ok(Org {
        members: get(hub::MEMBERS).await?,
        roles: get(hub::ROLES).await?,
        invitations: if admin { get(hub::INVITATIONS).await? } else { Vec::new() },
        events: if admin { get(hub::EVENTS).await? } else { Vec::new() },
        me,
    })
}

/// Loads the organization on mount and whenever `version` changes.
fn loader(session: Session, version: RwSignal<u32>, lists: bool) -> (Signal<Option<Org>>, Signal<Vec<Problem>>) {
    // keyed on the organization in use and on the version a change bumps
    let org = Load::new(
        move || {
            version.track();
            session.active.track();
            Some(())
        },
        move |_, _| load(session, lists),
        true,
    );
    (
        Signal::derive(move || org.state.with(|s| s.as_ref().and_then(|r| r.as_ref().ok()).cloned())),
        Signal::derive(move || {
            org.state.with(|s| s.as_ref().and_then(|r| r.as_ref().err()).cloned().unwrap_or_default())
        }),
    )
}

fn copy(text: String) {
    let _ = window().navigator().clipboard().write_text(&text);
}

fn role_options(roles: &[Value], current: &str) -> impl IntoView {
    roles
        .iter()
        .map(|r| {
            let r = OrganizationRole(r);
            let id = r.id();
            let selected = id == current;
            view! { <option value=id.clone() selected=selected>{r.name()}</option> }
        })
        .collect_view()
}

#[component]
pub fn Members() -> impl IntoView {
    let session = expect_context::<Session>();
    let version = RwSignal::new(0u32);
    let (org, problems) = loader(session, version, true);
    let write = Write::new();
    let reload = move || version.update(|v| *v += 1);
    let is_admin = move || org.with(|o| o.as_ref().is_some_and(|o| Organization(&o.me).role() == "Admin"));
    let email = RwSignal::new(String::new());
    let role = RwSignal::new("Member".to_string());
    let link = RwSignal::new(String::new());
    let invite = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = json!({"Email": email.get_untracked(), "Role": role.get_untracked()});
        write.run(async move {
            let v = call(session, "POST", hub::INVITATIONS, Some(&body)).await.map_err(|p| one_line(&p))?;
            link.set(Invitation(&v).link());
            email.set(String::new());
            reload();
            Ok(())
        });
    };
    // the custom role editor: a name and the role picker of security profiles
    let role_form = Form {
        draft: RwSignal::new(Map::new()),
        errors: RwSignal::new(Default::default()),
        local: RwSignal::new(Default::default()),
        writable: Signal::from(true),
    };
    let save_role = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = Value::Object(role_form.draft.get_untracked());
        write.change(session, "POST", hub::ROLES.into(), Some(body), move || {
            role_form.draft.set(Map::new());
            reload();
        });
    };
    let leave = move |_| {
        let Some(a) = session.account.get_untracked() else { return };
        let Some(ctx) = session.current_untracked() else { return };
        write.run(async move {
            crate::auth::account::call(&a.base, Some(&a.token), "DELETE", &item(hub::MY_ORGANIZATIONS, &ctx.org), None)
                .await?;
            session.drop_context(&ctx.id());
            Ok(())
        });
    };
    view! {
        <section class="enhanced screen" id="screen" data-screen="members" aria-labelledby="members-title">
            <h2 id="members-title" tabindex="-1">{move || format!("Members of {}", org.with(|o| o.as_ref().map(|o| Organization(&o.me).name()).unwrap_or_default()))}</h2>
            <Problems id="members-problems" problems=problems/>
            <p class="muted" id="my-role">{move || org.with(|o| o.as_ref().map(|o| {
                let r = Organization(&o.me).role();
                if r == "Admin" { "Your role: Admin.".to_string() } else { format!("Your role: {r}. Inviting people, changing roles and managing applications need the Admin role.") }
            }))}</p>
            <div class="table-scroll" role="region" tabindex="0" aria-label="Table of members"><table class="list" id="members">
                <thead><tr><th>"Name"</th><th>"Email"</th><th>"Role"</th><th><span class="sr-only">"Actions"</span></th></tr></thead>
                <tbody>{move || org.get().map(|o| o.members.iter().map(|m| {
                    let m = Member(m);
                    let id = m.account_id();
                    let (id2, current) = (id.clone(), m.role());
                    let roles = o.roles.clone();
                    view! { <tr data-email=m.email()>
                        <td>{format!("{} {}", m.first_name(), m.last_name())}</td>
                        <td>{m.email()}</td>
                        <td>{if is_admin() {
                            view! { <select class="member-role" aria-label=format!("Role of {}", m.email()) on:change=move |ev| {
                                write.change(session, "PATCH", item(hub::MEMBERS, &id), Some(json!({"Role": event_target_value(&ev)})), reload);
                            }>{role_options(&roles, &current)}</select> }.into_any()
                        } else { current.clone().into_any() }}</td>
                        <td>{is_admin().then(|| view! { <button class="ghost member-remove" on:click=move |_| {
                            write.change(session, "DELETE", item(hub::MEMBERS, &id2), None, reload);
                        }>"Remove"</button> })}</td>
                    </tr> }
                }).collect_view())}</tbody>
            </table></div>
            <Failed id="members-error" problem=move || write.failed()/>
            {move || is_admin().then(|| view! {
                <h3>"Invite someone"</h3>
                <form class="inline-form" id="invite" on:submit=invite>
                    <label for="invite-email">"Email"</label>
                    <input id="invite-email" type="email" required prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/>
                    <label for="invite-role">"Role"</label>
                    <select id="invite-role" on:change=move |ev| role.set(event_target_value(&ev))>
                        {move || org.with(|o| o.as_ref().map(|o| role_options(&o.roles, &role.get_untracked())))}
                    </select>
                    <button class="primary" type="submit">"Invite"</button>
                </form>
                <p hidden=move || link.with(String::is_empty) id="invite-done">"Invitation link (also in the sandbox's outbox): "
                    <code id="invite-link">{link}</code>" "<button class="ghost" on:click=move |_| copy(link.get_untracked())>"Copy link"</button></p>
                <h3>"Invitations"</h3>
                <div class="table-scroll" role="region" tabindex="0" aria-label="Table of invitations"><table class="list" id="invitations">
                    <thead><tr><th>"Email"</th><th>"Role"</th><th>"Status"</th><th>"Expires"</th><th><span class="sr-only">"Actions"</span></th></tr></thead>
                    <tbody>{move || org.get().map(|o| if o.invitations.is_empty() { empty_row(5, "No invitations yet: invite someone above.") } else { o.invitations.iter().map(|i| {
                        let i = Invitation(i);
                        let (id, l) = (i.id(), i.link());
                        let pending = i.status() == "Pending";
                        let email = i.email();
                        view! { <tr data-email=i.email()><td>{i.email()}</td><td>{i.role()}</td><td>{i.status()}</td><td>{crate::text::date_time(&i.expires())}</td>
                            <td>{pending.then(|| view! {
                                <button class="ghost" aria-label=format!("Copy the invitation link for {email}") on:click=move |_| copy(l.clone())>"Copy link"</button>
                                <button class="ghost invitation-revoke" aria-label=format!("Revoke the invitation for {email}") on:click=move |_| write.change(session, "DELETE", item(hub::INVITATIONS, &id), None, reload)>"Revoke"</button>
                            })}</td></tr> }
                    }).collect_view().into_any() })}</tbody>
                </table></div>
                <h3>"Custom roles"</h3>
                <ul id="custom-roles">{move || org.get().map(|o| o.roles.iter().filter(|r| !OrganizationRole(r).built_in()).map(|r| {
                    let (id, name) = (OrganizationRole(r).id(), OrganizationRole(r).name());
                    view! { <li>{name.clone()}" — "{crate::json::strings(&r["Roles"]).join(", ")}" "
                        <button class="ghost" aria-label=format!("Delete the role {name}") on:click=move |_| write.change(session, "DELETE", item(hub::ROLES, &id), None, reload)>"Delete"</button></li> }
                }).collect_view())}</ul>
                <form id="role-editor" on:submit=save_role>
                    <label for="ed-Name">"Role name"</label>
                    {crate::fields::text_box(role_form.slot("Name"), false, "")}
                    <span class="hint" id="ed-Name-desc">"Members given this role see its name beside their own."</span>
                    <RolePicker form=role_form name="Roles"/>
                    <button class="primary" type="submit">"Add role"</button>
                </form>
                <h3>"Provisioning events"</h3>
                <div class="table-scroll" role="region" tabindex="0" aria-label="Provisioning events"><table class="list" id="events">
                    <thead><tr><th>"When"</th><th>"Vendor"</th><th>"What"</th><th>"Whom"</th><th>"Result"</th></tr></thead>
                    <tbody>{move || org.get().map(|o| if o.events.is_empty() { empty_row(5, "No provisioning events: no vendor has provisioned this organization.") } else { o.events.iter().map(|v| { let e = ProvisioningEvent(v); view! {
                        <tr><td>{crate::text::date_time(&e.date())}</td><td>{e.vendor()}</td><td>{e.action()}</td><td>{e.subject()}</td>
                            <td>{format!("{} {}", v["Status"], e.message())}</td></tr>
                    } }).collect_view().into_any() })}</tbody>
                </table></div>
            })}
            <p><button class="ghost" id="leave-org" on:click=leave>"Leave this organization"</button></p>
        </section>
    }
}

/// The token request an application's answer describes, as a curl command for `base`.
fn curl(base: &str, form: &Value) -> String {
    let fields: Vec<String> =
        form.as_object().into_iter().flatten().map(|(k, v)| format!("-d '{k}={}'", v.as_str().unwrap_or(""))).collect();
    format!("curl -X POST {}/oauth/token {}", base.trim_end_matches('/'), fields.join(" "))
}

const KINDS: [(&str, &str); 3] =
    [("SalesChannel", "Sales channel"), ("Integration", "Integration"), ("Webapp", "Webapp")];

/// An application kind in words ("Sales channel"); unknown kinds as the API names them.
fn kind_label(kind: &str) -> &str {
    KINDS.iter().find(|(k, _)| *k == kind).map_or(kind, |(_, l)| *l)
}

#[component]
pub fn Applications() -> impl IntoView {
    let session = expect_context::<Session>();
    let version = RwSignal::new(0u32);
    let (org, problems) = loader(session, version, false);
    let apps = Load::new(
        move || {
            version.track();
            session.active.track();
            Some(())
        },
        move |_, signal| async move {
            crate::data::call_with(session, Caller::ActingAs, "GET", hub::APPLICATIONS, None, signal.as_ref())
                .await
                .map(|v| items(&v))
        },
        true,
    );
    let write = Write::new();
    let is_admin = move || org.with(|o| o.as_ref().is_some_and(|o| Organization(&o.me).role() == "Admin"));
    let kind = RwSignal::new("SalesChannel".to_string());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new("ReadOnly".to_string());
    // the answer of the last create or rotate: the secret is shown here once
    let shown = RwSignal::new(None::<Value>);
    let confirm = RwSignal::new(String::new());
    let base = move || session.current().map(|c| c.base_url).unwrap_or_default();
    let answer = move |r: Result<Value, Vec<Problem>>| -> Result<(), String> {
        shown.set(Some(r.map_err(|p| one_line(&p))?));
        version.update(|n| *n += 1);
        Ok(())
    };
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut body = json!({"Kind": kind.get_untracked(), "Name": name.get_untracked()});
        if kind.get_untracked() == "Integration" {
            body["Role"] = json!(role.get_untracked());
        }
        write.run(async move { answer(call(session, "POST", hub::APPLICATIONS, Some(&body)).await) });
    };
    view! {
        <section class="enhanced screen" id="screen" data-screen="applications" aria-labelledby="applications-title">
            <h2 id="applications-title" tabindex="-1">"Applications"</h2>
            <p class="muted">"API credentials of this organization. A sales channel is public (for storefronts, anonymous shopping allowed); an integration is confidential (client credentials, Read-only or Admin); a webapp has no roles of its own: its tokens carry the signed-in user's."</p>
            <Problems id="applications-problems" problems=problems/>
            <p class="muted" hidden=is_admin id="apps-readonly">"Creating, rotating and deleting applications needs the Admin role."</p>
            <div class="table-scroll" role="region" tabindex="0" aria-label="Applications of this organization"><table class="list" id="applications">
                <thead><tr><th>"Application name"</th><th>"Kind"</th><th>"Client ID"</th><th>"Role"</th><th><span class="sr-only">"Actions"</span></th></tr></thead>
                <tbody>{move || apps.value().into_iter().map(|a| {
                    let a = Application(&a);
                    let id = a.id();
                    let (id2, id3) = (id.clone(), id.clone());
                    let integration = a.kind() == "Integration";
                    let name = a.name();
                    view! { <tr data-kind=a.kind()><td>{a.name()}</td><td>{kind_label(&a.kind()).to_string()}</td><td><code>{id.clone()}</code></td><td>{a.role()}</td>
                        <td>{is_admin().then(|| view! {
                            {integration.then(|| view! { <button class="ghost app-rotate" aria-label=format!("Rotate the secret of {name}") on:click=move |_| {
                                let path = item(hub::APPLICATIONS, &id2) + hub::SECRET;
                                write.run(async move { answer(call(session, "POST", &path, None).await) });
                            }>"Rotate secret"</button> })}
                            <button class="ghost danger app-delete" aria-label=format!("Delete {name}") on:click=move |_| {
                                if confirm.get_untracked() != id3 {
                                    confirm.set(id3.clone());
                                    return;
                                }
                                write.change(session, "DELETE", item(hub::APPLICATIONS, &id3), None, move || version.update(|n| *n += 1));
                            }>{let id = id.clone(); move || if confirm.get() == id { "Really delete?" } else { "Delete" }}</button>
                        })}</td></tr> }
                }).collect_view()}</tbody>
            </table></div>
            <Failed id="applications-error" problem=move || write.failed()/>
            {move || shown.get().map(|a| {
                let secret = Application(&a).client_secret();
                let request = curl(&base(), &a["TokenRequest"]);
                let (s2, r2) = (secret.clone(), request.clone());
                view! { <div class="panel" id="app-created">
                    <h3>{format!("{} ({})", Application(&a).name(), kind_label(&Application(&a).kind()))}</h3>
                    <p>"Client ID: "<code id="app-client-id">{Application(&a).client_id()}</code></p>
                    {(!secret.is_empty()).then(|| view! { <p>"Client secret (shown once: copy it now): "<code id="app-secret">{secret}</code>" "
                        <button class="ghost" on:click=move |_| copy(s2.clone())>"Copy secret"</button></p> })}
                    <p>"Token request:"</p><pre id="app-curl">{request}</pre>
                    <button class="ghost" on:click=move |_| copy(r2.clone())>"Copy request"</button>
                </div> }
            })}
            {move || is_admin().then(|| view! {
                <h3>"New application"</h3>
                <form class="inline-form" id="new-app" on:submit=create>
                    <label for="app-kind">"Kind"</label>
                    <select id="app-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                        {KINDS.iter().map(|(v, l)| view! { <option value=*v>{*l}</option> }).collect_view()}
                    </select>
                    <label for="app-name">"Application name"</label>
                    <input id="app-name" required prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                    <span hidden=move || kind.get() != "Integration">
                        <label for="app-role">"Role"</label>
                        <select id="app-role" on:change=move |ev| role.set(event_target_value(&ev))>
                            <option value="ReadOnly">"Read-only"</option><option value="Admin">"Admin"</option>
                        </select>
                    </span>
                    <button class="primary" type="submit">"Create"</button>
                </form>
            })}
        </section>
    }
}

/// A table's only row when it has nothing to list, saying so.
fn empty_row(columns: u32, text: &'static str) -> AnyView {
    view! { <tr class="empty-row"><td colspan=columns.to_string() class="muted">{text}</td></tr> }.into_any()
}
