//! `cargo xtask bench`: the release package measured by bench/run.mjs (or bench/soak.mjs)
//! against the emulator built for speed.

use crate::emulator::{self, Emulator};
use crate::util::{self, root};
use crate::{build, setup};
use std::path::PathBuf;
use std::process::Command;

pub fn cmd_bench(soak: bool) -> Result<(), String> {
    setup::ensure_build_tools()?;
    setup::ensure_bench_tools()?;
    build::build_package(false)?;
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
    let floor = build_floor()?;
    let mut node = Command::new("node");
    node.arg(script)
        .envs(emu.env())
        .env("SKYVERN_EMULATOR_BIN", &bin)
        .env("BENCH_FLOOR_DIR", &floor);
    let result = util::run(&mut node);
    drop(emu);
    result
}

/// Builds bench/floor (one GET with gloo-net, the design's per-call floor) into
/// `target/bench-floor/`: wasm-bindgen's web glue and a `.wasm` through wasm-opt
/// as the package's. Returns that directory.
fn build_floor() -> Result<PathBuf, String> {
    let mut cargo = Command::new("cargo");
    cargo.args([
        "build",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "skyvern-bench-floor",
    ]);
    util::run(&mut cargo)?;
    let out = root().join("target/bench-floor");
    let _ = std::fs::remove_dir_all(&out);
    let built = root().join("target/wasm32-unknown-unknown/release/skyvern_bench_floor.wasm");
    util::run(Command::new("wasm-bindgen").args([
        "--target".as_ref(),
        "web".as_ref(),
        "--out-dir".as_ref(),
        out.as_os_str(),
        "--out-name".as_ref(),
        "floor".as_ref(),
        built.as_os_str(),
    ]))?;
    let plain = out.join("floor_bg.wasm");
    let unoptimised = out.join("floor_bg.unoptimised.wasm");
    std::fs::rename(&plain, &unoptimised)
        .map_err(|e| format!("renaming {}: {e}", plain.display()))?;
    build::write_wasm(&unoptimised, &plain, false)?;
    let _ = std::fs::remove_file(&unoptimised);
    Ok(out)
}
