//! Resource quantities (`500m`, `1Gi`, `2.5`, `1e3`), as upstream's `resource.Quantity`:
//! parsed exactly, compared by value, and written back in canonical form (`1024Mi` → `1Gi`,
//! `0.5` → `500m`), which is what the apiserver stores and returns.

use std::cmp::Ordering;
use std::fmt;

/// The message upstream's decoder gives for a malformed quantity.
pub const FORMAT_ERROR: &str = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// Nano-units per unit: quantities are kept exactly down to `1n`, as upstream.
const NANOS: i128 = 1_000_000_000;

/// How a quantity was written, which decides how it is written back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Powers of 1024: `Ki`, `Mi`, ... `Ei`.
    BinarySi,
    /// Powers of 1000: `n`, `u`, `m`, none, `k`, `M`, ... `E`.
    DecimalSi,
    /// Scientific: `1e3`, `5E-3`.
    DecimalExponent,
}

/// A parsed quantity: its value in nano-units (rounded up to `1n`) and its format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity {
    nanos: i128,
    format: Format,
}

const BINARY_SUFFIXES: [&str; 7] = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
const DECIMAL_SUFFIXES: [(i32, &str); 10] =
    [(-9, "n"), (-6, "u"), (-3, "m"), (0, ""), (3, "k"), (6, "M"), (9, "G"), (12, "T"), (15, "P"), (18, "E")];

/// Splits `text` into its signed number and its suffix.
fn split_number(text: &str) -> Option<(&str, &str)> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let digits = unsigned.bytes().take_while(|b| b.is_ascii_digit() || *b == b'.').count();
    let number_len = text.len() - unsigned.len() + digits;
    let number = &text[..number_len];
    let body = &unsigned[..digits];
    let valid = body.bytes().filter(|b| *b == b'.').count() <= 1 && body.bytes().any(|b| b.is_ascii_digit());
    valid.then(|| (number, &text[number_len..]))
}

/// The multiplier a suffix stands for: a power of 1024 or of ten, and the format it implies.
fn suffix_scale(suffix: &str) -> Option<(u32, i32, Format)> {
    if let Some(power) = BINARY_SUFFIXES.iter().skip(1).position(|s| *s == suffix) {
        return Some((power as u32 + 1, 0, Format::BinarySi));
    }
    if let Some((exponent, _)) = DECIMAL_SUFFIXES.iter().find(|(_, s)| *s == suffix) {
        return Some((0, *exponent, Format::DecimalSi));
    }
    let exponent = suffix.strip_prefix(['e', 'E'])?;
    let value: i32 = exponent.parse().ok()?;
    (!exponent.is_empty()).then_some((0, value, Format::DecimalExponent))
}

/// `numerator / 10^shift`, rounded away from zero.
fn divide_up(numerator: i128, shift: u32) -> Option<i128> {
    let divisor = 10i128.checked_pow(shift)?;
    let quotient = numerator / divisor;
    Some(if numerator % divisor == 0 { quotient } else { quotient + numerator.signum() })
}

