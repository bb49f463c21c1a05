//! `GET /api/v1/reports/completion` and `/api/v1/reports/talent-pool`, as
//! JSON or, with `Accept: text/csv`, as CSV streamed row by row.

use super::cohort_summary::{self, CohortSummary};
use super::completion::{self, CompletionRow, GroupRow};
use super::completion_csv::{COMPLETION_COLUMNS, FIGURE_COLUMNS, completion_cells, group_cells, group_columns};
use super::csv::{BOM, Cell, Dialect, header, line};
use super::rollup::Grouping;
use super::scope::{Coverage, coverage};
use super::talent::{self, TalentRow};
use super::zone::{self, Bound};
use crate::error::{ApiError, ApiResult};
use crate::error::{FieldCode, FieldError};
use crate::http::negotiate;
use crate::http::routes::Routes;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::{Authorized, HqOnly, Staff};
use actix_web::http::header as h;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use uuid::Uuid;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct CompletionReport {
    /// The IANA zone date-only bounds were read in.
    pub time_zone: String,
    /// Always `cohort` here (a grouped report is a `GroupedReport`).
    #[schema(pattern = "^cohort$")]
    pub group_by: &'static str,
    pub items: Vec<CompletionRow>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct TalentReport {
    /// The IANA zone of months and date-only bounds, or `branch`: each
    /// certificate in its branch's own zone.
    pub time_zone: String,
    pub items: Vec<TalentRow>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct CompletionQuery {
    /// Branch code (a branch admin only ever sees its own branch).
    pub branch: Option<String>,
    pub course_id: Option<Uuid>,
    pub cohort_id: Option<Uuid>,
    /// Start of the period (`YYYY-MM-DD` or RFC 3339), inclusive.
    pub from: Option<String>,
    /// End of the period, exclusive.
    pub to: Option<String>,
    /// What the period applies to: `enrolled` (default) or `certified`.
    #[param(pattern = "^(enrolled|certified)$")]
    pub date_field: Option<String>,
    /// IANA zone for date-only bounds; default: the branch's zone for one
    /// branch, UTC across branches.
    pub tz: Option<String>,
    /// One row per `cohort` (the default: branch × course × cohort),
    /// `branch`, `course` or `month` (the UTC month of enrolment).
    #[param(pattern = "^(cohort|branch|course|month)$")]
    pub group_by: Option<String>,
    /// CSV only: `comma` (default; decimal points) or `semicolon` (decimal
    /// commas), for spreadsheets whose regional settings use the comma as
    /// the decimal mark, such as Vietnamese ones.
    #[param(pattern = "^(comma|semicolon)$")]
    pub sep: Option<String>,
}

fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(h::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/csv"))
}

/// Streams a BOM, a header line and one line per row.
fn csv_response(locale: Locale, dialect: Dialect, zone: &str, filename: &str, columns: &[&str], lines: Vec<Vec<Cell>>) -> HttpResponse {
    let head = [BOM.to_vec(), header(locale, columns, dialect)].concat();
    let stream = futures_util::stream::iter(
        std::iter::once(Ok::<Bytes, actix_web::Error>(Bytes::from(head)))
            .chain(lines.into_iter().map(move |cells| Ok(Bytes::from(line(&cells, dialect))))),
    );
    crate::http::with_language(
        HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((h::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")))
            .insert_header((zone::HEADER, zone.to_string()))
            // The header line is translated: caches must keep one per language.
            .insert_header((h::VARY, "Accept, Accept-Language"))
            .streaming(stream),
        locale,
    )
}

/// The report's rows as JSON: per cohort, or grouped.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub(crate) enum CompletionAnswer {
    Cohorts(CompletionReport),
    Groups(GroupedReport),
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct GroupedReport {
    /// The IANA zone date-only bounds were read in.
    pub time_zone: String,
    /// `branch`, `course` or `month`.
    #[schema(pattern = "^(branch|course|month)$")]
    pub group_by: &'static str,
    pub items: Vec<GroupRow>,
}

/// Completion per branch × course × cohort, or grouped by branch, course or
/// month of enrolment. Headquarters sees every branch; a branch admin its
/// own (filters outside it give no rows, not an error).
#[utoipa::path(get, path = "/api/v1/reports/completion", tag = "reports", params(CompletionQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{\"items\": [...]}` (with `group_by` for a grouped report), or CSV with Accept: text/csv", body = CompletionAnswer), (status = 403), (status = 422)))]
pub(crate) async fn completion(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Staff>,
    req: HttpRequest,
    q: crate::http::Query<CompletionQuery>,
) -> ApiResult<HttpResponse> {
    let asked = zone::requested(q.tz.as_deref())?;
    let dialect = Dialect::parse(q.sep.as_deref())?;
    let coverage = coverage(&state, &caller, q.branch.as_deref()).await?;
    let tz = match (asked, &coverage) {
        (Some(tz), _) => tz,
        (None, Coverage::One(branch_id)) => zone::of_branch(&state.db, *branch_id).await?,
        (None, _) => chrono_tz::UTC,
    };
    let locale = negotiate(&req);
    let (filter, grouping) = completion_filter(&q, tz, locale)?;
    let filter = match coverage {
        Coverage::Every => Some(filter),
        Coverage::One(branch_id) => Some(completion::Filter {
            branch_id: Some(branch_id),
            ..filter
        }),
        Coverage::Nothing => None,
    };
    if grouping == Grouping::Cohort {
        let mut rows = match &filter {
            Some(f) => completion::completion(&state.db, f).await?,
            None => Vec::new(),
        };
        completion::sort_for_reader(&mut rows, locale);
        if wants_csv(&req) {
            let columns = [COMPLETION_COLUMNS, FIGURE_COLUMNS].concat();
            return Ok(csv_response(
                locale,
                dialect,
                tz.name(),
                "completion.csv",
                &columns,
                rows.into_iter().map(completion_cells).collect(),
            ));
        }
        return Ok(HttpResponse::Ok().json(CompletionAnswer::Cohorts(CompletionReport {
            time_zone: tz.name().to_string(),
            group_by: Grouping::Cohort.name(),
            items: rows,
        })));
    }
    let rows = match &filter {
        Some(f) => completion::grouped(&state.db, f, grouping).await?,
        None => Vec::new(),
    };
    if wants_csv(&req) {
        let columns = [group_columns(grouping), FIGURE_COLUMNS].concat();
        let lines = rows.into_iter().map(|r| group_cells(grouping, r)).collect();
        return Ok(csv_response(locale, dialect, tz.name(), "completion.csv", &columns, lines));
    }
    Ok(HttpResponse::Ok().json(CompletionAnswer::Groups(GroupedReport {
        time_zone: tz.name().to_string(),
        group_by: grouping.name(),
        items: rows,
    })))
}

/// The report's filter and grouping; every bad parameter named in one 422.
/// Date-only bounds are midnight in `tz`.
pub(crate) fn completion_filter(q: &CompletionQuery, tz: chrono_tz::Tz, locale: Locale) -> ApiResult<(completion::Filter, Grouping)> {
    let mut errors = Vec::new();
    let mut time = |field: &'static str, value: &Option<String>| match Bound::parse(field, value.as_deref()) {
        Ok(bound) => bound.map(|b| b.instant(tz)),
        Err(_) => {
            errors.push(FieldError::new(field, FieldCode::InvalidDate));
            None
        }
    };
    let (from, to) = (time("from", &q.from), time("to", &q.to));
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        errors.push(FieldError::new("to", FieldCode::EndsBeforeStart));
    }
    let by_certificate = match q.date_field.as_deref() {
        None | Some("enrolled") => false,
        Some("certified") => true,
        Some(_) => {
            errors.push(FieldError::new("date_field", FieldCode::InvalidChoice));
            false
        }
    };
    let grouping = match q.group_by.as_deref() {
        None => Grouping::Cohort,
        Some(text) => Grouping::parse(text).unwrap_or_else(|| {
            errors.push(FieldError::new("group_by", FieldCode::InvalidChoice));
            Grouping::Cohort
        }),
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let mut filter = completion::Filter {
        course_id: q.course_id,
        cohort_id: q.cohort_id,
        reader: Some(locale),
        ..Default::default()
    };
    if by_certificate {
        (filter.certified_from, filter.certified_to) = (from, to);
    } else {
        (filter.enrolled_from, filter.enrolled_to) = (from, to);
    }
    Ok((filter, grouping))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct TalentQuery {
    pub course_id: Option<Uuid>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// IANA zone for months and date-only bounds; default: each
    /// certificate's branch's own zone.
    pub tz: Option<String>,
    /// CSV only: `comma` (default; decimal points) or `semicolon` (decimal
    /// commas), for spreadsheets whose regional settings use the comma as
    /// the decimal mark, such as Vietnamese ones.
    #[param(pattern = "^(comma|semicolon)$")]
    pub sep: Option<String>,
}

const TALENT_COLUMNS: &[&str] = &["course_id", "course_code", "country", "month", "certified_count"];

/// Certified technicians per course, country and month (headquarters).
#[utoipa::path(get, path = "/api/v1/reports/talent-pool", tag = "reports", params(TalentQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{\"items\": [...]}`, or CSV with Accept: text/csv", body = TalentReport), (status = 403), (status = 422)))]
pub(crate) async fn talent_pool(
    state: web::Data<AppState>,
    _: Authorized<HqOnly>,
    req: HttpRequest,
    q: crate::http::Query<TalentQuery>,
) -> ApiResult<HttpResponse> {
    if let Some(country) = &q.country {
        crate::text::check_lookup("country", country, 64).map_err(|e| ApiError::validation(vec![e]))?;
    }
    let dialect = Dialect::parse(q.sep.as_deref())?;
    let filter = talent::Filter {
        course_id: q.course_id,
        country: q.country.as_ref().map(|c| c.to_ascii_uppercase()),
        from: Bound::parse("from", q.from.as_deref())?,
        to: Bound::parse("to", q.to.as_deref())?,
        tz: zone::requested(q.tz.as_deref())?,
    };
    let zone_name = filter.tz.map_or(zone::PER_BRANCH, |tz| tz.name());
    let rows = talent::talent_pool(&state.db, &filter).await?;
    let locale = negotiate(&req);
    if wants_csv(&req) {
        let lines = rows
            .into_iter()
            .map(|r| {
                vec![
                    Cell::Text(r.course_id.to_string()),
                    Cell::Text(r.course_code),
                    Cell::Text(r.country),
                    Cell::Text(r.month),
                    Cell::Int(r.certified_count),
                ]
            })
            .collect();
        return Ok(csv_response(locale, dialect, zone_name, "talent-pool.csv", TALENT_COLUMNS, lines));
    }
    Ok(HttpResponse::Ok().json(TalentReport {
        time_zone: zone_name.to_string(),
        items: rows,
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct SummaryQuery {
    /// Active trainees idle for at least this many days count as inactive
    /// (1-3650, default 14).
    #[param(value_type = u32, required = false, minimum = 1, maximum = 3650)]
    pub inactive_days: Option<String>,
}

/// A cohort at a glance: the completion funnel with counts, statuses and
/// inactive trainees (staff of the cohort's branch, or headquarters).
#[utoipa::path(get, path = "/api/v1/cohorts/{id}/summary", tag = "reports", params(("id" = Uuid, Path), SummaryQuery),
    security(("bearer" = [])), responses((status = 200, body = CohortSummary), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn cohort_summary(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Staff>,
    id: web::Path<Uuid>,
    q: crate::http::Query<SummaryQuery>,
) -> ApiResult<HttpResponse> {
    let inactive_days = match q.inactive_days.as_deref() {
        None => 14,
        Some(text) => match text.trim().parse::<i64>() {
            Ok(n) if (1..=3650).contains(&n) => n,
            _ => {
                return Err(ApiError::validation(vec![
                    FieldError::new("inactive_days", FieldCode::OutOfRange)
                        .arg("min", 1)
                        .arg("max", 3650),
                ]));
            }
        },
    };
    let summary = cohort_summary::for_cohort(&state, &caller, *id, inactive_days).await?;
    Ok(HttpResponse::Ok().json(summary))
}

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_completion, completion)
        .add(__path_talent_pool, talent_pool)
        .add(__path_cohort_summary, cohort_summary)
        .add(super::report_routes::__path_cohort_report, super::report_routes::cohort_report)
        .add(super::report_routes::__path_overview, super::report_routes::overview)
        .add(super::items_routes::__path_item_statistics, super::items_routes::item_statistics)
        .add(
            super::export_routes::__path_certificate_register,
            super::export_routes::certificate_register,
        )
        .add(super::export_routes::__path_my_transcript, super::export_routes::my_transcript)
        .add(super::export_routes::__path_transcript, super::export_routes::transcript);
}
