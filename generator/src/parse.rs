//! Text -> `openapiv3::OpenAPI`, with errors that point into the document.
//!
//! The text goes through `serde_json::Value` first: that lets one code path take JSON and
//! YAML alike, check the OpenAPI version before `openapiv3` silently accepts a 3.1 document,
//! and keeps the raw tree for JSON-pointer look-ups (`$ref`s to arbitrary nodes, extensions).

use openapiv3::OpenAPI;
use serde::Deserialize;
use serde_json::Value;

use crate::bundle::{Files, Sources};
use crate::error::{Error, ErrorKind, Result, Warning, unescape_token};
use crate::overlay::Overlay;

/// A parsed OpenAPI 3.0 or 3.1 document, in the 3.0 dialect (see [`crate::dialect`]).
#[derive(Debug, Clone)]
pub struct Spec {
    /// The typed document.
    pub openapi: OpenAPI,
    /// The same document as a JSON tree, for pointer look-ups.
    pub raw: Value,
    /// What the document has that is deliberately not generated (webhooks), located.
    pub warnings: Vec<Warning>,
    sources: Sources,
}

impl Spec {
    /// The 1-based line of the node at `pointer` in the source text (of the file it came
    /// from, for a document split into files), when it can be found.
    pub fn line_of(&self, pointer: &str) -> Option<usize> {
        self.sources.origin(pointer).2
    }

    /// Attaches the file and line of the error's pointer to `error`.
    pub(crate) fn locate(&self, error: Error) -> Error {
        self.sources.locate(error)
    }
}

/// Parses a spec from raw bytes (a file's contents): refuses binary input plainly.
pub fn parse_spec_bytes(bytes: &[u8]) -> Result<Spec> {
    parse_spec(text_of(bytes)?)
}

