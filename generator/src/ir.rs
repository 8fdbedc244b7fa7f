//! The validated model between the spec and the emitters.
//!
//! Everything here is resolved: `$ref`s are names, Rust identifiers are decided and unique,
//! inline schemas have names. The emitters only translate this into tokens.

use std::collections::BTreeMap;

/// The whole API.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// First server URL, if any (without trailing slash).
    pub base_url: Option<String>,
    /// How requests authenticate.
    /// The security schemes the client holds credentials for, in the order the document
    /// first uses them; operations' requirements index into this list.
    pub schemes: Vec<Scheme>,
    /// What a `429 Too Many Requests` means (`x-too-many-requests`).
    pub too_many_requests: TooManyRequests,
    /// Named types, in a deterministic order (components in spec order, then inline types
    /// in the order they were met).
    pub types: TypeTable,
    /// Operations grouped by resource (first tag), sorted by module name.
    pub groups: Vec<Group>,
    /// Names of the types that can arrive in a response (directly or nested): only those
    /// need to tolerate values this version does not know.
    pub response_types: std::collections::BTreeSet<String>,
    /// Names of the request types with a documented limit to check somewhere inside: those
    /// get a `validate` method.
    pub validated: std::collections::BTreeSet<String>,
    /// Names of the inferred models: decoded leniently, keeping their JSON (see
    /// [`crate::inferred`]).
    pub inferred_models: std::collections::BTreeSet<String>,
    /// Schemas, bodies and responses the generator could not type, generated as raw JSON or
    /// bytes instead: why, and where.
    pub fallbacks: Vec<crate::Error>,
    /// Example values of the operations' inputs, for the generated doc examples.
    pub examples: crate::examples::Examples,
    /// The shared error responses (`$ref`s to `components/responses`) with a named body
    /// type, each status once, in order of first use: described once, on their body type
    /// (see [`crate::errors`]).
    pub shared_errors: Vec<ErrorResponse>,
    /// Which group features compile each type, when the crate has a feature per group
    /// (see [`crate::features`]); `None` when everything is always compiled.
    pub features: Option<Features>,
}

/// The Cargo features of a crate with a feature per group: each [`Group::feature`], and
/// which of them each named type needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    /// Type name -> the features of the groups that reach it, sorted; a type no operation
    /// reaches has none and is compiled with the feature that turns on every group.
    pub types: BTreeMap<String, Vec<String>>,
    /// Type name -> the features of the groups that send it (in a parameter or body, or
    /// inside one): its input checks (`validate`) are compiled with those only, as no other
    /// group calls them.
    pub sent: BTreeMap<String, Vec<String>>,
}

/// What a `429 Too Many Requests` means for the API (see [`crate::policy`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TooManyRequests {
    /// A short-term rate limit: waited out and retried.
    RateLimit,
    /// A spent quota: never retried; errors say `message`.
    Quota {
        /// What the API's 429 means.
        message: String,
    },
}

/// One security scheme the client can send a credential for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheme {
    /// Its name in `components.securitySchemes`.
    pub name: String,
    /// How its credential is sent.
    pub auth: Auth,
}

/// How one credential is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// No security scheme.
    None,
    /// `prefix + credential` in header `name` (apiKey in header; bearer; oauth2 tokens).
    Header {
        /// Header name.
        name: String,
        /// Text before the credential (`x-value-prefix`, or `Bearer ` for bearer/oauth2).
        prefix: String,
    },
    /// Credential as query parameter `name`.
    Query {
        /// Parameter name.
        name: String,
    },
    /// HTTP basic: the credential is `user:password`.
    Basic,
    /// An OAuth2 scheme with a client-credentials flow: a bearer token the client can
    /// fetch itself.
    ClientCredentials {
        /// The flow's `tokenUrl`.
        token_url: String,
        /// The scopes the document's requirements ask of this scheme, in order of first use.
        scopes: Vec<String>,
    },
}

/// Documentation gathered for one item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Doc {
    /// Title or summary line.
    pub title: Option<String>,
    /// Free text (CommonMark).
    pub description: Option<String>,
    /// Extra facts (constraints, defaults, formats), one per line.
    pub notes: Vec<String>,
}

