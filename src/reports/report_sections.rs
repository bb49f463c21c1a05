//! The sections of the report pages, each a chart and a table built from
//! the same figures the JSON reports give: the completion funnel (cohort
//! summary), campuses compared (completion report grouped by branch),
//! weekly activity, and question difficulty per language (item statistics).

use super::charts::{self, About, Series};
use super::cohort_summary::Funnel;
use super::completion::GroupRow;
use super::items_view::Report as ItemReport;
use super::report_page::{Cell, Section, Table, count_cell, figure, percent, share_cell};
use super::weekly::Week;
use crate::i18n::{self, Arg, Locale};

fn t(locale: Locale, id: &str) -> String {
    i18n::t(locale, id, &[])
}

/// The funnel of a cohort: enrolled → started lessons → all lessons → sat
/// the exam → passed → certified, with each stage's share of the enrolled.
pub(crate) fn funnel(locale: Locale, f: &Funnel) -> Section {
    let stages = [
        (t(locale, "funnel-enrolled"), f.enrolled),
        (t(locale, "funnel-started_lessons"), f.started_lessons),
        (t(locale, "funnel-all_lessons"), f.all_lessons),
        (t(locale, "funnel-sat_exam"), f.sat_exam),
        (t(locale, "funnel-passed"), f.passed),
        (t(locale, "funnel-certified"), f.certified),
    ];
    let about = About {
        id: "funnel-chart",
        title: t(locale, "chart-funnel-title"),
        description: i18n::t(locale, "chart-funnel-desc", &[("enrolled", Arg::from(f.enrolled))]),
    };
    let names: Vec<String> = stages.iter().map(|(n, _)| n.clone()).collect();
    let counts: Vec<i64> = stages.iter().map(|(_, c)| *c).collect();
    let chart = charts::funnel(&about, &names, &counts, &|v| figure(locale, v));
    let rows = stages
        .iter()
        .map(|(name, count)| {
            let share = (f.enrolled > 0).then(|| *count as f64 / f.enrolled as f64);
            vec![Cell::text(name.clone()), count_cell(locale, *count), share_cell(locale, share)]
        })
        .collect();
    Section {
        id: "funnel",
        heading: about.title.clone(),
        about: about.description.clone(),
        chart,
        table: Some(Table {
            caption: about.title,
            head: vec![
                Cell::text(t(locale, "chart-stage")),
                Cell::text(t(locale, "chart-trainees")),
                Cell::text(t(locale, "chart-share-of-enrolled")),
            ],
            rows,
        }),
        note: None,
    }
}

/// Completion rate (completed ÷ enrolled) and pass rate (passed ÷ sat the
/// exam) per campus, from the completion report grouped by branch.
pub(crate) fn branches(locale: Locale, rows: &[GroupRow]) -> Section {
    let about = About {
        id: "branches-chart",
        title: t(locale, "chart-branches-title"),
        description: t(locale, "chart-branches-desc"),
    };
    let completion = |r: &GroupRow| (r.figures.enrolled > 0).then(|| r.figures.completed as f64 / r.figures.enrolled as f64);
    let codes: Vec<String> = rows.iter().map(|r| r.branch.clone().unwrap_or_default()).collect();
    let series = vec![
        Series {
            name: t(locale, "chart-completion-rate"),
            values: rows.iter().map(completion).collect(),
        },
        Series {
            name: t(locale, "chart-pass-rate"),
            values: rows.iter().map(|r| r.figures.pass_rate).collect(),
        },
    ];
    let chart = (!rows.is_empty())
        .then(|| charts::grouped_bars(&about, &codes, &series, 1.0, &[], &|v| percent(locale, v)))
        .flatten();
    let table_rows = rows
        .iter()
        .map(|r| {
            vec![
                Cell::text(r.branch.clone().unwrap_or_default()),
                count_cell(locale, r.figures.enrolled),
                count_cell(locale, r.figures.completed),
                share_cell(locale, completion(r)),
                count_cell(locale, r.figures.examined),
                count_cell(locale, r.figures.passed),
                share_cell(locale, r.figures.pass_rate),
            ]
        })
        .collect();
    Section {
        id: "branches",
        heading: about.title.clone(),
        about: about.description.clone(),
        chart,
        table: Some(Table {
            caption: about.title,
            head: vec![
                Cell::text(t(locale, "report-column-branch")),
                Cell::text(t(locale, "report-column-enrolled")),
                Cell::text(t(locale, "report-column-completed")),
                Cell::text(t(locale, "chart-completion-rate")),
                Cell::text(t(locale, "report-column-examined")),
                Cell::text(t(locale, "report-column-passed")),
                Cell::text(t(locale, "chart-pass-rate")),
            ],
            rows: table_rows,
        }),
        note: rows.is_empty().then(|| t(locale, "chart-no-data")),
    }
}

