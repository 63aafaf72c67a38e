//! Text from outside (arguments, files, the network, supervisors' labels)
//! encoded for where it is shown: a terminal line, a spreadsheet cell,
//! Markdown. One function per destination, so no writer rolls its own.

use std::borrow::Cow;

/// `text` with every control character written as an escape (`\u{1b}`,
/// `\u{0}`, `\n`, `\t`...), so a value cannot retitle or clear a terminal,
/// move its cursor or start a line of its own. The characters that reorder
/// text (bidirectional overrides and isolates) are escaped too: they make a
/// line read differently from what it holds. Escaping twice changes
/// nothing, since an escape is plain printable text.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// A spreadsheet's text cell: one that begins with `=`, `+`, `-`, `@`, a
/// tab or a carriage return gets a leading apostrophe (the OWASP rule), so
/// Excel, LibreOffice and Google Sheets show it instead of running it as a
/// formula. For text cells only: a number is written as it is, so `-3`
/// stays a number.
pub fn spreadsheet_text(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Text for inline Markdown, such as a table cell: every character
/// Markdown or its HTML gives a meaning to is escaped with a backslash
/// (CommonMark allows one before any ASCII punctuation), and line breaks
/// become spaces. So a label cannot make a link, an image, raw HTML,
/// emphasis or code, and cannot split a table row or cell.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.trim().chars() {
        match c {
            '\r' | '\n' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '!' | '|' | '~' | '&' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_plain_text_is_left_alone() {
        assert_eq!(
            printable("a\u{1b}]0;pwned\u{7}b\0c\nd\u{9b}2J"),
            "a\\u{1b}]0;pwned\\u{7}b\\u{0}c\\nd\\u{9b}2J"
        );
        assert_eq!(printable("« Gatineau » — zone 3"), "« Gatineau » — zone 3");
        assert!(matches!(printable("plain"), Cow::Borrowed(_)));
        assert_eq!(printable("abc\u{202e}fed"), "abc\\u{202e}fed");
    }

    #[test]
    fn escaping_twice_is_escaping_once() {
        let once = printable("\u{1b}[2J\0").into_owned();
        assert_eq!(printable(&once), once);
    }

    #[test]
    fn a_text_cell_that_starts_like_a_formula_gets_an_apostrophe() {
        for (cell, expected) in [
            (
                "=HYPERLINK(\"http://evil\",\"x\")",
                "'=HYPERLINK(\"http://evil\",\"x\")",
            ),
            ("+1+cmd", "'+1+cmd"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("gatineau", "gatineau"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_text(cell), expected, "{cell:?}");
        }
    }

    #[test]
    fn markdown_specials_are_escaped_and_lines_joined() {
        assert_eq!(
            markdown_text(" a|b *c* [x](http://e) <script>\nd_e `f` "),
            "a\\|b \\*c\\* \\[x\\](http://e) \\<script\\> d\\_e \\`f\\`"
        );
        assert_eq!(markdown_text("18 à 24 ans"), "18 à 24 ans");
        assert_eq!(
            markdown_text("Trousses de naloxone (2 doses)."),
            "Trousses de naloxone (2 doses)."
        );
    }
}
