//! Password policy (seed 000): admin users need 10–100 characters with a digit, an upper-case,
//! a lower-case and a special character; buyer and supplier users need 10–100 with a digit.
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicy {
    pub minimum_character_count: usize,
    pub maximum_character_count: usize,
    pub numeric_required: bool,
    pub upper_case_required: bool,
    pub lower_case_required: bool,
    pub special_character_required: bool,
}

pub const ADMIN_POLICY: PasswordPolicy = PasswordPolicy {
    minimum_character_count: 10,
    maximum_character_count: 100,
    numeric_required: true,
    upper_case_required: true,
    lower_case_required: true,
    special_character_required: true,
};

pub const BUYER_POLICY: PasswordPolicy = PasswordPolicy {
    minimum_character_count: 10,
    maximum_character_count: 100,
    numeric_required: true,
    upper_case_required: false,
    lower_case_required: false,
    special_character_required: false,
};

/// One unmet rule, worded for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unmet {
    TooShort(usize),
    TooLong(usize),
    NeedsDigit,
    NeedsUpper,
    NeedsLower,
    NeedsSpecial,
}

impl std::fmt::Display for Unmet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unmet::TooShort(n) => write!(f, "at least {n} characters"),
            Unmet::TooLong(n) => write!(f, "at most {n} characters"),
            Unmet::NeedsDigit => write!(f, "a digit"),
            Unmet::NeedsUpper => write!(f, "an upper-case letter"),
            Unmet::NeedsLower => write!(f, "a lower-case letter"),
            Unmet::NeedsSpecial => write!(f, "a special character"),
        }
    }
}

impl PasswordPolicy {
    /// Every rule `password` breaks (empty when it is acceptable).
    pub fn check(&self, password: &str) -> Vec<Unmet> {
        let n = password.chars().count();
        let mut out = Vec::new();
        if n < self.minimum_character_count {
            out.push(Unmet::TooShort(self.minimum_character_count));
        }
        if n > self.maximum_character_count {
            out.push(Unmet::TooLong(self.maximum_character_count));
        }
        if self.numeric_required && !password.chars().any(|c| c.is_ascii_digit()) {
            out.push(Unmet::NeedsDigit);
        }
        if self.upper_case_required && !password.chars().any(|c| c.is_uppercase()) {
            out.push(Unmet::NeedsUpper);
        }
        if self.lower_case_required && !password.chars().any(|c| c.is_lowercase()) {
            out.push(Unmet::NeedsLower);
        }
        if self.special_character_required && !password.chars().any(|c| !c.is_alphanumeric()) {
            out.push(Unmet::NeedsSpecial);
        }
        out
    }

    /// One sentence naming what the password lacks, or None when it is fine.
    pub fn explain(&self, password: &str) -> Option<String> {
        let unmet = self.check(password);
        if unmet.is_empty() {
            return None;
        }
        let parts: Vec<String> = unmet.iter().map(|u| u.to_string()).collect();
        Some(format!("Password must contain {}.", parts.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn admin_policy() {
        assert!(ADMIN_POLICY.check("Secr3t!Pass").is_empty());
        assert_eq!(ADMIN_POLICY.check("short1A!"), vec![Unmet::TooShort(10)]);
        assert_eq!(ADMIN_POLICY.check("alllowercase"), vec![Unmet::NeedsDigit, Unmet::NeedsUpper, Unmet::NeedsSpecial]);
        assert!(ADMIN_POLICY.check(&"aA1!".repeat(26)).contains(&Unmet::TooLong(100)));
        assert!(ADMIN_POLICY.explain("alllowercase").unwrap().contains("a digit"));
    }
    #[test]
    fn buyer_policy() {
        assert!(BUYER_POLICY.check("buyerpass1").is_empty());
        assert_eq!(BUYER_POLICY.check("buyerpassword"), vec![Unmet::NeedsDigit]);
    }
}
