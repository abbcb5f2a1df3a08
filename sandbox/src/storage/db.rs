//! SQLite storage: one file, WAL mode, numbered migrations, every write in a transaction.
//!
//! Resources are rows of `objects` (kind, parent company, ID, JSON document, password hash);
//! assignments are rows of `assignments`. The internal `seq` of a user is its `u` claim.
use crate::http::error::{Failure, Result};
use gatehouse_model::resources::Kind;
use r2d2_sqlite::rusqlite::{self, params, OptionalExtension, Transaction};
use r2d2_sqlite::SqliteConnectionManager;
use serde_json::{Map, Value};
use std::path::Path;

pub type Pool = r2d2::Pool<SqliteConnectionManager>;
pub type Conn = r2d2::PooledConnection<SqliteConnectionManager>;

const MIGRATIONS: &[&str] = &[
    // 1: resources, assignments, tokens, keys
    "CREATE TABLE objects (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        parent TEXT NOT NULL,
        id TEXT NOT NULL,
        data TEXT NOT NULL,
        secret TEXT,
        UNIQUE (kind, parent, id)
     );
     CREATE UNIQUE INDEX objects_username ON objects (lower(json_extract(data, '$.Username')))
        WHERE kind IN ('adminuser', 'buyeruser', 'supplieruser');
     CREATE TABLE assignments (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        parent TEXT NOT NULL,
        key TEXT NOT NULL,
        data TEXT NOT NULL,
        UNIQUE (kind, parent, key)
     );
     CREATE TABLE refresh_tokens (
        hash TEXT PRIMARY KEY,
        user_seq INTEGER NOT NULL,
        client_id TEXT NOT NULL,
        roles TEXT NOT NULL,
        expires INTEGER NOT NULL
     );
     CREATE TABLE revocations (user_seq INTEGER PRIMARY KEY, before_ms INTEGER NOT NULL);
     CREATE TABLE signing_keys (kid TEXT PRIMARY KEY, pem TEXT NOT NULL, created INTEGER NOT NULL);",
    // 2: users locked out after too many failed sign-ins (until_ms: i64::MAX = until unlocked)
    "CREATE TABLE lockouts (user_seq INTEGER PRIMARY KEY, until_ms INTEGER NOT NULL);",
    // 3: refresh tokens remember the scope asked for and which password they were issued under;
    //    every impersonation token issued is recorded
    "ALTER TABLE refresh_tokens ADD COLUMN scope TEXT;
     ALTER TABLE refresh_tokens ADD COLUMN password_tag TEXT;
     CREATE TABLE impersonations (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        rep_seq INTEGER NOT NULL,
        user_seq INTEGER NOT NULL,
        data TEXT NOT NULL,
        issued_ms INTEGER NOT NULL
     );",
    // 4: the organization's applications (the API client, the kind, and the ID of the objects
    //    made for it)
    "CREATE TABLE applications (
        client_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        role TEXT,
        object_id TEXT NOT NULL,
        created_ms INTEGER NOT NULL
     );",
];

/// Bumped after every committed write: caches of what the database says (who a token's user
/// is, whether its client is active) are valid only for the generation they were read at.
static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The current write generation (see `GENERATION`).
pub fn generation() -> u64 {
    GENERATION.load(std::sync::atomic::Ordering::Acquire)
}

/// Opens (creating if needed) the database at `path` and brings its schema up to date.
pub fn open(path: &Path) -> std::result::Result<Pool, String> {
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() && !dir.exists() {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
    }
    if path.is_dir() {
        return Err(format!("{} is a directory, not a database file", path.display()));
    }
    let init = |c: &mut rusqlite::Connection| {
        c.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
             PRAGMA busy_timeout = 5000;",
        )
    };
    // one direct attempt first, so an unusable path fails at once with SQLite's own reason
    // instead of after the pool's connection timeout
    let mut probe =
        rusqlite::Connection::open(path).map_err(|e| format!("cannot open database {}: {e}", path.display()))?;
    init(&mut probe).map_err(|e| format!("cannot open database {}: {e}", path.display()))?;
    migrate(&mut probe).map_err(|e| format!("cannot prepare database {}: {e}", path.display()))?;
    drop(probe);
    let manager = SqliteConnectionManager::file(path).with_init(init);
    let pool = r2d2::Pool::builder()
        .max_size(8)
        .connection_timeout(std::time::Duration::from_secs(10))
        .build(manager)
        .map_err(|e| format!("cannot open database {}: {e}", path.display()))?;
    Ok(pool)
}

fn migrate(conn: &mut rusqlite::Connection) -> rusqlite::Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
        tx.commit()?;
    }
    Ok(())
}

/// A non-empty string property of a JSON object (assignments and documents treat "" as absent).
pub fn text<'a>(m: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    m.get(k).and_then(Value::as_str).filter(|v| !v.is_empty())
}

