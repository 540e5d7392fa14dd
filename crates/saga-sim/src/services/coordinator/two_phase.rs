//! TCC and two-phase commit: the coordinator asks every participant to vote in phase one (Try or
//! Prepare), decides, and carries the decision to every participant in phase two (Confirm or
//! Cancel; Commit or Abort). The world around it (row-lock queues, sweepers, an operator's decision
//! applied by hand, the armed decision fault) is `sim/two_phase.rs`.
//!
//! # The machine (seeds 001–004)
//!
//! Under `Protocol::Tcc` or `Protocol::TwoPc` the coordinator runs one two-phase transaction per
//! order. Phase one asks every participant at once: `Try` (TCC) or `Prepare` (2PC) goes to
//! Product, Delivery and Order, and to Payment and Points when the run adds them
//! (`TwoPhaseConfig::participants`; see `account`). Each votes yes (`Done`) or no. One no, or a
//! participant still silent after `max_attempts`, decides abort; all yes decides commit. The decision is written to
//! the transaction table (the coordinator's log) before a word of it is sent. Phase two carries it
//! out: `Confirm`/`Cancel` (TCC) or `Commit`/`Abort` (2PC).
//!
//! **2PC commits in turn** (seed 001, "중앙 관리자는 참여한 노드에게 순차적으로 커밋을 요청한다",
//! `TwoPhaseConfig::commit_in_turn`, on by default): the coordinator asks one participant to
//! commit, waits for its answer, then asks the next (`COMMIT_TURN`: Points, Payment, Delivery,
//! Product, Order), and each keeps its locks until its turn is done. So every participant more is
//! one more vote to wait for and one more round trip before Product's row is unlocked: lock time
//! and order latency grow with their number, as seed 001 says (a behaviour test checks it). An
//! abort still goes to everyone at once. Runs of formats before 4 committed at once, and replay so.
//!
//! The transaction table survives a crash, and a restart re-sends whatever phase each unfinished
//! transaction was in. Every participant handles every command idempotently, so a re-sent command
//! is harmless.
//!
//! **What phase one holds.** Product: TCC reserves units without taking them; 2PC prepares and
//! locks the product row (see `product`). Delivery holds a slot (`Held`) or prepares it
//! (`Prepared`). Order takes the order out of the customer's hands (`locked`): a customer's cancel
//! meanwhile is refused with a reason, and a cancel that reached Order first makes Order vote no.
//! Confirm or commit makes the units `Taken` and the delivery `Started`. Cancel or abort releases
//! them, or gives them back when they were already taken (a customer's cancel after the commit).
//!
//! **2PC blocks.** The two protocols share this machine and differ where the seeds say they do. 2PC
//! retries its decision without limit, because a participant that voted yes keeps its locks until
//! it hears. A coordinator crash after the votes (`Fault::AtNextDecision`) therefore leaves every
//! participant **in doubt**: the rows stay locked and new orders wait in the row's queue, until the
//! coordinator restarts and re-sends its logged decision, or an operator resolves it.
//!
//! **TCC gives up, then a strategy resolves** (seed 002 §26, `TwoPhaseConfig::strategy`). TCC
//! retries Confirm a bounded number of times and confirms Order last, so when Confirm at Product or
//! Delivery runs out of retries the order stays PENDING (`SagaDecision::Stuck`). Then, by
//! `StuckStrategy`:
//!
//! - *auto-confirm*: after `pending_timeout_ms` the coordinator confirms again without a limit;
//! - *operator alert*: after the timeout the order is flagged. A person decides it from the admin
//!   panel (`Command::Resolve`), which shows each participant's own row for the order;
//! - *participant sweep*: the coordinator stops asking that participant and confirms Order. It
//!   gives up on a Cancel the same way, which is the seed's own case: the order is CANCELLED but
//!   a participant's reservation was never released. Each participant's sweeper looks for
//!   reservations held longer than `sweep_after_ms`, asks Order for the order's status, and
//!   confirms or cancels its own reservation to match (see `sim/two_phase.rs`). Order's own
//!   Confirm or Cancel is never given up: it is what every sweeper asks for.
//!
//! What each protocol costs (row-lock time under 2PC, reservation time under TCC, operator actions)
//! is measured in `metrics`.

