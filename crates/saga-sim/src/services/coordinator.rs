//! The orchestrator: runs each order's saga step by step over command links, retries technical
//! failures (forward recovery), compensates business failures and exhausted retries in reverse
//! order (backward recovery), and parks compensations that keep failing in a registry that a
//! scheduler retries until they succeed (seeds 001, 002 §37). TCC and 2PC run on the same node
//! (`two_phase`).
//!
//! The coordinator only decides: a handled record, an answer or a wake-up yields [`CoordEffect`]s
//! (send a command, wake up at a time, record a [`SagaDecision`]), and the engine carries them out
//! (`sim/command_link.rs`) after tracing the record, so traces read cause, then effect.
//!
//! # The orchestrated saga (seeds 001, 002)
//!
//! Under `Protocol::Orchestration` Order still stores the order PENDING and publishes
//! `OrderPlaced`; the coordinator reads it from the bus and sends **commands** (`Rpc`) over links
//! of its own (subject to the same drop, delay and partition faults as the bus links):
//! `ReserveStock` to Product, `ScheduleDelivery` to Delivery, then `NotifyCustomer` to Order, which
//! confirms the order. The step that cannot be undone comes last.
//!
//! - A **business failure** (out of stock, or the customer already cancelled) is not retried: the
//!   saga compensates the steps already done in reverse order (`CancelDelivery`, `ReleaseStock`)
//!   and then sends `RejectOrder`.
//! - A **technical failure** (no answer within `request_timeout_ms`) is retried with back-off up to
//!   `max_attempts` (forward recovery); after that the saga compensates (backward recovery),
//!   undoing the step that timed out too, because it may have happened with only its answer lost. A
//!   step that cannot be undone is retried without limit instead.
//! - A **compensation** that keeps failing is parked PENDING in the compensation registry and the
//!   saga moves on; a scheduler retries it every `registry_retry_ms` until it succeeds.
//! - Participants handle commands idempotently (by order and command), with tombstones so a
//!   compensation that overtakes its step makes the late step a refusal, not a leak. The
//!   coordinator therefore matches answers by order and command, not by request id: an answer to an
//!   attempt that timed out is as good as one to the latest.
//! - **A crash.** The tables (sagas, registry) are the coordinator's database and survive it; which
//!   requests are outstanding is memory, lost on a crash. A restart re-sends each unfinished saga's
//!   current command, which is safe because every participant handles commands idempotently.
//! - A compensation answered "cannot undo" (the parcel was handed over) proves the step happened.
//!   After a technical failure the saga therefore goes forward again from that step; after a
//!   business failure or the customer's cancel it carries on undoing, and the checker names the
//!   conflict (`NoCompletedDeliveryForCancelledOrder`). A parked compensation that cannot be done
//!   leaves the registry as "cannot be undone", never as "done".
//! - The coordinator keeps a tombstone when the customer's `OrderCancelled` overtakes `OrderPlaced`
//!   on the bus, so the late `OrderPlaced` starts no saga.
//! - `notify_first` runs the irreversible step first, to show the harm. The customer is told
//!   CONFIRMED before any stock is reserved (`NoConfirmedOrderWithoutStock`, even when all goes
//!   well). When the reservation then fails, the system cancels an order the customer was told is
//!   confirmed (`NoNotificationForCancelledOrder`).
//! - `RegistryEmpty` shows *pending* while a parked compensation waits, and the system does not
//!   count as quiet until the registry is empty. A registry that never drains therefore shows up as
//!   a run that does not converge (the swarm's bound), not as a named violation.

mod two_phase;

pub use two_phase::{PARTICIPANTS, PartState, TxPart, TxPhase, TxRow};

use crate::config::{OrchestrationConfig, TwoPhaseConfig};
use crate::ids::{OrderId, ProductId, RequestId, ServiceId};
use crate::message::CancelReason;
use crate::protocol::Protocol;
use crate::rpc::{Rpc, RpcPacket, RpcResult, Step};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::fmt;

