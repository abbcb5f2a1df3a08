//! Access as code: the marketplace in view exported to a setup file (JSON, the model's
//! canonical text), and a setup file planned against it and applied. The plan and the steps are
//! the model's (`setup::plan`, `setup::apply`), the same the CLI runs; this screen reads the
//! marketplace through `data::marketplace`, shows the plan (counts per kind, field diffs,
//! client ID rewrites, refusals), and sends nothing before the person confirms. The apply goes
//! kind by kind in dependency order, at most [`IN_FLIGHT`] requests at once, with progress,
//! time left, cancel, "stop at the first failure", and after a network failure a Resume that
//! re-reads the marketplace and sends only the steps not yet done (`Step::is_done`).
use super::files::{chosen_text, download};
use crate::auth::Session;
use crate::data::marketplace::{read_builtins, read_marketplace};
use crate::data::{one_line, Problem};
use gatehouse_model::access::Marketplace;
use gatehouse_model::builtin::BuiltIns;
use gatehouse_model::resources::UserType;
use gatehouse_model::setup::apply::{pending, steps, Action, ClientIds, Step};
use gatehouse_model::setup::plan::{plan, Change, ClientId, Index, Plan, PlanOptions};
use gatehouse_model::setup::{export, Companies, ExportOptions, SetupFile, SetupKind};
use leptos::prelude::*;
use serde_json::Value;

/// Requests in flight at most during an apply.
const IN_FLIGHT: usize = 8;

/// The marketplace in view and its built-in objects.
async fn read_target(session: Session) -> Result<(Marketplace, BuiltIns), Vec<Problem>> {
    let c = session.current_untracked();
    let (id, name, signed_in_with) = c.map(|c| (c.org.clone(), c.org_name.clone(), c.client_id)).unwrap_or_default();
    let m = read_marketplace(session, &id, &name, None, |_| {}, |_| {}).await?;
    // the client this session signed in through is left alone by plans, as the hub's are
    let mut builtins = read_builtins(session).await;
    builtins.clients.insert(signed_in_with);
    Ok((m, builtins))
}

/// What became of one step.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Done(Action),
    Failed(String),
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Run {
    total: usize,
    done: usize,
    failed: usize,
    running: bool,
    /// A network failure stopped the run: Resume re-reads and goes on.
    paused: Option<String>,
    started_ms: f64,
    /// (kind, key, what became of it), in the order they ended.
    results: Vec<(SetupKind, String, Outcome)>,
    /// New confidential clients' secrets: (name, ID, secret).
    secrets: Vec<(String, String, String)>,
    finished: bool,
}

fn now_ms() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or_default()
}

/// The plan's counts in words, for the one question a production run asks.
fn bulk_words(all: &[Step], target: &str) -> String {
    let n = |a: Action| all.iter().filter(|s| s.action == a).count();
    format!(
        "Apply the plan to {target}: {} requests ({} creations, {} updates, {} deletions)",
        all.len(),
        n(Action::Create),
        n(Action::Update),
        n(Action::Delete)
    )
}

/// Sends `todo` in order, consecutive steps of one kind and action together, at most
/// [`IN_FLIGHT`] at once.
async fn apply(
    session: Session,
    todo: Vec<Step>,
    mut ids: ClientIds,
    run: RwSignal<Run>,
    cancel: RwSignal<bool>,
    stop_on_failure: bool,
) {
    use futures::StreamExt;
    let mut start = 0;
    let mut stop = false;
    while start < todo.len() && !stop {
        let (kind, action) = (todo[start].kind, todo[start].action);
        let end =
            todo[start..].iter().position(|s| (s.kind, s.action) != (kind, action)).map_or(todo.len(), |n| start + n);
        let group_ids = ids.clone();
        let sends = futures::stream::iter(todo[start..end].iter().cloned()).map(|step| {
            let ids = group_ids.clone();
            async move {
                if cancel.get_untracked() {
                    return (step, None);
                }
                let answer = match step.request(&ids) {
                    Err(e) => Err(vec![Problem {
                        status: 0,
                        code: "Reference".into(),
                        message: e,
                        explain: None,
                        data: Value::Null,
                    }]),
                    Ok(req) => crate::data::call(session, req.method, &req.path, req.body.as_ref()).await,
                };
                (step, Some(answer))
            }
        });
        let mut answers = sends.buffer_unordered(IN_FLIGHT);
        while let Some((step, answer)) = answers.next().await {
            let Some(answer) = answer else {
                stop = true;
                continue;
            };
            match answer {
                Err(p) if p.iter().any(|p| p.code == "Network") => {
                    let _ = run.try_update(|r| r.paused.get_or_insert(one_line(&p)).len());
                    stop = true;
                }
                Err(p) => {
                    let _ = run.try_update(|r| {
                        r.failed += 1;
                        r.results.push((step.kind, step.key.clone(), Outcome::Failed(one_line(&p))));
                    });
                    stop |= stop_on_failure;
                }
                Ok(v) => {
                    step.record(&v, &mut ids);
                    let secret = v.get("ClientSecret").and_then(Value::as_str).filter(|s| !s.is_empty());
                    let _ = run.try_update(|r| {
                        r.done += 1;
                        r.results.push((step.kind, step.key.clone(), Outcome::Done(step.action)));
                        if let (Some(name), Some(secret)) = (&step.creates_client, secret) {
                            r.secrets.push((name.clone(), v["ID"].as_str().unwrap_or_default().into(), secret.into()));
                        }
                    });
                }
            }
        }
        start = end;
    }
    let _ = run.try_update(|r| {
        r.running = false;
        r.finished = r.paused.is_none();
    });
}

