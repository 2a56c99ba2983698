//! Chromium processes: every one started is known, so none outlives the emulator.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

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