/// The text of a file, refusing binary input plainly.
pub(crate) fn text_of(bytes: &[u8]) -> Result<&str> {
    if bytes.contains(&0) {
        return Err(Error::new(
            ErrorKind::Syntax,
            "#",
            "the file contains NUL bytes: it is binary, not a YAML or JSON document",
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        Error::new(
            ErrorKind::Syntax,
            "#",
            format!("the file is not UTF-8 text ({e}): not a YAML or JSON document"),
        )
    })
}

/// Parses an OpenAPI 3.0.x or 3.1.x document given as YAML or JSON text.
///
/// References to other files are left as they are (and refused later); see
/// [`parse_spec_files`] for a document split into files.
pub fn parse_spec(text: &str) -> Result<Spec> {
    parse_spec_with(text, &[])
}

/// [`parse_spec`] of the document with `overlays` applied to it, in order, first
/// ([`crate::overlay`]). An error in a node an overlay wrote is located in the spec by its
/// pointer, with no line when the spec's text does not have the node.
pub fn parse_spec_with(text: &str, overlays: &[Overlay]) -> Result<Spec> {
    let mut raw = to_value(text)?;
    crate::overlay::apply_all(&mut raw, overlays)?;
    from_tree(raw, Sources::single(text))
}

/// Parses a document whose root file is `root`, resolving its references to other files
/// (relative to the root's folder, never outside it) through `files`.
pub fn parse_spec_files(root: &str, files: &mut dyn Files) -> Result<Spec> {
    parse_spec_files_with(root, files, &[])
}

/// [`parse_spec_files`] with `overlays` applied, in order, to the joined document (one tree,
/// the schemas of other files made components as [`crate::bundle`] names them) before it
/// is read: before the 3.1 dialect is rewritten, so an overlay of a 3.1 document writes
/// 3.1 JSON Schema.
pub fn parse_spec_files_with(
    root: &str,
    files: &mut dyn Files,
    overlays: &[Overlay],
) -> Result<Spec> {
    let (mut raw, sources) = crate::bundle::bundle(root, files)?;
    crate::overlay::apply_all(&mut raw, overlays)?;
    from_tree(raw, sources)
}

/// The document an overlay written now would apply to: the files joined as
/// [`parse_spec_files_with`] joins them, `overlays` applied, not yet read (no 3.1 dialect
/// rewriting, nothing inlined). Paths into it are paths into what the next overlay sees.
/// It is checked as [`parse_spec_files_with`] checks it, so a broken document is refused
/// here too.
pub fn document_files_with(
    root: &str,
    files: &mut dyn Files,
    overlays: &[Overlay],
) -> Result<Value> {
    let (mut raw, sources) = crate::bundle::bundle(root, files)?;
    crate::overlay::apply_all(&mut raw, overlays)?;
    from_tree(raw.clone(), sources)?;
    Ok(raw)
}

fn from_tree(mut raw: Value, sources: Sources) -> Result<Spec> {
    let located = |e: Error| sources.locate(e);
    check_version(&raw).map_err(located)?;
    check_depth(&raw).map_err(located)?;
    // Before the shape check, which reads the 3.0 dialect; pointers of the nodes it rewrites
    // still name where they stand in the document.
    let mut warnings = crate::dialect::normalise(&mut raw).map_err(located)?;
    for warning in &mut warnings {
        let (file, pointer, line) = sources.origin(&warning.pointer);
        warning.file = file.map(str::to_owned);
        warning.pointer = pointer;
        warning.line = line;
    }
    clamp_integer_bounds(&mut raw);
    // Before `openapiv3`, which takes time exponential in the depth of an invalid schema.
    // It sees the clamped bounds as `openapiv3` will; it runs before the misplaced
    // references are inlined so that its pointers name nodes of the document (it checks the
    // inlined bodies where they are defined).
    crate::schema_check::check(&raw).map_err(located)?;
    inline_path_item_refs(&mut raw);
    inline_misplaced_refs(&mut raw);
    // Tracking the path costs on every node; only a failure needs it, so trace on error only.
    let openapi = match OpenAPI::deserialize(&raw) {
        Ok(openapi) => openapi,
        Err(plain) => return Err(located(invalid(&raw, &plain))),
    };
    Ok(Spec {
        openapi,
        raw,
        warnings,
        sources,
    })
}

/// Every `$ref` inside the document (`#...`) points to a node. Values that are data, not
/// OpenAPI (`example`, `default`, `enum`, extensions), are not looked into.
pub(crate) fn check_local_refs(spec: &Spec) -> Result<()> {
    // Pointers are not built on the way down (large specs have ~10^6 nodes): the node of a
    // dangling reference is found again, once, by `pointer_to_ref`.
    fn walk(root: &Value, node: &Value) -> Option<String> {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref")
                    && let Some(target) = reference.strip_prefix('#')
                {
                    let decoded = percent_encoding::percent_decode_str(target).decode_utf8_lossy();
                    if root.pointer(&decoded).is_none() {
                        return Some(reference.clone());
                    }
                }
                map.iter()
                    .filter(|(k, _)| is_spec_key(k))
                    .find_map(|(_, v)| walk(root, v))
            }
            Value::Array(items) => items.iter().find_map(|item| walk(root, item)),
            _ => None,
        }
    }
    let Some(reference) = walk(&spec.raw, &spec.raw) else {
        return Ok(());
    };
    let pointer = pointer_to_ref(&spec.raw, &reference).unwrap_or_else(|| "#".to_owned());
    Err(spec.locate(Error::reference(
        &pointer,
        format!("`$ref: {reference}` points to nothing"),
    )))
}

/// Keys whose values are OpenAPI, not data (`example`, `default`, `enum`, extensions).
fn is_spec_key(key: &str) -> bool {
    !matches!(key, "example" | "examples" | "default" | "enum") && !key.starts_with("x-")
}

/// The pointer of the first node (in document order) whose `$ref` is `reference`.
fn pointer_to_ref(raw: &Value, reference: &str) -> Option<String> {
    fn walk(node: &Value, at: String, reference: &str) -> Option<String> {
        match node {
            Value::Object(map) => {
                if map.get("$ref").and_then(Value::as_str) == Some(reference) {
                    return Some(at);
                }
                map.iter()
                    .filter(|(k, _)| is_spec_key(k))
                    .find_map(|(k, v)| walk(v, crate::error::push_pointer(&at, k), reference))
            }
            Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, v)| walk(v, format!("{at}/{i}"), reference)),
            _ => None,
        }
    }
    walk(raw, "#".to_owned(), reference)
}

/// The located error for a tree that `openapiv3` refuses.
fn invalid(raw: &Value, plain: &serde_json::Error) -> Error {
    match serde_path_to_error::deserialize::<_, OpenAPI>(raw) {
        Ok(_) => Error::new(
            ErrorKind::Invalid,
            "#",
            format!("not a valid OpenAPI document: {plain}"),
        ),
        Err(e) => {
            let pointer = pointer_of(e.path());
            let message = e.inner().to_string();
            Error::new(
                ErrorKind::Invalid,
                pointer.clone(),
                format!("not a valid OpenAPI document: {message}"),
            )
        }
    }
}

