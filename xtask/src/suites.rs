//! `cargo xtask test`: every suite in order — lints, host tests, the built package in Node,
//! Chromium and the other runtimes — then a summary table.

use crate::build::{build_package, cargo_for_wasm};
use crate::emulator::{self, Emulator};
use crate::runner::Runner;
use crate::setup;
use crate::util::{self, root};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The suites that need the built package.
const PACKAGE_SUITES: [&str; 6] = [
    "wasm-node",
    "wasm-chromium",
    "js",
    "types",
    "runtimes",
    "e2e",
];

pub fn cmd_test(only: Option<Vec<String>>, real_server: bool, browser: bool) -> Result<(), String> {
    setup::ensure_all(browser)?;
    let mut r = Runner::new(only);
    clippy_suite(&mut r);
    r.suite(
        "format",
        Command::new("cargo").args(["fmt", "--all", "--", "--check"]),
    );
    r.check("core-is-js-free", core_is_js_free);
    r.suite(
        "host",
        Command::new("cargo").args(["test", "--no-fail-fast", "--workspace"]),
    );
    // The bench rebuilds the `.wasm` without its optional parts to size them.
    r.check("features", check_features);
    package_suites(&mut r, browser);
    if real_server {
        real_server_suite(&mut r);
    }
    if r.summary() {
        Ok(())
    } else {
        Err("some suites failed (see the summary above)".into())
    }
}

