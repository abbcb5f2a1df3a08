//! The sandbox's own OpenAPI 3 document, generated from the model's resource tables with
//! OrderCloud's conventions: section tags (`x-id`), resource tags (`x-section-id`),
//! `operationId` = `Resource.Method`, `security: [{OAuth2: [roles]}]`, and schemas with
//! required / maxLength / format / readOnly. The portal's console renders this document.
use gatehouse_model::list::MAX_PAGE_SIZE;
use gatehouse_model::read;
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
        Ty::Num => {
            m.insert("type".into(), json!("number"));
        }
        Ty::Array => {
            m.insert("type".into(), json!("array"));
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

#[allow(
    clippy::too_many_arguments,
    reason = "one argument per part of an OpenAPI operation, each call one line of the table of operations"
)]
fn op(
    id: String,
    tag: &str,
    summary: String,
    roles: &[&str],
    params: Vec<Value>,
    req: Option<Value>,
    responses: Value,
) -> Value {
    let mut o = json!({"operationId": id, "tags": [tag], "summary": summary, "parameters": params, "security": security(roles), "responses": responses});
    if let Some(r) = req {
        o["requestBody"] = r;
    }
    o
}

use gatehouse_model::resources::article;

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
    merge_path(
        paths,
        "/apiclients/assignments",
        "get",
        op(
            "ApiClients.ListAssignments".into(),
            "Api Clients",
            "List API client assignments".into(),
            ac_r,
            with(pages(), &["apiClientID", "buyerID", "supplierID"]),
            None,
            ok("200", Some(list_of("ApiClientAssignment"))),
        ),
    );
    merge_path(
        paths,
        "/apiclients/assignments",
        "post",
        op(
            "ApiClients.SaveAssignment".into(),
            "Api Clients",
            "Assign an API client to a buyer or supplier".into(),
            ac_w,
            vec![],
            Some(body("ApiClientAssignment", &["ApiClientID"])),
            ok("204", None),
        ),
    );
    merge_path(
        paths,
        "/buyers/{buyerID}/ApiClients/Assignments/{apiClientID}",
        "delete",
        op(
            "ApiClients.DeleteBuyerAssignment".into(),
            "Api Clients",
            "Remove an API client from a buyer".into(),
            ac_w,
            vec![path_param("buyerID"), path_param("apiClientID")],
            None,
            ok("204", None),
        ),
    );
    merge_path(
        paths,
        "/suppliers/{supplierID}/ApiClients/Assignments/{apiClientID}",
        "delete",
        op(
            "ApiClients.DeleteSupplierAssignment".into(),
            "Api Clients",
            "Remove an API client from a supplier".into(),
            ac_w,
            vec![path_param("supplierID"), path_param("apiClientID")],
            None,
            ok("204", None),
        ),
    );
    // security profile assignments
    let sp_w = &["SecurityProfileAdmin", "SetSecurityProfile"][..];
    let mut sp_list = with(pages(), &["buyerID", "supplierID", "securityProfileID", "userID", "userGroupID"]);
    sp_list.push(json!({"name": "commerceRole", "in": "query", "required": false, "schema": {"type": "string", "enum": ["Seller", "Buyer", "Supplier"]}}));
    sp_list.push(json!({"name": "level", "in": "query", "required": false, "schema": {"type": "string", "enum": ["User", "Group", "Company"]}}));
    merge_path(
        paths,
        "/securityprofiles/assignments",
        "get",
        op(
            "SecurityProfiles.ListAssignments".into(),
            "Security Profiles",
            "List security profile assignments".into(),
            sp_w,
            sp_list,
            None,
            ok("200", Some(list_of("SecurityProfileAssignment"))),
        ),
    );
    merge_path(
        paths,
        "/securityprofiles/assignments",
        "post",
        op(
            "SecurityProfiles.SaveAssignment".into(),
            "Security Profiles",
            "Assign a security profile to the seller, a buyer, a supplier, a group or a user".into(),
            sp_w,
            vec![],
            Some(body("SecurityProfileAssignment", &["SecurityProfileID"])),
            ok("204", None),
        ),
    );
    merge_path(
        paths,
        "/securityprofiles/{securityProfileID}/assignments",
        "delete",
        op(
            "SecurityProfiles.DeleteAssignment".into(),
            "Security Profiles",
            "Remove a security profile assignment".into(),
            sp_w,
            with(vec![path_param("securityProfileID")], &["buyerID", "userID", "userGroupID", "supplierID"]),
            None,
            ok("204", None),
        ),
    );
    // user group memberships
    for (kind_def, base, parent, op_name) in [
        (gatehouse_model::resources::Kind::AdminUserGroup, "/usergroups", None, "AdminUserGroups"),
        (
            gatehouse_model::resources::Kind::BuyerUserGroup,
            "/buyers/{buyerID}/usergroups",
            Some("buyerID"),
            "UserGroups",
        ),
        (
            gatehouse_model::resources::Kind::SupplierUserGroup,
            "/suppliers/{supplierID}/usergroups",
            Some("supplierID"),
            "SupplierUserGroups",
        ),
    ] {
        let def = kind_def.def();
        let base_params: Vec<Value> = parent.map(path_param).into_iter().collect();
        let mut lp = base_params.clone();
        lp.extend(with(pages(), &["userGroupID", "userID"]));
        merge_path(
            paths,
            &format!("{base}/assignments"),
            "get",
            op(
                format!("{op_name}.ListUserAssignments"),
                def.tag,
                "List user group memberships".into(),
                def.read_roles,
                lp,
                None,
                ok("200", Some(list_of("UserGroupAssignment"))),
            ),
        );
        merge_path(
            paths,
            &format!("{base}/assignments"),
            "post",
            op(
                format!("{op_name}.SaveUserAssignment"),
                def.tag,
                "Add a user to a group".into(),
                def.write_roles,
                base_params.clone(),
                Some(body("UserGroupAssignment", &["UserGroupID", "UserID"])),
                ok("204", None),
            ),
        );
        let mut dp = base_params;
        dp.push(path_param("userGroupID"));
        dp.push(path_param("userID"));
        merge_path(
            paths,
            &format!("{base}/{{userGroupID}}/assignments/{{userID}}"),
            "delete",
            op(
                format!("{op_name}.DeleteUserAssignment"),
                def.tag,
                "Remove a user from a group".into(),
                def.write_roles,
                dp,
                None,
                ok("204", None),
            ),
        );
    }
    // impersonation
    merge_path(
        paths,
        "/buyers/{buyerID}/users/{userID}/accesstoken",
        "post",
        op(
            "Users.GetAccessToken".into(),
            "Users",
            "Get a token to act as a buyer user (impersonation)".into(),
            &["BuyerImpersonation"],
            vec![path_param("buyerID"), path_param("userID")],
            Some(body("ImpersonateTokenRequest", &["ClientID"])),
            ok("200", Some(reference("AccessToken"))),
        ),
    );
    // the act-as audit (sandbox extension)
    let mut log = op(
        "Impersonations.List".into(),
        "Impersonations",
        "List the impersonation tokens issued, newest first (sandbox extension)".into(),
        IMPERSONATION_LOG_ROLES,
        pages(),
        None,
        ok("200", Some(list_of("ImpersonationRecord"))),
    );
    log["x-sandbox-extension"] = json!(true);
    merge_path(paths, "/impersonations", "get", log);
    // the act-as session beside the token (sandbox extension): no role, but a kind of token —
    // the impersonation token itself to give the reason, the rep's own to end it
    let mut start = op(
        "ImpersonationSessions.Start".into(),
        "Impersonations",
        "Give the reason for the act-as session of the impersonation token sent (sandbox extension)".into(),
        &[],
        vec![],
        Some(body("ImpersonationSession", &["Reason"])),
        ok("201", Some(reference("ImpersonationRecord"))),
    );
    start["security"] = json!([{"OAuth2": []}]);
    start["x-sandbox-extension"] = json!(true);
    merge_path(paths, "/impersonation/sessions", "post", start);
    let mut end = op(
        "ImpersonationSessions.End".into(),
        "Impersonations",
        "End an act-as session: who ended it and how many requests went as the buyer (sandbox extension)".into(),
        &[],
        vec![path_param("id")],
        Some(body("ImpersonationSessionEnd", &["EndedBy"])),
        ok("200", Some(reference("ImpersonationRecord"))),
    );
    end["security"] = json!([{"OAuth2": []}]);
    end["x-sandbox-extension"] = json!(true);
    merge_path(paths, "/impersonation/sessions/{id}/end", "post", end);
    // admin user extras
    merge_path(
        paths,
        "/adminusers/{userID}/tokens",
        "delete",
        op(
            "AdminUsers.RevokeUserTokens".into(),
            "Admin Users",
            "Revoke every token of an admin user".into(),
            &["AdminUserAdmin"],
            vec![path_param("userID")],
            None,
            ok("204", None),
        ),
    );
    merge_path(
        paths,
        "/adminusers/{userID}/unlock",
        "post",
        op(
            "AdminUsers.UnlockUserAccount".into(),
            "Admin Users",
            "Unlock an admin user".into(),
            &["AdminUserAdmin"],
            vec![path_param("userID")],
            None,
            ok("204", None),
        ),
    );
    // me
    let mut me_get = op(
        "Me.Get".into(),
        "Me",
        "Get the signed-in user".into(),
        &[],
        vec![],
        None,
        ok("200", Some(reference("MeUser"))),
    );
    me_get["security"] = json!([{"OAuth2": []}]);
    merge_path(paths, "/me", "get", me_get);
    merge_path(
        paths,
        "/me",
        "put",
        op(
            "Me.Save".into(),
            "Me",
            "Replace the signed-in user".into(),
            &["MeAdmin"],
            vec![],
            Some(body("MeUser", &["Username", "FirstName", "LastName", "Email", "Active"])),
            ok("200", Some(reference("MeUser"))),
        ),
    );
    merge_path(
        paths,
        "/me",
        "patch",
        op(
            "Me.Patch".into(),
            "Me",
            "Update part of the signed-in user".into(),
            &["MeAdmin"],
            vec![],
            Some(body("MeUser", &[])),
            ok("200", Some(reference("MeUser"))),
        ),
    );
}

