//! The response viewer: status, time, size, headers, `Errors[]` as a readable list (a 403 shows
//! the roles the operation accepts beside the token's), and the body as pretty JSON in a
//! virtualized view: only the lines on screen are in the DOM, so a 3 MB answer shows at once.
use super::pretty::Pretty;
use crate::api::{now_ms, ApiResponse};
use crate::text::{human_size, tenths};
use leptos::prelude::*;
use std::sync::Arc;

const LINE_PX: usize = 18;
const OVERSCAN: usize = 30;

/// Formatted text and where its lines start.
#[derive(Clone, Default, PartialEq)]
pub struct Lines {
    pub text: Arc<String>,
    pub starts: Arc<Vec<usize>>,
}

impl Lines {
    /// What a formatter still at work has formatted so far (copied: its work goes on).
    fn so_far(p: &Pretty) -> Lines {
        Lines { text: Arc::new(p.text()), starts: Arc::new(p.starts.clone()) }
    }
}

impl From<Pretty> for Lines {
    /// A formatter's lines, moved out of it.
    fn from(p: Pretty) -> Lines {
        let (text, starts) = p.into_parts();
        Lines { text: Arc::new(text), starts: Arc::new(starts) }
    }
}

/// The formatting of the body on screen: its formatter while there is more to format (or
/// while the body is a part whose rest is arriving), and whether its next turn is scheduled.
#[derive(Clone, Copy)]
struct Formatting {
    pretty: StoredValue<Option<Pretty>>,
    scheduled: StoredValue<bool>,
    lines: RwSignal<Lines>,
}

impl Formatting {
    fn new() -> Formatting {
        Formatting {
            pretty: StoredValue::new(None),
            scheduled: StoredValue::new(false),
            lines: RwSignal::new(Lines::default()),
        }
    }

    /// Shows `body` (a part of it while `complete` is false). More of the body than was shown
    /// goes on from where its formatting is: the work done on a first part is not done again
    /// when the whole arrives, and the lines on screen are left as they are. Any other body
    /// is formatted afresh, its first screenful at once, as far as the lines already shown
    /// reach, so the viewer never shrinks under the reader (the place scrolled to and the
    /// folds stay). The rest is formatted a few milliseconds per turn, after the next paint.
    fn show(self, body: Arc<String>, complete: bool) {
        let body = if body.is_empty() && complete { Arc::new(String::from("(no body)")) } else { body };
        let goes_on =
            self.pretty.try_update_value(|p| p.as_mut().is_some_and(|p| p.continue_with(body.clone(), !complete)));
        if goes_on != Some(true) {
            let shown = self.lines.with_untracked(|l| l.text.len());
            let mut p = Pretty::new(body, !complete);
            p.step(FIRST.max(shown));
            if p.done && !p.partial() {
                // a small body: formatted already
                self.lines.set(p.into());
                self.pretty.set_value(None);
                return;
            }
            self.lines.set(Lines::so_far(&p));
            self.pretty.set_value(Some(p));
        }
        let more = self.pretty.with_value(|p| p.as_ref().is_some_and(|p| !p.done));
        if more && !self.scheduled.get_value() {
            self.scheduled.set_value(true);
            // the first rows are painted before the rest is formatted
            request_animation_frame(move || self.turn());
        }
    }

    /// One turn of formatting; the lines are brought up to date when all that is in is
    /// formatted.
    fn turn(self) {
        set_timeout(
            move || {
                let start = now_ms();
                let done = self.pretty.try_update_value(|p| {
                    let p = p.as_mut()?;
                    while !p.done && now_ms() - start < TURN_MS {
                        p.step(16 * 1024);
                    }
                    Some(p.done)
                });
                match done.flatten() {
                    Some(false) => return self.turn(),
                    Some(true) => {
                        // a whole body's lines move out of its formatter; a part's are copied
                        // (its formatting goes on when more arrives)
                        let whole = self.pretty.with_value(|p| p.as_ref().is_some_and(|p| !p.partial()));
                        let lines = if whole {
                            self.pretty.try_update_value(Option::take).flatten().map(Lines::from)
                        } else {
                            self.pretty.with_value(|p| p.as_ref().map(Lines::so_far))
                        };
                        if let Some(lines) = lines {
                            self.lines.try_set(lines);
                        }
                    }
                    None => {}
                }
                self.scheduled.try_set_value(false);
            },
            std::time::Duration::from_millis(0),
        );
    }
}

