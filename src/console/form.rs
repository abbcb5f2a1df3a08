//! The request body: a form generated from the schema, or pasted JSON, kept in step.
use crate::fields::{
    choice_box, field_row, json_box, lines_box, multi_box, number_box, password_box, text_box, Row, Slot,
};
use crate::spec::{Field, Kind};
use crate::text::matches;
use gatehouse_model::password::PasswordPolicy;
use gatehouse_model::resources::label;
use gatehouse_model::resources::Ty;
use gatehouse_model::validate::{check, known_pattern, Form, Rules};
use leptos::prelude::*;
use serde_json::{Map, Value};
use std::collections::HashMap;

pub fn get_at<'a>(v: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut cur = v;
    for p in path {
        cur = cur.as_object()?.get(p)?;
    }
    Some(cur)
}

pub fn set_at(v: &mut Value, path: &[String], new: Option<Value>) {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    let mut cur = v;
    for (i, p) in path.iter().enumerate() {
        let obj = cur.as_object_mut().expect("objects all the way down");
        if i == path.len() - 1 {
            match new {
                Some(x) => {
                    obj.insert(p.clone(), x);
                }
                None => {
                    obj.remove(p);
                }
            }
            return;
        }
        let next = obj.entry(p.clone()).or_insert_with(|| Value::Object(Map::new()));
        if !next.is_object() {
            *next = Value::Object(Map::new());
        }
        cur = next;
    }
}

/// A message for malformed JSON, with where it breaks.
pub fn json_error(e: &serde_json::Error) -> String {
    format!("Malformed JSON at line {}, column {}: {}. Nothing was sent.", e.line(), e.column(), e)
}

/// This field's rules in the model's vocabulary: one validator, one wording, for the console's
/// generated form and the enhanced screens alike.
fn rules<'a>(f: &'a Field, test: &'a dyn Fn(&str) -> bool, password: &'a PasswordPolicy) -> Rules<'a> {
    let whole = |n: &Option<serde_json::Number>| n.as_ref().and_then(serde_json::Number::as_i64);
    Rules {
        name: &f.name,
        ty: match f.kind {
            Kind::Str => Ty::Str,
            Kind::Int => Ty::Int,
            Kind::Num => Ty::Num,
            Kind::Bool => Ty::Bool,
            Kind::List => Ty::StrArray,
            Kind::Json | Kind::Nested => Ty::Object,
            Kind::Array => Ty::Array,
        },
        required: f.required,
        max_len: f.max_len.map(|n| n as u32),
        range: whole(&f.minimum).zip(whole(&f.maximum)),
        format: f.format.as_deref(),
        pattern: f.pattern.as_deref().map(|regex| Form { regex, allows: known_pattern(regex).map(|p| p.allows), test }),
        password: Some(password),
    }
}

/// Checks the body against the form's fields with the model's validator, every problem at
/// once, by field path. `password` is the policy of the user the request writes.
pub fn validate(
    fields: &[Field],
    body: &Value,
    prefix: &[String],
    password: &PasswordPolicy,
    out: &mut HashMap<String, String>,
) {
    for f in fields {
        let mut path = prefix.to_vec();
        path.push(f.name.clone());
        let v = get_at(body, &path);
        let test = |s: &str| f.pattern.as_deref().is_none_or(|p| matches(p, s));
        match check(&rules(f, &test, password), v) {
            Err(e) => {
                out.insert(path.join("."), e.message);
            }
            Ok(()) if f.kind == Kind::Nested && v.is_some_and(Value::is_object) => {
                validate(&f.children, body, &path, password, out)
            }
            Ok(()) => {}
        }
    }
}

/// The generated form for `fields`, bound to `body`, built from the portal's one field
/// vocabulary (`crate::fields`). `unparsed` holds, by field, the problem of input that cannot
/// become a value yet (malformed JSON): it stays as typed, and sending is refused while it is
/// there. `password` is the policy of the user the request writes.
pub fn fields_view(
    fields: Vec<Field>,
    prefix: Vec<String>,
    body: RwSignal<Value>,
    errors: RwSignal<HashMap<String, String>>,
    unparsed: RwSignal<HashMap<String, String>>,
    password: &'static PasswordPolicy,
) -> AnyView {
    fields
        .into_iter()
        .map(|f| field_view(f, prefix.clone(), body, errors, unparsed, password))
        .collect_view()
        .into_any()
}

