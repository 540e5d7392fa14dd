//! Consumers: fetching from the committed offset, handling one record at a time (with the
//! processed-message check and handler retries), and committing offsets.
//!
//! # Consuming
//!
//! Each consumer fetches batches from its position, handles records one at a time (only events it
//! is interested in cost `handle_ms`), and commits its offset `commit_interval_ms` after handling.
//! A crash loses position, fetched batch and record in hand; a durable `handled_until` tells
//! re-reads from records never read, so retention only reports the latter as lost. The duplicate
//! fault redelivers a record at most once; the restart resumes from the committed offset, so
//! handled-but-uncommitted records come again. A message about an archived order is ignored before
//! any handler runs (`Outcome::Archived`, see `archive`).
//!
//! # Delivery semantics (seeds 003, 004)
//!
//! `SimConfig::delivery`. At-least-once (the default) commits the offset after handling, so a crash
//! mid-handling redelivers. At-most-once commits before handling (`OffsetCommitted` is traced
//! first), so a crash mid-handling loses the record for good (`RecordLost`, `NoEventLost`), and the
//! duplicate fault never hands a consumer a record twice. Idempotent consumers stay a separate
//! switch (see `processed_table`).

use super::*;

impl Sim {
    /// Starts handling the next record if the consumer is free, up, connected and has one.
    pub(super) fn pump_consumer(&mut self, service: ServiceId) {
        let n = &self.nodes[service.index()];
        if !service.reads_bus()
            || !n.up
            || n.partitioned
            || n.consumer.in_hand.is_some()
            || self.crash_after_commit.due == Some(service)
        {
            return;
        }
        let position = n.consumer.position;
        if position < self.log.start() {
            self.lose_to_retention(service, position);
            return self.pump_consumer(service);
        }
        let Some(record) = self.log.get(position) else { return };
        let event_type = record.message.event.event_type();
        if self.outbox_full(service) {
            if !self.nodes[service.index()].outbox_full_reported {
                self.nodes[service.index()].outbox_full_reported = true;
                self.record(TraceEvent::OutboxFull { service });
            }
            return;
        }
        self.nodes[service.index()].outbox_full_reported = false;
        let delivered_at = if position < self.nodes[service.index()].consumer.fetched_until {
            self.nodes[service.index()].consumer.fetch_arrives_at_ms.max(self.now_ms)
        } else {
            self.fetch(service, position)
        };
        let fetched_at = self.nodes[service.index()].consumer.fetch_sent_at_ms;
        // The duplicate fault delivers a record a second time, never a third, and only records
        // the service acts on; otherwise a 100 % chance would hold the consumer on one offset.
        let relevant = interested(self.config.protocol, service, event_type);
        // At most once means at most once: the consumer never takes a record twice.
        let redeliver = relevant
            && self.config.delivery == DeliverySemantics::AtLeastOnce
            && self.nodes[service.index()].consumer.redelivered != Some(position)
            && self.rng.chance(self.nodes[service.index()].chances.duplicate);
        let n = &mut self.nodes[service.index()];
        if redeliver {
            n.consumer.redelivered = Some(position);
        }
        let work = if relevant { n.handle_ms } else { 0 };
        let done_at = delivered_at.saturating_add(work);
        n.consumer.in_hand = Some(InHand {
            offset: position,
            fetched_at_ms: fetched_at,
            delivered_at_ms: delivered_at,
            done_at_ms: done_at,
            redeliver,
            attempt: 1,
        });
        let epoch = n.epoch;
        self.at(done_at, TimerKind::HandleDone { service, epoch, offset: position });
        if self.config.delivery == DeliverySemantics::AtMostOnce && relevant && !redeliver {
            // At-most-once: the offset is committed before the record is handled.
            let c = &mut self.nodes[service.index()].consumer;
            c.position = Offset(position.0 + 1);
            c.committed = c.committed.max(c.position);
            let offset = c.committed;
            self.record(TraceEvent::OffsetCommitted { service, offset });
        }
    }

