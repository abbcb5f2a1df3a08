//! A resumable JSON pretty-printer working on the raw bytes (no parse tree), recording where
//! each line starts. It formats the first screenful at once and the rest a moment later, so a
//! multi-megabyte response shows its first rows as soon as it arrives.
use crate::text::escape_text as escape;
use std::sync::Arc;

pub struct Pretty {
    src: Arc<String>,
    /// `src` is the first part of a body whose rest is still arriving: a token that reaches the
    /// end of it may go on in the rest, so it is left for [`Pretty::continue_with`].
    partial: bool,
    pos: usize,
    depth: usize,
    out: Vec<u8>,
    pub starts: Vec<usize>,
    /// All of `src` that can be formatted is (all of it, unless `partial`).
    pub done: bool,
}

impl Pretty {
    /// Starts formatting `src` (the first part of a body when `partial`); text that is not a
    /// JSON object or array is shown as it is.
    pub fn new(src: Arc<String>, partial: bool) -> Pretty {
        let first = src.bytes().find(|b| !b.is_ascii_whitespace());
        let mut p = Pretty { src, partial, pos: 0, depth: 0, out: Vec::new(), starts: vec![0], done: false };
        if first.is_none() && partial {
            p.done = true;
        } else if !matches!(first, Some(b'{') | Some(b'[')) {
            // (shown as it is, whole: a part of such a body is not continued)
            p.partial = false;
            p.out = p.src.as_bytes().to_vec();
            p.starts.extend(p.out.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1));
            p.pos = p.src.len();
            p.done = true;
        }
        p
    }

    /// Goes on with `longer`, more of the same body (`partial` while still more may come),
    /// keeping all formatted so far: `false` (and nothing changed) when `longer` does not begin
    /// with the text this one has, or this one was not a part.
    pub fn continue_with(&mut self, longer: Arc<String>, partial: bool) -> bool {
        if !self.partial || !longer.as_bytes().starts_with(self.src.as_bytes()) {
            return false;
        }
        if self.out.is_empty() {
            // nothing but whitespace so far: whether it is JSON is decided now
            *self = Pretty::new(longer, partial);
            return true;
        }
        self.src = longer;
        self.partial = partial;
        self.done = false;
        true
    }

    /// Whether more of the body may come.
    pub fn partial(&self) -> bool {
        self.partial
    }

    fn newline(&mut self) {
        self.out.push(b'\n');
        self.starts.push(self.out.len());
        for _ in 0..self.depth {
            self.out.extend_from_slice(b"  ");
        }
    }

    /// Formats until at least `budget` more output bytes exist (or the input ends).
    pub fn step(&mut self, budget: usize) {
        let src = self.src.clone();
        let b = src.as_bytes();
        let stop = self.out.len().saturating_add(budget);
        // in a part, a token reaching its end may not be whole yet: formatting waits for more
        let partial = self.partial;
        let cut = |end: usize| partial && end >= b.len();
        while self.pos < b.len() && self.out.len() < stop {
            let c = b[self.pos];
            match c {
                b' ' | b'\n' | b'\r' | b'\t' => self.pos += 1,
                b'"' => {
                    let (mut end, mut closed) = (self.pos + 1, false);
                    while end < b.len() {
                        match b[end] {
                            b'\\' => end += 2,
                            b'"' => {
                                end += 1;
                                closed = true;
                                break;
                            }
                            _ => end += 1,
                        }
                    }
                    if !closed && cut(end) {
                        break;
                    }
                    let end = end.min(b.len());
                    self.out.extend_from_slice(&b[self.pos..end]);
                    self.pos = end;
                }
                b'{' | b'[' => {
                    let close = if c == b'{' { b'}' } else { b']' };
                    let mut next = self.pos + 1;
                    while next < b.len() && b[next].is_ascii_whitespace() {
                        next += 1;
                    }
                    if cut(next) {
                        break;
                    }
                    if next < b.len() && b[next] == close {
                        self.out.push(c);
                        self.out.push(close);
                        self.pos = next + 1;
                    } else {
                        self.out.push(c);
                        self.depth += 1;
                        self.pos += 1;
                        self.newline();
                    }
                }
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    self.newline();
                    self.out.push(c);
                    self.pos += 1;
                }
                b',' => {
                    self.out.push(b',');
                    self.pos += 1;
                    self.newline();
                }
                b':' => {
                    self.out.extend_from_slice(b": ");
                    self.pos += 1;
                }
                _ => {
                    let mut end = self.pos;
                    while end < b.len()
                        && !matches!(
                            b[end],
                            b',' | b'}' | b']' | b':' | b' ' | b'\n' | b'\r' | b'\t' | b'"' | b'{' | b'['
                        )
                    {
                        end += 1;
                    }
                    if cut(end) {
                        break;
                    }
                    self.out.extend_from_slice(&b[self.pos..end]);
                    self.pos = end;
                }
            }
        }
        self.done = self.pos >= b.len() || (self.partial && self.out.len() < stop);
    }

    /// The text formatted so far (lines are never split in the middle of a character).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.out).into_owned()
    }

    pub fn into_parts(self) -> (String, Vec<usize>) {
        let text = String::from_utf8(self.out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        (text, self.starts)
    }
}

