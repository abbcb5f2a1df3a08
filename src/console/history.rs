//! The request history: every request sent from the console, kept in this browser per context
//! (marketplace or organization and user), newest first and capped, so that it survives a
//! reload. An entry holds what the form held (parameters, filters, body) so that it can be put
//! back into the form or sent again; it never holds a token, and body fields that carry a
//! password, a secret or a token are left out before anything is stored.
use crate::auth::Session;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

const KEY: &str = "gatehouse.history:";
/// Entries kept per context.
pub const CAP: usize = 50;
/// A body longer than this (serialized) is not kept; the entry says so.
const BODY_CAP: usize = 16 * 1024;

/// One request as the form held it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Entry {
    /// The operation's key (`METHOD /path`).
    pub op: String,
    pub method: String,
    /// Path and query as sent, relative to the API's base.
    pub path: String,
    pub path_values: Vec<(String, String)>,
    pub query_values: Vec<(String, String)>,
    pub sort: String,
    pub desc: bool,
    /// Filter rows: field, operator, value.
    pub filters: Vec<(String, String, String)>,
    pub body: Option<Value>,
    /// The body was too long to keep.
    pub body_dropped: bool,
    pub status: u16,
    pub ms: u32,
    /// `Date.now()` when it was sent.
    pub at: f64,
    /// The buyer user it was sent as, while acting as one.
    pub as_user: Option<String>,
    /// The context it was sent in (its label) and that context's environment when it was sent.
    #[serde(default)]
    pub context: String,
    #[serde(default)]
    pub env: String,
    /// Why a request has no status: `stopped` (Stop) or `no answer` (the API could not be
    /// reached, or the connection broke while the answer arrived). Such a request is kept too:
    /// a change may have reached the API all the same. Empty for an answered request.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unanswered: String,
}

/// Whether a field name names something secret: never kept.
pub fn is_secret(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("password") || n.contains("secret") || n.ends_with("token") || n == "authorization"
}

/// `v` without any field whose name is secret, at any depth.
pub fn redact(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            Value::Object(m.iter().filter(|(k, _)| !is_secret(k)).map(|(k, v)| (k.clone(), redact(v))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(redact).collect()),
        other => other.clone(),
    }
}

impl Entry {
    /// The entry as it may be stored: secrets out, an over-long body dropped.
    pub fn storable(mut self) -> Entry {
        self.body = self.body.as_ref().map(redact);
        if self.body.as_ref().is_some_and(|b| b.to_string().len() > BODY_CAP) {
            self.body = None;
            self.body_dropped = true;
        }
        self.query_values.retain(|(k, _)| !is_secret(k));
        self
    }
    /// The outcome as the list says it: the status, or why there is none.
    pub fn outcome(&self) -> String {
        if self.unanswered.is_empty() {
            self.status.to_string()
        } else {
            self.unanswered.clone()
        }
    }
    /// What the search box matches against.
    pub fn haystack(&self) -> String {
        crate::text::fold(&format!(
            "{} {} {} {} {}",
            self.outcome(),
            self.method,
            self.path,
            self.as_user.as_deref().unwrap_or_default(),
            self.env
        ))
    }
}

/// Reads a stored list; anything unreadable is an empty history (it was written by another
/// version, or edited by hand), never an error that blocks the console.
pub fn parse(text: &str) -> Vec<Entry> {
    serde_json::from_str(text).unwrap_or_default()
}

