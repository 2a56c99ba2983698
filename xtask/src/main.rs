//! `cargo xtask …`: the one build script of skyvern-wasm.
//!
//! - `cargo xtask build`  — build the npm package into `pkg/`
//! - `cargo xtask demo`   — build, then serve the demo page on the local emulator
//! - `cargo xtask test`   — every test suite, in order, with a summary
//! - `cargo xtask bench`  — size, speed and memory figures (fails when a budget is exceeded)
//! - `cargo xtask setup`  — install the tools the commands above need (they call it themselves)

mod emulator;
mod setup;
mod suites;
mod util;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  build [--dev]                      build the npm package into pkg/ (release, wasm-opt -Oz)
  demo [--port N] [--upstream URL]   build, then serve the demo page and the package on the emulator
                                     (--upstream: forward /v1 to a real Skyvern, key from SKYVERN_API_KEY)
  test [--only NAME[,NAME…]] [--real-server] [--no-browser]
                                     run every test suite in order and print a summary
  bench [--soak]                     build the release package and print the benchmark table
  setup                              install missing tools (wasm32 target, wasm-bindgen-cli, npm packages,
                                     chromium) and skip what is present
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match cmd.as_str() {
        "build" => cmd_build(rest),
        "demo" => cmd_demo(rest),
        "test" => suites::cmd_test(rest),
        "bench" => suites::cmd_bench(rest),
        "setup" => setup::ensure_all(true),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn cmd_build(args: &[String]) -> Result<(), String> {
    let mut dev = false;
    for arg in args {
        match arg.as_str() {
            "--dev" => dev = true,
            other => return Err(format!("build: unknown option `{other}`")),
        }
    }
    setup::ensure_build_tools()?;
    suites::build_package(dev)
}

fn cmd_demo(args: &[String]) -> Result<(), String> {
    let mut port = "8080".to_string();
    let mut upstream: Option<String> = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--port" => port = util::value(&mut it, "--port")?,
            "--upstream" => upstream = Some(util::value(&mut it, "--upstream")?),
            other => return Err(format!("demo: unknown option `{other}`")),
        }
    }
    if port.parse::<u16>().is_err() {
        return Err(format!(
            "demo: --port must be a number from 0 to 65535, got `{port}`"
        ));
    }
    setup::ensure_build_tools()?;
    suites::build_package(false)?;
    let bin = emulator::build_binary()?;
    let key = util::random_key();
    let mut cmd = std::process::Command::new(bin);
    cmd.args(["--port", &port, "--www", "www", "--pkg", "pkg"]);
    match &upstream {
        Some(url) => {
            cmd.args(["--upstream", url]);
        }
        None => {
            cmd.args(["--api-key", &key]);
        }
    }
    println!();
    match &upstream {
        Some(url) => println!(
            "demo: forwarding /v1 to {url} (key from SKYVERN_API_KEY, never sent to the page)"
        ),
        None => println!("demo: emulator API key: {key}"),
    }
    let host_port = if port == "0" {
        "127.0.0.1:<port>".to_string()
    } else {
        format!("127.0.0.1:{port}")
    };
    match &upstream {
        Some(_) => println!("demo: open http://{host_port}/"),
        None => println!("demo: open http://{host_port}/?key={key}"),
    }
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
