//! How often the panels refresh while a run plays. The tokens move every frame; the panels (the
//! stage's picture, the tables, the verdict) are redrawn every 100 ms on a machine that redraws
//! them within a frame, and less often on one that does not, judged by how late the frame after
//! a redraw comes: a slow machine keeps its tokens moving and its panels a few redraws behind.

/// While playing, the panels refresh at most this often...
pub const REFRESH_MS: f64 = 100.0;
/// ...and, on a machine too slow to redraw them within a frame, as seldom as this: the tables
/// catch up a few times a second...
pub const SLOW_REFRESH_MS: f64 = 400.0;
/// ...or, when a redraw takes several frames, at least this seldom...
pub const SLOWEST_REFRESH_MS: f64 = 1_000.0;
/// ...and seldom enough that redraws take about a twentieth of the time (the late frame's
/// length times this)...
const LATE_FRAME_TO_INTERVAL: f64 = 20.0;
/// ...but never so seldom that a panel is more than this old.
pub const STALEST_REFRESH_MS: f64 = 2_000.0;
/// A frame that follows a redraw and takes longer than this counts as a slow one...
const SLOW_FRAME_MS: f64 = 24.0;
/// ...and longer than this, as a very slow one.
const SLOWEST_FRAME_MS: f64 = 60.0;

/// The refresh interval after a redraw whose next frame began `gap_ms` after the redraw's:
/// a frame on time brings the interval back towards `REFRESH_MS`, a late one pushes it out.
pub fn after_redraw(refresh_ms: f64, gap_ms: f64) -> f64 {
    if gap_ms > SLOWEST_FRAME_MS {
        (gap_ms * LATE_FRAME_TO_INTERVAL).clamp(SLOWEST_REFRESH_MS, STALEST_REFRESH_MS)
    } else if gap_ms > SLOW_FRAME_MS {
        refresh_ms.max(SLOW_REFRESH_MS)
    } else {
        (refresh_ms * 0.8).max(REFRESH_MS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_follows_how_late_the_frame_after_a_redraw_comes() {
        // (interval before, the next frame's gap, interval after)
        let table = [
            (REFRESH_MS, 16.7, REFRESH_MS),
            (1_000.0, 16.7, 800.0),
            (150.0, 16.7, 120.0),
            (REFRESH_MS, 33.3, SLOW_REFRESH_MS),
            (1_000.0, 33.3, 1_000.0),
            (REFRESH_MS, 61.0, 1_220.0),
            (REFRESH_MS, 66.7, 1_334.0),
            (2_000.0, 50.0, 2_000.0),
            (REFRESH_MS, 83.3, 1_666.0),
            (REFRESH_MS, 133.3, STALEST_REFRESH_MS),
            (REFRESH_MS, 10_000.0, STALEST_REFRESH_MS),
        ];
        for (before, gap, after) in table {
            let got = after_redraw(before, gap);
            assert!((got - after).abs() < 1e-6, "after {before} ms and a {gap} ms frame: {got}, not {after}");
        }
    }

    #[test]
    fn frames_on_time_bring_the_stalest_interval_back_to_the_quickest_within_ten_seconds() {
        let mut ms = STALEST_REFRESH_MS;
        let mut redraws = 0;
        let mut waited_ms = 0.0;
        while ms > REFRESH_MS {
            waited_ms += ms;
            ms = after_redraw(ms, 16.7);
            redraws += 1;
        }
        assert_eq!(redraws, 14);
        assert!(waited_ms < 10_000.0, "{waited_ms}");
    }
}
