//! The completion report's CSV columns and cells, per grouping. The
//! header names are localized (`report-column-<name>` messages).

use super::completion::{CompletionRow, Figures, GroupRow};
use super::csv::Cell;
use super::rollup::Grouping;

pub(crate) const COMPLETION_COLUMNS: &[&str] = &["branch", "course_id", "course_code", "cohort_id", "cohort_name"];
pub(crate) const FIGURE_COLUMNS: &[&str] = &[
    "enrolled",
    "active",
    "completed",
    "certified",
    "withdrawn",
    "pass_rate",
    "average_score",
    "median_days_to_certificate",
    "examined",
    "passed",
    "scored",
    "late_synced_attempts",
];

/// The figure cells, in `FIGURE_COLUMNS` order (the counts behind the
/// rates come after the rates, so the columns before them keep their places).
fn figure_cells(f: Figures) -> Vec<Cell> {
    vec![
        Cell::Int(f.enrolled),
        Cell::Int(f.active),
        Cell::Int(f.completed),
        Cell::Int(f.certified),
        Cell::Int(f.withdrawn),
        Cell::Num(f.pass_rate),
        Cell::Num(f.average_score),
        Cell::Num(f.median_days_to_certificate),
        Cell::Int(f.examined),
        Cell::Int(f.passed),
        Cell::Int(f.scored),
        Cell::Int(f.late_synced_attempts),
    ]
}

pub(crate) fn completion_cells(r: CompletionRow) -> Vec<Cell> {
    let mut cells = vec![
        Cell::Text(r.branch),
        Cell::Text(r.course_id.to_string()),
        Cell::Text(r.course_code),
        Cell::Text(r.cohort_id.to_string()),
        Cell::Text(r.cohort_name),
    ];
    cells.extend(figure_cells(r.figures));
    cells
}

/// The key columns of a grouped report.
pub(crate) fn group_columns(g: Grouping) -> &'static [&'static str] {
    match g {
        Grouping::Branch => &["branch", "cohorts"],
        Grouping::Course => &["course_id", "course_code", "cohorts"],
        _ => &["month", "cohorts"],
    }
}

pub(crate) fn group_cells(g: Grouping, r: GroupRow) -> Vec<Cell> {
    let text = |t: Option<String>| Cell::Text(t.unwrap_or_default());
    let mut cells = match g {
        Grouping::Branch => vec![text(r.branch)],
        Grouping::Course => vec![text(r.course_id.map(|c| c.to_string())), text(r.course_code)],
        _ => vec![text(r.month)],
    };
    cells.push(Cell::Int(r.cohorts));
    cells.extend(figure_cells(r.figures));
    cells
}
