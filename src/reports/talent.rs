//! The talent pool: certified technicians per course (skill), country and
//! month — the supply side of the EV industry's talent planning.

use super::zone::Bound;
use crate::error::ApiResult;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, JoinType, Query};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Clone, Debug, Default)]
pub(crate) struct Filter {
    pub course_id: Option<Uuid>,
    pub country: Option<String>,
    pub from: Option<Bound>,
    pub to: Option<Bound>,
    /// The zone of months and date-only bounds; `None`: each branch's own.
    pub tz: Option<Tz>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct TalentRow {
    pub course_id: Uuid,
    pub course_code: String,
    /// ISO 3166-1 alpha-2 of the certifying branch.
    pub country: String,
    /// `YYYY-MM`, in the report's `time_zone`.
    pub month: String,
    pub certified_count: i64,
}

pub(crate) async fn talent_pool(db: &impl ConnectionTrait, f: &Filter) -> ApiResult<Vec<TalentRow>> {
    let query = Query::select()
        .column(("c", "course_id"))
        .column(("b", "country"))
        .column(("c", "issued_at"))
        .column(("co", "code"))
        .column(("b", "time_zone"))
        .from_as("certificates", "c")
        .join_as(
            JoinType::InnerJoin,
            "branches",
            "b",
            Expr::col(("b", "id")).equals(("c", "branch_id")),
        )
        .join_as(
            JoinType::InnerJoin,
            "courses",
            "co",
            Expr::col(("co", "id")).equals(("c", "course_id")),
        )
        .cond_where(
            Condition::all()
                .add(Expr::col(("c", "status")).eq(crate::certificates::entity::Status::Valid))
                .add_option(f.course_id.map(|v| Expr::col(("c", "course_id")).eq(v)))
                .add_option(f.country.clone().map(|v| Expr::col(("b", "country")).eq(v)))
                // Loose by a day for calendar days; narrowed per row below.
                .add_option(f.from.map(|v| Expr::col(("c", "issued_at")).gte(v.loose(false))))
                .add_option(f.to.map(|v| Expr::col(("c", "issued_at")).lt(v.loose(true)))),
        )
        .take();
    let mut counts: BTreeMap<(String, String, String, Uuid), i64> = BTreeMap::new();
    for row in db.query_all(&query).await? {
        let course: Uuid = row.try_get("", "course_id")?;
        let country: String = row.try_get("", "country")?;
        let issued: DateTime<Utc> = row.try_get("", "issued_at")?;
        let code: String = row.try_get("", "code")?;
        let branch_zone: String = row.try_get("", "time_zone")?;
        let tz = f.tz.unwrap_or_else(|| branch_zone.parse().unwrap_or(Tz::UTC));
        if f.from.is_some_and(|b| issued < b.instant(tz)) || f.to.is_some_and(|b| issued >= b.instant(tz)) {
            continue;
        }
        let issued = issued.with_timezone(&tz);
        *counts
            .entry((code, country, issued.format("%Y-%m").to_string(), course))
            .or_default() += 1;
    }
    Ok(counts
        .into_iter()
        .map(|((course_code, country, month, course_id), certified_count)| TalentRow {
            course_id,
            course_code,
            country,
            month,
            certified_count,
        })
        .collect())
}