/// Why a saga went backwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Recovery {
    /// A business failure: retrying cannot help, so undo (for example out of stock).
    Business {
        /// The step that failed.
        step: Step,
        /// What the participant answered.
        result: RpcResult,
    },
    /// A technical failure that outlasted its retries.
    Technical {
        /// The step that kept timing out.
        step: Step,
        /// Attempts made.
        attempts: u32,
    },
    /// The customer cancelled.
    UserCancel,
}

impl Recovery {
    /// The reason the order is cancelled for.
    pub const fn cancel_reason(self) -> CancelReason {
        match self {
            Recovery::Business { result: RpcResult::OutOfStock { .. }, .. } => CancelReason::OutOfStock,
            Recovery::UserCancel => CancelReason::UserRequest,
            _ => CancelReason::SagaFailed,
        }
    }
}

/// Where a saga is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SagaPhase {
    /// Running the plan; `done` steps have completed.
    Forward,
    /// Undoing, from the last step that may have happened down to the first, then rejecting the
    /// order. `remaining` steps are left to undo.
    Compensating {
        /// Why.
        recovery: Recovery,
        /// Steps still to undo (the prefix of the plan).
        remaining: u8,
    },
    /// Finished: the order is CONFIRMED.
    Confirmed,
    /// Finished: the order is CANCELLED.
    Cancelled,
}

/// A saga's row in the coordinator's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SagaRow {
    /// The order.
    pub order: OrderId,
    /// Its product.
    pub product: ProductId,
    /// Its quantity.
    pub quantity: u32,
    /// Whether the irreversible step runs first (the wrong order, for the lesson).
    pub notify_first: bool,
    /// Forward steps completed.
    pub done: u8,
    /// Where it is.
    pub phase: SagaPhase,
    /// The command it is waiting on or retrying.
    pub current: Option<Rpc>,
    /// Attempts of the current command.
    pub attempt: u32,
    /// When the current command is retried, if a retry is scheduled.
    pub next_retry_at_ms: Option<u64>,
    /// When the saga started.
    pub started_at_ms: u64,
    /// When it last changed.
    pub updated_at_ms: u64,
}

impl SagaRow {
    /// A saga with nothing done yet, in `phase`.
    pub fn new(
        order: OrderId,
        product: ProductId,
        quantity: u32,
        notify_first: bool,
        phase: SagaPhase,
        now_ms: u64,
    ) -> SagaRow {
        SagaRow {
            order,
            product,
            quantity,
            notify_first,
            done: 0,
            phase,
            current: None,
            attempt: 0,
            next_retry_at_ms: None,
            started_at_ms: now_ms,
            updated_at_ms: now_ms,
        }
    }

    fn plan(&self) -> [Step; 3] {
        if self.notify_first { Step::NOTIFY_FIRST_PLAN } else { Step::SAFE_PLAN }
    }

    /// Whether the saga has finished.
    pub const fn finished(&self) -> bool {
        matches!(self.phase, SagaPhase::Confirmed | SagaPhase::Cancelled)
    }
}

/// A compensation that failed and waits for the scheduler.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RegistryEntry {
    /// The saga.
    pub order: OrderId,
    /// The compensation.
    pub rpc: Rpc,
    /// Attempts so far.
    pub attempts: u32,
    /// When it is tried next.
    pub next_retry_at_ms: u64,
}