use super::{CoordEffect, Coordinator, SagaDecision};
use crate::config::{OrchestrationConfig, StuckStrategy};
use crate::ids::{OrderId, ProductId, RequestId, ServiceId};
use crate::message::CancelReason;
use crate::protocol::Protocol;
use crate::rpc::{Rpc, RpcPacket, RpcResult, Step};
use crate::trace::Refusal;
use serde::{Deserialize, Serialize};

/// Every participant there may be, in the order of `TxRow::parts`: a transaction with `n`
/// participants has the first `n`.
pub const PARTICIPANTS: [ServiceId; 5] =
    [ServiceId::Product, ServiceId::Delivery, ServiceId::Order, ServiceId::Payment, ServiceId::Points];

/// Order's place in `TxRow::parts`: under TCC it hears last, once every other part is settled.
const ORDER: usize = 2;

/// 2PC's commits one at a time (`TwoPhaseConfig::commit_in_turn`), as places in `TxRow::parts`:
/// Points, Payment, Delivery, then Product, whose row lock is the one other orders queue for,
/// and Order last, so the customer hears CONFIRMED once everything is committed.
const COMMIT_TURN: [usize; 5] = [4, 3, 1, 0, ORDER];

/// Where a two-phase transaction is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TxPhase {
    /// Phase one: waiting for every participant's vote.
    Voting,
    /// Phase two: the decision is logged and on its way to every participant.
    Deciding {
        /// Commit (Confirm) or abort (Cancel).
        commit: bool,
    },
    /// TCC: a participant's phase two ran out of retries; the order stays PENDING until the
    /// stuck-order strategy resolves it.
    Stuck {
        /// The decision that could not be carried out.
        commit: bool,
    },
    /// Finished: the order is CONFIRMED.
    Committed,
    /// Finished: the order is CANCELLED.
    Aborted,
}

/// Where one participant is in the current phase.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PartState {
    /// Not asked yet in this phase.
    #[default]
    Idle,
    /// Asked; no answer yet.
    Waiting,
    /// Voted yes (phase one).
    Yes,
    /// Voted no, or never answered (phase one).
    No,
    /// Carried out the decision (phase two).
    Done,
    /// The coordinator stopped asking; the participant's sweeper will settle it (TCC sweep).
    GaveUp,
}

/// One participant's row inside a transaction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TxPart {
    /// Where it is.
    pub state: PartState,
    /// The command it was last sent.
    pub rpc: Option<Rpc>,
    /// Attempts of that command.
    pub attempt: u32,
    /// When it is re-sent, if a retry is scheduled.
    pub next_retry_at_ms: Option<u64>,
}

/// A transaction's row in the coordinator's log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TxRow {
    /// The order.
    pub order: OrderId,
    /// Its product.
    pub product: ProductId,
    /// Its quantity.
    pub quantity: u32,
    /// Where it is.
    pub phase: TxPhase,
    /// Why it aborts, once it does.
    pub reason: CancelReason,
    /// Product, Delivery, Order, Payment and Points, in that order (the first `participants`
    /// of them take part).
    pub parts: [TxPart; 5],
    /// How many participants take part (3 to 5).
    pub participants: u8,
    /// 2PC: the commit goes to one participant at a time, in `COMMIT_TURN` (seed 001).
    pub commit_in_turn: bool,
    /// Phase two is retried without limit (auto-confirm fired, or an operator decided).
    pub forced: bool,
    /// When phase two got stuck.
    pub stuck_at_ms: Option<u64>,
    /// An operator was alerted and has not acted yet.
    pub alerted: bool,
    /// An operator decided this transaction by hand.
    pub by_operator: bool,
    /// The customer cancelled while the commit was still on its way: once it is done,
    /// everything is given back.
    pub refund_requested: bool,
    /// When the transaction began.
    pub started_at_ms: u64,
    /// When it last changed.
    pub updated_at_ms: u64,
}

