//! Store helpers above single rows: objects the sandbox provides itself, and what a delete takes
//! with it.
use crate::http::error::{Failure, Result};
use crate::storage::clock::now_rfc3339;
use crate::storage::db;
use crate::storage::roles::{self, API_CLIENT_KIND};
use gatehouse_model::error::codes;
use gatehouse_model::resources::{Kind, UserType};
use r2d2_sqlite::rusqlite::Transaction;
use serde_json::{json, Map, Value};

/// Creates an object unless one of that kind and ID is there already (then nothing is written:
/// no transaction, no new write generation), stamping `DateCreated`, and `PasswordLastSetDate`
/// when it has a password hash. For what the sandbox itself provides: the seed, an organization's
/// basics.
pub fn put_if_missing(
    pool: &db::Pool,
    kind: Kind,
    parent: &str,
    id: &str,
    mut data: Map<String, Value>,
    secret: Option<&str>,
) -> Result<()> {
    if db::get(&*pool.get()?, kind, parent, id)?.is_some() {
        return Ok(());
    }
    if kind.def().schema.field("DateCreated").is_some() {
        data.insert("DateCreated".into(), json!(now_rfc3339()));
    }
    if secret.is_some() {
        data.insert("PasswordLastSetDate".into(), json!(now_rfc3339()));
    }
    db::write(pool, |tx| {
        // (created meanwhile by a concurrent call: kept as it is)
        if db::get(tx, kind, parent, id)?.is_none() {
            db::insert(tx, kind, parent, id, &data, secret)?;
        }
        Ok(())
    })
}

/// What goes (or what stops a delete) when an object is deleted.
pub fn cascade(tx: &Transaction, kind: Kind, parent: &str, id: &str) -> Result<()> {
    let is = |m: &Map<String, Value>, k: &str| m.get(k).and_then(Value::as_str) == Some(id);
    match kind {
        Kind::ApiClient => {
            if let Some(cfg) =
                db::list(tx, Kind::ImpersonationConfig, "")?.into_iter().find(|c| is(&c.data, "ClientID"))
            {
                return Err(Failure::conflict(
                    codes::USED_BY_IMPERSONATION,
                    format!(
                        "API client {id} is used by impersonation config {}; delete or change that config first.",
                        cfg.id
                    ),
                )
                .data(json!({"ImpersonationConfigID": cfg.id})));
            }
            db::delete_assignments(tx, API_CLIENT_KIND, Some(""), |a| is(a, "ApiClientID"))?;
            tx.execute("DELETE FROM refresh_tokens WHERE client_id = ?1", r2d2_sqlite::rusqlite::params![id])?;
        }
        Kind::SecurityProfile => {
            if let Some(cfg) =
                db::list(tx, Kind::ImpersonationConfig, "")?.into_iter().find(|c| is(&c.data, "SecurityProfileID"))
            {
                return Err(Failure::conflict(
                    codes::IMPERSONATION_CONFIG,
                    format!(
                        "Security profile {id} is used by impersonation config {}; delete or change that config first.",
                        cfg.id
                    ),
                ));
            }
            db::delete_assignments(tx, roles::SP_ASSIGNMENT_KIND, Some(""), |a| is(a, "SecurityProfileID"))?;
        }
        Kind::Buyer | Kind::Supplier => {
            let (users, groups, field) = if kind == Kind::Buyer {
                (Kind::BuyerUser, Kind::BuyerUserGroup, "BuyerID")
            } else {
                (Kind::SupplierUser, Kind::SupplierUserGroup, "SupplierID")
            };
            db::delete_children(tx, &[users, groups], id)?;
            db::delete_assignments(tx, groups.key(), Some(id), |_| true)?;
            db::delete_assignments(tx, roles::SP_ASSIGNMENT_KIND, Some(""), |a| is(a, field))?;
            db::delete_assignments(tx, API_CLIENT_KIND, Some(""), |a| is(a, field))?;
        }
        Kind::AdminUser | Kind::BuyerUser | Kind::SupplierUser => {
            let t = kind.user_type().expect("user kinds have a user type");
            db::delete_assignments(tx, roles::membership_kind(t), Some(parent), |a| is(a, "UserID"))?;
            db::delete_assignments(tx, roles::SP_ASSIGNMENT_KIND, Some(""), |a| {
                is(a, "UserID") && company_matches(a, t, parent)
            })?;
        }
        Kind::AdminUserGroup | Kind::BuyerUserGroup | Kind::SupplierUserGroup => {
            let t = match kind {
                Kind::AdminUserGroup => UserType::Admin,
                Kind::BuyerUserGroup => UserType::Buyer,
                _ => UserType::Supplier,
            };
            db::delete_assignments(tx, kind.key(), Some(parent), |a| is(a, "UserGroupID"))?;
            db::delete_assignments(tx, roles::SP_ASSIGNMENT_KIND, Some(""), |a| {
                is(a, "UserGroupID") && company_matches(a, t, parent)
            })?;
        }
        Kind::ImpersonationConfig => {}
    }
    Ok(())
}

fn company_matches(a: &Map<String, Value>, t: UserType, company: &str) -> bool {
    let get = |k: &str| a.get(k).and_then(Value::as_str).filter(|v| !v.is_empty());
    match t {
        UserType::Admin => get("BuyerID").is_none() && get("SupplierID").is_none(),
        UserType::Buyer => get("BuyerID") == Some(company),
        UserType::Supplier => get("SupplierID") == Some(company),
    }
}
