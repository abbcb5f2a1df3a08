//! A file against a target marketplace: per object create, update (field by field) or
//! unchanged; deletes only when asked, within the file's kinds and companies; references
//! checked before anything is sent; API clients matched by name, references to them rewritten.
use super::{company_of, key, normalize, objects, party_of, text, Obj, SetupFile, SetupKind};
use crate::access::Marketplace;
use crate::builtin::BuiltIns;
use crate::resources::UserType;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;

/// How to plan.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PlanOptions {
    /// "Remove what the file lacks": delete the target's objects of the file's kinds and
    /// companies that the file does not hold.
    pub delete_missing: bool,
}

/// One field that differs: the target's value and the file's.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDiff {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Create,
    Update(Vec<FieldDiff>),
    Unchanged,
    Delete,
}

/// One object in the plan. API client references (`ApiClientID`, `ClientID`) hold the client's
/// name: [`super::apply::Step::request`] puts in the target's ID.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub kind: SetupKind,
    pub key: String,
    pub change: Change,
    /// The file's object (the target's, for a delete).
    pub object: Obj,
    /// For an API client, its ID in the target when it has one.
    pub target_id: Option<String>,
}

/// An API client's ID in the target: one it has, or the one its create will return.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientId {
    Existing(String),
    New,
}

/// A reference to an API client rewritten from the file's ID to the target's.
#[derive(Debug, Clone, PartialEq)]
pub struct Rewrite {
    pub name: String,
    pub from: String,
    pub to: ClientId,
    /// How many references in the file name it.
    pub references: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    File,
    Target,
}

/// Why a plan is refused (nothing may be sent while it has one).
#[derive(Debug, Clone, PartialEq)]
pub enum PlanError {
    /// `from` names `missing`, which neither the file nor the target (after the plan's deletes)
    /// has.
    MissingReference { from: String, missing: String },
    /// Two API clients of one name: they cannot be matched.
    DuplicateClientName { side: Side, name: String, ids: Vec<String> },
    /// The file holds one object twice.
    Duplicate { kind: SetupKind, key: String },
}

impl PlanError {
    pub fn describe(&self) -> String {
        match self {
            PlanError::MissingReference { from, missing } => {
                format!("{from} names {missing}, which neither the file nor the target marketplace has.")
            }
            PlanError::DuplicateClientName { side, name, ids } => format!(
                "The {} has {} API clients named \"{name}\" ({}): clients are matched by name, so rename all but one.",
                if *side == Side::File { "file" } else { "target marketplace" },
                ids.len(),
                ids.join(", ")
            ),
            PlanError::Duplicate { kind, key } => format!("The file holds {} {key} twice.", kind.noun()),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub create: usize,
    pub update: usize,
    pub unchanged: usize,
    pub delete: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Creates, updates and unchanged objects, in apply order (kind, then key).
    pub items: Vec<Item>,
    /// Deletes (only when asked), listed apart.
    pub deletes: Vec<Item>,
    pub rewrites: Vec<Rewrite>,
    pub errors: Vec<PlanError>,
    /// Built-in objects found in the file and left out.
    pub skipped_builtins: usize,
    pub counts: BTreeMap<SetupKind, Counts>,
    pub source: String,
    pub target: String,
}

impl Plan {
    /// Changes to send (creates, updates, deletes).
    pub fn changes(&self) -> usize {
        self.items.iter().filter(|i| i.change != Change::Unchanged).count() + self.deletes.len()
    }
    pub fn refused(&self) -> bool {
        !self.errors.is_empty()
    }
    /// The target's ID for each client name the plan knows (created ones fill in as they come).
    pub fn client_ids(&self) -> HashMap<String, String> {
        let mut ids: HashMap<String, String> = HashMap::new();
        for i in self.items.iter().chain(&self.deletes) {
            if let (SetupKind::ApiClients, Some(id)) = (i.kind, &i.target_id) {
                ids.insert(i.key.clone(), id.clone());
            }
        }
        ids
    }
}

/// A marketplace's objects by (kind, key), API client references as names.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub objects: BTreeMap<(SetupKind, String), Obj>,
    /// Built-in objects' keys (referable, never planned).
    pub builtins: HashSet<(SetupKind, String)>,
    /// API client ID → name, every client (built-in too).
    pub client_names: HashMap<String, String>,
    /// API client name → IDs (people-made clients).
    pub client_ids: BTreeMap<String, Vec<String>>,
}

impl Index {
    /// Indexes a snapshot of a marketplace.
    pub fn of(m: &Marketplace, b: &BuiltIns) -> Index {
        let (regular, builtin) = objects(m, b);
        let mut ix = Index::default();
        for c in &m.api_clients {
            ix.client_names.insert(c.id.clone(), c.app_name.clone());
        }
        for (k, o) in &regular {
            if *k == SetupKind::ApiClients {
                ix.client_ids.entry(text(o, "AppName").to_string()).or_default().push(text(o, "ID").to_string());
            }
        }
        for (k, mut o) in builtin {
            name_clients(k, &mut o, |id| ix.client_names.get(id).cloned());
            ix.builtins.insert((k, key(k, &o)));
        }
        for (k, mut o) in regular {
            name_clients(k, &mut o, |id| ix.client_names.get(id).cloned());
            ix.objects.insert((k, key(k, &o)), o);
        }
        ix
    }
    pub fn get(&self, kind: SetupKind, key: &str) -> Option<&Obj> {
        self.objects.get(&(kind, key.to_string()))
    }
    fn has(&self, kind: SetupKind, key: &str) -> bool {
        let k = (kind, key.to_string());
        self.objects.contains_key(&k) || self.builtins.contains(&k)
    }
}

/// The field of `kind` naming an API client.
pub fn client_field(kind: SetupKind) -> Option<&'static str> {
    match kind {
        SetupKind::ApiClientAssignments => Some("ApiClientID"),
        SetupKind::ImpersonationConfigs => Some("ClientID"),
        _ => None,
    }
}

