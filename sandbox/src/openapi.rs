//! The sandbox's own OpenAPI 3 document, generated from the model's resource tables with
//! OrderCloud's conventions: section tags (`x-id`), resource tags (`x-section-id`),
//! `operationId` = `Resource.Method`, `security: [{OAuth2: [roles]}]`, and schemas with
//! required / maxLength / format / readOnly. The portal's console renders this document.
use gatehouse_model::list::MAX_PAGE_SIZE;
use gatehouse_model::resources::{Field, ResourceDef, Schema, Ty, RESOURCES, SCHEMAS, SECTIONS};
use gatehouse_model::roles::{ALL_ROLES, FULL_ACCESS};
use serde_json::{json, Map, Value};

fn field_schema(f: &Field) -> Value {
    let mut m = Map::new();
    match f.ty {
        Ty::Str => {
            m.insert("type".into(), json!("string"));
        }
        Ty::Bool => {
            m.insert("type".into(), json!("boolean"));
        }
        Ty::Int => {
            m.insert("type".into(), json!("integer"));
            m.insert("format".into(), json!("int32"));
        }
        Ty::Object => {
            m.insert("type".into(), json!("object"));
        }
        Ty::StrArray => {
            m.insert("type".into(), json!("array"));
            m.insert("items".into(), json!({"type": "string", "maxLength": 100}));
        }
        Ty::Roles => {
            m.insert("type".into(), json!("array"));
            m.insert("items".into(), json!({"$ref": "#/components/schemas/ApiRole"}));
        }
    }
    if let Some(n) = f.max_len {
        m.insert("maxLength".into(), json!(n));
    }
    if let Some(p) = f.pattern {
        m.insert("pattern".into(), json!(p.regex));
    }
    if let Some(fmt) = f.format {
        m.insert("format".into(), json!(fmt));
    }
    if let Some(min) = f.min {
        m.insert("minimum".into(), json!(min));
    }
    if let Some(max) = f.max {
        m.insert("maximum".into(), json!(max));
    }
    if f.read_only {
        m.insert("readOnly".into(), json!(true));
    }
    if f.format == Some("password") {
        m.insert("writeOnly".into(), json!(true));
    }
    Value::Object(m)
}

fn schema(s: &Schema) -> Value {
    let props: Map<String, Value> = s.fields.iter().map(|f| (f.name.to_string(), field_schema(f))).collect();
    json!({"type": "object", "properties": props})
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn body(name: &str, required: &[&str]) -> Value {
    let mut s = json!({"allOf": [reference(name)]});
    if !required.is_empty() {
        s["required"] = json!(required);
    }
    json!({"required": true, "content": {"application/json": {"schema": s}}})
}

fn security(roles: &[&str]) -> Value {
    let mut all = vec![FULL_ACCESS];
    all.extend_from_slice(roles);
    json!([{"OAuth2": all}])
}

fn errors() -> Map<String, Value> {
    let e = |d: &str| json!({"description": d, "content": {"application/json": {"schema": reference("ErrorList")}}});
    let mut m = Map::new();
    m.insert("400".into(), e("The request was malformed or failed validation."));
    m.insert("401".into(), e("No valid access token."));
    m.insert("403".into(), e("The token lacks a role this operation needs."));
    m.insert("404".into(), e("Something the request names does not exist."));
    m.insert("409".into(), e("Conflicts with an existing object."));
    m
}

fn ok(status: &str, content: Option<Value>) -> Value {
    let mut r = errors();
    let mut okr = json!({"description": "Success"});
    if let Some(schema) = content {
        okr["content"] = json!({"application/json": {"schema": schema}});
    }
    r.insert(status.into(), okr);
    Value::Object(r)
}

fn list_of(name: &str) -> Value {
    json!({"type": "object", "properties": {"Meta": reference("Meta"), "Items": {"type": "array", "items": reference(name)}}})
}

fn path_param(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}})
}

fn query_param(name: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "schema": {"type": "string"}})
}

