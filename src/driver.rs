//! The app's side of the simulation: the `Sim`, virtual time against wall time, the run's
//! timeline (its branches and their past) and the event store. No DOM here; the animation loop
//! and the components call into it.
//!
//! # Fast-forward on the page
//!
//! `Driver::fast_forward_slice` runs the engine's `ChaosRun` in chunks of 1,000 steps until about
//! 12 ms of wall time have passed (`FAST_FORWARD_SLICE_MS` in `app.rs`), once per animation frame,
//! so the page keeps drawing and answering; Pause holds it, and the driver's clock does not move on
//! its own meanwhile. While it runs, only its progress is dispatched (`Action::FastForward`):
//! redrawing every table for thousands of new orders would take far longer than a frame. After the
//! last slice the page is redrawn in the next frame, as a task of its own, and the event log (every
//! line of it new) in the frame after (`Action::RefreshAllButLog`, then `LogCatchUp`): three tasks
//! of about a frame each, not one long one. The tables panel is laid out on its own
//! (`contain: strict` in `static/style.css`), so the tab's progress does not make the browser
//! lay out the whole page.

use crate::store::EventStore;
use saga_record::RunFile;
use saga_sim::{
    BranchId, ChaosProgress, ChaosRefusal, ChaosRun, Command, Forked, Metrics, Protocol, Run, Sim, SimConfig, Timeline,
    TraceEvent, TraceRecord,
};

/// A shared driver with the version it had when a component was given it, so props compare
/// cheaply and a component re-renders when the driver changed.
#[derive(Clone)]
pub struct DriverHandle {
    /// The driver.
    pub driver: std::rc::Rc<std::cell::RefCell<Driver>>,
    /// Its version at the time.
    pub version: u64,
}

impl PartialEq for DriverHandle {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && std::rc::Rc::ptr_eq(&self.driver, &other.driver)
    }
}

/// The speed a run starts at, as a power of ten: x0.1, so a student can follow one saga (the
/// seed-000 happy path confirms its order after 491 virtual ms, about 5 s on screen).
pub const DEFAULT_SPEED_EXP: f64 = -1.0;
/// The slowest speed, as a power of ten (1/100x).
pub const SPEED_EXP_MIN: f64 = -2.0;
/// The fastest speed, as a power of ten (100x).
pub const SPEED_EXP_MAX: f64 = 2.0;
/// After the engine last fell behind, the page says so for this long (wall time).
const BEHIND_SHOWN_MS: f64 = 1_000.0;
/// A frame gap longer than this (a stalled tab) counts as this much wall time.
const MAX_FRAME_GAP_MS: f64 = 250.0;
/// A single "step" runs at most this many engine steps looking for something visible.
const STEP_LIMIT: usize = 10_000;
/// A fast-forward looks at the wall clock after this many engine steps (well under a
/// millisecond of work each time).
const FAST_FORWARD_CHUNK_STEPS: u32 = 1_000;

/// A fast-forward ("run N orders under chaos"): where it stands and the wall time it has taken.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FastForwardStatus {
    /// Orders asked for.
    pub orders: u32,
    /// Where it stands.
    pub progress: ChaosProgress,
    /// Wall time while it ran (pauses excluded), in milliseconds.
    pub elapsed_ms: f64,
}

/// How far a replay goes between two looks of the timeline, so it takes its checkpoints.
const REPLAY_CHUNK_MS: u64 = 1_000;

