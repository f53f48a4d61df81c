//! Go `time.Duration` flag values (`15s`, `1m30s`, `1.5h`, `300ms`), as upstream flags take them.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// Errors from parsing a Go duration string.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The text is not a Go duration.
    #[error("invalid duration {0:?}: expected a Go duration such as 15s, 1m30s or 1.5h")]
    Invalid(String),
    /// Negative durations make no sense for the flags that take this type.
    #[error("invalid duration {0:?}: must not be negative")]
    Negative(String),
}

/// A non-negative duration that parses and prints like Go's `time.Duration`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct GoDuration(pub Duration);

impl GoDuration {
    /// A duration of `secs` seconds.
    pub const fn from_secs(secs: u64) -> Self {
        Self(Duration::from_secs(secs))
    }
}

impl From<GoDuration> for Duration {
    fn from(d: GoDuration) -> Duration {
        d.0
    }
}

/// Nanoseconds per unit suffix; Go accepts both micro signs. The longest match wins (`ms` over `m`).
const UNITS: [(&str, f64); 8] = [
    ("ns", 1.0),
    ("us", 1e3),
    ("\u{b5}s", 1e3),
    ("\u{3bc}s", 1e3),
    ("ms", 1e6),
    ("s", 1e9),
    ("m", 60e9),
    ("h", 3600e9),
];

fn unit_nanos(rest: &str) -> Option<(&'static str, f64)> {
    UNITS
        .iter()
        .filter(|(suffix, _)| rest.starts_with(suffix))
        .max_by_key(|(suffix, _)| suffix.len())
        .copied()
}

impl FromStr for GoDuration {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        let invalid = || Error::Invalid(text.to_owned());
        let body = text.strip_prefix('+').unwrap_or(text);
        if body.starts_with('-') {
            return if body == "-0" { Ok(Self::default()) } else { Err(Error::Negative(text.to_owned())) };
        }
        if body == "0" {
            return Ok(Self::default());
        }
        if body.is_empty() {
            return Err(invalid());
        }
        let mut nanos = 0f64;
        let mut rest = body;
        while !rest.is_empty() {
            let number_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or_else(invalid)?;
            let number: f64 = rest[..number_len].parse().map_err(|_| invalid())?;
            let (suffix, scale) = unit_nanos(&rest[number_len..]).ok_or_else(invalid)?;
            nanos += number * scale;
            rest = &rest[number_len + suffix.len()..];
        }
        if !nanos.is_finite() || nanos > u64::MAX as f64 {
            return Err(invalid());
        }
        Ok(Self(Duration::from_nanos(nanos.round() as u64)))
    }
}

impl fmt::Display for GoDuration {
    /// Prints like Go: `0s`, `300ms`, `15s`, `1m30s`, `2h0m0s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        if d.is_zero() {
            return f.write_str("0s");
        }
        if d < Duration::from_secs(1) {
            let nanos = d.as_nanos();
            return match nanos {
                n if n < 1_000 => write!(f, "{n}ns"),
                n if n < 1_000_000 => write!(f, "{}µs", trim_float(n as f64 / 1e3)),
                n => write!(f, "{}ms", trim_float(n as f64 / 1e6)),
            };
        }
        let total = d.as_secs();
        let (hours, minutes) = (total / 3600, (total % 3600) / 60);
        let seconds = (total % 60) as f64 + f64::from(d.subsec_nanos()) / 1e9;
        if hours > 0 {
            write!(f, "{hours}h{minutes}m")?;
        } else if minutes > 0 {
            write!(f, "{minutes}m")?;
        }
        write!(f, "{}s", trim_float(seconds))
    }
}

fn trim_float(value: f64) -> String {
    let text = format!("{value:.9}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_durations() {
        let cases = [
            ("15s", Duration::from_secs(15)),
            ("1m30s", Duration::from_secs(90)),
            ("1.5h", Duration::from_secs(5400)),
            ("300ms", Duration::from_millis(300)),
            ("2h45m", Duration::from_secs(9900)),
            ("8760h0m0s", Duration::from_secs(8760 * 3600)),
            ("0", Duration::ZERO),
            ("10us", Duration::from_micros(10)),
        ];
        for (text, want) in cases {
            assert_eq!(text.parse::<GoDuration>(), Ok(GoDuration(want)), "{text}");
        }
    }

    #[test]
    fn rejects_bad_durations() {
        for text in ["", "15", "s", "1x", "1..5s", "abc"] {
            assert!(matches!(text.parse::<GoDuration>(), Err(Error::Invalid(_))), "{text}");
        }
        assert!(matches!("-1s".parse::<GoDuration>(), Err(Error::Negative(_))));
    }

    #[test]
    fn prints_like_go() {
        let cases = [
            (Duration::ZERO, "0s"),
            (Duration::from_secs(15), "15s"),
            (Duration::from_secs(90), "1m30s"),
            (Duration::from_secs(7200), "2h0m0s"),
            (Duration::from_millis(300), "300ms"),
            (Duration::from_millis(1500), "1.5s"),
        ];
        for (d, want) in cases {
            assert_eq!(GoDuration(d).to_string(), want);
        }
    }
}
