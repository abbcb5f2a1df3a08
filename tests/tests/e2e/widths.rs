//! Layout at the widths people use (1366, 800 and 390 px), one browser session per width, every
//! screen in turn: the sign-in page, the start page, every entry of the enhanced menu (read from
//! the menu itself, so a screen added later is swept too) with its list and an opened object, an
//! organization's screens, the console with an answer, and the launcher idle and acting. On each:
//! nothing wider than the viewport, no page that scrolls as a whole (the header stays), no text
//! past its box, no cell squeezed to a few letters a line, names whole at 1366 px, Save / Delete
//! reachable, no two controls doing different things under one accessible name, and axe-core (WCAG 2.0 A/AA, 2.1 AA, best practice) clean in the light and the dark
//! theme. Every problem of a width is gathered and reported at once.
//! `WIDTHS=390 cargo test -p gatehouse-e2e -- widths::` sweeps one width.
use gatehouse_e2e::*;
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;

/// The page as drawn now: what is wrong with it, in words (`arguments[0]`: the widest width,
/// where list names must be whole on one line).
const CHECK: &str = r#"
const wide = arguments[0];
const W = document.documentElement.clientWidth;
const out = [];
const name = e => e.id ? '#' + e.id : e.tagName.toLowerCase() + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '');
const path = e => { const p = []; for (let x = e; x && x !== document.body && p.length < 3; x = x.parentElement) p.unshift(name(x)); return p.join(' > '); };
const clipper = e => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== 'visible') return p; return null; };
if (document.documentElement.scrollWidth > W + 1) out.push(`the page scrolls sideways (${document.documentElement.scrollWidth}px in ${W}px)`);
// signed in, the header stays in view: screens scroll inside their own pane, never the page
if (document.getElementById('console-ready') && document.documentElement.scrollHeight > document.documentElement.clientHeight + 1)
  out.push(`the whole page scrolls (${document.documentElement.scrollHeight}px in ${document.documentElement.clientHeight}px): the header leaves the view`);
