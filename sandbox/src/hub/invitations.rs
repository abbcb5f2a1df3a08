use super::accounts::{account_by_email, Account};
use super::members::{add_member, membership, Membership};
use super::organizations::org;
use super::roles::check_role;
use super::rules::*;
use crate::http::error::{Failure, Result};
use crate::storage::db::{self, Pool};
use crate::App;
use axum::http::StatusCode;
use r2d2_sqlite::rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};

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
