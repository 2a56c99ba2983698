//! The exported client against the emulator, in Node and in headless Chromium.
//! The emulator's address and key come from the environment at compile time
//! (`SKYVERN_EMULATOR_URL`, `SKYVERN_EMULATOR_API_KEY`).
#![cfg(target_arch = "wasm32")]

use gloo_net::http::Request;
use js_sys::{Array, Promise, Reflect, JSON};
use skyvern_wasm::js::client::SkyvernClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

#[path = "../wasm_support/mod.rs"]
mod support;
pub(crate) use support::{js, key, url};

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap()
}

fn s(v: &JsValue, k: &str) -> String {
    get(v, k).as_string().unwrap_or_default()
}

fn set(v: &JsValue, k: &str, x: &JsValue) {
    Reflect::set(v, &JsValue::from_str(k), x).unwrap();
}

/// A unique id for this test, sent as `x-test-id` to find its requests in the log.
fn test_id(name: &str) -> String {
    format!("{name}-{}", (js_sys::Math::random() * 1e12) as u64)
}

fn client_with(extra: &str) -> SkyvernClient {
    let options = js(&format!(
        r#"{{"apiKey":"{}","baseUrl":"{}","dangerouslyAllowBrowser":true{extra}}}"#,
        key(),
        url()
    ));
    SkyvernClient::new(Some(options)).unwrap()
}

fn client() -> SkyvernClient {
    client_with("")
}

fn opts(id: &str) -> Option<JsValue> {
    Some(js(&format!(r#"{{"headers":{{"x-test-id":"{id}"}}}}"#)))
}

async fn ok(p: Promise) -> JsValue {
    match JsFuture::from(p).await {
        Ok(v) => v,
        Err(e) => panic!("rejected: {}", describe(&e)),
    }
}

#[track_caller]
fn err(p: Promise) -> impl std::future::Future<Output = JsValue> {
    let at = std::panic::Location::caller();
    async move {
        match JsFuture::from(p).await {
            Ok(v) => panic!("{at}: resolved: {:?}", JSON::stringify(&v)),
            Err(e) => e,
        }
    }
}

fn describe(e: &JsValue) -> String {
    format!("{} {}", s(e, "name"), s(e, "message"))
}

/// Asserts the error's class (by `name`, and that it is a real `Error` with the base fields).
fn assert_error(e: &JsValue, class: &str, status: Option<u16>) {
    assert!(e.is_instance_of::<js_sys::Error>(), "{e:?}");
    assert_eq!(s(e, "name"), class, "{}", describe(e));
    let got = get(e, "statusCode").as_f64().map(|n| n as u16);
    assert_eq!(got, status, "{}", describe(e));
    assert!(get(e, "retryable").as_bool().is_some());
}

async fn emulator(method: &str, path: &str, body: Option<&str>) -> JsValue {
    let full = format!("{}{path}", url());
    let req = match method {
        "POST" => Request::post(&full),
        "DELETE" => Request::delete(&full),
        _ => Request::get(&full),
    };
    let resp = match body {
        Some(b) => req
            .header("content-type", "application/json")
            .body(b)
            .unwrap()
            .send()
            .await
            .unwrap(),
        None => req.send().await.unwrap(),
    };
    let text = resp.text().await.unwrap();
    JSON::parse(&text).unwrap_or(JsValue::from_str(&text))
}

async fn fault(spec: &str) {
    emulator("POST", "/_emulator/faults", Some(spec)).await;
}

/// Requests in the emulator's log sent with this test id.
async fn logged(id: &str) -> Vec<JsValue> {
    let all: Array = emulator("GET", "/_emulator/requests", None)
        .await
        .unchecked_into();
    all.iter()
        .filter(|r| s(&get(r, "headers"), "x-test-id") == id)
        .collect()
}

async fn sleep(ms: i32) {
    let p = Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let set_timeout: js_sys::Function = get(&global, "setTimeout").unchecked_into();
        set_timeout
            .call2(&JsValue::NULL, &resolve, &JsValue::from(ms))
            .unwrap();
    });
    JsFuture::from(p).await.unwrap();
}

/// Calls `obj[method](...args)` through JavaScript.
fn call(obj: &JsValue, method: &str, args: &[JsValue]) -> Promise {
    let f: js_sys::Function = get(obj, method).unchecked_into();
    let list: Array = args.iter().collect();
    f.apply(obj, &list).unwrap().unchecked_into()
}

fn abort_controller() -> web_sys::AbortController {
    web_sys::AbortController::new().unwrap()
}

fn with_signal(id: &str, signal: &web_sys::AbortSignal) -> Option<JsValue> {
    let o = opts(id).unwrap();
    set(&o, "abortSignal", signal);
    Some(o)
}

mod aborts_timeouts_retries;
mod key_guard_and_concurrency;
mod profiles;
mod runs;
mod session_handles;
mod sessions;
