//! Faults and an operator's changes: crash and restart, cut and heal, network weather,
//! slow handlers, and setting a product's stock.
//!
//! Faults act on a node's links: drop, duplicate, delay (probability and range), reorder (a produce
//! batch goes on a detour and later batches overtake it, see `relay`), and partition (nothing
//! crosses); `network` draws them for each packet. A coordinator command is lost if either end is
//! partitioned, and draws the participant's link faults (`command_link`). Crash and restart act on
//! the node (the coordinator included); a fault naming a node the protocol does not run (the
//! coordinator under choreography) is refused (`Refusal::NotInPlay`). All are `Fault` variants,
//! usable as commands or in a timed schedule. `HealAll` ends a fault phase: every node in play is
//! healed and restarted, the weather and slow handlers are cleared, and every armed fault is
//! disarmed (`AtNextDecision`, `CrashAfterCommit`, the next poison, failing handlers).
//!
//! An operator's `SetStock` never goes below the units reserved or prepared for open transactions;
//! when it is raised to them the trace says so (`Refusal::StockPromised`).

use super::*;

impl Sim {
    pub(super) fn set_stock(&mut self, product: ProductId, stock: i64) {
        if usize::from(product.0) >= self.config.products.len() {
            self.record(TraceEvent::Refused { reason: Refusal::UnknownProduct });
            return;
        }
        if !(0..=MAX_STOCK).contains(&stock) {
            self.record(TraceEvent::Refused { reason: Refusal::BadStock });
            return;
        }
        if !self.nodes[ServiceId::Product.index()].up {
            self.record(TraceEvent::Refused { reason: Refusal::ServiceDown });
            return;
        }
        if self.outbox_full(ServiceId::Product) {
            self.record(TraceEvent::Refused { reason: Refusal::OutboxFull });
            return;
        }
        self.begin_local_tx(ServiceId::Product);
        let mut ctx =
            Ctx { now_ms: self.now_ms, next_message_id: &mut self.next_message_id, emitted: &mut self.emitted };
        let applied = self.product.set_stock(product, stock, &mut ctx).unwrap_or(stock);
        self.record(TraceEvent::StockSet { product, stock: applied });
        if applied != stock {
            self.record(TraceEvent::Refused { reason: Refusal::StockPromised });
        }
        self.commit_emitted(ServiceId::Product);
        self.touched_products.push(product);
        self.pump_relay(ServiceId::Product);
    }

    #[cfg_attr(saga_size, optimize(size))]
    pub(super) fn apply_fault(&mut self, fault: Fault) {
        if let Some(service) = fault.service()
            && !self.nodes_in_play().contains(&service)
        {
            // A node outside the protocol stays out of it: healing the coordinator's link under
            // choreography must not start a consumer that runs sagas nobody asked for.
            return self.record(TraceEvent::Refused { reason: Refusal::NotInPlay });
        }
        match fault {
            Fault::Crash { service } => self.crash(service),
            Fault::Restart { service } => self.restart(service),
            Fault::Partition { service } => self.nodes[service.index()].partitioned = true,
            Fault::Heal { service } => self.heal(service),
            Fault::SetLinkFaults { service, faults } => {
                let faults = sanitize_faults(faults);
                for s in ServiceId::NODES {
                    if service.is_none_or(|x| x == s) {
                        let n = &mut self.nodes[s.index()];
                        n.faults = faults;
                        n.chances = Chances::of(&faults);
                    }
                }
            }
            Fault::SetHandleTime { service, handle_ms } => {
                self.nodes[service.index()].handle_ms = handle_ms.min(crate::config::MAX_DURATION_MS);
            }
            Fault::AtNextDecision { then } => self.decision_trap = Some(then),
            Fault::CrashAfterCommit { service } => {
                self.crash_after_commit = CrashAfterCommit { armed: Some(service), due: None }
            }
            Fault::FailHandling { service, on } => self.nodes[service.index()].failing = on,
            Fault::PoisonNextEvent { service } => self.poison.next_from = Some(service),
            Fault::HealAll => {
                self.decision_trap = None;
                self.crash_after_commit.armed = None;
                self.poison.next_from = None;
                for n in &mut self.nodes {
                    n.failing = false;
                }
                for &s in self.nodes_in_play() {
                    let n = &mut self.nodes[s.index()];
                    n.faults = LinkFaults::NONE;
                    n.chances = Chances::default();
                    n.handle_ms = self.config.handle_ms;
                    // Links first, so a restarted relay's first batch is not sent into a cut.
                    self.heal(s);
                    self.restart(s);
                }
            }
        }
    }

    #[cfg_attr(saga_size, optimize(size))]
    pub(super) fn crash(&mut self, service: ServiceId) {
        let n = &mut self.nodes[service.index()];
        if !n.up {
            return;
        }
        n.up = false;
        n.epoch = n.epoch.wrapping_add(1);
        let in_hand = n.consumer.in_hand.take();
        let unpublished = std::mem::take(&mut n.unpublished);
        if let (DeliverySemantics::AtMostOnce, Some(h)) = (self.config.delivery, in_hand)
            && !h.redeliver
            && n.consumer.handled_until <= h.offset
            && let Some(record) = self.log.get(h.offset).copied()
            && interested(self.config.protocol, service, record.message.event.event_type())
        {
            // Its offset was committed before handling: after the restart the consumer starts
            // past it, and nothing will ever deliver it again.
            let message = record.message.id;
            self.touched_orders.extend(record.message.event.order());
            self.record(TraceEvent::RecordLost { service, offset: h.offset, message });
            self.checker.event_lost(self.now_ms, record.message.event.order(), service);
        }
        for m in unpublished {
            self.unpublished_lost(service, m);
        }
        let n = &mut self.nodes[service.index()];
        n.consumer.fetched_until = Offset(0);
        n.commit_scheduled = false;
        n.outbox.forget_in_flight();
        if service == ServiceId::Coordinator {
            self.coordinator.forget();
            self.coord_wake_at = None;
        }
        if service == ServiceId::Product {
            // The queue of waiting prepares is memory; the locks of prepared rows are durable.
            for p in 0..self.lock_waiters.len() {
                while let Some(id) = self.lock_waiters[p].pop_front() {
                    self.drop_wire(id);
                }
            }
            self.product.release_unprepared_locks(self.now_ms);
        }
    }

    #[cfg_attr(saga_size, optimize(size))]
    pub(super) fn restart(&mut self, service: ServiceId) {
        let n = &mut self.nodes[service.index()];
        if n.up {
            return;
        }
        n.up = true;
        let from = n.consumer.committed;
        let rereads = n.consumer.position.0.saturating_sub(from.0);
        n.consumer.position = from;
        n.outbox_full_reported = false;
        self.record(TraceEvent::ConsumerResumed { service, from, rereads });
        self.pump_relay(service);
        self.pump_consumer(service);
        self.arm_sweeper(service);
        if service == ServiceId::Coordinator && self.config.protocol.has_coordinator() {
            // The saga table survived; re-send each unfinished saga's current command.
            let mut fx = std::mem::take(&mut self.coord_effects);
            self.coordinator.resume(&self.config.orchestration, self.now_ms, &mut fx);
            self.run_coord_effects(&mut fx);
            self.coord_effects = fx;
        }
    }

    pub(super) fn heal(&mut self, service: ServiceId) {
        let n = &mut self.nodes[service.index()];
        if !n.partitioned {
            return;
        }
        n.partitioned = false;
        self.send_commit(service);
        self.pump_relay(service);
        self.pump_consumer(service);
    }
}
