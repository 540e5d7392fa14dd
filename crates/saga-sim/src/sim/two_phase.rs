//! The engine's side of TCC and 2PC: prepares queued behind a locked row, participants'
//! sweepers, an operator's decision applied by hand, and the fault armed for the coordinator's
//! next decision. The coordinator decides (`services/coordinator/two_phase.rs`); this is the
//! world around it.
//!
//! # Row locks (2PC)
//!
//! A prepare that finds its row locked by another transaction waits in that row's queue
//! (`limits.lock_waiters`, bounded; beyond it Product votes no). When the row is released the lock
//! is handed straight to the oldest waiter, so nobody overtakes it, and a retried prepare keeps its
//! place. A lock handed to a prepare that then does not take it (its transaction was aborted
//! meanwhile), or granted when Product crashes, goes on to the next in line.
//!
//! # Sweepers (TCC, participant sweep)
//!
//! Every `sweep_interval_ms` each participant's sweeper (Product's, Delivery's, and Payment's and
//! Points' when they take part) looks for reservations older than
//! `reservation_ttl_ms` (at most `SWEEP_BATCH` a round; the rest wait for the next). It asks Order
//! over its own link (`Rpc::QueryOrder`) and follows the answer: CONFIRMED confirms, CANCELLED
//! releases, PENDING waits.
//!
//! # An operator's decision
//!
//! `Command::Resolve` is applied by hand at every participant that is up and written into the
//! coordinator's log, which carries it to the rest. It is refused when there is nothing open to
//! decide (`NothingToResolve`), when it contradicts a decision already logged and being carried out
//! (`ContradictsLog`: some participant may have done it; a stuck TCC order may be decided either
//! way), when it would commit while some participant holds nothing to commit (`NotAllPrepared`), or
//! when it would cancel an order whose parcel was handed over (`AlreadyDelivered`). The view lists
//! the transactions a person should decide and the decisions the engine would accept
//! (`View::operator_choices`), so the admin panel never offers one it would refuse.
//!
//! # The fragile moment on demand
//!
//! `Fault::AtNextDecision { then }` is armed now and fires once, when the coordinator next logs a
//! decision and before it sends anything: `DecisionTrap::CrashCoordinator` (participants in doubt)
//! or `DecisionTrap::Partition { service }` (that participant never hears the decision: TCC's
//! failed Confirm). `HealAll` disarms it.

use super::command_link::RpcWire;
use super::{Sim, TimerKind};
use crate::command::DecisionTrap;
use crate::ids::{OrderId, ServiceId};
use crate::rpc::{Rpc, RpcResult};
use crate::services::coordinator::{PARTICIPANTS, TxPhase};
use crate::services::order::OrderStatus;
use crate::trace::{Refusal, TraceEvent};
use crate::view::OperatorChoice;

/// Stale reservations one sweep asks about, so a sweep's cost stays bounded.
const SWEEP_BATCH: usize = 8;

impl Sim {
    /// A prepare found its product row locked by another transaction: it waits in the row's
    /// queue. A retried prepare replaces its earlier copy; a full queue votes no.
    pub(super) fn wait_for_lock(&mut self, wire: RpcWire) {
        let Rpc::Prepare { product, .. } = wire.packet.rpc else { return self.answer(wire, RpcResult::Refused) };
        let p = usize::from(product.0);
        let order = wire.packet.order;
        let earlier = self.lock_waiters[p]
            .iter()
            .position(|&id| self.rpc_wires[id as usize].is_some_and(|w| w.packet.order == order));
        if let Some(pos) = earlier {
            // A retry keeps its place in the queue: it is the same prepare, asked again.
            let old = self.lock_waiters[p][pos];
            self.lock_waiters[p][pos] = self.put_wire(wire);
            return self.drop_wire(old);
        }
        if self.lock_waiters[p].len() >= self.config.limits.lock_waiters as usize {
            return self.answer(wire, RpcResult::Refused);
        }
        let id = self.put_wire(wire);
        self.lock_waiters[p].push_back(id);
    }

