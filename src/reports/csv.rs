//! CSV output for reports: UTF-8 with a BOM (so spreadsheet programs show
//! Thai, Vietnamese and Chinese correctly), RFC 4180 quoting, CRLF, and
//! neutralised formulas: a text cell starting with `=`, `+`, `-`, `@`, tab
//! or carriage return gets a leading `'` (OWASP). Numbers the report itself
//! produces stay numbers.

use crate::i18n::{self, Locale};

pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

pub(crate) enum Cell {
    Text(String),
    Int(i64),
    Num(Option<f64>),
}

fn escape(text: &str) -> String {
    let neutral = match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// One CSV line, CRLF-terminated.
pub(crate) fn line(cells: &[Cell]) -> Vec<u8> {
    let parts: Vec<String> = cells
        .iter()
        .map(|c| match c {
            Cell::Text(t) => escape(t),
            Cell::Int(n) => n.to_string(),
            Cell::Num(Some(n)) => n.to_string(),
            Cell::Num(None) => String::new(),
        })
        .collect();
    let mut out = parts.join(",").into_bytes();
    out.extend_from_slice(b"\r\n");
    out
}

/// The localized header line (`report-column-<name>` messages).
pub(crate) fn header(locale: Locale, columns: &[&str]) -> Vec<u8> {
    let cells: Vec<Cell> = columns
        .iter()
        .map(|c| Cell::Text(i18n::t(locale, &format!("report-column-{c}"), &[])))
        .collect();
    line(&cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        let l = String::from_utf8(line(&[
            Cell::Text("=HYPERLINK(\"x\")".into()),
            Cell::Text("+1".into()),
            Cell::Text("-2".into()),
            Cell::Text("@SUM(A1)".into()),
            Cell::Text("a,b".into()),
            Cell::Num(Some(-3.5)),
            Cell::Int(7),
            Cell::Text("สมชาย".into()),
        ]))
        .unwrap();
        assert_eq!(l, "\"'=HYPERLINK(\"\"x\"\")\",'+1,'-2,'@SUM(A1),\"a,b\",-3.5,7,สมชาย\r\n");
    }
}
