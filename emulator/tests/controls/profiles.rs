//! Browser profiles.

use serde_json::{json, Value};

use crate::common::*;

#[tokio::test]
async fn browser_profiles() {
    let emu = emu().await;
    let p = profile_from_a_session(&emu).await;
    let pid = p["browser_profile_id"].as_str().unwrap_or("").to_string();
    listed_searched_and_paged(&emu, &pid).await;
    read_used_and_deleted(&emu, &p, &pid).await;
    creation_errors(&emu).await;
}

/// A profile made from a session, with the real server's fields in order.
async fn profile_from_a_session(emu: &Emu) -> Value {
    let sid = emu.create_session(r#"{"browser_type": "chrome"}"#).await["browser_session_id"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let r = emu
        .post(
            "/v1/browser_profiles",
            &json!({"name": "Logged in", "description": "after login", "browser_session_id": sid})
                .to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let p = r.json();
    let keys: Vec<&String> = p.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        vec![
            "browser_profile_id",
            "organization_id",
            "name",
            "description",
            "source_browser_type",
            "proxy_location",
            "proxy_session_id",
            "is_managed",
            "workflow_permanent_id",
            "browser_profile_key_digest",
            "created_at",
            "modified_at",
            "deleted_at",
            "last_verified_login_at",
            "linked_credential_name"
        ]
    );
    assert!(is_id(&p["browser_profile_id"], "bp_"));
    assert_eq!(p["source_browser_type"], "chrome");
    assert_eq!(p["is_managed"], false);

    p
}

/// Newest first, `search_key` ignores case, pages count from 1.
async fn listed_searched_and_paged(emu: &Emu, pid: &str) {
    let blank = emu
        .post("/v1/browser_profiles", r#"{"name": "Blank"}"#)
        .await
        .json();
    let list = emu.get("/v1/browser_profiles").await.json();
    assert_eq!(list.as_array().map(Vec::len), Some(2));
    assert_eq!(list[0]["browser_profile_id"], blank["browser_profile_id"]);
    let found = emu
        .get("/v1/browser_profiles?search_key=LOGGED")
        .await
        .json();
    assert_eq!(found.as_array().map(Vec::len), Some(1));
    let paged = emu
        .get("/v1/browser_profiles?page=2&page_size=1")
        .await
        .json();
    assert_eq!(paged[0]["browser_profile_id"], json!(pid));
    assert_eq!(emu.get("/v1/browser_profiles?page=0").await.status, 422);
}

/// Read back, a session starts from it, deleted once (204) and then unknown.
async fn read_used_and_deleted(emu: &Emu, p: &Value, pid: &str) {
    assert_eq!(
        emu.get(&format!("/v1/browser_profiles/{pid}")).await.json(),
        *p
    );
    // a session can start from it
    let s = emu
        .create_session(&json!({"browser_profile_id": pid}).to_string())
        .await;
    assert_eq!(s["browser_profile_id"], json!(pid));

    let r = emu
        .send(
            "DELETE",
            &format!("/v1/browser_profiles/{pid}"),
            None,
            &[("x-api-key", KEY)],
        )
        .await;
    assert_eq!((r.status, r.text.as_str()), (204, ""));
    // FastAPI keeps the JSON content type on the empty 204.
    assert_eq!(r.header("content-type"), Some("application/json"));
    let org = p["organization_id"].as_str().unwrap_or("");
    let r = emu.get(&format!("/v1/browser_profiles/{pid}")).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.text,
        format!(r#"{{"detail":"Browser profile {pid} not found for organization {org}"}}"#)
    );
    let r = emu
        .send(
            "DELETE",
            &format!("/v1/browser_profiles/{pid}"),
            None,
            &[("x-api-key", KEY)],
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.json()["detail"],
        format!("Browser profile {pid} not found for organization {org}")
    );
    assert_eq!(
        emu.get("/v1/browser_profiles")
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

/// Errors when creating a profile.
async fn creation_errors(emu: &Emu) {
    let r = emu.post("/v1/browser_profiles", "{}").await;
    assert_eq!(
        r.text,
        r#"{"detail":[{"type":"missing","loc":["body","name"],"msg":"Field required","input":{}}]}"#
    );
    let r = emu.post("/v1/browser_profiles", r#"{"name": ""}"#).await;
    assert_eq!(r.json()["detail"][0]["type"], "string_too_short");
    let r = emu
        .post("/v1/browser_profiles", r#"{"name": "Blank"}"#)
        .await;
    assert_eq!(r.status, 409);
    let r = emu
        .post(
            "/v1/browser_profiles",
            r#"{"name": "x", "browser_session_id": "pbs_000000000000000000"}"#,
        )
        .await;
    assert_eq!(r.status, 400);
    let r = emu.send("GET", "/v1/browser_profiles", None, &[]).await;
    assert_eq!(r.status, 403);
}
