//! Access as code: a marketplace's access setup as one file ([`SetupFile`]), a [`plan`] of what
//! applying it to another marketplace changes, and the plan as ordered requests ([`apply`]).
//! Plain Rust over the model's tables, no browser types: the portal and the CLI share it.
//!
//! The file holds, per kind ([`SetupKind`]), the objects' writable fields as the API names them
//! (never `Password`, never `ClientSecret`, never read-only fields but an API client's `ID`, which
//! the file's references name). Users, user groups and their memberships carry `BuyerID` or
//! `SupplierID` to say whose they are (neither: the marketplace's admin users). The text is
//! canonical: objects sorted by kind then key, keys in a fixed order (`ID` and `Name` first, the
//! rest alphabetical), two-space indents, a trailing newline; so an unchanged marketplace exports
//! byte-identical files whatever order its lists came in. Built-in objects
//! ([`crate::builtin`]) are never exported.
pub mod apply;
pub mod plan;
#[cfg(test)]
mod tests;

use crate::access::Marketplace;
use crate::builtin::{self, BuiltIns};
use crate::resources::{self, Schema, UserType};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};

/// The file format's version.
pub const FORMAT: u32 = 1;

/// One object: its fields as the API names them.
pub type Obj = Map<String, Value>;

/// Objects with their kinds.
pub type Objects = Vec<(SetupKind, Obj)>;

/// The kinds of object a setup file holds, in the order an apply writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SetupKind {
    Buyers,
    Suppliers,
    SecurityProfiles,
    UserGroups,
    Users,
    ApiClients,
    SecurityProfileAssignments,
    UserGroupAssignments,
    ApiClientAssignments,
    ImpersonationConfigs,
}

impl SetupKind {
    pub const ALL: &'static [SetupKind] = &[
        SetupKind::Buyers,
        SetupKind::Suppliers,
        SetupKind::SecurityProfiles,
        SetupKind::UserGroups,
        SetupKind::Users,
        SetupKind::ApiClients,
        SetupKind::SecurityProfileAssignments,
        SetupKind::UserGroupAssignments,
        SetupKind::ApiClientAssignments,
        SetupKind::ImpersonationConfigs,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SetupKind::Buyers => "Buyers",
            SetupKind::Suppliers => "Suppliers",
            SetupKind::SecurityProfiles => "SecurityProfiles",
            SetupKind::UserGroups => "UserGroups",
            SetupKind::Users => "Users",
            SetupKind::ApiClients => "ApiClients",
            SetupKind::SecurityProfileAssignments => "SecurityProfileAssignments",
            SetupKind::UserGroupAssignments => "UserGroupAssignments",
            SetupKind::ApiClientAssignments => "ApiClientAssignments",
            SetupKind::ImpersonationConfigs => "ImpersonationConfigs",
        }
    }

    /// The noun, for messages.
    pub fn noun(self) -> &'static str {
        match self {
            SetupKind::Buyers => "buyer",
            SetupKind::Suppliers => "supplier",
            SetupKind::SecurityProfiles => "security profile",
            SetupKind::UserGroups => "user group",
            SetupKind::Users => "user",
            SetupKind::ApiClients => "API client",
            SetupKind::SecurityProfileAssignments => "security profile assignment",
            SetupKind::UserGroupAssignments => "user group assignment",
            SetupKind::ApiClientAssignments => "API client assignment",
            SetupKind::ImpersonationConfigs => "impersonation config",
        }
    }

    /// Kinds whose objects have no fields beyond what identifies them (create or delete only).
    pub fn is_assignment(self) -> bool {
        matches!(
            self,
            SetupKind::SecurityProfileAssignments | SetupKind::UserGroupAssignments | SetupKind::ApiClientAssignments
        )
    }

    /// The schema whose writable fields the file keeps.
    fn schema(self) -> &'static Schema {
        match self {
            SetupKind::Buyers => &resources::BUYER,
            SetupKind::Suppliers => &resources::SUPPLIER,
            SetupKind::SecurityProfiles => &resources::SECURITY_PROFILE,
            SetupKind::UserGroups => &resources::USER_GROUP,
            SetupKind::Users => &resources::USER,
            SetupKind::ApiClients => &resources::API_CLIENT,
            SetupKind::SecurityProfileAssignments => &resources::SECURITY_PROFILE_ASSIGNMENT,
            SetupKind::UserGroupAssignments => &resources::USER_GROUP_ASSIGNMENT,
            SetupKind::ApiClientAssignments => &resources::API_CLIENT_ASSIGNMENT,
            SetupKind::ImpersonationConfigs => &resources::IMPERSONATION_CONFIG,
        }
    }

    /// Users, groups and memberships belong to a party named by `BuyerID` / `SupplierID`.
    fn has_party(self) -> bool {
        matches!(self, SetupKind::UserGroups | SetupKind::Users | SetupKind::UserGroupAssignments)
    }
}

