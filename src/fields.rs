//! The field vocabulary: one field row and one set of inputs for every form of the portal, the
//! console's generated form (fields from the API description) and the enhanced screens'
//! editors (fields from the model's tables) alike. A form hands each input a [`Slot`]: where
//! its value is read and written, what it is called, whether it may change. The rules a value
//! must meet, and their words, are the model's (`gatehouse_model::validate::check`); the
//! special widgets only screens choose (durations, secrets, the role picker, pickers) are in
//! `enhanced/widgets.rs`.
use crate::text::{fold, number};
use gatehouse_model::password::PasswordPolicy;
use gatehouse_model::resources::label;
use gatehouse_model::validate::typed_text;
use leptos::prelude::*;
use serde_json::Value;

/// One property of a form's draft, as its input sees it.
#[derive(Clone)]
pub struct Slot {
    /// The property's API name ("FirstName"); the row's label says it in words.
    pub name: String,
    /// The control's id: `{id}-desc` describes it and `{id}-error` says its problem.
    pub id: String,
    /// The value in the draft (None: not given).
    pub value: Signal<Option<Value>>,
    /// Writes the draft (None removes the property).
    pub set: Callback<Option<Value>>,
    /// Input that cannot become a value yet (malformed JSON): it stays as typed, its problem
    /// is said under the field, and saving or sending is refused while it is there. None: the
    /// input reads again.
    pub unreadable: Callback<Option<String>>,
    pub enabled: Signal<bool>,
    /// The API requires it (said to assistive technology with `aria-required`; the row marks it).
    pub required: bool,
}

impl Slot {
    /// `aria-required` for the control: only on a required field.
    fn aria_required(&self) -> Option<&'static str> {
        self.required.then_some("true")
    }
    pub fn desc(&self) -> String {
        format!("{}-desc", self.id)
    }
    fn text(value: Signal<Option<Value>>) -> String {
        value.with(|v| v.as_ref().and_then(Value::as_str).map(String::from)).unwrap_or_default()
    }
}

/// How a field's row is laid out around its control.
#[derive(Default)]
pub struct Row {
    pub required: bool,
    /// Shown after the API name: a limit, a format, a sentence of help.
    pub hint: String,
    /// Text counted against this many characters.
    pub max_len: Option<u32>,
    /// The control takes the whole width (the role picker).
    pub wide: bool,
    /// A checkbox: named by its own text, so the row has no label of its own.
    pub check: bool,
}

/// A labelled field: the label in words, the required mark outside it, the API's name and the
/// hint as the control's description, a counter for limited text, the control, its problem.
pub fn field_row(slot: &Slot, row: Row, problem: Signal<Option<String>>, control: AnyView) -> AnyView {
    let Row { required, hint, max_len, wide, check } = row;
    let (id, desc, name) = (slot.id.clone(), slot.desc(), slot.name.clone());
    let value = slot.value;
    let hint = (!hint.is_empty()).then_some(hint);
    // a checkbox is named by its own text: the API's name heads its row, the hint describes it
    let head_check = view! { <code class="api-name">{name.clone()}</code> };
    let head = {
        let hint = hint.clone().map(|h| format!(" · {h}"));
        view! { <span class="hint" id=desc.clone()><code class="api-name">{name.clone()}</code>{hint}</span> }
    };
    view! {
        <div class="field" class:wide=wide class:invalid=move || problem.with(Option::is_some) data-field=name.clone()>
            <div class="label">
                {(!check).then(|| view! { <label for=id.clone()>{label(&name)}</label> })}
                {check.then_some(head_check)}
                {required.then(|| view! { <span class="req" title="required" aria-hidden="true">" *"</span> })}
                {(!check).then_some(head)}
            </div>
            <div class="widget">{control}{check.then(|| view! { <span class="hint" id=desc>{hint}</span> })}</div>
            <span class="count">{move || max_len.map(|m| {
                let n = Slot::text(value).chars().count();
                if n > 0 { format!("{n}/{m}") } else { String::new() }
            })}</span>
            {let api_name = name.clone(); move || problem.get().map(|e| view! { <span class="field-error" role="alert" id=format!("{id}-error")>{in_words(&api_name, e)}</span> })}
        </div>
    }
    .into_any()
}