/// What the coordinator decided, shown next to the saga.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "decision")]
pub enum SagaDecision {
    /// A saga began for a new order.
    Started,
    /// A step completed.
    StepDone {
        /// The step.
        step: Step,
    },
    /// Forward recovery: a technical failure is retried.
    Retry {
        /// The command.
        rpc: Rpc,
        /// The attempt about to be made.
        attempt: u32,
        /// The limit (0 when the step cannot be undone and is retried until it succeeds).
        max: u32,
        /// When.
        at_ms: u64,
    },
    /// Backward recovery begins.
    Compensate {
        /// Why.
        recovery: Recovery,
    },
    /// The customer's cancellation overtook the order: no saga will run.
    CancelledBeforeStart,
    /// A step that could not be undone had in fact happened: the saga goes forward again.
    ResumeForward {
        /// The step.
        step: Step,
    },
    /// A step that cannot be undone is skipped while compensating.
    CannotUndo {
        /// The step.
        step: Step,
    },
    /// A compensation kept failing: it goes to the registry as PENDING.
    Parked {
        /// The compensation.
        rpc: Rpc,
    },
    /// The scheduler retries a parked compensation.
    RegistryRetry {
        /// The compensation.
        rpc: Rpc,
        /// The attempt.
        attempt: u32,
    },
    /// A parked compensation succeeded and left the registry.
    RegistryCleared {
        /// The compensation.
        rpc: Rpc,
    },
    /// The saga or transaction finished.
    Finished {
        /// CONFIRMED (true) or CANCELLED (false).
        confirmed: bool,
    },
    /// TCC or 2PC: a participant's phase-one vote arrived (or never did: a no).
    Voted {
        /// The participant.
        at: ServiceId,
        /// Yes or no.
        yes: bool,
    },
    /// TCC or 2PC: the decision is logged; phase two begins.
    Decided {
        /// Commit (Confirm) or abort (Cancel).
        commit: bool,
    },
    /// TCC: a participant's Confirm ran out of retries; the order stays PENDING.
    Stuck {
        /// The participant.
        at: ServiceId,
    },
    /// TCC auto-confirm: the pending timeout passed, so Confirm goes out again without a limit.
    AutoConfirm,
    /// TCC operator alert: the pending timeout passed; a person must decide.
    OperatorAlerted,
    /// An operator decided by hand.
    OperatorResolved {
        /// Commit (Confirm) or abort (Cancel).
        commit: bool,
    },
    /// TCC sweep: the coordinator stops asking; the participant's sweeper will settle it.
    LeftToSweeper {
        /// The participant.
        at: ServiceId,
    },
}

/// An effect the engine carries out for the coordinator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CoordEffect {
    /// Send a command (a new request id is assigned by the engine).
    Send {
        /// The saga.
        order: OrderId,
        /// The command.
        rpc: Rpc,
        /// Whether it comes from the registry scheduler.
        from_registry: bool,
    },
    /// Wake the coordinator at this time (a retry or the registry scheduler).
    WakeAt(u64),
    /// Something to show.
    Decision(OrderId, SagaDecision),
}

/// Outstanding requests by id. Ids only grow, so a sorted vector serves as the map (and keeps
/// a B-tree's code out of the WebAssembly).
#[derive(Clone, Debug, Default)]
struct Requests(Vec<(RequestId, Outstanding)>);

impl Requests {
    fn insert(&mut self, request: RequestId, o: Outstanding) {
        match self.0.binary_search_by_key(&request, |e| e.0) {
            Ok(i) => self.0[i].1 = o,
            Err(i) => self.0.insert(i, (request, o)),
        }
    }

    fn remove(&mut self, request: &RequestId) -> Option<Outstanding> {
        let i = self.0.binary_search_by_key(request, |e| e.0).ok()?;
        Some(self.0.remove(i).1)
    }

    fn retain(&mut self, mut keep: impl FnMut(&RequestId, &Outstanding) -> bool) {
        self.0.retain(|(r, o)| keep(r, o));
    }

    fn clear(&mut self) {
        self.0.clear();
    }

    fn values(&self) -> impl Iterator<Item = &Outstanding> {
        self.0.iter().map(|e| &e.1)
    }
}

/// What an outstanding request was for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Outstanding {
    order: OrderId,
    rpc: Rpc,
    from_registry: bool,
}

