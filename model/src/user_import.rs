//! Users from a CSV file: columns mapped to the User's fields, every row turned into the body
//! of `POST …/users` and checked with the model's validator (the same words the API would use)
//! before anything is sent. Plain Rust, for the portal's "Import users" screen and for tests.
use crate::resources::Kind;
use crate::validate::{typed_text, validate, Mode};
use serde_json::{Map, Value};

/// The User fields a column may fill, in the order offered. No `Password`: users are created
/// without one (they set it through a reset, or an admin sets it later).
pub const FIELDS: &[&str] = &["ID", "Username", "FirstName", "LastName", "Email", "Phone", "Active", "TermsAccepted"];

/// The field a column heading names, if any: "First name", "first_name" and "FirstName" alike.
pub fn guess(heading: &str) -> Option<&'static str> {
    let fold = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
    let h = fold(heading);
    let h = match h.as_str() {
        "userid" => "id".to_string(),
        "emailaddress" | "mail" => "email".to_string(),
        "phonenumber" | "telephone" => "phone".to_string(),
        "givenname" => "firstname".to_string(),
        "surname" | "familyname" => "lastname".to_string(),
        "login" | "username" => "username".to_string(),
        _ => h,
    };
    FIELDS.iter().copied().find(|f| f.to_lowercase() == h)
}

/// One data row of the file, with the body it makes and what is wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The line of the file the row starts on.
    pub line: usize,
    /// The row as read, one cell per column.
    pub cells: Vec<String>,
    pub body: Value,
    /// Empty when the row may be sent.
    pub problems: Vec<String>,
}

/// Reads `Active`: true / false, yes / no, 1 / 0; empty means true (a new user is active).
fn active(cell: &str) -> Option<bool> {
    match cell.trim().to_lowercase().as_str() {
        "" | "true" | "yes" | "y" | "1" => Some(true),
        "false" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

/// Every data row checked. `mapping[i]` is the field column `i` fills (`None`: ignored).
pub fn check(columns: usize, rows: &[(usize, Vec<String>)], mapping: &[Option<&'static str>]) -> Vec<Row> {
    let def = Kind::BuyerUser.def();
    let mut seen: Vec<(&'static str, String, usize)> = Vec::new();
    rows.iter()
        .map(|(line, cells)| {
            let mut problems = Vec::new();
            if cells.len() != columns {
                problems.push(format!("This row has {} fields; the heading has {columns}.", cells.len()));
            }
            let mut body = Map::new();
            body.insert("Active".into(), Value::Bool(true));
            for (i, field) in mapping.iter().enumerate() {
                let (Some(field), Some(cell)) = (field, cells.get(i)) else { continue };
                let cell = cell.trim();
                if *field == "Active" {
                    match active(cell) {
                        Some(b) => {
                            body.insert("Active".into(), Value::Bool(b));
                        }
                        None => {
                            problems.push(format!("Active must be true or false (or yes / no, 1 / 0), not {cell:?}."))
                        }
                    }
                } else if let Some(v) = typed_text(field, cell.to_string()) {
                    body.insert(field.to_string(), v);
                }
            }
            let body = Value::Object(body);
            if let Err(errs) = validate(def.schema, def.required, &body, Mode::Full) {
                problems.extend(errs.into_iter().map(|e| e.message));
            }
            for key in ["ID", "Username"] {
                let Some(v) = body[key].as_str().filter(|v| !v.is_empty()) else { continue };
                let v = v.to_lowercase();
                match seen.iter().find(|(k, s, _)| *k == key && *s == v) {
                    Some((_, _, first)) => problems.push(format!("{key} {v:?} is also on line {first}.")),
                    None => seen.push((key, v, *line)),
                }
            }
            Row { line: *line, cells: cells.clone(), body, problems }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_guessed_rows_checked() {
        let heads = ["ID", "User name", "first_name", "Last Name", "E-mail", "Phone", "Active", "Notes"];
        let mapping: Vec<_> = heads.iter().map(|h| guess(h)).collect();
        assert_eq!(mapping[1], Some("Username"));
        assert_eq!(mapping[7], None);
        let rows = vec![
            (2, ["u1", "ann", "Ann", "A", "ann@example.com", "", "yes", "x"].map(String::from).to_vec()),
            (3, ["u 2", "bob", "", "B", "b@example.com", "", "maybe", ""].map(String::from).to_vec()),
            (4, ["u3", "ANN", "Al", "C", "c@example.com", "", "", ""].map(String::from).to_vec()),
        ];
        let out = check(8, &rows, &mapping);
        assert!(out[0].problems.is_empty(), "{:?}", out[0].problems);
        assert_eq!(out[0].body["Active"], true);
        assert!(out[0].body.get("Phone").is_none());
        let p = out[1].problems.join(" ");
        assert!(p.contains("FirstName is required") && p.contains("Active must be") && p.contains("ID"), "{p}");
        assert_eq!(out[2].problems, vec!["Username \"ann\" is also on line 2.".to_string()]);
    }
}