fn field_view(
    f: Field,
    prefix: Vec<String>,
    body: RwSignal<Value>,
    errors: RwSignal<HashMap<String, String>>,
    unparsed: RwSignal<HashMap<String, String>>,
    password: &'static PasswordPolicy,
) -> AnyView {
    let mut path = prefix;
    path.push(f.name.clone());
    let key = path.join(".");
    if f.kind == Kind::Nested {
        let children = fields_view(f.children, path, body, errors, unparsed, password);
        return view! { <fieldset class="nested"><legend>{label(&f.name)}</legend>{children}</fieldset> }.into_any();
    }
    let p1 = path.clone();
    let value = Memo::new(move |_| body.with(|b| get_at(b, &p1).cloned()));
    let set = Callback::new(move |v: Option<Value>| body.update(|b| set_at(b, &path, v)));
    let k1 = key.clone();
    // said once, under the field; kept until it reads, so Send refuses it
    let unreadable = Callback::new(move |problem: Option<String>| {
        for map in [errors, unparsed] {
            map.update(|m| match &problem {
                Some(p) => {
                    m.insert(k1.clone(), p.clone());
                }
                None => {
                    m.remove(&k1);
                }
            });
        }
    });
    let slot = Slot {
        name: f.name.clone(),
        id: format!("field-{}", key.replace('.', "-")),
        value: value.into(),
        set,
        unreadable,
        enabled: Signal::from(true),
        required: f.required,
    };
    let format = f.format.as_deref();
    let control = match f.kind {
        Kind::Bool => choice_box(slot.clone(), Vec::new(), true),
        Kind::Str if !f.enum_values.is_empty() => choice_box(slot.clone(), f.enum_values, false),
        Kind::Str if format == Some("password") => password_box(slot.clone(), password),
        Kind::Str => {
            text_box(slot.clone(), false, if format == Some("date-time") { "2024-01-31T12:00:00Z" } else { "" })
        }
        Kind::Int | Kind::Num => number_box(slot.clone()),
        Kind::List if !f.enum_values.is_empty() => multi_box(slot.clone(), f.enum_values),
        Kind::List => lines_box(slot.clone()),
        Kind::Json | Kind::Array | Kind::Nested => json_box(slot.clone()),
    };
    let hint = match (f.max_len, format) {
        (Some(n), _) => format!("max {n}"),
        (None, Some(fmt)) => fmt.to_string(),
        _ => String::new(),
    };
    let row = Row { required: f.required, hint, max_len: f.max_len.map(|n| n as u32), ..Row::default() };
    field_row(&slot, row, Signal::derive(move || errors.with(|e| e.get(&key).cloned())), control)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(body: Value) -> HashMap<String, String> {
        let spec = crate::spec::Spec::read(&crate::spec::tests::doc().to_string()).unwrap();
        let op = spec.op("POST /adminusers").unwrap();
        let mut out = HashMap::new();
        let policy = gatehouse_model::resources::UserType::of_path(&op.path, None).password_policy();
        validate(&spec.body(op).unwrap(), &body, &[], policy, &mut out);
        out
    }

    #[test]
    fn the_validator_names_each_problem_in_words() {
        assert!(problems(json!({"Username": "ann", "Active": true})).is_empty());
        let p = problems(json!({"Username": "toolong", "Age": 2.5, "Tags": [1], "Password": "short"}));
        assert_eq!(p["Username"], "Username can be at most 5 characters long (it has 7).");
        assert_eq!(p["Active"], "Active is required.");
        assert_eq!(p["Age"], "Age must be a whole number.");
        assert_eq!(p["Tags"], "Tags must be a list of text values.");
        assert!(p["Password"].contains("10"), "the admin password policy: {}", p["Password"]);
        let p = problems(json!({"Username": 5, "Active": "yes", "Age": 700}));
        assert_eq!(
            (p["Username"].as_str(), p["Active"].as_str()),
            ("Username must be text.", "Active must be true or false.")
        );
        assert_eq!(p["Age"], "Age must be between 1 and 600 (got 700).");
        // typed as JSON: an array of objects is a list, a free object an object
        assert!(
            problems(json!({"Username": "ann", "Active": true, "Specs": [{"A": 1}], "Meta": {"B": [2]}})).is_empty()
        );
        let typed = problems(json!({"Username": "ann", "Active": true, "Specs": {"A": 1}, "Meta": [1]}));
        assert_eq!(
            (typed["Specs"].as_str(), typed["Meta"].as_str()),
            ("Specs must be a list (a JSON array).", "Meta must be a JSON object.")
        );
        // the same words as the model's own check of the same rule
        let model = gatehouse_model::validate::validate(
            &gatehouse_model::resources::USER,
            &[],
            &json!({"Username": 5}),
            gatehouse_model::validate::Mode::Partial,
        )
        .unwrap_err();
        assert_eq!(model[0].message, p["Username"]);
    }
}