/// The marketplace a file was exported from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct MarketplaceRef {
    #[serde(rename = "ID")]
    pub id: String,
    pub name: String,
}

/// The companies a file covers (a part of the marketplace), or all when absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Companies {
    pub buyers: Vec<String>,
    pub suppliers: Vec<String>,
}

impl Companies {
    pub fn holds(&self, t: UserType, id: &str) -> bool {
        match t {
            UserType::Admin => true,
            UserType::Buyer => self.buyers.iter().any(|b| b == id),
            UserType::Supplier => self.suppliers.iter().any(|s| s == id),
        }
    }
}

/// An exported access setup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetupFile {
    pub format: u32,
    pub marketplace: MarketplaceRef,
    /// The kinds exported: the plan's deletes stay within them.
    pub kinds: Vec<SetupKind>,
    /// The companies exported (absent: all); the plan's deletes stay within them and the
    /// marketplace's own (seller) objects.
    #[serde(default)]
    pub companies: Option<Companies>,
    #[serde(default)]
    pub objects: BTreeMap<SetupKind, Vec<Obj>>,
}

/// What to export.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportOptions {
    /// None: every kind.
    pub kinds: Option<Vec<SetupKind>>,
    /// None: every company.
    pub companies: Option<Companies>,
}

impl SetupFile {
    /// Does the file cover objects of `kind` in the party (`t`, `company`)?
    pub fn covers(&self, kind: SetupKind, party: Option<(UserType, &str)>) -> bool {
        self.kinds.contains(&kind)
            && match (&self.companies, party) {
                (Some(c), Some((t, id))) => c.holds(t, id),
                _ => true,
            }
    }

    /// The canonical text (see the module's description).
    pub fn to_text(&self) -> String {
        let v = serde_json::to_value(self).unwrap_or(Value::Null);
        let mut out = String::with_capacity(256);
        write_value(&mut out, &v, 0);
        out.push('\n');
        out
    }

