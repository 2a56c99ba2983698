//! Sends one attempt with the Fetch API (through gloo-net). The only file that calls fetch.
//!
//! The caller's `AbortSignal` is never handed to fetch: its `reason` may be any
//! value, and fetch would reject with it. The attempt uses its own controller,
//! aborted (with a plain `AbortError`) when the caller's signal fires, combined
//! with `AbortSignal.timeout` for the attempt's time limit.

use gloo_net::http::{Method as FetchMethod, RequestBuilder};
use js_sys::Array;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, AbortSignal};

use crate::request::{HttpRequest, HttpResponse, Method};
use crate::transport::SendError;

fn method(m: Method) -> FetchMethod {
    match m {
        Method::Get => FetchMethod::GET,
        Method::Post => FetchMethod::POST,
        Method::Patch => FetchMethod::PATCH,
        Method::Delete => FetchMethod::DELETE,
    }
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
    result.map_err(|detail| {
        if caller.is_some_and(|c| c.aborted()) {
            SendError::Aborted
        } else if timer.aborted() {
            SendError::Timeout
        } else {
            SendError::Network(detail)
        }
    })
}

async fn attempt(request: &HttpRequest, signal: &AbortSignal) -> Result<HttpResponse, String> {
    let mut builder = RequestBuilder::new(&request.url)
        .method(method(request.method))
        .abort_signal(Some(signal));
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let built = match &request.body {
        Some(body) => builder.body(body.as_str()),
        None => builder.build(),
    }
    .map_err(|e| e.to_string())?;
    let response = built.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let retry_after = response.headers().get("retry-after");
    let body = response.text().await.map_err(|e| e.to_string())?;
    Ok(HttpResponse {
        status,
        retry_after,
        body,
    })
}