impl TxRow {
    fn new(order: OrderId, product: ProductId, quantity: u32, phase: TxPhase, participants: u8, now_ms: u64) -> TxRow {
        TxRow {
            order,
            product,
            quantity,
            phase,
            reason: CancelReason::SagaFailed,
            parts: [TxPart::default(); 5],
            participants: participants.clamp(3, 5),
            commit_in_turn: false,
            forced: false,
            stuck_at_ms: None,
            alerted: false,
            by_operator: false,
            refund_requested: false,
            started_at_ms: now_ms,
            updated_at_ms: now_ms,
        }
    }

    /// Whether the transaction has finished.
    pub const fn finished(&self) -> bool {
        matches!(self.phase, TxPhase::Committed | TxPhase::Aborted)
    }

    /// The command phase two sends to participant `i` for `commit`.
    pub fn phase_two_rpc(&self, protocol: Protocol, i: usize, commit: bool) -> Rpc {
        let at = PARTICIPANTS[i];
        let reason = self.reason;
        match (protocol, commit) {
            (Protocol::Tcc, true) => Rpc::Confirm { at },
            (Protocol::Tcc, false) => Rpc::Cancel { at, reason },
            (_, true) => Rpc::Commit { at },
            (_, false) => Rpc::Abort { at, reason },
        }
    }

    fn phase_one_rpc(&self, protocol: Protocol, i: usize) -> Rpc {
        let (at, product, quantity) = (PARTICIPANTS[i], self.product, self.quantity);
        match protocol {
            Protocol::Tcc => Rpc::Try { at, product, quantity },
            _ => Rpc::Prepare { at, product, quantity },
        }
    }

    /// The services taking part, in the order of `parts`.
    pub fn participants(&self) -> &'static [ServiceId] {
        &PARTICIPANTS[..usize::from(self.participants)]
    }

    fn settled(&self, i: usize) -> bool {
        matches!(self.parts[i].state, PartState::Done | PartState::GaveUp)
    }

    /// Whether every participant but Order has settled phase two (Order's turn under TCC).
    fn others_settled(&self) -> bool {
        (0..self.participants().len()).all(|i| i == ORDER || self.settled(i))
    }
}

impl Coordinator {
    /// How many participants a new transaction has.
    fn participants(&self) -> u8 {
        self.two_phase.participants.clamp(3, 5) as u8
    }

    /// Transactions not yet finished.
    pub fn active_txs(&self) -> usize {
        self.active_txs.len()
    }

    fn activate(&mut self, order: OrderId) {
        if let Err(i) = self.active_txs.binary_search(&order) {
            self.active_txs.insert(i, order);
        }
    }

    /// Takes a finished transaction off the active list (a field of its own, so it can be
    /// borrowed beside a row of the log).
    fn deactivate(active: &mut Vec<OrderId>, order: OrderId) {
        if let Ok(i) = active.binary_search(&order) {
            active.remove(i);
        }
    }

    /// The transaction of `order`.
    pub fn tx(&self, order: OrderId) -> Option<&TxRow> {
        self.txs.get(order).and_then(Option::as_ref)
    }

    /// OrderPlaced arrived: phase one asks every participant to vote.
    pub fn begin_tx(
        &mut self,
        order: OrderId,
        product: ProductId,
        quantity: u32,
        now_ms: u64,
        out: &mut Vec<CoordEffect>,
    ) {
        let (protocol, n) = (self.protocol, self.participants());
        let slot = self.txs.slot(order);
        if slot.is_some() {
            return;
        }
        let mut row = TxRow::new(order, product, quantity, TxPhase::Voting, n, now_ms);
        row.commit_in_turn = protocol == Protocol::TwoPc && self.two_phase.commit_in_turn;
        out.push(CoordEffect::Decision(order, SagaDecision::Started));
        for i in 0..row.participants().len() {
            let rpc = row.phase_one_rpc(protocol, i);
            send(&mut row, i, rpc, out);
        }
        *slot = Some(row);
        self.activate(order);
    }

