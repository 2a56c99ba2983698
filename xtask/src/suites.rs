//! The package build, the test suites in order, and the benchmark.

use crate::emulator::{self, Emulator};
use crate::setup;
use crate::util::{self, root};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("copying {} to {}: {e}", from.display(), to.display()))
}

/// Builds the npm package into `pkg/`: cargo → wasm-bindgen (web target) →
/// rolldown (one minified module shared by the runtime entries) → wasm-opt -Oz.
pub fn build_package(dev: bool) -> Result<(), String> {
    let mut cargo = Command::new("cargo");
    cargo.args([
        "build",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "skyvern-wasm",
    ]);
    if !dev {
        cargo.arg("--release");
    }
    util::run(&mut cargo)?;
    let profile = if dev { "debug" } else { "release" };
    let wasm = root()
        .join("target/wasm32-unknown-unknown")
        .join(profile)
        .join("skyvern_wasm.wasm");
    let pkg = root().join("pkg");
    // wasm-bindgen writes the glue, its snippets and the types into a scratch
    // directory; the hand-written entries join them there and rolldown bundles
    // the lot into `pkg/` (see xtask/bundle.mjs).
    let gen = root().join("target/pkg-gen");
    let _ = std::fs::remove_dir_all(&gen);
    util::run(Command::new("wasm-bindgen").args([
        "--target".as_ref(),
        "web".as_ref(),
        "--out-dir".as_ref(),
        gen.as_os_str(),
        "--out-name".as_ref(),
        "skyvern_wasm".as_ref(),
        wasm.as_os_str(),
    ]))?;
    let entries = root().join("src/js/entries");
    let sources =
        std::fs::read_dir(&entries).map_err(|e| format!("reading {}: {e}", entries.display()))?;
    for entry in sources.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "js") {
            copy(&path, &gen.join(entry.file_name()))?;
        }
    }
    copy(
        &gen.join("skyvern_wasm.d.ts"),
        &pkg.join("skyvern_wasm.d.ts"),
    )?;
    // Every `.js` in pkg/ is generated: clear them so no stale module ships.
    for entry in std::fs::read_dir(&pkg).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "js") {
            let _ = std::fs::remove_file(path);
        }
    }
    let _ = std::fs::remove_file(pkg.join("skyvern_wasm_bg.wasm.d.ts"));
    // Builds from before bundling left the glue's snippets here.
    let _ = std::fs::remove_dir_all(pkg.join("snippets"));
    let mut bundle = Command::new("node");
    bundle
        .arg(root().join("xtask/bundle.mjs"))
        .arg(&gen)
        .arg(&pkg);
    if dev {
        bundle.arg("--no-minify");
    }
    util::run(&mut bundle)?;
    let bg = pkg.join("skyvern_wasm_bg.wasm");
    if dev {
        copy(&gen.join("skyvern_wasm_bg.wasm"), &bg)?;
    } else {
        let mut opt = Command::new(root().join("node_modules/.bin/wasm-opt"));
        opt.arg("-Oz")
            .args(WASM_OPT_FEATURES)
            .args([
                "--strip-debug",
                "--strip-producers",
                "--strip-target-features",
            ])
            .arg(gen.join("skyvern_wasm_bg.wasm"))
            .arg("-o")
            .arg(&bg);
        util::run(&mut opt)?;
    }
    let size = std::fs::metadata(pkg.join("skyvern_wasm_bg.wasm"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!("build: pkg/skyvern_wasm_bg.wasm is {size} bytes ({profile})");
    Ok(())
}

/// Counts read from the test runners' closing lines.
#[derive(Default, Debug, Clone, Copy, PartialEq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
    }
}

/// Reads the summary lines of cargo test / wasm-bindgen-test-runner and node --test.
pub fn parse_counts(output: &str) -> Counts {
    let mut c = Counts::default();
    for line in output.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("test result: ") {
            // "ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.1s"
            for part in rest.split(';') {
                let words: Vec<&str> = part.split_whitespace().collect();
                let n = |i: usize| {
                    words
                        .get(i)
                        .and_then(|w| w.parse::<u64>().ok())
                        .unwrap_or(0)
                };
                match (
                    words.iter().position(|w| *w == "passed"),
                    words.iter().position(|w| *w == "failed"),
                    words.iter().position(|w| *w == "ignored"),
                ) {
                    (Some(i), _, _) if i > 0 => c.passed += n(i - 1),
                    (_, Some(i), _) if i > 0 => c.failed += n(i - 1),
                    (_, _, Some(i)) if i > 0 => c.skipped += n(i - 1),
                    _ => {}
                }
            }
            continue;
        }
        let node = line.strip_prefix("# ").or_else(|| line.strip_prefix("ℹ "));
        if let Some(rest) = node {
            let mut words = rest.split_whitespace();
            let (Some(kind), Some(n), None) = (words.next(), words.next(), words.next()) else {
                continue;
            };
            let Ok(n) = n.parse::<u64>() else { continue };
            match kind {
                "pass" => c.passed += n,
                "fail" => c.failed += n,
                "skipped" | "todo" => c.skipped += n,
                _ => {}
            }
        }
    }
    c
}

