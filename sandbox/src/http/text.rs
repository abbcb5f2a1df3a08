//! Text that people read as identities: account emails and the names of organizations, roles,
//! applications and people in the hub. Server side only (the confusable tables stay out of the
//! portal's bundle).
//!
//! - Every such text is normalized to NFC, so one address has one spelling (`ü` typed as one
//!   character or as `u` + combining diaeresis is the same account).
//! - Control, format and separator characters are refused: NUL, zero-width spaces and joiners,
//!   bidirectional overrides and isolates, line and paragraph separators, private-use and
//!   surrogate code points. None of them belongs in a name, and each can make one text display
//!   like another.
//! - An email's local part and each label of its domain must be written in one script (Latin,
//!   Cyrillic, Han with Kana, …), as Unicode's mixed-script rule (UTS #39) says: `pаypal` with a
//!   Cyrillic `а` is refused, `jürgen@müller.de` and `用户@example.cn` are not.
//! - `skeleton` is UTS #39's confusable skeleton: two emails with one skeleton display alike, so
//!   a new account whose email's skeleton equals an existing account's is refused.
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_security::MixedScript;

/// Why a character cannot appear in a name (None: it can).
fn forbidden(c: char) -> Option<&'static str> {
    match c.general_category() {
        GeneralCategory::Control => Some("a control character"),
        GeneralCategory::Format => Some("an invisible formatting character (zero-width or bidirectional)"),
        GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator => Some("a line separator"),
        GeneralCategory::PrivateUse | GeneralCategory::Surrogate => Some("a private-use character"),
        _ => None,
    }
}

/// A name or other displayed text in NFC, or why it is refused.
pub fn clean(s: &str) -> Result<String, String> {
    let n: String = s.nfc().collect();
    if let Some((c, why)) = n.chars().find_map(|c| forbidden(c).map(|w| (c, w))) {
        return Err(format!("contains {why} (U+{:04X}), which is not allowed here", c as u32));
    }
    Ok(n)
}

/// An email address, normalized (NFC, lower case), or why it is refused.
pub fn email(s: &str) -> Result<String, String> {
    let e = clean(s.trim())?.to_lowercase();
    let Some((local, domain)) = e.rsplit_once('@') else { return Err("is not an email address".into()) };
    for part in std::iter::once(local).chain(domain.split('.')) {
        if !part.is_single_script() {
            return Err(format!("mixes writing systems in \"{part}\", so it could pass for another address"));
        }
    }
    Ok(e)
}

/// The confusable skeleton of an (already normalized) email: equal skeletons display alike.
pub fn skeleton(email: &str) -> String {
    unicode_security::confusable_detection::skeleton(email).collect::<String>().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_and_control_characters_are_refused_and_text_is_nfc() {
        for bad in ["a\u{0}b", "pay\u{200b}pal", "x\u{202e}y", "x\u{2067}y", "a\u{2028}b", "a\u{feff}b"] {
            assert!(clean(bad).is_err(), "{bad:?}");
        }
        assert_eq!(clean("Mu\u{308}ller").unwrap(), "M\u{fc}ller");
        assert_eq!(clean("Café & Co — 東京").unwrap(), "Café & Co — 東京");
    }

    #[test]
    fn emails_in_one_script_pass_and_mixed_ones_do_not() {
        for good in ["jürgen@müller.de", "用户@example.cn", "first.last+tag@example.com", "иван@пример.рф"]
        {
            assert!(email(good).is_ok(), "{good}");
        }
        assert!(email("p\u{430}ypal@example.com").is_err());
        assert_eq!(email(" Ju\u{308}rgen@Example.DE ").unwrap(), "j\u{fc}rgen@example.de");
    }

    #[test]
    fn lookalikes_share_a_skeleton() {
        assert_eq!(skeleton("paypal@example.com"), skeleton("paypa1@example.com"));
        assert_ne!(skeleton("paypal@example.com"), skeleton("paypal@example.org"));
    }
}