fn to_value(text: &str) -> Result<Value> {
    let value = to_value_any(text)?;
    if !value.is_object() {
        return Err(Error::new(
            ErrorKind::Invalid,
            "#",
            "the document is not a mapping: an OpenAPI document is an object with `openapi`, `info` and `paths`",
        ));
    }
    Ok(value)
}

/// YAML or JSON text as a tree, whatever its top-level shape.
pub(crate) fn to_value_any(text: &str) -> Result<Value> {
    if text.trim().is_empty() {
        return Err(Error::new(ErrorKind::Syntax, "#", "the document is empty"));
    }
    // JSON is valid YAML, but serde_json is much faster on the large JSON specs and gives
    // better messages for them; fall back to YAML for flow-style YAML that starts with `{`.
    if text.trim_start().starts_with('{')
        && let Ok(value) = serde_json::from_str::<Value>(text)
    {
        return Ok(value);
    }
    let value = crate::yaml::from_str(text).map_err(|e| match e {
        crate::yaml::YamlError::Syntax(e) => {
            let line = e.location().map(|l| l.line());
            Error::new(
                ErrorKind::Syntax,
                "#",
                format!("not valid YAML or JSON: {e}"),
            )
            .with_line(line)
        }
        crate::yaml::YamlError::TooLarge { limit, line } => Error::new(
            ErrorKind::Limit,
            "#",
            format!(
                "the YAML aliases expand the document to more than {} MiB (64 MiB, or twice the text's length); \
                 the count ran out at the node on this line, which aliases copy: write such a value once",
                limit >> 20
            ),
        )
        .with_line(line),
    })?;
    Ok(value)
}

fn check_version(raw: &Value) -> Result<()> {
    if let Some(swagger) = raw.get("swagger") {
        return Err(Error::new(
            ErrorKind::Version,
            "#/swagger",
            format!(
                "this is a Swagger {} document; only OpenAPI 3.0.x and 3.1.x are supported (convert it first, e.g. with swagger2openapi)",
                swagger
                    .as_str()
                    .map_or_else(|| swagger.to_string(), str::to_owned)
            ),
        ));
    }
    let Some(version) = raw.get("openapi") else {
        return Err(Error::new(
            ErrorKind::Version,
            "#",
            "missing `openapi` version field: not an OpenAPI 3.x document",
        ));
    };
    let Some(version) = version.as_str() else {
        return Err(Error::new(
            ErrorKind::Version,
            "#/openapi",
            format!("`openapi` must be a string like \"3.0.3\", found {version}"),
        ));
    };
    if version.starts_with("3.0") || version.starts_with("3.1") {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::Version,
            "#/openapi",
            format!("OpenAPI version {version:?} is not supported: only 3.0.x and 3.1.x are"),
        ))
    }
}

/// Real documents sometimes `$ref` a response to `#/components/requestBodies/X`, or a request
/// body to `#/components/responses/X`: the two share their shape (`description` +
/// `content`). `openapiv3` cannot follow a reference across sections, so such a reference is
/// replaced by a copy of its target before typing. Other misplaced references stay, and get
/// a clear error later.
/// A path item given by a local reference (`$ref: '#/paths/~1other'`, or 3.1's
/// `#/components/pathItems/Name`) becomes a copy of its target, which `openapiv3` then reads
/// like any path item (references to files were copied in by the bundler already). A chain
/// of references is followed a few steps; one that does not end at a path item is left, and
/// refused where operations are read.
fn inline_path_item_refs(raw: &mut Value) {
    const MAX_HOPS: usize = 8;
    let mut replacements: Vec<(String, Value)> = Vec::new();
    let Some(paths) = raw.get("paths").and_then(Value::as_object) else {
        return;
    };
    for (path, item) in paths {
        let mut node = item;
        for _ in 0..MAX_HOPS {
            let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let Some(target) = reference
                .strip_prefix('#')
                .map(|p| percent_encoding::percent_decode_str(p).decode_utf8_lossy())
                .and_then(|p| raw.pointer(&p))
            else {
                break;
            };
            node = target;
        }
        if !std::ptr::eq(node, item) && node.get("$ref").is_none() && node.is_object() {
            replacements.push((crate::error::push_pointer("/paths", path), node.clone()));
        }
    }
    for (at, value) in replacements {
        if let Some(slot) = raw.pointer_mut(&at) {
            *slot = value;
        }
    }
}

