//! Reading the portal's own JSON (stored contexts, token claims, act-as records, error bodies)
//! by hand. serde's derived readers cost about 3 KB of wasm per type (a claim that is a string
//! or a list took 7 KB); these few lines do the same job for all of them. Writing still uses
//! `#[derive(Serialize)]`, so the stored format is the field names as written in the structs.
use serde_json::Value;

/// The text at `key`, if there is text there.
pub fn opt_string(v: &Value, key: &str) -> Option<String> {
    v[key].as_str().map(String::from)
}

/// The number at `key`, or 0.
pub fn number(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or_default()
}

/// A list of texts; a single text counts as a list of one (JWT claims such as `role` are
/// written either way).
pub fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().filter_map(|x| x.as_str().map(String::from)).collect(),
        _ => Vec::new(),
    }
}

/// Parses text and reads every item of a JSON array with `read`, skipping unreadable items.
pub fn list<T>(text: &str, read: impl Fn(&Value) -> Option<T>) -> Vec<T> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => items.iter().filter_map(read).collect(),
        _ => Vec::new(),
    }
}
