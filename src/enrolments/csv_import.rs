//! Parsing the CSV of `POST /api/v1/cohorts/{id}/enrolments/import`
//! (header `email,display_name,locale`, optionally `organisation`): UTF-8 with or without a BOM, CRLF or
//! LF, quoted fields. Each data row is checked on its own; a bad row is
//! reported with its line number and never affects the others.

use super::error::CsvError;
use crate::error::{FieldCode, ImportRowCode};
use crate::i18n::{self, Arg, Locale};
use crate::num::to_usize;
use crate::text::{self, EmailAddress};
use std::collections::HashSet;

/// More rows than this in one file are refused (split the file).
pub(crate) const MAX_ROWS: usize = 50_000;

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ImportRow {
    /// The line the record starts on, counting the header as line 1.
    pub row: usize,
    pub email: String,
    pub display_name: String,
    /// `None` when the cell is empty: the branch's default locale applies.
    pub locale: Option<Locale>,
    /// The trainee's employer or school (its id or exact name), when the
    /// file has an `organisation` column and the cell is not empty.
    pub organisation: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RowFailure {
    pub row: usize,
    /// `invalid_email`, `email_invalid_characters`, `email_mixed_scripts`,
    /// `missing_display_name`, `display_name_too_long`,
    /// `display_name_invalid_characters`, `unknown_locale`, `duplicate_in_file`, `wrong_column_count`, or a
    /// reason found later (`cohort_full`, `not_a_trainee`, ...).
    pub code: ImportRowCode,
}

impl RowFailure {
    pub(crate) fn message(&self, locale: Locale) -> String {
        i18n::t(locale, &self.code.message_id(), &[("row", Arg::from(self.row))])
    }
}

#[derive(Debug, Default)]
pub(crate) struct ParsedImport {
    pub rows: Vec<ImportRow>,
    pub failures: Vec<RowFailure>,
}

pub(crate) fn parse_import(body: &[u8]) -> Result<ParsedImport, CsvError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let text = std::str::from_utf8(body).map_err(|_| CsvError::NotText)?;
    if text.contains('\0') {
        return Err(CsvError::NotText);
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|_| CsvError::BadHeader)?.clone();
    let position = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
    };
    let (Some(email_at), Some(name_at)) = (position("email"), position("display_name")) else {
        return Err(CsvError::BadHeader);
    };
    let locale_at = position("locale");
    let organisation_at = position("organisation");
    let width = headers.len();

    // The csv crate counts lines as it reads (linear), but a record's
    // position is where its read began: before the "\n" of a CRLF that
    // ended the previous record, and before any blank lines it skipped.
    // Stepping over those few bytes gives the line the record starts on.
    let bytes = text.as_bytes();
    let line_of = |position: &csv::Position| {
        let start = to_usize(position.byte()).min(bytes.len());
        let skipped_newlines = bytes[start..]
            .iter()
            .take_while(|b| **b == b'\n' || **b == b'\r')
            .filter(|b| **b == b'\n')
            .count();
        to_usize(position.line()) + skipped_newlines
    };
    let mut parsed = ParsedImport::default();
    let mut seen = HashSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(err) => {
                too_many_rows(&parsed)?;
                let row = err.position().map(line_of).unwrap_or(0);
                parsed.failures.push(RowFailure {
                    row,
                    code: ImportRowCode::WrongColumnCount,
                });
                continue;
            }
        };
        let row = record.position().map(line_of).unwrap_or(0);
        if record.iter().all(|c| c.is_empty()) {
            continue;
        }
        too_many_rows(&parsed)?;
        if record.len() != width {
            parsed.failures.push(RowFailure {
                row,
                code: ImportRowCode::WrongColumnCount,
            });
            continue;
        }
        let locale_text = locale_at.and_then(|i| record.get(i)).unwrap_or("");
        let organisation_text = organisation_at.and_then(|i| record.get(i)).unwrap_or("");
        let checked = check_cells(record.get(email_at).unwrap_or(""), record.get(name_at).unwrap_or(""), locale_text)
            .and_then(|(email, name)| Ok((email, name, check_organisation(organisation_text)?)))
            .and_then(|(email, name, organisation)| {
                if seen.insert(email.key()) {
                    Ok((email, name, organisation))
                } else {
                    Err(ImportRowCode::DuplicateInFile)
                }
            });
        match checked {
            Err(code) => parsed.failures.push(RowFailure { row, code }),
            Ok((email, name, organisation)) => parsed.rows.push(ImportRow {
                row,
                email: email.as_str().to_string(),
                display_name: name,
                locale: Locale::from_tag(locale_text),
                organisation,
            }),
        }
    }
    if parsed.rows.is_empty() && parsed.failures.is_empty() {
        return Err(CsvError::Empty);
    }
    Ok(parsed)
}