/// A schema of string properties (and the few typed ones given), for the hub's objects.
fn object(strings: &[&str], typed: Value) -> Value {
    let mut props: Map<String, Value> = strings.iter().map(|n| (n.to_string(), json!({"type": "string"}))).collect();
    if let Value::Object(t) = typed {
        props.extend(t);
    }
    json!({"type": "object", "properties": props})
}

/// The hub's objects (sandbox extension); their text properties are the model's readers'.
fn organization_schemas(schemas: &mut Map<String, Value>) {
    let roles = json!({"type": "array", "items": reference("ApiRole")});
    for (name, schema) in [
        ("Account", object(read::Account::TEXT, json!({}))),
        ("AccountSignUp", object(&["Email", "Password", "FirstName", "LastName"], json!({}))),
        ("AccountSignIn", object(&["Email", "Password"], json!({}))),
        ("AccountUpdate", object(&["FirstName", "LastName", "Password", "CurrentPassword"], json!({}))),
        ("FirstPassword", object(&["Code", "Password"], json!({}))),
        (
            "AccountToken",
            object(
                &["access_token", "token_type"],
                json!({"expires_in": {"type": "integer"}, "Account": reference("Account")}),
            ),
        ),
        ("Organization", object(read::Organization::TEXT, json!({}))),
        ("OrganizationName", object(&["Name"], json!({}))),
        ("OrganizationTokenRequest", object(&["ClientID"], json!({}))),
        (
            "OrganizationToken",
            object(
                &["access_token", "token_type", "refresh_token", "ClientID"],
                json!({"expires_in": {"type": "integer"}, "Organization": reference("Organization")}),
            ),
        ),
        ("Member", object(read::Member::TEXT, json!({}))),
        ("MemberRole", object(&["Role"], json!({}))),
        (
            "Invitation",
            object(
                read::Invitation::TEXT,
                json!({"AccountExists": {"type": "boolean"},
            "Organization": {"type": "object", "properties": {"ID": {"type": "string"}, "Name": {"type": "string"}}}}),
            ),
        ),
        ("InvitationRequest", object(&["Email", "Role"], json!({}))),
        (
            "OrganizationRole",
            object(read::OrganizationRole::TEXT, json!({"Roles": roles, "BuiltIn": {"type": "boolean"}})),
        ),
        ("OrganizationRoleRequest", object(&["ID", "Name"], json!({"Roles": roles}))),
        (
            "Application",
            object(
                read::Application::TEXT,
                json!({
            "Kind": {"type": "string", "enum": ["SalesChannel", "Integration", "Webapp"]}, "Confidential": {"type": "boolean"},
            "ClientMissing": {"type": "boolean"}, "TokenRequest": {"type": "object", "additionalProperties": {"type": "string"}}}),
            ),
        ),
        ("SessionCode", object(&["Code"], json!({}))),
        (
            "SessionTokens",
            object(
                &[],
                json!({"Account": reference("AccountToken"), "Organization": reference("OrganizationToken"),
                    "FirstPassword": {"type": "object", "description": "Only for an account with no password yet: a single-use code for POST /v1/account/password.",
                        "properties": {"Code": {"type": "string"}, "Expires": {"type": "string", "format": "date-time"}}}}),
            ),
        ),
        (
            "ProvisioningEvent",
            object(read::ProvisioningEvent::TEXT, json!({"ID": {"type": "integer"}, "Status": {"type": "integer"}})),
        ),
        ("OemOrganizationData", object(&["name", "email", "firstName", "lastName", "vendorOrganizationId"], json!({}))),
        ("OemUserData", object(&["email", "firstName", "lastName", "vendorUserId", "vendorOrganizationId"], json!({}))),
        (
            "OemAnswer",
            object(
                &["message", "organizationOemToken", "redirectUrl"],
                json!({"status": {"type": "integer"}, "expiresIn": {"type": "integer"},
            "errors": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}}),
            ),
        ),
        (
            "ApplicationRequest",
            object(
                &["Name"],
                json!({"Kind": {"type": "string", "enum": ["SalesChannel", "Integration", "Webapp"]},
            "Role": {"type": "string", "enum": ["ReadOnly", "Admin"]}}),
            ),
        ),
    ] {
        schemas.insert(name.into(), schema);
    }
}

