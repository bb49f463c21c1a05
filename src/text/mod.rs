//! The one policy for text people type: names, titles, summaries, lesson
//! bodies, question prompts and options, cohort names, reasons, and the
//! strings anonymous callers send (login, tokens). Every request DTO checks
//! its free text here, so the rules cannot drift between handlers.
//!
//! What is refused, in every kind of text:
//! - control characters (general category Cc: C0 and C1, NUL, DEL), except
//!   line feed and tab in multi-line text. A lone carriage return is refused;
//!   CRLF in multi-line text is stored as LF. A CR or LF in a single line
//!   (a display name ends up in email headers) can therefore never be stored;
//! - format characters (Cf): bidi overrides and isolates (U+202A-202E,
//!   U+2066-2069), zero-width space, word joiner, BOM (U+FEFF), soft hyphen,
//!   tag characters. They are invisible, reorder what readers see, or make
//!   two equal-looking strings differ. The exception is ZWNJ and ZWJ
//!   (U+200C, U+200D) *between two visible characters*: Persian, Arabic and
//!   Indic scripts need them inside words, and emoji sequences use ZWJ.
//!   Chinese, English, Thai and Vietnamese need no format character at all;
//! - line and paragraph separators (U+2028, U+2029), which break lines;
//! - noncharacters (U+FDD0-FDEF and U+xxFFFE/U+xxFFFF).
//!
//! Unassigned code points are accepted, so that characters newer than our
//! Unicode tables (new emoji typed on a new phone) are not refused.
//! Lengths are counted in characters (Unicode scalar values) after trimming.
//! PostgreSQL cannot store NUL in text: checking here keeps it out of every
//! query, which would otherwise fail with a 500.

pub(crate) mod email;
pub(crate) mod search;

use crate::error::FieldCode;
use crate::error::FieldError;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

pub(crate) use email::EmailAddress;

/// How a field may be shaped; see the constants below for the field kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Text {
    /// Line feeds (and tabs) allowed.
    multiline: bool,
    /// Leading and trailing whitespace is kept (Markdown bodies).
    keep_whitespace: bool,
    required: bool,
    /// In characters.
    max: usize,
}

/// A person's display name: one line, at most 120 characters.
pub(crate) const PERSON_NAME: Text = Text::line(120);
/// A cohort's name.
pub(crate) const COHORT_NAME: Text = Text::line(120);
/// A branch's name in one locale.
pub(crate) const BRANCH_NAME: Text = Text::line(200);
/// A course, lesson or exam title.
pub(crate) const TITLE: Text = Text::line(200);
/// A course summary: a paragraph or a few, may be empty.
pub(crate) const SUMMARY: Text = Text::paragraphs(2_000).optional();
/// A lesson body: Markdown, kept exactly as written (CRLF becomes LF), may be empty.
pub(crate) const LESSON_BODY: Text = Text::markdown(100_000);
/// A question prompt: may span lines.
pub(crate) const PROMPT: Text = Text::paragraphs(5_000);
/// One answer option of a question.
pub(crate) const OPTION: Text = Text::line(1_000);
/// An organisation's name (an enterprise, a dealer, a college).
pub(crate) const ORGANISATION_NAME: Text = Text::line(200);
/// An assessor's notes on a practical assessment.
pub(crate) const ASSESSMENT_NOTES: Text = Text::paragraphs(4_000).optional();
/// An assessor's comment on one checklist item.
pub(crate) const ITEM_COMMENT: Text = Text::paragraphs(1_000).optional();
/// One step of a practical checklist.
pub(crate) const CHECKLIST_ITEM: Text = Text::line(500);
/// Why a certificate was revoked (shown on the public verify page).
pub(crate) const REASON: Text = Text::paragraphs(1_000);
/// An opaque token an anonymous caller sends back (refresh, invitation):
/// ours are 43 characters; anything much longer or with controls is not one.
/// Empty is left to the caller (it is simply not a valid token: 401).
pub(crate) const TOKEN: Text = Text::line(256).optional();

impl Text {
    /// One line, trimmed, required.
    pub(crate) const fn line(max: usize) -> Text {
        Text {
            multiline: false,
            keep_whitespace: false,
            required: true,
            max,
        }
    }
    /// Several lines, trimmed, required.
    pub(crate) const fn paragraphs(max: usize) -> Text {
        Text {
            multiline: true,
            keep_whitespace: false,
            required: true,
            max,
        }
    }
    /// Several lines kept as written (only CRLF becomes LF), may be empty.
    pub(crate) const fn markdown(max: usize) -> Text {
        Text {
            multiline: true,
            keep_whitespace: true,
            required: false,
            max,
        }
    }
    /// The same, but empty text is fine.
    pub(crate) const fn optional(self) -> Text {
        Text { required: false, ..self }
    }

    /// The value as it is to be stored, or the first rule it breaks, as a
    /// field error naming `field` (its JSON path).
    pub(crate) fn check(&self, field: impl Into<String>, value: &str) -> Result<String, FieldError> {
        let field = field.into();
        let value = if self.multiline && value.contains('\r') {
            value.replace("\r\n", "\n")
        } else {
            value.to_string()
        };
        let value = if self.keep_whitespace { value } else { value.trim().to_string() };
        if let Some(c) = first_disallowed(&value, self.multiline) {
            return Err(invalid_characters(field, c));
        }
        if self.required && value.trim().is_empty() {
            return Err(FieldError::new(field, FieldCode::Required));
        }
        if value.chars().count() > self.max {
            return Err(FieldError::new(field, FieldCode::TooLong).arg("max", self.max));
        }
        Ok(value)
    }

