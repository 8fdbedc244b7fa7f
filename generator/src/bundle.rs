//! A document split into files, joined into one tree before anything else reads it.
//!
//! The root file's relative `$ref`s (`./schemas/Pet.yaml`, `../common.yaml#/components/
//! parameters/limit`), and those of every file they reach, are resolved through a [`Files`]
//! the caller provides, so that the generator itself does no I/O:
//!
//! - a reference back into the root file becomes a local one (`#/components/...`);
//! - a schema becomes a component (`#/components/schemas/Pet`, named after its pointer's last
//!   token or its file), once, however many places refer to it, so cycles across files end
//!   and the types get the names a bundled copy would give them;
//! - a component slot of the root that is a reference (`components: {schemas: {Pet: {$ref:
//!   ./Pet.yaml}}}`) takes the target's content, and every other reference to the same
//!   target points there;
//! - anything else (a path item, a parameter, an example, a description) is copied in place;
//!   files that are not YAML or JSON (code samples) are copied in as text.
//!
//! So the generated code does not depend on how the document was split. Every node copied in
//! remembers where it came from ([`Sources`]), so that an error names the file, the pointer
//! within it and its line.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Result, push_pointer, unescape_token};

/// Where the files of a multi-file document come from.
pub trait Files {
    /// The contents of `path`: relative to the root file's folder, `/`-separated, with no
    /// `.` or `..` segments (the bundler refuses any reference that leaves the folder).
    fn read(&mut self, path: &str) -> std::result::Result<Vec<u8>, String>;
}

/// The most nodes copied into the bundle: a document that references a large file from
/// thousands of places is refused rather than grown without bound.
const MAX_COPIED_NODES: usize = 20_000_000;
/// The most files one document may span.
const MAX_FILES: usize = 10_000;

/// The texts a document was read from, and which part of the joined tree came from where.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
    /// Sorted by nothing in particular; looked up by longest prefix.
    origins: Vec<Origin>,
}

#[derive(Debug, Clone)]
struct SourceFile {
    path: String,
    text: String,
}

#[derive(Debug, Clone)]
struct Origin {
    /// Pointer of the copied node in the joined tree.
    at: String,
    /// Index into `files`.
    file: usize,
    /// Pointer of the same node within its file.
    pointer: String,
}

impl Sources {
    /// A document that is one text.
    pub(crate) fn single(text: &str) -> Sources {
        Sources {
            files: vec![SourceFile {
                path: String::new(),
                text: text.to_owned(),
            }],
            origins: Vec::new(),
        }
    }

