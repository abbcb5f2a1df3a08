//! The access map as files: CSV (RFC 4180, for spreadsheets) and JSON.
//!
//! CSV: UTF-8 with a byte-order mark (so spreadsheet apps read it as UTF-8, not a local code
//! page), CRLF line ends, a field quoted when it holds a comma, a quote, CR or LF, quotes
//! doubled. One row per user × API role with the role's sources; custom roles in rows of their
//! own (`Kind` = `custom`); a user holding nothing has one row with an empty role, so every user
//! is in the file. Formula guard: a cell starting with `=`, `+`, `-`, `@`, a tab or a CR would be
//! run by a spreadsheet as a formula, so it is written with a `'` before it (the OWASP advice);
//! a reader strips one leading `'` from such a cell to get the value back.
use super::{AccessMap, RoleRef, Row};
use crate::roles::ALL_ROLES;
use serde_json::{json, Value};

/// The columns of the CSV, in order.
pub const CSV_COLUMNS: &[&str] = &[
    "UserType",
    "CompanyID",
    "Company",
    "UserID",
    "Username",
    "Name",
    "Active",
    "CompanyActive",
    "Groups",
    "Role",
    "Kind",
    "Elevated",
    "Sources",
];

/// The byte-order mark the CSV starts with.
pub const BOM: &str = "\u{feff}";

/// A name for the downloaded file: `access-map-<marketplace>-<time>.<ext>`, with anything but
/// letters, digits, `-` and `_` made `-` (`time` as the caller has it, e.g. an ISO instant).
pub fn file_name(map: &AccessMap, time: &str, ext: &str) -> String {
    let m = map.market();
    let market = if m.name.is_empty() { &m.id } else { &m.name };
    let clean = |s: &str| -> String {
        s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect()
    };
    format!("access-map-{}-{}.{ext}", clean(market), clean(time))
}

/// Would a spreadsheet run this cell as a formula?
pub fn needs_guard(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// One CSV field: guarded, then quoted as RFC 4180 asks.
pub fn field(cell: &str) -> String {
    let mut out = String::new();
    push_field(&mut out, cell);
    out
}

fn push_field(out: &mut String, cell: &str) {
    let quote = cell.contains([',', '"', '\r', '\n']);
    if quote {
        out.push('"');
    }
    if needs_guard(cell) {
        out.push('\'');
    }
    if quote {
        for (i, part) in cell.split('"').enumerate() {
            if i > 0 {
                out.push_str("\"\"");
            }
            out.push_str(part);
        }
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

fn line(out: &mut String, cells: &[&str]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, c);
    }
    out.push_str("\r\n");
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// The rows' roles with their sources, in CSV.
pub fn csv(map: &AccessMap, rows: &[u32]) -> String {
    let mut out = String::with_capacity(rows.len() * 200);
    out.push_str(BOM);
    line(&mut out, CSV_COLUMNS);
    for r in rows {
        let row = map.row(*r as usize);
        let party = map.party(row);
        let user = map.user(row);
        let groups = map.group_ids(row).join(" ");
        let (active, company_active) = (yes(user.active), yes(party.company.active));
        let name = format!("{} {}", user.first_name, user.last_name);
        let mut emit = |role: &str, kind: &str, elevated: bool, sources: &str| {
            line(
                &mut out,
                &[
                    row.user_type.as_str(),
                    &party.company.id,
                    &party.company.name,
                    &user.id,
                    &user.username,
                    name.trim(),
                    active,
                    company_active,
                    &groups,
                    role,
                    kind,
                    yes(elevated),
                    sources,
                ],
            )
        };
        // each reaching assignment written once, then picked per role
        let reaching: Vec<(Option<usize>, &[String], String)> = map
            .reaching(row)
            .into_iter()
            .map(|s| (map.profile_index(&s.profile.id), s.profile.custom_roles.as_slice(), s.short(map.market())))
            .collect();
        let sources = |role: RoleRef| {
            let mut cell = String::new();
            for (profile, custom, short) in &reaching {
                let holds = match role {
                    RoleRef::Api(i) => profile.is_some_and(|p| map.profile_roles(p).has(i)),
                    RoleRef::Custom(_) => custom.iter().any(|c| c == map.role_name(role)),
                };
                if holds {
                    if !cell.is_empty() {
                        cell.push_str("; ");
                    }
                    cell.push_str(short);
                }
            }
            cell
        };
        if row.roles.is_empty() && row.custom.is_empty() {
            emit("", "", false, "");
        }
        for i in row.roles.iter() {
            emit(ALL_ROLES[i], "api", super::elevated().has(i), &sources(RoleRef::Api(i)));
        }
        for c in &row.custom {
            let role = RoleRef::Custom(*c as usize);
            emit(map.role_name(role), "custom", false, &sources(role));
        }
    }
    out
}

fn row_json(map: &AccessMap, row: &Row) -> Value {
    let party = map.party(row);
    let user = map.user(row);
    let m = map.market();
    let sources = |role: RoleRef| -> Vec<Value> {
        map.sources(row, role)
            .iter()
            .map(|s| {
                let a = &m.assignments[s.assignment];
                json!({
                    "SecurityProfileID": s.profile.id, "SecurityProfileName": s.profile.name, "Level": s.level.as_str(),
                    "BuyerID": a.buyer_id, "SupplierID": a.supplier_id, "UserGroupID": a.user_group_id, "UserID": a.user_id,
                })
            })
            .collect()
    };
    let roles: Vec<Value> = row
        .roles
        .iter()
        .map(|i| {
            json!({"Role": ALL_ROLES[i], "Elevated": super::elevated().has(i), "Sources": sources(RoleRef::Api(i))})
        })
        .collect();
    let custom: Vec<Value> = row
        .custom
        .iter()
        .map(|c| {
            let role = RoleRef::Custom(*c as usize);
            json!({"Role": map.role_name(role), "Sources": sources(role)})
        })
        .collect();
    json!({
        "UserType": row.user_type.as_str(), "CompanyID": party.company.id, "CompanyName": party.company.name,
        "CompanyActive": party.company.active, "ID": user.id, "Username": user.username,
        "FirstName": user.first_name, "LastName": user.last_name, "Email": user.email, "Active": user.active,
        "Groups": map.group_ids(row), "AvailableRoles": row.roles.names(), "Roles": roles, "CustomRoles": custom,
    })
}

/// The rows' roles with their sources, as JSON: `{Marketplace, Generated, Gaps, Users: [...]}`.
pub fn json(map: &AccessMap, rows: &[u32], time: &str) -> String {
    let m = map.market();
    let users: Vec<Value> = rows.iter().map(|r| row_json(map, map.row(*r as usize))).collect();
    let gaps: Vec<Value> =
        m.gaps.iter().map(|g| json!({"Path": g.input.path(&g.company), "Message": g.describe()})).collect();
    serde_json::to_string_pretty(&json!({
        "Marketplace": {"ID": m.id, "Name": m.name}, "Generated": time, "Gaps": gaps, "Users": users,
    }))
    .unwrap_or_default()
}
