//! Decimal text → `f64`, without the standard library's float parser.
//!
//! Why not `str::parse::<f64>`: its Eisel–Lemire algorithm links a 10 KB table of 128-bit powers
//! of five (`core::num::dec2flt::table::POWER_OF_FIVE_128`) into the wasm, which gzip cannot
//! shrink (the bits are random) — all to read the few short numbers a user types into a slider, a
//! link or the Scan editor.
//!
//! Exactness: a number with at most 15 significant digits and a decimal exponent within ±22 —
//! every value a slider, a link or the editor produces — is parsed correctly rounded, as
//! `str::parse` would: its digits form an integer m < 2^53 and 10^|e| ≤ 10^22, both exact doubles,
//! so the one IEEE multiplication or division m · 10^e rounds once (Clinger 1990, "How to read
//! floating point numbers accurately", the fast path). Longer or larger inputs are read within a
//! few ulps (the digits past the 19th are dropped and 10^e is a product of exact powers), except
//! subnormal results (below 2.2 · 10^−308), which are only near.

/// 10^0 … 10^22: every one is an exact double (5^22 < 2^53).
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Beyond this many decimal digits the exponent makes any double 0 or infinite.
const EXPONENT_LIMIT: i64 = 400;

/// Reads `[+|-] digits [. digits] [(e|E) [+|-] digits]` (at least one digit before the exponent;
/// "1." and ".5" are numbers, as for `str::parse`). No spaces, no "inf" or "NaN": `None`.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let (negative, mut at) = match bytes.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let mut digits = Digits::default();
    while let Some(d) = digit_at(bytes, at) {
        digits.push(d, false);
        at += 1;
    }
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        while let Some(d) = digit_at(bytes, at) {
            digits.push(d, true);
            at += 1;
        }
    }
    if !digits.any {
        return None;
    }
    let mut exponent = digits.exponent;
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        let (written, next) = exponent_at(bytes, at + 1)?;
        exponent += written;
        at = next;
    }
    if at != bytes.len() {
        return None;
    }
    let magnitude = scale(digits.mantissa, exponent);
    Some(if negative { -magnitude } else { magnitude })
}

/// The significant digits read so far, as an integer times 10^exponent.
#[derive(Default)]
struct Digits {
    mantissa: u64,
    /// Digits kept in `mantissa` (leading zeros are not kept).
    kept: u32,
    exponent: i64,
    any: bool,
}

impl Digits {
    /// 19 digits always fit a u64; the rest only move the decimal point.
    fn push(&mut self, digit: u8, after_point: bool) {
        self.any = true;
        if self.kept < 19 {
            self.mantissa = self.mantissa * 10 + u64::from(digit);
            if self.mantissa > 0 {
                self.kept += 1;
            }
            if after_point {
                self.exponent -= 1;
            }
        } else if !after_point {
            self.exponent += 1;
        }
    }
}

fn digit_at(bytes: &[u8], at: usize) -> Option<u8> {
    bytes
        .get(at)
        .filter(|b| b.is_ascii_digit())
        .map(|b| b - b'0')
}

/// The written exponent after "e" (sign, at least one digit), saturated at ±`EXPONENT_LIMIT`·2,
/// and where it ends.
fn exponent_at(bytes: &[u8], mut at: usize) -> Option<(i64, usize)> {
    let negative = match bytes.get(at) {
        Some(b'-') => {
            at += 1;
            true
        }
        Some(b'+') => {
            at += 1;
            false
        }
        _ => false,
    };
    let start = at;
    let mut value: i64 = 0;
    while let Some(d) = digit_at(bytes, at) {
        value = (value * 10 + i64::from(d)).min(2 * EXPONENT_LIMIT);
        at += 1;
    }
    (at > start).then_some((if negative { -value } else { value }, at))
}

