//! Dual write (seed 003): a local transaction's events are published in a separate step after
//! the commit, once, with no outbox row to retry from; what falls in the gap is lost.

use super::Sim;
use crate::ids::ServiceId;
use crate::message::Message;
use crate::trace::{Lost, TraceEvent};

impl Sim {
    /// Dual write's publishing step: every event committed since the last one goes out once,
    /// with no outbox row to retry from.
    pub(super) fn dual_publish(&mut self, service: ServiceId) {
        let mut messages = std::mem::take(&mut self.nodes[service.index()].unpublished);
        let Some(&first) = messages.first() else { return };
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
            Ok(at) => self.send_packet(service, batch, messages, at),
            Err(cause) => {
                self.stats.lost += 1;
                self.record(TraceEvent::Lost { service, what: Lost::Batch { batch }, cause });
                for m in messages.drain(..) {
                    self.unpublished_lost(service, m);
                }
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