/// What a piece of a formatted line is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tok {
    Plain,
    Key,
    Str,
    Num,
    /// `true`, `false`, `null`.
    Lit,
}

impl Tok {
    pub fn class(self) -> &'static str {
        match self {
            Tok::Plain => "",
            Tok::Key => "jk",
            Tok::Str => "js",
            Tok::Num => "jn",
            Tok::Lit => "jl",
        }
    }
}

/// One formatted line cut into coloured pieces (the pieces put together are the line).
pub fn tokens(line: &str) -> Vec<(Tok, &str)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut plain = 0;
    while i < b.len() {
        let start = i;
        let kind = match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(b.len());
                if line[i..].starts_with(": ") {
                    Tok::Key
                } else {
                    Tok::Str
                }
            }
            b'-' | b'0'..=b'9' => {
                while i < b.len() && matches!(b[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                    i += 1;
                }
                Tok::Num
            }
            b't' | b'f' | b'n' if ["true", "false", "null"].iter().any(|w| line[i..].starts_with(w)) => {
                i += if b[i] == b'f' { 5 } else { 4 };
                Tok::Lit
            }
            _ => {
                i += 1;
                continue;
            }
        };
        if plain < start {
            out.push((Tok::Plain, &line[plain..start]));
        }
        out.push((kind, &line[start..i]));
        plain = i;
    }
    if plain < b.len() {
        out.push((Tok::Plain, &line[plain..]));
    }
    out
}

