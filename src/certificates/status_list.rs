//! Revocation that travels: each certificate's credential carries a W3C
//! `BitstringStatusListEntry` (Bitstring Status List v1.0), and the branch
//! publishes each list as a signed `BitstringStatusListCredential` that any
//! verifier can fetch.
//!
//! Entries are handed out in order, one per certificate, from lists of
//! 131,072 entries (the W3C minimum, so that one bit says little about
//! which certificate it is); a full list is followed by a new one. The bits
//! are not stored: a list is drawn from the revoked certificates that point
//! at it whenever it is served, so a revocation shows in it at once and no
//! two revocations can overwrite each other's bit.

use super::entity::{self as certificate, Entity as Certificates};
use super::status_list_entity::{self as list, Entity as Lists};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use flate2::Compression;
use flate2::write::GzEncoder;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use std::io::Write;
use uuid::Uuid;

/// Entries per list: the minimum the W3C recommendation sets (16 KiB).
pub(crate) const LIST_SIZE: i32 = 131_072;

/// Takes the next free entry of the branch's newest list, starting a new
/// list when it is full. Runs in the issuing transaction; a concurrent
/// issuer that took the same entry first makes this one try the next.
pub(crate) async fn allocate(db: &impl ConnectionTrait, branch_id: Uuid, now: DateTime<Utc>) -> Result<(list::Model, i32), DbErr> {
    for _ in 0..50 {
        let newest = Lists::find()
            .filter(list::Column::BranchId.eq(branch_id))
            .order_by_desc(list::Column::Number)
            .one(db)
            .await?;
        match newest {
            Some(row) if row.next_index < row.size => {
                let taken = Lists::update_many()
                    .col_expr(list::Column::NextIndex, Expr::col(list::Column::NextIndex).add(1))
                    .col_expr(list::Column::UpdatedAt, Expr::value(now))
                    .filter(list::Column::Id.eq(row.id))
                    .filter(list::Column::NextIndex.eq(row.next_index))
                    .exec(db)
                    .await?;
                if taken.rows_affected == 1 {
                    let index = row.next_index;
                    return Ok((row, index));
                }
            }
            full => {
                let number = full.map_or(1, |row| row.number + 1);
                let row = list::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    branch_id: Set(branch_id),
                    number: Set(number),
                    size: Set(LIST_SIZE),
                    next_index: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                };
                let inserted = Lists::insert(row)
                    .on_conflict_do_nothing_on([list::Column::BranchId, list::Column::Number])
                    .exec_with_returning(db)
                    .await?;
                if let sea_orm::TryInsertResult::Inserted(row) = inserted {
                    return Ok((row, 0));
                }
            }
        }
    }
    Err(DbErr::Custom("no free status-list entry after 50 tries".into()))
}

/// A branch's list by its number.
pub(crate) async fn find(db: &impl ConnectionTrait, branch_id: Uuid, number: i32) -> Result<Option<list::Model>, DbErr> {
    Lists::find()
        .filter(list::Column::BranchId.eq(branch_id))
        .filter(list::Column::Number.eq(number))
        .one(db)
        .await
}

/// A list by its id.
pub(crate) async fn by_id(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<list::Model>, DbErr> {
    Lists::find_by_id(id).one(db).await
}

/// The list's bitstring, GZIP-compressed and multibase-encoded (base64url
/// without padding, prefix `u`), as `encodedList` wants it. Bit 0 is the
/// most significant bit of the first byte.
pub(crate) async fn encoded(db: &impl ConnectionTrait, row: &list::Model) -> Result<String, DbErr> {
    let revoked: Vec<Option<i32>> = Certificates::find()
        .select_only()
        .column(certificate::Column::StatusIndex)
        .filter(certificate::Column::StatusListId.eq(row.id))
        .filter(certificate::Column::Status.eq(certificate::Status::Revoked))
        .into_tuple()
        .all(db)
        .await?;
    let indices: Vec<usize> = revoked.into_iter().flatten().filter_map(|i| usize::try_from(i).ok()).collect();
    Ok(encode_bits(usize::try_from(row.size).unwrap_or(0), &indices))
}

/// Encodes a bitstring of `size` bits with `set` bits on.
pub(crate) fn encode_bits(size: usize, set: &[usize]) -> String {
    let mut bits = vec![0u8; size.div_ceil(8)];
    for &i in set {
        if let Some(byte) = bits.get_mut(i / 8) {
            *byte |= 0x80 >> (i % 8);
        }
    }
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    // Writing to a Vec cannot fail.
    let _ = gz.write_all(&bits);
    let compressed = gz.finish().unwrap_or_default();
    format!("u{}", URL_SAFE_NO_PAD.encode(compressed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use flate2::read::GzDecoder;
    use std::io::Read;

    #[test]
    fn the_encoded_list_decodes_to_the_bits_set() {
        let encoded = encode_bits(131_072, &[0, 9, 131_071]);
        assert!(encoded.starts_with('u'));
        let compressed = URL_SAFE_NO_PAD.decode(&encoded[1..]).unwrap();
        let mut bits = Vec::new();
        GzDecoder::new(compressed.as_slice()).read_to_end(&mut bits).unwrap();
        assert_eq!(bits.len(), 16_384);
        assert_eq!(bits[0], 0x80);
        assert_eq!(bits[1], 0x40);
        assert_eq!(bits[16_383], 0x01);
        assert_eq!(bits.iter().map(|b| b.count_ones()).sum::<u32>(), 3);
    }
}
