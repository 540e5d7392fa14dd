//! Inputs: what a person (or a file, a link, a fast-forward) does to a run, and the one
//! meaning of "an input at virtual time t" (see the `input` module): applied now, it lands
//! where the run stands; scheduled or replayed, it lands when the run reaches its position.

use super::*;
use crate::input::Input;

impl Sim {
    /// Applies a command now, where the run stands (after every event processed so far), and
    /// records it in the input log with that position.
    pub fn apply(&mut self, command: Command) {
        self.inputs.push(Input { at: self.position(), command });
        self.apply_command(command);
        self.end_step();
    }

    /// Where an input applied now would land.
    pub fn position(&self) -> Position {
        Position { at_ms: self.now_ms, after: self.steps_at_now }
    }

    /// Queues an input to land at its position (a replayed run, a file, a link). Returns false
    /// (and traces why) when refused: its position has passed, it is beyond the engine's
    /// horizon, or the queue is full.
    pub fn enqueue(&mut self, input: Input) -> bool {
        let reason = if input.at < self.position() {
            Some(Refusal::InThePast)
        } else if input.at.at_ms > MAX_VIRTUAL_MS {
            Some(Refusal::TooFarAhead)
        } else if self.scheduled_commands() >= self.config.limits.scheduled_commands as usize {
            Some(Refusal::ScheduleFull)
        } else {
            None
        };
        if let Some(reason) = reason {
            self.record(TraceEvent::Refused { reason });
            return false;
        }
        self.push_pending(input.at, Source::User, PendingAction::Command(input.command));
        true
    }

    /// Schedules a command at `at_ms`, before anything else happens then: `enqueue` at
    /// `Position::at(at_ms)`.
    pub fn schedule(&mut self, at_ms: u64, command: Command) -> bool {
        self.enqueue(Input { at: Position::at(at_ms), command })
    }

    /// Forgets the person's inputs still waiting for their position (a replayed future that a
    /// new action in the past leaves behind); the engine's own stay. Returns how many went.
    pub fn discard_pending_inputs(&mut self) -> usize {
        let n = self.pending.len();
        self.pending.clear();
        n
    }

    /// Whether some of the person's inputs are still waiting for their position.
    pub fn has_pending_inputs(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Every input the run received, in order, with where each landed.
    pub fn inputs(&self) -> &InputLog {
        &self.inputs
    }

    /// Queues something the engine itself does later as a consequence of an input: replaying
    /// that input queues it again, so it is not recorded.
    pub(crate) fn schedule_engine(&mut self, at_ms: u64, action: PendingAction) {
        self.push_pending(Position::at(at_ms.min(MAX_VIRTUAL_MS)), Source::Engine, action);
    }

    fn push_pending(&mut self, at: Position, source: Source, action: PendingAction) {
        let seq = self.next_seq();
        let heap = if source == Source::Engine { &mut self.engine_pending } else { &mut self.pending };
        heap.push(Reverse(Pending { at, seq, source, action }));
    }

    /// A pending input reaches its position (the clock is there already).
    pub(super) fn land(&mut self, p: Pending) {
        match p.action {
            PendingAction::Command(command) => {
                if p.source == Source::User {
                    self.inputs.push(Input { at: self.position(), command });
                }
                self.apply_command(command);
            }
            PendingAction::CancelByKey(key) => {
                // An order Order rejected, or one already archived, has nothing to cancel.
                if let Some(&order) = self.order.keys.get(&key) {
                    self.apply_command(Command::CancelOrder { order });
                }
            }
        }
    }
}
