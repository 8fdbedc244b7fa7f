//! Keeping the credential out of logs and errors.

use std::borrow::Cow;
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

/// The `user:password@` part of a URL's authority, if it has one (read from the text, so
/// that it works on a URL that does not parse too).
fn userinfo(url: &str) -> Option<std::ops::Range<usize>> {
    let start = url.find("://").map_or(0, |i| i + 3);
    let authority_len = url[start..]
        .find(['/', '?', '#'])
        .unwrap_or(url.len() - start);
    let at = url[start..start + authority_len].rfind('@')?;
    Some(start..start + at)
}

/// Whether a URL carries a user name or password.
pub(super) fn has_userinfo(url: &str) -> bool {
    userinfo(url).is_some()
}

/// `url` with its user name and password (which may be the credential) replaced by `***`.
pub(super) fn redact_userinfo(url: &str) -> Cow<'_, str> {
    match userinfo(url) {
        Some(range) => {
            let mut redacted = url.to_owned();
            redacted.replace_range(range, "***");
            Cow::Owned(redacted)
        }
        None => Cow::Borrowed(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_redacted_from_urls() {
        for (url, shown) in [
            (
                "https://user:hunter2@api.example.com/v1",
                "https://***@api.example.com/v1",
            ),
            ("http://hunter2@127.0.0.1:8080", "http://***@127.0.0.1:8080"),
            ("http://a:b@c@host/x@y", "http://***@host/x@y"),
            ("user:hunter2@host", "***@host"),
            ("https://api.example.com/a@b", "https://api.example.com/a@b"),
            ("https://api.example.com?q=@", "https://api.example.com?q=@"),
        ] {
            assert_eq!(redact_userinfo(url), shown, "{url}");
            assert_eq!(has_userinfo(url), url != shown, "{url}");
        }
    }
}