/// Adds `e` in front, keeping at most [`CAP`].
pub fn push(list: &mut Vec<Entry>, e: Entry) {
    list.insert(0, e.storable());
    list.truncate(CAP);
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// The history of the active context, kept in step with it: switching context shows that
/// context's own history.
#[derive(Clone, Copy)]
pub struct History {
    pub entries: RwSignal<Vec<Entry>>,
    /// An entry to put back into the form of its operation; `true`: and send it.
    pub restore: RwSignal<Option<(Entry, bool)>>,
    session: Session,
}

impl History {
    pub fn new(session: Session) -> History {
        let h = History { entries: RwSignal::new(Vec::new()), restore: RwSignal::new(None), session };
        Effect::new(move |_| {
            let key = session.active.get().map(|id| format!("{KEY}{id}"));
            let list = key.and_then(|k| storage()?.get_item(&k).ok().flatten()).map(|t| parse(&t)).unwrap_or_default();
            h.entries.set(list);
        });
        h
    }
    /// Records a request sent in the active context.
    pub fn record(&self, e: Entry) {
        self.entries.update(|l| push(l, e));
        if let (Some(id), Some(s)) = (self.session.active.get_untracked(), storage()) {
            let text = self.entries.with_untracked(|l| serde_json::to_string(l).unwrap_or_default());
            let _ = s.set_item(&format!("{KEY}{id}"), &text);
        }
    }
    /// Forgets the active context's history.
    pub fn clear(&self) {
        self.entries.set(Vec::new());
        if let (Some(id), Some(s)) = (self.session.active.get_untracked(), storage()) {
            let _ = s.remove_item(&format!("{KEY}{id}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(n: u16) -> Entry {
        Entry {
            op: "POST /adminusers".into(),
            method: "POST".into(),
            path: "/adminusers".into(),
            status: n,
            ..Default::default()
        }
    }

    #[test]
    fn an_entry_round_trips_through_storage_text() {
        let mut e = entry(201);
        e.path_values = vec![("buyerID".into(), "b1".into())];
        e.filters = vec![("Active".into(), "eq".into(), "true".into())];
        e.body = Some(json!({"Username": "ann", "xp": {"Tier": 2}}));
        e.as_user = Some("buyer01".into());
        e.context = "admin01 @ api.ordercloud.io".into();
        e.env = "production".into();
        let mut list = Vec::new();
        push(&mut list, e.clone());
        let text = serde_json::to_string(&list).unwrap();
        assert_eq!(parse(&text), vec![e]);
    }

    #[test]
    fn secrets_never_reach_storage() {
        let mut e = entry(201);
        e.body = Some(
            json!({"Username": "ann", "Password": "Secret-123", "xp": {"apiToken": "t", "ClientSecret": "s", "AccessTokenDuration": 600}}),
        );
        e.query_values = vec![("access_token".into(), "t".into()), ("search".into(), "ann".into())];
        let text = serde_json::to_string(&e.storable()).unwrap();
        for secret in ["Secret-123", "apiToken", "ClientSecret", "access_token"] {
            assert!(!text.contains(secret), "{secret} stored: {text}");
        }
        // durations named after tokens are not secrets
        assert!(text.contains("AccessTokenDuration") && text.contains("ann"));
    }

    #[test]
    fn the_history_is_capped_newest_first_and_long_bodies_are_dropped() {
        let mut list = Vec::new();
        for n in 0..(CAP as u16 + 10) {
            push(&mut list, entry(n));
        }
        assert_eq!(list.len(), CAP);
        assert_eq!(list[0].status, CAP as u16 + 9);
        let mut big = entry(1);
        big.body = Some(json!({"Description": "x".repeat(BODY_CAP + 1)}));
        let kept = big.storable();
        assert!(kept.body.is_none() && kept.body_dropped);
    }

    #[test]
    fn an_unanswered_request_is_kept_with_why_and_older_entries_read_as_answered() {
        let mut e = entry(0);
        e.unanswered = "stopped".into();
        assert_eq!(e.outcome(), "stopped");
        assert!(e.haystack().contains("stopped post /adminusers"), "{}", e.haystack());
        let text = serde_json::to_string(&vec![e.clone()]).unwrap();
        assert_eq!(parse(&text), vec![e]);
        // an entry stored before the field existed
        let old = parse(
            r#"[{"op":"GET /me","method":"GET","path":"/me","path_values":[],"query_values":[],"sort":"","desc":false,"filters":[],"body":null,"body_dropped":false,"status":200,"ms":5,"at":1.0,"as_user":null}]"#,
        );
        assert_eq!((old.len(), old[0].outcome()), (1, "200".to_string()));
        // an answered entry is stored without the field
        assert!(!serde_json::to_string(&entry(201)).unwrap().contains("unanswered"));
    }

    #[test]
    fn unreadable_storage_is_an_empty_history() {
        assert!(parse("{not json").is_empty());
        assert!(parse("{\"op\": 1}").is_empty());
    }
}
