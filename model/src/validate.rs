//! Request-body validation against a schema: types, required fields, max lengths, number
//! ranges, formats and known role names. Used by the sandbox before writing and by the portal
//! before sending, so both say the same thing about the same input.
use crate::error::{codes, ApiError};
use crate::password::PasswordPolicy;
use crate::resources::{Field, Pattern, Schema, Ty, ID_PATTERN};
use serde_json::{json, Map, Value};

/// Whether missing required fields are errors (create / replace) or not (partial update).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Full,
    Partial,
}

fn fail(field: &str, rule: &str, message: String) -> ApiError {
    ApiError::new(codes::VALIDATION, message).with_data(json!({"Property": field, "Rule": rule}))
}

/// Whether a property counts as not given: absent, null, or empty text (the API's required
/// fields refuse empty text; `Email` alone may be empty).
pub fn missing(name: &str, value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty() && name != "Email",
        Some(_) => false,
    }
}

/// What typed text becomes in a body: empty text is no value (the property is left out), except
/// for `Email`, which the API keeps as empty text.
pub fn typed_text(name: &str, text: String) -> Option<Value> {
    (!text.is_empty() || name == "Email").then_some(Value::String(text))
}

/// A form a text value must have: a pattern known to the model (worded for people), or one
/// read from a document at run time (its expression, and a test for it).
#[derive(Clone, Copy)]
pub struct Form<'a> {
    pub regex: &'a str,
    /// What the pattern allows, in words, when the model knows it.
    pub allows: Option<&'a str>,
    pub test: &'a dyn Fn(&str) -> bool,
}

/// The rules of one property, whatever describes it: the model's tables (the sandbox, the
/// enhanced screens) or the OpenAPI document read at run time (the console's generated form).
/// Every check and its wording lives in [`check`], so the same input gets the same words
/// wherever it is typed.
#[derive(Clone, Copy)]
pub struct Rules<'a> {
    pub name: &'a str,
    pub ty: Ty,
    pub required: bool,
    pub max_len: Option<u32>,
    pub range: Option<(i64, i64)>,
    pub format: Option<&'a str>,
    pub pattern: Option<Form<'a>>,
    /// For `format: password`: the policy it must meet (the sandbox checks it on its own,
    /// with its own error code, after validation).
    pub password: Option<&'a PasswordPolicy>,
}

impl Field {
    /// This field's rules (required or not: that belongs to the operation, not the schema).
    pub fn rules(&self, required: bool) -> Rules<'_> {
        Rules {
            name: self.name,
            ty: self.ty,
            required,
            max_len: self.max_len,
            range: self.min.zip(self.max),
            format: self.format,
            pattern: self.pattern.as_ref().map(|p| Form { regex: p.regex, allows: Some(p.allows), test: &p.test }),
            password: None,
        }
    }
}

/// The model's wording for a pattern read from a document, when it is one the model knows.
pub fn known_pattern(regex: &str) -> Option<&'static Pattern> {
    [&ID_PATTERN].into_iter().find(|p| p.regex == regex)
}

/// Validates `body` and returns the writable properties it holds (read-only ones dropped,
/// unknown ones dropped), or every problem found.
pub fn validate(
    schema: &Schema,
    required: &[&str],
    body: &Value,
    mode: Mode,
) -> Result<Map<String, Value>, Vec<ApiError>> {
    validate_with(schema, required, body, mode, None)
}

