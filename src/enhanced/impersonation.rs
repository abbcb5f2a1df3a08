//! The impersonation launcher for call-center reps: find a buyer user, see which configs let
//! you act as them (or exactly what is missing), act as them with a chosen client and roles,
//! and keep a history of every act-as session. The banner and "End" live in the shell.
use crate::api::enc;
use crate::auth::impersonation::{self as imp, Acting};
use crate::auth::{Caller, Session};
use crate::components::Spinner;
use crate::components::{Failed, LoadView};
use crate::data::{call_as, groups_of, one_line, Write};
use crate::data::{At, Load};
use crate::json;
use gatehouse_model::impersonation::{
    config_matches, what_is_missing, Impersonator, Target, ENDED_BY_CLOCK, ENDED_BY_REP, REASON_MAX,
};
use gatehouse_model::list::ListQuery;
use gatehouse_model::read::text;
use gatehouse_model::read::{ImpersonationRecord, User};
use gatehouse_model::resources::{Kind, UserType};
use gatehouse_model::types::ImpersonationConfig;
use leptos::prelude::*;
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq)]
struct Hit {
    buyer_id: String,
    buyer_name: String,
    user_id: String,
    username: String,
    name: String,
    email: String,
}

#[derive(Debug, Clone, PartialEq)]
struct Offer {
    config_id: String,
    client_id: String,
    /// The client's AppName, when the rep may read API clients (ApiClientReader); else empty.
    client_name: String,
    /// Whether the rep may read the config's profile: else its roles are unknown here, and the
    /// session gets them all (the token request names none).
    roles_known: bool,
    profile_id: String,
    roles: Vec<String>,
}

/// One act-as session, kept in this browser.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub rep: String,
    pub username: String,
    pub user_id: String,
    pub buyer_id: String,
    pub client_id: String,
    /// The client's AppName when it was known, else empty.
    pub client_name: String,
    pub roles: Vec<String>,
    pub start: f64,
    pub end: Option<f64>,
    /// Why the rep acted (empty when none was asked for).
    pub reason: String,
    /// Who ended it: `Rep` (End) or `Clock` (the token expired); empty while active.
    pub ended_by: String,
    /// Requests sent as the buyer during the session.
    pub requests: u32,
    /// When the act-as token expires at the API (epoch ms).
    pub valid_until: f64,
    /// The API revoked the token when the rep ended the session (the sandbox does).
    pub revoked: bool,
}

const HISTORY: &str = "gatehouse.impersonation.history";

impl Record {
    /// The stored form, read back by `parse_history`.
    fn to_json(&self) -> Value {
        json!({
            "rep": self.rep, "username": self.username, "user_id": self.user_id, "buyer_id": self.buyer_id,
            "client_id": self.client_id, "client_name": self.client_name, "roles": self.roles, "start": self.start, "end": self.end,
            "reason": self.reason, "ended_by": self.ended_by, "requests": self.requests, "valid_until": self.valid_until, "revoked": self.revoked,
        })
    }
}

pub fn history() -> Vec<Record> {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(HISTORY).ok().flatten())
        .map(|t| parse_history(&t))
        .unwrap_or_default()
}

/// Reads the stored act-as history (as `save_history` writes it).
fn parse_history(t: &str) -> Vec<Record> {
    {
        json::list(t, |v| {
            Some(Record {
                rep: text(v, "rep"),
                username: text(v, "username"),
                user_id: text(v, "user_id"),
                buyer_id: text(v, "buyer_id"),
                client_id: text(v, "client_id"),
                client_name: text(v, "client_name"),
                roles: json::strings(&v["roles"]),
                start: json::number(v, "start"),
                end: v["end"].as_f64(),
                reason: text(v, "reason"),
                ended_by: text(v, "ended_by"),
                requests: json::number(v, "requests") as u32,
                valid_until: json::number(v, "valid_until"),
                revoked: v["revoked"].as_bool() == Some(true),
            })
        })
    }
}

fn save_history(h: &[Record]) {
    if let Some(s) = window().local_storage().ok().flatten() {
        let _ = s.set_item(HISTORY, &Value::Array(h.iter().map(Record::to_json).collect()).to_string());
    }
}