/// The simulation with its clock.
pub struct Driver {
    /// The simulation.
    pub sim: Sim,
    /// The run's branches and their past.
    timeline: Timeline,
    /// Whether virtual time follows wall time.
    pub playing: bool,
    /// Speed as a power of ten.
    pub speed_exp: f64,
    /// Virtual time with a fractional part, for smooth animation.
    pub virtual_ms: f64,
    last_wall_ms: Option<f64>,
    /// When (wall time) the engine last stopped short of where the clock asked it to be.
    behind_wall_ms: Option<f64>,
    /// What happened, for the event log.
    pub store: EventStore,
    /// Bumped whenever the store or the world changed.
    pub version: u64,
    /// Bumped by each act of a person (a command, a step, a seek, a new run), not by the run
    /// going on by itself: what such an act changes shows at once, even on a crowded stage.
    pub acts: u64,
    /// Bumped whenever another past is put on screen (a seek, a branch, a new run): what was
    /// selected in the event log then means nothing now.
    pub shown: u64,
    scratch: Vec<TraceRecord>,
    /// The same run under the other protocols, advanced in step with `sim` (compare view).
    compare: Option<Vec<Sim>>,
    compare_scratch: Vec<TraceRecord>,
    fast_forward: Option<(ChaosRun, FastForwardStatus)>,
    /// When the last fast-forward slice ended, to count the wall time between slices.
    fast_forward_wall_ms: Option<f64>,
}

impl Driver {
    /// A new run.
    pub fn new(config: SimConfig, seed: u64) -> Driver {
        let sim = Sim::new(config, seed);
        Driver {
            timeline: Timeline::new(&sim),
            sim,
            playing: true,
            speed_exp: DEFAULT_SPEED_EXP,
            virtual_ms: 0.0,
            last_wall_ms: None,
            behind_wall_ms: None,
            store: EventStore::default(),
            version: 1,
            acts: 0,
            shown: 1,
            scratch: Vec::new(),
            compare: None,
            compare_scratch: Vec::new(),
            fast_forward: None,
            fast_forward_wall_ms: None,
        }
    }

    /// Starts the run again from t=0 with this seed and config; play state and speed stay.
    pub fn reset(&mut self, config: SimConfig, seed: u64) {
        self.acts += 1;
        self.sim = Sim::new(config, seed);
        self.timeline = Timeline::new(&self.sim);
        self.virtual_ms = 0.0;
        self.last_wall_ms = None;
        self.store.clear();
        self.fast_forward = None;
        self.version += 1;
        self.shown += 1;
        if self.compare.is_some() {
            self.set_compare(true);
        }
    }

    /// Turns the compare view on or off. Turning it on replays the run's inputs so far under
    /// each other protocol, each landing after every event at its moment (as if the runs had
    /// gone alongside from the start; an operator's decisions stay this run's own); false when
    /// the run can no longer be replayed.
    pub fn set_compare(&mut self, on: bool) -> bool {
        self.acts += 1;
        let inputs = self.sim.inputs();
        // Replaying a fast-forward's thousands of orders under three more protocols would hold
        // the page for seconds.
        let fast_forwarded = inputs.inputs().iter().any(|i| matches!(i.command, Command::FastForward { .. }));
        if !on || fast_forwarded || !inputs.complete() {
            self.compare = None;
            return !on;
        }
        let now = self.sim.now_ms();
        let config = self.sim.config().clone();
        let seed = self.sim.seed();
        let sims = Protocol::ALL
            .iter()
            .filter(|&&p| p != config.protocol)
            .map(|&protocol| {
                let mut sim = Sim::new(SimConfig { protocol, ..config.clone() }, seed);
                for input in self.sim.inputs().inputs().iter().filter(|i| !operator(&i.command)) {
                    sim.advance_until(input.at.at_ms);
                    sim.apply(input.command);
                    sim.drain_trace();
                }
                sim.advance_until(now);
                sim.drain_trace();
                sim
            })
            .collect();
        self.compare = Some(sims);
        self.version += 1;
        true
    }

    /// Each protocol's figures, in `Protocol::ALL` order, when comparing.
    pub fn compare_metrics(&self) -> Vec<(Protocol, Metrics)> {
        let Some(others) = &self.compare else { return Vec::new() };
        let sims = others.iter().chain(std::iter::once(&self.sim));
        Protocol::ALL
            .iter()
            .filter_map(|&p| sims.clone().find(|s| s.protocol() == p).map(|s| (p, s.metrics())))
            .collect()
    }

