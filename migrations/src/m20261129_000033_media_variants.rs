//! Smaller copies of lesson images (`media_variants`, one per width, made
//! from a file when it is uploaded), and the stored objects waiting to be
//! removed (`media_deletions`): a row is written in the same transaction
//! that drops the last rows naming an object, so a crash before the bytes
//! are gone leaves a note for the next sweep instead of an orphan. Objects
//! are found by key, hence the indexes on `storage_key`.

use crate::helpers::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_table(
            manager,
            Table::create()
                .table("media_variants")
                .col(id())
                .col(uuid("file_id"))
                .col(int("width"))
                .col(int("height"))
                .col(string("content_type"))
                .col(schema::big_integer("size_bytes"))
                .col(string("sha256"))
                .col(string("storage_key"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("media_variants", "file_id", "media_files", ForeignKeyAction::Cascade))
                .take(),
        )
        .await?;
        create_table(
            manager,
            Table::create()
                .table("media_deletions")
                .col(string("storage_key").primary_key())
                .col(int("attempts"))
                .col(ts("created_at"))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("media_variants", "ux_media_variants_file_width", &["file_id", "width"], true),
                index("media_variants", "ix_media_variants_key", &["storage_key"], false),
                index("media_files", "ix_media_files_key", &["storage_key"], false),
            ],
        )
        .await
    }
}
