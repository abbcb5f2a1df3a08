//! The one clock: epoch seconds and milliseconds, and RFC 3339 text.

/// Seconds since the epoch.
pub fn now_s() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Milliseconds since the epoch.
pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Epoch milliseconds as RFC 3339, to the second (empty if out of range).
pub fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// Now, to the second, as RFC 3339.
pub fn now_rfc3339() -> String {
    rfc3339(now_ms())
}

/// RFC 3339 text as epoch milliseconds (`None` when it is not RFC 3339).
pub fn parse_rfc3339(t: &str) -> Option<i64> {
    time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|d| (d.unix_timestamp_nanos() / 1_000_000) as i64)
}
