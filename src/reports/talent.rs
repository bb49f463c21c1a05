//! The talent pool: certified technicians per course (skill), country and
//! month — the supply side of the EV industry's talent planning.

use crate::db::statement;
use crate::error::ApiResult;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, Value};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub course_id: Option<Uuid>,
    pub country: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TalentRow {
    pub course_id: Uuid,
    pub course_code: String,
    /// ISO 3166-1 alpha-2 of the certifying branch.
    pub country: String,
    /// `YYYY-MM` (UTC).
    pub month: String,
    pub certified_count: i64,
}

pub async fn talent_pool(db: &impl ConnectionTrait, f: &Filter) -> ApiResult<Vec<TalentRow>> {
    let mut sql = String::from(
        "SELECT c.course_id, b.country, c.issued_at, co.code FROM certificates c \
         JOIN branches b ON b.id = c.branch_id JOIN courses co ON co.id = c.course_id WHERE c.status = 'valid'",
    );
    let mut values: Vec<Value> = Vec::new();
    if let Some(v) = f.course_id {
        values.push(v.into());
        sql.push_str(&format!(" AND c.course_id = ${}", values.len()));
    }
    if let Some(v) = &f.country {
        values.push(v.clone().into());
        sql.push_str(&format!(" AND b.country = ${}", values.len()));
    }
    if let Some(v) = f.from {
        values.push(v.into());
        sql.push_str(&format!(" AND c.issued_at >= ${}", values.len()));
    }
    if let Some(v) = f.to {
        values.push(v.into());
        sql.push_str(&format!(" AND c.issued_at < ${}", values.len()));
    }
    let mut counts: BTreeMap<(String, String, String, Uuid), i64> = BTreeMap::new();
    for row in db.query_all_raw(statement(db, &sql, values)).await? {
        let course: Uuid = row.try_get("", "course_id")?;
        let country: String = row.try_get("", "country")?;
        let issued: DateTime<Utc> = row.try_get("", "issued_at")?;
        let code: String = row.try_get("", "code")?;
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
