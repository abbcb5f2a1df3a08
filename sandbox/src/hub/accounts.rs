use super::rules::*;
use crate::http::error::{Failure, Result};
use crate::storage::db::{self, Pool};
use axum::http::StatusCode;
use r2d2_sqlite::rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};

/// The hash an account made without a password carries (no password verifies against it).
pub const NO_PASSWORD: &str = "!no-password:";
/// How long a first-password code can be used.
pub const FIRST_PASSWORD_MINUTES: i64 = 60;

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
    let skeleton = crate::http::text::skeleton(email);
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

/// A single-use code that sets the first password of an account made without one.
pub fn new_first_password_code(pool: &Pool, account: &str) -> Result<(String, i64)> {
    let code = random_code::<24>();
    let expires = now_ms() + FIRST_PASSWORD_MINUTES * 60_000;
    db::write(pool, |tx| {
        tx.execute(
            "INSERT INTO first_passwords (hash, account, expires_ms) VALUES (?1, ?2, ?3)",
            params![crate::auth::oauth::sha(&code), account, expires],
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
                params![crate::auth::oauth::sha(code)],
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
