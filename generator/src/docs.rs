//! Spec prose -> rustdoc lines that never break the build.
//!
//! Descriptions are CommonMark written for web pages, and a hostile spec can write anything
//! there. In rustdoc, a code block that is unlabelled, indented, or labelled only with Rust
//! attributes (`should_panic`, `edition2021`, ...) is compiled and run by `cargo test`; `[x]`
//! is an intra-doc link, a bare URL and a stray `<tag>` are lint warnings; a bare CR or a
//! bidirectional control is a compile error. This module neutralises those, in prose
//! ([`sanitize`], [`inline`]) and in values quoted as code ([`code`]).

//!
//! Text only: the IR builds its notes with it, and the emitters turn lines into doc
//! attributes ([`crate::emit::docs`]).

use crate::ir::Doc;

/// The lines of a [`Doc`]: title, description, then notes as a list.
pub fn lines(doc: &Doc) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(title) = doc.title.as_deref().filter(|t| !t.trim().is_empty()) {
        out.extend(sanitize(title));
    }
    if let Some(description) = doc.description.as_deref().filter(|d| !d.trim().is_empty()) {
        let same_as_title = doc.title.as_deref().map(str::trim) == Some(description.trim());
        if !same_as_title {
            paragraph_break(&mut out);
            out.extend(sanitize(description));
        }
    }
    if !doc.notes.is_empty() {
        paragraph_break(&mut out);
        for note in &doc.notes {
            out.push(format!("- {}", inline(note)));
        }
    }
    out
}

/// `doc` without its title and description when they only restate one of `names` (a field
/// `city` described as "City."): such a line tells the reader nothing the name does not.
pub fn without_restatement(doc: &Doc, names: &[&str]) -> Doc {
    let normal = |t: &str| -> String {
        t.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let restates = |t: &Option<String>| {
        t.as_deref().is_some_and(|t| {
            let t = normal(t);
            !t.is_empty() && names.iter().any(|n| normal(n) == t)
        })
    };
    let mut out = doc.clone();
    if restates(&out.title) {
        out.title = None;
    }
    if restates(&out.description) {
        out.description = None;
    }
    out
}

/// Whether `doc` has a title or description (notes alone make no summary line).
pub fn has_prose(doc: &Doc) -> bool {
    doc.title.as_deref().is_some_and(|t| !t.trim().is_empty())
        || doc
            .description
            .as_deref()
            .is_some_and(|d| !d.trim().is_empty())
}

/// The first sentence of `doc`'s title or description, as one safe line (`None` when it
/// has neither). A sentence ends at `. ` outside code spans, or with the first paragraph.
pub fn first_sentence(doc: &Doc) -> Option<String> {
    let text = doc
        .title
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| doc.description.as_deref().filter(|d| !d.trim().is_empty()))?;
    let paragraph = text.split("\n\n").next().unwrap_or(text);
    // A code block's lines would lose their fences here: no summary rather than a wrong one.
    if paragraph.contains("```") || paragraph.contains("~~~") {
        return None;
    }
    let line = inline(paragraph);
    let mut in_code = false;
    let mut depth = 0usize;
    let chars: Vec<char> = line.chars().collect();
    let mut end = chars.len();
    for (i, c) in chars.iter().enumerate() {
        match c {
            '`' => in_code = !in_code,
            '(' if !in_code => depth += 1,
            ')' if !in_code => depth = depth.saturating_sub(1),
            '.' if !in_code && depth == 0 && chars.get(i + 1).is_some_and(|n| *n == ' ') => {
                let before: String = chars[..i].iter().collect();
                let word = before
                    .rsplit(' ')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                if ["e.g", "i.e", "etc", "vs", "cf"].contains(&word.as_str()) {
                    continue;
                }
                end = i + 1;
                break;
            }
            _ => {}
        }
    }
    let mut sentence: String = chars[..end].iter().collect();
    let sentence_trimmed = sentence.trim_end().to_owned();
    sentence = sentence_trimmed;
    if sentence.is_empty() {
        return None;
    }
    if !sentence.ends_with(['.', '!', '?', ':']) {
        sentence.push('.');
    }
    Some(sentence)
}

/// Adds a blank line unless the text so far is empty or already ends in one.
pub fn paragraph_break(out: &mut Vec<String>) {
    if out.last().is_some_and(|l| !l.is_empty()) {
        out.push(String::new());
    }
}