/// The coordinator's tables and memory.
#[derive(Clone, Debug, Default)]
pub struct Coordinator {
    /// Sagas, indexed by order id.
    pub sagas: crate::order_table::OrderTable<Option<SagaRow>>,
    /// Compensations waiting for the scheduler (bounded: at most two per order).
    pub registry: VecDeque<RegistryEntry>,
    /// TCC and 2PC transactions, indexed by order id: the coordinator's log.
    pub txs: crate::order_table::OrderTable<Option<TxRow>>,
    /// Unfinished transactions, sorted by order id: wake-ups visit these, not the whole log.
    active_txs: Vec<OrderId>,
    outstanding: Requests,
    protocol: Protocol,
    two_phase: TwoPhaseConfig,
    /// `SimConfig::cancel_at_once`: Order does not wait to hear that a cancel is complete.
    cancel_at_once: bool,
}

impl Coordinator {
    /// An idle coordinator for `protocol`.
    pub fn new(protocol: Protocol, two_phase: TwoPhaseConfig, cancel_at_once: bool) -> Coordinator {
        Coordinator { protocol, two_phase, cancel_at_once, ..Coordinator::default() }
    }

    /// Sagas and transactions not yet finished.
    pub fn active(&self) -> usize {
        self.active_txs.len() + self.sagas.iter().flatten().filter(|s| !s.finished()).count()
    }

    /// The saga of `order`.
    pub fn saga(&self, order: OrderId) -> Option<&SagaRow> {
        self.sagas.get(order).and_then(Option::as_ref)
    }

    /// The engine assigned `request` to a command it sent.
    pub fn sent(&mut self, request: RequestId, order: OrderId, rpc: Rpc, from_registry: bool) {
        self.outstanding.insert(request, Outstanding { order, rpc, from_registry });
    }

    /// A crash: which requests are outstanding is forgotten.
    pub fn forget(&mut self) {
        self.outstanding.clear();
    }

    /// After a restart: re-send every unfinished saga's current command and wake the registry.
    pub fn resume(&mut self, cfg: &OrchestrationConfig, now_ms: u64, out: &mut Vec<CoordEffect>) {
        for row in self.sagas.iter_mut().flatten() {
            if let (false, Some(rpc)) = (row.finished(), row.current) {
                row.next_retry_at_ms = None;
                out.push(CoordEffect::Send { order: row.order, rpc, from_registry: false });
            }
        }
        if !self.registry.is_empty() {
            for e in &mut self.registry {
                e.next_retry_at_ms = e.next_retry_at_ms.min(now_ms);
            }
            out.push(CoordEffect::WakeAt(now_ms));
        }
        self.tx_resume(now_ms, cfg.max_attempts, out);
    }

    /// OrderPlaced arrived: start a saga.
    pub fn start(
        &mut self,
        order: OrderId,
        product: ProductId,
        quantity: u32,
        notify_first: bool,
        now_ms: u64,
        out: &mut Vec<CoordEffect>,
    ) {
        let slot = self.sagas.slot(order);
        if slot.is_some() {
            return;
        }
        let mut row = SagaRow::new(order, product, quantity, notify_first, SagaPhase::Forward, now_ms);
        out.push(CoordEffect::Decision(order, SagaDecision::Started));
        Self::advance(&mut row, out);
        *slot = Some(row);
    }

