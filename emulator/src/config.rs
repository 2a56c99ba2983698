//! Command-line options.

use std::fmt;
use std::path::PathBuf;

pub const USAGE: &str = "\
skyvern-emulator: a local, in-memory server that behaves like the Skyvern 1.0.56 API

USAGE:
    skyvern-emulator [OPTIONS]

OPTIONS:
    --host HOST               address to bind (default 127.0.0.1)
    --port PORT               port to bind, 0 picks a free one (default 8080)
    --api-key KEY             the key clients must send as x-api-key (default: random, printed at start)
    --test-controls           enable the /_emulator/* endpoints (faults, request log, reset)
    --time-scale MS           real milliseconds one emulated minute lasts (default 60000)
    --start-delay-ms MS       real ms from create until a session is running (default 300)
    --step-ms MS              real ms per run step (default 300)
    --www DIR                 serve DIR at /
    --pkg DIR                 serve DIR at /pkg/
    --chromium PATH           back each session with a headless Chromium at PATH
                              (default: /usr/bin/chromium when it exists)
    --no-browser              no real browsers: live views show frames drawn by the emulator
    --max-browsers N          at most N real browsers at once; later sessions use drawn
                              frames (default 4)
    --upstream URL            forward /v1/* to a real Skyvern at URL, adding x-api-key from
                              the SKYVERN_API_KEY environment variable
    -h, --help                print this help

On start the first line on stdout is `listening on http://HOST:PORT`, the second `api key: KEY`.
One line per request goes to stderr.";

/// Everything the server needs to start.
#[derive(Clone)]
pub struct Config {
    pub host: String,
    pub port: u16,
    pub api_key: String,
    pub test_controls: bool,
    pub time_scale_ms: u64,
    pub start_delay_ms: u64,
    pub step_ms: u64,
    pub www: Option<PathBuf>,
    pub pkg: Option<PathBuf>,
    pub upstream: Option<Upstream>,
    /// Write one line per request to stderr.
    pub log_requests: bool,
    /// The Chromium that backs sessions; `None`: drawn frames only.
    pub chromium: Option<PathBuf>,
    pub max_browsers: usize,
}

/// A real Skyvern server to forward `/v1/*` to.
#[derive(Clone)]
pub struct Upstream {
    pub base_url: String,
    pub api_key: String,
}

impl fmt::Debug for Upstream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upstream")
            .field("base_url", &self.base_url)
            .field("api_key", &"<redacted>")
            .finish()
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("api_key", &"<redacted>")
            .field("test_controls", &self.test_controls)
            .field("time_scale_ms", &self.time_scale_ms)
            .field("start_delay_ms", &self.start_delay_ms)
            .field("step_ms", &self.step_ms)
            .field("www", &self.www)
            .field("pkg", &self.pkg)
            .field("upstream", &self.upstream)
            .field("chromium", &self.chromium)
            .field("max_browsers", &self.max_browsers)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: "127.0.0.1".into(),
            port: 8080,
            api_key: random_key(),
            test_controls: false,
            time_scale_ms: 60_000,
            start_delay_ms: 300,
            step_ms: 300,
            www: None,
            pkg: None,
            upstream: None,
            log_requests: true,
            chromium: crate::browser::default_chromium(),
            max_browsers: 4,
        }
    }
}

pub fn random_key() -> String {
    format!("emu_{}", crate::util::random_hex(40))
}

/// What the command line asked for.
#[derive(Debug)]
pub enum Command {
    Run(Box<Config>),
    Help,
}

/// Parses arguments (without the program name). `env_key` is the value of
/// `SKYVERN_API_KEY`, needed only with `--upstream`.
pub fn parse_args<I, S>(args: I, env_key: Option<String>) -> Result<Command, String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let args = args.into_iter().map(|a| std::ffi::OsString::from(a.into()));
    let mut parser = lexopt::Parser::from_args(args);
    let mut cfg = Config::default();
    let mut upstream_url: Option<String> = None;
    let mut no_browser = false;
    let mut chromium: Option<PathBuf> = None;
    while let Some(arg) = parser.next().map_err(describe)? {
        use lexopt::Arg::{Long, Short};
        match arg {
            Short('h') | Long("help") => return Ok(Command::Help),
            Long("test-controls") => cfg.test_controls = true,
            Long("no-browser") => no_browser = true,
            Long("host") => cfg.host = non_empty_host(value(&mut parser)?)?,
            Long("port") => cfg.port = port(&value(&mut parser)?)?,
            Long("api-key") => cfg.api_key = api_key(value(&mut parser)?)?,
            Long("time-scale") => {
                cfg.time_scale_ms = positive("--time-scale", &value(&mut parser)?, 1)?
            }
            Long("start-delay-ms") => {
                cfg.start_delay_ms = positive("--start-delay-ms", &value(&mut parser)?, 0)?
            }
            Long("step-ms") => cfg.step_ms = positive("--step-ms", &value(&mut parser)?, 1)?,
            Long("www") => cfg.www = Some(existing_dir("--www", &value(&mut parser)?)?),
            Long("pkg") => cfg.pkg = Some(existing_dir("--pkg", &value(&mut parser)?)?),
            Long("upstream") => upstream_url = Some(value(&mut parser)?),
            Long("chromium") => chromium = Some(existing_file(&value(&mut parser)?)?),
            Long("max-browsers") => {
                cfg.max_browsers = positive("--max-browsers", &value(&mut parser)?, 0)? as usize
            }
            other => return Err(describe(other.unexpected())),
        }
    }
    if chromium.is_some() {
        cfg.chromium = chromium;
    }
    if no_browser {
        cfg.chromium = None;
    }
    if let Some(url) = upstream_url {
        cfg.upstream = Some(upstream(&url, env_key)?);
    }
    Ok(Command::Run(Box::new(cfg)))
}

/// The value that follows the option just read, as UTF-8.
fn value(parser: &mut lexopt::Parser) -> Result<String, String> {
    let raw = parser.value().map_err(describe)?;
    raw.into_string()
        .map_err(|v| format!("invalid value '{}': not UTF-8", v.to_string_lossy()))
}

/// The wording of a command-line mistake, the same for every option.
fn describe(err: lexopt::Error) -> String {
    match err {
        lexopt::Error::MissingValue { option: Some(name) } => {
            format!("option '{name}' needs a value")
        }
        lexopt::Error::UnexpectedOption(name) => format!("unknown option '{name}'"),
        lexopt::Error::UnexpectedArgument(arg) => {
            format!("unknown option '{}'", arg.to_string_lossy())
        }
        lexopt::Error::UnexpectedValue { option, .. } => {
            format!("option '{option}' takes no value")
        }
        other => other.to_string(),
    }
}

fn non_empty_host(v: String) -> Result<String, String> {
    if v.is_empty() {
        return Err("option '--host' needs a non-empty value".into());
    }
    Ok(v)
}

fn port(v: &str) -> Result<u16, String> {
    v.parse()
        .map_err(|_| format!("invalid port '{v}': expected a number from 0 to 65535"))
}

fn api_key(v: String) -> Result<String, String> {
    if v.is_empty() || v.chars().any(|c| c.is_control() || c == ' ') {
        return Err("option '--api-key' needs a non-empty value without spaces".into());
    }
    Ok(v)
}

fn existing_file(v: &str) -> Result<PathBuf, String> {
    let p = PathBuf::from(v);
    if !p.is_file() {
        return Err(format!("'--chromium': '{v}' is not a file"));
    }
    Ok(p)
}

fn upstream(url: &str, env_key: Option<String>) -> Result<Upstream, String> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) || url.len() < 10 {
        return Err(format!(
            "invalid --upstream '{url}': expected an http:// or https:// URL"
        ));
    }
    let key =
        match env_key {
            Some(k) if !k.trim().is_empty() => k.trim().to_string(),
            _ => return Err(
                "--upstream needs the SKYVERN_API_KEY environment variable (the real server's key)"
                    .into(),
            ),
        };
    Ok(Upstream {
        base_url: url.trim_end_matches('/').to_string(),
        api_key: key,
    })
}

fn positive(name: &str, v: &str, min: u64) -> Result<u64, String> {
    match v.parse::<u64>() {
        Ok(n) if n >= min => Ok(n),
        _ if name == "--max-browsers" => Err(format!(
            "invalid value '{v}' for '{name}': expected a whole number >= {min}"
        )),
        _ => Err(format!(
            "invalid value '{v}' for '{name}': expected a whole number of milliseconds >= {min}"
        )),
    }
}

fn existing_dir(name: &str, v: &str) -> Result<PathBuf, String> {
    let p = PathBuf::from(v);
    if p.is_dir() {
        Ok(p)
    } else {
        Err(format!("'{name}': '{v}' is not a directory"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(args: &[&str]) -> Result<Config, String> {
        match parse_args(args.iter().copied(), None)? {
            Command::Run(c) => Ok(*c),
            Command::Help => Err("help".into()),
        }
    }

    #[test]
    fn parses() {
        let c = cfg(&[
            "--port",
            "0",
            "--api-key=k1",
            "--test-controls",
            "--time-scale",
            "600",
        ])
        .unwrap_or_default();
        assert_eq!(c.port, 0);
        assert_eq!(c.api_key, "k1");
        assert!(c.test_controls);
        assert_eq!(c.time_scale_ms, 600);
        assert!(cfg(&["--port", "x"]).is_err());
        assert!(cfg(&["--bogus"]).is_err());
        assert!(cfg(&["--port"]).is_err());
        assert!(cfg(&["--time-scale", "0"]).is_err());
        assert!(cfg(&["--upstream", "http://example.test"]).is_err());
        assert!(cfg(&["--no-browser"]).is_ok_and(|c| c.chromium.is_none()));
        assert!(cfg(&["--chromium", "/nonexistent/chromium"]).is_err());
        assert!(cfg(&["--max-browsers", "2"]).is_ok_and(|c| c.max_browsers == 2));
        assert!(cfg(&["--max-browsers", "x"]).is_err());
        assert!(matches!(parse_args(["--help"], None), Ok(Command::Help)));
        let c = parse_args(
            ["--upstream", "https://api.example.test/"],
            Some("sk".into()),
        );
        match c {
            Ok(Command::Run(c)) => {
                let u = c.upstream.clone().unwrap_or(Upstream {
                    base_url: String::new(),
                    api_key: String::new(),
                });
                assert_eq!(u.base_url, "https://api.example.test");
                assert!(!format!("{c:?}").contains("sk\""));
            }
            _ => panic!("upstream not parsed"),
        }
    }

    #[test]
    fn mistakes_are_worded_per_option() {
        let err = |args: &[&str]| cfg(args).err().unwrap_or_default();
        assert_eq!(err(&["--bogus"]), "unknown option '--bogus'");
        assert_eq!(err(&["stray"]), "unknown option 'stray'");
        assert_eq!(err(&["--port"]), "option '--port' needs a value");
        assert_eq!(
            err(&["--no-browser=yes"]),
            "option '--no-browser' takes no value"
        );
        assert_eq!(
            err(&["--port=http"]),
            "invalid port 'http': expected a number from 0 to 65535"
        );
        assert!(cfg(&["--api-key", "-dash-first"]).is_ok_and(|c| c.api_key == "-dash-first"));
    }
}
