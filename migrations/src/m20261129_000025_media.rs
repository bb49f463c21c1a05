//! Lesson media: assets of a course (optionally of one lesson) and their
//! stored files, one per locale where they differ (an empty locale is the
//! file every locale falls back to). The bytes live in object storage under
//! `storage_key`.

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
                .table("media_assets")
                .col(id())
                .col(uuid("course_id"))
                .col(uuid_null("lesson_id"))
                .col(string("kind"))
                .col(string("name"))
                .col(uuid_null("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("media_assets", "course_id", "courses", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("media_assets", "lesson_id", "lessons", ForeignKeyAction::SetNull))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("media_assets", "ix_media_assets_course", &["course_id", "id"], false),
                index("media_assets", "ix_media_assets_lesson", &["lesson_id"], false),
            ],
        )
        .await?;
        create_table(
            manager,
            Table::create()
                .table("media_files")
                .col(id())
                .col(uuid("asset_id"))
                .col(string("locale"))
                .col(string("content_type"))
                .col(schema::big_integer("size_bytes"))
                .col(string("sha256"))
                .col(int_null("width"))
                .col(int_null("height"))
                .col(string("storage_key"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("media_files", "asset_id", "media_assets", ForeignKeyAction::Cascade))
                .take(),
        )
        .await?;
        create_indexes(
            manager,
            vec![index("media_files", "ux_media_files_asset_locale", &["asset_id", "locale"], true)],
        )
        .await
    }
}
