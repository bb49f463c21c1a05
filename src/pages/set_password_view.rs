//! The HTML of the set-a-password pages: the form (with each message next
//! to its field, tied by `aria-describedby`), the page that says what to do
//! next, and the invalid-link and fault pages. Pure rendering: the handlers
//! and their checks are in `set_password`.

use super::csrf;
use super::frame::{self, FORM_STYLE};
use super::html::{self, escape, link, t};
use super::set_password::Flow;
use crate::i18n::{Arg, Locale};
use crate::users::entity as user;
use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};

fn flow_text<F: Flow>(locale: Locale, suffix: &str, args: &[(&str, Arg)]) -> String {
    t(locale, &format!("{}-{suffix}", F::TEXTS), args)
}

/// A message shown next to a form field.
#[derive(Clone, Debug)]
pub(crate) struct FieldMessage {
    pub field: &'static str,
    pub text: String,
}

/// What the form page shows.
pub(crate) struct FormView<'a> {
    pub locale: Locale,
    pub token: &'a str,
    pub csrf: &'a str,
    pub user: &'a user::Model,
    pub branch_code: &'a str,
    /// Messages next to fields (already localized).
    pub errors: Vec<FieldMessage>,
    /// A message about the whole form (already localized).
    pub general: Option<String>,
}

pub(crate) const PASSWORD: &str = "password";
pub(crate) const CONFIRMATION: &str = "password_confirmation";

