//! The data layer under every screen: the transport and its calls ([`transport`]), what went
//! wrong, worded for people ([`problem`]), names for IDs ([`names`]), loads keyed on what they
//! depend on ([`load`]), a whole marketplace read for an access review ([`marketplace`]), writes as actions ([`write`]) and the addresses of the API's
//! collections ([`at`]). It stands on `api` (HTTP) and `auth` (the session and its callers) and
//! never on a screen: nothing here imports `enhanced`, `console` or `components`
//! (tests/tests/shape.rs checks it).
pub mod at;
pub mod load;
pub mod marketplace;
pub mod names;
pub mod problem;
pub mod transport;
pub mod write;

pub use at::At;
pub use load::Load;
pub use names::{groups_of, id_names, Names};
pub use problem::{one_line, Problem};
pub use transport::{call, call_as, call_with, get_as_me, held_roles, list_all, list_all_as};
pub use write::Write;