/// m · 10^e as a double, applying 10^e in steps of at most 10^22 (exact powers), so that no
/// intermediate overflows or underflows before the last step. With |e| ≤ 22 that is one step,
/// m · 10^e or m / 10^−e: Clinger's fast path, exact (one rounding) when m < 2^53; each further
/// step adds at most one rounding.
fn scale(mantissa: u64, exponent: i64) -> f64 {
    if mantissa == 0 || exponent < -EXPONENT_LIMIT {
        return 0.0;
    }
    if exponent > EXPONENT_LIMIT {
        return f64::INFINITY;
    }
    let mut value = mantissa as f64;
    let mut left = exponent;
    while left != 0 {
        let step = left.clamp(-22, 22);
        let power = EXACT_POWERS_OF_TEN[step.unsigned_abs() as usize];
        value = if step > 0 {
            value * power
        } else {
            value / power
        };
        left -= step;
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The standard parser is the independent reference.
    fn std_parse(text: &str) -> f64 {
        text.parse::<f64>().unwrap()
    }

    #[test]
    fn reads_the_forms_a_slider_a_link_and_the_editor_write() {
        for text in [
            "0",
            "-0",
            "+3",
            "0.9",
            "1.",
            ".5",
            "-0.35",
            "1e-3",
            "2.5E+2",
            "0.000001",
            "1000000",
            "9.95e-4",
            "12345678901234.5",
            "007",
            "1e22",
            "-1e-22",
        ] {
            let got = parse_decimal(text).unwrap_or_else(|| panic!("{text} not read"));
            assert_eq!(got.to_bits(), std_parse(text).to_bits(), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_decimal_number() {
        for text in [
            "", "-", "+", ".", "e5", "1e", "1e+", "1e-", "inf", "-inf", "NaN", "infinity", "0x10",
            "1,5", " 1", "1 ", "1..2", "1e5.5", "−1", "1_000", "١",
        ] {
            assert_eq!(parse_decimal(text), None, "{text:?}");
        }
    }

    #[test]
    fn huge_and_tiny_exponents_saturate_instead_of_overflowing() {
        assert_eq!(parse_decimal("1e99999999999999999999"), Some(f64::INFINITY));
        assert_eq!(parse_decimal("-1e400"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_decimal("1e-99999999999999999999"), Some(0.0));
        assert_eq!(parse_decimal("0e999"), Some(0.0));
    }

    proptest! {
        /// Clinger's fast path: up to 15 significant digits and |exponent| ≤ 22, bit for bit
        /// the double the standard parser reads, however the number is written.
        #[test]
        fn fast_path_is_correctly_rounded(
            mantissa in 0u64..1_000_000_000_000_000,
            point in 0usize..16,
            exponent in -7i32..=7,
            negative in any::<bool>(),
        ) {
            let digits = mantissa.to_string();
            let point = point.min(digits.len());
            let (int, frac) = digits.split_at(digits.len() - point);
            let sign = if negative { "-" } else { "" };
            let text = format!("{sign}{int}.{frac}e{exponent}");
            prop_assert_eq!(parse_decimal(&text).unwrap().to_bits(), std_parse(&text).to_bits(), "{}", text);
        }

        /// Off the fast path (long digit strings, large exponents): within 1e-14 relative.
        #[test]
        fn long_numbers_are_read_within_a_few_ulps(
            digits in "[1-9][0-9]{15,30}",
            exponent in -250i32..250,
        ) {
            let text = format!("{digits}e{exponent}");
            let (got, want) = (parse_decimal(&text).unwrap(), std_parse(&text));
            prop_assert!(((got - want) / want).abs() < 1e-14, "{} {} {}", text, got, want);
        }

        /// Whatever the text, no panic, and a number whenever the reference reads a finite one
        /// written in plain decimal form.
        #[test]
        fn never_panics(text in "[-+0-9.eE]{0,12}") {
            let got = parse_decimal(&text);
            if let Ok(want) = text.parse::<f64>() {
                prop_assert!(got.is_some(), "{} refused", text);
                let got = got.unwrap();
                if want.abs() < f64::MIN_POSITIVE {
                    prop_assert!(got.abs() < 2.0 * f64::MIN_POSITIVE, "{} {} {}", text, got, want);
                } else {
                    prop_assert!(got == want || ((got - want) / want).abs() < 1e-14, "{} {} {}", text, got, want);
                }
            }
        }
    }
}
