//! Core errors as instances of the error classes of `errors.js`, the module the
//! client and the server entry share.

use wasm_bindgen::prelude::*;

use crate::error::Error;

/// The error classes (`errors.js`, shared with the server entry).
#[wasm_bindgen(module = "/src/js/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeError)]
    fn make_error(
        name: &str,
        code: &str,
        message: &str,
        status: Option<u16>,
        body: Option<String>,
        retryable: bool,
        last_seen: Option<String>,
        headers: JsValue,
    ) -> JsValue;
    #[wasm_bindgen(js_name = errorClasses)]
    pub fn error_classes() -> JsValue;
}

/// A core error as an instance of the exported error classes.
pub fn to_js(e: &Error) -> JsValue {
    make_error(
        e.kind().class_name(),
        e.code(),
        &e.message(),
        e.status(),
        e.body().map(str::to_string),
        e.retryable(),
        e.last_seen().map(str::to_string),
        headers_object(e.headers()),
    )
}

/// An error response's headers as a plain object; `undefined` without any.
fn headers_object(headers: &[(String, String)]) -> JsValue {
    if headers.is_empty() {
        return JsValue::UNDEFINED;
    }
    let out = js_sys::Object::new();
    for (name, value) in headers {
        // Setting a string key on a plain object cannot fail.
        let _ = js_sys::Reflect::set(&out, &name.into(), &value.into());
    }
    out.into()
}

/// Returns the error classes (`SkyvernError` and its subclasses).
#[cfg(feature = "client")]
#[wasm_bindgen(js_name = errorClasses, unchecked_return_type = "ErrorClasses")]
pub fn error_classes_export() -> JsValue {
    error_classes()
}