/// One password input with its label, hint and error, tied together by
/// `aria-describedby`.
fn password_field(locale: Locale, name: &'static str, label_id: &str, hint_id: Option<&str>, errors: &[FieldMessage]) -> String {
    let mut described = Vec::new();
    let hint = match hint_id {
        Some(id) => {
            described.push(format!("{name}-hint"));
            format!(r#"<span class="hint" id="{name}-hint">{}</span>"#, t(locale, id, &[]))
        }
        None => String::new(),
    };
    let messages: Vec<&FieldMessage> = errors.iter().filter(|e| e.field == name).collect();
    let error = if messages.is_empty() {
        String::new()
    } else {
        described.push(format!("{name}-error"));
        let text: Vec<String> = messages.iter().map(|m| escape(&m.text)).collect();
        format!(
            r#"<span class="error" id="{name}-error"><span class="prefix">{}</span> {}</span>"#,
            t(locale, "page-error-prefix", &[]),
            text.join(" ")
        )
    };
    let describedby = if described.is_empty() {
        String::new()
    } else {
        format!(r#" aria-describedby="{}""#, described.join(" "))
    };
    let invalid = if messages.is_empty() { "" } else { r#" aria-invalid="true""# };
    format!(
        concat!(
            r#"<div class="field"><label for="{name}">{label}</label>{hint}{error}"#,
            r#"<input id="{name}" name="{name}" type="password" autocomplete="new-password" required{describedby}{invalid}></div>"#
        ),
        name = name,
        label = t(locale, label_id, &[]),
        hint = hint,
        error = error,
        describedby = describedby,
        invalid = invalid,
    )
}

/// The list of problems above the form, each linking to its field.
fn summary(locale: Locale, errors: &[FieldMessage], general: Option<&str>) -> String {
    if errors.is_empty() && general.is_none() {
        return String::new();
    }
    let mut items: Vec<String> = general.map(|g| format!("<li>{}</li>", escape(g))).into_iter().collect();
    items.extend(
        errors
            .iter()
            .map(|e| format!(r##"<li><a href="#{}">{}</a></li>"##, e.field, escape(&e.text))),
    );
    format!(
        r#"<div class="summary" role="alert" aria-labelledby="summary-title"><h2 id="summary-title">{}</h2><ul>{}</ul></div>"#,
        t(locale, "page-error-summary", &[]),
        items.concat()
    )
}

fn brand(locale: Locale) -> String {
    format!(r#"<p class="brand">{}</p>"#, t(locale, "page-brand", &[]))
}

/// `{title} – Zhijiang`, with an error mark when the form has problems.
fn title(locale: Locale, title: &str, has_errors: bool) -> String {
    let brand = t(locale, "page-brand", &[]);
    if has_errors {
        format!("{} {title} – {brand}", t(locale, "page-error-prefix", &[]))
    } else {
        format!("{title} – {brand}")
    }
}

/// The account the password is for: branch code and email.
fn account(locale: Locale, branch_code: &str, email: &str) -> String {
    format!(
        r#"<dl><dt>{}</dt><dd class="code">{}</dd><dt>{}</dt><dd>{}</dd></dl>"#,
        t(locale, "page-branch", &[]),
        escape(branch_code),
        t(locale, "page-email", &[]),
        escape(email),
    )
}

/// The form page.
pub(crate) fn render_form<F: Flow>(view: &FormView<'_>) -> String {
    let locale = view.locale;
    let has_errors = !view.errors.is_empty() || view.general.is_some();
    let heading = flow_text::<F>(locale, "title", &[]);
    let body = format!(
        concat!(
            "{brand}{switcher}<h1>{heading}</h1>{summary}",
            "<p>{intro}</p>{account}",
            r#"<form method="post" action="{action}" novalidate>"#,
            r#"<input type="hidden" name="token" value="{token}">"#,
            r#"<input type="hidden" name="{csrf_field}" value="{csrf}">"#,
            r#"<input type="hidden" name="lang" value="{lang}">"#,
            r#"<div class="field"><label for="username">{email_label}</label>"#,
            r#"<input id="username" name="username" type="email" autocomplete="username" value="{email}" readonly></div>"#,
            "{password}{confirmation}",
            r#"<button type="submit">{submit}</button></form>"#
        ),
        brand = brand(locale),
        switcher = html::language_switcher(locale, F::PATH, &[("token", view.token)]),
        heading = heading,
        summary = summary(locale, &view.errors, view.general.as_deref()),
        intro = flow_text::<F>(locale, "intro", &[("name", Arg::from(view.user.display_name.as_str()))]),
        account = format!(
            r#"<dl><dt>{}</dt><dd class="code">{}</dd></dl>"#,
            t(locale, "page-branch", &[]),
            escape(view.branch_code)
        ),
        action = link(F::PATH, &[]),
        token = escape(view.token),
        csrf_field = csrf::FIELD,
        csrf = escape(view.csrf),
        lang = locale.as_str(),
        email_label = t(locale, "page-email", &[]),
        email = escape(&view.user.email),
        password = password_field(locale, PASSWORD, "page-password", Some("page-password-hint"), &view.errors),
        confirmation = password_field(locale, CONFIRMATION, "page-password-confirmation", None, &view.errors),
        submit = flow_text::<F>(locale, "submit", &[]),
    );
    frame::document(locale, &title(locale, &heading, has_errors), "form", FORM_STYLE, &body)
}

/// The page after the password is set: what to do next.
pub(crate) fn render_done<F: Flow>(locale: Locale, branch_code: &str, email: &str) -> String {
    let heading = flow_text::<F>(locale, "done-title", &[]);
    let body = format!(
        r#"{brand}<h1>{heading}</h1><div class="status" role="status"><p>{done}</p></div>{account}<p>{next}</p>"#,
        brand = brand(locale),
        heading = heading,
        done = flow_text::<F>(locale, "done-body", &[]),
        account = account(locale, branch_code, email),
        next = flow_text::<F>(locale, "done-next", &[]),
    );
    frame::document(locale, &title(locale, &heading, false), "done", FORM_STYLE, &body)
}

/// The page for a token that is unknown, used or expired.
pub(crate) fn render_invalid<F: Flow>(locale: Locale) -> String {
    let heading = flow_text::<F>(locale, "invalid-title", &[]);
    let body = format!(
        r#"{brand}{switcher}<h1>{heading}</h1><div class="status"><p>{why}</p></div><p>{hint}</p>"#,
        brand = brand(locale),
        switcher = html::language_switcher(locale, F::PATH, &[]),
        heading = heading,
        why = flow_text::<F>(locale, "invalid-body", &[]),
        hint = flow_text::<F>(locale, "invalid-hint", &[]),
    );
    frame::document(locale, &title(locale, &heading, false), "invalid", FORM_STYLE, &body)
}

/// The page for a fault on our side.
pub(crate) fn render_failure(locale: Locale) -> String {
    let heading = t(locale, "page-failure-title", &[]);
    let body = format!(
        r#"{brand}<h1>{heading}</h1><p>{text}</p>"#,
        brand = brand(locale),
        heading = heading,
        text = t(locale, "page-failure-body", &[]),
    );
    frame::document(locale, &title(locale, &heading, false), "failure", FORM_STYLE, &body)
}

/// An HTML page answer: the page policy, never cached or stored (the URL and
/// the form carry a token), no referrer, in `locale`.
pub(crate) fn respond(status: StatusCode, locale: Locale, page: String) -> HttpResponse {
    crate::http::with_language(
        HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CONTENT_SECURITY_POLICY, frame::form_page_policy()))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::REFERRER_POLICY, "no-referrer"))
            .body(page),
        locale,
    )
}
