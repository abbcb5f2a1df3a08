//! Reading the marketplace in view into a [`Marketplace`] for an access review, through
//! OrderCloud's documented list endpoints ([`Input`]) and nothing else: pages of
//! [`PAGE_SIZE`], at most [`IN_FLIGHT`] requests at once, in two passes as the CLI reads
//! (first the inputs without a company, which name the buyers and suppliers; then the users,
//! groups and memberships of each of them).
//!
//! Progress (objects read against each list's `Meta.TotalCount`) goes to a callback after
//! every page. The read is aborted with its `AbortSignal` (a [`super::Load`]'s, so leaving the
//! screen or starting a newer read stops it). A list refused with 403 becomes a gap
//! ([`Marketplace::refused`]): the map says what it leaves out. Any other failure fails the
//! whole read: never a wrong or an empty map.
use super::problem::Problem;
use super::transport::call_with;
use crate::auth::{Caller, Session};
use futures::stream::{self, StreamExt};
use gatehouse_model::access::{Input, Marketplace};
use gatehouse_model::builtin::BuiltIns;
use gatehouse_model::hub;
use gatehouse_model::list::ListQuery;
use gatehouse_model::resources::UserType;
use serde_json::Value;
use web_sys::AbortSignal;

/// Items per list page (the API's largest).
pub const PAGE_SIZE: u32 = 100;
/// Requests in flight at most.
pub const IN_FLIGHT: usize = 6;

/// How far a read has come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// 1: the lists without a company; 2: the lists of each buyer and supplier.
    pub pass: u8,
    /// Objects read so far.
    pub loaded: u64,
    /// Objects the lists hold, as far as known: each list's `Meta.TotalCount` once its first
    /// page is in (so it grows while lists are still to be opened).
    pub total: u64,
    /// Lists read to the end (or refused).
    pub lists_done: usize,
    /// Lists known so far.
    pub lists: usize,
}

/// One page's answer: its items and the list's totals, or refused (403).
enum Page {
    Items { items: Vec<Value>, total_count: u64, total_pages: u32 },
    Refused,
}

async fn page(session: Session, path: &str, page: u32, signal: Option<&AbortSignal>) -> Result<Page, Vec<Problem>> {
    let q = ListQuery { page, page_size: PAGE_SIZE, ..Default::default() };
    match call_with(session, Caller::ActingAs, "GET", &crate::api::with_query(path, &q), None, signal).await {
        Ok(v) => {
            let items = v["Items"].as_array().cloned().unwrap_or_default();
            let total_count = v["Meta"]["TotalCount"].as_u64().unwrap_or(items.len() as u64);
            let total_pages = v["Meta"]["TotalPages"].as_u64().unwrap_or(1).min(u32::MAX as u64) as u32;
            Ok(Page::Items { items, total_count, total_pages })
        }
        Err(p) if p.iter().any(|p| p.status == 403) => Ok(Page::Refused),
        Err(p) => Err(p),
    }
}

/// One list of a pass: its pages as they come in (`None` when refused).
struct List {
    input: Input,
    company: String,
    pages: Option<Vec<Vec<Value>>>,
}

/// Reads `lists` fully: first page of each, then the rest, [`IN_FLIGHT`] at once.
async fn read_pass(
    session: Session,
    lists: Vec<(Input, String)>,
    signal: Option<&AbortSignal>,
    progress: &mut Progress,
    report: &dyn Fn(Progress),
) -> Result<Vec<List>, Vec<Problem>> {
    let mut out: Vec<List> =
        lists.into_iter().map(|(input, company)| List { input, company, pages: Some(Vec::new()) }).collect();
    progress.lists += out.len();
    report(*progress);
    let paths: Vec<String> = out.iter().map(|l| l.input.path(&l.company)).collect();

    // the first page of every list: its totals say how many pages follow
    let mut rest: Vec<(usize, u32)> = Vec::new();
    let mut firsts = stream::iter(
        paths.iter().enumerate().map(|(i, path)| async move { (i, page(session, path, 1, signal).await) }),
    )
    .buffer_unordered(IN_FLIGHT);
    let mut more = vec![0u32; out.len()];
    while let Some((i, answer)) = firsts.next().await {
        match answer? {
            Page::Refused => {
                out[i].pages = None;
                progress.lists_done += 1;
            }
            Page::Items { items, total_count, total_pages } => {
                progress.total += total_count.max(items.len() as u64);
                progress.loaded += items.len() as u64;
                let n = items.len();
                if let Some(p) = out[i].pages.as_mut() {
                    p.push(items);
                }
                if total_pages > 1 && n > 0 {
                    more[i] = total_pages - 1;
                    rest.extend((2..=total_pages).map(|p| (i, p)));
                } else {
                    progress.lists_done += 1;
                }
            }
        }
        report(*progress);
    }
    drop(firsts);

    // the other pages, kept in page order
    let mut later: Vec<Vec<(u32, Vec<Value>)>> = out.iter().map(|_| Vec::new()).collect();
    let mut pages = stream::iter(rest.into_iter().map(|(i, p)| {
        let path = &paths[i];
        async move { (i, p, page(session, path, p, signal).await) }
    }))
    .buffer_unordered(IN_FLIGHT);
    while let Some((i, p, answer)) = pages.next().await {
        match answer? {
            // refused half-way (the token changed): the list is a gap, not half a list
            Page::Refused => {
                if out[i].pages.take().is_some() {
                    progress.lists_done += 1;
                }
            }
            Page::Items { items, .. } => {
                progress.loaded += items.len() as u64;
                if out[i].pages.is_some() {
                    later[i].push((p, items));
                    more[i] -= 1;
                    if more[i] == 0 {
                        progress.lists_done += 1;
                    }
                }
            }
        }
        report(*progress);
    }
    for (list, mut pages) in out.iter_mut().zip(later) {
        pages.sort_by_key(|(p, _)| *p);
        if let Some(all) = list.pages.as_mut() {
            all.extend(pages.into_iter().map(|(_, items)| items));
        }
    }
    Ok(out)
}

