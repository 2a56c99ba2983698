//! Sends one attempt: over the Fetch API with gloo-net, or through the transport a
//! runtime entry installs in its place (the Node entry's node:http one). The only
//! file that sends a request.
//!
//! The caller's `AbortSignal` is never handed to `fetch`: its `reason` may be any
//! value, and `fetch` would reject with it. Each attempt has an `AbortController`
//! of its own, aborted when the caller's signal fires or the attempt's time is up
//! (a timer in `host.js`: no promise to race, one `fetch` and one body read to await).

use std::cell::RefCell;

use gloo_net::http::{Method as FetchMethod, RequestBuilder};
use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Blob, BlobPropertyBag, FormData};

use crate::request::{Body, FilePart, HttpRequest, HttpResponse, Method};
use crate::transport::SendError;

#[wasm_bindgen(module = "/src/js/host.js")]
extern "C" {
    /// Resolves after `ms`, or as soon as `signal` aborts.
    #[wasm_bindgen(js_name = sleep)]
    fn sleep_js(ms: f64, signal: &JsValue) -> Promise;
    /// What went wrong, as one line: `TypeError: fetch failed (ECONNREFUSED)`.
    fn describe(error: &JsValue) -> String;
    /// Aborts `controller` after `ms`, or as soon as `caller` aborts; returns the
    /// function that cancels both.
    #[wasm_bindgen(js_name = abortAfter)]
    fn abort_after(controller: &AbortController, ms: f64, caller: &JsValue) -> Function;
    /// The same function, handed to a runtime transport.
    #[wasm_bindgen(thread_local_v2, js_name = describe)]
    static DESCRIBE: JsValue;
}

