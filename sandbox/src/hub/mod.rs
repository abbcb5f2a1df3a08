//! The layer above the marketplaces: accounts (people, by email), organizations (each an
//! independent marketplace in a database file of its own), memberships (account × organization ×
//! role) and invitations; the index that says which organization an API client belongs to is
//! `storage::clients`.
//!
//! The hub's tables live in the main database file, beside the first organization's marketplace
//! (`MAIN_ORG`); every other organization's marketplace is `<main file>.orgs/<org id>.db`. A
//! request reaches exactly one marketplace, the one its API client belongs to, so nothing one
//! organization's token does can touch another organization's file.
//!
//! An account works in an organization as a seller user provisioned for its membership
//! (`ACCOUNT_<account id>`, no password), holding the roles of its membership role through a
//! security profile assigned to that user: `ORG_ADMIN` (FullAccess), `ORG_MEMBER`
//! (`MEMBER_ROLES`), or a custom role's `ORG_ROLE_<id>`. The raw API shows all of it.
use crate::App;

mod accounts;
pub mod applications;
mod invitations;
mod lockout;
mod members;
mod migrations;
pub mod oem;
mod organizations;
mod roles;
pub mod routes;
mod rules;

pub use accounts::*;
pub use invitations::*;
pub use lockout::*;
pub use members::*;
pub use migrations::migrate;
pub use organizations::*;
pub use roles::*;
pub use rules::*;

/// This room's routes under `/v1`: accounts, organizations, members, invitations, roles and
/// applications.
pub fn router() -> axum::Router<App> {
    use crate::auth::Caller;
    use crate::http::JsonBody;
    use axum::extract::{Path, State};
    use axum::routing::{delete, get, post};
    use gatehouse_model::hub as paths;
    axum::Router::new()
        .route(paths::SIGN_UP, post(|State(app): State<App>, b: JsonBody| routes::sign_up(app, b)))
        .route(paths::SIGN_IN, post(|State(app): State<App>, b: JsonBody| routes::sign_in(app, b)))
        .route(paths::SIGN_OUT, post(routes::sign_out))
        .route(paths::ACCOUNT, get(routes::me).patch(routes::update_me))
        .route(paths::MY_ORGANIZATIONS, get(routes::my_orgs).post(routes::create_org))
        .route(
            &format!("{}/{{orgID}}", paths::MY_ORGANIZATIONS),
            delete(|c: routes::AccountCaller, Path(o): Path<String>| routes::leave_org(c, o)),
        )
        .route(paths::SESSION, post(|State(app): State<App>, b: JsonBody| routes::redeem_session(app, b)))
        .route(paths::FIRST_PASSWORD, post(|State(app): State<App>, b: JsonBody| routes::set_first_password(app, b)))
        .route(paths::EVENTS, get(routes::events))
        .route(
            &format!("{}/{{orgID}}{}", paths::MY_ORGANIZATIONS, paths::TOKEN),
            post(|c: routes::AccountCaller, Path(o): Path<String>, b: JsonBody| routes::org_token(c, o, b)),
        )
        .route(
            &format!("{}/{{code}}", paths::INVITATION_CODES),
            get(|State(app): State<App>, Path(code): Path<String>| routes::show_invitation(app, code)),
        )
        .route(
            &format!("{}/{{code}}{}", paths::INVITATION_CODES, paths::ACCEPT),
            post(|c: routes::AccountCaller, Path(code): Path<String>| routes::accept_invitation(c, code)),
        )
        .route(paths::ORGANIZATION, get(routes::get_org).patch(routes::rename_org))
        .route(paths::MEMBERS, get(routes::list_members))
        .route(
            &format!("{}/{{accountID}}", paths::MEMBERS),
            axum::routing::patch(|c: Caller, Path(a): Path<String>, b: JsonBody| routes::set_member_role(c, a, b))
                .delete(|c: Caller, Path(a): Path<String>| routes::remove_member(c, a)),
        )
        .route(paths::INVITATIONS, get(routes::list_invitations).post(routes::invite))
        .route(
            &format!("{}/{{invitationID}}", paths::INVITATIONS),
            delete(|c: Caller, Path(i): Path<String>| routes::revoke_invitation(c, i)),
        )
        .route(paths::APPLICATIONS, get(applications::list).post(applications::create))
        .route(
            &format!("{}/{{applicationID}}", paths::APPLICATIONS),
            get(|c: Caller, Path(a): Path<String>| applications::get(c, a))
                .patch(|c: Caller, Path(a): Path<String>, b: JsonBody| applications::rename(c, a, b))
                .delete(|c: Caller, Path(a): Path<String>| applications::delete(c, a)),
        )
        .route(
            &format!("{}/{{applicationID}}{}", paths::APPLICATIONS, paths::SECRET),
            post(|c: Caller, Path(a): Path<String>| applications::rotate(c, a)),
        )
        .route(paths::ROLES, get(routes::list_roles).post(routes::create_role))
        .route(
            &format!("{}/{{roleID}}", paths::ROLES),
            axum::routing::put(|c: Caller, Path(r): Path<String>, b: JsonBody| routes::save_role(c, r, b))
                .delete(|c: Caller, Path(r): Path<String>| routes::delete_role(c, r)),
        )
}

/// This room's routes outside `/v1`: the OEM API.
pub fn outer_router() -> axum::Router<App> {
    use axum::routing::post;
    axum::Router::new()
        .route("/api/oem-api/organization", post(oem::create_organization))
        .route("/api/oem-api/organization/session", post(oem::create_session))
        .route("/api/oem-api/user", post(oem::create_user).delete(oem::delete_user))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_told_from_other_text() {
        for good in ["a@b.co", "first.last@example.com", "x+tag@sub.example.org"] {
            assert!(is_email(good), "{good}");
        }
        for bad in ["", "a", "@b.co", "a@b", "a@.b", "a@b.", "a b@c.de", "a@b@c.de"] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn invitation_links_keep_the_portal_address() {
        assert_eq!(invitation_link("http://p/app/", "C"), "http://p/app/?invitation=C");
        assert_eq!(invitation_link("http://p/?x=1", "C"), "http://p/?x=1&invitation=C");
    }
}