const reported = [], clipped = [];
for (const e of document.body.querySelectorAll('*')) {
  if (!e.getClientRects().length || e.closest('.sr-only, .skip-link, [hidden]')) continue;
  // inside something visually hidden (clipped to nothing, as a card list's column heads are)
  if (clipped.some(c => c.contains(e))) continue;
  if (getComputedStyle(e).clip !== 'auto') { clipped.push(e); continue; }
  if (reported.some(a => a.contains(e))) continue;
  const cs = getComputedStyle(e);
  if (cs.visibility === 'hidden' || cs.display === 'contents') continue;
  const r = e.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  const say = s => { out.push(s); reported.push(e); };
  if (!clipper(e) && r.right > W + 1) { say(`${path(e)} reaches ${Math.round(r.right)}px of ${W}px`); continue; }
  // a region that scrolls sideways must still show all of its height (not be crushed by a flex column)
  if (e.getAttribute('role') === 'region' && cs.maxHeight === 'none' && e.scrollHeight > e.clientHeight + 1)
    { say(`${path(e)}: shows ${e.clientHeight}px of its ${e.scrollHeight}px`); continue; }
  // only a named region (a wide table, the access map, an answer's body) scrolls sideways
  if ((cs.overflowX === 'auto' || cs.overflowX === 'scroll') && e.scrollWidth > e.clientWidth + 1
      && e.getAttribute('role') !== 'region' && !['TEXTAREA', 'PRE', 'SELECT', 'INPUT'].includes(e.tagName))
    { say(`${path(e)} scrolls sideways (${e.scrollWidth}px in ${e.clientWidth}px)`); continue; }
  const text = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  if (text && cs.display !== 'inline' && cs.overflowX === 'visible' && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
    { say(`${path(e)}: "${e.textContent.trim().slice(0, 40)}" runs past its box (${e.scrollWidth}px in ${e.clientWidth}px)`); continue; }
  const lh = parseFloat(cs.lineHeight) || 1.4 * parseFloat(cs.fontSize);
  if ((e.tagName === 'TD' || e.tagName === 'TH') && e.textContent.trim().length > 3 && r.width < 60) {
    // the lines its text takes (not the row's height, which the tallest cell sets)
    const range = document.createRange(); range.selectNodeContents(e);
    const lines = new Set([...range.getClientRects()].map(x => Math.round(x.top))).size;
    if (lines > 3) { say(`${path(e)}: "${e.textContent.trim().slice(0, 30)}" squeezed to ${Math.round(r.width)}px, ${lines} lines`); continue; }
  }
  if (cs.textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1 && e.closest('table')) say(`${path(e)}: cut to "…"`);
}
if (wide) for (const td of document.querySelectorAll('#ed-list tbody td')) {
  const t = td.textContent.trim(), cs = getComputedStyle(td);
  const lh = parseFloat(cs.lineHeight) || 1.4 * parseFloat(cs.fontSize);
  const inner = td.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
  if (t.length <= 40 && inner > 1.5 * lh) out.push(`#ed-list: "${t}" does not fit on one line (${td.clientWidth}px)`);
}
// an editor's controls each have a name of their own (not eight buttons called "Select all")
const names = {};
for (const c of document.querySelectorAll('#ed-form button, #ed-form a[href]')) {
  if (!c.getClientRects().length) continue;
  const n = (c.getAttribute('aria-label') || c.textContent).trim();
  names[n] = (names[n] || 0) + 1;
}
for (const [n, k] of Object.entries(names)) if (k > 1) out.push(`${k} controls of the editor are all called "${n}"`);
return out.slice(0, 12);
"#;

/// Visible controls that share their accessible name with another control doing something
/// else (links to the same address may share one): "name ×n" for each.
const SAME_NAMES: &str = r#"
const text = id => (document.getElementById(id) || {}).textContent || '';
const named = c => (c.getAttribute('aria-label')
  || (c.getAttribute('aria-labelledby') || '').split(/\s+/).map(text).join(' ')
  || (c.id && [...document.querySelectorAll(`label[for="${CSS.escape(c.id)}"]`)].map(l => l.textContent).join(' '))
  || (c.closest('label') || {}).textContent
  || (['INPUT', 'SELECT', 'TEXTAREA'].includes(c.tagName) ? '' : c.textContent)
  || c.getAttribute('title') || c.getAttribute('placeholder') || '').replace(/\s+/g, ' ').trim();
const seen = {};
for (const c of document.querySelectorAll('button, a[href], input:not([type=hidden]), select, textarea, [role=button], [tabindex="0"]')) {
  if (!c.getClientRects().length || c.closest('[hidden], [aria-hidden=true]') || c.tagName === 'TR') continue;
  const n = named(c), key = c.tagName === 'A' ? c.getAttribute('href') : c;
  (seen[n] = seen[n] || new Set()).add(key);
}
return Object.entries(seen).filter(([n, s]) => s.size > 1).map(([n, s]) => `"${n}" ×${s.size}`);
"#;

/// Brings `css` into view: is it on screen and not covered (null: yes)?
const REACHABLE: &str = r#"
const e = document.querySelector(arguments[0]);
if (!e) return 'missing';
e.scrollIntoView({block: 'center', inline: 'nearest'});
const r = e.getBoundingClientRect(), W = document.documentElement.clientWidth, H = document.documentElement.clientHeight;
if (r.left < 0 || r.right > W || r.top < 0 || r.bottom > H) return `off-screen at ${Math.round(r.left)},${Math.round(r.top)}`;
const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
return at && (at === e || e.contains(at)) ? null : `covered by ${at ? at.outerHTML.slice(0, 80) : 'nothing'}`;
"#;

struct Sweep<'a> {
    b: &'a Browser,
    width: u32,
    problems: Vec<String>,
    incomplete: BTreeMap<String, u64>,
}