thread_local! {
    /// The runtime entry's own transport, when it installed one.
    static RUNTIME_TRANSPORT: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Installs a runtime entry's own transport in place of the Fetch API (the Node
/// entry's node:http one). It is called as `(url, method, headers, body, ms,
/// caller, describe, binary)` (`body`: JSON text or a `FormData`) and resolves
/// with `{ status, retryAfter, body }` (plus `bytes` and `contentType` for a 2xx
/// when `binary`), or with `{ failure: "aborted" | "timeout" | "network", detail }`
/// when no response came.
#[wasm_bindgen(js_name = setTransport, skip_typescript)]
pub fn set_transport(transport: Function) {
    RUNTIME_TRANSPORT.with(|t| *t.borrow_mut() = Some(transport));
}

/// Resolves after `ms`, or as soon as `signal` (when given) aborts.
pub async fn sleep(ms: f64, signal: Option<&AbortSignal>) {
    let signal = signal.map_or(JsValue::UNDEFINED, JsValue::from);
    // The promise only resolves.
    let _ = JsFuture::from(sleep_js(ms.max(0.0), &signal)).await;
}

/// Sends `request`, giving up after `timeout_ms` or when `caller` aborts.
pub async fn send(
    request: &HttpRequest,
    timeout_ms: f64,
    caller: Option<&AbortSignal>,
) -> Result<HttpResponse, SendError> {
    if caller.is_some_and(AbortSignal::aborted) {
        return Err(SendError::Aborted);
    }
    let ms = timeout_ms.max(0.0).ceil();
    match RUNTIME_TRANSPORT.with(|t| t.borrow().clone()) {
        Some(transport) => send_with(&transport, request, ms, caller).await,
        None => send_fetch(request, ms, caller).await,
    }
}

async fn send_fetch(
    request: &HttpRequest,
    ms: f64,
    caller: Option<&AbortSignal>,
) -> Result<HttpResponse, SendError> {
    let own = AbortController::new().map_err(|e| SendError::Network(describe(&e)))?;
    let caller_value = caller.map_or(JsValue::UNDEFINED, JsValue::from);
    let stop_timer = abort_after(&own, ms, &caller_value);
    let outcome = fetch_once(request, own.signal()).await;
    // Stopping a timer that has fired, or a listener that has run, does nothing.
    let _ = stop_timer.call0(&JsValue::UNDEFINED);
    match outcome {
        Ok(response) => Ok(response),
        Err(_) if caller.is_some_and(AbortSignal::aborted) => Err(SendError::Aborted),
        Err(_) if own.signal().aborted() => Err(SendError::Timeout),
        Err(e) => Err(SendError::Network(describe_gloo(e))),
    }
}

/// One `fetch` and the read of its body, under `signal`.
async fn fetch_once(
    request: &HttpRequest,
    signal: AbortSignal,
) -> Result<HttpResponse, gloo_net::Error> {
    let method = match request.method {
        Method::Get => FetchMethod::GET,
        Method::Post => FetchMethod::POST,
        Method::Patch => FetchMethod::PATCH,
        Method::Delete => FetchMethod::DELETE,
    };
    let mut builder = RequestBuilder::new(&request.url)
        .method(method)
        .abort_signal(Some(&signal));
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let built = match &request.body {
        Some(body) => {
            builder.body(body_value(body).map_err(|e| gloo_net::Error::GlooError(describe(&e)))?)?
        }
        None => builder.build()?,
    };
    let response = built.send().await?;
    let status = response.status();
    let failed = status >= 400;
    let retry_after = failed
        .then(|| response.headers().get("retry-after"))
        .flatten();
    if request.binary && (200..300).contains(&status) {
        return Ok(HttpResponse {
            status,
            retry_after,
            content_type: response.headers().get("content-type"),
            bytes: Some(response.binary().await?),
            ..HttpResponse::default()
        });
    }
    let headers = match failed {
        true => response.headers().entries().collect(),
        false => Vec::new(),
    };
    let body = response.text().await?;
    Ok(HttpResponse {
        status,
        retry_after,
        headers,
        body,
        ..HttpResponse::default()
    })
}

/// A body as `fetch` takes it: JSON text, or a `FormData` holding the file
/// (the runtime writes the multipart body and its boundary).
fn body_value(body: &Body) -> Result<JsValue, JsValue> {
    match body {
        Body::Json(text) => Ok(JsValue::from_str(text)),
        Body::File(part) => form(part).map(JsValue::from),
    }
}

fn form(part: &FilePart) -> Result<FormData, JsValue> {
    let bytes = js_sys::Uint8Array::from(part.bytes.as_slice());
    let bag = BlobPropertyBag::new();
    bag.set_type(
        part.content_type
            .as_deref()
            .unwrap_or("application/octet-stream"),
    );
    let blob = Blob::new_with_u8_array_sequence_and_options(&Array::of1(&bytes), &bag)?;
    let form = FormData::new()?;
    form.append_with_blob_and_filename(part.field, &blob, &part.filename)?;
    Ok(form)
}

fn describe_gloo(error: gloo_net::Error) -> String {
    match error {
        gloo_net::Error::JsError(e) => {
            let mut line = e.name;
            line.push_str(": ");
            line.push_str(&e.message);
            line
        }
        gloo_net::Error::GlooError(text) => text,
    }
}

/// One attempt through the runtime entry's transport.
async fn send_with(
    transport: &Function,
    request: &HttpRequest,
    ms: f64,
    caller: Option<&AbortSignal>,
) -> Result<HttpResponse, SendError> {
    let headers = Object::new();
    for (name, value) in &request.headers {
        // Setting a string key on a plain object cannot fail.
        let _ = Reflect::set(&headers, &name.into(), &value.into());
    }
    let body = match &request.body {
        Some(b) => body_value(b).map_err(|e| SendError::Network(describe(&e)))?,
        None => JsValue::UNDEFINED,
    };
    let caller = caller.map_or(JsValue::UNDEFINED, JsValue::from);
    let args = Array::of5(
        &request.url.as_str().into(),
        &request.method.as_str().into(),
        &headers,
        &body,
        &ms.into(),
    );
    args.push(&caller);
    DESCRIBE.with(|describe| args.push(describe));
    args.push(&JsValue::from_bool(request.binary));
    let outcome = match transport.apply(&JsValue::UNDEFINED, &args) {
        Ok(promise) => JsFuture::from(Promise::resolve(&promise)).await,
        Err(e) => Err(e),
    };
    let outcome = outcome.map_err(|e| SendError::Network(describe(&e)))?;
    read_outcome(&outcome)
}

/// The string members of a plain object (a transport's `headers`).
fn string_members(v: &JsValue) -> Vec<(String, String)> {
    if !v.is_object() {
        return Vec::new();
    }
    Object::entries(v.unchecked_ref::<Object>())
        .iter()
        .filter_map(|pair| {
            let pair: Array = pair.unchecked_into();
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// Reads what the runtime transport resolved with.
fn read_outcome(outcome: &JsValue) -> Result<HttpResponse, SendError> {
    let field = |name: &str| Reflect::get(outcome, &name.into()).unwrap_or(JsValue::UNDEFINED);
    let detail = || field("detail").as_string().unwrap_or_default();
    match field("failure").as_string().as_deref() {
        Some("aborted") => return Err(SendError::Aborted),
        Some("timeout") => return Err(SendError::Timeout),
        Some(_) => return Err(SendError::Network(detail())),
        None => {}
    }
    let status = field("status").as_f64().unwrap_or(0.0);
    if !(100.0..=999.0).contains(&status) {
        return Err(SendError::Network(String::from(
            "the transport gave no status",
        )));
    }
    let bytes = field("bytes")
        .dyn_into::<js_sys::Uint8Array>()
        .ok()
        .map(|b| b.to_vec());
    Ok(HttpResponse {
        status: status as u16,
        retry_after: field("retryAfter").as_string(),
        headers: string_members(&field("headers")),
        body: field("body").as_string().unwrap_or_default(),
        content_type: field("contentType").as_string(),
        bytes,
    })
}
