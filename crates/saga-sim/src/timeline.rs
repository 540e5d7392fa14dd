//! Time travel: a run's branches, and the exact past of any of them on demand.
//!
//! A branch is a run's record (its inputs, see `run`) and how far it has been run. Its past is
//! not stored moment by moment: a few checkpoints (whole `Sim` clones, cheap because the bus log
//! is shared in chunks) let [`Timeline::seek`] replay from the nearest one. They are spaced by
//! engine steps, not by virtual time, so a seek replays a bounded amount of work whether the
//! stretch was an idle minute or a fast-forward of 10,000 orders. When a branch holds
//! [`CHECKPOINTS_KEPT`] of them, every other one goes and the spacing doubles: memory stays flat
//! however long the run, and a seek's cost grows with the log of its length.
//!
//! Acting in the past starts a new branch ([`Timeline::fork`]): the person's later inputs are
//! dropped from the run that goes on, and the abandoned future stays as a branch to switch back
//! to. At most [`MAX_BRANCHES`] are kept (the oldest goes first); a branch not shown keeps only
//! [`CHECKPOINTS_KEPT_ASIDE`] checkpoints.
//!
//! The timeline only reads the live `Sim` ([`Timeline::observe`] after every move); the caller
//! owns it, and replaces it with what `seek`, `fork` or `switch` hand back.

use crate::config::SimConfig;
use crate::input::Input;
use crate::run::Run;
use crate::sim::Sim;
use crate::trace::TraceRecord;
use std::rc::Rc;

/// The most branches kept.
pub const MAX_BRANCHES: usize = 8;
/// The most checkpoints of the branch on screen. A checkpoint of a busy run holds a few MB
/// that later ones do not share (its window of the bus log, its tables), so they are few; a
/// seek replays at most the steps between two of them.
pub const CHECKPOINTS_KEPT: usize = 8;
/// The most heap the checkpoints of the branch on screen may hold (by `Sim::footprint_bytes`,
/// each counting what it does not share with the one before): a quiet class run keeps all
/// [`CHECKPOINTS_KEPT`], a run that fast-forwarded thousands of orders fewer, further apart.
pub const CHECKPOINT_BYTES: usize = 12 << 20;
/// The most checkpoints of a branch not on screen.
pub const CHECKPOINTS_KEPT_ASIDE: usize = 3;
/// Trace records a checkpoint keeps from just before it, so a seek's event log does not start
/// empty at the checkpoint.
pub const HISTORY_AT_CHECKPOINT: usize = 200;
/// Engine steps between two checkpoints at first; the spacing doubles with each thinning.
pub const FIRST_SPACING_STEPS: u64 = 512;

/// A branch's number, unique within a timeline (1 is the run as first played).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BranchId(pub u32);

/// A saved moment of a branch.
#[derive(Clone, Debug)]
struct Checkpoint {
    at_ms: u64,
    steps: u64,
    /// Inputs the run had received by then.
    inputs: usize,
    sim: Rc<Sim>,
    /// The trace just before it, oldest first.
    history: Rc<[TraceRecord]>,
}

/// One line of history.
#[derive(Clone, Debug)]
pub struct Branch {
    /// Its number.
    pub id: BranchId,
    /// The branch it left, and when, for the first branch none.
    pub parent: Option<(BranchId, u64)>,
    /// Every input of the run along this branch, in order.
    inputs: Vec<Input>,
    /// The furthest virtual time it has been run to.
    pub end_ms: u64,
    /// Engine steps at that point.
    end_steps: u64,
    checkpoints: Vec<Checkpoint>,
    spacing_steps: u64,
}

impl Branch {
    /// Its inputs, in order.
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// Checkpoints it holds now.
    pub fn checkpoints(&self) -> usize {
        self.checkpoints.len()
    }

