//! CSV as RFC 4180 has it: fields split by commas, a field in double quotes may hold commas,
//! line breaks and quotes (doubled), lines end in CRLF or LF; a UTF-8 byte-order mark is skipped.
//!
//! Written here rather than taken from the `csv` crate: the rules above are the whole format,
//! about sixty lines with their tests, while the crate (with `csv-core` and its serde side)
//! would add to the portal's WASM bundle for readers and writers of records we never use, and
//! its errors would still need our own words (the line a person must look at).

/// What makes a file unreadable as CSV, with the line (counted from 1) where it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Line {}: {}", self.line, self.message)
    }
}

/// Every record of `text` (blank lines skipped), each with the line it starts on.
pub fn parse(text: &str) -> Result<Vec<(usize, Vec<String>)>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    // whether the field began with a quote, and whether we are still inside its quotes
    let (mut quoted, mut inside) = (false, false);
    let mut ended_quote = false;
    let end_record = |record: &mut Vec<String>, field: &mut String, out: &mut Vec<(usize, Vec<String>)>, at| {
        record.push(std::mem::take(field));
        let r = std::mem::take(record);
        if !(r.len() == 1 && r[0].is_empty()) {
            out.push((at, r));
        }
    };
    while let Some(c) = chars.next() {
        if inside {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => {
                    inside = false;
                    ended_quote = true;
                }
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            ',' => {
                record.push(std::mem::take(&mut field));
                (quoted, ended_quote) = (false, false);
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                end_record(&mut record, &mut field, &mut out, start);
                (quoted, ended_quote) = (false, false);
                line += 1;
                start = line;
            }
            '"' if field.is_empty() && !quoted => {
                (quoted, inside) = (true, true);
            }
            '"' => {
                return Err(CsvError {
                    line,
                    message:
                        "a quote inside a field that does not start with one (write it as \"\" inside a quoted field)."
                            .into(),
                })
            }
            _ if ended_quote => {
                return Err(CsvError {
                    line,
                    message: format!(
                        "text ({c:?}) after a closing quote; a quoted field ends at a comma or a line end."
                    ),
                })
            }
            _ => field.push(c),
        }
    }
    if inside {
        return Err(CsvError {
            line: start,
            message: "a quoted field that never closes: its closing quote is missing.".into(),
        });
    }
    if !record.is_empty() || !field.is_empty() || quoted {
        end_record(&mut record, &mut field, &mut out, start);
    }
    Ok(out)
}

/// One field as CSV: quoted when it holds a comma, a quote or a line break.
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One record as a CSV line (CRLF, as RFC 4180 writes it).
pub fn record<S: AsRef<str>>(fields: &[S]) -> String {
    let mut out = fields.iter().map(|f| field(f.as_ref())).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(t: &str) -> Vec<Vec<String>> {
        parse(t).unwrap().into_iter().map(|(_, r)| r).collect()
    }

    #[test]
    fn plain_quoted_and_line_ends() {
        assert_eq!(rows("a,b\r\n1,2\n"), vec![vec!["a", "b"], vec!["1", "2"]]);
        assert_eq!(rows("\u{feff}a,\"b,c\",\"say \"\"hi\"\"\"\n"), vec![vec!["a", "b,c", "say \"hi\""]]);
        assert_eq!(rows("a,\"two\nlines\"\n\nb,\n"), vec![vec!["a", "two\nlines"], vec!["b", ""]]);
        assert_eq!(rows("x,\"\""), vec![vec!["x", ""]]);
        let lines: Vec<usize> = parse("a\n\"b\nc\"\nd").unwrap().iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![1, 2, 4]);
    }

    #[test]
    fn malformed_is_named_with_its_line() {
        assert_eq!(parse("a,b\n1,\"open\n2,3").unwrap_err().line, 2);
        assert_eq!(parse("a,b\n1,x\"y").unwrap_err().line, 2);
        assert!(parse("a,\"b\"c").unwrap_err().message.contains("after a closing quote"));
    }

    #[test]
    fn written_fields_read_back() {
        let r = ["plain", "a,b", "q\"uote", "two\nlines", ""];
        let text = record(&r);
        assert_eq!(rows(&text), vec![r.to_vec()]);
    }
}
