//! A query-string extractor whose failures name the parameter: `?exam_id=x`
//! is a `400 invalid_query` with the field error on `exam_id`, localized,
//! and never the parser's own (English) text.

use crate::error::{ApiError, FieldCode, FieldError, ProblemCode};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use std::future::{Ready, ready};

pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Parses a query string into `T`, naming the offending parameter.
pub(crate) fn parse<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let pairs = form_urlencoded_pairs(query);
    let de = serde_urlencoded::Deserializer::new(pairs);
    serde_path_to_error::deserialize::<_, T>(de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner().to_string();
        let (field, code) = match inner.strip_prefix("missing field `") {
            Some(rest) => (rest.split('`').next().unwrap_or("").to_string(), FieldCode::Required),
            None => (if path == "." { String::new() } else { path }, FieldCode::InvalidType),
        };
        let mut e = ApiError::bad_request(ProblemCode::InvalidQuery);
        e.errors.push(FieldError::new(field, code));
        e
    })
}

/// The decoded pairs of a query string (`+` is a space, `%XX` decoded).
fn form_urlencoded_pairs(query: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query.as_bytes())
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse(req.query_string()).map(Query))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Filter {
        #[allow(dead_code)]
        exam_id: Option<uuid::Uuid>,
    }

    #[test]
    fn a_bad_value_names_its_parameter() {
        let err = parse::<Filter>("exam_id=nope").unwrap_err();
        assert_eq!(err.code, ProblemCode::InvalidQuery);
        assert_eq!(err.errors[0].field, "exam_id");
        assert_eq!(err.errors[0].code, FieldCode::InvalidType);
        assert!(parse::<Filter>("exam_id=0193a2b4-0000-7000-8000-000000000000").is_ok());
    }
}