    /// The customer cancelled (OrderCancelled from Order): undo whatever may have happened.
    #[cfg_attr(saga_size, optimize(size))]
    pub fn user_cancelled(
        &mut self,
        order: OrderId,
        product: ProductId,
        quantity: u32,
        now_ms: u64,
        out: &mut Vec<CoordEffect>,
    ) {
        let slot = self.sagas.slot(order);
        let Some(row) = slot.as_mut() else {
            // The cancellation overtook the order on the bus (reordering). A tombstone makes the
            // late OrderPlaced start nothing, as the participants' tombstones do. Nothing ran,
            // so there is nothing to undo, but Order still waits to hear the cancel is done.
            if self.cancel_at_once {
                *slot = Some(SagaRow::new(order, product, quantity, false, SagaPhase::Cancelled, now_ms));
                out.push(CoordEffect::Decision(order, SagaDecision::CancelledBeforeStart));
                return;
            }
            let mut row = SagaRow::new(order, product, quantity, false, SagaPhase::Forward, now_ms);
            out.push(CoordEffect::Decision(order, SagaDecision::CancelledBeforeStart));
            Self::undo_from(&mut row, Recovery::UserCancel, 0, out);
            *slot = Some(row);
            return;
        };
        let in_flight_reversible = match (row.phase, row.current) {
            (SagaPhase::Forward, Some(rpc)) => !matches!(rpc, Rpc::NotifyCustomer),
            _ => false,
        };
        let remaining = match row.phase {
            // A reversible step in flight may have happened: it is undone too (undo is
            // idempotent). The irreversible one will be refused, since Order is already
            // CANCELLED, so there is nothing to say about undoing it.
            SagaPhase::Forward => row.done + u8::from(in_flight_reversible),
            SagaPhase::Confirmed => row.done,
            SagaPhase::Compensating { .. } | SagaPhase::Cancelled => return,
        };
        self.outstanding.retain(|_, o| o.order != order || o.from_registry);
        Self::compensate(row, Recovery::UserCancel, remaining.min(3), now_ms, out);
    }

    /// A participant answered. Answers are matched by order and command, not by request: every
    /// participant is idempotent, so an answer to an attempt that already timed out is as good as
    /// one to the latest (and with a timeout shorter than the round trip, it is the only kind).
    #[cfg_attr(saga_size, optimize(size))]
    pub fn reply(&mut self, packet: RpcPacket, result: RpcResult, now_ms: u64, out: &mut Vec<CoordEffect>) {
        if self.protocol.is_two_phase() {
            return self.tx_reply(packet, result, now_ms, out);
        }
        let (order, rpc) = (packet.order, packet.rpc);
        self.outstanding.remove(&packet.request);
        if let Some(pos) = self.registry.iter().position(|e| e.order == order && e.rpc == rpc) {
            self.registry.remove(pos);
            self.outstanding.retain(|_, o| !(o.from_registry && o.order == order && o.rpc == rpc));
            // Retrying cannot help a compensation that can never be done; say so instead of
            // calling it done.
            let decision = match (result, rpc) {
                (RpcResult::CannotUndo, Rpc::CancelDelivery) => {
                    SagaDecision::CannotUndo { step: Step::ScheduleDelivery }
                }
                (RpcResult::CannotUndo, Rpc::ReleaseStock { .. }) => {
                    SagaDecision::CannotUndo { step: Step::ReserveStock }
                }
                _ => SagaDecision::RegistryCleared { rpc },
            };
            out.push(CoordEffect::Decision(order, decision));
            return;
        }
        let o = Outstanding { order, rpc, from_registry: false };
        let Some(Some(row)) = self.sagas.get_mut(o.order) else { return };
        if row.current != Some(o.rpc) {
            return;
        }
        row.updated_at_ms = now_ms;
        row.attempt = 0;
        row.next_retry_at_ms = None;
        match row.phase {
            SagaPhase::Forward => {
                let step = row.plan()[usize::from(row.done)];
                match result {
                    RpcResult::Done => {
                        row.done += 1;
                        out.push(CoordEffect::Decision(row.order, SagaDecision::StepDone { step }));
                        Self::advance(row, out);
                    }
                    // Business failures are not retried: they are undone.
                    RpcResult::OutOfStock { .. }
                    | RpcResult::Refused
                    | RpcResult::CannotUndo
                    | RpcResult::Blocked
                    | RpcResult::Status { .. } => {
                        let remaining = row.done;
                        Self::compensate(row, Recovery::Business { step, result }, remaining, now_ms, out);
                    }
                }
            }
            SagaPhase::Compensating { recovery, remaining } => {
                if result == RpcResult::CannotUndo {
                    let step = row.plan()[usize::from(remaining.saturating_sub(1))];
                    out.push(CoordEffect::Decision(row.order, SagaDecision::CannotUndo { step }));
                    // "Cannot undo" proves the step happened. After a technical failure nothing
                    // forces the saga back, so it goes forward again from there (the earlier
                    // steps are still in place, since undoing runs last step first).
                    if let Recovery::Technical { .. } = recovery {
                        row.phase = SagaPhase::Forward;
                        row.done = remaining;
                        out.push(CoordEffect::Decision(row.order, SagaDecision::ResumeForward { step }));
                        Self::advance(row, out);
                        return;
                    }
                }
                Self::next_compensation(row, recovery, remaining, out);
            }
            SagaPhase::Confirmed | SagaPhase::Cancelled => {}
        }
    }

