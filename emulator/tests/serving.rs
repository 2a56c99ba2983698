//! Static files, the live-view page, proxy mode and the binary's command line.

mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use common::*;
use serde_json::{json, Value};
use skyvern_emulator::Upstream;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("skyvern-emu-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

async fn raw_get(base: &str, path: &str) -> String {
    let addr = base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(format!("GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").as_bytes())
        .await
        .expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).await.expect("read");
    out
}

#[tokio::test]
async fn static_files_with_content_types() {
    let www = temp_dir("www");
    let pkg = temp_dir("pkg");
    std::fs::write(www.join("index.html"), "<!doctype html><title>demo</title>").expect("w");
    std::fs::write(www.join("app.js"), "export const a = 1;").expect("w");
    std::fs::write(www.join("style.css"), "body{}").expect("w");
    std::fs::write(www.join("logo.svg"), "<svg/>").expect("w");
    std::fs::write(www.join("data.json"), "{}").expect("w");
    std::fs::create_dir_all(www.join("sub")).expect("w");
    std::fs::write(www.join("sub/index.html"), "sub").expect("w");
    std::fs::write(pkg.join("skyvern_wasm_bg.wasm"), b"\0asm\x01\0\0\0").expect("w");
    std::fs::write(pkg.join("skyvern_wasm.js"), "export default 1;").expect("w");
    std::fs::write(pkg.join("index.mjs"), "export {};").expect("w");
    std::fs::write(temp_dir("secret").join("secret.txt"), "top secret").expect("w");
    let (w, p) = (www.clone(), pkg.clone());
    let emu = emu_with(move |c| {
        c.www = Some(w);
        c.pkg = Some(p);
    })
    .await;
    for (path, ct, body) in [
        (
            "/",
            "text/html; charset=utf-8",
            "<!doctype html><title>demo</title>",
        ),
        (
            "/index.html",
            "text/html; charset=utf-8",
            "<!doctype html><title>demo</title>",
        ),
        (
            "/app.js",
            "text/javascript; charset=utf-8",
            "export const a = 1;",
        ),
        ("/style.css", "text/css; charset=utf-8", "body{}"),
        ("/logo.svg", "image/svg+xml", "<svg/>"),
        ("/data.json", "application/json", "{}"),
        ("/sub/", "text/html; charset=utf-8", "sub"),
        (
            "/pkg/skyvern_wasm.js",
            "text/javascript; charset=utf-8",
            "export default 1;",
        ),
        (
            "/pkg/index.mjs",
            "text/javascript; charset=utf-8",
            "export {};",
        ),
    ] {
        let r = emu.send("GET", path, None, &[]).await;
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(ct), "{path}");
        assert_eq!(r.text, body, "{path}");
    }
    let r = emu
        .client
        .get(format!("{}/pkg/skyvern_wasm_bg.wasm", emu.base))
        .send()
        .await
        .expect("wasm");
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/wasm")
    );
    assert_eq!(r.bytes().await.expect("bytes").as_ref(), b"\0asm\x01\0\0\0");
    assert_eq!(emu.send("GET", "/missing.js", None, &[]).await.status, 404);

    // traversal, sent raw so no client normalises the dots away
    let secret = format!("/../skyvern-emu-secret-{}/secret.txt", std::process::id());
    for path in [
        secret.as_str(),
        "/pkg/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/pkg/%2e%2e%2fCargo.toml",
        "/..%5c..%5cetc%5cpasswd",
    ] {
        let resp = raw_get(&emu.base, path).await;
        assert!(resp.starts_with("HTTP/1.1 403"), "{path}: {resp}");
        assert!(
            !resp.contains("top secret") && !resp.contains("root:"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn live_view_page_and_state() {
    let emu = emu().await;
    let s = emu.create_session("{}").await;
    let sid = s["browser_session_id"].as_str().expect("id").to_string();
    let app_path = s["app_url"].as_str().unwrap_or("").replace(&emu.base, "");
    assert_eq!(app_path, format!("/browser-session/{sid}"));
    let page = emu.send("GET", &app_path, None, &[]).await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        page.header("x-frame-options"),
        None,
        "the page may be framed"
    );
    assert!(page
        .header("content-security-policy")
        .is_none_or(|c| !c.contains("frame-ancestors 'none'")));
    assert!(page.text.contains(&sid));
    assert!(!page.text.contains("src=\"http") && !page.text.contains("href=\"http"));
    assert!(page.text.contains("/state"));

    let state_path = format!("{app_path}/state");
    let st = emu.send("GET", &state_path, None, &[]).await.json();
    assert_eq!(st["found"], true);
    assert_eq!(st["ended"], false);

    wait_for(Duration::from_secs(3), || async {
        emu.send("GET", &state_path, None, &[]).await.json()["status"] == "running"
    })
    .await;
    let run = emu
        .run_task(&json!({"prompt": "Find the price [steps=4]", "url": "https://shop.example/", "browser_session_id": sid}).to_string())
        .await;
    let rid = run["run_id"].as_str().unwrap_or("").to_string();
    let mut seen_active = false;
    let start = std::time::Instant::now();
    loop {
        let st = emu.send("GET", &state_path, None, &[]).await.json();
        let steps = st["run"]["steps"].as_array().cloned().unwrap_or_default();
        if steps.last().is_some_and(|s| s["state"] == "active") {
            seen_active = true;
        }
        if st["run"]["status"] == "completed" {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "run did not complete"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(seen_active, "the page state shows the step in progress");
    let st = emu.send("GET", &state_path, None, &[]).await.json();
    assert_eq!(st["run"]["id"], json!(rid));
    assert_eq!(st["current_url"], "https://shop.example/");
    assert_eq!(st["run"]["steps"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        st["run"]["steps"][0]["label"],
        "Navigate to https://shop.example/"
    );

    let run_page = emu.send("GET", &format!("/runs/{rid}"), None, &[]).await;
    assert_eq!(run_page.status, 200);
    let rs = emu
        .send("GET", &format!("/runs/{rid}/state"), None, &[])
        .await
        .json();
    assert_eq!(rs["status"], "completed");

    emu.post(&format!("/v1/browser_sessions/{sid}/close"), "")
        .await;
    let st = emu.send("GET", &state_path, None, &[]).await.json();
    assert_eq!(st["ended"], true);
    assert_eq!(st["status"], "completed");
    assert_eq!(st["ended_reason"], "closed");
    let unknown = emu
        .send("GET", "/browser-session/pbs_0/state", None, &[])
        .await
        .json();
    assert_eq!(unknown["found"], false);
}

#[tokio::test]
async fn proxy_mode_forwards_with_the_upstream_key() {
    let upstream = emu_with(|c| c.api_key = "upstream-secret".into()).await;
    let up_base = upstream.base.clone();
    let proxy = emu_with(move |c| {
        c.api_key = "local-key".into();
        c.upstream = Some(Upstream {
            base_url: up_base,
            api_key: "upstream-secret".into(),
        });
    })
    .await;
    // the caller's key is dropped and replaced
    let r = proxy
        .send(
            "POST",
            "/v1/browser_sessions?x=1",
            Some(r#"{"timeout": 30}"#),
            &[
                ("x-api-key", "caller-key"),
                ("content-type", "application/json"),
                ("x-test-id", "proxy-1"),
                ("origin", "http://page.test"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(v["timeout"], 30);
    assert!(v["app_url"]
        .as_str()
        .is_some_and(|u| u.starts_with(&upstream.base)));
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        r.header("x-frame-options"),
        Some("DENY"),
        "upstream headers pass through"
    );
    let log = upstream.requests().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["api_key"], "valid");
    assert_eq!(log[0]["query"], "x=1");
    assert_eq!(log[0]["headers"]["x-test-id"], "proxy-1");
    assert_eq!(log[0]["body"], r#"{"timeout": 30}"#);
    assert!(log[0]["headers"].get("origin").is_none());
    // upstream errors come back as they are
    let r = proxy
        .send("GET", "/v1/runs/tsk_000000000000000000", None, &[])
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.text,
        r#"{"detail":"Task run not found tsk_000000000000000000"}"#
    );
    // an unreachable upstream is a 502
    let dead = emu_with(|c| {
        c.upstream = Some(Upstream {
            base_url: "http://127.0.0.1:9".into(),
            api_key: "k".into(),
        });
    })
    .await;
    let r = dead.send("GET", "/v1/browser_sessions", None, &[]).await;
    assert_eq!(r.status, 502);
    assert!(!r.text.contains("\"k\""));
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_skyvern-emulator")
}

async fn run_bin(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = tokio::process::Command::new(bin());
    cmd.args(args).env_remove("SKYVERN_API_KEY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = tokio::time::timeout(Duration::from_secs(10), cmd.output())
        .await
        .expect("exits in time")
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn binary_rejects_bad_input() {
    let (code, _, err) = run_bin(&["--bogus"], &[]).await;
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown option '--bogus'") && err.contains("USAGE"),
        "{err}"
    );
    let (code, _, err) = run_bin(&["--port", "http"], &[]).await;
    assert_eq!(code, 2);
    assert!(err.contains("invalid port 'http'"), "{err}");
    let (code, _, err) = run_bin(&["--time-scale"], &[]).await;
    assert_eq!(code, 2);
    assert!(err.contains("needs a value"), "{err}");
    let (code, _, err) = run_bin(&["--www", "/definitely/not/here"], &[]).await;
    assert_eq!(code, 2);
    assert!(err.contains("not a directory"), "{err}");
    let (code, _, err) = run_bin(&["--upstream", "https://api.skyvern.com"], &[]).await;
    assert_eq!(code, 2);
    assert!(err.contains("SKYVERN_API_KEY"), "{err}");
    let (code, out, _) = run_bin(&["--help"], &[]).await;
    assert_eq!(code, 0);
    assert!(out.contains("--time-scale") && out.contains("--upstream"));

    // a port that is taken
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let (code, out, err) = run_bin(&["--port", &port], &[]).await;
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(
        err.contains(&format!("cannot listen on 127.0.0.1:{port}")) && err.contains("in use"),
        "{err}"
    );
}

/// Starts the binary; returns the child, its URL and its key line.
async fn spawn_bin(
    args: &[&str],
    env: &[(&str, &str)],
) -> (
    tokio::process::Child,
    String,
    String,
    BufReader<tokio::process::ChildStderr>,
) {
    let mut cmd = tokio::process::Command::new(bin());
    cmd.args(args)
        .env_remove("SKYVERN_API_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stdout).lines();
    let first = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
        .await
        .expect("starts in time")
        .expect("read")
        .expect("a first line");
    let second = lines
        .next_line()
        .await
        .expect("read")
        .expect("a second line");
    (child, first, second, BufReader::new(stderr))
}

#[tokio::test]
async fn binary_starts_logs_and_proxies_with_the_env_key() {
    let upstream = emu_with(|c| c.api_key = "env-secret-key".into()).await;
    let (mut child, first, second, mut stderr) = spawn_bin(
        &[
            "--port",
            "0",
            "--api-key",
            "local",
            "--upstream",
            &upstream.base,
        ],
        &[("SKYVERN_API_KEY", "env-secret-key")],
    )
    .await;
    let url = first
        .strip_prefix("listening on ")
        .expect("first line")
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");
    assert_eq!(second, "api key: local");
    let client = reqwest::Client::new();
    let r = client
        .get(format!("{url}/v1/browser_sessions"))
        .header("x-api-key", "whatever")
        .send()
        .await
        .expect("proxied");
    assert_eq!(r.status().as_u16(), 200);
    let log = upstream.requests().await;
    assert_eq!(
        log.last().map(|e| e["api_key"].clone()),
        Some(Value::from("valid"))
    );
    child.kill().await.expect("kill");
    let mut err = String::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stderr.read_to_string(&mut err)).await;
    assert!(err.contains("GET /v1/browser_sessions 200"), "{err}");
    assert!(
        !err.contains("env-secret-key") && !err.contains("whatever"),
        "no key in logs"
    );
}

#[tokio::test]
async fn binary_serves_with_the_contract_knobs() {
    let (mut child, first, second, _stderr) = spawn_bin(
        &[
            "--port",
            "0",
            "--test-controls",
            "--time-scale",
            "600",
            "--start-delay-ms",
            "200",
            "--step-ms",
            "100",
            "--no-browser",
        ],
        &[],
    )
    .await;
    let url = first
        .strip_prefix("listening on ")
        .expect("first line")
        .to_string();
    let key = second
        .strip_prefix("api key: ")
        .expect("key line")
        .to_string();
    assert!(key.len() >= 20, "a random key is printed");
    let client = reqwest::Client::new();
    let text = client
        .post(format!("{url}/v1/browser_sessions"))
        .header("x-api-key", &key)
        .send()
        .await
        .expect("create")
        .text()
        .await
        .expect("body");
    let s: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(s["status"], "created");
    let r = client
        .get(format!("{url}/_emulator/requests"))
        .send()
        .await
        .expect("log");
    assert_eq!(r.status().as_u16(), 200);
    child.kill().await.expect("kill");
}