impl Quantity {
    /// Parses a quantity; the error is upstream's message.
    pub fn parse(text: &str) -> Result<Self, String> {
        let malformed = || FORMAT_ERROR.to_owned();
        let (number, suffix) = split_number(text.trim()).ok_or_else(malformed)?;
        let (binary_power, exponent, format) = suffix_scale(suffix).ok_or_else(malformed)?;
        let negative = number.starts_with('-');
        let unsigned = number.trim_start_matches(['+', '-']);
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let digits = format!("{whole}{fraction}");
        let mantissa: i128 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| malformed())? };
        let mantissa = if negative { -mantissa } else { mantissa };
        let scaled = mantissa.checked_mul(1024i128.checked_pow(binary_power).ok_or_else(malformed)?).ok_or_else(malformed)?;
        // value = scaled * 10^(exponent - fraction digits); kept in nano-units.
        let shift = exponent + 9 - fraction.len() as i32;
        let nanos = if shift >= 0 {
            scaled.checked_mul(10i128.checked_pow(shift as u32).ok_or_else(malformed)?).ok_or_else(malformed)?
        } else {
            divide_up(scaled, shift.unsigned_abs()).ok_or_else(malformed)?
        };
        Ok(Self { nanos, format })
    }

    /// The value rounded up to a multiple of `1m`, as upstream's `SetDefaults_ResourceList`.
    pub fn round_up_to_milli(self) -> Self {
        let milli = NANOS / 1000;
        let rounded = divide_up(self.nanos, 6).map_or(self.nanos, |m| m * milli);
        Self { nanos: rounded, ..self }
    }

    /// The value in thousandths, rounded up.
    pub fn milli_value(self) -> i128 {
        divide_up(self.nanos, 6).unwrap_or_default()
    }

    /// Whether the value is below zero.
    pub fn is_negative(self) -> bool {
        self.nanos < 0
    }

    /// Whether the value is a whole number.
    pub fn is_integer(self) -> bool {
        self.nanos % NANOS == 0
    }

    /// Whether the value is zero.
    pub fn is_zero(self) -> bool {
        self.nanos == 0
    }

    /// The value as a floating-point number (for ratios).
    pub fn as_f64(self) -> f64 {
        self.nanos as f64 / NANOS as f64
    }

    /// A whole number of binary units: the largest power of 1024 dividing it.
    fn binary_text(self) -> Option<String> {
        let mut units = self.nanos / NANOS;
        if self.format != Format::BinarySi || !self.is_integer() || units.abs() < 1024 {
            return None;
        }
        let mut power = 0;
        while units % 1024 == 0 && power < BINARY_SUFFIXES.len() - 1 {
            units /= 1024;
            power += 1;
        }
        Some(format!("{units}{}", BINARY_SUFFIXES[power]))
    }

    /// The mantissa and the largest power of 1000 (from 10^-9 to 10^18) it divides by.
    fn decimal_text(self) -> String {
        if self.nanos == 0 {
            return "0".into();
        }
        let (exponent, suffix) = DECIMAL_SUFFIXES
            .iter()
            .rev()
            .find(|(exponent, _)| 10i128.checked_pow((exponent + 9) as u32).is_some_and(|d| self.nanos % d == 0))
            .copied()
            .unwrap_or((-9, "n"));
        let mantissa = self.nanos / 10i128.pow((exponent + 9) as u32);
        match self.format {
            Format::DecimalExponent if exponent != 0 => format!("{mantissa}e{exponent}"),
            Format::DecimalExponent => mantissa.to_string(),
            _ => format!("{mantissa}{suffix}"),
        }
    }
}

impl fmt::Display for Quantity {
    /// The canonical form upstream stores and prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.binary_text() {
            Some(text) => f.write_str(&text),
            None => f.write_str(&self.decimal_text()),
        }
    }
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    /// By value, whatever the format.
    fn cmp(&self, other: &Self) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> String {
        Quantity::parse(text).map(|q| q.to_string()).unwrap_or_else(|e| e)
    }

    #[test]
    fn canonical_forms_match_upstream() {
        let cases = [
            ("1024Mi", "1Gi"),
            ("1536Mi", "1536Mi"),
            ("0.5Gi", "512Mi"),
            ("1000M", "1G"),
            ("1500M", "1500M"),
            ("0.5", "500m"),
            ("2", "2"),
            ("100m", "100m"),
            ("1e3", "1e3"),
            ("1.5e3", "1500"),
            ("512", "512"),
            ("100Ki", "100Ki"),
            ("0", "0"),
            ("-1", "-1"),
            ("0.1Ki", "102400m"),
            ("1n", "1n"),
        ];
        for (input, want) in cases {
            assert_eq!(canonical(input), want, "{input}");
        }
    }

    #[test]
    fn malformed_quantities_are_refused_with_upstreams_message() {
        for bad in ["", "abc", "1.2.3", "5Gb", "1e", "--1", "."] {
            assert_eq!(Quantity::parse(bad), Err(FORMAT_ERROR.to_owned()), "{bad:?}");
        }
    }

    #[test]
    fn compares_by_value_and_rounds_to_milli() -> Result<(), String> {
        assert!(Quantity::parse("1Gi")? > Quantity::parse("1G")?);
        assert_eq!(Quantity::parse("1024Mi")?.cmp(&Quantity::parse("1Gi")?), Ordering::Equal);
        assert!(Quantity::parse("500m")? < Quantity::parse("1")?);
        assert_eq!(Quantity::parse("0.0001")?.round_up_to_milli().to_string(), "1m");
        assert_eq!(Quantity::parse("1.5")?.milli_value(), 1500);
        assert!(!Quantity::parse("1.5")?.is_integer() && Quantity::parse("2k")?.is_integer());
        Ok(())
    }
}
