//! Browser profile methods.

use super::*;

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
