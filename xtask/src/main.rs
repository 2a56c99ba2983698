//! `cargo xtask …`: the one build script of skyvern-wasm.
//!
//! - `cargo xtask build`  — build the npm package into `pkg/`
//! - `cargo xtask demo`   — build, then serve the demo page on the local emulator
//! - `cargo xtask test`   — every test suite, in order, with a summary
//! - `cargo xtask bench`  — size, speed and memory figures (fails when a budget is exceeded)
//! - `cargo xtask setup`  — install the tools the commands above need (they call it themselves)

mod bench;
mod build;
mod cli;
mod emulator;
mod runner;
mod setup;
mod suites;
mod util;

use cli::Cmd;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  build [--dev]                      build the npm package into pkg/ (release, wasm-opt -Oz)
  demo [--port N] [--proxy] [--upstream URL]
                                     build, then serve the demo page and the package on 127.0.0.1:8080
                                     (default: on the emulator, its key handed to the page in the URL;
                                     --proxy: the page holds no key: examples/node/server.mjs serves it
                                     and runs the package's edge proxy (REST and live view, with tickets)
                                     in front of the emulator; --upstream URL: the same proxy in front of
                                     a real Skyvern, key from SKYVERN_API_KEY)
  test [--only NAME[,NAME…]] [--real-server] [--no-browser]
                                     run every test suite in order and print a summary
  bench [--soak]                     build the release package and print the benchmark table
  setup                              install missing tools (wasm32 target, wasm-bindgen-cli, npm packages,
                                     chromium) and skip what is present
";

fn main() -> ExitCode {
    let cmd = match cli::parse(lexopt::Parser::from_env(), USAGE) {
        Ok(cmd) => cmd,
        Err(cli::CliError::NoCommand) => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
        Err(cli::CliError::Invalid(message)) => {
            eprintln!("xtask: {message}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cmd {
        Cmd::Build { dev } => cmd_build(dev),
        Cmd::Demo {
            port,
            proxy,
            upstream,
        } => cmd_demo(&port, proxy, upstream),
        Cmd::Test {
            only,
            real_server,
            browser,
        } => suites::cmd_test(only, real_server, browser),
        Cmd::Bench { soak } => bench::cmd_bench(soak),
        Cmd::Setup => setup::ensure_all(true).and_then(|()| setup::ensure_bench_tools()),
        Cmd::Help => {
            print!("{USAGE}");
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn cmd_build(dev: bool) -> Result<(), String> {
    setup::ensure_build_tools()?;
    build::build_package(dev)
}

fn cmd_demo(port: &str, proxy: bool, upstream: Option<String>) -> Result<(), String> {
    // A real Skyvern is only ever reached through the proxy: the key stays on the server.
    let upstream_key = match &upstream {
        Some(_) => Some(
            std::env::var("SKYVERN_API_KEY")
                .ok()
                .filter(|k| !k.trim().is_empty())
                .ok_or("demo: --upstream needs the Skyvern API key in SKYVERN_API_KEY")?,
        ),
        None => None,
    };
    setup::ensure_build_tools()?;
    build::build_package(false)?;
    let host_port = if port == "0" {
        "127.0.0.1:<port>".to_string()
    } else {
        format!("127.0.0.1:{port}")
    };
    if proxy || upstream.is_some() {
        return demo_behind_proxy(port, &host_port, upstream.as_deref(), upstream_key);
    }
    let bin = emulator::build_binary()?;
    let key = util::random_key();
    let mut cmd = std::process::Command::new(bin);
    cmd.args(["--port", port, "--www", "www", "--pkg", "pkg"])
        .args(["--api-key", &key]);
    println!();
    println!("demo: emulator API key: {key}");
    println!("demo: open http://{host_port}/?key={key}");
    println!("demo: (cargo xtask demo --proxy: the same page with no key, through the edge proxy)");
    println!("demo: press Ctrl-C to stop\n");
    let status = cmd
        .status()
        .map_err(|e| format!("could not start the emulator: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the emulator exited with {status}"))
    }
}

/// `demo --proxy` / `demo --upstream URL`: examples/node/server.mjs serves the page and runs
/// the package's edge proxy (REST, live-view sockets with tickets) in front of the emulator
/// (started here on a free port) or of `upstream`, with the key only in its environment.
fn demo_behind_proxy(
    port: &str,
    host_port: &str,
    upstream: Option<&str>,
    upstream_key: Option<String>,
) -> Result<(), String> {
    let (emu, target, key) = match (upstream, upstream_key) {
        (Some(url), Some(key)) => (None, url.to_string(), key),
        _ => {
            let bin = emulator::build_binary()?;
            let emu = emulator::Emulator::launch(&bin, &[], "emulator-demo.log")?;
            let (url, key) = (emu.url.clone(), emu.api_key.clone());
            (Some(emu), url, key)
        }
    };
    println!();
    match &emu {
        Some(e) => println!(
            "demo: emulator at {} (log: {}); the proxy adds its key",
            e.url,
            e.log.display()
        ),
        None => println!("demo: the proxy forwards to {target} with the key from SKYVERN_API_KEY"),
    }
    println!("demo: open http://{host_port}/ (no key in the page: REST through /api/skyvern,");
    println!("      the live view through the same proxy with tickets from /app/live-ticket/)");
    println!("demo: press Ctrl-C to stop\n");
    let status = std::process::Command::new("node")
        .current_dir(util::root())
        .arg("examples/node/server.mjs")
        .args(["--port", port, "--upstream", &target])
        .env("SKYVERN_API_KEY", &key)
        .status()
        .map_err(|e| format!("could not start node: {e}"))?;
    drop(emu);
    if status.success() {
        Ok(())
    } else {
        Err(format!("the demo server exited with {status}"))
    }
}