    /// After Product's local transaction: each unlocked row is handed to its oldest waiting
    /// prepare at once, so the queue is served in turn and nobody overtakes.
    pub(super) fn wake_lock_waiters(&mut self) {
        for p in 0..self.lock_waiters.len() {
            if self.product.locks[p].is_some() {
                continue;
            }
            let Some(id) = self.lock_waiters[p].pop_front() else { continue };
            let Some(order) = self.rpc_wires[id as usize].map(|w| w.packet.order) else { continue };
            self.product.grant_lock(p, order, self.now_ms);
            let n = &self.nodes[ServiceId::Product.index()];
            let (epoch, at) = (n.epoch, self.now_ms.saturating_add(n.handle_ms));
            if let Some(w) = self.rpc_wires[id as usize].as_mut() {
                w.epoch = epoch;
            }
            self.at(at, TimerKind::RpcHandled { wire: id });
        }
    }

    /// Orders whose prepare waits behind `product`'s lock right now.
    pub fn lock_queue(&self, product: usize) -> Vec<OrderId> {
        let Some(queue) = self.lock_waiters.get(product) else { return Vec::new() };
        queue.iter().filter_map(|&id| self.rpc_wires[id as usize].map(|w| w.packet.order)).collect()
    }

    /// Other PENDING orders (CANCELLING ones included) for `product` while a transaction holds
    /// its row lock.
    pub fn blocked_behind(&self, product: usize) -> u32 {
        let Some(lock) = self.product.locks.get(product).copied().flatten() else { return 0 };
        let pending = |o: &&crate::services::order::OrderRow| {
            usize::from(o.product.0) == product && !o.status.is_final() && o.id != lock.holder
        };
        self.order.orders.iter().filter(pending).count() as u32
    }

    /// A sweeper's round: ask Order about each stale reservation.
    #[cfg_attr(saga_size, optimize(size))]
    pub(super) fn sweep(&mut self, service: ServiceId) {
        let stale = match service {
            ServiceId::Product => self.product.stale_reservations(self.now_ms, SWEEP_BATCH),
            ServiceId::Delivery => self.delivery.stale_holds(self.now_ms, SWEEP_BATCH),
            ServiceId::Payment => self.payment.stale_holds(self.now_ms, SWEEP_BATCH),
            ServiceId::Points => self.points.stale_holds(self.now_ms, SWEEP_BATCH),
            _ => return,
        };
        for order in stale {
            let asked = self
                .rpc_wires
                .iter()
                .flatten()
                .any(|w| w.packet.order == order && w.packet.rpc == crate::rpc::Rpc::QueryOrder { from: service });
            if !asked {
                self.send_query(service, order);
            }
        }
    }

    /// Order answered a sweeper: follow the order's fate; a PENDING order is left for later.
    pub(super) fn swept(&mut self, service: ServiceId, order: OrderId, status: OrderStatus) {
        let rpc = match status {
            OrderStatus::Confirmed => Rpc::Confirm { at: service },
            OrderStatus::Cancelled(reason) | OrderStatus::Cancelling(reason) => Rpc::Cancel { at: service, reason },
            OrderStatus::Pending => {
                let result = RpcResult::Status { status };
                return self.record(TraceEvent::SweptOwnReservation { service, order, status, result });
            }
        };
        let result = self.participant_command(service, order, &rpc);
        self.record(TraceEvent::SweptOwnReservation { service, order, status, result });
    }

    /// An operator decides `order` by hand: applied directly at every participant that is up,
    /// and written into the coordinator's log, which carries it to the rest.
    #[cfg_attr(saga_size, optimize(size))]
    pub(super) fn resolve_by_hand(&mut self, order: OrderId, commit: bool) {
        if let Some(reason) = self.resolve_refusal(order, commit) {
            return self.record(TraceEvent::Refused { reason });
        }
        self.stats.operator_actions += 1;
        let Some(row) = self.coordinator.tx(order).copied() else { return };
        let mut applied = [false; 5];
        for (i, &service) in row.participants().iter().enumerate() {
            if !self.nodes[service.index()].up {
                continue;
            }
            let rpc = row.phase_two_rpc(self.config.protocol, i, commit);
            let result = self.participant_command(service, order, &rpc);
            self.record(TraceEvent::AppliedByHand { service, order, rpc, result });
            applied[i] = true;
        }
        self.wake_lock_waiters();
        let mut fx = std::mem::take(&mut self.coord_effects);
        self.coordinator.operator_resolved(order, commit, applied, self.now_ms, &mut fx);
        self.run_coord_effects(&mut fx);
        self.coord_effects = fx;
    }

