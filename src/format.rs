//! Small formatting helpers shared by components.

/// Virtual milliseconds as the screen shows them: "850 ms", "12.4 s", "3 min 05 s".
pub fn duration(ms: u64) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format!("{} min {:02} s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

/// A speed multiplier: "×0.01", "×1", "×31.6".
pub fn speed(mult: f64) -> String {
    if mult >= 10.0 {
        format!("×{mult:.0}")
    } else if mult >= 1.0 {
        format!("×{mult:.1}").replace(".0", "")
    } else {
        format!("×{mult:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration(850), "850 ms");
        assert_eq!(duration(12_400), "12.4 s");
        assert_eq!(duration(185_000), "3 min 05 s");
    }

    #[test]
    fn speeds() {
        assert_eq!(speed(1.0), "×1");
        assert_eq!(speed(0.01), "×0.01");
        assert_eq!(speed(100.0), "×100");
        assert_eq!(speed(3.16), "×3.2");
    }
}
