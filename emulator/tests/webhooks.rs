//! Run webhooks over real HTTP: a receiver on 127.0.0.1 gets the signed run
//! when it ends, `retry_webhook` sends it again, and the test controls spoil it.

mod common;

use std::convert::Infallible;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use common::{emu, wait_for, Emu, KEY};

/// One delivery as the receiver got it.
struct Got {
    path: String,
    headers: hyper::HeaderMap,
    body: Bytes,
}

impl Got {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// A receiver on 127.0.0.1 answering 204; returns its URL and the deliveries.
async fn receiver() -> (String, mpsc::UnboundedReceiver<Got>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!(
        "http://{}/hooks/skyvern",
        listener.local_addr().expect("addr")
    );
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let tx = tx.clone();
                    async move {
                        let path = req.uri().path().to_string();
                        let headers = req.headers().clone();
                        let body = req.into_body().collect().await.map(|b| b.to_bytes());
                        let _ = tx.send(Got {
                            path,
                            headers,
                            body: body.unwrap_or_default(),
                        });
                        let mut resp = hyper::Response::new(Full::new(Bytes::from_static(b"")));
                        *resp.status_mut() = hyper::StatusCode::NO_CONTENT;
                        Ok::<_, Infallible>(resp)
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    (url, rx)
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Got>) -> Got {
    match tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
        Ok(Some(got)) => got,
        _ => panic!("no webhook arrived within 5 s"),
    }
}

fn hmac_hex(key: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()).expect("key");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn now_s() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

async fn finished_run(e: &Emu, prompt: &str, url: &str) -> String {
    let body = json!({ "prompt": prompt, "webhook_url": url }).to_string();
    let run = e.run_task(&body).await;
    run["run_id"].as_str().expect("run_id").to_string()
}

/// Waits until run `id` has a terminal status.
async fn ended(e: &Emu, id: &str) {
    let path = format!("/v1/runs/{id}");
    wait_for(Duration::from_secs(5), || async {
        let status = e.get(&path).await.json()["status"].clone();
        ["completed", "failed", "terminated", "canceled", "timed_out"]
            .iter()
            .any(|s| status == *s)
    })
    .await;
}

#[tokio::test]
async fn a_finished_run_is_posted_signed_to_its_webhook_url() {
    let e = emu().await;
    let (url, mut rx) = receiver().await;
    let id = finished_run(&e, "Read it [steps=1] [fail]", &url).await;
    let got = next(&mut rx).await;
    assert_eq!(got.path, "/hooks/skyvern");
    assert_eq!(got.header("content-type"), Some("application/json"));
    // The signature is Skyvern's: lowercase hex HMAC-SHA-256 of the raw body.
    assert_eq!(
        got.header("x-skyvern-signature"),
        Some(hmac_hex(KEY, &got.body).as_str())
    );
    let stamp: i64 = got
        .header("x-skyvern-timestamp")
        .and_then(|t| t.parse().ok())
        .expect("timestamp");
    assert!((now_s() - stamp).abs() <= 5, "timestamp {stamp}");
    // Compact JSON of the run as getRun returns it, without run_request (as the real
    // server), with task_id as well.
    let mut run = got.json();
    assert!(run.get("run_request").is_none(), "run_request is left out");
    let compact = serde_json::to_string(&run).unwrap_or_default();
    assert_eq!(compact.as_bytes(), &got.body[..], "not compact JSON");
    assert_eq!(run["run_id"], json!(id));
    assert_eq!(run["task_id"], json!(id));
    assert_eq!(run["status"], "failed");
    assert!(run["failure_reason"].is_string());
    if let Some(m) = run.as_object_mut() {
        m.remove("task_id");
    }
    let mut fetched = e.get(&format!("/v1/runs/{id}")).await.json();
    if let Some(m) = fetched.as_object_mut() {
        m.remove("run_request");
    }
    assert_eq!(run, fetched);
    // Once only.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(rx.try_recv().is_err(), "a second delivery");
}

#[tokio::test]
async fn runs_without_a_webhook_url_send_nothing_and_cancel_sends_one() {
    let e = emu().await;
    let (url, mut rx) = receiver().await;
    let plain = e.run_task(r#"{"prompt":"[steps=1]"}"#).await;
    let paused = finished_run(&e, "Wait [pause]", &url).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        rx.try_recv().is_err(),
        "a delivery before anything ended with a webhook_url"
    );
    assert!(plain["run_id"].is_string());
    let r = e.post(&format!("/v1/runs/{paused}/cancel"), "").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let got = next(&mut rx).await;
    assert_eq!(got.json()["status"], "canceled");
    assert_eq!(got.json()["run_id"], json!(paused));
}

#[tokio::test]
async fn retry_webhook_sends_again_and_reports_the_delivery() {
    let e = emu().await;
    let (url, mut rx) = receiver().await;
    let (other, mut other_rx) = receiver().await;
    let id = finished_run(&e, "[steps=1]", &url).await;
    let first = next(&mut rx).await;
    let path = format!("/v1/runs/{id}/retry_webhook");
    let r = e.post(&path, "").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let again = next(&mut rx).await;
    assert_eq!(again.json(), first.json());
    let report = r.json();
    assert_eq!(report["run_id"], json!(id));
    assert_eq!(report["run_type"], "task_v1");
    assert_eq!(report["status_code"], 204);
    assert_eq!(report["target_webhook_url"], json!(url));
    assert_eq!(
        report["payload"],
        json!(String::from_utf8_lossy(&again.body))
    );
    assert_eq!(
        report["headers"]["x-skyvern-signature"],
        json!(again.header("x-skyvern-signature"))
    );
    // To another URL when the body names one.
    let r = e
        .post(&path, &json!({ "webhook_url": other }).to_string())
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["default_webhook_url"], json!(url));
    assert_eq!(next(&mut other_rx).await.json()["run_id"], json!(id));
    // Unknown run, a run without a webhook_url, no key.
    let r = e.post("/v1/runs/tsk_404/retry_webhook", "").await;
    assert_eq!(
        (r.status, r.json()["detail"].clone()),
        (404, json!("Run tsk_404 not found"))
    );
    let plain = e.run_task(r#"{"prompt":"[steps=1]"}"#).await;
    let plain = plain["run_id"].as_str().unwrap_or("").to_string();
    ended(&e, &plain).await;
    let r = e
        .post(&format!("/v1/runs/{plain}/retry_webhook"), "{}")
        .await;
    assert_eq!(
        (r.status, r.json()["detail"].clone()),
        (400, json!("No webhook URL configured for the run."))
    );
    let r = e.send("POST", &path, None, &[]).await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn test_controls_spoil_the_next_deliveries() {
    let e = emu().await;
    let (url, mut rx) = receiver().await;
    let id = finished_run(&e, "[steps=1]", &url).await;
    let good = next(&mut rx).await;
    let path = format!("/v1/runs/{id}/retry_webhook");
    for tamper in [
        "tampered_body",
        "stale_timestamp",
        "missing_signature",
        "wrong_key",
        "not_json",
    ] {
        let r = e
            .post(
                "/_emulator/webhooks/tamper",
                &json!({ "tamper": tamper }).to_string(),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(e.post(&path, "").await.status, 200);
        let got = next(&mut rx).await;
        let sig = got.header("x-skyvern-signature").map(str::to_string);
        let valid = sig.as_deref() == Some(hmac_hex(KEY, &got.body).as_str());
        let stamp: i64 = got
            .header("x-skyvern-timestamp")
            .and_then(|t| t.parse().ok())
            .unwrap_or(0);
        let fresh = (now_s() - stamp).abs() <= 5;
        let parsed = serde_json::from_slice::<Value>(&got.body).is_ok();
        let expected = match tamper {
            "tampered_body" => (false, true, true),
            "stale_timestamp" => (true, false, true),
            "wrong_key" => (false, true, true),
            "not_json" => (true, true, false),
            _ => (false, true, true),
        };
        assert_eq!((valid, fresh, parsed), expected, "{tamper}");
        assert_eq!(sig.is_none(), tamper == "missing_signature", "{tamper}");
        if tamper == "tampered_body" {
            assert_eq!(got.json(), good.json(), "same JSON, other bytes");
        }
    }
    // Spoilers are used up: the next one is good again.
    assert_eq!(e.post(&path, "").await.status, 200);
    let got = next(&mut rx).await;
    assert_eq!(
        got.header("x-skyvern-signature"),
        Some(hmac_hex(KEY, &got.body).as_str())
    );
    let log = e.get("/_emulator/webhooks").await.json();
    let tampers: Vec<Value> = log
        .as_array()
        .map(|l| l.iter().map(|d| d["tamper"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(tampers.len(), 7, "{log}");
    assert_eq!(tampers[1], "tampered_body");
    assert!(
        log[0]["sent_at_ms"].as_f64().is_some_and(|t| t > 1.0e12),
        "{log}"
    );
    let r = e
        .post("/_emulator/webhooks/tamper", r#"{"tamper":"louder"}"#)
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn retry_webhook_of_a_run_still_going_is_a_400_as_the_real_server() {
    let e = emu().await;
    let (url, mut rx) = receiver().await;
    let id = finished_run(&e, "[steps=2] [duration=2s]", &url).await;
    let plain = e.run_task(r#"{"prompt":"[steps=2] [duration=2s]"}"#).await;
    let plain = plain["run_id"].as_str().unwrap_or("").to_string();
    // A spoiler queued now must still be there for the run's own delivery.
    let r = e
        .post("/_emulator/webhooks/tamper", r#"{"tamper":"not_json"}"#)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    wait_for(Duration::from_secs(5), || async {
        e.get(&format!("/v1/runs/{id}")).await.json()["status"] == "running"
    })
    .await;
    // With or without a URL on the run or in the body: the run must have ended first.
    for (run, body) in [
        (&id, String::new()),
        (&id, json!({ "webhook_url": url }).to_string()),
        (&plain, String::new()),
    ] {
        let r = e
            .post(&format!("/v1/runs/{run}/retry_webhook"), &body)
            .await;
        let status = e.get(&format!("/v1/runs/{run}")).await.json()["status"].clone();
        let detail = format!(
            "Run {run} has not reached a terminal state (status={}).",
            status.as_str().unwrap_or_default()
        );
        assert_eq!((r.status, r.json()["detail"].clone()), (400, json!(detail)));
    }
    assert!(rx.try_recv().is_err(), "a refused replay sent something");
    let first = next(&mut rx).await;
    assert_eq!(&first.body[..], b"not json", "the spoiler was kept");
    let r = e.post(&format!("/v1/runs/{id}/retry_webhook"), "").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(next(&mut rx).await.json()["status"], "completed");
}
