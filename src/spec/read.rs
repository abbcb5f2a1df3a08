//! Reading an OpenAPI document straight into the few things the resource directory reads, with
//! no tree of the whole document built first: names and summaries are borrowed from the text
//! where it has no escapes, everything else (prose, samples, the answers' shapes) is passed over
//! by the parser without being built, and the schemas are kept as their text until a body form
//! needs them ([`super::Spec::body`]). In the browser the tree cost more than everything else
//! the first screen does with the document: tens of thousands of allocations, each a call into
//! code that runs for the first time.
//!
//! Reading is lenient as a tree's reader would be: where the directory expects a string, a
//! flag, a list or an object and the document has something else, the value is passed over as
//! if it were absent, so one odd value costs its own entry, not the directory. Only JSON that
//! is not JSON is an error.
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// The parts of the document the directory reads.
#[derive(Default)]
pub struct Document<'a> {
    pub info: Obj<Info<'a>>,
    pub tags: Many<Obj<Tag<'a>>>,
    pub paths: Named<'a, Obj<PathItem<'a>>>,
    pub components: Obj<Components<'a>>,
}

#[derive(Default)]
pub struct Info<'a> {
    pub title: Text<'a>,
}

#[derive(Default)]
pub struct Tag<'a> {
    pub name: Text<'a>,
    pub x_id: Text<'a>,
    pub x_section_id: Text<'a>,
}

#[derive(Default)]
pub struct Components<'a> {
    /// `components.schemas`: each schema as written, by name.
    pub schemas: Named<'a, &'a RawValue>,
}

#[derive(Default)]
pub struct PathItem<'a> {
    /// A path item with servers of its own lives outside the API's base.
    pub servers: Present,
    pub parameters: Many<Obj<Parameter<'a>>>,
    pub get: Obj<Operation<'a>>,
    pub post: Obj<Operation<'a>>,
    pub put: Obj<Operation<'a>>,
    pub patch: Obj<Operation<'a>>,
    pub delete: Obj<Operation<'a>>,
}

#[derive(Default)]
pub struct Operation<'a> {
    pub tags: Many<Text<'a>>,
    pub summary: Text<'a>,
    pub operation_id: Text<'a>,
    pub parameters: Many<Obj<Parameter<'a>>>,
    pub request_body: Obj<RequestBody>,
    pub security: Many<Requirement<'a>>,
}

#[derive(Default)]
pub struct Parameter<'a> {
    pub name: Text<'a>,
    pub location: Text<'a>,
    pub required: Flag,
    pub schema: Obj<Schema<'a>>,
}

/// What a parameter's schema says of its values.
#[derive(Default, Clone)]
pub struct Schema<'a> {
    pub reference: Text<'a>,
    pub kind: Text<'a>,
    pub values: Many<Text<'a>>,
    pub items: Obj<Box<Schema<'a>>>,
}

#[derive(Default)]
pub struct RequestBody {
    pub content: Obj<Content>,
}

#[derive(Default)]
pub struct Content {
    pub json: Obj<Media>,
}

#[derive(Default)]
pub struct Media {
    /// The body's schema, as a tree: it is small (most are one `$ref`) and a form reads it.
    pub schema: Option<Value>,
}

/// An object's properties, read one by one: a key the directory reads is read into its place
/// (written twice, the last one counts, as in a JSON object), any other is passed over.
pub trait Fields<'de>: Default {
    /// Reads the value of `key` from `map` when it is one of these fields (false: not one).
    fn field<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error>;
}

macro_rules! fields {
    ($($key:literal => $field:ident),* $(,)?) => {
        fn field<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
            match key {
                $($key => self.$field = map.next_value()?,)*
                _ => return Ok(false),
            }
            Ok(true)
        }
    };
}

