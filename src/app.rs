//! The app: run-time config, the session, and the shell (header, console, sign-in dialog).
use crate::auth::{self, fmt_left, Session};
use crate::components::account::{AccountForm, NewOrganization};
use crate::components::environment::{ConfirmWrite, EnvironmentBand, EnvironmentSwitch};
use crate::components::signin::SignInForm;
use crate::components::{apply_theme, escape_closes, saved_theme, ThemeToggle};
use crate::config::{self, RuntimeConfig};
use crate::console::Console;
use leptos::either::Either;
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    apply_theme(&saved_theme());
    let session = Session::load();
    provide_context(session);
    auth::start_clock(session);
    // a session or invitation link: its code leaves the address bar before anything else
    let landing = RwSignal::new(crate::components::account::take());
    // signed in already: the API description is asked for while the config loads
    if landing.with_untracked(Option::is_none) {
        crate::console::fetch_early(&session);
    } else {
        crate::console::forget_early();
    }
    provide_context(landing);
    provide_context(crate::components::account::Joined(RwSignal::new(None)));
    let config = RwSignal::new(None::<RuntimeConfig>);
    leptos::task::spawn_local(async move { config.set(Some(config::load().await)) });
    view! {
        {move || match config.get() {
            None => view! { <div class="loading"></div> }.into_any(),
            Some(cfg) if landing.with(Option::is_some) => {
                let l = landing.get_untracked().unwrap_or(crate::components::account::Landing::Session(String::new()));
                view! { <crate::components::account::LandingPage config=cfg landing=l/> }.into_any()
            }
            Some(cfg) => {
                let cfg2 = cfg.clone();
                view! {
                    <Show when=move || session.active.get().is_some()
                        fallback=move || view! { <SignInPage config=cfg2.clone()/> }>
                        <Shell config=cfg.clone()/>
                    </Show>
                }.into_any()
            }
        }}
    }
}

#[component]
fn SignInPage(config: RuntimeConfig) -> impl IntoView {
    let session = expect_context::<Session>();
    let signed_in = move || session.account.with(Option::is_some);
    view! {
        <div class="signin-page">
            <main class="card">
                <h1>"Gatehouse"</h1>
                <p class="muted">"Establish and operate API access. Sign in with a marketplace user…"</p>
                <SignInForm config=config.clone()/>
                <h2>"…or with your account"</h2>
                {move || if signed_in() {
                    view! { <p class="muted">"Signed in. Create your first organization:"</p><NewOrganization/> }.into_any()
                } else {
                    view! { <AccountForm base=config.api_base.clone()/> }.into_any()
                }}
            </main>
        </div>
    }
}

