//! Where the hub's objects are (sandbox extension: accounts and organizations above one
//! marketplace). Paths under the API's `/v1`, as the sandbox routes them and the portal calls
//! them; an object is its collection, `/`, and its encoded ID.

/// Sign-up, sign-in and the signed-in account.
pub const SIGN_UP: &str = "/account/signup";
pub const SIGN_IN: &str = "/account/signin";
pub const SIGN_OUT: &str = "/account/signout";
pub const ACCOUNT: &str = "/account";
/// The account's organizations; `{collection}/{id}` leaves one, `…/token` signs into it.
pub const MY_ORGANIZATIONS: &str = "/account/organizations";
/// Redeeming a vendor's one-time session code.
pub const SESSION: &str = "/account/session";
/// Setting the first password of an account made without one, with its single-use code.
pub const FIRST_PASSWORD: &str = "/account/password";
/// Invitations by their code, for the person invited; `…/accept` joins.
pub const INVITATION_CODES: &str = "/invitations";

/// The organization of the token, and its collections.
pub const ORGANIZATION: &str = "/organization";
pub const MEMBERS: &str = "/organization/members";
pub const INVITATIONS: &str = "/organization/invitations";
pub const ROLES: &str = "/organization/roles";
pub const APPLICATIONS: &str = "/organization/applications";
pub const EVENTS: &str = "/organization/events";

/// Below one object: an organization's token, an application's secret, accepting an invitation.
pub const TOKEN: &str = "/token";
pub const SECRET: &str = "/secret";
pub const ACCEPT: &str = "/accept";
