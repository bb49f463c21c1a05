//! The printable report pages with charts: `GET /api/v1/cohorts/{id}/report`
//! (a cohort: funnel, weekly activity, question difficulty per language)
//! and `GET /api/v1/reports/overview` (headquarters: campuses compared,
//! weekly activity, and question difficulty for a chosen course).
//!
//! They are API routes that answer HTML: the caller authenticates with its
//! bearer token like for the JSON reports (an admin console fetches the page
//! and shows or prints it), with the same scope (another branch's cohort:
//! 404), and errors are problem documents like everywhere in the API.

use super::cohort_summary;
use super::completion::{self, GroupRow};
use super::report_page::{self, Section};
use super::report_sections as sections;
use super::rollup::Grouping;
use super::routes::{CompletionQuery, completion_filter};
use super::scope::{Coverage, coverage};
use super::weekly::{self, DEFAULT_WEEKS, Enrolments, MAX_WEEKS};
use super::{items, zone};
use crate::error::{ApiError, ApiResult, FieldCode, FieldError};
use crate::exams::exam_entity::{self as exam, Entity as Exams};
use crate::exams::routes::languages;
use crate::http::{negotiate, with_language};
use crate::i18n::{self, Locale};
use crate::state::AppState;
use crate::tenancy::{Authorized, Caller, HqOnly, Staff};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use uuid::Uuid;

/// The page as an HTML answer: its stylesheet allowed by hash and nothing
/// else, never cached (it is behind a token), one per language.
fn html(page: String, locale: Locale) -> HttpResponse {
    with_language(
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CONTENT_SECURITY_POLICY, report_page::content_security_policy()))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::REFERRER_POLICY, "no-referrer"))
            .insert_header((header::VARY, "Accept-Language"))
            .body(page),
        locale,
    )
}

/// `weeks`: 1-53, default 12.
fn weeks(text: Option<&str>) -> ApiResult<i64> {
    match text {
        None | Some("") => Ok(DEFAULT_WEEKS),
        Some(text) => match text.trim().parse::<i64>() {
            Ok(n) if (1..=MAX_WEEKS).contains(&n) => Ok(n),
            _ => Err(ApiError::validation(vec![
                FieldError::new("weeks", FieldCode::OutOfRange).arg("min", 1).arg("max", MAX_WEEKS),
            ])),
        },
    }
}

