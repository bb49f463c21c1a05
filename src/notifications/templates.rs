//! Rendering an outbox row into a localized multipart email.
//!
//! Each template `T` is three Fluent messages in `locales/*/email.ftl`:
//! `email-T-subject`, `email-T-text` and `email-T-html`. Arguments are
//! HTML-escaped before they reach the HTML part; the HTML layout around it
//! carries no words of its own.

use crate::i18n::{self, Arg, Locale};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};
use serde_json::{Map, Value};

pub(crate) struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub(crate) use crate::text::escape_html;

fn to_args(args: &Map<String, Value>, html: bool) -> Vec<(String, Arg)> {
    args.iter()
        .map(|(k, v)| {
            let arg = match v {
                Value::Number(n) => Arg::Num(n.as_f64().unwrap_or(0.0)),
                Value::String(s) if html => Arg::Str(escape_html(s)),
                Value::String(s) => Arg::Str(s.clone()),
                other if html => Arg::Str(escape_html(&other.to_string())),
                other => Arg::Str(other.to_string()),
            };
            (k.clone(), arg)
        })
        .collect()
}

/// Whether `template` names an email every locale can render (its English
/// messages exist; other locales fall back to English).
pub(crate) fn exists(template: &str) -> bool {
    ["subject", "text", "html"]
        .iter()
        .all(|part| i18n::has(Locale::En, &format!("email-{template}-{part}")))
}

pub(crate) fn render(template: &str, locale: Locale, args: &Map<String, Value>) -> Rendered {
    let plain = to_args(args, false);
    let escaped = to_args(args, true);
    let plain_refs: Vec<(&str, Arg)> = plain.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let escaped_refs: Vec<(&str, Arg)> = escaped.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let subject = i18n::t(locale, &format!("email-{template}-subject"), &plain_refs);
    let text = i18n::t(locale, &format!("email-{template}-text"), &plain_refs);
    let body = i18n::t(locale, &format!("email-{template}-html"), &escaped_refs);
    let footer = i18n::t(locale, "email-footer", &[]);
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title></head>\
         <body style=\"font-family:system-ui,'Noto Sans','Noto Sans Thai','Noto Sans SC',sans-serif;line-height:1.5;color:#1b1b1b;max-width:36rem;margin:auto;padding:1rem\">\
         {body}<hr style=\"border:none;border-top:1px solid #ddd\"><p style=\"font-size:.85em;color:#666\">{footer}</p></body></html>",
        lang = locale.as_str(),
        title = escape_html(&subject),
        footer = escape_html(&footer),
    );
    Rendered {
        subject,
        text: format!("{text}\n\n-- \n{footer}\n"),
        html,
    }
}

/// Builds the MIME message: multipart/alternative, UTF-8, encoded subject,
/// and a Message-ID derived from the outbox id so a receiver can recognise a
/// redelivery after a crash.
///
/// Header values are checked before lettre sees them: lettre panics on a
/// display name containing CR or LF, and a row written before input
/// validation existed (or by a future bug) may hold one. A recipient or name
/// with control characters is refused with a reason; the subject, which is
/// our own text around the arguments, has them replaced by spaces.
pub(crate) fn build_message(
    id: uuid::Uuid,
    from: &Mailbox,
    recipient: &str,
    recipient_name: Option<&str>,
    rendered: &Rendered,
) -> Result<Message, String> {
    if recipient.chars().any(char::is_control) {
        return Err("bad recipient address: it contains control characters".into());
    }
    if recipient_name.is_some_and(|name| name.chars().any(char::is_control)) {
        return Err("bad recipient name: it contains control characters (a line break, tab or NUL) that cannot go in a header".into());
    }
    let address: Address = recipient.parse().map_err(|e| format!("bad recipient address: {e}"))?;
    let to = Mailbox::new(recipient_name.map(str::to_string), address);
    let subject: String = rendered.subject.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let domain = from.email.domain().to_string();
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .message_id(Some(format!("<{id}@{domain}>")))
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(rendered.text.clone()))
                .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(rendered.html.clone())),
        )
        .map_err(|e| format!("cannot build message: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_arguments_are_escaped_text_ones_are_not() {
        let mut args = Map::new();
        args.insert("name".into(), Value::String("<b>Somchai</b>".into()));
        args.insert("link".into(), Value::String("http://x/?a=1&b=2".into()));
        let r = render("invitation", Locale::Th, &args);
        assert!(r.text.contains("<b>Somchai</b>"));
        assert!(r.html.contains("&lt;b&gt;Somchai&lt;/b&gt;"));
        assert!(!r.html.contains("<b>Somchai"));
        assert!(!r.subject.is_empty());
    }

    #[test]
    fn header_values_with_line_breaks_are_refused_not_panicked_on() {
        let from: Mailbox = "Zhijiang <no-reply@zhijiang.test>".parse().unwrap();
        let rendered = Rendered {
            subject: "Hello\r\nBcc: evil@example.test".into(),
            text: "t".into(),
            html: "h".into(),
        };
        let id = uuid::Uuid::nil();
        for name in ["A\r\nBcc: evil@example.test", "A\nB", "Ünï\rcode", "nul\0"] {
            let err = build_message(id, &from, "x@example.test", Some(name), &rendered).unwrap_err();
            assert!(err.contains("recipient name"), "{err}");
        }
        assert!(build_message(id, &from, "x\r\n@example.test", None, &rendered).is_err());
        let message = build_message(id, &from, "x@example.test", Some("Somchai"), &rendered).unwrap();
        let text = String::from_utf8_lossy(&message.formatted()).to_string();
        assert!(!text.contains("\r\nBcc:"), "{text}");
    }

    #[test]
    fn only_templates_with_messages_exist() {
        assert!(exists("invitation"));
        assert!(!exists("no-such-template"));
    }
}
