//! The npm package build: cargo → wasm-bindgen (web target) → rolldown (one minified
//! module shared by the runtime entries) → wasm-opt -Oz.

use crate::util::{self, root};
use std::path::Path;
use std::process::Command;

/// The wasm features wasm-opt may use; the bench passes the same list.
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

/// Builds the npm package into `pkg/` (`dev`: debug build, no minifying, no wasm-opt).
pub fn build_package(dev: bool) -> Result<(), String> {
    let profile = if dev { "debug" } else { "release" };
    let wasm = cargo_wasm(dev, profile)?;
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
    stage_entries(&gen)?;
    copy(
        &gen.join("skyvern_wasm.d.ts"),
        &pkg.join("skyvern_wasm.d.ts"),
    )?;
    clear_generated(&pkg);
    bundle(&gen, &pkg, dev)?;
    write_wasm(&gen, &pkg, dev)?;
    let size = std::fs::metadata(pkg.join("skyvern_wasm_bg.wasm"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!("build: pkg/skyvern_wasm_bg.wasm is {size} bytes ({profile})");
    Ok(())
}

/// `cargo build` for wasm32; returns the path of the module it wrote.
fn cargo_wasm(dev: bool, profile: &str) -> Result<std::path::PathBuf, String> {
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
    Ok(root()
        .join("target/wasm32-unknown-unknown")
        .join(profile)
        .join("skyvern_wasm.wasm"))
}

/// Copies the hand-written runtime entries (`src/js/entries/*.js`) next to the glue.
fn stage_entries(gen: &Path) -> Result<(), String> {
    let entries = root().join("src/js/entries");
    let sources =
        std::fs::read_dir(&entries).map_err(|e| format!("reading {}: {e}", entries.display()))?;
    for entry in sources.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "js") {
            copy(&path, &gen.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// Every `.js` in pkg/ is generated: clear them so no stale module ships.
fn clear_generated(pkg: &Path) {
    for entry in std::fs::read_dir(pkg).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "js") {
            let _ = std::fs::remove_file(path);
        }
    }
    let _ = std::fs::remove_file(pkg.join("skyvern_wasm_bg.wasm.d.ts"));
    // Builds from before bundling left the glue's snippets here.
    let _ = std::fs::remove_dir_all(pkg.join("snippets"));
}

fn bundle(gen: &Path, pkg: &Path, dev: bool) -> Result<(), String> {
    let mut bundle = Command::new("node");
    bundle
        .arg(root().join("xtask/bundle.mjs"))
        .arg(gen)
        .arg(pkg);
    if dev {
        bundle.arg("--no-minify");
    }
    util::run(&mut bundle)
}

/// The `.wasm` into pkg/: as wasm-bindgen wrote it (dev) or through wasm-opt -Oz.
fn write_wasm(gen: &Path, pkg: &Path, dev: bool) -> Result<(), String> {
    let bg = pkg.join("skyvern_wasm_bg.wasm");
    if dev {
        return copy(&gen.join("skyvern_wasm_bg.wasm"), &bg);
    }
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
    util::run(&mut opt)
}
