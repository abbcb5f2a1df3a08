//! The request body: a form generated from the schema, or pasted JSON, kept in step.
use crate::spec::{Field, Kind};
use crate::text::{fold, matches, number};
use gatehouse_model::password::PasswordPolicy;
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

/// The values of a one-per-line box: trimmed, blank lines left out.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

fn lines_of(v: Option<Value>) -> String {
    let items: Vec<String> = v.and_then(|v| v.as_array().cloned()).unwrap_or_default().iter().filter_map(|x| x.as_str().map(String::from)).collect();
    items.join("\n")
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
pub fn validate(fields: &[Field], body: &Value, prefix: &[String], password: &PasswordPolicy, out: &mut HashMap<String, String>) {
    for f in fields {
        let mut path = prefix.to_vec();
        path.push(f.name.clone());
        let v = get_at(body, &path);
        let test = |s: &str| f.pattern.as_deref().is_none_or(|p| matches(p, s));
        match check(&rules(f, &test, password), v) {
            Err(e) => {
                out.insert(path.join("."), e.message);
            }
            Ok(()) if f.kind == Kind::Nested && v.is_some_and(Value::is_object) => validate(&f.children, body, &path, password, out),
            Ok(()) => {}
        }
    }
}

/// The generated form for `fields`, bound to `body`. `unparsed` holds, by field, the problem of
/// input that cannot become a value yet (malformed JSON): it stays as typed, and sending is
/// refused while it is there.
pub fn fields_view(fields: Vec<Field>, prefix: Vec<String>, body: RwSignal<Value>, errors: RwSignal<HashMap<String, String>>, unparsed: RwSignal<HashMap<String, String>>) -> AnyView {
    fields
        .into_iter()
        .map(|f| field_view(f, prefix.clone(), body, errors, unparsed))
        .collect_view()
        .into_any()
}

fn field_view(f: Field, prefix: Vec<String>, body: RwSignal<Value>, errors: RwSignal<HashMap<String, String>>, unparsed: RwSignal<HashMap<String, String>>) -> AnyView {
    let mut path = prefix;
    path.push(f.name.clone());
    let key = path.join(".");
    let id = format!("field-{}", key.replace('.', "-"));
    let p1 = path.clone();
    let current = move || body.with(|b| get_at(b, &p1).cloned());
    let p2 = path.clone();
    let set = move |v: Option<Value>| {
        body.update(|b| set_at(b, &p2, v));
    };
    let k2 = key.clone();
    let error = move || errors.with(|e| e.get(&k2).cloned());
    let label_text = f.name.clone();
    // the field's API name and its limits: the control's description, not its name
    let desc_id = format!("{id}-desc");
    let required = f.required;
    let hint = match (f.max_len, f.format.as_deref()) {
        (Some(n), _) => format!("max {n}"),
        (None, Some(fmt)) => fmt.to_string(),
        _ => String::new(),
    };
    let control: AnyView = match f.kind {
        Kind::Nested => {
            let children = fields_view(f.children.clone(), path.clone(), body, errors, unparsed);
            return view! {
                <fieldset class="nested"><legend>{label_text}</legend>{children}</fieldset>
            }
            .into_any();
        }
        Kind::Bool => {
            let cur = current.clone();
            view! {
                <select id=id.clone() aria-describedby=desc_id.clone() on:change=move |ev| {
                    let v = event_target_value(&ev);
                    set(match v.as_str() { "true" => Some(Value::Bool(true)), "false" => Some(Value::Bool(false)), _ => None });
                }
                prop:value=move || match cur() { Some(Value::Bool(true)) => "true", Some(Value::Bool(false)) => "false", _ => "" }>
                    <option value="">"—"</option>
                    <option value="true">"true"</option>
                    <option value="false">"false"</option>
                </select>
            }
            .into_any()
        }
        Kind::Str if !f.enum_values.is_empty() => {
            let cur = current.clone();
            let opts = f.enum_values.clone();
            view! {
                <select id=id.clone() aria-describedby=desc_id.clone() on:change=move |ev| { let v = event_target_value(&ev); set(if v.is_empty() { None } else { Some(Value::String(v)) }); }
                    prop:value=move || cur().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()>
                    <option value="">"—"</option>
                    {opts.into_iter().map(|o| view! { <option value=o.clone()>{o.clone()}</option> }).collect_view()}
                </select>
            }
            .into_any()
        }
        Kind::Str => {
            let cur = current.clone();
            let kind = if f.format.as_deref() == Some("password") { "password" } else { "text" };
            let placeholder = if f.format.as_deref() == Some("date-time") { "2024-01-31T12:00:00Z" } else { "" };
            let max = f.max_len;
            let cur2 = current.clone();
            view! {
                <input id=id.clone() aria-describedby=desc_id.clone() type=kind placeholder=placeholder autocomplete="off"
                    prop:value=move || cur().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
                    on:input=move |ev| { let v = event_target_value(&ev); set(if v.is_empty() { None } else { Some(Value::String(v)) }); }/>
                {max.map(|m| view! { <span class="count">{move || format!("{}/{m}", cur2().and_then(|v| v.as_str().map(|s| s.chars().count())).unwrap_or(0))}</span> })}
            }
            .into_any()
        }
        Kind::Int | Kind::Num => {
            let cur = current.clone();
            let node = NodeRef::<leptos::html::Input>::new();
            // Only a changed number is written back to the input (the browser moves the caret
            // on every write: "2." + "5" would become "52"), and never in another spelling of
            // the same number ("1.2e2" stays, not "120").
            let value = Memo::new(move |_| cur());
            view! {
                <input id=id.clone() aria-describedby=desc_id.clone() type="number" step="any" node_ref=node
                    prop:value=move || {
                        let want = value.get();
                        if let (Some(el), Some(n)) = (node.get_untracked(), want.as_ref().and_then(Value::as_f64)) {
                            let typed = el.value();
                            if number(&typed) == Some(n) {
                                return typed;
                            }
                        }
                        want.map(|v| v.to_string()).unwrap_or_default()
                    }
                    on:input=move |ev| {
                        let el: web_sys::HtmlInputElement = event_target(&ev);
                        // "2." or "1e" on the way to a number: the browser reports no value yet
                        if el.validity().bad_input() {
                            return;
                        }
                        let v = el.value();
                        set(if v.trim().is_empty() { None } else {
                            // "100", "1e2" and "100.0" are all the integer 100 on the wire
                            number(&v).map(|n| if n.fract() == 0.0 && n.abs() < 9.0e15 { Value::from(n as i64) } else { serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number) })
                                .or(Some(Value::String(v)))
                        });
                    }/>
            }
            .into_any()
        }
        Kind::List if !f.enum_values.is_empty() => {
            let filter = RwSignal::new(String::new());
            let needle = Memo::new(move |_| fold(&filter.get()));
            let opts = f.enum_values.clone();
            let cur = current.clone();
            let chosen = move || -> Vec<String> { cur().and_then(|v| v.as_array().cloned()).unwrap_or_default().into_iter().filter_map(|x| x.as_str().map(String::from)).collect() };
            let id2 = id.clone();
            view! {
                <div class="multi" id=id.clone() role="group" aria-label=label_text.clone()>
                    <input class="multi-filter" id=format!("{id2}-filter") placeholder="Filter values" prop:value=filter on:input=move |ev| filter.set(event_target_value(&ev))/>
                    <div class="multi-options">
                        {opts.into_iter().map(|o| {
                            let (o1, o2, o3) = (o.clone(), o.clone(), o.clone());
                            let chosen = chosen.clone();
                            let chosen2 = chosen.clone();
                            let set = set.clone();
                            view! {
                                <label class="check" style:display=move || if needle.with(|f| fold(&o3).contains(f.as_str())) { "" } else { "none" }>
                                    <input type="checkbox" value=o1.clone() prop:checked=move || chosen().contains(&o1)
                                        on:change=move |ev| {
                                            let mut now = chosen2();
                                            if event_target_checked(&ev) { if !now.contains(&o2) { now.push(o2.clone()); } } else { now.retain(|x| x != &o2); }
                                            set(if now.is_empty() { None } else { Some(Value::from(now)) });
                                        }/>
                                    {format!(" {o}")}
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </div>
            }
            .into_any()
        }
        // typed text is kept as typed (and read on every keystroke, not on leaving the box: a
        // problem that disappears on blur would move Send away from under the pointer)
        Kind::List => {
            let typed = RwSignal::new(lines_of(current()));
            // a body changed elsewhere (pasted JSON) is shown here too
            let value = Memo::new(move |_| current());
            Effect::new(move |_| {
                let v = lines_of(value.get());
                if typed.with_untracked(|t| lines(t).collect::<Vec<_>>().join("\n")) != v {
                    typed.set(v);
                }
            });
            view! {
                <textarea id=id.clone() aria-describedby=desc_id.clone() rows="3" placeholder="One value per line"
                    prop:value=typed
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        let items: Vec<Value> = lines(&text).map(|l| Value::String(l.into())).collect();
                        typed.set(text);
                        set(if items.is_empty() { None } else { Some(Value::Array(items)) });
                    }></textarea>
            }
            .into_any()
        }
        Kind::Json => {
            let pretty = |v: Option<Value>| v.map(|v| serde_json::to_string_pretty(&v).unwrap_or_default()).unwrap_or_default();
            let typed = RwSignal::new(pretty(current()));
            let k3 = key.clone();
            // a body changed elsewhere (pasted JSON) replaces what is typed here, and its problem
            let value = Memo::new(move |_| current());
            let k4 = key.clone();
            Effect::new(move |_| {
                let v = value.get();
                let same = typed.with_untracked(|t| if t.trim().is_empty() { v.is_none() } else { serde_json::from_str::<Value>(t).ok() == v });
                // (a removed value leaves a box still being typed in alone)
                if !same && (v.is_some() || !unparsed.with_untracked(|u| u.contains_key(&k4))) {
                    typed.set(pretty(v));
                    for map in [errors, unparsed] {
                        map.update(|m| { m.remove(&k4); });
                    }
                }
            });
            view! {
                <textarea id=id.clone() aria-describedby=desc_id.clone() rows="3" class="code" placeholder="{ }" spellcheck="false"
                    prop:value=typed
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        typed.set(text.clone());
                        let problem = if text.trim().is_empty() {
                            set(None);
                            None
                        } else {
                            match serde_json::from_str::<Value>(&text) {
                                Ok(v) => { set(Some(v)); None }
                                Err(e) => Some(format!("{k3}: malformed JSON at line {}, column {}: {e}.", e.line(), e.column())),
                            }
                        };
                        // said once, under the field; kept until it reads, so Send refuses it
                        for map in [errors, unparsed] {
                            map.update(|m| match &problem { Some(p) => { m.insert(k3.clone(), p.clone()); } None => { m.remove(&k3); } });
                        }
                    }></textarea>
            }
            .into_any()
        }
    };
    let (e1, e2, e3) = (error.clone(), error.clone(), error);
    let err_id = format!("{id}-error");
    view! {
        <div class="field" class:invalid=move || e1().is_some()>
            <div class="label">
                <label for=id.clone()>{gatehouse_model::resources::label(&label_text)}</label>
                {required.then_some(view! { <span class="req" title="required" aria-hidden="true">" *"</span> })}
                <span class="hint" id=desc_id><code class="api-name">{label_text.clone()}</code>{(!hint.is_empty()).then(|| format!(" · {hint}"))}</span>
            </div>
            {control}
            <Show when=move || e2().is_some()>
                <span class="field-error" role="alert" id=err_id.clone()>{let e3 = e3.clone(); move || e3().unwrap_or_default()}</span>
            </Show>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(body: Value) -> HashMap<String, String> {
        let spec = crate::spec::Spec::parse(&crate::spec::tests::doc()).unwrap();
        let op = spec.op("POST /adminusers").unwrap();
        let mut out = HashMap::new();
        let policy = gatehouse_model::resources::UserType::of_path(&op.path, None).password_policy();
        validate(op.body.as_ref().unwrap(), &body, &[], policy, &mut out);
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
        assert_eq!((p["Username"].as_str(), p["Active"].as_str()), ("Username must be text.", "Active must be true or false."));
        assert_eq!(p["Age"], "Age must be between 1 and 600 (got 700).");
        // the same words as the model's own check of the same rule
        let model = gatehouse_model::validate::validate(&gatehouse_model::resources::USER, &[], &json!({"Username": 5}), gatehouse_model::validate::Mode::Partial).unwrap_err();
        assert_eq!(model[0].message, p["Username"]);
    }
}
