//! Text helpers that lean on the browser instead of Rust's standard library, so the bundle carries
//! neither Unicode case tables nor float formatting (together about 14 KB brotli of the wasm).

/// Lower-cased for case-insensitive matching, with the browser's full Unicode rules
/// ("ÄRZTE" matches "ärzte"), not just ASCII.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        js_sys::JsString::from(s).to_lower_case().into()
    }
}

/// A decimal number as typed ("12", "1.5", "2e3"), read by the browser's own `Number()`:
/// `None` for anything else, and for infinities and NaN, which JSON cannot carry.
pub fn number(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let n = js_number(s);
    n.is_finite().then_some(n)
}

/// Whether `text` matches a JSON Schema `pattern`, by the browser's own regular expressions
/// (Unicode mode; unanchored, as JSON Schema reads patterns). A pattern the browser cannot read
/// checks nothing rather than refusing every input.
pub fn matches(pattern: &str, text: &str) -> bool {
    Pattern::new(pattern, "u").map_or(true, |re| re.test(text))
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The global `Number(text)`: the whole text must be a number, or the answer is NaN.
    #[wasm_bindgen(js_name = Number)]
    fn js_number(text: &str) -> f64;

    /// A JavaScript `RegExp`, whose constructor's SyntaxError comes back as an `Err`.
    #[wasm_bindgen(js_name = RegExp)]
    type Pattern;
    #[wasm_bindgen(constructor, js_class = "RegExp", catch)]
    fn new(pattern: &str, flags: &str) -> Result<Pattern, wasm_bindgen::JsValue>;
    #[wasm_bindgen(method)]
    fn test(this: &Pattern, text: &str) -> bool;
}

/// A non-negative number with one decimal ("12.3"), without core's float formatting.
pub fn tenths(x: f64) -> String {
    let t = (x.max(0.0) * 10.0).round() as u64;
    format!("{}.{}", t / 10, t % 10)
}

/// A count and its noun, singular for one: `count(1, "buyer", "buyers")` is "1 buyer".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A byte count as people read it: "512 B", "3.4 KB", "2.9 MB".
pub fn human_size(n: usize) -> String {
    if n >= 1024 * 1024 {
        format!("{} MB", tenths(n as f64 / 1048576.0))
    } else if n >= 1024 {
        format!("{} KB", tenths(n as f64 / 1024.0))
    } else {
        format!("{n} B")
    }
}

/// An API date (ISO 8601, `2026-12-06T02:56:18Z`) as people read it, in the browser's time zone
/// ("06/12/2026, 02:56:18"); the text as it came when the browser cannot read it.
pub fn date_time(iso: &str) -> String {
    let ms = js_sys::Date::parse(iso);
    if iso.is_empty() || ms.is_nan() {
        return iso.to_string();
    }
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms))
        .to_locale_string("en-GB", &wasm_bindgen::JsValue::UNDEFINED)
        .into()
}

/// `t` as HTML text, appended to `out` (`&`, `<` and `>` escaped).
pub fn escape_text(out: &mut String, t: &str) {
    escape(out, t, false);
}

/// `t` as the value of an HTML attribute written between double quotes, appended to `out`
/// (quotes escaped too).
pub fn escape_attr(out: &mut String, t: &str) {
    escape(out, t, true);
}

fn escape(out: &mut String, t: &str, quotes: bool) {
    for c in t.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            '\'' if quotes => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenths_round_half_up_and_never_go_negative() {
        assert_eq!(tenths(0.0), "0.0");
        assert_eq!(tenths(12.34), "12.3");
        assert_eq!(tenths(12.35), "12.4");
        assert_eq!(tenths(-3.0), "0.0");
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(3482), "3.4 KB");
        assert_eq!(human_size(3_040_000), "2.9 MB");
    }
}
