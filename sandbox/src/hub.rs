//! The layer above the marketplaces: accounts (people, by email), organizations (each an
//! independent marketplace in a database file of its own), memberships (account × organization ×
//! role), invitations and the index that says which organization an API client belongs to.
//!
//! The hub's tables live in the main database file, beside the first organization's marketplace
//! (`MAIN_ORG`); every other organization's marketplace is `<main file>.orgs/<org id>.db`. A
//! request reaches exactly one marketplace, the one its API client belongs to, so nothing one
//! organization's token does can touch another organization's file.
//!
//! An account works in an organization as a seller user provisioned for its membership
//! (`ACCOUNT_<account id>`, no password), holding the roles of its membership role through a
//! security profile assigned to that user: `ORG_ADMIN` (FullAccess), `ORG_MEMBER`
//! (`MEMBER_ROLES`), or a custom role's `ORG_ROLE_<id>`. The raw API shows all of it.
use crate::db::{self, Pool};
use crate::error::{Failure, Result};
use crate::roles::SP_ASSIGNMENT_KIND;
use crate::App;
use axum::http::StatusCode;
use gatehouse_model::resources::Kind;
use r2d2_sqlite::rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};

/// The organization whose marketplace is the main database file itself.
pub const MAIN_ORG: &str = "main";
/// The audience of account tokens (never accepted by the marketplace API, and the reverse).
pub const ACCOUNT_AUDIENCE: &str = "urn:gatehouse:sandbox:accounts";
/// How long an account token lasts.
pub const ACCOUNT_TOKEN_MINUTES: i64 = 8 * 60;
/// How long an invitation can be accepted.
pub const INVITATION_DAYS: i64 = 7;

pub const ADMIN: &str = "Admin";
pub const MEMBER: &str = "Member";
pub const ADMIN_PROFILE: &str = "ORG_ADMIN";
pub const MEMBER_PROFILE: &str = "ORG_MEMBER";
const CUSTOM_PREFIX: &str = "ORG_ROLE_";

/// What a Member may do: work with buyers, suppliers, their users and groups, and read (not
/// change) who has access: security profiles, admin users and groups. No API clients (their
/// secrets), no impersonation, no profile assignments, no member or application management.
pub const MEMBER_ROLES: &[&str] = &[
    "MeAdmin",
    "MeXpAdmin",
    "SecurityProfileReader",
    "AdminUserReader",
    "AdminUserGroupReader",
    "BuyerAdmin",
    "BuyerReader",
    "BuyerUserAdmin",
    "BuyerUserReader",
    "UserGroupAdmin",
    "UserGroupReader",
    "SupplierAdmin",
    "SupplierReader",
    "SupplierUserAdmin",
    "SupplierUserReader",
    "SupplierUserGroupAdmin",
    "SupplierUserGroupReader",
];

const HUB_MIGRATIONS: &[&str] = &[
    // 1: organizations, accounts, memberships, invitations, the outbox, the API client index
    "CREATE TABLE organizations (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        console_client TEXT,
        created_ms INTEGER NOT NULL
     );
     INSERT INTO organizations (id, name, created_ms) VALUES ('main', 'Marketplace', 0);
     CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        first_name TEXT NOT NULL,
        last_name TEXT NOT NULL,
        hash TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        tokens_after_ms INTEGER NOT NULL DEFAULT 0
     );
     CREATE TABLE memberships (
        account TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        org TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        user_seq INTEGER NOT NULL,
        created_ms INTEGER NOT NULL,
        PRIMARY KEY (account, org)
     );
     CREATE INDEX memberships_org ON memberships (org, user_seq);
     CREATE TABLE invitations (
        id TEXT PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        org TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        email TEXT NOT NULL COLLATE NOCASE,
        role TEXT NOT NULL,
        invited_by TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL,
        accepted_ms INTEGER,
        revoked_ms INTEGER
     );
     CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        to_email TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        created_ms INTEGER NOT NULL
     );
     CREATE TABLE api_clients (client_id TEXT PRIMARY KEY, org TEXT NOT NULL);",
    // 2: vendors (OEM partners) provisioning organizations, their organization tokens, session
    //    links and the audit log of every vendor call
    "CREATE TABLE vendors (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        client_id TEXT NOT NULL UNIQUE,
        secret_hash TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        per_minute INTEGER NOT NULL DEFAULT 120,
        created_ms INTEGER NOT NULL
     );
     ALTER TABLE organizations ADD COLUMN vendor TEXT;
     ALTER TABLE organizations ADD COLUMN vendor_org_id TEXT;
     ALTER TABLE organizations ADD COLUMN domain TEXT;
     CREATE UNIQUE INDEX organizations_vendor_org ON organizations (vendor, vendor_org_id) WHERE vendor_org_id IS NOT NULL;
     CREATE TABLE oem_tokens (
        hash TEXT PRIMARY KEY,
        vendor TEXT NOT NULL,
        org TEXT NOT NULL,
        account TEXT NOT NULL,
        vendor_user_id TEXT,
        created_ms INTEGER NOT NULL,
        revoked_ms INTEGER
     );
     CREATE TABLE session_links (
        hash TEXT PRIMARY KEY,
        org TEXT NOT NULL,
        account TEXT NOT NULL,
        vendor TEXT NOT NULL,
        expires_ms INTEGER NOT NULL,
        used_ms INTEGER
     );
     CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        vendor TEXT NOT NULL,
        action TEXT NOT NULL,
        org TEXT,
        subject TEXT,
        status INTEGER NOT NULL,
        message TEXT NOT NULL,
        at_ms INTEGER NOT NULL
     );
     CREATE INDEX audit_org ON audit (org, seq);",
    // 3: account sign-in failures and lockouts
    "ALTER TABLE accounts ADD COLUMN failed INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE accounts ADD COLUMN locked_until_ms INTEGER NOT NULL DEFAULT 0;",
    // 4: the vendor that made an account (only it may provision that account again), the
    //    confusable skeleton of its email (filled in by `migrate` for older rows), and
    //    single-use first-password codes for accounts made without a password
    "ALTER TABLE accounts ADD COLUMN vendor TEXT;
     ALTER TABLE accounts ADD COLUMN skeleton TEXT;
     CREATE INDEX accounts_skeleton ON accounts (skeleton);
     UPDATE accounts SET vendor = (SELECT t.vendor FROM oem_tokens t WHERE t.account = accounts.id ORDER BY t.created_ms LIMIT 1)
        WHERE hash LIKE '!no-password:%';
     CREATE TABLE first_passwords (
        hash TEXT PRIMARY KEY,
        account TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        expires_ms INTEGER NOT NULL,
        used_ms INTEGER
     );",
];