/// A field's problem as people read it: the API's name at its start becomes the field's label
/// ("AccessTokenDuration must be…" → "Access token lifetime must be…"); the API's own message
/// (with its name) stays in the request's answer.
fn in_words(name: &str, problem: String) -> String {
    match problem.strip_prefix(name) {
        Some(rest) if rest.starts_with([' ', '"']) => format!("{}{rest}", label(name)),
        _ => problem,
    }
}

/// A line (or, `long`, a box) of text. Empty text is no value (see `typed_text`).
pub fn text_box(slot: Slot, long: bool, placeholder: &'static str) -> AnyView {
    let req = slot.aria_required();
    let Slot { name, id, value, set, enabled, .. } = slot;
    // an email address gets the keyboard of one; the input stays text, so what is typed is what
    // is sent (an email input would turn a non-ASCII domain into punycode and trim spaces)
    let keys = if name.eq_ignore_ascii_case("email") { "email" } else { "text" };
    let desc = format!("{id}-desc");
    let input = move |ev: leptos::ev::Event| set.run(typed_text(&name, event_target_value(&ev)));
    let disabled = move || !enabled.get();
    if long {
        view! { <textarea id=id aria-describedby=desc aria-required=req rows="3" placeholder=placeholder prop:value=move || Slot::text(value) on:input=input disabled=disabled></textarea> }.into_any()
    } else {
        view! { <input id=id aria-describedby=desc aria-required=req type="text" inputmode=keys autocapitalize=(keys == "email").then_some("none") autocomplete="off" placeholder=placeholder prop:value=move || Slot::text(value) on:input=input disabled=disabled/> }.into_any()
    }
}

/// A password, with the policy's rules ticked off while typing.
pub fn password_box(slot: Slot, policy: &'static PasswordPolicy) -> AnyView {
    let req = slot.aria_required();
    let Slot { name, id, value, set, enabled, .. } = slot;
    let pw = move || Slot::text(value);
    let rules = policy.check("").into_iter().map(|rule| {
        let text = rule.to_string();
        let met = Memo::new(move |_| {
            let now = pw();
            !now.is_empty() && !policy.check(&now).iter().any(|u| std::mem::discriminant(u) == std::mem::discriminant(&rule))
        });
        view! { <li class:ok=met data-met=move || met.get().to_string()>{move || if met.get() { "✓ " } else { "○ " }}{text}</li> }
    });
    view! {
        <span class="password">
            <input id=id.clone() aria-describedby=format!("{id}-desc") aria-required=req type="password" autocomplete="new-password" disabled=move || !enabled.get()
                prop:value=pw on:input=move |ev| set.run(typed_text(&name, event_target_value(&ev)))/>
            <ul class="rules" id=format!("{id}-rules") aria-live="polite">{rules.collect_view()}</ul>
        </span>
    }
    .into_any()
}

/// A number. What is written back never moves the caret or respells what was typed.
pub fn number_box(slot: Slot) -> AnyView {
    let req = slot.aria_required();
    let Slot { id, value, set, enabled, .. } = slot;
    let node = NodeRef::<leptos::html::Input>::new();
    view! {
        <input id=id.clone() aria-describedby=format!("{id}-desc") aria-required=req type="number" step="any" node_ref=node disabled=move || !enabled.get()
            prop:value=move || {
                // only a changed number is written back (the browser moves the caret on every
                // write: "2." + "5" would become "52"), never in another spelling ("1.2e2" stays)
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
                set.run(if v.trim().is_empty() { None } else {
                    // "100", "1e2" and "100.0" are all the integer 100 on the wire
                    number(&v).map(|n| if n.fract() == 0.0 && n.abs() < 9.0e15 { Value::from(n as i64) } else { serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number) })
                        .or(Some(Value::String(v)))
                });
            }/>
    }
    .into_any()
}