fn list_params(search_on: &[&str], sort_by: &[&str]) -> Vec<Value> {
    let mut out = vec![];
    if !search_on.is_empty() {
        out.push(json!({"name": "search", "in": "query", "required": false, "schema": {"type": "string"}}));
        out.push(json!({"name": "searchOn", "in": "query", "required": false, "style": "form", "explode": false,
            "schema": {"type": "array", "items": {"type": "string", "enum": search_on}}}));
    }
    if !sort_by.is_empty() {
        let mut all: Vec<String> = sort_by.iter().map(|s| s.to_string()).collect();
        all.extend(sort_by.iter().map(|s| format!("!{s}")));
        out.push(json!({"name": "sortBy", "in": "query", "required": false, "style": "form", "explode": false,
            "schema": {"type": "array", "items": {"type": "string", "enum": all}}}));
    }
    out.push(json!({"name": "page", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1}}));
    out.push(json!({"name": "pageSize", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}}));
    out.push(json!({"name": "filters", "in": "query", "required": false, "style": "form", "explode": true,
        "schema": {"type": "object", "additionalProperties": {"type": "string"}}}));
    out
}

fn parent_params(def: &ResourceDef) -> Vec<Value> {
    def.parent_param().map(path_param).into_iter().collect()
}

#[allow(clippy::too_many_arguments)]
fn op(id: String, tag: &str, summary: String, roles: &[&str], params: Vec<Value>, req: Option<Value>, responses: Value) -> Value {
    let mut o = json!({"operationId": id, "tags": [tag], "summary": summary, "parameters": params, "security": security(roles), "responses": responses});
    if let Some(r) = req {
        o["requestBody"] = r;
    }
    o
}

fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) { "an" } else { "a" }
}

fn resource_paths(def: &ResourceDef, paths: &mut Map<String, Value>) {
    let noun = def.noun;
    let a = article(noun);
    let mut list_params_all = parent_params(def);
    if def.kind.user_type().is_some() && def.parent.is_some() {
        list_params_all.push(query_param("userGroupID"));
    }
    list_params_all.extend(list_params(def.search_on, def.sort_by));
    let collection = json!({
        "get": op(format!("{}.List", def.op), def.tag, format!("List {noun}s"), def.read_roles, list_params_all, None, ok("200", Some(list_of(def.schema.name)))),
        "post": op(format!("{}.Create", def.op), def.tag, format!("Create {a} {noun}"), def.write_roles, parent_params(def),
            Some(body(def.schema.name, def.required)), ok("201", Some(reference(def.schema.name)))),
    });
    let mut item_params = parent_params(def);
    item_params.push(path_param(def.id_param));
    let item = json!({
        "get": op(format!("{}.Get", def.op), def.tag, format!("Get {a} {noun}"), def.read_roles, item_params.clone(), None, ok("200", Some(reference(def.schema.name)))),
        "put": op(format!("{}.Save", def.op), def.tag, format!("Create or replace {a} {noun}"), def.write_roles, item_params.clone(),
            Some(body(def.schema.name, def.required)), ok("200", Some(reference(def.schema.name)))),
        "patch": op(format!("{}.Patch", def.op), def.tag, format!("Update part of {a} {noun}"), def.write_roles, item_params.clone(),
            Some(body(def.schema.name, &[])), ok("200", Some(reference(def.schema.name)))),
        "delete": op(format!("{}.Delete", def.op), def.tag, format!("Delete {a} {noun}"), def.write_roles, item_params, None, ok("204", None)),
    });
    paths.insert(def.path.to_string(), collection);
    paths.insert(def.item_path(), item);
}

fn merge_path(paths: &mut Map<String, Value>, path: &str, method: &str, operation: Value) {
    let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
    entry[method] = operation;
}

