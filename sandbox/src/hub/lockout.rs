use super::rules::*;
use crate::http::error::Result;
use crate::storage::db::{self, Pool};
use r2d2_sqlite::rusqlite::{params, OptionalExtension};

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
