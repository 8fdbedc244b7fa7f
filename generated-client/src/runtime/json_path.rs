//! Where in a JSON text a decode error happened, as a path (`data[1].name`).
//!
//! serde_json says where an error happened as a line and column; users want the field.
//! `serde_path_to_error` gives the field, but only by decoding through its own wrappers,
//! which compiles every response type's decoder a second time (about a fifth of a large
//! generated crate's machine code). Instead, the text is read again up to the error's
//! position, without building anything, and the path is that of the innermost value
//! being read there. It runs only for a body that failed to decode.

/// One container open at the position being looked for.
enum Frame {
    /// An object: the key whose value is being read (`None` before the first key, or
    /// while a key is being read).
    Object { key: Option<String> },
    /// An array: the index of the element being read.
    Array { index: usize },
}

/// The path (`serde_path_to_error`'s notation: `a.b[2].c`, `.` for the root) of the
/// value of `text` in which serde_json reported an error at `line` and `column` (both
/// from 1; `line` 0 means no position, and gives the root). `eof` says the text ended
/// too soon: a number or literal that ends the text is then whole, and what was being
/// read when it ran out is the container around it.
pub(crate) fn path_at(text: &[u8], line: usize, column: usize, eof: bool) -> String {
    let Some(end) = offset(text, line, column) else {
        return ".".to_owned();
    };
    // The last byte serde_json had read when it failed.
    let last = end.saturating_sub(1);
    let mut stack: Vec<Frame> = Vec::new();
    // Whether the next string in an object is a key (after `{` or `,`).
    let mut expecting_key = false;
    // Whether an object's member is due (after its `:`): the text ending there was
    // reading that member.
    let mut member_due = false;
    let mut i = 0;
    while i < end {
        let byte = text[i];
        if !byte.is_ascii_whitespace() {
            member_due = byte == b':';
        }
        match byte {
            b'{' => {
                stack.push(Frame::Object { key: None });
                expecting_key = true;
            }
            b'[' => {
                stack.push(Frame::Array { index: 0 });
                expecting_key = false;
            }
            b'}' | b']' => {
                if i >= last && !(eof && i + 1 == text.len()) {
                    // The container that just closed (a missing field is reported there).
                    stack.pop();
                    return render(&stack, true);
                }
                stack.pop();
                expecting_key = false;
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { key }) => {
                    *key = None;
                    expecting_key = true;
                }
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            b':' => expecting_key = false,
            b'"' => {
                let close = string_end(text, i);
                let is_key = expecting_key && matches!(stack.last(), Some(Frame::Object { .. }));
                if is_key {
                    if close >= last {
                        // Within a key: the object is being read.
                        return render(&stack, false);
                    }
                    let key =
                        serde_json::from_slice::<String>(&text[i..=close]).unwrap_or_else(|_| {
                            String::from_utf8_lossy(&text[i + 1..close]).into_owned()
                        });
                    if let Some(Frame::Object { key: slot }) = stack.last_mut() {
                        *slot = Some(key);
                    }
                    expecting_key = false;
                } else if close >= last {
                    return render(&stack, true);
                }
                i = close;
            }
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => {
                // A number, `true`, `false` or `null`: to the next delimiter.
                let mut stop = i;
                while stop + 1 < text.len() && !is_delimiter(text[stop + 1]) {
                    stop += 1;
                }
                let whole = eof && stop + 1 == text.len();
                if stop >= last && !whole {
                    return render(&stack, true);
                }
                i = stop;
            }
        }
        i += 1;
    }
    // Out of input between values: the container being read, and the member it was
    // about to read after a `:`.
    render(&stack, member_due)
}

/// The byte offset just past the byte at `line`:`column`, if the text has it.
fn offset(text: &[u8], line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let mut start = 0;
    for _ in 1..line {
        start += text[start..].iter().position(|&b| b == b'\n')? + 1;
    }
    Some((start + column).min(text.len()))
}

/// The index of the `"` that closes the string opening at `open` (the last index when
/// the text ends inside it).
fn string_end(text: &[u8], open: usize) -> usize {
    let mut i = open + 1;
    while i < text.len() {
        match text[i] {
            b'\\' => i += 2,
            b'"' => return i,
            _ => i += 1,
        }
    }
    text.len().saturating_sub(1)
}

fn is_delimiter(byte: u8) -> bool {
    matches!(
        byte,
        b',' | b'}' | b']' | b':' | b'"' | b'{' | b'[' | b' ' | b'\t' | b'\n' | b'\r'
    )
}

