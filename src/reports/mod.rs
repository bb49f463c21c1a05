//! Reports: completion across branches (grouped, as CSV), cohort summaries,
//! item statistics per locale, exports (certificate register, transcripts),
//! talent pool; printable report pages with charts (a cohort's, and
//! headquarters' overview).

pub(crate) mod audit_log;
pub(crate) mod charts;
pub(crate) mod cohort_summary;
pub(crate) mod completion;
pub(crate) mod completion_csv;
pub(crate) mod csv;
pub(crate) mod export_routes;
pub(crate) mod item_math;
pub(crate) mod items;
pub(crate) mod items_routes;
pub(crate) mod items_view;
pub(crate) mod register;
pub(crate) mod report_page;
pub(crate) mod report_routes;
pub(crate) mod report_sections;
pub(crate) mod rollup;
pub(crate) mod routes;
pub(crate) mod scope;
pub(crate) mod talent;
pub(crate) mod transcript;
pub(crate) mod weekly;
pub(crate) mod zone;
