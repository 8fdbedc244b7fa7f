//! A shape check of every schema in the raw tree, before `openapiv3` types the document.
//!
//! `openapiv3` reads each `ReferenceOr<Schema>` as an untagged enum that, when the node
//! fails, parses it once more to word the error: every level of a nest that is invalid at
//! the bottom doubles the work, so a schema invalid 20 levels down takes seconds to refuse,
//! and 30 levels down takes hours. This pass walks the tree once, in document order, and
//! checks the shape of each keyword `openapiv3` 2.2 reads from a schema (booleans, strings,
//! numbers, counts, lists, sub-schemas), refusing the first wrong one with its pointer.
//!
//! It refuses nothing `openapiv3` accepts: it looks only where `openapiv3` reads a schema,
//! and checks only what `openapiv3` checks there. Everything else (unknown `type` names,
//! the shape of the rest of the document) is left to `openapiv3` and the generator after it.

use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Result, push_pointer};

/// Checks every schema of `raw`, an OpenAPI 3.0 document as a JSON tree.
pub(crate) fn check(raw: &Value) -> Result<()> {
    Walker::default().document(raw)
}

/// The `type` names of OpenAPI 3.0, for messages.
const TYPES: &str = "string, number, integer, boolean, array, object";

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// Where the walk is; the pointer is built only for an error (large specs have ~10^6 nodes).
#[derive(Default)]
struct Walker<'a> {
    path: Vec<Segment<'a>>,
}

/// Whether `openapiv3` reads `node` as a reference (`ReferenceOr::Reference`), ignoring
/// every other key of it.
fn is_ref(node: &Value) -> bool {
    node.get("$ref").is_some_and(Value::is_string)
}

fn entries(node: &Value) -> impl Iterator<Item = (&String, &Value)> {
    node.as_object().into_iter().flatten()
}

/// Whether `openapiv3` reads the key of a `responses` entry as a status code (`200`,
/// `4XX`); it ignores the other keys, but for `default`.
fn is_status_code(key: &str) -> bool {
    if key.len() != 3 {
        return false;
    }
    if let Ok(code) = key.parse::<i64>() {
        return (100..1000).contains(&code);
    }
    let b = key.as_bytes();
    b[0].is_ascii_digit() && b[1].eq_ignore_ascii_case(&b'X') && b[2].eq_ignore_ascii_case(&b'X')
}

/// `value`, named for a message.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.chars().count() > 40 => {
            let head: String = s.chars().take(40).collect();
            format!("the string {:?}", format!("{head}..."))
        }
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

/// A count (`minLength`, `maxItems`...): `openapiv3` holds it as a `usize`.
fn is_count(value: &Value) -> bool {
    value.as_u64().is_some_and(|n| usize::try_from(n).is_ok())
}

impl<'a> Walker<'a> {
    fn pointer(&self) -> String {
        let mut pointer = String::from("#");
        for segment in &self.path {
            pointer = match segment {
                Segment::Key(key) => push_pointer(&pointer, key),
                Segment::Index(i) => format!("{pointer}/{i}"),
            };
        }
        pointer
    }