fn extra_paths(paths: &mut Map<String, Value>) {
    let pages = || list_params(&[], &[]);
    let with = |mut v: Vec<Value>, names: &[&str]| {
        v.extend(names.iter().map(|n| query_param(n)));
        v
    };
    // API client assignments
    let (ac_r, ac_w) = (&["ApiClientAdmin", "ApiClientReader"][..], &["ApiClientAdmin"][..]);
    merge_path(paths, "/apiclients/assignments", "get", op("ApiClients.ListAssignments".into(), "Api Clients", "List API client assignments".into(), ac_r,
        with(pages(), &["apiClientID", "buyerID", "supplierID"]), None, ok("200", Some(list_of("ApiClientAssignment")))));
    merge_path(paths, "/apiclients/assignments", "post", op("ApiClients.SaveAssignment".into(), "Api Clients", "Assign an API client to a buyer or supplier".into(), ac_w,
        vec![], Some(body("ApiClientAssignment", &["ApiClientID"])), ok("204", None)));
    merge_path(paths, "/buyers/{buyerID}/ApiClients/Assignments/{apiClientID}", "delete", op("ApiClients.DeleteBuyerAssignment".into(), "Api Clients",
        "Remove an API client from a buyer".into(), ac_w, vec![path_param("buyerID"), path_param("apiClientID")], None, ok("204", None)));
    merge_path(paths, "/suppliers/{supplierID}/ApiClients/Assignments/{apiClientID}", "delete", op("ApiClients.DeleteSupplierAssignment".into(), "Api Clients",
        "Remove an API client from a supplier".into(), ac_w, vec![path_param("supplierID"), path_param("apiClientID")], None, ok("204", None)));
    // security profile assignments
    let sp_w = &["SecurityProfileAdmin", "SetSecurityProfile"][..];
    let mut sp_list = with(pages(), &["buyerID", "supplierID", "securityProfileID", "userID", "userGroupID"]);
    sp_list.push(json!({"name": "commerceRole", "in": "query", "required": false, "schema": {"type": "string", "enum": ["Seller", "Buyer", "Supplier"]}}));
    sp_list.push(json!({"name": "level", "in": "query", "required": false, "schema": {"type": "string", "enum": ["User", "Group", "Company"]}}));
    merge_path(paths, "/securityprofiles/assignments", "get", op("SecurityProfiles.ListAssignments".into(), "Security Profiles", "List security profile assignments".into(),
        sp_w, sp_list, None, ok("200", Some(list_of("SecurityProfileAssignment")))));
    merge_path(paths, "/securityprofiles/assignments", "post", op("SecurityProfiles.SaveAssignment".into(), "Security Profiles",
        "Assign a security profile to the seller, a buyer, a supplier, a group or a user".into(), sp_w, vec![],
        Some(body("SecurityProfileAssignment", &["SecurityProfileID"])), ok("204", None)));
    merge_path(paths, "/securityprofiles/{securityProfileID}/assignments", "delete", op("SecurityProfiles.DeleteAssignment".into(), "Security Profiles",
        "Remove a security profile assignment".into(), sp_w,
        with(vec![path_param("securityProfileID")], &["buyerID", "userID", "userGroupID", "supplierID"]), None, ok("204", None)));
    // user group memberships
    for (kind_def, base, parent, op_name) in [
        (gatehouse_model::resources::Kind::AdminUserGroup, "/usergroups", None, "AdminUserGroups"),
        (gatehouse_model::resources::Kind::BuyerUserGroup, "/buyers/{buyerID}/usergroups", Some("buyerID"), "UserGroups"),
        (gatehouse_model::resources::Kind::SupplierUserGroup, "/suppliers/{supplierID}/usergroups", Some("supplierID"), "SupplierUserGroups"),
    ] {
        let def = kind_def.def();
        let base_params: Vec<Value> = parent.map(path_param).into_iter().collect();
        let mut lp = base_params.clone();
        lp.extend(with(pages(), &["userGroupID", "userID"]));
        merge_path(paths, &format!("{base}/assignments"), "get", op(format!("{op_name}.ListUserAssignments"), def.tag, "List user group memberships".into(),
            def.read_roles, lp, None, ok("200", Some(list_of("UserGroupAssignment")))));
        merge_path(paths, &format!("{base}/assignments"), "post", op(format!("{op_name}.SaveUserAssignment"), def.tag, "Add a user to a group".into(),
            def.write_roles, base_params.clone(), Some(body("UserGroupAssignment", &["UserGroupID", "UserID"])), ok("204", None)));
        let mut dp = base_params;
        dp.push(path_param("userGroupID"));
        dp.push(path_param("userID"));
        merge_path(paths, &format!("{base}/{{userGroupID}}/assignments/{{userID}}"), "delete", op(format!("{op_name}.DeleteUserAssignment"), def.tag,
            "Remove a user from a group".into(), def.write_roles, dp, None, ok("204", None)));
    }
    // impersonation
    merge_path(paths, "/buyers/{buyerID}/users/{userID}/accesstoken", "post", op("Users.GetAccessToken".into(), "Users",
        "Get a token to act as a buyer user (impersonation)".into(), &["BuyerImpersonation"],
        vec![path_param("buyerID"), path_param("userID")], Some(body("ImpersonateTokenRequest", &["ClientID"])), ok("200", Some(reference("AccessToken")))));
    // the act-as audit (sandbox extension)
    let mut log = op("Impersonations.List".into(), "Impersonations", "List the impersonation tokens issued, newest first (sandbox extension)".into(),
        crate::impersonation::IMPERSONATION_LOG_ROLES, pages(), None, ok("200", Some(list_of("ImpersonationRecord"))));
    log["x-sandbox-extension"] = json!(true);
    merge_path(paths, "/impersonations", "get", log);
    // admin user extras
    merge_path(paths, "/adminusers/{userID}/tokens", "delete", op("AdminUsers.RevokeUserTokens".into(), "Admin Users", "Revoke every token of an admin user".into(),
        &["AdminUserAdmin"], vec![path_param("userID")], None, ok("204", None)));
    merge_path(paths, "/adminusers/{userID}/unlock", "post", op("AdminUsers.UnlockUserAccount".into(), "Admin Users", "Unlock an admin user".into(),
        &["AdminUserAdmin"], vec![path_param("userID")], None, ok("204", None)));
    // me
    let mut me_get = op("Me.Get".into(), "Me", "Get the signed-in user".into(), &[], vec![], None, ok("200", Some(reference("MeUser"))));
    me_get["security"] = json!([{"OAuth2": []}]);
    merge_path(paths, "/me", "get", me_get);
    merge_path(paths, "/me", "put", op("Me.Save".into(), "Me", "Replace the signed-in user".into(), &["MeAdmin"], vec![],
        Some(body("MeUser", &["Username", "FirstName", "LastName", "Email", "Active"])), ok("200", Some(reference("MeUser")))));
    merge_path(paths, "/me", "patch", op("Me.Patch".into(), "Me", "Update part of the signed-in user".into(), &["MeAdmin"], vec![],
        Some(body("MeUser", &[])), ok("200", Some(reference("MeUser")))));
}

