//! A service's local transaction: what a handler or a request emitted goes into the outbox
//! with the data, or (dual write, publish-first) is published apart from the commit, with the
//! snapshot a failed publish-first commit rolls back to.
//!
//! # Publishing (seeds 003, 004)
//!
//! How a service publishes is a switch on the same world (`SimConfig::publish`, per service), so a
//! class can flip it and watch the difference:
//!
//! - **`PublishMode::Outbox`** (the default): the local transaction writes its event rows with the
//!   data, and the relay publishes them (see `outbox` and `relay`). A relay that crashes after
//!   sending and before the bus's acknowledgement publishes again after its restart, and idempotent
//!   consumers ignore the copy.
//! - **`DualWrite`**: the tables commit and the events are published `DUAL_WRITE_GAP_MS` later, in
//!   a separate step, once (see `dual_write`). A crash in that gap, or the one packet lost, loses
//!   the event (`TraceEvent::EventLost`, `NoEventLost`).
//! - **`PublishFirst`** (Product and Delivery only; Order's client requests keep their outbox): the
//!   events leave first and the commit follows. When the armed fault fails that commit, the
//!   service's tables, processed-message table and handled-until mark roll back to a snapshot taken
//!   at the start of that local transaction (`Sim::begin_local_tx`, which takes one only while the
//!   fault is armed there); the events already sent stay sent, the record is read again after the
//!   restart (or, at most once, is lost), a replayed dead letter stays queued, and the service
//!   crashes (`TraceEvent::RolledBack`, `NoPhantomEvent`). Order then confirms on the strength of
//!   stock that was never taken (`NoConfirmedOrderWithoutStock`).
//!
//! `Fault::CrashAfterCommit` aims a crash at exactly the fragile moment: after the next committing
//! local transaction, before the relay's next poll or the dual write's publish (with publish-first:
//! the failing commit).

use super::*;

impl Sim {
    /// Writes the messages a local transaction emitted into `service`'s outbox.
    pub(super) fn commit_emitted(&mut self, service: ServiceId) {
        if self.emitted.is_empty() {
            return;
        }
        let mode = self.publish_mode(service);
        let first = self.emitted[0].id;
        let failing_commit = mode == PublishMode::PublishFirst && self.crash_after_commit.armed == Some(service);
        let phantoms: Vec<Option<OrderId>> =
            if failing_commit { self.emitted.iter().map(|m| m.event.order()).collect() } else { Vec::new() };
        for i in 0..self.emitted.len() {
            let message = self.emitted[i];
            if mode != PublishMode::Outbox {
                self.nodes[service.index()].unpublished.push(message);
            } else {
                self.nodes[service.index()].outbox.push(message);
            }
            self.stats.emitted += 1;
            self.record(TraceEvent::Emitted { message });
        }
        self.emitted.clear();
        if mode == PublishMode::DualWrite {
            // Publishing is a separate step after the commit: the window the seeds warn about.
            let epoch = self.nodes[service.index()].epoch;
            self.at(self.now_ms.saturating_add(DUAL_WRITE_GAP_MS), TimerKind::DualPublish { service, epoch });
        }
        if mode == PublishMode::PublishFirst {
            // The events leave before the commit; an armed crash then fails the commit.
            let sent = self.dual_publish(service, failing_commit);
            if failing_commit {
                self.roll_back(service, first, phantoms, sent);
            }
        }
        if self.poison.next_from == Some(service) {
            self.poison.next_from = None;
            if self.poison.messages.len() == POISON_KEPT {
                self.poison.messages.pop_front();
            }
            self.poison.messages.push_back(first);
        }
        if self.crash_after_commit.armed == Some(service) {
            // The armed crash strikes after this commit and before any publishing.
            self.crash_after_commit = CrashAfterCommit { armed: None, due: Some(service) };
        }
    }

    /// How `service` publishes (the coordinator always through its outbox).
    pub(super) fn publish_mode(&self, service: ServiceId) -> PublishMode {
        self.config.publish.get(service.index()).copied().unwrap_or_default()
    }

    /// The start of `service`'s local transaction. Publish first, with the crash-after-commit
    /// fault armed there: remembers its tables, so the commit that fails can roll back to them.
    /// Taken only then, so an armed fault costs nothing on other steps.
    pub(crate) fn begin_local_tx(&mut self, service: ServiceId) {
        if self.crash_after_commit.armed != Some(service) || self.publish_mode(service) != PublishMode::PublishFirst {
            return;
        }
        let c = &self.nodes[service.index()].consumer;
        self.rollback = Some(Box::new(Rollback {
            product: (service == ServiceId::Product).then(|| self.product.clone()),
            delivery: (service == ServiceId::Delivery).then(|| self.delivery.clone()),
            processed: c.processed.clone(),
            handled_until: c.handled_until,
        }));
    }

    /// The commit after a publish fails: the tables go back to where they were, the events
    /// already sent stay sent, and the service crashes at the end of the step.
    pub(super) fn roll_back(&mut self, service: ServiceId, first: MessageId, orders: Vec<Option<OrderId>>, sent: bool) {
        self.crash_after_commit = CrashAfterCommit { armed: None, due: Some(service) };
        debug_assert!(
            self.rollback.is_some(),
            "every local transaction that publishes first begins with begin_local_tx"
        );
        let Some(r) = self.rollback.take() else { return };
        self.rolled_back = Some(service);
        let Rollback { product, delivery, processed, handled_until } = *r;
        if let Some(p) = product {
            self.product = p;
        }
        if let Some(d) = delivery {
            self.delivery = d;
        }
        let c = &mut self.nodes[service.index()].consumer;
        c.processed = processed;
        c.handled_until = handled_until;
        self.record(TraceEvent::RolledBack { service, first, messages: orders.len() as u32 });
        if !sent {
            // The events were lost on the way too: nobody heard of the change that never was.
            return;
        }
        for order in orders {
            self.touched_orders.extend(order);
            self.checker.phantom_event(self.now_ms, order, service);
        }
    }

    pub(super) fn outbox_full(&self, service: ServiceId) -> bool {
        let cap = self.config.limits.outbox_capacity as usize;
        self.nodes[service.index()].outbox.pending() + OUTBOX_HEADROOM > cap
    }
}
