//! The store: the database, store helpers above single rows, the roles a user holds as the
//! store says, the API client index, and the one clock and ID source. Imports only `http`.
pub mod clients;
pub mod clock;
pub mod db;
pub mod id;
pub mod roles;
pub mod store;
