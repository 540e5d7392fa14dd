//! Probabilities as decimal text, for the run file and the link, written and read without the
//! standard library's float formatting and parsing. Those bring Grisu, Dragon and Eisel-Lemire
//! with their power tables into the page (about 10 KB gzipped) for the four probabilities of a
//! config; exact integer arithmetic on a u128 does the same work for the numbers a run holds.
//!
//! `read` rounds correctly (to the nearest `f64`, ties to even, as `str::parse` does) for every
//! number of up to 19 significant digits with a decimal exponent from -38 to 19, and gives the
//! same bits natively and in the browser. `write` gives the shortest text with at most 22
//! decimal places that `read` turns back into the same bits: every value from 0.00001 up reads
//! back exactly; a smaller one is written to 22 places.

/// Decimal places `write` tries.
const MAX_PLACES: u32 = 22;
/// Significant digits `read` keeps (a u64 holds 19); later ones only move the exponent.
const MAX_DIGITS: u32 = 19;

/// `2^k` for `k` in the normal range.
fn pow2(k: i32) -> f64 {
    f64::from_bits(((1023 + k.clamp(-1022, 1023)) as u64) << 52)
}

/// The `f64` nearest to `q / 2^k + (a sticky remainder, if any)`: round half to even.
fn round_to_f64(q: u128, k: i32, sticky: bool) -> f64 {
    let bits = 128 - q.leading_zeros() as i32;
    if bits <= 53 {
        return q as f64 * pow2(-k);
    }
    let shift = bits - 53;
    let mut mantissa = q >> shift;
    let rest = q & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    if rest > half || (rest == half && (sticky || mantissa & 1 == 1)) {
        mantissa += 1;
    }
    // 2^53 after rounding up is still exact as an f64.
    mantissa as f64 * pow2(shift - k)
}

/// `m × 10^exp`, correctly rounded where the docs above say, and close elsewhere.
#[cfg_attr(saga_size, optimize(size))]
fn value(m: u64, exp: i32) -> f64 {
    if m == 0 {
        return 0.0;
    }
    if (0..=19).contains(&exp) {
        return round_to_f64(u128::from(m) * 10u128.pow(exp as u32), 0, false);
    }
    if (-38..0).contains(&exp) {
        // Binary long division: bits of m / 10^-exp until there are 55 of them, then round
        // with the remainder as the sticky bit.
        let den = 10u128.pow((-exp) as u32);
        let mut q = u128::from(m) / den;
        let mut r = u128::from(m) % den;
        let mut k = 0;
        while q < (1u128 << 54) {
            q <<= 1;
            r <<= 1;
            k += 1;
            if r >= den {
                r -= den;
                q |= 1;
            }
        }
        return round_to_f64(q, k, r != 0);
    }
    // Far outside what a probability is: a close value, by exact powers of ten.
    let ten = if exp > 0 { 10.0f64 } else { 0.1 };
    (0..exp.unsigned_abs().min(400)).fold(m as f64, |v, _| v * ten)
}

/// The shortest decimal text for `v` that `read` gives back exactly ("0", "0.1", "12.5");
/// NaN and the infinities, which JSON cannot hold, become "0".
#[cfg_attr(saga_size, optimize(size))]
pub fn write(v: f64) -> String {
    if !v.is_finite() || v == 0.0 {
        return "0".into();
    }
    let sign = if v < 0.0 { "-" } else { "" };
    let a = v.abs();
    let raw = a.to_bits();
    let biased = (raw >> 52) as i32;
    let fraction = raw & ((1u64 << 52) - 1);
    // a = mantissa × 2^exp2, exactly.
    let (mantissa, exp2) = if biased == 0 { (fraction, -1074) } else { (fraction | (1u64 << 52), biased - 1075) };
    if exp2 >= 0 {
        // A whole number of 2^53 or more: its digits, if they fit.
        return match u64::try_from(u128::from(mantissa) << exp2.min(64)) {
            Ok(n) if exp2 < 12 => format!("{sign}{n}"),
            _ => "0".into(),
        };
    }
    let shift = (-exp2) as u32;
    let mut best = (0u64, 0u32);
    for places in 0..=MAX_PLACES {
        // a × 10^places, rounded half to even, exactly.
        let num = u128::from(mantissa) * 10u128.pow(places);
        let m = if shift >= 128 {
            0
        } else {
            let q = num >> shift;
            let rest = num & ((1u128 << shift) - 1);
            let half = 1u128 << (shift - 1);
            if rest > half || (rest == half && q & 1 == 1) { q + 1 } else { q }
        };
        let Ok(m) = u64::try_from(m) else { break };
        best = (m, places);
        if value(m, -(places as i32)).to_bits() == a.to_bits() {
            break;
        }
    }
    let (m, places) = best;
    let digits = m.to_string();
    let places = places as usize;
    let text = if places == 0 {
        digits
    } else if digits.len() > places {
        let (int, frac) = digits.split_at(digits.len() - places);
        format!("{int}.{frac}")
    } else {
        format!("0.{}{digits}", "0".repeat(places - digits.len()))
    };
    // Trailing zeros only come from the fallback; drop them ("0.10" is "0.1").
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text };
    format!("{sign}{text}")
}