    /// Reads a file; the objects are normalized as the export writes them (read-only fields,
    /// `Password` and `ClientSecret` dropped: see [`SetupFile::dropped`]).
    pub fn parse(text: &str) -> Result<SetupFile, String> {
        let mut f: SetupFile =
            serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| format!("Not a setup file: {e}"))?;
        if f.format != FORMAT {
            return Err(format!("Setup file format {} is not supported (this version reads {FORMAT}).", f.format));
        }
        for (kind, list) in f.objects.iter_mut() {
            for o in list.iter_mut() {
                *o = normalize(*kind, std::mem::take(o));
            }
        }
        Ok(f)
    }

    /// Fields of `text` that [`SetupFile::parse`] leaves out (never sent): `(kind, key, field)`.
    pub fn dropped(text: &str) -> Vec<(SetupKind, String, String)> {
        let Ok(f) = serde_json::from_str::<SetupFile>(text.trim_start_matches('\u{feff}')) else { return Vec::new() };
        let mut out = Vec::new();
        for (kind, list) in &f.objects {
            for o in list {
                let kept = normalize(*kind, o.clone());
                for k in o.keys().filter(|k| !kept.contains_key(*k) && !o[*k].is_null()) {
                    out.push((*kind, key(*kind, o), k.clone()));
                }
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Objects

/// `BuyerID` / `SupplierID` of an object, as a party (admin when neither).
pub fn party_of(o: &Obj) -> (UserType, &str) {
    let s = |k: &str| o.get(k).and_then(Value::as_str).filter(|v| !v.is_empty());
    match (s("BuyerID"), s("SupplierID")) {
        (Some(b), _) => (UserType::Buyer, b),
        (None, Some(sup)) => (UserType::Supplier, sup),
        _ => (UserType::Admin, ""),
    }
}

fn party_key(t: UserType, company: &str) -> String {
    match t {
        UserType::Admin => String::new(),
        _ => format!("{}:{company}/", t.as_str()),
    }
}

/// A text field, '' when absent or null.
pub fn text<'a>(o: &'a Obj, k: &str) -> &'a str {
    o.get(k).and_then(Value::as_str).unwrap_or_default()
}

/// What identifies an object within its kind: its ID (with its party for users and groups),
/// an API client's name, an assignment's every field. API client references are names here
/// (see [`plan`]).
pub fn key(kind: SetupKind, o: &Obj) -> String {
    let (t, c) = party_of(o);
    match kind {
        SetupKind::Buyers | SetupKind::Suppliers | SetupKind::SecurityProfiles | SetupKind::ImpersonationConfigs => {
            text(o, "ID").to_string()
        }
        SetupKind::UserGroups | SetupKind::Users => format!("{}{}", party_key(t, c), text(o, "ID")),
        SetupKind::ApiClients => text(o, "AppName").to_string(),
        SetupKind::UserGroupAssignments => {
            format!("{}{} ∋ {}", party_key(t, c), text(o, "UserGroupID"), text(o, "UserID"))
        }
        SetupKind::SecurityProfileAssignments => {
            // every field: an assignment naming a user and a group differs from one naming the user
            let mut k = format!("{} → ", text(o, "SecurityProfileID"));
            let mut parts = Vec::new();
            for (f, w) in
                [("BuyerID", "buyer"), ("SupplierID", "supplier"), ("UserGroupID", "group"), ("UserID", "user")]
            {
                if !text(o, f).is_empty() {
                    parts.push(format!("{w} {}", text(o, f)));
                }
            }
            k.push_str(if parts.is_empty() { "the marketplace" } else { "" });
            k.push_str(&parts.join(" / "));
            k
        }
        SetupKind::ApiClientAssignments => {
            let to = match (t, c) {
                (UserType::Admin, _) => "nobody".to_string(),
                (t, c) => format!("{} {c}", t.as_str()),
            };
            format!("{} → {to}", text(o, "ApiClientID"))
        }
    }
}

/// The fields the file keeps for `kind`, in the schema's order.
fn kept_fields(kind: SetupKind) -> impl Iterator<Item = &'static str> {
    let party: &[&str] = if kind.has_party() { &["BuyerID", "SupplierID"] } else { &[] };
    kind.schema()
        .fields
        .iter()
        .filter(move |f| {
            (!f.read_only || (kind == SetupKind::ApiClients && f.name == "ID"))
                && f.format != Some("password")
                && f.name != "ClientSecret"
        })
        .map(|f| f.name)
        .chain(party.iter().copied())
}

/// An object as the file holds it: the kept fields only; `xp` absent rather than null;
/// assignments without empty or null fields; role lists sorted; users' and groups' party as
/// `BuyerID` / `SupplierID` only when set.
pub fn normalize(kind: SetupKind, mut o: Obj) -> Obj {
    let mut out = Obj::new();
    for name in kept_fields(kind) {
        let Some(mut v) = o.remove(name) else { continue };
        let empty = v.is_null() || v.as_str() == Some("");
        if empty && (kind.is_assignment() || name == "xp" || name == "BuyerID" || name == "SupplierID") {
            continue;
        }
        if let Value::Array(items) = &mut v {
            if name == "Roles" || name == "CustomRoles" {
                items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                items.dedup();
            }
        }
        out.insert(name.to_string(), v);
    }
    out
}

fn obj_of<T: Serialize>(kind: SetupKind, v: &T) -> Obj {
    match serde_json::to_value(v) {
        Ok(Value::Object(m)) => normalize(kind, m),
        _ => Obj::new(),
    }
}

