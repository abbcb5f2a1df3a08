//! The one source of new IDs and random codes.
use base64::Engine;
use gatehouse_model::resources::Kind;

/// `N` bytes from the operating system's random source.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::getrandom(&mut buf).expect("the operating system's random source works");
    buf
}

/// A new random ID: 22 URL-safe characters, or an upper-case GUID for API clients.
pub fn new_id(kind: Kind) -> String {
    let bytes = random_bytes::<16>();
    if kind == Kind::ApiClient {
        let h: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
        format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
    } else {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }
}

/// A random URL-safe string of `N` bytes.
pub fn random_code<const N: usize>() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<N>())
}

/// A new ID for hub objects: `prefix`, then letters and digits only.
pub fn hub_id(prefix: &str) -> String {
    let h: String = random_bytes::<8>().iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}{h}")
}
