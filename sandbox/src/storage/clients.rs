//! The API client index: which organization an API client ID belongs to (kept in the hub's tables
//! of the main database file).
use crate::http::error::{Failure, Result};
use crate::storage::db::{self, Pool};
use crate::App;
use gatehouse_model::resources::Kind;
use r2d2_sqlite::rusqlite::{params, OptionalExtension};
use serde_json::json;

/// The first organization's ID: its marketplace is the main database file.
pub const MAIN_ORG: &str = "main";

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