/// The named types in order, with look-up by name (emitters ask for a type's kind for
/// every field and parameter, so a linear search would make generation quadratic).
#[derive(Debug, Clone, Default)]
pub struct TypeTable {
    defs: Vec<TypeDef>,
    index: BTreeMap<String, usize>,
}

impl TypeTable {
    /// A table of `defs` (names are unique).
    pub fn new(defs: Vec<TypeDef>) -> Self {
        let index = defs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.name.clone(), i))
            .collect();
        TypeTable { defs, index }
    }

    /// Drops the types after the first `len`.
    pub fn truncate(&mut self, len: usize) {
        for def in self.defs.drain(len.min(self.defs.len())..) {
            self.index.remove(&def.name);
        }
    }

    /// Adds a type.
    pub fn push(&mut self, def: TypeDef) {
        self.index.insert(def.name.clone(), self.defs.len());
        self.defs.push(def);
    }

    /// The type named `name`.
    pub fn named(&self, name: &str) -> Option<&TypeDef> {
        self.index.get(name).map(|&i| &self.defs[i])
    }

    /// The types, in order.
    pub fn as_slice(&self) -> &[TypeDef] {
        &self.defs
    }

    /// The types, mutably (names must not change).
    pub fn as_mut_slice(&mut self) -> &mut [TypeDef] {
        &mut self.defs
    }
}

impl std::ops::Deref for TypeTable {
    type Target = [TypeDef];

    fn deref(&self) -> &[TypeDef] {
        &self.defs
    }
}

/// A named Rust type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Rust name (unique).
    pub name: String,
    /// Where it comes from (JSON pointer).
    pub pointer: String,
    /// Its documentation.
    pub doc: Doc,
    /// Its shape.
    pub kind: TypeKind,
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A string enum, open to unknown values.
    StringEnum(StringEnum),
    /// An integer enum, open to unknown values.
    IntEnum(IntEnum),
    /// `oneOf`/`anyOf`.
    Union(Union),
    /// Another name for a type (component schemas that are not objects or enums).
    Alias(Ty),
}

/// An object's fields.
#[derive(Debug, Clone)]
pub struct Struct {
    /// Fields in spec order.
    pub fields: Vec<Field>,
    /// Type of additional properties, kept in a flattened map, when the object is open.
    pub additional: Option<Ty>,
    /// `additionalProperties: false`.
    pub closed: bool,
}

/// One property.
#[derive(Debug, Clone)]
pub struct Field {
    /// Rust name.
    pub name: String,
    /// JSON name.
    pub wire: String,
    /// Type of a present, non-null value.
    pub ty: Ty,
    /// In `required`.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// Held as a plain `Option<T>` though optional and nullable, `null` decoding as
    /// `None` ([`crate::inferred`]: a response model's). `nullable` still says what the
    /// spec says, for what compares responses with it (drift).
    pub null_is_none: bool,
    /// The `format` of a string property (`date-time`, `uuid`), as the spec writes it.
    pub format: Option<String>,
    /// `readOnly: true`.
    pub read_only: bool,
    /// `writeOnly: true`.
    pub write_only: bool,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Boxed to break a cycle of by-value types.
    pub boxed: bool,
    /// Its documentation.
    pub doc: Doc,
    /// Documented limits on its value, checked before a request is sent.
    pub limits: Limits,
}

impl Field {
    /// How the field is held in Rust.
    pub fn shape(&self) -> FieldShape {
        let optional = !self.required || self.read_only || self.write_only;
        match (optional, self.nullable && !(optional && self.null_is_none)) {
            (false, false) => FieldShape::Plain,
            (false, true) => FieldShape::Nullable,
            (true, false) => FieldShape::Optional,
            (true, true) => FieldShape::OptionalNullable,
        }
    }
}

