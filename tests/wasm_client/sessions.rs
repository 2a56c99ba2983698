//! Browser session methods: the happy path, real server errors, and arguments refused before sending.

use super::*;

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
