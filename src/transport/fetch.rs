//! Sends one attempt through the runtime's transport, `send` in `host.js`: the
//! Fetch API, or node:http where the Node entry installs it. The only file that
//! sends a request.
//!
//! The attempt is a few lines of JavaScript behind one binding: the engine
//! already has `fetch`, `AbortController` and timers, and driving each of them
//! from Rust through its own binding would cost more code in the package than
//! the lines themselves.

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use crate::request::{HttpRequest, HttpResponse};
use crate::transport::SendError;

#[wasm_bindgen(module = "/src/js/host.js")]
extern "C" {
    /// Resolves with `[status, retryAfter, body]`, or with `[-1]` when the caller
    /// aborted, `[-2]` when the attempt timed out and `[-3, , detail]` when no
    /// response came. `headers` is `name\nvalue\nname\nvalue…` (header names and
    /// values are validated and never contain a line break).
    #[wasm_bindgen(js_name = send)]
    fn send_js(
        url: &str,
        method: &str,
        headers: &str,
        body: &JsValue,
        ms: f64,
        caller: &JsValue,
    ) -> Promise;

    #[wasm_bindgen(js_name = setTransport)]
    fn set_transport_js(transport: &js_sys::Function);
}

/// Installs a runtime entry's own transport in place of the Fetch API (the
/// Node entry's node:http one); it takes and returns what `send` does.
#[wasm_bindgen(js_name = setTransport, skip_typescript)]
pub fn set_transport(transport: &js_sys::Function) {
    set_transport_js(transport);
}

/// Sends `request`, giving up after `timeout_ms` or when `caller` aborts.
pub async fn send(
    request: &HttpRequest,
    timeout_ms: f64,
    caller: Option<&AbortSignal>,
) -> Result<HttpResponse, SendError> {
    let mut headers = String::new();
    for (name, value) in &request.headers {
        if !headers.is_empty() {
            headers.push('\n');
        }
        headers.push_str(name);
        headers.push('\n');
        headers.push_str(value);
    }
    let body = match &request.body {
        Some(b) => JsValue::from_str(b),
        None => JsValue::UNDEFINED,
    };
    let caller: &JsValue = match caller {
        Some(c) => c,
        None => &JsValue::UNDEFINED,
    };
    let promise = send_js(
        &request.url,
        request.method.as_str(),
        &headers,
        &body,
        timeout_ms.max(0.0).ceil(),
        caller,
    );
    let out: Array = match crate::js::task::settled(promise).await {
        Ok(v) => v.unchecked_into(),
        Err(_) => return Err(SendError::Network("the request failed".into())),
    };
    let text = out.get(2).as_string();
    match out.get(0).as_f64().unwrap_or(-3.0) {
        s if s == -1.0 => Err(SendError::Aborted),
        s if s == -2.0 => Err(SendError::Timeout),
        s if s < 0.0 => Err(SendError::Network(text.unwrap_or_default())),
        s => Ok(HttpResponse {
            status: s as u16,
            retry_after: out.get(1).as_string(),
            body: text.unwrap_or_default(),
        }),
    }
}
