//! Numbers inside Fluent messages, formatted by CLDR rules (ICU4X) rather
//! than fluent-bundle's plain `to_string`, which never groups digits.
//! Plugged into every bundle with `set_formatter`; plural selection stays
//! Fluent's own.

use super::{Locale, cldr};
use fluent_bundle::FluentValue;
use intl_memoizer::Memoizable;
use intl_memoizer::concurrent::IntlLangMemoizer;
use unic_langid::LanguageIdentifier;

/// The bundle's locale, remembered by its memoizer.
struct BundleLocale(Locale);

impl Memoizable for BundleLocale {
    type Args = ();
    type Error = ();
    fn construct(lang: LanguageIdentifier, _: ()) -> Result<Self, ()> {
        Locale::from_tag(&lang.to_string()).map(BundleLocale).ok_or(())
    }
}

/// The formatter given to every bundle: `None` leaves a value to Fluent.
pub(super) fn format(value: &FluentValue<'_>, memoizer: &IntlLangMemoizer) -> Option<String> {
    let FluentValue::Number(number) = value else {
        return None;
    };
    // Fluent's own text honours the NUMBER() options (fraction digits);
    // ICU4X then adds the locale's separators and grouping.
    let plain = number.as_string();
    memoizer
        .with_try_get::<BundleLocale, _, _>((), |locale| cldr::format_decimal(locale.0, &plain))
        .ok()
        .flatten()
}