/// The fields of a JSON object literal (empty for anything else).
pub fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// One stored resource.
#[derive(Debug, Clone)]
pub struct Obj {
    pub seq: i64,
    pub kind: String,
    pub parent: String,
    pub id: String,
    pub data: Map<String, Value>,
    pub secret: Option<String>,
}

fn row_to_obj(r: &rusqlite::Row) -> rusqlite::Result<Obj> {
    let text: String = r.get(4)?;
    let data = match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    Ok(Obj { seq: r.get(0)?, kind: r.get(1)?, parent: r.get(2)?, id: r.get(3)?, data, secret: r.get(5)? })
}

const COLS: &str = "seq, kind, parent, id, data, secret";

pub fn get(conn: &rusqlite::Connection, kind: Kind, parent: &str, id: &str) -> Result<Option<Obj>> {
    let mut st =
        conn.prepare_cached(&format!("SELECT {COLS} FROM objects WHERE kind = ?1 AND parent = ?2 AND id = ?3"))?;
    Ok(st.query_row(params![kind.key(), parent, id], row_to_obj).optional()?)
}

/// Like `get`, but a missing object is a 404 naming it.
pub fn must_get(conn: &rusqlite::Connection, kind: Kind, parent: &str, id: &str) -> Result<Obj> {
    get(conn, kind, parent, id)?.ok_or_else(|| Failure::not_found(kind.def().object_type, id))
}

pub fn by_seq(conn: &rusqlite::Connection, seq: i64) -> Result<Option<Obj>> {
    let mut st = conn.prepare_cached(&format!("SELECT {COLS} FROM objects WHERE seq = ?1"))?;
    Ok(st.query_row(params![seq], row_to_obj).optional()?)
}

pub fn by_username(conn: &rusqlite::Connection, username: &str) -> Result<Option<Obj>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLS} FROM objects WHERE kind IN ('adminuser', 'buyeruser', 'supplieruser')
         AND lower(json_extract(data, '$.Username')) = lower(?1)"
    ))?;
    Ok(st.query_row(params![username], row_to_obj).optional()?)
}