/// Required/nullable combinations, each with its own Rust representation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldShape {
    /// `T`.
    Plain,
    /// Required but nullable: `Option<T>`, `None` sent as `null`.
    Nullable,
    /// Optional: `Option<T>`, `None` not sent.
    Optional,
    /// Optional and nullable: `Option<Option<T>>` keeps "absent" and "null" apart.
    OptionalNullable,
}

/// The limits a schema declares on a value (`minLength`, `maximum`, `maxItems`, ...), checked
/// before a request is sent. Limits of a named struct or union live on its own fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Limits {
    /// `minLength`, in characters.
    pub min_length: Option<u64>,
    /// `maxLength`, in characters.
    pub max_length: Option<u64>,
    /// `minimum`, and whether it is exclusive.
    pub minimum: Option<(f64, bool)>,
    /// `maximum`, and whether it is exclusive.
    pub maximum: Option<(f64, bool)>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// Limits of each item of an array, or of each value of a map.
    pub items: Option<Box<Limits>>,
}

impl Limits {
    /// Whether nothing is limited.
    pub fn is_empty(&self) -> bool {
        *self == Limits::default()
    }
}

/// A string enum.
#[derive(Debug, Clone)]
pub struct StringEnum {
    /// `(rust variant, wire value)`.
    pub variants: Vec<(String, String)>,
    /// Name of the catch-all variant that holds unknown values.
    pub other: String,
    /// Index of the variant named by `default`.
    pub default: Option<usize>,
}

/// An integer enum.
#[derive(Debug, Clone)]
pub struct IntEnum {
    /// `(rust variant, value)`.
    pub variants: Vec<(String, i64)>,
    /// Name of the catch-all variant.
    pub other: String,
}

/// `oneOf` / `anyOf`.
#[derive(Debug, Clone)]
pub struct Union {
    /// Property that tells the variants apart (internally tagged), if there is a usable one.
    pub tag: Option<String>,
    /// The variants.
    pub variants: Vec<Variant>,
    /// `anyOf` rather than `oneOf`.
    pub any_of: bool,
}

/// One variant of a union.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Rust name.
    pub name: String,
    /// Tag value, for tagged unions.
    pub tag_value: Option<String>,
    /// Payload.
    pub ty: Ty,
    /// Boxed to break a cycle.
    pub boxed: bool,
    /// The `description` of an alternative written in place (one named elsewhere is
    /// described by its type's docs).
    pub doc: Option<String>,
}

