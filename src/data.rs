//! The data client's typed side: a collection of the API named by the model's resource table
//! (and, for nested resources, the parent's ID), with the verbs the screens use. Every URL of a
//! resource object is made here; the requests go through `enhanced::call` / `load_latest`, and
//! from there through `Session::send` (the caller in force, timing, errors in the API's shape).
use crate::api::{enc, with_query, Latest, Ticket};
use crate::auth::{Caller, Session};
use crate::enhanced::{call, call_with, load_latest, Problem};
use gatehouse_model::list::ListQuery;
use gatehouse_model::resources::{Kind, ResourceDef};
use leptos::prelude::*;
use serde_json::Value;
use std::future::Future;
use web_sys::AbortSignal;

/// One collection: `/buyers/B1/users` is `At::new(Kind::BuyerUser.def(), "B1")`.
#[derive(Clone)]
pub struct At {
    pub def: &'static ResourceDef,
    /// The parent's ID for a nested resource; empty for a top-level one.
    pub parent: String,
}

impl At {
    pub fn new(def: &'static ResourceDef, parent: impl Into<String>) -> At {
        At { def, parent: parent.into() }
    }
    pub fn of(kind: Kind, parent: impl Into<String>) -> At {
        At::new(kind.def(), parent)
    }
    /// The collection's path, the parent filled in.
    pub fn collection(&self) -> String {
        match self.def.parent_param() {
            Some(p) => self.def.path.replace(&format!("{{{p}}}"), &enc(&self.parent)),
            None => self.def.path.to_string(),
        }
    }
    /// One object's path.
    pub fn item(&self, id: &str) -> String {
        item(&self.collection(), id)
    }
    /// A list request's path.
    pub fn list_path(&self, q: &ListQuery) -> String {
        with_query(&self.collection(), q)
    }

    /// One page of the list (`signal` aborts it: see [`Load`]).
    pub async fn list(
        &self,
        session: Session,
        q: &ListQuery,
        signal: Option<&AbortSignal>,
    ) -> Result<Value, Vec<Problem>> {
        call_with(session, Caller::ActingAs, "GET", &self.list_path(q), None, signal).await
    }
    /// One object; `None` when a newer load of `latest` began.
    pub async fn get(&self, session: Session, id: &str, latest: Latest) -> Option<Result<Value, Vec<Problem>>> {
        load_latest(session, Caller::ActingAs, &self.item(id), latest).await
    }
    pub async fn create(&self, session: Session, body: &Value) -> Result<Value, Vec<Problem>> {
        call(session, "POST", &self.collection(), Some(body)).await
    }
    /// Changes the given fields only.
    pub async fn patch(&self, session: Session, id: &str, body: &Value) -> Result<Value, Vec<Problem>> {
        call(session, "PATCH", &self.item(id), Some(body)).await
    }
    pub async fn delete(&self, session: Session, id: &str) -> Result<Value, Vec<Problem>> {
        call(session, "DELETE", &self.item(id), None).await
    }
}

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

impl<T: Clone + Send + Sync + 'static> Load<T> {
    /// This load on screen, the same everywhere: a spinner (and `waiting`) while the answer is
    /// on its way, its problem in one line if it failed, nothing when there is nothing to load,
    /// else `ok(answer)`.
    pub fn view(self, waiting: &'static str, ok: impl Fn(T) -> AnyView + Send + Sync + 'static) -> impl IntoView {
        move || match self.state.get() {
            None if self.loading.get() => pending(waiting),
            None => ().into_any(),
            Some(Err(p)) => failed(&p),
            Some(Ok(v)) => ok(v),
        }
    }
}

fn pending(waiting: &'static str) -> AnyView {
    view! { <p class="loading"><crate::components::Spinner/>{waiting}</p> }.into_any()
}

fn failed(p: &[Problem]) -> AnyView {
    view! { <p class="error" role="alert">{crate::enhanced::resource::one_line(p)}</p> }.into_any()
}

impl Load<Vec<(String, String)>> {
    /// The name of `id` among loaded (ID, name) pairs; the ID until they are in.
    pub fn name_of(&self, id: &str) -> String {
        self.state.with(|s| match s {
            Some(Ok(list)) => crate::enhanced::name_in(list, id),
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
            Some(Err(p)) => Some(crate::enhanced::resource::one_line(p)),
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

/// An object's path: its collection and its encoded ID (the hub's collections are in
/// `gatehouse_model::hub`).
pub fn item(collection: &str, id: &str) -> String {
    format!("{collection}/{}", enc(id))
}
