//! The binary's command line: bad input, logging, proxying and the contract knobs.

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

use crate::common::*;

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
