//! Environments: every context (a marketplace or an organization) is sandbox, staging or
//! production. Guessed from the API address, changeable by the person; an address the guess does
//! not know counts as production, the safe side: a write there is confirmed first.

/// Where a context's API lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Sandbox,
    Staging,
    Production,
}

impl Environment {
    pub const ALL: [Environment; 3] = [Environment::Sandbox, Environment::Staging, Environment::Production];

    /// The stored and shown name: `sandbox`, `staging`, `production`.
    pub fn name(self) -> &'static str {
        match self {
            Environment::Sandbox => "sandbox",
            Environment::Staging => "staging",
            Environment::Production => "production",
        }
    }

    /// The name with a capital, as a label.
    pub fn label(self) -> &'static str {
        match self {
            Environment::Sandbox => "Sandbox",
            Environment::Staging => "Staging",
            Environment::Production => "Production",
        }
    }

    pub fn parse(s: &str) -> Option<Environment> {
        Environment::ALL.into_iter().find(|e| e.name() == s.trim().to_ascii_lowercase())
    }

    /// The guess from an API address: loopback and OrderCloud's sandbox hosts are sandbox, its
    /// staging hosts staging; OrderCloud's production hosts, and any host not known, production.
    pub fn guess(base_url: &str) -> Environment {
        let host = host_of(base_url);
        let loopback = host == "localhost"
            || host.ends_with(".localhost")
            || host == "[::1]"
            || host == "::1"
            || host.split('.').next() == Some("127") && host.split('.').count() == 4;
        // OrderCloud names its hosts by environment: sandboxapi, stagingapi, useast-sandbox, …
        let first = host.split('.').next().unwrap_or_default();
        let named = |word: &str| first == format!("{word}api") || first.ends_with(&format!("-{word}"));
        if loopback || named("sandbox") {
            Environment::Sandbox
        } else if named("staging") {
            Environment::Staging
        } else {
            Environment::Production
        }
    }
}

/// The host of an address (lower case, without scheme, user, port or path).
fn host_of(url: &str) -> String {
    let rest = url.trim().split_once("://").map_or(url.trim(), |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if authority.starts_with('[') {
        authority.split_once(']').map_or(authority.to_string(), |(h, _)| format!("{h}]"))
    } else {
        authority.split(':').next().unwrap_or_default().to_string()
    };
    host.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::Environment::*;
    use super::*;

    #[test]
    fn guessed_from_the_address() {
        for (url, want) in [
            ("http://127.0.0.1:8080", Sandbox),
            ("http://localhost:3000/", Sandbox),
            ("http://[::1]:9000", Sandbox),
            ("https://sandboxapi.ordercloud.io", Sandbox),
            ("https://useast-sandbox.ordercloud.io/v1", Sandbox),
            ("https://stagingapi.ordercloud.io", Staging),
            ("https://westeurope-staging.ordercloud.io", Staging),
            ("https://api.ordercloud.io", Production),
            ("https://useast-production.ordercloud.io", Production),
            // not known: the safe side
            ("https://api.example.com", Production),
            ("https://sandbox.evil.example.com", Production),
            ("https://127.0.0.1.example.com", Production),
            ("https://user@SANDBOXAPI.ordercloud.io:443/x", Sandbox),
        ] {
            assert_eq!(Environment::guess(url), want, "{url}");
        }
    }

    #[test]
    fn names_read_back() {
        for e in Environment::ALL {
            assert_eq!(Environment::parse(e.name()), Some(e));
        }
        assert_eq!(Environment::parse("Production "), Some(Production));
        assert_eq!(Environment::parse("prod"), None);
    }
}
