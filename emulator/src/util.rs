//! Timestamps as the Skyvern server prints them, ids, percent-decoding.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use rand::Rng;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

/// Python's `datetime.isoformat()` for a naive time with microseconds.
const ISO_MICROS: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]");
/// The same when the microseconds are zero: Python leaves the fraction out.
const ISO_WHOLE_SECONDS: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");

/// Maps monotonic instants to wall-clock time, fixed when the server starts.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    base_instant: Instant,
    base_wall: OffsetDateTime,
}

impl Clock {
    pub fn new() -> Self {
        Clock {
            base_instant: Instant::now(),
            base_wall: OffsetDateTime::now_utc(),
        }
    }

    /// Naive UTC ISO-8601 with microseconds, as the Skyvern server prints it:
    /// `2026-11-25T03:19:29.623708` (the fraction is left out when it is zero).
    pub fn iso(&self, at: Instant) -> String {
        let wall = if at >= self.base_instant {
            self.base_wall + at.duration_since(self.base_instant)
        } else {
            self.base_wall - self.base_instant.duration_since(at)
        };
        naive_iso(wall)
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::new()
    }
}

/// `at` in UTC as a naive ISO-8601 string, microseconds truncated.
pub fn naive_iso(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    let format = if at.microsecond() == 0 {
        ISO_WHOLE_SECONDS
    } else {
        ISO_MICROS
    };
    at.format(format).unwrap_or_default()
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
    uuid::Uuid::new_v4().to_string()
}

/// Decodes `%XX` escapes; invalid escapes are kept as they are.
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_format() {
        // 2026-11-25T03:19:29.623708
        let secs: i128 = 1_795_576_769;
        let at = |nanos: i128| {
            OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or(OffsetDateTime::UNIX_EPOCH)
        };
        assert_eq!(
            naive_iso(at((secs * 1_000_000 + 623_708) * 1_000)),
            "2026-11-25T03:19:29.623708"
        );
        assert_eq!(naive_iso(at(secs * 1_000_000_000)), "2026-11-25T03:19:29");
        // Below a microsecond is cut, as Python keeps microseconds only.
        assert_eq!(
            naive_iso(at(secs * 1_000_000_000 + 5_999)),
            "2026-11-25T03:19:29.000005"
        );
        assert_eq!(
            naive_iso(at(secs * 1_000_000_000 + 999)),
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
        assert_eq!(percent_decode("%E2%9C%93%ff"), "\u{2713}\u{fffd}");
        let id = uuid_v4();
        assert_eq!(id.len(), 36);
        assert_eq!(id.as_bytes()[14], b'4');
    }
}