    fn fail(&self, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Invalid, self.pointer(), message)
    }

    /// Runs `f` one key deeper.
    fn key(&mut self, key: &'a str, f: impl FnOnce(&mut Self) -> Result<()>) -> Result<()> {
        self.path.push(Segment::Key(key));
        let outcome = f(self);
        self.path.pop();
        outcome
    }

    /// Runs `f` one list index deeper.
    fn index(&mut self, i: usize, f: impl FnOnce(&mut Self) -> Result<()>) -> Result<()> {
        self.path.push(Segment::Index(i));
        let outcome = f(self);
        self.path.pop();
        outcome
    }

    // --- The document around the schemas: only the places `openapiv3` reads a schema from.
    // Nothing here refuses anything; wrong shapes are left to `openapiv3`.

    fn document(&mut self, doc: &'a Value) -> Result<()> {
        for (key, value) in entries(doc) {
            match key.as_str() {
                "paths" => self.key(key, |w| w.paths(value))?,
                "components" => self.key(key, |w| w.components(value))?,
                _ => {}
            }
        }
        Ok(())
    }

    fn paths(&mut self, paths: &'a Value) -> Result<()> {
        for (path, item) in entries(paths) {
            // `openapiv3` reads only the keys that start with `/` as paths.
            if path.starts_with('/') && !is_ref(item) {
                self.key(path, |w| w.path_item(item))?;
            }
        }
        Ok(())
    }

    fn path_item(&mut self, item: &'a Value) -> Result<()> {
        for (key, value) in entries(item) {
            if METHODS.contains(&key.as_str()) {
                self.key(key, |w| w.operation(value))?;
            } else if key == "parameters" {
                self.key(key, |w| w.parameters(value))?;
            }
        }
        Ok(())
    }

    fn operation(&mut self, op: &'a Value) -> Result<()> {
        for (key, value) in entries(op) {
            match key.as_str() {
                "parameters" => self.key(key, |w| w.parameters(value))?,
                "requestBody" if !is_ref(value) => self.key(key, |w| w.body(value, false))?,
                "responses" => self.key(key, |w| w.responses(value))?,
                "callbacks" => self.key(key, |w| {
                    // Operation callbacks are not `ReferenceOr`s.
                    for (name, callback) in entries(value) {
                        w.key(name, |w| w.callback(callback))?;
                    }
                    Ok(())
                })?,
                _ => {}
            }
        }
        Ok(())
    }

    /// A callback: expression -> path item (never a reference, even with a `$ref`).
    fn callback(&mut self, callback: &'a Value) -> Result<()> {
        for (expression, item) in entries(callback) {
            self.key(expression, |w| w.path_item(item))?;
        }
        Ok(())
    }

    fn parameters(&mut self, list: &'a Value) -> Result<()> {
        for (i, parameter) in list.as_array().into_iter().flatten().enumerate() {
            if !is_ref(parameter) {
                self.index(i, |w| w.schema_or_content(parameter))?;
            }
        }
        Ok(())
    }

    /// A parameter or a header: `openapiv3` reads the first of `schema` and `content`, in
    /// document order, and ignores the other.
    fn schema_or_content(&mut self, node: &'a Value) -> Result<()> {
        let first = entries(node).find(|(key, _)| *key == "schema" || *key == "content");
        match first {
            Some((key, value)) if key == "schema" => self.key(key, |w| w.schema(value, false)),
            Some((key, value)) => self.key(key, |w| w.content(value)),
            None => Ok(()),
        }
    }

    fn headers(&mut self, headers: &'a Value) -> Result<()> {
        for (name, header) in entries(headers) {
            if !is_ref(header) {
                self.key(name, |w| w.schema_or_content(header))?;
            }
        }
        Ok(())
    }

    fn responses(&mut self, responses: &'a Value) -> Result<()> {
        for (code, response) in entries(responses) {
            if (code == "default" || is_status_code(code)) && !is_ref(response) {
                self.key(code, |w| w.body(response, true))?;
            }
        }
        Ok(())
    }

    /// A response (`content` and `headers`) or a request body (`content` only: `openapiv3`
    /// ignores `headers` there).
    fn body(&mut self, node: &'a Value, response: bool) -> Result<()> {
        for (key, value) in entries(node) {
            match key.as_str() {
                "content" => self.key(key, |w| w.content(value))?,
                "headers" if response => self.key(key, |w| w.headers(value))?,
                _ => {}
            }
        }
        Ok(())
    }

    /// Media type -> media type object.
    fn content(&mut self, content: &'a Value) -> Result<()> {
        for (media_type, media) in entries(content) {
            self.key(media_type, |w| {
                for (key, value) in entries(media) {
                    match key.as_str() {
                        "schema" => w.key(key, |w| w.schema(value, true))?,
                        "encoding" => w.key(key, |w| {
                            for (property, encoding) in entries(value) {
                                w.key(property, |w| {
                                    for (key, value) in entries(encoding) {
                                        if key == "headers" {
                                            w.key(key, |w| w.headers(value))?;
                                        }
                                    }
                                    Ok(())
                                })?;
                            }
                            Ok(())
                        })?,
                        _ => {}
                    }
                }
                Ok(())
            })?;
        }
        Ok(())
    }

    fn components(&mut self, components: &'a Value) -> Result<()> {
        for (section, map) in entries(components) {
            self.key(section, |w| {
                for (name, node) in entries(map) {
                    w.key(name, |w| match section.as_str() {
                        "schemas" => w.schema(node, false),
                        _ if is_ref(node) => Ok(()),
                        "responses" => w.body(node, true),
                        "requestBodies" => w.body(node, false),
                        "parameters" | "headers" => w.schema_or_content(node),
                        "callbacks" => w.callback(node),
                        _ => Ok(()),
                    })?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }

    // --- Schemas.

    /// A schema position (`ReferenceOr<Schema>`); `optional` where `openapiv3` holds it in
    /// an `Option`, which takes `null`.
    fn schema(&mut self, node: &'a Value, optional: bool) -> Result<()> {
        match node {
            Value::Object(map) => self.schema_object(map),
            Value::Null if optional => Ok(()),
            other => Err(self.fail(format!(
                "a schema must be a mapping of keywords (or a `$ref`), found {}",
                describe(other)
            ))),
        }
    }

    fn schema_object(&mut self, map: &'a Map<String, Value>) -> Result<()> {
        // A `$ref` that is not a string makes no reference: `openapiv3` reads the node as an
        // inline schema, ignoring the `$ref`, so it is checked as one.
        if map.get("$ref").is_some_and(Value::is_string) {
            return Ok(());
        }
        for (key, value) in map {
            self.key(key, |w| w.keyword(key, value))?;
        }
        Ok(())
    }

    /// One keyword of a schema object. `null` passes wherever `openapiv3` holds the keyword
    /// in an `Option`; only the four flags (`nullable`...) refuse it.
    fn keyword(&mut self, key: &str, value: &'a Value) -> Result<()> {
        let ok = match key {
            "type" => match value {
                Value::Null | Value::String(_) => true,
                Value::Array(_) => {
                    return Err(self.fail(format!(
                        "`type` must be one of {TYPES} (OpenAPI 3.0 has no type lists; that is 3.1)"
                    )));
                }
                other => {
                    return Err(self.fail(format!(
                        "`type` must be one of {TYPES}, found {}",
                        describe(other)
                    )));
                }
            },
            "format" | "pattern" | "title" | "description" => value.is_null() || value.is_string(),
            "multipleOf" | "minimum" | "maximum" => value.is_null() || value.is_number(),
            "exclusiveMinimum" | "exclusiveMaximum" if value.is_number() => {
                let bound = if key == "exclusiveMinimum" {
                    "minimum"
                } else {
                    "maximum"
                };
                return Err(self.fail(format!(
                    "`{key}` must be true or false, found {}: a number here is OpenAPI 3.1 (in 3.0, set `{bound}` and `{key}: true`)",
                    describe(value)
                )));
            }
            "exclusiveMinimum" | "exclusiveMaximum" | "uniqueItems" => {
                value.is_null() || value.is_boolean()
            }
            "nullable" | "readOnly" | "writeOnly" | "deprecated" => value.is_boolean(),
            "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties"
            | "maxProperties" => value.is_null() || is_count(value),
            "enum" => value.is_null() || value.is_array(),
            "required" => return self.required(value),
            "properties" => return self.properties(value),
            "additionalProperties" => match value {
                Value::Bool(_) => true,
                _ => return self.schema(value, true),
            },
            "items" | "not" => return self.schema(value, true),
            "allOf" | "oneOf" | "anyOf" => return self.schema_list(key, value),
            "discriminator" => return self.discriminator(value),
            "externalDocs" => return self.external_docs(value),
            // `example`, `default`, `x-` extensions, and keywords `openapiv3` ignores.
            _ => true,
        };
        if ok {
            return Ok(());
        }
        let wanted = match key {
            "format" | "pattern" | "title" | "description" => "a string",
            "multipleOf" | "minimum" | "maximum" => "a number",
            "enum" => "a list of values",
            "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties"
            | "maxProperties" => "a non-negative integer",
            _ => "true or false",
        };
        Err(self.fail(format!(
            "`{key}` must be {wanted}, found {}",
            describe(value)
        )))
    }

    fn required(&mut self, value: &'a Value) -> Result<()> {
        match value {
            Value::Null => Ok(()),
            Value::Array(names) => {
                for (i, name) in names.iter().enumerate() {
                    if !name.is_string() {
                        self.index(i, |w| {
                            Err(w.fail(format!(
                                "`required` must list property names (strings), found {}",
                                describe(name)
                            )))
                        })?;
                    }
                }
                Ok(())
            }
            other => Err(self.fail(format!(
                "`required` must be a list of property names, found {} (in OpenAPI 3.0 the object lists its required properties; a property has no `required: true`)",
                describe(other)
            ))),
        }
    }

    fn properties(&mut self, value: &'a Value) -> Result<()> {
        match value {
            Value::Null => Ok(()),
            Value::Object(properties) => {
                for (name, schema) in properties {
                    self.key(name, |w| w.schema(schema, false))?;
                }
                Ok(())
            }
            other => Err(self.fail(format!(
                "`properties` must be a mapping from property names to schemas, found {}",
                describe(other)
            ))),
        }
    }

    fn schema_list(&mut self, key: &str, value: &'a Value) -> Result<()> {
        match value {
            Value::Null => Ok(()),
            Value::Array(schemas) => {
                for (i, schema) in schemas.iter().enumerate() {
                    self.index(i, |w| w.schema(schema, false))?;
                }
                Ok(())
            }
            other => Err(self.fail(format!(
                "`{key}` must be a list of schemas, found {}",
                describe(other)
            ))),
        }
    }

    fn discriminator(&mut self, value: &'a Value) -> Result<()> {
        let map = match value {
            Value::Null => return Ok(()),
            Value::Object(map) => map,
            other => {
                return Err(self.fail(format!(
                    "`discriminator` must be a mapping with a `propertyName`, found {}",
                    describe(other)
                )));
            }
        };
        match map.get("propertyName") {
            Some(Value::String(_)) => {}
            None => {
                return Err(self.fail("`discriminator` must have a `propertyName` (a string)"));
            }
            Some(other) => {
                return self.key("propertyName", |w| {
                    Err(w.fail(format!(
                        "`propertyName` must be a string, found {}",
                        describe(other)
                    )))
                });
            }
        }
        let Some(mapping) = map.get("mapping") else {
            return Ok(());
        };
        self.key("mapping", |w| {
            let Some(mapping) = mapping.as_object() else {
                return Err(w.fail(format!(
                    "`mapping` must be a mapping from values to schema references, found {}",
                    describe(mapping)
                )));
            };
            for (name, target) in mapping {
                if !target.is_string() {
                    w.key(name, |w| {
                        Err(w.fail(format!(
                            "a `mapping` entry must be a schema name or reference (a string), found {}",
                            describe(target)
                        )))
                    })?;
                }
            }
            Ok(())
        })
    }

    fn external_docs(&mut self, value: &'a Value) -> Result<()> {
        let map = match value {
            Value::Null => return Ok(()),
            Value::Object(map) => map,
            other => {
                return Err(self.fail(format!(
                    "`externalDocs` must be a mapping with a `url`, found {}",
                    describe(other)
                )));
            }
        };
        for (key, value) in map {
            let ok = match key.as_str() {
                "url" => value.is_string(),
                "description" => value.is_null() || value.is_string(),
                _ => true,
            };
            if !ok {
                return self.key(key, |w| {
                    Err(w.fail(format!(
                        "`{key}` must be a string, found {}",
                        describe(value)
                    )))
                });
            }
        }
        if !map.contains_key("url") {
            return Err(self.fail("`externalDocs` must have a `url`"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check_schema(schema: &Value) -> Result<()> {
        Walker::default().schema(schema, false)
    }

    fn openapiv3_accepts(schema: &Value) -> bool {
        serde_json::from_value::<openapiv3::ReferenceOr<openapiv3::Schema>>(schema.clone()).is_ok()
    }

    fn document(schemas: Value, paths: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": paths,
            "components": {"schemas": schemas},
        })
    }

    fn openapiv3_accepts_document(doc: &Value) -> bool {
        serde_json::from_value::<openapiv3::OpenAPI>(doc.clone()).is_ok()
    }

    /// The pointer and message of the check's refusal of `doc`, which `openapiv3` refuses too.
    fn refusal(doc: &Value) -> (String, String) {
        assert!(!openapiv3_accepts_document(doc), "openapiv3 accepts {doc}");
        let e = check(doc).expect_err("refused");
        assert_eq!(e.kind, ErrorKind::Invalid);
        (e.pointer, e.message)
    }

    #[test]
    fn valid_schemas_pass() {
        let schemas = [
            json!({}),
            json!({"description": "no type at all"}),
            json!({"type": "string", "nullable": true, "readOnly": true, "writeOnly": false}),
            json!({"type": "string", "nullable": true, "enum": [null, "a", "b"]}),
            json!({"type": "integer", "enum": [1, 2, null], "minimum": 0, "maximum": 10,
                   "exclusiveMinimum": true, "multipleOf": 2, "format": "int64"}),
            json!({"type": "number", "minimum": -1.5, "exclusiveMaximum": false}),
            json!({"type": "object", "additionalProperties": true}),
            json!({"type": "object", "additionalProperties": false}),
            json!({"type": "object", "additionalProperties": {"type": "string"}}),
            json!({"type": "object", "additionalProperties": {"$ref": "#/components/schemas/A"}}),
            json!({"type": "object", "required": ["a"], "minProperties": 1,
                   "properties": {"a": {"type": "string", "minLength": 1, "maxLength": 3,
                                        "pattern": "^a"}}}),
            json!({"type": "array", "items": {"$ref": "#/components/schemas/A"},
                   "minItems": 0, "maxItems": 9, "uniqueItems": true}),
            json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "string"}],
                   "discriminator": {"propertyName": "kind",
                                     "mapping": {"a": "#/components/schemas/A", "b": "B"}}}),
            json!({"allOf": [{}], "anyOf": [{}], "not": {"type": "string"}}),
            json!({"type": "string", "x-rust-type": {"any": ["shape", 1]}, "x-null": null}),
            json!({"type": "string", "example": [1, {}], "default": {"a": null},
                   "externalDocs": {"url": "https://example.com", "x-a": 1}}),
            // Keywords `openapiv3` ignores, whatever their shape; an unknown `type` name
            // (the generator refuses it later, with its own message).
            json!({"type": "float", "const": 1, "additionalItems": 5, "patternProperties": []}),
            // `null` where `openapiv3` holds the keyword in an `Option`.
            json!({"type": null, "items": null, "properties": null, "required": null,
                   "enum": null, "minLength": null, "minimum": null, "discriminator": null,
                   "additionalProperties": null, "allOf": null, "title": null}),
            // A reference ignores its siblings; a `$ref` that is no string makes no reference.
            json!({"$ref": "#/components/schemas/A", "type": ["string"], "nullable": "yes"}),
            json!({"$ref": 5, "type": "string"}),
        ];
        for schema in &schemas {
            assert!(openapiv3_accepts(schema), "openapiv3 refuses {schema}");
            check_schema(schema).unwrap_or_else(|e| panic!("{schema}: {e}"));
        }
    }

    #[test]
    fn refuses_wrong_shapes_with_their_pointer() {
        let cases = [
            (
                json!({"type": ["string", "null"]}),
                "/type",
                "no type lists",
            ),
            (
                json!({"type": 5}),
                "/type",
                "`type` must be one of string, number",
            ),
            (
                json!({"nullable": "yes"}),
                "/nullable",
                "`nullable` must be true or false",
            ),
            (
                json!({"readOnly": null}),
                "/readOnly",
                "`readOnly` must be true or false",
            ),
            (
                json!({"required": true}),
                "/required",
                "`required` must be a list",
            ),
            (
                json!({"required": ["a", 1]}),
                "/required/1",
                "property names",
            ),
            (
                json!({"properties": ["a"]}),
                "/properties",
                "`properties` must be a mapping",
            ),
            (
                json!({"properties": {"a/b": "string"}}),
                "/properties/a~1b",
                "a schema must be",
            ),
            (
                json!({"minLength": -1}),
                "/minLength",
                "non-negative integer",
            ),
            (
                json!({"maxItems": 1.0}),
                "/maxItems",
                "non-negative integer",
            ),
            (
                json!({"minimum": "1"}),
                "/minimum",
                "`minimum` must be a number",
            ),
            (
                json!({"exclusiveMinimum": 0}),
                "/exclusiveMinimum",
                "OpenAPI 3.1",
            ),
            (json!({"enum": "a"}), "/enum", "`enum` must be a list"),
            (json!({"format": 1}), "/format", "`format` must be a string"),
            (json!({"items": "string"}), "/items", "a schema must be"),
            (json!({"items": [{}]}), "/items", "a schema must be"),
            (
                json!({"additionalProperties": "yes"}),
                "/additionalProperties",
                "a schema",
            ),
            (json!({"allOf": {}}), "/allOf", "`allOf` must be a list"),
            (json!({"oneOf": [{}, null]}), "/oneOf/1", "a schema must be"),
            (
                json!({"not": {"not": {"uniqueItems": 1}}}),
                "/not/not/uniqueItems",
                "true or",
            ),
            (
                json!({"discriminator": {}}),
                "/discriminator",
                "`propertyName`",
            ),
            (
                json!({"discriminator": {"propertyName": "k", "mapping": {"a": 1}}}),
                "/discriminator/mapping/a",
                "a `mapping` entry",
            ),
            (
                json!({"discriminator": {"propertyName": "k", "mapping": null}}),
                "/discriminator/mapping",
                "`mapping` must be a mapping",
            ),
            (
                json!({"externalDocs": {"description": "d"}}),
                "/externalDocs",
                "`url`",
            ),
            (
                json!({"$ref": 5, "title": 5}),
                "/title",
                "`title` must be a string",
            ),
        ];
        for (schema, pointer, message) in &cases {
            assert!(!openapiv3_accepts(schema), "openapiv3 accepts {schema}");
            let doc = document(json!({"A": schema}), json!({}));
            let e = check(&doc).expect_err("refused");
            assert_eq!(
                e.pointer,
                format!("#/components/schemas/A{pointer}"),
                "{schema}"
            );
            assert!(e.message.contains(message), "{schema}: {}", e.message);
        }
        let e = check(&document(json!({"A": null}), json!({}))).expect_err("refused");
        assert_eq!(e.pointer, "#/components/schemas/A");
    }

    #[test]
    fn the_first_problem_in_document_order_is_reported() {
        let doc = document(
            json!({
                "A": {"type": "object", "properties": {"b": {"minLength": "x"}}},
                "B": {"nullable": 1},
            }),
            json!({"/a": {"get": {"responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"items": {"type": ["string"]}}}}}}}}}),
        );
        // `paths` comes before `components` in this document.
        let (pointer, _) = refusal(&doc);
        assert_eq!(
            pointer,
            "#/paths/~1a/get/responses/200/content/application~1json/schema/items/type"
        );
        let mut doc = doc;
        doc["paths"] = json!({});
        assert_eq!(
            refusal(&doc).0,
            "#/components/schemas/A/properties/b/minLength"
        );
    }

    #[test]
    fn finds_the_schemas_of_the_document() {
        let bad = json!({"type": "object", "required": "a"});
        let ok = json!({"description": "ok"});
        let media = json!({"application/json": {"schema": bad}});
        let cases = [
            (
                json!({"/a": {"parameters": [{"name": "p", "in": "query", "schema": bad}],
                              "get": {"responses": {"200": ok}}}}),
                json!({}),
                "#/paths/~1a/parameters/0/schema/required",
            ),
            (
                json!({"/a": {"post": {"parameters": [{"name": "p", "in": "query", "content": media}],
                                       "responses": {"200": ok}}}}),
                json!({}),
                "#/paths/~1a/post/parameters/0/content/application~1json/schema/required",
            ),
            (
                json!({"/a": {"post": {"requestBody": {"content": media},
                                       "responses": {"default": ok}}}}),
                json!({}),
                "#/paths/~1a/post/requestBody/content/application~1json/schema/required",
            ),
            (
                json!({"/a": {"get": {"responses": {"2XX": {"description": "ok",
                    "headers": {"X-A": {"schema": bad}}}}}}}),
                json!({}),
                "#/paths/~1a/get/responses/2XX/headers/X-A/schema/required",
            ),
            (
                json!({"/a": {"get": {"responses": {"200": {"description": "ok",
                    "content": {"multipart/form-data": {"encoding": {"f": {"headers":
                        {"X-A": {"schema": bad}}}}}}}}}}}),
                json!({}),
                "#/paths/~1a/get/responses/200/content/multipart~1form-data/encoding/f/headers/X-A/schema/required",
            ),
            (
                json!({"/a": {"get": {"responses": {"200": ok}, "callbacks": {"c": {"{$url}":
                    {"post": {"requestBody": {"content": media}, "responses": {"200": ok}}}}}}}}),
                json!({}),
                "#/paths/~1a/get/callbacks/c/{$url}/post/requestBody/content/application~1json/schema/required",
            ),
        ];
        for (paths, schemas, pointer) in cases {
            let doc = document(schemas, paths);
            assert_eq!(refusal(&doc).0, pointer);
        }
        let components = [
            (
                "parameters",
                json!({"name": "p", "in": "query", "schema": bad}),
                "/schema",
            ),
            ("headers", json!({"schema": bad}), "/schema"),
            (
                "requestBodies",
                json!({"content": media}),
                "/content/application~1json/schema",
            ),
            (
                "responses",
                json!({"description": "d", "content": media}),
                "/content/application~1json/schema",
            ),
        ];
        for (section, node, at) in components {
            let mut doc = document(json!({}), json!({}));
            doc["components"][section] = json!({"X": node});
            let (pointer, _) = refusal(&doc);
            assert_eq!(pointer, format!("#/components/{section}/X{at}/required"));
        }
    }

    /// Where `openapiv3` reads no schema, nothing is refused.
    #[test]
    fn ignores_what_openapiv3_ignores() {
        let bad = json!({"required": "a"});
        let ok = json!({"description": "ok"});
        let media = json!({"application/json": {"schema": bad}});
        let paths = json!({
            // not a path, not a method, not a status code
            "x-paths": {"get": {"parameters": [{"name": "p", "in": "query", "schema": bad}]}},
            "/a": {
                "x-get": {"parameters": [{"name": "p", "in": "query", "schema": bad}]},
                "get": {
                    "parameters": [
                        {"$ref": "#/components/parameters/P", "schema": bad},
                        // the first of `schema` and `content` counts
                        {"name": "q", "in": "query", "schema": {}, "content": media},
                    ],
                    "responses": {"200": ok, "x-200": {"description": "d", "content": media},
                                  "20X": {"description": "d", "content": media}, "1000": {"description": "d", "content": media}},
                },
                "post": {
                    // a request body has no headers
                    "requestBody": {"content": {}, "headers": {"X": {"schema": bad}}},
                    "responses": {"200": {"$ref": "#/components/responses/R", "content": media}},
                },
            },
            "/b": {"$ref": "#/paths/~1a", "get": {"requestBody": {"content": media}}},
        });
        let mut doc = document(
            json!({"A": {"$ref": "#/components/schemas/B", "required": "a"}, "B": {}}),
            paths,
        );
        doc["components"]["parameters"] = json!({"P": {"name": "p", "in": "query", "schema": {}}});
        doc["components"]["responses"] = json!({"R": ok});
        doc["components"]["examples"] = json!({"E": {"value": bad}});
        doc["components"]["x-schemas"] = json!({"A": bad});
        let typed = serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&doc);
        assert!(typed.is_ok(), "openapiv3 refuses {doc}: {:?}", typed.err());
        check(&doc).unwrap_or_else(|e| panic!("{e}"));
    }

    /// A small deterministic generator (xorshift) for the differential test.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    const KEYWORDS: &[&str] = &[
        "type",
        "format",
        "pattern",
        "title",
        "description",
        "multipleOf",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "uniqueItems",
        "nullable",
        "readOnly",
        "writeOnly",
        "deprecated",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
        "enum",
        "required",
        "properties",
        "additionalProperties",
        "items",
        "not",
        "allOf",
        "oneOf",
        "anyOf",
        "discriminator",
        "externalDocs",
        "example",
        "default",
        "x-ext",
        "additionalItems",
        "$ref",
        "const",
    ];

    fn random_value(rng: &mut Rng, depth: usize) -> Value {
        let scalars = [
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(3),
            json!(-1),
            json!(1.5),
            json!(1.0),
            json!(u64::MAX),
            json!("string"),
            json!("object"),
            json!("float"),
            json!("#/components/schemas/A"),
            json!(["string"]),
            json!(["a", "b"]),
            json!(["a", 1]),
            json!([null]),
            json!([]),
            json!({}),
            json!({"propertyName": "kind"}),
            json!({"propertyName": "kind", "mapping": {"a": "#/x"}}),
            json!({"propertyName": "kind", "mapping": {"a": 1}}),
            json!({"propertyName": "kind", "mapping": null}),
            json!({"propertyName": 1}),
            json!({"url": "https://x"}),
            json!({"url": "https://x", "description": null}),
            json!({"url": 1}),
            json!({"description": "d"}),
            json!({"$ref": "#/x"}),
            json!({"$ref": 5}),
        ];
        match rng.below(if depth == 0 { 1 } else { 4 }) {
            0 => scalars[rng.below(scalars.len())].clone(),
            1 => random_schema(rng, depth - 1),
            2 => Value::Array(
                (0..rng.below(3))
                    .map(|_| random_schema(rng, depth - 1))
                    .collect(),
            ),
            _ => {
                let mut map = Map::new();
                for name in ["a", "b"].iter().take(rng.below(3)) {
                    map.insert((*name).to_owned(), random_value(rng, depth - 1));
                }
                Value::Object(map)
            }
        }
    }

    fn random_schema(rng: &mut Rng, depth: usize) -> Value {
        let mut map = Map::new();
        for _ in 0..rng.below(4) {
            let key = KEYWORDS[rng.below(KEYWORDS.len())];
            map.insert(key.to_owned(), random_value(rng, depth));
        }
        Value::Object(map)
    }

    /// On random schemas (shallow: `openapiv3` is slow on deep invalid ones), the check
    /// refuses exactly what `openapiv3` refuses. Refusing less would be allowed (`openapiv3`
    /// runs after it), refusing more would not.
    #[test]
    fn agrees_with_openapiv3() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..5_000 {
            let schema = random_schema(&mut rng, 3);
            let checked = check_schema(&schema);
            if openapiv3_accepts(&schema) {
                assert!(
                    checked.is_ok(),
                    "refuses what openapiv3 accepts: {schema}\n{checked:?}"
                );
            } else {
                assert!(checked.is_err(), "accepts what openapiv3 refuses: {schema}");
            }
        }
    }
}
