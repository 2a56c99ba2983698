//! The smallest request the package's design allows, built as its own `.wasm`:
//! gloo-net over `fetch` from an async Rust function (wasm-bindgen-futures), an
//! `AbortController` of its own with a timer, the body read as text and parsed
//! with `JSON.parse`. No validation, no retries, no options.
//!
//! `cargo xtask bench` runs it beside the client and a bare `fetch` in workerd and
//! headless Chromium: what it costs over a bare `fetch` is the part of the
//! client's per-call cost that comes with the design rather than with the client.

use gloo_net::http::Request;
use wasm_bindgen::prelude::*;
use web_sys::AbortController;

#[wasm_bindgen(inline_js = "export function abortAfter(controller, ms) {
  const timer = setTimeout(() => controller.abort(), ms);
  return () => clearTimeout(timer);
}")]
extern "C" {
    /// Aborts `controller` after `ms`; returns the function that stops the timer.
    #[wasm_bindgen(js_name = abortAfter)]
    fn abort_after(controller: &AbortController, ms: f64) -> js_sys::Function;
}

/// `GET url` with `headers` (name and value pairs, flattened), given up after
/// `timeout_ms`; resolves with the parsed JSON body.
#[wasm_bindgen]
pub async fn get(url: String, headers: Vec<String>, timeout_ms: f64) -> Result<JsValue, JsValue> {
    let own = AbortController::new()?;
    let stop_timer = abort_after(&own, timeout_ms);
    let mut request = Request::get(&url).abort_signal(Some(&own.signal()));
    for pair in headers.chunks(2) {
        if let [name, value] = pair {
            request = request.header(name, value);
        }
    }
    let outcome = async {
        let response = request.send().await?;
        response.text().await
    }
    .await;
    // Stopping a timer that has fired does nothing.
    let _ = stop_timer.call0(&JsValue::UNDEFINED);
    let text = outcome.map_err(|e| JsValue::from_str(&e.to_string()))?;
    js_sys::JSON::parse(&text)
}