impl<'de: 'a, 'a> Fields<'de> for Document<'a> {
    fields!("info" => info, "tags" => tags, "paths" => paths, "components" => components);
}
impl<'de: 'a, 'a> Fields<'de> for Info<'a> {
    fields!("title" => title);
}
impl<'de: 'a, 'a> Fields<'de> for Tag<'a> {
    fields!("name" => name, "x-id" => x_id, "x-section-id" => x_section_id);
}
impl<'de: 'a, 'a> Fields<'de> for Components<'a> {
    fields!("schemas" => schemas);
}
impl<'de: 'a, 'a> Fields<'de> for PathItem<'a> {
    fields!("servers" => servers, "parameters" => parameters, "get" => get, "post" => post, "put" => put,
        "patch" => patch, "delete" => delete);
}
impl<'de: 'a, 'a> Fields<'de> for Operation<'a> {
    fields!("tags" => tags, "summary" => summary, "operationId" => operation_id, "parameters" => parameters,
        "requestBody" => request_body, "security" => security);
}
impl<'de: 'a, 'a> Fields<'de> for Parameter<'a> {
    fields!("name" => name, "in" => location, "required" => required, "schema" => schema);
}
impl<'de: 'a, 'a> Fields<'de> for Schema<'a> {
    fields!("$ref" => reference, "type" => kind, "enum" => values, "items" => items);
}
impl<'de> Fields<'de> for RequestBody {
    fields!("content" => content);
}
impl<'de> Fields<'de> for Content {
    fields!("application/json" => json);
}
impl<'de> Fields<'de> for Media {
    fields!("schema" => schema);
}
impl<'de, T: Fields<'de>> Fields<'de> for Box<T> {
    fn field<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
        (**self).field(key, map)
    }
}

/// The document read from `text` (an error only when `text` is not JSON).
pub fn document(text: &str) -> Result<Document<'_>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let doc = Obj::<Document>::deserialize(&mut de)?;
    de.end()?;
    Ok(doc.0.unwrap_or_default())
}

/// The schemas of `components.schemas`, each read when a parameter first refers to it.
pub struct Schemas<'s, 'a> {
    by_name: std::collections::HashMap<&'s str, &'a RawValue>,
    read: std::cell::RefCell<std::collections::HashMap<&'s str, Option<Schema<'a>>>>,
}

impl<'s, 'a> Schemas<'s, 'a> {
    pub fn new(list: &'s [(Cow<'a, str>, &'a RawValue)]) -> Self {
        Schemas { by_name: list.iter().map(|(k, v)| (k.as_ref(), *v)).collect(), read: Default::default() }
    }

    /// `schema` with its `$ref`s to `#/components/schemas/…` followed (at most 8).
    pub fn resolve(&self, schema: Option<&Schema<'a>>) -> Option<Schema<'a>> {
        let mut cur = schema?.clone();
        for _ in 0..8 {
            let Some(name) = cur.reference.as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) else {
                return Some(cur);
            };
            let Some((&name, raw)) = self.by_name.get_key_value(name) else { return Some(cur) };
            // each schema is read once, however many parameters refer to it
            let next = self
                .read
                .borrow_mut()
                .entry(name)
                .or_insert_with(|| serde_json::from_str::<Obj<Schema<'a>>>(raw.get()).ok().and_then(|s| s.0))
                .clone();
            match next {
                Some(next) => cur = next,
                None => return Some(cur),
            }
        }
        Some(cur)
    }
}

/// A string, or nothing where the document has something else.
#[derive(Default, Clone, Debug)]
pub struct Text<'a>(pub Option<Cow<'a, str>>);

impl Text<'_> {
    pub fn as_str(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

/// A flag, or nothing where the document has something else.
#[derive(Default, Clone, Copy)]
pub struct Flag(pub Option<bool>);

/// Whether the key is there at all (whatever its value).
#[derive(Default, Clone, Copy)]
pub struct Present(pub bool);

/// A list, empty where the document has something else.
#[derive(Clone)]
pub struct Many<T>(pub Vec<T>);

/// An object, or nothing where the document has something else.
#[derive(Clone)]
pub struct Obj<T>(pub Option<T>);

/// A map of names chosen by the document's author (paths), in the document's order; a name
/// written twice keeps its first place and its last value, as a JSON object's reader does.
pub struct Named<'a, T>(pub Option<Vec<(Cow<'a, str>, T)>>);

/// A security requirement: the roles of its first scheme.
pub struct Requirement<'a>(pub Vec<Text<'a>>);

impl<T> Default for Many<T> {
    fn default() -> Self {
        Many(Vec::new())
    }
}
impl<T> Default for Obj<T> {
    fn default() -> Self {
        Obj(None)
    }
}
impl<T> Default for Named<'_, T> {
    fn default() -> Self {
        Named(None)
    }
}

/// A visitor's answers to the values it does not want: each is read past and gives `$none`.
macro_rules! pass_over {
    ($none:expr) => {
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok($none)
        }
    };
}

