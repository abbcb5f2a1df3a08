//! A plan as ordered requests: creates and updates in dependency order (companies, profiles,
//! groups, users, clients, assignments, configs), then the deletes, dependents first.
//!
//! API client IDs are made by the API: a step naming a client carries its name
//! ([`Step::client`]) and [`Step::request`] looks the ID up in a [`ClientIds`] map, filled from
//! the plan (clients the target has) and by [`Step::record`] from each client create's answer.
//!
//! Resuming (after an outage, a cancel, a lost answer): read the target again and keep the
//! steps that are not [`Step::is_done`] there, with [`ClientIds::from_index`] for the map; a
//! create that landed before its answer was lost then counts as done and is never sent twice.
//! (Re-planning against the re-read target gives the same remaining changes.) Users are created
//! without a password; API clients without a secret.
use super::plan::{client_field, Change, Index, Item, Plan};
use super::{party_of, text, Obj, SetupKind};
use crate::resources::{Kind, UserType};
use serde_json::Value;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Delete,
}

/// An API client's name → its ID in the target.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientIds(pub HashMap<String, String>);

impl ClientIds {
    pub fn from_plan(plan: &Plan) -> ClientIds {
        ClientIds(plan.client_ids())
    }
    /// From a re-read target (to resume): every people-made client by name.
    pub fn from_index(ix: &Index) -> ClientIds {
        ClientIds(ix.client_ids.iter().filter_map(|(n, ids)| Some((n.clone(), ids.first()?.clone()))).collect())
    }
}

/// A request to send: method, path under `/v1`, JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: &'static str,
    pub path: String,
    pub body: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub kind: SetupKind,
    pub action: Action,
    /// The object's key in its kind (the plan's item key).
    pub key: String,
    /// Unique in the plan and stable across runs: "create Users buyer:B/U1".
    pub idempotence_key: String,
    pub method: &'static str,
    /// The path; a `{client}` in it stands for [`Step::client`]'s ID.
    pub path: String,
    /// The body; the [`Step::client`] field holds the client's name until [`Step::request`].
    pub body: Option<Value>,
    /// The API client this step names (body field or `{client}` in the path) and its name.
    pub client: Option<(&'static str, String)>,
    /// A client create: the name under which [`Step::record`] keeps the ID it returns.
    pub creates_client: Option<String>,
    /// The desired object (file side), for [`Step::is_done`].
    pub object: Obj,
}

fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The collection path of a resource kind for a company, from the resource tables.
fn collection(kind: Kind, company: &str) -> String {
    let def = kind.def();
    match def.parent_param() {
        Some(p) => def.path.replace(&format!("{{{p}}}"), &enc(company)),
        None => def.path.to_string(),
    }
}

fn resource_kind(kind: SetupKind, t: UserType) -> Option<Kind> {
    Some(match kind {
        SetupKind::Buyers => Kind::Buyer,
        SetupKind::Suppliers => Kind::Supplier,
        SetupKind::SecurityProfiles => Kind::SecurityProfile,
        SetupKind::UserGroups | SetupKind::UserGroupAssignments => Kind::group_kind(t),
        SetupKind::Users => Kind::user_kind(t),
        SetupKind::ApiClients => Kind::ApiClient,
        SetupKind::ImpersonationConfigs => Kind::ImpersonationConfig,
        _ => return None,
    })
}

/// The body fields that place an object rather than describe it.
fn body_of(kind: SetupKind, o: &Obj, only: Option<&[String]>) -> Value {
    let mut b = Obj::new();
    for (k, v) in o {
        let locator = matches!(kind, SetupKind::Users | SetupKind::UserGroups | SetupKind::UserGroupAssignments)
            && (k == "BuyerID" || k == "SupplierID");
        let never = k == "Password" || k == "ClientSecret" || (kind == SetupKind::ApiClients && k == "ID");
        if locator || never || only.is_some_and(|f| !f.contains(k)) {
            continue;
        }
        b.insert(k.clone(), v.clone());
    }
    Value::Object(b)
}

