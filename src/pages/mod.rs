//! HTML pages for browsers, served by this binary under `PUBLIC_URL`: the
//! shared frame (document, stylesheet, Content-Security-Policy) that the
//! certificate verify page also uses, HTML escaping and the language
//! switcher, CSRF protection for form posts, and the pages behind the links
//! in emails (accepting an invitation; resetting a password).
//!
//! Every page is self-contained: no script, nothing loaded from elsewhere,
//! one inline stylesheet allowed by its hash; localized in the four locales,
//! with `lang` on `<html>`; sent with `Cache-Control: no-store` and
//! `Referrer-Policy: no-referrer`, as the URLs carry tokens.

pub(crate) mod csrf;
pub(crate) mod frame;
pub(crate) mod html;
pub(crate) mod invite;
pub(crate) mod reset_password;
pub(crate) mod set_password;
pub(crate) mod set_password_view;

/// The pages' routes (not part of the API document).
pub(crate) fn routes(r: &mut crate::http::routes::Routes) {
    set_password::add_routes::<invite::Invite>(r);
    set_password::add_routes::<reset_password::Reset>(r);
}

#[cfg(test)]
mod tests {
    use super::set_password::{FLOW_TEXTS, Flow};
    use crate::i18n::{self, Locale};

    /// Messages named by a flow's prefix are not found by the catalogue
    /// scan of `i18n::t("…")` calls, so they are checked here.
    #[test]
    fn every_flow_text_exists_in_every_locale() {
        let mut ids: Vec<String> = ["invite", "reset"]
            .iter()
            .flat_map(|prefix| FLOW_TEXTS.iter().map(move |s| format!("{prefix}-{s}")))
            .collect();
        ids.push(format!("{}-title", super::invite::Invite::TEXTS));
        for locale in Locale::ALL {
            for id in &ids {
                assert!(i18n::has(locale, id), "{locale} lacks {id}");
            }
        }
    }
}