/// The languages a code block of spec prose keeps; any other block is shown as `text`.
/// rustdoc compiles and runs a block whose info string is empty or only Rust attributes
/// (`should_panic`, `no_run`, `edition2021`, ...), so allowing only known data formats is
/// the one rule that cannot miss an attribute.
const DATA_LANGUAGES: &[&str] = &["json", "yaml", "xml", "http", "text"];

/// Whether rustc or a terminal could misread `c` in a comment: control characters (bare CR
/// is an error in a doc comment, a newline ends a `//` comment) and the bidirectional
/// controls that make text read differently from how it compiles (rustc denies them).
pub(crate) fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
                | '\u{2028}' | '\u{2029}'
        )
}

/// Spec prose split into lines, with unsafe characters removed.
fn prose_lines(text: &str) -> Vec<String> {
    let text = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', "    ");
    text.split('\n')
        .map(|line| line.chars().filter(|c| !is_unsafe_char(*c)).collect())
        .collect()
}

/// One line of sanitised prose.
enum Line {
    /// Text outside code blocks, escaped.
    Prose(String),
    /// A code block's opening or closing fence, as emitted.
    Fence(String),
    /// A line inside a code block, verbatim.
    Code(String),
}

/// List markers (`-`, `*`, `+`, `1.`, `1)`) at the start of `line`, each with the spaces
/// after it: (markers, rest).
fn split_list_markers(line: &str) -> (&str, &str) {
    let mut rest = line;
    loop {
        let after = if let Some(r) = rest.strip_prefix(['-', '*', '+']) {
            r
        } else {
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits == 0 || digits > 9 {
                break;
            }
            match rest[digits..].strip_prefix(['.', ')']) {
                Some(r) => r,
                None => break,
            }
        };
        if !after.starts_with(' ') {
            break;
        }
        rest = after.trim_start();
    }
    (&line[..line.len() - rest.len()], rest)
}

/// The fence that `line` (already trimmed) opens: its character and length, and the info
/// string after it. After backticks, an info string with a backtick makes the line an
/// inline code span instead (CommonMark), which is how [`code`] spans start a line safely.
fn opening_fence(line: &str) -> Option<(char, usize, &str)> {
    let c = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = line.len() - line.trim_start_matches(c).len();
    let info = line[len..].trim();
    (len >= 3 && !(c == '`' && info.contains('`'))).then_some((c, len, info))
}

/// Whether `line` closes a block opened by a fence of `len` times `c` (CommonMark: the same
/// character, at least as many, nothing after).
fn closes(line: &str, c: char, len: usize) -> bool {
    let trimmed = line.trim();
    let run = trimmed.len() - trimmed.trim_start_matches(c).len();
    run >= len && run == trimmed.len()
}

fn structure(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut open: Option<(char, usize)> = None;
    for raw in prose_lines(text) {
        if let Some((c, len)) = open {
            if closes(&raw, c, len) {
                out.push(Line::Fence(c.to_string().repeat(len)));
                open = None;
            } else {
                out.push(Line::Code(raw.trim_end().to_owned()));
            }
            continue;
        }
        // Leading spaces would make an indented code block, which rustdoc compiles; so would
        // a fence inside a list item. Such a fence is opened at the top level instead.
        let trimmed = raw.trim();
        let (markers, rest) = split_list_markers(trimmed);
        if let Some((c, len, info)) = opening_fence(rest) {
            let lang = info
                .split(|c: char| c == ',' || c.is_whitespace())
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            let lang = if DATA_LANGUAGES.contains(&lang.as_str()) {
                lang
            } else {
                "text".to_owned()
            };
            if !markers.is_empty() {
                out.push(Line::Prose(escape_inline(markers.trim_end())));
            }
            // The same character and length as the spec's, so that its content closes it
            // where it closed before; a backtick fence's info string may hold no backtick.
            out.push(Line::Fence(format!("{}{lang}", c.to_string().repeat(len))));
            open = Some((c, len));
            continue;
        }
        // `-     x` (a marker, then four spaces or more) starts an indented code block too.
        let line = if markers.is_empty() {
            trimmed.to_owned()
        } else {
            let markers: Vec<&str> = markers.split_whitespace().collect();
            format!("{} {rest}", markers.join(" "))
                .trim_end()
                .to_owned()
        };
        out.push(Line::Prose(escape_inline(&line)));
    }
    if let Some((c, len)) = open {
        out.push(Line::Fence(c.to_string().repeat(len)));
    }
    out
}

