//! The figures a protocol is judged by, side by side in the compare view: outcomes, how long
//! things stayed unsettled, how much was sent, how long rows were locked and how often a person
//! had to step in.
//!
//! `Sim::metrics` gives outcomes (confirmed, cancelled, pending), time inconsistent, the longest
//! PENDING, mean order latency, messages sent, row-lock time (2PC), reservation time (TCC) and
//! operator actions, how long the user waited for an answer, and, under TCC and 2PC, how long
//! every participant together held something for a transaction. Lock time and latency grow with
//! slower participants (`Fault::SetHandleTime`) and with more of them
//! (`TwoPhaseConfig::participants`: one more vote to wait for, and under 2PC one more commit in
//! turn, seed 001).
//! A figure that does not apply to the protocol, or means nothing yet, is `None`, and the screen
//! says why. Archived orders count through their totals, so the figures read the same as with every
//! row kept (see `sim/archive.rs`).

use crate::services::coordinator::TxPhase;
use crate::services::order::OrderStatus;
use crate::sim::Sim;
use serde::{Deserialize, Serialize};

/// A run's summary figures at the current virtual time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metrics {
    /// Orders CONFIRMED.
    pub confirmed: u32,
    /// Orders CANCELLED.
    pub cancelled: u32,
    /// Orders PENDING.
    pub pending: u32,
    /// Whether the checker finds the system consistent now.
    pub consistent: bool,
    /// When the current verdict began (the moment it became consistent, when it is).
    pub verdict_since_ms: u64,
    /// Total time spent inconsistent.
    pub inconsistent_ms: u64,
    /// The longest time an order was PENDING (still open ones count up to now); `None` before
    /// the first order.
    pub longest_pending_ms: Option<u64>,
    /// The mean time from placing an order to its final status, over final orders; `None` until
    /// an order is final (a figure shown before it means something would read as zero).
    pub mean_latency_ms: Option<u64>,
    /// Messages sent: events into outboxes plus commands over the coordinator's links.
    pub messages: u64,
    /// 2PC: total time product rows were locked (open locks count up to now); `None` under the
    /// other protocols, which lock no rows.
    pub lock_ms: Option<u64>,
    /// TCC: total time stock stayed reserved before Confirm or Cancel (open ones up to now);
    /// `None` under the other protocols, which reserve nothing.
    pub reserved_ms: Option<u64>,
    /// Decisions an operator made by hand.
    pub operator_actions: u64,
    /// TCC orders waiting for an operator right now.
    pub open_alerts: u32,
    /// Checker violations in the whole run.
    pub violations: u64,
    /// How long the user waited for an answer, on average: about nothing when Order answers at
    /// once with PENDING, the whole saga when it answers only once the order is settled (seed
    /// 002 §44). `None` before the first answer.
    pub user_wait_mean_ms: Option<u64>,
    /// The longest of those waits (a timed-out wait counts as long as it lasted).
    pub user_wait_longest_ms: Option<u64>,
    /// Waits that ran out before the order settled.
    pub client_timeouts: u64,
    /// TCC and 2PC: total time the participants together held something for a transaction
    /// (Product's stock reserved or its row locked, Delivery's slot, Payment's and Points'
    /// amounts; open holds count up to now). Order's row is left out: it holds nothing another
    /// order waits for. `None` under the sagas, which hold nothing between steps.
    pub held_ms: Option<u64>,
    /// How many participants a TCC or 2PC transaction has; `None` under the sagas.
    pub participants: Option<u32>,
}

impl Sim {
    /// The run's summary figures. Costs O(orders); meant for a screen refresh, not every step.
    #[cfg_attr(saga_size, optimize(size))]
    pub fn metrics(&self) -> Metrics {
        let now = self.now_ms;
        let archived = self.order.archived;
        let mut m = Metrics { confirmed: archived.confirmed, cancelled: archived.cancelled, ..Metrics::default() };
        let mut longest = archived.longest_ms;
        let mut any = archived.confirmed + archived.cancelled > 0;
        let mut latency_total = archived.latency_total_ms;
        for o in self.order.orders.iter() {
            let open_ms = match o.status {
                OrderStatus::Pending | OrderStatus::Cancelling(_) => {
                    m.pending += 1;
                    now.saturating_sub(o.placed_at_ms)
                }
                final_status => {
                    if final_status == OrderStatus::Confirmed {
                        m.confirmed += 1;
                    } else {
                        m.cancelled += 1;
                    }
                    let ms = o.updated_at_ms.saturating_sub(o.placed_at_ms);
                    latency_total += ms;
                    ms
                }
            };
            longest = longest.max(open_ms);
            any = true;
        }
        m.longest_pending_ms = any.then_some(longest);
        let finals = u64::from(m.confirmed + m.cancelled);
        m.mean_latency_ms = latency_total.checked_div(finals);
        let open_locks: u64 = self.product.locks.iter().flatten().map(|l| now.saturating_sub(l.since_ms)).sum();
        let protocol = self.config.protocol;
        m.lock_ms = (protocol == crate::Protocol::TwoPc).then_some(self.product.lock_ms_total + open_locks);
        let open_reservations: u64 = self
            .product
            .ledger
            .iter()
            .map(|l| match *l {
                crate::services::product::Ledger::Reserved { reserved_at_ms, .. } => now.saturating_sub(reserved_at_ms),
                _ => 0,
            })
            .sum();
        m.reserved_ms =
            (protocol == crate::Protocol::Tcc).then_some(self.product.reserved_ms_total + open_reservations);
        m.messages = self.stats.emitted + self.stats.rpcs_sent;
        m.operator_actions = self.stats.operator_actions;
        m.open_alerts = self
            .coordinator
            .txs
            .iter()
            .flatten()
            .filter(|t| t.alerted && matches!(t.phase, TxPhase::Stuck { .. }))
            .count() as u32;
        let verdict = self.checker.verdict_summary();
        m.consistent = verdict.0;
        m.verdict_since_ms = verdict.1;
        m.inconsistent_ms = verdict.2 + if verdict.0 { 0 } else { now.saturating_sub(verdict.1) };
        m.violations = self.checker.violations_total();
        let s = &self.stats;
        m.user_wait_mean_ms = s.client_wait_ms_total.checked_div(s.client_answers);
        m.user_wait_longest_ms = (s.client_answers > 0).then_some(s.client_wait_ms_longest);
        m.client_timeouts = s.client_timeouts;
        if protocol.is_two_phase() {
            let product = m.lock_ms.or(m.reserved_ms).unwrap_or(0);
            let others = self.delivery.held_ms(now) + self.payment.held_ms(now) + self.points.held_ms(now);
            m.held_ms = Some(product + others);
            m.participants = Some(self.config.two_phase.participants);
        }
        m
    }
}
