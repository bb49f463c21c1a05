//! The completion report: one row per branch × course × cohort, or per
//! branch, course or month of enrolment (`group_by`), from the aggregates
//! in `rollup` (three aggregate queries whatever the number of
//! enrolments, in one read-only transaction).

use super::rollup::{self, Bucket, Grouping, Key};
use crate::error::ApiResult;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Which rows a report covers. `branch_id` is forced to the caller's own
/// branch for branch administrators.
#[derive(Clone, Debug, Default)]
pub(crate) struct Filter {
    pub branch_id: Option<Uuid>,
    pub course_id: Option<Uuid>,
    pub cohort_id: Option<Uuid>,
    /// Enrolments made in [from, to).
    pub enrolled_from: Option<DateTime<Utc>>,
    pub enrolled_to: Option<DateTime<Utc>>,
    /// Certificates issued in [from, to).
    pub certified_from: Option<DateTime<Utc>>,
    pub certified_to: Option<DateTime<Utc>>,
    /// The language cohort names are given in, falling back to the
    /// branch's default, then the cohort's own `name`; None: the branch's.
    pub reader: Option<crate::i18n::Locale>,
}

/// The figures every row carries, whatever it groups: each rate with the
/// counts it is made of.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Figures {
    /// Every enrolment, whatever its status.
    pub enrolled: i64,
    pub active: i64,
    pub completed: i64,
    pub certified: i64,
    pub withdrawn: i64,
    /// Enrolments with at least one graded attempt (the base of `pass_rate`).
    pub examined: i64,
    /// Examined enrolments with a passed attempt (`pass_rate` = passed / examined).
    pub passed: i64,
    /// Examined enrolments whose best attempt has a percentage (the base of `average_score`).
    pub scored: i64,
    /// Share (0-1) of trainees who sat the exam and passed it; null if nobody sat it.
    pub pass_rate: Option<f64>,
    /// Mean of each examined trainee's best percentage (0-100); null if nobody sat it.
    pub average_score: Option<f64>,
    /// Median days from enrolment to certificate; null without certificates.
    pub median_days_to_certificate: Option<f64>,
    /// Graded attempts that kept at least one late-synced answer (given
    /// before the deadline by the device's clock, arriving within the
    /// exam's grace period after it).
    pub late_synced_attempts: i64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CompletionRow {
    /// Branch code.
    pub branch: String,
    pub course_id: Uuid,
    pub course_code: String,
    pub cohort_id: Uuid,
    pub cohort_name: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// A row of a report grouped by branch, course or month: the dimension of
/// the grouping is set, the others are null.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct GroupRow {
    /// Branch code (`group_by=branch`).
    pub branch: Option<String>,
    /// `group_by=course`.
    pub course_id: Option<Uuid>,
    pub course_code: Option<String>,
    /// `YYYY-MM`, the UTC month of enrolment (`group_by=month`).
    pub month: Option<String>,
    /// Cohorts with enrolments in the group.
    pub cohorts: i64,
    #[serde(flatten)]
    pub figures: Figures,
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let mid = values.len() / 2;
    let m = if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    };
    Some((m * 10.0).round() / 10.0)
}

fn figures(mut b: Bucket) -> Figures {
    Figures {
        enrolled: b.enrolled,
        active: b.active,
        completed: b.completed,
        certified: b.certified,
        withdrawn: b.withdrawn,
        examined: b.examined,
        passed: b.passed,
        scored: b.scored,
        pass_rate: (b.examined > 0).then(|| ((b.passed as f64 / b.examined as f64) * 1000.0).round() / 1000.0),
        average_score: if b.scored > 0 {
            b.average.map(|a| (a * 10.0).round() / 10.0)
        } else {
            None
        },
        median_days_to_certificate: median(&mut b.days_to_certificate),
        late_synced_attempts: b.late_synced,
    }
}

/// One row per branch × course × cohort, sorted by branch, course and cohort name.
pub(crate) async fn completion(db: &DatabaseConnection, f: &Filter) -> ApiResult<Vec<CompletionRow>> {
    let txn = rollup::reading(db).await?;
    let buckets = rollup::rollup(&txn, f, Grouping::Cohort).await?;
    let names = Names::load(&txn, buckets.keys(), f.reader).await?;
    txn.commit().await?;
    let mut rows: Vec<CompletionRow> = buckets
        .into_iter()
        .map(|(key, bucket)| {
            let (branch, course, cohort) = (
                key.branch.unwrap_or_default(),
                key.course.unwrap_or_default(),
                key.cohort.unwrap_or_default(),
            );
            CompletionRow {
                branch: names.branches.get(&branch).cloned().unwrap_or_default(),
                course_id: course,
                course_code: names.courses.get(&course).cloned().unwrap_or_default(),
                cohort_id: cohort,
                cohort_name: names.cohorts.get(&cohort).cloned().unwrap_or_default(),
                figures: figures(bucket),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.branch, &a.course_code, &a.cohort_name, a.cohort_id).cmp(&(&b.branch, &b.course_code, &b.cohort_name, b.cohort_id))
    });
    Ok(rows)
}