/// The text policy (`crate::text`) applied to one row's cells; a failure is
/// a row code that names the column.
fn check_cells(email: &str, name: &str, locale: &str) -> Result<(EmailAddress, String), ImportRowCode> {
    let email = EmailAddress::parse("email", email).map_err(|e| match e.code {
        FieldCode::InvalidCharacters => ImportRowCode::EmailInvalidCharacters,
        FieldCode::MixedScripts => ImportRowCode::EmailMixedScripts,
        _ => ImportRowCode::InvalidEmail,
    })?;
    let name = text::PERSON_NAME.check("display_name", name).map_err(|e| match e.code {
        FieldCode::Required => ImportRowCode::MissingDisplayName,
        FieldCode::TooLong => ImportRowCode::DisplayNameTooLong,
        _ => ImportRowCode::DisplayNameInvalidCharacters,
    })?;
    if !locale.is_empty() && Locale::from_tag(locale).is_none() {
        return Err(ImportRowCode::UnknownLocale);
    }
    Ok((email, name))
}

/// An organisation cell: empty is none; otherwise one line of plain text
/// (what it names is looked up later).
fn check_organisation(cell: &str) -> Result<Option<String>, ImportRowCode> {
    if cell.is_empty() {
        return Ok(None);
    }
    text::ORGANISATION_NAME
        .check("organisation", cell)
        .map(Some)
        .map_err(|_| ImportRowCode::UnknownOrganisation)
}

