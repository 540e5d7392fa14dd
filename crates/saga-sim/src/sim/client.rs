//! The client's requests to Order: placing an order (with its idempotency key, the CP choice
//! and a flaky network that loses answers) and Order's replies.
//!
//! # CAP
//!
//! Under `PlacementMode::Cp` Order refuses orders while Product is unreachable (the client sees
//! why, and the orders table lists the refusal); under `Ap` it accepts them as PENDING.
//!
//! # Idempotent placement (seeds 003, 004)
//!
//! `Command::SetFlakyClient` loses Order's answer to each new order (`ReplyLost`; Order itself has
//! the order). The client resubmits with the same idempotency key every `CLIENT_RETRY_MS` until it
//! hears an answer for that key (it remembers at most `RESUBMISSIONS_KEPT` keys), and Order answers
//! `AlreadyPlaced`: exactly one order. A resubmission is one of the engine's own inputs, an engine
//! event (see `input`).
//!
//! # When the client hears back (seed 002 §44)
//!
//! The choreography answers at once: the client sees PENDING and, later, the outcome. The
//! seeds' orchestrated saga and TCC answer only when all processing is done (synchronous), and
//! so does 2PC here. `SimConfig::reply_timing` follows the seed by default or forces one way.
//! A waiting client (`ClientWait`, at most `CLIENT_WAITS_KEPT`) hears `Reply::Settled` when its
//! order is CONFIRMED or CANCELLED, or gives up after `client_timeout_ms` (`Reply::TimedOut`;
//! the order goes on). Every answer counts toward how long the user waited (`Stats`).

use super::*;

impl Sim {
    /// The client hears `reply` now, the moment it asked.
    pub(super) fn reply(&mut self, reply: Reply) {
        self.reply_after(reply, 0);
    }

    /// The client hears `reply` after waiting `waited_ms` for it.
    fn reply_after(&mut self, reply: Reply, waited_ms: u64) {
        if self.replies.len() == REPLIES_KEPT {
            self.replies.pop_front();
        }
        self.replies.push_back(TimedReply { at_ms: self.now_ms, reply });
        self.note_reply(reply);
        self.record(TraceEvent::Reply { reply });
        let s = &mut self.stats;
        s.client_answers += 1;
        s.client_wait_ms_total = s.client_wait_ms_total.saturating_add(waited_ms);
        s.client_wait_ms_longest = s.client_wait_ms_longest.max(waited_ms);
    }

    /// Order took a request whose answer, under a synchronous protocol, is the order's outcome:
    /// the client waits for it. Otherwise it hears `reply` now.
    pub(super) fn reply_or_wait(&mut self, reply: Reply) {
        let order = match reply {
            Reply::Accepted { order } | Reply::CancelAccepted { order } => order,
            _ => return self.reply(reply),
        };
        if !self.config.reply_timing.waits(self.config.protocol) {
            return self.reply(reply);
        }
        self.note_reply(reply);
        if self.client_waits.len() == CLIENT_WAITS_KEPT
            && let Some(oldest) = self.client_waits.pop_front()
        {
            self.give_up(oldest);
        }
        let timeout_at_ms = self.now_ms.saturating_add(self.config.client_timeout_ms);
        self.client_waits.push_back(ClientWait { order, since_ms: self.now_ms, timeout_at_ms });
        self.at(timeout_at_ms, TimerKind::ClientTimeout { order, since_ms: self.now_ms });
        self.record(TraceEvent::ClientWaits { order, timeout_at_ms });
    }

    /// A step touched `order`: a client waiting for it hears, once it is settled.
    pub(super) fn answer_waiting_client(&mut self, order: OrderId) {
        let Some(status) = self.order.orders.get(order).map(|o| o.status).filter(|s| s.is_final()) else {
            return;
        };
        while let Some(i) = self.client_waits.iter().position(|w| w.order == order) {
            let Some(wait) = self.client_waits.remove(i) else { break };
            self.reply_after(Reply::Settled { order, status }, self.now_ms.saturating_sub(wait.since_ms));
        }
    }

    /// A waiting client's timeout fired: if it is still waiting, it gives up.
    pub(super) fn client_timed_out(&mut self, order: OrderId, since_ms: u64) {
        if let Some(i) = self.client_waits.iter().position(|w| w.order == order && w.since_ms == since_ms)
            && let Some(wait) = self.client_waits.remove(i)
        {
            self.give_up(wait);
        }
    }

