//! Sends one attempt with the Fetch API. The only file that calls fetch.
//!
//! `fetch`, `Headers` and `Response` are reached through a few direct bindings
//! rather than a wrapper crate: the client needs one call shape, and a wrapper
//! would add its own request builder, error types and formatting to the package.
//!
//! The caller's `AbortSignal` is never handed to fetch: its `reason` may be any
//! value, and fetch would reject with it. The attempt uses its own controller,
//! aborted (with a plain `AbortError`) when the caller's signal fires, combined
//! with `AbortSignal.timeout` for the attempt's time limit.

use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

use crate::request::{HttpRequest, HttpResponse};
use crate::transport::SendError;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch(url, init)`, looked up at call time.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn fetch(url: &str, init: &Object) -> Result<Promise, JsValue>;

    type Headers;
    #[wasm_bindgen(catch, constructor, js_class = "Headers")]
    fn new() -> Result<Headers, JsValue>;
    #[wasm_bindgen(catch, method, js_class = "Headers")]
    fn append(this: &Headers, name: &str, value: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(method, js_class = "Headers")]
    fn get(this: &Headers, name: &str) -> Option<String>;

    type Response;
    #[wasm_bindgen(method, getter, js_class = "Response")]
    fn status(this: &Response) -> u16;
    #[wasm_bindgen(method, getter, js_class = "Response")]
    fn headers(this: &Response) -> Headers;
    #[wasm_bindgen(catch, method, js_class = "Response")]
    fn text(this: &Response) -> Result<Promise, JsValue>;
}

/// Sends `request`, giving up after `timeout_ms` or when `caller` aborts.
pub async fn send(
    request: &HttpRequest,
    timeout_ms: f64,
    caller: Option<&AbortSignal>,
) -> Result<HttpResponse, SendError> {
    let timer = AbortSignal::timeout_with_f64(timeout_ms.max(0.0).ceil());
    let mut forward: Option<(&AbortSignal, Closure<dyn FnMut()>)> = None;
    let signal = match caller {
        None => timer.clone(),
        Some(c) => {
            if c.aborted() {
                return Err(SendError::Aborted);
            }
            let controller = AbortController::new()
                .map_err(|_| SendError::Network("no AbortController".into()))?;
            let own = controller.clone();
            let cb = Closure::<dyn FnMut()>::new(move || own.abort());
            let _ = c.add_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
            forward = Some((c, cb));
            AbortSignal::any(&Array::of2(&timer, &controller.signal()))
        }
    };
    let result = attempt(request, &signal).await;
    if let Some((c, cb)) = forward {
        let _ = c.remove_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
    }
    result.map_err(|thrown| {
        if caller.is_some_and(|c| c.aborted()) {
            SendError::Aborted
        } else if timer.aborted() {
            SendError::Timeout
        } else {
            SendError::Network(describe(&thrown))
        }
    })
}

/// `Name: message` for a thrown `Error`, as the runtime's own `toString` would write it.
fn describe(thrown: &JsValue) -> String {
    match thrown.dyn_ref::<js_sys::Error>() {
        Some(e) => {
            let mut s = String::from(e.name());
            s.push_str(": ");
            s.push_str(&String::from(e.message()));
            s
        }
        None => thrown
            .as_string()
            .unwrap_or_else(|| "fetch failed".to_string()),
    }
}

fn set(init: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(init, &JsValue::from_str(key), value);
}

async fn attempt(request: &HttpRequest, signal: &AbortSignal) -> Result<HttpResponse, JsValue> {
    let headers = Headers::new()?;
    for (name, value) in &request.headers {
        headers.append(name, value)?;
    }
    let init = Object::new();
    set(&init, "method", &JsValue::from_str(request.method.as_str()));
    set(&init, "headers", &headers);
    set(&init, "signal", signal);
    if let Some(body) = &request.body {
        set(&init, "body", &JsValue::from_str(body));
    }
    let response: Response = JsFuture::from(fetch(&request.url, &init)?)
        .await?
        .unchecked_into();
    let status = response.status();
    let retry_after = response.headers().get("retry-after");
    let body = JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    Ok(HttpResponse {
        status,
        retry_after,
        body,
    })
}