/// Replaces an API client ID reference with the client's name (left as is when unknown).
fn name_clients(kind: SetupKind, o: &mut Obj, name: impl Fn(&str) -> Option<String>) -> bool {
    let Some(f) = client_field(kind) else { return true };
    match name(text(o, f)) {
        Some(n) => {
            o.insert(f.to_string(), Value::String(n));
            true
        }
        None => false,
    }
}

fn party_words(t: UserType, c: &str) -> String {
    match t {
        UserType::Admin => "the marketplace".into(),
        t => format!("{} {c}", t.as_str()),
    }
}

/// The objects `o` names: (kind, key, words).
fn references(kind: SetupKind, o: &Obj) -> Vec<(SetupKind, String, String)> {
    use SetupKind::*;
    let mut out = Vec::new();
    let (t, c) = party_of(o);
    let pk = |t: UserType, c: &str| match t {
        UserType::Admin => String::new(),
        t => format!("{}:{c}/", t.as_str()),
    };
    let company = |out: &mut Vec<_>, t: UserType, c: &str| match t {
        UserType::Buyer => out.push((Buyers, c.to_string(), format!("buyer {c}"))),
        UserType::Supplier => out.push((Suppliers, c.to_string(), format!("supplier {c}"))),
        UserType::Admin => {}
    };
    let s = |k: &str| text(o, k).to_string();
    let set = |k: &str| !text(o, k).is_empty();
    match kind {
        UserGroups | Users => company(&mut out, t, c),
        UserGroupAssignments | SecurityProfileAssignments => {
            company(&mut out, t, c);
            if set("UserGroupID") {
                let g = s("UserGroupID");
                out.push((UserGroups, format!("{}{g}", pk(t, c)), format!("user group {g} of {}", party_words(t, c))));
            }
            if set("UserID") {
                let u = s("UserID");
                out.push((Users, format!("{}{u}", pk(t, c)), format!("user {u} of {}", party_words(t, c))));
            }
            if kind == SecurityProfileAssignments {
                let p = s("SecurityProfileID");
                out.push((SecurityProfiles, p.clone(), format!("security profile {p}")));
            }
        }
        ApiClientAssignments => {
            company(&mut out, t, c);
            let n = s("ApiClientID");
            out.push((ApiClients, n.clone(), format!("API client \"{n}\"")));
        }
        ImpersonationConfigs => {
            let n = s("ClientID");
            out.push((ApiClients, n.clone(), format!("API client \"{n}\"")));
            let p = s("SecurityProfileID");
            out.push((SecurityProfiles, p.clone(), format!("security profile {p}")));
            for (buyer, group, user) in [
                ("BuyerID", "GroupID", "UserID"),
                ("ImpersonationBuyerID", "ImpersonationGroupID", "ImpersonationUserID"),
            ] {
                let (pt, pc) = if set(buyer) { (UserType::Buyer, text(o, buyer)) } else { (UserType::Admin, "") };
                company(&mut out, pt, pc);
                if set(group) {
                    let g = s(group);
                    out.push((
                        UserGroups,
                        format!("{}{g}", pk(pt, pc)),
                        format!("user group {g} of {}", party_words(pt, pc)),
                    ));
                }
                if set(user) {
                    let u = s(user);
                    out.push((Users, format!("{}{u}", pk(pt, pc)), format!("user {u} of {}", party_words(pt, pc))));
                }
            }
        }
        Buyers | Suppliers | SecurityProfiles | ApiClients => {}
    }
    out
}

