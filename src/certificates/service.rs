//! Certification: exactly one certificate per trainee and course, created in
//! the transaction that completes the enrolment, with its email queued in
//! the same transaction.

use super::code::new_code;
use super::entity::{self as certificate, Entity as Certificates};
use super::page::format_date;
use crate::branches::entity::{self as branch, Entity as Branches};
use crate::branches::service::parse_names;
use crate::courses::course_entity::{self as course, Entity as Courses};
use crate::courses::service::course_texts;
use crate::courses::texts::{chain, pick};
use crate::enrolments::entity as enrolment;
use crate::error::{ApiError, ApiResult};
use crate::i18n::Locale;
use crate::notifications::{Email, enqueue};
use crate::tenancy::{Caller, Role};
use crate::users::entity::Entity as Users;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use serde_json::{Map, Value};
use uuid::Uuid;

/// Certifies the trainee of a completed enrolment, once. Returns the
/// certificate's id (the existing one if there is one).
pub async fn issue(db: &impl ConnectionTrait, enrolment: &enrolment::Model, now: DateTime<Utc>) -> Result<Option<Uuid>, DbErr> {
    if let Some(existing) = for_user_course(db, enrolment.user_id, enrolment.course_id).await? {
        return Ok(Some(existing.id));
    }
    let Some(user) = Users::find_by_id(enrolment.user_id).one(db).await? else {
        return Ok(None);
    };
    let Some(branch) = Branches::find_by_id(enrolment.branch_id).one(db).await? else {
        return Ok(None);
    };
    let id = Uuid::now_v7();
    let code = new_code(&branch.code);
    let row = certificate::ActiveModel {
        id: Set(id),
        code: Set(code.clone()),
        user_id: Set(user.id),
        branch_id: Set(branch.id),
        course_id: Set(enrolment.course_id),
        enrolment_id: Set(enrolment.id),
        holder_name: Set(user.display_name.clone()),
        issued_at: Set(now),
        status: Set(certificate::Status::Valid),
        revoked_at: Set(None),
        revoked_reason: Set(None),
        updated_at: Set(now),
    };
    let inserted = Certificates::insert(row)
        .on_conflict_do_nothing_on([certificate::Column::UserId, certificate::Column::CourseId])
        .exec(db)
        .await?;
    if !matches!(inserted, sea_orm::TryInsertResult::Inserted(_)) {
        // Someone certified this trainee in the meantime: theirs stands.
        return Ok(for_user_course(db, enrolment.user_id, enrolment.course_id).await?.map(|c| c.id));
    }
    let locale = Locale::from_canonical(&user.locale).unwrap_or(Locale::En);
    let default = Locale::from_canonical(&branch.default_locale).unwrap_or(Locale::En);
    let texts = course_texts(db, &[enrolment.course_id]).await?;
    let t = texts.get(&enrolment.course_id);
    let course_title = pick(&chain(locale, default), |l| t.and_then(|m| m.get(&l)).map(|x| x.title.as_str())).text;
    let tz: chrono_tz::Tz = branch.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let mut args = Map::new();
    args.insert("name".into(), Value::String(user.display_name.clone()));
    args.insert("course".into(), Value::String(course_title));
    args.insert("branch".into(), Value::String(branch_name(&branch, locale)));
    args.insert(
        "date".into(),
        Value::String(format_date(now.with_timezone(&tz).date_naive(), locale)),
    );
    // The verification link is `{public_url}/verify/{code}`; the worker adds
    // `public_url` when it renders the email.
    args.insert("code".into(), Value::String(code.clone()));
    enqueue(
        db,
        Email {
            branch_id: Some(branch.id),
            recipient: user.email.clone(),
            recipient_name: Some(user.display_name.clone()),
            locale,
            template: "certificate",
            args,
            dedup_key: Some(format!("certificate:{id}")),
        },
        now,
    )
    .await?;
    Ok(Some(id))
}

pub async fn for_user_course(db: &impl ConnectionTrait, user_id: Uuid, course_id: Uuid) -> Result<Option<certificate::Model>, DbErr> {
    Certificates::find()
        .filter(certificate::Column::UserId.eq(user_id))
        .filter(certificate::Column::CourseId.eq(course_id))
        .one(db)
        .await
}

/// A branch's name in `locale`, with the usual fallback, or its code.
pub fn branch_name(branch: &branch::Model, locale: Locale) -> String {
    let names = parse_names(&branch.names);
    let default = Locale::from_canonical(&branch.default_locale).unwrap_or(Locale::En);
    let name = pick(&chain(locale, default), |l| names.get(&l).map(String::as_str)).text;
    if name.is_empty() { branch.code.clone() } else { name }
}

/// A course's title in `locale` with fallback (through the branch default).
pub async fn course_title(
    db: &impl ConnectionTrait,
    course_id: Uuid,
    locale: Locale,
    branch_default: Locale,
) -> Result<(String, String), DbErr> {
    let texts = course_texts(db, &[course_id]).await?;
    let t = texts.get(&course_id);
    let c = chain(locale, branch_default);
    let title = pick(&c, |l| t.and_then(|m| m.get(&l)).map(|x| x.title.as_str())).text;
    let summary = pick(&c, |l| t.and_then(|m| m.get(&l)).map(|x| x.summary.as_str())).text;
    Ok((title, summary))
}

pub async fn course(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<course::Model>, DbErr> {
    Courses::find_by_id(id).one(db).await
}

/// A certificate the caller may read: their own (trainee), their branch's
/// (branch admin), any (headquarters). Otherwise 404.
pub async fn find_visible(db: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> ApiResult<certificate::Model> {
    let mut query = Certificates::find_by_id(id).filter(caller.scope().condition(certificate::Column::BranchId));
    if caller.role == Role::Trainee {
        query = query.filter(certificate::Column::UserId.eq(caller.user_id));
    }
    query.one(db).await?.ok_or_else(ApiError::not_found)
}

pub async fn by_code(db: &impl ConnectionTrait, code: &str) -> Result<Option<certificate::Model>, DbErr> {
    Certificates::find().filter(certificate::Column::Code.eq(code)).one(db).await
}
