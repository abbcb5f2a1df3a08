//! Production's guard: in a production context every write waits for the person's yes before it
//! is sent (a delete for its ID typed in), and a bulk run (a plan applied, a CSV imported) is
//! asked about once, with its counts. Sign-in and token requests are not writes.
use futures::channel::oneshot;
use std::cell::RefCell;

/// A change waiting for the person's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Ask {
    /// What will happen, in one line: `DELETE /v1/apiclients/ABC`, or a plan's counts.
    pub what: String,
    /// The body to be sent, if any (pretty JSON).
    pub body: Option<String>,
    /// What must be typed to go ahead (a deleted object's ID).
    pub typed: Option<String>,
    /// The context it goes to (its label) and that context's environment.
    pub context: String,
}

thread_local! {
    /// The answer's way back to the write that waits for it.
    static REPLY: RefCell<Option<oneshot::Sender<bool>>> = const { RefCell::new(None) };
}

/// Creates, changes or deletes data (a request that only reads does not).
pub fn is_write(method: &str) -> bool {
    matches!(method.to_ascii_uppercase().as_str(), "POST" | "PUT" | "PATCH" | "DELETE")
}

/// Requests for a token (an impersonation token, and the act-as record beside it) are not
/// changes of the marketplace's data.
fn is_token_request(path: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    path.ends_with("/accesstoken") || path.contains("/impersonation/sessions")
}

/// The ID a delete of `path` removes (its last segment, decoded); none for a delete whose target
/// is named by its query (an assignment).
fn deleted_id(path: &str) -> Option<String> {
    if path.contains('?') {
        return None;
    }
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    js_sys::decode_uri_component(last).ok().map(String::from).filter(|s| !s.is_empty())
}

/// Waits for the answer to the question about to be shown (an earlier question still open is
/// answered no).
pub fn wait_for_answer() -> oneshot::Receiver<bool> {
    let (tx, rx) = oneshot::channel();
    REPLY.with(|r| {
        if let Some(old) = r.borrow_mut().replace(tx) {
            let _ = old.send(false);
        }
    });
    rx
}

/// Hands the person's answer to the write waiting for it.
pub fn reply(yes: bool) {
    REPLY.with(|r| {
        if let Some(tx) = r.borrow_mut().take() {
            let _ = tx.send(yes);
        }
    });
}

/// Whether a write of `path` (relative to the API's base) needs the person's yes in production:
/// a write that is not a token request. For a delete, also the ID to type (none when the target is
/// named by the query).
pub fn question(method: &str, path: &str) -> Option<Option<String>> {
    if !is_write(method) || is_token_request(path) {
        return None;
    }
    Some(if method.eq_ignore_ascii_case("DELETE") { deleted_id(path) } else { None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_token_requests() {
        for m in ["POST", "put", "PATCH", "DELETE"] {
            assert!(is_write(m), "{m}");
        }
        assert!(!is_write("GET") && !is_write("HEAD") && !is_write("OPTIONS"));
        assert!(is_token_request("/v1/buyers/B/users/U/accesstoken"));
        assert!(is_token_request("/v1/impersonation/sessions/S/end"));
        assert!(!is_token_request("/v1/apiclients/accesstokens-log"));
    }
}
