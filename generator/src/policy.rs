//! What a document says, through `x-` extensions at its root, about behaviour that every
//! operation of the API shares (and the runtime applies from `ApiInfo`).

use serde_json::Value;

use crate::error::{Error, Result};
use crate::ir::TooManyRequests;
use crate::parse::Spec;

/// The root extension that says what a `429 Too Many Requests` means for the API.
pub const TOO_MANY_REQUESTS: &str = "x-too-many-requests";

/// What the document's `x-too-many-requests` says a `429` means:
///
/// ```yaml
/// x-too-many-requests:
///   meaning: quota          # or rate-limit (the default, also without the extension)
///   message: API quota for the current billing cycle is exhausted
/// ```
///
/// A `quota` is never retried, and its `message` is what errors say; a `rate-limit` is
/// waited out and retried, as HTTP defines the status.
pub fn too_many_requests(spec: &Spec) -> Result<TooManyRequests> {
    let Some(value) = spec.raw.get(TOO_MANY_REQUESTS) else {
        return Ok(TooManyRequests::RateLimit);
    };
    let at = format!("#/{TOO_MANY_REQUESTS}");
    let invalid = |pointer: &str, message: String| spec.locate(Error::invalid(pointer, message));
    let Some(object) = value.as_object() else {
        return Err(invalid(
            &at,
            format!(
                "`{TOO_MANY_REQUESTS}` must be an object with `meaning` (`quota` or \
                 `rate-limit`) and, for a quota, a `message`"
            ),
        ));
    };
    // An error names the key when the document has it, else the object that lacks it: a
    // pointer always names a node.
    let key_at = |key: &str| {
        if object.contains_key(key) {
            format!("{at}/{key}")
        } else {
            at.clone()
        }
    };
    match object.get("meaning").and_then(Value::as_str) {
        Some("rate-limit") => Ok(TooManyRequests::RateLimit),
        Some("quota") => match object.get("message").and_then(Value::as_str) {
            Some(message) if !message.trim().is_empty() => Ok(TooManyRequests::Quota {
                message: message.trim().to_owned(),
            }),
            _ => Err(invalid(
                &key_at("message"),
                format!(
                    "`{TOO_MANY_REQUESTS}` with `meaning: quota` needs a non-empty string \
                     `message`, which errors show"
                ),
            )),
        },
        _ => Err(invalid(
            &key_at("meaning"),
            format!("`{TOO_MANY_REQUESTS}` `meaning` must be `quota` or `rate-limit`"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pointer_of_error(extension: &str) -> String {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nx-too-many-requests: {extension}\n"
        );
        let spec = crate::parse_spec(&text).expect("the document parses");
        too_many_requests(&spec).unwrap_err().pointer
    }

    #[test]
    fn an_error_names_the_key_when_present_else_the_object_that_lacks_it() {
        assert_eq!(
            pointer_of_error("{meaning: sometimes}"),
            "#/x-too-many-requests/meaning"
        );
        assert_eq!(
            pointer_of_error("{message: quota is out}"),
            "#/x-too-many-requests"
        );
        assert_eq!(
            pointer_of_error("{meaning: quota}"),
            "#/x-too-many-requests"
        );
        assert_eq!(
            pointer_of_error("{meaning: quota, message: ''}"),
            "#/x-too-many-requests/message"
        );
        assert_eq!(pointer_of_error("[quota]"), "#/x-too-many-requests");
    }
}