    /// The customer cancelled. Before phase one reaches Order its vote will be no; after the
    /// order is confirmed, phase two runs again to give everything back.
    #[cfg_attr(saga_size, optimize(size))]
    pub fn tx_user_cancelled(
        &mut self,
        order: OrderId,
        product: ProductId,
        quantity: u32,
        now_ms: u64,
        out: &mut Vec<CoordEffect>,
    ) {
        let (protocol, at_once, n) = (self.protocol, self.cancel_at_once, self.participants());
        let slot = self.txs.slot(order);
        let Some(row) = slot.as_mut() else {
            if at_once {
                *slot = Some(TxRow::new(order, product, quantity, TxPhase::Aborted, n, now_ms));
                out.push(CoordEffect::Decision(order, SagaDecision::CancelledBeforeStart));
                return;
            }
            // The cancellation overtook the order on the bus: a tombstone keeps the late
            // OrderPlaced from starting anything. Product and Delivery hold nothing; Order
            // hears the abort, which completes the customer's cancel.
            let mut row = TxRow::new(order, product, quantity, TxPhase::Deciding { commit: false }, n, now_ms);
            row.reason = CancelReason::UserRequest;
            for i in (0..row.participants().len()).filter(|&i| i != ORDER) {
                row.parts[i].state = PartState::Done;
            }
            out.push(CoordEffect::Decision(order, SagaDecision::CancelledBeforeStart));
            let rpc = row.phase_two_rpc(protocol, ORDER, false);
            send(&mut row, ORDER, rpc, out);
            *slot = Some(row);
            self.activate(order);
            return;
        };
        row.updated_at_ms = now_ms;
        match row.phase {
            TxPhase::Committed => {
                refund(row, protocol, at_once, out);
                self.activate(order);
            }
            // Order confirmed and the customer cancelled before the others heard: give it all
            // back once they have.
            TxPhase::Deciding { commit: true } | TxPhase::Stuck { commit: true } => row.refund_requested = true,
            _ => {}
        }
    }

    /// A participant answered.
    pub fn tx_reply(&mut self, packet: RpcPacket, result: RpcResult, now_ms: u64, out: &mut Vec<CoordEffect>) {
        self.outstanding.remove(&packet.request);
        let protocol = self.protocol;
        let Some(Some(row)) = self.txs.get_mut(packet.order) else { return };
        let Some(i) = PARTICIPANTS.iter().position(|&s| s == packet.rpc.target()) else { return };
        if row.finished() || row.parts[i].rpc != Some(packet.rpc) || row.parts[i].state != PartState::Waiting {
            return;
        }
        let part = &mut row.parts[i];
        part.next_retry_at_ms = None;
        row.updated_at_ms = now_ms;
        let at = PARTICIPANTS[i];
        match row.phase {
            TxPhase::Voting => {
                let yes = result == RpcResult::Done;
                part.state = if yes { PartState::Yes } else { PartState::No };
                out.push(CoordEffect::Decision(row.order, SagaDecision::Voted { at, yes }));
                if !yes {
                    let reason = match (result, at) {
                        (RpcResult::OutOfStock { .. }, _) => CancelReason::OutOfStock,
                        (_, ServiceId::Order) => CancelReason::UserRequest,
                        _ => CancelReason::SagaFailed,
                    };
                    decide(row, protocol, self.cancel_at_once, false, reason, now_ms, out);
                } else if row.parts[..row.participants().len()].iter().all(|p| p.state == PartState::Yes) {
                    decide(row, protocol, self.cancel_at_once, true, CancelReason::SagaFailed, now_ms, out);
                }
            }
            TxPhase::Deciding { .. } | TxPhase::Stuck { .. } => {
                part.state = PartState::Done;
                if result == RpcResult::CannotUndo {
                    out.push(CoordEffect::Decision(
                        row.order,
                        SagaDecision::CannotUndo { step: Step::ScheduleDelivery },
                    ));
                }
                if progress(row, protocol, self.cancel_at_once, out) {
                    Self::deactivate(&mut self.active_txs, row.order);
                }
            }
            TxPhase::Committed | TxPhase::Aborted => {}
        }
    }

