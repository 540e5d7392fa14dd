//! Dual write (seed 003): a local transaction's events are published in a separate step after
//! the commit, once, with no outbox row to retry from; what falls in the gap is lost.
//!
//! The publishing step runs `DUAL_WRITE_GAP_MS` after the commit (publish-first runs the same step
//! before the commit; see `local_tx`). A crash in that gap, or the one packet lost, loses the
//! event: `TraceEvent::EventLost`, and the checker's `NoEventLost`.

use super::Sim;
use crate::ids::ServiceId;
use crate::message::Message;
use crate::trace::{Lost, TraceEvent};

impl Sim {
    /// Dual write's publishing step (and publish-first's, before the commit): every event
    /// committed since the last one goes out once, with no outbox row to retry from. Returns
    /// whether the batch left. When `rolls_back`, the change the events tell of is about to be
    /// undone, so losing them loses nothing.
    pub(super) fn dual_publish(&mut self, service: ServiceId, rolls_back: bool) -> bool {
        let mut messages = std::mem::take(&mut self.nodes[service.index()].unpublished);
        let Some(&first) = messages.first() else { return false };
        self.next_batch += 1;
        let batch = self.next_batch;
        let count = messages.len() as u32;
        let latency = self.latency();
        let fate = self.transit(service).map(|extra| self.now_ms.saturating_add(latency + extra));
        let arrives_at_ms = fate.ok();
        self.record(TraceEvent::BatchSent {
            service,
            batch,
            messages: count,
            first: first.id,
            attempt: 1,
            arrives_at_ms,
            detour: false,
        });
        match fate {
            Ok(at) => {
                self.send_packet(service, batch, messages, at);
                true
            }
            Err(cause) => {
                self.stats.lost += 1;
                self.record(TraceEvent::Lost { service, what: Lost::Batch { batch }, cause });
                for m in messages.drain(..).filter(|_| !rolls_back) {
                    self.unpublished_lost(service, m);
                }
                false
            }
        }
    }

    /// A dual write's event that will never be published: its table change stands alone.
    pub(super) fn unpublished_lost(&mut self, service: ServiceId, message: Message) {
        self.touched_orders.extend(message.event.order());
        self.record(TraceEvent::EventLost { service, message: message.id });
        self.checker.event_lost(self.now_ms, message.event.order(), service);
    }
}
