//! Task shortcuts (`login`, `downloadFiles`: workflow runs with the same
//! lifecycle and one-run-per-session rule as tasks), TOTP codes and uploads.

use serde_json::{json, Value};

use super::echo::Echo;
use super::runs::create_run;
use super::validate::{self, Body, Errors};
use super::{object_or_resp, unprocessable};
use crate::app::{App, Req, Resp};
use crate::util;

/// Credentials the emulator has: there is no credential store, so every id
/// with this prefix (such as `cred_emulator_demo`) stands for a stored
/// credential; any other id is unknown, as on a fresh real server.
pub const CREDENTIAL_ID_PREFIX: &str = "cred_emulator_";

/// The fields `login` and `download_files` share, echoed as the workflow run's request.
fn shortcut_echo(e: &mut Echo, title: &str) {
    e.out
        .insert("workflow_id".into(), json!(util::new_id("w_")));
    e.out.insert("parameters".into(), Value::Null);
    e.out.insert("title".into(), json!(title));
    e.pass("proxy_location", Value::Null);
    e.url("webhook_url");
    e.url("totp_url");
    e.string("totp_identifier");
    e.string("browser_session_id");
    e.out.insert("reuse_browser_session".into(), Value::Null);
    e.string("browser_profile_id");
    e.out.insert("start_fresh_browser".into(), json!(false));
    e.int("max_screenshot_scrolling_times", None, None);
    e.pass("extra_http_headers", Value::Null);
    e.masked("cdp_connect_headers");
    e.string("browser_address");
}

fn workflow_run(app: &App, e: Echo, prompt: String) -> Resp {
    let mut out = e.out;
    if let Some(v) = out.remove("max_screenshot_scrolling_times") {
        out.insert("max_screenshot_scrolls".into(), v);
    }
    let url = e.obj.get("url").and_then(Value::as_str).map(str::to_string);
    create_run(
        app,
        Value::Object(out),
        "workflow_run",
        "wr_",
        true,
        prompt,
        url,
    )
}

/// `POST /v1/run/tasks/login`.
pub(super) fn login(app: &App, body: Body) -> Resp {
    let obj = match object_or_resp(body, true) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let mut e = Echo::new(&obj);
    const KINDS: [&str; 4] = ["skyvern", "bitwarden", "1password", "azure_vault"];
    let kind = match obj.get("credential_type") {
        None => {
            e.errs
                .missing("credential_type", &Value::Object(obj.clone()));
            None
        }
        Some(v) => validate::one_of(&mut e.errs, "credential_type", v, &KINDS),
    };
    shortcut_echo(&mut e, "Login");
    if !e.errs.is_empty() {
        return unprocessable(e.errs);
    }
    if kind.as_deref() == Some("skyvern") {
        match obj.get("credential_id").and_then(Value::as_str) {
            None => {
                return Resp::detail(
                    400,
                    "credential_id is required to login with Skyvern credential",
                )
            }
            Some(c) if !c.starts_with(CREDENTIAL_ID_PREFIX) => {
                return Resp::detail(404, &format!("Credential {c} not found"))
            }
            Some(_) => {}
        }
    }
    let prompt = obj
        .get("prompt")
        .and_then(Value::as_str)
        .unwrap_or("log in")
        .to_string();
    workflow_run(app, e, prompt)
}

/// `POST /v1/run/tasks/download_files`.
pub(super) fn download_files(app: &App, body: Body) -> Resp {
    let obj = match object_or_resp(body, true) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let mut e = Echo::new(&obj);
    let goal = match obj.get("navigation_goal") {
        None => {
            e.errs
                .missing("navigation_goal", &Value::Object(obj.clone()));
            None
        }
        Some(v) => validate::string(&mut e.errs, "navigation_goal", v, false).flatten(),
    };
    shortcut_echo(&mut e, "File Download");
    if !e.errs.is_empty() {
        return unprocessable(e.errs);
    }
    workflow_run(app, e, goal.unwrap_or_default())
}

/// `POST /v1/credentials/totp`. Without an LLM the real server takes only a
/// content that is the code itself; any other text answers 502, as there.
pub(super) fn send_totp(app: &App, body: Body) -> Resp {
    let obj = match object_or_resp(body, true) {
        Ok(o) => o,
        Err(r) => return r,
    };
    // This route's 422 items have no `input` (a hand-made error in the real server).
    let missing: Vec<Value> = ["totp_identifier", "content"]
        .iter()
        .filter(|k| !obj.get(**k).is_some_and(Value::is_string))
        .map(|k| json!({"loc": ["body", k], "msg": "Field required", "type": "missing"}))
        .collect();
    if !missing.is_empty() {
        return Resp::json(422, &json!({ "detail": missing }));
    }
    let content = obj["content"]
        .as_str()
        .unwrap_or_default()
        .trim()
        .to_string();
    if content.is_empty() || !content.bytes().all(|b| b.is_ascii_digit()) {
        return Resp::detail(
            502,
            "OTP extraction is temporarily unavailable. Please retry in a few minutes.",
        );
    }
    let (store, now) = app.store();
    let at = app.clock.iso(now);
    let field = |k: &str| obj.get(k).cloned().unwrap_or(Value::Null);
    Resp::json(
        200,
        &json!({
            "totp_identifier": obj["totp_identifier"], "task_id": field("task_id"),
            "workflow_id": field("workflow_id"), "workflow_run_id": field("workflow_run_id"),
            "source": field("source"), "content": obj["content"], "expired_at": field("expired_at"),
            "type": field("type"), "totp_code_id": util::new_id("totp_"), "code": content,
            "organization_id": store.org_id, "created_at": at, "modified_at": at, "otp_type": "totp",
        }),
    )
}

/// `POST /v1/upload_file`: the `file` part of a multipart body, stored as the
/// local server stores it (a `file://` URI).
pub(super) async fn upload_file(app: &App, req: &Req) -> Resp {
    let missing = || {
        let mut errs = Errors::new();
        errs.push("missing", "file", "Field required", &Value::Null, None);
        unprocessable(errs)
    };
    let Some(boundary) = req
        .header("content-type")
        .and_then(|t| multer::parse_boundary(t).ok())
    else {
        return missing();
    };
    let body = req.body.clone();
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    let mut found = None;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload").to_string();
            if field.bytes().await.is_ok() {
                found = Some(name);
            }
            break;
        }
    }
    let Some(name) = found else { return missing() };
    let (store, _) = app.store();
    let id = util::new_id("file_");
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "._-".contains(*c))
        .collect();
    let uri = format!(
        "file:///emulator/artifacts/local/{}/{id}_{safe}",
        store.org_id
    );
    Resp::json(
        200,
        &json!({"s3_uri": uri, "presigned_url": uri, "file_id": id, "expires_at": null}),
    )
}
