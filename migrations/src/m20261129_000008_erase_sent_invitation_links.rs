//! Invitation emails used to keep their link, with the raw one-time token,
//! in `outbox.args` for good. New ones seal it and erase it once sent; this
//! erases the link from invitations already sent or failed, so that whoever
//! reads an older database cannot use the tokens. Pending ones keep theirs:
//! they still have to go out.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::prelude::Uuid;
use sea_orm_migration::sea_orm::{ConnectionTrait, Value as DbValue};
use serde_json::{Map, Value};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        erase_sent_invitation_links(manager.get_connection()).await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // Erased tokens cannot come back (and are not wanted back).
        Ok(())
    }
}

/// The migration's work, callable on its own (tests).
pub async fn erase_sent_invitation_links(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let select = Query::select()
        .columns([Alias::new("id"), Alias::new("args")])
        .from(Alias::new("outbox"))
        .and_where(Expr::col(Alias::new("template")).eq("invitation"))
        .and_where(Expr::col(Alias::new("status")).is_in(["sent", "failed"]))
        .to_owned();
    for row in db.query_all(&select).await? {
        let id: Uuid = row.try_get("", "id")?;
        let args: String = row.try_get("", "args")?;
        let Ok(mut map) = serde_json::from_str::<Map<String, Value>>(&args) else {
            continue;
        };
        if map.remove("link").is_none() {
            continue;
        }
        map.insert("sealed_erased".into(), Value::Bool(true));
        let update = Query::update()
            .table(Alias::new("outbox"))
            .value(Alias::new("args"), DbValue::from(Value::Object(map).to_string()))
            .and_where(Expr::col(Alias::new("id")).eq(id))
            .to_owned();
        db.execute(&update).await?;
    }
    Ok(())
}