/// The hash an account made without a password carries (no password verifies against it).
pub const NO_PASSWORD: &str = "!no-password:";
/// How long a first-password code can be used.
pub const FIRST_PASSWORD_MINUTES: i64 = 60;

/// Wrong passwords in a row that lock an account, and for how long.
pub const ACCOUNT_ATTEMPTS: i64 = 10;
pub const ACCOUNT_LOCK_MINUTES: i64 = 15;

/// When a locked account may try again (epoch ms), if it is locked now.
pub fn locked_until(pool: &Pool, account: &str) -> Result<Option<i64>> {
    let conn = pool.get()?;
    let until: i64 = conn
        .query_row("SELECT locked_until_ms FROM accounts WHERE id = ?1", params![account], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    Ok((until > now_ms()).then_some(until))
}

/// Counts a wrong password; the `ACCOUNT_ATTEMPTS`th in a row locks the account. Returns when
/// the lock ends, if this locked it.
pub fn sign_in_failed(pool: &Pool, account: &str) -> Result<Option<i64>> {
    db::write(pool, |tx| {
        let failed: i64 = tx.query_row(
            "UPDATE accounts SET failed = failed + 1 WHERE id = ?1 RETURNING failed",
            params![account],
            |r| r.get(0),
        )?;
        if failed < ACCOUNT_ATTEMPTS {
            return Ok(None);
        }
        let until = now_ms() + ACCOUNT_LOCK_MINUTES * 60_000;
        tx.execute("UPDATE accounts SET failed = 0, locked_until_ms = ?2 WHERE id = ?1", params![account, until])?;
        Ok(Some(until))
    })
}

pub fn sign_in_succeeded(pool: &Pool, account: &str) -> Result<()> {
    db::write(pool, |tx| {
        tx.execute("UPDATE accounts SET failed = 0 WHERE id = ?1 AND failed > 0", params![account])?;
        Ok(())
    })
}

/// Brings the hub's tables up to date (versions kept apart from the marketplace schema's).
pub fn migrate(pool: &Pool) -> std::result::Result<(), String> {
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let err = |e: r2d2_sqlite::rusqlite::Error| format!("cannot prepare the hub tables: {e}");
    conn.execute_batch("CREATE TABLE IF NOT EXISTS hub_schema (version INTEGER NOT NULL)").map_err(err)?;
    let version: i64 =
        conn.query_row("SELECT COALESCE(MAX(version), 0) FROM hub_schema", [], |r| r.get(0)).map_err(err)?;
    for (i, sql) in HUB_MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction().map_err(err)?;
        tx.execute_batch(sql).map_err(err)?;
        tx.execute("INSERT INTO hub_schema (version) VALUES (?1)", params![i as i64 + 1]).map_err(err)?;
        tx.commit().map_err(err)?;
    }
    // skeletons of the emails of accounts made before they were kept
    let missing: Vec<(String, String)> = {
        let mut st = conn.prepare("SELECT id, email FROM accounts WHERE skeleton IS NULL").map_err(err)?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(err)?;
        rows.collect::<r2d2_sqlite::rusqlite::Result<Vec<_>>>().map_err(err)?
    };
    for (id, email) in missing {
        conn.execute("UPDATE accounts SET skeleton = ?2 WHERE id = ?1", params![id, crate::text::skeleton(&email)])
            .map_err(err)?;
    }
    Ok(())
}

pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

pub fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// A random URL-safe string of `N` bytes.
pub fn random_code<const N: usize>() -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(crate::keys::random_bytes::<N>())
}

/// Looks like an email address: something, `@`, a dotted domain, no spaces.
pub fn is_email(e: &str) -> bool {
    e.split_once('@').is_some_and(|(l, d)| {
        !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.') && !d.contains('@')
    }) && !e.chars().any(char::is_whitespace)
}

/// A new ID for hub objects: letters and digits only.
pub fn new_id(prefix: &str) -> String {
    let h: String = crate::keys::random_bytes::<8>().iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}{h}")
}

// ---- the API client index ----

pub fn org_exists(pool: &Pool, org: &str) -> Result<bool> {
    let conn = pool.get()?;
    Ok(conn.query_row("SELECT 1 FROM organizations WHERE id = ?1", params![org], |_| Ok(())).optional()?.is_some())
}

