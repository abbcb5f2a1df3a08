//! Which roles a user has: the union of the security profiles assigned to the user, to any of
//! the user's groups, and to the user's company (buyer, supplier, or the seller organization).
use crate::http::error::Result;
use crate::storage::db;
use gatehouse_model::resources::{Kind, UserType};
use gatehouse_model::roles::ALL_ROLES;
use gatehouse_model::types::SecurityProfileAssignment;
use r2d2_sqlite::rusqlite::Connection;
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};

pub const SP_ASSIGNMENT_KIND: &str = "securityprofile";
/// The assignment kind of API client assignments.
pub const API_CLIENT_KIND: &str = "apiclient";

use crate::storage::db::text as s;

/// Group-assignment kind key for the user type (`adminusergroup` etc.).
pub fn membership_kind(t: UserType) -> &'static str {
    Kind::group_kind(t).key()
}

/// IDs of the groups `user_id` belongs to within `company` ('' for admin).
pub fn groups_of(conn: &Connection, t: UserType, company: &str, user_id: &str) -> Result<Vec<String>> {
    Ok(db::assignments(conn, membership_kind(t), company)?
        .into_iter()
        .filter(|a| s(a, "UserID") == Some(user_id))
        .filter_map(|a| s(&a, "UserGroupID").map(String::from))
        .collect())
}

/// Does a security profile assignment reach this user? (The model's rule, on a stored row.)
pub fn assignment_applies(
    a: &Map<String, Value>,
    t: UserType,
    company: &str,
    user_id: &str,
    groups: &[String],
) -> bool {
    let o = |k: &str| s(a, k).map(String::from);
    SecurityProfileAssignment {
        security_profile_id: String::new(),
        buyer_id: o("BuyerID"),
        supplier_id: o("SupplierID"),
        user_id: o("UserID"),
        user_group_id: o("UserGroupID"),
    }
    .reaches(t, company, user_id, groups)
}

/// The security profiles assigned to the user, to one of their groups, or to their company.
fn profiles_reaching(conn: &Connection, t: UserType, company: &str, user_id: &str) -> Result<Vec<db::Obj>> {
    let groups = groups_of(conn, t, company, user_id)?;
    let mut out = Vec::new();
    for a in db::assignments(conn, SP_ASSIGNMENT_KIND, "")? {
        if !assignment_applies(&a, t, company, user_id, &groups) {
            continue;
        }
        let Some(pid) = s(&a, "SecurityProfileID") else { continue };
        out.extend(db::get(conn, Kind::SecurityProfile, "", pid)?);
    }
    Ok(out)
}

/// The sign-in limits of the security profiles that reach a user (their `PasswordConfig`s,
/// strictest wins): after `allowed_failures` wrong passwords in a row the user is locked out for
/// `lockout_minutes` (`None`: until an administrator unlocks them, which is what a
/// `LockoutDuration` of 0 or none means). No limit when no profile sets `AllowedFailedAttempts`.
#[derive(Debug, Default, PartialEq)]
pub struct SignInLimits {
    pub allowed_failures: Option<i64>,
    pub lockout_minutes: Option<i64>,
}

pub fn sign_in_limits(conn: &Connection, t: UserType, company: &str, user_id: &str) -> Result<SignInLimits> {
    let mut out = SignInLimits::default();
    for p in profiles_reaching(conn, t, company, user_id)? {
        let config = p.data.get("PasswordConfig");
        let int = |k: &str| config.and_then(|c| c.get(k)).and_then(Value::as_i64).filter(|n| *n > 0);
        if let Some(n) = int("AllowedFailedAttempts") {
            let minutes = int("LockoutDuration");
            out.lockout_minutes = match (out.allowed_failures, out.lockout_minutes, minutes) {
                (None, _, m) => m,
                (Some(_), Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            };
            out.allowed_failures = Some(out.allowed_failures.map_or(n, |m| m.min(n)));
        }
    }
    Ok(out)
}

/// Roles and custom roles available to a user, API roles in the API's order.
pub fn available_roles(
    conn: &Connection,
    t: UserType,
    company: &str,
    user_id: &str,
) -> Result<(Vec<String>, Vec<String>)> {
    Resolver::load(conn)?.available_roles(conn, t, company, user_id)
}

/// The security profiles and their assignments, read once, to resolve the roles of many users
/// (a list of users answers every user's `AvailableRoles` without reading every assignment
/// again for each of them). Valid for the connection's current view of the database only.
pub struct Resolver {
    assignments: Vec<SecurityProfileAssignment>,
    /// Profile ID → (roles, custom roles).
    profiles: HashMap<String, (Vec<String>, Vec<String>)>,
    /// (user type, company) → user ID → group IDs, read when first needed.
    groups: HashMap<(UserType, String), HashMap<String, Vec<String>>>,
}

impl Resolver {
    pub fn load(conn: &Connection) -> Result<Resolver> {
        let strings = |v: Option<&Value>| -> Vec<String> {
            v.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(String::from).collect()
        };
        let profiles = db::list(conn, Kind::SecurityProfile, "")?
            .into_iter()
            .map(|p| {
                let roles = (strings(p.data.get("Roles")), strings(p.data.get("CustomRoles")));
                (p.id, roles)
            })
            .collect();
        let assignments = db::assignments(conn, SP_ASSIGNMENT_KIND, "")?
            .iter()
            .map(|a| {
                let o = |k: &str| s(a, k).map(String::from);
                SecurityProfileAssignment {
                    security_profile_id: o("SecurityProfileID").unwrap_or_default(),
                    buyer_id: o("BuyerID"),
                    supplier_id: o("SupplierID"),
                    user_id: o("UserID"),
                    user_group_id: o("UserGroupID"),
                }
            })
            .collect();
        Ok(Resolver { assignments, profiles, groups: HashMap::new() })
    }

    /// Like [`available_roles`], from what was read.
    pub fn available_roles(
        &mut self,
        conn: &Connection,
        t: UserType,
        company: &str,
        user_id: &str,
    ) -> Result<(Vec<String>, Vec<String>)> {
        let key = (t, company.to_string());
        if !self.groups.contains_key(&key) {
            let mut by_user: HashMap<String, Vec<String>> = HashMap::new();
            for a in db::assignments(conn, membership_kind(t), company)? {
                if let (Some(u), Some(g)) = (s(&a, "UserID"), s(&a, "UserGroupID")) {
                    by_user.entry(u.to_string()).or_default().push(g.to_string());
                }
            }
            self.groups.insert(key.clone(), by_user);
        }
        let groups = self.groups[&key].get(user_id).map(Vec::as_slice).unwrap_or_default();
        let mut roles = BTreeSet::new();
        let mut custom = BTreeSet::new();
        for a in &self.assignments {
            if !a.reaches(t, company, user_id, groups) {
                continue;
            }
            let Some((r, c)) = self.profiles.get(&a.security_profile_id) else { continue };
            roles.extend(r.iter().map(String::as_str));
            custom.extend(c.iter().cloned());
        }
        let ordered = ALL_ROLES.iter().filter(|r| roles.contains(**r)).map(|r| r.to_string()).collect();
        Ok((ordered, custom.into_iter().collect()))
    }
}
