//! Accounts on screen: the account sign-in / sign-up form, the first-organization and
//! new-organization form, and the two landings a link opens — a vendor's one-time session link
//! (`?session=`) and an invitation (`?invitation=`). Both codes leave the address bar and the
//! history before anything else happens.
use crate::api::item;
use crate::auth::account::{self, Account};
use crate::auth::orgs;
use crate::auth::Session;
use crate::components::Failed;
use crate::config::RuntimeConfig;
use crate::data::Write;
use gatehouse_model::hub;
use gatehouse_model::read::{self, Invitation, Organization};
use leptos::prelude::*;
use serde_json::{json, Value};

/// An invitation just accepted: (organization, role), confirmed once at the top of the shell.
#[derive(Debug, Clone, Copy)]
pub struct Joined(pub RwSignal<Option<(String, String)>>);

/// What the portal was opened for.
#[derive(Debug, Clone, PartialEq)]
pub enum Landing {
    Session(String),
    Invitation(String),
}

/// Reads a landing code from the address and removes it from the address bar and history.
pub fn take() -> Option<Landing> {
    let loc = window().location();
    let params = web_sys::UrlSearchParams::new_with_str(&loc.search().ok()?).ok()?;
    let landing = match (params.get("session"), params.get("invitation")) {
        (Some(c), _) => Landing::Session(c),
        (None, Some(c)) => Landing::Invitation(c),
        _ => return None,
    };
    params.delete("session");
    params.delete("invitation");
    let rest = String::from(params.to_string());
    let url = format!("{}{}{rest}", loc.pathname().unwrap_or_default(), if rest.is_empty() { "" } else { "?" });
    if let Ok(h) = window().history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
    Some(landing)
}

/// Email and password (and names for a new account); with `invitation`, the invited email is
/// fixed and the invitation is accepted once signed in.
#[component]
pub fn AccountForm(
    base: String,
    #[prop(optional)] email: String,
    #[prop(optional)] new_account: bool,
    #[prop(optional)] invitation: Option<String>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let fixed = !email.is_empty();
    let email = RwSignal::new(email);
    let password = RwSignal::new(String::new());
    let creating = RwSignal::new(new_account);
    let first = RwSignal::new(String::new());
    let last = RwSignal::new(String::new());
    let write = Write::new();
    let landing = use_context::<RwSignal<Option<Landing>>>();
    let joined = use_context::<Joined>();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (base, e, p) = (base.clone(), email.get_untracked(), password.get_untracked());
        let names = creating.get_untracked().then(|| (first.get_untracked(), last.get_untracked()));
        let invitation = invitation.clone();
        write.run(async move {
            let mut r = orgs::sign_in(session, &base, &e, &p, names).await;
            if let (Some(code), Some(a)) = (invitation, session.account.get_untracked()) {
                r = match account::call(
                    &a.base,
                    Some(&a.token),
                    "POST",
                    &(item(hub::INVITATION_CODES, &code) + hub::ACCEPT),
                    None,
                )
                .await
                {
                    Ok(v) => {
                        let joining = (Organization(&v).name(), Organization(&v).role());
                        let r = orgs::open(session, &a, &read::text(&v, "ID")).await;
                        if let (true, Some(j)) = (r.is_ok(), joined) {
                            j.0.set(Some(joining));
                        }
                        r
                    }
                    Err(e) => Err(e),
                };
                if let (true, Some(l)) = (r.is_ok(), landing) {
                    l.set(None);
                }
            }
            r
        });
    };
    view! {
        <form class="signin" id="account-form" on:submit=submit>
            <label for="account-email">"Account email"</label>
            <input id="account-email" type="email" autocomplete="username" readonly=fixed prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/>
            <label for="account-password">"Account password"</label>
            <input id="account-password" type="password" autocomplete=move || if creating.get() { "new-password" } else { "current-password" }
                prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
            <label class="check"><input id="account-new" type="checkbox" prop:checked=creating on:change=move |ev| creating.set(event_target_checked(&ev))/>" New account"</label>
            <div hidden=move || !creating.get()>
                <label for="account-first">"First name"</label>
                <input id="account-first" prop:value=first on:input=move |ev| first.set(event_target_value(&ev))/>
                <label for="account-last">"Last name"</label>
                <input id="account-last" prop:value=last on:input=move |ev| last.set(event_target_value(&ev))/>
                <p class="muted">"10 characters or more, with a digit, an upper-case and a lower-case letter and a special character."</p>
            </div>
            <button id="account-submit" type="submit" class="primary" disabled=move || write.pending()>{move || if creating.get() { "Create account" } else { "Sign in to the account" }}</button>
            <Failed id="account-error" problem=move || write.failed()/>
        </form>
    }
}

