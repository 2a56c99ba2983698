//! A browser's user data kept beyond its process: the cookies and local
//! storage Chromium writes into its profile directory, saved when a session
//! ends and copied into the profile directory of a later session.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::process::DIR_PREFIX;

/// The parts of a Chromium profile directory that hold a sign-in.
const KEPT: [&str; 4] = [
    "Local State",
    "Default/Cookies",
    "Default/Cookies-journal",
    "Default/Local Storage",
];

/// Saved user data still on disk, removed when the emulator stops.
static SAVED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A new directory name in the temp dir, owned by this emulator process (the
/// next emulator removes it if this one is killed outright).
pub fn temp_dir_for(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("{DIR_PREFIX}{}-{name}", std::process::id()))
}

/// Copies the kept parts of the profile directory `from` into `to`.
pub(super) fn save(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::create_dir_all(to)?;
    SAVED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(to.to_path_buf());
    for part in KEPT {
        let src = from.join(part);
        if src.exists() {
            copy_tree(&src, &to.join(part))?;
        }
    }
    if !to.join("Default/Cookies").exists() {
        return Err(io::Error::other("the browser wrote no cookie store"));
    }
    Ok(())
}

/// Copies saved user data into a fresh profile directory.
pub(super) fn restore(saved: &Path, dir: &Path) -> io::Result<()> {
    copy_tree(saved, dir)
}

/// Removes saved user data (a deleted profile, a reset).
pub fn remove(path: &Path) {
    SAVED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|p| p != path);
    let _ = std::fs::remove_dir_all(path);
}

/// Removes every saved directory (when the emulator stops).
pub(super) fn remove_all() {
    let all = std::mem::take(&mut *SAVED.lock().unwrap_or_else(|e| e.into_inner()));
    for p in all {
        let _ = std::fs::remove_dir_all(p);
    }
}

fn copy_tree(src: &Path, dst: &Path) -> io::Result<()> {
    let meta = std::fs::symlink_metadata(src)?;
    if meta.is_dir() {
        std::fs::create_dir_all(dst)?;
        for entry in std::fs::read_dir(src)? {
            let entry = entry?;
            copy_tree(&entry.path(), &dst.join(entry.file_name()))?;
        }
    } else if meta.is_file() {
        if let Some(parent) = dst.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(src, dst)?;
    }
    Ok(())
}