/// Lessons, attempts and last activity per ISO week in `zone`.
pub(crate) fn weekly(locale: Locale, weeks: &[Week], zone: &str) -> Section {
    let about = About {
        id: "weekly-chart",
        title: t(locale, "chart-weekly-title"),
        description: i18n::t(locale, "chart-weekly-desc", &[("zone", Arg::from(zone))]),
    };
    let series = vec![
        Series {
            name: t(locale, "chart-weekly-lessons"),
            values: weeks.iter().map(|w| Some(w.lessons_completed as f64)).collect(),
        },
        Series {
            name: t(locale, "chart-weekly-attempts"),
            values: weeks.iter().map(|w| Some(w.attempts_started as f64)).collect(),
        },
        Series {
            name: t(locale, "chart-weekly-last-active"),
            values: weeks.iter().map(|w| Some(w.last_active as f64)).collect(),
        },
    ];
    // ISO week numbers on the axis ("W48"); the table names each Monday.
    let labels: Vec<String> = weeks
        .iter()
        .map(|w| w.iso_week.split('-').nth(1).unwrap_or_default().to_string())
        .collect();
    let chart = charts::lines(&about, &labels, &series, &|v| figure(locale, v));
    let rows = weeks
        .iter()
        .map(|w| {
            let monday = i18n::t(
                locale,
                "chart-week-of",
                &[
                    ("week", Arg::from(w.iso_week.clone())),
                    ("date", Arg::from(i18n::format_date(w.starts_on, locale))),
                ],
            );
            vec![
                Cell {
                    value: Some(w.iso_week.clone()),
                    ..Cell::text(monday)
                },
                count_cell(locale, w.lessons_completed),
                count_cell(locale, w.attempts_started),
                count_cell(locale, w.last_active),
            ]
        })
        .collect();
    Section {
        id: "weekly",
        heading: about.title.clone(),
        about: about.description.clone(),
        chart,
        table: Some(Table {
            caption: about.title,
            head: vec![
                Cell::text(t(locale, "chart-week")),
                Cell::text(t(locale, "chart-weekly-lessons")),
                Cell::text(t(locale, "chart-weekly-attempts")),
                Cell::text(t(locale, "chart-weekly-last-active")),
            ],
            rows,
        }),
        note: None,
    }
}

/// The name of a locale in its own language (中文, English, ไทย, Tiếng Việt).
fn locale_name(tag: &str) -> (String, Option<&'static str>) {
    match Locale::from_canonical(tag) {
        Some(l) => (t(l, "page-language-name"), Some(l.as_str())),
        None => (tag.to_string(), None),
    }
}

/// Difficulty (share fully right) per question and language; flagged
/// questions marked in the chart and the table.
pub(crate) fn items(locale: Locale, report: &ItemReport, id: &'static str) -> Section {
    let tags: Vec<String> = report.locales.iter().filter_map(|l| l.locale.clone()).collect();
    let about = About {
        id,
        title: i18n::t(locale, "chart-items-title", &[("version", Arg::from(i64::from(report.version)))]),
        description: t(locale, "chart-items-desc"),
    };
    let positions: Vec<String> = report.questions.iter().map(|q| q.position.to_string()).collect();
    let mut flagged = Vec::new();
    let series: Vec<Series> = tags
        .iter()
        .enumerate()
        .map(|(s, tag)| Series {
            name: locale_name(tag).0,
            values: report
                .questions
                .iter()
                .enumerate()
                .map(|(q, question)| {
                    if question.flagged_locales.contains(tag) {
                        flagged.push((q, s));
                    }
                    question
                        .locales
                        .iter()
                        .find(|l| l.locale.as_ref() == Some(tag))
                        .and_then(|l| l.difficulty)
                })
                .collect(),
        })
        .collect();
    let chart = (!tags.is_empty() && !positions.is_empty())
        .then(|| charts::grouped_bars(&about, &positions, &series, 1.0, &flagged, &|v| percent(locale, v)))
        .flatten();
    let rows = report
        .questions
        .iter()
        .map(|question| {
            let mut row = vec![Cell::text(format!("{}. {}", question.position, question.prompt))];
            for tag in &tags {
                let stats = question.locales.iter().find(|l| l.locale.as_ref() == Some(tag));
                let is_flagged = question.flagged_locales.contains(tag);
                row.push(match stats.and_then(|l| l.difficulty) {
                    Some(d) if is_flagged => Cell {
                        flagged: true,
                        ..Cell::figure(
                            i18n::t(locale, "chart-flagged-value", &[("value", Arg::from(percent(locale, d)))]),
                            format!("{d}"),
                        )
                    },
                    Some(d) => Cell::figure(percent(locale, d), format!("{d}")),
                    None => {
                        let answers = stats.map_or(0, |l| l.answers);
                        Cell::figure(i18n::t(locale, "chart-too-few", &[("answers", Arg::from(answers))]), String::new())
                    }
                });
            }
            row
        })
        .collect();
    let mut head = vec![Cell::text(t(locale, "chart-question"))];
    head.extend(tags.iter().map(|tag| {
        let (name, lang) = locale_name(tag);
        Cell { lang, ..Cell::text(name) }
    }));
    Section {
        id,
        heading: about.title.clone(),
        about: about.description.clone(),
        chart,
        table: (!tags.is_empty()).then_some(Table {
            caption: about.title,
            head,
            rows,
        }),
        note: tags.is_empty().then(|| t(locale, "chart-no-data")),
    }
}

/// A section with only a sentence (nothing to chart).
pub(crate) fn note(id: &'static str, heading: String, text: String) -> Section {
    Section {
        id,
        heading,
        about: text,
        chart: None,
        table: None,
        note: None,
    }
}
