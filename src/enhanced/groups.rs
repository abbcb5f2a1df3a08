//! The user group screens' own panel: the group's members, added and removed with a picker.
use crate::api::enc;
use crate::auth::Session;
use crate::components::{Failed, LoadView};
use crate::data::{list_all, Write};
use crate::data::{At, Load};
use gatehouse_model::read::text;
use gatehouse_model::read::{User, UserGroupAssignment};
use gatehouse_model::resources::{Kind, ResourceDef, UserType};
use leptos::prelude::*;
use serde_json::json;

#[component]
pub fn Members(def: &'static ResourceDef, company: String, group_id: String, can_write: Signal<bool>) -> impl IntoView {
    let session = expect_context::<Session>();
    let t = match def.kind {
        Kind::BuyerUserGroup => UserType::Buyer,
        Kind::SupplierUserGroup => UserType::Supplier,
        _ => UserType::Admin,
    };
    let groups = At::new(def, company.as_str()).collection();
    let users_path = At::of(Kind::user_kind(t), company).collection();
    let base = StoredValue::new((groups, users_path, group_id));
    let choice = RwSignal::new(String::new());
    let write = Write::new();
    let members = Load::new(
        move || Some(base.get_value()),
        move |(groups, _, gid), _| async move {
            let rows = crate::data::list_all_as(
                session,
                crate::auth::Caller::ActingAs,
                &format!("{groups}/assignments"),
                &[("userGroupID", &gid)],
                10_000,
            )
            .await?;
            Ok(rows
                .iter()
                .map(UserGroupAssignment)
                .filter(|a| a.user_group_id() == gid)
                .map(|a| a.user_id())
                .collect::<Vec<_>>())
        },
        true,
    );
    let users = Load::new(
        move || Some(base.get_value().1),
        move |users_path, _| async move {
            Ok(list_all(session, &users_path, 1000)
                .await?
                .iter()
                .map(|u| (text(u, "ID"), User(u).person()))
                .collect::<Vec<_>>())
        },
        true,
    );
    let problem = move || write.failed().or_else(|| users.problem());
    let add = move |_| {
        let user = choice.get_untracked();
        if user.is_empty() {
            return;
        }
        let (groups, _, gid) = base.get_value();
        let body = json!({"UserGroupID": gid, "UserID": user});
        write.change(session, "POST", format!("{groups}/assignments"), Some(body), move || members.reload());
    };
    let remove = move |user: String| {
        let (groups, _, gid) = base.get_value();
        let path = format!("{groups}/{}/assignments/{}", enc(&gid), enc(&user));
        write.change(session, "DELETE", path, None, move || members.reload());
    };
    view! {
        <div class="panel" id="group-members">
            <h4>"Members"</h4>
            {members.view("", move |list| match list {
                list if list.is_empty() => view! { <p class="muted" id="members-none">"No members yet."</p> }.into_any(),
                list => view! {
                    <ul class="assignments" id="members-list">{list.into_iter().map(|u| {
                        let u2 = u.clone();
                        let u4 = u.clone();
                        // by name once the users are in; the ID until then
                        let name = move || users.name_of(&u4);
                        view! { <li data-user=u.clone() title=u.clone()>{name.clone()}
                            <Show when=move || can_write.get()>{ let u3 = u2.clone(); let name = name.clone(); view! { <button type="button" class="link member-remove" aria-label=move || format!("Remove {} from the group", name()) on:click=move |_| remove(u3.clone())>"Remove"</button> } }</Show>
                        </li> }
                    }).collect_view()}</ul>
                }.into_any(),
            })}
            <Show when=move || can_write.get()>
                <span class="row">
                    <label class="sr-only" for="members-pick">"Add a member"</label>
                    <select id="members-pick" on:change=move |ev| choice.set(event_target_value(&ev))>
                        <option value="">"— add a user —"</option>
                        {move || users.value().into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
                    </select>
                    <button type="button" id="members-add" on:click=add>"Add"</button>
                </span>
            </Show>
            <Failed id="members-error" problem=problem/>
        </div>
    }
}