/// One of a few values: a document's enumeration, or true / false (with "—" for not given).
pub fn choice_box(slot: Slot, options: Vec<String>, booleans: bool) -> AnyView {
    let req = slot.aria_required();
    let Slot { id, value, set, enabled, .. } = slot;
    let options = if booleans { vec!["true".to_string(), "false".to_string()] } else { options };
    view! {
        <select id=id.clone() aria-describedby=format!("{id}-desc") aria-required=req disabled=move || !enabled.get()
            on:change=move |ev| {
                let v = event_target_value(&ev);
                set.run(match v.as_str() {
                    "" => None,
                    "true" if booleans => Some(Value::Bool(true)),
                    "false" if booleans => Some(Value::Bool(false)),
                    _ => Some(Value::String(v)),
                });
            }
            prop:value=move || value.with(|v| match v { Some(Value::String(s)) => s.clone(), Some(Value::Bool(b)) => b.to_string(), _ => String::new() })>
            <option value="">"—"</option>
            {options.into_iter().map(|o| view! { <option value=o.clone()>{o.clone()}</option> }).collect_view()}
        </select>
    }
    .into_any()
}

/// A checkbox named by its own text.
pub fn check_box(slot: Slot, text: &'static str) -> AnyView {
    let Slot { id, value, set, enabled, .. } = slot;
    view! {
        <label class="check">
            <input id=id.clone() aria-describedby=format!("{id}-desc") type="checkbox" disabled=move || !enabled.get()
                prop:checked=move || value.with(|v| v.as_ref().and_then(Value::as_bool).unwrap_or(false))
                on:change=move |ev| set.run(Some(Value::Bool(event_target_checked(&ev))))/>
            {format!(" {text}")}
        </label>
    }
    .into_any()
}

fn strings(v: Option<Value>) -> Vec<String> {
    v.as_ref().map(crate::json::strings).unwrap_or_default()
}

/// The values of a one-per-line box: trimmed, blank lines left out.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// A list of texts, one per line. What is typed is read on every keystroke (a problem that
/// went away on leaving the box would move Send from under the pointer), and a list changed
/// elsewhere (pasted JSON) is shown here.
pub fn lines_box(slot: Slot) -> AnyView {
    let req = slot.aria_required();
    let Slot { id, value, set, enabled, .. } = slot;
    let typed = RwSignal::new(strings(value.get_untracked()).join("\n"));
    Effect::new(move |_| {
        let v = strings(value.get()).join("\n");
        if typed.with_untracked(|t| lines(t).collect::<Vec<_>>().join("\n")) != v {
            typed.set(v);
        }
    });
    view! {
        <textarea id=id.clone() aria-describedby=format!("{id}-desc") aria-required=req rows="3" placeholder="One value per line" disabled=move || !enabled.get()
            prop:value=typed
            on:input=move |ev| {
                let text = event_target_value(&ev);
                let items: Vec<Value> = lines(&text).map(|l| Value::String(l.into())).collect();
                typed.set(text);
                set.run(Some(Value::Array(items)));
            }></textarea>
    }
    .into_any()
}

