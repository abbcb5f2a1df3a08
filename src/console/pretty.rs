//! A resumable JSON pretty-printer working on the raw bytes (no parse tree), recording where
//! each line starts. It formats the first screenful at once and the rest a moment later, so a
//! multi-megabyte response shows its first rows as soon as it arrives.
use std::sync::Arc;

pub struct Pretty {
    src: Arc<String>,
    pos: usize,
    depth: usize,
    out: Vec<u8>,
    pub starts: Vec<usize>,
    pub done: bool,
}

impl Pretty {
    /// Starts formatting `src`; text that is not a JSON object or array is shown as it is.
    pub fn new(src: Arc<String>) -> Pretty {
        let first = src.bytes().find(|b| !b.is_ascii_whitespace());
        let mut p = Pretty { src, pos: 0, depth: 0, out: Vec::new(), starts: vec![0], done: false };
        if !matches!(first, Some(b'{') | Some(b'[')) {
            p.out = p.src.as_bytes().to_vec();
            p.starts.extend(p.out.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1));
            p.pos = p.src.len();
            p.done = true;
        }
        p
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
        while self.pos < b.len() && self.out.len() < stop {
            let c = b[self.pos];
            match c {
                b' ' | b'\n' | b'\r' | b'\t' => self.pos += 1,
                b'"' => {
                    let start = self.pos;
                    self.pos += 1;
                    while self.pos < b.len() {
                        match b[self.pos] {
                            b'\\' => self.pos += 2,
                            b'"' => {
                                self.pos += 1;
                                break;
                            }
                            _ => self.pos += 1,
                        }
                    }
                    self.pos = self.pos.min(b.len());
                    self.out.extend_from_slice(&b[start..self.pos]);
                }
                b'{' | b'[' => {
                    let close = if c == b'{' { b'}' } else { b']' };
                    let mut next = self.pos + 1;
                    while next < b.len() && b[next].is_ascii_whitespace() {
                        next += 1;
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
                    let start = self.pos;
                    while self.pos < b.len() && !matches!(b[self.pos], b',' | b'}' | b']' | b':' | b' ' | b'\n' | b'\r' | b'\t' | b'"' | b'{' | b'[') {
                        self.pos += 1;
                    }
                    self.out.extend_from_slice(&b[start..self.pos]);
                }
            }
        }
        self.done = self.pos >= b.len();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pretty(src: &str) -> String {
        let mut p = Pretty::new(Arc::new(src.to_string()));
        while !p.done {
            p.step(7);
        }
        p.text()
    }

    #[test]
    fn json_is_indented_without_touching_strings() {
        assert_eq!(pretty(r#"{"a":[1,{"b":"x, {y}: [z]"}],"c":{}}"#), "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"x, {y}: [z]\"\n    }\n  ],\n  \"c\": {}\n}");
        assert_eq!(pretty(r#"["esc \" ] ,"]"#), "[\n  \"esc \\\" ] ,\"\n]");
        assert_eq!(pretty("plain text\nanswer"), "plain text\nanswer");
    }
}