    /// Brings the compared runs to the main run's time, dropping their traces.
    fn advance_compare(&mut self) {
        let now = self.sim.now_ms();
        for sim in self.compare.iter_mut().flatten() {
            sim.advance_until(now);
            sim.drain_trace_into(&mut self.compare_scratch);
            self.compare_scratch.clear();
        }
    }

    /// Speed multiplier.
    pub fn speed(&self) -> f64 {
        crate::format::pow10(self.speed_exp)
    }

    /// Sets the speed as a power of ten, clamped to 1/100x..100x.
    pub fn set_speed_exp(&mut self, exp: f64) {
        if exp.is_finite() {
            self.speed_exp = exp.clamp(SPEED_EXP_MIN, SPEED_EXP_MAX);
        }
    }

    /// Plays or pauses. Pausing forgets the wall clock so resuming does not jump.
    pub fn set_playing(&mut self, playing: bool) {
        self.playing = playing;
        self.last_wall_ms = None;
        self.behind_wall_ms = None;
    }

    /// Whether the engine fell behind the speed asked for within the last second of playing:
    /// the page then says the run is slowed, so "×1" never claims what this machine cannot do.
    pub fn behind(&self) -> bool {
        match (self.playing, self.behind_wall_ms, self.last_wall_ms) {
            (true, Some(behind), Some(now)) => now - behind < BEHIND_SHOWN_MS,
            _ => false,
        }
    }

    /// Advances virtual time by the wall time since the last frame times the speed. While a
    /// fast-forward runs, it owns the clock and this does nothing.
    pub fn tick(&mut self, wall_ms: f64) {
        self.tick_within(wall_ms, &|| 0.0, f64::INFINITY);
    }

    /// The same, with the engine's work bounded: once `clock` says `budget_ms` have gone, the
    /// run stops at the end of the virtual millisecond it is in, and virtual time waits there
    /// for the next frame. A burst of events (thousands arriving at once, on a slow machine)
    /// then slows the clock for a moment instead of freezing the page. The run is the same:
    /// it always stands where `advance_until` would have left it at that millisecond.
    pub fn tick_within(&mut self, wall_ms: f64, clock: &dyn Fn() -> f64, budget_ms: f64) {
        let last = self.last_wall_ms.replace(wall_ms);
        if !self.playing || self.fast_forwarding() {
            return;
        }
        let Some(last) = last else { return };
        let dt = (wall_ms - last).clamp(0.0, MAX_FRAME_GAP_MS);
        self.virtual_ms += dt * self.speed();
        let target = self.virtual_ms.floor() as u64;
        if target > self.sim.now_ms() {
            let start = clock();
            let mut stopped_early = false;
            while let Some(due) = self.sim.next_due_ms().filter(|&due| due < target) {
                self.sim.advance_until(due);
                if clock() - start >= budget_ms {
                    stopped_early = true;
                    break;
                }
            }
            if stopped_early {
                self.virtual_ms = self.sim.now_ms() as f64;
                self.behind_wall_ms = Some(wall_ms);
            } else {
                self.sim.advance_until(target);
            }
            self.collect();
            self.advance_compare();
        }
    }

    /// Pauses and advances virtual time by exactly `ms`, whatever the wall clock does: the
    /// end-to-end tests drive the run this way (see `app::install_test_hook`), so what they
    /// see never depends on how fast the machine is.
    pub fn advance_by(&mut self, ms: u64) {
        self.acts += 1;
        self.set_playing(false);
        if self.fast_forwarding() {
            return;
        }
        let target = self.sim.now_ms().saturating_add(ms);
        self.sim.advance_until(target);
        self.collect();
        self.advance_compare();
        self.virtual_ms = self.sim.now_ms() as f64;
        self.version += 1;
    }