/// Line `i` of the response view as HTML: a fold button when it opens an object or array,
/// the text coloured when it is JSON, and what a fold hides summed up.
pub fn line_html(out: &mut String, i: usize, text: &str, json: bool, hidden: usize) {
    let opens = json && (text.ends_with('{') || text.ends_with('['));
    if opens {
        let (open, verb) = if hidden > 0 { ("false", "Unfold") } else { ("true", "Fold") };
        out.push_str(&format!("<button type=\"button\" class=\"fold\" aria-expanded=\"{open}\" data-line=\"{i}\" aria-label=\"{verb} line {}\"></button>", i + 1));
    }
    if json {
        for (k, t) in tokens(text) {
            match k.class() {
                "" => escape(out, t),
                c => {
                    out.push_str(&format!("<span class=\"{c}\">"));
                    escape(out, t);
                    out.push_str("</span>");
                }
            }
        }
    } else {
        escape(out, text);
    }
    if hidden > 0 {
        out.push_str(&format!(
            "<span class=\"folded\"> … {hidden} lines {}</span>",
            if text.ends_with('{') { "}" } else { "]" }
        ));
    }
    out.push('\n');
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The line that closes the object or array opened at the end of line `i`, if it opens one.
pub fn closing(line_at: impl Fn(usize) -> Option<String>, i: usize) -> Option<usize> {
    let open = line_at(i)?;
    if !(open.ends_with('{') || open.ends_with('[')) {
        return None;
    }
    let n = indent(&open);
    let mut j = i + 1;
    while let Some(l) = line_at(j) {
        if indent(&l) == n && (l[n..].starts_with('}') || l[n..].starts_with(']')) {
            return Some(j);
        }
        j += 1;
    }
    None
}

/// Folded ranges (opening line, closing line), sorted and not nested: toggles the one at
/// `open`. A fold that encloses others replaces them; one inside a fold cannot be made.
pub fn toggle_fold(folds: &mut Vec<(usize, usize)>, open: usize, close: usize) {
    if let Some(k) = folds.iter().position(|f| f.0 == open) {
        folds.remove(k);
        return;
    }
    if folds.iter().any(|&(a, b)| a < open && open <= b) {
        return;
    }
    folds.retain(|&(a, _)| !(open < a && a <= close));
    let at = folds.partition_point(|f| f.0 < open);
    folds.insert(at, (open, close));
}

/// How many rows show when `total` lines have these folds.
pub fn visible_rows(total: usize, folds: &[(usize, usize)]) -> usize {
    total - folds.iter().map(|(a, b)| b - a).sum::<usize>()
}

/// The line shown on visible row `row`.
pub fn line_of_row(row: usize, folds: &[(usize, usize)]) -> usize {
    let mut line = row;
    for &(a, b) in folds {
        if line > a {
            line += b - a;
        } else {
            break;
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_cut_into_keys_strings_numbers_and_literals() {
        let kinds = |l: &str| tokens(l).into_iter().map(|(k, t)| (k, t.to_string())).collect::<Vec<_>>();
        assert_eq!(
            kinds("  \"ID\": \"a \\\" b\","),
            vec![
                (Tok::Plain, "  ".into()),
                (Tok::Key, "\"ID\"".into()),
                (Tok::Plain, ": ".into()),
                (Tok::Str, "\"a \\\" b\"".into()),
                (Tok::Plain, ",".into())
            ]
        );
        assert_eq!(
            kinds("\"n\": -1.5e3,"),
            vec![
                (Tok::Key, "\"n\"".into()),
                (Tok::Plain, ": ".into()),
                (Tok::Num, "-1.5e3".into()),
                (Tok::Plain, ",".into())
            ]
        );
        assert_eq!(kinds("  null"), vec![(Tok::Plain, "  ".into()), (Tok::Lit, "null".into())]);
        assert_eq!(kinds("\"Items\": ["), vec![(Tok::Key, "\"Items\"".into()), (Tok::Plain, ": [".into())]);
        // pieces always make up the line
        for l in ["{", "  \"x\": true,", "\"unterminated", "  ]"] {
            assert_eq!(tokens(l).iter().map(|t| t.1).collect::<String>(), l);
        }
    }

    #[test]
    fn a_line_is_html_with_its_markup_escaped() {
        let mut out = String::new();
        line_html(&mut out, 3, "  \"<b>\": {", true, 0);
        assert_eq!(out, "<button type=\"button\" class=\"fold\" aria-expanded=\"true\" data-line=\"3\" aria-label=\"Fold line 4\"></button>  <span class=\"jk\">\"&lt;b&gt;\"</span>: {\n");
        let mut out = String::new();
        line_html(&mut out, 0, "\"a\": [", true, 7);
        assert!(
            out.contains("aria-expanded=\"false\"") && out.ends_with("<span class=\"folded\"> … 7 lines ]</span>\n"),
            "{out}"
        );
        let mut out = String::new();
        line_html(&mut out, 0, "<html> 1 {", false, 0);
        assert_eq!(out, "&lt;html&gt; 1 {\n");
    }

    #[test]
    fn folds_hide_the_lines_of_a_block_and_map_rows_to_lines() {
        let text = pretty(r#"{"a":[1,2],"b":{"c":{"d":1}},"e":3}"#);
        let lines: Vec<&str> = text.lines().collect();
        let at = |i: usize| lines.get(i).map(|s| s.to_string());
        assert_eq!(closing(at, 1), Some(4)); // "a": [ … ]
        assert_eq!(closing(at, 5), Some(9)); // "b": { … }
        assert_eq!(closing(at, 2), None);
        let mut folds = vec![];
        toggle_fold(&mut folds, 6, 8);
        toggle_fold(&mut folds, 5, 9); // encloses the first: replaces it
        assert_eq!(folds, vec![(5, 9)]);
        toggle_fold(&mut folds, 6, 8); // inside a fold: nothing
        toggle_fold(&mut folds, 1, 4);
        assert_eq!(folds, vec![(1, 4), (5, 9)]);
        assert_eq!(visible_rows(lines.len(), &folds), lines.len() - 7);
        assert_eq!((0..4).map(|r| line_of_row(r, &folds)).collect::<Vec<_>>(), vec![0, 1, 5, 10]);
        toggle_fold(&mut folds, 1, 4);
        assert_eq!(folds, vec![(5, 9)]);
    }

    fn pretty(src: &str) -> String {
        let mut p = Pretty::new(Arc::new(src.to_string()), false);
        while !p.done {
            p.step(7);
        }
        p.text()
    }

    /// A body read in parts: each part formatted as far as it is whole, then continued with
    /// the next, gives the same lines as the whole formatted at once, at every cut.
    #[test]
    fn a_body_formatted_part_by_part_is_formatted_as_the_whole() {
        let whole = r#" {"Meta":{"Page":1,"Items":[]},"Items":[{"ID":"a\"b","n":-12.5e3,"ok":true,"x":null,"e":{ },"l":[ ]},{"ID":"zoë"}]} "#;
        let want = pretty(whole);
        let mut seen_partial_stop = false;
        for cut in 1..whole.len() {
            if !whole.is_char_boundary(cut) {
                continue;
            }
            for cut2 in [cut, (cut + 9).min(whole.len())] {
                if !whole.is_char_boundary(cut2) {
                    continue;
                }
                let mut p = Pretty::new(Arc::new(whole[..cut].to_string()), true);
                while !p.done {
                    p.step(5);
                }
                let before = p.text();
                // what a part shows is never more than the whole shows there
                assert!(want.starts_with(&before), "cut {cut}: {before:?}");
                seen_partial_stop |= before.len() < want.len();
                assert!(p.continue_with(Arc::new(whole[..cut2].to_string()), cut2 < whole.len()));
                while !p.done {
                    p.step(5);
                }
                if cut2 < whole.len() {
                    assert!(p.continue_with(Arc::new(whole.to_string()), false));
                    while !p.done {
                        p.step(5);
                    }
                }
                assert_eq!(p.text(), want, "cut at {cut}, then {cut2}");
                let starts = p.starts.clone();
                let mut q = Pretty::new(Arc::new(whole.to_string()), false);
                while !q.done {
                    q.step(5);
                }
                assert_eq!(starts, q.starts);
            }
        }
        assert!(seen_partial_stop);
        // a body that does not go on from the part, or after a whole one, is not continued
        let mut p = Pretty::new(Arc::new(r#"{"a":1"#.into()), true);
        p.step(100);
        assert!(!p.continue_with(Arc::new(r#"{"b":1}"#.into()), false));
        let mut q = Pretty::new(Arc::new(r#"{"a":1}"#.into()), false);
        q.step(100);
        assert!(!q.continue_with(Arc::new(r#"{"a":1}  "#.into()), false));
        // a part of blank lines is not taken for JSON: what follows decides
        let mut w = Pretty::new(Arc::new("\n\n  ".into()), true);
        w.step(100);
        assert!(w.continue_with(Arc::new("\n\n  a: b, c".into()), false));
        w.step(100);
        assert!(w.done && w.text() == "\n\n  a: b, c");
        // a part of a text that is not JSON is shown as it is, and not continued
        let mut t = Pretty::new(Arc::new("plain te".into()), true);
        assert!(t.done && t.text() == "plain te");
        assert!(!t.continue_with(Arc::new("plain text".into()), false));
    }

    #[test]
    fn json_is_indented_without_touching_strings() {
        assert_eq!(
            pretty(r#"{"a":[1,{"b":"x, {y}: [z]"}],"c":{}}"#),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"x, {y}: [z]\"\n    }\n  ],\n  \"c\": {}\n}"
        );
        assert_eq!(pretty(r#"["esc \" ] ,"]"#), "[\n  \"esc \\\" ] ,\"\n]");
        assert_eq!(pretty("plain text\nanswer"), "plain text\nanswer");
    }
}