    /// No answer to `request` in time.
    #[cfg_attr(saga_size, optimize(size))]
    pub fn timed_out(
        &mut self,
        request: RequestId,
        cfg: &OrchestrationConfig,
        now_ms: u64,
        out: &mut Vec<CoordEffect>,
    ) {
        if self.protocol.is_two_phase() {
            return self.tx_timed_out(request, cfg, now_ms, out);
        }
        let Some(o) = self.outstanding.remove(&request) else { return };
        if o.from_registry {
            if let Some(e) = self.registry.iter_mut().find(|e| e.order == o.order && e.rpc == o.rpc) {
                e.next_retry_at_ms = now_ms.saturating_add(cfg.registry_retry_ms);
                out.push(CoordEffect::WakeAt(e.next_retry_at_ms));
            }
            return;
        }
        let Some(Some(row)) = self.sagas.get_mut(o.order) else { return };
        if row.current != Some(o.rpc) {
            return;
        }
        row.updated_at_ms = now_ms;
        let step = match row.phase {
            SagaPhase::Forward => Some(row.plan()[usize::from(row.done)]),
            _ => None,
        };
        // A step that cannot be undone is retried until it succeeds: there is no way back.
        let unlimited = step.is_some_and(|s| !s.reversible());
        if unlimited || row.attempt < cfg.max_attempts {
            let backoff =
                cfg.retry_base_ms.saturating_mul(1 << row.attempt.saturating_sub(1).min(12)).min(cfg.retry_max_ms);
            let at_ms = now_ms.saturating_add(backoff);
            row.next_retry_at_ms = Some(at_ms);
            let max = if unlimited { 0 } else { cfg.max_attempts };
            out.push(CoordEffect::Decision(
                row.order,
                SagaDecision::Retry { rpc: o.rpc, attempt: row.attempt + 1, max, at_ms },
            ));
            out.push(CoordEffect::WakeAt(at_ms));
            return;
        }
        match (row.phase, step) {
            (SagaPhase::Forward, Some(step)) => {
                // The step may have happened and only its answer been lost: undo it too.
                let remaining = row.done + 1;
                let recovery = Recovery::Technical { step, attempts: row.attempt };
                Self::compensate(row, recovery, remaining, now_ms, out);
            }
            (SagaPhase::Compensating { recovery, remaining }, _) => {
                if o.rpc.is_compensation() && !matches!(o.rpc, Rpc::RejectOrder { .. }) {
                    // A compensation that keeps failing is parked; the saga moves on.
                    self.registry.push_back(RegistryEntry {
                        order: o.order,
                        rpc: o.rpc,
                        attempts: row.attempt,
                        next_retry_at_ms: now_ms.saturating_add(cfg.registry_retry_ms),
                    });
                    out.push(CoordEffect::Decision(row.order, SagaDecision::Parked { rpc: o.rpc }));
                    out.push(CoordEffect::WakeAt(now_ms.saturating_add(cfg.registry_retry_ms)));
                    Self::next_compensation(row, recovery, remaining, out);
                } else {
                    // Telling Order to cancel is retried until it is done.
                    let at_ms = now_ms.saturating_add(cfg.retry_max_ms);
                    row.next_retry_at_ms = Some(at_ms);
                    out.push(CoordEffect::Decision(
                        row.order,
                        SagaDecision::Retry { rpc: o.rpc, attempt: row.attempt + 1, max: 0, at_ms },
                    ));
                    out.push(CoordEffect::WakeAt(at_ms));
                }
            }
            _ => {}
        }
    }