struct Outcome {
    name: String,
    ok: bool,
    skipped_reason: Option<String>,
    counts: Counts,
    seconds: f64,
}

struct Runner {
    only: Option<Vec<String>>,
    outcomes: Vec<Outcome>,
}

impl Runner {
    fn wanted(&self, name: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|o| o.iter().any(|n| n == name))
    }

    fn skip(&mut self, name: &str, why: &str) {
        println!("\n=== {name}: skipped ({why})");
        self.outcomes.push(Outcome {
            name: name.into(),
            ok: true,
            skipped_reason: Some(why.into()),
            counts: Counts::default(),
            seconds: 0.0,
        });
    }

    /// Runs one suite command, echoing its output and recording its counts.
    fn suite(&mut self, name: &str, cmd: &mut Command) {
        if !self.wanted(name) {
            return;
        }
        println!("\n=== {name}: {}", util::describe(cmd));
        let start = Instant::now();
        let (ok, counts) = match util::run_tee(cmd) {
            Ok((ok, text)) => (ok, parse_counts(&text)),
            Err(e) => {
                eprintln!("{e}");
                (false, Counts::default())
            }
        };
        self.record(name, ok, counts, start);
    }

    /// Like `suite`, but a failed run is repeated once and the summary says so. Only for the
    /// headless-Chromium wasm run, whose test page occasionally stalls until chromedriver's
    /// 300 s limit; a failure on the second run fails the suite.
    fn suite_twice_on_failure(&mut self, name: &str, cmd: &mut Command) {
        if !self.wanted(name) {
            return;
        }
        println!("\n=== {name}: {}", util::describe(cmd));
        let start = Instant::now();
        let first = util::run_tee(cmd).map(|(ok, text)| (ok, parse_counts(&text)));
        if let Ok((true, counts)) = first {
            self.record(name, true, counts, start);
            return;
        }
        println!("\n=== {name}: failed; running it once more");
        let (ok, counts) = match util::run_tee(cmd) {
            Ok((ok, text)) => (ok, parse_counts(&text)),
            Err(e) => {
                eprintln!("{e}");
                (false, Counts::default())
            }
        };
        self.record(&format!("{name} (second run)"), ok, counts, start);
    }

    /// Runs a check written in Rust.
    fn check(&mut self, name: &str, f: impl FnOnce() -> Result<(), String>) -> bool {
        if !self.wanted(name) {
            return true;
        }
        println!("\n=== {name}");
        let start = Instant::now();
        let ok = match f() {
            Ok(()) => true,
            Err(e) => {
                eprintln!("{name}: {e}");
                false
            }
        };
        self.record(name, ok, Counts::default(), start);
        ok
    }

    fn record(&mut self, name: &str, ok: bool, mut counts: Counts, start: Instant) {
        if !ok && counts.failed == 0 {
            counts.failed = 1;
        }
        if ok && counts == Counts::default() {
            counts.passed = 1;
        }
        self.outcomes.push(Outcome {
            name: name.into(),
            ok,
            skipped_reason: None,
            counts,
            seconds: start.elapsed().as_secs_f64(),
        });
    }

    fn summary(&self) -> bool {
        println!("\n=== summary\n");
        println!("| suite | result | passed | failed | skipped | seconds |");
        println!("|---|---|---:|---:|---:|---:|");
        let mut total = Counts::default();
        for o in &self.outcomes {
            let result = match (&o.skipped_reason, o.ok) {
                (Some(why), _) => format!("skipped: {why}"),
                (None, true) => "ok".into(),
                (None, false) => "FAILED".into(),
            };
            println!(
                "| {} | {} | {} | {} | {} | {:.1} |",
                o.name, result, o.counts.passed, o.counts.failed, o.counts.skipped, o.seconds
            );
            total.add(o.counts);
        }
        let all_ok = self.outcomes.iter().all(|o| o.ok);
        println!();
        println!(
            "tests: {} passed, {} failed, {} skipped",
            total.passed, total.failed, total.skipped
        );
        all_ok
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
pub fn core_is_js_free() -> Result<(), String> {
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

pub fn cmd_test(only: Option<Vec<String>>, real_server: bool, browser: bool) -> Result<(), String> {
    setup::ensure_all(browser)?;
    let mut r = Runner {
        only,
        outcomes: Vec::new(),
    };
    let root = root();

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
    r.check("features", || {
        for features in ["", "live-view", "proxy"] {
            util::run(Command::new("cargo").args([
                "check",
                "--target",
                "wasm32-unknown-unknown",
                "-p",
                "skyvern-wasm",
                "--no-default-features",
                "--features",
                features,
            ]))?;
        }
        Ok(())
    });

    let needs_package = [
        "wasm-node",
        "wasm-chromium",
        "js",
        "types",
        "runtimes",
        "e2e",
    ]
    .iter()
    .any(|s| r.wanted(s));
    let built = !needs_package || r.check("package", || build_package(false));
    let bin = match emulator::build_binary() {
        Ok(bin) => Some(bin),
        Err(e) => {
            eprintln!("{e}");
            r.check("emulator-build", || Err(e));
            None
        }
    };
    // The shared suites run on emulated browsers: fast and deterministic. The end-to-end tests
    // start their own emulator, backed by a real Chromium.
    let emu = match bin.as_ref().map(|b| Emulator::start(b, &["--no-browser"])) {
        Some(Ok(emu)) => {
            println!(
                "\nemulator for the suites: {} (log: {})",
                emu.url,
                emu.log.display()
            );
            Some(emu)
        }
        Some(Err(e)) => {
            r.check("emulator-start", || Err(e));
            None
        }
        None => None,
    };

    if !built {
        for name in [
            "wasm-node",
            "wasm-chromium",
            "js",
            "runtimes",
            "e2e",
            "types",
        ] {
            if r.wanted(name) {
                r.skip(name, "the package did not build");
            }
        }
    }
    if let (true, Some(emu), Some(bin)) = (built, emu.as_ref(), bin.as_ref()) {
        let env = emu.env();
        let mut wasm = Command::new("cargo");
        wasm.args([
            "test",
            "--no-fail-fast",
            "--target",
            "wasm32-unknown-unknown",
            "--tests",
            "-p",
            "skyvern-wasm",
        ])
        .envs(env.clone());
        r.suite("wasm-node", &mut wasm);

        if browser {
            let mut chrome = Command::new("cargo");
            chrome
                .args([
                    "test",
                    "--no-fail-fast",
                    "--target",
                    "wasm32-unknown-unknown",
                    "--tests",
                    "-p",
                    "skyvern-wasm",
                ])
                .envs(env.clone())
                // With CI set, wasm-bindgen-test-runner's headless page stalls until
                // chromedriver's 300 s limit; the same run passes in seconds without it.
                .env_remove("CI")
                .env("WASM_BINDGEN_USE_BROWSER", "1")
                .env("CHROMEDRIVER", "/usr/bin/chromedriver")
                // The runner's 20 s default covers a whole test file in the browser;
                // the fault matrix alone takes about that long on a busy machine.
                .env("WASM_BINDGEN_TEST_TIMEOUT", "180");
            r.suite_twice_on_failure("wasm-chromium", &mut chrome);
        } else if r.wanted("wasm-chromium") {
            r.skip("wasm-chromium", "--no-browser");
        }

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
            let files = node_test_files(&root.join(dir));
            if files.is_empty() {
                r.skip(name, &format!("no test files in {dir}/"));
                continue;
            }
            let mut node = Command::new("node");
            node.arg("--test")
                .arg("--test-reporter=tap")
                .args(&files)
                .envs(env.clone())
                .env("SKYVERN_EMULATOR_BIN", bin)
                .env("SKYVERN_TEST_NO_BROWSER", if browser { "0" } else { "1" });
            r.suite(name, &mut node);
        }

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
    drop(emu);

    if real_server {
        let script = root.join("tests/real-server/run.sh");
        if script.exists() {
            r.suite("real-server", Command::new("bash").arg(script));
        } else {
            r.check("real-server", || {
                Err("tests/real-server/run.sh is missing".into())
            });
        }
    }

    if r.summary() {
        Ok(())
    } else {
        Err("some suites failed (see the summary above)".into())
    }
}

pub fn cmd_bench(soak: bool) -> Result<(), String> {
    setup::ensure_build_tools()?;
    build_package(false)?;
    let bin = emulator::build_with_profile("emu")?;
    let emu = Emulator::start(&bin, &["--no-browser"])?;
    let script = if soak {
        "bench/soak.mjs"
    } else {
        "bench/run.mjs"
    };
    if !root().join(script).exists() {
        return Err(format!("{script} is missing"));
    }
    let mut node = Command::new("node");
    node.arg(script)
        .envs(emu.env())
        .env("SKYVERN_EMULATOR_BIN", &bin);
    let result = util::run(&mut node);
    drop(emu);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cargo_and_wasm_bindgen_summaries() {
        let out = "running 3 tests\ntest result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\
                   test result: FAILED. 5 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out\n";
        assert_eq!(
            parse_counts(out),
            Counts {
                passed: 8,
                failed: 2,
                skipped: 1
            }
        );
    }

    #[test]
    fn counts_node_tap_and_spec_summaries() {
        let out = "# tests 7\n# suites 0\n# pass 6\n# fail 1\n# cancelled 0\n# skipped 2\n# todo 0\nℹ pass 4\nℹ fail 0\n";
        assert_eq!(
            parse_counts(out),
            Counts {
                passed: 10,
                failed: 1,
                skipped: 2
            }
        );
    }

    #[test]
    fn ignores_lines_that_only_look_like_summaries() {
        let out = "# pass the salt please\nok 1 - test result: fine\n# fail x\n";
        assert_eq!(parse_counts(out), Counts::default());
    }
}
