//! The shape of the code, checked by a scan of its `use` lines and paths (no build needed):
//! - the portal's data layer (`src/data/`) imports nothing from a screen module (`enhanced`,
//!   `console`, `components`);
//! - no two files of the portal import each other, directly or round a circle;
//! - the sandbox's rooms (top-level modules of `sandbox/src/`, listed in [`SANDBOX_ROOMS`] from
//!   lower to higher) import only rooms below them, and no file circle.
//!
//! A file is a module (`a/mod.rs` is `a`, `a/b.rs` is `a::b`); it depends on every module a
//! `use` line or a path in its code names (`crate::…`, `super::…`, `self::…`, or a child module
//! by name), comments, strings and `#[cfg(test)]` modules left out.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The sandbox's rooms, lower to higher: a room may import the rooms before it, never after.
/// The same list as `sandbox/tests/shape.rs`; this one also looks for circles across the crate.
const SANDBOX_ROOMS: &[&str] = &["http", "storage", "auth", "access", "marketplace", "hub"];

/// Modules of the portal the data layer must not import.
const SCREEN_MODULES: &[&str] = &["enhanced", "console", "components"];

type Module = Vec<String>;
type Sources = BTreeMap<Module, String>;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Every `.rs` file under `dir` as (module path, source).
fn read_crate(dir: &Path) -> Sources {
    fn walk(dir: &Path, base: &Path, out: &mut Sources) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, base, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(base).unwrap().with_extension("");
                let mut m: Module = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
                if matches!(m.last().map(String::as_str), Some("mod" | "main" | "lib")) {
                    m.pop();
                }
                out.insert(m, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut out = Sources::new();
    walk(dir, dir, &mut out);
    out
}

/// The code without comments, with strings emptied, and without `#[cfg(test)]` modules.
fn code_of(src: &str) -> String {
    let mut out = String::new();
    let mut chars = src.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if c == '"' && !escaped {
                        break;
                    }
                    escaped = c == '\\' && !escaped;
                }
                out.push_str("\"\"");
            }
            _ => out.push(c),
        }
    }
    // test modules (their `use super::*` is not a dependency of the module)
    while let Some(at) = out.find("#[cfg(test)]") {
        let Some(open) = out[at..].find('{').map(|i| at + i) else { break };
        let mut depth = 0;
        let mut end = out.len();
        for (i, c) in out[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.replace_range(at..end, "");
    }
    out
}

/// The paths a `use` tree names: `a::{b, c::{d, e as f}}` is `a::b`, `a::c::d`, `a::c::e`.
fn expand(prefix: &[String], tree: &str) -> Vec<Vec<String>> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let name = tree.split(" as ").next().unwrap_or_default();
        let mut p = prefix.to_vec();
        p.extend(name.split("::").map(str::trim).filter(|s| !s.is_empty()).map(String::from));
        return vec![p];
    };
    let mut p = prefix.to_vec();
    p.extend(tree[..open].split("::").map(str::trim).filter(|s| !s.is_empty()).map(String::from));
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let (mut parts, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts.into_iter().filter(|s| !s.trim().is_empty()).flat_map(|s| expand(&p, s)).collect()
}

/// The module of `sources` a path written in module `me` lands in (the longest that exists).
fn resolve(sources: &Sources, me: &[String], path: &[String]) -> Option<Module> {
    let (mut base, mut rest) = (me.to_vec(), path);
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("super") => {
            while rest.first().map(String::as_str) == Some("super") {
                base.pop();
                rest = &rest[1..];
            }
        }
        Some("self") => rest = &rest[1..],
        // a child module by name
        Some(first) if sources.contains_key(&[me, &[first.to_string()]].concat()) => {}
        _ => return None,
    }
    let full = [base, rest.to_vec()].concat();
    (0..=full.len()).rev().map(|n| full[..n].to_vec()).find(|m| sources.contains_key(m))
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The modules module `me` depends on (itself and the crate root left out).
fn deps_of(sources: &Sources, me: &[String]) -> BTreeSet<Module> {
    let code = code_of(&sources[me]);
    let mut paths = Vec::new();
    // use trees
    let mut from = 0;
    while let Some(i) = code[from..].find("use ").map(|i| from + i) {
        from = i + 4;
        if code[..i].chars().next_back().is_some_and(is_ident) {
            continue;
        }
        if let Some(end) = code[from..].find(';') {
            paths.extend(expand(&[], &code[from..from + end]));
        }
    }
    // paths in code: a::b::c
    let bytes: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        if is_ident(bytes[i]) && (i == 0 || !(is_ident(bytes[i - 1]) || bytes[i - 1] == ':')) {
            let start = i;
            while i < bytes.len() && (is_ident(bytes[i]) || (bytes[i] == ':' && bytes.get(i + 1) == Some(&':'))) {
                i += if bytes[i] == ':' { 2 } else { 1 };
            }
            let text: String = bytes[start..i].iter().collect();
            // a use tree's prefix (`super::{a, b}`) names no module by itself: `expand` has its paths
            if text.contains("::") && !text.ends_with("::") {
                paths.push(text.split("::").filter(|s| !s.is_empty()).map(String::from).collect());
            }
        } else {
            i += 1;
        }
    }
    paths.iter().filter_map(|p| resolve(sources, me, p)).filter(|m| !m.is_empty() && m.as_slice() != me).collect()
}

fn graph(sources: &Sources) -> BTreeMap<Module, BTreeSet<Module>> {
    sources.keys().map(|m| (m.clone(), deps_of(sources, m))).collect()
}

fn name(m: &[String]) -> String {
    m.join("::")
}