    /// The coordinator's clock reached a wake-up: send the retries and registry entries due.
    #[cfg_attr(saga_size, optimize(size))]
    pub fn wake(&mut self, now_ms: u64, out: &mut Vec<CoordEffect>) {
        for row in self.sagas.iter_mut().flatten() {
            if let (Some(at), Some(rpc)) = (row.next_retry_at_ms, row.current)
                && at <= now_ms
                && !row.finished()
            {
                row.next_retry_at_ms = None;
                row.attempt += 1;
                out.push(CoordEffect::Send { order: row.order, rpc, from_registry: false });
            }
        }
        let outstanding: Vec<(OrderId, Rpc)> =
            self.outstanding.values().filter(|o| o.from_registry).map(|o| (o.order, o.rpc)).collect();
        for e in &mut self.registry {
            if e.next_retry_at_ms <= now_ms && !outstanding.contains(&(e.order, e.rpc)) {
                e.attempts += 1;
                e.next_retry_at_ms = u64::MAX;
                out.push(CoordEffect::Decision(
                    e.order,
                    SagaDecision::RegistryRetry { rpc: e.rpc, attempt: e.attempts },
                ));
                out.push(CoordEffect::Send { order: e.order, rpc: e.rpc, from_registry: true });
            }
        }
        // One wake-up is pending at a time, so a later one asked for meanwhile was not kept:
        // ask again for the earliest thing still waiting.
        let next_saga = self.sagas.iter().flatten().filter(|r| !r.finished()).filter_map(|r| r.next_retry_at_ms).min();
        let next_registry = self
            .registry
            .iter()
            .filter(|e| !outstanding.contains(&(e.order, e.rpc)))
            .map(|e| e.next_retry_at_ms)
            .filter(|&t| t != u64::MAX)
            .min();
        let next_tx = self.tx_wake(now_ms, out);
        if let Some(at) = next_saga.into_iter().chain(next_registry).chain(next_tx).min() {
            out.push(CoordEffect::WakeAt(at));
        }
    }

    /// Sends the next forward step, or finishes the saga as CONFIRMED.
    fn advance(row: &mut SagaRow, out: &mut Vec<CoordEffect>) {
        let plan = row.plan();
        match plan.get(usize::from(row.done)) {
            Some(&step) => {
                let rpc = forward_rpc(row, step);
                row.current = Some(rpc);
                row.attempt = 1;
                out.push(CoordEffect::Send { order: row.order, rpc, from_registry: false });
            }
            None => {
                row.current = None;
                row.phase = SagaPhase::Confirmed;
                out.push(CoordEffect::Decision(row.order, SagaDecision::Finished { confirmed: true }));
            }
        }
    }

    fn compensate(row: &mut SagaRow, recovery: Recovery, remaining: u8, now_ms: u64, out: &mut Vec<CoordEffect>) {
        row.updated_at_ms = now_ms;
        row.next_retry_at_ms = None;
        out.push(CoordEffect::Decision(row.order, SagaDecision::Compensate { recovery }));
        Self::undo_from(row, recovery, remaining, out);
    }

    /// The compensation for step `remaining - 1` is done (or parked): go one step further back.
    fn next_compensation(row: &mut SagaRow, recovery: Recovery, remaining: u8, out: &mut Vec<CoordEffect>) {
        if remaining == 0 {
            // That was RejectOrder: the saga is over.
            row.current = None;
            row.phase = SagaPhase::Cancelled;
            out.push(CoordEffect::Decision(row.order, SagaDecision::Finished { confirmed: false }));
            return;
        }
        Self::undo_from(row, recovery, remaining - 1, out);
    }