    /// What its checkpoints hold together, roughly: each counts what it does not share with the
    /// one before it (`Sim::footprint_bytes_beside`), since copies of one run share the bus
    /// log's and the processed tables' older chunks.
    fn held_bytes(&self) -> usize {
        let mut before: Option<&Sim> = None;
        let mut total = 0;
        for c in &self.checkpoints {
            total += before.map_or_else(|| c.sim.footprint_bytes(), |b| c.sim.footprint_bytes_beside(b));
            before = Some(&c.sim);
        }
        total
    }

    /// Keeps every other checkpoint (the first always) and doubles the spacing.
    fn thin(&mut self) {
        let mut k = 0;
        self.checkpoints.retain(|_| {
            k += 1;
            k % 2 == 1
        });
        self.spacing_steps = self.spacing_steps.saturating_mul(2);
    }

    /// Keeps `n` checkpoints spread over the branch, the first and the last among them.
    fn keep_spread(&mut self, n: usize) {
        let len = self.checkpoints.len();
        if len <= n || n < 2 {
            return;
        }
        let keep: Vec<usize> = (0..n).map(|i| i * (len - 1) / (n - 1)).collect();
        let mut k = 0;
        self.checkpoints.retain(|_| {
            k += 1;
            keep.contains(&(k - 1))
        });
    }
}

/// A run's branches and which one is on screen.
#[derive(Clone, Debug)]
pub struct Timeline {
    seed: u64,
    config: SimConfig,
    branches: Vec<Branch>,
    current: usize,
    next_id: u32,
    /// False once the run's input log overflowed: its past can no longer be rebuilt.
    replayable: bool,
    /// The newest trace records of the run on screen, for the next checkpoint's history.
    recent: std::collections::VecDeque<TraceRecord>,
}

/// What became of the branches when acting in the past.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Forked {
    /// The new branch, now on screen.
    pub branch: BranchId,
    /// The oldest branch, dropped to stay within [`MAX_BRANCHES`], if any.
    pub dropped: Option<BranchId>,
}

impl Timeline {
    /// The timeline of a run that starts now: `sim` is fresh, at t=0 before any input.
    #[cfg_attr(saga_size, optimize(size))]
    pub fn new(sim: &Sim) -> Timeline {
        let first = Checkpoint {
            at_ms: sim.now_ms(),
            steps: sim.stats().steps,
            inputs: 0,
            sim: Rc::new(sim.clone()),
            history: Rc::from([]),
        };
        Timeline {
            seed: sim.seed(),
            config: sim.config().clone(),
            branches: vec![Branch {
                id: BranchId(1),
                parent: None,
                inputs: sim.inputs().inputs().to_vec(),
                end_ms: sim.now_ms(),
                end_steps: sim.stats().steps,
                checkpoints: vec![first],
                spacing_steps: FIRST_SPACING_STEPS,
            }],
            current: 0,
            next_id: 2,
            replayable: sim.inputs().complete(),
            recent: std::collections::VecDeque::new(),
        }
    }

    /// The branch on screen.
    pub fn current(&self) -> &Branch {
        &self.branches[self.current]
    }

    /// Every branch, oldest first.
    pub fn branches(&self) -> &[Branch] {
        &self.branches
    }

    /// Whether the past can be rebuilt (the run's input log is whole).
    pub fn replayable(&self) -> bool {
        self.replayable
    }

    /// The record of the branch on screen.
    pub fn run(&self) -> Run {
        Run { seed: self.seed, config: self.config.clone(), inputs: self.current().inputs.clone() }
    }

    /// Whether `sim` stands before the end of the branch on screen: its recorded future has
    /// not all happened yet, so a new action there starts a new branch.
    pub fn in_past(&self, sim: &Sim) -> bool {
        let b = self.current();
        sim.now_ms() < b.end_ms || sim.stats().steps < b.end_steps || sim.inputs().inputs().len() < b.inputs.len()
    }