    /// Whether every participant holds what a commit needs for `order` (what an operator checks
    /// in each service before committing a transaction the coordinator never decided).
    /// Why an operator may not decide `order` this way now, if they may not.
    fn resolve_refusal(&self, order: OrderId, commit: bool) -> Option<Refusal> {
        if !self.config.protocol.is_two_phase() {
            return Some(Refusal::NothingToResolve);
        }
        if let Err(reason) = self.coordinator.resolvable(order, commit) {
            return Some(reason);
        }
        if commit && !self.all_prepared(order) {
            return Some(Refusal::NotAllPrepared);
        }
        let delivered = self.delivery.get(order).is_some_and(|d| d.status == crate::DeliveryStatus::Completed);
        (!commit && delivered).then_some(Refusal::AlreadyDelivered)
    }

    /// The transactions a person should decide now (TCC's stuck orders; any unfinished one
    /// while the coordinator is down, its participants in doubt), each with the decisions the
    /// engine would carry out: the admin panel offers exactly these.
    #[cfg_attr(saga_size, optimize(size))]
    pub(crate) fn operator_choices(&self) -> Vec<OperatorChoice> {
        if !self.config.protocol.is_two_phase() {
            return Vec::new();
        }
        let coordinator_up = self.nodes[ServiceId::Coordinator.index()].up;
        self.coordinator
            .txs
            .iter()
            .flatten()
            .filter(|tx| match tx.phase {
                TxPhase::Stuck { .. } => true,
                TxPhase::Committed | TxPhase::Aborted => false,
                _ => !coordinator_up,
            })
            .map(|tx| OperatorChoice {
                order: tx.order,
                confirm: self.resolve_refusal(tx.order, true).is_none(),
                cancel: self.resolve_refusal(tx.order, false).is_none(),
            })
            .filter(|c| c.confirm || c.cancel)
            .collect()
    }

    fn all_prepared(&self, order: OrderId) -> bool {
        use crate::services::delivery::DeliveryStatus as D;
        use crate::services::product::Ledger as L;
        let product =
            matches!(self.product.ledger_of(order), L::Reserved { .. } | L::Prepared { .. } | L::Taken { .. });
        let delivery = self
            .delivery
            .get(order)
            .is_some_and(|d| matches!(d.status, D::Held | D::Prepared | D::Started | D::Completed));
        let order_row = self.order.get(order).is_some_and(|o| o.locked || o.status == OrderStatus::Confirmed);
        let extras = self.coordinator.tx(order).map_or(&[][..], |t| &t.participants()[PARTICIPANTS.len() - 2..]);
        let accounts = extras.iter().all(|&s| {
            use crate::services::account::AccountStatus as A;
            self.account(s)
                .and_then(|a| a.get(order))
                .is_some_and(|r| matches!(r.status, A::Held | A::Prepared | A::Charged))
        });
        product && delivery && order_row && accounts
    }

    /// Fires an armed decision fault. Returns whether the coordinator crashed.
    pub(super) fn spring_trap(&mut self, trap: DecisionTrap) -> bool {
        let fault = match trap {
            DecisionTrap::CrashCoordinator => crate::command::Fault::Crash { service: ServiceId::Coordinator },
            DecisionTrap::Partition { service } => crate::command::Fault::Partition { service },
        };
        self.record(TraceEvent::Command { command: crate::command::Command::Fault(fault) });
        self.apply_fault(fault);
        trap == DecisionTrap::CrashCoordinator
    }
}
