//! Builds and runs the local Skyvern emulator for the test suites.

use crate::util::{self, root};
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Builds the emulator binary (debug profile) and returns its path.
pub fn build_binary() -> Result<PathBuf, String> {
    build_with_profile("dev")
}

/// Builds the emulator with the given cargo profile and returns its path.
pub fn build_with_profile(profile: &str) -> Result<PathBuf, String> {
    util::run(Command::new("cargo").args([
        "build",
        "--quiet",
        "--profile",
        profile,
        "-p",
        "skyvern-emulator",
    ]))?;
    let dir = if profile == "dev" { "debug" } else { profile };
    let bin = root().join("target").join(dir).join("skyvern-emulator");
    if bin.exists() {
        Ok(bin)
    } else {
        Err(format!(
            "the emulator was built but {} is missing",
            bin.display()
        ))
    }
}

/// A running emulator; stopped when dropped.
pub struct Emulator {
    child: Child,
    pub url: String,
    pub api_key: String,
    pub log: PathBuf,
}

impl Emulator {
    /// Starts `bin` on a free loopback port with test controls and fast time.
    pub fn start(bin: &PathBuf, extra: &[&str]) -> Result<Emulator, String> {
        let mut args = vec![
            "--test-controls",
            "--time-scale",
            "600",
            "--start-delay-ms",
            "200",
            "--step-ms",
            "100",
            "--www",
            "www",
            "--pkg",
            "pkg",
        ];
        args.extend_from_slice(extra);
        Emulator::launch(bin, &args, "emulator-test.log")
    }

    /// Starts `bin` on a free loopback port with a fresh key and `args`; its log
    /// goes to `target/<log_name>`.
    pub fn launch(bin: &PathBuf, args: &[&str], log_name: &str) -> Result<Emulator, String> {
        let api_key = util::random_key();
        let log = root().join("target").join(log_name);
        let log_file = std::fs::File::create(&log)
            .map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let mut child = Command::new(bin)
            .current_dir(root())
            .args(["--host", "127.0.0.1", "--port", "0", "--api-key", &api_key])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log_file))
            .spawn()
            .map_err(|e| format!("could not start the emulator: {e}"))?;
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            return Err("the emulator's output could not be read".into());
        };
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut first = String::new();
            let _ = reader.read_line(&mut first);
            let _ = tx.send(first);
            // Keep draining so the emulator never blocks on a full pipe.
            let mut sink = Vec::new();
            let _ = reader.read_to_end(&mut sink);
        });
        let first = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                return Err("the emulator did not report its address within 30 s".into());
            }
        };
        let Some(url) = first
            .trim()
            .strip_prefix("listening on ")
            .map(str::to_string)
        else {
            let _ = child.kill();
            let _ = child.wait();
            let log_text = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(format!(
                "the emulator did not start (first line: {:?}); its log:\n{log_text}",
                first.trim()
            ));
        };
        Ok(Emulator {
            child,
            url,
            api_key,
            log,
        })
    }

    /// Environment variables that point tests at this emulator.
    pub fn env(&self) -> [(&'static str, String); 2] {
        [
            ("SKYVERN_EMULATOR_URL", self.url.clone()),
            ("SKYVERN_EMULATOR_API_KEY", self.api_key.clone()),
        ]
    }
}

impl Drop for Emulator {
    /// Asks the emulator to stop (SIGTERM lets it close the browsers it started), then kills
    /// it if it has not exited within five seconds.
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let asked = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .is_ok_and(|s| s.success());
        if asked {
            let deadline = std::time::Instant::now() + Duration::from_secs(5);
            while std::time::Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