/// Makes spec prose safe as rustdoc: lines that never hold a runnable code block, a
/// control or bidirectional character, an intra-doc link or a stray HTML tag.
pub fn sanitize(text: &str) -> Vec<String> {
    let mut out: Vec<String> = structure(text)
        .into_iter()
        .map(|line| match line {
            Line::Prose(s) | Line::Fence(s) | Line::Code(s) => s,
        })
        .collect();
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    while out.first().is_some_and(String::is_empty) {
        out.remove(0);
    }
    out
}

/// Spec prose as one line, for a list item (`- text`): code blocks lose their fences (their
/// lines become prose), and nothing at its start can open a block.
pub fn inline(text: &str) -> String {
    let parts: Vec<String> = structure(text)
        .into_iter()
        .filter_map(|line| match line {
            Line::Prose(s) => Some(s),
            Line::Code(s) => Some(escape_inline(s.trim())),
            Line::Fence(_) => None,
        })
        .filter(|s| !s.is_empty())
        .collect();
    defuse_start(&parts.join(" "))
}

/// `line` with a backslash before a fence that list markers at its start would leave it
/// opening (`- ```rust`), and the spaces after the markers collapsed.
fn defuse_start(line: &str) -> String {
    let line = line.trim();
    let (markers, rest) = split_list_markers(line);
    let escape = opening_fence(rest).is_some();
    let rest = if escape {
        format!("\\{rest}")
    } else {
        rest.to_owned()
    };
    if markers.is_empty() {
        return rest;
    }
    let markers: Vec<&str> = markers.split_whitespace().collect();
    format!("{} {rest}", markers.join(" "))
}

