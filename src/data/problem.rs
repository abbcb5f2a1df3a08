//! Problems: what went wrong with a call, worded for people (the API's message and code, and
//! what it means for someone using the screens).
use gatehouse_model::error::codes;
use serde_json::Value;

/// One thing that went wrong, worded for people: the API's message and code, and what it means.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub explain: Option<String>,
    pub data: Value,
}

impl Problem {
    pub(super) fn network(message: String) -> Problem {
        Problem {
            status: 0,
            code: "Network".into(),
            message,
            explain: Some("Everything you entered is still here; try again when the connection is back.".into()),
            data: Value::Null,
        }
    }
}

/// What an error code means for someone using the screens.
pub fn explain(status: u16, code: &str, data: &Value) -> Option<String> {
    let d = |k: &str| data[k].as_str().unwrap_or_default().to_string();
    let list = |k: &str| {
        data[k]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_str()).collect::<Vec<_>>().join(", "))
            .unwrap_or_default()
    };
    Some(match code {
        codes::ID_EXISTS => "An object of this kind already has this ID; IDs are unique. Choose another ID, or leave ID empty and the API makes one.".into(),
        codes::USERNAME_UNIQUE => "Usernames are unique across the whole marketplace (admin, buyer and supplier users alike). Choose another username.".into(),
        codes::INSUFFICIENT_ROLES => format!(
            "Your token lacks the roles for this. It accepts any of: {}. Your token has: {}. Ask an administrator for a security profile with one of them.",
            list("SufficientRoles"),
            if list("AssignedRoles").is_empty() { "none".into() } else { list("AssignedRoles") }
        ),
        codes::USED_BY_IMPERSONATION => format!(
            "Reps act on behalf of buyers through this client: impersonation config {} names it. Deleting the client would break that config, so the API refuses. Delete or change the config first.",
            d("ImpersonationConfigID")
        ),
        codes::IMPERSONATION_CONFIG => "An impersonation config depends on this. Delete or change that config first.".into(),
        codes::CONFLICTING_CONFIG => "Another impersonation config already covers the same impersonator and the same buyer users, so the API could not tell which client and roles apply. Edit that config instead, or narrow this one to a different group or user.".into(),
        codes::INSECURE_PASSWORD => "The password does not meet the password policy shown under the field.".into(),
        codes::VALIDATION => "The API refused a value; the field is marked.".into(),
        codes::NOT_FOUND => "It is not there (any more): someone may have deleted or renamed it. Reload the list.".into(),
        codes::INVALID_TOKEN => "Your session has ended; sign in again and retry — your input is kept.".into(),
        _ if status >= 500 => "The API failed. Your input is kept; try again later.".into(),
        _ => return None,
    })
}

/// Problems from a failed call, as one line (for small panels).
pub fn one_line(p: &[Problem]) -> String {
    p.iter()
        .map(|p| {
            format!("{} ({}){}", p.message, p.code, p.explain.as_ref().map(|e| format!(" — {e}")).unwrap_or_default())
        })
        .collect::<Vec<_>>()
        .join(" ")
}