    /// No answer to `request` in time: retry with back-off, or give up on the attempt limit.
    pub fn tx_timed_out(
        &mut self,
        request: RequestId,
        cfg: &OrchestrationConfig,
        now_ms: u64,
        out: &mut Vec<CoordEffect>,
    ) {
        let Some(o) = self.outstanding.remove(&request) else { return };
        let (protocol, tp) = (self.protocol, self.two_phase);
        let Some(Some(row)) = self.txs.get_mut(o.order) else { return };
        let Some(i) = PARTICIPANTS.iter().position(|&s| s == o.rpc.target()) else { return };
        if row.finished() || row.parts[i].rpc != Some(o.rpc) || row.parts[i].state != PartState::Waiting {
            return;
        }
        row.updated_at_ms = now_ms;
        let limit = attempt_limit(row, protocol, tp.strategy, i, cfg.max_attempts);
        let part = &mut row.parts[i];
        if limit.is_none_or(|max| part.attempt < max) {
            let backoff =
                cfg.retry_base_ms.saturating_mul(1 << part.attempt.saturating_sub(1).min(12)).min(cfg.retry_max_ms);
            let at_ms = now_ms.saturating_add(backoff);
            part.next_retry_at_ms = Some(at_ms);
            let decision =
                SagaDecision::Retry { rpc: o.rpc, attempt: part.attempt + 1, max: limit.unwrap_or(0), at_ms };
            out.push(CoordEffect::Decision(row.order, decision));
            out.push(CoordEffect::WakeAt(at_ms));
            return;
        }
        let at = PARTICIPANTS[i];
        match row.phase {
            TxPhase::Voting => {
                // No vote is a no vote: the coordinator cannot wait for ever in phase one.
                part.state = PartState::No;
                out.push(CoordEffect::Decision(row.order, SagaDecision::Voted { at, yes: false }));
                decide(row, protocol, self.cancel_at_once, false, CancelReason::SagaFailed, now_ms, out);
            }
            TxPhase::Deciding { .. } if tp.strategy == StuckStrategy::ParticipantSweep => {
                part.state = PartState::GaveUp;
                out.push(CoordEffect::Decision(row.order, SagaDecision::LeftToSweeper { at }));
                if progress(row, protocol, self.cancel_at_once, out) {
                    Self::deactivate(&mut self.active_txs, row.order);
                }
            }
            TxPhase::Deciding { commit } => {
                row.phase = TxPhase::Stuck { commit };
                row.stuck_at_ms = Some(now_ms);
                out.push(CoordEffect::Decision(row.order, SagaDecision::Stuck { at }));
                out.push(CoordEffect::WakeAt(now_ms.saturating_add(tp.pending_timeout_ms)));
            }
            // Already stuck: the strategy will re-send it.
            _ => {}
        }
    }

