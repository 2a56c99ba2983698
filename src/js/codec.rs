//! The wasm side of the codec: arguments are JavaScript values read through
//! serde-wasm-bindgen, and JSON text is `JSON.parse` / `JSON.stringify`.

use js_sys::{Array, Object, Reflect, JSON};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

/// A caller's argument, as JavaScript passed it.
pub type Input = JsValue;

pub(super) fn nullish(v: &Input) -> bool {
    v.is_null() || v.is_undefined()
}

pub(super) fn empty_object() -> Input {
    Object::new().into()
}

pub(super) fn undefined() -> Input {
    JsValue::UNDEFINED
}

/// The own enumerable keys of a plain object (not an array or a function).
pub(super) fn keys(v: &Input) -> Option<Vec<String>> {
    if !v.is_object() || Array::is_array(v) {
        return None;
    }
    let keys = Object::keys(v.unchecked_ref::<Object>());
    Some(keys.iter().filter_map(|k| k.as_string()).collect())
}

/// A copy of `v` without its members set to `undefined`; `None` when it has none.
pub(super) fn without_undefined(v: &Input, keys: &[String]) -> Option<Input> {
    let values: Vec<JsValue> = keys
        .iter()
        .map(|k| Reflect::get(v, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED))
        .collect();
    if !values.iter().any(JsValue::is_undefined) {
        return None;
    }
    let copy = Object::new();
    for (key, value) in keys.iter().zip(values) {
        if !value.is_undefined() {
            // Setting a string key on a plain object cannot fail.
            let _ = Reflect::set(&copy, &JsValue::from_str(key), &value);
        }
    }
    Some(copy.into())
}

pub(super) fn member(v: &Input, key: &str) -> Option<Input> {
    if !v.is_object() {
        return None;
    }
    let found = js_sys::Reflect::get(v, &JsValue::from_str(key)).ok()?;
    (!found.is_undefined()).then_some(found)
}

pub(super) fn describe(v: &Input) -> String {
    if let Some(s) = v.as_string() {
        return if s.chars().count() <= 40 {
            format!("\"{s}\"")
        } else {
            "a long string".into()
        };
    }
    if let Some(n) = v.as_f64() {
        return match n {
            n if n.is_nan() => "NaN".into(),
            n if n.is_infinite() && n > 0.0 => "Infinity".into(),
            n if n.is_infinite() => "-Infinity".into(),
            _ => String::from(JSON::stringify(v).unwrap_or_else(|_| "a number".into())),
        };
    }
    if let Some(b) = v.as_bool() {
        return if b { "true" } else { "false" }.into();
    }
    let kind = match v.js_typeof().as_string().as_deref() {
        Some("function") => "a function",
        Some("symbol") => "a symbol",
        Some("bigint") => "a bigint",
        Some("undefined") => "undefined",
        _ if v.is_null() => "null",
        _ if Array::is_array(v) => "an array",
        _ => "an object",
    };
    kind.to_string()
}

/// Reads a model; the error's message when it does not read.
pub(super) fn read<T: DeserializeOwned>(v: &Input) -> Result<T, String> {
    let d = serde_wasm_bindgen::Deserializer::from(v.clone());
    T::deserialize(d).map_err(|e| {
        let message = named_value(e.to_string());
        match message.strip_prefix("Error: ") {
            Some(rest) => rest.to_string(),
            None => message,
        }
    })
}

/// An object with only the member `key` of `v`.
pub(super) fn only(v: &Input, key: &str) -> Input {
    let one = Object::new();
    let key = JsValue::from_str(key);
    // Reading and setting a string key on plain objects cannot fail.
    let value = Reflect::get(v, &key).unwrap_or(JsValue::UNDEFINED);
    let _ = Reflect::set(&one, &key, &value);
    one.into()
}

/// serde-wasm-bindgen shows a value it cannot read (a function, a symbol) as
/// its `Debug` text, which may be a whole function's source: name its kind instead.
fn named_value(message: String) -> String {
    const SHOWN: &str = "JsValue(";
    let Some(start) = message.find(SHOWN) else {
        return message;
    };
    let shown = &message[start + SHOWN.len()..];
    let kind = if shown.starts_with("function") || shown.starts_with("class") {
        "a function"
    } else if shown.starts_with("Symbol") {
        "a symbol"
    } else if shown.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        "a bigint"
    } else {
        "an unsupported value"
    };
    let end = message.rfind(", expected ").unwrap_or(message.len());
    format!("{}{kind}{}", &message[..start], &message[end.max(start)..])
}

/// Parses JSON text (with `JSON.parse`) into a model; `None` when it is not
/// JSON or not that shape.
pub fn from_text<T: DeserializeOwned>(text: &str) -> Option<T> {
    let value = JSON::parse(text).ok()?;
    serde_wasm_bindgen::from_value(value).ok()
}

/// Parses JSON text (with `JSON.parse`) with a seed (a reader that needs arguments).
pub fn from_text_seed<T, S>(text: &str, seed: S) -> Option<T>
where
    S: for<'de> serde::de::DeserializeSeed<'de, Value = T>,
{
    let value = JSON::parse(text).ok()?;
    seed.deserialize(serde_wasm_bindgen::Deserializer::from(value))
        .ok()
}

/// A model as JSON text (with `JSON.stringify`).
pub fn to_text<T: Serialize>(value: &T) -> Option<String> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let js = value.serialize(&serializer).ok()?;
    JSON::stringify(&js).ok().map(String::from)
}

/// A finite number as JavaScript writes it (`3`, `60.5`, `1e+21`).
pub fn number(n: f64) -> String {
    js_sys::Number::from(n)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}