/// Ends act-as mode, `by` the rep (End) or the clock (the token expired): drops the
/// impersonation token, closes this browser's record (end, who ended it, requests sent as the
/// buyer) and, where the API keeps a record of the session (the sandbox), ends it there too,
/// which revokes the token when the rep ended it before it expired.
pub fn end(session: Session, by: &'static str) {
    let Some(a) = session.acting.get_untracked() else { return };
    let requests = imp::requests();
    let mut h = history();
    if let Some(r) = h.iter_mut().rev().find(|r| r.start == a.started && r.end.is_none()) {
        r.end = Some(js_sys::Date::now());
        r.ended_by = by.into();
        r.requests = requests;
    }
    save_history(&h);
    session.acting.set(None);
    imp::save(&None);
    imp::reset_requests();
    if a.session_id.is_empty() {
        return;
    }
    leptos::task::spawn_local(async move {
        let path = format!("/impersonation/sessions/{}/end", enc(&a.session_id));
        let body = json!({"EndedBy": by, "Requests": requests});
        if let Ok(v) = call_as(session, Caller::Me, "POST", &path, Some(&body)).await {
            let mut h = history();
            if let Some(r) = h.iter_mut().rev().find(|r| r.start == a.started) {
                r.revoked = v["Revoked"].as_bool() == Some(true);
            }
            save_history(&h);
        }
        // the records on screen read again
        session.acting.update(|_| {});
    });
}

/// What became of an ended session's token, in words: revoked, expired, or valid until when.
fn token_after_end(r: &Record) -> String {
    let at =
        |t: f64| String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t)).to_locale_time_string("en-GB"));
    if r.revoked {
        "revoked by the API at End: no longer valid".into()
    } else if r.ended_by == ENDED_BY_CLOCK || r.valid_until <= js_sys::Date::now() {
        format!("expired at {}", at(r.valid_until))
    } else {
        format!("still valid at the API until {}", at(r.valid_until))
    }
}

/// GET as the rep (the launcher never works with an act-as token); problems in one line.
use crate::data::get_as_me as get;

fn items(v: &Value) -> Vec<Value> {
    v["Items"].as_array().cloned().unwrap_or_default()
}

/// One page of buyer users, as the launcher lists them.
#[derive(Debug, Clone, PartialEq)]
struct Hits {
    hits: Vec<Hit>,
    /// `(page, total pages, total users)` when one buyer is browsed; `None` across all buyers.
    paging: Option<(u32, u64, u64)>,
}

const PAGE_SIZE: u32 = 20;

/// The users of one buyer (`buyer`: ID and name), page by page, or of every buyer (`None`: the
/// first page of each), matching `q` when it is not empty. `None` when a newer load began.
async fn search(
    session: Session,
    buyers: Vec<(String, String)>,
    buyer: Option<(String, String)>,
    q: String,
    page: u32,
    signal: Option<web_sys::AbortSignal>,
) -> Result<Hits, Vec<crate::data::Problem>> {
    let one = buyer.is_some();
    let mut hits = Vec::new();
    let mut paging = None;
    for (id, name) in buyer.into_iter().chain(if one { Vec::new() } else { buyers }) {
        let list = ListQuery {
            page,
            page_size: PAGE_SIZE,
            sort_by: vec![("Username".into(), false)],
            search: Some(q.clone()).filter(|q| !q.is_empty()),
            search_on: if q.is_empty() {
                Vec::new()
            } else {
                ["Username", "FirstName", "LastName", "Email"].map(String::from).to_vec()
            },
            ..Default::default()
        };
        let path = At::of(Kind::BuyerUser, id.as_str()).list_path(&list);
        let v = crate::data::call_with(session, Caller::Me, "GET", &path, None, signal.as_ref()).await?;
        let meta = &v["Meta"];
        let n = |k: &str| meta[k].as_u64().unwrap_or(0);
        paging = one.then(|| (n("Page").max(1) as u32, n("TotalPages").max(1), n("TotalCount")));
        for u in items(&v) {
            let u = User(&u);
            hits.push(Hit {
                buyer_id: id.clone(),
                buyer_name: name.clone(),
                user_id: u.id(),
                username: u.username(),
                name: u.full_name(),
                email: u.email(),
            });
        }
    }
    Ok(Hits { hits, paging })
}

/// The configs that let the signed-in user act as `hit`, with their clients and roles.
/// `create`: when no config matches, the address of the config screen's form filled in for this
/// rep and this user. `unchecked`: why the configs could not be read (reading them takes
/// SetSecurityProfile, which reps seldom hold); then nothing is offered and the rep names the
/// client, and the API checks the configs when the token is asked for.
/// What the launcher offers for one picked user (see [`offers`]).
#[derive(Debug, Clone, Default)]
struct Offers {
    list: Option<Result<Vec<Offer>, String>>,
    create: Option<String>,
    unchecked: Option<String>,
}

async fn offers(session: Session, hit: Hit) -> Offers {
    let mut out = Offers::default();
    let list = offers_into(session, hit, &mut out).await;
    out.list = Some(list);
    out
}

