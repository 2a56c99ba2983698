//! Runs test suites one after another and prints their summary table.

use crate::util;
use std::process::Command;
use std::time::Instant;

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

pub struct Runner {
    only: Option<Vec<String>>,
    outcomes: Vec<Outcome>,
}

impl Runner {
    /// A runner for every suite, or for those named in `only`.
    pub fn new(only: Option<Vec<String>>) -> Runner {
        Runner {
            only,
            outcomes: Vec::new(),
        }
    }

    /// Whether `--only` (if given) names this suite.
    pub fn wanted(&self, name: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|o| o.iter().any(|n| n == name))
    }

    pub fn skip(&mut self, name: &str, why: &str) {
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
    pub fn suite(&mut self, name: &str, cmd: &mut Command) {
        self.suite_row(name, name, cmd);
    }

    /// Like `suite`, for one of several rows of the suite `group` (`--only group` runs them all).
    pub fn suite_row(&mut self, group: &str, name: &str, cmd: &mut Command) {
        if !self.wanted(group) {
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
    pub fn suite_twice_on_failure(&mut self, name: &str, cmd: &mut Command) {
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
    pub fn check(&mut self, name: &str, f: impl FnOnce() -> Result<(), String>) -> bool {
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

    /// Prints the table; whether every suite passed.
    pub fn summary(&self) -> bool {
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
