//! Small helpers for JavaScript values: reading a member, parsing a success body.

use js_sys::Reflect;
use wasm_bindgen::prelude::*;

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
    js_sys::JSON::parse(text).map_err(|_| crate::error::Error::InvalidResponse {
        status: 200,
        body: text.to_string(),
    })
}