fn change_words(c: &Change) -> &'static str {
    match c {
        Change::Create => "create",
        Change::Update(_) => "update",
        Change::Unchanged => "unchanged",
        Change::Delete => "delete",
    }
}

#[component]
pub fn AccessCode() -> impl IntoView {
    let session = expect_context::<Session>();
    let target = RwSignal::new(None::<(Marketplace, BuiltIns)>);
    let read_error = RwSignal::new(None::<String>);
    let reading = RwSignal::new(false);
    let read = move || {
        reading.set(true);
        read_error.set(None);
        leptos::task::spawn_local(async move {
            match read_target(session).await {
                Ok(t) => {
                    let _ = target.try_set(Some(t));
                }
                Err(p) => {
                    let _ = read_error.try_set(Some(one_line(&p)));
                }
            }
            let _ = reading.try_set(false);
        });
    };
    read();

    // export: every kind and company unless unticked
    let kinds = RwSignal::new(SetupKind::ALL.to_vec());
    let left_out = RwSignal::new(Vec::<(UserType, String)>::new());
    let do_export = move |_| {
        target.with_untracked(|t| {
            let Some((m, b)) = t else { return };
            let mut companies = Companies::default();
            let mut partial = false;
            for p in m.parties.iter().filter(|p| p.user_type != UserType::Admin) {
                let out = left_out.with_untracked(|l| l.contains(&(p.user_type, p.company.id.clone())));
                partial |= out;
                if !out {
                    match p.user_type {
                        UserType::Buyer => companies.buyers.push(p.company.id.clone()),
                        _ => companies.suppliers.push(p.company.id.clone()),
                    }
                }
            }
            let opts = ExportOptions { kinds: Some(kinds.get_untracked()), companies: partial.then_some(companies) };
            let file = export(m, b, &opts);
            let name = if m.id.is_empty() { "marketplace".to_string() } else { m.id.clone() };
            download(&format!("access-{name}.json"), "application/json", &file.to_text());
        });
    };

    let run = RwSignal::new(Run::default());
    let cancel = RwSignal::new(false);
    // plan
    let file = RwSignal::new(None::<SetupFile>);
    let file_error = RwSignal::new(None::<String>);
    let delete_missing = RwSignal::new(false);
    let confirmed = RwSignal::new(false);
    let the_plan = Memo::new(move |_| {
        let f = file.get()?;
        let opts = PlanOptions { delete_missing: delete_missing.get() };
        target.with(|t| t.as_ref().map(|(m, b)| plan(&f, m, b, opts)))
    });
    let on_file = move |ev: leptos::ev::Event| {
        leptos::task::spawn_local(async move {
            let Some((_, text)) = chosen_text(&ev).await else { return };
            confirmed.set(false);
            run.set(Run::default());
            match text.and_then(|t| SetupFile::parse(&t)) {
                Ok(f) => {
                    file_error.set(None);
                    file.set(Some(f));
                }
                Err(e) => {
                    file_error.set(Some(e));
                    file.set(None);
                }
            }
        });
    };

    // apply
    let stop_on_failure = RwSignal::new(false);
    let the_steps = StoredValue::new(Vec::<Step>::new());
    let start = move |_| {
        let Some(p) = the_plan.get_untracked() else { return };
        if p.refused() {
            return;
        }
        let all = steps(&p);
        the_steps.set_value(all.clone());
        cancel.set(false);
        run.set(Run { total: all.len(), running: true, started_ms: now_ms(), ..Run::default() });
        let ids = ClientIds::from_plan(&p);
        let what = bulk_words(&all, &p.target);
        let stop_on_failure = stop_on_failure.get_untracked();
        leptos::task::spawn_local(async move {
            // in production: asked once, with the plan's counts
            let Some(_bulk) = session.confirm_bulk(what).await else {
                run.set(Run::default());
                return;
            };
            apply(session, all, ids, run, cancel, stop_on_failure).await;
        });
    };
    let resume = move |_| {
        run.update(|r| {
            r.paused = None;
            r.running = true;
        });
        cancel.set(false);
        leptos::task::spawn_local(async move {
            match read_target(session).await {
                Err(p) => {
                    let _ = run.try_update(|r| {
                        r.running = false;
                        r.paused = Some(one_line(&p));
                    });
                }
                Ok((m, b)) => {
                    let ix = Index::of(&m, &b);
                    let all = the_steps.get_value();
                    let todo: Vec<Step> = pending(&all, &ix).into_iter().cloned().collect();
                    // what the re-read shows done counts as done, once
                    let already = all.len() - todo.len();
                    let _ = run.try_update(|r| r.done = already - r.failed.min(already));
                    apply(session, todo, ClientIds::from_index(&ix), run, cancel, stop_on_failure.get_untracked())
                        .await;
                }
            }
        });
    };
    let time_left = move || {
        let r = run.get();
        let n = r.done + r.failed;
        if !r.running || n == 0 {
            return String::new();
        }
        let per = (now_ms() - r.started_ms) / n as f64;
        let secs = (per * (r.total - n) as f64 / 1000.0).ceil();
        format!(", about {secs} s left")
    };

    let plan_view = move || {
        the_plan.get().map(|p: Plan| {
            let counts = p.counts.iter().map(|(k, c)| view! {
                <tr data-kind=k.as_str()>
                    <th scope="row">{k.as_str()}</th><td class="create">{c.create}</td><td class="update">{c.update}</td>
                    <td class="unchanged">{c.unchanged}</td><td class="delete">{c.delete}</td>
                </tr>
            }).collect_view();
            let items = p.items.iter().chain(&p.deletes).filter(|i| i.change != Change::Unchanged).map(|i| {
                let diff = match &i.change {
                    Change::Update(d) => d.iter().map(|f| format!("{}: {} → {}", f.field, f.old, f.new)).collect::<Vec<_>>().join("; "),
                    _ => String::new(),
                };
                view! { <li data-change=change_words(&i.change)>{format!("{} {} {}", change_words(&i.change), i.kind.noun(), i.key)}{(!diff.is_empty()).then(|| view! { <span class="diff">" ("{diff}")"</span> })}</li> }
            }).collect_view();
            let rewrites = p.rewrites.iter().map(|r| {
                let to = match &r.to { ClientId::Existing(id) => id.clone(), ClientId::New => "the ID its create returns".into() };
                view! { <li>{format!("API client \"{}\": {} → {} ({} references)", r.name, r.from, to, r.references)}</li> }
            }).collect_view();
            let errors = p.errors.iter().map(|e| view! { <li>{e.describe()}</li> }).collect_view();
            let refused = p.refused();
            let changes = p.changes();
            view! {
                <div class="panel" id="plan">
                    <h3>{format!("Plan: {changes} changes from {} to {}", p.source, p.target)}</h3>
                    {refused.then(|| view! { <div class="error" role="alert" id="plan-errors"><p>"Refused: nothing will be sent until these are fixed."</p><ul>{errors}</ul></div> })}
                    <div class="table-scroll" role="region" tabindex="0" aria-label="Changes by kind"><table class="grid" id="plan-counts">
                        <caption>"Objects per kind"</caption>
                        <thead><tr><th scope="col">"Kind"</th><th scope="col">"Create"</th><th scope="col">"Update"</th><th scope="col">"Unchanged"</th><th scope="col">"Delete"</th></tr></thead>
                        <tbody>{counts}</tbody>
                    </table></div>
                    {(!p.rewrites.is_empty()).then(|| view! { <h4>"API client IDs rewritten"</h4><ul id="plan-rewrites">{rewrites}</ul> })}
                    <ul id="plan-items">{items}</ul>
                    {(!refused && changes > 0).then(|| view! {
                        <div class="row">
                            <label><input type="checkbox" id="apply-stop" prop:checked=move || stop_on_failure.get() on:change=move |ev| stop_on_failure.set(event_target_checked(&ev))/>" Stop at the first failure"</label>
                            <label><input type="checkbox" id="apply-confirm" prop:checked=move || confirmed.get() on:change=move |ev| confirmed.set(event_target_checked(&ev))/>{format!(" I have read the plan: send its {changes} changes")}</label>
                            <button id="apply-start" disabled=move || !confirmed.get() || run.get().running on:click=start>"Apply"</button>
                        </div>
                    })}
                </div>
            }
        })
    };

    let run_view = move || {
        let r = run.get();
        (r.total > 0).then(|| {
            let results = r.results.iter().map(|(k, key, o)| {
                let words = match o {
                    Outcome::Done(Action::Create) => "created".to_string(),
                    Outcome::Done(Action::Update) => "updated".to_string(),
                    Outcome::Done(Action::Delete) => "deleted".to_string(),
                    Outcome::Failed(e) => format!("failed: {e}"),
                };
                view! { <li data-outcome=if matches!(o, Outcome::Failed(_)) { "failed" } else { "done" }>{format!("{} {key}: {words}", k.noun())}</li> }
            }).collect_view();
            let secrets = r.secrets.iter().map(|(name, id, secret)| view! { <li>{format!("{name} ({id}): ")}<code>{secret.clone()}</code></li> }).collect_view();
            view! {
                <div class="panel" id="apply-run">
                    <progress id="apply-progress" aria-label="Changes applied" max=r.total value=r.done + r.failed></progress>
                    <p id="apply-counts" role="status">{format!("{} of {}: {} done, {} failed{}", r.done + r.failed, r.total, r.done, r.failed, if r.finished { "." } else { "" })}{time_left}</p>
                    {r.paused.clone().map(|e| view! { <p class="error" role="alert" id="apply-paused">{format!("Paused: {e}. Nothing done is sent again on resume.")}</p><button id="apply-resume" on:click=resume>"Resume"</button> })}
                    {r.running.then(|| view! { <button id="apply-cancel" on:click=move |_| cancel.set(true)>"Cancel"</button> })}
                    {(!r.secrets.is_empty()).then(|| view! { <div class="warn" id="apply-secrets"><p>"New client secrets, shown this once: keep them now."</p><ul>{secrets}</ul></div> })}
                    <ul id="apply-results">{results}</ul>
                </div>
            }
        })
    };

    view! {
        <section class="enhanced screen" id="screen" data-screen="access-code" aria-label="Access as code">
            <header class="screen-head"><h2 tabindex="-1">"⚡ Access as code"</h2></header>
            <p class="muted">"Export this marketplace's access setup to a file, or plan a file against it and apply the plan. API clients are matched by name; secrets and passwords are never exported."</p>
            {move || reading.get().then(|| view! { <p role="status" id="access-reading">"Reading the marketplace…"</p> })}
            {move || read_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <fieldset class="panel" id="export">
                <legend>"Export"</legend>
                {SetupKind::ALL.iter().map(|k| {
                    let k = *k;
                    view! { <label><input type="checkbox" id=format!("export-{}", k.as_str()) prop:checked=move || kinds.with(|v| v.contains(&k))
                        on:change=move |ev| { let on = event_target_checked(&ev); kinds.update(|v| { v.retain(|x| *x != k); if on { v.push(k); v.sort(); } }); }/>{format!(" {}", k.as_str())}</label> }
                }).collect_view()}
                {move || target.with(|t| t.as_ref().map(|(m, _)| m.parties.iter().filter(|p| p.user_type != UserType::Admin).map(|p| {
                    let key = (p.user_type, p.company.id.clone());
                    let key2 = key.clone();
                    view! { <label><input type="checkbox" id=format!("export-company-{}", p.company.id) prop:checked=move || !left_out.with(|l| l.contains(&key))
                        on:change=move |ev| { let on = event_target_checked(&ev); let k = key2.clone(); left_out.update(|l| { l.retain(|x| *x != k); if !on { l.push(k); } }); }/>{format!(" {} {}", p.user_type.as_str(), p.company.id)}</label> }
                }).collect_view()))}
                <button id="export-download" disabled=move || target.with(Option::is_none) on:click=do_export>"Download the setup file (JSON)"</button>
            </fieldset>
            <fieldset class="panel" id="plan-input">
                <legend>"Plan a file against this marketplace"</legend>
                <label for="setup-file">"Setup file (JSON)"</label>
                <input id="setup-file" type="file" accept=".json,application/json" on:change=on_file/>
                <label><input type="checkbox" id="plan-delete" prop:checked=move || delete_missing.get() on:change=move |ev| { delete_missing.set(event_target_checked(&ev)); confirmed.set(false); }/>" Remove what the file lacks (only in its kinds and companies)"</label>
                <button id="plan-reread" on:click=move |_| read() disabled=move || reading.get()>"Read the marketplace again"</button>
            </fieldset>
            {move || file_error.get().map(|e| view! { <p class="error" role="alert" id="setup-file-error">{e}</p> })}
            {plan_view}
            {run_view}
        </section>
    }
}
