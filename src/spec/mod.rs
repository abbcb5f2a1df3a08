//! The API description (OpenAPI 3) → the resource directory: sections → resources →
//! operations, each with its parameters and a body form resolved from the schemas.
use serde_json::{Map, Value};
use std::collections::HashMap;

pub mod read;

#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub title: String,
    pub sections: Vec<Section>,
    pub ops: Vec<Op>,
    /// The document's `components.schemas`, each by name as written: read when a body form is
    /// first asked for ([`Spec::body`]), not when the directory is built (the first screen
    /// needs none). One that cannot be read leaves out only the fields it would give.
    schemas_text: Vec<(String, String)>,
    schemas: std::sync::OnceLock<Map<String, Value>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub name: String,
    pub resources: Vec<Resource>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub name: String,
    /// Indices into `Spec::ops`.
    pub ops: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Op {
    /// `METHOD /path`: unique, unlike operationIds in real documents.
    pub key: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub operation_id: String,
    pub tag: String,
    pub roles: Vec<String>,
    pub path_params: Vec<Param>,
    pub query_params: Vec<Param>,
    /// The schema of the JSON body, when the operation takes one (its form: [`Spec::body`]).
    pub body_schema: Option<Value>,
}

impl Op {
    /// A list operation: GET with paging parameters.
    pub fn is_list(&self) -> bool {
        self.method == "GET" && self.query_params.iter().any(|p| p.name == "pageSize")
    }
    pub fn param(&self, name: &str) -> Option<&Param> {
        self.query_params.iter().find(|p| p.name == name)
    }
    /// Query parameters that are not list machinery.
    pub fn plain_query(&self) -> impl Iterator<Item = &Param> {
        self.query_params
            .iter()
            .filter(|p| !["search", "searchOn", "sortBy", "page", "pageSize", "filters"].contains(&p.name.as_str()))
    }
    pub fn label(&self) -> String {
        format!("{} {} — {}", self.method, self.path, self.summary)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub required: bool,
    pub kind: Kind,
    pub enum_values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Str,
    Int,
    Num,
    Bool,
    /// Array of strings (values in `enum_values` when known).
    List,
    /// Free JSON object (`xp`).
    Json,
    /// An array of anything but text (objects, numbers): typed as JSON.
    Array,
    /// Object with known properties (`children`).
    Nested,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub kind: Kind,
    pub required: bool,
    pub max_len: Option<usize>,
    pub format: Option<String>,
    pub enum_values: Vec<String>,
    /// Kept as the document wrote them (shown in messages without float formatting).
    pub minimum: Option<serde_json::Number>,
    pub maximum: Option<serde_json::Number>,
    /// A regular expression the whole value must match.
    pub pattern: Option<String>,
    pub children: Vec<Field>,
}

/// The keywords of a schema a field is read from.
const FIELD_KEYWORDS: [&str; 9] =
    ["type", "format", "maxLength", "readOnly", "enum", "items", "minimum", "maximum", "pattern"];

/// A schema's properties in the document's order, borrowed from it; a later one of the same
/// name (an `allOf` part after another) replaces the earlier in its place.
#[derive(Default)]
struct Props<'a>(Vec<(&'a str, &'a Value)>);

impl<'a> Props<'a> {
    fn extend(&mut self, more: Props<'a>) {
        for (name, v) in more.0 {
            match self.0.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 = v,
                None => self.0.push((name, v)),
            }
        }
    }
}

struct Resolver<'a> {
    schemas: &'a Map<String, Value>,
}

