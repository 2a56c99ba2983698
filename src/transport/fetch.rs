//! Sends one attempt with the Fetch API. The only file that calls fetch.
//!
//! The attempt is a few lines of JavaScript (below) behind one binding: the
//! engine already has `fetch`, `Headers`, `AbortSignal.timeout` and
//! `AbortSignal.any`, and driving each of them from Rust through its own
//! binding would cost more code in the package than the lines themselves.
//!
//! The caller's `AbortSignal` is never handed to fetch: its `reason` may be any
//! value, and fetch would reject with it. The attempt uses one controller of its
//! own, aborted (with a plain `AbortError`) when the caller's signal fires or
//! when a timer for the attempt's time limit ends. (A controller and a timer
//! cost a fraction of `AbortSignal.timeout` plus `AbortSignal.any` in Node,
//! about a tenth of a loopback request.)

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use crate::request::{HttpRequest, HttpResponse};
use crate::transport::SendError;

/// `send` resolves with `[status, retryAfter, body]`, or with `[-1]` when the
/// caller aborted, `[-2]` when the attempt timed out and `[-3, , detail]` when no
/// response came. `headers` is `name\nvalue\nname\nvalue…` (header names and
/// values are validated and never contain a line break).
#[wasm_bindgen(inline_js = r#"
export async function send(url, method, headers, body, ms, caller) {
  if (caller && caller.aborted) return [-1];
  const own = new AbortController(), abort = () => own.abort();
  let late = false;
  const timer = setTimeout(() => { late = true; abort(); }, ms);
  if (caller) caller.addEventListener("abort", abort);
  try {
    const h = new Headers(), p = headers ? headers.split("\n") : [];
    for (let i = 0; i < p.length; i += 2) h.append(p[i], p[i + 1]);
    const init = { method, headers: h, signal: own.signal };
    if (body !== undefined) init.body = body;
    const r = await fetch(url, init);
    return [r.status, r.headers.get("retry-after"), await r.text()];
  } catch (e) {
    if (caller && caller.aborted) return [-1];
    if (late) return [-2];
    return [-3, , e instanceof Error ? e.name + ": " + e.message : typeof e == "string" ? e : "fetch failed"];
  } finally {
    clearTimeout(timer);
    if (caller) caller.removeEventListener("abort", abort);
  }
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = send)]
    fn send_js(
        url: &str,
        method: &str,
        headers: &str,
        body: &JsValue,
        ms: f64,
        caller: &JsValue,
    ) -> Promise;
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
        Err(_) => return Err(SendError::Network("fetch failed".into())),
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
