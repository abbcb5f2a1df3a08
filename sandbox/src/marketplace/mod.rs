//! The table-driven marketplace resources (create, read, update, delete, lists) and `/me`.
//! Imports every room below it, never `hub`.
pub mod crud;
pub mod me;

use crate::auth::Caller;
use crate::http::JsonBody;
use crate::http::Params;
use crate::App;
use axum::extract::{Path, RawQuery};
use axum::routing::{delete, get, post};
use axum::Router;
use gatehouse_model::resources::RESOURCES;
use gatehouse_model::validate::Mode;

type P = Path<Params>;

/// This room's routes under `/v1`: every resource of the model's table, `/me`, and a user's
/// tokens and lock.
pub fn router() -> Router<App> {
    let mut r = Router::new();
    for def in RESOURCES {
        let def: &'static _ = def;
        r = r
            .route(
                def.path,
                get(move |c: Caller, Path(p): P, RawQuery(q): RawQuery| crud::list(def, c.app.clone(), c, p, q))
                    .post(move |c: Caller, Path(p): P, b: JsonBody| crud::create(def, c.app.clone(), c, p, b)),
            )
            .route(
                &def.item_path(),
                get(move |c: Caller, Path(p): P| crud::get(def, c.app.clone(), c, p))
                    .put(move |c: Caller, Path(p): P, b: JsonBody| crud::save(def, c.app.clone(), c, p, b))
                    .patch(move |c: Caller, Path(p): P, b: JsonBody| crud::patch(def, c.app.clone(), c, p, b))
                    .delete(move |c: Caller, Path(p): P| crud::delete(def, c.app.clone(), c, p)),
            );
    }
    r.route(
        "/me",
        get(|c: Caller| me::get(c.app.clone(), c))
            .put(|c: Caller, b: JsonBody| me::update(c.app.clone(), c, b, Mode::Full))
            .patch(|c: Caller, b: JsonBody| me::update(c.app.clone(), c, b, Mode::Partial)),
    )
    .route("/adminusers/{userID}/tokens", delete(|c: Caller, Path(p): P| me::revoke_tokens(c.app.clone(), c, p)))
    .route("/adminusers/{userID}/unlock", post(|c: Caller, Path(p): P| me::unlock(c.app.clone(), c, p)))
}