/// A Rust type expression.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ty {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// An integer type (`i64`, `u32`, ...).
    Int(&'static str),
    /// `f64` or `f32`.
    Float(&'static str),
    /// Any JSON.
    Value,
    /// A free-form JSON object.
    Object,
    /// A file/binary payload (multipart parts, octet-stream bodies).
    Binary,
    /// A generated type.
    Named(String),
    /// `Vec<T>`.
    Vec(Box<Ty>),
    /// `BTreeMap<String, T>`.
    Map(Box<Ty>),
    /// `Option<T>` inside a container (nullable items).
    Option(Box<Ty>),
    /// `(A, B, ...)`: an array of fixed length whose items have their own types (3.1
    /// `prefixItems`).
    Tuple(Box<[Ty]>),
}

impl Ty {
    /// Named types this type holds by value (not behind `Vec`/`Map`), for cycle detection.
    pub fn by_value_names(&self) -> Vec<&str> {
        match self {
            Ty::Named(n) => vec![n.as_str()],
            Ty::Option(inner) => inner.by_value_names(),
            Ty::Tuple(items) => items.iter().flat_map(Ty::by_value_names).collect(),
            _ => Vec::new(),
        }
    }

    /// Whether values of this type can be compared with `Eq` (no floats, no JSON values).
    pub fn is_scalar_string(&self) -> bool {
        matches!(self, Ty::String)
    }
}

/// Operations of one resource.
#[derive(Debug, Clone)]
pub struct Group {
    /// Module name (`links`).
    pub module: String,
    /// `Client` method returning the group (`links`).
    pub accessor: String,
    /// Struct name (`Links`).
    pub struct_name: String,
    /// Tag description.
    pub doc: Doc,
    /// Operations in spec order.
    pub ops: Vec<Operation>,
    /// The Cargo feature that compiles the group, when the crate has a feature per group
    /// (see [`crate::features`]).
    pub feature: Option<String>,
}

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// Upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `operationId` (or one derived from method and path).
    pub id: String,
    /// HTTP method.
    pub method: Method,
    /// Path template.
    pub path: String,
    /// Method name on the group (`list`).
    pub method_name: String,
    /// Request builder name (`ListLinks`): an alias of the runtime's `Request` of its
    /// inputs.
    pub builder: String,
    /// The struct holding the operation's inputs (`ListLinksInput`).
    pub input: String,
    /// The operation's static description (`LIST_LINKS`).
    pub static_name: String,
    /// Documentation (summary, description).
    pub doc: Doc,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Required scopes (`x-scopes`, or OAuth2 scopes of the security requirement).
    pub scopes: Vec<String>,
    /// The security requirement alternatives (OR) the client can meet, each the indices
    /// into [`Api::schemes`] of the schemes sent together (AND); an empty alternative sends
    /// nothing, and no alternative at all makes a public operation (`security: []`, or no
    /// requirement).
    pub security: Vec<Vec<usize>>,
    /// Parameters: path ones in template order, then the rest in spec order.
    pub params: Vec<Param>,
    /// Request body.
    pub body: Option<Body>,
    /// What a success returns.
    pub response: Response,
    /// The operation's `x-` extensions, for emitters that want them.
    pub extensions: BTreeMap<String, serde_json::Value>,
    /// Token pagination, when the response carries the next page's token: `.stream()`.
    pub cursor: Option<Cursor>,
    /// The documented error responses with a JSON body, in spec order.
    pub errors: Vec<ErrorResponse>,
    /// The success value is an inferred model (or a list or page of them) and is decoded
    /// leniently: never an error (see [`crate::inferred`]).
    pub lenient: bool,
    /// Every response the spec documents (`default` last), for drift recording.
    pub documented: Vec<Documented>,
}

/// A response the spec documents for an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Documented {
    /// `200`, `2XX` or `default`.
    pub status: String,
    /// Its media types, in spec order (none: no body).
    pub media: Vec<String>,
    /// One of them is JSON (the one an operation's typed response decodes).
    pub json: bool,
    /// Whether it is a success response (2xx, or `default` when no other is): the one
    /// whose JSON body is the operation's [`Response`].
    pub success: bool,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// A header.
    Header,
    /// A cookie (sent in the `Cookie` header).
    Cookie,
}

/// How an array parameter is serialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// One value, or `a,b,c` for arrays (`style: form, explode: false`, `simple`).
    Joined(char),
    /// Repeated `k=a&k=b` (`style: form, explode: true`, the default).
    Repeated,
    /// Serialized as JSON text (objects, `content`): a documented fallback.
    Json,
    /// `name[key]=value` per property of an object (`style: deepObject`, query only).
    DeepObject,
}

/// One parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Wire name.
    pub wire: String,
    /// Rust name (unique in the operation).
    pub name: String,
    /// Where it goes.
    pub location: Location,
    /// Type.
    pub ty: Ty,
    /// Required (path parameters always are).
    pub required: bool,
    /// Serialization.
    pub style: Style,
    /// A boolean whose only allowed value is `true` (`enum: [true]`): a switch that is either
    /// sent as `true` or not sent, so its setter takes no argument.
    pub flag: bool,
    /// Its documentation.
    pub doc: Doc,
    /// Documented limits on its value, checked before a request is sent.
    pub limits: Limits,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// Whether it must be sent.
    pub required: bool,
    /// Content type and payload.
    pub kind: BodyKind,
    /// Its documentation.
    pub doc: Doc,
}

/// Body encodings.
#[derive(Debug, Clone)]
pub enum BodyKind {
    /// `application/json` (or `+json`).
    Json(Ty),
    /// `application/x-www-form-urlencoded`.
    Form(Ty),
    /// `multipart/form-data`: one builder setter per part.
    Multipart(Vec<Part>),
    /// Anything else, sent as raw bytes with this content type.
    Bytes(String),
}

