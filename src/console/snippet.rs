//! The request in the console as code to paste elsewhere: a cURL command, a `fetch` call and an
//! OrderCloud JavaScript SDK call. The token is never written into them: each reads it from a
//! `TOKEN` variable, so a pasted snippet does not leak the session, unless the person asks for
//! the token itself to be written in.
use gatehouse_model::list::ListQuery;
use serde_json::{Map, Value};

/// What the form holds, ready to be written out.
pub struct Request<'a> {
    pub method: &'a str,
    /// Full URL, with the query.
    pub url: &'a str,
    /// `Resource.Method`, as in the API description.
    pub operation_id: &'a str,
    /// Path parameters in the order they appear in the path.
    pub path_args: Vec<String>,
    /// The list options and filters (the SDK takes them as one options object).
    pub list: ListQuery,
    pub body: Option<&'a Value>,
    /// Sent as the buyer user acted as (the SDK's `As()`).
    pub acting: bool,
    /// The token itself, written in when the person asked for it; else a variable is named.
    pub token: Option<&'a str>,
}

/// Single-quoted for a POSIX shell.
fn shell(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

pub fn curl(r: &Request) -> String {
    let token = match r.token {
        Some(t) => t.to_string(),
        None => format!("${}", if r.acting { "IMPERSONATION_TOKEN" } else { "TOKEN" }),
    };
    let mut out = format!("curl -X {} {} \\\n  -H \"Authorization: Bearer {token}\"", r.method, shell(r.url));
    if let Some(b) = r.body {
        out.push_str(" \\\n  -H 'Content-Type: application/json' \\\n  --data-raw ");
        out.push_str(&shell(&b.to_string()));
    }
    out
}

pub fn fetch(r: &Request) -> String {
    let mut headers = match r.token {
        Some(t) => format!("Authorization: {}", Value::from(format!("Bearer {t}"))),
        None => format!("Authorization: `Bearer ${{{}}}`", if r.acting { "impersonationToken" } else { "token" }),
    };
    let mut body = String::new();
    if let Some(b) = r.body {
        headers.push_str(", \"Content-Type\": \"application/json\"");
        body = format!(
            ",\n  body: JSON.stringify({})",
            serde_json::to_string_pretty(b).unwrap_or_default().replace('\n', "\n  ")
        );
    }
    format!("const res = await fetch({}, {{\n  method: \"{}\",\n  headers: {{ {headers} }}{body}\n}});\nconst data = await res.json();", Value::from(r.url), r.method)
}

/// A query value as the SDK wants it: numbers and booleans as such.
fn typed(v: &str) -> Value {
    match v {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => v.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(v)),
    }
}

pub fn sdk(r: &Request) -> String {
    let (resource, method) = r.operation_id.split_once('.').unwrap_or(("Resource", r.operation_id));
    let mut args: Vec<String> = r.path_args.iter().map(|a| Value::from(a.as_str()).to_string()).collect();
    if let Some(b) = r.body {
        args.push(serde_json::to_string_pretty(b).unwrap_or_default());
    }
    let mut options: Map<String, Value> = r.list.options().iter().map(|(k, v)| (k.clone(), typed(v))).collect();
    if !r.list.filters.is_empty() {
        options.insert(
            "filters".into(),
            Value::Object(r.list.filters.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))).collect()),
        );
    }
    if !options.is_empty() {
        args.push(serde_json::to_string_pretty(&Value::Object(options)).unwrap_or_default());
    }
    let as_ = if r.acting { ".As()" } else { "" };
    match r.token {
        Some(t) => {
            let set = if r.acting { "SetImpersonationToken" } else { "SetAccessToken" };
            format!("import {{ {resource}, Tokens }} from \"ordercloud-javascript-sdk\";\n\nTokens.{set}({});\nconst result = await {resource}{as_}.{method}({});", Value::from(t), args.join(", "))
        }
        None => format!("import {{ {resource} }} from \"ordercloud-javascript-sdk\";\n\nconst result = await {resource}{as_}.{method}({});", args.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn req<'a>(body: Option<&'a Value>) -> Request<'a> {
        Request {
            method: "PUT",
            url: "http://localhost:8090/v1/buyers/b1/users/u1",
            operation_id: "Users.Save",
            path_args: vec!["b1".into(), "u1".into()],
            list: ListQuery::default(),
            body,
            acting: false,
            token: None,
        }
    }

    #[test]
    fn curl_quotes_for_the_shell_and_never_holds_the_token() {
        let body = json!({"Username": "o'neil"});
        let c = curl(&req(Some(&body)));
        assert!(c.starts_with("curl -X PUT 'http://localhost:8090/v1/buyers/b1/users/u1'"), "{c}");
        assert!(c.contains("Bearer $TOKEN"));
        assert!(c.contains(r#"--data-raw '{"Username":"o'\''neil"}'"#), "{c}");
    }

    #[test]
    fn fetch_is_valid_looking_javascript() {
        let body = json!({"Active": true});
        let f = fetch(&req(Some(&body)));
        assert!(f.contains("await fetch(\"http://localhost:8090/v1/buyers/b1/users/u1\""), "{f}");
        assert!(
            f.contains("method: \"PUT\"") && f.contains("JSON.stringify({") && f.contains("Bearer ${token}"),
            "{f}"
        );
    }

    #[test]
    fn sdk_calls_take_path_ids_then_body_then_list_options() {
        let body = json!({"Username": "ann"});
        assert!(sdk(&req(Some(&body))).contains("await Users.Save(\"b1\", \"u1\", {\n  \"Username\": \"ann\"\n});"));
        let mut list = req(None);
        list.operation_id = "AdminUsers.List";
        list.path_args = vec![];
        list.list = ListQuery {
            search: Some("ann".into()),
            page: 2,
            filters: vec![("Active".into(), "true".into())],
            ..Default::default()
        };
        list.acting = true;
        let s = sdk(&list);
        assert!(s.starts_with("import { AdminUsers } from \"ordercloud-javascript-sdk\";"), "{s}");
        assert!(s.contains("AdminUsers.As().List({"), "{s}");
        assert!(s.contains("\"page\": 2") && s.contains("\"filters\": {\n    \"Active\": \"true\"\n  }"), "{s}");
    }

    #[test]
    fn the_token_is_written_in_only_when_asked_for() {
        let mut r = req(None);
        for text in [curl(&r), fetch(&r), sdk(&r)] {
            assert!(!text.contains("eyJ"), "{text}");
        }
        r.token = Some("eyJhbGciOi.x.y");
        assert!(curl(&r).contains("-H \"Authorization: Bearer eyJhbGciOi.x.y\""), "{}", curl(&r));
        assert!(fetch(&r).contains("Authorization: \"Bearer eyJhbGciOi.x.y\""), "{}", fetch(&r));
        assert!(sdk(&r).contains("Tokens.SetAccessToken(\"eyJhbGciOi.x.y\");"), "{}", sdk(&r));
        r.acting = true;
        assert!(sdk(&r).contains("Tokens.SetImpersonationToken(\"eyJhbGciOi.x.y\");"), "{}", sdk(&r));
    }
}
