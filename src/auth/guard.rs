//! Production's guard: in a production context every write waits for the person's yes before it
//! is sent (a delete for its ID typed in), and a bulk run (a plan applied, a CSV imported) is
//! asked about once, with its counts. Sign-in and token requests are not writes.
use super::Session;
use futures::channel::oneshot;
use gatehouse_model::environment::Environment;
use leptos::prelude::*;
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

impl Session {
    /// The environment of the context in force (sandbox when none is signed in).
    pub fn environment(&self) -> Environment {
        self.current().map(|c| c.environment()).unwrap_or(Environment::Sandbox)
    }

    /// Before a request is sent: in production, a write not covered by a confirmed bulk run
    /// waits for the person's yes; false: it must not be sent.
    pub(super) async fn allowed(&self, method: &str, url: &str, body: Option<&str>) -> bool {
        let Some(ctx) = self.current_untracked() else { return true };
        let path = url.strip_prefix(ctx.base_url.trim_end_matches('/')).unwrap_or(url);
        if !is_write(method)
            || is_token_request(path)
            || ctx.environment() != Environment::Production
            || self.bulk.get_untracked() > 0
        {
            return true;
        }
        let pretty = body
            .and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok())
            .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default());
        let typed = if method.eq_ignore_ascii_case("DELETE") { deleted_id(path) } else { None };
        self.ask(Ask {
            what: format!("{} {path}", method.to_ascii_uppercase()),
            body: pretty,
            typed,
            context: ctx.label(),
        })
        .await
    }

    /// Shows `ask` and waits for the answer (an earlier question still open is answered no).
    pub async fn ask(&self, ask: Ask) -> bool {
        let (tx, rx) = oneshot::channel();
        REPLY.with(|r| {
            if let Some(old) = r.borrow_mut().replace(tx) {
                let _ = old.send(false);
            }
        });
        self.asking.set(Some(ask));
        rx.await.unwrap_or(false)
    }

    /// The person's answer to the question on screen.
    pub fn answer(&self, yes: bool) {
        self.asking.set(None);
        REPLY.with(|r| {
            if let Some(tx) = r.borrow_mut().take() {
                let _ = tx.send(yes);
            }
        });
    }

    /// A bulk run (`what`: its counts) asked about once in production; while the returned guard
    /// lives, its writes go without asking again. `None`: the person said no.
    pub async fn confirm_bulk(&self, what: String) -> Option<Bulk> {
        if self.environment() == Environment::Production {
            let ctx = self.current_untracked().map(|c| c.label()).unwrap_or_default();
            if !self.ask(Ask { what, body: None, typed: None, context: ctx }).await {
                return None;
            }
        }
        self.bulk.update(|n| *n += 1);
        Some(Bulk(*self))
    }
}

/// A confirmed bulk run in progress (see [`Session::confirm_bulk`]).
pub struct Bulk(Session);

impl Drop for Bulk {
    fn drop(&mut self) {
        self.0.bulk.update(|n| *n = n.saturating_sub(1));
    }
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
