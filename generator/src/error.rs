//! The one error type of the generator: what went wrong, and where in the spec.

use std::fmt;

/// What kind of problem a spec has. Callers match on this; the message says the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text is not YAML/JSON at all (or is empty, or binary).
    Syntax,
    /// The document is not OpenAPI 3.0 (Swagger 2.0, OpenAPI 3.1, no version).
    Version,
    /// The document is YAML/JSON but does not have the shape of an OpenAPI 3.0 document.
    Invalid,
    /// A `$ref` that points nowhere, or to something of the wrong kind.
    Reference,
    /// Two things that must be unique are not (operationIds, path parameters, ...).
    Conflict,
    /// Valid OpenAPI that this generator does not support (the message names the construct).
    Unsupported,
    /// The spec needs more time or memory than any real API description: an expansion
    /// (YAML aliases, `allOf` chains) or an output far larger than the text that spells it.
    Limit,
}

impl ErrorKind {
    fn label(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "syntax",
            ErrorKind::Version => "version",
            ErrorKind::Invalid => "invalid",
            ErrorKind::Reference => "reference",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Limit => "limit",
        }
    }
}

/// A problem with the input spec, located by JSON pointer (and line, when known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What kind of problem.
    pub kind: ErrorKind,
    /// The file the node is in, relative to the root file's folder, when the document is
    /// split into files and the node is not in the root file.
    pub file: Option<String>,
    /// JSON pointer (RFC 6901, as a URI fragment: `#/paths/~1links/get`) of the spec node,
    /// within [`file`](Self::file) when that is set.
    pub pointer: String,
    /// 1-based line of that node in the source text, when it could be found.
    pub line: Option<usize>,
    /// Human-readable explanation.
    pub message: String,
}

impl Error {
    pub(crate) fn new(
        kind: ErrorKind,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error {
            kind,
            file: None,
            pointer: pointer.into(),
            line: None,
            message: message.into(),
        }
    }

    pub(crate) fn unsupported(pointer: &str, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Unsupported, pointer, message)
    }

    pub(crate) fn reference(pointer: &str, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Reference, pointer, message)
    }

    pub(crate) fn invalid(pointer: &str, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Invalid, pointer, message)
    }

    pub(crate) fn conflict(pointer: &str, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Conflict, pointer, message)
    }

    pub(crate) fn with_line(mut self, line: Option<usize>) -> Self {
        if self.line.is_none() {
            self.line = line;
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} error at ", self.kind.label())?;
        located(
            f,
            self.file.as_deref(),
            &self.pointer,
            self.line,
            &self.message,
        )
    }
}

impl std::error::Error for Error {}

/// `file#pointer (line N): message`, the place an error or a warning is about.
fn located(
    f: &mut fmt::Formatter<'_>,
    file: Option<&str>,
    pointer: &str,
    line: Option<usize>,
    message: &str,
) -> fmt::Result {
    if let Some(file) = file {
        f.write_str(file)?;
    }
    f.write_str(pointer)?;
    if let Some(line) = line {
        write!(f, " (line {line})")?;
    }
    write!(f, ": {message}")
}

/// Result alias for the generator.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Appends one reference token to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub fn push_pointer(base: &str, token: &str) -> String {
    format!("{base}/{}", token.replace('~', "~0").replace('/', "~1"))
}

/// One reference token of a JSON pointer decoded: `~1` -> `/`, then `~0` -> `~` (RFC 6901).
pub fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Something of the spec that the generator took on purpose in a way the reader should
/// know about (a webhook it does not generate): not an error, but printed by the tools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file the node is in, for a document split into files (see [`Error::file`]).
    pub file: Option<String>,
    /// JSON pointer of the spec node.
    pub pointer: String,
    /// 1-based line of that node, when it could be found.
    pub line: Option<usize>,
    /// What was done, and why.
    pub message: String,
}

impl Warning {
    pub(crate) fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            file: None,
            pointer: pointer.into(),
            line: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("warning at ")?;
        located(
            f,
            self.file.as_deref(),
            &self.pointer,
            self.line,
            &self.message,
        )
    }
}