fn add(m: &mut Marketplace, lists: Vec<List>) {
    for list in lists {
        match list.pages {
            Some(pages) => {
                m.add_items(list.input, &list.company, pages.into_iter().flatten().collect());
            }
            None => m.refused(list.input, &list.company),
        }
    }
}

/// Companies read together in the second pass: after each such chunk the part of the map
/// already known may be shown (see [`read_marketplace`]).
const COMPANIES_PER_CHUNK: usize = 16;
/// The part already known is shown at most this often (ms): building it costs time too.
const PARTIAL_EVERY_MS: f64 = 400.0;

/// Reads the marketplace `id` (named `name` in files and headings) as the session's acting
/// user. `report` hears the progress after every page; `partial` is given the part read so far
/// (after the first pass, then after chunks of companies, at most every [`PARTIAL_EVERY_MS`]):
/// every company in it is complete (its users, groups and memberships all read), so each user
/// it holds has all their roles; companies still to come are missing, not half-read. `signal`
/// aborts the read (its answer is then an error, dropped by the load that started it).
pub async fn read_marketplace(
    session: Session,
    id: &str,
    name: &str,
    signal: Option<AbortSignal>,
    report: impl Fn(Progress),
    partial: impl Fn(&Marketplace),
) -> Result<Marketplace, Vec<Problem>> {
    let signal = signal.as_ref();
    let mut m = Marketplace::new(id, name);
    let mut progress = Progress { pass: 1, ..Progress::default() };
    let first = Input::ALL.iter().filter(|i| i.per_company().is_none()).map(|i| (*i, String::new())).collect();
    let lists = read_pass(session, first, signal, &mut progress, &report).await?;
    add(&mut m, lists);

    // the lists of each buyer and supplier, a company's lists always in the same chunk
    let companies: Vec<Vec<(Input, String)>> = m
        .parties
        .iter()
        .filter(|p| p.user_type != UserType::Admin)
        .map(|p| {
            Input::ALL
                .iter()
                .filter(|i| i.per_company() == Some(p.user_type))
                .map(|i| (*i, p.company.id.clone()))
                .collect()
        })
        .collect();
    progress.pass = 2;
    let n = companies.len().div_ceil(COMPANIES_PER_CHUNK);
    if n > 0 {
        partial(&m);
    }
    let mut shown_at = js_sys::Date::now();
    for (k, chunk) in companies.chunks(COMPANIES_PER_CHUNK).enumerate() {
        let lists = read_pass(session, chunk.concat(), signal, &mut progress, &report).await?;
        add(&mut m, lists);
        if k + 1 < n && js_sys::Date::now() - shown_at >= PARTIAL_EVERY_MS {
            partial(&m);
            shown_at = js_sys::Date::now();
        }
    }
    Ok(m)
}

/// The built-in objects of the organization in view (`model::builtin`): the API clients the hub
/// names (its applications and the console client) beside what the patterns find. Outside an
/// organization, or with a token that may not read the applications, the patterns alone decide.
pub async fn read_builtins(session: Session) -> BuiltIns {
    let Some(c) = session.current_untracked().filter(|c| !c.org.is_empty()) else {
        return BuiltIns::default();
    };
    let apps = call_with(session, Caller::ActingAs, "GET", hub::APPLICATIONS, None, None).await.unwrap_or_default();
    let items = apps["Items"].as_array().map_or(&[][..], |v| v);
    BuiltIns::from_applications(items, Some(&c.client_id))
}