    /// The file (its path; empty for the root), pointer within it, and line of the node
    /// at `pointer` of the joined tree.
    pub(crate) fn origin(&self, pointer: &str) -> (Option<&str>, String, Option<usize>) {
        let best = self
            .origins
            .iter()
            .filter(|o| {
                pointer == o.at
                    || pointer
                        .strip_prefix(o.at.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
            .max_by_key(|o| o.at.len());
        let (file, inner) = match best {
            Some(o) => (o.file, format!("{}{}", o.pointer, &pointer[o.at.len()..])),
            None => (0, pointer.to_owned()),
        };
        let Some(source) = self.files.get(file) else {
            return (None, inner, None);
        };
        let line = crate::parse::locate(&source.text, &inner);
        let path = (file != 0).then_some(source.path.as_str());
        (path, inner, line)
    }

    /// `error` located: in its file, at the pointer within that file, with its line.
    pub(crate) fn locate(&self, error: Error) -> Error {
        if error.file.is_some() {
            return error;
        }
        let (file, pointer, line) = self.origin(&error.pointer);
        let mut error = match file {
            Some(file) => Error {
                file: Some(file.to_owned()),
                pointer,
                line: None,
                ..error
            },
            None => error,
        };
        if error.line.is_none() {
            error.line = line;
        }
        error
    }
}

/// Reads the document whose root file is `root` (a path as [`Files`] takes it) and every
/// file its references reach, as one tree.
pub(crate) fn bundle(root: &str, files: &mut dyn Files) -> Result<(Value, Sources)> {
    let mut bundler = Bundler {
        files,
        loaded: BTreeMap::new(),
        sources: Sources::default(),
        canonical: BTreeMap::new(),
        schema_names: BTreeSet::new(),
        hoisted: Vec::new(),
        copying: Vec::new(),
        copied: 0,
    };
    let root = normalise_path("", root).ok_or_else(|| {
        Error::new(
            ErrorKind::Syntax,
            "#",
            format!("invalid root path {root:?}"),
        )
    })?;
    let index = bundler.load(&root, "#")?;
    let mut tree = bundler.loaded[&root].1.clone();
    if !tree.is_object() {
        return Err(Error::new(
            ErrorKind::Invalid,
            "#",
            "the document is not a mapping: an OpenAPI document is an object with `openapi`, `info` and `paths`",
        ));
    }
    debug_assert_eq!(index, 0);
    bundler.claim_component_slots(&tree, &root)?;
    let mut path = Vec::new();
    // Errors name pointers of the joined tree; where the node was copied from says which
    // file and line they are in.
    if let Err(e) = bundler.walk(&mut tree, &root, &mut path) {
        return Err(bundler.sources.locate(e));
    }
    if !bundler.hoisted.is_empty() {
        let schemas = tree
            .as_object_mut()
            .and_then(|doc| {
                doc.entry("components")
                    .or_insert_with(|| Value::Object(Map::new()))
                    .as_object_mut()
            })
            .and_then(|components| {
                components
                    .entry("schemas")
                    .or_insert_with(|| Value::Object(Map::new()))
                    .as_object_mut()
            })
            .ok_or_else(|| {
                Error::invalid(
                    "#/components",
                    "`components` and its `schemas` must be mappings",
                )
            })?;
        for (name, schema) in std::mem::take(&mut bundler.hoisted) {
            schemas.insert(name, schema);
        }
    }
    Ok((tree, bundler.sources))
}

struct Bundler<'f> {
    files: &'f mut dyn Files,
    /// Path -> (index in `sources.files`, parsed tree).
    loaded: BTreeMap<String, (usize, Value)>,
    sources: Sources,
    /// (file, pointer in it) -> local reference in the bundle.
    canonical: BTreeMap<(String, String), String>,
    /// Names taken in `components.schemas` (the root's and the hoisted ones).
    schema_names: BTreeSet<String>,
    /// Schemas to add to `components.schemas`, in the order they were reached.
    hoisted: Vec<(String, Value)>,
    /// The copies in progress, to refuse a cycle of non-schema references.
    copying: Vec<(String, String)>,
    copied: usize,
}

/// `base`'s folder joined with `relative`, without `.`/`..` segments; `None` if it leaves the
/// root's folder.
fn normalise_path(base: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    parts.pop(); // the base file itself
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Whether a reference names something to fetch over the network or another scheme.
/// Maps whose keys are names (of properties, components, statuses, media types...), not
/// keywords: under them, a key spelled `example` or `x-...` is a name like any other.
const NAME_MAPS: [&str; 20] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
    "schemas",
    "responses",
    "parameters",
    "headers",
    "content",
    "encoding",
    "links",
    "callbacks",
    "examples",
    "requestBodies",
    "securitySchemes",
    "pathItems",
    "webhooks",
    "variables",
    "paths",
];

/// Whether the value at `key`, in the object standing at `path`, is data rather than
/// OpenAPI: example values (`example`, a schema's `examples` list, an Example Object's
/// `value`), `default`, `enum`, `const` and extensions. A `"$ref"` key inside data is data
/// too (sample JSON, a JSON Schema shown as an example): never followed, never refused.
fn is_data(path: &[String], key: &str, value: &Value) -> bool {
    let parent = path.last().map(String::as_str);
    if parent.is_some_and(|p| NAME_MAPS.contains(&p)) {
        return false;
    }
    match key {
        "example" | "default" | "enum" | "const" => true,
        // A schema's `examples` is a list of values; elsewhere it is a map of Example
        // Objects (or references to them), which is walked.
        "examples" => value.is_array(),
        // `examples: {name: {value: ...}}`, in a media type, a parameter or components.
        "value" => path.len() >= 2 && path[path.len() - 2] == "examples",
        _ => key.starts_with("x-"),
    }
}

fn is_remote(reference: &str) -> bool {
    let scheme_end = reference.find(':');
    let first_slash = reference.find('/');
    match scheme_end {
        Some(colon) => first_slash.is_none_or(|slash| colon < slash) && colon > 1,
        None => reference.starts_with("//"),
    }
}

/// Keys under which a value is a schema, and keys whose entries are schemas.
const SCHEMA_SLOTS: [&str; 13] = [
    "schema",
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contentSchema",
    "additionalItems",
];
const SCHEMA_MAPS: [&str; 9] = [
    "properties",
    "patternProperties",
    "allOf",
    "anyOf",
    "oneOf",
    "prefixItems",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// Whether the node at `path` (keys from the document root) stands where a schema does.
fn is_schema_position(path: &[String]) -> bool {
    let n = path.len();
    let last = path.last().map(String::as_str);
    let parent = n.checked_sub(2).map(|i| path[i].as_str());
    if n == 3 && path[0] == "components" && path[1] == "schemas" {
        return true;
    }
    last.is_some_and(|k| SCHEMA_SLOTS.contains(&k))
        || parent.is_some_and(|k| SCHEMA_MAPS.contains(&k))
}

fn pointer_of(path: &[String]) -> String {
    let mut pointer = String::from("#");
    for token in path {
        pointer = push_pointer(&pointer, token);
    }
    pointer
}

/// The node at `pointer` (a decoded or percent-encoded URI fragment) of `tree`.
fn lookup<'a>(tree: &'a Value, fragment: &str) -> Option<&'a Value> {
    let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
    let mut node = tree;
    for token in decoded.split('/').skip(1) {
        let token = unescape_token(token);
        node = match node {
            Value::Object(map) => map.get(&token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

impl Bundler<'_> {
    /// Loads `path` once; `at` is where the reference to it stands (for errors).
    fn load(&mut self, path: &str, at: &str) -> Result<usize> {
        if let Some((index, _)) = self.loaded.get(path) {
            return Ok(*index);
        }
        let fail = |kind, message: String| Error::new(kind, at, message);
        if self.loaded.len() >= MAX_FILES {
            return Err(fail(
                ErrorKind::Unsupported,
                format!("the document spans more than {MAX_FILES} files"),
            ));
        }
        let bytes = self
            .files
            .read(path)
            .map_err(|e| fail(ErrorKind::Reference, format!("cannot read `{path}`: {e}")))?;
        let data = matches!(
            path.rsplit('.')
                .next()
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("yaml" | "yml" | "json")
        );
        // The root file is the one the caller named; only the others are named in errors.
        let is_root = self.sources.files.is_empty();
        let in_file = |mut e: Error| {
            if !is_root {
                e.file = Some(path.to_owned());
            }
            e
        };
        let text = crate::parse::text_of(&bytes).map_err(in_file)?.to_owned();
        let tree = if data {
            crate::parse::to_value_any(&text).map_err(in_file)?
        } else {
            // A code sample or a Markdown description: its text is the value.
            Value::String(text.clone())
        };
        let index = self.sources.files.len();
        self.sources.files.push(SourceFile {
            path: path.to_owned(),
            text,
        });
        self.loaded.insert(path.to_owned(), (index, tree));
        Ok(index)
    }

    /// The root's component slots that are references: their targets' content goes there.
    fn claim_component_slots(&mut self, root: &Value, root_path: &str) -> Result<()> {
        let Some(components) = root.get("components").and_then(Value::as_object) else {
            return Ok(());
        };
        for (section, entries) in components {
            let Some(entries) = entries.as_object() else {
                continue;
            };
            for (name, entry) in entries {
                if section == "schemas" {
                    self.schema_names.insert(name.clone());
                }
                let Some(reference) = entry.get("$ref").and_then(Value::as_str) else {
                    continue;
                };
                if reference.starts_with('#') || is_remote(reference) {
                    continue;
                }
                let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
                let decoded = percent_encoding::percent_decode_str(file).decode_utf8_lossy();
                if let Some(target) = normalise_path(root_path, &decoded)
                    && target != root_path
                {
                    let local = push_pointer(&push_pointer("#/components", section), name);
                    self.canonical
                        .entry((target, fragment.to_owned()))
                        .or_insert(local);
                }
            }
        }
        Ok(())
    }

    /// Resolves every reference in `node` (of file `file`, standing at `path` in the bundle).
    fn walk(&mut self, node: &mut Value, file: &str, path: &mut Vec<String>) -> Result<()> {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let reference = reference.clone();
                    return self.reference(node, &reference, file, path);
                }
                for (key, value) in map.iter_mut() {
                    if is_data(path, key, value) {
                        continue;
                    }
                    path.push(key.clone());
                    let outcome = if key == "mapping"
                        && path.len() >= 2
                        && path[path.len() - 2] == "discriminator"
                    {
                        self.mapping(value, file, path)
                    } else {
                        self.walk(value, file, path)
                    };
                    path.pop();
                    outcome?;
                }
            }
            Value::Array(items) => {
                for (i, value) in items.iter_mut().enumerate() {
                    path.push(i.to_string());
                    let outcome = self.walk(value, file, path);
                    path.pop();
                    outcome?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A discriminator's `mapping` values are references too, to schemas (or bare schema
    /// names, left alone); the generator matches them against its members' `$ref`s.
    fn mapping(&mut self, mapping: &mut Value, file: &str, path: &mut Vec<String>) -> Result<()> {
        let Some(entries) = mapping.as_object_mut() else {
            return Ok(());
        };
        for (tag, target) in entries.iter_mut() {
            let Some(reference) = target.as_str().map(str::to_owned) else {
                continue;
            };
            let is_name = !reference.contains(['/', '#', '.']);
            if is_name {
                continue;
            }
            let mut node = serde_json::json!({ "$ref": reference });
            path.push(tag.clone());
            // Read as a schema position: a mapping names schemas.
            path.push("schema".to_owned());
            let outcome = self.reference(&mut node, &reference, file, path);
            path.truncate(path.len() - 2);
            outcome?;
            if let Some(local) = node.get("$ref").cloned() {
                *target = local;
            }
        }
        Ok(())
    }

    fn reference(
        &mut self,
        node: &mut Value,
        reference: &str,
        file: &str,
        path: &mut Vec<String>,
    ) -> Result<()> {
        let at = pointer_of(path);
        if is_remote(reference) {
            return Err(Error::reference(
                &at,
                format!(
                    "`$ref: {reference}` is remote: only references to files beside the document are read, never fetched"
                ),
            ));
        }
        let (target_file, fragment) = match reference.split_once('#') {
            Some(("", fragment)) => (file.to_owned(), fragment.to_owned()),
            Some((f, fragment)) => (self.resolve_path(file, f, &at)?, fragment.to_owned()),
            None => (self.resolve_path(file, reference, &at)?, String::new()),
        };
        let root = self.root_path();
        if target_file == root {
            if let Some(map) = node.as_object_mut() {
                map.insert("$ref".to_owned(), Value::String(format!("#{fragment}")));
            }
            return Ok(());
        }
        let key = (target_file.clone(), fragment.clone());
        if let Some(local) = self.canonical.get(&key).cloned() {
            if local != at {
                if let Some(map) = node.as_object_mut() {
                    map.insert("$ref".to_owned(), Value::String(local));
                }
                return Ok(());
            }
            // This is the slot the target's content belongs in.
            let content = self.content(&target_file, &fragment, &at)?;
            *node = content;
            return self.copied_here(node, &target_file, &fragment, path);
        }
        if is_schema_position(path) {
            let name = self.schema_name(&target_file, &fragment);
            let local = push_pointer("#/components/schemas", &name);
            self.canonical.insert(key, local.clone());
            let mut content = self.content(&target_file, &fragment, &at)?;
            let mut schema_path = vec!["components".to_owned(), "schemas".to_owned(), name.clone()];
            self.copied_here(&mut content, &target_file, &fragment, &mut schema_path)?;
            self.hoisted.push((name, content));
            if let Some(map) = node.as_object_mut() {
                map.insert("$ref".to_owned(), Value::String(local));
            }
            return Ok(());
        }
        if self.copying.contains(&key) {
            return Err(Error::reference(
                &at,
                format!(
                    "`$ref: {reference}` is part of a cycle of references that are not schemas, which cannot be copied in"
                ),
            ));
        }
        // A Reference Object's own `summary`/`description` override the target's (3.1).
        let overrides: Vec<(String, Value)> = node
            .as_object()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| matches!(k.as_str(), "summary" | "description"))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let mut content = self.content(&target_file, &fragment, &at)?;
        if let Value::Object(map) = &mut content {
            for (k, v) in overrides {
                map.insert(k, v);
            }
        }
        *node = content;
        self.copying.push(key);
        let outcome = self.copied_here(node, &target_file, &fragment, path);
        self.copying.pop();
        outcome
    }

    /// Records that `node` (just copied from `file#fragment` to `path`) came from there, and
    /// resolves the references inside it, relative to its file.
    fn copied_here(
        &mut self,
        node: &mut Value,
        file: &str,
        fragment: &str,
        path: &mut Vec<String>,
    ) -> Result<()> {
        let index = self.loaded.get(file).map_or(0, |(i, _)| *i);
        self.sources.origins.push(Origin {
            at: pointer_of(path),
            file: index,
            pointer: format!(
                "#{}",
                percent_encoding::percent_decode_str(fragment).decode_utf8_lossy()
            ),
        });
        self.walk(node, file, path)
    }

    /// A copy of the node `file#fragment`, counted against the copy budget.
    fn content(&mut self, file: &str, fragment: &str, at: &str) -> Result<Value> {
        self.load(file, at)?;
        let tree = &self.loaded[file].1;
        let Some(target) = lookup(tree, fragment) else {
            return Err(Error::reference(
                at,
                format!("`$ref: {file}#{fragment}` points to nothing in `{file}`"),
            ));
        };
        self.copied += count_nodes(target);
        if self.copied > MAX_COPIED_NODES {
            return Err(Error::unsupported(
                at,
                format!(
                    "copying in the referenced files would make a document of more than {MAX_COPIED_NODES} nodes"
                ),
            ));
        }
        Ok(target.clone())
    }

    fn resolve_path(&self, file: &str, relative: &str, at: &str) -> Result<String> {
        let decoded = percent_encoding::percent_decode_str(relative).decode_utf8_lossy();
        normalise_path(file, &decoded).ok_or_else(|| {
            Error::reference(
                at,
                format!("`$ref: {relative}` leaves the folder of the root file; only files inside it are read"),
            )
        })
    }

    fn root_path(&self) -> String {
        self.sources
            .files
            .first()
            .map(|f| f.path.clone())
            .unwrap_or_default()
    }

    /// A component name for a hoisted schema: its pointer's last token, or its file's stem,
    /// made unique.
    fn schema_name(&mut self, file: &str, fragment: &str) -> String {
        let from_pointer = fragment
            .rsplit('/')
            .next()
            .filter(|t| !t.is_empty())
            .map(|t| unescape_token(&percent_encoding::percent_decode_str(t).decode_utf8_lossy()));
        let base = from_pointer.unwrap_or_else(|| {
            let name = file.rsplit('/').next().unwrap_or(file);
            name.split('.').next().unwrap_or(name).to_owned()
        });
        let mut name = base.clone();
        let mut n = 2;
        while !self.schema_names.insert(name.clone()) {
            name = format!("{base}{n}");
            n += 1;
        }
        name
    }
}

fn count_nodes(value: &Value) -> usize {
    let mut count = 0;
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        count += 1;
        match node {
            Value::Object(map) => stack.extend(map.values()),
            Value::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Memory(BTreeMap<&'static str, &'static str>);

    impl Files for Memory {
        fn read(&mut self, path: &str) -> std::result::Result<Vec<u8>, String> {
            self.0
                .get(path)
                .map(|t| t.as_bytes().to_vec())
                .ok_or_else(|| "no such file".to_owned())
        }
    }

    fn run(files: &[(&'static str, &'static str)]) -> Result<(Value, Sources)> {
        let mut memory = Memory(files.iter().copied().collect());
        bundle(files[0].0, &mut memory)
    }

    #[test]
    fn paths() {
        assert_eq!(
            normalise_path("a/b.yaml", "c.yaml").as_deref(),
            Some("a/c.yaml")
        );
        assert_eq!(
            normalise_path("a/b.yaml", "../c.yaml").as_deref(),
            Some("c.yaml")
        );
        assert_eq!(
            normalise_path("a/b.yaml", "./d/../c.yaml").as_deref(),
            Some("a/c.yaml")
        );
        assert_eq!(normalise_path("b.yaml", "../c.yaml"), None);
        assert!(is_remote("https://example.com/x.yaml"));
        assert!(is_remote("//example.com/x.yaml"));
        assert!(!is_remote("./x.yaml"));
        assert!(!is_remote("schemas/a:b.yaml"));
    }

    #[test]
    fn schemas_become_components_and_cycles_end() {
        let (tree, _) = run(&[
            (
                "api/openapi.yaml",
                "openapi: 3.1.0\npaths:\n  /pets:\n    $ref: paths/pets.yaml\n",
            ),
            (
                "api/paths/pets.yaml",
                "get:\n  responses:\n    '200':\n      description: ok\n      content:\n        application/json:\n          schema:\n            $ref: ../schemas/Pet.yaml\n",
            ),
            (
                "api/schemas/Pet.yaml",
                "type: object\nproperties:\n  parent:\n    $ref: ./Pet.yaml\n  owner:\n    $ref: 'common.yaml#/Owner'\n",
            ),
            ("api/schemas/common.yaml", "Owner:\n  type: string\n"),
        ])
        .unwrap();
        let schema = &tree["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"];
        assert_eq!(schema["$ref"], "#/components/schemas/Pet");
        let pet = &tree["components"]["schemas"]["Pet"];
        assert_eq!(
            pet["properties"]["parent"]["$ref"],
            "#/components/schemas/Pet"
        );
        assert_eq!(
            pet["properties"]["owner"]["$ref"],
            "#/components/schemas/Owner"
        );
        assert_eq!(tree["components"]["schemas"]["Owner"]["type"], "string");
    }

    #[test]
    fn discriminator_mappings_follow_their_schemas() {
        let (tree, _) = run(&[
            (
                "openapi.yaml",
                "openapi: 3.1.0\ncomponents:\n  schemas:\n    Item:\n      $ref: s/Item.yaml\n",
            ),
            (
                "s/Item.yaml",
                "oneOf:\n  - $ref: ./Tea.yaml\n  - $ref: ./Cake.yaml\ndiscriminator:\n  propertyName: kind\n  mapping:\n    tea: ./Tea.yaml\n    cake: Cake\n",
            ),
            ("s/Tea.yaml", "type: object\n"),
            ("s/Cake.yaml", "type: object\n"),
        ])
        .unwrap();
        let item = &tree["components"]["schemas"]["Item"];
        assert_eq!(item["oneOf"][0]["$ref"], "#/components/schemas/Tea");
        assert_eq!(
            item["discriminator"]["mapping"]["tea"],
            "#/components/schemas/Tea"
        );
        assert_eq!(item["discriminator"]["mapping"]["cake"], "Cake");
    }

    #[test]
    fn root_component_slots_take_the_content() {
        let (tree, _) = run(&[
            (
                "openapi.yaml",
                "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      parameters:\n        - $ref: params.yaml#/limit\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: Pet.yaml\ncomponents:\n  schemas:\n    Animal:\n      $ref: Pet.yaml\n  parameters:\n    limit:\n      $ref: params.yaml#/limit\n",
            ),
            ("Pet.yaml", "type: object\n"),
            ("params.yaml", "limit:\n  name: limit\n  in: query\n"),
        ])
        .unwrap();
        assert_eq!(
            tree["components"]["schemas"]["Animal"],
            serde_json::json!({"type": "object"})
        );
        assert_eq!(tree["components"]["parameters"]["limit"]["name"], "limit");
        let op = &tree["paths"]["/a"]["get"];
        assert_eq!(op["parameters"][0]["$ref"], "#/components/parameters/limit");
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Animal"
        );
        assert!(tree["components"]["schemas"].get("Pet").is_none());
    }

    #[test]
    fn references_back_into_the_root_become_local() {
        let (tree, _) = run(&[
            (
                "root.yaml",
                "openapi: 3.1.0\npaths:\n  /a:\n    $ref: 'p/a.yaml'\ncomponents:\n  schemas:\n    X:\n      type: string\n",
            ),
            (
                "p/a.yaml",
                "get:\n  responses:\n    '200':\n      description: ok\n      content:\n        application/json:\n          schema:\n            $ref: '../root.yaml#/components/schemas/X'\n",
            ),
        ])
        .unwrap();
        let schema = &tree["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"];
        assert_eq!(schema["$ref"], "#/components/schemas/X");
    }

    #[test]
    fn text_files_are_copied_as_text_and_extensions_are_data() {
        let (tree, _) = run(&[
            (
                "root.yaml",
                "openapi: 3.1.0\ntags:\n  - name: a\n    description:\n      $ref: a.md\nx-codeSamples:\n  - source:\n      $ref: s/get.cs\n",
            ),
            ("a.md", "# Tag A\n"),
            ("s/get.cs", "var x = 1;\n"),
        ])
        .unwrap();
        assert_eq!(tree["tags"][0]["description"], "# Tag A\n");
        // An extension's value is data: its `$ref` is neither read nor refused.
        assert_eq!(
            tree["x-codeSamples"][0]["source"],
            serde_json::json!({"$ref": "s/get.cs"})
        );
    }

    #[test]
    fn refusals_are_located_in_their_file() {
        let err = run(&[
            (
                "root.yaml",
                "openapi: 3.1.0\npaths:\n  /a:\n    $ref: p.yaml\n",
            ),
            (
                "p.yaml",
                "get:\n  parameters:\n    - $ref: ../../etc/passwd\n",
            ),
        ])
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Reference);
        assert_eq!(err.file.as_deref(), Some("p.yaml"));
        assert!(err.message.contains("leaves the folder"), "{err}");
        let err = run(&[(
            "root.yaml",
            "openapi: 3.1.0\npaths:\n  /a:\n    $ref: 'https://example.com/a.yaml'\n",
        )])
        .unwrap_err();
        assert!(err.message.contains("remote"), "{err}");
        assert_eq!(err.pointer, "#/paths/~1a");
        let err = run(&[
            (
                "root.yaml",
                "openapi: 3.1.0\npaths:\n  /a:\n    $ref: p.yaml\n",
            ),
            ("p.yaml", "get:\n  $ref: q.yaml\n"),
            ("q.yaml", "x:\n  $ref: p.yaml#/get\n"),
        ])
        .unwrap_err();
        assert!(err.message.contains("cycle"), "{err}");
        let err = run(&[(
            "root.yaml",
            "openapi: 3.1.0\npaths:\n  /a:\n    $ref: missing.yaml\n",
        )])
        .unwrap_err();
        assert!(err.message.contains("cannot read `missing.yaml`"), "{err}");
    }

    #[test]
    fn copied_nodes_map_back_to_their_file_and_line() {
        let (_, sources) = run(&[
            (
                "root.yaml",
                "openapi: 3.1.0\npaths:\n  /a:\n    $ref: p.yaml\n",
            ),
            (
                "p.yaml",
                "get:\n  responses:\n    '200':\n      description: ok\n",
            ),
        ])
        .unwrap();
        let (file, pointer, line) = sources.origin("#/paths/~1a/get/responses/200");
        assert_eq!(file, Some("p.yaml"));
        assert_eq!(pointer, "#/get/responses/200");
        assert_eq!(line, Some(3));
        let (file, pointer, _) = sources.origin("#/paths");
        assert_eq!((file, pointer.as_str()), (None, "#/paths"));
    }
}