impl Resolver<'_> {
    fn deref<'b>(&'b self, v: &'b Value) -> &'b Value {
        let mut cur = v;
        for _ in 0..8 {
            match cur.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/")) {
                Some(name) => match self.schemas.get(name) {
                    Some(s) => cur = s,
                    None => return cur,
                },
                None => return cur,
            }
        }
        cur
    }

    /// Properties and required names of a schema, with `$ref` and `allOf` merged, and the
    /// keywords a field is read from ([`FIELD_KEYWORDS`], the schema's own before its parts').
    /// Nothing of the document is copied but those few keywords: the properties are borrowed.
    fn flatten<'b>(&'b self, v: &'b Value, depth: usize) -> (Props<'b>, Vec<String>, Map<String, Value>) {
        let v = self.deref(v);
        let mut props = Props::default();
        let mut required: Vec<String> = str_list(&v["required"]);
        let mut merged: Map<String, Value> =
            FIELD_KEYWORDS.iter().filter_map(|k| v.get(*k).map(|x| (k.to_string(), x.clone()))).collect();
        if depth < 6 {
            for part in v["allOf"].as_array().into_iter().flatten() {
                let (p, r, m) = self.flatten(part, depth + 1);
                props.extend(p);
                required.extend(r);
                for (key, x) in m {
                    merged.entry(key).or_insert(x);
                }
            }
        }
        if let Some(p) = v["properties"].as_object() {
            props.extend(Props(p.iter().map(|(k, v)| (k.as_str(), v)).collect()));
        }
        (props, required, merged)
    }

    fn fields(&self, schema: &Value, depth: usize) -> Vec<Field> {
        let (props, required, _) = self.flatten(schema, depth);
        let mut out = Vec::new();
        for (name, raw) in props.0 {
            let name = name.to_string();
            let (child_props, _, p) = self.flatten(raw, depth + 1);
            let p = Value::Object(p);
            if p["readOnly"].as_bool() == Some(true) || raw["readOnly"].as_bool() == Some(true) {
                continue;
            }
            let ty = p["type"].as_str().unwrap_or(if child_props.0.is_empty() { "string" } else { "object" });
            let items = self.deref(&p["items"]);
            let kind = match ty {
                "integer" => Kind::Int,
                "number" => Kind::Num,
                "boolean" => Kind::Bool,
                "array" if items["type"].as_str().unwrap_or("string") == "string" => Kind::List,
                "array" => Kind::Array,
                "object" if !child_props.0.is_empty() && depth < 3 && name != "xp" => Kind::Nested,
                "object" => Kind::Json,
                _ => Kind::Str,
            };
            let enum_values = if kind == Kind::List { str_list(&items["enum"]) } else { str_list(&p["enum"]) };
            let children = if kind == Kind::Nested { self.fields(raw, depth + 1) } else { Vec::new() };
            out.push(Field {
                required: required.contains(&name),
                kind,
                max_len: p["maxLength"].as_u64().map(|n| n as usize),
                format: p["format"].as_str().map(String::from),
                enum_values,
                minimum: p["minimum"].as_number().cloned(),
                maximum: p["maximum"].as_number().cloned(),
                pattern: p["pattern"].as_str().map(String::from),
                children,
                name,
            });
        }
        out
    }
}

fn str_list(v: &Value) -> Vec<String> {
    v.as_array().into_iter().flatten().filter_map(|x| x.as_str().map(String::from)).collect()
}

fn param<'a>(schemas: &read::Schemas<'_, 'a>, p: &read::Parameter<'a>) -> Option<(String, Param)> {
    let name = p.name.as_str()?.to_string();
    let location = p.location.as_str()?.to_string();
    let schema = schemas.resolve(p.schema.0.as_ref()).unwrap_or_default();
    let items = schemas.resolve(schema.items.0.as_deref()).unwrap_or_default();
    let kind = match schema.kind.as_str().unwrap_or("string") {
        "integer" => Kind::Int,
        "number" => Kind::Num,
        "boolean" => Kind::Bool,
        "array" => Kind::List,
        "object" => Kind::Json,
        _ => Kind::Str,
    };
    let enum_values = texts(if kind == Kind::List { &items.values } else { &schema.values });
    Some((location, Param { name, required: p.required.0.unwrap_or(false), kind, enum_values }))
}

/// The strings of a list, in order (anything else in it left out).
fn texts(list: &read::Many<read::Text>) -> Vec<String> {
    list.0.iter().filter_map(|t| t.as_str().map(String::from)).collect()
}

const METHODS: &[&str] = &["get", "post", "put", "patch", "delete"];

