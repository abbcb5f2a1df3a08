//! Reading an OpenAPI document as JSON, keeping only what the resource directory reads: the
//! prose and samples (`description`, `example`, `examples`, `externalDocs`) and the answers'
//! shapes (`responses`) are skipped while the text is parsed, never built as values. In
//! OrderCloud's document that leaves out about a third of the content, and with it a third of
//! the allocations and hashing of the parse, the largest part of the first screen's own work.
//!
//! Only keywords are skipped: in a map of names (`properties`, `paths`, `schemas`, …, and the
//! requirements of `security`) a property, path or scheme called `description` or `responses`
//! is kept.
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Keywords whose values the directory never reads.
const SKIPPED: &[&str] = &["description", "example", "examples", "externalDocs", "responses"];

/// Maps whose keys are names chosen by the document's author, not keywords.
const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "paths",
    "schemas",
    "parameters",
    "requestBodies",
    "securitySchemes",
    "headers",
    "content",
    "variables",
    "mapping",
    "callbacks",
    "links",
];

/// The document in `text`, without the parts the directory never reads.
pub fn document(text: &str) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Pruned { names: false, named_items: false }.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// One value; `names`: it is a map of names (its keys are kept whatever they are);
/// `named_items`: it is a list of maps of names (`security`: requirements by scheme name).
#[derive(Clone, Copy)]
struct Pruned {
    names: bool,
    named_items: bool,
}

impl<'de> DeserializeSeed<'de> for Pruned {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Pruned {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(v) = seq.next_element_seed(Pruned { names: self.named_items, named_items: false })? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if !self.names && SKIPPED.contains(&key.as_ref()) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            // the keys of a name map are names; a keyword naming a name map ("properties") in
            // a name map is a name too (a property called "properties"), whose value is a schema
            let names = !self.names && NAME_MAPS.contains(&key.as_ref());
            let named_items = !self.names && key == "security";
            let value = map.next_value_seed(Pruned { names, named_items })?;
            out.insert(key.into_owned(), value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prose_samples_and_answers_are_left_out_but_names_are_kept() {
        let text = json!({
            "info": {"title": "T", "description": "prose"},
            "security": [{"description": ["R"]}],
            "paths": {"/responses": {"get": {"summary": "S", "description": "prose", "responses": {"200": {}},
                "security": [{"examples": ["Role"]}],
                "parameters": [{"name": "description", "in": "query", "description": "prose", "example": 1}]}}},
            "components": {"schemas": {"description": {"type": "object", "example": {}, "properties": {
                "description": {"type": "string", "description": "prose"},
                "responses": {"type": "object", "properties": {"examples": {"type": "string"}}}}}}}
        })
        .to_string();
        let want = json!({
            "info": {"title": "T"},
            "security": [{"description": ["R"]}],
            "paths": {"/responses": {"get": {"summary": "S", "security": [{"examples": ["Role"]}],
                "parameters": [{"name": "description", "in": "query"}]}}},
            "components": {"schemas": {"description": {"type": "object", "properties": {
                "description": {"type": "string"},
                "responses": {"type": "object", "properties": {"examples": {"type": "string"}}}}}}}
        });
        assert_eq!(document(&text).unwrap(), want);
        // keys keep the document's order
        let keys: Vec<String> =
            document(r#"{"b": 1, "a": 2, "c": 3}"#).unwrap().as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["b", "a", "c"]);
        assert!(document("{").is_err());
        assert!(document("{} x").is_err());
    }

    /// OrderCloud's own document (beside the repository when it is there): the directory read
    /// from the pruned document is the one read from the whole.
    #[test]
    fn the_directory_of_ordercloud_s_document_is_the_same_pruned() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/reference/ordercloud-openapi-v3-2022.json");
        let Ok(text) = std::fs::read_to_string(path) else { return };
        let whole: Value = serde_json::from_str(&text).unwrap();
        let pruned = document(&text).unwrap();
        assert!(pruned.to_string().len() < whole.to_string().len() * 3 / 4);
        let (mut whole, mut pruned) = (whole, pruned);
        let (a, b) = (super::super::Spec::parse(&mut whole).unwrap(), super::super::Spec::parse(&mut pruned).unwrap());
        assert_eq!(a.ops.len(), 402);
        assert!(a.sections == b.sections && a.title == b.title, "the same directory");
        // the same operations, with the same body forms (schemas are pruned of their prose)
        assert!(a.ops.len() == b.ops.len());
        for (x, y) in a.ops.iter().zip(&b.ops) {
            let strip = |o: &super::super::Op| super::super::Op { body_schema: None, ..o.clone() };
            assert!(strip(x) == strip(y), "{}", x.key);
            assert!(a.body(x) == b.body(y), "the body form of {}", x.key);
        }
        assert!(a.ops.iter().filter(|o| a.body(o).is_some()).count() > 100);
    }
}

/// `cargo test --release -p gatehouse -- --ignored --nocapture spec_timing`: host timings of
/// reading and digesting OrderCloud's document (a guide: the browser's are two to three times
/// these).
#[cfg(test)]
#[test]
#[ignore]
fn spec_timing() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/reference/ordercloud-openapi-v3-2022.json");
    let text = std::fs::read_to_string(path).unwrap();
    let (mut read, mut digest) = (Vec::new(), Vec::new());
    for _ in 0..20 {
        let t = std::time::Instant::now();
        let mut doc = document(&text).unwrap();
        read.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = std::time::Instant::now();
        let spec = super::Spec::parse(&mut doc).unwrap();
        digest.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(spec.ops.len(), 402);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!("read {:.2} ms, digest {:.2} ms (medians of 20)", median(&mut read), median(&mut digest));
}
