//! Hand-built screens for the key resources, reached from the same menu (marked as enhanced).
pub mod impersonation;

/// Menu entries: (op-key in the URL, label).
pub const SCREENS: &[(&str, &str)] = &[("enhanced:impersonation", "Impersonation launcher")];