    /// Retries due and stuck transactions whose pending timeout passed.
    pub(super) fn tx_wake(&mut self, now_ms: u64, out: &mut Vec<CoordEffect>) -> Option<u64> {
        let (protocol, tp) = (self.protocol, self.two_phase);
        let mut next: Option<u64> = None;
        let mut soonest = |t: u64| next = Some(next.map_or(t, |n| n.min(t)));
        for &order in &self.active_txs {
            let Some(Some(row)) = self.txs.get_mut(order) else { continue };
            if let (TxPhase::Stuck { commit }, Some(since)) = (row.phase, row.stuck_at_ms)
                && !row.alerted
            {
                let due = since.saturating_add(tp.pending_timeout_ms);
                if due > now_ms {
                    soonest(due);
                } else if tp.strategy == StuckStrategy::OperatorAlert {
                    row.alerted = true;
                    out.push(CoordEffect::Decision(row.order, SagaDecision::OperatorAlerted));
                } else {
                    out.push(CoordEffect::Decision(row.order, SagaDecision::AutoConfirm));
                    force(row, protocol, commit, now_ms, out);
                    continue;
                }
            }
            for i in 0..row.participants().len() {
                let part = &mut row.parts[i];
                match (part.next_retry_at_ms, part.rpc) {
                    (Some(at), Some(rpc)) if at <= now_ms => {
                        part.next_retry_at_ms = None;
                        part.attempt += 1;
                        out.push(CoordEffect::Send { order: row.order, rpc, from_registry: false });
                    }
                    (Some(at), _) => soonest(at),
                    _ => {}
                }
            }
        }
        next
    }

    /// After a restart: every unfinished transaction's outstanding commands go out again.
    pub(super) fn tx_resume(&mut self, now_ms: u64, max_attempts: u32, out: &mut Vec<CoordEffect>) {
        let (protocol, tp) = (self.protocol, self.two_phase);
        for &order in &self.active_txs {
            let Some(Some(row)) = self.txs.get_mut(order) else { continue };
            if let (TxPhase::Stuck { .. }, false) = (row.phase, row.alerted) {
                let since = row.stuck_at_ms.unwrap_or(now_ms);
                out.push(CoordEffect::WakeAt(since.saturating_add(tp.pending_timeout_ms).max(now_ms)));
            }
            for i in 0..row.participants().len() {
                // The part a stuck transaction gave up on waits for its strategy; every other
                // part still waiting was in flight or due a retry when the coordinator went down.
                let limit = attempt_limit(row, protocol, tp.strategy, i, max_attempts);
                let part = &mut row.parts[i];
                let stuck = matches!(row.phase, TxPhase::Stuck { .. });
                let exhausted =
                    stuck && limit.is_some_and(|max| part.attempt >= max) && part.next_retry_at_ms.is_none();
                if let (PartState::Waiting, Some(rpc), false) = (part.state, part.rpc, exhausted) {
                    part.next_retry_at_ms = None;
                    out.push(CoordEffect::Send { order: row.order, rpc, from_registry: false });
                }
            }
        }
    }

    /// Whether an operator may decide `order` this way now.
    pub fn resolvable(&self, order: OrderId, commit: bool) -> Result<(), Refusal> {
        let Some(row) = self.tx(order) else { return Err(Refusal::NothingToResolve) };
        match row.phase {
            TxPhase::Voting | TxPhase::Stuck { .. } => Ok(()),
            // 2PC's logged decision binds everyone: some participant may have carried it out.
            TxPhase::Deciding { commit: logged } if logged == commit => Ok(()),
            TxPhase::Deciding { .. } => Err(Refusal::ContradictsLog),
            TxPhase::Committed | TxPhase::Aborted => Err(Refusal::NothingToResolve),
        }
    }

