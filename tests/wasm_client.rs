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

fn url() -> &'static str {
    match option_env!("SKYVERN_EMULATOR_URL") {
        Some(u) => u,
        None => panic!("build the tests with SKYVERN_EMULATOR_URL set (cargo xtask test does)"),
    }
}

fn key() -> &'static str {
    option_env!("SKYVERN_EMULATOR_API_KEY").unwrap_or("")
}

fn js(text: &str) -> JsValue {
    JSON::parse(text).unwrap()
}

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

// ------------------------------------------------------------------ sessions

#[wasm_bindgen_test]
async fn session_methods_happy_path() {
    let c = client();
    let id = test_id("sessions");
    let created = ok(c.create_browser_session(Some(js(r#"{"timeout":15}"#)), opts(&id))).await;
    let sid = s(&created, "browser_session_id");
    assert!(sid.starts_with("pbs_"), "{sid}");
    assert_eq!(s(&created, "status"), "created");
    assert_eq!(get(&created, "timeout").as_f64(), Some(15.0));

    let got = ok(c.get_browser_session(JsValue::from_str(&sid), opts(&id))).await;
    assert_eq!(s(&got, "browser_session_id"), sid);

    let list: Array = ok(c.get_browser_sessions(opts(&id))).await.unchecked_into();
    assert!(list.iter().any(|x| s(&x, "browser_session_id") == sid));

    let ready = ok(c.wait_for_browser_session(JsValue::from_str(&sid), None, opts(&id))).await;
    assert_eq!(s(&ready, "status"), "running");
    assert!(!get(&ready, "started_at").is_null());

    let updated = ok(c.update_browser_session(
        JsValue::from_str(&sid),
        js(r#"{"generate_browser_profile":true}"#),
        opts(&id),
    ))
    .await;
    assert_eq!(
        get(&updated, "generate_browser_profile").as_bool(),
        Some(true)
    );

    let extended = ok(c.extend_browser_session(
        JsValue::from_str(&sid),
        js(r#"{"additional_minutes":5}"#),
        opts(&id),
    ))
    .await;
    assert_eq!(get(&extended, "timeout").as_f64(), Some(20.0));

    let closed = ok(c.close_browser_session(JsValue::from_str(&sid), opts(&id))).await;
    assert_eq!(s(&closed, "message"), "Browser session closed");
    let after = ok(c.get_browser_session(JsValue::from_str(&sid), opts(&id))).await;
    assert_eq!(s(&after, "status"), "completed");

    // What went over the wire.
    let log = logged(&id).await;
    let create = &log[0];
    assert_eq!(s(create, "method"), "POST");
    assert_eq!(s(create, "path"), "/v1/browser_sessions");
    assert_eq!(s(create, "api_key"), "valid");
    assert_eq!(s(create, "body"), r#"{"timeout":15}"#);
    let headers = get(create, "headers");
    assert_eq!(s(&headers, "content-type"), "application/json");
    let get_req = log.iter().find(|r| s(r, "method") == "GET").unwrap();
    assert!(get(&get(get_req, "headers"), "content-type").is_undefined());
}

#[wasm_bindgen_test]
async fn session_methods_real_errors() {
    let c = client();
    let missing = JsValue::from_str("pbs_000000000000000000");
    assert_error(
        &err(c.get_browser_session(missing.clone(), None)).await,
        "NotFoundError",
        Some(404),
    );
    assert_error(
        &err(c.close_browser_session(missing.clone(), None)).await,
        "NotFoundError",
        Some(404),
    );
    let e = err(c.update_browser_session(
        missing.clone(),
        js(r#"{"generate_browser_profile":true}"#),
        None,
    ))
    .await;
    assert_error(&e, "NotFoundError", Some(404));
    let e = err(c.extend_browser_session(missing.clone(), js(r#"{"additional_minutes":5}"#), None))
        .await;
    assert_error(&e, "NotFoundError", Some(404));
    let e = err(c.wait_for_browser_session(missing, None, None)).await;
    assert_error(&e, "NotFoundError", Some(404));

    // Wrong key: 403 with the server's detail in the message, never the key.
    let bad = SkyvernClient::new(Some(js(&format!(
        r#"{{"apiKey":"wrong-key-123","baseUrl":"{}","dangerouslyAllowBrowser":true}}"#,
        url()
    ))))
    .unwrap();
    let e = err(bad.create_browser_session(None, None)).await;
    assert_error(&e, "ForbiddenError", Some(403));
    assert!(s(&e, "message").contains("credentials"), "{}", describe(&e));
    assert!(!s(&e, "message").contains("wrong-key-123"));
    assert_error(
        &err(bad.get_browser_sessions(None)).await,
        "ForbiddenError",
        Some(403),
    );

    // Extend on an ended session: 409; run in a closed session: 410.
    let created = ok(c.create_browser_session(None, None)).await;
    let sid = JsValue::from_str(&s(&created, "browser_session_id"));
    ok(c.close_browser_session(sid.clone(), None)).await;
    let e =
        err(c.extend_browser_session(sid.clone(), js(r#"{"additional_minutes":5}"#), None)).await;
    assert_error(&e, "ConflictError", Some(409));
    let req = js(r#"{"prompt":"x"}"#);
    set(&req, "browser_session_id", &sid);
    assert_error(&err(c.run_task(req, None)).await, "GoneError", Some(410));
    // Waiting for an ended session rejects at once.
    let e = err(c.wait_for_browser_session(sid, None, None)).await;
    assert_error(&e, "SkyvernError", None);
    assert!(s(&e, "message").contains("ended"), "{}", describe(&e));

    // Server-side validation: a FastAPI list, rendered readably.
    let e = err(c.create_browser_session(Some(js(r#"{"browser_profile_id":"nope"}"#)), None)).await;
    assert_error(&e, "UnprocessableEntityError", Some(422));
    let m = s(&e, "message");
    assert!(
        m.contains("body.browser_profile_id: String should match pattern"),
        "{m}"
    );
    assert!(Array::is_array(&get(&get(&e, "body"), "detail")));
}

#[wasm_bindgen_test]
async fn invalid_arguments_reject_before_any_request() {
    let c = client();
    let id = test_id("invalid");
    for (promise, field) in [
        (c.run_task(js("{}"), opts(&id)), "request.prompt"),
        (
            c.create_browser_session(Some(js(r#"{"timeout":3}"#)), opts(&id)),
            "request.timeout",
        ),
        (
            c.create_browser_session(Some(js(r#"{"timeout":"abc"}"#)), opts(&id)),
            "request.timeout",
        ),
        (
            c.create_browser_session(Some(js(r#"{"bogus":1}"#)), opts(&id)),
            "request.bogus",
        ),
        (
            c.get_browser_session(JsValue::from_str(""), opts(&id)),
            "browserSessionId",
        ),
        (c.get_run(JsValue::from(5), opts(&id)), "runId"),
        (
            c.get_browser_sessions(Some(js(r#"{"maxRetries":-1}"#))),
            "requestOptions.maxRetries",
        ),
    ] {
        let e = err(promise).await;
        assert_error(&e, "SkyvernError", None);
        assert!(s(&e, "message").starts_with(field), "{}", describe(&e));
    }
    // NaN cannot be sent: named.
    let req = js(r#"{"prompt":"x","data_extraction_schema":{}}"#);
    set(
        &get(&req, "data_extraction_schema"),
        "n",
        &JsValue::from_f64(f64::NAN),
    );
    let e = err(c.run_task(req, opts(&id))).await;
    assert!(
        s(&e, "message").contains("request.data_extraction_schema.n"),
        "{}",
        describe(&e)
    );
    assert!(logged(&id).await.is_empty());
    // The constructor throws at once.
    let e = SkyvernClient::new(Some(js(r#"{"timeoutInSeconds":"60"}"#)))
        .err()
        .unwrap();
    assert!(s(&e, "message").starts_with("options.timeoutInSeconds"));
}

// ------------------------------------------------------------------ runs

#[wasm_bindgen_test]
async fn run_methods_happy_path() {
    let c = client();
    let id = test_id("runs");
    let run = ok(c.run_task(
        js(r#"{"prompt":"Read the heading [steps=2]","url":"https://example.com"}"#),
        opts(&id),
    ))
    .await;
    let rid = s(&run, "run_id");
    assert!(rid.starts_with("tsk_"), "{rid}");
    let got = ok(c.get_run(JsValue::from_str(&rid), opts(&id))).await;
    assert_eq!(s(&got, "run_id"), rid);
    let done = ok(c.wait_for_run(
        JsValue::from_str(&rid),
        Some(js(r#"{"timeout":30}"#)),
        opts(&id),
    ))
    .await;
    assert_eq!(s(&done, "status"), "completed");
    assert!(get(&done, "output").is_object());

    // waitForCompletion with onStatus, ending failed (resolves: it is terminal).
    let seen = Array::new();
    let seen2 = seen.clone();
    let cb = Closure::<dyn FnMut(JsValue)>::new(move |r: JsValue| {
        seen2.push(&get(&r, "status"));
    });
    let req = js(r#"{"prompt":"fail it [fail]","waitForCompletion":true,"timeout":30}"#);
    set(&req, "onStatus", cb.as_ref());
    let failed = ok(c.run_task(req, opts(&id))).await;
    assert_eq!(s(&failed, "status"), "failed");
    assert!(!get(&failed, "failure_reason").is_null());
    assert_eq!(seen.get(seen.length() - 1).as_string().unwrap(), "failed");
    assert!(seen.length() >= 2);

    // A paused run is not terminal: cancel it, then the wait ends.
    let paused = ok(c.run_task(js(r#"{"prompt":"hold [pause]"}"#), opts(&id))).await;
    let pid = JsValue::from_str(&s(&paused, "run_id"));
    let e = err(c.wait_for_run(pid.clone(), Some(js(r#"{"timeout":1}"#)), opts(&id))).await;
    assert_error(&e, "SkyvernTimeoutError", None);
    assert_eq!(s(&get(&e, "lastSeen"), "status"), "paused");
    ok(c.cancel_run(pid.clone(), opts(&id))).await;
    let canceled = ok(c.wait_for_run(pid, None, opts(&id))).await;
    assert_eq!(s(&canceled, "status"), "canceled");

    // Workflow run.
    let wf = ok(c.run_workflow(
        js(r#"{"workflow_id":"wpid_emulator_demo","parameters":{"a":1},"waitForCompletion":true,"timeout":30}"#),
        opts(&id),
    ))
    .await;
    assert!(s(&wf, "run_id").starts_with("wr_"));
    assert_eq!(s(&wf, "status"), "completed");
    let log = logged(&id).await;
    assert!(log.iter().any(|r| s(r, "path") == "/v1/run/agents"));
}

#[wasm_bindgen_test]
async fn run_methods_real_errors() {
    let c = client();
    let missing = JsValue::from_str("tsk_000000000000000000");
    assert_error(
        &err(c.get_run(missing.clone(), None)).await,
        "NotFoundError",
        Some(404),
    );
    assert_error(
        &err(c.cancel_run(missing.clone(), None)).await,
        "NotFoundError",
        Some(404),
    );
    assert_error(
        &err(c.wait_for_run(missing, None, None)).await,
        "NotFoundError",
        Some(404),
    );
    let req = js(r#"{"prompt":"x","browser_session_id":"pbs_000000000000000000"}"#);
    assert_error(
        &err(c.run_task(req, None)).await,
        "NotFoundError",
        Some(404),
    );
    let req =
        js(r#"{"workflow_id":"wpid_emulator_demo","browser_session_id":"pbs_000000000000000000"}"#);
    assert_error(
        &err(c.run_workflow(req, None)).await,
        "NotFoundError",
        Some(404),
    );
}

// ------------------------------------------------------------------ profiles

#[wasm_bindgen_test]
async fn profile_methods() {
    let c = client();
    let id = test_id("profiles");
    let p =
        ok(c.create_browser_profile(js(r#"{"name":"wasm-test","description":"d"}"#), opts(&id)))
            .await;
    let pid = s(&p, "browser_profile_id");
    assert!(pid.starts_with("bp_"));
    let list: Array = ok(c.get_browser_profiles(opts(&id))).await.unchecked_into();
    assert!(list.iter().any(|x| s(&x, "browser_profile_id") == pid));
    let got = ok(c.get_browser_profile(JsValue::from_str(&pid), opts(&id))).await;
    assert_eq!(s(&got, "name"), "wasm-test");
    let deleted = ok(c.delete_browser_profile(JsValue::from_str(&pid), opts(&id))).await;
    assert!(deleted.is_undefined());
    let e = err(c.get_browser_profile(JsValue::from_str(&pid), None)).await;
    assert_error(&e, "NotFoundError", Some(404));
    let e = err(c.delete_browser_profile(JsValue::from_str(&pid), None)).await;
    assert_error(&e, "NotFoundError", Some(404));
    let e = err(c.create_browser_profile(
        js(r#"{"name":"x","browser_session_id":"pbs_000000000000000000"}"#),
        None,
    ))
    .await;
    assert!(s(&e, "name").ends_with("Error"));
    assert!(get(&e, "statusCode").as_f64().is_some());
}

// ------------------------------------------------------------------ handles

#[wasm_bindgen_test]
async fn open_browser_session_handle() {
    let c = client();
    let id = test_id("handle");
    let h = ok(c.open_browser_session(None, opts(&id))).await;
    let hid = s(&h, "id");
    assert!(hid.starts_with("pbs_"));
    assert_eq!(s(&get(&h, "session"), "status"), "running");
    let run = ok(call(
        &h,
        "runTask",
        &[
            js(r#"{"prompt":"in session","waitForCompletion":true}"#),
            opts(&id).unwrap(),
        ],
    ))
    .await;
    assert_eq!(s(&run, "status"), "completed");
    let fresh = ok(call(&h, "refresh", &[opts(&id).unwrap()])).await;
    assert_eq!(s(&fresh, "browser_session_id"), hid);
    ok(call(&h, "close", &[])).await;
    ok(call(&h, "close", &[])).await; // idempotent
    let after = ok(c.get_browser_session(JsValue::from_str(&hid), None)).await;
    assert_eq!(s(&after, "status"), "completed");
    let log = logged(&id).await;
    let run_req = log
        .iter()
        .find(|r| s(r, "path") == "/v1/run/tasks")
        .unwrap();
    assert!(s(run_req, "body").contains(&hid));
}

#[wasm_bindgen_test]
async fn with_browser_session_closes_after_throw() {
    let c = client();
    let captured = Array::new();
    let cap = captured.clone();
    let cb =
        Closure::<dyn FnMut(JsValue) -> Result<JsValue, JsValue>>::new(move |session: JsValue| {
            cap.push(&get(&session, "browser_session_id"));
            Err(JsValue::from_str("boom"))
        });
    let e = err(c.with_browser_session(JsValue::UNDEFINED, cb.as_ref().clone(), None)).await;
    assert_eq!(e.as_string().as_deref(), Some("boom"));
    let sid = captured.get(0);
    let after = ok(c.get_browser_session(sid, None)).await;
    assert_eq!(s(&after, "status"), "completed");

    let value = Closure::<dyn FnMut(JsValue) -> JsValue>::new(|_s: JsValue| JsValue::from(42));
    let v = ok(c.with_browser_session(JsValue::UNDEFINED, value.as_ref().clone(), None)).await;
    assert_eq!(v.as_f64(), Some(42.0));
}

// ------------------------------------------------------------------ aborts, timeouts, retries

#[wasm_bindgen_test]
async fn abort_before_sends_nothing() {
    let c = client();
    let id = test_id("abort-before");
    let ctrl = abort_controller();
    ctrl.abort_with_reason(&JsValue::from_str("stop"));
    let e = err(c.get_browser_sessions(with_signal(&id, &ctrl.signal()))).await;
    assert_eq!(e.as_string().as_deref(), Some("stop"));
    let e = err(c.create_browser_session(None, with_signal(&id, &ctrl.signal()))).await;
    assert_eq!(e.as_string().as_deref(), Some("stop"));
    assert!(logged(&id).await.is_empty());
}

#[wasm_bindgen_test]
async fn abort_during_a_request_rejects_at_once_with_the_reason() {
    let c = client();
    let id = test_id("abort-during");
    fault(r#"{"method":"GET","path":"/v1/browser_sessions","times":1,"hang":true}"#).await;
    let ctrl = abort_controller();
    let p = c.get_browser_sessions(with_signal(&id, &ctrl.signal()));
    sleep(150).await;
    let started = js_sys::Date::now();
    // A non-Error reason must not break the fetch layer.
    ctrl.abort_with_reason(&JsValue::from_str("user left"));
    let e = err(p).await;
    assert_eq!(e.as_string().as_deref(), Some("user left"));
    assert!(js_sys::Date::now() - started < 1000.0);
    assert_eq!(logged(&id).await.len(), 1, "aborts are not retried");

    // Abort while polling.
    let run = ok(c.run_task(js(r#"{"prompt":"hold [pause]"}"#), opts(&id))).await;
    let ctrl = abort_controller();
    let options = js("{}");
    set(&options, "abortSignal", &ctrl.signal());
    let p = c.wait_for_run(get(&run, "run_id"), Some(options), None);
    sleep(400).await;
    let reason = js_sys::Error::new("gave up");
    ctrl.abort_with_reason(&reason);
    let e = err(p).await;
    assert_eq!(s(&e, "message"), "gave up");
    ok(c.cancel_run(get(&run, "run_id"), None)).await;
}

#[wasm_bindgen_test]
async fn attempt_timeout_rejects_with_timeout_error() {
    let c = client();
    let id = test_id("timeout");
    fault(r#"{"method":"GET","path":"/v1/browser_sessions","times":1,"hang":true}"#).await;
    let o = js(&format!(
        r#"{{"timeoutInSeconds":0.4,"headers":{{"x-test-id":"{id}"}}}}"#
    ));
    let started = js_sys::Date::now();
    let e = err(c.get_browser_sessions(Some(o))).await;
    assert_error(&e, "SkyvernTimeoutError", None);
    assert!(js_sys::Date::now() - started < 3000.0);
    assert_eq!(logged(&id).await.len(), 1, "never retried after a timeout");
}

#[wasm_bindgen_test]
async fn retries_an_injected_503_with_retry_after() {
    let c = client();
    let id = test_id("retry");
    fault(r#"{"method":"GET","path":"/v1/browser_profiles","times":1,"status":503,"headers":{"retry-after":"1"},"body":"{\"error\":\"Database temporarily unavailable\"}"}"#).await;
    let started = js_sys::Date::now();
    let list = ok(c.get_browser_profiles(opts(&id))).await;
    assert!(Array::is_array(&list));
    let log = logged(&id).await;
    assert_eq!(log.len(), 2);
    // Node reads Retry-After (1 s); a cross-origin page cannot and backs off ~1 s too.
    assert!(js_sys::Date::now() - started >= 850.0);

    // A create retries a 503 that carries Retry-After: nothing was created.
    let id = test_id("retry-create");
    fault(r#"{"method":"POST","path":"/v1/run/tasks","times":1,"status":503,"headers":{"retry-after":"1"},"body":"{\"detail\":\"The server is busy dispatching other runs. No run was created; retry this request.\"}"}"#).await;
    let in_page = !get(&js_sys::global(), "document").is_undefined();
    if in_page {
        // Cross-origin pages cannot read Retry-After (the server exposes no headers), so
        // the client cannot tell "nothing was created": it does not repeat the create.
        let e = err(c.run_task(js(r#"{"prompt":"after busy"}"#), opts(&id))).await;
        assert_error(&e, "InternalServerError", Some(503));
        assert_eq!(logged(&id).await.len(), 1);
    } else {
        let run = ok(c.run_task(js(r#"{"prompt":"after busy"}"#), opts(&id))).await;
        assert!(s(&run, "run_id").starts_with("tsk_"));
        assert_eq!(logged(&id).await.len(), 2);
    }
}

#[wasm_bindgen_test]
async fn a_create_under_a_hang_or_500_is_sent_exactly_once() {
    let c = client();
    let id = test_id("create-once");
    fault(r#"{"method":"POST","path":"/v1/browser_sessions","times":1,"hang":true}"#).await;
    let o = js(&format!(
        r#"{{"timeoutInSeconds":0.5,"maxRetries":3,"headers":{{"x-test-id":"{id}"}}}}"#
    ));
    let e = err(c.create_browser_session(None, Some(o))).await;
    assert_error(&e, "SkyvernTimeoutError", None);
    sleep(300).await;
    assert_eq!(logged(&id).await.len(), 1);

    let id = test_id("create-once-500");
    fault(r#"{"method":"POST","path":"/v1/run/tasks","times":1,"status":500,"body":"{\"error\":\"Unexpected error: RuntimeError\"}"}"#).await;
    let o = js(&format!(
        r#"{{"maxRetries":3,"headers":{{"x-test-id":"{id}"}}}}"#
    ));
    let e = err(c.run_task(js(r#"{"prompt":"x"}"#), Some(o))).await;
    assert_error(&e, "InternalServerError", Some(500));
    assert!(s(&e, "message").contains("Unexpected error: RuntimeError"));
    assert_eq!(logged(&id).await.len(), 1);
}

#[wasm_bindgen_test]
async fn connection_errors() {
    let c = SkyvernClient::new(Some(js(
        r#"{"apiKey":"k","baseUrl":"http://127.0.0.1:9","maxRetries":0,"timeoutInSeconds":5,"dangerouslyAllowBrowser":true}"#,
    )))
    .unwrap();
    let e = err(c.get_browser_sessions(None)).await;
    assert_error(&e, "SkyvernConnectionError", None);
    assert_eq!(get(&e, "retryable").as_bool(), Some(true));
}

#[wasm_bindgen_test]
fn browser_key_guard() {
    let in_page = !get(&js_sys::global(), "document").is_undefined();
    let result = SkyvernClient::new(Some(js(r#"{"apiKey":"sk-secret-1"}"#)));
    if in_page {
        let e = result.err().unwrap();
        assert_error(&e, "SkyvernError", None);
        assert!(s(&e, "message").contains("dangerouslyAllowBrowser"));
        assert!(!s(&e, "message").contains("sk-secret-1"));
    } else {
        assert!(result.is_ok());
    }
    // Without a key (a proxy adds it) there is nothing to guard.
    assert!(SkyvernClient::new(Some(js(r#"{"baseUrl":"https://proxy.example/skyvern"}"#))).is_ok());
}

#[wasm_bindgen_test]
async fn twenty_parallel_calls() {
    let c = client();
    let id = test_id("parallel");
    let promises = Array::new();
    for i in 0..20 {
        let p = if i % 2 == 0 {
            c.get_browser_sessions(opts(&id))
        } else {
            c.get_browser_profiles(opts(&id))
        };
        promises.push(&p);
    }
    let all: Array = ok(Promise::all(&promises)).await.unchecked_into();
    assert_eq!(all.length(), 20);
    assert!(all.iter().all(|v| Array::is_array(&v)));
    assert_eq!(logged(&id).await.len(), 20);
}
