//! Import users: a CSV file into the admin users of the marketplace, or the users of a buyer or
//! a supplier. The columns are mapped to the User's fields, every row is checked with the
//! model's validator and previewed with its problems before anything is sent; the rows without
//! problems are then created (`POST …/users`, a few at a time) with a progress bar, cancellable,
//! and a result per row. The rows not created download as CSV with an `Error` column, ready to
//! be fixed and imported again. Users are created without a password.
use super::files::{chosen_text, download};
use crate::auth::Session;
use crate::data::{id_names, one_line, At, Load};
use gatehouse_model::csv;
use gatehouse_model::resources::{Kind, UserType};
use gatehouse_model::user_import::{self, Row, FIELDS};
use leptos::prelude::*;
use serde_json::Value;

/// At most this many requests are on their way at once.
const IN_FLIGHT: usize = 4;

/// What became of one row.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Created,
    /// The API's own error, in one line.
    Failed(String),
    /// Not sent: its problems, or the import was cancelled first.
    NotSent(String),
}

impl Outcome {
    fn words(&self) -> String {
        match self {
            Outcome::Created => "Created".into(),
            Outcome::Failed(e) => format!("Failed: {e}"),
            Outcome::NotSent(e) => format!("Not sent: {e}"),
        }
    }
    fn error(&self) -> Option<String> {
        match self {
            Outcome::Created => None,
            Outcome::Failed(e) | Outcome::NotSent(e) => Some(e.clone()),
        }
    }
}