    /// Takes note of where the live run stands and of the trace drained from it since the last
    /// look: at the branch's end it extends the branch and takes a checkpoint when one is due.
    pub fn observe(&mut self, sim: &Sim, trace: &[TraceRecord]) {
        if !sim.inputs().complete() {
            self.replayable = false;
        }
        remember(&mut self.recent, trace);
        let in_past = self.in_past(sim);
        let b = &mut self.branches[self.current];
        let log = sim.inputs().inputs();
        if log.len() > b.inputs.len() {
            b.inputs.extend_from_slice(&log[b.inputs.len()..]);
        }
        if in_past {
            return;
        }
        b.end_ms = sim.now_ms();
        b.end_steps = sim.stats().steps;
        let last = b.checkpoints.last().map_or(0, |c| c.steps);
        if b.end_steps >= last.saturating_add(b.spacing_steps) && !sim.has_pending_inputs() {
            b.checkpoints.push(Checkpoint {
                at_ms: sim.now_ms(),
                steps: b.end_steps,
                inputs: log.len(),
                sim: Rc::new(sim.clone()),
                history: self.recent.iter().copied().collect(),
            });
            while b.checkpoints.len() > CHECKPOINTS_KEPT
                || (b.checkpoints.len() > 2 && b.held_bytes() > CHECKPOINT_BYTES)
            {
                b.thin();
            }
        }
    }

    /// The branch on screen as it was at `t_ms`, its later inputs waiting to land as time goes
    /// on. Inside the branch that is the moment a person acted at `t_ms`, just before (see
    /// `Sim::advance_until_input`), so acting there instead starts the other branch; at or past
    /// the branch's end it is the end, as it was live. The trace leading there (a little from
    /// before the nearest checkpoint, then the replay) goes to `history`, so an event log can
    /// show what led there.
    pub fn seek(&mut self, t_ms: u64, history: &mut Vec<TraceRecord>) -> Sim {
        let b = &self.branches[self.current];
        let t = t_ms.min(b.end_ms);
        // Strictly earlier: a checkpoint taken at `t` itself may already be past the moment
        // shown (after a person's input at `t`, or after more of that instant's events).
        let nearest = b.checkpoints.iter().rposition(|c| c.at_ms < t).unwrap_or(0);
        let c = &b.checkpoints[nearest];
        history.extend_from_slice(&c.history);
        let mut sim = (*c.sim).clone();
        sim.drain_trace();
        for &input in &b.inputs[c.inputs.min(b.inputs.len())..] {
            sim.enqueue(input);
        }
        // Replay in slices so a long stretch does not hold every record at once.
        let mut at = sim.now_ms();
        while at.saturating_add(1_000) < t {
            at += 1_000;
            sim.advance_until(at);
            sim.drain_trace_into(history);
            trim(history);
        }
        if t >= b.end_ms {
            sim.advance_until(t);
        } else {
            sim.advance_until_input(t);
        }
        sim.drain_trace_into(history);
        trim(history);
        self.recent.clear();
        remember(&mut self.recent, history);
        sim
    }

    /// Starts a new branch from `sim`, which stands in the past of the branch on screen: the
    /// person's inputs still waiting to land are dropped, and the branch left keeps its future.
    #[cfg_attr(saga_size, optimize(size))]
    pub fn fork(&mut self, sim: &mut Sim) -> Forked {
        sim.discard_pending_inputs();
        let steps = sim.stats().steps;
        let inputs = sim.inputs().inputs().len();
        let parent = &mut self.branches[self.current];
        let checkpoints: Vec<Checkpoint> = parent
            .checkpoints
            .iter()
            .filter(|c| c.steps <= steps && c.inputs <= inputs && c.at_ms <= sim.now_ms())
            .cloned()
            .collect();
        let branch = Branch {
            id: BranchId(self.next_id),
            parent: Some((parent.id, sim.now_ms())),
            inputs: sim.inputs().inputs().to_vec(),
            end_ms: sim.now_ms(),
            end_steps: steps,
            checkpoints,
            spacing_steps: parent.spacing_steps,
        };
        parent.keep_spread(CHECKPOINTS_KEPT_ASIDE);
        self.next_id += 1;
        let id = branch.id;
        self.branches.push(branch);
        self.current = self.branches.len() - 1;
        let dropped = (self.branches.len() > MAX_BRANCHES).then(|| {
            let gone = self.branches.remove(0).id;
            self.current -= 1;
            gone
        });
        Forked { branch: id, dropped }
    }

