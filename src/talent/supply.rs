//! Supply against demand, for headquarters: per skill (course), country
//! and month, the people organisations need by then (open needs) and the
//! published profiles available by the end of the month with a valid
//! certificate of the course. Counts only: no person is named.

use super::need_entity::{self as need, Entity as Needs};
use super::profile_entity::{self as profile, Entity as Profiles};
use crate::certificates::entity::{self as certificate, Entity as Certificates};
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use uuid::Uuid;

/// At most this many months in one report.
pub(crate) const MAX_MONTHS: u32 = 24;

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SupplyDemandRow {
    pub course_id: Uuid,
    pub course_code: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// `YYYY-MM`.
    pub month: String,
    /// People needed by the end of this month (open needs due this month).
    pub demand: i64,
    /// Published profiles for this country, available by the end of the
    /// month, holding a valid certificate of the course.
    pub supply: i64,
}

/// The first day of each month from `first` for `months` months.
fn months(first: NaiveDate, months: u32) -> Vec<NaiveDate> {
    (0..months).filter_map(|i| first.checked_add_months(Months::new(i))).collect()
}

pub(crate) async fn report(
    db: &impl ConnectionTrait,
    first_month: NaiveDate,
    count: u32,
    course_id: Option<Uuid>,
    country: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<SupplyDemandRow>, DbErr> {
    let starts = months(first_month.with_day(1).unwrap_or(first_month), count.clamp(1, MAX_MONTHS));
    let (Some(first), Some(last)) = (starts.first().copied(), starts.last().copied()) else {
        return Ok(Vec::new());
    };
    let end = last.checked_add_months(Months::new(1)).unwrap_or(last);
    let mut needs = Needs::find()
        .filter(need::Column::ClosedAt.is_null())
        .filter(need::Column::NeededBy.gte(first))
        .filter(need::Column::NeededBy.lt(end));
    if let Some(course) = course_id {
        needs = needs.filter(need::Column::CourseId.eq(course));
    }
    if let Some(c) = country {
        needs = needs.filter(need::Column::Country.eq(c));
    }
    let mut demand: HashMap<(Uuid, String, NaiveDate), i64> = HashMap::new();
    let mut pairs: BTreeSet<(Uuid, String)> = BTreeSet::new();
    for n in needs.all(db).await? {
        let month = n.needed_by.with_day(1).unwrap_or(n.needed_by);
        *demand.entry((n.course_id, n.country.clone(), month)).or_default() += i64::from(n.headcount);
        pairs.insert((n.course_id, n.country));
    }
    // Published profiles and the courses they hold valid certificates of.
    let mut profiles = Profiles::find().filter(profile::Column::Published.eq(true));
    if let Some(c) = country {
        profiles = profiles.filter(profile::Column::Country.eq(c));
    }
    let profiles: HashMap<Uuid, profile::Model> = profiles.all(db).await?.into_iter().map(|p| (p.user_id, p)).collect();
    let mut held = Certificates::find()
        .filter(certificate::Column::UserId.is_in(profiles.keys().copied().collect::<Vec<_>>()))
        .filter(certificate::Column::IsCurrent.eq(true))
        .filter(certificate::Column::Status.eq(certificate::Status::Valid));
    if let Some(course) = course_id {
        held = held.filter(certificate::Column::CourseId.eq(course));
    }
    let mut available: BTreeMap<(Uuid, String), Vec<Option<NaiveDate>>> = BTreeMap::new();
    if !profiles.is_empty() {
        for c in held.all(db).await? {
            if c.expires_at.is_some_and(|e| e <= now) {
                continue;
            }
            if let Some(p) = profiles.get(&c.user_id) {
                available
                    .entry((c.course_id, p.country.clone()))
                    .or_default()
                    .push(p.available_from);
                pairs.insert((c.course_id, p.country.clone()));
            }
        }
    }
    let ids: Vec<Uuid> = pairs.iter().map(|(c, _)| *c).collect();
    let codes = crate::courses::service::course_codes(db, &ids).await?;
    let mut rows = Vec::new();
    for (course, country) in pairs {
        for start in &starts {
            let month_end = start.checked_add_months(Months::new(1)).unwrap_or(*start);
            let supply = available
                .get(&(course, country.clone()))
                .map(|dates| dates.iter().filter(|d| d.is_none_or(|d| d < month_end)).count())
                .unwrap_or(0);
            rows.push(SupplyDemandRow {
                course_id: course,
                course_code: codes.get(&course).cloned().unwrap_or_default(),
                country: country.clone(),
                month: start.format("%Y-%m").to_string(),
                demand: demand.get(&(course, country.clone(), *start)).copied().unwrap_or(0),
                supply: crate::num::to_i64(supply),
            });
        }
    }
    rows.sort_by(|a, b| (&a.course_code, &a.country, &a.month).cmp(&(&b.course_code, &b.country, &b.month)));
    Ok(rows)
}
