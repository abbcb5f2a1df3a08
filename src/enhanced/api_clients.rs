//! The API client screen's own panel: the specific buyers and suppliers that may use a client
//! when it does not allow all of them.
use crate::api::enc;
use crate::auth::Session;
use crate::components::{Failed, Spinner};
use crate::data::Load;
use crate::data::{id_names, list_all, one_line, Write};
use gatehouse_model::read::text;
use leptos::prelude::*;
use serde_json::{json, Value};

/// One side of the assignments: buyers or suppliers.
#[derive(Clone, Copy)]
struct Side {
    field: &'static str,
    collection: &'static str,
    noun: &'static str,
    id: &'static str,
}

const BUYERS: Side = Side { field: "BuyerID", collection: "/buyers", noun: "buyer", id: "buyers" };
const SUPPLIERS: Side = Side { field: "SupplierID", collection: "/suppliers", noun: "supplier", id: "suppliers" };

/// This client's assignments, read once for both sides and again after each change.
type Rows = Load<Vec<Value>>;

#[component]
pub fn ClientAssignments(client_id: String, can_write: Signal<bool>) -> impl IntoView {
    let session = expect_context::<Session>();
    let cid = client_id.clone();
    let rows: Rows = Load::new(
        move || Some(cid.clone()),
        move |cid, _| async move {
            Ok(list_all(session, "/apiclients/assignments", 10_000)
                .await?
                .into_iter()
                .filter(|a| text(a, "ApiClientID") == cid)
                .collect::<Vec<_>>())
        },
        true,
    );
    view! {
        <div class="panel" id="client-assignments">
            <h4>"Specific buyers and suppliers"</h4>
            <p class="muted">"When a client does not allow all buyers (or suppliers), only the ones assigned here may sign in through it."</p>
            <AssignedList side=BUYERS client_id=client_id.clone() rows=rows can_write=can_write/>
            <AssignedList side=SUPPLIERS client_id=client_id rows=rows can_write=can_write/>
        </div>
    }
}

#[component]
fn AssignedList(side: Side, client_id: String, rows: Rows, can_write: Signal<bool>) -> impl IntoView {
    let session = expect_context::<Session>();
    let assigned = move || {
        rows.state.get().map(|r| {
            r.map(|rows| rows.iter().map(|a| text(a, side.field)).filter(|s| !s.is_empty()).collect::<Vec<_>>())
        })
    };
    let all = Load::new(move || Some(side.collection), move |path, _| id_names(session, path), true);
    let choice = RwSignal::new(String::new());
    let write = Write::new();
    let problem = move || write.failed().or_else(|| all.problem());
    let cid = StoredValue::new(client_id);
    let add = move |_| {
        let company = choice.get_untracked();
        if company.is_empty() {
            return;
        }
        let body = json!({"ApiClientID": cid.get_value(), side.field: company});
        write.change(session, "POST", "/apiclients/assignments".into(), Some(body), move || rows.reload());
    };
    let remove = move |company: String| {
        let path = format!("{}/{}/ApiClients/Assignments/{}", side.collection, enc(&company), enc(&cid.get_value()));
        write.change(session, "DELETE", path, None, move || rows.reload());
    };
    view! {
        <div class="assigned" id=format!("client-{}", side.id)>
            <strong>{format!("Assigned {}s: ", side.noun)}</strong>
            {move || match assigned() {
                None => view! { <Spinner/> }.into_any(),
                Some(Err(p)) => view! { <span class="error">{one_line(&p)}</span> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <span class="muted">"none"</span> }.into_any(),
                Some(Ok(list)) => list.into_iter().map(|c| {
                    let c2 = c.clone();
                    let c4 = c.clone();
                    let name = move || all.name_of(&c4);
                    view! { <span class="chip" data-id=c.clone() title=c.clone()>{name}
                        <Show when=move || can_write.get()>{ let c3 = c2.clone(); view! { <button type="button" class="link" aria-label=format!("Remove {c3}") on:click=move |_| remove(c3.clone())>"×"</button> } }</Show>
                    </span> }
                }).collect_view().into_any(),
            }}
            <Show when=move || can_write.get()>
                <span class="row">
                    <label class="sr-only" for=format!("client-{}-pick", side.id)>{format!("Assign {} {}", gatehouse_model::resources::article(side.noun), side.noun)}</label>
                    <select id=format!("client-{}-pick", side.id) on:change=move |ev| choice.set(event_target_value(&ev))>
                        <option value="">{format!("— assign {} {} —", gatehouse_model::resources::article(side.noun), side.noun)}</option>
                        {move || all.value().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                    <button type="button" id=format!("client-{}-add", side.id) aria-label=format!("Assign the {} chosen", side.noun) on:click=add>"Assign"</button>
                </span>
            </Show>
            <Failed problem=problem/>
        </div>
    }
}
