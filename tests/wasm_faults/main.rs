//! Fault matrix against the emulator's fault injection, in Node and in headless
//! Chromium: for every operation class (read, close, cancel, create session, run
//! task) and every hostile answer (429 with `Retry-After` in seconds and as an
//! HTTP date, 500, 502, 503 with and without `Retry-After`, 504, a reset
//! connection, a hang longer than the timeout, malformed JSON, an HTML error page,
//! an empty 200, a 200 of the wrong shape, 10 MB bodies), each case checks the
//! number of attempts in the emulator's request log, the error's class, status and
//! message, that nothing was created twice, and that the same client still works.
//!
//! Every client here uses `maxRetries: 1`, so a retried failure shows up as exactly
//! two requests. Cases of one class run concurrently where their paths differ.
#![cfg(target_arch = "wasm32")]

use std::future::Future;
use std::rc::Rc;

use js_sys::{Array, Promise, Reflect, JSON};
use skyvern_wasm::js::client::SkyvernClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use wasm_bindgen_test::*;

#[path = "../wasm_support/mod.rs"]
mod support;
pub(crate) use support::{js, key, url};

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

fn s(v: &JsValue, k: &str) -> String {
    get(v, k).as_string().unwrap_or_default()
}

fn quote(text: &str) -> String {
    JSON::stringify(&JsValue::from_str(text))
        .ok()
        .and_then(|j| j.as_string())
        .unwrap_or_default()
}

fn unique(name: &str) -> String {
    format!("{name}-{}", (js_sys::Math::random() * 1e12) as u64)
}

fn in_page() -> bool {
    !get(&js_sys::global(), "document").is_undefined()
}

fn client() -> Rc<SkyvernClient> {
    let options = js(&format!(
        r#"{{"apiKey":"{}","baseUrl":"{}","dangerouslyAllowBrowser":true,"maxRetries":1,"timeoutInSeconds":60}}"#,
        key(),
        url()
    ));
    Rc::new(SkyvernClient::new(Some(options)).unwrap())
}

/// Request options carrying the case's id (and an attempt timeout for hangs).
fn opts(id: &str, timeout: Option<f64>) -> Option<JsValue> {
    let t = timeout.map_or(String::new(), |t| format!(r#","timeoutInSeconds":{t}"#));
    Some(js(&format!(r#"{{"headers":{{"x-test-id":"{id}"}}{t}}}"#)))
}

async fn emulator(method: &str, path: &str, body: Option<String>) -> Result<JsValue, String> {
    let init = js(&format!(r#"{{"method":"{method}"}}"#));
    if let Some(b) = body {
        let _ = Reflect::set(&init, &"body".into(), &JsValue::from_str(&b));
        let _ = Reflect::set(
            &init,
            &"headers".into(),
            &js(r#"{"content-type":"application/json"}"#),
        );
    }
    let global = js_sys::global();
    let fetch: js_sys::Function = get(&global, "fetch").unchecked_into();
    let p: Promise = fetch
        .call2(
            &global,
            &JsValue::from_str(&format!("{}{path}", url())),
            &init,
        )
        .map_err(|e| format!("{e:?}"))?
        .unchecked_into();
    let resp = JsFuture::from(p).await.map_err(|e| format!("{e:?}"))?;
    let text_fn: js_sys::Function = get(&resp, "text").unchecked_into();
    let p: Promise = text_fn
        .call0(&resp)
        .map_err(|e| format!("{e:?}"))?
        .unchecked_into();
    let text = JsFuture::from(p).await.map_err(|e| format!("{e:?}"))?;
    let text = text.as_string().unwrap_or_default();
    Ok(JSON::parse(&text).unwrap_or(JsValue::from_str(&text)))
}

/// Requests in the emulator's log sent with this id.
async fn logged(id: &str) -> Result<Vec<JsValue>, String> {
    let all: Array = emulator("GET", "/_emulator/requests", None)
        .await?
        .unchecked_into();
    Ok(all
        .iter()
        .filter(|r| s(&get(r, "headers"), "x-test-id") == id)
        .collect())
}

async fn sleep(ms: i32) {
    let p = Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let set_timeout: js_sys::Function = get(&global, "setTimeout").unchecked_into();
        let _ = set_timeout.call2(&JsValue::NULL, &resolve, &JsValue::from(ms));
    });
    let _ = JsFuture::from(p).await;
}

macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {{
        let holds: bool = $cond;
        if !holds {
            return Err(format!($($fmt)+));
        }
    }};
}

/// Runs the futures concurrently; collects every failure (a panic inside one
/// would leave the others hanging, so the checks return errors instead).
async fn all<F: Future<Output = Result<(), String>> + 'static>(tasks: Vec<F>) -> Vec<String> {
    let promises: Array = tasks
        .into_iter()
        .map(|t| {
            JsValue::from(future_to_promise(async move {
                Ok(match t.await {
                    Ok(()) => JsValue::NULL,
                    Err(e) => JsValue::from_str(&e),
                })
            }))
        })
        .collect();
    let done: Array = JsFuture::from(Promise::all(&promises))
        .await
        .map(|v| v.unchecked_into())
        .unwrap_or_default();
    done.iter().filter_map(|v| v.as_string()).collect()
}

mod fault_plans;
mod fault_runs;

use fault_plans::{Case, Op, CASES};
use fault_runs::run_case;

fn report(failures: Vec<String>) {
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Reads, closes and cancels: each case on its own session or run, all at once.
#[wasm_bindgen_test]
async fn idempotent_calls_under_every_fault() {
    let c = client();
    let mut targets = Vec::new();
    for op in [Op::Read, Op::Close, Op::Cancel] {
        for case in CASES {
            let p = if op == Op::Cancel {
                c.run_task(js(r#"{"prompt":"hold [pause]"}"#), None)
            } else {
                c.create_browser_session(Some(js(r#"{"timeout":5}"#)), None)
            };
            targets.push((op, case, p));
        }
    }
    // A page sends at most six requests to one origin at once, and an attempt's
    // timeout runs while it waits: the hangs go last, when nothing else queues.
    let mut tasks = Vec::new();
    let mut hangs = Vec::new();
    let mut sessions = Vec::new();
    for (op, case, p) in targets {
        let v = JsFuture::from(p).await.unwrap();
        let target = s(
            &v,
            if op == Op::Cancel {
                "run_id"
            } else {
                "browser_session_id"
            },
        );
        if op == Op::Read {
            sessions.push(target.clone());
        }
        if case == Case::Hang {
            hangs.push(run_case(c.clone(), op, case, target));
        } else {
            tasks.push(run_case(c.clone(), op, case, target));
        }
    }
    let mut failures = all(tasks).await;
    failures.extend(all(hangs).await);
    for sid in sessions {
        let _ = JsFuture::from(c.close_browser_session(JsValue::from_str(&sid), None)).await;
    }
    report(failures);
}

/// Creates share one path per operation: cases run one after another, and the
/// two operations side by side.
#[wasm_bindgen_test]
async fn creates_under_every_fault_are_never_repeated() {
    let c = client();
    let tasks = [Op::CreateSession, Op::RunTask]
        .into_iter()
        .map(|op| {
            let c = c.clone();
            async move {
                let mut failures = Vec::new();
                for case in CASES {
                    if let Err(e) = run_case(c.clone(), op, case, String::new()).await {
                        failures.push(e);
                    }
                }
                if failures.is_empty() {
                    Ok(())
                } else {
                    Err(failures.join("\n"))
                }
            }
        })
        .collect();
    report(all(tasks).await);
}