/// Plans `file` against the target marketplace `target` (with its built-in clients `b`).
pub fn plan(file: &SetupFile, target: &Marketplace, b: &BuiltIns, opts: PlanOptions) -> Plan {
    plan_index(file, &Index::of(target, b), &target.name, opts)
}

/// [`plan`] against an indexed target.
pub fn plan_index(file: &SetupFile, tx: &Index, target_name: &str, opts: PlanOptions) -> Plan {
    let mut errors = Vec::new();

    // the file's clients: names unique on both sides
    let mut file_clients: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in file.objects.get(&SetupKind::ApiClients).into_iter().flatten() {
        file_clients.entry(text(c, "AppName").to_string()).or_default().push(text(c, "ID").to_string());
    }
    for (side, map) in [(Side::File, &file_clients), (Side::Target, &tx.client_ids)] {
        for (name, ids) in map.iter().filter(|(_, ids)| ids.len() > 1) {
            errors.push(PlanError::DuplicateClientName { side, name: name.clone(), ids: ids.clone() });
        }
    }
    let file_client_name: HashMap<&str, &str> =
        file_clients.iter().flat_map(|(n, ids)| ids.iter().map(move |id| (id.as_str(), n.as_str()))).collect();

    // the file, indexed as the target is (client references as names)
    let mut fx: BTreeMap<(SetupKind, String), Obj> = BTreeMap::new();
    let mut skipped_builtins = 0;
    let mut references_to: HashMap<String, usize> = HashMap::new();
    // built-in objects in a (hand-made) file: found as the export finds them
    let file_builtin_clients: HashSet<&str> = file
        .objects
        .get(&SetupKind::ApiClients)
        .into_iter()
        .flatten()
        .filter(|c| crate::builtin::is_builtin_client_by_pattern(&Value::Object((*c).clone())))
        .map(|c| text(c, "ID"))
        .collect();
    for (&kind, list) in &file.objects {
        for o in list {
            let mut o = normalize(kind, o.clone());
            if super::is_builtin_obj(kind, &o, &file_builtin_clients) {
                skipped_builtins += 1;
                continue;
            }
            if let Some(f) = client_field(kind) {
                let id = text(&o, f).to_string();
                let name = file_client_name
                    .get(id.as_str())
                    .map(|n| n.to_string())
                    .or_else(|| tx.client_names.get(&id).cloned())
                    .unwrap_or_else(|| format!("(ID {id})"));
                *references_to.entry(id).or_default() += 1;
                o.insert(f.to_string(), Value::String(name));
            }
            let k = key(kind, &o);
            if fx.insert((kind, k.clone()), o).is_some() && !kind.is_assignment() {
                errors.push(PlanError::Duplicate { kind, key: k });
            }
        }
    }

    // creates, updates, unchanged
    let mut items = Vec::with_capacity(fx.len());
    let mut counts: BTreeMap<SetupKind, Counts> = BTreeMap::new();
    for ((kind, k), o) in &fx {
        let c = counts.entry(*kind).or_default();
        let existing = tx.get(*kind, k);
        let target_id = match kind {
            SetupKind::ApiClients => tx.client_ids.get(k).and_then(|ids| ids.first().cloned()),
            _ => None,
        };
        let change = match existing {
            None => {
                c.create += 1;
                Change::Create
            }
            Some(t) => {
                let diffs: Vec<FieldDiff> = o
                    .iter()
                    .filter(|(f, _)| !(*kind == SetupKind::ApiClients && f.as_str() == "ID"))
                    .filter_map(|(f, v)| {
                        let old = t.get(f).cloned().unwrap_or(Value::Null);
                        (old != *v).then(|| FieldDiff { field: f.clone(), old, new: v.clone() })
                    })
                    .collect();
                if diffs.is_empty() {
                    c.unchanged += 1;
                    Change::Unchanged
                } else {
                    c.update += 1;
                    Change::Update(diffs)
                }
            }
        };
        items.push(Item { kind: *kind, key: k.clone(), change, object: o.clone(), target_id });
    }

    // deletes, when asked: the target's objects of the file's kinds and companies it lacks
    let mut deletes = Vec::new();
    if opts.delete_missing {
        for ((kind, k), o) in &tx.objects {
            if !fx.contains_key(&(*kind, k.clone())) && file.covers(*kind, company_of(*kind, o)) {
                counts.entry(*kind).or_default().delete += 1;
                let target_id = (*kind == SetupKind::ApiClients).then(|| text(o, "ID").to_string());
                deletes.push(Item {
                    kind: *kind,
                    key: k.clone(),
                    change: Change::Delete,
                    object: o.clone(),
                    target_id,
                });
            }
        }
        // dependents first
        deletes.sort_by(|a, b| b.kind.cmp(&a.kind).then_with(|| a.key.cmp(&b.key)));
    }
    let deleted: HashSet<(SetupKind, &str)> = deletes.iter().map(|d| (d.kind, d.key.as_str())).collect();

    // references: the file's, against the file and what the target keeps
    for ((kind, k), o) in &fx {
        for (rk, rkey, words) in references(*kind, o) {
            let in_file = fx.contains_key(&(rk, rkey.clone()));
            let in_target = tx.has(rk, &rkey) && !deleted.contains(&(rk, rkey.as_str()));
            if !in_file && !in_target {
                errors.push(PlanError::MissingReference {
                    from: format!("{} {k}", kind.noun()),
                    missing: if deleted.contains(&(rk, rkey.as_str())) {
                        format!("{words} (which this plan deletes)")
                    } else {
                        words
                    },
                });
            }
        }
    }

    // client ID rewrites
    let mut rewrites = Vec::new();
    for (name, ids) in &file_clients {
        let to = match tx.client_ids.get(name).and_then(|t| t.first()) {
            Some(t) => ClientId::Existing(t.clone()),
            None => ClientId::New,
        };
        for id in ids {
            if to != ClientId::Existing(id.clone()) {
                let references = references_to.get(id).copied().unwrap_or(0);
                rewrites.push(Rewrite { name: name.clone(), from: id.clone(), to: to.clone(), references });
            }
        }
    }

    Plan {
        items,
        deletes,
        rewrites,
        errors,
        skipped_builtins,
        counts,
        source: file.marketplace.name.clone(),
        target: target_name.to_string(),
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "(none)".into(),
        v => serde_json::to_string(v).unwrap_or_default(),
    }
}