    /// Fetches the next batch of records from `position`, as a Kafka consumer's poll does: one
    /// trip over the link, so one latency and one draw of the link's faults for the whole batch.
    /// Returns when the batch reaches the consumer.
    pub(super) fn fetch(&mut self, service: ServiceId, position: Offset) -> u64 {
        let until = Offset(self.log.end().0.min(position.0 + u64::from(self.config.batch_max)));
        let newest_appended = self.log.get(Offset(until.0 - 1)).map_or(self.now_ms, |r| r.appended_at_ms);
        let latency = self.latency();
        let mut arrives = self.now_ms.max(newest_appended.saturating_add(latency));
        match self.transit(service) {
            Ok(extra) => arrives = arrives.saturating_add(extra),
            Err(cause) => {
                // A lost fetch is fetched again after the poll interval.
                self.stats.lost += 1;
                self.record(TraceEvent::Lost { service, what: Lost::Fetch { offset: position }, cause });
                arrives = arrives.saturating_add(self.config.poll_interval_ms);
            }
        }
        let c = &mut self.nodes[service.index()].consumer;
        c.fetched_until = until;
        c.fetch_arrives_at_ms = arrives;
        c.fetch_sent_at_ms = self.now_ms;
        arrives
    }

    /// The consumer's position fell below the oldest retained record. Records it had handled
    /// before (a restart rewinds to the committed offset) are simply skipped; records it never
    /// read are lost, reported, and a violation.
    pub(super) fn lose_to_retention(&mut self, service: ServiceId, from: Offset) {
        let to = self.log.start();
        let c = &mut self.nodes[service.index()].consumer;
        c.position = to;
        c.committed = c.committed.max(to);
        let first_unread = from.max(c.handled_until);
        if first_unread < to {
            self.record(TraceEvent::OffsetReset { service, from: first_unread, to });
            self.checker.lost_to_retention(self.now_ms, service);
        }
    }

    /// The consumer's local transaction for one record: the handler's table changes, its
    /// outbox rows and the processed-message mark, all or nothing; then the offset commit.
    pub(super) fn handle(&mut self, service: ServiceId, in_hand: InHand) {
        let Some(record) = self.log.get(in_hand.offset).copied() else {
            // Retention deleted the record while it was being fetched.
            self.lose_to_retention(service, in_hand.offset);
            return;
        };
        let msg = record.message;
        let event_type = msg.event.event_type();
        self.begin_local_tx(service);
        let Some(outcome) = self.run_handler(service, &msg) else {
            return self.handler_failed(service, in_hand, msg);
        };
        let c = &mut self.nodes[service.index()].consumer;
        c.handled_total += 1;
        c.handled_until = c.handled_until.max(Offset(in_hand.offset.0 + 1));
        self.stats.handled += 1;
        self.record(TraceEvent::Handled {
            service,
            offset: in_hand.offset,
            message: msg.id,
            event_type,
            delivered_at_ms: in_hand.delivered_at_ms,
            outcome,
        });
        self.after_handler(service);
        if self.rolled_back == Some(service) {
            // Publish first and the commit failed: nothing of this handling stands. At least
            // once, the record is read again after the restart; at most once, its offset was
            // committed before handling, so it is gone.
            if self.config.delivery == DeliverySemantics::AtMostOnce && !in_hand.redeliver {
                let (offset, message) = (in_hand.offset, msg.id);
                self.record(TraceEvent::RecordLost { service, offset, message });
                self.checker.event_lost(self.now_ms, msg.event.order(), service);
            }
            return;
        }
        self.letter_handled_anyway(service, msg.id);
        let c = &mut self.nodes[service.index()].consumer;
        if !in_hand.redeliver {
            c.position = Offset(in_hand.offset.0 + 1);
            self.schedule_commit(service);
        }
    }

