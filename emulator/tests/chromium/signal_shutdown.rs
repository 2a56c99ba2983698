//! Stopping the emulator with a signal leaves no browser behind.

use super::{
    browsers_of, chromium, user_data_dir, wait_gone, wait_running, CHROMIUM, LONG, ONE_AT_A_TIME,
};

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::Emu;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_the_emulator_with_a_signal_kills_its_browsers() {
    let Some(_) = chromium() else { return };
    let _turn = ONE_AT_A_TIME.lock().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_skyvern-emulator"))
        .args([
            "--port",
            "0",
            "--api-key",
            "sig-key",
            "--start-delay-ms",
            "0",
        ])
        .args(["--chromium", CHROMIUM])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("emulator starts");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("first line");
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .expect("listening line")
        .to_string();
    let e = Emu {
        base,
        key: "sig-key".into(),
        client: reqwest::Client::new(),
    };
    let s = e.create_session("{}").await;
    let id = s["browser_session_id"].as_str().expect("id").to_string();
    wait_running(&e, &id).await;
    let pids = browsers_of(child.id());
    assert_eq!(pids.len(), 1, "{pids:?}");
    let dir = user_data_dir(pids[0]);

    // SAFETY: signalling our own child process.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let until = Instant::now() + LONG;
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        assert!(Instant::now() < until, "the emulator did not stop");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    wait_gone(pids[0], dir.as_deref()).await;
}
