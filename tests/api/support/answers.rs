//! Staging graded attempts with their answers straight into the database,
//! in bulk, for statistics that need hundreds of them (the API builds the
//! exam, the enrolments and the real attempts around them).

use super::TestApp;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, Value};
use uuid::Uuid;

fn a(name: &str) -> Alias {
    Alias::new(name)
}

/// The exam's current (published) version.
pub async fn current_version(app: &TestApp, exam_id: Uuid) -> Uuid {
    let select = Query::select()
        .column(a("current_version_id"))
        .from(a("exams"))
        .and_where(Expr::col(a("id")).eq(exam_id))
        .to_owned();
    let statement = app.state.db.get_database_backend().build(&select);
    let row = app.state.db.query_one_raw(statement).await.unwrap().unwrap();
    row.try_get_by_index(0).unwrap()
}

/// A graded attempt of the enrolment's trainee, taken in `locale`, with
/// `answers` (question id, stored selection such as `[1]`) and `score` of 5.
pub async fn graded_attempt(
    app: &TestApp,
    exam_id: Uuid,
    version_id: Uuid,
    enrolment_id: Uuid,
    locale: &str,
    score: f64,
    answers: &[(Uuid, String)],
) {
    let db = &app.state.db;
    let backend = db.get_database_backend();
    let now = app.state.clock.now();
    let id = Uuid::now_v7();
    let values: Vec<(&str, Expr)> = vec![
        ("id", Expr::val(id)),
        ("exam_id", Expr::val(exam_id)),
        ("version_id", Expr::val(version_id)),
        ("user_id", Expr::col(a("user_id"))),
        ("branch_id", Expr::col(a("branch_id"))),
        ("course_id", Expr::col(a("course_id"))),
        ("enrolment_id", Expr::col(a("id"))),
        ("attempt_number", Expr::val(1)),
        ("status", Expr::val("submitted")),
        ("started_at", Expr::val(now)),
        ("deadline", Expr::val(now)),
        ("submitted_at", Expr::val(now)),
        ("draw", Expr::val("[]")),
        ("score", Expr::val(score)),
        ("max_score", Expr::val(5.0)),
        ("percent", Expr::val(score * 20.0)),
        ("passed", Expr::val(score >= 3.5)),
        ("late_synced", Expr::val(false)),
        ("updated_at", Expr::val(now)),
        ("locale", Expr::val(locale)),
    ];
    let mut select = Query::select();
    for (_, value) in &values {
        select.expr(value.clone());
    }
    select.from(a("enrolments")).and_where(Expr::col(a("id")).eq(enrolment_id));
    let insert = Query::insert()
        .into_table(a("attempts"))
        .columns(values.iter().map(|(name, _)| a(name)))
        .select_from(select)
        .unwrap()
        .to_owned();
    let result = db.execute_raw(backend.build(&insert)).await.unwrap();
    assert_eq!(result.rows_affected(), 1);
    let mut insert = Query::insert();
    insert.into_table(a("attempt_answers")).columns(
        [
            "id",
            "attempt_id",
            "question_id",
            "selected",
            "updated_at",
            "seq",
            "answered_at",
            "late_synced",
        ]
        .map(a),
    );
    for (question, selected) in answers {
        let row: Vec<Value> = vec![
            Uuid::now_v7().into(),
            id.into(),
            (*question).into(),
            selected.clone().into(),
            now.into(),
            0i64.into(),
            Some(now).into(),
            false.into(),
        ];
        insert.values_panic(row.into_iter().map(Expr::val));
    }
    db.execute_raw(backend.build(&insert)).await.unwrap();
}