/// Formatted at once: some hundreds of lines, many screenfuls (the rest follows a few
/// milliseconds per turn, after the first rows have been painted).
const FIRST: usize = 16 * 1024;
/// Formatting yields to the page after this long (the page answers clicks and scrolls, and
/// paints, while a multi-megabyte answer is formatted).
const TURN_MS: f64 = 6.0;

/// Lines of text with only the visible window rendered. JSON is coloured (keys, strings,
/// numbers, literals), and every object or array can be folded from its first line.
#[component]
pub fn VirtualText(lines: RwSignal<Lines>) -> impl IntoView {
    use super::pretty::{closing, line_html, line_of_row, toggle_fold, visible_rows};
    let total = move || lines.with(|l| l.starts.len());
    let folds = RwSignal::new(Vec::<(usize, usize)>::new());
    let rows = move || folds.with(|f| visible_rows(total(), f));
    let scroll = RwSignal::new(0.0f64);
    // the window covers the tallest the viewer can be, the page's own height (read without
    // asking the page for its layout, which would lay out the new answer before its frame),
    // and is brought up to date when the page is resized
    let page_height =
        || window().inner_height().ok().and_then(|h| h.as_f64()).map_or(1200.0, |h| h.clamp(240.0, 8000.0));
    let height = RwSignal::new(page_height());
    let resized = window_event_listener(leptos::ev::resize, move |_| height.set(page_height()));
    on_cleanup(move || resized.remove());
    let line_at = move |l: &Lines, i: usize| -> Option<String> {
        let from = *l.starts.get(i)?;
        let to = l.starts.get(i + 1).map(|n| n - 1).unwrap_or(l.text.len());
        l.text.get(from.min(l.text.len())..to.max(from).min(l.text.len())).map(String::from)
    };
    // (first row, the window's lines as coloured HTML)
    let window_rows = Memo::new(move |_| {
        lines.with(|l| {
            folds.with(|f| {
                let json = l.text.starts_with('{') || l.text.starts_with('[');
                let n = visible_rows(l.starts.len(), f);
                // the lines in view and a margin on each side, for a scroll the page has not
                // answered yet
                let top = scroll.get() as usize / LINE_PX;
                let first = top.saturating_sub(OVERSCAN).min(n.saturating_sub(1));
                let last = (top + height.get() as usize / LINE_PX + 1 + OVERSCAN).min(n);
                let mut html = String::new();
                for r in first..last {
                    let i = line_of_row(r, f);
                    let text = line_at(l, i).unwrap_or_default();
                    let hidden = f.iter().find(|x| x.0 == i).map(|x| x.1 - x.0).unwrap_or(0);
                    line_html(&mut html, i, &text, json, hidden);
                }
                (first, html)
            })
        })
    });
    let toggle = move |i: usize| {
        let close = lines.with_untracked(|l| closing(|j| line_at(l, j), i));
        if let Some(close) = close {
            folds.update(|f| toggle_fold(f, i, close));
        }
    };
    view! {
        <div class="virtual" id="response-body" tabindex="0" role="region" aria-label="Response body" data-lines=total
            on:scroll=move |ev| { let el: web_sys::HtmlElement = event_target(&ev); scroll.set(el.scroll_top() as f64); }>
            <div class="virtual-space" style:height=move || format!("{}px", rows() * LINE_PX)>
                <pre class="virtual-lines" style:top=move || format!("{}px", window_rows.with(|w| w.0) * LINE_PX) inner_html=move || window_rows.with(|w| w.1.clone())
                    on:click=move |ev| {
                        // one listener for every fold button of the window
                        let fold = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()).filter(|e| e.class_name() == "fold");
                        if let Some(i) = fold.and_then(|e| e.get_attribute("data-line")).and_then(|n| n.parse().ok()) {
                            toggle(i);
                        }
                    }></pre>
            </div>
        </div>
    }
}

