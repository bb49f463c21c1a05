//! Small builders shared by the migrations.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema;

pub fn id() -> ColumnDef {
    schema::pk_uuid("id")
}

pub fn uuid(name: &'static str) -> ColumnDef {
    schema::uuid(name)
}

pub fn uuid_null(name: &'static str) -> ColumnDef {
    schema::uuid_null(name)
}

pub fn ts(name: &'static str) -> ColumnDef {
    schema::timestamp_with_time_zone(name)
}

pub fn ts_null(name: &'static str) -> ColumnDef {
    schema::timestamp_with_time_zone_null(name)
}

pub fn text(name: &'static str) -> ColumnDef {
    schema::text(name)
}

pub fn text_null(name: &'static str) -> ColumnDef {
    schema::text_null(name)
}

pub fn string(name: &'static str) -> ColumnDef {
    schema::string_len(name, 255)
}

pub fn string_null(name: &'static str) -> ColumnDef {
    schema::string_len_null(name, 255)
}

pub fn int(name: &'static str) -> ColumnDef {
    schema::integer(name)
}

pub fn int_null(name: &'static str) -> ColumnDef {
    schema::integer_null(name)
}

pub fn blob(name: &'static str) -> ColumnDef {
    schema::blob(name)
}

/// A foreign key from `table.column` to `target.id`.
pub fn fk(table: &'static str, column: &'static str, target: &'static str, on_delete: ForeignKeyAction) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(on_delete)
        .take()
}

/// An index (unique if asked) on `table(columns)`.
pub fn index(table: &'static str, name: &str, columns: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(*column);
    }
    if unique {
        index.unique();
    }
    index.take()
}

pub async fn create_table(manager: &SchemaManager<'_>, table: TableCreateStatement) -> Result<(), DbErr> {
    manager.create_table(table).await
}

pub async fn create_indexes(manager: &SchemaManager<'_>, indexes: Vec<IndexCreateStatement>) -> Result<(), DbErr> {
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}