impl Spec {
    /// The directory of the OpenAPI document in `text` (why not, in words, when it is not one).
    /// (The console reads in two steps, to mark the time each takes.)
    #[cfg(test)]
    pub fn read(text: &str) -> Result<Spec, String> {
        Spec::parse(read::document(text).map_err(|e| format!("The API description is not valid JSON: {e}"))?)
    }

    /// The directory of a document read by [`read::document`].
    pub fn parse(doc: read::Document) -> Result<Spec, String> {
        let raw_schemas = doc.components.0.map(|c| c.schemas.0.unwrap_or_default()).unwrap_or_default();
        let schemas = read::Schemas::new(&raw_schemas);
        let paths = doc.paths.0.ok_or("This is not an OpenAPI document: it has no paths.")?;
        let mut ops = Vec::new();
        for (path, item) in paths {
            // a path item with servers of its own lives outside the API's base (the sandbox's
            // vendor API); one that is not an object has no operations
            let Some(item) = item.0.filter(|item| !item.servers.0) else { continue };
            let path = if path.starts_with('/') { path.into_owned() } else { format!("/{path}") };
            let read::PathItem { parameters: shared, get, post, put, patch, delete, .. } = item;
            for (m, o) in [("GET", get), ("POST", post), ("PUT", put), ("PATCH", patch), ("DELETE", delete)] {
                let Some(o) = o.0 else { continue };
                let mut path_params = Vec::new();
                let mut query_params = Vec::new();
                for p in shared.0.iter().chain(&o.parameters.0).filter_map(|p| p.0.as_ref()) {
                    if let Some((loc, p)) = param(&schemas, p) {
                        let list = if loc == "path" {
                            &mut path_params
                        } else if loc == "query" {
                            &mut query_params
                        } else {
                            continue;
                        };
                        // the operation's own parameter overrides the path's of the same name
                        match list.iter_mut().find(|x: &&mut Param| x.name == p.name) {
                            Some(x) => *x = p,
                            None => list.push(p),
                        }
                    }
                }
                let body_schema = o
                    .request_body
                    .0
                    .and_then(|b| b.content.0)
                    .and_then(|c| c.json.0)
                    .and_then(|m| m.schema)
                    .filter(|s| !s.is_null());
                let roles =
                    o.security.0.first().map(|r| r.0.iter().filter_map(|t| t.as_str().map(String::from)).collect());
                ops.push(Op {
                    key: format!("{m} {path}"),
                    method: m.to_string(),
                    summary: o.summary.as_str().unwrap_or("").trim_end_matches('.').to_string(),
                    operation_id: o.operation_id.as_str().unwrap_or("").to_string(),
                    tag: o.tags.0.first().and_then(read::Text::as_str).unwrap_or("Other").to_string(),
                    roles: roles.unwrap_or_default(),
                    path: path.clone(),
                    path_params,
                    query_params,
                    body_schema,
                });
            }
        }
        if ops.is_empty() {
            return Err("The API description has no operations.".into());
        }
        // sections from tags with x-id; resources from tags with x-section-id; the rest under "Other"
        let tags: Vec<&read::Tag> = doc.tags.0.iter().filter_map(|t| t.0.as_ref()).collect();
        let mut sections: Vec<(String, String, Vec<Resource>)> = Vec::new();
        for t in &tags {
            if let (Some(id), Some(name)) = (t.x_id.as_str(), t.name.as_str()) {
                sections.push((id.to_string(), name.to_string(), Vec::new()));
            }
        }
        // found by name through indexes, not by searching: a description of tens of thousands of
        // tags would otherwise take operations × resources comparisons (a page frozen for
        // minutes); the first section of an ID wins, and of resources of one name the first in
        // the menu's order, as before
        let mut section_of: HashMap<String, usize> = HashMap::new();
        for (i, s) in sections.iter().enumerate() {
            section_of.entry(s.0.clone()).or_insert(i);
        }
        let mut other: Vec<Resource> = Vec::new();
        // where each resource is: (its section, or None for "Other"; its place there)
        let mut resource_at: HashMap<String, (Option<usize>, usize)> = HashMap::new();
        let key = |(s, r): (Option<usize>, usize)| (s.unwrap_or(usize::MAX), r);
        for t in &tags {
            let Some(name) = t.name.as_str() else { continue };
            if t.x_id.0.is_some() {
                continue;
            }
            let res = Resource { name: name.to_string(), ops: Vec::new() };
            let at = match t.x_section_id.as_str().and_then(|sid| section_of.get(sid)) {
                Some(&s) => {
                    sections[s].2.push(res);
                    (Some(s), sections[s].2.len() - 1)
                }
                None => {
                    other.push(res);
                    (None, other.len() - 1)
                }
            };
            // a name listed twice: the one in the earlier section (sections before "Other")
            let e = resource_at.entry(name.to_string()).or_insert(at);
            if key(at) < key(*e) {
                *e = at;
            }
        }
        for (i, op) in ops.iter().enumerate() {
            match resource_at.get(&op.tag) {
                Some(&(Some(s), r)) => sections[s].2[r].ops.push(i),
                Some(&(None, r)) => other[r].ops.push(i),
                None => {
                    other.push(Resource { name: op.tag.clone(), ops: vec![i] });
                    resource_at.insert(op.tag.clone(), (None, other.len() - 1));
                }
            }
        }
        let mut out: Vec<Section> = sections
            .into_iter()
            .map(|(_, name, resources)| Section {
                name,
                resources: resources.into_iter().filter(|r| !r.ops.is_empty()).collect(),
            })
            .filter(|s| !s.resources.is_empty())
            .collect();
        other.retain(|r| !r.ops.is_empty());
        if !other.is_empty() {
            out.push(Section {
                name: if out.is_empty() { "Resources".into() } else { "Other".into() },
                resources: other,
            });
        }
        // list operations first within a resource, then by path and method order
        for s in &mut out {
            for r in &mut s.resources {
                let order = |i: usize| {
                    let o = &ops[i];
                    let method = METHODS.iter().position(|m| m.eq_ignore_ascii_case(&o.method)).unwrap_or(9);
                    (o.path.len(), o.path.as_str(), method)
                };
                r.ops.sort_by(|&a, &b| order(a).cmp(&order(b)));
            }
        }
        let title = doc.info.0.as_ref().and_then(|i| i.title.as_str()).unwrap_or("API").to_string();
        let schemas_text = raw_schemas.iter().map(|(name, raw)| (name.to_string(), raw.get().to_string())).collect();
        Ok(Spec { title, sections: out, ops, schemas_text, schemas: Default::default() })
    }

