//! Spec prose -> rustdoc lines that never break the build.
//!
//! Descriptions are CommonMark written for web pages. In rustdoc, an unlabelled code fence or
//! an indented block is compiled as a Rust doctest, `[x]` is an intra-doc link, a bare URL
//! and a stray `<tag>` are lint warnings. This module neutralises exactly those.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Doc;

/// `#[doc = "..."]` attributes for `lines`.
pub fn attrs(lines: &[String]) -> TokenStream {
    let attrs = lines.iter().map(|line| {
        let text = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #text])
    });
    quote!(#(#attrs)*)
}

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
            out.push(format!("- {}", sanitize(note).join(" ")));
        }
    }
    out
}

/// Adds a blank line unless the text so far is empty or already ends in one.
pub fn paragraph_break(out: &mut Vec<String>) {
    if out.last().is_some_and(|l| !l.is_empty()) {
        out.push(String::new());
    }
}

/// Makes spec prose safe as rustdoc.
pub fn sanitize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    for raw in text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', "    ")
        .lines()
    {
        let trimmed = raw.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let fence = &trimmed[..3];
            if in_fence {
                out.push(fence.to_owned());
            } else {
                // Only an explicit non-Rust language stays; everything else is shown as text,
                // because rustdoc would compile it.
                let lang = trimmed[3..].trim();
                let lang = if lang.is_empty() || lang.contains("rust") || lang.contains(',') {
                    "text"
                } else {
                    lang
                };
                out.push(format!("{fence}{lang}"));
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(raw.trim_end().to_owned());
        } else {
            // Leading spaces would make an indented code block, which rustdoc compiles.
            out.push(escape_inline(trimmed.trim_end()));
        }
    }
    if in_fence {
        out.push("```".to_owned());
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    while out.first().is_some_and(String::is_empty) {
        out.remove(0);
    }
    out
}

/// Escapes brackets that are not Markdown links, HTML-ish `<`, and wraps bare URLs, outside
/// inline code spans.
fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
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
    fn code_spans_are_left_alone() {
        assert_eq!(sanitize("`[a] <b>`"), vec!["`[a] <b>`"]);
    }
}
