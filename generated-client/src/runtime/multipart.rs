//! Files sent as parts of `multipart/form-data` requests.

use std::fmt;
use std::path::Path;

use bytes::Bytes;

/// A file to upload as one part of a multipart request (e.g. a logo or cover image).
///
/// Cloning is cheap: the contents are reference-counted, which lets the client rebuild the
/// form when it retries a request.
#[derive(Clone)]
pub struct FilePart {
    bytes: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl FilePart {
    /// A part with the given contents, no file name, and a content type guessed later from
    /// the file name (or `application/octet-stream`).
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        FilePart {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// Sets the file name sent with the part.
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the part's MIME type, e.g. `image/png`.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Reads a file, naming the part after it and guessing its type from the extension.
    pub async fn from_path(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        Ok(Self::of_file(path, tokio::fs::read(path).await?))
    }

    /// [`from_path`](Self::from_path), reading on the calling thread (the command line
    /// reads its input files before it sends anything).
    #[cfg(feature = "cli")]
    pub(crate) fn from_path_blocking(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        Ok(Self::of_file(path, std::fs::read(path)?))
    }

    fn of_file(path: &Path, bytes: Vec<u8>) -> Self {
        let mut part = FilePart::new(bytes);
        if let Some(name) = path.file_name() {
            part = part.file_name(name.to_string_lossy());
        }
        part.content_type(guess_content_type(path))
    }

    /// The contents.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// Builds the `reqwest` part; called once per attempt.
    ///
    /// A content type that is not a valid MIME type is sent as `application/octet-stream`
    /// rather than failing the request: the bytes are what matters to the server.
    #[doc(hidden)]
    pub fn to_part(&self) -> reqwest::multipart::Part {
        // Servers' multipart parsers (multer, busboy, PHP, Django) treat a part without a file
        // name as a text field, so a file always gets one: the given name, or `upload` with
        // the extension of the type sniffed from the first bytes.
        let sniffed = sniff(&self.bytes);
        let content_type = match (&self.content_type, &self.file_name, sniffed) {
            (Some(explicit), _, _) => explicit.clone(),
            (None, Some(name), _) if guess_content_type(Path::new(name)) != OCTET_STREAM => {
                guess_content_type(Path::new(name)).to_owned()
            }
            (None, _, Some((mime, _))) => mime.to_owned(),
            (None, _, None) => OCTET_STREAM.to_owned(),
        };
        let file_name = match &self.file_name {
            Some(name) => header_safe_file_name(name),
            None => match sniffed {
                Some((_, ext)) => format!("upload.{ext}"),
                None => "upload".to_owned(),
            },
        };
        let part = || {
            reqwest::multipart::Part::stream_with_length(
                reqwest::Body::from(self.bytes.clone()),
                self.bytes.len() as u64,
            )
            .file_name(file_name.clone())
        };
        part()
            .mime_str(&content_type)
            .or_else(|_| part().mime_str(OCTET_STREAM))
            .unwrap_or_else(|_| part())
    }
}

/// The file name as it can go into the part's `Content-Disposition` header: `reqwest`
/// escapes `"` but leaves CR and LF raw, so a name holding them would end the header and
/// add others. Like browsers (the HTML standard's multipart encoding), CR, LF and `"` are
/// percent-encoded; so are the other control characters.
fn header_safe_file_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c == '"' || c.is_ascii_control() {
            out.push_str(&format!("%{:02X}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// The image type of `bytes` from its signature, with its usual extension.
fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    const SIGNATURES: &[(&[u8], &str, &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
        (b"\xff\xd8\xff", "image/jpeg", "jpg"),
        (b"GIF87a", "image/gif", "gif"),
        (b"GIF89a", "image/gif", "gif"),
    ];
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some(("image/webp", "webp"));
    }
    if bytes.starts_with(b"<svg")
        || bytes.starts_with(b"<?xml") && bytes.windows(4).take(256).any(|w| w == b"<svg")
    {
        return Some(("image/svg+xml", "svg"));
    }
    SIGNATURES
        .iter()
        .find(|(magic, _, _)| bytes.starts_with(magic))
        .map(|(_, mime, ext)| (*mime, *ext))
}

impl fmt::Debug for FilePart {
    // The contents may be megabytes of binary; their size is what helps when debugging.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("len", &self.bytes.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

const OCTET_STREAM: &str = "application/octet-stream";

/// The image types the API's uploads expect; anything else is sent as opaque bytes.
fn guess_content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("svg") => "image/svg+xml",
        _ => OCTET_STREAM,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_image_types() {
        assert_eq!(guess_content_type(Path::new("a/logo.PNG")), "image/png");
        assert_eq!(guess_content_type(Path::new("c.jpeg")), "image/jpeg");
        assert_eq!(guess_content_type(Path::new("c.jpg")), "image/jpeg");
        assert_eq!(guess_content_type(Path::new("c.gif")), "image/gif");
        assert_eq!(guess_content_type(Path::new("c.webp")), "image/webp");
        assert_eq!(guess_content_type(Path::new("c.svg")), "image/svg+xml");
        assert_eq!(guess_content_type(Path::new("c.txt")), OCTET_STREAM);
        assert_eq!(guess_content_type(Path::new("noext")), OCTET_STREAM);
    }

    #[test]
    fn debug_shows_length_not_contents() {
        let part = FilePart::new(vec![0xAB; 4096]).file_name("x.png");
        let text = format!("{part:?}");
        assert!(text.contains("len: 4096"), "{text}");
        assert!(text.len() < 120, "{text}");
    }

    #[test]
    fn file_names_cannot_break_out_of_the_part_header() {
        assert_eq!(header_safe_file_name("logo.png"), "logo.png");
        assert_eq!(header_safe_file_name("café ☕.png"), "café ☕.png");
        assert_eq!(
            header_safe_file_name("a\r\nContent-Type: text/html\".png"),
            "a%0D%0AContent-Type: text/html%22.png"
        );
        assert_eq!(header_safe_file_name("t\tb\0\u{7f}"), "t%09b%00%7F");
    }

    #[test]
    fn sniffs_common_image_types() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(("image/png", "png")));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0"), Some(("image/jpeg", "jpg")));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(("image/webp", "webp")));
        assert_eq!(sniff(b"<svg xmlns=..."), Some(("image/svg+xml", "svg")));
        assert_eq!(sniff(b"plain text"), None);
    }

    #[test]
    fn invalid_content_type_falls_back_instead_of_failing() {
        // The wire-level check of the sent content type is in tests/runtime.rs; here the
        // point is that building never fails or panics.
        let part = FilePart::new(&b"x"[..]).content_type("not a mime\n");
        let _ = part.to_part();
        let _ = FilePart::new(&b"x"[..]).file_name("a.webp").to_part();
    }

    #[tokio::test]
    async fn from_path_names_and_types_the_part() {
        let dir = std::env::temp_dir().join(format!("prolinksqr-fp-{}", std::process::id()));
        tokio::fs::create_dir_all(&dir).await.unwrap();
        let file = dir.join("cover.JPG");
        tokio::fs::write(&file, b"jpeg bytes").await.unwrap();
        let part = FilePart::from_path(&file).await.unwrap();
        tokio::fs::remove_dir_all(&dir).await.unwrap();
        assert_eq!(part.bytes().as_ref(), b"jpeg bytes");
        assert_eq!(part.file_name.as_deref(), Some("cover.JPG"));
        assert_eq!(part.content_type.as_deref(), Some("image/jpeg"));
    }
}
