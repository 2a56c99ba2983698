//! The host side of the codec: arguments are `serde_json::Value`s (as tests
//! build them) and JSON text is `serde_json`'s.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A caller's argument, as host tests give it.
pub type Input = serde_json::Value;

pub(super) fn nullish(v: &Input) -> bool {
    v.is_null()
}

pub(super) fn empty_object() -> Input {
    Input::Object(serde_json::Map::new())
}

pub(super) fn undefined() -> Input {
    Input::Null
}

pub(super) fn keys(v: &Input) -> Option<Vec<String>> {
    v.as_object().map(|m| m.keys().cloned().collect())
}

pub(super) fn member(v: &Input, key: &str) -> Option<Input> {
    v.as_object()?.get(key).cloned()
}

pub(super) fn describe(v: &Input) -> String {
    match v {
        Input::String(s) if s.chars().count() <= 40 => format!("\"{s}\""),
        Input::Number(n) => n.to_string(),
        Input::Bool(b) => b.to_string(),
        Input::Null => "null".into(),
        Input::String(_) => "a long string".into(),
        Input::Array(_) => "an array".into(),
        Input::Object(_) => "an object".into(),
    }
}

/// JSON has no `undefined`: nothing to leave out.
pub(super) fn without_undefined(_: &Input, _: &[String]) -> Option<Input> {
    None
}

/// Reads a model; the error's message when it does not read.
pub(super) fn read<T: DeserializeOwned>(v: &Input) -> Result<T, String> {
    T::deserialize(v).map_err(|e| e.to_string())
}

/// An object with only the member `key` of `v`.
pub(super) fn only(v: &Input, key: &str) -> Input {
    let mut one = serde_json::Map::new();
    if let Some(value) = v.get(key) {
        one.insert(key.to_string(), value.clone());
    }
    Input::Object(one)
}

/// Parses JSON text into a model; `None` when it is not JSON or not that shape.
pub fn from_text<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_str(text).ok()
}

/// Parses JSON text with a seed (a reader that needs arguments).
pub fn from_text_seed<T, S>(text: &str, seed: S) -> Option<T>
where
    S: for<'de> serde::de::DeserializeSeed<'de, Value = T>,
{
    let mut d = serde_json::Deserializer::from_str(text);
    let value = seed.deserialize(&mut d).ok()?;
    d.end().ok()?;
    Some(value)
}

/// A model as JSON text.
pub fn to_text<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_string(value).ok()
}

/// A finite number as text (`3`, `60.5`).
pub fn number(n: f64) -> String {
    format!("{n}")
}