/// The value of a JSON number (`-12.5e-3`), or None if `text` is not one.
pub fn read(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let negative = bytes.first() == Some(&b'-');
    if negative {
        at += 1;
    }
    let mut m: u64 = 0;
    let mut digits = 0u32;
    let mut exp: i64 = 0;
    let mut any = false;
    let mut seen_point = false;
    while at < bytes.len() {
        match bytes[at] {
            c @ b'0'..=b'9' => {
                any = true;
                if m == 0 && c == b'0' {
                    // A leading zero adds no digit, only shifts a fraction.
                    if seen_point {
                        exp -= 1;
                    }
                } else if digits < MAX_DIGITS {
                    m = m * 10 + u64::from(c - b'0');
                    digits += 1;
                    if seen_point {
                        exp -= 1;
                    }
                } else if !seen_point {
                    exp += 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            b'e' | b'E' => break,
            _ => return None,
        }
        at += 1;
    }
    if !any {
        return None;
    }
    if at < bytes.len() {
        at += 1;
        let minus = match bytes.get(at) {
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
        let rest = &bytes[at..];
        if rest.is_empty() || !rest.iter().all(u8::is_ascii_digit) {
            return None;
        }
        // Past a few hundred the value is 0 or infinite either way; saturate, never overflow.
        let e = rest.iter().fold(0i64, |e, d| (e * 10 + i64::from(d - b'0')).min(10_000));
        exp += if minus { -e } else { e };
    }
    let v = value(m, exp.clamp(-10_000, 10_000) as i32);
    Some(if negative { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_written_as_people_write_them() {
        let table: [(f64, &str); 9] = [
            (0.0, "0"),
            (1.0, "1"),
            (0.1, "0.1"),
            (0.05, "0.05"),
            (0.333, "0.333"),
            (12.5, "12.5"),
            (-0.25, "-0.25"),
            (f64::NAN, "0"),
            (f64::INFINITY, "0"),
        ];
        for (v, text) in table {
            assert_eq!(write(v), text, "{v}");
        }
    }

    #[test]
    fn every_percent_and_per_mille_reads_back_to_the_same_bits() {
        for n in 0..=1000u32 {
            for v in [f64::from(n) / 100.0, f64::from(n) / 1000.0, f64::from(n) * 0.01] {
                let text = write(v);
                assert_eq!(read(&text).map(f64::to_bits), Some(v.to_bits()), "{v} as {text}");
                // The standard library reads the same text to the same value.
                assert_eq!(text.parse::<f64>().ok().map(f64::to_bits), Some(v.to_bits()), "{text}");
            }
        }
    }

    #[test]
    fn any_value_in_the_unit_interval_reads_back_exactly_and_std_agrees() {
        // A fixed generator: the test is the same on every run.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = (x >> 11) as f64 / (1u64 << 53) as f64;
            if v < 1e-5 {
                continue;
            }
            let text = write(v);
            assert_eq!(read(&text).map(f64::to_bits), Some(v.to_bits()), "{v} as {text}");
            assert_eq!(text.parse::<f64>().ok().map(f64::to_bits), Some(v.to_bits()), "{text}");
            // As short as the standard library's shortest form.
            assert!(text.len() <= v.to_string().len(), "{text} against {v}");
        }
    }

    #[test]
    fn read_agrees_with_the_standard_library_on_json_numbers() {
        for text in [
            "0",
            "-0",
            "1",
            "0.5",
            "0.0001",
            "1e-3",
            "2.5E+2",
            "123456789012345678901234",
            "0.000000000000000000001",
            "1e400",
            "1e-400",
            "3.14159",
        ] {
            let ours = read(text).unwrap_or(f64::NAN);
            let std: f64 = text.parse().unwrap_or(f64::NAN);
            let close = ours == std || ((ours - std) / std).abs() < 1e-15;
            assert!(close, "{text}: {ours} against {std}");
        }
        // Correctly rounded, bit for bit, wherever the docs promise it.
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let m = x % 10_000_000_000_000_000_000;
            let exp = (x >> 40) as i32 % 58 - 38;
            let text = format!("{m}e{exp}");
            assert_eq!(read(&text).map(f64::to_bits), text.parse::<f64>().ok().map(f64::to_bits), "{text}");
        }
    }

    #[test]
    fn what_is_not_a_number_is_refused() {
        for text in ["", "-", ".", "e5", "1e", "1e+", "1.2.3", "abc", "1x", "0x10", " 1"] {
            assert_eq!(read(text), None, "{text:?}");
        }
    }
}