    fn give_up(&mut self, wait: ClientWait) {
        self.stats.client_timeouts += 1;
        self.reply_after(Reply::TimedOut { order: wait.order }, self.now_ms.saturating_sub(wait.since_ms));
    }

    /// Order's own side of an answer (what changed, what to count), whether or not the answer
    /// reaches the client.
    pub(super) fn note_reply(&mut self, reply: Reply) {
        match reply {
            Reply::Accepted { order } => {
                self.stats.orders_accepted += 1;
                self.touched_orders.push(order);
            }
            Reply::Cancelled { order } | Reply::CancelAccepted { order } => self.touched_orders.push(order),
            Reply::Settled { .. } | Reply::TimedOut { .. } => {}
            Reply::AlreadyPlaced { .. } => self.stats.duplicates_recognised += 1,
            Reply::Rejected { .. } => self.stats.requests_rejected += 1,
        }
    }

    /// Remembers a placement that was refused, for the orders table.
    pub(super) fn refused(&mut self, product: ProductId, quantity: u32, reason: Rejection) {
        if self.refused_orders.len() == REPLIES_KEPT {
            self.refused_orders.pop_front();
        }
        let at_ms = self.now_ms;
        self.refused_orders.push_back(crate::services::order::RefusedOrder { at_ms, product, quantity, reason });
    }

    pub(super) fn place_order(&mut self, product: ProductId, quantity: u32, key: Option<IdempotencyKey>) {
        if !self.nodes[0].up {
            self.refused(product, quantity, Rejection::OrderServiceDown);
            self.reply(Reply::Rejected { reason: Rejection::OrderServiceDown });
            if let Some(key) = key.filter(|k| self.resubmitting.contains(k)) {
                // A client still waiting for its lost answer tries again later.
                self.resubmit(key, product, quantity);
            }
            return;
        }
        let key = key.unwrap_or_else(|| {
            self.next_key += 1;
            IdempotencyKey(self.next_key)
        });
        let p = &self.nodes[ServiceId::Product.index()];
        let product_reachable = p.up && !p.partitioned && !self.nodes[0].partitioned;
        let reply = if self.outbox_full(ServiceId::Order) && !self.order.keys.contains_key(&key) {
            Reply::Rejected { reason: Rejection::OutboxFull }
        } else {
            let req = PlaceRequest {
                product,
                quantity,
                key,
                mode: self.placement,
                product_reachable,
                product_count: self.config.products.len(),
                max_orders: self.config.limits.max_orders,
            };
            let mut ctx =
                Ctx { now_ms: self.now_ms, next_message_id: &mut self.next_message_id, emitted: &mut self.emitted };
            self.order.place(req, &mut ctx)
        };
        self.commit_emitted(ServiceId::Order);
        if let Reply::Rejected { reason } = reply {
            self.refused(product, quantity, reason);
        }
        let resubmitted = self.resubmitting.contains(&key);
        match reply {
            Reply::Accepted { .. } if self.flaky_client => {
                // The order exists; only its answer is lost. The client tries again with the
                // same key, and Order must recognise it instead of making a second order.
                self.note_reply(reply);
                self.reply_lost(key, product, quantity);
            }
            // Order could not answer at all: a client waiting for its lost answer keeps trying.
            Reply::Rejected { reason: Rejection::OrderServiceDown | Rejection::OutboxFull } if resubmitted => {
                self.reply(reply);
                self.resubmit(key, product, quantity);
            }
            _ => {
                self.resubmitting.retain(|k| *k != key);
                self.reply_or_wait(reply);
            }
        }
        self.pump_relay(ServiceId::Order);
    }

    pub(super) fn reply_lost(&mut self, key: IdempotencyKey, product: ProductId, quantity: u32) {
        let resubmit_at_ms = self.now_ms.saturating_add(CLIENT_RETRY_MS);
        self.record(TraceEvent::ReplyLost { key, resubmit_at_ms });
        self.resubmit(key, product, quantity);
    }

    /// The flaky client sends its request again later, until it hears an answer for that key.
    pub(super) fn resubmit(&mut self, key: IdempotencyKey, product: ProductId, quantity: u32) {
        if !self.resubmitting.contains(&key) {
            if self.resubmitting.len() == RESUBMISSIONS_KEPT {
                self.resubmitting.pop_front();
            }
            self.resubmitting.push_back(key);
        }
        let at = self.now_ms.saturating_add(CLIENT_RETRY_MS);
        self.schedule_engine(
            at,
            PendingAction::Command(Command::PlaceOrder { product, quantity, idempotency_key: Some(key) }),
        );
    }
}
