//! Where message tokens go on a lane so that no two overlap: the queue of a crowded pipe.
//!
//! Every token wants the point its progress along its wire gives it. On one lane (a pipe, where
//! tokens stack vertically, or a rail track, where they line up horizontally) the tokens keep
//! their order but are pushed apart until none overlaps another, and kept inside the lane. When
//! more tokens travel than the lane can show, those furthest from arriving are folded into one
//! "+n" token, placed where they are. Pure arithmetic, tested natively; the animator draws the
//! result.

/// A crowded lane keeps at most this many of its most urgent tokens: far more than ever fit.
const KEPT_AT_MOST: usize = 64;

/// One token's wish on a lane.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Want {
    /// The centre its progress gives it, along the lane.
    pub at: f64,
    /// Its extent along the lane (a pill's height in a pipe, its width on a track).
    pub size: f64,
    /// How close it is to arriving: when the lane is crowded, the least urgent are folded.
    pub urgency: f64,
}

/// Where a lane's tokens go.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Placement {
    /// Each token's centre, in the order given; `None` when it was folded into the crowd.
    pub at: Vec<Option<f64>>,
    /// The "+n" token: its centre and how many tokens it stands for.
    pub crowd: Option<(f64, usize)>,
}

/// Places `wants` on a lane running from `lo` to `hi`, with `gap` between neighbours; a crowd
/// token is `crowd_size` long.
#[cfg_attr(saga_size, optimize(speed))]
pub fn place(wants: &[Want], lo: f64, hi: f64, gap: f64, crowd_size: f64) -> Placement {
    let room = (hi - lo).max(0.0);
    let fits = |sizes: &mut dyn Iterator<Item = f64>| {
        let (sum, n) = sizes.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
        sum + gap * n.saturating_sub(1) as f64 <= room + 1e-9
    };
    let mut kept: Vec<usize>;
    let mut crowd = None;
    if fits(&mut wants.iter().map(|w| w.size)) {
        kept = (0..wants.len()).collect();
    } else {
        // Keep the most urgent that fit beside a crowd token; fold the rest. A lane shows a
        // handful at most, so with thousands waiting one pass keeps only the few most urgent
        // that could fit (a full sort, or even a selection, of thousands costs a frame on a
        // slow machine).
        let more_urgent = |a: usize, b: usize| wants[a].urgency.total_cmp(&wants[b].urgency).then(b.cmp(&a)).is_gt();
        let smallest = wants.iter().map(|w| w.size).fold(f64::INFINITY, f64::min);
        let could_fit = ((room - crowd_size + 1e-9) / (smallest + gap)).floor();
        let k = if could_fit.is_finite() { could_fit.clamp(0.0, KEPT_AT_MOST as f64) as usize } else { KEPT_AT_MOST };
        kept = Vec::with_capacity(k + 1);
        for i in 0..wants.len() {
            if kept.len() == k && kept.last().is_none_or(|&last| !more_urgent(i, last)) {
                continue;
            }
            let at = kept.partition_point(|&j| more_urgent(j, i));
            kept.insert(at, i);
            kept.truncate(k);
        }
        let mut used = crowd_size;
        let mut n = 0;
        for &i in &kept {
            let next = used + gap + wants[i].size;
            if next > room + 1e-9 {
                break;
            }
            used = next;
            n += 1;
        }
        kept.truncate(n);
        let shown_at: f64 = kept.iter().map(|&i| wants[i].at).sum();
        let folded = wants.len() - n;
        let mean = (wants.iter().map(|w| w.at).sum::<f64>() - shown_at) / folded.max(1) as f64;
        crowd = Some((mean, folded));
    }
    // The items to lay out: kept tokens and the crowd token (index usize::MAX).
    let mut items: Vec<(usize, f64, f64)> = kept.iter().map(|&i| (i, wants[i].at, wants[i].size)).collect();
    if let Some((at, _)) = crowd {
        items.push((usize::MAX, at, crowd_size));
    }
    items.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let mut pos: Vec<f64> = items.iter().map(|it| it.1).collect();
    // Forward: each at least its size past the one before, and inside the lane's start.
    for k in 0..items.len() {
        let min = if k == 0 { lo + items[k].2 / 2.0 } else { pos[k - 1] + (items[k - 1].2 + items[k].2) / 2.0 + gap };
        pos[k] = pos[k].max(min);
    }
    // Backward: inside the lane's end, pushing the ones before back as needed.
    for k in (0..items.len()).rev() {
        let max = if k + 1 == items.len() {
            hi - items[k].2 / 2.0
        } else {
            pos[k + 1] - (items[k + 1].2 + items[k].2) / 2.0 - gap
        };
        pos[k] = pos[k].min(max);
    }
    let mut at = vec![None; wants.len()];
    let mut crowd_at = None;
    for (k, it) in items.iter().enumerate() {
        if it.0 == usize::MAX {
            crowd_at = Some(pos[k]);
        } else {
            at[it.0] = Some(pos[k]);
        }
    }
    Placement { at, crowd: crowd.map(|(_, n)| (crowd_at.unwrap_or(lo), n)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn want(at: f64, size: f64, urgency: f64) -> Want {
        Want { at, size, urgency }
    }

    /// A deterministic spread of numbers in [0, 1) from `seed`.
    fn spread(seed: u64) -> impl FnMut() -> f64 {
        let mut x = seed;
        move || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (x >> 33) as f64 / (1u64 << 31) as f64
        }
    }

    /// Every placed token and the crowd, as (centre, size), sorted.
    fn spans(wants: &[Want], p: &Placement, crowd_size: f64) -> Vec<(f64, f64)> {
        let mut v: Vec<(f64, f64)> = wants.iter().zip(&p.at).filter_map(|(w, a)| a.map(|a| (a, w.size))).collect();
        if let Some((a, _)) = p.crowd {
            v.push((a, crowd_size));
        }
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v
    }

    fn assert_valid(wants: &[Want], lo: f64, hi: f64, gap: f64, crowd_size: f64) -> Placement {
        let p = place(wants, lo, hi, gap, crowd_size);
        let s = spans(wants, &p, crowd_size);
        for (a, size) in &s {
            assert!(a - size / 2.0 >= lo - 1e-6 && a + size / 2.0 <= hi + 1e-6, "{s:?} inside {lo}..{hi}");
        }
        for w in s.windows(2) {
            assert!(w[1].0 - w[0].0 >= (w[0].1 + w[1].1) / 2.0 + gap - 1e-6, "no overlap: {s:?}");
        }
        let shown = p.at.iter().filter(|a| a.is_some()).count();
        assert_eq!(shown + p.crowd.map_or(0, |c| c.1), wants.len(), "every token shown or counted");
        p
    }

    #[test]
    fn tokens_far_apart_stay_where_they_are() {
        let w = [want(20.0, 10.0, 0.0), want(60.0, 10.0, 0.0)];
        let p = assert_valid(&w, 0.0, 100.0, 2.0, 10.0);
        assert_eq!(p.at, vec![Some(20.0), Some(60.0)]);
        assert_eq!(p.crowd, None);
    }

    #[test]
    fn tokens_at_one_point_queue_in_their_order() {
        let w = [want(50.0, 10.0, 0.5), want(50.0, 10.0, 0.5), want(50.0, 10.0, 0.5)];
        let p = assert_valid(&w, 0.0, 100.0, 2.0, 10.0);
        let a: Vec<f64> = p.at.iter().map(|a| a.unwrap()).collect();
        assert!(a[0] < a[1] && a[1] < a[2], "{a:?}");
    }

    #[test]
    fn tokens_at_the_ends_are_pulled_inside() {
        let w = [want(-50.0, 10.0, 0.0), want(500.0, 10.0, 1.0)];
        let p = assert_valid(&w, 0.0, 100.0, 2.0, 10.0);
        assert_eq!(p.at, vec![Some(5.0), Some(95.0)]);
    }

    #[test]
    fn a_crowd_folds_the_least_urgent_into_one_token() {
        let w: Vec<Want> = (0..50).map(|i| want(i as f64 * 2.0, 22.0, i as f64)).collect();
        let p = assert_valid(&w, 0.0, 130.0, 3.0, 22.0);
        let (_, n) = p.crowd.expect("crowded");
        assert_eq!(n, 50 - 4, "four pills and the crowd fill 130 units");
        assert!(p.at[49].is_some() && p.at[0].is_none(), "the most urgent are shown");
    }

    #[test]
    fn thousands_on_a_lane_still_show_the_most_urgent() {
        let w: Vec<Want> = (0..5_000).map(|i| want((i * 7 % 130) as f64, 22.0, ((i * 7919) % 5_000) as f64)).collect();
        let p = assert_valid(&w, 0.0, 130.0, 3.0, 22.0);
        let shown: Vec<f64> = w.iter().zip(&p.at).filter(|(_, a)| a.is_some()).map(|(w, _)| w.urgency).collect();
        assert_eq!(shown.len(), 4);
        assert!(shown.iter().all(|&u| u >= 4_996.0), "{shown:?}");
    }

    #[test]
    fn a_crowd_shows_what_sorting_every_token_would_show() {
        // The plain rule, as an oracle: sort every token by urgency (ties: the earlier first),
        // then keep the longest prefix that fits beside the crowd token.
        let mut next = spread(11);
        let mut crowded = 0;
        for round in 0..400 {
            let n = 5 + round % 300;
            // Few distinct urgencies, so ties are common; sizes vary, as labels on a track do.
            let w: Vec<Want> =
                (0..n).map(|_| want(next() * 300.0, 12.0 + (next() * 60.0).floor(), (next() * 7.0).floor())).collect();
            let p = assert_valid(&w, 0.0, 200.0, 3.0, 22.0);
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&a, &b| w[b].urgency.total_cmp(&w[a].urgency).then(a.cmp(&b)));
            let mut used = 22.0;
            let expected: Vec<usize> = order
                .into_iter()
                .take_while(|&i| {
                    used += 3.0 + w[i].size;
                    used <= 200.0 + 1e-9
                })
                .collect();
            let shown: Vec<usize> = (0..n).filter(|&i| p.at[i].is_some()).collect();
            let mut expected = expected;
            expected.sort_unstable();
            if p.crowd.is_some() {
                crowded += 1;
                assert_eq!(shown, expected, "round {round}");
            } else {
                assert_eq!(shown, (0..n).collect::<Vec<_>>(), "round {round}: no crowd, every token shown");
            }
        }
        assert!(crowded > 300, "most rounds are crowded lanes ({crowded} of 400)");
    }

    #[test]
    fn any_mix_is_valid() {
        // A deterministic spread of sizes and wishes, including lanes too short for anything.
        let mut next = spread(7);
        for round in 0..300 {
            let n = round % 23;
            let w: Vec<Want> = (0..n).map(|_| want(next() * 400.0 - 50.0, 20.0 + next() * 150.0, next())).collect();
            assert_valid(&w, 0.0, 300.0, 4.0, 40.0);
        }
    }
}
