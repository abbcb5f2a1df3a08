//! The sandbox's shape: `src/` is in rooms (folders), lower to higher as in `ROOMS`. A file of a
//! room may import its own room and the rooms below it, never one above. The scan reads every
//! `crate::<room>` path (in `use` lines and in code), `super::super` (which climbs out of a room)
//! and the crate-root aliases kept for outside callers (`crate::db`, `crate::oauth`, …), which
//! would hide a room's name. The crate root (`lib.rs`, `seed.rs`, `main.rs`) stands above every
//! room and may import any.
use std::path::{Path, PathBuf};

/// The rooms, lowest first.
const ROOMS: &[&str] = &["http", "storage", "auth", "access", "marketplace", "hub"];

/// Crate-root re-exports for tests and tools; a room must name the room instead.
const ROOT_ALIASES: &[&str] = &["db", "oauth", "oem", "error"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every `crate::<name>` in `text`, outside comments.
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let name: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            // `crate::{a, b}` names several at once
            if let Some(group) = after.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or("");
                for part in inner.split(',') {
                    let head: String =
                        part.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                    found.push((n + 1, head));
                }
            } else {
                found.push((n + 1, name));
            }
            rest = after;
        }
    }
    found
}

/// The forbidden imports of the files under `src`: (file, line, what).
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut bad = Vec::new();
    for f in files {
        let rel = f.strip_prefix(src).unwrap();
        let Some(room) = rel.components().next().and_then(|c| c.as_os_str().to_str()) else { continue };
        let Some(level) = ROOMS.iter().position(|r| *r == room) else { continue };
        let text = std::fs::read_to_string(&f).unwrap();
        for (line, name) in crate_paths(&text) {
            if let Some(to) = ROOMS.iter().position(|r| *r == name) {
                if to > level {
                    bad.push(format!("{}:{line}: room `{room}` imports higher room `{name}`", rel.display()));
                }
            } else if ROOT_ALIASES.contains(&name.as_str()) {
                bad.push(format!("{}:{line}: room `{room}` uses the root alias `crate::{name}`", rel.display()));
            }
        }
        for (n, l) in text.lines().enumerate() {
            if l.split("//").next().unwrap_or("").contains("super::super") {
                bad.push(format!("{}:{}: `super::super` climbs out of room `{room}`", rel.display(), n + 1));
            }
        }
    }
    bad
}

/// Sibling files a file names: `crate::<room>::<file>` (also inside `{…}`) and `super::<file>`.
fn sibling_refs(text: &str, room: &str, siblings: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        for prefix in [format!("crate::{room}::"), "super::".to_string()] {
            let mut rest = code;
            while let Some(i) = rest.find(&prefix) {
                let after = &rest[i + prefix.len()..];
                let names: Vec<&str> = match after.strip_prefix('{') {
                    Some(group) => group.split('}').next().unwrap_or("").split(',').collect(),
                    None => vec![after],
                };
                for n in names {
                    let head: String =
                        n.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                    if siblings.contains(&head) && !found.contains(&head) {
                        found.push(head);
                    }
                }
                rest = after;
            }
        }
    }
    found
}

/// Circles among the files of one room (its `mod.rs`, the room's front door, left out), each as
/// `a → b → a`. Files that take their room through `use super::*` are not seen here.
fn file_circles(room_dir: &Path, room: &str) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(room_dir, &mut files);
    let stem = |p: &PathBuf| p.file_stem().unwrap().to_str().unwrap().to_string();
    let siblings: Vec<String> = files.iter().map(stem).filter(|s| s != "mod").collect();
    let edges: Vec<(String, Vec<String>)> = files
        .iter()
        .filter(|p| stem(p) != "mod")
        .map(|p| {
            let refs = sibling_refs(&std::fs::read_to_string(p).unwrap(), room, &siblings);
            (stem(p), refs.into_iter().filter(|r| *r != stem(p)).collect())
        })
        .collect();
    let next = |n: &str| edges.iter().find(|(a, _)| a == n).map(|(_, b)| b.clone()).unwrap_or_default();
    let mut circles = Vec::new();
    for (start, _) in &edges {
        // depth-first from `start`, reporting a path back to it
        let mut stack = vec![vec![start.clone()]];
        let mut seen: Vec<String> = Vec::new();
        while let Some(path) = stack.pop() {
            for n in next(path.last().unwrap()) {
                if n == *start {
                    circles.push(format!("{room}: {} → {start}", path.join(" → ")));
                } else if !seen.contains(&n) {
                    seen.push(n.clone());
                    let mut p = path.clone();
                    p.push(n);
                    stack.push(p);
                }
            }
        }
    }
    circles
}

#[test]
fn no_circles_among_the_files_of_a_room() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let circles: Vec<String> = ROOMS.iter().flat_map(|r| file_circles(&src.join(r), r)).collect();
    assert!(circles.is_empty(), "import circles inside a room:\n{}", circles.join("\n"));
}

#[test]
fn the_circle_check_sees_a_circle() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.rs"), "use crate::auth::b::X;\n").unwrap();
    std::fs::write(dir.path().join("b.rs"), "use super::{c, Y};\n").unwrap();
    std::fs::write(dir.path().join("c.rs"), "fn f() { crate::auth::a::g(); }\n").unwrap();
    std::fs::write(dir.path().join("d.rs"), "use crate::auth::a;\n").unwrap();
    let circles = file_circles(dir.path(), "auth");
    assert_eq!(circles.len(), 3, "{circles:#?}");
    assert!(circles.iter().all(|c| !c.contains('d')), "{circles:#?}");
}

#[test]
fn lower_rooms_never_import_higher_ones() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for room in ROOMS {
        assert!(src.join(room).is_dir(), "room {room} is declared in ROOMS but src/{room}/ does not exist");
    }
    let bad = violations(&src);
    assert!(bad.is_empty(), "{} forbidden imports:\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn the_scan_sees_forbidden_imports() {
    let dir = tempfile::tempdir().unwrap();
    for room in ROOMS {
        std::fs::create_dir_all(dir.path().join(room)).unwrap();
    }
    std::fs::write(dir.path().join("http/a.rs"), "use crate::hub::X;\nfn f() { crate::storage::db::get(); }\n")
        .unwrap();
    std::fs::write(dir.path().join("storage/b.rs"), "use crate::{http, auth};\n// crate::hub in a comment\n").unwrap();
    std::fs::write(dir.path().join("hub/c.rs"), "use crate::storage::db;\nuse crate::http::error;\n").unwrap();
    std::fs::write(dir.path().join("auth/d.rs"), "use crate::db;\nuse super::super::hub;\n").unwrap();
    let bad = violations(dir.path());
    assert_eq!(bad.len(), 5, "{bad:#?}");
    assert!(bad.iter().any(|b| b.contains("`http` imports higher room `hub`")));
    assert!(bad.iter().any(|b| b.contains("`http` imports higher room `storage`")));
    assert!(bad.iter().any(|b| b.contains("`storage` imports higher room `auth`")));
    assert!(bad.iter().any(|b| b.contains("root alias `crate::db`")));
    assert!(bad.iter().any(|b| b.contains("super::super")));
}
