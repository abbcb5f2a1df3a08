//! Writes: every save, delete, sign-in and organization change is an action in Leptos's sense
//! (an async job dispatched from an event, its pending state and its last answer as signals),
//! so what a write looks like while on its way and after it failed is the same state shown by
//! the same components everywhere (`components::Busy`, `components::Failed`), not a pair of
//! flags per screen. [`Write`] is this small action of ours rather than `Action::new_local`:
//! the same shape, without the 4.5 KB (brotli) that `Action`'s machinery added to the bundle.
//! A job is the call and what follows its success; it answers what went wrong, if anything.
use super::problem::{one_line, Problem};
use super::transport::call;
use crate::auth::Session;
use leptos::prelude::*;
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;

/// The writes of one panel or form. `E` is how a failure is said: one line (`String`, the
/// default) or the API's problems, listed.
pub struct Write<E: Send + Sync + 'static = String> {
    /// Jobs on their way.
    running: RwSignal<u32>,
    /// What the newest job to end answered, if it failed.
    failure: RwSignal<Option<E>>,
}

impl<E: Send + Sync + 'static> Clone for Write<E> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<E: Send + Sync + 'static> Copy for Write<E> {}

impl<E: Clone + Send + Sync + 'static> Default for Write<E> {
    fn default() -> Self {
        Write::new()
    }
}

impl<E: Clone + Send + Sync + 'static> Write<E> {
    pub fn new() -> Write<E> {
        Write { running: RwSignal::new(0), failure: RwSignal::new(None) }
    }
    /// Runs `job`: the write is pending until it ends; what it answers replaces the failure
    /// shown (`Ok` clears it).
    pub fn run(&self, job: impl Future<Output = Result<(), E>> + 'static) {
        // boxed here, so the task below is compiled once per `E`, not once per call site
        self.run_boxed(Box::pin(job));
    }
    fn run_boxed(&self, job: Pin<Box<dyn Future<Output = Result<(), E>>>>) {
        let Write { running, failure } = *self;
        running.update(|n| *n += 1);
        leptos::task::spawn_local(async move {
            let answer = job.await;
            // the screen may be gone by now: then there is nothing to show it on
            running.try_update(|n| *n -= 1);
            failure.try_set(answer.err());
        });
    }
    /// Refuses before sending anything: `why` is shown as the failure.
    pub fn refuse(&self, why: E) {
        self.failure.set(Some(why));
    }
    /// A job is on its way (tracked).
    pub fn pending(&self) -> bool {
        self.running.get() > 0
    }
    /// [`Write::pending`], untracked (in an event handler).
    pub fn pending_untracked(&self) -> bool {
        self.running.get_untracked() > 0
    }
    /// What went wrong with the newest job (tracked).
    pub fn failed(&self) -> Option<E> {
        self.failure.get()
    }
    /// Forgets the failure shown.
    pub fn clear(&self) {
        self.failure.set(None);
    }
}

impl Write<String> {
    /// Sends a change from a panel (an assignment, a membership): on success runs `then`
    /// (which reloads the panel); on failure the problems, explained, in one line.
    pub fn change(
        &self,
        session: Session,
        method: &'static str,
        path: String,
        body: Option<Value>,
        then: impl FnOnce() + 'static,
    ) {
        self.run(async move {
            call(session, method, &path, body.as_ref()).await.map_err(|p: Vec<Problem>| one_line(&p))?;
            then();
            Ok(())
        });
    }
}
