//! The npm package build: cargo (twice: the page's module and the server entry's) →
//! wasm-bindgen (web target) → rolldown (minified modules shared by the runtime
//! entries) → wasm-opt -Oz.

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

/// The package's two `.wasm` files, built from this crate with different features:
/// the server entry's (`skyvern-wasm/server`: the edge proxy), and what a web page
/// loads (the client and the live view). The page's is built last, so the release
/// artifact the bench names with twiggy is the page's.
const MODULES: [(&str, &str); 2] = [
    ("skyvern_server", "proxy,webhooks"),
    ("skyvern_wasm", "live-view"),
];

/// Builds the npm package into `pkg/` (`dev`: debug build, no minifying, no wasm-opt).
pub fn build_package(dev: bool) -> Result<(), String> {
    let profile = if dev { "debug" } else { "release" };
    let pkg = root().join("pkg");
    // wasm-bindgen writes the glue, its snippets and the types into a scratch
    // directory; the hand-written entries join them there and rolldown bundles
    // the lot into `pkg/` (see xtask/bundle.mjs).
    let gen = root().join("target/pkg-gen");
    let _ = std::fs::remove_dir_all(&gen);
    for (name, features) in MODULES {
        let wasm = cargo_wasm(dev, profile, features)?;
        util::run(Command::new("wasm-bindgen").args([
            "--target".as_ref(),
            "web".as_ref(),
            "--out-dir".as_ref(),
            gen.as_os_str(),
            "--out-name".as_ref(),
            name.as_ref(),
            wasm.as_os_str(),
        ]))?;
    }
    stage_entries(&gen)?;
    clear_generated(&pkg);
    for (name, _) in MODULES {
        let types = format!("{name}.d.ts");
        copy(&gen.join(&types), &pkg.join(&types))?;
    }
    bundle(&gen, &pkg, dev)?;
    for (name, _) in MODULES {
        let file = format!("{name}_bg.wasm");
        write_wasm(&gen.join(&file), &pkg.join(&file), dev)?;
        let size = std::fs::metadata(pkg.join(&file)).map_or(0, |m| m.len());
        println!("build: pkg/{file} is {size} bytes ({profile})");
    }
    Ok(())
}

/// `cargo <verb>` of the library for wasm32 with only `features` on.
pub fn cargo_for_wasm(verb: &str, features: &str) -> Command {
    let mut cargo = Command::new("cargo");
    cargo.args([
        verb,
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "skyvern-wasm",
        "--no-default-features",
        "--features",
        features,
    ]);
    cargo
}

/// `cargo build` for wasm32 with only `features`; returns the path of the module it wrote.
fn cargo_wasm(dev: bool, profile: &str, features: &str) -> Result<std::path::PathBuf, String> {
    let mut cargo = cargo_for_wasm("build", features);
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
    for (name, _) in MODULES {
        let _ = std::fs::remove_file(pkg.join(format!("{name}_bg.wasm.d.ts")));
    }
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

/// A `.wasm` into pkg/: as wasm-bindgen wrote it (dev) or through wasm-opt -Oz.
pub fn write_wasm(from: &Path, to: &Path, dev: bool) -> Result<(), String> {
    if dev {
        return copy(from, to);
    }
    let mut opt = Command::new(root().join("node_modules/.bin/wasm-opt"));
    opt.arg("-Oz")
        .args(WASM_OPT_FEATURES)
        .args([
            "--strip-debug",
            "--strip-producers",
            "--strip-target-features",
        ])
        .arg(from)
        .arg("-o")
        .arg(to);
    util::run(&mut opt)
}