/// Creates an organization for the signed-in account and opens it.
#[component]
pub fn NewOrganization(#[prop(optional)] done: Option<RwSignal<bool>>) -> impl IntoView {
    let session = expect_context::<Session>();
    let name = RwSignal::new(String::new());
    let write = Write::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(a) = session.account.get_untracked() else { return };
        let body = json!({"Name": name.get_untracked()});
        write.run(async move {
            let v = account::call(&a.base, Some(&a.token), "POST", hub::MY_ORGANIZATIONS, Some(body)).await?;
            orgs::open(session, &a, &read::text(&v, "ID")).await?;
            if let Some(d) = done {
                d.set(false);
            }
            Ok(())
        });
    };
    view! {
        <form class="signin" id="new-org" on:submit=submit>
            <label for="new-org-name">"Organization name"</label>
            <input id="new-org-name" required prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
            <button class="primary" type="submit">"Create organization"</button>
            <Failed id="new-org-error" problem=move || write.failed()/>
        </form>
    }
}

/// The page a session or invitation link opens.
#[component]
pub fn LandingPage(config: RuntimeConfig, landing: Landing) -> impl IntoView {
    let session = expect_context::<Session>();
    let base = config.api_base.clone();
    // signing in by the link, or reading the invitation: what went wrong
    let write = Write::new();
    let offer = RwSignal::new(None::<Value>);
    let landing_done = expect_context::<RwSignal<Option<Landing>>>();
    // the first-password code a session link handed out (accounts made by a vendor)
    let first_code = RwSignal::new(None::<String>);
    let first_password = RwSignal::new(String::new());
    let first: Write = Write::new();
    let fb = base.clone();
    let set_first = move |_| {
        let (b, code, password) = (fb.clone(), first_code.get_untracked(), first_password.get_untracked());
        first.run(async move {
            let body = json!({"Code": code.unwrap_or_default(), "Password": password});
            account::call(&b, None, "POST", hub::FIRST_PASSWORD, Some(body)).await?;
            landing_done.set(None);
            Ok(())
        });
    };
    // the invitation's code (its answer does not repeat it)
    let code = match &landing {
        Landing::Invitation(c) => c.clone(),
        Landing::Session(_) => String::new(),
    };
    let b = base.clone();
    let is_session = matches!(landing, Landing::Session(_));
    write.run(async move {
        match landing {
            Landing::Session(code) => {
                let v = account::call(&b, None, "POST", hub::SESSION, Some(json!({"Code": code}))).await?;
                let email = read::text(&v["Account"]["Account"], "Email");
                let a = Account {
                    base: b.trim_end_matches('/').into(),
                    token: read::text(&v["Account"], "access_token"),
                    email: email.clone(),
                };
                account::save(Some(&a));
                session.account.set(Some(a));
                session.put(orgs::context(&b, &email, &v["Organization"]));
                // an account a vendor made has no password yet: offer its single-use code
                match v["FirstPassword"]["Code"].as_str() {
                    Some(c) => first_code.set(Some(c.to_string())),
                    None => landing_done.set(None),
                }
            }
            Landing::Invitation(code) => {
                let v = account::call(&b, None, "GET", &item(hub::INVITATION_CODES, &code), None).await?;
                if Invitation(&v).status() != "Pending" {
                    return Err(format!("This invitation is {}.", Invitation(&v).status().to_ascii_lowercase()));
                }
                offer.set(Some(v));
            }
        }
        Ok(())
    });
    view! {
        <div class="signin-page">
            <main class="card" id="landing">
                <h1>"Gatehouse"</h1>
                {move || match (write.failed(), offer.get()) {
                    _ if first_code.with(Option::is_some) => view! {
                        <h2 id="landing-title">"Set your password"</h2>
                        <p class="muted">"Your account has no password yet. Set one now to sign in later with your email; this offer works once, for an hour."</p>
                        <label for="first-password">"New password"</label>
                        <input id="first-password" type="password" autocomplete="new-password"
                            prop:value=first_password on:input=move |ev| first_password.set(event_target_value(&ev))/>
                        <Failed id="first-password-error" problem=move || first.failed()/>
                        <button class="primary" id="first-password-set" on:click=set_first.clone()>"Set password"</button>
                        <button id="first-password-later" on:click=move |_| landing_done.set(None)>"Later"</button>
                    }.into_any(),
                    (Some(e), _) => view! {
                        <h2 id="landing-title">{if is_session { "This sign-in link cannot be used" } else { "This invitation cannot be used" }}</h2>
                        <p class="error" id="landing-error" role="alert">{e}</p>
                        <p class="muted" id="landing-no-password" hidden=!is_session>"No password yet? Ask the service that sent you the link for a new one: the page it opens lets you set your first password, and from then on you can also sign in here with your email."</p>
                        <button class="primary" id="landing-signin" on:click=move |_| landing_done.set(None)>"Sign in the usual way"</button>
                    }.into_any(),
                    (None, Some(v)) => {
                        let i = Invitation(&v);
                        view! {
                            <h2 id="landing-title">{format!("Join {} as {}", Organization(&v["Organization"]).name(), i.role())}</h2>
                            <p class="muted">{format!("The invitation is for {}; it expires {}.", i.email(), crate::text::date_time(&i.expires()))}</p>
                            <AccountForm base=config.api_base.clone() email=i.email() new_account=!i.account_exists() invitation=code.clone()/>
                        }.into_any()
                    }
                    _ => view! { <p id="landing-wait">{if is_session { "Signing you in…" } else { "Reading the invitation…" }}</p> }.into_any(),
                }}
            </main>
        </div>
    }
}
