//! The report's data: what changed (facts from `compare`), how bad it is (verdicts from
//! `classify`). This is also the JSON output, so field names and rule ids are stable:
//! renaming one is a breaking change for the tools that read it.

use serde::Serialize;
use serde_json::Value;

use super::codediff::CodeDiff;

/// How bad a change is, for one audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Nothing that worked stops working.
    Compatible,
    /// Works, but behaviour may change or some clients may be refused (scopes, defaults).
    Warning,
    /// Something that worked stops working (or stops compiling).
    Breaking,
}

impl Level {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Compatible => "compatible",
            Level::Warning => "warning",
            Level::Breaking => "breaking",
        }
    }
}

/// A level and the one-line reason for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The level.
    pub level: Level,
    /// Why, in one line.
    pub reason: String,
}

/// Where the changed schema is used, which decides who a change hurts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Not a schema change (operations, parameters as such, status codes).
    None,
    /// Sent by clients.
    Request,
    /// Received by clients.
    Response,
    /// Both sent and received.
    Both,
    /// A component no operation uses (it still becomes a Rust type).
    Unused,
}

/// A Rust item before and after, when the change touches one (`None`: absent on that side).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RustDelta {
    /// Before.
    pub before: Option<String>,
    /// After.
    pub after: Option<String>,
}

impl RustDelta {
    /// A delta from two sides.
    pub fn new(before: Option<String>, after: Option<String>) -> Self {
        RustDelta { before, after }
    }

    /// Whether the generated item differs.
    pub fn changed(&self) -> bool {
        self.before != self.after
    }
}