    /// Runs the engine to the next event worth showing (a transport detail alone does not count).
    pub fn step(&mut self) {
        self.acts += 1;
        for _ in 0..STEP_LIMIT {
            if self.sim.next_due_ms().is_none() {
                break;
            }
            self.sim.step();
            let visible = self.collect_visible();
            if visible {
                break;
            }
        }
        self.virtual_ms = self.virtual_ms.max(self.sim.now_ms() as f64);
        self.advance_compare();
    }

    /// Before a person's input: in the past of the branch on screen, a new branch starts there
    /// (the compared runs, which followed the old one, stop).
    fn before_input(&mut self) -> Option<Forked> {
        if !self.timeline.in_past(&self.sim) {
            return None;
        }
        let forked = self.timeline.fork(&mut self.sim);
        self.compare = None;
        self.version += 1;
        Some(forked)
    }

    /// Applies a user command now; when that is in the past, on a new branch (returned).
    pub fn apply(&mut self, command: Command) -> Option<Forked> {
        self.acts += 1;
        let forked = self.before_input();
        self.sim.apply(command);
        self.collect();
        // An operator's decision is about this run's own stuck orders and dead letters; the
        // other runs have theirs.
        if operator(&command) {
            return forked;
        }
        for sim in self.compare.iter_mut().flatten() {
            sim.apply(command);
            sim.drain_trace_into(&mut self.compare_scratch);
            self.compare_scratch.clear();
        }
        forked
    }

    /// The run's timeline.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// The record of the branch on screen and how far it goes.
    pub fn record(&self) -> (Run, u64) {
        (self.timeline.run(), self.timeline.current().end_ms)
    }

    /// Shows the branch on screen as it was at `t_ms` (paused): the world, the tokens in
    /// flight, the checker and the event log as they were. Playing on replays the branch's
    /// recorded future; acting starts a new branch.
    pub fn seek(&mut self, t_ms: u64) {
        self.acts += 1;
        let mut history = Vec::new();
        let sim = self.timeline.seek(t_ms, &mut history);
        self.show_past(sim, &history);
    }

    /// Puts another branch on screen, at the moment shown now (or its end, if sooner).
    pub fn switch_branch(&mut self, id: BranchId) -> bool {
        self.acts += 1;
        let mut history = Vec::new();
        let Some(sim) = self.timeline.switch(id, self.sim.now_ms(), &mut history) else { return false };
        self.show_past(sim, &history);
        true
    }

    fn show_past(&mut self, sim: Sim, history: &[TraceRecord]) {
        self.set_playing(false);
        self.sim = sim;
        self.store.clear();
        self.store.extend(history);
        self.virtual_ms = self.sim.now_ms() as f64;
        self.fast_forward = None;
        self.compare = None;
        self.version += 1;
        self.shown += 1;
    }

    /// Opens a run from a file or a link: replayed to where it was saved (or to its last
    /// input), paused there, with its past in the timeline.
    pub fn load(&mut self, file: &RunFile) {
        self.acts += 1;
        self.set_playing(false);
        self.sim = Sim::new(file.run.config.clone(), file.run.seed);
        self.timeline = Timeline::new(&self.sim);
        self.store.clear();
        self.fast_forward = None;
        self.compare = None;
        for &input in &file.run.inputs {
            self.sim.enqueue(input);
        }
        let last = file.run.inputs.last().map_or(0, |i| i.at.at_ms);
        let until = file.until_ms.unwrap_or(last);
        while self.sim.now_ms().saturating_add(REPLAY_CHUNK_MS) < until {
            let next = self.sim.now_ms() + REPLAY_CHUNK_MS;
            self.sim.advance_until(next);
            self.collect();
        }
        self.sim.advance_until(until);
        self.collect();
        self.virtual_ms = self.sim.now_ms() as f64;
        self.version += 1;
        self.shown += 1;
    }

