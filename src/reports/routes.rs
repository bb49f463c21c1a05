//! `GET /api/v1/reports/completion` and `/api/v1/reports/talent-pool`, as
//! JSON or, with `Accept: text/csv`, as CSV streamed row by row.

use super::completion::{self, CompletionRow};
use super::csv::{BOM, Cell, Dialect, header, line};
use super::talent::{self, TalentRow};
use super::zone::{self, Bound};
use crate::error::FieldCode;
use crate::error::{ApiError, ApiResult};
use crate::http::negotiate;
use crate::http::routes::Routes;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::{Authorized, Caller, HqOnly, Staff};
use actix_web::http::header as h;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use uuid::Uuid;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct CompletionReport {
    /// The IANA zone date-only bounds were read in.
    pub time_zone: String,
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
fn csv_response(
    locale: Locale,
    dialect: Dialect,
    zone: &str,
    filename: &str,
    columns: &'static [&'static str],
    lines: Vec<Vec<Cell>>,
) -> HttpResponse {
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

/// Which branches a completion report covers.
enum Coverage {
    /// Every branch (headquarters without a branch filter).
    Every,
    One(Uuid),
    /// None: the requested branch does not exist or is outside the caller's
    /// scope (an empty report, not an error).
    Nothing,
}

async fn coverage(state: &AppState, caller: &Caller, code: Option<&str>) -> ApiResult<Coverage> {
    let requested = match code {
        Some(code) => match crate::branches::service::find_by_code(&state.db, code).await? {
            Some(branch) => Some(branch.id),
            None => return Ok(Coverage::Nothing),
        },
        None => None,
    };
    Ok(match (caller.is_hq(), requested) {
        (true, None) => Coverage::Every,
        (true, Some(b)) => Coverage::One(b),
        (false, Some(b)) if b != caller.branch_id => Coverage::Nothing,
        (false, _) => Coverage::One(caller.branch_id),
    })
}

const COMPLETION_COLUMNS: &[&str] = &[
    "branch",
    "course_id",
    "course_code",
    "cohort_id",
    "cohort_name",
    "enrolled",
    "active",
    "completed",
    "certified",
    "withdrawn",
    "pass_rate",
    "average_score",
    "median_days_to_certificate",
    "late_synced_attempts",
];

fn completion_cells(r: CompletionRow) -> Vec<Cell> {
    vec![
        Cell::Text(r.branch),
        Cell::Text(r.course_id.to_string()),
        Cell::Text(r.course_code),
        Cell::Text(r.cohort_id.to_string()),
        Cell::Text(r.cohort_name),
        Cell::Int(r.enrolled),
        Cell::Int(r.active),
        Cell::Int(r.completed),
        Cell::Int(r.certified),
        Cell::Int(r.withdrawn),
        Cell::Num(r.pass_rate),
        Cell::Num(r.average_score),
        Cell::Num(r.median_days_to_certificate),
        Cell::Int(r.late_synced_attempts),
    ]
}

/// Completion per branch × course × cohort. Headquarters sees every branch;
/// a branch admin its own (filters outside it give no rows, not an error).
#[utoipa::path(get, path = "/api/v1/reports/completion", tag = "reports", params(CompletionQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{\"items\": [...]}`, or CSV with Accept: text/csv", body = CompletionReport), (status = 403), (status = 422)))]
pub(crate) async fn completion(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Staff>,
    req: HttpRequest,
    q: crate::http::Query<CompletionQuery>,
) -> ApiResult<HttpResponse> {
    let from = Bound::parse("from", q.from.as_deref())?;
    let to = Bound::parse("to", q.to.as_deref())?;
    let asked = zone::requested(q.tz.as_deref())?;
    let dialect = Dialect::parse(q.sep.as_deref())?;
    let coverage = coverage(&state, &caller, q.branch.as_deref()).await?;
    let tz = match (asked, &coverage) {
        (Some(tz), _) => tz,
        (None, Coverage::One(branch_id)) => zone::of_branch(&state.db, *branch_id).await?,
        (None, _) => chrono_tz::UTC,
    };
    let (from, to) = (from.map(|b| b.instant(tz)), to.map(|b| b.instant(tz)));
    let by_certificate = match q.date_field.as_deref() {
        None | Some("enrolled") => false,
        Some("certified") => true,
        Some(_) => return Err(ApiError::field("date_field", FieldCode::InvalidChoice)),
    };
    let locale = negotiate(&req);
    let mut filter = completion::Filter {
        course_id: q.course_id,
        cohort_id: q.cohort_id,
        reader: Some(locale),
        ..Default::default()
    };
    if by_certificate {
        filter.certified_from = from;
        filter.certified_to = to;
    } else {
        filter.enrolled_from = from;
        filter.enrolled_to = to;
    }
    let mut rows = match coverage {
        Coverage::Every => completion::completion(&state.db, &filter).await?,
        Coverage::One(branch_id) => {
            filter.branch_id = Some(branch_id);
            completion::completion(&state.db, &filter).await?
        }
        Coverage::Nothing => Vec::new(),
    };
    completion::sort_for_reader(&mut rows, locale);
    if wants_csv(&req) {
        return Ok(csv_response(
            locale,
            dialect,
            tz.name(),
            "completion.csv",
            COMPLETION_COLUMNS,
            rows.into_iter().map(completion_cells).collect(),
        ));
    }
    Ok(HttpResponse::Ok().json(CompletionReport {
        time_zone: tz.name().to_string(),
        items: rows,
    }))
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

/// This area's routes (paths and methods come from each handler's `#[utoipa::path]`).
pub(crate) fn routes(r: &mut Routes) {
    r.add(__path_completion, completion).add(__path_talent_pool, talent_pool);
}
