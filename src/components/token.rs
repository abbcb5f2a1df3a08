//! The token inspector: the token in force (the buyer's while acting as one) decoded in words —
//! who, which client, roles, for whom, issued, expires, time left — read from the token itself,
//! without a request. Its claims can be copied; the token only when asked for by name.
use crate::auth::{fmt_left, Session};
use leptos::prelude::*;

fn when(epoch_s: f64) -> String {
    if epoch_s <= 0.0 {
        return "not said".into();
    }
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(epoch_s * 1000.0));
    String::from(d.to_locale_string("en-GB", &wasm_bindgen::JsValue::UNDEFINED))
}

#[component]
pub fn TokenInspector() -> impl IntoView {
    let session = expect_context::<Session>();
    let open = RwSignal::new(false);
    let copied = RwSignal::new("");
    let copy = move |text: String, what: &'static str| {
        let _ = window().navigator().clipboard().write_text(&text);
        copied.set(what);
    };
    view! {
        <button type="button" class="ghost" id="token-open" aria-haspopup="dialog" aria-expanded=move || open.get().to_string()
            title="The token in force, decoded" on:click=move |_| { copied.set(""); open.update(|o| *o = !*o) }>"Token"</button>
        <Show when=move || open.get()>
            <div class="modal" role="dialog" aria-modal="true" aria-labelledby="token-title" id="token-inspector"
                on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { open.set(false) }>
                <div class="card token-card">
                    {move || {
                        let f = session.in_force();
                        let i = f.info;
                        let acting = session.acting.get();
                        let left = i.exp * 1000.0 - session.now.get();
                        let claims = serde_json::to_string_pretty(&i.claims).unwrap_or_default();
                        view! {
                            <h2 id="token-title">{if acting.is_some() { "The act-as token in force" } else { "Your token in force" }}</h2>
                            <dl class="token-facts" id="token-facts">
                                <dt>"Who"</dt><dd id="token-who">{format!("{} ({} user)", i.usr, if i.usrtype.is_empty() { "unknown".to_string() } else { i.usrtype.clone() })}</dd>
                                <dt>"Client"</dt><dd id="token-client">{match acting.as_ref().map(|a| a.client_name.clone()).filter(|n| !n.is_empty()) {
                                    Some(name) => format!("{name} ({})", i.cid),
                                    None => i.cid.clone(),
                                }}</dd>
                                <dt>"Acting for"</dt><dd id="token-acting">{match &acting {
                                    Some(a) => format!("{} is acted as by {} (an impersonation token; the reason given: {})", a.username, session.current().map(|c| c.username).unwrap_or_default(), if a.reason.is_empty() { "none".to_string() } else { a.reason.clone() }),
                                    None => "nobody: this is the signed-in user's own token".to_string(),
                                }}</dd>
                                <dt>"Roles"</dt><dd id="token-roles">{if i.role.is_empty() { "none".to_string() } else { i.role.join(", ") }}</dd>
                                <dt>"Issued"</dt><dd id="token-issued">{when(i.iat)}</dd>
                                <dt>"Expires"</dt><dd id="token-expires">{when(i.exp)}</dd>
                                <dt>"Time left"</dt><dd id="token-left">{if left > 0.0 { fmt_left(left) } else { "expired".to_string() }}</dd>
                            </dl>
                            <details><summary>"All claims"</summary><pre class="confirm-body" id="token-claims" tabindex="0" aria-label="All claims">{claims.clone()}</pre></details>
                            <div class="row actions">
                                <button type="button" id="token-copy-claims" on:click=move |_| copy(claims.clone(), "Claims copied (not the token).")>"Copy the claims"</button>
                                <button type="button" id="token-copy-token" on:click=move |_| {
                                    let caller = if session.acting.get_untracked().is_some() { crate::auth::Caller::ActingAs } else { crate::auth::Caller::Me };
                                    copy(session.token(caller).unwrap_or_default(), "Token copied: keep it private.")
                                }>"Copy the token itself"</button>
                                <span class="spacer"></span>
                                <button type="button" id="token-close" on:click=move |_| open.set(false)>"Close"</button>
                            </div>
                        }
                    }}
                    <p class="muted" id="token-copied" role="status">{copied}</p>
                </div>
            </div>
        </Show>
    }
}
