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
    let meaning_at = format!("{at}/meaning");
    match object.get("meaning").and_then(Value::as_str) {
        Some("rate-limit") => Ok(TooManyRequests::RateLimit),
        Some("quota") => match object.get("message").and_then(Value::as_str) {
            Some(message) if !message.trim().is_empty() => Ok(TooManyRequests::Quota {
                message: message.trim().to_owned(),
            }),
            _ => Err(invalid(
                &format!("{at}/message"),
                format!(
                    "`{TOO_MANY_REQUESTS}` with `meaning: quota` needs a non-empty string \
                     `message`, which errors show"
                ),
            )),
        },
        _ => Err(invalid(
            &meaning_at,
            format!("`{TOO_MANY_REQUESTS}` `meaning` must be `quota` or `rate-limit`"),
        )),
    }
}
