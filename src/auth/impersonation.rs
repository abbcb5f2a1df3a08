//! The impersonation token in force (act-as mode), kept apart from the user's own tokens.
use leptos::prelude::window;
use serde::{Deserialize, Serialize};

const KEY: &str = "gatehouse.impersonation";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Acting {
    pub token: String,
    pub buyer_id: String,
    pub user_id: String,
    pub username: String,
    pub client_id: String,
    pub roles: Vec<String>,
    pub expires_at: f64,
    pub started: f64,
}

pub fn load() -> Option<Acting> {
    window().session_storage().ok().flatten()?.get_item(KEY).ok().flatten().and_then(|t| serde_json::from_str(&t).ok())
}

pub fn save(acting: &Option<Acting>) {
    if let Some(s) = window().session_storage().ok().flatten() {
        match acting {
            Some(a) => {
                let _ = s.set_item(KEY, &serde_json::to_string(a).unwrap_or_default());
            }
            None => {
                let _ = s.remove_item(KEY);
            }
        }
    }
}