/// What changed: one rule per variant (the `rule` field of the JSON output).
///
/// Flattened into [`Change`], so no field may share a name with one of `Change`'s:
/// the generated item is `rust_item` beside the `rust` verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "rule", rename_all = "kebab-case")]
pub enum ChangeKind {
    /// A new operation.
    OperationAdded {
        /// The generated call.
        #[serde(rename = "rust_item")]
        rust: Option<String>,
    },
    /// An operation is gone.
    OperationRemoved {
        /// The generated call it had.
        #[serde(rename = "rust_item")]
        rust: Option<String>,
        /// Its request builder type.
        builder: Option<String>,
    },
    /// Same operation, other path template.
    PathChanged {
        /// Old path.
        from: String,
        /// New path.
        to: String,
    },
    /// Same operation, other HTTP method.
    MethodChanged {
        /// Old method.
        from: String,
        /// New method.
        to: String,
    },
    /// Same method and path, other `operationId`.
    OperationIdChanged {
        /// Old id.
        from: String,
        /// New id.
        to: String,
        /// Method and builder names.
        #[serde(rename = "rust_item")]
        rust: RustDelta,
    },
    /// The first tag (the resource group) changed.
    TagChanged {
        /// Old tag.
        from: Option<String>,
        /// New tag.
        to: Option<String>,
        /// Group accessor.
        #[serde(rename = "rust_item")]
        rust: RustDelta,
    },
    /// Required scopes changed.
    ScopesChanged {
        /// Scopes now required that were not.
        added: Vec<String>,
        /// Scopes no longer required.
        removed: Vec<String>,
    },
    /// `deprecated` flipped.
    DeprecatedChanged {
        /// New value.
        deprecated: bool,
    },
    /// The generated method was renamed without an operationId or tag change
    /// (`x-rust-method`, naming collisions).
    RustMethodRenamed {
        /// The call.
        #[serde(rename = "rust_item")]
        rust: RustDelta,
    },
    /// Positional arguments kept but in another order.
    RustArgumentsReordered {
        /// The argument lists.
        #[serde(rename = "rust_item")]
        rust: RustDelta,
    },
    /// What `send()` returns changed.
    RustReturnTypeChanged {
        /// The return types.
        #[serde(rename = "rust_item")]
        rust: RustDelta,
    },
    /// The type of the body argument or setter changed (same encoding).
    RustBodyTypeChanged {
        /// The body types.
        #[serde(rename = "rust_item")]
        rust: RustDelta,
    },
    /// A parameter is new.
    ParameterAdded {
        /// Whether it is required.
        required: bool,
        /// How it appears in Rust.
        #[serde(rename = "rust_item")]
        rust: Option<String>,
    },
    /// A parameter is gone.
    ParameterRemoved {
        /// Whether it was required.
        required: bool,
        /// How it appeared in Rust.
        #[serde(rename = "rust_item")]
        rust: Option<String>,
    },
    /// A parameter removed and one added with the same location and schema.
    ParameterRenamed {
        /// Old name.
        from: String,
        /// New name.
        to: String,
        /// `path`, `query`, `header` or `cookie` (`in`, as in the spec: `location` is the
        /// change's own field).
        #[serde(rename = "in")]
        location: String,
        /// Its Rust form.
        #[serde(rename = "rust_item")]
        rust: RustDelta,
    },
    /// `required` of a parameter flipped.
    ParameterRequiredChanged {
        /// New value.
        required: bool,
        /// Its Rust form.
        #[serde(rename = "rust_item")]
        rust: RustDelta,
    },
    /// A request body is new.
    RequestBodyAdded {
        /// Whether it is required.
        required: bool,
    },
    /// The request body is gone.
    RequestBodyRemoved,
    /// `required` of the request body flipped.
    RequestBodyRequiredChanged {
        /// New value.
        required: bool,
    },
    /// A media type is new (request body or response: see the location).
    ContentTypeAdded {
        /// The media type.
        media: String,
        /// The generated body encoding (requests) or return type (responses).
        #[serde(rename = "rust_item")]
        rust: RustDelta,
    },
    /// A media type is gone.
    ContentTypeRemoved {
        /// The media type.
        media: String,
        /// The generated body encoding (requests) or return type (responses).
        #[serde(rename = "rust_item")]
        rust: RustDelta,
    },
    /// A response status is new.
    StatusAdded {
        /// The status (`404`, `4XX`, `default`).
        status: String,
        /// Whether it is a 2xx.
        success: bool,
    },
    /// A response status is gone.
    StatusRemoved {
        /// The status.
        status: String,
        /// Whether it was a 2xx.
        success: bool,
    },
    /// The only 2xx status is another one.
    SuccessStatusChanged {
        /// Old status.
        from: String,
        /// New status.
        to: String,
    },
    /// An object property is new.
    PropertyAdded {
        /// Whether it is required.
        required: bool,
        /// The generated field, if any.
        #[serde(rename = "rust_item")]
        rust: Option<String>,
        /// Whether the constructor `new(..)` takes it.
        constructor_argument: bool,
    },
    /// An object property is gone.
    PropertyRemoved {
        /// Whether it was required.
        required: bool,
        /// The generated field it had, if any.
        #[serde(rename = "rust_item")]
        rust: Option<String>,
    },
    /// `required` of a property flipped.
    PropertyRequiredChanged {
        /// New value.
        required: bool,
        /// The generated field.
        #[serde(rename = "rust_item")]
        rust: RustDelta,
    },
    /// `type` or `format` changed.
    TypeChanged {
        /// Old `type (format)`.
        from: String,
        /// New `type (format)`.
        to: String,
        /// The generated type.
        #[serde(rename = "rust_item")]
        rust: RustDelta,
    },
    /// `nullable` flipped.
    NullableChanged {
        /// New value.
        nullable: bool,
        /// The generated type.
        #[serde(rename = "rust_item")]
        rust: RustDelta,
    },
    /// A value added to `enum`.
    EnumValueAdded {
        /// The value.
        value: Value,
        /// Its new variant (`ItemStatus::Archived`).
        rust_variant: Option<String>,
        /// The catch-all variant the value decoded as before (`ItemStatus::Other`).
        catch_all: Option<String>,
    },
    /// A value removed from `enum`.
    EnumValueRemoved {
        /// The value.
        value: Value,
        /// The variant it had (`ItemStatus::Paused`).
        rust_variant: Option<String>,
    },
    /// `default` changed.
    DefaultChanged {
        /// Old default.
        from: Option<Value>,
        /// New default.
        to: Option<Value>,
        /// The variant `Default::default()` returns, for a generated enum.
        #[serde(rename = "rust_item")]
        rust: RustDelta,
    },
    /// A limit (`maximum`, `maxLength`, `pattern`, ...) changed.
    LimitChanged {
        /// The keyword.
        limit: String,
        /// Old value.
        from: Option<Value>,
        /// New value.
        to: Option<Value>,
        /// Whether fewer values are valid now.
        tightened: bool,
    },
    /// `additionalProperties` allowed or forbidden.
    AdditionalPropertiesChanged {
        /// Whether extra properties are allowed now.
        allowed: bool,
        /// Whether the generated struct keeps them.
        #[serde(rename = "rust_item")]
        rust: RustDelta,
    },
    /// A `oneOf`/`anyOf` alternative is new.
    VariantAdded {
        /// The alternative (component name or position).
        variant: String,
        /// The generated union type.
        #[serde(rename = "rust_item")]
        rust: RustDelta,
        /// Its new variant (`Event::Archived`).
        rust_variant: Option<String>,
        /// The catch-all variant of a received tagged union (`Event::Unknown`); `None` for
        /// an untagged union, which has none.
        catch_all: Option<String>,
        /// Variants that decoded some received values before and may lose them to the
        /// new one: the catch-all of a tagged union (`Event::Unknown`), or the variants an
        /// untagged union now tries after it. Empty when decoding cannot change.
        captures: Vec<String>,
    },
    /// A `oneOf`/`anyOf` alternative is gone.
    VariantRemoved {
        /// The alternative.
        variant: String,
        /// The generated union type.
        #[serde(rename = "rust_item")]
        rust: RustDelta,
    },
    /// A component schema is new.
    SchemaAdded {
        /// The generated type.
        #[serde(rename = "rust_item")]
        rust: Option<String>,
    },
    /// A component schema is gone.
    SchemaRemoved {
        /// The generated type it had.
        #[serde(rename = "rust_item")]
        rust: Option<String>,
    },
    /// A generated type that is not a component's (an inline schema's: a parameter enum,
    /// an inline body) is gone or named otherwise.
    RustTypeRemoved {
        /// The old type, and the new name of the type at the same place if there is one.
        #[serde(rename = "rust_item")]
        rust: RustDelta,
    },
    /// A component schema removed and an identical one added under another name.
    SchemaRenamed {
        /// Old name.
        from: String,
        /// New name.
        to: String,
        /// The generated type.
        #[serde(rename = "rust_item")]
        rust: RustDelta,
    },
}

