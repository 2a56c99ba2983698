//! Small helpers: naive ISO timestamps, ids, percent-decoding.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use rand::Rng;

/// Maps monotonic instants to wall-clock time, fixed when the server starts.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    base_instant: Instant,
    base_unix_micros: u128,
}

impl Clock {
    pub fn new() -> Self {
        let unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_micros())
            .unwrap_or(0);
        Clock {
            base_instant: Instant::now(),
            base_unix_micros: unix,
        }
    }

    /// Naive UTC ISO-8601 with microseconds, as the Skyvern server prints it:
    /// `2026-11-25T03:19:29.623708` (the fraction is left out when it is zero).
    pub fn iso(&self, at: Instant) -> String {
        let micros = if at >= self.base_instant {
            self.base_unix_micros + at.duration_since(self.base_instant).as_micros()
        } else {
            self.base_unix_micros
                .saturating_sub(self.base_instant.duration_since(at).as_micros())
        };
        iso_from_unix_micros(micros)
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::new()
    }
}

pub fn iso_from_unix_micros(micros: u128) -> String {
    let secs = (micros / 1_000_000) as i64;
    let frac = (micros % 1_000_000) as u32;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss) = (rem / 3600, (rem % 3600) / 60, rem % 60);
    if frac == 0 {
        format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}")
    } else {
        format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{frac:06}")
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// An 18-digit number that grows with every call, like Skyvern's ids.
pub fn id_digits() -> String {
    let step = rand::thread_rng().gen_range(1..5000u64);
    let mut cur = NEXT_ID.load(Ordering::Relaxed);
    loop {
        let base = if cur == 0 {
            600_000_000_000_000_000 + rand::thread_rng().gen_range(0..10_000_000_000_000_000u64)
        } else {
            cur
        };
        let next = base + step;
        match NEXT_ID.compare_exchange(cur, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return format!("{next:018}"),
            Err(actual) => cur = actual,
        }
    }
}

pub fn new_id(prefix: &str) -> String {
    format!("{prefix}{}", id_digits())
}

pub fn random_hex(len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| char::from_digit(rng.gen_range(0..16), 16).unwrap_or('0'))
        .collect()
}

pub fn uuid_v4() -> String {
    let h = random_hex(32);
    let variant = ['8', '9', 'a', 'b'][rand::thread_rng().gen_range(0..4)];
    format!(
        "{}-{}-4{}-{}{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        variant,
        &h[17..20],
        &h[20..32]
    )
}

/// Decodes `%XX` escapes; invalid escapes are kept as they are.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(a), Some(b)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((a * 16 + b) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_format() {
        // 2026-11-25T03:19:29.623708
        let secs: u128 = 1_795_576_769;
        assert_eq!(
            iso_from_unix_micros(secs * 1_000_000 + 623_708),
            "2026-11-25T03:19:29.623708"
        );
        assert_eq!(
            iso_from_unix_micros(secs * 1_000_000),
            "2026-11-25T03:19:29"
        );
    }

    #[test]
    fn ids_are_18_digits_and_grow() {
        let a = id_digits();
        let b = id_digits();
        assert_eq!(a.len(), 18);
        assert!(b > a);
    }

    #[test]
    fn decode() {
        assert_eq!(percent_decode("a%2Fb%zz%"), "a/b%zz%");
        assert_eq!(uuid_v4().len(), 36);
    }
}