/// Stops the parse at the first row past `MAX_ROWS`: nothing is kept, and
/// the rest of the file is not read.
fn too_many_rows(parsed: &ParsedImport) -> Result<(), CsvError> {
    if parsed.rows.len() + parsed.failures.len() >= MAX_ROWS {
        return Err(CsvError::TooManyRows { max: MAX_ROWS });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ApiError, ProblemCode};

    /// The problem code a client sees for a refused file.
    fn code_of(err: CsvError) -> ProblemCode {
        ApiError::from(err).code
    }

    #[test]
    fn bom_crlf_quotes_and_reordered_headers() {
        let body = "\u{feff}Display_Name,EMAIL,locale\r\n\"Nguyễn, Văn A\",a@x.vn,vi-VN\r\n\"He said \"\"hi\"\"\",b@x.th,th\r\n";
        let parsed = parse_import(body.as_bytes()).unwrap();
        assert!(parsed.failures.is_empty(), "{:?}", parsed.failures);
        assert_eq!(
            parsed.rows[0],
            ImportRow {
                row: 2,
                email: "a@x.vn".into(),
                display_name: "Nguyễn, Văn A".into(),
                locale: Some(Locale::Vi),
                organisation: None,
            }
        );
        assert_eq!(parsed.rows[1].display_name, "He said \"hi\"");
        assert_eq!(parsed.rows[1].row, 3);
    }

    #[test]
    fn bad_rows_are_reported_with_their_lines_and_good_rows_kept() {
        let body = "email,display_name,locale\nok@x.th,สมชาย,th\nnot-an-email,X,th\nok2@x.th,,th\nok3@x.th,Y,fr\nOK@x.th,Dup,th\nshort@x.th,Z\n\"multi\nline\"@x.th,Q,en\nlast@x.th,王,zh-Hans\n";
        let parsed = parse_import(body.as_bytes()).unwrap();
        let codes: Vec<(usize, &str)> = parsed.failures.iter().map(|f| (f.row, f.code.as_str())).collect();
        assert_eq!(
            codes,
            vec![
                (3, "invalid_email"),
                (4, "missing_display_name"),
                (5, "unknown_locale"),
                (6, "duplicate_in_file"),
                (7, "wrong_column_count"),
                (8, "email_invalid_characters")
            ]
        );
        let good: Vec<&str> = parsed.rows.iter().map(|r| r.email.as_str()).collect();
        assert_eq!(good, vec!["ok@x.th", "last@x.th"]);
        assert_eq!(parsed.rows[1].row, 10);
        assert_eq!(parsed.rows[1].locale, Some(Locale::ZhCn));
    }

    #[test]
    fn garbage_and_wrong_headers_are_refused() {
        assert_eq!(
            code_of(parse_import(&[0xff, 0xfe, 0x00, 0x01]).unwrap_err()),
            ProblemCode::CsvNotText
        );
        assert_eq!(code_of(parse_import(b"name,mail\nx,y\n").unwrap_err()), ProblemCode::CsvBadHeader);
        assert_eq!(
            code_of(parse_import(b"email,display_name,locale\n").unwrap_err()),
            ProblemCode::CsvEmpty
        );
        assert!(
            RowFailure {
                row: 3,
                code: ImportRowCode::InvalidEmail
            }
            .message(Locale::Th)
            .contains('3')
        );
    }

    #[test]
    fn line_numbers_hold_across_crlf_blank_lines_and_multi_line_cells() {
        for newline in ["\n", "\r\n"] {
            let lines = [
                "email,display_name,locale",
                "a@x.th,A,th",
                "\"b@x.th\",\"Two",
                "line name\",th",
                "",
                "bad-one,C,th",
                "\"c@x.th\",\"Three",
                "",
                "lines\",en",
                "bad-two,D,vi",
                "d@x.th,E",
                "e@x.th,F,vi",
            ];
            let body = lines.join(newline) + newline;
            let parsed = parse_import(body.as_bytes()).unwrap();
            let good: Vec<(usize, &str)> = parsed.rows.iter().map(|r| (r.row, r.email.as_str())).collect();
            assert_eq!(good, vec![(2, "a@x.th"), (12, "e@x.th")], "{newline:?}");
            let bad: Vec<(usize, &str)> = parsed.failures.iter().map(|f| (f.row, f.code.as_str())).collect();
            assert_eq!(
                bad,
                vec![
                    // A name may not hold a line break (the text policy), but
                    // the multi-line cell still counts its lines.
                    (3, "display_name_invalid_characters"),
                    (6, "invalid_email"),
                    (7, "display_name_invalid_characters"),
                    (10, "invalid_email"),
                    (11, "wrong_column_count")
                ],
                "{newline:?}"
            );
        }
    }

    #[test]
    fn the_row_cap_stops_the_parse() {
        let mut body = String::from("email,display_name,locale\n");
        for i in 0..=MAX_ROWS {
            body.push_str(&format!("t{i}@example.th,T {i},th\n"));
        }
        assert_eq!(code_of(parse_import(body.as_bytes()).unwrap_err()), ProblemCode::CsvTooManyRows);
        let at_cap = &body[..body.rfind("t50000@").unwrap()];
        assert_eq!(parse_import(at_cap.as_bytes()).unwrap().rows.len(), MAX_ROWS);
    }

    #[test]
    fn five_thousand_rows_parse() {
        let mut body = String::from("email,display_name,locale\n");
        for i in 0..5000 {
            body.push_str(&format!("t{i}@example.th,ผู้เรียน {i},th\n"));
        }
        let started = std::time::Instant::now();
        let parsed = parse_import(body.as_bytes()).unwrap();
        eprintln!("5000 rows parsed in {:?}", started.elapsed());
        assert_eq!(parsed.rows.len(), 5000);
    }
}
