//! The table-driven marketplace resources (create, read, update, delete, lists) and `/me`.
//! Imports every room below it, never `hub`.
pub mod crud;
pub mod me;
