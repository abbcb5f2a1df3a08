//! The list envelope: `{"Meta":{...},"Items":[...]}`.
use serde::{Deserialize, Serialize};

pub const DEFAULT_PAGE_SIZE: u32 = 20;
pub const MAX_PAGE_SIZE: u32 = 100;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Meta {
    pub page: u32,
    pub page_size: u32,
    pub total_count: u64,
    pub total_pages: u64,
    pub item_range: [u64; 2],
}

impl Meta {
    /// Meta for `page` (1-based) of `page_size` over `total` items. Empty: pages 0, range [1,0].
    pub fn new(page: u32, page_size: u32, total: u64) -> Meta {
        let ps = page_size.max(1) as u64;
        let total_pages = total.div_ceil(ps);
        let first = (page as u64 - 1) * ps + 1;
        let last = (first + ps - 1).min(total);
        let item_range = if last < first { [first, first - 1] } else { [first, last] };
        Meta { page, page_size, total_count: total, total_pages, item_range }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPage<T> {
    pub meta: Meta,
    pub items: Vec<T>,
}

/// A list request's options as the API reads them from the query string: what the portal writes
/// (console, screens, launcher, copied code) and what the sandbox parses. `page` and `page_size`
/// are 0 when not given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    pub search: Option<String>,
    pub search_on: Vec<String>,
    /// Field and descending (`!` before the field on the wire).
    pub sort_by: Vec<(String, bool)>,
    pub page: u32,
    pub page_size: u32,
    /// Field (or `xp.` path) and expression (see [`filter_expr`]).
    pub filters: Vec<(String, String)>,
    /// Operation-specific parameters (e.g. `userGroupID`), by their exact name.
    pub params: Vec<(String, String)>,
}

impl ListQuery {
    /// A parameter of the operation's own, by name in any case; `None` when empty.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// `sortBy`'s value: `!Name,ID`.
    pub fn sort_value(&self) -> String {
        self.sort_by
            .iter()
            .map(|(f, desc)| format!("{}{f}", if *desc { "!" } else { "" }))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Everything but the filters, name → value (the SDK's list options).
    pub fn options(&self) -> Vec<(String, String)> {
        let mut out = self.params.clone();
        let mut add = |k: &str, v: String| {
            if !v.is_empty() && v != "0" {
                out.push((k.to_string(), v));
            }
        };
        add("search", self.search.clone().unwrap_or_default());
        add("searchOn", self.search_on.join(","));
        add("sortBy", self.sort_value());
        add("page", self.page.to_string());
        add("pageSize", self.page_size.to_string());
        out
    }

    /// Every pair of the query string, not yet encoded: the options, then the filters.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut out = self.options();
        out.extend(self.filters.iter().cloned());
        out
    }
}

/// OrderCloud's filter syntax: the expression that compares a field with `value` by `op`
/// (`eq`, `ne`, `gt`, `lt`, `ge`, `le`, `has`, `starts`, `empty`).
pub fn filter_expr(op: &str, value: &str) -> String {
    let v = value.trim();
    match op {
        "ne" => format!("!{v}"),
        "gt" => format!(">{v}"),
        "lt" => format!("<{v}"),
        "ge" => format!("!<{v}"),
        "le" => format!("!>{v}"),
        "has" => format!("*{v}*"),
        "starts" => format!("{v}*"),
        "empty" => "!*".into(),
        _ => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_query_is_written_in_the_apis_order_with_filters_last() {
        let q = ListQuery {
            search: Some("ann".into()),
            search_on: vec!["Username".into(), "Email".into()],
            sort_by: vec![("LastName".into(), true), ("ID".into(), false)],
            page: 2,
            page_size: 0,
            filters: vec![("Active".into(), filter_expr("eq", "true")), ("xp.Tier".into(), filter_expr("ge", " 3 "))],
            params: vec![("userGroupID".into(), "G1".into())],
        };
        let pairs: Vec<String> = q.pairs().iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            pairs,
            [
                "userGroupID=G1",
                "search=ann",
                "searchOn=Username,Email",
                "sortBy=!LastName,ID",
                "page=2",
                "Active=true",
                "xp.Tier=!<3"
            ]
        );
        assert_eq!(q.param("USERGROUPID"), Some("G1"));
        assert!(ListQuery::default().pairs().is_empty());
    }
    #[test]
    fn meta_ranges() {
        assert_eq!(Meta::new(1, 20, 0).item_range, [1, 0]);
        assert_eq!(Meta::new(1, 20, 0).total_pages, 0);
        assert_eq!(Meta::new(1, 20, 45).item_range, [1, 20]);
        assert_eq!(Meta::new(3, 20, 45).item_range, [41, 45]);
        assert_eq!(Meta::new(3, 20, 45).total_pages, 3);
    }
}