fn step_of(item: &Item) -> Step {
    let kind = item.kind;
    let o = &item.object;
    let (t, company) = party_of(o);
    let action = match item.change {
        Change::Create => Action::Create,
        Change::Update(_) => Action::Update,
        _ => Action::Delete,
    };
    let id = text(o, "ID");
    let client_name = client_field(kind).map(|f| (f, text(o, f).to_string()));
    let mut client = None;
    let (method, path, body) = match (kind, action) {
        (SetupKind::SecurityProfileAssignments, Action::Delete) => {
            let q: Vec<String> = [
                ("buyerID", "BuyerID"),
                ("supplierID", "SupplierID"),
                ("userID", "UserID"),
                ("userGroupID", "UserGroupID"),
            ]
            .iter()
            .filter(|(_, f)| !text(o, f).is_empty())
            .map(|(p, f)| format!("{p}={}", enc(text(o, f))))
            .collect();
            let p = enc(text(o, "SecurityProfileID"));
            let query = if q.is_empty() { String::new() } else { format!("?{}", q.join("&")) };
            ("DELETE", format!("/securityprofiles/{p}/assignments{query}"), None)
        }
        (SetupKind::SecurityProfileAssignments, _) => {
            ("POST", "/securityprofiles/assignments".into(), Some(body_of(kind, o, None)))
        }
        (SetupKind::UserGroupAssignments, Action::Delete) => {
            let base = collection(Kind::group_kind(t), company);
            ("DELETE", format!("{base}/{}/assignments/{}", enc(text(o, "UserGroupID")), enc(text(o, "UserID"))), None)
        }
        (SetupKind::UserGroupAssignments, _) => {
            ("POST", format!("{}/assignments", collection(Kind::group_kind(t), company)), Some(body_of(kind, o, None)))
        }
        (SetupKind::ApiClientAssignments, Action::Delete) => {
            client = client_name.clone();
            let (path_kind, c) = if t == UserType::Supplier { ("suppliers", company) } else { ("buyers", company) };
            ("DELETE", format!("/{path_kind}/{}/ApiClients/Assignments/{{client}}", enc(c)), None)
        }
        (SetupKind::ApiClientAssignments, _) => {
            client = client_name.clone();
            ("POST", "/apiclients/assignments".into(), Some(body_of(kind, o, None)))
        }
        (SetupKind::ApiClients, Action::Create) => ("POST", "/apiclients".into(), Some(body_of(kind, o, None))),
        (SetupKind::ApiClients, a) => {
            client = Some(("", item.key.clone()));
            let body = match &item.change {
                Change::Update(d) => {
                    Some(body_of(kind, o, Some(&d.iter().map(|d| d.field.clone()).collect::<Vec<_>>())))
                }
                _ => None,
            };
            (if a == Action::Delete { "DELETE" } else { "PATCH" }, "/apiclients/{client}".into(), body)
        }
        (_, a) => {
            let rk = resource_kind(kind, t).unwrap_or(Kind::Buyer);
            let coll = collection(rk, company);
            match (a, &item.change) {
                (Action::Create, _) => {
                    if kind == SetupKind::ImpersonationConfigs {
                        client = client_name.clone();
                    }
                    ("POST", coll, Some(body_of(kind, o, None)))
                }
                (Action::Update, Change::Update(d)) => {
                    let fields: Vec<String> = d.iter().map(|d| d.field.clone()).collect();
                    if kind == SetupKind::ImpersonationConfigs && fields.iter().any(|f| f == "ClientID") {
                        client = client_name.clone();
                    }
                    ("PATCH", format!("{coll}/{}", enc(id)), Some(body_of(kind, o, Some(&fields))))
                }
                _ => ("DELETE", format!("{coll}/{}", enc(id)), None),
            }
        }
    };
    let verb = match action {
        Action::Create => "create",
        Action::Update => "update",
        Action::Delete => "delete",
    };
    Step {
        kind,
        action,
        key: item.key.clone(),
        idempotence_key: format!("{verb} {} {}", kind.as_str(), item.key),
        method,
        path,
        body,
        client,
        creates_client: (kind == SetupKind::ApiClients && action == Action::Create).then(|| item.key.clone()),
        object: o.clone(),
    }
}

/// The plan's changes as ordered steps (none for a refused plan).
pub fn steps(plan: &Plan) -> Vec<Step> {
    if plan.refused() {
        return Vec::new();
    }
    plan.items.iter().filter(|i| i.change != Change::Unchanged).chain(&plan.deletes).map(step_of).collect()
}

impl Step {
    /// The request to send, with the API client's ID put in; `Err` names a client whose ID is
    /// not known yet (its create has not answered).
    pub fn request(&self, ids: &ClientIds) -> Result<Request, String> {
        let mut path = self.path.clone();
        let mut body = self.body.clone();
        if let Some((field, name)) = &self.client {
            let id = ids.0.get(name).ok_or_else(|| format!("API client \"{name}\" has no ID in the target yet"))?;
            path = path.replace("{client}", &enc(id));
            if let (false, Some(Value::Object(b))) = (field.is_empty(), body.as_mut()) {
                if b.contains_key(*field) {
                    b.insert(field.to_string(), Value::String(id.clone()));
                }
            }
        }
        Ok(Request { method: self.method, path, body })
    }

    /// Keeps the ID a client create returned (the answer's `ID`).
    pub fn record(&self, answer: &Value, ids: &mut ClientIds) {
        if let (Some(name), Some(id)) = (&self.creates_client, answer.get("ID").and_then(Value::as_str)) {
            ids.0.insert(name.clone(), id.to_string());
        }
    }

    /// Is this step's effect present in a re-read target? Creates and updates: the object is
    /// there with the file's fields; deletes: it is gone.
    pub fn is_done(&self, after: &Index) -> bool {
        let found = after.get(self.kind, &self.key);
        match self.action {
            Action::Delete => found.is_none(),
            Action::Create | Action::Update => found.is_some_and(|t| {
                self.object.iter().all(|(f, v)| {
                    (self.kind == SetupKind::ApiClients && f == "ID") || t.get(f).unwrap_or(&Value::Null) == v
                })
            }),
        }
    }
}

/// The steps not done in a re-read target (to resume a run), in order.
pub fn pending<'a>(steps: &'a [Step], after: &Index) -> Vec<&'a Step> {
    steps.iter().filter(|s| !s.is_done(after)).collect()
}
