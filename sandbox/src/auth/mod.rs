//! Who is calling: signing keys, the caller extractor, credentials and the token endpoint,
//! impersonation. Imports `http` and `storage`.
pub mod caller;
pub mod impersonation;
pub mod keys;
pub mod oauth;

pub use caller::{issued_ms, Caller, Present};

use crate::http::error::Failure;
use crate::http::JsonBody;
use crate::http::Params;
use crate::App;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

/// This room's routes under `/v1`: impersonation tokens and their log.
pub fn router() -> Router<App> {
    Router::new()
        .route(
            "/buyers/{buyerID}/users/{userID}/accesstoken",
            post(|c: Caller, Path(p): Path<Params>, b: JsonBody| impersonation::access_token(c.app.clone(), c, p, b)),
        )
        .route("/impersonations", get(|c: Caller, RawQuery(q): RawQuery| impersonation::log(c.app.clone(), c, q)))
        .route(
            "/impersonation/sessions",
            post(|c: Caller, b: JsonBody| impersonation::start_session(c.app.clone(), c, b)),
        )
        .route(
            "/impersonation/sessions/{id}/end",
            post(|c: Caller, Path(id): Path<String>, b: JsonBody| impersonation::end_session(c.app.clone(), c, id, b)),
        )
}

/// This room's routes outside `/v1`: the token endpoint and the signing key.
pub fn outer_router() -> Router<App> {
    Router::new().route("/oauth/token", post(oauth::token)).route("/oauth/certs/{kid}", get(certs))
}

async fn certs(State(app): State<App>, Path(kid): Path<String>) -> Response {
    if kid == app.hub.keys.kid {
        crate::http::json_response(axum::http::StatusCode::OK, &app.hub.keys.jwk)
    } else {
        Failure::not_found("Cert", &kid).into_response()
    }
}
