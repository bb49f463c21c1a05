//! What a trainee can show: current, valid certificates and passed
//! practical sign-offs, read for many trainees in a fixed number of queries.

use crate::certificates::entity::{self as certificate, Entity as Certificates};
use crate::i18n::Locale;
use crate::practical::assessment_entity::{self as assessment, Entity as Assessments};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

#[derive(Clone, Serialize, utoipa::ToSchema)]
pub(crate) struct HeldCertificate {
    pub course_id: Uuid,
    pub course_code: String,
    /// In the response language.
    pub course_title: String,
    /// The certificate's public code (anyone can check it at `/verify/{code}`).
    pub code: String,
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Serialize, utoipa::ToSchema)]
pub(crate) struct SignOff {
    pub course_id: Uuid,
    pub course_code: String,
    pub signed_off_at: DateTime<Utc>,
}

#[derive(Clone, Default, Serialize, utoipa::ToSchema)]
pub(crate) struct Skills {
    pub certificates: Vec<HeldCertificate>,
    pub practical: Vec<SignOff>,
}

/// Users holding a current, valid, unexpired certificate of `course_id` at `now`.
pub(crate) fn holders(course_id: Uuid, now: DateTime<Utc>) -> SelectStatement {
    Query::select()
        .column(certificate::Column::UserId)
        .from(Certificates)
        .and_where(certificate::Column::CourseId.eq(course_id))
        .and_where(certificate::Column::IsCurrent.eq(true))
        .and_where(certificate::Column::Status.eq(certificate::Status::Valid))
        .cond_where(
            Condition::any()
                .add(certificate::Column::ExpiresAt.is_null())
                .add(certificate::Column::ExpiresAt.gt(now)),
        )
        .to_owned()
}

/// The skills of each of `user_ids`.
pub(crate) async fn of_users(
    db: &impl ConnectionTrait,
    user_ids: &[Uuid],
    now: DateTime<Utc>,
    locale: Locale,
    default: Locale,
) -> Result<HashMap<Uuid, Skills>, DbErr> {
    let mut skills: HashMap<Uuid, Skills> = HashMap::new();
    if user_ids.is_empty() {
        return Ok(skills);
    }
    let certificates = Certificates::find()
        .filter(certificate::Column::UserId.is_in(user_ids.to_vec()))
        .filter(certificate::Column::IsCurrent.eq(true))
        .filter(certificate::Column::Status.eq(certificate::Status::Valid))
        .order_by_asc(certificate::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|c| c.expires_at.is_none_or(|end| end > now))
        .collect::<Vec<_>>();
    // The latest assessment per trainee and course counts.
    let mut latest: BTreeMap<(Uuid, Uuid), assessment::Model> = BTreeMap::new();
    for row in Assessments::find()
        .filter(assessment::Column::UserId.is_in(user_ids.to_vec()))
        .order_by_asc(assessment::Column::Id)
        .all(db)
        .await?
    {
        latest.insert((row.user_id, row.course_id), row);
    }
    let mut course_ids: Vec<Uuid> = certificates.iter().map(|c| c.course_id).collect();
    course_ids.extend(latest.keys().map(|(_, c)| *c));
    let codes = crate::courses::service::course_codes(db, &course_ids).await?;
    let texts = crate::courses::service::course_texts(db, &course_ids).await?;
    let chain = crate::courses::texts::chain(locale, default);
    for c in certificates {
        let t = texts.get(&c.course_id);
        skills.entry(c.user_id).or_default().certificates.push(HeldCertificate {
            course_id: c.course_id,
            course_code: codes.get(&c.course_id).cloned().unwrap_or_default(),
            course_title: crate::courses::texts::pick(&chain, |l| t.and_then(|m| m.get(&l)).map(|x| x.title.as_str())).text,
            code: c.code,
            expires_at: c.expires_at,
        });
    }
    for ((user, course), row) in latest {
        if row.passed {
            skills.entry(user).or_default().practical.push(SignOff {
                course_id: course,
                course_code: codes.get(&course).cloned().unwrap_or_default(),
                signed_off_at: row.recorded_at,
            });
        }
    }
    Ok(skills)
}