    /// Puts branch `id` on screen, at `at_ms` or its end if sooner; None if there is no such
    /// branch. The trace leading there goes to `history` (see [`Timeline::seek`]).
    pub fn switch(&mut self, id: BranchId, at_ms: u64, history: &mut Vec<TraceRecord>) -> Option<Sim> {
        let index = self.branches.iter().position(|b| b.id == id)?;
        if index != self.current {
            self.branches[self.current].keep_spread(CHECKPOINTS_KEPT_ASIDE);
            self.current = index;
        }
        Some(self.seek(at_ms, history))
    }
}

/// Records of a replay kept for the event log: the newest this many.
pub const HISTORY_KEPT: usize = 8_192;

fn remember(recent: &mut std::collections::VecDeque<TraceRecord>, trace: &[TraceRecord]) {
    let skip = trace.len().saturating_sub(HISTORY_AT_CHECKPOINT);
    recent.extend(&trace[skip..]);
    while recent.len() > HISTORY_AT_CHECKPOINT {
        recent.pop_front();
    }
}

fn trim(history: &mut Vec<TraceRecord>) {
    if history.len() > 2 * HISTORY_KEPT {
        history.drain(..history.len() - HISTORY_KEPT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{Command, Fault};
    use crate::ids::{ProductId, ServiceId};

    fn place() -> Command {
        Command::PlaceOrder { product: ProductId(0), quantity: 1, idempotency_key: None }
    }

    /// Plays a run live, observing as the app does.
    fn play(sim: &mut Sim, tl: &mut Timeline, to_ms: u64, every_ms: u64) {
        while sim.now_ms() < to_ms {
            sim.advance_until((sim.now_ms() + every_ms).min(to_ms));
            let trace = sim.drain_trace();
            tl.observe(sim, &trace);
        }
    }

    #[test]
    fn a_seek_shows_the_exact_past_and_playing_on_replays_the_recorded_future() {
        let mut live = Sim::new(SimConfig::default(), 4);
        let mut tl = Timeline::new(&live);
        let mut at_2s = None;
        for k in 0..40 {
            live.apply(place());
            if k == 10 {
                live.apply(Command::Fault(Fault::Crash { service: ServiceId::Product }));
            }
            if k == 20 {
                live.apply(Command::Fault(Fault::Restart { service: ServiceId::Product }));
            }
            let to = live.now_ms() + 100;
            play(&mut live, &mut tl, to, 16);
            if live.now_ms() == 2_000 {
                at_2s = Some((live.trace_hash(), live.view()));
            }
        }
        play(&mut live, &mut tl, 10_000, 16);
        assert!(tl.current().checkpoints() > 1, "checkpoints were taken");
        let mut history = Vec::new();
        let past = tl.seek(2_000, &mut history);
        let (hash, view) = at_2s.expect("the live run passed 2 s");
        assert_eq!(past.trace_hash(), hash);
        // Only what is due next differs: the past knows the person's next input, due now.
        assert_eq!(past.view().next_due_ms, Some(2_000));
        assert!(crate::View { next_due_ms: view.next_due_ms, ..past.view() } == view, "the view at 2 s");
        assert!(!history.is_empty() && history.iter().all(|r| r.at_ms <= 2_000));
        assert!(tl.in_past(&past));
        // Playing on from the past replays the recorded inputs: the same end.
        let mut again = past;
        again.advance_until(10_000);
        assert_eq!(again.trace_hash(), live.trace_hash());
        assert!(!tl.in_past(&again));
    }

    #[test]
    fn acting_in_the_past_forks_and_the_old_future_stays_reachable() {
        let mut live = Sim::new(SimConfig::default(), 9);
        let mut tl = Timeline::new(&live);
        live.apply(place());
        play(&mut live, &mut tl, 1_000, 16);
        live.apply(Command::Fault(Fault::Crash { service: ServiceId::Delivery }));
        live.apply(place());
        play(&mut live, &mut tl, 5_000, 16);
        let old_end = (live.trace_hash(), live.view());
        let mut sink = Vec::new();
        let mut past = tl.seek(500, &mut sink);
        assert!(tl.in_past(&past) && past.has_pending_inputs(), "the crash waits to land");
        let forked = tl.fork(&mut past);
        assert_eq!(forked, Forked { branch: BranchId(2), dropped: None });
        assert!(!past.has_pending_inputs(), "the later inputs are gone from the new branch");
        past.apply(Command::SetStock { product: ProductId(0), stock: 0 });
        tl.observe(&past, &[]);
        play(&mut past, &mut tl, 5_000, 50);
        assert_eq!(tl.current().inputs().len(), 2);
        assert_eq!(tl.current().parent, Some((BranchId(1), 500)));
        let back = tl.switch(BranchId(1), 5_000, &mut sink).expect("branch 1 is kept");
        assert_eq!(back.trace_hash(), old_end.0);
        assert!(back.view() == old_end.1);
        let fork_again = tl.switch(BranchId(2), 5_000, &mut sink).expect("branch 2");
        assert_eq!(fork_again.trace_hash(), past.trace_hash(), "the new branch replays too");
    }

    #[test]
    fn checkpoints_and_branches_stay_bounded() {
        let mut live = Sim::new(SimConfig::default(), 2);
        let mut tl = Timeline::new(&live);
        for _ in 0..600 {
            live.apply(place());
            live.apply(Command::CancelOrder { order: crate::ids::OrderId(0) });
            let to = live.now_ms() + 200;
            play(&mut live, &mut tl, to, 50);
        }
        assert!(tl.current().checkpoints() <= CHECKPOINTS_KEPT);
        assert!(tl.current().spacing_steps > FIRST_SPACING_STEPS, "the spacing doubled");
        let mut sink = Vec::new();
        for k in 0..12 {
            let mut past = tl.seek(1_000 + k * 100, &mut sink);
            tl.fork(&mut past);
            past.apply(place());
            tl.observe(&past, &[]);
        }
        assert_eq!(tl.branches().len(), MAX_BRANCHES);
        assert_eq!(tl.branches()[0].id, BranchId(6), "the oldest went first");
        assert!(
            tl.branches().iter().filter(|b| b.id != tl.current().id).all(|b| b.checkpoints() <= CHECKPOINTS_KEPT_ASIDE)
        );
        assert!(sink.len() <= 2 * HISTORY_KEPT);
    }

    #[test]
    fn checkpoints_count_what_they_share_once() {
        let mut live = Sim::new(SimConfig::default(), 3);
        let mut tl = Timeline::new(&live);
        for _ in 0..1_500 {
            live.apply(place());
            let to = live.now_ms() + 20;
            play(&mut live, &mut tl, to, 20);
        }
        let b = tl.current();
        let cps = &b.checkpoints;
        assert!(cps.len() >= 3, "a busy run keeps several checkpoints ({})", cps.len());
        let (a, z) = (&cps[cps.len() - 2].sim, &cps[cps.len() - 1].sim);
        assert!(z.footprint_bytes_beside(a) < z.footprint_bytes(), "neighbours share the log's older chunks");
        assert_eq!(
            z.footprint_bytes_beside(&Sim::new(SimConfig::default(), 3)),
            z.footprint_bytes(),
            "a stranger shares nothing"
        );
        let full: usize = cps.iter().map(|c| c.sim.footprint_bytes()).sum();
        assert!(b.held_bytes() < full, "held {} < {full}", b.held_bytes());
        assert!(b.held_bytes() <= CHECKPOINT_BYTES);
    }
}