async fn offers_into(session: Session, hit: Hit, found: &mut Offers) -> Result<Vec<Offer>, String> {
    let me = get(session, "/me").await?;
    let info = session.current_untracked().map(|c| c.info()).unwrap_or_default();
    let user_type = UserType::parse(&info.usrtype).unwrap_or(UserType::Admin);
    let my_id = User(&me).id();
    let company = text(&me["Buyer"], "ID");
    // suppliers cannot impersonate: their groups do not matter
    let my_groups = match user_type {
        UserType::Supplier => Vec::new(),
        t => groups_of(session, Caller::Me, t, &company, &my_id).await.unwrap_or_default(),
    };
    let target_groups =
        groups_of(session, Caller::Me, UserType::Buyer, &hit.buyer_id, &hit.user_id).await.unwrap_or_default();
    let configs = match get(session, "/impersonationconfig?pageSize=100").await {
        Ok(c) => c,
        Err(e) => {
            found.unchecked = Some(e);
            return Ok(Vec::new());
        }
    };
    let who = Impersonator { user_type, company: &company, user_id: &my_id, groups: &my_groups };
    let target = Target { buyer_id: &hit.buyer_id, user_id: &hit.user_id, groups: &target_groups };
    let mut out = Vec::new();
    for c in items(&configs) {
        let cfg: ImpersonationConfig = serde_json::from_value(c).unwrap_or_default();
        if !config_matches(&cfg, &who, &target) {
            continue;
        }
        let roles = get(session, &At::of(Kind::SecurityProfile, "").item(&cfg.security_profile_id))
            .await
            .map(|p| json::strings(&p["Roles"]));
        let roles_known = roles.is_ok();
        let roles = roles.unwrap_or_default();
        // reps seldom hold ApiClientReader: then the ID is all there is to show
        let client_name = get(session, &At::of(Kind::ApiClient, "").item(&cfg.client_id))
            .await
            .map(|c| text(&c, "AppName"))
            .unwrap_or_default();
        out.push(Offer {
            config_id: cfg.id,
            client_id: cfg.client_id,
            client_name,
            roles_known,
            profile_id: cfg.security_profile_id,
            roles,
        });
    }
    if out.is_empty() {
        // who may impersonate: this rep (a seller user: no buyer); whom: this buyer user
        let rep: &[(&str, String)] = match user_type {
            UserType::Admin => &[("ImpersonationUserID", my_id.clone())],
            UserType::Buyer => &[("ImpersonationBuyerID", company.clone()), ("ImpersonationUserID", my_id.clone())],
            UserType::Supplier => &[],
        };
        if !rep.is_empty() {
            let mut fields = rep.to_vec();
            fields.extend([("BuyerID", hit.buyer_id.clone()), ("UserID", hit.user_id.clone())]);
            found.create = Some(crate::route::new_href("enhanced:impersonationconfigs", &fields));
        }
        return Err(what_is_missing(&who, &info.usr, &target));
    }
    Ok(out)
}

