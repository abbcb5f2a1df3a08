//! List queries: page / pageSize, search / searchOn, sortBy (`!` = descending), and filters with
//! OrderCloud's operators on top-level fields and `xp.` paths.
use crate::http::error::{Failure, Result};
use gatehouse_model::error::codes;
pub use gatehouse_model::list::ListQuery;
use gatehouse_model::list::{ListPage, Meta, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use gatehouse_model::resources::Schema;
use serde_json::{Map, Value};
use std::cmp::Ordering;

/// What a list operation accepts.
pub struct ListSpec<'a> {
    pub schema: &'a Schema,
    pub search_on: &'a [&'a str],
    pub sort_by: &'a [&'a str],
    pub params: &'a [&'a str],
}

pub fn pairs(raw: Option<&str>) -> Result<Vec<(String, String)>> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(raw.unwrap_or(""))
        .map_err(|e| Failure::bad_request(codes::INVALID_PROPERTY, format!("The query string cannot be read: {e}.")))
}

fn field_name<'a>(schema: &'a Schema, name: &str) -> Option<&'a str> {
    schema.fields.iter().find(|f| f.name.eq_ignore_ascii_case(name) && f.format != Some("password")).map(|f| f.name)
}

pub fn parse(raw: Option<&str>, spec: &ListSpec) -> Result<ListQuery> {
    let mut q = ListQuery { page: 1, page_size: DEFAULT_PAGE_SIZE, ..Default::default() };
    for (key, value) in pairs(raw)? {
        match key.to_ascii_lowercase().as_str() {
            "search" => q.search = Some(value).filter(|v| !v.is_empty()),
            "searchon" => {
                for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    let Some(name) = spec.search_on.iter().find(|f| f.eq_ignore_ascii_case(part)) else {
                        return Err(Failure::bad_request(
                            codes::INVALID_PROPERTY,
                            format!("Cannot search on {part}. Allowed: {}.", spec.search_on.join(", ")),
                        )
                        .data(serde_json::json!({"Property": part, "Allowed": spec.search_on})));
                    };
                    q.search_on.push(name.to_string());
                }
            }
            "sortby" => {
                for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    let (desc, name) = match part.strip_prefix('!') {
                        Some(rest) => (true, rest),
                        None => (false, part),
                    };
                    let Some(found) = spec.sort_by.iter().find(|f| f.eq_ignore_ascii_case(name)) else {
                        return Err(Failure::bad_request(
                            codes::INVALID_SORT,
                            format!("Cannot sort by {name}. Allowed: {}.", spec.sort_by.join(", ")),
                        )
                        .data(serde_json::json!({"Property": name, "Allowed": spec.sort_by})));
                    };
                    q.sort_by.push((found.to_string(), desc));
                }
            }
            "page" => {
                q.page = value.parse().ok().filter(|p| *p >= 1).ok_or_else(|| {
                    Failure::bad_request(
                        codes::INVALID_PAGE,
                        format!("page must be a whole number of at least 1 (got {value:?})."),
                    )
                })?
            }
            "pagesize" => {
                q.page_size = value.parse().ok().filter(|p| (1..=MAX_PAGE_SIZE).contains(p)).ok_or_else(|| {
                    Failure::bad_request(
                        codes::INVALID_PAGE_SIZE,
                        format!("pageSize must be between 1 and {MAX_PAGE_SIZE} (got {value:?})."),
                    )
                })?
            }
            _ if value.is_empty() => {}
            _ if spec.params.iter().any(|p| p.eq_ignore_ascii_case(&key)) => q.params.push((key, value)),
            _ => {
                let name = if let Some(path) = key.strip_prefix("xp.").or_else(|| key.strip_prefix("XP.")) {
                    if path.is_empty() {
                        return Err(Failure::bad_request(
                            codes::INVALID_PROPERTY,
                            "An xp filter needs a path, like xp.Color.",
                        ));
                    }
                    format!("xp.{path}")
                } else {
                    match field_name(spec.schema, &key) {
                        Some(n) => n.to_string(),
                        None => {
                            return Err(Failure::bad_request(
                                codes::INVALID_PROPERTY,
                                format!("{key} is not a property of {} that can be filtered on.", spec.schema.name),
                            )
                            .data(serde_json::json!({"Property": key})))
                        }
                    }
                };
                q.filters.push((name, value));
            }
        }
    }
    Ok(q)
}

fn lookup<'a>(item: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut cur = item.get(parts.next()?)?;
    for p in parts {
        cur = cur.as_object()?.get(p)?;
    }
    Some(cur).filter(|v| !v.is_null())
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            if !rest.starts_with(part) {
                return false;
            }
            rest = &rest[part.len()..];
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else if let Some(at) = rest.find(part) {
            rest = &rest[at + part.len()..];
        } else {
            return false;
        }
    }
    rest.is_empty()
}

fn compare(v: &Value, operand: &str) -> Option<Ordering> {
    if let (Some(a), Ok(b)) = (v.as_f64(), operand.parse::<f64>()) {
        return a.partial_cmp(&b);
    }
    Some(as_text(v).to_lowercase().cmp(&operand.to_lowercase()))
}