/// The organization an API client belongs to, when the index knows it.
pub fn client_org(pool: &Pool, client_id: &str) -> Result<Option<String>> {
    let conn = pool.get()?;
    let mut st = conn.prepare_cached("SELECT org FROM api_clients WHERE client_id = ?1")?;
    Ok(st.query_row(params![client_id], |r| r.get(0)).optional()?)
}

/// Records the main marketplace's API clients in the index (those made before it existed).
pub fn index_clients(app: &App) -> std::result::Result<(), String> {
    let conn = app.pool.get().map_err(|e| e.to_string())?;
    let ids: Vec<String> = db::list(&conn, Kind::ApiClient, "")
        .map_err(|e| format!("{:?}", e.errors))?
        .into_iter()
        .map(|c| c.id)
        .collect();
    drop(conn);
    db::write(&app.hub.pool, |tx| {
        for id in &ids {
            tx.execute("INSERT OR IGNORE INTO api_clients (client_id, org) VALUES (?1, ?2)", params![id, MAIN_ORG])?;
        }
        Ok(())
    })
    .map_err(|e| format!("{:?}", e.errors))
}

/// Claims API client ID `id` for `app`'s organization before it is created: an ID already
/// belonging to another organization is refused (409), so one client ID always names one
/// organization.
pub fn claim_client(app: &App, id: &str) -> Result<()> {
    let owner: Option<String> = db::write(&app.hub.pool, |tx| {
        tx.execute("INSERT OR IGNORE INTO api_clients (client_id, org) VALUES (?1, ?2)", params![id, app.org])?;
        Ok(tx.query_row("SELECT org FROM api_clients WHERE client_id = ?1", params![id], |r| r.get(0)).optional()?)
    })?;
    if owner.as_deref() == Some(app.org.as_str()) {
        // whatever a lookup racing an earlier release remembered, the index decides from now on
        app.hub.client_orgs.write().remove(id);
        return Ok(());
    }
    Err(Failure::conflict(
        gatehouse_model::error::codes::ID_EXISTS,
        format!("The API client ID {id} is taken; choose another one."),
    )
    .data(json!({"ObjectType": "ApiClient", "ObjectID": id})))
}

/// Frees a deleted API client's ID.
pub fn release_client(app: &App, id: &str) -> Result<()> {
    db::write(&app.hub.pool, |tx| {
        tx.execute("DELETE FROM api_clients WHERE client_id = ?1 AND org = ?2", params![id, app.org])?;
        Ok(())
    })?;
    app.hub.client_orgs.write().remove(id);
    Ok(())
}

// ---- organizations ----

#[derive(Debug, Clone)]
pub struct Org {
    pub id: String,
    pub name: String,
    pub console_client: Option<String>,
    pub created_ms: i64,
}

pub fn org(pool: &Pool, id: &str) -> Result<Option<Org>> {
    let conn = pool.get()?;
    Ok(conn
        .query_row("SELECT id, name, console_client, created_ms FROM organizations WHERE id = ?1", params![id], |r| {
            Ok(Org { id: r.get(0)?, name: r.get(1)?, console_client: r.get(2)?, created_ms: r.get(3)? })
        })
        .optional()?)
}

/// Makes sure an organization's marketplace has what accounts work through: the console API
/// client their tokens are issued to and the Admin and Member profiles. Returns the client's ID.
pub fn ensure_basics(app: &App) -> Result<String> {
    let org = org(&app.hub.pool, &app.org)?.ok_or_else(|| Failure::not_found("Organization", &app.org))?;
    let client = match org.console_client {
        Some(c) => c,
        None => {
            let c = crate::crud::new_id(Kind::ApiClient);
            claim_client(app, &c)?;
            db::write(&app.hub.pool, |tx| {
                tx.execute(
                    "UPDATE organizations SET console_client = ?2 WHERE id = ?1 AND console_client IS NULL",
                    params![app.org, c],
                )?;
                Ok(())
            })?;
            // a concurrent call may have won: use whatever is stored
            self::org(&app.hub.pool, &app.org)?.and_then(|o| o.console_client).unwrap_or(c)
        }
    };
    // (called for every organization token: it writes only what is missing, usually nothing)
    let put = |kind, id: &str, data: Value| {
        db::as_hub(|| crate::crud::put_if_missing(&app.pool, kind, "", id, db::obj(data), None))
    };
    put(
        Kind::ApiClient,
        &client,
        json!({
        "AppName": "Gatehouse organization console", "Active": true, "AccessTokenDuration": 600, "RefreshTokenDuration": 43200,
        "AllowSeller": true, "AllowAnyBuyer": false, "AllowAnySupplier": false, "IsAnonBuyer": false}),
    )?;
    put(
        Kind::SecurityProfile,
        ADMIN_PROFILE,
        json!({"Name": "Organization Admin", "Roles": ["FullAccess"], "CustomRoles": []}),
    )?;
    put(
        Kind::SecurityProfile,
        MEMBER_PROFILE,
        json!({"Name": "Organization Member", "Roles": MEMBER_ROLES, "CustomRoles": []}),
    )?;
    Ok(client)
}

/// Creates an organization (its marketplace file and basics); returns its ID.
pub fn create_org(app: &App, name: &str) -> Result<String> {
    create_org_with(app, name, |_, _| Ok(()))
}