/// Every object of a marketplace snapshot, normalized, split into the people-made ones and the
/// built-in ones (each in the snapshot's order).
pub fn objects(m: &Marketplace, b: &BuiltIns) -> (Objects, Objects) {
    use SetupKind::*;
    let mut all: Vec<(SetupKind, Obj)> = Vec::new();
    let with_party = |mut o: Obj, t: UserType, c: &str| {
        match t {
            UserType::Buyer => o.insert("BuyerID".into(), Value::String(c.into())),
            UserType::Supplier => o.insert("SupplierID".into(), Value::String(c.into())),
            UserType::Admin => None,
        };
        o
    };
    for p in &m.parties {
        let (t, c) = (p.user_type, p.company.id.as_str());
        match t {
            UserType::Buyer => all.push((Buyers, obj_of(Buyers, &p.company))),
            UserType::Supplier => all.push((Suppliers, obj_of(Suppliers, &p.company))),
            UserType::Admin => {}
        }
        all.extend(p.groups.iter().map(|g| (UserGroups, with_party(obj_of(UserGroups, g), t, c))));
        all.extend(p.users.iter().map(|u| (Users, with_party(obj_of(Users, u), t, c))));
        all.extend(
            p.memberships.iter().map(|a| (UserGroupAssignments, with_party(obj_of(UserGroupAssignments, a), t, c))),
        );
    }
    all.extend(m.profiles.iter().map(|p| (SecurityProfiles, obj_of(SecurityProfiles, p))));
    all.extend(m.api_clients.iter().map(|c| (ApiClients, obj_of(ApiClients, c))));
    all.extend(m.assignments.iter().map(|a| (SecurityProfileAssignments, obj_of(SecurityProfileAssignments, a))));
    all.extend(m.api_client_assignments.iter().map(|a| (ApiClientAssignments, obj_of(ApiClientAssignments, a))));
    all.extend(m.impersonation_configs.iter().map(|c| (ImpersonationConfigs, obj_of(ImpersonationConfigs, c))));

    // built-in clients (by the hub's list or their patterns), then whatever names a built-in
    let builtin_clients: HashSet<&str> = m
        .api_clients
        .iter()
        .filter(|c| b.clients.contains(&c.id) || serde_json::to_value(c).is_ok_and(|v| b.is_builtin_client(&v)))
        .map(|c| c.id.as_str())
        .collect();
    all.into_iter().partition(|(k, o)| !is_builtin_obj(*k, o, &builtin_clients))
}

/// Is this (normalized) object built-in, or does it name a built-in object? `builtin_clients`:
/// the IDs of the built-in API clients.
pub fn is_builtin_obj(kind: SetupKind, o: &Obj, builtin_clients: &HashSet<&str>) -> bool {
    use SetupKind::*;
    let (t, c) = party_of(o);
    let company = builtin::is_builtin_company(t, c);
    let s = |k| text(o, k);
    match kind {
        Buyers => builtin::is_builtin_company(UserType::Buyer, s("ID")),
        Suppliers => builtin::is_builtin_company(UserType::Supplier, s("ID")),
        SecurityProfiles => builtin::is_builtin_profile(s("ID")),
        ApiClients => {
            builtin_clients.contains(s("ID")) || builtin::is_builtin_client_by_pattern(&Value::Object(o.clone()))
        }
        UserGroups => builtin::is_builtin_group(t, c, s("ID")),
        Users => builtin::is_builtin_user(t, c, s("ID")),
        UserGroupAssignments => company || builtin::is_builtin_user(t, c, s("UserID")),
        SecurityProfileAssignments => {
            builtin::is_builtin_profile(s("SecurityProfileID"))
                || company
                || builtin::is_builtin_user(t, c, s("UserID"))
                || builtin::is_builtin_group(t, c, s("UserGroupID"))
        }
        ApiClientAssignments => builtin_clients.contains(s("ApiClientID")) || company,
        ImpersonationConfigs => {
            builtin_clients.contains(s("ClientID"))
                || builtin::is_builtin_profile(s("SecurityProfileID"))
                || builtin::is_builtin_company(UserType::Buyer, s("BuyerID"))
                || builtin::is_builtin_company(UserType::Buyer, s("ImpersonationBuyerID"))
                || builtin::is_builtin_user(UserType::Admin, "", s("ImpersonationUserID"))
        }
    }
}