pub fn list(conn: &rusqlite::Connection, kind: Kind, parent: &str) -> Result<Vec<Obj>> {
    let mut st =
        conn.prepare_cached(&format!("SELECT {COLS} FROM objects WHERE kind = ?1 AND parent = ?2 ORDER BY seq"))?;
    let rows = st.query_map(params![kind.key(), parent], row_to_obj)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn list_all(conn: &rusqlite::Connection, kind: Kind) -> Result<Vec<Obj>> {
    let mut st = conn.prepare_cached(&format!("SELECT {COLS} FROM objects WHERE kind = ?1 ORDER BY seq"))?;
    let rows = st.query_map(params![kind.key()], row_to_obj)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn is_unique_violation(e: &rusqlite::Error) -> Option<bool> {
    match e {
        rusqlite::Error::SqliteFailure(f, msg) if f.code == rusqlite::ErrorCode::ConstraintViolation => Some(
            msg.as_deref().unwrap_or("").contains("objects_username")
                || msg.as_deref().unwrap_or("").contains("json_extract"),
        ),
        _ => None,
    }
}

fn capital(article: &str) -> &'static str {
    if article == "an" {
        "An"
    } else {
        "A"
    }
}

fn conflict_for(e: rusqlite::Error, kind: Kind, id: &str) -> Failure {
    match is_unique_violation(&e) {
        Some(true) => Failure::conflict(
            gatehouse_model::error::codes::USERNAME_UNIQUE,
            "That username is already taken in this marketplace. Usernames are unique across admin, buyer and supplier users.",
        ),
        Some(false) => Failure::conflict(
            gatehouse_model::error::codes::ID_EXISTS,
            format!("{} {} with ID {id} already exists.", capital(gatehouse_model::resources::article(kind.def().noun)), kind.def().noun),
        )
        .data(serde_json::json!({"ObjectType": kind.def().object_type, "ObjectID": id})),
        None => Failure::internal(e),
    }
}

// ---- membership-backed objects ----
//
// What backs an account's membership of an organization lives in the organization's own
// marketplace: its seller user `ACCOUNT_<account>` (username `account.<account>`), the `ORG_*`
// security profiles (`ORG_ADMIN`, `ORG_MEMBER`, a custom role's `ORG_ROLE_<id>`), their
// assignments, and the membership user's own assignments (profiles at user level, admin user
// groups). They change only inside `as_hub` (the organization endpoints and the store's own
// bookkeeping); any other write touching them, whoever asks, answers 403
// `Organization.MembershipObject`. The check is here, in the store, so no endpoint can forget it.

/// The error code of a write refused because it touches what backs a membership.
pub const MEMBERSHIP_OBJECT: &str = "Organization.MembershipObject";
const MEMBER_USER_PREFIX: &str = "ACCOUNT_";
const MEMBER_USERNAME_PREFIX: &str = "account.";
const MEMBER_PROFILE_PREFIX: &str = "ORG_";

thread_local! {
    static HUB_SCOPE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` (synchronous: no await inside) with the right to write membership-backed objects.
/// Only the hub (memberships, roles) and the store's own bookkeeping use it.
pub fn as_hub<T>(f: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            HUB_SCOPE.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(HUB_SCOPE.with(|c| c.replace(true)));
    f()
}

fn in_hub_scope() -> bool {
    HUB_SCOPE.with(std::cell::Cell::get)
}

fn refuse_membership_object(what: String) -> Failure {
    Failure::new(
        axum::http::StatusCode::FORBIDDEN,
        MEMBERSHIP_OBJECT,
        format!(
            "{what} backs an organization membership; it changes only through the organization endpoints (/v1/organization/members, /v1/organization/roles)."
        ),
    )
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// Is this object (as stored or as about to be stored) membership-backed?
fn is_membership_object(kind: &str, parent: &str, id: &str, data: &Map<String, Value>) -> bool {
    match kind {
        "adminuser" if parent.is_empty() && starts_with_ci(id, MEMBER_USER_PREFIX) => true,
        "securityprofile" if starts_with_ci(id, MEMBER_PROFILE_PREFIX) => true,
        "adminuser" | "buyeruser" | "supplieruser" => {
            data.get("Username").and_then(Value::as_str).is_some_and(|u| starts_with_ci(u, MEMBER_USERNAME_PREFIX))
        }
        _ => false,
    }
}

/// Is this assignment membership-backed: an `ORG_*` profile's, or a membership user's own?
fn is_membership_assignment(kind: &str, data: &Map<String, Value>) -> bool {
    let member_user = text(data, "UserID").is_some_and(|u| starts_with_ci(u, MEMBER_USER_PREFIX));
    match kind {
        "securityprofile" => {
            text(data, "SecurityProfileID").is_some_and(|p| starts_with_ci(p, MEMBER_PROFILE_PREFIX))
                || (member_user && text(data, "BuyerID").is_none() && text(data, "SupplierID").is_none())
        }
        "adminusergroup" => member_user,
        _ => false,
    }
}

/// Is this user an account's membership user (`ACCOUNT_<account>`)? Its tokens come only from
/// the hub (`POST /v1/account/organizations/{id}/token`, session links) and their refresh.
pub fn is_membership_user(o: &Obj) -> bool {
    o.kind == "adminuser" && is_membership_object(&o.kind, &o.parent, &o.id, &o.data)
}

fn guard_object(kind: &str, parent: &str, id: &str, data: &Map<String, Value>) -> Result<()> {
    if !in_hub_scope() && is_membership_object(kind, parent, id, data) {
        return Err(refuse_membership_object(format!("The {kind} {id}")));
    }
    Ok(())
}

fn guard_assignment(kind: &str, data: &Map<String, Value>) -> Result<()> {
    if !in_hub_scope() && is_membership_assignment(kind, data) {
        let who = [text(data, "SecurityProfileID"), text(data, "UserGroupID"), text(data, "UserID")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" → ");
        return Err(refuse_membership_object(format!("The assignment {who}")));
    }
    Ok(())
}

pub fn insert(
    tx: &Transaction,
    kind: Kind,
    parent: &str,
    id: &str,
    data: &Map<String, Value>,
    secret: Option<&str>,
) -> Result<i64> {
    guard_object(kind.key(), parent, id, data)?;
    if get(tx, kind, parent, id)?.is_some() {
        return Err(conflict_for(
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT),
                Some("UNIQUE objects.id".into()),
            ),
            kind,
            id,
        ));
    }
    let text = serde_json::to_string(data)?;
    tx.execute(
        "INSERT INTO objects (kind, parent, id, data, secret) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![kind.key(), parent, id, text, secret],
    )
    .map_err(|e| conflict_for(e, kind, id))?;
    Ok(tx.last_insert_rowid())
}

pub fn update(
    tx: &Transaction,
    seq: i64,
    kind: Kind,
    id: &str,
    data: &Map<String, Value>,
    secret: Option<&str>,
) -> Result<()> {
    if !in_hub_scope() {
        if let Some(old) = by_seq(tx, seq)? {
            guard_object(&old.kind, &old.parent, &old.id, &old.data)?;
            guard_object(&old.kind, &old.parent, id, data)?;
        }
    }
    let text = serde_json::to_string(data)?;
    tx.execute(
        "UPDATE objects SET id = ?2, data = ?3, secret = COALESCE(?4, secret) WHERE seq = ?1",
        params![seq, id, text, secret],
    )
    .map_err(|e| conflict_for(e, kind, id))?;
    Ok(())
}

pub fn delete(tx: &Transaction, seq: i64) -> Result<()> {
    if !in_hub_scope() {
        if let Some(old) = by_seq(tx, seq)? {
            guard_object(&old.kind, &old.parent, &old.id, &old.data)?;
        }
    }
    tx.execute("DELETE FROM objects WHERE seq = ?1", params![seq])?;
    Ok(())
}

pub fn delete_children(tx: &Transaction, kinds: &[Kind], parent: &str) -> Result<()> {
    for k in kinds {
        if !in_hub_scope() {
            for o in list(tx, *k, parent)? {
                guard_object(&o.kind, &o.parent, &o.id, &o.data)?;
            }
        }
        tx.execute("DELETE FROM objects WHERE kind = ?1 AND parent = ?2", params![k.key(), parent])?;
    }
    Ok(())
}

// ---- assignments ----

pub fn assignments(conn: &rusqlite::Connection, kind: &str, parent: &str) -> Result<Vec<Map<String, Value>>> {
    let mut st = conn.prepare_cached("SELECT data FROM assignments WHERE kind = ?1 AND parent = ?2 ORDER BY seq")?;
    let rows = st.query_map(params![kind, parent], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for text in rows {
        if let Ok(Value::Object(m)) = serde_json::from_str(&text?) {
            out.push(m);
        }
    }
    Ok(out)
}

/// The identity of an assignment: its party fields in a fixed order.
pub fn assignment_key(data: &Map<String, Value>, fields: &[&str]) -> String {
    fields.iter().map(|f| data.get(*f).and_then(Value::as_str).unwrap_or("")).collect::<Vec<_>>().join("\u{1f}")
}

pub fn save_assignment(tx: &Transaction, kind: &str, parent: &str, key: &str, data: &Map<String, Value>) -> Result<()> {
    guard_assignment(kind, data)?;
    tx.execute(
        "INSERT INTO assignments (kind, parent, key, data) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (kind, parent, key) DO UPDATE SET data = excluded.data",
        params![kind, parent, key, serde_json::to_string(data)?],
    )?;
    Ok(())
}

/// Deletes the assignments of `kind` under `parent` for which `pred` holds; returns how many.
pub fn delete_assignments(
    tx: &Transaction,
    kind: &str,
    parent: Option<&str>,
    pred: impl Fn(&Map<String, Value>) -> bool,
) -> Result<usize> {
    let mut doomed = Vec::new();
    {
        let mut st = tx.prepare("SELECT seq, data FROM assignments WHERE kind = ?1 AND (?2 IS NULL OR parent = ?2)")?;
        let rows = st.query_map(params![kind, parent], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (seq, text) = row?;
            if let Ok(Value::Object(m)) = serde_json::from_str(&text) {
                if pred(&m) {
                    guard_assignment(kind, &m)?;
                    doomed.push(seq);
                }
            }
        }
    }
    for seq in &doomed {
        tx.execute("DELETE FROM assignments WHERE seq = ?1", params![seq])?;
    }
    Ok(doomed.len())
}

/// Rewrites the assignments of `kind` (under `parent`, or all) that `f` changes: `f` edits a
/// row's data in place and returns its new parent when the row changed. Keys are recomputed
/// from `key_fields`; a rewritten row that now equals another one merges into it.
pub fn rewrite_assignments(
    tx: &Transaction,
    kind: &str,
    parent: Option<&str>,
    key_fields: &[&str],
    mut f: impl FnMut(&str, &mut Map<String, Value>) -> Option<String>,
) -> Result<usize> {
    let mut changed = Vec::new();
    {
        let mut st =
            tx.prepare("SELECT seq, parent, data FROM assignments WHERE kind = ?1 AND (?2 IS NULL OR parent = ?2)")?;
        let rows = st.query_map(params![kind, parent], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })?;
        for row in rows {
            let (seq, p, text) = row?;
            if let Ok(Value::Object(mut m)) = serde_json::from_str(&text) {
                let before = m.clone();
                if let Some(new_parent) = f(&p, &mut m) {
                    guard_assignment(kind, &before)?;
                    changed.push((seq, new_parent, m));
                }
            }
        }
    }
    for (seq, _, _) in &changed {
        tx.execute("DELETE FROM assignments WHERE seq = ?1", params![seq])?;
    }
    for (_, p, m) in &changed {
        save_assignment(tx, kind, p, &assignment_key(m, key_fields), m)?;
    }
    Ok(changed.len())
}

/// Runs `f` in one write transaction on a pooled connection.
pub fn write<T>(pool: &Pool, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
    let mut conn = pool.get()?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let out = f(&tx)?;
    tx.commit()?;
    GENERATION.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    Ok(out)
}
