//! Reaching past the API to stage a state it cannot produce (a user whose
//! status changed under a live token, an attempt from before a migration)
//! or to count stored rows. Statements are built with sea-query for the
//! test database's engine; the application's entities stay private to it.

use super::TestApp;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, Value};
use uuid::Uuid;

/// Sets `column` of the row with `id` in `table`.
pub async fn set_column(app: &TestApp, table: &str, id: Uuid, column: &str, value: impl Into<Value>) {
    let update = Query::update()
        .table(Alias::new(table))
        .value(Alias::new(column), value.into())
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    let statement = app.state.db.get_database_backend().build(&update);
    let result = app.state.db.execute_raw(statement).await.unwrap();
    assert_eq!(result.rows_affected(), 1, "{table} row {id}");
}

/// How many rows `table` holds.
pub async fn count(app: &TestApp, table: &str) -> u64 {
    let select = Query::select().expr(Expr::cust("COUNT(*)")).from(Alias::new(table)).to_owned();
    let statement = app.state.db.get_database_backend().build(&select);
    let row = app.state.db.query_one_raw(statement).await.unwrap().unwrap();
    let n: i64 = row.try_get_by_index(0).unwrap();
    u64::try_from(n).unwrap()
}

/// The locale and arguments of every queued email of `template`, oldest first.
pub async fn outbox_args(app: &TestApp, template: &str) -> Vec<(String, serde_json::Value)> {
    let select = Query::select()
        .columns([Alias::new("locale"), Alias::new("args")])
        .from(Alias::new("outbox"))
        .and_where(Expr::col(Alias::new("template")).eq(template))
        .order_by(Alias::new("created_at"), sea_orm::Order::Asc)
        .to_owned();
    let statement = app.state.db.get_database_backend().build(&select);
    let rows = app.state.db.query_all_raw(statement).await.unwrap();
    rows.iter()
        .map(|row| {
            let locale: String = row.try_get_by_index(0).unwrap();
            let args: String = row.try_get_by_index(1).unwrap();
            (locale, serde_json::from_str(&args).unwrap())
        })
        .collect()
}

/// Sets `column` of every row of `table`.
pub async fn set_all(app: &TestApp, table: &str, column: &str, value: impl Into<Value>) {
    let update = Query::update()
        .table(Alias::new(table))
        .value(Alias::new(column), value.into())
        .to_owned();
    let statement = app.state.db.get_database_backend().build(&update);
    app.state.db.execute_raw(statement).await.unwrap();
}
