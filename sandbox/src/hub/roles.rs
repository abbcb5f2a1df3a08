use super::rules::*;
use crate::http::error::{Failure, Result};
use crate::storage::db::{self};
use crate::App;
use gatehouse_model::resources::Kind;
use serde_json::{json, Value};

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
