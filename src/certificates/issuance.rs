//! Certification: one *current* certificate per trainee and course, created
//! in the transaction that completes the enrolment, with its status-list
//! entry, its expiry and its email, all committed together.
//!
//! Recertification: a trainee whose current certificate was revoked, has
//! expired or expires within `RENEWAL_DAYS` is certified again when a new
//! enrolment completes; the earlier certificate stays as history (no longer
//! current, its own status and expiry unchanged). A trainee whose current
//! certificate is valid for longer keeps it.

use super::entity::{self as certificate, Entity as Certificates};
use super::service::{branch_name, for_user_course};
use super::{code::new_code, page::format_date, status_list};
use crate::branches::entity::Entity as Branches;
use crate::courses::course_entity::Entity as Courses;
use crate::courses::service::course_texts;
use crate::courses::texts::{chain, pick};
use crate::enrolments::entity as enrolment;
use crate::i18n::Locale;
use crate::notifications::{Email, enqueue};
use crate::users::entity::Entity as Users;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use serde_json::{Map, Value};
use uuid::Uuid;

/// How long before its expiry a certificate may be renewed by certifying again
/// (the first reminder goes out then too).
pub(crate) const RENEWAL_DAYS: i64 = 60;

/// Whether `row` still stands as the trainee's certificate at `now`.
fn still_stands(row: &certificate::Model, now: DateTime<Utc>) -> bool {
    row.status == certificate::Status::Valid && row.expires_at.is_none_or(|end| end - Duration::days(RENEWAL_DAYS) > now)
}

/// Certifies the trainee of a completed enrolment. Returns the id of the
/// trainee's current certificate for the course (the existing one while it
/// still stands).
pub(crate) async fn issue(db: &impl ConnectionTrait, enrolment: &enrolment::Model, now: DateTime<Utc>) -> Result<Option<Uuid>, DbErr> {
    if let Some(existing) = for_user_course(db, enrolment.user_id, enrolment.course_id).await? {
        if still_stands(&existing, now) {
            return Ok(Some(existing.id));
        }
        // History from now on: the new certificate becomes the current one.
        Certificates::update_many()
            .col_expr(certificate::Column::IsCurrent, Expr::value(false))
            .col_expr(certificate::Column::UpdatedAt, Expr::value(now))
            .filter(certificate::Column::Id.eq(existing.id))
            .exec(db)
            .await?;
    }
    let Some(user) = Users::find_by_id(enrolment.user_id).one(db).await? else {
        return Ok(None);
    };
    let Some(branch) = Branches::find_by_id(enrolment.branch_id).one(db).await? else {
        return Ok(None);
    };
    let valid_days = Courses::find_by_id(enrolment.course_id)
        .one(db)
        .await?
        .and_then(|c| c.certificate_valid_days);
    let (list, index) = status_list::allocate(db, branch.id, now).await?;
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
        credential_jwt: Set(None),
        status_list_id: Set(Some(list.id)),
        status_index: Set(Some(index)),
        expires_at: Set(valid_days.map(|d| now + Duration::days(i64::from(d)))),
        reminded_60_at: Set(None),
        reminded_14_at: Set(None),
        is_current: Set(true),
    };
    // One current certificate per trainee and course (a partial unique index).
    let inserted = Certificates::insert(row)
        .on_conflict(OnConflict::new().do_nothing().to_owned())
        .try_insert()
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

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{DbBackend, QueryTrait};

    /// Any unique conflict (the partial index on current certificates has no
    /// column list a conflict target could name) leaves the row out.
    #[test]
    fn the_insert_skips_any_conflict() {
        let sql = Certificates::insert(certificate::ActiveModel {
            id: Set(Uuid::nil()),
            ..Default::default()
        })
        .on_conflict(OnConflict::new().do_nothing().to_owned())
        .build(DbBackend::Postgres)
        .to_string();
        let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(sql.ends_with("ON CONFLICT DO NOTHING"), "{sql}");
    }
}
