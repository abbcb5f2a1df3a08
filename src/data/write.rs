//! Writes: every save, delete, sign-in and organization change is a Leptos action
//! (`Action::new_local`), so what a write looks like while on its way and after it failed is
//! the action's state, shown by the same components everywhere (`components::Busy`,
//! `components::Failed`), not a pair of flags per screen. A [`Write`] runs one job at a time per
//! panel: the call and what follows its success; the job answers what went wrong, if anything.
use super::problem::{one_line, Problem};
use super::transport::call;
use crate::auth::Session;
use leptos::prelude::*;
use serde_json::Value;
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;

type Job<E> = Pin<Box<dyn Future<Output = Result<(), E>>>>;

/// The writes of one panel or form. `E` is how a failure is said: one line (`String`, the
/// default) or the API's problems, listed.
pub struct Write<E: 'static = String> {
    action: Action<Cell<Option<Job<E>>>, Result<(), E>>,
}

impl<E: 'static> Clone for Write<E> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<E: 'static> Copy for Write<E> {}

impl<E: Clone + 'static> Default for Write<E> {
    fn default() -> Self {
        Write::new()
    }
}

impl<E: Clone + 'static> Write<E> {
    pub fn new() -> Write<E> {
        let action = Action::new_local(|job: &Cell<Option<Job<E>>>| {
            let job = job.take();
            async move {
                match job {
                    Some(job) => job.await,
                    None => Ok(()),
                }
            }
        });
        Write { action }
    }
    /// Runs `job`: the write is pending until it ends; what it answers replaces the failure
    /// shown (`Ok` clears it).
    pub fn run(&self, job: impl Future<Output = Result<(), E>> + 'static) {
        self.action.dispatch_local(Cell::new(Some(Box::pin(job))));
    }
    /// Refuses before sending anything: `why` is shown as the failure.
    pub fn refuse(&self, why: E) {
        self.run(async move { Err(why) });
    }
    /// A job is on its way (tracked).
    pub fn pending(&self) -> bool {
        self.action.pending().get()
    }
    /// [`Write::pending`], untracked (in an event handler).
    pub fn pending_untracked(&self) -> bool {
        self.action.pending().get_untracked()
    }
    /// What went wrong with the newest job (tracked).
    pub fn failed(&self) -> Option<E> {
        self.action.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned()))
    }
    /// Forgets the failure shown.
    pub fn clear(&self) {
        self.action.clear();
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