/// The company an object belongs to for the file's company filter (None: the marketplace's own).
pub fn company_of(kind: SetupKind, o: &Obj) -> Option<(UserType, &str)> {
    match kind {
        SetupKind::Buyers => Some((UserType::Buyer, text(o, "ID"))),
        SetupKind::Suppliers => Some((UserType::Supplier, text(o, "ID"))),
        SetupKind::SecurityProfiles | SetupKind::ApiClients => None,
        SetupKind::ImpersonationConfigs => {
            let b = text(o, "BuyerID");
            (!b.is_empty()).then_some((UserType::Buyer, b))
        }
        _ => match party_of(o) {
            (UserType::Admin, _) => None,
            p => Some(p),
        },
    }
}

/// Exports a marketplace snapshot (built-in objects left out).
pub fn export(m: &Marketplace, b: &BuiltIns, opts: &ExportOptions) -> SetupFile {
    let kinds: Vec<SetupKind> = match &opts.kinds {
        Some(k) => {
            let mut k = k.clone();
            k.sort();
            k.dedup();
            k
        }
        None => SetupKind::ALL.to_vec(),
    };
    let mut file = SetupFile {
        format: FORMAT,
        marketplace: MarketplaceRef { id: m.id.clone(), name: m.name.clone() },
        kinds,
        companies: opts.companies.clone().map(|mut c| {
            c.buyers.sort();
            c.buyers.dedup();
            c.suppliers.sort();
            c.suppliers.dedup();
            c
        }),
        objects: BTreeMap::new(),
    };
    for (kind, o) in objects(m, b).0 {
        if file.covers(kind, company_of(kind, &o)) {
            file.objects.entry(kind).or_default().push(o);
        }
    }
    for (kind, list) in file.objects.iter_mut() {
        sort_objects(*kind, list);
        if kind.is_assignment() {
            // the API keeps one of identical assignments
            list.dedup();
        }
    }
    file
}

/// Sorts by key, then by ID (a tie only in a marketplace with duplicates).
fn sort_objects(kind: SetupKind, list: &mut [Obj]) {
    let mut keyed: Vec<(String, String, Obj)> =
        list.iter_mut().map(|o| (key(kind, o), text(o, "ID").to_string(), std::mem::take(o))).collect();
    keyed.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    for (slot, (_, _, o)) in list.iter_mut().zip(keyed) {
        *slot = o;
    }
}

// ---------------------------------------------------------------------------------------------
// Canonical JSON

/// Keys that come first, in this order; the rest alphabetically.
const FIRST_KEYS: &[&str] = &[
    "Format",
    "Marketplace",
    "Kinds",
    "Companies",
    "Objects",
    "Buyers",
    "Suppliers",
    "SecurityProfiles",
    "UserGroups",
    "Users",
    "ApiClients",
    "SecurityProfileAssignments",
    "UserGroupAssignments",
    "ApiClientAssignments",
    "ImpersonationConfigs",
    "ID",
    "Name",
];

fn key_rank(k: &str) -> (usize, &str) {
    (FIRST_KEYS.iter().position(|f| *f == k).unwrap_or(FIRST_KEYS.len()), k)
}

fn indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push_str("  ");
    }
}

/// Pretty JSON with keys in [`key_rank`] order, whatever order the map keeps.
fn write_value(out: &mut String, v: &Value, depth: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort_by(|a, b| key_rank(a).cmp(&key_rank(b)));
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(out, depth + 1);
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push_str(": ");
                write_value(out, &m[k.as_str()], depth + 1);
            }
            out.push('\n');
            indent(out, depth);
            out.push('}');
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(out, depth + 1);
                write_value(out, item, depth + 1);
            }
            out.push('\n');
            indent(out, depth);
            out.push(']');
        }
        other => out.push_str(&serde_json::to_string(other).unwrap_or_default()),
    }
}
