//! Addresses: a collection of the API named by the model's resource table (and, for nested
//! resources, the parent's ID), with the verbs the screens use. Every URL of a resource object
//! is made here.
use super::problem::Problem;
use super::transport::{call, call_with, load_latest};
use crate::api::{item, with_query, Latest};
use crate::auth::{Caller, Session};
use gatehouse_model::list::ListQuery;
use gatehouse_model::resources::{Kind, ResourceDef};
use serde_json::Value;
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
            Some(p) => self.def.path.replace(&format!("{{{p}}}"), &crate::api::enc(&self.parent)),
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

    /// One page of the list (`signal` aborts it: see [`super::Load`]).
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
