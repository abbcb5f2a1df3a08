use super::accounts::{account, Account};
use super::organizations::ensure_basics;
use super::roles::{check_role, profile_of};
use super::rules::*;
use crate::http::error::{Failure, Result};
use crate::storage::db::{self, Pool};
use crate::storage::roles::SP_ASSIGNMENT_KIND;
use crate::App;
use gatehouse_model::resources::Kind;
use r2d2_sqlite::rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};

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
    crate::access::assignments::save(
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
                crate::storage::store::cascade(tx, Kind::AdminUser, "", &user_id)?;
                db::delete(tx, stale.seq)?;
            }
            let data = db::obj(json!({
            "Username": format!("account.{}", account.id), "FirstName": account.first_name, "LastName": account.last_name,
            "Email": account.email, "Active": true, "DateCreated": crate::storage::clock::now_rfc3339(), "PasswordLastSetDate": null,
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
    crate::auth::oauth::revoke_user_tokens(app, m.user_seq)?;
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
                crate::storage::store::cascade(tx, Kind::AdminUser, "", &u.id)?;
                db::delete(tx, u.seq)?;
            }
            Ok(())
        })
    })?;
    crate::auth::oauth::revoke_user_tokens(app, m.user_seq)
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

/// Ends every token of the account in its organizations: access tokens (revoked) and refresh
/// tokens (dropped), as account sign-out and a password change must.
pub fn end_org_tokens(app: &App, account: &str) -> Result<()> {
    for m in memberships_of_account(&app.hub.pool, account)? {
        let market = app.market(&m.org)?;
        crate::auth::oauth::revoke_user_tokens(&market, m.user_seq)?;
    }
    Ok(())
}