/// `stack` as a path; `member` includes the innermost container's current key or index.
fn render(stack: &[Frame], member: bool) -> String {
    let mut path = String::new();
    let depth = stack.len();
    for (n, frame) in stack.iter().enumerate() {
        if n + 1 == depth && !member {
            break;
        }
        match frame {
            Frame::Object { key: Some(key) } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { key: None } => {}
            Frame::Array { index } => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::path_at;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "decoded for its errors")]
    struct Link {
        id: String,
        name: String,
        #[serde(default)]
        tags: Vec<u32>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "decoded for its errors")]
    struct Page {
        data: Vec<Link>,
        meta: Meta,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "decoded for its errors")]
    struct Meta {
        total: u32,
    }

    /// The path this module finds, and the one serde_path_to_error finds by decoding.
    fn both(text: &str) -> (String, String) {
        let plain = serde_json::from_str::<Page>(text).unwrap_err();
        let ours = path_at(
            text.as_bytes(),
            plain.line(),
            plain.column(),
            plain.is_eof(),
        );
        let mut de = serde_json::Deserializer::from_str(text);
        // It reads one value and leaves trailing text to the caller: the root.
        let theirs = serde_path_to_error::deserialize::<_, Page>(&mut de)
            .map_or_else(|e| e.path().to_string(), |_| ".".to_owned());
        (ours, theirs)
    }

    #[test]
    fn agrees_with_decoding_through_serde_path_to_error() {
        for text in [
            // Wrong types, at each depth.
            r#"{"data": 7, "meta": {"total": 1}}"#,
            r#"{"data": [{"id": "a", "name": 7}], "meta": {"total": 1}}"#,
            r#"{"data": [{"id": "a", "name": "x"}, {"id": "b", "name": true}], "meta": {"total": 1}}"#,
            r#"{"data": [{"id": "a", "name": "x", "tags": [1, "two"]}], "meta": {"total": 1}}"#,
            r#"{"data": [], "meta": {"total": -1}}"#,
            r#"{"data": [], "meta": {"total": "1"}}"#,
            "{\n  \"data\": [\n    {\"id\": \"a\",\n     \"name\": null}\n  ],\n  \"meta\": {\"total\": 1}\n}",
            // Missing fields: reported on the object that lacks them.
            r#"{"data": [{"id": "a"}], "meta": {"total": 1}}"#,
            r#"{"data": [], "meta": {}}"#,
            r#"{"meta": {"total": 1}}"#,
            // Keys with escapes, and strings holding delimiters.
            r#"{"da\u0074a": [{"id": "a,]}\"", "name": 1}], "meta": {"total": 1}}"#,
            // Cut short.
            r#"{"data": [{"id": "a", "name": "sum"#,
            r#"{"data": [{"id": "a", "name": "x"}, {"i"#,
            r#"{"data": [{"id": "a", "name": "x"}], "meta": {"total": 1"#,
            r#"{"data": [{"id": "a", "name": "x"}], "meta": {"total": "#,
            r#"{"data": [{"id": "a", "name": "x"}], "meta": {"total": 1}"#,
            r#"{"data": [{"id": "a", "name": "x", "tags": [1, 2"#,
            r#"{"data": [{"id": "a", "name": "x", "tags": [1, 2,"#,
            r#"{"data": [{"id": "a", "name": "x"}], "meta": {"total": 1}} trailing"#,
            // The root.
            r#"[1, 2]"#,
            r#""text""#,
        ] {
            let (ours, theirs) = both(text);
            // It says `?` for a key it has not read; the object is meant.
            let theirs = match theirs.trim_end_matches(".?") {
                "?" => ".",
                path => path,
            };
            assert_eq!(ours, theirs, "{text}");
        }
    }

    #[test]
    fn no_position_is_the_root() {
        assert_eq!(path_at(b"{}", 0, 0, false), ".");
        assert_eq!(path_at(b"{}", 9, 1, false), ".");
    }

    #[test]
    fn hostile_text_is_read_in_one_pass_without_recursion() {
        let deep = "[".repeat(100_000);
        let path = path_at(deep.as_bytes(), 1, deep.len(), true);
        assert!(path.starts_with("[0][0]"), "{}", &path[..20]);
        assert_eq!(path_at(b"\"\\", 1, 2, true), ".");
        assert_eq!(path_at(b"{\"a\":\"", 1, 6, true), "a");
    }
}