/// Like `create_org`, with `also` run in the transaction that records the organization (a
/// vendor's provisioning: its account and the vendor's fields commit with it, or nothing does).
pub fn create_org_with(
    app: &App,
    name: &str,
    also: impl FnOnce(&r2d2_sqlite::rusqlite::Transaction, &str) -> Result<()>,
) -> Result<String> {
    let id = new_id("org");
    db::write(&app.hub.pool, |tx| {
        tx.execute(
            "INSERT INTO organizations (id, name, created_ms) VALUES (?1, ?2, ?3)",
            params![id, name, now_ms()],
        )?;
        also(tx, &id)
    })?;
    let market = app.market(&id)?;
    ensure_basics(&market)?;
    Ok(id)
}

/// Deletes an account made for a provisioning call that then failed.
pub fn discard_account(app: &App, account: &str) {
    let _ = db::write(&app.hub.pool, |tx| {
        tx.execute("DELETE FROM accounts WHERE id = ?1", params![account])?;
        Ok(())
    });
}

/// Undoes an organization whose provisioning failed half-way (and the account made for it).
pub fn discard_org(app: &App, org: &str, account: Option<&str>) {
    let _ = db::write(&app.hub.pool, |tx| {
        tx.execute("DELETE FROM memberships WHERE org = ?1", params![org])?;
        tx.execute("DELETE FROM organizations WHERE id = ?1", params![org])?;
        if let Some(a) = account {
            tx.execute("DELETE FROM accounts WHERE id = ?1", params![a])?;
        }
        Ok(())
    });
}

// ---- roles ----

/// The security profile that holds a membership role's API roles.
pub fn profile_of(role: &str) -> String {
    match role {
        ADMIN => ADMIN_PROFILE.into(),
        MEMBER => MEMBER_PROFILE.into(),
        custom => format!("{CUSTOM_PREFIX}{custom}"),
    }
}

/// The membership roles of an organization: Admin, Member and its custom roles.
pub fn roles(app: &App) -> Result<Vec<Value>> {
    let conn = app.conn()?;
    let mut out = vec![
        json!({"ID": ADMIN, "Name": "Admin", "Roles": ["FullAccess"], "BuiltIn": true,
               "Description": "Everything in the organization, including members and applications."}),
        json!({"ID": MEMBER, "Name": "Member", "Roles": MEMBER_ROLES, "BuiltIn": true,
               "Description": "Works with buyers, suppliers and their users; reads who has access; no member or application management."}),
    ];
    for p in db::list(&conn, Kind::SecurityProfile, "")? {
        if let Some(id) = p.id.strip_prefix(CUSTOM_PREFIX) {
            out.push(json!({"ID": id, "Name": p.data.get("Name").cloned().unwrap_or(json!(id)),
                "Roles": p.data.get("Roles").cloned().unwrap_or(json!([])), "BuiltIn": false}));
        }
    }
    Ok(out)
}

/// Refuses a membership role the organization does not have (400).
pub fn check_role(app: &App, role: &str) -> Result<()> {
    if role == ADMIN || role == MEMBER {
        return Ok(());
    }
    if gatehouse_model::resources::is_id(role)
        && db::get(&*app.conn()?, Kind::SecurityProfile, "", &profile_of(role))?.is_some()
    {
        return Ok(());
    }
    Err(Failure::validation(vec![gatehouse_model::error::ApiError::new(
        gatehouse_model::error::codes::VALIDATION,
        format!("{role} is not a role of this organization: use Admin, Member or one of its custom roles."),
    )
    .with_data(json!({"Property": "Role", "Rule": "Reference"}))]))
}

// ---- accounts ----

#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub hash: String,
    pub created_ms: i64,
    pub tokens_after_ms: i64,
    /// The vendor that made the account (None: the person signed up).
    pub vendor: Option<String>,
}

impl Account {
    /// Has the account a password (accounts a vendor made have none until the first is set)?
    pub fn has_password(&self) -> bool {
        !self.hash.starts_with(NO_PASSWORD)
    }

    pub fn value(&self) -> Value {
        json!({"ID": self.id, "Email": self.email, "FirstName": self.first_name, "LastName": self.last_name, "DateCreated": rfc3339(self.created_ms)})
    }
}

const ACCOUNT_COLS: &str = "id, email, first_name, last_name, hash, created_ms, tokens_after_ms, vendor";

fn row_account(r: &r2d2_sqlite::rusqlite::Row) -> r2d2_sqlite::rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        email: r.get(1)?,
        first_name: r.get(2)?,
        last_name: r.get(3)?,
        hash: r.get(4)?,
        created_ms: r.get(5)?,
        tokens_after_ms: r.get(6)?,
        vendor: r.get(7)?,
    })
}

