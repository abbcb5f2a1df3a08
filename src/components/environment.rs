//! The environment on screen: the band that makes staging and production unmistakable (words,
//! not colour alone), the switch that corrects the guess, and the question a production write
//! waits on.
use crate::auth::Session;
use gatehouse_model::environment::Environment;
use leptos::prelude::*;

/// A band under the header in staging and production, on every screen.
#[component]
pub fn EnvironmentBand() -> impl IntoView {
    let session = expect_context::<Session>();
    let env = Memo::new(move |_| session.environment());
    view! {
        <Show when=move || env.get() != Environment::Sandbox>
            <div class=move || format!("env-band env-{}", env.get().name()) id="env-band" role="region" aria-label="Environment" data-env=move || env.get().name()>
                {move || match env.get() {
                    Environment::Production => "PRODUCTION — live data. Every change is shown to you before it is sent; a delete asks for the ID.",
                    _ => "STAGING — shared test data.",
                }}
            </div>
        </Show>
    }
}

/// The active context's environment, as guessed or as set here.
#[component]
pub fn EnvironmentSwitch() -> impl IntoView {
    let session = expect_context::<Session>();
    view! {
        <label class="sr-only" for="env-switch">"Environment of this context"</label>
        <select id="env-switch" title="Environment of this context (guessed from the API address; change it if the guess is wrong)"
            prop:value=move || session.environment().name()
            on:change=move |ev| if let Some(e) = Environment::parse(&event_target_value(&ev)) { session.set_environment(e) }>
            {Environment::ALL.into_iter().map(|e| view! { <option value=e.name()>{e.label()}</option> }).collect_view()}
        </select>
    }
}

/// The question a production write waits on: what will be sent, where; a delete needs its ID
/// typed. Escape or "Don't send" answers no.
#[component]
pub fn ConfirmWrite() -> impl IntoView {
    let session = expect_context::<Session>();
    let typed = RwSignal::new(String::new());
    view! {
        {move || session.asking.get().map(|ask| {
            typed.set(String::new());
            let need = ask.typed.clone();
            let need2 = need.clone();
            let ok = move || need2.as_ref().is_none_or(|id| typed.with(|t| t.trim() == id));
            view! {
                <div class="modal" id="confirm-write" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" aria-describedby="confirm-what"
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { session.answer(false) }>
                    <div class="card confirm-card">
                        <h2 id="confirm-title">"Production: send this change?"</h2>
                        <p id="confirm-what"><code>{ask.what.clone()}</code>" to "<strong>{ask.context.clone()}</strong></p>
                        {ask.body.clone().map(|b| view! { <pre class="confirm-body" id="confirm-body" tabindex="0" aria-label="The body to be sent">{b}</pre> })}
                        {need.map(|id| view! {
                            <label for="confirm-id">{format!("Type the ID {id} to delete it")}</label>
                            <input id="confirm-id" autocomplete="off" prop:value=typed on:input=move |ev| typed.set(event_target_value(&ev))/>
                        })}
                        <div class="row actions">
                            <button class="danger" id="confirm-yes" disabled=move || !ok() on:click=move |_| session.answer(true)>"Send it"</button>
                            <button id="confirm-no" autofocus on:click=move |_| session.answer(false)>"Don't send"</button>
                        </div>
                    </div>
                </div>
            }
        })}
    }
}
