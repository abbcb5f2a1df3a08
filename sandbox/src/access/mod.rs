//! Who may do what: API client, security profile and user group assignments.
//! Imports `http`, `storage` and `auth`.
pub mod assignments;

use crate::auth::Caller;
use crate::http::JsonBody;
use crate::http::Params;
use crate::App;
use axum::extract::{Path, RawQuery};
use axum::routing::{delete, get};
use axum::Router;
use gatehouse_model::resources::UserType;

type P = Path<Params>;

/// This room's routes under `/v1`: API client, security profile and user group assignments.
pub fn router() -> Router<App> {
    let mut r = Router::new()
        .route(
            "/apiclients/assignments",
            get(|c: Caller, RawQuery(q): RawQuery| assignments::list_api_client(c.app.clone(), c, q))
                .post(|c: Caller, b: JsonBody| assignments::save_api_client(c.app.clone(), c, b)),
        )
        .route(
            "/buyers/{buyerID}/ApiClients/Assignments/{apiClientID}",
            delete(|c: Caller, Path(p): P| assignments::delete_api_client(c.app.clone(), c, p, "BuyerID")),
        )
        .route(
            "/suppliers/{supplierID}/ApiClients/Assignments/{apiClientID}",
            delete(|c: Caller, Path(p): P| assignments::delete_api_client(c.app.clone(), c, p, "SupplierID")),
        )
        .route(
            "/securityprofiles/assignments",
            get(|c: Caller, RawQuery(q): RawQuery| assignments::list_security_profile(c.app.clone(), c, q))
                .post(|c: Caller, b: JsonBody| assignments::save_security_profile(c.app.clone(), c, b)),
        )
        .route(
            "/securityprofiles/{securityProfileID}/assignments",
            delete(|c: Caller, Path(p): P, RawQuery(q): RawQuery| {
                assignments::delete_security_profile(c.app.clone(), c, p, q)
            }),
        );
    for (t, base) in [
        (UserType::Admin, "/usergroups"),
        (UserType::Buyer, "/buyers/{buyerID}/usergroups"),
        (UserType::Supplier, "/suppliers/{supplierID}/usergroups"),
    ] {
        r = r
            .route(
                &format!("{base}/assignments"),
                get(move |c: Caller, Path(p): P, RawQuery(q): RawQuery| {
                    assignments::list_memberships(t, c.app.clone(), c, p, q)
                })
                .post(move |c: Caller, Path(p): P, b: JsonBody| {
                    assignments::save_membership(t, c.app.clone(), c, p, b)
                }),
            )
            .route(
                &format!("{base}/{{userGroupID}}/assignments/{{userID}}"),
                delete(move |c: Caller, Path(p): P| assignments::delete_membership(t, c.app.clone(), c, p)),
            );
    }
    r
}