    /// The body form of `op`: its schema's fields, with `$ref` and `allOf` resolved (`None`: the
    /// operation takes no JSON body).
    pub fn body(&self, op: &Op) -> Option<Vec<Field>> {
        let schema = op.body_schema.as_ref()?;
        let schemas = self.schemas.get_or_init(|| {
            let read = |(name, text): &(String, String)| Some((name.clone(), serde_json::from_str(text).ok()?));
            self.schemas_text.iter().filter_map(read).collect()
        });
        Some(Resolver { schemas }.fields(schema, 0))
    }

    pub fn op(&self, key: &str) -> Option<&Op> {
        self.ops.iter().find(|o| o.key == key)
    }

    pub fn resource_of(&self, key: &str) -> Option<&Resource> {
        let i = self.ops.iter().position(|o| o.key == key)?;
        self.sections.iter().flat_map(|s| s.resources.iter()).find(|r| r.ops.contains(&i))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// 20,000 operations, each under a tag of its own whose names share a 200-character start,
    /// half of them declared in a section: each lands in its own resource (found by name through
    /// an index: searched for, this took operations × resources comparisons, and a hostile
    /// description froze the page for half a minute).
    #[test]
    fn a_description_of_twenty_thousand_tags_is_read_whole() {
        let long = "x".repeat(200);
        let name = |i: usize| format!("{long}{i:06}");
        let mut tags = vec![json!({"name": "S", "x-id": "s"})];
        let mut paths = serde_json::Map::new();
        for i in 0..20_000 {
            if i % 2 == 0 {
                tags.push(json!({"name": name(i), "x-section-id": "s"}));
            }
            paths.insert(format!("/p{i}"), json!({"get": {"tags": [name(i)], "summary": "List"}}));
        }
        let spec = Spec::read(&json!({"openapi": "3.0.1", "tags": tags, "paths": paths}).to_string()).unwrap();
        let resources: Vec<&Resource> = spec.sections.iter().flat_map(|s| s.resources.iter()).collect();
        assert_eq!(resources.len(), 20_000);
        assert_eq!(
            spec.sections.iter().map(|s| (s.name.as_str(), s.resources.len())).collect::<Vec<_>>(),
            [("S", 10_000), ("Other", 10_000)]
        );
        assert!(resources.iter().all(|r| r.ops.len() == 1 && spec.ops[r.ops[0]].tag == r.name));
    }

    /// A tag listed twice (two sections claim it): its operations go to the entry in the earlier
    /// section, whichever the document lists first; the other stays empty and is not shown.
    #[test]
    fn a_resource_named_twice_is_the_earlier_section_s() {
        let spec = Spec::read(
            &json!({"openapi": "3.0.1",
                "tags": [{"name": "A", "x-id": "a"}, {"name": "B", "x-id": "b"},
                    {"name": "Users", "x-section-id": "b"}, {"name": "Users", "x-section-id": "a"}],
                "paths": {"/users": {"get": {"tags": ["Users"], "summary": "List"}}}})
            .to_string(),
        )
        .unwrap();
        let found: Vec<(&str, &str, usize)> = spec
            .sections
            .iter()
            .flat_map(|s| s.resources.iter().map(move |r| (s.name.as_str(), r.name.as_str(), r.ops.len())))
            .collect();
        assert_eq!(found, [("A", "Users", 1)]);
    }

    /// A small document in OrderCloud's conventions: a section tag, a resource tag, `$ref` and
    /// `allOf` schemas, shared and own parameters, roles in `security`.
    pub(crate) fn doc() -> Value {
        json!({
            "info": {"title": "Tiny"},
            "tags": [{"name": "Seller", "x-id": "Seller"}, {"name": "Admin Users", "x-section-id": "Seller"}, {"name": "Loose"}],
            "paths": {
                "/adminusers": {
                    "post": {"operationId": "AdminUsers.Create", "tags": ["Admin Users"], "summary": "Create an admin user.",
                        "security": [{"OAuth2": ["AdminUserAdmin"]}],
                        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}}}},
                    "get": {"operationId": "AdminUsers.List", "tags": ["Admin Users"], "security": [{"OAuth2": ["AdminUserAdmin", "AdminUserReader"]}],
                        "parameters": [{"name": "page", "in": "query", "schema": {"type": "integer"}}]}
                },
                "/adminusers/{userID}": {
                    "parameters": [{"name": "userID", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "delete": {"operationId": "AdminUsers.Delete", "tags": ["Admin Users"], "security": [{"OAuth2": ["AdminUserAdmin"]}]}
                },
                "/things": {"get": {"operationId": "Things.List", "tags": ["Loose"]}},
                "/api/elsewhere": {"servers": [{"url": "/"}], "post": {"operationId": "Else.Where", "tags": ["Loose"]}}
            },
            "components": {"schemas": {
                "Base": {"type": "object", "required": ["Username"], "properties": {"Username": {"type": "string", "maxLength": 5}}},
                "User": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "required": ["Active"], "properties": {
                    "Active": {"type": "boolean"}, "Password": {"type": "string", "format": "password"},
                    "Age": {"type": "integer", "minimum": 1, "maximum": 600}, "Tags": {"type": "array", "items": {"type": "string"}},
                    "Specs": {"type": "array", "items": {"type": "object"}}, "Meta": {"type": "object"},
                    "ID": {"type": "string", "readOnly": true}}}]}
            }}
        })
    }

    #[test]
    fn a_document_becomes_sections_resources_and_operations() {
        let spec = Spec::read(&doc().to_string()).unwrap();
        assert_eq!(spec.title, "Tiny");
        let names: Vec<(&str, Vec<&str>)> = spec
            .sections
            .iter()
            .map(|s| (s.name.as_str(), s.resources.iter().map(|r| r.name.as_str()).collect()))
            .collect();
        assert_eq!(names, [("Seller", vec!["Admin Users"]), ("Other", vec!["Loose"])]);
        // the list first, then by path
        let keys: Vec<&str> = spec.sections[0].resources[0].ops.iter().map(|&i| spec.ops[i].key.as_str()).collect();
        assert_eq!(keys, ["GET /adminusers", "POST /adminusers", "DELETE /adminusers/{userID}"]);
        let create = spec.op("POST /adminusers").unwrap();
        assert_eq!(
            (create.summary.as_str(), create.roles.clone()),
            ("Create an admin user", vec!["AdminUserAdmin".to_string()])
        );
        // $ref and allOf merged, required from both parts, read-only fields left out of the form
        let fields = spec.body(create).unwrap();
        let by_name = |n: &str| fields.iter().find(|f| f.name == n);
        assert!(by_name("Username").is_some_and(|f| f.required && f.max_len == Some(5)));
        assert!(by_name("Active").is_some_and(|f| f.required && f.kind == Kind::Bool));
        assert!(by_name("Age").is_some_and(|f| f.kind == Kind::Int && f.minimum.is_some()));
        assert!(by_name("ID").is_none(), "read-only fields are not asked for");
        assert_eq!(spec.op("DELETE /adminusers/{userID}").unwrap().path_params[0].name, "userID");
        assert!(Spec::read(r#"{"paths": {}}"#).is_err());
        assert!(Spec::read(r#"{"info": {}}"#).is_err());
        // an operation without a JSON body has no form
        assert!(spec.body(spec.op("DELETE /adminusers/{userID}").unwrap()).is_none());
        // a path item on a server of its own is not under the API's base: not offered
        assert!(spec.op("POST /api/elsewhere").is_none());
    }

    #[test]
    fn a_schema_that_cannot_be_read_costs_only_its_own_fields_and_an_operation_s_parameter_wins() {
        let mut d = doc();
        // a lone surrogate in one schema's prose (JSON can say it, UTF-8 cannot hold it)
        d["components"]["schemas"]["Broken"] = json!({"type": "object", "description": "PLACEHOLDER"});
        d["paths"]["/broken"] = json!({"post": {"tags": ["Loose"], "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Broken"}}}}}});
        // a path-level parameter and the operation's own of the same name: the operation's counts
        d["paths"]["/things"]["parameters"] = json!([{"name": "q", "in": "query", "schema": {"type": "string"}}]);
        d["paths"]["/things"]["get"]["parameters"] =
            json!([{"name": "q", "in": "query", "required": true, "schema": {"type": "integer"}}]);
        let text = d.to_string().replace("PLACEHOLDER", "\\ud83d");
        let spec = Spec::read(&text).unwrap();
        assert!(spec.body(spec.op("POST /broken").unwrap()).is_some_and(|f| f.is_empty()));
        let fields = spec.body(spec.op("POST /adminusers").unwrap()).unwrap();
        assert!(
            fields.iter().any(|f| f.name == "Username") && fields.iter().any(|f| f.name == "Active"),
            "other forms are whole"
        );
        let q = &spec.op("GET /things").unwrap().query_params;
        assert_eq!(q.len(), 1);
        assert!(q[0].required && q[0].kind == Kind::Int);
    }
}