fn skip_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn skip_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'a>, E> {
                Ok(Text(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'a>, E> {
                Ok(Text(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'a>, E> {
                Ok(Text(Some(Cow::Owned(v))))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Text<'a>, E> {
                Ok(Text(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Text<'a>, E> {
                Ok(Text(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Text<'a>, E> {
                Ok(Text(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Text<'a>, E> {
                Ok(Text(None))
            }
            fn visit_unit<E>(self) -> Result<Text<'a>, E> {
                Ok(Text(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Text<'a>, A::Error> {
                skip_seq(seq).map(|_| Text(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Text<'a>, A::Error> {
                skip_map(map).map(|_| Text(None))
            }
        }
        de.deserialize_any(V(PhantomData))
    }
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a flag")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(Some(v)))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Flag, E> {
                Ok(Flag(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Flag, E> {
                Ok(Flag(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Flag, E> {
                Ok(Flag(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Flag, E> {
                Ok(Flag(None))
            }
            fn visit_unit<E>(self) -> Result<Flag, E> {
                Ok(Flag(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Flag, A::Error> {
                skip_seq(seq).map(|_| Flag(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Flag, A::Error> {
                skip_map(map).map(|_| Flag(None))
            }
        }
        de.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(de).map(|_| Present(true))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Many<T> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Many<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list")
            }
            pass_over!(Many(Vec::new()));
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Many<T>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(v) = seq.next_element()? {
                    out.push(v);
                }
                Ok(Many(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Many<T>, A::Error> {
                skip_map(map).map(|_| Many(Vec::new()))
            }
        }
        de.deserialize_any(V(PhantomData))
    }
}

impl<'de, T: Fields<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Fields<'de>> Visitor<'de> for V<T> {
            type Value = Obj<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            pass_over!(Obj(None));
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Obj<T>, A::Error> {
                skip_seq(seq).map(|_| Obj(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Obj<T>, A::Error> {
                let mut out = T::default();
                while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
                    if !out.field(key.as_deref().unwrap_or_default(), &mut map)? {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(Obj(Some(out)))
            }
        }
        de.deserialize_any(V(PhantomData))
    }
}

impl<'de: 'a, 'a, T: Deserialize<'de>> Deserialize<'de> for Named<'a, T> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V<'a, T>(PhantomData<(&'a (), T)>);
        impl<'de: 'a, 'a, T: Deserialize<'de>> Visitor<'de> for V<'a, T> {
            type Value = Named<'a, T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of names")
            }
            pass_over!(Named(None));
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Named<'a, T>, A::Error> {
                skip_seq(seq).map(|_| Named(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Named<'a, T>, A::Error> {
                let mut out: Vec<(Cow<'a, str>, T)> = Vec::new();
                // where each name is in `out` (a document of many paths is not read in square time)
                let mut at: std::collections::HashMap<Cow<'a, str>, usize> = std::collections::HashMap::new();
                while let Some(Text(key)) = map.next_key::<Text<'a>>()? {
                    // JSON keys are strings: the reader never gives anything else
                    let key = key.unwrap_or_default();
                    let value = map.next_value::<T>()?;
                    match at.get(&key) {
                        Some(&i) => out[i].1 = value,
                        None => {
                            at.insert(key.clone(), out.len());
                            out.push((key, value));
                        }
                    }
                }
                Ok(Named(Some(out)))
            }
        }
        de.deserialize_any(V(PhantomData))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Requirement<'a> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Requirement<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a security requirement")
            }
            pass_over!(Requirement(Vec::new()));
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Requirement<'a>, A::Error> {
                skip_seq(seq).map(|_| Requirement(Vec::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Requirement<'a>, A::Error> {
                let mut roles = None;
                while map.next_key::<IgnoredAny>()?.is_some() {
                    match roles {
                        None => roles = Some(map.next_value::<Many<Text<'a>>>()?.0),
                        Some(_) => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(Requirement(roles.unwrap_or_default()))
            }
        }
        de.deserialize_any(V(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn names_are_borrowed_odd_values_are_passed_over_and_only_bad_json_fails() {
        let text = r##"{
            "info": {"title": "T", "description": "prose"},
            "tags": [{"name": "A", "x-id": "S"}, 5, {"name": 7}],
            "paths": {
                "/a": {"servers": null, "get": {"summary": "S"}},
                "/b": {"get": 5, "post": {"summary": ["x"], "tags": "T", "parameters": [{"name": "p", "in": "query", "required": "yes"}, 4],
                    "security": [{"OAuth2": ["R1", 3, "R2"], "Other": ["X"]}]}},
                "/c\u0031": {"delete": {"summary": "esc\u0061ped"}},
                "/a": {"get": {"summary": "later"}}
            },
            "components": {"schemas": {"E": {"type": "string", "enum": ["x", "y"]}, "R": {"$ref": "#/components/schemas/E"}}}
        }"##;
        let doc = document(text).unwrap();
        assert_eq!(doc.info.0.as_ref().unwrap().title.as_str(), Some("T"));
        assert_eq!(doc.tags.0.len(), 3);
        assert!(doc.tags.0[1].0.is_none() && doc.tags.0[2].0.as_ref().unwrap().name.as_str().is_none());
        let paths = doc.paths.0.as_ref().unwrap();
        // a name written twice keeps its first place and its last value
        let keys: Vec<&str> = paths.iter().map(|(k, _)| k.as_ref()).collect();
        assert_eq!(keys, ["/a", "/b", "/c1"]);
        let a = paths[0].1 .0.as_ref().unwrap();
        assert!(!a.servers.0, "a later /a without servers replaced the first");
        assert_eq!(a.get.0.as_ref().unwrap().summary.as_str(), Some("later"));
        let b = paths[1].1 .0.as_ref().unwrap();
        assert!(b.get.0.is_none(), "an operation that is not an object is passed over");
        let post = b.post.0.as_ref().unwrap();
        assert!(post.summary.as_str().is_none() && post.tags.0.is_empty());
        let p = post.parameters.0[0].0.as_ref().unwrap();
        assert_eq!((p.name.as_str(), p.location.as_str(), p.required.0), (Some("p"), Some("query"), None));
        assert!(post.parameters.0[1].0.is_none());
        let roles: Vec<Option<&str>> = post.security.0[0].0.iter().map(Text::as_str).collect();
        assert_eq!(roles, [Some("R1"), None, Some("R2")]);
        // escaped text is read, not borrowed
        let c = paths[2].1 .0.as_ref().unwrap();
        assert!(matches!(&c.delete.0.as_ref().unwrap().summary.0, Some(Cow::Owned(s)) if s == "escaped"));
        assert!(matches!(&a.get.0.as_ref().unwrap().summary.0, Some(Cow::Borrowed(_))));
        // a schema's references are followed
        let list = doc.components.0.as_ref().and_then(|c| c.schemas.0.as_ref()).unwrap();
        let schemas = Schemas::new(list);
        let r = Schema { reference: Text(Some("#/components/schemas/R".into())), ..Default::default() };
        let resolved = schemas.resolve(Some(&r)).unwrap();
        assert_eq!(resolved.kind.as_str(), Some("string"));
        assert_eq!(resolved.values.0.len(), 2);
        let missing = Schema { reference: Text(Some("#/components/schemas/Nope".into())), ..Default::default() };
        assert!(schemas.resolve(Some(&missing)).unwrap().kind.as_str().is_none());
        // a key written twice in an object: the last counts, as in a JSON object (not an error)
        let twice = document(
            r#"{"paths": {"/x": {"get": {"summary": "A", "summary": "B", "tags": ["T"]},
            "get": {"summary": "C", "summary": "D"}, "parameters": [{"name": "p", "in": "path", "in": "query"}]}},
            "paths": {"/y": {}}}"#,
        )
        .unwrap();
        let paths = twice.paths.0.unwrap();
        assert_eq!(paths.len(), 1, "the later paths replaced the first");
        assert_eq!(paths[0].0, "/y");
        let twice = document(r#"{"paths": {"/x": {"get": {"summary": "A", "summary": "B"}, "get": {"operationId": "O", "summary": "C", "summary": "D"},
            "parameters": [{"name": "p", "in": "path", "in": "query"}]}}}"#)
        .unwrap();
        let x = twice.paths.0.unwrap().remove(0).1 .0.unwrap();
        let get = x.get.0.unwrap();
        assert_eq!((get.summary.as_str(), get.operation_id.as_str()), (Some("D"), Some("O")));
        assert_eq!(x.parameters.0[0].0.as_ref().unwrap().location.as_str(), Some("query"));
        // many paths are read in linear time (200,000 distinct and repeated names)
        let many: String = (0..200_000).map(|i| format!("\"/p{}\": {{}}", i % 100_000)).collect::<Vec<_>>().join(",");
        let many = format!("{{\"paths\": {{{many}}}}}");
        let t = std::time::Instant::now();
        let doc = document(&many).unwrap();
        assert_eq!(doc.paths.0.unwrap().len(), 100_000);
        assert!(t.elapsed() < std::time::Duration::from_secs(5), "{:?}", t.elapsed());
        // not an object: an empty document (the directory says what is missing)
        assert!(document("[1, 2]").unwrap().paths.0.is_none());
        assert!(document("{").is_err());
        assert!(document("{} x").is_err());
    }
}
