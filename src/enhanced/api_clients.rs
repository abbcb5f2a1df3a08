//! The API client screen's own panel: the specific buyers and suppliers that may use a client
//! when it does not allow all of them.
use super::resource::one_line;
use super::{change, id_names, list_all, text, Problem};
use crate::api::enc;
use crate::auth::Session;
use crate::components::Spinner;
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
type Rows = RwSignal<Option<Result<Vec<Value>, Vec<Problem>>>>;

#[component]
pub fn ClientAssignments(client_id: String, can_write: Signal<bool>) -> impl IntoView {
    let session = expect_context::<Session>();
    let rows: Rows = RwSignal::new(None);
    let reload = RwSignal::new(0u32);
    let cid = client_id.clone();
    Effect::new(move |_| {
        reload.track();
        let cid = cid.clone();
        leptos::task::spawn_local(async move {
            let r = list_all(session, "/apiclients/assignments", 10_000).await.map(|all| all.into_iter().filter(|a| text(a, "ApiClientID") == cid).collect());
            rows.set(Some(r));
        });
    });
    view! {
        <div class="panel" id="client-assignments">
            <h4>"Specific buyers and suppliers"</h4>
            <p class="muted">"When a client does not allow all buyers (or suppliers), only the ones assigned here may sign in through it."</p>
            <AssignedList side=BUYERS client_id=client_id.clone() rows=rows reload=reload can_write=can_write/>
            <AssignedList side=SUPPLIERS client_id=client_id rows=rows reload=reload can_write=can_write/>
        </div>
    }
}

#[component]
fn AssignedList(side: Side, client_id: String, rows: Rows, reload: RwSignal<u32>, can_write: Signal<bool>) -> impl IntoView {
    let session = expect_context::<Session>();
    let assigned = move || rows.get().map(|r| r.map(|rows| rows.iter().map(|a| text(a, side.field)).filter(|s| !s.is_empty()).collect::<Vec<_>>()));
    let all = RwSignal::new(Vec::<(String, String)>::new());
    let choice = RwSignal::new(String::new());
    let problems = RwSignal::new(String::new());
    let cid = StoredValue::new(client_id);
    leptos::task::spawn_local(async move {
        match id_names(session, side.collection).await {
            Ok(list) => all.set(list),
            Err(p) => problems.set(one_line(&p)),
        }
    });
    let add = move |_| {
        let company = choice.get_untracked();
        if company.is_empty() {
            return;
        }
        let body = json!({"ApiClientID": cid.get_value(), side.field: company});
        change(session, "POST", "/apiclients/assignments".into(), Some(body), problems, move || reload.update(|n| *n += 1));
    };
    let remove = move |company: String| {
        let path = format!("{}/{}/ApiClients/Assignments/{}", side.collection, enc(&company), enc(&cid.get_value()));
        change(session, "DELETE", path, None, problems, move || reload.update(|n| *n += 1));
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
                    let name = move || all.with(|l| super::name_in(l, &c4));
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
                        {move || all.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                    <button type="button" id=format!("client-{}-add", side.id) on:click=add>"Assign"</button>
                </span>
            </Show>
            <Show when=move || !problems.get().is_empty()><p class="error" role="alert">{move || problems.get()}</p></Show>
        </div>
    }
}
