//! `cargo xtask bench`: the release package measured by bench/run.mjs (or bench/soak.mjs)
//! against the emulator built for speed.

use crate::emulator::{self, Emulator};
use crate::util::{self, root};
use crate::{build, setup};
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
    let mut node = Command::new("node");
    node.arg(script)
        .envs(emu.env())
        .env("SKYVERN_EMULATOR_BIN", &bin);
    let result = util::run(&mut node);
    drop(emu);
    result
}