    /// `check`, collecting the error: `None` if `value` was refused.
    pub(crate) fn collect(&self, field: impl Into<String>, value: &str, errors: &mut Vec<FieldError>) -> Option<String> {
        match self.check(field, value) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.push(e);
                None
            }
        }
    }
}

/// The field error for a refused character, naming it (`U+202E`) so that an
/// author can find an invisible one.
pub(crate) fn invalid_characters(field: impl Into<String>, c: char) -> FieldError {
    FieldError::new(field, FieldCode::InvalidCharacters).arg("character", format!("U+{:04X}", c as u32))
}

/// A short value that is looked up, never stored (query filters, codes in
/// paths): refused only if it could not be a stored value at all, so that the
/// database never sees NUL or control characters.
pub(crate) fn check_lookup(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    if let Some(c) = first_disallowed(value, false) {
        return Err(invalid_characters(field, c));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(field, FieldCode::TooLong).arg("max", max));
    }
    Ok(())
}

/// The first character `text` may not contain, if any.
pub(crate) fn first_disallowed(text: &str, multiline: bool) -> Option<char> {
    let mut previous: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let allowed = match c {
            '\n' | '\t' => multiline,
            '\u{200C}' | '\u{200D}' => {
                let visible = |c: Option<char>| c.is_some_and(|c| !c.is_whitespace() && is_plain(c));
                visible(previous) && visible(chars.peek().copied())
            }
            c => is_plain(c),
        };
        if !allowed {
            return Some(c);
        }
        previous = Some(c);
    }
    None
}

/// Not a control, format, separator or noncharacter.
fn is_plain(c: char) -> bool {
    !matches!(
        c.general_category(),
        GeneralCategory::Control | GeneralCategory::Format | GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator
    ) && !is_noncharacter(c)
}

/// The 66 code points Unicode reserves never to assign.
pub(crate) fn is_noncharacter(c: char) -> bool {
    let n = c as u32;
    (0xFDD0..=0xFDEF).contains(&n) || (n & 0xFFFE) == 0xFFFE
}

/// Escapes text for HTML content and double-quoted attribute values: the
/// one escaping every page and HTML email uses.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(result: Result<String, FieldError>) -> &'static str {
        result.err().map_or("ok", |e| e.code.as_str())
    }

    #[test]
    fn lines_refuse_breaks_controls_and_invisible_characters() {
        for bad in [
            "a\nb",
            "a\rb",
            "a\tb",
            "a\0b",
            "a\u{7f}b",
            "a\u{85}b",
            "a\u{202E}b",
            "a\u{200B}b",
            "\u{FEFF}a",
            "a\u{2066}b",
            "a\u{2028}b",
            "a\u{00AD}b",
            "a\u{FFFE}",
            "a\u{FDD0}",
            "a\u{10FFFF}",
            "\u{200D}a",
            "a\u{200C}",
            "a \u{200D} b",
        ] {
            assert_eq!(code(PERSON_NAME.check("n", bad)), "invalid_characters", "{bad:?}");
        }
    }

    #[test]
    fn lines_keep_what_real_names_need() {
        for good in [
            "สมชาย ใจดี",
            "Nguyễn Văn A",
            "王小明",
            "O'Brien-Smith",
            "André",
            "می\u{200C}خواهم",
            "👩\u{200D}🔧 Lan",
            "A\u{3000}B",
        ] {
            assert_eq!(PERSON_NAME.check("n", good).unwrap(), good);
        }
        assert_eq!(PERSON_NAME.check("n", "  Lan  ").unwrap(), "Lan");
    }

    #[test]
    fn bodies_allow_line_feeds_and_tabs_and_store_crlf_as_lf() {
        assert_eq!(LESSON_BODY.check("b", "# T\r\n\n\tcode  \n").unwrap(), "# T\n\n\tcode  \n");
        assert_eq!(code(LESSON_BODY.check("b", "a\rb")), "invalid_characters");
        assert_eq!(code(LESSON_BODY.check("b", "a\u{202E}b")), "invalid_characters");
        assert_eq!(LESSON_BODY.check("b", "").unwrap(), "");
        assert_eq!(PROMPT.check("p", " Why?\r\nExplain. ").unwrap(), "Why?\nExplain.");
    }

    #[test]
    fn required_and_length_bounds() {
        assert_eq!(code(TITLE.check("t", "   ")), "required");
        assert_eq!(code(TITLE.check("t", &"ก".repeat(201))), "too_long");
        assert!(TITLE.check("t", &"ก".repeat(200)).is_ok());
        let e = TITLE.check("translations.th.title", "a\u{202E}").unwrap_err();
        assert_eq!(e.field, "translations.th.title");
        assert!(e.message(crate::i18n::Locale::En).contains("U+202E"));
        assert_eq!(SUMMARY.check("s", "").unwrap(), "");
    }
}