/// Every import circle, each once, as `a -> b -> a`.
fn circles(g: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<String> {
    fn visit(
        m: &Module,
        g: &BTreeMap<Module, BTreeSet<Module>>,
        done: &mut BTreeSet<Module>,
        stack: &mut Vec<Module>,
        out: &mut Vec<String>,
    ) {
        if let Some(at) = stack.iter().position(|s| s == m) {
            let names: Vec<String> = stack[at..].iter().chain([m]).map(|m| name(m)).collect();
            out.push(names.join(" -> "));
            return;
        }
        if done.contains(m) {
            return;
        }
        stack.push(m.clone());
        for d in g.get(m).into_iter().flatten() {
            visit(d, g, done, stack, out);
        }
        stack.pop();
        done.insert(m.clone());
    }
    let (mut done, mut out) = (BTreeSet::new(), Vec::new());
    for m in g.keys() {
        visit(m, g, &mut done, &mut Vec::new(), &mut out);
    }
    out
}

/// Imports of `src/data/` from a screen module.
fn data_layer_faults(g: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<String> {
    let mut out = Vec::new();
    for (m, deps) in g.iter().filter(|(m, _)| m.first().map(String::as_str) == Some("data")) {
        for d in deps.iter().filter(|d| SCREEN_MODULES.contains(&d[0].as_str())) {
            out.push(format!("{} imports {} (the data layer stands under the screens)", name(m), name(d)));
        }
    }
    out
}

/// Imports of a higher room from a lower one.
fn room_faults(g: &BTreeMap<Module, BTreeSet<Module>>, rooms: &[&str]) -> Vec<String> {
    let room = |m: &Module| m.first().and_then(|r| rooms.iter().position(|x| x == r));
    let mut out = Vec::new();
    for (m, deps) in g {
        let Some(mine) = room(m) else { continue };
        for d in deps {
            if let Some(theirs) = room(d).filter(|&t| t > mine) {
                out.push(format!(
                    "{} (room {}) imports {} (room {}, higher)",
                    name(m),
                    rooms[mine],
                    name(d),
                    rooms[theirs]
                ));
            }
        }
    }
    out
}

fn portal() -> BTreeMap<Module, BTreeSet<Module>> {
    graph(&read_crate(&root().join("src")))
}

fn sandbox() -> BTreeMap<Module, BTreeSet<Module>> {
    graph(&read_crate(&root().join("sandbox/src")))
}

#[test]
fn data_layer_imports_no_screen_module() {
    let g = portal();
    assert!(g.keys().any(|m| m.first().map(String::as_str) == Some("data")), "src/data/ not found");
    let faults = data_layer_faults(&g);
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

#[test]
fn portal_has_no_import_circle() {
    let found = circles(&portal());
    assert!(found.is_empty(), "import circles in src/:\n{}", found.join("\n"));
}

#[test]
fn sandbox_rooms_import_only_lower_rooms() {
    let g = sandbox();
    for r in SANDBOX_ROOMS {
        assert!(g.contains_key(&vec![r.to_string()]), "room {r} is not a module of sandbox/src/");
    }
    let faults = room_faults(&g, SANDBOX_ROOMS);
    assert!(faults.is_empty(), "{}", faults.join("\n"));
    if !SANDBOX_ROOMS.is_empty() {
        let found = circles(&g);
        assert!(found.is_empty(), "import circles in sandbox/src/:\n{}", found.join("\n"));
    }
}

/// The checks themselves, on made-up sources: each fault is found.
#[test]
fn the_checks_find_what_they_look_for() {
    let sources: Sources = [
        ("", "mod data; mod enhanced; mod storage; mod http;"),
        ("data", "pub mod at;\npub use at::At;"),
        (
            "data/at",
            "use crate::enhanced::{screen::{self, X}, Y};\n// use crate::http;\nfn f() { let s = \"crate::http\"; }",
        ),
        ("data/load", "use super::{at::At};"),
        ("enhanced", "use crate::data::At;"),
        ("enhanced/screen", "use super::super::data;"),
        ("storage", "fn f() { crate::http::router(); }"),
        ("http", "use crate::storage::Db;\n#[cfg(test)]\nmod tests { use crate::http::*; }"),
    ]
    .into_iter()
    .map(|(m, s)| (m.split('/').filter(|x| !x.is_empty()).map(String::from).collect(), s.to_string()))
    .collect();
    let g = graph(&sources);
    let deps =
        |m: &str| g[&m.split("::").map(String::from).collect::<Module>()].iter().map(|d| name(d)).collect::<Vec<_>>();
    assert_eq!(deps("data::at"), ["enhanced", "enhanced::screen"]);
    assert_eq!(deps("enhanced::screen"), ["data"]);
    assert_eq!(deps("data::load"), ["data::at"], "a grouped use names the sibling, not the parent");
    assert_eq!(deps("http"), ["storage"]);
    assert_eq!(data_layer_faults(&g).len(), 2);
    assert_eq!(room_faults(&g, &["storage", "http"]), ["storage (room storage) imports http (room http, higher)"]);
    // storage and http import each other: in either order one of them looks up
    assert_eq!(room_faults(&g, &["http", "storage"]), ["http (room http) imports storage (room storage, higher)"]);
    assert!(room_faults(&g, &["storage"]).is_empty(), "a file outside the rooms is not held to them");
    let found = circles(&g);
    assert!(found.iter().any(|c| c == "data -> data::at -> enhanced -> data"), "{found:?}");
    assert!(found.iter().any(|c| c == "http -> storage -> http"), "{found:?}");
}