    /// The handler's part of a consumer's local transaction: the processed-message check, the
    /// service's handler and the processed mark. None when the handler failed (the error switch,
    /// or a poison message), leaving nothing changed.
    pub(super) fn run_handler(&mut self, service: ServiceId, msg: &Message) -> Option<Outcome> {
        let event_type = msg.event.event_type();
        let idempotent = self.config.idempotent_consumers;
        let relevant = interested(self.config.protocol, service, event_type);
        let outcome = if relevant && idempotent && self.nodes[service.index()].consumer.processed.contains(msg.id) {
            Outcome::DuplicateIgnored
        } else if relevant && (self.nodes[service.index()].failing || self.poison.messages.contains(&msg.id)) {
            return None;
        } else if msg.event.order().is_some_and(|o| self.order.orders.is_archived(o)) {
            // A late copy about an order settled and archived: its rows are gone, so no handler
            // may run (it would take stock for an order that no longer exists).
            Outcome::Archived
        } else {
            let mut ctx =
                Ctx { now_ms: self.now_ms, next_message_id: &mut self.next_message_id, emitted: &mut self.emitted };
            let outcome = match (self.config.protocol, service) {
                (_, ServiceId::Coordinator) => self.coordinator_event(msg),
                // Under orchestration the participants act on commands, not on bus events.
                (Protocol::Orchestration | Protocol::Tcc | Protocol::TwoPc, _) => Outcome::NotForMe,
                (Protocol::Choreography, ServiceId::Order) => self.order.handle(msg, &mut ctx),
                (Protocol::Choreography, ServiceId::Product) => self.product.handle(msg, &mut ctx),
                (Protocol::Choreography, ServiceId::Delivery) => self.delivery.handle(msg, &mut ctx),
                (_, ServiceId::Payment | ServiceId::Points) => Outcome::NotForMe,
            };
            if relevant && idempotent {
                self.nodes[service.index()].consumer.processed.insert(msg.id);
            }
            outcome
        };
        if (outcome.changed_state() || matches!(outcome, Outcome::CancelTooLate))
            && let Some(o) = msg.event.order()
        {
            self.touched_orders.push(o);
        }
        let applied = matches!(
            outcome,
            Outcome::StockTaken { again: true, .. }
                | Outcome::StockRestored { again: true, .. }
                | Outcome::DeliveryStarted { again: true }
        );
        if applied {
            self.checker.duplicate_effect(self.now_ms, msg.event.order(), service);
        }
        if applied || outcome == Outcome::DuplicateIgnored {
            let seen = DuplicateSeen { at_ms: self.now_ms, message: msg.id, applied };
            self.nodes[service.index()].consumer.last_duplicate = Some(seen);
        }
        Some(outcome)
    }

    /// The rest of the local transaction: the handler's outbox rows, traced after the handling
    /// line so the trace reads cause, then effect; the coordinator's commands too.
    pub(super) fn after_handler(&mut self, service: ServiceId) {
        self.commit_emitted(service);
        if !self.coord_effects.is_empty() {
            let mut fx = std::mem::take(&mut self.coord_effects);
            self.run_coord_effects(&mut fx);
            self.coord_effects = fx;
        }
    }

    /// Arranges for the consumer's offset to be committed after the commit interval.
    pub(super) fn schedule_commit(&mut self, service: ServiceId) {
        let interval = self.config.commit_interval_ms;
        if interval == 0 {
            return self.send_commit(service);
        }
        let n = &mut self.nodes[service.index()];
        if !n.commit_scheduled {
            n.commit_scheduled = true;
            let epoch = n.epoch;
            self.at(self.now_ms.saturating_add(interval), TimerKind::CommitCheck { service, epoch });
        }
    }

    /// Sends the consumer's position as its committed offset, if it is ahead of the bus's record.
    pub(super) fn send_commit(&mut self, service: ServiceId) {
        let n = &self.nodes[service.index()];
        if !n.up || n.consumer.position <= n.consumer.committed {
            return;
        }
        let offset = n.consumer.position;
        let epoch = n.epoch;
        let latency = self.latency();
        match self.transit(service) {
            Ok(extra) => {
                self.commits_in_flight += 1;
                self.at(
                    self.now_ms.saturating_add(latency + extra),
                    TimerKind::CommitArrive { service, offset, sent_at_ms: self.now_ms },
                );
            }
            Err(cause) => {
                self.stats.lost += 1;
                self.record(TraceEvent::Lost { service, what: Lost::Commit { offset }, cause });
                // Without an acknowledgement the consumer commits again after a timeout; while
                // partitioned it waits for the heal, which commits at once.
                let n = &mut self.nodes[service.index()];
                if cause != LossCause::Partitioned && !n.commit_scheduled {
                    n.commit_scheduled = true;
                    self.at(
                        self.now_ms.saturating_add(self.config.ack_timeout_ms),
                        TimerKind::CommitCheck { service, epoch },
                    );
                }
            }
        }
    }
}
