//! Resumable media uploads: a session per file being sent in chunks (who
//! sends it, where it goes, how large it will be, how much has arrived,
//! until when it is kept) and the chunks received so far, each an object in
//! the media store so that any node can take the next chunk or finish it.

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
                .table("media_uploads")
                .col(id())
                .col(uuid("created_by"))
                .col(uuid("branch_id"))
                .col(uuid("course_id"))
                .col(uuid_null("lesson_id"))
                .col(uuid_null("asset_id"))
                .col(string("locale"))
                .col(string("name"))
                .col(string_null("claimed_type"))
                .col(schema::big_integer("size_bytes"))
                .col(schema::big_integer("offset_bytes"))
                .col(ts_null("completed_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts("expires_at"))
                .foreign_key(&mut fk("media_uploads", "created_by", "users", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("media_uploads", "course_id", "courses", ForeignKeyAction::Cascade))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![index("media_uploads", "ix_media_uploads_expires", &["expires_at"], false)],
        )
        .await?;
        create_table(
            manager,
            Table::create()
                .table("media_upload_parts")
                .col(id())
                .col(uuid("upload_id"))
                .col(schema::big_integer("offset_bytes"))
                .col(schema::big_integer("size_bytes"))
                .col(string("storage_key"))
                .col(ts("created_at"))
                .foreign_key(&mut fk(
                    "media_upload_parts",
                    "upload_id",
                    "media_uploads",
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![index(
                "media_upload_parts",
                "ux_media_upload_parts_offset",
                &["upload_id", "offset_bytes"],
                true,
            )],
        )
        .await
    }
}
