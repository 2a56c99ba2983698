//! Small helpers: running commands, random keys.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

/// A random 32-hex-digit key for the emulator.
pub fn random_key() -> String {
    let mut bytes = [0u8; 16];
    let filled = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .is_ok();
    if !filled {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        bytes = (nanos ^ u128::from(std::process::id())).to_le_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Describes a command for messages: program and arguments.
pub fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Runs a command with inherited output; fails with a message naming it.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    cmd.current_dir(root());
    let what = describe(cmd);
    let status = cmd
        .status()
        .map_err(|e| format!("could not run `{what}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{what}` failed ({status})"))
    }
}

/// Runs a command, returning its stdout when it succeeds.
pub fn output(cmd: &mut Command) -> Option<String> {
    cmd.stderr(Stdio::null());
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Runs a command, echoing its output line by line while keeping a copy.
/// Returns whether it succeeded and everything it printed.
pub fn run_tee(cmd: &mut Command) -> Result<(bool, String), String> {
    cmd.current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let what = describe(cmd);
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("could not run `{what}`: {e}"))?;
    let captured = Arc::new(Mutex::new(String::new()));
    let mut threads = Vec::new();
    if let Some(out) = child.stdout.take() {
        threads.push(tee(out, captured.clone(), false));
    }
    if let Some(err) = child.stderr.take() {
        threads.push(tee(err, captured.clone(), true));
    }
    let status = child
        .wait()
        .map_err(|e| format!("`{what}` could not be waited for: {e}"))?;
    for t in threads {
        let _ = t.join();
    }
    let text = captured.lock().map(|s| s.clone()).unwrap_or_default();
    Ok((status.success(), text))
}

fn tee(
    stream: impl Read + Send + 'static,
    sink: Arc<Mutex<String>>,
    to_stderr: bool,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if to_stderr {
                let _ = writeln!(std::io::stderr(), "{line}");
            } else {
                let _ = writeln!(std::io::stdout(), "{line}");
            }
            if let Ok(mut s) = sink.lock() {
                s.push_str(&line);
                s.push('\n');
            }
        }
    })
}

/// Whether a program can be found on PATH (or is an existing path).
pub fn on_path(program: &str) -> bool {
    if program.contains('/') {
        return Path::new(program).exists();
    }
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_keys_are_32_hex_digits_and_differ() {
        let a = random_key();
        let b = random_key();
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn run_tee_captures_output_and_status() {
        let (ok, text) = run_tee(Command::new("sh").args(["-c", "echo one; echo two >&2; exit 3"]))
            .expect("sh runs");
        assert!(!ok);
        assert!(text.contains("one") && text.contains("two"), "{text}");
    }
}