/// The collection a target names: `admin`, `buyer:ID` or `supplier:ID`.
fn target_at(target: &str) -> Option<At> {
    let (t, company) = target.split_once(':').unwrap_or((target, ""));
    let t = UserType::parse(t)?;
    (t == UserType::Admin || !company.is_empty()).then(|| At::of(Kind::user_kind(t), company))
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Progress {
    total: usize,
    created: usize,
    failed: usize,
    running: bool,
}

#[component]
pub fn ImportUsers() -> impl IntoView {
    let session = expect_context::<Session>();
    let target = RwSignal::new("admin".to_string());
    let companies = Load::new(
        || Some(()),
        move |_, _| async move { Ok((id_names(session, "/buyers").await?, id_names(session, "/suppliers").await?)) },
        false,
    );
    let file_name = RwSignal::new(String::new());
    let csv_error = RwSignal::new(None::<String>);
    let heading = RwSignal::new(Vec::<String>::new());
    let records = RwSignal::new(Vec::<(usize, Vec<String>)>::new());
    let mapping = RwSignal::new(Vec::<Option<&'static str>>::new());
    let results = RwSignal::new(Vec::<Option<Outcome>>::new());
    let progress = RwSignal::new(Progress::default());
    let cancel = RwSignal::new(false);
    let checked = Memo::new(move |_| user_import::check(heading.with(Vec::len), &records.get(), &mapping.get()));
    let bad = move || checked.with(|rows| rows.iter().filter(|r| !r.problems.is_empty()).count());

    let on_file = move |ev: leptos::ev::Event| {
        leptos::task::spawn_local(async move {
            let Some((name, text)) = chosen_text(&ev).await else { return };
            file_name.set(name);
            results.set(Vec::new());
            progress.set(Progress::default());
            let parsed =
                text.and_then(|t| csv::parse(&t).map_err(|e| format!("This file is not CSV that can be read: {e}")));
            let mut rows = match parsed {
                Ok(rows) if rows.len() < 2 => {
                    Err("The file needs a line of column headings and at least one user below it.".to_string())
                }
                other => other,
            };
            match rows.as_mut() {
                Ok(rows) => {
                    let head = rows.remove(0).1;
                    csv_error.set(None);
                    mapping.set(head.iter().map(|h| user_import::guess(h)).collect());
                    heading.set(head);
                    records.set(std::mem::take(rows));
                }
                Err(e) => {
                    csv_error.set(Some(e.clone()));
                    heading.set(Vec::new());
                    records.set(Vec::new());
                    mapping.set(Vec::new());
                }
            }
        });
    };

    let apply = move |_| {
        let Some(at) = target_at(&target.get_untracked()) else { return };
        let rows = checked.get_untracked();
        cancel.set(false);
        results.set(
            rows.iter().map(|r| (!r.problems.is_empty()).then(|| Outcome::NotSent(r.problems.join(" ")))).collect(),
        );
        let todo: Vec<(usize, Value)> =
            rows.iter().enumerate().filter(|(_, r)| r.problems.is_empty()).map(|(i, r)| (i, r.body.clone())).collect();
        progress.set(Progress { total: todo.len(), created: 0, failed: 0, running: true });
        let what = format!(
            "Import {} users into {} ({} rows with problems are not sent)",
            todo.len(),
            at.collection(),
            rows.len() - todo.len()
        );
        leptos::task::spawn_local(async move {
            use futures::StreamExt;
            // in production: asked once, with the counts
            let Some(_bulk) = session.confirm_bulk(what).await else {
                progress.set(Progress::default());
                results.set(Vec::new());
                return;
            };
            let sends = futures::stream::iter(todo).map(|(i, body)| {
                let at = at.clone();
                async move {
                    if cancel.get_untracked() {
                        return (i, Outcome::NotSent("the import was cancelled before this row was sent.".into()));
                    }
                    match at.create(session, &body).await {
                        Ok(_) => (i, Outcome::Created),
                        Err(p) => (i, Outcome::Failed(one_line(&p))),
                    }
                }
            });
            let mut answers = sends.buffer_unordered(IN_FLIGHT);
            while let Some((i, outcome)) = answers.next().await {
                // the screen may be gone: then there is nothing left to show
                let _ = progress.try_update(|p| match outcome {
                    Outcome::Created => p.created += 1,
                    _ => p.failed += 1,
                });
                let _ = results.try_update(|r| r[i] = Some(outcome));
            }
            let _ = progress.try_update(|p| p.running = false);
        });
    };

    let failed_rows =
        move || results.with(|r| r.iter().filter(|o| o.as_ref().is_some_and(|o| o.error().is_some())).count());
    let offer_failed = move || !progress.get().running && failed_rows() > 0;
    let started = move || progress.get().total > 0;
    let download_failed = move |_| {
        let mut text = csv::record(&[heading.get_untracked(), vec!["Error".to_string()]].concat());
        let rows = checked.get_untracked();
        results.with_untracked(|res| {
            for (row, outcome) in rows.iter().zip(res) {
                if let Some(e) = outcome.as_ref().and_then(Outcome::error) {
                    text.push_str(&csv::record(&[row.cells.clone(), vec![e]].concat()));
                }
            }
        });
        download("users-not-created.csv", "text/csv", &text);
    };

    let target_options = move || {
        let (buyers, suppliers) = companies.value();
        let group = |label: &'static str, t: &'static str, list: Vec<(String, String)>| {
            (!list.is_empty()).then(|| {
                view! {
                    <optgroup label=label>
                        {list.into_iter().map(|(id, name)| {
                            let v = format!("{t}:{id}");
                            let v2 = v.clone();
                            view! { <option value=v selected=move || target.get() == v2>{format!("{name} ({id})")}</option> }
                        }).collect_view()}
                    </optgroup>
                }
            })
        };
        view! {
            <option value="admin">"The marketplace's admin users"</option>
            {group("Users of a buyer", "buyer", buyers)}
            {group("Users of a supplier", "supplier", suppliers)}
        }
    };

    let row_view = move |i: usize, row: Row| {
        let name = format!(
            "{} {}",
            row.body["FirstName"].as_str().unwrap_or_default(),
            row.body["LastName"].as_str().unwrap_or_default()
        );
        let problems = row.problems.join(" ");
        let has_problems = !row.problems.is_empty();
        view! {
            <tr data-line=row.line class:bad=has_problems>
                <td>{row.line}</td>
                <td>{row.body["Username"].as_str().unwrap_or_default().to_string()}</td>
                <td>{name.trim().to_string()}</td>
                <td>{row.body["Email"].as_str().unwrap_or_default().to_string()}</td>
                <td class="problems">{if has_problems { problems } else { "None".into() }}</td>
                <td class="result">{move || results.with(|r| r.get(i).cloned().flatten().map(|o| o.words()).unwrap_or_default())}</td>
            </tr>
        }
    };

    view! {
        <section class="enhanced screen" id="screen" data-screen="import-users" aria-label="Import users">
            <header class="screen-head"><h2 tabindex="-1">"⚡ Import users"</h2></header>
            <p class="muted">"Users from a CSV file: map its columns, check every row, then create them. Users are created without a password; they get one through a password reset, or an admin sets it."</p>
            <div class="row pickers">
                <label for="csv-target">"Create the users in"</label>
                <select id="csv-target" on:change=move |ev| target.set(event_target_value(&ev))>{target_options}</select>
                <label for="csv-file">"CSV file (first line: column headings)"</label>
                <input id="csv-file" type="file" accept=".csv,text/csv" on:change=on_file/>
            </div>
            {move || companies.problem().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            {move || csv_error.get().map(|e| view! { <p class="error" id="csv-error" role="alert">{e}</p> })}
            <Show when=move || !heading.with(Vec::is_empty)>
                <fieldset class="panel" id="csv-mapping">
                    <legend>{move || format!("Columns of {}", file_name.get())}</legend>
                    {move || heading.get().into_iter().enumerate().map(|(i, h)| {
                        let id = format!("map-{i}");
                        let current = move || mapping.with(|m| m.get(i).copied().flatten().unwrap_or(""));
                        view! {
                            <div class="row">
                                <label for=id.clone()>{format!("Column “{h}” fills")}</label>
                                <select id=id on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    mapping.update(|m| m[i] = FIELDS.iter().copied().find(|f| *f == v));
                                    results.set(Vec::new());
                                }>
                                    <option value="" selected=move || current().is_empty()>"(nothing: ignored)"</option>
                                    {FIELDS.iter().map(|f| view! { <option value=*f selected=move || current() == *f>{*f}</option> }).collect_view()}
                                </select>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <p id="csv-summary" role="status">{move || {
                    let n = checked.with(Vec::len);
                    format!("{n} rows: {} ready, {} with problems (not sent).", n - bad(), bad())
                }}</p>
                <div class="table-scroll" role="region" tabindex="0" aria-label="Rows of the CSV file"><table class="grid" id="csv-preview">
                    <caption>"Rows of the file"</caption>
                    <thead><tr><th scope="col">"Line"</th><th scope="col">"Username"</th><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Problems"</th><th scope="col">"Result"</th></tr></thead>
                    <tbody>{move || checked.get().into_iter().enumerate().map(|(i, r)| row_view(i, r)).collect_view()}</tbody>
                </table></div>
                <div class="row">
                    <button id="csv-apply" disabled=move || progress.get().running || checked.with(Vec::len) == bad() || target_at(&target.get()).is_none() on:click=apply>
                        {move || format!("Create {} users", checked.with(Vec::len) - bad())}
                    </button>
                    <Show when=move || progress.get().running>
                        <button id="csv-cancel" on:click=move |_| cancel.set(true) disabled=move || cancel.get()>"Cancel the import"</button>
                    </Show>
                    <Show when=offer_failed>
                        <button id="csv-failed" on:click=download_failed>{move || format!("Download the {} rows not created (CSV)", failed_rows())}</button>
                    </Show>
                </div>
                <Show when=started>
                    <div class="row">
                        <progress id="csv-progress" aria-label="Users sent" max=move || progress.get().total value=move || { let p = progress.get(); p.created + p.failed }></progress>
                        <span id="csv-counts" role="status">{move || {
                            let p = progress.get();
                            format!("{} of {} sent: {} created, {} failed{}", p.created + p.failed, p.total, p.created, p.failed, if p.running { "…" } else { "." })
                        }}</span>
                    </div>
                </Show>
            </Show>
        </section>
    }
}