/// The whole document.
pub fn document() -> Value {
    let mut tags: Vec<Value> = Vec::new();
    for (id, name) in SECTIONS {
        tags.push(json!({"name": name, "x-id": id}));
        for def in RESOURCES.iter().filter(|d| d.section == *id) {
            tags.push(json!({"name": def.tag, "x-section-id": id}));
        }
        if *id == "AuthenticationAndAuthorization" {
            tags.push(json!({"name": "Impersonations", "x-section-id": id, "x-sandbox-extension": true}));
        }
        if *id == "MeAndMyStuff" {
            tags.push(json!({"name": "Me", "x-section-id": id}));
        }
    }
    let mut schemas: Map<String, Value> = SCHEMAS.iter().map(|s| (s.name.to_string(), schema(s))).collect();
    schemas.insert("ApiRole".into(), json!({"type": "string", "enum": ALL_ROLES}));
    schemas.insert("Meta".into(), json!({"type": "object", "properties": {
        "Page": {"type": "integer"}, "PageSize": {"type": "integer"}, "TotalCount": {"type": "integer"},
        "TotalPages": {"type": "integer"}, "ItemRange": {"type": "array", "items": {"type": "integer"}}}}));
    schemas.insert("ErrorList".into(), json!({"type": "object", "properties": {"Errors": {"type": "array", "items": {"type": "object", "properties": {
        "ErrorCode": {"type": "string"}, "Message": {"type": "string"}, "Data": {}}}}}}));
    let mut paths = Map::new();
    for def in RESOURCES {
        resource_paths(def, &mut paths);
    }
    extra_paths(&mut paths);
    let scopes: Map<String, Value> = ALL_ROLES.iter().map(|r| (r.to_string(), json!(""))).collect();
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Gatehouse sandbox (OrderCloud-compatible API)", "version": env!("CARGO_PKG_VERSION")},
        "servers": [{"url": "/v1"}],
        "tags": tags,
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"OAuth2": {"type": "oauth2", "flows": {
                "password": {"tokenUrl": "/oauth/token", "scopes": scopes.clone()},
                "clientCredentials": {"tokenUrl": "/oauth/token", "scopes": scopes}}}}
        }
    })
}
