//! Archiving: once more orders are kept than `limits.orders_kept` (default 2,000) and an eighth,
//! the oldest settled orders leave every per-order table at once, in one batch, down to the bound:
//! orders, Product's ledger, deliveries, sagas, transactions and the checker's per-order flags
//! (each an `OrderTable`). An order is settled when it has been final for at least
//! `limits.archive_after_ms` (30 s by default, so nothing about it is still on its way, as a rule),
//! holds nothing (no reservation, no held or prepared slot, no 2PC row lock held or waited for),
//! the coordinator is done with it, and every check on it passes.
//!
//! Its totals stay (`OrderService::archived`, Delivery's count, the checker's running sums such as
//! confirmed units), so `metrics()` and the verdict read the same as with every row kept, and a
//! long run's memory stays flat. A message that still arrives about an archived order is ignored
//! before any handler runs (`Outcome::Archived`); a command from the coordinator about one is
//! refused, giving back any row lock it was handed on its way in. An archived order's idempotency
//! key is forgotten with it (as real services expire keys), and a customer can no longer cancel it.
//! A unit test in `chaos.rs` runs 3,000 orders with 200 kept and with every row kept: the same
//! outcome, figures and trace hash.
//!
//! Archiving goes oldest first, so an order that waits (for an operator, say) holds it back; then
//! the tables grow up to `limits.max_orders`.

use super::Sim;
use crate::ids::OrderId;
use crate::services::delivery::DeliveryStatus;
use crate::services::product::Ledger;

impl Sim {
    /// Archives the oldest settled orders once more than `limits.orders_kept` plus an eighth
    /// are kept, down to the bound, in one batch (dropping rows from the front of a table moves
    /// the rest, so it is done seldom). Oldest first: one order that waits (for an operator,
    /// say) holds the archive back, and memory then grows until it settles, up to
    /// `limits.max_orders`.
    pub(super) fn archive_settled(&mut self) {
        let kept = self.config.limits.orders_kept as usize;
        let len = self.order.orders.len();
        if len <= kept + kept / 8 {
            return;
        }
        let base = self.order.orders.base().0;
        let mut next = base;
        while (len - (next - base) as usize) > kept && self.settled(OrderId(next)) {
            if let Some(row) = self.order.orders.get(OrderId(next)) {
                self.order.archived.add(row);
                self.order.keys.remove(&row.idempotency_key);
            }
            if self.delivery.get(OrderId(next)).is_some() {
                self.delivery.archived += 1;
            }
            for account in [&mut self.payment, &mut self.points] {
                if account.get(OrderId(next)).is_some() {
                    account.archived += 1;
                }
            }
            next += 1;
        }
        if next == base {
            return;
        }
        let next = OrderId(next);
        self.order.orders.archive_before(next);
        self.product.ledger.archive_before(next);
        self.delivery.deliveries.archive_before(next);
        self.payment.rows.archive_before(next);
        self.points.rows.archive_before(next);
        self.coordinator.sagas.archive_before(next);
        self.coordinator.txs.archive_before(next);
        self.checker.archive_before(next);
    }

    /// Whether nothing about `order` can change any more: it is final, holds nothing anywhere,
    /// its coordinator is done with it, and every check on it passes.
    fn settled(&self, order: OrderId) -> bool {
        let final_status = self.order.orders.get(order).is_some_and(|o| o.status.is_final());
        let holds_stock = matches!(self.product.ledger_of(order), Ledger::Reserved { .. } | Ledger::Prepared { .. });
        let holds_slot = self
            .delivery
            .get(order)
            .is_some_and(|d| matches!(d.status, DeliveryStatus::Held | DeliveryStatus::Prepared));
        let holds_account =
            [&self.payment, &self.points].iter().any(|a| a.get(order).is_some_and(|r| r.status.is_open()));
        let saga_done = self.coordinator.sagas.get(order).and_then(Option::as_ref).is_none_or(|s| s.finished());
        let tx_done = self.coordinator.txs.get(order).and_then(Option::as_ref).is_none_or(|t| t.finished());
        // Long enough final that no message about it is still on its way, as a rule (a copy
        // that comes later all the same is ignored): archiving must not change what happens.
        let old_enough = self
            .order
            .orders
            .get(order)
            .is_some_and(|o| self.now_ms.saturating_sub(o.updated_at_ms) >= self.config.limits.archive_after_ms);
        // A 2PC prepare may still hold or wait for a row lock after the transaction gave up.
        let holds_lock = self.product.locks.iter().flatten().any(|l| l.holder == order);
        let waits_for_lock = self
            .lock_waiters
            .iter()
            .flatten()
            .any(|&id| self.rpc_wires.get(id as usize).copied().flatten().is_some_and(|w| w.packet.order == order));
        final_status
            && old_enough
            && !holds_stock
            && !holds_slot
            && !holds_account
            && !holds_lock
            && !waits_for_lock
            && saga_done
            && tx_done
            && self.checker.order_settled(order)
    }
}

#[cfg(test)]
mod tests {
    use crate::command::{Command, Fault};
    use crate::config::{LinkFaults, MsRange, SimConfig};
    use crate::ids::ProductId;
    use crate::outcome::Outcome;
    use crate::sim::Sim;
    use crate::trace::TraceEvent;

    /// Sixty orders under heavy duplication and long delays, so copies arrive long after their
    /// order settled; with a small bound many are archived by then.
    fn run(orders_kept: u32) -> (Sim, usize) {
        let mut config = SimConfig::default();
        config.limits.orders_kept = orders_kept;
        config.limits.archive_after_ms = 0;
        config.products[0].initial_stock = 1_000;
        let mut sim = Sim::new(config, 4);
        let weather = LinkFaults {
            duplicate_probability: 0.5,
            delay_probability: 0.5,
            delay_ms: MsRange::new(0, 30_000),
            ..LinkFaults::NONE
        };
        sim.apply(Command::Fault(Fault::SetLinkFaults { service: None, faults: weather }));
        for k in 0..60 {
            sim.advance_until(k * 500);
            sim.apply(Command::PlaceOrder { product: ProductId(k as u16 % 2), quantity: 1, idempotency_key: None });
        }
        sim.apply(Command::Fault(Fault::HealAll));
        let mut archived_copies = 0;
        for _ in 0..100 {
            sim.run_until_quiet(sim.now_ms() + 1_000);
            archived_copies += sim
                .drain_trace()
                .iter()
                .filter(|r| matches!(r.event, TraceEvent::Handled { outcome: Outcome::Archived, .. }))
                .count();
        }
        (sim, archived_copies)
    }

    #[test]
    fn late_copies_about_archived_orders_are_ignored_and_change_nothing() {
        let (small, ignored) = run(16);
        let (large, none) = run(1_000_000);
        assert!(ignored > 0, "some copies came after their order was archived");
        assert_eq!(none, 0);
        assert!(small.order.orders.len() <= 16 + 16 / 8, "kept {}", small.order.orders.len());
        assert_eq!(small.metrics(), large.metrics(), "the same figures, from totals and from rows");
        assert_eq!(small.product.stock, large.product.stock, "no copy took stock twice");
        assert!(small.consistent() && small.violations_total() == 0);
    }
}