    /// Starts running `orders` orders under chaos from now (see `saga_sim::chaos`). The compare
    /// view stops: the run no longer is the replay of its commands.
    pub fn start_fast_forward(&mut self, orders: u32) -> Result<Option<Forked>, ChaosRefusal> {
        self.acts += 1;
        if self.fast_forwarding() {
            return Ok(None);
        }
        if !(1..=saga_sim::MAX_FAST_FORWARD_ORDERS).contains(&orders) {
            return Err(ChaosRefusal::OrdersOutOfRange);
        }
        let forked = self.before_input();
        let run = ChaosRun::new(&mut self.sim, orders)?;
        let progress = ChaosProgress::Running { placed: 0, healed: false };
        self.fast_forward = Some((run, FastForwardStatus { orders, progress, elapsed_ms: 0.0 }));
        self.fast_forward_wall_ms = None;
        self.compare = None;
        self.timeline.observe(&self.sim, &[]);
        self.version += 1;
        Ok(forked)
    }

    /// Whether a fast-forward is under way (paused or not).
    pub fn fast_forwarding(&self) -> bool {
        self.fast_forward.as_ref().is_some_and(|(_, s)| matches!(s.progress, ChaosProgress::Running { .. }))
    }

    /// The current or last fast-forward, if any since the reset.
    pub fn fast_forward_status(&self) -> Option<FastForwardStatus> {
        self.fast_forward.as_ref().map(|(_, s)| *s)
    }

    /// Runs the fast-forward for about `budget_ms` of wall time as `clock` reads it (checked
    /// every few hundred microseconds of work), then returns so the page can draw and answer
    /// input. Does nothing while paused or when no fast-forward runs.
    pub fn fast_forward_slice(&mut self, clock: &dyn Fn() -> f64, budget_ms: f64) {
        if !self.playing {
            self.fast_forward_wall_ms = None;
            return;
        }
        let Some((mut run, mut status)) = self.fast_forward.take() else { return };
        if matches!(status.progress, ChaosProgress::Running { .. }) {
            let start = clock();
            loop {
                status.progress = run.run(&mut self.sim, FAST_FORWARD_CHUNK_STEPS);
                self.collect();
                if matches!(status.progress, ChaosProgress::Done(_)) || clock() - start >= budget_ms {
                    break;
                }
            }
            let end = clock();
            // The time between slices counts too (the page drawing), but not a pause.
            status.elapsed_ms += end - self.fast_forward_wall_ms.unwrap_or(start);
            self.fast_forward_wall_ms = Some(end);
            self.virtual_ms = self.sim.now_ms() as f64;
            self.version += 1;
        }
        self.fast_forward = Some((run, status));
    }

    /// A refusal among the events of the last `apply`, for a notice on screen.
    pub fn last_problem(&self) -> Option<TraceEvent> {
        self.scratch.iter().map(|r| r.event).find(|e| {
            matches!(e, TraceEvent::Reply { reply: saga_sim::Reply::Rejected { .. } } | TraceEvent::Refused { .. })
        })
    }

    /// Drains the engine's trace into the store, and lets the timeline see where the run
    /// stands (it takes its checkpoints so).
    fn collect(&mut self) -> usize {
        self.scratch.clear();
        self.sim.drain_trace_into(&mut self.scratch);
        self.timeline.observe(&self.sim, &self.scratch);
        if !self.scratch.is_empty() {
            self.store.extend(&self.scratch);
            self.version += 1;
        }
        self.scratch.len()
    }

    fn collect_visible(&mut self) -> bool {
        self.collect();
        self.scratch
            .iter()
            .any(|r| !crate::store::is_transport(&r.event) && !matches!(r.event, TraceEvent::ConsistencyChanged { .. }))
    }
}

