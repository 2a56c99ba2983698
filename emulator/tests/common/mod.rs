//! Starts an emulator in-process on 127.0.0.1:0 and talks to it over HTTP.
#![allow(dead_code)]

use std::future::Future;
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use serde_json::Value;
use skyvern_emulator::{start, Config};

pub mod sockets;

pub const KEY: &str = "test-key-123";

pub struct Emu {
    pub base: String,
    pub key: String,
    pub client: reqwest::Client,
}

pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Fast clock: one emulated minute = 100 ms, browser up after 60 ms, 60 ms steps.
pub fn fast_config() -> Config {
    Config {
        host: "127.0.0.1".into(),
        port: 0,
        api_key: KEY.into(),
        test_controls: true,
        time_scale_ms: 100,
        start_delay_ms: 60,
        step_ms: 60,
        log_requests: false,
        chromium: None,
        ..Config::default()
    }
}

pub async fn emu() -> Emu {
    emu_with(|_| {}).await
}

pub async fn emu_with(f: impl FnOnce(&mut Config)) -> Emu {
    let mut cfg = fast_config();
    f(&mut cfg);
    let key = cfg.api_key.clone();
    let (addr, _task) = start(cfg).await.expect("emulator starts");
    Emu {
        base: format!("http://{addr}"),
        key,
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .expect("client"),
    }
}

impl Emu {
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut rb = self.client.request(m, format!("{}{}", self.base, path));
        for (n, v) in headers {
            rb = rb.header(*n, *v);
        }
        if let Some(b) = body {
            rb = rb.body(b.to_string());
        }
        let r = rb.send().await.expect("request sent");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.expect("body read");
        Reply {
            status,
            headers,
            text,
        }
    }

    /// With the valid key and a JSON content type.
    pub async fn post(&self, path: &str, body: &str) -> Reply {
        self.send(
            "POST",
            path,
            Some(body),
            &[
                ("x-api-key", &self.key),
                ("content-type", "application/json"),
            ],
        )
        .await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send("GET", path, None, &[("x-api-key", &self.key)])
            .await
    }

    pub async fn create_session(&self, body: &str) -> Value {
        let r = self.post("/v1/browser_sessions", body).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.json()
    }

    pub async fn running_session(&self) -> String {
        let s = self.create_session("{}").await;
        let id = s["browser_session_id"].as_str().expect("id").to_string();
        let path = format!("/v1/browser_sessions/{id}");
        wait_for(Duration::from_secs(5), || async {
            self.get(&path).await.json()["status"] == "running"
        })
        .await;
        id
    }

    pub async fn run_task(&self, body: &str) -> Value {
        let r = self.post("/v1/run/tasks", body).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.json()
    }

    /// Polls a run until it is terminal (or paused); returns every distinct
    /// (status, step_count) seen and the final body.
    pub async fn follow_run(&self, id: &str, limit: Duration) -> (Vec<(String, Value)>, Value) {
        let start = Instant::now();
        let mut seen: Vec<(String, Value)> = Vec::new();
        loop {
            let v = self.get(&format!("/v1/runs/{id}")).await.json();
            let st = v["status"].as_str().unwrap_or("").to_string();
            let item = (st.clone(), v["step_count"].clone());
            if seen.last() != Some(&item) {
                seen.push(item);
            }
            if matches!(
                st.as_str(),
                "completed" | "failed" | "terminated" | "canceled" | "timed_out" | "paused"
            ) {
                return (seen, v);
            }
            assert!(start.elapsed() < limit, "run {id} did not finish: {seen:?}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    pub async fn requests(&self) -> Vec<Value> {
        let r = self.send("GET", "/_emulator/requests", None, &[]).await;
        assert_eq!(r.status, 200);
        r.json().as_array().cloned().unwrap_or_default()
    }

    pub async fn fault(&self, body: &str) -> u64 {
        let r = self
            .send(
                "POST",
                "/_emulator/faults",
                Some(body),
                &[("content-type", "application/json")],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.json()["id"].as_u64().expect("fault id")
    }
}

pub async fn wait_for<F, Fut>(limit: Duration, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    while !f().await {
        assert!(
            start.elapsed() < limit,
            "condition not met within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A naive ISO timestamp with microseconds, like `2026-11-25T03:19:29.623708`.
pub fn is_naive_ts(v: &Value) -> bool {
    let Some(s) = v.as_str() else { return false };
    let b = s.as_bytes();
    (s.len() == 26 || s.len() == 19)
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && (s.len() == 19 || b[19] == b'.')
        && s.chars().filter(|c| c.is_ascii_digit()).count()
            == s.len() - 5 - usize::from(s.len() == 26)
}

pub fn is_id(v: &Value, prefix: &str) -> bool {
    v.as_str().is_some_and(|s| {
        s.strip_prefix(prefix)
            .is_some_and(|d| d.len() == 18 && d.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Same keys in the same order; values equal except for `dynamic` keys,
/// which only need the same null-ness.
pub fn assert_shape(actual: &Value, expected: &Value, dynamic: &[&str]) {
    let (a, e) = (
        actual.as_object().expect("actual object"),
        expected.as_object().expect("expected object"),
    );
    let ak: Vec<&String> = a.keys().collect();
    let ek: Vec<&String> = e.keys().collect();
    assert_eq!(ak, ek, "field set/order differs");
    for (k, ev) in e {
        let av = &a[k];
        if dynamic.contains(&k.as_str()) {
            assert_eq!(av.is_null(), ev.is_null(), "null-ness of {k}: {av} vs {ev}");
        } else {
            assert_eq!(av, ev, "field {k}");
        }
    }
}
