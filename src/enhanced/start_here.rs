//! "Start here": the first screen of a marketplace that is still empty lists the steps that
//! open it to the API (seed 000, then impersonation from seed 001) and ticks each one from what
//! the API holds, so it stays true whoever did the work and wherever. A new marketplace already
//! holds what its owner signs in with (the owner's client, profile and assignment), and an
//! organization what the hub made behind it (`model::builtin`): those do not count. Gone once
//! every step is done.
use crate::auth::Session;
use crate::data::get_as_me;
use crate::data::Load;
use gatehouse_model::builtin;
use gatehouse_model::list::ListQuery;
use gatehouse_model::read::text;
use gatehouse_model::read::User;
use gatehouse_model::resources::{Kind, UserType};
use gatehouse_model::types::SecurityProfileAssignment;
use leptos::prelude::*;
use serde_json::Value;

/// One step: what it is, the screen where it is done, and whether the data shows it done
/// (`Err`: it could not be checked, and why).
#[derive(Debug, Clone, PartialEq)]
struct Step {
    label: &'static str,
    what: &'static str,
    screen: &'static str,
    done: Result<bool, String>,
}

fn items(v: &Value) -> &[Value] {
    v["Items"].as_array().map(Vec::as_slice).unwrap_or_default()
}

/// Reads the marketplace as the signed-in user and says which steps are done.
async fn check(session: Session) -> Vec<Step> {
    let me = get_as_me(session, "/me").await.map(|m| User(&m).id()).unwrap_or_default();
    let my_client = session.current_untracked().map(|c| c.info().cid).unwrap_or_default();
    let assignments = get_as_me(session, "/securityprofiles/assignments?pageSize=100").await.map(|v| {
        items(&v)
            .iter()
            .map(|a| serde_json::from_value::<SecurityProfileAssignment>(a.clone()).unwrap_or_default())
            .collect::<Vec<_>>()
    });
    // what the signed-in user's own access is made of
    let mine = |a: &SecurityProfileAssignment| {
        a.user_id.as_deref() == Some(me.as_str())
            && [&a.buyer_id, &a.supplier_id].iter().all(|c| c.as_deref().unwrap_or_default().is_empty())
    };
    let my_profiles: Vec<String> = assignments
        .as_ref()
        .map(|v| v.iter().filter(|a| mine(a)).map(|a| a.security_profile_id.clone()).collect())
        .unwrap_or_default();
    // built-in objects (the organization's console client, its ORG_* profiles, applications'
    // objects and memberships) are nobody's set-up work: they never count
    let clients = get_as_me(session, "/apiclients?pageSize=100")
        .await
        .map(|v| items(&v).iter().any(|c| text(c, "ID") != my_client && !builtin::is_builtin_client_by_pattern(c)));
    let profiles = get_as_me(session, "/securityprofiles?pageSize=100").await.map(|v| {
        items(&v).iter().any(|p| !my_profiles.contains(&text(p, "ID")) && !builtin::is_builtin_profile(&text(p, "ID")))
    });
    let assigned =
        assignments.map(|v| v.iter().any(|a| !mine(a) && !builtin::is_builtin_profile(&a.security_profile_id)));
    let users = async {
        let buyers = get_as_me(session, "/buyers?pageSize=10").await?;
        for b in items(&buyers).iter().filter(|b| !builtin::is_builtin_company(UserType::Buyer, &text(b, "ID"))) {
            let path = crate::data::At::of(Kind::BuyerUser, text(b, "ID"))
                .list_path(&ListQuery { page_size: 1, ..Default::default() });
            let users = get_as_me(session, &path).await?;
            if !items(&users).is_empty() {
                return Ok(true);
            }
        }
        Ok(false)
    }
    .await;
    let configs = get_as_me(session, "/impersonationconfig?pageSize=1").await.map(|v| !items(&v).is_empty());
    vec![
        Step {
            label: "Create an API client",
            what: "the door applications sign in through (a shared one will do)",
            screen: "apiclients",
            done: clients,
        },
        Step {
            label: "Create a security profile",
            what: "the roles people get",
            screen: "securityprofiles",
            done: profiles,
        },
        Step {
            label: "Assign the profile",
            what: "to the marketplace, a buyer, a group or a user",
            screen: "securityprofiles",
            done: assigned,
        },
        Step {
            label: "Add a buyer and its users",
            what: "the customers who will sign in",
            screen: "buyers",
            done: users,
        },
        Step {
            label: "Let reps act for buyers",
            what: "an impersonation config",
            screen: "impersonationconfigs",
            done: configs,
        },
    ]
}

/// The checklist, for a seller (admin) user who may read every step; nothing once every step is
/// done.
#[component]
pub fn StartHere() -> impl IntoView {
    let session = expect_context::<Session>();
    // checked on coming here, on "Check again" and on coming back to the window
    let steps = Load::new(
        move || session.current_untracked().is_some_and(|c| c.info().usrtype == "admin").then_some(()),
        move |_, _| async move { Ok(check(session).await) },
        true,
    );
    let recheck = move || steps.reload();
    // back from another tab or window, where a step may have been done; not once it is settled
    // (every step done, or not this user's to do): returning to the tab costs no requests then
    let settled = move || {
        steps.state.with_untracked(
            |s| matches!(s, Some(Ok(s)) if s.iter().all(|x| x.done == Ok(true)) || s.iter().any(|x| x.done.is_err())),
        )
    };
    let on_focus = window_event_listener(leptos::ev::focus, move |_| {
        if !settled() {
            recheck();
        }
    });
    on_cleanup(move || on_focus.remove());
    move || {
        // for whoever sets the marketplace up: a user who cannot read every step is not the one
        let list = steps
            .state
            .get()
            .and_then(Result::ok)
            .filter(|s| s.iter().all(|x| x.done.is_ok()) && s.iter().any(|x| x.done != Ok(true)))?;
        let done = list.iter().filter(|s| s.done == Ok(true)).count();
        Some(view! {
            <section class="panel start-here" id="start-here" aria-labelledby="start-here-title">
                <h3 id="start-here-title">"Start here"</h3>
                <p class="muted"><span id="start-here-count">{format!("{done} of {} done.", list.len())}</span>
                    " Each step ticks itself when the marketplace has it. "
                    <button class="ghost" id="start-here-recheck" on:click=move |_| recheck()>"Check again"</button></p>
                <ol>{list.into_iter().map(|s| {
                    let state = if s.done == Ok(true) { "done" } else { "todo" };
                    view! { <li class=format!("step {state}") data-state=state>
                        <span class="tick" aria-hidden="true">{if state == "done" { "✓" } else { "○" }}</span>
                        <a href=crate::route::href(&format!("enhanced:{}", s.screen))>{s.label}</a>
                        <span class="muted">{format!(" — {}", s.what)}</span>
                        <span class="sr-only">{if state == "done" { " (done)" } else { " (to do)" }}</span>
                    </li> }
                }).collect_view()}</ol>
            </section>
        })
    }
}
