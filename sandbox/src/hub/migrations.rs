use crate::storage::db::Pool;
use r2d2_sqlite::rusqlite::params;

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
        conn.execute(
            "UPDATE accounts SET skeleton = ?2 WHERE id = ?1",
            params![id, crate::http::text::skeleton(&email)],
        )
        .map_err(err)?;
    }
    Ok(())
}