#[component]
fn Shell(config: RuntimeConfig) -> impl IntoView {
    let session = expect_context::<Session>();
    // the screens read settings of config.json (the launcher: whether a reason is required)
    provide_context(config.clone());
    // the identity in force: the buyer's while acting as one, said so beside the name
    let info = move || session.in_force().info;
    let acting = move || session.acting.get().is_some();
    let left = move || session.current().map(|c| c.expires_at - session.now.get()).unwrap_or(0.0);
    let adding = RwSignal::new(false);
    let new_org = RwSignal::new(false);
    // "Add a marketplace" closes once the new context is signed in (it becomes the active one)
    Effect::new(move |first: Option<()>| {
        session.active.track();
        if first.is_some() {
            adding.set(false);
        }
    });
    // switching context (an organization, a marketplace) rebuilds the console, so the screen in
    // view reloads with the new identity and API; a silent refresh keeps the same ID: no rebuild
    // (the context's ID, and a side that flips whenever it changes: a view of the other side is
    // built anew, where one of the same side would only be patched in place)
    let side = Memo::new(move |prev: Option<&(Option<String>, bool)>| {
        let id = session.active.get();
        let flip = match prev {
            Some((p, f)) => {
                if *p == id {
                    *f
                } else {
                    !*f
                }
            }
            None => false,
        };
        (id, flip)
    });
    let menu_open = RwSignal::new(false);
    crate::components::outside_click_closes(menu_open, "header-menu", "header-menu-toggle");
    let joined = expect_context::<crate::components::account::Joined>();
    // in an organization the header names the person (their email) and their organization role,
    // not the membership user the token is issued to: (context, role), read from the API
    let org_role = RwSignal::new(None::<(String, String)>);
    Effect::new(move |_| {
        let Some(ctx) = session.current().filter(|c| !c.org.is_empty()) else { return };
        let id = ctx.id();
        if org_role.with_untracked(|r| r.as_ref().is_some_and(|(c, _)| *c == id)) {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(v) = crate::data::call(session, "GET", gatehouse_model::hub::ORGANIZATION, None).await {
                let _ = org_role.try_set(Some((id, gatehouse_model::read::Organization(&v).role())));
            }
        });
    });
    let in_org = move || session.current().filter(|c| !c.org.is_empty() && !acting());
    let who_user = move || in_org().map(|c| c.username).unwrap_or_else(|| info().usr);
    let who_type = move || match in_org() {
        Some(c) => org_role
            .with(|r| r.as_ref().filter(|(id, _)| *id == c.id()).map(|(_, role)| role.clone()))
            .unwrap_or_default(),
        None => info().usrtype,
    };
    let cfg_dialog = config.clone();
    let cfg_add = config.clone();
    view! {
        <a class="skip-link" href="#console-ready">"Skip to the workspace"</a>
        <header class="top">
            <h1 class="brand"><a href="?" id="home" title="The first screen">"Gatehouse"</a></h1>
            <label class="sr-only" for="context-switch">"Marketplace context"</label>
            <select id="context-switch" prop:value=move || session.active.get().unwrap_or_default()
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if v == "+" { adding.set(true); } else if v == "org+" { new_org.set(true); } else { session.switch(v); }
                }>
                {move || session.contexts.get().into_iter().map(|c| view! { <option value=c.id()>{c.label()}</option> }).collect_view()}
                <option value="+">"+ Add a marketplace…"</option>
                {move || session.account.with(Option::is_some).then(|| view! { <option value="org+">"+ New organization…"</option> })}
            </select>
            // below 1000 px what follows folds behind one button (the header never overflows)
            <button type="button" class="ghost header-menu-toggle" id="header-menu-toggle" aria-controls="header-menu"
                aria-expanded=move || menu_open.get().to_string() on:click=move |_| menu_open.update(|o| *o = !*o)
                on:keydown=move |ev| escape_closes(&ev, menu_open, "header-menu-toggle")>"☰ Account"</button>
            <div class="header-menu" id="header-menu" class:open=move || menu_open.get()
                on:keydown=move |ev| escape_closes(&ev, menu_open, "header-menu-toggle")>
            <EnvironmentSwitch/>
            <span class="who" id="who">
                <span class="badge" id="who-acting" hidden=move || !acting()>"acting as"</span>
                <strong id="who-user">{who_user}</strong>
                <span class="badge" id="who-type" title=move || in_org().map(|c| format!("Your role in {}", c.org_name))>{who_type}</span>
                <details class="roles-list"><summary id="who-roles">{move || match info().role.len() { 1 => "1 role".to_string(), n => format!("{n} roles") }}</summary>
                    <ul>{move || info().role.into_iter().map(|r| view! { <li><code>{r}</code></li> }).collect_view()}</ul>
                </details>
                <span class="muted" id="time-left" title="Time left on the access token">{move || fmt_left(left())}</span>
            </span>
            <span class="spacer"></span>
            <crate::components::token::TokenInspector/>
            <ThemeToggle/>
            <button class="ghost" id="sign-out" on:click=move |_| session.sign_out()>"Sign out"</button>
            </div>
        </header>
        <EnvironmentBand/>
        {move || joined.0.get().map(|(org, role)| view! {
            <p class="ok joined" id="joined" role="status">
                {format!("Invitation accepted: you are in {org} as {role}. Its screens are below; the header names you and your role.")}
                " "<button type="button" class="link" id="joined-close" on:click=move |_| joined.0.set(None)>"Dismiss"</button>
            </p>
        })}
        <ConfirmWrite/>
        <crate::enhanced::impersonation::ActingBanner storefront_url=config.storefront_url.clone()/>
        {move || if side.with(|s| s.1) { Either::Left(view! { <Console/> }) } else { Either::Right(view! { <Console/> }) }}
        <Show when=move || session.need_sign_in.get()>
            <div class="modal" role="dialog" aria-modal="true" aria-labelledby="reauth-title" id="reauth">
                <div class="card">
                    <h2 id="reauth-title">"Your session has ended"</h2>
                    <p class="muted">"Sign in again to continue. Your work on screen is kept; send it again afterwards."</p>
                    <SignInForm config=cfg_dialog.clone() prefill=session.current_untracked().unwrap_or_else(|| empty_ctx(&cfg_dialog))/>
                </div>
            </div>
        </Show>
        {move || new_org.get().then(|| view! {
            <div class="modal" role="dialog" aria-modal="true" id="new-org-dialog">
                <div class="card">
                    <h2>"New organization"</h2>
                    <NewOrganization done=new_org/>
                    <button class="ghost" on:click=move |_| new_org.set(false)>"Cancel"</button>
                </div>
            </div>
        })}
        <Show when=move || adding.get()>
            <div class="modal" role="dialog" aria-modal="true" id="add-context">
                <div class="card">
                    <h2>"Add a marketplace"</h2>
                    <SignInForm config=cfg_add.clone()/>
                    <button class="ghost" on:click=move |_| adding.set(false)>"Cancel"</button>
                </div>
            </div>
        </Show>
    }
}

fn empty_ctx(cfg: &RuntimeConfig) -> auth::Context {
    auth::Context {
        base_url: cfg.api_base.clone(),
        client_id: cfg.client_id.clone(),
        client_secret: None,
        username: String::new(),
        access_token: String::new(),
        refresh_token: None,
        expires_at: 0.0,
        lifetime: 0.0,
        persistent: false,
        grant: auth::PASSWORD.into(),
        org: String::new(),
        org_name: String::new(),
        env: String::new(),
    }
}
