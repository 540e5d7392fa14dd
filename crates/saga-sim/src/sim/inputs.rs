//! Inputs: what a person (or a file, a link, a fast-forward) does to a run, and the one
//! meaning of "an input at virtual time t".

use super::*;

impl Sim {
    /// Applies a command now.
    pub fn apply(&mut self, command: Command) {
        self.apply_command(command);
        self.end_step();
    }

    /// Schedules a command at a virtual time. Returns false (and traces why) when refused.
    pub fn schedule(&mut self, at_ms: u64, command: Command) -> bool {
        let reason = if at_ms < self.now_ms {
            Some(Refusal::InThePast)
        } else if at_ms > MAX_VIRTUAL_MS {
            Some(Refusal::TooFarAhead)
        } else if self.schedule.len() >= self.config.limits.scheduled_commands as usize {
            Some(Refusal::ScheduleFull)
        } else {
            None
        };
        if let Some(reason) = reason {
            self.record(TraceEvent::Refused { reason });
            return false;
        }
        let seq = self.next_seq();
        self.schedule.push(Reverse(Scheduled { at_ms, seq, command }));
        true
    }
}