#[component]
pub fn Launcher() -> impl IntoView {
    let session = expect_context::<Session>();
    let query = RwSignal::new(String::new());
    // what the list shows: the search as submitted, the buyer browsed ("" = every buyer), the page
    let searched = RwSignal::new(String::new());
    let buyer = RwSignal::new(None::<String>);
    let page = RwSignal::new(1u32);
    let picked = RwSignal::new(None::<Hit>);
    // the client named by the rep when the configs cannot be read
    let client_typed = RwSignal::new(String::new());
    // why the rep acts: required unless config.json says otherwise
    let reason = RwSignal::new(String::new());
    let reason_optional =
        use_context::<crate::config::RuntimeConfig>().is_some_and(|c| c.impersonation_reason_optional);
    let chosen = RwSignal::new(0usize);
    let roles = RwSignal::new(Vec::<String>::new());
    // starting a session: on its way, and what went wrong
    let write = Write::new();
    let history_sig = RwSignal::new(history());
    // the API's record of every rep's impersonation tokens, when it offers one (the sandbox's
    // GET /v1/impersonations); else this browser's own history
    let record = Load::new(
        move || {
            session.acting.track();
            Some(())
        },
        move |_, signal| async move {
            crate::data::call_with(session, Caller::Me, "GET", "/impersonations?pageSize=100", None, signal.as_ref())
                .await
                .map(|v| items(&v))
        },
        true,
    );
    Effect::new(move |_| {
        session.acting.track();
        history_sig.set(history());
    });

    // the buyers to browse, by name; the first one is browsed at once, with no typing
    let buyers = Load::new(
        || Some(()),
        move |_, signal| async move {
            let v = crate::data::call_with(
                session,
                Caller::Me,
                "GET",
                "/buyers?pageSize=100&sortBy=Name",
                None,
                signal.as_ref(),
            )
            .await?;
            Ok(items(&v)
                .iter()
                .map(|b| {
                    (text(b, "ID"), Some(text(b, "Name")).filter(|n| !n.is_empty()).unwrap_or_else(|| text(b, "ID")))
                })
                .collect::<Vec<_>>())
        },
        true,
    );
    Effect::new(move |_| {
        if let Some(Ok(list)) = buyers.state.get() {
            buyer.set(Some(list.first().map(|b| b.0.clone()).unwrap_or_default()));
        }
    });
    // the list follows the buyer, the search and the page; a newer load aborts the older one
    let hits = Load::new(
        move || {
            let (b, q, p) = (buyer.get()?, searched.get(), page.get());
            let all = untrack(|| buyers.value());
            let one = all.iter().find(|x| x.0 == b).cloned();
            Some((all, one, q, p))
        },
        move |(all, one, q, p), signal| search(session, all, one, q, p, signal),
        true,
    );
    let searching = hits.loading;
    // the applications reps have acted in (the API's record, this browser's history): what a rep
    // who cannot read the configs is offered to choose from
    let known_clients = move || {
        let mut out: Vec<(String, String)> = Vec::new();
        let rows = untrack(|| record.value());
        let seen = rows
            .iter()
            .map(ImpersonationRecord)
            .map(|r| (r.client_id(), r.client_name()))
            .chain(history().into_iter().rev().map(|r| (r.client_id, r.client_name)));
        for (id, name) in seen {
            if !id.is_empty() && !out.iter().any(|c| c.0 == id) {
                out.push((id, name));
            }
        }
        out
    };
    let do_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        picked.set(None);
        page.set(1);
        searched.set(query.get_untracked());
    };
    let pick = move |h: Hit| {
        write.clear();
        picked.set(Some(h));
    };
    // the offers for the user picked last: picking another drops (and stops) an older answer
    let offered = Load::new(move || picked.get(), move |h, _| async move { Ok(offers(session, h).await) }, false);
    let found = move || offered.state.with(|s| s.as_ref().and_then(|r| r.as_ref().ok()).cloned()).unwrap_or_default();
    let offers_sig = move || found().list;
    let create = Signal::derive(move || found().create);
    let unchecked = Signal::derive(move || found().unchecked);
    Effect::new(move |_| {
        let Some(list) = offers_sig() else { return };
        if client_typed.get_untracked().is_empty() {
            client_typed.set(known_clients().first().map(|c| c.0.clone()).unwrap_or_default());
        }
        if let Ok(list) = &list {
            chosen.set(0);
            roles.set(list.first().map(|x| x.roles.clone()).unwrap_or_default());
        }
    });
    let act = move |_| {
        let (Some(h), Some(Ok(list))) = (picked.get_untracked(), untrack(offers_sig)) else { return };
        let offer = if unchecked.with_untracked(Option::is_some) {
            let id = client_typed.get_untracked().trim().to_string();
            if id.is_empty() {
                write.refuse("Name the application (API client ID) to act in; nothing was sent.".into());
                return;
            }
            let client_name = known_clients().into_iter().find(|c| c.0 == id).map(|c| c.1).unwrap_or_default();
            Offer {
                config_id: String::new(),
                client_id: id,
                client_name,
                roles_known: false,
                profile_id: String::new(),
                roles: Vec::new(),
            }
        } else {
            let Some(offer) = list.get(chosen.get_untracked()).cloned() else { return };
            offer
        };
        let why = reason.get_untracked().trim().to_string();
        if why.is_empty() && !reason_optional {
            write.refuse(
                "Give the reason for acting as this user (a ticket number or a few words); nothing was sent.".into(),
            );
            return;
        }
        let wanted = roles.get_untracked();
        if wanted.is_empty() && offer.roles_known {
            write.refuse("Choose at least one role for the session; nothing was sent.".into());
            return;
        }
        write.clear();
        write.run(async move {
            let path = format!("{}/accesstoken", At::of(Kind::BuyerUser, h.buyer_id.as_str()).item(&h.user_id));
            // roles not known here: none named, so the session has every role of the config's profile
            let body = if offer.roles_known {
                json!({"ClientID": offer.client_id, "Roles": wanted})
            } else {
                json!({"ClientID": offer.client_id})
            };
            match call_as(session, Caller::Me, "POST", &path, Some(&body)).await {
                Ok(v) => {
                    let token = text(&v, "access_token");
                    let info = crate::auth::TokenInfo::decode(&token).unwrap_or_default();
                    let now = js_sys::Date::now();
                    // the reason travels beside OrderCloud's token request, sent with the act-as
                    // token itself to where the API keeps a record of sessions (the sandbox);
                    // an API without one keeps none, and this browser's record is the record
                    let note =
                        json!({"Reason": if why.is_empty() { "(no reason asked)" } else { why.as_str() }}).to_string();
                    let session_id = match crate::api::send(
                        "POST",
                        &session.url("/impersonation/sessions"),
                        Some(token.as_str()),
                        Some(note.as_str()),
                        None,
                    )
                    .await
                    {
                        Ok(r) if r.status == 201 => {
                            serde_json::from_str::<Value>(&r.body).map(|v| text(&v, "ID")).unwrap_or_default()
                        }
                        _ => String::new(),
                    };
                    imp::reset_requests();
                    let a = Acting {
                        token,
                        buyer_id: h.buyer_id.clone(),
                        buyer_name: h.buyer_name.clone(),
                        user_id: h.user_id.clone(),
                        username: h.username.clone(),
                        client_id: offer.client_id.clone(),
                        client_name: offer.client_name.clone(),
                        roles: info.role.clone(),
                        expires_at: now + v["expires_in"].as_f64().unwrap_or(0.0) * 1000.0,
                        started: now,
                        reason: why.clone(),
                        session_id,
                    };
                    let rep = session.current_untracked().map(|c| c.username).unwrap_or_default();
                    let mut hist = history();
                    hist.push(Record {
                        rep,
                        username: a.username.clone(),
                        user_id: a.user_id.clone(),
                        buyer_id: a.buyer_id.clone(),
                        client_id: a.client_id.clone(),
                        client_name: a.client_name.clone(),
                        roles: a.roles.clone(),
                        start: now,
                        end: None,
                        reason: why,
                        ended_by: String::new(),
                        requests: 0,
                        valid_until: a.expires_at,
                        revoked: false,
                    });
                    save_history(&hist);
                    imp::save(&Some(a.clone()));
                    session.acting.set(Some(a));
                    Ok(())
                }
                Err(p) => Err(one_line(&p)),
            }
        });
    };

    // acting needs BuyerImpersonation on the rep's own token
    let can_act = move || {
        gatehouse_model::roles::allows(
            &session.current().map(|c| c.info().role).unwrap_or_default(),
            &["BuyerImpersonation"],
        )
    };
    view! {
        <section class="enhanced" id="impersonation-launcher" aria-label="Impersonation launcher">
            <h2 tabindex="-1">"Act on behalf of a buyer user"</h2>
            <p class="muted">"Find the customer, check which applications you may act in, and act as them. Every session is recorded below."</p>
            <Show when=move || !can_act()>
                <p class="readonly" id="imp-readonly" role="status">"Look-up only: acting as a buyer user needs the BuyerImpersonation role, and your token does not have it."</p>
            </Show>
            <form class="row" on:submit=do_search>
                <label class="sr-only" for="imp-buyer">"Buyer"</label>
                <select id="imp-buyer" on:change=move |ev| { picked.set(None); page.set(1); buyer.set(Some(event_target_value(&ev))); }>
                    {move || buyers.value().into_iter().map(|(id, name)| {
                        let id2 = id.clone();
                        view! { <option value=id selected=move || buyer.get().as_deref() == Some(id2.as_str())>{name}</option> }
                    }).collect_view()}
                    <option value="" selected=move || buyer.get().as_deref() == Some("")>"All buyers (first page of each)"</option>
                </select>
                <label class="sr-only" for="imp-search">"Search buyer users"</label>
                <input id="imp-search" type="search" placeholder="Name, username or email" prop:value=query on:input=move |ev| query.set(event_target_value(&ev))/>
                <button id="imp-search-go" type="submit" disabled=searching>{move || if searching.get() { view! { <Spinner/> }.into_any() } else { "Search".into_any() }}</button>
            </form>
            {move || buyers.problem().map(|e| view! { <p class="error" role="alert">{format!("Cannot list buyers: {e}")}</p> })}
            {hits.view("", move |r| match r {
                h if h.hits.is_empty() => view! { <p class="muted" id="imp-none">{if searched.get().is_empty() { "This buyer has no users yet." } else { "No buyer user matches." }}</p> }.into_any(),
                Hits { hits: list, paging } => view! {
                    <div class="table-scroll" role="region" tabindex="0" aria-label="Buyer users found"><table class="grid" id="imp-results">
                        <thead><tr><th>"User"</th><th>"Username"</th><th>"Email"</th><th>"Buyer"</th><th><span class="sr-only">"Actions"</span></th></tr></thead>
                        <tbody>{list.into_iter().map(|h| {
                            let h2 = h.clone();
                            let name = format!("Choose {}", h.username);
                            view! { <tr data-user=h.user_id.clone()>
                                <td>{h.name.clone()}</td><td>{h.username.clone()}</td><td>{h.email.clone()}</td><td title=h.buyer_id.clone()>{h.buyer_name.clone()}</td>
                                <td><button class="imp-pick" aria-label=name on:click=move |_| pick(h2.clone())>"Choose"</button></td>
                            </tr> }
                        }).collect_view()}</tbody>
                    </table></div>
                    {paging.map(|(p, pages, total)| view! {
                        <nav class="row pager" id="imp-pager" aria-label="Pages of buyer users">
                            <button class="ghost" id="imp-prev" disabled={p <= 1} on:click=move |_| page.set(p - 1)>"Previous"</button>
                            <span id="imp-page">{format!("Page {p} of {pages} · {total} user{}", if total == 1 { "" } else { "s" })}</span>
                            <button class="ghost" id="imp-next" disabled={p as u64 >= pages} on:click=move |_| page.set(p + 1)>"Next"</button>
                        </nav>
                    })}
                }.into_any(),
            })}
            {move || picked.get().map(|h| view! {
                <div class="panel" id="imp-offer">
                    <h3>{format!("Act as {} ({}) of {}", if h.name.is_empty() { &h.username } else { &h.name }, h.username, h.buyer_name)}</h3>
                    <label for="imp-reason">{if reason_optional { "Reason (a ticket number or a few words; optional)" } else { "Reason (a ticket number or a few words; required)" }}</label>
                    <input id="imp-reason" autocomplete="off" maxlength=REASON_MAX.to_string() aria-required=(!reason_optional).to_string()
                        prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))/>
                    {move || match offers_sig() {
                        None => view! { <p><Spinner/>" Checking impersonation configs…"</p> }.into_any(),
                        Some(Err(e)) => view! {
                            <p class="error" id="imp-missing" role="alert">{e}</p>
                            {move || create.get().map(|href| view! {
                                <p><a class="button" id="imp-create-config" href=href data-noscroll>"Create this config"</a>
                                    <span class="muted">" The form opens filled in for you and this user; creating it needs SetSecurityProfile (or send the link to someone who has it)."</span></p>
                            })}
                        }.into_any(),
                        Some(Ok(_)) if unchecked.with(Option::is_some) => view! {
                            <p class="warn" id="imp-unchecked" role="note">{move || format!("Your token cannot read impersonation configs, so nothing is checked in advance: name the application to act in, and the API checks the configs when you act. ({})", unchecked.get().unwrap_or_default())}</p>
                            <label for="imp-client">"Application (API client ID)"</label>
                            <input id="imp-client" list="imp-clients" autocomplete="off" prop:value=client_typed on:input=move |ev| client_typed.set(event_target_value(&ev))/>
                            <datalist id="imp-clients">{known_clients().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}</datalist>
                            <p class="muted">"The session gets every role of the config's profile."</p>
                            <button class="primary" id="imp-act" on:click=act disabled=move || write.pending() || !can_act() || session.acting.with(Option::is_some)>"Act as this user"</button>
                        }.into_any(),
                        Some(Ok(list)) => {
                            let list2 = list.clone();
                            let list3 = list.clone();
                            view! {
                                <label for="imp-config">"Application (API client) and config"</label>
                                <select id="imp-config" on:change=move |ev| {
                                    let i: usize = event_target_value(&ev).parse().unwrap_or(0);
                                    chosen.set(i);
                                    roles.set(list2.get(i).map(|o| o.roles.clone()).unwrap_or_default());
                                }>
                                    {list.iter().enumerate().map(|(i, o)| {
                                        let client = if o.client_name.is_empty() { format!("The application with client ID {} (your roles cannot read its name)", o.client_id) } else { o.client_name.clone() };
                                        view! { <option value=i.to_string() title=format!("Client ID {}", o.client_id)>{format!("{client}, through the config {}, granting the profile {}", o.config_id, o.profile_id)}</option> }
                                    }).collect_view()}
                                </select>
                                <fieldset class="roles-pick" id="imp-roles"><legend>"Roles for the session"</legend>
                                    {move || list3.get(chosen.get()).filter(|o| !o.roles_known).map(|_| view! { <p class="muted" id="imp-roles-unknown">"Your token cannot read this config's security profile: the session gets every role of it."</p> })}
                                    {move || list.get(chosen.get()).map(|o| o.roles.clone()).unwrap_or_default().into_iter().map(|r| {
                                        let (r1, r2) = (r.clone(), r.clone());
                                        view! { <label class="check"><input type="checkbox" prop:checked=move || roles.get().contains(&r1)
                                            on:change=move |ev| { let on = event_target_checked(&ev); roles.update(|rs| { rs.retain(|x| x != &r2); if on { rs.push(r2.clone()); } }); }/>{format!(" {r}")}</label> }
                                    }).collect_view()}
                                </fieldset>
                                <button class="primary" id="imp-act" on:click=act disabled=move || write.pending() || !can_act() || session.acting.with(Option::is_some)
                                    title=move || if session.acting.with(Option::is_some) { "End the current act-as session first" } else { "" }>"Act as this user"</button>
                            }.into_any()
                        }
                    }}
                    <Failed id="imp-error" problem=move || write.failed()/>
                </div>
            })}
            {move || match record.state.get() {
                Some(Ok(rows)) => view! {
                    <h3>"Supervisor's view: every rep's act-as sessions (kept by the API)"</h3>
                    <div class="table-scroll" role="region" tabindex="0" aria-label="Act-as sessions kept by the API"><table class="grid" id="impersonation-record">
                        <thead><tr><th>"Rep"</th><th>"User"</th><th>"Buyer"</th><th>"Client"</th><th>"Roles"</th><th>"Reason"</th><th>"Issued"</th><th>"Expires"</th><th>"Ended"</th><th>"Ended by"</th><th>"Requests"</th><th>"State"</th></tr></thead>
                        <tbody>{rows.into_iter().map(|r| {
                            let r = ImpersonationRecord(&r);
                            let when = |t: String| String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_str(&t)).to_locale_string("en-GB", &wasm_bindgen::JsValue::UNDEFINED));
                            let expired = js_sys::Date::parse(&r.expires()) < js_sys::Date::now();
                            let state = if r.revoked() { "revoked" } else if expired { "expired" } else { "valid" };
                            let client = Some(r.client_name()).filter(|n| !n.is_empty()).unwrap_or_else(|| r.client_id());
                            let buyer_id = r.buyer_id();
                            let buyer = buyers.name_of(&buyer_id);
                            let ended = Some(r.ended()).filter(|t| !t.is_empty()).map(when).unwrap_or_else(|| "—".into());
                            let by = match r.ended_by().as_str() { ENDED_BY_CLOCK => "the clock".to_string(), ENDED_BY_REP => "the rep".to_string(), _ => "—".into() };
                            let requests = r.0["Requests"].as_u64().map(|n| n.to_string()).unwrap_or_else(|| "—".into());
                            view! { <tr><td>{r.impersonator_username()}</td><td>{r.username()}</td><td title=buyer_id.clone()>{buyer}</td><td>{client}</td>
                                <td>{json::strings(&r.0["Roles"]).join(", ")}</td><td class="imp-reason">{r.reason()}</td><td>{when(r.issued())}</td><td>{when(r.expires())}</td>
                                <td>{ended}</td><td class="imp-ended-by">{by}</td><td>{requests}</td><td class="imp-state">{state}</td></tr> }
                        }).collect_view()}</tbody>
                    </table></div>
                }.into_any(),
                other => view! {
                    <h3>"Act-as history (this browser)"</h3>
                    {other.and_then(Result::err).map(|e| one_line(&e)).map(|e| view! { <p class="muted" id="impersonation-record-note">{format!("Sessions started in this browser; the API keeps no record you can read ({e}).")}</p> })}
                    <div class="table-scroll" role="region" tabindex="0" aria-label="Act-as sessions in this browser"><table class="grid" id="impersonation-history">
                        <thead><tr><th>"Rep"</th><th>"User"</th><th>"Buyer"</th><th>"Client"</th><th>"Roles"</th><th>"Reason"</th><th>"Start"</th><th>"End"</th><th>"Ended by"</th><th>"Requests"</th><th>"Token"</th></tr></thead>
                        <tbody>{history_sig.get().into_iter().rev().map(|r| {
                            let when = |t: f64| String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t)).to_locale_string("en-GB", &wasm_bindgen::JsValue::UNDEFINED));
                            view! { <tr><td>{r.rep.clone()}</td><td>{r.username.clone()}</td><td>{r.buyer_id.clone()}</td><td>{if r.client_name.is_empty() { r.client_id.clone() } else { r.client_name.clone() }}</td>
                                <td>{r.roles.join(", ")}</td><td class="imp-reason">{r.reason.clone()}</td><td>{when(r.start)}</td><td class="imp-end">{r.end.map(when).unwrap_or_else(|| "active".into())}</td>
                                <td class="imp-ended-by">{match r.ended_by.as_str() { ENDED_BY_CLOCK => "the clock", ENDED_BY_REP => "the rep", _ => "" }}</td><td>{r.requests}</td>
                                <td class="imp-token">{if r.end.is_some() { token_after_end(&r) } else { String::new() }}</td></tr> }
                        }).collect_view()}</tbody>
                    </table></div>
                }.into_any(),
            }}
        </section>
    }
}