/// Orders rows as the reader sorts: by branch and course code, then the
/// cohort's name by the reader's collation (Thai, Vietnamese and Chinese
/// names are not in code point order).
pub(crate) fn sort_for_reader(rows: &mut [CompletionRow], locale: crate::i18n::Locale) {
    rows.sort_by(|a, b| {
        (&a.branch, &a.course_code)
            .cmp(&(&b.branch, &b.course_code))
            .then_with(|| crate::i18n::compare(locale, &a.cohort_name, &b.cohort_name))
            .then(a.cohort_id.cmp(&b.cohort_id))
    });
}

/// One row per branch, course or month (not `Grouping::Cohort`: see
/// [`completion`]), sorted by branch code, course code or month.
pub(crate) async fn grouped(db: &DatabaseConnection, f: &Filter, g: Grouping) -> ApiResult<Vec<GroupRow>> {
    let txn = rollup::reading(db).await?;
    let buckets = rollup::rollup(&txn, f, g).await?;
    let names = Names::load(&txn, buckets.keys(), f.reader).await?;
    txn.commit().await?;
    let mut rows: Vec<GroupRow> = buckets
        .into_iter()
        .map(|(key, bucket)| GroupRow {
            branch: key.branch.map(|b| names.branches.get(&b).cloned().unwrap_or_default()),
            course_id: key.course,
            course_code: key.course.map(|c| names.courses.get(&c).cloned().unwrap_or_default()),
            month: key.month,
            cohorts: bucket.cohorts,
            figures: figures(bucket),
        })
        .collect();
    rows.sort_by(|a, b| (&a.branch, &a.course_code, &a.month, a.course_id).cmp(&(&b.branch, &b.course_code, &b.month, b.course_id)));
    Ok(rows)
}

/// Codes and names for the ids in a report, one query each.
struct Names {
    branches: BTreeMap<Uuid, String>,
    courses: BTreeMap<Uuid, String>,
    cohorts: BTreeMap<Uuid, String>,
}

impl Names {
    /// Cohort names are the reader's translation with the same fallback as
    /// the cohort views (the reader's language, the branch's default, the
    /// cohort's own `name`).
    async fn load<'a>(
        db: &impl ConnectionTrait,
        keys: impl Iterator<Item = &'a Key>,
        reader: Option<crate::i18n::Locale>,
    ) -> ApiResult<Names> {
        use crate::i18n::Locale;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let (mut branch_ids, mut course_ids, mut cohort_ids) = (Vec::new(), Vec::new(), Vec::new());
        for key in keys {
            branch_ids.extend(key.branch);
            course_ids.extend(key.course);
            cohort_ids.extend(key.cohort);
        }
        branch_ids.sort_unstable();
        branch_ids.dedup();
        course_ids.sort_unstable();
        course_ids.dedup();
        let mut names = Names {
            branches: BTreeMap::new(),
            courses: BTreeMap::new(),
            cohorts: BTreeMap::new(),
        };
        let mut defaults: BTreeMap<Uuid, Locale> = BTreeMap::new();
        for chunk in branch_ids.chunks(500) {
            for b in crate::branches::entity::Entity::find()
                .filter(crate::branches::entity::Column::Id.is_in(chunk.to_vec()))
                .all(db)
                .await?
            {
                defaults.insert(b.id, Locale::from_canonical(&b.default_locale).unwrap_or(Locale::En));
                names.branches.insert(b.id, b.code);
            }
        }
        for chunk in course_ids.chunks(500) {
            for c in crate::courses::course_entity::Entity::find()
                .filter(crate::courses::course_entity::Column::Id.is_in(chunk.to_vec()))
                .all(db)
                .await?
            {
                names.courses.insert(c.id, c.code);
            }
        }
        for chunk in cohort_ids.chunks(500) {
            for c in crate::cohorts::entity::Entity::find()
                .filter(crate::cohorts::entity::Column::Id.is_in(chunk.to_vec()))
                .all(db)
                .await?
            {
                let default = defaults.get(&c.branch_id).copied().unwrap_or(Locale::En);
                let chain = crate::cohorts::names::chain(reader.unwrap_or(default), default);
                names
                    .cohorts
                    .insert(c.id, crate::cohorts::names::resolve(&c.name, c.names.as_deref(), &chain));
            }
        }
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(super::median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(super::median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(super::median(&mut []), None);
    }
}