/// `clippy`: every workspace crate and target on the host, then the library and its tests
/// for wasm32; any warning fails its row.
fn clippy_suite(r: &mut Runner) {
    r.suite_row(
        "clippy",
        "clippy (host)",
        Command::new("cargo").args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    );
    r.suite_row(
        "clippy",
        "clippy (wasm32)",
        Command::new("cargo").args([
            "clippy",
            "-p",
            "skyvern-wasm",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    );
}

/// The library compiles for wasm32 with each subset of its optional parts.
fn check_features() -> Result<(), String> {
    for features in ["client", "live-view", "proxy", "webhooks"] {
        util::run(&mut cargo_for_wasm("check", features))?;
    }
    Ok(())
}

/// Builds the package and the emulator, then runs the suites that use them.
fn package_suites(r: &mut Runner, browser: bool) {
    if !PACKAGE_SUITES.iter().any(|s| r.wanted(s)) {
        return;
    }
    let built = r.check("package", || build_package(false));
    let (bin, emu) = start_emulator(r);
    if !built {
        for name in PACKAGE_SUITES {
            if r.wanted(name) {
                r.skip(name, "the package did not build");
            }
        }
    }
    if let (true, Some(emu), Some(bin)) = (built, emu.as_ref(), bin.as_ref()) {
        wasm_suites(r, emu, browser);
        node_suites(r, emu, bin, browser);
        types_suite(r);
    }
}

/// The emulator binary and one emulator for the shared suites, each recorded as a failed
/// check when it cannot be had.
fn start_emulator(r: &mut Runner) -> (Option<PathBuf>, Option<Emulator>) {
    let bin = match emulator::build_binary() {
        Ok(bin) => bin,
        Err(e) => {
            eprintln!("{e}");
            r.check("emulator-build", || Err(e));
            return (None, None);
        }
    };
    // The shared suites run on emulated browsers: fast and deterministic. The end-to-end tests
    // start their own emulator, backed by a real Chromium.
    match Emulator::start(&bin, &["--no-browser"]) {
        Ok(emu) => {
            println!(
                "\nemulator for the suites: {} (log: {})",
                emu.url,
                emu.log.display()
            );
            (Some(bin), Some(emu))
        }
        Err(e) => {
            r.check("emulator-start", || Err(e));
            (Some(bin), None)
        }
    }
}

fn wasm_test_command(emu: &Emulator) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.args([
        "test",
        "--no-fail-fast",
        "--target",
        "wasm32-unknown-unknown",
        "--tests",
        "-p",
        "skyvern-wasm",
    ])
    .envs(emu.env());
    cmd
}

/// The wasm-bindgen tests in Node, then in headless Chromium.
fn wasm_suites(r: &mut Runner, emu: &Emulator, browser: bool) {
    r.suite("wasm-node", &mut wasm_test_command(emu));
    if !browser {
        if r.wanted("wasm-chromium") {
            r.skip("wasm-chromium", "--no-browser");
        }
        return;
    }
    let mut chrome = wasm_test_command(emu);
    // Only the client: the page then imports two JS modules instead of a dozen. The
    // test runner's file server (tiny_http) can leave a connection unserved when
    // Chromium opens more connections at once than it has idle threads, and the page
    // then waits on that module until Chromium drops the idle socket (minutes). With
    // every feature the page stalled in about one run in three; with the client
    // alone, none in twelve.
    chrome.args(["--no-default-features", "--features", "client"]);
    // With CI set, wasm-bindgen-test-runner's headless page stalls until
    // chromedriver's 300 s limit; the same run passes in seconds without it.
    chrome
        .env_remove("CI")
        .env("WASM_BINDGEN_USE_BROWSER", "1")
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        // The runner's 20 s default covers a whole test file in the browser;
        // the fault matrix alone takes about that long on a busy machine.
        .env("WASM_BINDGEN_TEST_TIMEOUT", "180");
    r.suite_twice_on_failure("wasm-chromium", &mut chrome);
}

/// `node --test` over the built package: its own tests, the runtimes, end to end.
fn node_suites(r: &mut Runner, emu: &Emulator, bin: &Path, browser: bool) {
    for (name, dir) in [
        ("js", "tests/js"),
        ("runtimes", "tests/runtimes"),
        ("e2e", "tests/e2e"),
    ] {
        if !r.wanted(name) {
            continue;
        }
        if !browser && name == "e2e" {
            r.skip(name, "--no-browser");
            continue;
        }
        let files = node_test_files(&root().join(dir));
        if files.is_empty() {
            r.skip(name, &format!("no test files in {dir}/"));
            continue;
        }
        let mut node = Command::new("node");
        node.arg("--test")
            .arg("--test-reporter=tap")
            .args(&files)
            .envs(emu.env())
            .env("SKYVERN_EMULATOR_BIN", bin)
            .env("SKYVERN_TEST_NO_BROWSER", if browser { "0" } else { "1" });
        r.suite(name, &mut node);
    }
}

/// The package's `.d.ts` checked by tsc against typed usage.
fn types_suite(r: &mut Runner) {
    let root = root();
    if root.join("tests/types/tsconfig.json").exists() {
        r.suite(
            "types",
            Command::new(root.join("node_modules/.bin/tsc")).args([
                "-p",
                "tests/types/tsconfig.json",
                "--noEmit",
            ]),
        );
    } else if r.wanted("types") {
        r.skip("types", "no tests/types/tsconfig.json");
    }
}

fn real_server_suite(r: &mut Runner) {
    let script = root().join("tests/real-server/run.sh");
    if script.exists() {
        r.suite("real-server", Command::new("bash").arg(script));
    } else {
        r.check("real-server", || {
            Err("tests/real-server/run.sh is missing".into())
        });
    }
}

fn node_test_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if name != "node_modules" && name != "dist" {
                    walk(&path, out);
                }
            } else if name.ends_with(".test.mjs") || name.ends_with(".test.js") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

/// Core modules must not name JS types: only `src/js/` and `src/transport/fetch.rs` may.
fn core_is_js_free() -> Result<(), String> {
    let mut offenders = Vec::new();
    fn walk(dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(root())
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .into_owned();
                if rel.starts_with("src/js/")
                    || rel == "src/transport/fetch.rs"
                    || rel == "src/lib.rs"
                {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for (i, line) in text.lines().enumerate() {
                    let names_js = ["wasm_bindgen", "web_sys", "js_sys", "gloo_net", "JsValue"]
                        .iter()
                        .any(|w| {
                            line.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                                .any(|tok| tok == *w)
                        });
                    if names_js {
                        out.push(format!("{rel}:{}: {}", i + 1, line.trim()));
                    }
                }
            }
        }
    }
    walk(&root().join("src"), &mut offenders);
    if offenders.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "JS types outside src/js/ and src/transport/fetch.rs:\n{}",
            offenders.join("\n")
        ))
    }
}