/// Whether a command is an operator's decision about this run's own stuck orders and dead
/// letters (not mirrored into the compared runs).
fn operator(c: &Command) -> bool {
    matches!(
        c,
        Command::Resolve { .. }
            | Command::ReplayDeadLetter { .. }
            | Command::DiscardDeadLetter { .. }
            | Command::FixDeadLetter { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use saga_sim::{ProductId, TraceEvent};

    fn place() -> Command {
        Command::PlaceOrder { product: ProductId(0), quantity: 1, idempotency_key: None }
    }

    #[test]
    fn a_run_starts_at_a_teaching_pace() {
        let d = Driver::new(SimConfig::default(), 1);
        assert!((d.speed() - 0.1).abs() < 1e-12, "x0.1: the happy path's 491 ms take about 5 s");
    }

    #[test]
    fn advance_by_pauses_and_moves_exactly_that_far() {
        let mut d = Driver::new(SimConfig::default(), 1);
        d.apply(place());
        d.advance_by(491);
        assert!(!d.playing);
        assert_eq!(d.sim.now_ms(), 491);
        assert_eq!(d.sim.view().orders[0].status, saga_sim::OrderStatus::Confirmed, "the golden happy path");
        d.tick(1_000.0);
        d.tick(2_000.0);
        assert_eq!(d.sim.now_ms(), 491, "the wall clock no longer moves it");
    }

    #[test]
    fn virtual_time_follows_wall_time_times_speed() {
        let mut d = Driver::new(SimConfig::default(), 1);
        d.set_speed_exp(0.0);
        d.tick(1_000.0);
        d.tick(1_100.0);
        assert_eq!(d.sim.now_ms(), 100);
        d.set_speed_exp(1.0);
        d.tick(1_200.0);
        assert_eq!(d.sim.now_ms(), 1_100);
        d.set_speed_exp(-2.0);
        d.tick(1_300.0);
        assert_eq!(d.sim.now_ms(), 1_101);
    }

    #[test]
    fn a_bounded_tick_lets_time_wait_and_the_run_stays_the_same() {
        // Two runs of the same orders: one ticks freely, the other's engine gets "1 ms" of a
        // clock that moves 1 ms each time it is read, so each tick stops after the first
        // virtual millisecond with work in it.
        let mut free = Driver::new(SimConfig::default(), 3);
        let mut bounded = Driver::new(SimConfig::default(), 3);
        let reads = std::cell::Cell::new(0.0);
        let clock = || {
            reads.set(reads.get() + 1.0);
            reads.get()
        };
        for d in [&mut free, &mut bounded] {
            d.set_speed_exp(0.0);
            for _ in 0..5 {
                d.apply(place());
            }
            d.tick(0.0);
        }
        free.tick(200.0);
        bounded.tick_within(200.0, &clock, 1.0);
        assert_eq!(free.sim.now_ms(), 200);
        let waited = bounded.sim.now_ms();
        assert!(waited < 200, "the bounded engine stopped early, at {waited} ms");
        assert!(bounded.behind() && !free.behind(), "the page says which one is slowed");
        assert_eq!(bounded.virtual_ms, waited as f64, "virtual time waits for the engine");
        // Frame by frame it catches up; stopped anywhere, it is where the free run was then.
        let mut reference = Driver::new(SimConfig::default(), 3);
        reference.set_speed_exp(0.0);
        for _ in 0..5 {
            reference.apply(place());
        }
        reference.sim.advance_until(waited);
        assert_eq!(bounded.sim.trace_hash(), reference.sim.trace_hash(), "the same run at {waited} ms");
        let mut wall = 200.0;
        while bounded.sim.now_ms() < 5_000 {
            wall += 250.0;
            bounded.tick_within(wall, &clock, 1.0);
        }
        let now = bounded.sim.now_ms();
        reference.sim.advance_until(now);
        assert_eq!(bounded.sim.trace_hash(), reference.sim.trace_hash(), "the same run at {now} ms");
        assert_eq!(bounded.sim.view().orders, reference.sim.view().orders);
        bounded.tick_within(wall + 1_000.0, &clock, f64::INFINITY);
        assert!(!bounded.behind(), "a second after catching up, it no longer says so");
    }

    #[test]
    fn pause_stops_time_and_a_stalled_tab_does_not_jump() {
        let mut d = Driver::new(SimConfig::default(), 1);
        d.set_speed_exp(0.0);
        d.tick(0.0);
        d.set_playing(false);
        d.tick(5_000.0);
        assert_eq!(d.sim.now_ms(), 0);
        d.set_playing(true);
        d.tick(6_000.0);
        d.tick(60_000.0);
        assert_eq!(d.sim.now_ms(), 250, "a long gap counts as at most 250 ms");
    }

    #[test]
    fn speed_is_clamped_to_the_log_scale() {
        let mut d = Driver::new(SimConfig::default(), 1);
        d.set_speed_exp(9.0);
        assert_eq!(d.speed(), 100.0);
        d.set_speed_exp(-9.0);
        assert!((d.speed() - 0.01).abs() < 1e-12);
        d.set_speed_exp(f64::NAN);
        assert!((d.speed() - 0.01).abs() < 1e-12, "NaN is ignored");
    }

    #[test]
    fn step_runs_to_the_next_visible_event() {
        let mut d = Driver::new(SimConfig::default(), 1);
        d.set_playing(false);
        d.apply(place());
        let before = d.store.newest_first().count();
        d.step();
        let new: Vec<_> = d.store.newest_first().take(d.store.newest_first().count() - before).collect();
        assert!(new.iter().any(|e| !crate::store::is_transport(&e.rec.event)), "a step shows something");
        assert!(d.sim.now_ms() > 0);
    }

    #[test]
    fn compare_replays_the_run_under_every_protocol_in_step() {
        let mut d = Driver::new(SimConfig::default(), 3);
        d.set_speed_exp(0.0);
        d.apply(place());
        d.tick(0.0);
        d.tick(200.0);
        assert!(d.set_compare(true));
        d.apply(place());
        for k in 1..40 {
            d.tick(200.0 + 100.0 * f64::from(k));
        }
        let all = d.compare_metrics();
        assert_eq!(all.iter().map(|(p, _)| *p).collect::<Vec<_>>(), Protocol::ALL.to_vec());
        for (p, m) in &all {
            assert_eq!(m.confirmed + m.cancelled + m.pending, 2, "{p:?} saw both orders");
        }
        // The replayed run is the run it would have been had it run alongside from the start.
        let mut alone = Sim::new(SimConfig { protocol: Protocol::Tcc, ..SimConfig::default() }, 3);
        alone.apply(place());
        alone.advance_until(200);
        alone.apply(place());
        alone.advance_until(d.sim.now_ms());
        assert_eq!(all[2].1, alone.metrics());
        assert!(d.set_compare(false));
        assert!(d.compare_metrics().is_empty());
    }

    #[test]
    fn a_seek_rebuilds_the_past_with_its_log_and_acting_there_forks() {
        let mut d = Driver::new(SimConfig::default(), 3);
        d.apply(place());
        d.advance_by(300);
        let (hash, view) = (d.sim.trace_hash(), d.sim.view());
        d.advance_by(2_700);
        let end = d.sim.trace_hash();
        d.seek(300);
        assert_eq!((d.sim.now_ms(), d.sim.trace_hash()), (300, hash));
        assert!(d.sim.view() == view);
        assert!(d.store.newest_first().count() > 0 && d.store.newest_first().all(|e| e.rec.at_ms <= 300));
        assert!(d.timeline().in_past(&d.sim));
        let forked = d.apply(Command::SetStock { product: ProductId(0), stock: 0 }).expect("a new branch");
        assert_eq!(forked.branch.0, 2);
        assert!(d.apply(place()).is_none(), "the new branch's end is here: no second fork");
        assert!(d.switch_branch(saga_sim::BranchId(1)));
        assert_eq!(d.sim.now_ms(), 300, "the same moment on the other branch");
        d.seek(u64::MAX);
        assert_eq!(d.sim.trace_hash(), end, "and its end, as it was");
    }

    #[test]
    fn a_loaded_run_is_the_run_it_was_saved_from() {
        let mut a = Driver::new(SimConfig::default(), 8);
        a.apply(place());
        a.advance_by(120);
        a.apply(Command::Fault(saga_sim::Fault::Crash { service: saga_sim::ServiceId::Delivery }));
        a.advance_by(4_000);
        let (run, end) = a.record();
        let text = saga_record::run_file::write(&run, Some(end));
        let mut b = Driver::new(SimConfig::default(), 1);
        b.load(&saga_record::run_file::read(&text).expect("reads"));
        assert_eq!((b.sim.now_ms(), b.sim.trace_hash()), (a.sim.now_ms(), a.sim.trace_hash()));
        assert!(!b.playing, "opened paused, where it was saved");
        assert!(b.store.newest_first().count() > 0, "with its log");
        b.seek(100);
        assert_eq!(b.sim.now_ms(), 100, "and its past");
    }

    #[test]
    fn the_driver_reports_a_rejection() {
        let mut d = Driver::new(SimConfig::default(), 1);
        d.apply(Command::CancelOrder { order: saga_sim::OrderId(9) });
        assert!(matches!(d.last_problem(), Some(TraceEvent::Reply { .. })));
        d.apply(place());
        assert_eq!(d.last_problem(), None);
    }

    /// A clock that moves one millisecond each time it is read.
    fn ticking_clock() -> impl Fn() -> f64 {
        let t = std::cell::Cell::new(0.0);
        move || {
            t.set(t.get() + 1.0);
            t.get()
        }
    }

    #[test]
    fn a_fast_forward_runs_in_slices_to_its_verdict() {
        let mut d = Driver::new(SimConfig::default(), 5);
        let clock = ticking_clock();
        assert_eq!(d.start_fast_forward(0), Err(ChaosRefusal::OrdersOutOfRange));
        assert_eq!(d.start_fast_forward(300), Ok(None));
        assert!(d.fast_forwarding());
        let mut slices = 0;
        while d.fast_forwarding() {
            let before = d.sim.now_ms();
            d.tick(f64::from(slices) * 16.0);
            assert_eq!(d.sim.now_ms(), before, "the fast-forward owns the clock");
            d.fast_forward_slice(&clock, 4.0);
            slices += 1;
            assert!(slices < 10_000);
        }
        assert!(slices > 1, "it took more than one slice");
        let status = d.fast_forward_status().unwrap();
        let ChaosProgress::Done(outcome) = status.progress else { panic!("{status:?}") };
        assert!(outcome.consistent && outcome.settled_at_ms.is_some(), "{outcome:?}");
        assert_eq!(outcome.accepted, 300);
        assert!(status.elapsed_ms >= f64::from(slices));
        assert_eq!(d.virtual_ms, d.sim.now_ms() as f64);
        assert!(d.store.newest_first().count() > 0, "the log shows what happened");
        assert!(!d.set_compare(true), "a fast-forwarded run cannot be replayed to compare");
        d.reset(SimConfig::default(), 5);
        assert_eq!(d.fast_forward_status(), None);
        assert!(d.set_compare(true));
    }

    #[test]
    fn pause_holds_a_fast_forward() {
        let mut d = Driver::new(SimConfig::default(), 5);
        let clock = ticking_clock();
        d.start_fast_forward(100).unwrap();
        d.fast_forward_slice(&clock, 2.0);
        let (at, status) = (d.sim.now_ms(), d.fast_forward_status());
        d.set_playing(false);
        for _ in 0..10 {
            d.fast_forward_slice(&clock, 2.0);
        }
        assert_eq!((d.sim.now_ms(), d.fast_forward_status()), (at, status), "nothing moves while paused");
        d.set_playing(true);
        d.fast_forward_slice(&clock, 2.0);
        assert!(d.sim.now_ms() > at);
    }
}
