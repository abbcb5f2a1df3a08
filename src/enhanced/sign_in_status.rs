//! The admin user screen's sign-in panel: failed sign-ins since the last success, and unlocking a
//! user whose security profiles' PasswordConfig locked them out.
use super::resource::one_line;
use crate::data::At;
use super::{call, change};
use crate::auth::Session;
use gatehouse_model::resources::Kind;
use leptos::prelude::*;

#[component]
pub fn SignInStatus(user_id: String, can_write: Signal<bool>) -> impl IntoView {
    let session = expect_context::<Session>();
    let path = StoredValue::new(At::of(Kind::AdminUser, "").item(&user_id));
    let failures = RwSignal::new(None::<i64>);
    let problems = RwSignal::new(String::new());
    let done = RwSignal::new(false);
    let reload = RwSignal::new(0u32);
    Effect::new(move |_| {
        reload.track();
        leptos::task::spawn_local(async move {
            match call(session, "GET", &path.get_value(), None).await {
                Ok(u) => failures.set(u["FailedLoginAttempts"].as_i64()),
                Err(p) => problems.set(one_line(&p)),
            }
        });
    });
    let unlock = move |_| {
        change(session, "POST", format!("{}/unlock", path.get_value()), None, problems, move || {
            done.set(true);
            reload.update(|n| *n += 1);
        });
    };
    view! {
        <div class="panel" id="sign-in-status">
            <h3>"Sign-in"</h3>
            <p id="sign-in-failures">{move || match failures.get() {
                None => String::new(),
                Some(0) => "No failed sign-ins since the last successful one.".into(),
                Some(n) => format!("{n} failed sign-in(s) since the last successful one. If a security profile's PasswordConfig limits them, the user may be locked out."),
            }}</p>
            <button id="sign-in-unlock" disabled=move || !can_write.get() on:click=unlock>"Unlock (ends a lockout, clears the count)"</button>
            {move || done.get().then(|| view! { <p class="ok" id="sign-in-unlocked" role="status">"Unlocked."</p> })}
            {move || (!problems.get().is_empty()).then(|| view! { <p class="error" role="alert">{problems.get()}</p> })}
        </div>
    }
}