/// Accounts, organizations, members, invitations, roles and applications (sandbox extension).
/// Account operations take an account token; organization operations a member's token of that
/// organization (the membership role, Admin or not, is in `x-organization-role`).
fn organization_paths(paths: &mut Map<String, Value>) {
    let account = json!([{"AccountToken": []}]);
    let anyone = json!([]);
    let member = json!([{"OAuth2": []}]);
    let mut add = |path: &str,
                   method: &str,
                   id: &str,
                   tag: &str,
                   summary: &str,
                   security: &Value,
                   who: Option<&str>,
                   params: &[&str],
                   req: Option<(&str, &[&str])>,
                   res: Value| {
        let mut o = json!({"operationId": id, "tags": [tag], "summary": summary, "parameters": params.iter().map(|p| path_param(p)).collect::<Vec<_>>(),
            "security": security, "responses": res, "x-sandbox-extension": true});
        if let Some(who) = who {
            o["x-organization-role"] = json!(who);
        }
        if let Some((name, required)) = req {
            o["requestBody"] = body(name, required);
        }
        merge_path(paths, path, method, o);
    };
    let one = |name: &str| ok("200", Some(reference(name)));
    let list = |name: &str| ok("200", Some(list_of(name)));
    let created = |name: &str| ok("201", Some(reference(name)));
    let none = || ok("204", None);
    add(
        "/account/signup",
        "post",
        "Account.SignUp",
        "Account",
        "Create an account",
        &anyone,
        None,
        &[],
        Some(("AccountSignUp", &["Email", "Password", "FirstName", "LastName"])),
        created("AccountToken"),
    );
    add(
        "/account/signin",
        "post",
        "Account.SignIn",
        "Account",
        "Sign in to an account",
        &anyone,
        None,
        &[],
        Some(("AccountSignIn", &["Email", "Password"])),
        one("AccountToken"),
    );
    add(
        "/account/signout",
        "post",
        "Account.SignOut",
        "Account",
        "End every token of the account",
        &account,
        None,
        &[],
        None,
        none(),
    );
    add(
        "/account",
        "get",
        "Account.Get",
        "Account",
        "Get the signed-in account",
        &account,
        None,
        &[],
        None,
        one("Account"),
    );
    add(
        "/account",
        "patch",
        "Account.Patch",
        "Account",
        "Change names or password",
        &account,
        None,
        &[],
        Some(("AccountUpdate", &[])),
        one("Account"),
    );
    add(
        "/account/organizations",
        "get",
        "Account.ListOrganizations",
        "Account",
        "List the account's organizations",
        &account,
        None,
        &[],
        None,
        list("Organization"),
    );
    add(
        "/account/organizations",
        "post",
        "Account.CreateOrganization",
        "Account",
        "Create an organization (as its Admin)",
        &account,
        None,
        &[],
        Some(("OrganizationName", &["Name"])),
        created("Organization"),
    );
    add(
        "/account/organizations/{orgID}",
        "delete",
        "Account.LeaveOrganization",
        "Account",
        "Leave an organization",
        &account,
        None,
        &["orgID"],
        None,
        none(),
    );
    add(
        "/account/organizations/{orgID}/token",
        "post",
        "Account.GetOrganizationToken",
        "Account",
        "Get a token to work in an organization",
        &account,
        None,
        &["orgID"],
        None,
        one("OrganizationToken"),
    );
    add(
        "/account/session",
        "post",
        "Account.RedeemSession",
        "Account",
        "Exchange a one-time sign-in link's code for tokens",
        &anyone,
        None,
        &[],
        Some(("SessionCode", &["Code"])),
        one("SessionTokens"),
    );
    add(
        "/account/password",
        "post",
        "Account.SetFirstPassword",
        "Account",
        "Set the first password of an account made without one, with its single-use code",
        &anyone,
        None,
        &[],
        Some(("FirstPassword", &["Code", "Password"])),
        one("AccountToken"),
    );
    add(
        "/organization/events",
        "get",
        "Organization.ListEvents",
        "Organization",
        "List what vendors did to the organization",
        &member,
        Some("Admin"),
        &[],
        None,
        list("ProvisioningEvent"),
    );
    add(
        "/invitations/{code}",
        "get",
        "Invitations.Get",
        "Invitations",
        "See what an invitation link offers",
        &anyone,
        None,
        &["code"],
        None,
        one("Invitation"),
    );
    add(
        "/invitations/{code}/accept",
        "post",
        "Invitations.Accept",
        "Invitations",
        "Accept an invitation",
        &account,
        None,
        &["code"],
        None,
        one("Organization"),
    );
    add(
        "/organization",
        "get",
        "Organization.Get",
        "Organization",
        "Get the token's organization and your role",
        &member,
        Some("Member"),
        &[],
        None,
        one("Organization"),
    );
    add(
        "/organization",
        "patch",
        "Organization.Rename",
        "Organization",
        "Rename the organization",
        &member,
        Some("Admin"),
        &[],
        Some(("OrganizationName", &["Name"])),
        one("Organization"),
    );
    add(
        "/organization/members",
        "get",
        "Members.List",
        "Members",
        "List members",
        &member,
        Some("Member"),
        &[],
        None,
        list("Member"),
    );
    add(
        "/organization/members/{accountID}",
        "patch",
        "Members.SetRole",
        "Members",
        "Change a member's role",
        &member,
        Some("Admin"),
        &["accountID"],
        Some(("MemberRole", &["Role"])),
        one("Member"),
    );
    add(
        "/organization/members/{accountID}",
        "delete",
        "Members.Remove",
        "Members",
        "Remove a member",
        &member,
        Some("Admin"),
        &["accountID"],
        None,
        none(),
    );
    add(
        "/organization/invitations",
        "get",
        "Members.ListInvitations",
        "Members",
        "List invitations",
        &member,
        Some("Admin"),
        &[],
        None,
        list("Invitation"),
    );
    add(
        "/organization/invitations",
        "post",
        "Members.Invite",
        "Members",
        "Invite someone by email",
        &member,
        Some("Admin"),
        &[],
        Some(("InvitationRequest", &["Email", "Role"])),
        created("Invitation"),
    );
    add(
        "/organization/invitations/{invitationID}",
        "delete",
        "Members.RevokeInvitation",
        "Members",
        "Revoke an invitation",
        &member,
        Some("Admin"),
        &["invitationID"],
        None,
        none(),
    );
    add(
        "/organization/roles",
        "get",
        "Roles.List",
        "Roles",
        "List the organization's roles",
        &member,
        Some("Member"),
        &[],
        None,
        list("OrganizationRole"),
    );
    add(
        "/organization/roles",
        "post",
        "Roles.Create",
        "Roles",
        "Define a custom role",
        &member,
        Some("Admin"),
        &[],
        Some(("OrganizationRoleRequest", &["Name", "Roles"])),
        created("OrganizationRole"),
    );
    add(
        "/organization/roles/{roleID}",
        "put",
        "Roles.Save",
        "Roles",
        "Redefine a custom role",
        &member,
        Some("Admin"),
        &["roleID"],
        Some(("OrganizationRoleRequest", &["Name", "Roles"])),
        one("OrganizationRole"),
    );
    add(
        "/organization/roles/{roleID}",
        "delete",
        "Roles.Delete",
        "Roles",
        "Delete a custom role",
        &member,
        Some("Admin"),
        &["roleID"],
        None,
        none(),
    );
    add(
        "/organization/applications",
        "get",
        "Applications.List",
        "Applications",
        "List applications",
        &member,
        Some("Member"),
        &[],
        None,
        list("Application"),
    );
    add(
        "/organization/applications",
        "post",
        "Applications.Create",
        "Applications",
        "Create an application",
        &member,
        Some("Admin"),
        &[],
        Some(("ApplicationRequest", &["Kind", "Name"])),
        created("Application"),
    );
    add(
        "/organization/applications/{applicationID}",
        "get",
        "Applications.Get",
        "Applications",
        "Get an application",
        &member,
        Some("Member"),
        &["applicationID"],
        None,
        one("Application"),
    );
    add(
        "/organization/applications/{applicationID}",
        "patch",
        "Applications.Rename",
        "Applications",
        "Rename an application",
        &member,
        Some("Admin"),
        &["applicationID"],
        Some(("OrganizationName", &["Name"])),
        one("Application"),
    );
    add(
        "/organization/applications/{applicationID}",
        "delete",
        "Applications.Delete",
        "Applications",
        "Delete an application",
        &member,
        Some("Admin"),
        &["applicationID"],
        None,
        none(),
    );
    add(
        "/organization/applications/{applicationID}/secret",
        "post",
        "Applications.RotateSecret",
        "Applications",
        "Rotate an integration's secret",
        &member,
        Some("Admin"),
        &["applicationID"],
        None,
        one("Application"),
    );
}