fn inline_misplaced_refs(raw: &mut Value) {
    const SWAPS: [(&str, &str); 2] = [
        ("responses", "#/components/requestBodies/"),
        ("requestBody", "#/components/responses/"),
    ];
    let mut replacements: Vec<(String, Value)> = Vec::new();
    let Some(paths) = raw.get("paths").and_then(Value::as_object) else {
        return;
    };
    for (path, item) in paths {
        let item_at = crate::error::push_pointer("/paths", path);
        for (method, op) in item.as_object().into_iter().flatten() {
            let op_at = crate::error::push_pointer(&item_at, method);
            let mut slots: Vec<(String, &Value, &str)> = Vec::new();
            if let Some(body) = op.get("requestBody") {
                slots.push((format!("{op_at}/requestBody"), body, SWAPS[1].1));
            }
            for (code, r) in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let at = crate::error::push_pointer(&format!("{op_at}/responses"), code);
                slots.push((at, r, SWAPS[0].1));
            }
            for (at, node, foreign) in slots {
                if let Some(reference) = node.get("$ref").and_then(Value::as_str)
                    && reference.starts_with(foreign)
                    && let Some(target) = raw.pointer(&reference[1..])
                    && target.get("$ref").is_none()
                {
                    replacements.push((at, target.clone()));
                }
            }
        }
    }
    for (at, value) in replacements {
        if let Some(slot) = raw.pointer_mut(&at) {
            *slot = value;
        }
    }
}

/// `openapiv3` holds integer schemas' `minimum`/`maximum`/`multipleOf` as `i64`; public
/// specs use bounds beyond that (2^128 - 1 for a u128). Such a bound constrains nothing a
/// 64-bit Rust integer could hold, so it is clamped to the `i64` range instead of refusing
/// a valid document.
fn clamp_integer_bounds(raw: &mut Value) {
    let mut stack = vec![raw];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                let integer = map.get("type").and_then(Value::as_str) == Some("integer");
                for key in ["minimum", "maximum", "multipleOf"] {
                    let Some(bound) = map.get_mut(key) else {
                        continue;
                    };
                    // YAML reads `1e400` (no dot, out of range) as a string.
                    if let Some(f) = bound.as_str().and_then(|s| s.parse::<f64>().ok()) {
                        *bound = serde_json::Number::from_f64(f.clamp(f64::MIN, f64::MAX))
                            .map_or(Value::Null, Value::Number);
                    }
                    if integer && bound.is_number() && !bound.is_i64() {
                        let f = bound.as_f64().unwrap_or(0.0);
                        *bound = Value::from(if f >= i64::MAX as f64 {
                            i64::MAX
                        } else if f <= i64::MIN as f64 {
                            i64::MIN
                        } else {
                            f.round() as i64
                        });
                    }
                }
                stack.extend(map.values_mut());
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

/// Deepest nesting accepted: real documents stay under 32 levels; far deeper input is
/// refused before the recursive deserializers could exhaust the stack.
const MAX_JSON_DEPTH: usize = 64;

fn check_depth(raw: &Value) -> Result<()> {
    // Depth first without building pointers (large specs have ~10^6 nodes); only a document
    // that is too deep pays for finding where.
    let mut stack = vec![(raw, 1usize)];
    let mut too_deep = false;
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_JSON_DEPTH {
            too_deep = true;
            break;
        }
        match node {
            Value::Object(map) => stack.extend(map.values().map(|v| (v, depth + 1))),
            Value::Array(items) => stack.extend(items.iter().map(|v| (v, depth + 1))),
            _ => {}
        }
    }
    if !too_deep {
        return Ok(());
    }
    let mut at = String::from("#");
    let mut node = raw;
    for _ in 0..MAX_JSON_DEPTH {
        // Follow the child that leads deepest.
        let Some((key, next)) = children(node).into_iter().max_by_key(|(_, v)| depth_of(v)) else {
            break;
        };
        at = crate::error::push_pointer(&at, &key);
        node = next;
    }
    Err(Error::new(
        ErrorKind::Unsupported,
        at,
        format!("the document nests more than {MAX_JSON_DEPTH} levels deep"),
    ))
}

