//! The relay: an outbox's unsent rows go to the bus in batches; the bus appends what arrives
//! and acknowledges it.
//!
//! A relay (memory only) sends unsent rows in batches of up to `batch_max`, waits for the bus's
//! acknowledgement, and resends on timeout with exponential back-off capped at
//! `retry_backoff_max_ms`. A lost acknowledgement therefore puts a second copy of a message in the
//! log: publishing is at-least-once. Under the reorder fault a batch goes on a detour long enough
//! for the next batch to overtake it.

use super::*;

impl Sim {
    /// Sends the relay's next batches while nothing blocks it.
    pub(super) fn pump_relay(&mut self, service: ServiceId) {
        if self.crash_after_commit.due == Some(service) {
            // The armed crash comes before the relay's next poll.
            return;
        }
        loop {
            let n = &self.nodes[service.index()];
            if !n.up || n.outbox.blocked() || n.outbox.pending() == 0 {
                return;
            }
            let mut messages = self.spare_vecs.pop().unwrap_or_default();
            self.next_batch += 1;
            let batch = self.next_batch;
            let max = self.config.batch_max as usize;
            let attempt = self.nodes[service.index()].outbox.take_batch(batch, max, &mut messages);
            let Some(&first) = messages.first() else {
                self.spare_vecs.push(messages);
                return;
            };
            let count = messages.len() as u32;
            let reorder = self.nodes[service.index()].chances.reorder;
            let detour = self.rng.chance(reorder);
            let epoch = self.nodes[service.index()].epoch;
            if detour {
                self.nodes[service.index()].outbox.detour(batch);
            }
            let backoff = self
                .config
                .ack_timeout_ms
                .saturating_mul(1 << (attempt.saturating_sub(1)).min(16))
                .min(self.config.retry_backoff_max_ms);
            // A detour is long enough that the next batch overtakes it; the relay's timeout
            // allows for it, so reordering alone never causes a resend (and so a duplicate).
            let detour_ms = if detour { self.config.latency_ms.max_ms + self.config.ack_timeout_ms / 2 } else { 0 };
            self.at(self.now_ms.saturating_add(backoff + detour_ms), TimerKind::BatchTimeout { service, batch, epoch });
            let latency = self.latency();
            let transit = self.transit(service);
            let arrives = transit.as_ref().ok().map(|extra| self.now_ms.saturating_add(latency + extra + detour_ms));
            self.record(TraceEvent::BatchSent {
                service,
                batch,
                messages: count,
                first: first.id,
                attempt,
                arrives_at_ms: arrives,
                detour,
            });
            if let Err(cause) = transit {
                self.stats.lost += 1;
                self.record(TraceEvent::Lost { service, what: Lost::Batch { batch }, cause });
            }
            if let Some(at) = arrives {
                let duplicate = self.rng.chance(self.nodes[service.index()].chances.duplicate);
                if duplicate {
                    let mut copy = self.spare_vecs.pop().unwrap_or_default();
                    copy.extend_from_slice(&messages);
                    let later = at.saturating_add(self.latency());
                    self.send_packet(service, batch, copy, later);
                }
                self.send_packet(service, batch, messages, at);
            } else {
                messages.clear();
                self.spare_vecs.push(messages);
            }
            if !detour {
                return;
            }
        }
    }

    pub(super) fn send_packet(
        &mut self,
        service: ServiceId,
        batch: u64,
        mut messages: Vec<Message>,
        arrives_at_ms: u64,
    ) {
        let messages = match *messages {
            [one] => {
                messages.clear();
                self.spare_vec(messages);
                Batch::One(one)
            }
            _ => Batch::Many(messages),
        };
        let packet = Packet { service, batch, messages, sent_at_ms: self.now_ms, arrives_at_ms };
        let id = match self.free_packets.pop() {
            Some(id) => {
                self.packets[id as usize] = Some(packet);
                id
            }
            None => {
                self.packets.push(Some(packet));
                (self.packets.len() - 1) as u32
            }
        };
        self.live_packets += 1;
        self.at(arrives_at_ms, TimerKind::ProduceArrive { packet: id });
    }

    pub(super) fn produce_arrive(&mut self, id: u32) {
        let Some(packet) = self.packets.get_mut(id as usize).and_then(Option::take) else { return };
        self.free_packets.push(id);
        self.live_packets -= 1;
        let service = packet.service;
        if self.nodes[service.index()].partitioned {
            self.stats.lost += 1;
            let what = Lost::Batch { batch: packet.batch };
            self.record(TraceEvent::Lost { service, what, cause: LossCause::Partitioned });
            if self.publish_mode(service) != PublishMode::Outbox {
                // No outbox row will send it again.
                for &message in packet.messages.as_slice() {
                    self.unpublished_lost(service, message);
                }
            }
        } else {
            // The packet is ours now (taken out of the wire table), so `self` is free to change.
            for &message in packet.messages.as_slice() {
                let copy = self.recent_ids.contains(message.id);
                self.recent_ids.insert(message.id);
                let (offset, _deleted) = self.log.append(message, self.now_ms, copy);
                self.stats.appended += 1;
                if copy {
                    self.stats.copies += 1;
                }
                self.record(TraceEvent::Appended {
                    offset,
                    message: message.id,
                    event_type: message.event.event_type(),
                    copy,
                });
            }
            let latency = self.latency();
            match self.transit(service) {
                Ok(extra) => {
                    self.acks_in_flight += 1;
                    let epoch = self.nodes[service.index()].epoch;
                    let kind = TimerKind::AckArrive { service, batch: packet.batch, epoch, sent_at_ms: self.now_ms };
                    self.at(self.now_ms.saturating_add(latency + extra), kind);
                }
                Err(cause) => {
                    self.stats.lost += 1;
                    self.record(TraceEvent::Lost { service, what: Lost::Ack { batch: packet.batch }, cause });
                }
            }
            for &s in self.consumers_in_play() {
                self.pump_consumer(s);
            }
        }
        if let Batch::Many(mut v) = packet.messages {
            v.clear();
            self.spare_vec(v);
        }
    }

    /// Keeps an emptied list of messages for the next batch, up to a bound.
    fn spare_vec(&mut self, v: Vec<Message>) {
        if self.spare_vecs.len() < SPARE_VECS_KEPT {
            self.spare_vecs.push(v);
        }
    }
}
