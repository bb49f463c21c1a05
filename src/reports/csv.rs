//! CSV output for reports: UTF-8 with a BOM (so spreadsheet programs show
//! Thai, Vietnamese and Chinese correctly), RFC 4180 quoting, CRLF, and
//! neutralised formulas: a text cell starting with `=`, `+`, `-`, `@`, tab
//! or carriage return gets a leading `'` (OWASP). Numbers the report itself
//! produces stay numbers.
//!
//! Two dialects: the RFC 4180 comma with decimal points (the default, what
//! programs read), and `;` with decimal commas (`?sep=semicolon`), what a
//! spreadsheet opens directly where the comma is the decimal mark
//! (Vietnamese, and most of continental Europe). The client chooses: the
//! spreadsheet follows the computer's regional settings, not the language
//! the report is read in, so the language alone cannot decide it.

use crate::error::{ApiError, FieldCode};
use crate::i18n::{self, Locale};

pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

pub(crate) enum Cell {
    Text(String),
    Int(i64),
    Num(Option<f64>),
}

/// How cells are separated and how decimals are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// `,` between cells, `.` in decimals (RFC 4180).
    Comma,
    /// `;` between cells, `,` in decimals.
    Semicolon,
}

impl Dialect {
    /// The `sep` query parameter: `comma` (default) or `semicolon`.
    pub(crate) fn parse(sep: Option<&str>) -> Result<Self, ApiError> {
        match sep {
            None | Some("comma") => Ok(Dialect::Comma),
            Some("semicolon") => Ok(Dialect::Semicolon),
            Some(_) => Err(ApiError::field("sep", FieldCode::InvalidChoice)),
        }
    }

    fn separator(self) -> char {
        match self {
            Dialect::Comma => ',',
            Dialect::Semicolon => ';',
        }
    }

    fn number(self, n: f64) -> String {
        match self {
            Dialect::Comma => n.to_string(),
            Dialect::Semicolon => n.to_string().replace('.', ","),
        }
    }
}

fn escape(text: &str, dialect: Dialect) -> String {
    let neutral = match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    };
    if neutral.contains([dialect.separator(), '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// One CSV line, CRLF-terminated.
pub(crate) fn line(cells: &[Cell], dialect: Dialect) -> Vec<u8> {
    let parts: Vec<String> = cells
        .iter()
        .map(|c| match c {
            Cell::Text(t) => escape(t, dialect),
            Cell::Int(n) => n.to_string(),
            Cell::Num(Some(n)) => dialect.number(*n),
            Cell::Num(None) => String::new(),
        })
        .collect();
    let mut out = parts.join(&dialect.separator().to_string()).into_bytes();
    out.extend_from_slice(b"\r\n");
    out
}

/// The localized header line (`report-column-<name>` messages).
pub(crate) fn header(locale: Locale, columns: &[&str], dialect: Dialect) -> Vec<u8> {
    let cells: Vec<Cell> = columns
        .iter()
        .map(|c| Cell::Text(i18n::t(locale, &format!("report-column-{c}"), &[])))
        .collect();
    line(&cells, dialect)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        let l = String::from_utf8(line(
            &[
                Cell::Text("=HYPERLINK(\"x\")".into()),
                Cell::Text("+1".into()),
                Cell::Text("-2".into()),
                Cell::Text("@SUM(A1)".into()),
                Cell::Text("a,b".into()),
                Cell::Num(Some(-3.5)),
                Cell::Int(7),
                Cell::Text("สมชาย".into()),
            ],
            Dialect::Comma,
        ))
        .unwrap();
        assert_eq!(l, "\"'=HYPERLINK(\"\"x\"\")\",'+1,'-2,'@SUM(A1),\"a,b\",-3.5,7,สมชาย\r\n");
    }

    #[test]
    fn the_semicolon_dialect_writes_decimal_commas_and_quotes_semicolons() {
        let cells = [
            Cell::Text("a;b".into()),
            Cell::Text("a,b".into()),
            Cell::Num(Some(0.667)),
            Cell::Int(1200),
            Cell::Num(None),
        ];
        let l = String::from_utf8(line(&cells, Dialect::Semicolon)).unwrap();
        assert_eq!(l, "\"a;b\";a,b;0,667;1200;\r\n");
    }
}