/// [`validate`], with a password policy for `format: password` fields (the portal, before
/// sending).
pub fn validate_with(
    schema: &Schema,
    required: &[&str],
    body: &Value,
    mode: Mode,
    password: Option<&PasswordPolicy>,
) -> Result<Map<String, Value>, Vec<ApiError>> {
    let Some(obj) = body.as_object() else {
        return Err(vec![ApiError::new(
            codes::INVALID_BODY,
            format!("The request body must be a JSON object ({}).", schema.name),
        )]);
    };
    let mut errors = Vec::new();
    let mut out = Map::new();
    if mode == Mode::Full {
        for name in required {
            if missing(name, obj.get(*name)) {
                errors.push(required_error(name));
            }
        }
    }
    for (key, value) in obj {
        let Some(field) = schema.field(key) else { continue };
        if field.read_only {
            continue;
        }
        let mut rules = field.rules(false);
        rules.password = password;
        match check(&rules, Some(value)) {
            Ok(()) => {
                out.insert(key.clone(), value.clone());
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn required_error(name: &str) -> ApiError {
    fail(name, "Required", format!("{name} is required."))
}

/// The refusal of a value without the form `pattern` asks for.
pub fn pattern_error(name: &str, value: &str, pattern: &Pattern) -> ApiError {
    form_error(name, value, &Form { regex: pattern.regex, allows: Some(pattern.allows), test: &pattern.test })
}

fn form_error(name: &str, value: &str, form: &Form) -> ApiError {
    let message = match form.allows {
        Some(allows) => format!("{name} \"{value}\" is not allowed: use {allows} only."),
        None => format!("{name} must match the pattern {}.", form.regex),
    };
    fail(name, "Format", message)
}

/// Checks one property value against its field definition (required or not is the caller's).
pub fn check_field(field: &Field, value: &Value) -> Result<(), ApiError> {
    check(&field.rules(false), Some(value))
}

/// Checks one property value (None: not given) against its rules: the one place that decides
/// what is wrong with a value and says so.
pub fn check(rules: &Rules, value: Option<&Value>) -> Result<(), ApiError> {
    let name = rules.name;
    let value = match value {
        Some(v) if !missing(name, Some(v)) => v,
        _ if rules.required => return Err(required_error(name)),
        // optional and empty: nothing more to check
        _ => return Ok(()),
    };
    let wrong = |what: &str| fail(name, "Type", format!("{name} must be {what}."));
    match rules.ty {
        Ty::Str => {
            let Some(text) = value.as_str() else { return Err(wrong("text")) };
            if let Some(max) = rules.max_len {
                let n = text.chars().count();
                if n > max as usize {
                    return Err(fail(
                        name,
                        "MaxLength",
                        format!("{name} can be at most {max} characters long (it has {n})."),
                    )
                    .with_data(json!({"Property": name, "Rule": "MaxLength", "MaxLength": max, "Length": n})));
                }
            }
            if let Some(p) = rules.pattern.filter(|p| !text.is_empty() && !(p.test)(text)) {
                return Err(form_error(name, text, &p));
            }
            if rules.format == Some("date-time") && !text.is_empty() && !is_date_time(text) {
                return Err(fail(name, "Format", format!("{name} must be a date-time such as 2024-01-31T12:00:00Z.")));
            }
            if let Some(policy) = rules.password.filter(|_| rules.format == Some("password")) {
                if let Some(msg) = policy.explain(text) {
                    return Err(ApiError::new(codes::INSECURE_PASSWORD, msg)
                        .with_data(json!({"Property": name, "Rule": "Password"})));
                }
            }
        }
        Ty::Bool => {
            if !value.is_boolean() {
                return Err(wrong("true or false"));
            }
        }
        Ty::Int | Ty::Num => {
            let whole = value.as_i64();
            if !value.is_number() || (rules.ty == Ty::Int && whole.is_none()) {
                return Err(wrong(if rules.ty == Ty::Int { "a whole number" } else { "a number" }));
            }
            if let (Some((min, max)), Some(n)) = (rules.range, whole) {
                if n < min || n > max {
                    return Err(fail(name, "Range", format!("{name} must be between {min} and {max} (got {n}).")));
                }
            }
        }
        Ty::Object => {
            if !value.is_object() {
                return Err(wrong("a JSON object"));
            }
        }
        Ty::Array => {
            if !value.is_array() {
                return Err(wrong("a list (a JSON array)"));
            }
        }
        Ty::StrArray | Ty::Roles => {
            let Some(items) = value.as_array() else { return Err(wrong("a list of text values")) };
            for item in items {
                let Some(text) = item.as_str() else { return Err(wrong("a list of text values")) };
                if rules.ty == Ty::Roles && !crate::roles::is_role(text) {
                    return Err(fail(
                        name,
                        "Role",
                        format!("{text} is not an API role. Use CustomRoles for your own roles."),
                    ));
                }
                if text.chars().count() > 100 {
                    return Err(fail(name, "MaxLength", format!("{name} items can be at most 100 characters long.")));
                }
            }
        }
    }
    Ok(())
}

/// RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
pub fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() < 20 || !digits(0..4) || b[4] != b'-' || !digits(5..7) || b[7] != b'-' || !digits(8..10) {
        return false;
    }
    if !(b[10] == b'T' || b[10] == b't' || b[10] == b' ')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(99);
    if !(1..=12).contains(&num(5..7))
        || !(1..=31).contains(&num(8..10))
        || num(11..13) > 23
        || num(14..16) > 59
        || num(17..19) > 60
    {
        return false;
    }
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match &s[i..] {
        "Z" | "z" => true,
        rest => {
            let r = rest.as_bytes();
            r.len() == 6
                && (r[0] == b'+' || r[0] == b'-')
                && r[1..3].iter().all(u8::is_ascii_digit)
                && r[3] == b':'
                && r[4..6].iter().all(u8::is_ascii_digit)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::{RESOURCES, USER};

    #[test]
    fn required_types_and_lengths() {
        let req = RESOURCES.iter().find(|r| r.op == "AdminUsers").unwrap().required;
        let errs = validate(&USER, req, &json!({"Username": 5, "FirstName": "x".repeat(101)}), Mode::Full).unwrap_err();
        let msgs: Vec<_> = errs.iter().map(|e| e.message.clone()).collect();
        assert!(msgs.iter().any(|m| m == "LastName is required."), "{msgs:?}");
        assert!(msgs.iter().any(|m| m == "Username must be text."));
        assert!(msgs.iter().any(|m| m.starts_with("FirstName can be at most 100")));
        assert!(validate(&USER, req, &json!({"FirstName": "a"}), Mode::Partial).is_ok());
        assert!(validate(&USER, req, &json!([1]), Mode::Partial).is_err());
    }

    #[test]
    fn read_only_and_unknown_are_dropped() {
        let ok = validate(&USER, &[], &json!({"AvailableRoles": ["x"], "Nope": 1, "ID": "a"}), Mode::Partial).unwrap();
        assert_eq!(ok.len(), 1);
        assert!(ok.contains_key("ID"));
    }

    #[test]
    fn ids_are_letters_digits_dashes_and_underscores() {
        let sp = &crate::resources::SECURITY_PROFILE;
        assert!(validate(sp, &[], &json!({"ID": "Buyer_Profile-2"}), Mode::Partial).is_ok());
        assert!(validate(sp, &[], &json!({"ID": ""}), Mode::Partial).is_ok(), "empty: the API picks one");
        for bad in ["MY PROFILE", "a/b", "ünïcode", "x.y"] {
            let e = validate(sp, &[], &json!({"ID": bad}), Mode::Partial).unwrap_err();
            assert_eq!(e[0].data["Rule"], "Format", "{bad}");
            assert!(e[0].message.contains("letters, digits, - and _"), "{}", e[0].message);
        }
    }

    #[test]
    fn roles_must_be_known() {
        let sp = &crate::resources::SECURITY_PROFILE;
        assert!(validate(sp, &[], &json!({"Roles": ["BuyerAdmin"]}), Mode::Partial).is_ok());
        assert!(validate(sp, &[], &json!({"Roles": ["Wizard"]}), Mode::Partial).is_err());
    }

    #[test]
    fn date_times() {
        assert!(is_date_time("2018-01-01T00:00:00-06:00"));
        assert!(is_date_time("2024-02-29T12:30:00.123Z"));
        assert!(!is_date_time("2024-13-01T00:00:00Z"));
        assert!(!is_date_time("yesterday"));
        assert!(!is_date_time("2024-01-01T00:00:00"));
    }
}
