//! Installs what the commands need on a fresh machine and skips what is present.

use crate::util::{self, root};
use std::process::Command;

/// Everything: build tools and the browser used by the browser tests.
pub fn ensure_all(with_browser: bool) -> Result<(), String> {
    ensure_build_tools()?;
    if with_browser {
        ensure_chromium()?;
    }
    Ok(())
}

/// The wasm32 target, wasm-bindgen-cli at the crate's pinned version, and the npm tooling.
pub fn ensure_build_tools() -> Result<(), String> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_npm_packages()
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed = util::output(Command::new("rustup").args(["target", "list", "--installed"]))
        .unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    println!("setup: adding the wasm32-unknown-unknown target");
    util::run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// The `wasm-bindgen` version the crate pins with `=` in Cargo.toml.
pub fn pinned_wasm_bindgen() -> Result<String, String> {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml"))
        .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
    pinned_version(&manifest, "wasm-bindgen")
        .ok_or_else(|| "Cargo.toml must pin wasm-bindgen with `=x.y.z`".to_string())
}

fn pinned_version(manifest: &str, krate: &str) -> Option<String> {
    manifest.lines().find_map(|line| {
        let (name, rest) = line.split_once('=')?;
        if name.trim() != krate {
            return None;
        }
        let start = rest.find("\"=")? + 2;
        let tail = &rest[start..];
        let end = tail.find('"')?;
        Some(tail[..end].to_string())
    })
}

fn ensure_wasm_bindgen() -> Result<(), String> {
    let want = pinned_wasm_bindgen()?;
    let have = util::output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(want.as_str()) {
        return Ok(());
    }
    println!("setup: installing wasm-bindgen-cli {want} (a few minutes, once per machine)");
    // No --locked: the CLI's own lockfile names a crate version the registry no longer serves.
    util::run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &want]))
}

fn ensure_npm_packages() -> Result<(), String> {
    let root = root();
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules/.package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&installed)) {
        (Ok(l), Ok(i)) => match (l.modified(), i.modified()) {
            (Ok(l), Ok(i)) => i >= l,
            _ => false,
        },
        _ => false,
    };
    if fresh && root.join("node_modules/.bin/wasm-opt").exists() {
        return Ok(());
    }
    if !util::on_path("npm") {
        return Err("npm is needed (Node.js 20 or newer): install Node.js and npm first".into());
    }
    println!("setup: npm ci (build and test tooling from package-lock.json)");
    util::run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]))
}

/// Debian's chromium and chromium-driver, for the browser tests.
pub fn ensure_chromium() -> Result<(), String> {
    if util::on_path("/usr/bin/chromium") && util::on_path("/usr/bin/chromedriver") {
        return Ok(());
    }
    let is_root = util::output(Command::new("id").arg("-u")).is_some_and(|s| s.trim() == "0");
    if !is_root {
        return Err(
            "the browser tests need Debian's chromium and chromium-driver: run \
             `sudo apt-get install -y chromium chromium-driver`, or pass --no-browser"
                .into(),
        );
    }
    println!("setup: installing Debian's chromium and chromium-driver");
    util::run(
        Command::new("apt-get")
            .arg("update")
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    util::run(
        Command::new("apt-get")
            .args([
                "install",
                "-y",
                "--no-install-recommends",
                "chromium",
                "chromium-driver",
            ])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

#[cfg(test)]
mod tests {
    use super::pinned_version;

    #[test]
    fn finds_the_exact_pin() {
        let manifest =
            "[dependencies]\nwasm-bindgen = \"=0.2.130\"\nwasm-bindgen-futures = \"=0.4.80\"\n";
        assert_eq!(
            pinned_version(manifest, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(
            pinned_version(manifest, "wasm-bindgen-futures").as_deref(),
            Some("0.4.80")
        );
        assert_eq!(pinned_version(manifest, "js-sys"), None);
    }

    #[test]
    fn an_unpinned_version_is_not_a_pin() {
        assert_eq!(
            pinned_version("wasm-bindgen = \"0.2\"\n", "wasm-bindgen"),
            None
        );
    }

    #[test]
    fn the_workspace_pins_wasm_bindgen() {
        let v = super::pinned_wasm_bindgen().expect("pinned");
        assert!(v.split('.').count() == 3, "{v}");
    }
}
