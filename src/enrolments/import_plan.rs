//! Planning a CSV import: deciding, row by row and without touching the
//! database, who is skipped, who fails, who is created (and invited) and
//! who is enrolled. Pure CPU work, so the import command runs it on the
//! blocking pool; one pass over the rows, with hash lookups only.

use super::csv_import::{ParsedImport, RowFailure};
use super::entity as enrolment;
use crate::error::ImportRowCode;
use crate::i18n::Locale;
use crate::notifications::outbox::model as outbox_row;
use crate::state::AppState;
use crate::tenancy::Role;
use crate::users::entity as user;
use crate::users::service::{INVITED, invitation_parts, normalize_email};
use std::collections::HashMap;
use uuid::Uuid;

/// The rows to write, decided from the parsed file and what exists already.
#[derive(Default)]
pub(crate) struct Plan {
    pub failed: Vec<RowFailure>,
    pub skipped: Vec<RowFailure>,
    pub new_users: Vec<user::ActiveModel>,
    pub invitations: Vec<crate::users::invitation_entity::ActiveModel>,
    pub emails_out: Vec<crate::notifications::entity::ActiveModel>,
    pub new_enrolments: Vec<enrolment::ActiveModel>,
    pub reactivated: Vec<Uuid>,
    /// Trainees whose organisation the file sets: (user, organisation).
    pub memberships: Vec<(Uuid, Uuid)>,
}

/// Decides each good row: skip (already enrolled), fail (not a trainee,
/// cohort full, unknown organisation), or enrol, creating and inviting the
/// trainee if missing. Everything it decides from is passed in: it reads
/// nothing itself (it runs on the blocking pool).
#[allow(clippy::too_many_arguments)]
pub(crate) fn plan(
    state: &AppState,
    cohort: &crate::cohorts::entity::Model,
    branch: &crate::branches::entity::Model,
    parsed: ParsedImport,
    mut users: HashMap<String, user::Model>,
    existing: HashMap<Uuid, enrolment::Model>,
    organisations: HashMap<String, Uuid>,
    now: chrono::DateTime<chrono::Utc>,
) -> Plan {
    let branch_locale = Locale::from_canonical(&branch.default_locale).unwrap_or(Locale::En);
    let mut plan = Plan {
        failed: parsed.failures,
        ..Plan::default()
    };
    let mut free = (cohort.capacity - cohort.seats_taken).max(0);
    for row in parsed.rows {
        let organisation = match &row.organisation {
            None => None,
            Some(text) => match organisations.get(&crate::orgs::service::lookup_key(text)) {
                Some(id) => Some(*id),
                None => {
                    plan.failed.push(RowFailure {
                        row: row.row,
                        code: ImportRowCode::UnknownOrganisation,
                    });
                    continue;
                }
            },
        };
        let key = normalize_email(&row.email);
        let (user_id, is_new) = match users.get(&key) {
            Some(u) if u.role != Role::Trainee => {
                plan.failed.push(RowFailure {
                    row: row.row,
                    code: ImportRowCode::NotATrainee,
                });
                continue;
            }
            Some(u) => (u.id, false),
            None => (Uuid::now_v7(), true),
        };
        let previous = existing.get(&user_id);
        if let Some(organisation) = organisation
            && (previous.is_some_and(|e| e.status != enrolment::Status::Withdrawn) || free > 0)
        {
            plan.memberships.push((user_id, organisation));
        }
        if previous.is_some_and(|e| e.status != enrolment::Status::Withdrawn) {
            plan.skipped.push(RowFailure {
                row: row.row,
                code: ImportRowCode::AlreadyEnrolled,
            });
            continue;
        }
        if free == 0 {
            plan.failed.push(RowFailure {
                row: row.row,
                code: ImportRowCode::CohortFull,
            });
            continue;
        }
        free -= 1;
        if is_new {
            let model = user::Model {
                id: user_id,
                branch_id: branch.id,
                search_key: Some(crate::text::search::user_key(&row.display_name, &row.email)),
                email: row.email,
                email_normalized: key.clone(),
                display_name: row.display_name,
                role: Role::Trainee,
                locale: row.locale.unwrap_or(branch_locale).as_str().to_string(),
                password_hash: None,
                status: INVITED,
                tokens_valid_after: None,
                created_at: now,
                updated_at: now,
            };
            let (invitation, email) = invitation_parts(state, branch, &model, now);
            plan.invitations.push(invitation);
            plan.emails_out.push(outbox_row(email, now));
            plan.new_users.push(user::ActiveModel::from(model.clone()));
            users.insert(key, model);
        }
        match previous {
            Some(e) => plan.reactivated.push(e.id),
            None => plan.new_enrolments.push(super::service::new_enrolment(cohort, user_id, now)),
        }
    }
    plan
}
