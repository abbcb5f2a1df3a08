//! The admin user screen's sign-in panel: failed sign-ins since the last success, and unlocking a
//! user whose security profiles' PasswordConfig locked them out.
use crate::auth::{Caller, Session};
use crate::components::Failed;
use crate::data::Write;
use crate::data::{At, Load};
use gatehouse_model::resources::Kind;
use leptos::prelude::*;

#[component]
pub fn SignInStatus(user_id: String, can_write: Signal<bool>) -> impl IntoView {
    let session = expect_context::<Session>();
    let path = StoredValue::new(At::of(Kind::AdminUser, "").item(&user_id));
    let write = Write::new();
    let done = RwSignal::new(false);
    let user = Load::new(
        move || Some(path.get_value()),
        move |path, signal| async move {
            crate::data::call_with(session, Caller::ActingAs, "GET", &path, None, signal.as_ref()).await
        },
        true,
    );
    let failures = move || {
        user.state.with(|u| u.as_ref().and_then(|u| u.as_ref().ok()).and_then(|u| u["FailedLoginAttempts"].as_i64()))
    };
    let problem = move || write.failed().or_else(|| user.problem());
    let unlock = move |_| {
        write.change(session, "POST", format!("{}/unlock", path.get_value()), None, move || {
            done.set(true);
            user.reload();
        });
    };
    view! {
        <div class="panel" id="sign-in-status">
            <h3>"Sign-in"</h3>
            <p id="sign-in-failures">{move || match failures() {
                None => String::new(),
                Some(0) => "No failed sign-ins since the last successful one.".into(),
                Some(n) => format!("{n} failed sign-in(s) since the last successful one. If a security profile's PasswordConfig limits them, the user may be locked out."),
            }}</p>
            <button id="sign-in-unlock" disabled=move || !can_write.get() on:click=unlock>"Unlock (ends a lockout, clears the count)"</button>
            {move || done.get().then(|| view! { <p class="ok" id="sign-in-unlocked" role="status">"Unlocked."</p> })}
            <Failed problem=problem/>
        </div>
    }
}