pub fn account(pool: &Pool, id: &str) -> Result<Option<Account>> {
    let conn = pool.get()?;
    Ok(conn
        .query_row(&format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE id = ?1"), params![id], row_account)
        .optional()?)
}

pub fn account_by_email(pool: &Pool, email: &str) -> Result<Option<Account>> {
    let conn = pool.get()?;
    Ok(conn
        .query_row(&format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE email = ?1"), params![email.trim()], row_account)
        .optional()?)
}

/// Creates an account (made by `vendor`, or signed up); 409 when the email has one, or when it
/// displays like one that has (same confusable skeleton).
pub fn create_account(
    pool: &Pool,
    email: &str,
    first: &str,
    last: &str,
    hash: &str,
    vendor: Option<&str>,
) -> Result<Account> {
    let id = new_id("acct");
    db::write(pool, |tx| insert_account(tx, &id, email, first, last, hash, vendor))?;
    account(pool, &id)?.ok_or_else(|| Failure::internal("new account vanished"))
}

/// Inserts an account inside the caller's transaction (see `create_account`).
pub fn insert_account(
    tx: &r2d2_sqlite::rusqlite::Transaction,
    id: &str,
    email: &str,
    first: &str,
    last: &str,
    hash: &str,
    vendor: Option<&str>,
) -> Result<()> {
    let taken =
        tx.query_row("SELECT 1 FROM accounts WHERE email = ?1", params![email], |_| Ok(())).optional()?.is_some();
    if taken {
        return Err(Failure::conflict(
            "Account.EmailTaken",
            "An account with this email already exists; sign in instead.",
        ));
    }
    let skeleton = crate::text::skeleton(email);
    let alike =
        tx.query_row("SELECT 1 FROM accounts WHERE skeleton = ?1", params![skeleton], |_| Ok(())).optional()?.is_some();
    if alike {
        return Err(Failure::conflict(
            "Account.EmailLookalike",
            "This email displays like the email of an existing account; use another address.",
        ));
    }
    tx.execute(
        "INSERT INTO accounts (id, email, first_name, last_name, hash, created_ms, vendor, skeleton) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, email, first, last, hash, now_ms(), vendor, skeleton],
    )?;
    Ok(())
}

/// Ends every token of the account in its organizations: access tokens (revoked) and refresh
/// tokens (dropped), as account sign-out and a password change must.
pub fn end_org_tokens(app: &App, account: &str) -> Result<()> {
    for m in memberships_of_account(&app.hub.pool, account)? {
        let market = app.market(&m.org)?;
        crate::oauth::revoke_user_tokens(&market, m.user_seq)?;
    }
    Ok(())
}

/// A single-use code that sets the first password of an account made without one.
pub fn new_first_password_code(pool: &Pool, account: &str) -> Result<(String, i64)> {
    let code = random_code::<24>();
    let expires = now_ms() + FIRST_PASSWORD_MINUTES * 60_000;
    db::write(pool, |tx| {
        tx.execute(
            "INSERT INTO first_passwords (hash, account, expires_ms) VALUES (?1, ?2, ?3)",
            params![crate::oauth::sha(&code), account, expires],
        )?;
        Ok(())
    })?;
    Ok((code, expires))
}

/// Uses a first-password code up and sets the account's password (hash), once: 404 unknown,
/// 410 used, expired, or the account has a password already. Returns the account.
pub fn redeem_first_password(pool: &Pool, code: &str, hash: &str) -> Result<Account> {
    let now = now_ms();
    let account = db::write(pool, |tx| {
        let row: Option<(String, i64, Option<i64>)> = tx
            .query_row(
                "SELECT account, expires_ms, used_ms FROM first_passwords WHERE hash = ?1",
                params![crate::oauth::sha(code)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let gone = |msg: &str| Failure::new(StatusCode::GONE, "Account.FirstPasswordCodeUsed", msg.to_string());
        let Some((account, expires, used)) = row else {
            return Err(Failure::new(
                StatusCode::NOT_FOUND,
                "Account.FirstPasswordCodeUnknown",
                "This code is not valid.",
            ));
        };
        if used.is_some() {
            return Err(gone("This code has been used already; each code works once."));
        }
        if expires <= now {
            return Err(gone("This code has expired; sign in through a new link from your provider."));
        }
        let changed = tx.execute(
            "UPDATE accounts SET hash = ?2 WHERE id = ?1 AND hash LIKE '!no-password:%'",
            params![account, hash],
        )?;
        if changed == 0 {
            return Err(gone("This account has a password already; change it from the account page."));
        }
        tx.execute(
            "UPDATE first_passwords SET used_ms = ?2 WHERE account = ?1 AND used_ms IS NULL",
            params![account, now],
        )?;
        Ok(account)
    })?;
    self::account(pool, &account)?.ok_or_else(|| Failure::internal("account vanished"))
}

// ---- memberships ----

#[derive(Debug, Clone)]
pub struct Membership {
    pub account: String,
    pub org: String,
    pub role: String,
    pub user_seq: i64,
    pub created_ms: i64,
}

fn row_membership(r: &r2d2_sqlite::rusqlite::Row) -> r2d2_sqlite::rusqlite::Result<Membership> {
    Ok(Membership { account: r.get(0)?, org: r.get(1)?, role: r.get(2)?, user_seq: r.get(3)?, created_ms: r.get(4)? })
}

const MEMBERSHIP_COLS: &str = "account, org, role, user_seq, created_ms";

pub fn membership(pool: &Pool, account: &str, org: &str) -> Result<Option<Membership>> {
    let conn = pool.get()?;
    Ok(conn
        .query_row(
            &format!("SELECT {MEMBERSHIP_COLS} FROM memberships WHERE account = ?1 AND org = ?2"),
            params![account, org],
            row_membership,
        )
        .optional()?)
}

/// The membership whose provisioned seller user is `user_seq` in `org`.
pub fn membership_of_user(pool: &Pool, org: &str, user_seq: i64) -> Result<Option<Membership>> {
    let conn = pool.get()?;
    Ok(conn
        .query_row(
            &format!("SELECT {MEMBERSHIP_COLS} FROM memberships WHERE org = ?1 AND user_seq = ?2"),
            params![org, user_seq],
            row_membership,
        )
        .optional()?)
}

pub fn memberships_of_account(pool: &Pool, account: &str) -> Result<Vec<Membership>> {
    let conn = pool.get()?;
    let mut st =
        conn.prepare(&format!("SELECT {MEMBERSHIP_COLS} FROM memberships WHERE account = ?1 ORDER BY created_ms"))?;
    let rows = st.query_map(params![account], row_membership)?;
    Ok(rows.collect::<r2d2_sqlite::rusqlite::Result<Vec<_>>>()?)
}

pub fn memberships_of_org(pool: &Pool, org: &str) -> Result<Vec<Membership>> {
    let conn = pool.get()?;
    let mut st =
        conn.prepare(&format!("SELECT {MEMBERSHIP_COLS} FROM memberships WHERE org = ?1 ORDER BY created_ms"))?;
    let rows = st.query_map(params![org], row_membership)?;
    Ok(rows.collect::<r2d2_sqlite::rusqlite::Result<Vec<_>>>()?)
}

/// The seller user an account works as in an organization.
pub fn member_user_id(account: &str) -> String {
    format!("ACCOUNT_{account}")
}

fn assign_profile(tx: &r2d2_sqlite::rusqlite::Transaction, user_id: &str, role: &str) -> Result<()> {
    db::delete_assignments(tx, SP_ASSIGNMENT_KIND, Some(""), |a| {
        a.get("UserID").and_then(Value::as_str) == Some(user_id)
            && a.get("BuyerID").and_then(Value::as_str).is_none_or(str::is_empty)
            && a.get("SupplierID").and_then(Value::as_str).is_none_or(str::is_empty)
    })?;
    crate::assignments::save(
        tx,
        SP_ASSIGNMENT_KIND,
        "",
        &db::obj(json!({"SecurityProfileID": profile_of(role), "UserID": user_id})),
    )
}

/// Adds `account` to `app`'s organization with `role`: provisions its seller user (no password)
/// and assigns the role's profile to it. 409 when it is a member already.
pub fn add_member(app: &App, account: &Account, role: &str) -> Result<Membership> {
    ensure_basics(app)?;
    check_role(app, role)?;
    let _one_at_a_time = app.hub.joining.lock();
    // (checked under the lock: of two concurrent joins, the second finds the first's membership)
    if membership(&app.hub.pool, &account.id, &app.org)?.is_some() {
        return Err(Failure::conflict(
            "Organization.AlreadyMember",
            format!("{} is a member of this organization already.", account.email),
        ));
    }
    let user_id = member_user_id(&account.id);
    let seq = db::as_hub(|| {
        db::write(&app.pool, |tx| {
            if let Some(stale) = db::get(tx, Kind::AdminUser, "", &user_id)? {
                // left over from an earlier membership: start afresh
                crate::crud::cascade(tx, Kind::AdminUser, "", &user_id)?;
                db::delete(tx, stale.seq)?;
            }
            let data = db::obj(json!({
            "Username": format!("account.{}", account.id), "FirstName": account.first_name, "LastName": account.last_name,
            "Email": account.email, "Active": true, "DateCreated": crate::crud::now_rfc3339(), "PasswordLastSetDate": null,
            "xp": {"GatehouseAccount": account.id}}));
            let seq = db::insert(tx, Kind::AdminUser, "", &user_id, &data, None)?;
            assign_profile(tx, &user_id, role)?;
            Ok(seq)
        })
    })?;
    let m = Membership {
        account: account.id.clone(),
        org: app.org.clone(),
        role: role.to_string(),
        user_seq: seq,
        created_ms: now_ms(),
    };
    let inserted = db::write(&app.hub.pool, |tx| {
        Ok(tx.execute(
            "INSERT OR IGNORE INTO memberships (account, org, role, user_seq, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![m.account, m.org, m.role, m.user_seq, m.created_ms],
        )?)
    })?;
    if inserted == 0 {
        return Err(Failure::conflict(
            "Organization.AlreadyMember",
            format!("{} is a member of this organization already.", account.email),
        ));
    }
    Ok(m)
}

/// Refuses (409) to take `m` out of its organization's Admins when it is the last one; inside
/// the write transaction, so concurrent changes cannot both pass.
fn keeps_an_admin(tx: &r2d2_sqlite::rusqlite::Transaction, m: &Membership) -> Result<()> {
    if m.role != ADMIN {
        return Ok(());
    }
    let admins: i64 =
        tx.query_row("SELECT COUNT(*) FROM memberships WHERE org = ?1 AND role = 'Admin'", params![m.org], |r| {
            r.get(0)
        })?;
    if admins <= 1 {
        return Err(Failure::conflict(
            "Organization.LastAdmin",
            "An organization keeps at least one Admin: make another member Admin first.",
        ));
    }
    Ok(())
}

/// Changes a member's role; its tokens issued before are refused from now on. Demoting the last
/// Admin is refused (409).
pub fn set_role(app: &App, account: &str, role: &str) -> Result<Membership> {
    check_role(app, role)?;
    let m = db::write(&app.hub.pool, |tx| {
        let m = tx
            .query_row(
                &format!("SELECT {MEMBERSHIP_COLS} FROM memberships WHERE account = ?1 AND org = ?2"),
                params![account, app.org],
                row_membership,
            )
            .optional()?
            .ok_or_else(|| Failure::not_found("Member", account))?;
        if role != ADMIN {
            keeps_an_admin(tx, &m)?;
        }
        tx.execute(
            "UPDATE memberships SET role = ?3 WHERE account = ?1 AND org = ?2",
            params![account, app.org, role],
        )?;
        Ok(Membership { role: role.to_string(), ..m })
    })?;
    let user_id = member_user_id(account);
    db::as_hub(|| db::write(&app.pool, |tx| assign_profile(tx, &user_id, role)))?;
    crate::oauth::revoke_user_tokens(app, m.user_seq)?;
    Ok(m)
}

/// Ends a membership (removal by an Admin, or leaving): its seller user is deleted, so every
/// token it holds is refused at once. Removing the last Admin is refused (409).
pub fn remove_member(app: &App, account: &str) -> Result<()> {
    let m = db::write(&app.hub.pool, |tx| {
        let m = tx
            .query_row(
                &format!("SELECT {MEMBERSHIP_COLS} FROM memberships WHERE account = ?1 AND org = ?2"),
                params![account, app.org],
                row_membership,
            )
            .optional()?
            .ok_or_else(|| Failure::not_found("Member", account))?;
        keeps_an_admin(tx, &m)?;
        tx.execute("DELETE FROM memberships WHERE account = ?1 AND org = ?2", params![account, app.org])?;
        Ok(m)
    })?;
    db::as_hub(|| {
        db::write(&app.pool, |tx| {
            if let Some(u) = db::by_seq(tx, m.user_seq)? {
                crate::crud::cascade(tx, Kind::AdminUser, "", &u.id)?;
                db::delete(tx, u.seq)?;
            }
            Ok(())
        })
    })?;
    crate::oauth::revoke_user_tokens(app, m.user_seq)
}

/// The members of `app`'s organization, with their accounts.
pub fn members(app: &App) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    for m in memberships_of_org(&app.hub.pool, &app.org)? {
        let Some(a) = account(&app.hub.pool, &m.account)? else { continue };
        out.push(json!({"AccountID": a.id, "Email": a.email, "FirstName": a.first_name, "LastName": a.last_name,
            "Role": m.role, "UserID": member_user_id(&a.id), "DateJoined": rfc3339(m.created_ms)}));
    }
    Ok(out)
}

// ---- invitations ----

#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: String,
    pub code: String,
    pub org: String,
    pub email: String,
    pub role: String,
    pub invited_by: String,
    pub created_ms: i64,
    pub expires_ms: i64,
    pub accepted_ms: Option<i64>,
    pub revoked_ms: Option<i64>,
}

impl Invitation {
    pub fn status(&self) -> &'static str {
        if self.accepted_ms.is_some() {
            "Accepted"
        } else if self.revoked_ms.is_some() {
            "Revoked"
        } else if self.expires_ms <= now_ms() {
            "Expired"
        } else {
            "Pending"
        }
    }
}

const INVITATION_COLS: &str = "id, code, org, email, role, invited_by, created_ms, expires_ms, accepted_ms, revoked_ms";

fn row_invitation(r: &r2d2_sqlite::rusqlite::Row) -> r2d2_sqlite::rusqlite::Result<Invitation> {
    Ok(Invitation {
        id: r.get(0)?,
        code: r.get(1)?,
        org: r.get(2)?,
        email: r.get(3)?,
        role: r.get(4)?,
        invited_by: r.get(5)?,
        created_ms: r.get(6)?,
        expires_ms: r.get(7)?,
        accepted_ms: r.get(8)?,
        revoked_ms: r.get(9)?,
    })
}

pub fn invitation_by_code(pool: &Pool, code: &str) -> Result<Option<Invitation>> {
    let conn = pool.get()?;
    Ok(conn
        .query_row(&format!("SELECT {INVITATION_COLS} FROM invitations WHERE code = ?1"), params![code], row_invitation)
        .optional()?)
}

pub fn invitations_of_org(pool: &Pool, org: &str) -> Result<Vec<Invitation>> {
    let conn = pool.get()?;
    let mut st =
        conn.prepare(&format!("SELECT {INVITATION_COLS} FROM invitations WHERE org = ?1 ORDER BY created_ms DESC"))?;
    let rows = st.query_map(params![org], row_invitation)?;
    Ok(rows.collect::<r2d2_sqlite::rusqlite::Result<Vec<_>>>()?)
}

/// Invites `email` into `app`'s organization with `role`; the link goes to the outbox too.
pub fn invite(app: &App, email: &str, role: &str, by: &Account, link_base: &str) -> Result<Invitation> {
    check_role(app, role)?;
    if let Some(a) = account_by_email(&app.hub.pool, email)? {
        if membership(&app.hub.pool, &a.id, &app.org)?.is_some() {
            return Err(Failure::conflict(
                "Organization.AlreadyMember",
                format!("{email} is a member of this organization already."),
            ));
        }
    }
    let now = now_ms();
    let inv = Invitation {
        id: new_id("inv"),
        code: random_code::<24>(),
        org: app.org.clone(),
        email: email.to_string(),
        role: role.to_string(),
        invited_by: by.id.clone(),
        created_ms: now,
        expires_ms: now + INVITATION_DAYS * 24 * 3600 * 1000,
        accepted_ms: None,
        revoked_ms: None,
    };
    let org_name = org(&app.hub.pool, &app.org)?.map(|o| o.name).unwrap_or_default();
    let link = invitation_link(link_base, &inv.code);
    db::write(&app.hub.pool, |tx| {
        let pending: Option<String> = tx
            .query_row(
                "SELECT id FROM invitations WHERE org = ?1 AND email = ?2 AND accepted_ms IS NULL AND revoked_ms IS NULL AND expires_ms > ?3",
                params![app.org, email, now],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = pending {
            return Err(Failure::conflict(
                "Invitation.Pending",
                format!("{email} has a pending invitation already; revoke it to send another."),
            )
            .data(json!({"InvitationID": id})));
        }
        tx.execute(
            &format!("INSERT INTO invitations ({INVITATION_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, NULL)"),
            params![inv.id, inv.code, inv.org, inv.email, inv.role, inv.invited_by, inv.created_ms, inv.expires_ms],
        )?;
        tx.execute(
            "INSERT INTO outbox (to_email, subject, body, created_ms) VALUES (?1, ?2, ?3, ?4)",
            params![
                email,
                format!("You are invited to {org_name}"),
                format!(
                    "{} {} ({}) invites you to the organization {org_name} as {role}.\nAccept within {INVITATION_DAYS} days: {link}\n",
                    by.first_name, by.last_name, by.email
                ),
                now
            ],
        )?;
        Ok(())
    })?;
    Ok(inv)
}

pub fn invitation_link(base: &str, code: &str) -> String {
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}invitation={code}")
}

/// Revokes a pending invitation of `app`'s organization.
pub fn revoke_invitation(app: &App, id: &str) -> Result<()> {
    db::write(&app.hub.pool, |tx| {
        let inv = tx
            .query_row(
                &format!("SELECT {INVITATION_COLS} FROM invitations WHERE id = ?1 AND org = ?2"),
                params![id, app.org],
                row_invitation,
            )
            .optional()?
            .ok_or_else(|| Failure::not_found("Invitation", id))?;
        if inv.status() != "Pending" {
            return Err(Failure::conflict(
                "Invitation.NotPending",
                format!("This invitation is {} already.", inv.status().to_lowercase()),
            ));
        }
        tx.execute("UPDATE invitations SET revoked_ms = ?2 WHERE id = ?1", params![id, now_ms()])?;
        Ok(())
    })
}

/// Why an invitation cannot be accepted, as an answer.
pub fn invitation_refusal(inv: &Invitation) -> Option<Failure> {
    let gone = |code: &str, msg: &str| Some(Failure::new(StatusCode::GONE, code, msg.to_string()));
    match inv.status() {
        "Accepted" => gone(
            "Invitation.Used",
            "This invitation has been used already. Ask an Admin of the organization for a new one.",
        ),
        "Revoked" => gone("Invitation.Revoked", "This invitation was revoked by an Admin of the organization."),
        "Expired" => {
            gone("Invitation.Expired", "This invitation has expired. Ask an Admin of the organization for a new one.")
        }
        _ => None,
    }
}

/// Accepts an invitation as `account` (whose email must be the invited one): adds the membership
/// and uses the invitation up, once.
pub fn accept(app_main: &App, code: &str, account: &Account) -> Result<Membership> {
    let inv =
        invitation_by_code(&app_main.hub.pool, code)?.ok_or_else(|| Failure::not_found("Invitation", "(this link)"))?;
    if let Some(f) = invitation_refusal(&inv) {
        return Err(f);
    }
    if !inv.email.eq_ignore_ascii_case(&account.email) {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "Invitation.WrongEmail",
            format!("This invitation is for {}; you are signed in as {}.", inv.email, account.email),
        ));
    }
    if membership(&app_main.hub.pool, &account.id, &inv.org)?.is_some() {
        return Err(Failure::conflict("Organization.AlreadyMember", "You are a member of this organization already."));
    }
    // used up first, in one statement, so two accepts racing cannot both pass
    let took = db::write(&app_main.hub.pool, |tx| {
        Ok(tx.execute(
            "UPDATE invitations SET accepted_ms = ?2 WHERE id = ?1 AND accepted_ms IS NULL AND revoked_ms IS NULL AND expires_ms > ?2",
            params![inv.id, now_ms()],
        )?)
    })?;
    if took == 0 {
        return Err(Failure::new(StatusCode::GONE, "Invitation.Used", "This invitation has been used already."));
    }
    let market = app_main.market(&inv.org)?;
    add_member(&market, account, &inv.role)
}

