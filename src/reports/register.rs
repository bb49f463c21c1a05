//! The certificate register as CSV, in the caller's language: every
//! certificate in the caller's scope, streamed in id order a chunk at a
//! time (one query per 2,000 rows), so a register of hundreds of thousands
//! never sits in memory.

use super::csv::{BOM, Cell, Dialect, header, line};
use crate::certificates::entity::{self as certificate, Entity as Certificates};
use crate::courses::texts::{chain, pick};
use crate::error::ApiResult;
use crate::http::CursorPage;
use crate::http::page::Page;
use crate::i18n::{self, Locale};
use crate::state::AppState;
use crate::tenancy::{self, Caller};
use actix_web::web::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use futures_util::StreamExt;
use sea_orm::{ActiveEnum, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

pub(crate) const COLUMNS: &[&str] = &[
    "certificate_code",
    "certificate_status",
    "holder_name",
    "branch",
    "course_code",
    "course_title",
    "issued_at",
    "revoked_at",
    "revoked_reason",
];

const CHUNK: u64 = 2_000;

/// Which certificates: besides the caller's scope.
#[derive(Clone, Debug, Default)]
pub(crate) struct Filter {
    pub branch_id: Option<Uuid>,
    pub course_id: Option<Uuid>,
    pub issued_from: Option<DateTime<Utc>>,
    pub issued_to: Option<DateTime<Utc>>,
    pub status: Option<certificate::Status>,
    /// The caller asked for a branch outside its scope: an empty register.
    pub nothing: bool,
}

/// Names that every chunk needs, read once.
struct Labels {
    locale: Locale,
    branches: HashMap<Uuid, String>,
    courses: HashMap<Uuid, (String, String)>,
}

pub(crate) fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl Labels {
    async fn load(db: &DatabaseConnection, locale: Locale, default: Locale) -> ApiResult<Labels> {
        let branches = crate::branches::entity::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|b| (b.id, b.code))
            .collect();
        let courses = crate::courses::course_entity::Entity::find().all(db).await?;
        let ids: Vec<Uuid> = courses.iter().map(|c| c.id).collect();
        let texts = crate::courses::service::course_texts(db, &ids).await?;
        let chain = chain(locale, default);
        let courses = courses
            .into_iter()
            .map(|c| {
                let t = texts.get(&c.id);
                let title = pick(&chain, |l| t.and_then(|m| m.get(&l)).map(|x| x.title.as_str())).text;
                (c.id, (c.code, title))
            })
            .collect();
        Ok(Labels { locale, branches, courses })
    }

    fn cells(&self, c: certificate::Model) -> Vec<Cell> {
        let (code, title) = self.courses.get(&c.course_id).cloned().unwrap_or_default();
        vec![
            Cell::Text(c.code),
            Cell::Text(i18n::t(self.locale, &format!("report-status-{}", c.status.to_value()), &[])),
            Cell::Text(c.holder_name),
            Cell::Text(self.branches.get(&c.branch_id).cloned().unwrap_or_default()),
            Cell::Text(code),
            Cell::Text(title),
            Cell::Text(time(c.issued_at)),
            Cell::Text(c.revoked_at.map(time).unwrap_or_default()),
            Cell::Text(c.revoked_reason.unwrap_or_default()),
        ]
    }
}

async fn chunk(db: &DatabaseConnection, caller: &Caller, f: &Filter, after: Option<Uuid>) -> ApiResult<Vec<certificate::Model>> {
    if f.nothing {
        return Ok(Vec::new());
    }
    let query = tenancy::visible::<Certificates>(caller).filter(
        sea_orm::Condition::all()
            .add_option(f.branch_id.map(|v| certificate::Column::BranchId.eq(v)))
            .add_option(f.course_id.map(|v| certificate::Column::CourseId.eq(v)))
            .add_option(f.issued_from.map(|v| certificate::Column::IssuedAt.gte(v)))
            .add_option(f.issued_to.map(|v| certificate::Column::IssuedAt.lt(v)))
            .add_option(f.status.map(|v| certificate::Column::Status.eq(v))),
    );
    let page = Page { limit: CHUNK - 1, after };
    Ok(query.cursor_page(certificate::Column::Id, page).all(db).await?)
}

/// The register's bytes: a BOM and the localized header, then one chunk
/// of rows per step. A database error ends the stream (the client sees a
/// cut-off download, the log the cause).
pub(crate) async fn stream(
    state: &AppState,
    caller: Caller,
    filter: Filter,
    locale: Locale,
) -> ApiResult<impl futures_util::Stream<Item = Result<Bytes, actix_web::Error>> + use<>> {
    let labels = Arc::new(Labels::load(&state.db, locale, caller.branch_default_locale).await?);
    let head = Bytes::from([BOM.to_vec(), header(locale, COLUMNS, Dialect::Comma)].concat());
    let db = state.db.clone();
    let rows = futures_util::stream::unfold(Some(None), move |after: Option<Option<Uuid>>| {
        let (db, caller, filter, labels) = (db.clone(), caller.clone(), filter.clone(), labels.clone());
        async move {
            let after = after?;
            match chunk(&db, &caller, &filter, after).await {
                Ok(rows) if rows.is_empty() => None,
                Ok(rows) => {
                    let next = (rows.len() as u64 >= CHUNK).then(|| rows.last().map(|r| r.id));
                    let mut out = Vec::new();
                    for row in rows {
                        out.extend(line(&labels.cells(row), Dialect::Comma));
                    }
                    Some((Ok(Bytes::from(out)), next))
                }
                Err(err) => {
                    tracing::error!(error = ?err, "certificate register stream");
                    None
                }
            }
        }
    });
    Ok(futures_util::stream::iter([Ok(head)]).chain(rows))
}
