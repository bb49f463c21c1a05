//! Certification: exactly one certificate per trainee and course, created in
//! the transaction that completes the enrolment, with its email queued in
//! the same transaction. Also the reads of certificates: lists in the
//! caller's scope, one certificate, its signed credential, the public check.

use super::CertificateError;
use super::code::new_code;
use super::credential::{CredentialInput, open_badge, sign_vc_jwt};
use super::entity::{self as certificate, Entity as Certificates};
use super::page::format_date;
use crate::branches::entity::{self as branch, Entity as Branches};
use crate::branches::service::parse_names;
use crate::courses::course_entity::{self as course, Entity as Courses};
use crate::courses::service::course_texts;
use crate::courses::texts::{chain, pick};
use crate::enrolments::entity as enrolment;
use crate::http::{CursorPage, Page};
use crate::i18n::Locale;
use crate::notifications::{Email, enqueue};
use crate::state::AppState;
use crate::tenancy::{self, Caller};
use crate::users::entity::Entity as Users;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use serde_json::{Map, Value};
use uuid::Uuid;

/// Certifies the trainee of a completed enrolment, once. Returns the
/// certificate's id (the existing one if there is one).
pub(crate) async fn issue(db: &impl ConnectionTrait, enrolment: &enrolment::Model, now: DateTime<Utc>) -> Result<Option<Uuid>, DbErr> {
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

/// The user's certificates for many courses in one query, by course.
pub(crate) async fn for_user_courses(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    course_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, certificate::Model>, DbErr> {
    if course_ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    Ok(Certificates::find()
        .filter(certificate::Column::UserId.eq(user_id))
        .filter(certificate::Column::CourseId.is_in(course_ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.course_id, c))
        .collect())
}

pub(crate) async fn for_user_course(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    course_id: Uuid,
) -> Result<Option<certificate::Model>, DbErr> {
    Certificates::find()
        .filter(certificate::Column::UserId.eq(user_id))
        .filter(certificate::Column::CourseId.eq(course_id))
        .one(db)
        .await
}

/// A branch's name in `locale`, with the usual fallback, or its code.
pub(crate) fn branch_name(branch: &branch::Model, locale: Locale) -> String {
    let names = parse_names(&branch.names);
    let default = Locale::from_canonical(&branch.default_locale).unwrap_or(Locale::En);
    let name = pick(&chain(locale, default), |l| names.get(&l).map(String::as_str)).text;
    if name.is_empty() { branch.code.clone() } else { name }
}

/// A course's title in `locale` with fallback (through the branch default).
pub(crate) async fn course_title(
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

pub(crate) async fn course(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<course::Model>, DbErr> {
    Courses::find_by_id(id).one(db).await
}

/// A certificate the caller may read: their own (trainee), their branch's
/// (branch admin), any (headquarters). Otherwise `NotFound`.
pub(crate) async fn find_visible(db: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<certificate::Model, CertificateError> {
    tenancy::find_visible::<Certificates>(db, caller, id)
        .await?
        .ok_or(CertificateError::NotFound)
}

/// Which certificates a list asks for, within the caller's scope.
#[derive(Default)]
pub(crate) struct ListFilter<'a> {
    /// Only the caller's own.
    pub mine: bool,
    /// A branch code; an unknown one matches nothing.
    pub branch: Option<&'a str>,
    pub course_id: Option<Uuid>,
    pub status: Option<certificate::Status>,
}

/// A page of the certificates the caller may see that match `filter`.
pub(crate) async fn list(
    db: &impl ConnectionTrait,
    caller: &Caller,
    filter: ListFilter<'_>,
    page: Page,
) -> Result<Vec<certificate::Model>, DbErr> {
    let mut query = tenancy::visible::<Certificates>(caller);
    if filter.mine {
        query = query.filter(certificate::Column::UserId.eq(caller.user_id));
    }
    if let Some(code) = filter.branch {
        match crate::branches::service::find_by_code(db, code).await? {
            Some(b) => query = query.filter(certificate::Column::BranchId.eq(b.id)),
            None => return Ok(Vec::new()),
        }
    }
    if let Some(course) = filter.course_id {
        query = query.filter(certificate::Column::CourseId.eq(course));
    }
    if let Some(status) = filter.status {
        query = query.filter(certificate::Column::Status.eq(status));
    }
    query.cursor_page(certificate::Column::Id, page).all(db).await
}

/// A certificate the caller may read as an Open Badges 3.0 credential,
/// signed as a VC-JWT by the issuing branch's key, in the holder's language.
pub(crate) async fn signed_credential(state: &AppState, caller: &Caller, id: Uuid) -> Result<String, CertificateError> {
    let db = &state.db;
    let row = find_visible(db, caller, id).await?;
    let branch = Branches::find_by_id(row.branch_id)
        .one(db)
        .await?
        .ok_or(CertificateError::NotFound)?;
    let holder = Users::find_by_id(row.user_id).one(db).await?;
    let locale = holder
        .as_ref()
        .and_then(|u| Locale::from_canonical(&u.locale))
        .unwrap_or(Locale::En);
    let default = Locale::from_canonical(&branch.default_locale).unwrap_or(Locale::En);
    let (title, summary) = course_title(db, row.course_id, locale, default).await?;
    let course = course(db, row.course_id).await?.ok_or(CertificateError::NotFound)?;
    let input = CredentialInput {
        certificate_id: row.id,
        code: row.code.clone(),
        holder_id: row.user_id,
        holder_name: row.holder_name.clone(),
        course_id: row.course_id,
        course_code: course.code,
        course_title: title,
        course_summary: summary,
        branch_code: branch.code.clone(),
        branch_name: branch_name(&branch, locale),
        branch_country: branch.country.clone(),
        issued_at: row.issued_at,
        public_url: state.config.public_url.clone(),
        locale,
    };
    let document = open_badge(&input);
    let signer = state
        .keys
        .signer(db, branch.id)
        .await?
        .ok_or(CertificateError::NoSigningKey { branch_id: branch.id })?;
    sign_vc_jwt(
        &signer.kid,
        &signer.key,
        &document,
        row.issued_at,
        &input.issuer_id(),
        &input.subject_id(),
        &input.credential_id(),
    )
}

/// A certificate found by its code, with what the public check shows of
/// its branch and course.
pub(crate) struct Verified {
    pub certificate: certificate::Model,
    pub branch: branch::Model,
    pub course: course::Model,
}

/// The certificate with the canonical `code`, for the public check.
pub(crate) async fn verified(db: &impl ConnectionTrait, code: &str) -> Result<Option<Verified>, CertificateError> {
    let Some(certificate) = by_code(db, code).await? else {
        return Ok(None);
    };
    let branch = Branches::find_by_id(certificate.branch_id)
        .one(db)
        .await?
        .ok_or(CertificateError::NotFound)?;
    let course = course(db, certificate.course_id).await?.ok_or(CertificateError::NotFound)?;
    Ok(Some(Verified {
        certificate,
        branch,
        course,
    }))
}

pub(crate) async fn by_code(db: &impl ConnectionTrait, code: &str) -> Result<Option<certificate::Model>, DbErr> {
    Certificates::find().filter(certificate::Column::Code.eq(code)).one(db).await
}