impl Sweep<'_> {
    /// Looks at the page as it is now, in both themes.
    async fn look(&mut self, what: &str) {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let found: Vec<String> =
            serde_json::from_value(self.b.c.execute(CHECK, vec![json!(self.width >= 1366)]).await.unwrap()).unwrap();
        self.problems.extend(found.into_iter().map(|p| format!("{} px, {what}: {p}", self.width)));
        let same: Vec<String> = serde_json::from_value(self.b.c.execute(SAME_NAMES, vec![]).await.unwrap()).unwrap();
        if !same.is_empty() {
            self.problems.push(format!("{} px, {what}: controls sharing a name: {}", self.width, same.join(", ")));
        }
        for theme in ["light", "dark"] {
            self.b.js(&format!("document.documentElement.setAttribute('data-theme', '{theme}');")).await;
            let (violations, incomplete) = self.b.axe_wcag().await;
            self.problems
                .extend(violations.into_iter().map(|v| format!("{} px, {what}, {theme}: axe {v}", self.width)));
            for (id, n) in incomplete {
                // where it is, for what axe asks a person to check (contrast: by its reason)
                let id = if id.starts_with("color-contrast") { id } else { format!("{id} ({what})") };
                *self.incomplete.entry(id).or_default() += n;
            }
        }
        self.b.js("document.documentElement.setAttribute('data-theme', 'light');").await;
    }

    /// With `GATEHOUSE_SHOTS=dir`: a screenshot of the page as it is, `width-{px}-{name}.png`.
    async fn shot(&self, name: &str) {
        if let Ok(dir) = std::env::var("GATEHOUSE_SHOTS") {
            self.b.screenshot(&format!("{dir}/width-{}-{name}.png", self.width)).await;
        }
    }

    async fn reachable(&mut self, what: &str, css: &str) {
        if let Some(p) = self.b.c.execute(REACHABLE, vec![json!(css)]).await.unwrap().as_str() {
            self.problems.push(format!("{} px, {what}: {css} is not reachable: {p}", self.width));
        }
    }
}