/// One answer: `head` as it was when the viewer opened (status, headers, errors), `live` the
/// same answer as more of its body arrives (`complete` once all of it is in), read for the
/// time, the size and the body. The viewer stays open from the first part to the whole, so the
/// place scrolled to is kept.
#[component]
pub fn ResponseView(
    head: ApiResponse,
    live: Signal<Option<ApiResponse>>,
    /// Roles the operation accepts (shown beside the token's on a 403).
    op_roles: Vec<String>,
    token_roles: Vec<String>,
) -> impl IntoView {
    static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    let response = head;
    let arrived = response.received_at;
    let errors = response.errors();
    let status_class = if response.ok() { "status ok" } else { "status bad" };
    let forbidden = (response.status == 403).then(|| {
        let data = errors.as_ref().and_then(|e| e.errors.first()).map(|e| e.data.clone()).unwrap_or_default();
        let list = |v: &serde_json::Value| -> Vec<String> { v.as_array().into_iter().flatten().filter_map(|x| x.as_str().map(String::from)).collect() };
        let accepts = if data["SufficientRoles"].is_array() { list(&data["SufficientRoles"]) } else { op_roles.clone() };
        let has = if data["AssignedRoles"].is_array() { list(&data["AssignedRoles"]) } else { token_roles.clone() };
        view! {
            <div class="roles-compare" id="response-forbidden">
                <p><strong>"Forbidden: "</strong>"your token lacks every role this operation accepts."</p>
                <div><span class="muted">"Accepts any of: "</span>{accepts.into_iter().map(|r| view! { <code class="role">{r}</code> }).collect_view()}</div>
                <div><span class="muted">"Your token has: "</span>{if has.is_empty() { view! { <em>"no roles"</em> }.into_any() } else { has.into_iter().map(|r| view! { <code class="role">{r}</code> }).collect_view().into_any() }}</div>
            </div>
        }
    });
    let meaning = match response.status {
        401 => Some("Unauthorized: the token is missing, expired or revoked. Sign in again."),
        404 => Some("Not found: something the request names does not exist."),
        409 => Some("Conflict: an object with that ID (or username) already exists."),
        400 => Some("Bad request: the API refused the input. Details below."),
        _ => None,
    };
    let formatting = Formatting::new();
    let lines = formatting.lines;
    // the body shown is always the newest part that arrived: a part is formatted once
    let shown_body = StoredValue::new(Some(response.body.clone()));
    formatting.show(response.body.clone(), response.complete);
    Effect::new(move |_| {
        let Some((body, complete)) = live.with(|r| r.as_ref().map(|r| (r.body.clone(), r.complete))) else { return };
        if shown_body.with_value(|b| b.as_ref().is_some_and(|b| Arc::ptr_eq(b, &body))) {
            return;
        }
        shown_body.set_value(Some(body.clone()));
        formatting.show(body, complete);
    });
    let complete = move || live.with(|r| r.as_ref().is_none_or(|r| r.complete));
    let size = move || {
        live.with(|r| {
            r.as_ref().map(|r| {
                if r.complete {
                    human_size(r.size)
                } else {
                    format!("{} so far, receiving…", human_size(r.size))
                }
            })
        })
    };
    let time = move || live.with(|r| r.as_ref().filter(|r| r.complete).map(|r| format!("{} ms", r.ms.round() as u64)));
    let headers = response.headers.clone();
    let copied = RwSignal::new(false);
    let rendered = RwSignal::new(0.0);
    crate::api::mark("answer-formatted");
    request_animation_frame(move || rendered.set(now_ms() - arrived));
    view! {
        <div class="response" id="response" data-seq=seq data-status=response.status data-complete=move || complete().to_string() data-render-ms=move || tenths(rendered.get())>
            <div class="response-head">
                <span class=status_class id="response-status">{format!("{} {}", response.status, response.status_text)}</span>
                <span class="muted" id="response-time">{time}</span>
                <span class="muted" id="response-size">{size}</span>
                <span class="muted url" title=response.url.clone()>{format!("{} {}", response.method, response.url)}</span>
                <button type="button" class="ghost" id="copy-response" disabled=move || !complete()
                    on:click=move |_| {
                        if let Some(body) = live.with_untracked(|r| r.as_ref().map(|r| r.body.clone())) {
                            let _ = window().navigator().clipboard().write_text(&body);
                            copied.set(true);
                        }
                    }>
                    {move || if copied.get() { "Copied" } else { "Copy body" }}
                </button>
            </div>
            {meaning.map(|m| view! { <p class="meaning" id="response-meaning">{m}</p> })}
            {forbidden}
            {errors.map(|e| view! {
                <ul class="errors" id="response-errors">
                    {e.errors.into_iter().map(|x| view! {
                        <li><code>{x.error_code}</code>" "{x.message}
                            {(!x.data.is_null()).then(|| view! { <span class="muted data">{x.data.to_string()}</span> })}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            <details class="headers"><summary>{format!("Headers ({})", headers.len())}</summary>
                <table>{headers.into_iter().map(|(k, v)| view! { <tr><th>{k}</th><td>{v}</td></tr> }).collect_view()}</table>
            </details>
            <VirtualText lines=lines/>
        </div>
    }
}
