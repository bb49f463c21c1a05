//! Codes and names for the ids in a report, one query per table whatever
//! the number of rows. Cohort names are the reader's translation with the
//! same fallback as the cohort views (the reader's language, the branch's
//! default, the cohort's own `name`), so an English reader at headquarters
//! sees "Intake 2/2026" where a Thai admin typed "รุ่นที่ 2/2569".

use crate::cohorts::names;
use crate::error::ApiResult;
use crate::i18n::Locale;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::BTreeMap;
use uuid::Uuid;

pub(super) struct Names {
    /// Branch codes.
    pub(super) branches: BTreeMap<Uuid, String>,
    /// Course codes.
    pub(super) courses: BTreeMap<Uuid, String>,
    /// Cohort names for the reader.
    pub(super) cohorts: BTreeMap<Uuid, String>,
}

impl Names {
    /// `keys` start with (branch, course, cohort) ids.
    pub(super) async fn load<T>(
        db: &impl ConnectionTrait,
        keys: &[(Uuid, Uuid, Uuid, T, T, T, T)],
        reader: Option<Locale>,
    ) -> ApiResult<Names> {
        let branch_ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        let course_ids: Vec<Uuid> = keys.iter().map(|k| k.1).collect();
        let cohort_ids: Vec<Uuid> = keys.iter().map(|k| k.2).collect();
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
                let chain = names::chain(reader.unwrap_or(default), default);
                names.cohorts.insert(c.id, names::resolve(&c.name, c.names.as_deref(), &chain));
            }
        }
        Ok(names)
    }
}
