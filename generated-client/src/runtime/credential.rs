//! Keeping the credential out of logs and errors.

use std::fmt;

use reqwest::header::{HeaderName, HeaderValue};

/// A credential that never shows up in `Debug` output.
#[derive(Clone)]
pub(super) struct Secret(pub(super) String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The header for `Auth::Header`, marked sensitive so `reqwest` redacts it too; the error
/// is the message of an [`Error::Config`](super::error::Error::Config).
pub(super) fn header_credential(
    name: &str,
    prefix: &str,
    credential: &Secret,
) -> Result<(HeaderName, HeaderValue), String> {
    let name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("invalid auth header name {name:?}"))?;
    // The message deliberately omits the value: it is the secret.
    let mut value = HeaderValue::from_str(&format!("{prefix}{}", credential.0))
        .map_err(|_| "API key contains characters that cannot be sent in a header".to_owned())?;
    value.set_sensitive(true);
    Ok((name, value))
}
