//! The command line: which command and which options (read with lexopt).

use lexopt::{Arg, Parser, ValueExt};

/// One `cargo xtask` invocation.
#[derive(Debug, PartialEq)]
pub enum Cmd {
    Build {
        dev: bool,
    },
    Demo {
        port: String,
        proxy: bool,
        upstream: Option<String>,
    },
    Test {
        only: Option<Vec<String>>,
        real_server: bool,
        browser: bool,
    },
    Bench {
        soak: bool,
    },
    Setup,
    Help,
}

/// Why the command line was not understood.
#[derive(Debug, PartialEq)]
pub enum CliError {
    /// No command at all: the usage text goes to stderr (exit code 2).
    NoCommand,
    /// A message for stderr (exit code 1).
    Invalid(String),
}

impl From<String> for CliError {
    fn from(message: String) -> Self {
        CliError::Invalid(message)
    }
}

/// Reads the command and its options from `parser`; `usage` ends an unknown-command message.
pub fn parse(mut parser: Parser, usage: &str) -> Result<Cmd, CliError> {
    let first = parser
        .next()
        .map_err(|e| CliError::Invalid(e.to_string()))?;
    let name = match first {
        None => return Err(CliError::NoCommand),
        Some(Arg::Long("help")) | Some(Arg::Short('h')) => return Ok(Cmd::Help),
        Some(Arg::Value(v)) => v.string().map_err(|e| CliError::Invalid(e.to_string()))?,
        Some(other) => {
            return Err(CliError::Invalid(format!(
                "unknown command `{}`\n\n{usage}",
                shown(&other)
            )))
        }
    };
    Ok(match name.as_str() {
        "build" => build(&mut parser)?,
        "demo" => demo(&mut parser)?,
        "test" => test(&mut parser)?,
        "bench" => bench(&mut parser)?,
        "setup" => Cmd::Setup,
        "help" | "--help" | "-h" => Cmd::Help,
        other => {
            return Err(CliError::Invalid(format!(
                "unknown command `{other}`\n\n{usage}"
            )))
        }
    })
}

/// How an argument was written, for messages.
fn shown(arg: &Arg) -> String {
    match arg {
        Arg::Long(name) => format!("--{name}"),
        Arg::Short(c) => format!("-{c}"),
        Arg::Value(v) => v.to_string_lossy().into_owned(),
    }
}

fn unknown(command: &str, arg: &Arg) -> String {
    format!("{command}: unknown option `{}`", shown(arg))
}

/// The next argument, or a message naming the command when it cannot be read.
fn next<'a>(parser: &'a mut Parser, command: &str) -> Result<Option<Arg<'a>>, String> {
    parser.next().map_err(|e| format!("{command}: {e}"))
}

/// The value of `option` (`--port 8080` or `--port=8080`).
fn value(parser: &mut Parser, option: &str) -> Result<String, String> {
    let missing = || format!("{option} needs a value");
    parser
        .value()
        .map_err(|_| missing())?
        .string()
        .map_err(|e| format!("{option}: {e}"))
}

fn build(parser: &mut Parser) -> Result<Cmd, String> {
    let mut dev = false;
    while let Some(arg) = next(parser, "build")? {
        match arg {
            Arg::Long("dev") => dev = true,
            other => return Err(unknown("build", &other)),
        }
    }
    Ok(Cmd::Build { dev })
}

fn demo(parser: &mut Parser) -> Result<Cmd, String> {
    let mut port = "8080".to_string();
    let mut proxy = false;
    let mut upstream = None;
    while let Some(arg) = next(parser, "demo")? {
        match arg {
            Arg::Long("port") => port = value(parser, "--port")?,
            Arg::Long("upstream") => upstream = Some(value(parser, "--upstream")?),
            Arg::Long("proxy") => proxy = true,
            other => return Err(unknown("demo", &other)),
        }
    }
    if port.parse::<u16>().is_err() {
        return Err(format!(
            "demo: --port must be a number from 0 to 65535, got `{port}`"
        ));
    }
    Ok(Cmd::Demo {
        port,
        proxy,
        upstream,
    })
}

fn test(parser: &mut Parser) -> Result<Cmd, String> {
    let mut only = None;
    let mut real_server = false;
    let mut browser = true;
    while let Some(arg) = next(parser, "test")? {
        match arg {
            Arg::Long("only") => {
                let names = value(parser, "--only")?;
                only = Some(names.split(',').map(str::to_string).collect());
            }
            Arg::Long("real-server") => real_server = true,
            Arg::Long("no-browser") => browser = false,
            other => return Err(unknown("test", &other)),
        }
    }
    Ok(Cmd::Test {
        only,
        real_server,
        browser,
    })
}

fn bench(parser: &mut Parser) -> Result<Cmd, String> {
    let mut soak = false;
    while let Some(arg) = next(parser, "bench")? {
        match arg {
            Arg::Long("soak") => soak = true,
            other => return Err(unknown("bench", &other)),
        }
    }
    Ok(Cmd::Bench { soak })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Cmd, CliError> {
        parse(Parser::from_args(args.iter().copied()), "USAGE")
    }

    fn message(args: &[&str]) -> String {
        match run(args) {
            Err(CliError::Invalid(m)) => m,
            other => format!("not a message: {other:?}"),
        }
    }

    #[test]
    fn no_command_is_its_own_error() {
        assert_eq!(run(&[]), Err(CliError::NoCommand));
    }

    #[test]
    fn help_in_every_spelling() {
        for args in [["help"], ["--help"], ["-h"]] {
            assert_eq!(run(&args), Ok(Cmd::Help), "{args:?}");
        }
    }

    #[test]
    fn commands_and_their_options() {
        assert_eq!(run(&["build", "--dev"]), Ok(Cmd::Build { dev: true }));
        assert_eq!(run(&["bench"]), Ok(Cmd::Bench { soak: false }));
        assert_eq!(run(&["bench", "--soak"]), Ok(Cmd::Bench { soak: true }));
        assert_eq!(run(&["setup"]), Ok(Cmd::Setup));
        assert_eq!(
            run(&["demo", "--port", "9000", "--proxy"]),
            Ok(Cmd::Demo {
                port: "9000".into(),
                proxy: true,
                upstream: None
            })
        );
        assert_eq!(
            run(&["demo", "--upstream=https://x.example", "--port=0"]),
            Ok(Cmd::Demo {
                port: "0".into(),
                proxy: false,
                upstream: Some("https://x.example".into())
            })
        );
        assert_eq!(
            run(&[
                "test",
                "--only",
                "clippy,host",
                "--no-browser",
                "--real-server"
            ]),
            Ok(Cmd::Test {
                only: Some(vec!["clippy".into(), "host".into()]),
                real_server: true,
                browser: false
            })
        );
    }

    #[test]
    fn messages_name_the_problem() {
        assert_eq!(message(&["nope"]), "unknown command `nope`\n\nUSAGE");
        assert_eq!(
            message(&["build", "--fast"]),
            "build: unknown option `--fast`"
        );
        assert_eq!(
            message(&["bench", "extra"]),
            "bench: unknown option `extra`"
        );
        assert_eq!(message(&["test", "-x"]), "test: unknown option `-x`");
        assert_eq!(message(&["demo", "--port"]), "--port needs a value");
        assert_eq!(message(&["test", "--only"]), "--only needs a value");
        assert_eq!(
            message(&["demo", "--port", "http"]),
            "demo: --port must be a number from 0 to 65535, got `http`"
        );
    }
}