impl Plan {
    /// The plan as a readable diff: errors, client rewrites, changes (`+` create, `~` update
    /// with its fields, `-` delete), counts per kind. Unchanged objects are counted only.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Plan: \"{}\" onto \"{}\"", self.source, self.target);
        if !self.errors.is_empty() {
            let _ = writeln!(out, "\nRefused: {} problem(s), nothing will be sent", self.errors.len());
            for e in &self.errors {
                let _ = writeln!(out, "! {}", e.describe());
            }
        }
        if !self.rewrites.is_empty() {
            let _ = writeln!(out, "\nAPI client IDs (matched by name):");
            for r in &self.rewrites {
                let to = match &r.to {
                    ClientId::Existing(id) => id.clone(),
                    ClientId::New => "the ID its create returns".into(),
                };
                let _ = writeln!(out, "@ \"{}\": {} → {to} ({} reference(s))", r.name, r.from, r.references);
            }
        }
        let changed: Vec<&Item> = self.items.iter().filter(|i| i.change != Change::Unchanged).collect();
        if !changed.is_empty() {
            let _ = writeln!(out, "\nChanges:");
        }
        for i in changed {
            match &i.change {
                Change::Create => {
                    let _ = writeln!(out, "+ {} {}", i.kind.noun(), i.key);
                }
                Change::Update(diffs) => {
                    let _ = writeln!(out, "~ {} {}", i.kind.noun(), i.key);
                    for d in diffs {
                        let _ = writeln!(out, "    {}: {} → {}", d.field, show(&d.old), show(&d.new));
                    }
                }
                _ => {}
            }
        }
        if !self.deletes.is_empty() {
            let _ = writeln!(out, "\nDeletes (the target's objects the file lacks):");
            for i in &self.deletes {
                let _ = writeln!(out, "- {} {}", i.kind.noun(), i.key);
            }
        }
        if self.skipped_builtins > 0 {
            let _ = writeln!(out, "\n{} built-in object(s) in the file left out.", self.skipped_builtins);
        }
        let _ = writeln!(out, "\n{:<28} {:>7} {:>7} {:>9} {:>7}", "Kind", "create", "update", "unchanged", "delete");
        for (k, c) in &self.counts {
            let _ =
                writeln!(out, "{:<28} {:>7} {:>7} {:>9} {:>7}", k.as_str(), c.create, c.update, c.unchanged, c.delete);
        }
        let _ = writeln!(out, "\n{} change(s).", self.changes());
        out
    }
}
