//! JavaScript values to and from the core's types.

use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::json::Value;

const MAX_DEPTH: u32 = 64;

/// Converts a JavaScript value, keeping values JSON cannot carry as their own variants.
pub fn to_value(v: &JsValue) -> Value {
    convert(v, 0)
}

fn convert(v: &JsValue, depth: u32) -> Value {
    // Strings first: most values are, and this is one check instead of five.
    if let Some(s) = v.as_string() {
        return Value::String(s);
    }
    if v.is_undefined() {
        return Value::Undefined;
    }
    if v.is_null() {
        return Value::Null;
    }
    if let Some(b) = v.as_bool() {
        return Value::Bool(b);
    }
    if let Some(n) = v.as_f64() {
        if n.is_finite() && (n.fract() != 0.0 || n.abs() >= 9.007_199_254_740_992e15) {
            // The engine writes the shortest round-trip form.
            let text: String = JSON::stringify(v).map(String::from).unwrap_or_default();
            return Value::Decimal(n, text);
        }
        return Value::Number(n);
    }
    if v.is_function() {
        return Value::Function;
    }
    if !v.is_object() {
        return Value::Unsupported(if v.is_symbol() {
            "a symbol"
        } else if v.is_bigint() {
            "a bigint"
        } else {
            "an unsupported value"
        });
    }
    if depth >= MAX_DEPTH {
        return Value::Unsupported("a too deeply nested (or circular) value");
    }
    if let Some(date) = v.dyn_ref::<js_sys::Date>() {
        return Value::String(date.to_iso_string().into());
    }
    if Array::is_array(v) {
        let arr: &Array = v.unchecked_ref();
        return Value::Array(arr.iter().map(|item| convert(&item, depth + 1)).collect());
    }
    let entries = Object::entries(v.unchecked_ref());
    Value::Object(
        entries
            .iter()
            .map(|pair| {
                let pair: Array = pair.unchecked_into();
                let key = pair.get(0).as_string().unwrap_or_default();
                (key, convert(&pair.get(1), depth + 1))
            })
            .collect(),
    )
}

/// Reads `obj[key]` when `obj` is an object.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() {
        Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// A success body: JSON parsed by the JavaScript engine; empty means `undefined`.
#[cfg(feature = "client")]
pub fn parse_success(text: &str) -> Result<JsValue, crate::error::Error> {
    if text.is_empty() {
        return Ok(JsValue::UNDEFINED);
    }
    JSON::parse(text).map_err(|_| crate::error::Error::InvalidResponse {
        status: 200,
        body: text.to_string(),
    })
}