async fn sweep(width: u32) {
    if std::env::var("WIDTHS").is_ok_and(|w| !w.split(',').any(|x| x.trim() == width.to_string())) {
        return;
    }
    let w = world().await;
    let b = browser().await;
    b.c.set_window_size(width, 900).await.unwrap();
    let inner = b.js("return window.innerWidth;").await;
    assert_eq!(inner, json!(width), "the window's inner width");
    let mut s = Sweep { b: &b, width, problems: Vec::new(), incomplete: BTreeMap::new() };

    b.c.goto(&w.portal).await.unwrap();
    b.find("#account-form").await;
    s.look("sign-in page").await;
    b.sign_in(&w, ADMIN.0, ADMIN.1).await;
    s.look("start page").await;
    s.shot("start").await;
    if width < 1000 {
        // the header folds into one menu, which opens and closes with Escape
        assert!(!b.find("#sign-out").await.is_displayed().await.unwrap(), "{width} px: Sign out is folded away");
        b.click("#header-menu-toggle").await;
        assert!(b.find("#sign-out").await.is_displayed().await.unwrap());
        s.look("header menu open").await;
        b.js("document.getElementById('sign-out').dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}));")
            .await;
        assert!(!b.find("#sign-out").await.is_displayed().await.unwrap(), "Escape closes the header menu");
        let focused = b.js("return document.activeElement.id;").await;
        assert_eq!(focused, json!("header-menu-toggle"), "the focus goes back to its button");
        // the resource menu too, from its filter box, and from its own button
        b.click("#menu-toggle").await;
        assert!(b.find("#menu-filter").await.is_displayed().await.unwrap());
        b.js("document.getElementById('menu-filter').dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}));")
            .await;
        assert!(!b.find("#menu-filter").await.is_displayed().await.unwrap(), "Escape closes the resource menu");
        assert_eq!(b.js("return document.activeElement.id;").await, json!("menu-toggle"));
        b.click("#menu-toggle").await;
        b.js("document.getElementById('menu-toggle').dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}));")
            .await;
        assert!(!b.find("#menu-filter").await.is_displayed().await.unwrap(), "Escape on its button closes it too");
    }

    // every screen the enhanced menu offers, by its own link
    let entries: Vec<(String, String)> = serde_json::from_value(
        b.js("return [...document.querySelectorAll('.menu a.resource.enhanced')].filter(a => a.closest('li').style.display !== 'none').map(a => [a.dataset.screen, a.href]);")
            .await,
    )
    .unwrap();
    assert!(entries.len() >= 15, "the enhanced menu: {entries:?}");
    for (label, href) in &entries {
        b.c.goto(href).await.unwrap();
        let screen =
            b.c.wait()
                .at_most(Duration::from_secs(15))
                .for_element(fantoccini::Locator::Css("#screen, #impersonation-launcher"))
                .await;
        assert!(screen.is_ok(), "{width} px, {label} ({href}): no screen");
        if b.exists("#ed-search").await {
            // a list screen: wait for its rows (or its empty state)
            let shown = b
                .c
                .wait()
                .at_most(Duration::from_secs(15))
                .for_element(fantoccini::Locator::Css("#ed-list, #ed-empty-list, #ed-list-errors li, #ed-no-parent"))
                .await;
            assert!(shown.is_ok(), "{width} px, {label}: the list never showed");
        }
        s.look(&format!("{label}, list")).await;
        if b.exists("#ed-list tbody tr").await {
            b.click("#ed-list tbody tr").await;
            b.find("#ed-heading").await;
            s.look(&format!("{label}, an object open")).await;
            if label == "API clients" {
                s.shot("api-client").await;
            }
            if b.exists("#ed-save").await {
                s.reachable(label, "#ed-save").await;
                s.reachable(label, "#ed-delete").await;
            }
        }
    }

    // Send is in view as an operation with a long form opens, without scrolling (it stays at
    // the bottom of the form)
    b.open_op(&w, "POST /adminusers").await;
    let send = b.js("const r = document.getElementById('send').getBoundingClientRect(); return [Math.round(r.top), Math.round(r.bottom), innerHeight];").await;
    assert!(
        send[1].as_i64().unwrap() <= send[2].as_i64().unwrap() && send[0].as_i64().unwrap() >= 0,
        "{width} px: Send out of view {send}"
    );
    // Send refused (required fields empty): why is said in view, beside it
    b.click("#send").await;
    let said = b.js("const r = document.getElementById('request-error').getBoundingClientRect(); return [Math.round(r.top), Math.round(r.bottom), innerHeight];").await;
    assert!(
        said[0].as_i64().unwrap() >= 0 && said[1].as_i64().unwrap() <= said[2].as_i64().unwrap(),
        "{width} px: the reason Send refused is out of view {said}"
    );
    b.open_op(&w, "GET /buyers").await;
    b.send().await;
    s.look("console with an answer").await;
    // the answer's pane does not scroll itself (its body's viewer does): scrolled to its end,
    // the body does not carry the status line away
    let pane =
        b.js("const e = document.querySelector('.response-pane'); return [e.scrollHeight, e.clientHeight];").await;
    assert!(
        pane[0].as_i64().unwrap() <= pane[1].as_i64().unwrap() + 1,
        "{width} px: the response pane overflows [scroll, client] {pane}"
    );
    // the answer never squeezes the form away, and nothing is drawn over the answer's status
    let form = b
        .js("const f = document.querySelector('.workspace > .operation').getBoundingClientRect();
             const s = document.getElementById('response-status').getBoundingClientRect();
             const at = document.elementFromPoint(s.left + s.width / 2, s.top + s.height / 2);
             return [Math.round(f.height), at && document.getElementById('response-status').contains(at)];")
        .await;
    assert!(
        form[0].as_i64().unwrap() >= 200 && form[1] == json!(true),
        "{width} px: [form height, status visible] {form}"
    );
    s.reachable("console with an answer", "#send").await;

    // an organization, as its owner (an account): its start page, members and applications
    b.js("sessionStorage.clear(); localStorage.clear();").await;
    b.c.goto(&w.portal).await.unwrap();
    b.fill("#account-email", gatehouse_sandbox::seed::ACCOUNT_EMAIL).await;
    b.fill("#account-password", gatehouse_sandbox::seed::ACCOUNT_PASSWORD).await;
    b.click("#account-submit").await;
    b.find("#console-ready").await;
    s.look("an organization's start page").await;
    for key in ["members", "applications"] {
        b.open_screen(&w, key).await;
        b.find(&format!("#{key}")).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        s.look(&format!("the organization's {key}")).await;
    }

    // the launcher, idle and acting, as the call-center rep
    b.js("sessionStorage.clear(); localStorage.clear();").await;
    b.sign_in(&w, REP.0, REP.1).await;
    b.c.goto(&format!("{}/?op=enhanced:impersonation", w.portal)).await.unwrap();
    b.find("#imp-search").await;
    s.look("launcher, idle").await;
    b.act_as("BUYER01", "TICKET-1").await;
    s.look("launcher, acting").await;
    s.shot("acting").await;
    if width < 1000 {
        b.click("#header-menu-toggle").await;
        s.look("acting, header menu open").await;
    }

    let incomplete: Vec<String> = s.incomplete.iter().map(|(id, n)| format!("{id} ×{n}")).collect();
    println!("{width} px: axe incomplete: {}", incomplete.join(", "));
    assert!(s.problems.is_empty(), "{} problems at {width} px:\n{}", s.problems.len(), s.problems.join("\n"));
}

#[tokio::test]
async fn at_1366_px() {
    sweep(1366).await;
}

#[tokio::test]
async fn at_800_px() {
    sweep(800).await;
}

#[tokio::test]
async fn at_390_px() {
    sweep(390).await;
}