#[cfg(test)]
mod ordercloud {
    use super::*;

    fn text() -> Option<String> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/reference/ordercloud-openapi-v3-2022.json");
        std::fs::read_to_string(path).ok()
    }

    /// OrderCloud's own document (beside the repository when it is there): every operation, its
    /// summary, resource, roles, parameters and body form as the whole JSON tree says them.
    #[test]
    fn every_operation_of_ordercloud_s_document_is_read_as_its_json_says() {
        let Some(text) = text() else { return };
        let spec = Spec::read(&text).unwrap();
        let whole: Value = serde_json::from_str(&text).unwrap();
        let all = whole["components"]["schemas"].as_object().unwrap();
        fn deref<'v>(all: &'v Map<String, Value>, mut v: &'v Value) -> &'v Value {
            while let Some(name) = v["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) {
                v = &all[name];
            }
            v
        }
        let deref = |v| deref(all, v);
        let mut seen = 0;
        for (path, item) in whole["paths"].as_object().unwrap() {
            for m in ["get", "post", "put", "patch", "delete"] {
                let Some(o) = item.get(m) else { continue };
                seen += 1;
                let slash = if path.starts_with('/') { "" } else { "/" };
                let key = format!("{} {slash}{path}", m.to_uppercase());
                let op = spec.op(&key).unwrap_or_else(|| panic!("{key} is missing"));
                assert_eq!(op.summary, o["summary"].as_str().unwrap().trim_end_matches('.'), "{key}");
                assert_eq!(op.operation_id, o["operationId"].as_str().unwrap(), "{key}");
                assert_eq!(op.tag, o["tags"][0].as_str().unwrap(), "{key}");
                let roles: Vec<&str> =
                    o["security"][0]["OAuth2"].as_array().into_iter().flatten().map(|r| r.as_str().unwrap()).collect();
                assert_eq!(op.roles, roles, "{key}");
                let params: Vec<&Value> =
                    item["parameters"].as_array().into_iter().chain(o["parameters"].as_array()).flatten().collect();
                for (loc, got) in [("path", &op.path_params), ("query", &op.query_params)] {
                    let mut want: Vec<&str> = Vec::new();
                    for p in params.iter().filter(|p| p["in"] == loc) {
                        let name = p["name"].as_str().unwrap();
                        if !want.contains(&name) {
                            want.push(name);
                        }
                    }
                    assert_eq!(got.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), want, "{key} {loc}");
                    for p in got {
                        // the last of a name counts (the operation's over the path's)
                        let raw = params.iter().rev().find(|x| x["name"] == p.name.as_str() && x["in"] == loc).unwrap();
                        let schema = deref(&raw["schema"]);
                        let values =
                            if p.kind == Kind::List { &deref(&schema["items"])["enum"] } else { &schema["enum"] };
                        let values: Vec<&str> =
                            values.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                        assert_eq!(p.enum_values, values, "{key} {}", p.name);
                        assert_eq!(p.required, raw["required"].as_bool().unwrap_or(false), "{key} {}", p.name);
                    }
                }
                // the body form: the one the whole tree's schemas give
                let body = &o["requestBody"]["content"]["application/json"]["schema"];
                let want = (!body.is_null()).then(|| Resolver { schemas: all }.fields(body, 0));
                assert!(spec.body(op) == want, "the body form of {key}");
            }
        }
        assert_eq!((seen, spec.ops.len()), (402, 402));
        assert!(spec.ops.iter().filter(|o| spec.body(o).is_some()).count() > 100);
        // a parameter whose schema is a reference has the referenced values
        let list = spec.op("GET /adminusers").unwrap();
        assert!(list.query_params.iter().any(|p| !p.enum_values.is_empty()) || list.path_params.is_empty());
        assert!(spec.ops.iter().flat_map(|o| &o.query_params).any(|p| p.enum_values.len() > 1));
    }

    /// `cargo test --release -p gatehouse -- --ignored --nocapture spec_timing`: host timings of
    /// reading and digesting OrderCloud's document (a guide: the browser's are two to three
    /// times these).
    #[test]
    #[ignore]
    fn spec_timing() {
        let text = text().unwrap();
        let (mut read, mut digest) = (Vec::new(), Vec::new());
        for _ in 0..20 {
            let t = std::time::Instant::now();
            let doc = read::document(&text).unwrap();
            read.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = std::time::Instant::now();
            let spec = Spec::parse(doc).unwrap();
            digest.push(t.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(spec.ops.len(), 402);
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        println!("read {:.2} ms, digest {:.2} ms (medians of 20)", median(&mut read), median(&mut digest));
    }
}