    /// An operator decided `order` by hand and applied it at the participants marked in
    /// `applied`; the coordinator carries it to the rest, without a limit.
    #[cfg_attr(saga_size, optimize(size))]
    pub fn operator_resolved(
        &mut self,
        order: OrderId,
        commit: bool,
        applied: [bool; 5],
        now_ms: u64,
        out: &mut Vec<CoordEffect>,
    ) {
        let protocol = self.protocol;
        let Some(Some(row)) = self.txs.get_mut(order) else { return };
        if row.finished() {
            return;
        }
        self.outstanding.retain(|_, o| o.order != order);
        row.by_operator = true;
        row.alerted = false;
        if !commit && row.phase == TxPhase::Voting {
            row.reason = CancelReason::SagaFailed;
        }
        out.push(CoordEffect::Decision(order, SagaDecision::OperatorResolved { commit }));
        row.phase = TxPhase::Deciding { commit };
        row.forced = true;
        row.updated_at_ms = now_ms;
        for (i, &done) in applied.iter().enumerate().take(row.participants().len()) {
            let rpc = row.phase_two_rpc(protocol, i, commit);
            let part = &mut row.parts[i];
            *part = TxPart { state: PartState::Waiting, rpc: Some(rpc), attempt: 1, next_retry_at_ms: Some(now_ms) };
            if done {
                part.state = PartState::Done;
                part.next_retry_at_ms = None;
            }
        }
        out.push(CoordEffect::WakeAt(now_ms));
        if progress(row, protocol, self.cancel_at_once, out) {
            Self::deactivate(&mut self.active_txs, row.order);
        }
    }
}

/// How many attempts participant `i`'s current command gets; None for no limit.
fn attempt_limit(row: &TxRow, protocol: Protocol, strategy: StuckStrategy, i: usize, max: u32) -> Option<u32> {
    match row.phase {
        TxPhase::Voting => Some(max),
        // A participant that voted yes holds its locks until it hears: 2PC must get through.
        _ if protocol == Protocol::TwoPc || row.forced => None,
        // Order's final word is what every sweeper will ask for, so it always gets through.
        _ if i == ORDER => None,
        // A Confirm runs out (then the order is stuck, or left to the sweeper)...
        TxPhase::Deciding { commit: true } | TxPhase::Stuck { commit: true } => Some(max),
        // ...and so does a Cancel when participants sweep: the order is CANCELLED, and the
        // reservation the coordinator could not release is the sweeper's to find (seed 002 §26,
        // "주문 상태는 Cancel 로 남아있지만 실제로는 일부 자원이 취소되지 않은 경우")...
        TxPhase::Deciding { commit: false } if strategy == StuckStrategy::ParticipantSweep => Some(max),
        // ...while otherwise releasing a reservation is retried until it is done.
        _ => None,
    }
}

fn send(row: &mut TxRow, i: usize, rpc: Rpc, out: &mut Vec<CoordEffect>) {
    row.parts[i] = TxPart { state: PartState::Waiting, rpc: Some(rpc), attempt: 1, next_retry_at_ms: None };
    out.push(CoordEffect::Send { order: row.order, rpc, from_registry: false });
}

/// Logs the decision and starts phase two. TCC confirms Order last, so an order whose Confirm
/// fails elsewhere stays PENDING (seed 002 §26); 2PC commits one participant at a time when
/// `commit_in_turn` (seed 001: "중앙 관리자는 참여한 노드에게 순차적으로 커밋을 요청한다"), so every
/// participant more keeps the locks one round trip longer; everything else goes out at once.
fn decide(
    row: &mut TxRow,
    protocol: Protocol,
    at_once: bool,
    commit: bool,
    reason: CancelReason,
    now_ms: u64,
    out: &mut Vec<CoordEffect>,
) {
    row.phase = TxPhase::Deciding { commit };
    row.reason = reason;
    row.updated_at_ms = now_ms;
    out.push(CoordEffect::Decision(row.order, SagaDecision::Decided { commit }));
    // Order waits when the customer's cancel waits on this abort: it hears last, once the
    // others have undone their part (seed 000, step 5).
    let order_waits =
        (protocol == Protocol::Tcc && commit) || (!commit && !at_once && reason == CancelReason::UserRequest);
    if commit && row.commit_in_turn {
        row.parts = [TxPart::default(); 5];
        next_in_turn(row, protocol, out);
        return;
    }
    for i in 0..row.participants().len() {
        if order_waits && i == ORDER {
            row.parts[i] = TxPart::default();
            continue;
        }
        let rpc = row.phase_two_rpc(protocol, i, commit);
        send(row, i, rpc, out);
    }
}

