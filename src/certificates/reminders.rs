//! Expiry reminders: 60 and 14 days before a current, valid certificate
//! expires, its holder is emailed in their language, through the outbox,
//! exactly once each.
//!
//! "Exactly once" is a conditional update of `reminded_60_at` /
//! `reminded_14_at` committed with the email, so any number of workers may
//! run this. A certificate that is already within 14 days when first seen
//! (a short validity, or a server that was down) gets the 14-day reminder
//! only. History (a certificate replaced by a recertification), revoked or
//! expired certificates and deactivated holders get none.

use super::CertificateError;
use super::entity::{self as certificate, Entity as Certificates};
use super::page::format_date;
use super::service::{branch_name, course_title};
use crate::audit::Author;
use crate::branches::entity::Entity as Branches;
use crate::command::Command;
use crate::i18n::Locale;
use crate::notifications::{Email, enqueue};
use crate::state::AppState;
use crate::users::entity::{self as user, Entity as Users};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Map, Value};

/// The reminders, in days before expiry.
pub(crate) const FIRST_DAYS: i64 = 60;
pub(crate) const LAST_DAYS: i64 = 14;

/// Queues the reminders due at the service clock's now; returns how many.
pub(crate) async fn send_due(state: &AppState) -> Result<usize, CertificateError> {
    let now = state.clock.now();
    let first = now + Duration::days(FIRST_DAYS);
    let last = now + Duration::days(LAST_DAYS);
    let due = Certificates::find()
        .filter(certificate::Column::Status.eq(certificate::Status::Valid))
        .filter(certificate::Column::IsCurrent.eq(true))
        .filter(certificate::Column::ExpiresAt.gt(now))
        .filter(certificate::Column::ExpiresAt.lte(first))
        .filter(
            Condition::any().add(certificate::Column::Reminded60At.is_null()).add(
                Condition::all()
                    .add(certificate::Column::ExpiresAt.lte(last))
                    .add(certificate::Column::Reminded14At.is_null()),
            ),
        )
        .order_by_asc(certificate::Column::ExpiresAt)
        .limit(500)
        .all(&state.db)
        .await?;
    let mut sent = 0;
    for row in due {
        if remind(state, &row, now).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Queues the one reminder due for `row`, unless another worker did.
async fn remind(state: &AppState, row: &certificate::Model, now: DateTime<Utc>) -> Result<bool, CertificateError> {
    let Some(expires_at) = row.expires_at else { return Ok(false) };
    let last = expires_at <= now + Duration::days(LAST_DAYS);
    let (column, days) = if last {
        (certificate::Column::Reminded14At, LAST_DAYS)
    } else {
        (certificate::Column::Reminded60At, FIRST_DAYS)
    };
    let cmd = Command::begin_as(state, Author::default()).await?;
    let mut claim = Certificates::update_many()
        .col_expr(column, Expr::value(now))
        .filter(certificate::Column::Id.eq(row.id))
        .filter(column.is_null());
    if last {
        // The first reminder is not sent late: the last one says it all.
        claim = claim.col_expr(
            certificate::Column::Reminded60At,
            Expr::col(certificate::Column::Reminded60At).if_null(now),
        );
    }
    if claim.exec(cmd.txn()).await?.rows_affected != 1 {
        return Ok(false);
    }
    let holder = Users::find_by_id(row.user_id).one(cmd.txn()).await?;
    let branch = Branches::find_by_id(row.branch_id).one(cmd.txn()).await?;
    let (Some(holder), Some(branch)) = (holder, branch) else {
        cmd.commit().await?;
        return Ok(false);
    };
    if holder.status == user::Status::Deactivated {
        cmd.commit().await?;
        return Ok(false);
    }
    let locale = Locale::from_canonical(&holder.locale).unwrap_or(Locale::En);
    let default = Locale::from_canonical(&branch.default_locale).unwrap_or(Locale::En);
    let (course, _) = course_title(cmd.txn(), row.course_id, locale, default).await?;
    let tz: chrono_tz::Tz = branch.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let mut args = Map::new();
    args.insert("name".into(), Value::String(holder.display_name.clone()));
    args.insert("course".into(), Value::String(course));
    args.insert("code".into(), Value::String(row.code.clone()));
    args.insert("branch".into(), Value::String(branch_name(&branch, locale)));
    args.insert(
        "date".into(),
        Value::String(format_date(expires_at.with_timezone(&tz).date_naive(), locale)),
    );
    // Whole days left, counting a started day (59 days and 23 hours: 60).
    let hours = (expires_at - now).num_hours();
    args.insert("days".into(), Value::from((hours + 23) / 24));
    enqueue(
        cmd.txn(),
        Email {
            branch_id: Some(branch.id),
            recipient: holder.email.clone(),
            recipient_name: Some(holder.display_name.clone()),
            locale,
            template: "certificate-expiring",
            args,
            dedup_key: Some(format!("certificate-expiring-{days}:{}", row.id)),
        },
        now,
    )
    .await?;
    cmd.commit().await?;
    Ok(true)
}
