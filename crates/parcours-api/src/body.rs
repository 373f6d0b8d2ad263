//! `Body<T>`: the JSON request body of every endpoint, read in one place so that every endpoint answers
//! bad input the same way:
//!
//! - text is trimmed before anything checks it (a surname of spaces is empty, and lengths count what is
//!   stored);
//! - NUL, control characters (line breaks too, except in the free-text fields of [`MULTILINE_FIELDS`]) and
//!   bidirectional overrides are refused with a field error (PostgreSQL cannot store NUL, and overrides
//!   make a name read differently from what is stored);
//! - every missing required field is listed in one 422, from the same schema as the contract;
//! - a value of the wrong type names its field (`birth_date`, `contact.email`), through
//!   `serde_path_to_error`.
//!
//! Size limits, the content type and malformed JSON stay with actix's JSON extractor (see
//! [`crate::problem::json_error`]).

use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::problem::{ApiError, FieldError};

/// Free-text fields where line breaks (and tabs) are part of the text.
pub const MULTILINE_FIELDS: &[&str] =
    &["sensitive_notes", "notes", "reason", "address", "summary", "topic", "office_address", "correction_reason"];

/// A JSON body, checked as the module explains.
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<T> Body<T> {
    /// The parsed body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Body<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// Why a character is refused in a text field, if it is.
pub fn refused_character(c: char, multiline: bool) -> Option<(&'static str, &'static str, &'static str)> {
    match c {
        '\0' => Some(("nul_character", "Le caractère NUL n'est pas admis.", "The NUL character is not allowed.")),
        '\n' | '\r' | '\t' if multiline => None,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => Some((
            "bidi_override",
            "Les caractères de contrôle de direction (U+202A-U+202E, U+2066-U+2069) ne sont pas admis.",
            "Bidirectional control characters (U+202A-U+202E, U+2066-U+2069) are not allowed.",
        )),
        c if c.is_control() => Some((
            "control_character",
            "Les caractères de contrôle (dont les retours à la ligne dans ce champ) ne sont pas admis.",
            "Control characters (line breaks included, in this field) are not allowed.",
        )),
        _ => None,
    }
}

/// A field error unless `text` has `min` to `max` characters (counted as characters, not bytes).
pub fn length_error(field: &str, text: &str, min: usize, max: usize) -> Option<FieldError> {
    let count = text.chars().count();
    (!(min..=max).contains(&count)).then(|| {
        FieldError::new(
            field,
            "invalid_length",
            format!("{min} à {max} caractères."),
            format!("{min} to {max} characters."),
        )
    })
}

/// The first refused character of `text` as a field error for `field`.
pub fn text_error(field: &str, text: &str) -> Option<FieldError> {
    let last = field.rsplit(['.', '[']).next().unwrap_or(field);
    let multiline = MULTILINE_FIELDS.contains(&last);
    text.chars()
        .find_map(|c| refused_character(c, multiline))
        .map(|(code, fr, en)| FieldError::new(field, code, fr, en))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

/// Trims every string and collects the refused characters, with the path of each field. Object keys are
/// checked too (a NUL in a key is as unstorable as in a value). `path` is one buffer extended and cut back
/// as the walk goes down and up, so that a clean body costs no allocation per field.
fn clean(value: &mut Value, path: &mut String, errors: &mut Vec<FieldError>) {
    match value {
        Value::String(text) => {
            if let Some(error) = text_error(if path.is_empty() { "body" } else { path }, text) {
                errors.push(error);
            }
            let trimmed = text.trim();
            if trimmed.len() != text.len() {
                *text = trimmed.to_owned();
            }
        }
        Value::Array(items) => {
            let parent = path.len();
            for (i, item) in items.iter_mut().enumerate() {
                use std::fmt::Write;
                let _ = write!(path, "[{i}]");
                clean(item, path, errors);
                path.truncate(parent);
            }
        }
        Value::Object(map) => {
            let parent = path.len();
            for (key, item) in map.iter_mut() {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                if let Some(error) = text_error(path, key) {
                    errors.push(error);
                }
                clean(item, path, errors);
                path.truncate(parent);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// The required top-level fields of `T`'s schema, composed once per type (building a schema allocates
/// a tree; a request only needs the names).
fn required_fields<T: utoipa::PartialSchema + 'static>() -> std::sync::Arc<[String]> {
    use std::any::TypeId;
    use std::collections::HashMap;
    use std::sync::{Arc, OnceLock, RwLock};
    use utoipa::openapi::{RefOr, Schema};
    static REQUIRED: OnceLock<RwLock<HashMap<TypeId, Arc<[String]>>>> = OnceLock::new();
    let cache = REQUIRED.get_or_init(Default::default);
    if let Some(fields) = cache.read().ok().and_then(|map| map.get(&TypeId::of::<T>()).cloned()) {
        return fields;
    }
    let fields: Arc<[String]> = match T::schema() {
        RefOr::T(Schema::Object(schema)) => schema.required.into(),
        _ => Arc::from(Vec::new()),
    };
    if let Ok(mut map) = cache.write() {
        map.insert(TypeId::of::<T>(), Arc::clone(&fields));
    }
    fields
}

/// The required top-level fields of `T`'s schema that `value` lacks (or holds as `null`).
fn missing_fields<T: utoipa::PartialSchema + 'static>(value: &Value) -> Vec<FieldError> {
    let Value::Object(map) = value else { return Vec::new() };
    required_fields::<T>()
        .iter()
        .filter(|field| map.get(field.as_str()).is_none_or(Value::is_null))
        .map(|field| {
            FieldError::new(
                field.clone(),
                "required",
                format!("Le champ {field} est obligatoire."),
                format!("Field {field} is required."),
            )
        })
        .collect()
}

/// A serde error at `path` as a field error, without echoing the value sent.
fn type_error(error: serde_path_to_error::Error<serde_json::Error>) -> FieldError {
    let path = error.path().to_string();
    let message = error.inner().to_string();
    let field = if path == "." || path.is_empty() { "body".to_owned() } else { path };
    if let Some(name) = message.strip_prefix("missing field `").and_then(|m| m.split('`').next()) {
        let field = if field == "body" { name.to_owned() } else { join(&field, name) };
        return FieldError::new(
            field.clone(),
            "required",
            format!("Le champ {field} est obligatoire."),
            format!("Field {field} is required."),
        );
    }
    if let Some(name) = message.strip_prefix("unknown field `").and_then(|m| m.split('`').next()) {
        let field = if field == "body" { name.to_owned() } else { join(&field, name) };
        return FieldError::new(
            field.clone(),
            "unknown_field",
            format!("Le champ {field} n'est pas prévu."),
            format!("Field {field} is not expected."),
        );
    }
    // "invalid type: integer `5`, expected a string": keep what was expected, drop what was sent.
    let expected = message.split(", expected ").nth(1).map(str::to_owned);
    match expected {
        Some(expected) => FieldError::new(
            field,
            "invalid_type",
            format!("Type de valeur inattendu (attendu : {expected})."),
            format!("Unexpected value type (expected {expected})."),
        ),
        None => FieldError::new(field, "invalid_value", "Valeur invalide.", "Invalid value."),
    }
}

/// Parses a checked JSON value into `T`: every refused character, every missing field, or the first type
/// error, as one validation problem.
pub fn parse<T: DeserializeOwned + utoipa::PartialSchema + 'static>(mut value: Value) -> Result<T, ApiError> {
    let mut errors = Vec::new();
    clean(&mut value, &mut String::new(), &mut errors);
    errors.extend(missing_fields::<T>(&value));
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    serde_path_to_error::deserialize(value).map_err(|e| ApiError::Validation(vec![type_error(e)]))
}

impl<T> FromRequest for Body<T>
where
    T: DeserializeOwned + utoipa::PartialSchema + 'static,
{
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Body<T>, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = web::Json::<Value>::from_request(req, payload);
        Box::pin(async move {
            let value = json.await?.into_inner();
            parse::<T>(value).map(Body).map_err(actix_web::Error::from)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_control_and_bidi_characters_are_refused_but_line_breaks_pass_in_notes() {
        assert_eq!(text_error("surname", "El\0Amrani").map(|e| e.code), Some("nul_character".into()));
        assert_eq!(text_error("surname", "El\u{202E}Amrani").map(|e| e.code), Some("bidi_override".into()));
        assert_eq!(text_error("surname", "El\nAmrani").map(|e| e.code), Some("control_character".into()));
        assert_eq!(text_error("sensitive_notes", "line one\nline two"), None);
        assert_eq!(text_error("evidence.reason", "a\r\nb"), None);
        assert_eq!(text_error("given_names", "Zoë Ånström-Ñúñez"), None);
    }

    #[test]
    fn strings_are_trimmed_and_errors_name_their_path() {
        let mut value =
            serde_json::json!({"surname": "  Haddad ", "contact": {"email": "a\u{0}@b"}, "rows": [{"x": "\u{1}"}]});
        let mut errors = Vec::new();
        clean(&mut value, &mut String::new(), &mut errors);
        assert_eq!(value["surname"], "Haddad");
        let fields: Vec<String> = errors.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["contact.email", "rows[0].x"]);
    }
}
