//! The end-to-end tests, one binary: `cargo test` runs test binaries one after another, so one
//! binary lets `--test-threads` keep both cores busy to the end (and links once, not once per file).
//! Each module is one area; run one with `cargo test -p gatehouse-e2e -- screens::`.
mod access_review;
mod access_setup;
mod accessibility;
mod act_as_clock;
mod console;
mod hardening;
mod impersonation;
mod layout;
mod organizations;
mod production;
mod routing;
mod screens;
mod shape;
mod widths;
mod workbench;
