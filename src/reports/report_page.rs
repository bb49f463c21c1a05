//! The printable report pages (a cohort's, and headquarters' overview):
//! the frame, the stylesheet and its Content-Security-Policy, and how a
//! section is laid out: a chart and, beside it, a table with the same
//! figures, so that the page reads without the picture, prints well and
//! tells screen readers everything. Every text is escaped here, once; the
//! SVG comes from `charts`, which escapes its own labels.

use crate::i18n::{self, Arg, Locale};
use crate::pages::frame;
use crate::text::escape_html as escape;

pub(crate) const STYLE: &str = r#"
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#eef1f4;color:#1b1b1b;font:16px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans SC","Noto Sans CJK SC","PingFang SC","Microsoft YaHei","Noto Sans Thai","Leelawadee UI",sans-serif}
.sheet{max-width:72rem;margin:1rem auto;background:#fff;padding:1.25rem;border-radius:.5rem;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.45rem;line-height:1.3;margin:0 0 .75rem}
h2{font-size:1.15rem;margin:0 0 .5rem}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0 0 1.25rem}
.facts dt{color:#555}
.facts dd{margin:0;font-weight:600;overflow-wrap:anywhere}
section{margin:0 0 1.75rem;padding-top:1rem;border-top:1px solid #ddd}
.about{margin:0 0 .75rem;color:#333}
.block{display:grid;grid-template-columns:1fr;gap:1rem;align-items:start}
@media (min-width:60rem){.block{grid-template-columns:minmax(0,3fr) minmax(0,2fr)}}
figure{margin:0}
svg.chart{display:block;width:100%;height:auto}
svg.chart text{font-family:system-ui,"Noto Sans","Noto Sans SC","Noto Sans CJK SC","PingFang SC","Microsoft YaHei","Noto Sans Thai","Leelawadee UI",sans-serif}
table{border-collapse:collapse;width:100%;font-size:.92rem}
caption{text-align:left;font-weight:600;margin:0 0 .35rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .45rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.flagged{color:#b3261e;font-weight:700}
.note{color:#555;font-style:italic}
@page{size:A4;margin:12mm}
@media print{
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{background:#fff;font-size:10pt}
.sheet{box-shadow:none;border-radius:0;margin:0;max-width:none;padding:0}
.block{grid-template-columns:1fr}
section{break-inside:avoid}
}
"#;

/// The policy of the report pages: [`STYLE`] by its hash, nothing else.
pub(crate) fn content_security_policy() -> &'static str {
    static POLICY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| frame::policy(STYLE, frame::Forms::None));
    &POLICY
}

/// A table cell: its text as shown, and for figures the plain value
/// (`data-value`) a program can read back.
pub(crate) struct Cell {
    pub text: String,
    pub value: Option<String>,
    /// Shown in the highlight colour (a flagged question).
    pub flagged: bool,
    /// A language tag when the text is in another language than the page.
    pub lang: Option<&'static str>,
}

impl Cell {
    pub(crate) fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            value: None,
            flagged: false,
            lang: None,
        }
    }

    pub(crate) fn figure(text: String, value: String) -> Cell {
        Cell {
            text,
            value: Some(value),
            flagged: false,
            lang: None,
        }
    }
}

/// A table: head cells and rows (the first cell of a row is its header).
pub(crate) struct Table {
    pub caption: String,
    pub head: Vec<Cell>,
    pub rows: Vec<Vec<Cell>>,
}

/// One part of a page: a heading, a sentence about it, the chart (None
/// when there is nothing to draw) and its table, or a note instead.
pub(crate) struct Section {
    pub id: &'static str,
    pub heading: String,
    pub about: String,
    pub chart: Option<String>,
    pub table: Option<Table>,
    pub note: Option<String>,
}

fn lang_attr(lang: Option<&'static str>) -> String {
    lang.map_or(String::new(), |l| format!(r#" lang="{l}""#))
}

fn cell(tag: &str, c: &Cell, scope: &str) -> String {
    let mut class = Vec::new();
    if c.value.is_some() {
        class.push("n");
    }
    if c.flagged {
        class.push("flagged");
    }
    let class = if class.is_empty() {
        String::new()
    } else {
        format!(r#" class="{}""#, class.join(" "))
    };
    let value = c
        .value
        .as_ref()
        .map_or(String::new(), |v| format!(r#" data-value="{}""#, escape(v)));
    format!(
        "<{tag}{scope}{class}{value}{lang}>{text}</{tag}>",
        lang = lang_attr(c.lang),
        text = escape(&c.text)
    )
}

fn table(id: &str, t: &Table) -> String {
    let head: String = t.head.iter().map(|c| cell("th", c, r#" scope="col""#)).collect();
    let rows: String = t
        .rows
        .iter()
        .map(|row| {
            let cells: String = row
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if i == 0 {
                        cell("th", c, r#" scope="row""#)
                    } else {
                        cell("td", c, "")
                    }
                })
                .collect();
            format!("<tr>{cells}</tr>")
        })
        .collect();
    format!(
        r#"<table id="{id}-table"><caption>{}</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"#,
        escape(&t.caption)
    )
}

fn section(s: &Section) -> String {
    let chart = s.chart.as_ref().map_or(String::new(), |svg| format!("<figure>{svg}</figure>"));
    let table = s.table.as_ref().map_or(String::new(), |t| table(s.id, t));
    let note = s
        .note
        .as_ref()
        .map_or(String::new(), |n| format!(r#"<p class="note">{}</p>"#, escape(n)));
    format!(
        concat!(
            r#"<section id="{id}" aria-labelledby="{id}-h"><h2 id="{id}-h">{heading}</h2>"#,
            r#"<p class="about">{about}</p>{note}<div class="block">{chart}{table}</div></section>"#
        ),
        id = s.id,
        heading = escape(&s.heading),
        about = escape(&s.about),
        note = note,
        chart = chart,
        table = table,
    )
}

/// The whole page: a heading, facts (label, value) and the sections.
pub(crate) fn render(locale: Locale, heading: &str, facts: &[(String, String)], sections: &[Section]) -> String {
    let facts: String = facts
        .iter()
        .map(|(l, v)| format!("<dt>{}</dt><dd>{}</dd>", escape(l), escape(v)))
        .collect();
    let body = format!(
        r#"<h1>{}</h1><dl class="facts">{facts}</dl>{}"#,
        escape(heading),
        sections.iter().map(section).collect::<String>()
    );
    frame::document(locale, &escape(heading), "report", STYLE, &body)
}

/// A count in the reader's digits and grouping (`1,234`, vi `1.234`).
pub(crate) fn number(locale: Locale, n: i64) -> String {
    i18n::format_decimal(locale, &n.to_string()).unwrap_or_else(|| n.to_string())
}

/// An axis value in the reader's digits: whole, or with one decimal.
pub(crate) fn figure(locale: Locale, v: f64) -> String {
    let text = if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") };
    i18n::format_decimal(locale, &text).unwrap_or(text)
}

/// A share (0-1) as a percentage with one decimal (`66.7%`, vi `66,7%`).
pub(crate) fn percent(locale: Locale, share: f64) -> String {
    let figure = format!("{:.1}", share * 100.0);
    let value = i18n::format_decimal(locale, &figure).unwrap_or(figure);
    i18n::t(locale, "chart-percent", &[("value", Arg::from(value))])
}

/// A count cell.
pub(crate) fn count_cell(locale: Locale, n: i64) -> Cell {
    Cell::figure(number(locale, n), n.to_string())
}

/// A share cell (a dash without a value).
pub(crate) fn share_cell(locale: Locale, share: Option<f64>) -> Cell {
    match share {
        Some(s) => Cell::figure(percent(locale, s), format!("{s}")),
        None => Cell::figure("–".into(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_exactly_the_stylesheet() {
        let html = render(Locale::Th, "x", &[], &[]);
        assert!(html.contains(r#"<html lang="th">"#));
        use base64::Engine;
        use sha2::{Digest, Sha256};
        let css = html.split("<style>").nth(1).unwrap().split("</style>").next().unwrap();
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css.as_bytes()));
        assert!(content_security_policy().contains(&hash));
        assert!(!html.contains("<script") && !html.contains(" style="));
    }

    #[test]
    fn numbers_follow_the_locale() {
        assert_eq!(number(Locale::En, 1234), "1,234");
        assert_eq!(number(Locale::Vi, 1234), "1.234");
        assert_eq!(percent(Locale::En, 0.6667), "66.7%");
        assert_eq!(percent(Locale::Vi, 0.6667), "66,7%");
    }

    #[test]
    fn every_text_is_escaped() {
        let sections = [Section {
            id: "s",
            heading: "<h>".into(),
            about: "a & b".into(),
            chart: None,
            table: Some(Table {
                caption: "<c>".into(),
                head: vec![Cell::text("\"q\"")],
                rows: vec![vec![Cell::text("<script>x</script>"), count_cell(Locale::En, 3)]],
            }),
            note: None,
        }];
        let html = render(Locale::En, "<title>", &[("<l>".into(), "<v>".into())], &sections);
        assert!(!html.contains("<script") && !html.contains("<h>") && !html.contains("<c>") && !html.contains("<v>"));
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(html.contains(r#"<td class="n" data-value="3">3</td>"#), "{html}");
    }
}
