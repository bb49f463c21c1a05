//! Cursor pagination (`?limit=`, default 50, max 200; `?cursor=`). Ids are
//! UUIDv7, ordered by creation time, so the cursor is the last id served.

use crate::error::FieldCode;
use crate::error::{ApiError, FieldError};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct PageParams {
    /// How many items (1-200, default 50). Read as text, so that a value
    /// that is not a number is a field error like one out of range.
    #[param(value_type = u32, required = false, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(value_type = String, required = false, pattern = "^([A-Za-z0-9_-]{21}[AQgw])?$")]
    pub cursor: Option<String>,
}

#[derive(Clone, Copy, Debug)]
pub struct Page {
    pub limit: u64,
    pub after: Option<Uuid>,
}

impl PageParams {
    pub fn page(&self) -> Result<Page, ApiError> {
        let limit = match &self.limit {
            None => 50,
            Some(text) => match text.parse::<u64>() {
                Ok(n) if (1..=200).contains(&n) => n,
                _ => {
                    return Err(ApiError::validation(vec![
                        FieldError::new("limit", FieldCode::OutOfRange).arg("min", 1).arg("max", 200),
                    ]));
                }
            },
        };
        let after = match &self.cursor {
            None => None,
            Some(c) if c.is_empty() => None,
            Some(c) => Some(decode_cursor(c).ok_or_else(|| ApiError::field("cursor", FieldCode::InvalidCursor))?),
        };
        Ok(Page { limit, after })
    }
}

pub(crate) fn encode_cursor(id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(id.as_bytes())
}

fn decode_cursor(text: &str) -> Option<Uuid> {
    let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
    Uuid::from_slice(&bytes).ok()
}

/// Splits up to `limit + 1` rows into the page and the cursor of the next
/// one (the extra row only says that another page exists).
pub(crate) fn split_page<R>(mut rows: Vec<R>, page: Page, id_of: impl Fn(&R) -> Uuid) -> (Vec<R>, Option<String>) {
    let more = rows.len() as u64 > page.limit;
    rows.truncate(usize::try_from(page.limit).unwrap_or(usize::MAX));
    let next_cursor = if more { rows.last().map(|r| encode_cursor(id_of(r))) } else { None };
    (rows, next_cursor)
}

/// A page of a list: `{"items": [...], "next_cursor": "..." | null}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct List<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> List<T> {
    /// Builds a page from up to `limit + 1` rows: the extra row only says that
    /// another page exists.
    pub(crate) fn from_rows<R>(mut rows: Vec<R>, page: Page, id_of: impl Fn(&R) -> Uuid, map: impl FnMut(R) -> T) -> List<T> {
        let more = rows.len() as u64 > page.limit;
        rows.truncate(usize::try_from(page.limit).unwrap_or(usize::MAX));
        let next_cursor = if more { rows.last().map(|r| encode_cursor(id_of(r))) } else { None };
        List {
            items: rows.into_iter().map(map).collect(),
            next_cursor,
        }
    }
}

/// Cursor pagination on a query: the rows after the page's cursor, in id
/// order, one more than the limit (the extra row only says that another
/// page exists; [`List::from_rows`] drops it).
pub trait CursorPage<E: sea_orm::EntityTrait>: Sized {
    fn cursor_page(self, id: E::Column, page: Page) -> sea_orm::Select<E>;
    /// The same, newest first: the rows before the cursor, in descending id
    /// order (logs and queues read from the latest entry).
    fn cursor_page_newest_first(self, id: E::Column, page: Page) -> sea_orm::Select<E>;
}

impl<E: sea_orm::EntityTrait> CursorPage<E> for sea_orm::Select<E> {
    fn cursor_page(self, id: E::Column, page: Page) -> sea_orm::Select<E> {
        use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
        let query = match page.after {
            Some(after) => self.filter(id.gt(after)),
            None => self,
        };
        query.order_by_asc(id).limit(page.limit + 1)
    }

    fn cursor_page_newest_first(self, id: E::Column, page: Page) -> sea_orm::Select<E> {
        use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
        let query = match page.after {
            Some(after) => self.filter(id.lt(after)),
            None => self,
        };
        query.order_by_desc(id).limit(page.limit + 1)
    }
}
