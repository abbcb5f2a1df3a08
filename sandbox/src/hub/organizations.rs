use super::rules::*;
use crate::http::error::{Failure, Result};
use crate::storage::db::{self, Pool};
use crate::App;
use gatehouse_model::resources::Kind;
use r2d2_sqlite::rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};

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
            let c = crate::storage::id::new_id(Kind::ApiClient);
            crate::storage::clients::claim_client(app, &c)?;
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
        db::as_hub(|| crate::storage::store::put_if_missing(&app.pool, kind, "", id, db::obj(data), None))
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