/// A section per published exam of the course: difficulty per language
/// over the attempts of `branch` (None: the caller's whole scope).
async fn item_sections(
    state: &AppState,
    caller: &Caller,
    req: &HttpRequest,
    course_id: Uuid,
    branch: Option<&str>,
    locale: Locale,
) -> ApiResult<Vec<Section>> {
    let exams = Exams::find()
        .filter(exam::Column::CourseId.eq(course_id))
        .filter(exam::Column::Status.eq(exam::Status::Published))
        .order_by_asc(exam::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let ids: [&'static str; 3] = ["items", "items-2", "items-3"];
    let mut out = Vec::new();
    for (exam, id) in exams.iter().zip(ids) {
        let report = items::for_exam(state, caller, exam.id, None, branch, &languages(req, caller)).await?;
        out.push(sections::items(locale, &report, id));
    }
    if out.is_empty() {
        out.push(sections::note(
            "items",
            i18n::t(locale, "chart-items-heading", &[]),
            i18n::t(locale, "chart-no-exam", &[]),
        ));
    }
    Ok(out)
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct CohortReportQuery {
    /// ISO weeks of activity shown, up to the current one (1-53, default 12).
    #[param(value_type = u32, required = false, minimum = 1, maximum = 53)]
    pub weeks: Option<String>,
}

/// A cohort's printable report page (HTML, no script, charts as inline
/// SVG with a table of the same figures beside each): the completion
/// funnel, weekly activity in the branch's time zone, and question
/// difficulty per language for the course's exams over the branch's
/// attempts. Staff of the cohort's branch, or headquarters; the language
/// as for every answer (`?lang=`, `Accept-Language`, the saved locale).
#[utoipa::path(get, path = "/api/v1/cohorts/{id}/report", tag = "reports", params(("id" = Uuid, Path), CohortReportQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "The printable report page", content_type = "text/html", body = String),
        (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn cohort_report(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<Staff>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    q: crate::http::Query<CohortReportQuery>,
) -> ApiResult<HttpResponse> {
    let weeks = weeks(q.weeks.as_deref())?;
    let locale = negotiate(&req);
    let cohort = crate::cohorts::service::find_scoped(&state.db, &caller, *id).await?;
    let summary = cohort_summary::for_cohort(&state, &caller, cohort.id, 14).await?;
    let branch = crate::branches::entity::Entity::find_by_id(cohort.branch_id)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let tz = zone::of_branch(&state.db, branch.id).await?;
    let default = Locale::from_canonical(&branch.default_locale).unwrap_or(Locale::En);
    let name = crate::cohorts::names::resolve(
        &cohort.name,
        cohort.names.as_deref(),
        &crate::cohorts::names::chain(locale, default),
    );
    let course = course_label(&state, cohort.course_id, locale, default).await?;
    let now = state.clock.now();
    let activity = weekly::weekly(&state.db, &Enrolments::Cohort(cohort.id), tz, now, weeks).await?;
    let mut parts = vec![
        sections::funnel(locale, &summary.funnel),
        sections::weekly(locale, &activity, tz.name()),
    ];
    parts.extend(item_sections(&state, &caller, &req, cohort.course_id, Some(&branch.code), locale).await?);
    let facts = vec![
        (i18n::t(locale, "report-page-course", &[]), course),
        (i18n::t(locale, "report-column-branch", &[]), branch.code.clone()),
        (
            i18n::t(locale, "report-page-dates", &[]),
            i18n::t(
                locale,
                "report-page-date-range",
                &[
                    ("from", i18n::format_date(cohort.starts_on, locale).into()),
                    ("to", i18n::format_date(cohort.ends_on, locale).into()),
                ],
            ),
        ),
        (
            i18n::t(locale, "report-page-generated", &[]),
            i18n::format_date_time(now, tz, locale),
        ),
    ];
    let heading = i18n::t(locale, "report-page-cohort-title", &[("name", name.as_str().into())]);
    Ok(html(report_page::render(locale, &heading, &facts, &parts), locale))
}

/// The course's code and title in the reader's language (with fallback).
async fn course_label(state: &AppState, course_id: Uuid, locale: Locale, default: Locale) -> ApiResult<String> {
    use crate::courses::texts::{chain, pick};
    let codes = crate::courses::service::course_codes(&state.db, &[course_id]).await?;
    let texts = crate::courses::service::course_texts(&state.db, &[course_id]).await?;
    let title = texts.get(&course_id).map_or(String::new(), |t| {
        pick(&chain(locale, default), |l| t.get(&l).map(|x| x.title.as_str())).text
    });
    let code = codes.get(&course_id).cloned().unwrap_or_default();
    Ok(if title.is_empty() { code } else { format!("{code} · {title}") })
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct OverviewQuery {
    /// Branch code: one campus only.
    pub branch: Option<String>,
    /// One course; also shows its exams' question difficulty per language.
    pub course_id: Option<Uuid>,
    /// Campuses compared: enrolments (or certificates) from this date or
    /// instant (`YYYY-MM-DD` or RFC 3339), inclusive.
    pub from: Option<String>,
    /// End of that period, exclusive.
    pub to: Option<String>,
    /// What the period applies to: `enrolled` (default) or `certified`.
    #[param(pattern = "^(enrolled|certified)$")]
    pub date_field: Option<String>,
    /// IANA zone of date-only bounds and of the weeks; default: the
    /// branch's zone for one branch, UTC across branches.
    pub tz: Option<String>,
    /// ISO weeks of activity shown, up to the current one (1-53, default 12).
    #[param(value_type = u32, required = false, minimum = 1, maximum = 53)]
    pub weeks: Option<String>,
}

/// Headquarters' printable overview (HTML, charts as inline SVG with a
/// table of the same figures beside each): completion and pass rate per
/// campus (the completion report grouped by branch, with its filters),
/// weekly activity, and with `course_id` question difficulty per language.
#[utoipa::path(get, path = "/api/v1/reports/overview", tag = "reports", params(OverviewQuery), security(("bearer" = [])),
    responses((status = 200, description = "The printable overview page", content_type = "text/html", body = String),
        (status = 403), (status = 422)))]
pub(crate) async fn overview(
    state: web::Data<AppState>,
    Authorized(caller, _): Authorized<HqOnly>,
    req: HttpRequest,
    q: crate::http::Query<OverviewQuery>,
) -> ApiResult<HttpResponse> {
    let locale = negotiate(&req);
    let weeks = weeks(q.weeks.as_deref());
    let asked = zone::requested(q.tz.as_deref());
    let query = CompletionQuery {
        branch: q.branch.clone(),
        course_id: q.course_id,
        cohort_id: None,
        from: q.from.clone(),
        to: q.to.clone(),
        date_field: q.date_field.clone(),
        tz: q.tz.clone(),
        group_by: None,
        sep: None,
    };
    // Every bad parameter named in one answer.
    let (weeks, asked) = match (weeks, asked, completion_filter(&query, chrono_tz::UTC, locale)) {
        (Ok(w), Ok(a), Ok(_)) => (w, a),
        (w, a, f) => {
            let errors = [w.err(), a.err(), f.err()].into_iter().flatten().flat_map(|e| e.errors).collect();
            return Err(ApiError::validation(errors));
        }
    };
    let coverage = coverage(&state, &caller, q.branch.as_deref()).await?;
    let tz = match (asked, &coverage) {
        (Some(tz), _) => tz,
        (None, Coverage::One(branch_id)) => zone::of_branch(&state.db, *branch_id).await?,
        (None, _) => chrono_tz::UTC,
    };
    let (filter, _) = completion_filter(&query, tz, locale)?;
    let scope_branch = match coverage {
        Coverage::One(id) => crate::branches::entity::Entity::find_by_id(id)
            .one(&state.db)
            .await?
            .map(|b| b.code),
        _ => None,
    };
    let (rows, who): (Vec<GroupRow>, Option<Enrolments>) = match coverage {
        Coverage::Nothing => (Vec::new(), None),
        Coverage::Every => (
            completion::grouped(&state.db, &filter, Grouping::Branch).await?,
            Some(Enrolments::Scope {
                branch_id: None,
                course_id: q.course_id,
            }),
        ),
        Coverage::One(branch_id) => {
            let filter = completion::Filter {
                branch_id: Some(branch_id),
                ..filter
            };
            (
                completion::grouped(&state.db, &filter, Grouping::Branch).await?,
                Some(Enrolments::Scope {
                    branch_id: Some(branch_id),
                    course_id: q.course_id,
                }),
            )
        }
    };
    let now = state.clock.now();
    let activity = match &who {
        Some(who) => weekly::weekly(&state.db, who, tz, now, weeks).await?,
        None => weekly::mondays(now, tz, weeks)
            .into_iter()
            .map(|monday| weekly::Week {
                iso_week: weekly::iso_week(monday),
                starts_on: monday,
                lessons_completed: 0,
                attempts_started: 0,
                last_active: 0,
            })
            .collect(),
    };
    let mut parts = vec![sections::branches(locale, &rows), sections::weekly(locale, &activity, tz.name())];
    match q.course_id {
        Some(course_id) if who.is_some() => {
            parts.extend(item_sections(&state, &caller, &req, course_id, q.branch.as_deref(), locale).await?);
        }
        Some(_) => {}
        None => parts.push(sections::note(
            "items",
            i18n::t(locale, "chart-items-heading", &[]),
            i18n::t(locale, "chart-items-choose-course", &[]),
        )),
    }
    let all = i18n::t(locale, "report-page-all", &[]);
    let branch = match (&q.branch, scope_branch) {
        (_, Some(code)) => code,
        // Named but unknown (or another's): shown as asked, for the reader.
        (Some(asked), None) => super::charts::label(asked),
        (None, None) => all.clone(),
    };
    let mut facts = vec![
        (i18n::t(locale, "report-column-branch", &[]), branch),
        (
            i18n::t(locale, "report-page-course", &[]),
            match q.course_id {
                Some(id) => course_label(&state, id, locale, locale).await?,
                None => all,
            },
        ),
        (i18n::t(locale, "report-page-time-zone", &[]), tz.name().to_string()),
    ];
    facts.push((
        i18n::t(locale, "report-page-generated", &[]),
        i18n::format_date_time(now, tz, locale),
    ));
    let heading = i18n::t(locale, "report-page-overview-title", &[]);
    Ok(html(report_page::render(locale, &heading, &facts, &parts), locale))
}