/// Auto-confirm: the stuck decision goes out again to everyone who has not carried it out,
/// this time without a limit.
fn force(row: &mut TxRow, protocol: Protocol, commit: bool, now_ms: u64, out: &mut Vec<CoordEffect>) {
    row.phase = TxPhase::Deciding { commit };
    row.forced = true;
    row.updated_at_ms = now_ms;
    let order_waits = protocol == Protocol::Tcc && commit && !row.others_settled();
    for i in 0..row.participants().len() {
        if row.settled(i) || (order_waits && i == ORDER) {
            continue;
        }
        let rpc = row.phase_two_rpc(protocol, i, commit);
        send(row, i, rpc, out);
    }
}

/// The customer cancelled a committed order: phase two runs again, backwards, at every other
/// participant, then at Order, whose cancel (accepted, CANCELLING) it completes.
fn refund(row: &mut TxRow, protocol: Protocol, at_once: bool, out: &mut Vec<CoordEffect>) {
    row.phase = TxPhase::Deciding { commit: false };
    row.reason = CancelReason::UserRequest;
    row.forced = true;
    row.refund_requested = false;
    out.push(CoordEffect::Decision(row.order, SagaDecision::Compensate { recovery: super::Recovery::UserCancel }));
    for i in (0..row.participants().len()).filter(|&i| i != ORDER) {
        let rpc = row.phase_two_rpc(protocol, i, false);
        send(row, i, rpc, out);
    }
    if at_once {
        // Order cancelled itself already, completely.
        row.parts[ORDER].state = PartState::Done;
    } else {
        row.parts[ORDER] = TxPart::default();
    }
}

/// After a phase-two answer: sends Order its Confirm once the others are settled, and
/// finishes the transaction when everyone is. Returns whether it finished.
fn progress(row: &mut TxRow, protocol: Protocol, at_once: bool, out: &mut Vec<CoordEffect>) -> bool {
    let commit = match row.phase {
        TxPhase::Deciding { commit } | TxPhase::Stuck { commit } => commit,
        _ => return false,
    };
    let n = row.participants().len();
    if commit && row.commit_in_turn && !row.forced && row.parts[..n].iter().all(|p| p.state != PartState::Waiting) {
        // The next in turn, if any is left.
        if next_in_turn(row, protocol, out) {
            return false;
        }
    }
    if row.parts[ORDER].state == PartState::Idle && row.others_settled() {
        if let TxPhase::Stuck { .. } = row.phase {
            // The stuck participant answered after all: carry on as if it never stuck.
            row.phase = TxPhase::Deciding { commit };
            row.stuck_at_ms = None;
            row.alerted = false;
        }
        let rpc = row.phase_two_rpc(protocol, ORDER, commit);
        send(row, ORDER, rpc, out);
        return false;
    }
    if (0..row.participants().len()).all(|i| row.settled(i)) {
        if commit && row.refund_requested {
            refund(row, protocol, at_once, out);
            return false;
        }
        row.phase = if commit { TxPhase::Committed } else { TxPhase::Aborted };
        row.stuck_at_ms = None;
        row.alerted = false;
        out.push(CoordEffect::Decision(row.order, SagaDecision::Finished { confirmed: commit }));
        return true;
    }
    false
}

/// 2PC in turn: sends Commit to the next participant in `COMMIT_TURN` not yet asked. Returns
/// whether one was asked.
fn next_in_turn(row: &mut TxRow, protocol: Protocol, out: &mut Vec<CoordEffect>) -> bool {
    let n = row.participants().len();
    let Some(i) = COMMIT_TURN.into_iter().filter(|&i| i < n).find(|&i| row.parts[i].state == PartState::Idle) else {
        return false;
    };
    let rpc = row.phase_two_rpc(protocol, i, true);
    send(row, i, rpc, out);
    true
}