    /// Undoes the plan's steps below `remaining`, last first, skipping what cannot be undone,
    /// then rejects the order.
    fn undo_from(row: &mut SagaRow, recovery: Recovery, mut remaining: u8, out: &mut Vec<CoordEffect>) {
        let plan = row.plan();
        while remaining > 0 {
            let step = plan[usize::from(remaining - 1)];
            if let Some(rpc) = undo_rpc(row, step) {
                row.phase = SagaPhase::Compensating { recovery, remaining };
                row.current = Some(rpc);
                row.attempt = 1;
                out.push(CoordEffect::Send { order: row.order, rpc, from_registry: false });
                return;
            }
            out.push(CoordEffect::Decision(row.order, SagaDecision::CannotUndo { step }));
            remaining -= 1;
        }
        let rpc = Rpc::RejectOrder { reason: recovery.cancel_reason() };
        row.phase = SagaPhase::Compensating { recovery, remaining: 0 };
        row.current = Some(rpc);
        row.attempt = 1;
        out.push(CoordEffect::Send { order: row.order, rpc, from_registry: false });
    }
}

fn forward_rpc(row: &SagaRow, step: Step) -> Rpc {
    match step {
        Step::ReserveStock => Rpc::ReserveStock { product: row.product, quantity: row.quantity },
        Step::ScheduleDelivery => Rpc::ScheduleDelivery,
        Step::NotifyCustomer => Rpc::NotifyCustomer,
    }
}

fn undo_rpc(row: &SagaRow, step: Step) -> Option<Rpc> {
    match step {
        Step::ReserveStock => Some(Rpc::ReleaseStock { product: row.product, quantity: row.quantity }),
        Step::ScheduleDelivery => Some(Rpc::CancelDelivery),
        Step::NotifyCustomer => None,
    }
}

impl fmt::Display for SagaDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            SagaDecision::Started => f.write_str("saga started"),
            SagaDecision::StepDone { step } => write!(f, "step {step:?} done"),
            SagaDecision::Retry { rpc, attempt, max, at_ms } => {
                // Retrying a step is forward recovery; retrying a compensation is still going back.
                let kind = if rpc.is_compensation() { "retry compensation" } else { "forward recovery: retry" };
                write!(f, "{kind} {rpc}, attempt {attempt}")?;
                if max == 0 {
                    f.write_str(" (no limit)")?
                } else {
                    write!(f, " / {max}")?
                }
                write!(f, ", next at t={at_ms}")
            }
            SagaDecision::Compensate { recovery } => write!(f, "backward recovery: compensate ({recovery:?})"),
            SagaDecision::CannotUndo { step } => write!(f, "{step:?} cannot be undone"),
            SagaDecision::CancelledBeforeStart => f.write_str("cancelled before it started: nothing to undo"),
            SagaDecision::ResumeForward { step } => write!(f, "{step:?} happened after all: forward recovery resumes"),
            SagaDecision::Parked { rpc } => write!(f, "{rpc} keeps failing: PENDING in the compensation registry"),
            SagaDecision::RegistryRetry { rpc, attempt } => {
                write!(f, "registry scheduler retries {rpc}, attempt {attempt}")
            }
            SagaDecision::RegistryCleared { rpc } => write!(f, "{rpc} done: removed from the registry"),
            SagaDecision::Finished { confirmed: true } => f.write_str("saga finished: CONFIRMED"),
            SagaDecision::Finished { confirmed: false } => f.write_str("saga finished: CANCELLED"),
            SagaDecision::Voted { at, yes } => write!(f, "{at} votes {}", if yes { "yes" } else { "no" }),
            SagaDecision::Decided { commit: true } => f.write_str("decision logged: COMMIT"),
            SagaDecision::Decided { commit: false } => f.write_str("decision logged: ABORT"),
            SagaDecision::Stuck { at } => write!(f, "{at} never confirmed: order stays PENDING"),
            SagaDecision::AutoConfirm => f.write_str("pending timeout: confirm again, no limit"),
            SagaDecision::OperatorAlerted => f.write_str("pending timeout: operator alerted"),
            SagaDecision::OperatorResolved { commit } => {
                write!(f, "operator decides {}", if commit { "COMMIT" } else { "ABORT" })
            }
            SagaDecision::LeftToSweeper { at } => write!(f, "left to {at}'s sweeper"),
        }
    }
}