/// One change: where, what, and its two verdicts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Where in the operation or schema, as displayed: a parameter, a body or response with
    /// its media type, and a property path (`.data[].name`); empty for the operation or
    /// schema itself.
    pub location: String,
    /// Where the changed schema is used.
    pub direction: Direction,
    /// What changed.
    #[serde(flatten)]
    pub kind: ChangeKind,
    /// The change in words.
    pub summary: String,
    /// Does an existing client still work against the new server?
    pub wire: Verdict,
    /// Does code written against the old generated crate still compile?
    pub rust: Verdict,
}

/// The changes of one operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OperationSection {
    /// HTTP method (the new one when it changed).
    pub method: String,
    /// Path template (the new one when it changed).
    pub path: String,
    /// `operationId` (the new one when it changed).
    pub operation_id: String,
    /// The generated call, `client.links().list()`.
    pub rust: Option<String>,
    /// The changes, in a fixed order.
    pub changes: Vec<Change>,
    /// Generated types that make up its Rust API, old and new (group struct, builder):
    /// what a breaking Rust verdict of this section is expected to touch.
    #[serde(skip)]
    pub items: Vec<String>,
}

/// The changes of one component schema.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemaSection {
    /// The component name.
    pub name: String,
    /// The generated Rust type.
    pub rust: Option<String>,
    /// Where it is used (old and new spec together).
    pub used_in: Direction,
    /// The operations that send or receive it (the blast radius of its changes), sorted
    /// by path then method; old and new spec together.
    pub operations: Vec<Affected>,
    /// The same operations grouped by how they reach it, largest group first.
    pub reach: Vec<ReachGroup>,
    /// The changes, in a fixed order.
    pub changes: Vec<Change>,
    /// Its generated type, old and new name.
    #[serde(skip)]
    pub items: Vec<String>,
}

