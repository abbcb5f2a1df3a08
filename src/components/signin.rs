//! The sign-in form (password or client credentials grant), used as a page and as the dialog a
//! 401 opens.
use crate::auth::{self, Session};
use crate::components::{Busy, Failed};
use crate::config::RuntimeConfig;
use crate::data::Write;
use leptos::prelude::*;

#[component]
pub fn SignInForm(
    config: RuntimeConfig,
    /// Pre-fill from an existing context (the 401 dialog).
    #[prop(optional)]
    prefill: Option<auth::Context>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let base = RwSignal::new(prefill.as_ref().map(|c| c.base_url.clone()).unwrap_or(config.api_base.clone()));
    let client = RwSignal::new(prefill.as_ref().map(|c| c.client_id.clone()).unwrap_or(config.client_id.clone()));
    let secret = RwSignal::new(prefill.as_ref().and_then(|c| c.client_secret.clone()).unwrap_or_default());
    let user = RwSignal::new(prefill.as_ref().map(|c| c.username.clone()).unwrap_or_default());
    let password = RwSignal::new(String::new());
    let grant = RwSignal::new(prefill.as_ref().map(|c| c.grant.clone()).unwrap_or_else(|| auth::PASSWORD.into()));
    let with_password = move || grant.get() == auth::PASSWORD;
    let stay = RwSignal::new(prefill.as_ref().is_some_and(|c| c.persistent));
    let write = Write::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if write.pending_untracked() {
            return;
        }
        let (b, c, s, u, p, keep) = (
            base.get_untracked(),
            client.get_untracked(),
            secret.get_untracked(),
            user.get_untracked(),
            password.get_untracked(),
            stay.get_untracked(),
        );
        let by_password = grant.get_untracked() == auth::PASSWORD;
        if b.trim().is_empty() || c.trim().is_empty() || (by_password && (u.trim().is_empty() || p.is_empty())) {
            write.refuse(
                if by_password {
                    "API address, client ID, username and password are all needed."
                } else {
                    "API address and client ID are needed."
                }
                .into(),
            );
            return;
        }
        write.clear();
        write.run(async move {
            let result = if by_password {
                auth::sign_in(b.trim(), c.trim(), Some(s), u.trim(), &p, keep).await
            } else {
                auth::sign_in_client(b.trim(), c.trim(), Some(s), keep).await
            };
            let ctx = result?;
            password.set(String::new());
            session.put(ctx);
            Ok(())
        });
    };
    view! {
        <form class="signin" on:submit=submit>
            <label for="signin-base">"API address"</label>
            <input id="signin-base" type="url" prop:value=base on:input=move |ev| base.set(event_target_value(&ev)) placeholder="https://sandboxapi.ordercloud.io"/>
            <label for="signin-client">"Client ID"</label>
            <input id="signin-client" prop:value=client on:input=move |ev| client.set(event_target_value(&ev))/>
            <label for="signin-secret">"Client secret (only for confidential clients)"</label>
            <input id="signin-secret" type="password" autocomplete="off" prop:value=secret on:input=move |ev| secret.set(event_target_value(&ev))/>
            <label for="signin-grant">"Sign in with"</label>
            <select id="signin-grant" on:change=move |ev| grant.set(event_target_value(&ev))>
                <option value=auth::PASSWORD selected=with_password>"Username and password"</option>
                <option value=auth::CLIENT_CREDENTIALS selected=move || !with_password()>"Client credentials (as the client's default context user)"</option>
            </select>
            <div class="signin-user" style:display=move || if with_password() { "" } else { "none" }>
                <label for="signin-username">"Username"</label>
                <input id="signin-username" autocomplete="username" prop:value=user on:input=move |ev| user.set(event_target_value(&ev))/>
                <label for="signin-password">"Password"</label>
                <input id="signin-password" type="password" autocomplete="current-password" prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
            </div>
            <p class="muted" id="signin-grant-note" style:display=move || if with_password() { "none" } else { "" }>
                "The token is the default context user's. Without a secret, a client that allows anonymous shopping gives an anonymous shopper's token (a new one each time it is renewed)."
            </p>
            <label class="check"><input id="signin-stay" type="checkbox" prop:checked=stay on:change=move |ev| stay.set(event_target_checked(&ev))/>" Stay signed in on this browser"</label>
            <button id="signin-submit" type="submit" class="primary" disabled=move || write.pending()>
                <Busy when=move || write.pending() idle="Sign in" doing=" Signing in…" label="Signing in"/>
            </button>
            <Failed id="signin-error" problem=move || write.failed()/>
        </form>
    }
}