/// The banner shown on every screen while acting as someone.
#[component]
pub fn ActingBanner(storefront_url: String) -> impl IntoView {
    let session = expect_context::<Session>();
    // the clock ends the session when its token expires, and the rep works as themself again
    Effect::new(move |_| {
        let now = session.now.get();
        if session.acting.with(|a| a.as_ref().is_some_and(|a| now >= a.expires_at)) {
            end(session, ENDED_BY_CLOCK);
        }
    });
    // the session ended last (its start), said once below the header until dismissed
    let ended = RwSignal::new(None::<f64>);
    Effect::new(move |prev: Option<Option<f64>>| {
        let started = session.acting.with(|a| a.as_ref().map(|a| a.started));
        if let (Some(Some(s)), None) = (prev, started) {
            ended.set(Some(s));
        }
        if started.is_some() {
            ended.set(None);
        }
        started
    });
    let ended_record = move || {
        session.acting.track();
        let start = ended.get()?;
        history().into_iter().rev().find(|r| r.start == start)
    };
    view! {
        {move || ended_record().map(|r| {
            let at = |t: f64| String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t)).to_locale_time_string("en-GB"));
            let how = if r.ended_by == ENDED_BY_CLOCK { "ended by the clock (its token expired)" } else { "ended by you" };
            let text = format!(
                "The act-as session as {} ({}) {how} at {}, after {} request{} as the buyer. Its token: {}. You work as {} again.",
                r.username, r.reason, r.end.map(at).unwrap_or_default(), r.requests, if r.requests == 1 { "" } else { "s" }, token_after_end(&r), r.rep
            );
            view! {
                <div class="acting-ended" id="acting-ended" role="status">
                    <span>{text}</span>
                    <button class="ghost" id="acting-ended-close" on:click=move |_| ended.set(None)>"Dismiss"</button>
                </div>
            }
        })}
        {move || session.acting.get().map(|a| {
            let rep = session.current().map(|c| c.username).unwrap_or_default();
            let left = move || crate::auth::fmt_left(a.expires_at - session.now.get());
            // two minutes before the end: a warning, said once (its words do not tick)
            let warn = move || a.expires_at - session.now.get() <= 120_000.0;
            let ends_at = String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(a.expires_at)).to_locale_time_string("en-GB"));
            let warning = format!("Less than two minutes left: the session as {} ends at {ends_at}, and you work as {rep} again. Finish now; a new session needs a new reason.", a.username);
            let storefront = (!storefront_url.is_empty()).then(|| format!("{}/impersonation?token={}", storefront_url.trim_end_matches('/'), enc(&a.token)));
            let or_id = |name: &str, id: &str| if name.is_empty() { id.to_string() } else { name.to_string() };
            let (buyer, client) = (or_id(&a.buyer_name, &a.buyer_id), or_id(&a.client_name, &a.client_id));
            // one line: names first; the IDs and every role in the tooltip
            let full = format!("{rep} is acting as {} (user {}) of buyer {} ({}) in client {} ({}) with roles {}", a.username, a.user_id, buyer, a.buyer_id, client, a.client_id, a.roles.join(", "));
            view! {
                <div class="acting" id="acting-banner" role="status">
                    <span class="acting-text" title=full><strong>{format!("{rep} acting as {}", a.username)}</strong>
                        {format!(" · {buyer} · {client} · {}", a.roles.join(", "))}</span>
                    <span class="acting-left"><span id="acting-left">{left}</span>" left"</span>
                    {storefront.map(|u| view! { <button class="ghost" id="open-storefront" on:click=move |_| { let _ = window().open_with_url_and_target_and_features(&u, "_blank", "noopener,noreferrer"); }>"Open storefront"</button> })}
                    <button id="acting-end" on:click=move |_| end(session, ENDED_BY_REP)>"End"</button>
                </div>
                <Show when=warn>
                    <p class="acting-warning" id="acting-warning" role="alert">{warning.clone()}</p>
                </Show>
            }
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_act_as_history_reads_back_as_written() {
        let rec = |end| Record {
            rep: "rep01".into(),
            username: "buyer01".into(),
            user_id: "BUYER01".into(),
            buyer_id: "BUYER".into(),
            client_id: "CLIENT".into(),
            client_name: "Storefront".into(),
            roles: vec!["Shopper".into()],
            start: 1.6e12,
            end,
            reason: "TICKET-1".into(),
            ended_by: "Clock".into(),
            requests: 3,
            valid_until: 1.8e12,
            revoked: true,
        };
        let h = vec![rec(Some(1.7e12)), rec(None)];
        assert_eq!(parse_history(&Value::Array(h.iter().map(Record::to_json).collect()).to_string()), h);
        assert!(parse_history("[").is_empty());
    }
}