/// An operation that sends or receives a changed component schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Affected {
    /// HTTP method (the new spec's when the operation is in both).
    pub method: String,
    /// Path template.
    pub path: String,
    /// `operationId`.
    pub operation_id: String,
    /// The generated call, `client.folders().create(..)` (`..`: positional arguments).
    pub call: Option<String>,
    /// Whether the schema is reached in the request, the responses, or both.
    pub reached: Direction,
    /// How the request reaches it: the component schemas in between, outermost first
    /// (empty: the request names it directly); absent when the request does not.
    pub request_via: Option<Vec<String>>,
    /// How a response reaches it, likewise.
    pub response_via: Option<Vec<String>>,
    /// How a success (`2XX`) response reaches it, likewise.
    pub success_via: Option<Vec<String>>,
    /// The shared response (`#/components/responses/X`) that success response is, if any.
    pub success_response: Option<String>,
    /// How an error response (any other status, `default` included) reaches it, likewise.
    pub error_via: Option<Vec<String>>,
    /// The shared response that error response is, if any.
    pub error_response: Option<String>,
}

/// Which part of an operation reaches a changed schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// Its parameters or request body.
    Request,
    /// A success (`2XX`) response body.
    SuccessResponse,
    /// Any other response body: an error.
    ErrorResponse,
}

impl Part {
    /// As written in the text and Markdown reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Request => "requests",
            Part::SuccessResponse => "success responses",
            Part::ErrorResponse => "error responses",
        }
    }
}

/// The operations that reach a changed schema the same way: in the same part, through the
/// same shared parent. What keeps a schema behind a shared error response readable when it
/// reaches hundreds of operations: one line, a count and a few examples.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReachGroup {
    /// Where in the operations.
    pub part: Part,
    /// The shared parent, as a JSON pointer: the shared response
    /// (`#/components/responses/error`) when the part is written as one, else the
    /// outermost component schema in between (`#/components/schemas/Error`); `None` when
    /// the part names the changed schema directly.
    pub through: Option<String>,
    /// How many operations.
    pub count: usize,
    /// Indices into the section's `operations` (sorted by path then method), all of them.
    pub operations: Vec<usize>,
}

/// Counts per level for one audience.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Breaking changes.
    pub breaking: usize,
    /// Warnings.
    pub warning: usize,
    /// Compatible changes.
    pub compatible: usize,
}

impl Counts {
    fn add(&mut self, level: Level) {
        match level {
            Level::Breaking => self.breaking += 1,
            Level::Warning => self.warning += 1,
            Level::Compatible => self.compatible += 1,
        }
    }
}

/// Totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Number of changes.
    pub changes: usize,
    /// Operations with changes.
    pub operations: usize,
    /// Schemas with changes.
    pub schemas: usize,
    /// Wire verdicts.
    pub wire: Counts,
    /// Rust verdicts.
    pub rust: Counts,
    /// Whether any change is breaking on the wire or for Rust.
    pub breaking: bool,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The old side, as named on the command line.
    pub old: String,
    /// The new side.
    pub new: String,
    /// Totals.
    pub summary: Summary,
    /// Changes per operation, sorted by path then method.
    pub operations: Vec<OperationSection>,
    /// Changes per component schema, sorted by name.
    pub schemas: Vec<SchemaSection>,
    /// What the generated code diff is made of (absent when not computed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated: Option<CodeDiff>,
}

impl Report {
    /// A report of these sections, with the totals computed.
    pub fn new(
        old: String,
        new: String,
        operations: Vec<OperationSection>,
        schemas: Vec<SchemaSection>,
    ) -> Report {
        let mut summary = Summary {
            operations: operations.len(),
            schemas: schemas.len(),
            ..Summary::default()
        };
        let all = operations
            .iter()
            .flat_map(|o| &o.changes)
            .chain(schemas.iter().flat_map(|s| &s.changes));
        for c in all {
            summary.changes += 1;
            summary.wire.add(c.wire.level);
            summary.rust.add(c.rust.level);
        }
        summary.breaking = summary.wire.breaking + summary.rust.breaking > 0;
        Report {
            old,
            new,
            summary,
            operations,
            schemas,
            generated: None,
        }
    }

    /// Every change, operations first.
    pub fn changes(&self) -> impl Iterator<Item = &Change> {
        self.operations
            .iter()
            .flat_map(|o| &o.changes)
            .chain(self.schemas.iter().flat_map(|s| &s.changes))
    }
}