/// `value` (an enum value, a property name, a path, a scope...) as an inline code span:
/// control and bidirectional characters are written as escapes (`\n`, `\u{202e}`), and
/// the span's fence is longer than any run of backticks inside.
pub fn code(value: &str) -> String {
    let escaped = escape_controls(value);
    if escaped.is_empty() {
        return "`\"\"`".to_owned();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in escaped.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // CommonMark strips one space on each side when both have one; a backtick at an end
    // would join the fence. A space on each side keeps the value as it is.
    let all_spaces = escaped.chars().all(|c| c == ' ');
    let pad = escaped.starts_with('`')
        || escaped.ends_with('`')
        || (!all_spaces && escaped.starts_with(' ') && escaped.ends_with(' '));
    if pad {
        format!("{fence} {escaped} {fence}")
    } else {
        format!("{fence}{escaped}{fence}")
    }
}

/// `text` with control and bidirectional characters written as Rust escapes, so that it
/// stays on one line of a comment and reads as it is.
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Escapes brackets that are not Markdown links, HTML-ish `<`, and wraps bare URLs, outside
/// inline code spans. A run of backticks opens a span only if the same run closes it later
/// on the line (CommonMark); otherwise it is literal and escaping goes on after it.
fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            let run = chars[i..].iter().take_while(|c| **c == '`').count();
            let close = find_closing_run(&chars, i + run, run);
            let end = close.map_or(i + run, |at| at + run);
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        match c {
            '[' | ']' => {
                let is_link = c == ']' && chars.get(i + 1) == Some(&'(');
                let opens_link = c == '[' && closes_as_link(&chars[i..]);
                if !is_link && !opens_link {
                    out.push('\\');
                }
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            'h' if starts_url(&chars[i..]) && !after_link_paren(&out) => {
                let end = chars[i..]
                    .iter()
                    .position(|c| {
                        c.is_whitespace() || *c == '`' || *c == '<' || *c == '>' || *c == '"'
                    })
                    .map_or(chars.len(), |p| i + p);
                let mut url: String = chars[i..end].iter().collect();
                let mut tail = String::new();
                while url.ends_with(['.', ',', ')', ';', ':', '!', '?', '\'', ']']) {
                    tail.insert(0, url.pop().unwrap_or_default());
                }
                out.push('<');
                out.push_str(&url);
                out.push('>');
                out.push_str(&tail.replace('[', "\\[").replace(']', "\\]"));
                i = end;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// Where the next run of exactly `run` backticks at or after `from` starts.
fn find_closing_run(chars: &[char], from: usize, run: usize) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == '`' {
            let n = chars[i..].iter().take_while(|c| **c == '`').count();
            if n == run {
                return Some(i);
            }
            i += n;
        } else {
            i += 1;
        }
    }
    None
}

fn starts_url(chars: &[char]) -> bool {
    let s: String = chars.iter().take(8).collect();
    s.starts_with("http://") || s.starts_with("https://")
}

fn after_link_paren(out: &str) -> bool {
    out.ends_with("](") || out.ends_with('(') && out.trim_end_matches('(').ends_with(']')
}

fn closes_as_link(chars: &[char]) -> bool {
    let mut depth = 0;
    for (i, c) in chars.iter().enumerate() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return chars.get(i + 1) == Some(&'(');
                }
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_become_text_unless_labelled() {
        let lines = sanitize("Example:\n```\nlet x = 1;\n```\n```json\n{}\n```");
        assert_eq!(
            lines,
            vec![
                "Example:",
                "```text",
                "let x = 1;",
                "```",
                "```json",
                "{}",
                "```"
            ]
        );
    }

    #[test]
    fn indentation_brackets_urls_and_tags() {
        let lines =
            sanitize("    indented\nSee https://example.com. [x] and [link](https://a.b) <br>");
        assert_eq!(lines[0], "indented");
        assert_eq!(
            lines[1],
            "See <https://example.com>. \\[x\\] and [link](https://a.b) &lt;br&gt;"
        );
    }

    #[test]
    fn only_data_languages_keep_their_label() {
        let text = "```should_panic\nA\n```\n~~~no_run\nB\n~~~\n````compile_fail,edition2021\nC\n````\n\
                    ```ignore\nD\n```\n```sh\nE\n```\n```JSON\n{}\n```\n```yaml title\nx: 1\n```";
        let fences: Vec<String> = sanitize(text)
            .into_iter()
            .filter(|l| l.starts_with("```") || l.starts_with("~~~"))
            .collect();
        assert_eq!(
            fences,
            [
                "```text", "```", "~~~text", "~~~", "````text", "````", "```text", "```",
                "```text", "```", "```json", "```", "```yaml", "```"
            ]
        );
    }

    #[test]
    fn a_fence_closes_only_with_its_own_character_and_length() {
        // Inside a four-backtick block, ``` and ~~~ are content: the block goes on.
        let lines = sanitize("````\n```\n~~~rust\n````\n```rust\nrun()\n```");
        assert_eq!(
            lines,
            [
                "````text", "```", "~~~rust", "````", "```text", "run()", "```"
            ]
        );
    }

    #[test]
    fn fences_in_list_items_and_indented_code_become_text() {
        let lines = sanitize("- ```rust\n  run()\n  ```\n1.     indented()\n* - ~~~\n  x\n  ~~~");
        assert_eq!(
            lines,
            [
                "-",
                "```text",
                "  run()",
                "```",
                "1. indented()",
                "* -",
                "~~~text",
                "  x",
                "~~~"
            ]
        );
    }

    #[test]
    fn control_and_bidi_characters_are_removed() {
        let lines = sanitize("a\u{202e}b\u{2066}c\u{200f}\rd\u{0}e\u{1b}[31m");
        assert_eq!(lines, ["abc", "de\\[31m"]);
    }

    #[test]
    fn inline_text_has_no_fence_and_cannot_open_one() {
        assert_eq!(inline("```rust\nrun()\n```\nthen"), "run() then");
        assert_eq!(inline("x\n```\n~~~rust\n```"), "x ~~~rust");
        assert_eq!(inline("```\n~~~rust\n```"), "\\~~~rust");
        assert_eq!(inline("- ```rust\nx"), "- x");
    }

    #[test]
    fn values_become_code_spans_that_hold_them() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`"), "`` ` ``");
        assert_eq!(code("a\nb\r\u{202e}"), "`a\\nb\\r\\u{202e}`");
        assert_eq!(code(""), "`\"\"`");
        assert_eq!(code(" a "), "`  a  `");
        assert_eq!(code("```rust"), "```` ```rust ````");
        // At the start of a line, a span of three backticks or more opens no block, and the
        // escaping of brackets starts again exactly after it.
        assert_eq!(
            sanitize(&format!("{} [x]", code("a``b"))),
            ["```a``b``` \\[x\\]"]
        );
    }

    #[test]
    fn an_unclosed_backtick_does_not_stop_escaping() {
        assert_eq!(sanitize("a ` b [x] <t>"), ["a ` b \\[x\\] &lt;t&gt;"]);
    }

    #[test]
    fn code_spans_are_left_alone() {
        assert_eq!(sanitize("`[a] <b>`"), vec!["`[a] <b>`"]);
    }
}
