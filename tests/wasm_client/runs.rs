//! Run methods: the happy path and real server errors.

use super::*;

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