/// One multipart part.
#[derive(Debug, Clone)]
pub struct Part {
    /// Part name on the wire.
    pub wire: String,
    /// Rust name.
    pub name: String,
    /// `Ty::Binary` for files, `Ty::Vec(Binary)` for several files, else a text value.
    pub ty: Ty,
    /// Required.
    pub required: bool,
    /// Its documentation.
    pub doc: Doc,
    /// Documented limits on its value, checked before a request is sent.
    pub limits: Limits,
}

/// What a successful call returns.
#[derive(Debug, Clone)]
pub enum Response {
    /// Nothing (no content declared).
    Empty,
    /// JSON decoded into a type, maybe unwrapped from an envelope.
    Json {
        /// The body type.
        ty: Ty,
        /// Unwrapping of the envelope (`x-unwrap`, `x-pagination`).
        unwrap: Unwrap,
    },
    /// `text/*`.
    Text,
    /// Any other content type.
    Bytes,
}

/// How the body is unwrapped.
#[derive(Debug, Clone)]
pub enum Unwrap {
    /// Returned as decoded.
    None,
    /// `x-unwrap: <field>`: return that field.
    Field {
        /// Rust field name in the body struct.
        field: String,
        /// Its JSON name: where the value is in the body.
        wire: String,
        /// Its type as held in the struct (maybe `Option`).
        ty: Ty,
        /// Whether the struct holds it as `Option`.
        optional: bool,
    },
    /// `x-pagination`: return a page.
    Page(Box<Pagination>),
}

/// A documented error response: what [`crate::runtime`]'s `ApiError::body_as` decodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorResponse {
    /// `404`, `4XX` or `default`.
    pub status: String,
    /// The body's type.
    pub ty: Ty,
    /// The response's description.
    pub description: Option<String>,
    /// The name of the `components/responses` entry it is a `$ref` to: a response the API
    /// shares between operations, described once, on its body type.
    pub shared: Option<String>,
}

/// A list paginated by tokens: the response holds the items and the next page's token,
/// which the next request sends back in a query parameter.
#[derive(Debug, Clone)]
pub struct Cursor {
    /// Rust name of the response field with the items.
    pub items: String,
    /// Its JSON name.
    pub items_wire: String,
    /// How that field is held.
    pub items_shape: FieldShape,
    /// Item type.
    pub item: Ty,
    /// Rust name of the response field with the next token.
    pub next: String,
    /// Its JSON name.
    pub next_wire: String,
    /// How that field is held.
    pub next_shape: FieldShape,
    /// Rust name of the token query parameter.
    pub token_param: String,
    /// Optional parameters cleared for every page after the first (Dropshot encodes them in
    /// the token and refuses them beside it).
    pub reset: Vec<String>,
}

/// Paginated list.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// Rust field path to the items (`["data"]`).
    pub items: Vec<String>,
    /// JSON names on the way to the items in the body (`["data"]`).
    pub items_wire: Vec<String>,
    /// Item type.
    pub item: Ty,
    /// Rust field path to the current page number.
    pub current_page: Vec<String>,
    /// JSON names on the way to it (`["meta", "currentPage"]`).
    pub current_page_wire: Vec<String>,
    /// Its integer type.
    pub current_page_int: &'static str,
    /// Rust field path to the total page count.
    pub total_pages: Vec<String>,
    /// JSON names on the way to it.
    pub total_pages_wire: Vec<String>,
    /// Its integer type.
    pub total_pages_int: &'static str,
    /// Rust name of the page query parameter.
    pub page_param: String,
    /// Its integer type.
    pub page_param_int: &'static str,
}

/// `ty` with aliases replaced by what they stand for.
pub fn resolved<'a>(ty: &'a Ty, all: &'a TypeTable) -> &'a Ty {
    let mut ty = ty;
    for _ in 0..32 {
        let Ty::Named(name) = ty else { break };
        match all.named(name).map(|t| &t.kind) {
            Some(TypeKind::Alias(inner)) => ty = inner,
            _ => break,
        }
    }
    ty
}
