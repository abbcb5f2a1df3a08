//! The impersonation token in force (act-as mode), kept apart from the user's own tokens.
use crate::json;
use gatehouse_model::read;
use leptos::prelude::window;
use serde_json::Value;

const KEY: &str = "gatehouse.impersonation";

#[derive(Debug, Clone, PartialEq)]
pub struct Acting {
    pub token: String,
    pub buyer_id: String,
    /// The buyer's name, for people (may be empty: then the ID is shown).
    pub buyer_name: String,
    pub user_id: String,
    pub username: String,
    pub client_id: String,
    /// The API client's AppName when the rep may read it, else empty (then the ID is shown).
    pub client_name: String,
    pub roles: Vec<String>,
    pub expires_at: f64,
    pub started: f64,
    /// Why the rep acts (a ticket number or words); empty when config.json made it optional.
    pub reason: String,
    /// The API's record of this session when it keeps one (the sandbox's
    /// `POST /v1/impersonation/sessions`), else empty.
    pub session_id: String,
}

impl Acting {
    /// The stored form, read back by `parse`.
    fn to_json(&self) -> Value {
        serde_json::json!({
            "token": self.token, "buyer_id": self.buyer_id, "buyer_name": self.buyer_name, "user_id": self.user_id, "username": self.username,
            "client_id": self.client_id, "client_name": self.client_name, "roles": self.roles, "expires_at": self.expires_at, "started": self.started,
            "reason": self.reason, "session_id": self.session_id,
        })
    }
}

pub fn load() -> Option<Acting> {
    parse(&window().session_storage().ok().flatten()?.get_item(KEY).ok().flatten()?)
}

/// Reads the stored act-as state (as `save` writes it).
pub fn parse(text: &str) -> Option<Acting> {
    let v: Value = serde_json::from_str(text).ok()?;
    let a = Acting {
        token: read::text(&v, "token"),
        buyer_id: read::text(&v, "buyer_id"),
        buyer_name: read::text(&v, "buyer_name"),
        user_id: read::text(&v, "user_id"),
        username: read::text(&v, "username"),
        client_id: read::text(&v, "client_id"),
        client_name: read::text(&v, "client_name"),
        roles: json::strings(&v["roles"]),
        expires_at: json::number(&v, "expires_at"),
        started: json::number(&v, "started"),
        reason: read::text(&v, "reason"),
        session_id: read::text(&v, "session_id"),
    };
    (!a.token.is_empty()).then_some(a)
}

const REQUESTS: &str = "gatehouse.impersonation.requests";

/// Counts one request sent as the buyer (with the act-as token), for the act-as record.
pub fn count_request() {
    if let Some(s) = window().session_storage().ok().flatten() {
        let _ = s.set_item(REQUESTS, &(requests() + 1).to_string());
    }
}

/// The requests sent as the buyer since the act-as session began.
pub fn requests() -> u32 {
    window()
        .session_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(REQUESTS).ok().flatten())
        .and_then(|t| t.parse().ok())
        .unwrap_or(0)
}

pub fn reset_requests() {
    if let Some(s) = window().session_storage().ok().flatten() {
        let _ = s.remove_item(REQUESTS);
    }
}

pub fn save(acting: &Option<Acting>) {
    if let Some(s) = window().session_storage().ok().flatten() {
        match acting {
            Some(a) => {
                let _ = s.set_item(KEY, &a.to_json().to_string());
            }
            None => {
                let _ = s.remove_item(KEY);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_act_as_state_reads_back_as_written() {
        let a = Acting {
            token: "a.b.c".into(),
            buyer_id: "BUYER".into(),
            buyer_name: "Buyer Org".into(),
            user_id: "U1".into(),
            username: "buyer01".into(),
            client_id: "CLIENT".into(),
            client_name: "Storefront".into(),
            roles: vec!["Shopper".into(), "MeAdmin".into()],
            expires_at: 1.7e12,
            started: 1.6e12,
            reason: "TICKET-1".into(),
            session_id: "7".into(),
        };
        assert_eq!(parse(&a.to_json().to_string()), Some(a));
        assert_eq!(parse("{\"token\":\"\"}"), None, "no token, no act-as state");
        assert_eq!(parse("not json"), None);
    }
}
