//! Loads: what a screen shows of the API, keyed on what it depends on, the older run aborted
//! when a newer one begins (see [`Load`]). How a load looks on screen is the components' part
//! (`components::LoadView`).
use super::problem::Problem;
use crate::api::{Latest, Ticket};
use leptos::prelude::*;
use std::future::Future;
use web_sys::AbortSignal;

type Task = std::pin::Pin<Box<dyn Future<Output = ()>>>;

/// The reactive side of every [`Load`], written once (not once per answer type): on each change
/// of what the key reads, or of the version, the run before is aborted and the next begins.
fn drive(version: RwSignal<u32>, loading: RwSignal<bool>, latest: Latest, task: Box<dyn Fn(Ticket) -> Option<Task>>) {
    Effect::new(move |_| {
        version.track();
        match task(latest.begin()) {
            Some(run) => {
                loading.set(true);
                leptos::task::spawn_local(run);
            }
            None => {
                latest.abort();
                loading.set(false);
            }
        }
    });
}

/// What a load holds: nothing yet (on its way, or nothing to load), or the newest answer.
pub type Loaded<T> = Option<Result<T, Vec<Problem>>>;

/// A load keyed on what it depends on: the portal's resource. `key` is read reactively; when
/// what it reads changes, or [`Load::reload`] bumps the version (after a save), the load runs
/// again: the run before is aborted (its AbortController: `fetch` gets the signal to pass on)
/// and its answer dropped, and leaving the screen aborts the run in flight. So `state` only
/// ever holds the answer for the newest key; `key` giving `None` means nothing to load.
pub struct Load<T: Send + Sync + 'static> {
    pub state: RwSignal<Loaded<T>>,
    /// A run is on its way.
    pub loading: RwSignal<bool>,
    version: RwSignal<u32>,
    latest: Latest,
}

impl<T: Clone + Default + Send + Sync + 'static> Load<T> {
    /// The answer; empty while loading or after a failure (see [`Load::problem`]).
    pub fn value(&self) -> T {
        self.state.with(|s| match s {
            Some(Ok(v)) => v.clone(),
            _ => T::default(),
        })
    }
}

impl Load<Vec<(String, String)>> {
    /// The name of `id` among loaded (ID, name) pairs; the ID until they are in.
    pub fn name_of(&self, id: &str) -> String {
        self.state.with(|s| match s {
            Some(Ok(list)) => super::names::name_in(list, id),
            _ => id.to_string(),
        })
    }
}

impl<T: Send + Sync + 'static> Clone for Load<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Load<T> {}

impl<T: Send + Sync + 'static> Load<T> {
    /// `keep`: while a newer answer is on its way the older stays shown (a list being paged);
    /// otherwise the state empties at once (a panel about another object).
    pub fn new<K: 'static, F: Future<Output = Result<T, Vec<Problem>>> + 'static>(
        key: impl Fn() -> Option<K> + 'static,
        fetch: impl Fn(K, Option<AbortSignal>) -> F + 'static,
        keep: bool,
    ) -> Load<T> {
        let state = RwSignal::new(None);
        let loading = RwSignal::new(false);
        let version = RwSignal::new(0u32);
        let latest = Latest::new();
        // the part that knows the answer's type: for the key in force, the task that loads it
        // and keeps its answer if it is still the newest (None: nothing to load)
        let task = move |ticket: Ticket| -> Option<Task> {
            let Some(k) = key() else {
                state.set(None);
                return None;
            };
            if !keep {
                state.set(None);
            }
            let run = untrack(|| fetch(k, ticket.signal.clone()));
            Some(Box::pin(async move {
                let answer = run.await;
                if latest.is_current(&ticket) {
                    state.set(Some(answer));
                    loading.set(false);
                }
            }))
        };
        drive(version, loading, latest, Box::new(task));
        Load { state, loading, version, latest }
    }
    /// What went wrong, in one line (None while loading or after an answer).
    pub fn problem(&self) -> Option<String> {
        self.state.with(|s| match s {
            Some(Err(p)) => Some(super::problem::one_line(p)),
            _ => None,
        })
    }
    /// An answer from elsewhere (a file the user opened): the run in flight is aborted.
    pub fn set(&self, answer: Result<T, Vec<Problem>>) {
        self.latest.abort();
        self.state.set(Some(answer));
        self.loading.set(false);
    }
    /// Loads the same key again (after a save changed what it reads).
    pub fn reload(&self) {
        self.version.update(|v| *v += 1);
    }
}
