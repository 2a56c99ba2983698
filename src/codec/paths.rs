//! Field names and paths: the model's own field list, unknown keys with a
//! did-you-mean, and serde's error text turned into `path: problem`.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};

use crate::error::Error;

/// `path.key`, or `key` at the top.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The field names of a model, as serde's derive lists them.
pub fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    match T::deserialize(FieldList) {
        Err(Listed(fields)) => fields,
        Ok(_) => &[],
    }
}

/// A deserializer that only records the field list a struct asks for.
struct FieldList;

#[derive(Debug)]
struct Listed(&'static [&'static str]);

impl fmt::Display for Listed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field list")
    }
}

impl std::error::Error for Listed {}

impl de::Error for Listed {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Listed(&[])
    }
}

impl<'de> Deserializer<'de> for FieldList {
    type Error = Listed;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Listed> {
        Err(Listed(&[]))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Listed> {
        Err(Listed(fields))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

/// Refuses a key the model does not have, suggesting the closest field.
pub fn check_keys(path: &str, keys: &[String], fields: &[&str]) -> Result<(), Error> {
    let Some(unknown) = keys.iter().find(|k| !fields.contains(&k.as_str())) else {
        return Ok(());
    };
    let message = match closest(unknown, fields) {
        Some(known) => format!("is not a known field; did you mean `{known}`?"),
        None => "is not a known field (field names use the API's snake_case)".to_string(),
    };
    Err(Error::invalid(&join(path, unknown), message))
}

/// The field a misspelt or camel-cased key most likely meant.
fn closest<'a>(key: &str, fields: &[&'a str]) -> Option<&'a str> {
    let squash = |s: &str| s.replace(['_', '-'], "").to_ascii_lowercase();
    let wanted = squash(key);
    if let Some(same) = fields.iter().find(|f| squash(f) == wanted) {
        return Some(same);
    }
    fields
        .iter()
        .map(|f| (strsim::levenshtein(&wanted, &squash(f)), *f))
        .filter(|(distance, f)| *distance <= 2.max(f.len() / 5))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, f)| f)
}

/// Separates the path segments a field type puts in front of a message.
const SEGMENT: char = '\u{1f}';

/// An error inside member `key` (or item `[i]`) of a value a field type reads:
/// the segment goes in front of the message, where [`to_error`] finds it.
///
/// Field types name their own members this way instead of wrapping every
/// deserializer in `serde_path_to_error`, which cost the page's `.wasm` 9.6 KB
/// gzip (126,892 B with it, 117,316 B without; docs/performance.md, "Trims").
pub fn within<E: serde::de::Error>(segment: &str, inner: E) -> E {
    let inner = inner.to_string();
    let inner = inner.strip_prefix("Error: ").unwrap_or(&inner);
    E::custom(format_args!("{segment}{SEGMENT}{inner}"))
}

/// Whether a message says only that a field is missing (so the value given
/// for another key is not at fault).
pub fn is_missing_field(message: &str) -> bool {
    message.starts_with("missing field `")
}

/// Turns a serde error's message (with the segments of [`within`] in front)
/// into the client's invalid-argument error at `path`.
pub fn to_error(path: &str, message: &str) -> Error {
    let mut at = path.to_string();
    let mut parts = message.split(SEGMENT).peekable();
    let mut message = "";
    while let Some(part) = parts.next() {
        let part = part.strip_prefix("Error: ").unwrap_or(part);
        if parts.peek().is_none() {
            message = part;
        } else if part.starts_with('[') {
            at.push_str(part);
        } else {
            at = join(&at, part);
        }
    }
    if let Some(field) = between(message, "missing field `", "`") {
        return Error::invalid(&join(&at, field), "is required");
    }
    if let Some(field) = between(message, "unknown field `", "`") {
        return Error::invalid(&join(&at, field), "is not a known field");
    }
    let rest = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "));
    if let Some(rest) = rest {
        if let Some((got, expected)) = rest.rsplit_once(", expected ") {
            return Error::invalid(&at, format!("must be {expected} (got {})", seen(got)));
        }
    }
    Error::invalid(&at, message)
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(start)?;
    rest.split(end).next()
}

/// serde's description of an unexpected value, in JavaScript terms.
fn seen(got: &str) -> String {
    let quoted = |s: &str| s.trim_matches('`').to_string();
    if let Some(s) = got.strip_prefix("string ") {
        return if s.chars().count() <= 42 {
            s.to_string()
        } else {
            "a long string".into()
        };
    }
    for prefix in ["integer ", "floating point ", "boolean "] {
        if let Some(v) = got.strip_prefix(prefix) {
            return quoted(v);
        }
    }
    match got {
        "unit value" | "Option value" => "null".into(),
        "sequence" => "an array".into(),
        "map" => "an object".into(),
        g => g.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_field_meant() {
        let fields = ["browser_session_id", "prompt", "apiKey"];
        assert_eq!(
            closest("browserSessionId", &fields),
            Some("browser_session_id")
        );
        assert_eq!(closest("promt", &fields), Some("prompt"));
        assert_eq!(closest("apikey", &fields), Some("apiKey"));
        assert_eq!(closest("colour", &fields), None);
    }

    #[test]
    fn serde_messages_name_the_field() {
        let e = to_error("request", "missing field `prompt`");
        assert_eq!(e.message(), "request.prompt: is required");
        let inner = "a\u{1f}b\u{1f}invalid type: integer `1`, expected a string";
        let e = to_error("request", inner);
        assert_eq!(e.message(), "request.a.b: must be a string (got 1)");
        let inner = "[2]\u{1f}Error: invalid type: map, expected a string";
        let e = to_error("request.x", inner);
        assert_eq!(
            e.message(),
            "request.x[2]: must be a string (got an object)"
        );
    }
}