/// One alternative of a filter value (no `|`).
fn matches_one(v: Option<&Value>, expr: &str) -> bool {
    if let Some(rest) = expr.strip_prefix('!') {
        if rest == "*" {
            return v.is_none_or(|x| as_text(x).is_empty());
        }
        return !matches_one(v, rest);
    }
    if let Some(rest) = expr.strip_prefix('>') {
        return v.and_then(|x| compare(x, rest)) == Some(Ordering::Greater);
    }
    if let Some(rest) = expr.strip_prefix('<') {
        return v.and_then(|x| compare(x, rest)) == Some(Ordering::Less);
    }
    let Some(v) = v else { return false };
    let text = as_text(v).to_lowercase();
    let expr = expr.to_lowercase();
    if expr.contains('*') {
        glob(&expr, &text)
    } else if let (Some(a), Ok(b)) = (v.as_f64(), expr.parse::<f64>()) {
        a == b
    } else {
        text == expr
    }
}

pub fn matches_filter(item: &Map<String, Value>, field: &str, expr: &str) -> bool {
    let v = lookup(item, field);
    expr.split('|').any(|alt| matches_one(v, alt))
}

fn sort_cmp(a: &Map<String, Value>, b: &Map<String, Value>, sort: &[(String, bool)]) -> Ordering {
    for (field, desc) in sort {
        let (x, y) = (lookup(a, field), lookup(b, field));
        let ord = match (x, y) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => match (x.as_f64(), y.as_f64()) {
                (Some(p), Some(q)) => p.partial_cmp(&q).unwrap_or(Ordering::Equal),
                _ => as_text(x).to_lowercase().cmp(&as_text(y).to_lowercase()),
            },
        };
        let ord = if *desc { ord.reverse() } else { ord };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

/// Filters, searches, sorts and pages `items` (already in creation order).
pub fn apply(items: Vec<Map<String, Value>>, q: &ListQuery, spec: &ListSpec) -> ListPage<Value> {
    let term = q.search.as_deref().map(str::to_lowercase);
    let search_on: Vec<&str> =
        if q.search_on.is_empty() { spec.search_on.to_vec() } else { q.search_on.iter().map(String::as_str).collect() };
    let mut kept: Vec<Map<String, Value>> = items
        .into_iter()
        .filter(|item| q.filters.iter().all(|(f, e)| matches_filter(item, f, e)))
        .filter(|item| match &term {
            None => true,
            Some(t) => search_on
                .iter()
                .any(|f| lookup(item, f).is_some_and(|v| as_text(v).to_lowercase().contains(t.as_str()))),
        })
        .collect();
    if !q.sort_by.is_empty() {
        kept.sort_by(|a, b| sort_cmp(a, b, &q.sort_by));
    }
    let total = kept.len() as u64;
    let start = ((q.page as u64 - 1) * q.page_size as u64).min(total) as usize;
    let items: Vec<Value> = kept.into_iter().skip(start).take(q.page_size as usize).map(Value::Object).collect();
    ListPage { meta: Meta::new(q.page, q.page_size, total), items }
}

/// A whole list as one page (the hub's short lists: members, invitations, roles).
pub fn page_of(items: Vec<Value>) -> ListPage<Value> {
    let n = items.len();
    ListPage { meta: Meta::new(1, n.clamp(1, MAX_PAGE_SIZE as usize) as _, n as _), items }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn operators() {
        let a = item(json!({"Name": "Alpha Co", "Count": 5, "xp": {"Color": "red"}, "Active": true}));
        assert!(matches_filter(&a, "Name", "alpha co"));
        assert!(matches_filter(&a, "Name", "Al*"));
        assert!(matches_filter(&a, "Name", "*Co"));
        assert!(matches_filter(&a, "Name", "*ph*"));
        assert!(!matches_filter(&a, "Name", "Be*"));
        assert!(matches_filter(&a, "Name", "Beta|Alpha*"));
        assert!(matches_filter(&a, "Name", "!Beta"));
        assert!(!matches_filter(&a, "Name", "!Alpha Co"));
        assert!(matches_filter(&a, "Count", ">4"));
        assert!(!matches_filter(&a, "Count", ">5"));
        assert!(matches_filter(&a, "Count", "<6"));
        assert!(matches_filter(&a, "Count", "!<5"));
        assert!(matches_filter(&a, "xp.Color", "red"));
        assert!(matches_filter(&a, "xp.Size", "!*"));
        assert!(!matches_filter(&a, "xp.Color", "!*"));
        assert!(matches_filter(&a, "Active", "true"));
    }

    #[test]
    fn what_the_portal_writes_the_sandbox_reads_back() {
        use gatehouse_model::list::filter_expr;
        let written = ListQuery {
            search: Some("a&b =c".into()),
            search_on: vec!["Username".into(), "Email".into()],
            sort_by: vec![("LastName".into(), true), ("ID".into(), false)],
            page: 3,
            page_size: 50,
            filters: vec![("Active".into(), filter_expr("eq", "true")), ("xp.Tier".into(), filter_expr("ge", "3"))],
            params: vec![("userGroupID".into(), "G 1".into())],
        };
        let raw = serde_urlencoded::to_string(written.pairs()).unwrap();
        let spec = ListSpec {
            schema: &gatehouse_model::resources::USER,
            search_on: &["Username", "Email"],
            sort_by: &["LastName", "ID"],
            params: &["userGroupID"],
        };
        assert_eq!(parse(Some(&raw), &spec).unwrap(), written);
    }
}
