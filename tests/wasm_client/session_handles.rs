//! Session handles: openBrowserSession, and withBrowserSession closing after a throw.

use super::*;

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