/// The vendor (OEM) provisioning API: outside `/v1` (its path items carry their own server),
/// credentials in the body, its own answer shape.
fn vendor_paths(paths: &mut Map<String, Value>) {
    let envelope = |data: Option<&str>, token: bool| {
        let mut props = json!({"clientId": {"type": "string"}, "clientSecret": {"type": "string"},
            "grantType": {"type": "string", "enum": ["client_credentials"]}, "scope": {"type": "string", "enum": ["vendor_manage"]}});
        let mut required = vec!["clientId", "clientSecret", "grantType", "scope"];
        if let Some(d) = data {
            props["data"] = reference(d);
            required.push("data");
        }
        if token {
            props["organizationOemToken"] = json!({"type": "string"});
            required.push("organizationOemToken");
        }
        json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": props, "required": required}}}})
    };
    let answer = |status: &str| {
        let shape = json!({"content": {"application/json": {"schema": reference("OemAnswer")}}});
        let mut r = Map::new();
        for (code, what) in [
            (status, "Success"),
            ("400", "Malformed request body"),
            ("401", "Invalid client credentials"),
            ("403", "Invalid organization token"),
            ("404", "Not found"),
            ("409", "Already exists"),
            ("429", "Too many calls (see Retry-After)"),
        ] {
            let mut v = shape.clone();
            v["description"] = json!(what);
            r.insert(code.into(), v);
        }
        Value::Object(r)
    };
    for (path, method, id, summary, req) in [
        (
            "/api/oem-api/organization",
            "post",
            "Vendor.CreateOrganization",
            "Create an organization and its first Admin",
            envelope(Some("OemOrganizationData"), false),
        ),
        (
            "/api/oem-api/user",
            "post",
            "Vendor.CreateUser",
            "Add a person to one of your organizations",
            envelope(Some("OemUserData"), false),
        ),
        (
            "/api/oem-api/user",
            "delete",
            "Vendor.DeleteUser",
            "Remove the person an organization token names",
            envelope(None, true),
        ),
        (
            "/api/oem-api/organization/session",
            "post",
            "Vendor.CreateSession",
            "A one-time sign-in link for the person an organization token names",
            envelope(None, true),
        ),
    ] {
        let op = json!({"operationId": id, "tags": ["Vendor provisioning"], "summary": summary, "parameters": [], "security": [],
            "requestBody": req, "responses": answer("201"), "x-sandbox-extension": true});
        merge_path(paths, path, method, op);
        paths[path]["servers"] = json!([{"url": "/"}]);
    }
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
    tags.push(json!({"name": "Organizations", "x-id": "Organizations", "x-sandbox-extension": true}));
    for name in ["Account", "Invitations", "Organization", "Members", "Roles", "Applications", "Vendor provisioning"] {
        tags.push(json!({"name": name, "x-section-id": "Organizations", "x-sandbox-extension": true}));
    }
    let mut schemas: Map<String, Value> = SCHEMAS.iter().map(|s| (s.name.to_string(), schema(s))).collect();
    schemas.insert("ApiRole".into(), json!({"type": "string", "enum": ALL_ROLES}));
    schemas.insert(
        "Meta".into(),
        json!({"type": "object", "properties": {
        "Page": {"type": "integer"}, "PageSize": {"type": "integer"}, "TotalCount": {"type": "integer"},
        "TotalPages": {"type": "integer"}, "ItemRange": {"type": "array", "items": {"type": "integer"}}}}),
    );
    schemas.insert(
        "ErrorList".into(),
        json!({"type": "object", "properties": {"Errors": {"type": "array", "items": {"type": "object", "properties": {
        "ErrorCode": {"type": "string"}, "Message": {"type": "string"}, "Data": {}}}}}}),
    );
    let mut paths = Map::new();
    for def in RESOURCES {
        resource_paths(def, &mut paths);
    }
    extra_paths(&mut paths);
    organization_paths(&mut paths);
    vendor_paths(&mut paths);
    organization_schemas(&mut schemas);
    let scopes: Map<String, Value> = ALL_ROLES.iter().map(|r| (r.to_string(), json!(""))).collect();
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Gatehouse sandbox (OrderCloud-compatible API)", "version": env!("CARGO_PKG_VERSION")},
        "servers": [{"url": "/v1"}],
        "tags": tags,
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"AccountToken": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}, "OAuth2": {"type": "oauth2", "flows": {
                "password": {"tokenUrl": "/oauth/token", "scopes": scopes.clone()},
                "clientCredentials": {"tokenUrl": "/oauth/token", "scopes": scopes}}}}
        }
    })
}

/// Who may read the impersonation records (FullAccess passes too): the document states it and
/// `auth::impersonation::log` enforces it.
pub const IMPERSONATION_LOG_ROLES: &[&str] = &["BuyerImpersonation"];
