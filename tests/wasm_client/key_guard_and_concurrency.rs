//! The browser key guard, and many calls in parallel on one client.

use super::*;

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
