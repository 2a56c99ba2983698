//! Installs what the commands need on a fresh machine and skips what is present.

use crate::util::{self, root};
use serde::Deserialize;
use std::collections::BTreeMap;
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
    pinned_version(&manifest, "wasm-bindgen")?
        .ok_or_else(|| "Cargo.toml must pin wasm-bindgen with `=x.y.z`".to_string())
}

/// The parts of a Cargo manifest that name dependencies.
#[derive(Deserialize)]
struct Manifest {
    #[serde(flatten)]
    deps: DepTables,
    #[serde(default)]
    target: BTreeMap<String, DepTables>,
}

#[derive(Deserialize)]
struct DepTables {
    #[serde(default)]
    dependencies: BTreeMap<String, Dep>,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: BTreeMap<String, Dep>,
}

/// `krate = "1.2"` or `krate = { version = "1.2", … }`.
#[derive(Deserialize)]
#[serde(untagged)]
enum Dep {
    Version(String),
    Detailed { version: Option<String> },
}

/// The exact version (`=x.y.z`) `krate` is pinned to in any dependency table of `manifest`.
fn pinned_version(manifest: &str, krate: &str) -> Result<Option<String>, String> {
    let manifest: Manifest =
        toml::from_str(manifest).map_err(|e| format!("Cargo.toml is not valid TOML: {e}"))?;
    let pinned = std::iter::once(&manifest.deps)
        .chain(manifest.target.values())
        .flat_map(|t| [&t.dependencies, &t.dev_dependencies])
        .filter_map(|deps| match deps.get(krate)? {
            Dep::Version(v) => Some(v.as_str()),
            Dep::Detailed { version } => version.as_deref(),
        })
        .find_map(|v| v.trim().strip_prefix('='))
        .map(|v| v.trim().to_string());
    Ok(pinned)
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

/// What only the bench needs: twiggy (its largest-items lists) and Chromium (its per-call row).
pub fn ensure_bench_tools() -> Result<(), String> {
    ensure_twiggy()?;
    ensure_chromium()
}

/// The twiggy version the bench's lists were made with.
const TWIGGY_VERSION: &str = "0.8.0";

fn ensure_twiggy() -> Result<(), String> {
    let have = util::output(Command::new("twiggy").arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(TWIGGY_VERSION) {
        return Ok(());
    }
    println!("setup: installing twiggy {TWIGGY_VERSION} (about a minute, once per machine)");
    util::run(Command::new("cargo").args([
        "install",
        "twiggy",
        "--version",
        TWIGGY_VERSION,
        "--locked",
    ]))
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

    fn pin(manifest: &str, krate: &str) -> Option<String> {
        pinned_version(manifest, krate).expect("valid TOML")
    }

    #[test]
    fn finds_the_exact_pin() {
        let manifest =
            "[dependencies]\nwasm-bindgen = \"=0.2.130\"\nwasm-bindgen-futures = \"=0.4.80\"\n";
        assert_eq!(pin(manifest, "wasm-bindgen").as_deref(), Some("0.2.130"));
        assert_eq!(
            pin(manifest, "wasm-bindgen-futures").as_deref(),
            Some("0.4.80")
        );
        assert_eq!(pin(manifest, "js-sys"), None);
    }

    #[test]
    fn finds_pins_in_target_tables_and_inline_tables() {
        let manifest = "[target.'cfg(target_arch = \"wasm32\")'.dependencies]\n\
                        wasm-bindgen = { version = \"=0.2.130\", default-features = false }\n\
                        [target.'cfg(unix)'.dev-dependencies]\nwasm-bindgen-test = \"=0.3.80\"\n";
        assert_eq!(pin(manifest, "wasm-bindgen").as_deref(), Some("0.2.130"));
        assert_eq!(
            pin(manifest, "wasm-bindgen-test").as_deref(),
            Some("0.3.80")
        );
    }

    #[test]
    fn an_unpinned_version_is_not_a_pin() {
        assert_eq!(
            pin("[dependencies]\nwasm-bindgen = \"0.2\"\n", "wasm-bindgen"),
            None
        );
        assert_eq!(
            pin(
                "[dependencies]\nwasm-bindgen = { workspace = true }\n",
                "wasm-bindgen"
            ),
            None
        );
    }

    #[test]
    fn a_line_that_only_looks_like_a_pin_is_not_one() {
        let manifest = "[package]\ndescription = \"\"\"\nwasm-bindgen = \"=9.9.9\"\n\"\"\"\n";
        assert_eq!(pin(manifest, "wasm-bindgen"), None);
    }

    #[test]
    fn invalid_toml_is_an_error() {
        assert!(pinned_version("[dependencies\n", "wasm-bindgen").is_err());
    }

    #[test]
    fn the_workspace_pins_wasm_bindgen() {
        let v = super::pinned_wasm_bindgen().expect("pinned");
        assert!(v.split('.').count() == 3, "{v}");
    }
}
