//! The reads of certificates: lists in the caller's scope, one certificate,
//! its signed credential, the public check. Issuing is in `issuance`.

use super::CertificateError;
use super::entity::{self as certificate, Entity as Certificates};
use crate::branches::entity::{self as branch, Entity as Branches};
use crate::branches::service::parse_names;
use crate::courses::course_entity::{self as course, Entity as Courses};
use crate::courses::service::course_texts;
use crate::courses::texts::{chain, pick};
use crate::http::{CursorPage, Page};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::{self, Caller};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

pub(crate) use super::issuance::issue;

/// The user's current certificates for many courses in one query, by course.
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
        .filter(certificate::Column::IsCurrent.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.course_id, c))
        .collect())
}

/// The trainee's current certificate for the course, if any.
pub(crate) async fn for_user_course(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    course_id: Uuid,
) -> Result<Option<certificate::Model>, DbErr> {
    Certificates::find()
        .filter(certificate::Column::UserId.eq(user_id))
        .filter(certificate::Column::CourseId.eq(course_id))
        .filter(certificate::Column::IsCurrent.eq(true))
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

/// A certificate the caller may read as its stored Open Badges 3.0
/// credential (signed at issuance; signed now if it never was, as for
/// certificates issued before credentials were stored).
pub(crate) async fn signed_credential(state: &AppState, caller: &Caller, id: Uuid) -> Result<String, CertificateError> {
    let row = find_visible(&state.db, caller, id).await?;
    if let Some(jwt) = row.credential_jwt {
        return Ok(jwt);
    }
    let txn = crate::db::begin(&state.db).await?;
    let jwt = super::signing::sign_and_store(state, &txn, &row, state.clock.now()).await?;
    txn.commit().await?;
    Ok(jwt)
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
