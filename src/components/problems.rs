//! Problems on screen: a list of them, each with its meaning and a link to the object to fix.
use crate::data::Problem;
use leptos::prelude::*;

/// A problem's data naming an object the user can go and fix: (screen key, label, ID).
fn culprit(p: &Problem) -> Option<(&'static str, &'static str, String)> {
    ["ImpersonationConfigID", "ConflictingConfigID"]
        .iter()
        .find_map(|k| p.data[*k].as_str())
        .map(|id| ("impersonationconfigs", "impersonation config", id.to_string()))
}

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
