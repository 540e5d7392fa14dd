//! Small formatting helpers shared by components.

//!
//! Numbers are formatted with integer arithmetic only: Rust's float formatting and parsing
//! machinery would add about 15 KB to the WebAssembly every visitor downloads.

/// `x` with `decimals` digits after the point (0 to 3), rounded half away from zero.
pub fn fixed(x: f64, decimals: u32) -> String {
    let scale = 10i64.pow(decimals.min(3));
    let scaled = if x.is_finite() { (x * scale as f64).round() as i64 } else { 0 };
    let (sign, abs) = if scaled < 0 { ("-", scaled.unsigned_abs()) } else { ("", scaled as u64) };
    let (int, frac) = (abs / scale as u64, abs % scale as u64);
    if decimals == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac:0width$}", width = decimals.min(3) as usize)
    }
}

/// Ten to the power `x`, for speeds on a log scale. A short series instead of `f64::powf`,
/// which would link libm's `pow` into the WebAssembly; whole powers are exact.
pub fn pow10(x: f64) -> f64 {
    if !x.is_finite() {
        return 1.0;
    }
    let whole = x.floor();
    let mut scale = 1.0;
    for _ in 0..(whole.abs() as u32).min(30) {
        scale *= 10.0;
    }
    let scale = if whole < 0.0 { 1.0 / scale } else { scale };
    // e^(f ln 10) for f in [0, 1): the series converges to full precision within 30 terms.
    let y = (x - whole) * std::f64::consts::LN_10;
    let (mut term, mut sum) = (1.0, 1.0);
    for n in 1..30 {
        term *= y / f64::from(n);
        sum += term;
    }
    scale * sum
}

/// Virtual milliseconds as the screen shows them: "850 ms", "12.4 s", "3 min 05 s".
pub fn duration(ms: u64) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{}.{} s", ms / 1000, (ms % 1000) / 100)
    } else {
        format!("{} min {:02} s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

/// The toolbar's clock: like [`duration`] under a minute, then "30:02" and "1:02:03", which
/// keep the toolbar one line wide however long the run.
pub fn clock(ms: u64) -> String {
    let s = ms / 1_000;
    match ms {
        0..60_000 => duration(ms),
        60_000..3_600_000 => format!("{}:{:02}", s / 60, s % 60),
        _ => format!("{}:{:02}:{:02}", s / 3_600, s / 60 % 60, s % 60),
    }
}

/// A count with thousands separators: "10,000" (English and Korean both write it so).
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A speed multiplier: "×0.01", "×1", "×3.2", "×32".
pub fn speed(mult: f64) -> String {
    if mult >= 10.0 {
        format!("×{}", fixed(mult, 0))
    } else if mult >= 1.0 {
        let s = fixed(mult, 1);
        format!("×{}", s.strip_suffix(".0").unwrap_or(&s))
    } else {
        format!("×{}", fixed(mult, 2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_stays_short() {
        for (ms, want) in
            [(850, "850 ms"), (12_400, "12.4 s"), (60_000, "1:00"), (1_802_000, "30:02"), (3_723_000, "1:02:03")]
        {
            assert_eq!(clock(ms), want);
        }
    }

    #[test]
    fn counts_have_thousands_separators() {
        for (n, want) in [(0, "0"), (999, "999"), (1_000, "1,000"), (10_000, "10,000"), (1_234_567, "1,234,567")] {
            assert_eq!(count(n), want);
        }
    }

    #[test]
    fn powers_of_ten() {
        for (x, want) in
            [(-2.0, 0.01), (0.0, 1.0), (1.0, 10.0), (2.0, 100.0), (0.5, 10f64.sqrt()), (-1.25, 10f64.powf(-1.25))]
        {
            assert!((pow10(x) - want).abs() <= want * 1e-12, "10^{x} = {} not {want}", pow10(x));
        }
        assert_eq!(pow10(2.0), 100.0);
        assert_eq!(pow10(f64::NAN), 1.0);
    }

    #[test]
    fn durations() {
        assert_eq!(duration(850), "850 ms");
        assert_eq!(duration(12_400), "12.4 s");
        assert_eq!(duration(185_000), "3 min 05 s");
    }

    #[test]
    fn fixed_point() {
        assert_eq!(fixed(12.345, 1), "12.3");
        assert_eq!(fixed(-0.55, 1), "-0.6");
        assert_eq!(fixed(3.0, 0), "3");
        assert_eq!(fixed(0.05, 2), "0.05");
        assert_eq!(fixed(f64::NAN, 1), "0.0");
    }

    #[test]
    fn speeds() {
        assert_eq!(speed(1.0), "×1");
        assert_eq!(speed(0.01), "×0.01");
        assert_eq!(speed(100.0), "×100");
        assert_eq!(speed(3.16), "×3.2");
    }
}
