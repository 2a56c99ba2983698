//! Property tests of the response decoder and the error-body parser with a
//! deterministic mutation fuzzer, seeded from the API's own bodies
//! (`tests/fuzz-corpus/`). No input may panic; decoded values round-trip;
//! error messages stay short.
//!
//! Runs for `SKYVERN_FUZZ_SECONDS` (default 60) split over the targets;
//! `SKYVERN_FUZZ_SEED` picks another sequence.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use crate::client::{check_body, Expect};
use crate::error::from_response;
use crate::retry::parse_retry_after;

/// xorshift64*: small, fast, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn corpus() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus");
    let mut seeds = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        panic!("missing {}", dir.display());
    };
    for entry in entries.flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        if entry.path().extension().is_some_and(|e| e == "txt") {
            seeds.extend(text.lines().map(str::to_string));
        } else {
            seeds.push(text);
        }
    }
    seeds.extend(
        [
            "",
            " ",
            "null",
            "{}",
            "[]",
            "\"x\"",
            "{\"detail\":null}",
            "{\"detail\":{\"code\":\"x\",\"retryable\":true}}",
            "{\"detail\":[{\"loc\":[\"body\",1],\"msg\":\"m\",\"input\":{}}]}",
            "{\"error\":\"e\"}",
            "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>",
            "<html><TITLE>",
            "\"\\ud83d\\ude00\\ud800\"",
            "1e400",
            "-0.0000000000000000000000001e-400",
        ]
        .map(str::to_string),
    );
    assert!(seeds.len() >= 50, "corpus too small: {}", seeds.len());
    seeds
}

const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    "\\u",
    "\\ud800",
    "null",
    "true",
    "false",
    "-",
    "0",
    "1e999",
    "1.",
    ".5",
    "e",
    "\"detail\"",
    "\"msg\"",
    "\"loc\"",
    "\"code\"",
    "\"retryable\"",
    "<title>",
    "</title>",
    "<html>",
    "\u{0}",
    "\u{7f}",
    "é",
    "😀",
    "\u{FEFF}",
    " ",
    "\n",
];

/// One mutation of `seed` (or a splice with `other`).
fn mutate(rng: &mut Rng, seed: &str, other: &str) -> String {
    let mut b: Vec<u8> = seed.as_bytes().to_vec();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(b.len() + 1);
        match rng.below(9) {
            0 if !b.is_empty() => {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
            1 if !b.is_empty() => {
                let end = (at + rng.below(32)).min(b.len());
                b.drain(at.min(end)..end);
            }
            2 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                b.splice(at..at, t.bytes());
            }
            3 => b.truncate(at),
            4 => {
                let o = other.as_bytes();
                let from = rng.below(o.len() + 1);
                let to = (from + rng.below(200)).min(o.len());
                b.splice(at..at, o[from..to].iter().copied());
            }
            5 => {
                // Deep nesting.
                let depth = rng.below(600);
                let open = if rng.below(2) == 0 { "[" } else { "{\"a\":" };
                let mut s = open.repeat(depth);
                s.push_str(&"]".repeat(rng.below(depth + 1)));
                b.splice(at..at, s.into_bytes());
            }
            6 => {
                let byte = rng.next() as u8;
                b.insert(at, byte);
            }
            7 if !b.is_empty() => {
                let i = rng.below(b.len());
                let end = (i + rng.below(64)).min(b.len());
                let chunk: Vec<u8> = b[i..end].to_vec();
                b.splice(at..at, chunk);
            }
            _ => {
                let n = rng.below(12);
                let digits: String = (0..n)
                    .map(|_| char::from(b"0123456789.eE+-"[rng.below(15)]))
                    .collect();
                b.splice(at..at, digits.into_bytes());
            }
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

/// The properties every body must satisfy. Returns a description of a violation.
fn decoder(body: &str) -> Option<String> {
    for expect in [
        Expect::Object("browser_session_id"),
        Expect::AnyObject,
        Expect::NullOrObject,
        Expect::List,
    ] {
        if let Err(e) = check_body(expect, 200, body) {
            if e.message().len() > 300 || e.status() != Some(200) {
                return Some(format!("check_body message {:?}", e.message()));
            }
        }
    }
    None
}

fn error_parser(body: &str, status: u16) -> Option<String> {
    let e = from_response(status, body);
    let m = e.message();
    // Details are clipped to 500 characters; validation lists can list a few parts.
    if m.chars().count() > 4000 {
        return Some(format!("message of {} characters", m.chars().count()));
    }
    if !m.starts_with(&status.to_string()) {
        return Some(format!("message without the status: {m:?}"));
    }
    if e.body() != Some(body) {
        return Some("body not kept verbatim".into());
    }
    let _ = parse_retry_after(body.get(..body.len().min(40)).unwrap_or(""), 1.7e12);
    None
}

fn budget() -> Duration {
    let secs = std::env::var("SKYVERN_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .unwrap_or(60.0);
    Duration::from_secs_f64(secs)
}

fn seed() -> u64 {
    std::env::var("SKYVERN_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_cafe_f00d_0001)
        | 1
}

/// Runs `prop` over the seeds, then over mutations until `time` is spent.
fn fuzz(name: &str, time: Duration, prop: impl Fn(&str, u16) -> Option<String>) -> u64 {
    let seeds = corpus();
    let mut rng = Rng(seed());
    let statuses = [
        400, 403, 404, 408, 409, 410, 422, 429, 500, 502, 503, 504, 418, 599,
    ];
    let started = Instant::now();
    let mut runs = 0u64;
    let mut inputs: Vec<String> = seeds.clone();
    loop {
        for input in inputs.drain(..) {
            let status = statuses[rng.below(statuses.len())];
            let outcome = catch_unwind(AssertUnwindSafe(|| prop(&input, status)));
            runs += 1;
            match outcome {
                Ok(None) => {}
                Ok(Some(problem)) => panic!("{name}: {problem}\ninput ({status}): {input:?}"),
                Err(_) => panic!("{name}: panicked\ninput ({status}): {input:?}"),
            }
        }
        if started.elapsed() >= time {
            break;
        }
        for _ in 0..256 {
            let a = &seeds[rng.below(seeds.len())];
            let b = &seeds[rng.below(seeds.len())];
            inputs.push(mutate(&mut rng, a, b));
        }
    }
    eprintln!(
        "fuzz {name}: {runs} inputs in {:.1} s, 0 panics",
        started.elapsed().as_secs_f64()
    );
    runs
}

#[test]
fn fuzz_response_decoder() {
    let n = fuzz("response decoder", budget() / 2, |body, _| decoder(body));
    assert!(n > 0);
}

#[test]
fn fuzz_error_body_parser() {
    let n = fuzz("error-body parser", budget() / 2, error_parser);
    assert!(n > 0);
}

#[test]
fn hostile_bodies_do_not_panic() {
    let deep = "[".repeat(100_000);
    let deep_obj = "{\"a\":".repeat(50_000);
    let big = format!("{{\"detail\":\"{}\"}}", "x".repeat(10_000_000));
    for body in [
        deep.as_str(),
        deep_obj.as_str(),
        big.as_str(),
        "\"\\u",
        "\"\\ud800\\u",
    ] {
        assert!(decoder(body).is_none());
        assert!(error_parser(body, 500).is_none());
    }
    assert!(from_response(500, &big).message().len() < 700);
}
