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

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn meta_ranges() {
        assert_eq!(Meta::new(1, 20, 0).item_range, [1, 0]);
        assert_eq!(Meta::new(1, 20, 0).total_pages, 0);
        assert_eq!(Meta::new(1, 20, 45).item_range, [1, 20]);
        assert_eq!(Meta::new(3, 20, 45).item_range, [41, 45]);
        assert_eq!(Meta::new(3, 20, 45).total_pages, 3);
    }
}