fn children(node: &Value) -> Vec<(String, &Value)> {
    match node {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => Vec::new(),
    }
}

fn depth_of(value: &Value) -> usize {
    let mut best = 0;
    let mut stack = vec![(value, 1usize)];
    while let Some((node, depth)) = stack.pop() {
        best = best.max(depth);
        match node {
            Value::Object(map) => stack.extend(map.values().map(|v| (v, depth + 1))),
            Value::Array(items) => stack.extend(items.iter().map(|v| (v, depth + 1))),
            _ => {}
        }
    }
    best
}

pub(crate) fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::from("#");
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer = format!("{pointer}/{index}"),
            Segment::Map { key } => pointer = crate::error::push_pointer(&pointer, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

/// Finds the line of a JSON pointer in YAML or JSON text by looking for each key in turn
/// after the previous one. It is a heuristic (it ignores indentation), which is enough to
/// point a human at the right place; it never claims a line it did not find.
pub fn locate(source: &str, pointer: &str) -> Option<usize> {
    let (mut offset, mut start) = (0, 0);
    let tokens = pointer.trim_start_matches('#').split('/').skip(1);
    for token in tokens {
        let key = unescape_token(token);
        let candidates = [format!("\"{key}\""), format!("'{key}':"), format!("{key}:")];
        if key.parse::<usize>().is_ok()
            && !candidates
                .iter()
                .any(|c| find_key(&source[offset..], c).is_some())
        {
            continue; // an array index: no key text to find
        }
        let found = candidates
            .iter()
            .filter_map(|c| find_key(&source[offset..], c))
            .min()?;
        start = offset + found;
        // The next key is inside this one: search past its first character, or a key
        // repeated in the pointer (`items/items`) would find this one again.
        offset = start + source[start..].chars().next().map_or(0, char::len_utf8);
    }
    Some(source[..start].matches('\n').count() + 1)
}

/// The offset of `needle` where it starts a key (after indentation, `- `, `{` or `,`).
pub(crate) fn find_key(haystack: &str, needle: &str) -> Option<usize> {
    let mut start = 0;
    while let Some(i) = haystack[start..].find(needle) {
        let at = start + i;
        let before = haystack[..at].trim_end_matches([' ', '\t']);
        if before.is_empty() || before.ends_with(['\n', '{', ',', '-']) {
            return Some(at);
        }
        start = at + needle.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_yaml_and_json_keys() {
        let yaml = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses: {}\n";
        assert_eq!(locate(yaml, "#/paths/~1a/get"), Some(4));
        let json = "{\n \"openapi\": \"3.0.3\",\n \"paths\": {\n  \"/a\": {}\n }\n}";
        assert_eq!(locate(json, "#/paths/~1a"), Some(4));
        assert_eq!(locate(yaml, "#/nothing"), None);
        let nested = "a:\n  items:\n    items:\n      type: [x]\n";
        assert_eq!(locate(nested, "#/a/items/items/type"), Some(4));
        assert_eq!(locate(nested, "#/a/items/items"), Some(3));
        assert_eq!(locate("名:\n  名:\n    x: 1\n", "#/名/名/x"), Some(3));
        // An array index is no key, even where `0:` ends another key (`p10:`).
        let flow = "a: {p10: 1}\nb: {allOf: [x, y]}\n";
        assert_eq!(locate(flow, "#/b/allOf/0"), Some(2));
    }

    #[test]
    fn version_checks() {
        let err = parse_spec("swagger: '2.0'\ninfo: {title: x, version: '1'}\n").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Version);
        assert!(parse_spec("openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\n").is_ok());
        let err =
            parse_spec("openapi: 3.2.0\ninfo: {title: x, version: '1'}\npaths: {}\n").unwrap_err();
        assert!(err.message.contains("3.1.x"), "{err}");
        assert_eq!(err.line, Some(1));
    }

    #[test]
    fn integer_status_codes_and_json_in_yaml() {
        let yaml = "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n";
        let spec = parse_spec(yaml).unwrap();
        assert_eq!(spec.openapi.paths.paths.len(), 1);
        let json = r#"{"openapi": "3.0.0", "info": {"title": "x", "version": "1"}, "paths": {}}"#;
        assert!(parse_spec(json).is_ok());
    }
}
