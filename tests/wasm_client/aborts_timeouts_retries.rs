//! Aborts, attempt timeouts, retries of injected faults, and connection errors.

use super::*;

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