/// The outbox: every message the sandbox would have mailed, newest last.
pub fn outbox(pool: &Pool) -> Result<Vec<Value>> {
    let conn = pool.get()?;
    let mut st = conn.prepare("SELECT seq, to_email, subject, body, created_ms FROM outbox ORDER BY seq")?;
    let rows = st.query_map([], |r| {
        Ok(json!({"ID": r.get::<_, i64>(0)?, "To": r.get::<_, String>(1)?, "Subject": r.get::<_, String>(2)?,
            "Body": r.get::<_, String>(3)?, "Date": rfc3339(r.get::<_, i64>(4)?)}))
    })?;
    Ok(rows.collect::<r2d2_sqlite::rusqlite::Result<Vec<_>>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_told_from_other_text() {
        for good in ["a@b.co", "first.last@example.com", "x+tag@sub.example.org"] {
            assert!(is_email(good), "{good}");
        }
        for bad in ["", "a", "@b.co", "a@b", "a@.b", "a@b.", "a b@c.de", "a@b@c.de"] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn invitation_links_keep_the_portal_address() {
        assert_eq!(invitation_link("http://p/app/", "C"), "http://p/app/?invitation=C");
        assert_eq!(invitation_link("http://p/?x=1", "C"), "http://p/?x=1&invitation=C");
    }
}