/// Some of a document's enumerated values, with a filter.
pub fn multi_box(slot: Slot, options: Vec<String>) -> AnyView {
    let Slot { name, id, value, set, enabled, .. } = slot;
    let filter = RwSignal::new(String::new());
    let needle = Memo::new(move |_| fold(&filter.get()));
    let chosen = move || strings(value.get());
    view! {
        <div class="multi" id=id.clone() role="group" aria-label=label(&name)>
            <input class="multi-filter" id=format!("{id}-filter") placeholder="Filter values" aria-label="Filter values" prop:value=filter on:input=move |ev| filter.set(event_target_value(&ev))/>
            <div class="multi-options">
                {options.into_iter().map(|o| {
                    let (o1, o2, shown) = (o.clone(), o.clone(), fold(&o));
                    view! {
                        <label class="check" style:display=move || if needle.with(|f| shown.contains(f.as_str())) { "" } else { "none" }>
                            <input type="checkbox" value=o.clone() disabled=move || !enabled.get() prop:checked=move || chosen().contains(&o1)
                                on:change=move |ev| {
                                    let mut now = chosen();
                                    now.retain(|x| x != &o2);
                                    if event_target_checked(&ev) {
                                        now.push(o2.clone());
                                    }
                                    set.run(if now.is_empty() { None } else { Some(Value::from(now)) });
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

/// A JSON value, kept as typed: malformed text is the slot's `unreadable` problem until it
/// reads, and a value changed elsewhere (pasted JSON) replaces what is typed here.
pub fn json_box(slot: Slot) -> AnyView {
    let req = slot.aria_required();
    let Slot { name, id, value, set, unreadable, enabled, .. } = slot;
    let pretty = |v: Option<Value>| v.map(|v| serde_json::to_string_pretty(&v).unwrap_or_default()).unwrap_or_default();
    let typed = RwSignal::new(pretty(value.get_untracked()));
    let broken = RwSignal::new(false);
    Effect::new(move |_| {
        let v = value.get();
        let same = typed.with_untracked(|t| {
            if t.trim().is_empty() {
                v.is_none()
            } else {
                serde_json::from_str::<Value>(t).ok() == v
            }
        });
        // (a removed value leaves a box still being typed in alone)
        if !same && (v.is_some() || !broken.get_untracked()) {
            typed.set(pretty(v));
            broken.set(false);
            unreadable.run(None);
        }
    });
    view! {
        <textarea id=id.clone() aria-describedby=format!("{id}-desc") aria-required=req rows="3" class="code" placeholder="{ }" spellcheck="false" disabled=move || !enabled.get()
            prop:value=typed
            on:input=move |ev| {
                let text = event_target_value(&ev);
                typed.set(text.clone());
                let read = if text.trim().is_empty() { Ok(None) } else { serde_json::from_str::<Value>(&text).map(Some) };
                broken.set(read.is_err());
                match read {
                    Ok(v) => {
                        set.run(v);
                        unreadable.run(None);
                    }
                    Err(e) => unreadable.run(Some(format!("{name}: malformed JSON at line {}, column {}: {e}.", e.line(), e.column()))),
                }
            }></textarea>
    }
    .into_any()
}

/// A value a link may put into a new object's form (`?new=1&set.Name=…`), or `None` when a
/// link may not set that field. A link is anybody's to write, so it never carries a secret (a
/// password, a client secret: whoever wrote the link would know it) and never FullAccess (granted
/// only through its own warning); role lists keep only API roles, matched exactly after trimming.
pub fn from_link(field: &gatehouse_model::resources::Field, raw: &str) -> Option<Value> {
    use gatehouse_model::resources::Ty;
    use gatehouse_model::roles::{is_role, FULL_ACCESS};
    if field.read_only || field.format == Some("password") || field.name == "ClientSecret" {
        return None;
    }
    Some(match field.ty {
        Ty::Bool => Value::Bool(raw == "true"),
        Ty::Roles => Value::Array(
            raw.split(',')
                .map(str::trim)
                .filter(|r| is_role(r) && !r.eq_ignore_ascii_case(FULL_ACCESS))
                .map(|r| Value::String(r.to_string()))
                .collect(),
        ),
        Ty::StrArray => Value::Array(
            raw.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| Value::String(s.to_string())).collect(),
        ),
        _ => Value::String(raw.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_model::resources::{Field, Ty};
    use serde_json::json;

    fn field(name: &'static str, ty: Ty, format: Option<&'static str>) -> Field {
        Field { name, ty, max_len: None, format, read_only: false, min: None, max: None, pattern: None }
    }

    #[test]
    fn a_link_fills_in_names_and_roles_but_never_secrets_or_full_access() {
        assert_eq!(from_link(&field("Name", Ty::Str, None), "Can call X"), Some(json!("Can call X")));
        assert_eq!(from_link(&field("Password", Ty::Str, Some("password")), "Attacker-Pass1"), None);
        assert_eq!(from_link(&field("ClientSecret", Ty::Str, None), "s3cret"), None);
        let roles = field("Roles", Ty::Roles, None);
        assert_eq!(from_link(&roles, "BuyerImpersonation"), Some(json!(["BuyerImpersonation"])));
        assert_eq!(from_link(&roles, "FullAccess,Shopper"), Some(json!(["Shopper"])));
        assert_eq!(from_link(&roles, " FullAccess,fullaccess,NoSuchRole, OrderAdmin"), Some(json!(["OrderAdmin"])));
        assert_eq!(from_link(&field("Active", Ty::Bool, None), "true"), Some(json!(true)));
    }
}
