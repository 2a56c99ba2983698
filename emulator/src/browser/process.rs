//! Chromium processes: every one started is known, so none outlives the emulator.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Mutex;
use std::time::Duration;

use tokio::io::{BufReader, Lines};
use tokio::process::{ChildStderr, Command};

/// Every browser process group and profile directory still alive, so that a
/// signal handler can remove them all synchronously.
static LIVE: Mutex<Vec<(u32, PathBuf)>> = Mutex::new(Vec::new());

pub(super) fn register(pid: u32, dir: &Path) {
    LIVE.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((pid, dir.to_path_buf()));
}

pub(super) fn unregister(pid: u32) {
    LIVE.lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|(p, _)| *p != pid);
}

/// Kills the whole process group of a browser.
pub(super) fn kill_group(pid: u32) {
    #[cfg(unix)]
    {
        if let Ok(pgid) = i32::try_from(pid) {
            if pgid > 1 {
                // SAFETY: kill(2) with a negative pid signals that process
                // group; the group was created for this browser alone.
                unsafe {
                    libc::kill(-pgid, libc::SIGKILL);
                }
            }
        }
    }
    #[cfg(not(unix))]
    let _ = pid;
}

/// Kills every browser at once and removes their profile directories (on
/// SIGINT/SIGTERM and when the server stops).
pub fn kill_all() {
    let live: Vec<(u32, PathBuf)> =
        std::mem::take(&mut *LIVE.lock().unwrap_or_else(|e| e.into_inner()));
    for (pid, _) in &live {
        kill_group(*pid);
    }
    if !live.is_empty() {
        std::thread::sleep(Duration::from_millis(150));
    }
    for (_, dir) in &live {
        let _ = std::fs::remove_dir_all(dir);
    }
    super::userdata::remove_all();
}
pub(super) const DIR_PREFIX: &str = "skyvern-emulator-";

/// Removes profile directories left by emulators that were killed outright
/// (their browsers die with them, their directories stay).
pub(super) fn sweep_stale_profiles() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(DIR_PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if cfg!(target_os = "linux") && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// `/usr/bin/chromium` when it exists.
pub fn default_chromium() -> Option<PathBuf> {
    let p = PathBuf::from("/usr/bin/chromium");
    p.exists().then_some(p)
}

/// The command that starts a headless Chromium with its own profile in `dir`,
/// in a process group of its own that is killed with the emulator.
pub(super) fn chromium_command(chromium: &Path, dir: &Path) -> Command {
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        "--window-size=1280,720",
    ])
    .arg(format!("--user-data-dir={}", dir.display()))
    .arg("about:blank")
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .kill_on_drop(true);
    #[cfg(unix)]
    {
        cmd.process_group(0);
    }
    #[cfg(target_os = "linux")]
    {
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
    }
    cmd
}

/// Reads Chromium's stderr until it prints its DevTools address.
pub(super) async fn devtools_address(
    lines: &mut Lines<BufReader<ChildStderr>>,
) -> Result<String, String> {
    let found = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(i) = line.find("DevTools listening on ") {
                return Some(line[i + 22..].trim().to_string());
            }
        }
        None
    })
    .await;
    match found {
        Ok(Some(a)) if a.starts_with("ws://") => Ok(a),
        Ok(_) => Err("the browser exited before it was ready".into()),
        Err(_) => Err("the browser did not start within 30 s".into()),
    }
}
