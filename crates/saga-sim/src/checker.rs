//! The consistency checker: run after every step, its verdict part of the view.
//!
//! Safety invariants must hold at every instant. Convergence invariants may be false while the saga
//! is running (that is the window of inconsistency eventual consistency allows); they must be true
//! whenever the system is *quiet* (`Sim::is_quiet`): nothing in flight (no packet on a wire, no
//! record in hand, no outbox row waiting to be published, no saga or transaction running, no
//! sweeper with a reservation to settle), no consumer lag, the compensation registry empty and no
//! dead letter waiting. A convergence invariant false while quiet can never heal by itself, so it
//! is reported as a violation.
//!
//! # Safety: must hold at every instant
//!
//! | invariant | meaning |
//! |---|---|
//! | `StockNeverNegative` | no product's stock is below zero |
//! | `NoCompletedDeliveryForCancelledOrder` | no delivery is COMPLETED for a CANCELLED order |
//! | `NoConfirmedOrderWithoutStock` | no order is CONFIRMED unless Product holds its stock |
//! | `AtMostOnceEffect` | no message's effect applied twice (stock taken/restored twice, a second parcel) |
//! | `NoMessageLostToRetention` | no consumer lost an unread record to log retention |
//! | `NoNotificationForCancelledOrder` | no customer told CONFIRMED for an order the system then cancelled |
//! | `NoEventLost` | no event lost between a commit and the bus (dual write) or by a consumer that committed before handling (at-most-once) |
//! | `NoPhantomEvent` | no event published for a change that then rolled back (publish-first) |
//! | `StockCoversReservations` | per product: 0 ≤ reserved units ≤ stock (an operator cannot set stock below what is reserved or prepared) |
//!
//! # Convergence: must hold whenever the system is quiet
//!
//! | invariant | meaning |
//! |---|---|
//! | `EveryOrderFinal` | every order is CONFIRMED or CANCELLED |
//! | `StockConserved` | per product: stock + units of confirmed orders = initial stock + operator changes |
//! | `DeliveryMatchesOrder` | confirmed ⇒ one started/completed delivery; cancelled ⇒ none or cancelled |
//! | `StockMatchesOrder` | confirmed ⇒ its units held; cancelled ⇒ none held |
//! | `AccountsMatchOrder` | with Payment and Points in play: confirmed ⇒ charged at each; cancelled ⇒ charged at none |
//! | `NoConsumerLag` | every consumer has read and committed the whole log |
//! | `NothingInFlight` | no packet on a wire, no record in hand, no outbox row waiting, no saga running |
//! | `RegistryEmpty` | no failed compensation waits in the orchestrator's registry |
//! | `NoDanglingReservation` | no TCC reservation, held delivery slot or held payment or points is left once quiet |
//! | `DeadLetterQueueEmpty` | no message waits in a dead-letter queue for a person |
//! | `NoParticipantInDoubt` | no participant is left prepared once quiet: a 2PC locked row or prepared slot, or an order still locked by a TCC or 2PC transaction |
//!
//! # The verdict
//!
//! "Consistent now" means every present-state invariant holds (the two historical ones,
//! `AtMostOnceEffect` and `NoMessageLostToRetention`, only add violations). The [`Verdict`] records
//! since when, and the windows of inconsistency (the latest `limits.checker_history` of them and of
//! the violations; totals kept). Its `state` ([`VerdictState`]) is the one word the screen shows:
//! consistent, converging (some convergence invariant pending, none violated) or violated.
//!
//! The checker is incremental: the engine names the orders and products each step touched, and only
//! those are re-examined, so a check costs O(1) per step however long the run.

use crate::ids::{OrderId, ProductId, ServiceId};
use crate::services::account::{AccountService, AccountStatus};
use crate::services::delivery::{DeliveryService, DeliveryStatus};
use crate::services::order::{OrderService, OrderStatus};
use crate::services::product::{Ledger, ProductService};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::fmt;

/// Whether an invariant must hold always or once the system is quiet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InvariantKind {
    /// Must hold at every instant.
    Safety,
    /// Must hold whenever the system is quiet.
    Convergence,
}

/// An invariant the checker watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Invariant {
    /// No product's stock is below zero.
    StockNeverNegative,
    /// No delivery is COMPLETED for a CANCELLED order.
    NoCompletedDeliveryForCancelledOrder,
    /// No order is CONFIRMED unless Product holds its stock (taken, or reserved or prepared for it).
    NoConfirmedOrderWithoutStock,
    /// No message's effect was applied twice (stock taken or restored twice, a second parcel).
    AtMostOnceEffect,
    /// No consumer lost an unread record to log retention.
    NoMessageLostToRetention,
    /// No customer was told an order is confirmed that the system then cancelled (an apology is
    /// due); the customer's own cancellation does not count.
    NoNotificationForCancelledOrder,
    /// TCC: reserved units are never negative and never exceed the stock that backs them.
    StockCoversReservations,
    /// Every order is CONFIRMED or CANCELLED.
    EveryOrderFinal,
    /// For each product: stock + units of confirmed orders = initial stock + operator changes.
    StockConserved,
    /// Each final order's delivery agrees with it (started for confirmed, none or cancelled for
    /// cancelled).
    DeliveryMatchesOrder,
    /// Each final order's stock agrees with it (held for confirmed, not held for cancelled).
    StockMatchesOrder,
    /// Every consumer has read and committed the whole log.
    NoConsumerLag,
    /// No message is in flight and no outbox holds a row.
    NothingInFlight,
    /// The orchestrator's compensation registry holds no PENDING compensation.
    RegistryEmpty,
    /// TCC: no stock reservation or delivery slot is left held.
    NoDanglingReservation,
    /// 2PC: no participant is left prepared (in doubt, holding its locks).
    NoParticipantInDoubt,
    /// No event was lost on its way: not between a commit and its publication (dual write),
    /// not by a consumer that committed before handling and then crashed (at-most-once).
    NoEventLost,
    /// No message waits in a dead-letter queue (its effect has not happened).
    DeadLetterQueueEmpty,
    /// No event went out for a change that then rolled back (publish first, then commit).
    NoPhantomEvent,
    /// Each final order agrees with Payment and Points when they take part (charged at each for
    /// confirmed, charged at none for cancelled).
    AccountsMatchOrder,
}

impl Invariant {
    /// Every invariant, safety first.
    pub const ALL: [Invariant; 20] = [
        Invariant::StockNeverNegative,
        Invariant::NoCompletedDeliveryForCancelledOrder,
        Invariant::NoConfirmedOrderWithoutStock,
        Invariant::AtMostOnceEffect,
        Invariant::NoMessageLostToRetention,
        Invariant::NoEventLost,
        Invariant::NoPhantomEvent,
        Invariant::NoNotificationForCancelledOrder,
        Invariant::StockCoversReservations,
        Invariant::EveryOrderFinal,
        Invariant::StockConserved,
        Invariant::DeliveryMatchesOrder,
        Invariant::StockMatchesOrder,
        Invariant::AccountsMatchOrder,
        Invariant::NoConsumerLag,
        Invariant::NothingInFlight,
        Invariant::RegistryEmpty,
        Invariant::DeadLetterQueueEmpty,
        Invariant::NoDanglingReservation,
        Invariant::NoParticipantInDoubt,
    ];

    /// Safety or convergence.
    pub const fn kind(self) -> InvariantKind {
        match self {
            Invariant::StockNeverNegative
            | Invariant::NoCompletedDeliveryForCancelledOrder
            | Invariant::NoConfirmedOrderWithoutStock
            | Invariant::AtMostOnceEffect
            | Invariant::NoMessageLostToRetention
            | Invariant::NoNotificationForCancelledOrder
            | Invariant::StockCoversReservations
            | Invariant::NoEventLost
            | Invariant::NoPhantomEvent => InvariantKind::Safety,
            _ => InvariantKind::Convergence,
        }
    }

    /// Whether the invariant is about history (once broken, it stays broken) rather than the
    /// present state; such invariants do not decide whether the system is consistent now.
    pub const fn is_historical(self) -> bool {
        matches!(
            self,
            Invariant::AtMostOnceEffect
                | Invariant::NoMessageLostToRetention
                | Invariant::NoEventLost
                | Invariant::NoPhantomEvent
        )
    }

    const fn index(self) -> usize {
        self as usize
    }

    /// The invariant's identifier.
    pub const fn name(self) -> &'static str {
        match self {
            Invariant::StockNeverNegative => "StockNeverNegative",
            Invariant::NoCompletedDeliveryForCancelledOrder => "NoCompletedDeliveryForCancelledOrder",
            Invariant::NoConfirmedOrderWithoutStock => "NoConfirmedOrderWithoutStock",
            Invariant::AtMostOnceEffect => "AtMostOnceEffect",
            Invariant::NoMessageLostToRetention => "NoMessageLostToRetention",
            Invariant::NoNotificationForCancelledOrder => "NoNotificationForCancelledOrder",
            Invariant::EveryOrderFinal => "EveryOrderFinal",
            Invariant::StockConserved => "StockConserved",
            Invariant::DeliveryMatchesOrder => "DeliveryMatchesOrder",
            Invariant::StockMatchesOrder => "StockMatchesOrder",
            Invariant::NoConsumerLag => "NoConsumerLag",
            Invariant::NothingInFlight => "NothingInFlight",
            Invariant::RegistryEmpty => "RegistryEmpty",
            Invariant::StockCoversReservations => "StockCoversReservations",
            Invariant::NoDanglingReservation => "NoDanglingReservation",
            Invariant::NoParticipantInDoubt => "NoParticipantInDoubt",
            Invariant::NoEventLost => "NoEventLost",
            Invariant::DeadLetterQueueEmpty => "DeadLetterQueueEmpty",
            Invariant::NoPhantomEvent => "NoPhantomEvent",
            Invariant::AccountsMatchOrder => "AccountsMatchOrder",
        }
    }
}

impl fmt::Display for Invariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A broken invariant, where and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Violation {
    /// When it was found.
    pub at_ms: u64,
    /// Which invariant.
    pub invariant: Invariant,
    /// The order concerned, if one.
    pub order: Option<OrderId>,
    /// The product concerned, if one.
    pub product: Option<ProductId>,
    /// The service concerned, if one.
    pub service: Option<ServiceId>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at t={}", self.invariant, self.at_ms)?;
        if let Some(o) = self.order {
            write!(f, " order {o}")?;
        }
        if let Some(p) = self.product {
            write!(f, " product {p}")?;
        }
        if let Some(s) = self.service {
            write!(f, " service {s}")?;
        }
        Ok(())
    }
}

/// An invariant's live status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvariantStatus {
    /// The invariant.
    pub invariant: Invariant,
    /// Safety or convergence.
    pub kind: InvariantKind,
    /// Whether it holds right now (a convergence invariant may be false while not quiet).
    pub holds: bool,
    /// What a person should read into that: holds, pending (work is still in flight), or
    /// violated.
    pub mark: Mark,
    /// Violations found so far.
    pub violations: u32,
}

/// An invariant's state as the screen shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mark {
    /// It holds.
    Holds,
    /// A convergence invariant that does not hold yet while work is still in flight: the
    /// temporary inconsistency that eventual consistency allows.
    Pending,
    /// A safety invariant that does not hold, or a convergence invariant that still does not
    /// hold once the system is quiet.
    Violated,
}

/// The system's state in one word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum VerdictState {
    /// Every invariant holds.
    Consistent,
    /// Some convergence invariant is pending and none is violated: work is in flight.
    Converging,
    /// Some invariant is violated.
    Violated,
}

/// A stretch of time during which the system was not consistent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// When it began.
    pub from_ms: u64,
    /// When it ended; None while it lasts.
    pub to_ms: Option<u64>,
}

/// The checker's verdict, as the view shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// Consistent, converging or violated: agrees with the invariants' marks.
    pub state: VerdictState,
    /// Whether every present-state invariant holds now.
    pub consistent: bool,
    /// Since when `consistent` has had its current value.
    pub since_ms: u64,
    /// Whether the system is quiet (nothing in flight, no lag, outboxes empty).
    pub quiet: bool,
    /// Each invariant's status.
    pub invariants: Vec<InvariantStatus>,
    /// The most recent violations, oldest first (bounded).
    pub violations: Vec<Violation>,
    /// Violations found in the whole run.
    pub violations_total: u64,
    /// The most recent inconsistency windows, oldest first (bounded).
    pub windows: Vec<Window>,
    /// Inconsistency windows in the whole run.
    pub windows_total: u64,
    /// Total time spent inconsistent.
    pub inconsistent_total_ms: u64,
    /// The longest closed inconsistency window.
    pub longest_window_ms: u64,
    /// Orders still PENDING.
    pub pending_orders: u32,
}

// Per-order flags.
const PENDING: u16 = 1;
const CONFIRMED: u16 = 2;
const DELIVERY_MISMATCH: u16 = 4;
const STOCK_MISMATCH: u16 = 8;
const COMPLETED_CANCELLED: u16 = 16;
const CONFIRMED_NO_STOCK: u16 = 32;
const NOTIFIED_CANCELLED: u16 = 64;
const RESERVATION_HELD: u16 = 128;
const IN_DOUBT: u16 = 256;
const ACCOUNT_MISMATCH: u16 = 512;

/// The checker's state.
#[derive(Clone, Debug)]
pub struct Checker {
    initial_stock: Vec<i64>,
    order_flags: crate::order_table::OrderTable<u16>,
    order_product: crate::order_table::OrderTable<ProductId>,
    confirmed_units: Vec<i64>,
    product_unbalanced: Vec<bool>,
    product_negative: Vec<bool>,
    product_overreserved: Vec<bool>,
    // Counts of orders or products currently failing each present-state invariant.
    failing: [u32; Invariant::ALL.len()],
    violation_counts: [u32; Invariant::ALL.len()],
    reported_while_quiet: [bool; Invariant::ALL.len()],
    violations: VecDeque<Violation>,
    violations_total: u64,
    windows: VecDeque<Window>,
    windows_total: u64,
    inconsistent_total_ms: u64,
    longest_window_ms: u64,
    consistent: bool,
    since_ms: u64,
    quiet: bool,
    lag_zero: bool,
    nothing_in_flight: bool,
    registry_len: usize,
    dead_letters: usize,
    history: usize,
    new_violations: Vec<Violation>,
    changed: Option<bool>,
}

impl Checker {
    /// A checker for a run starting with `initial_stock`, keeping `history` violations/windows.
    pub fn new(initial_stock: &[i64], history: usize) -> Checker {
        Checker {
            initial_stock: initial_stock.to_vec(),
            order_flags: Default::default(),
            order_product: Default::default(),
            confirmed_units: vec![0; initial_stock.len()],
            product_unbalanced: vec![false; initial_stock.len()],
            product_negative: vec![false; initial_stock.len()],
            product_overreserved: vec![false; initial_stock.len()],
            failing: [0; Invariant::ALL.len()],
            violation_counts: [0; Invariant::ALL.len()],
            reported_while_quiet: [false; Invariant::ALL.len()],
            violations: VecDeque::new(),
            violations_total: 0,
            windows: VecDeque::new(),
            windows_total: 0,
            inconsistent_total_ms: 0,
            longest_window_ms: 0,
            consistent: true,
            since_ms: 0,
            quiet: true,
            lag_zero: true,
            nothing_in_flight: true,
            registry_len: 0,
            dead_letters: 0,
            history: history.max(1),
            new_violations: Vec::new(),
            changed: None,
        }
    }

    /// Whether every check on `order` passes (it may be CONFIRMED; nothing else is flagged).
    /// An order the checker never looked at counts as settled.
    pub fn order_settled(&self, order: OrderId) -> bool {
        self.order_flags.get(order).is_none_or(|f| f & !CONFIRMED == 0)
    }

    /// Forgets the orders before `order` (archived; their confirmed units stay counted).
    pub fn archive_before(&mut self, order: OrderId) {
        self.order_flags.archive_before(order);
        self.order_product.archive_before(order);
    }

    /// Re-examines one order after a step touched it. `accounts` are the tables of the extra
    /// participants in play (Payment, then Points).
    pub fn touch_order(
        &mut self,
        at_ms: u64,
        order: OrderId,
        orders: &OrderService,
        products: &ProductService,
        deliveries: &DeliveryService,
        accounts: &[&AccountService],
    ) {
        let Some(row) = orders.get(order) else { return };
        let ledger = products.ledger_of(order);
        let delivery = deliveries.get(order);
        let account = |i: usize| accounts[i].get(order).map(|r| r.status);
        let any_account = |status: AccountStatus| (0..accounts.len()).any(|i| account(i) == Some(status));
        let mut flags = 0u16;
        if matches!(ledger, Ledger::Reserved { .. })
            || delivery.is_some_and(|d| d.status == DeliveryStatus::Held)
            || any_account(AccountStatus::Held)
        {
            flags |= RESERVATION_HELD;
        }
        if row.locked
            || matches!(ledger, Ledger::Prepared { .. })
            || delivery.is_some_and(|d| d.status == DeliveryStatus::Prepared)
            || any_account(AccountStatus::Prepared)
        {
            flags |= IN_DOUBT;
        }
        match row.status {
            OrderStatus::Confirmed if (0..accounts.len()).any(|i| account(i) != Some(AccountStatus::Charged)) => {
                flags |= ACCOUNT_MISMATCH
            }
            OrderStatus::Cancelled(_) if any_account(AccountStatus::Charged) => flags |= ACCOUNT_MISMATCH,
            _ => {}
        }
        match row.status {
            OrderStatus::Pending => flags |= PENDING,
            // Cancel accepted, compensations on their way: PENDING like any other window. A
            // parcel handed over meanwhile is the conflict it would be once CANCELLED.
            OrderStatus::Cancelling(_) => {
                flags |= PENDING;
                if delivery.is_some_and(|d| d.status == DeliveryStatus::Completed) {
                    flags |= COMPLETED_CANCELLED;
                }
            }
            OrderStatus::Confirmed => {
                flags |= CONFIRMED;
                match ledger {
                    Ledger::Taken { units, .. } if units == row.quantity => {}
                    Ledger::Taken { .. } => flags |= STOCK_MISMATCH,
                    // Promised but not yet final: phase two has not reached Product yet (2PC
                    // commits everywhere at once; a TCC sweeper confirms later). Safe, not done.
                    Ledger::Reserved { .. } | Ledger::Prepared { .. } => flags |= STOCK_MISMATCH,
                    _ => flags |= STOCK_MISMATCH | CONFIRMED_NO_STOCK,
                }
                match delivery {
                    Some(d) if d.parcels == 1 && d.status != DeliveryStatus::Cancelled => {}
                    _ => flags |= DELIVERY_MISMATCH,
                }
            }
            OrderStatus::Cancelled(reason) => {
                // The customer may cancel what they were told is confirmed; the system may not.
                if row.notified && reason != crate::message::CancelReason::UserRequest {
                    flags |= NOTIFIED_CANCELLED;
                }
                if matches!(ledger, Ledger::Taken { .. }) {
                    flags |= STOCK_MISMATCH;
                }
                match delivery {
                    None => {}
                    Some(d) if d.status == DeliveryStatus::Cancelled => {}
                    Some(d) => {
                        flags |= DELIVERY_MISMATCH;
                        if d.status == DeliveryStatus::Completed {
                            flags |= COMPLETED_CANCELLED;
                        }
                    }
                }
            }
        }
        let old = std::mem::replace(self.order_flags.slot(order), flags);
        *self.order_product.slot(order) = row.product;
        let p = usize::from(row.product.0);
        if (old ^ flags) & CONFIRMED != 0 && p < self.confirmed_units.len() {
            let q = i64::from(row.quantity);
            self.confirmed_units[p] += if flags & CONFIRMED != 0 { q } else { -q };
        }
        for (bit, inv) in [
            (PENDING, Invariant::EveryOrderFinal),
            (DELIVERY_MISMATCH, Invariant::DeliveryMatchesOrder),
            (STOCK_MISMATCH, Invariant::StockMatchesOrder),
            (ACCOUNT_MISMATCH, Invariant::AccountsMatchOrder),
            (COMPLETED_CANCELLED, Invariant::NoCompletedDeliveryForCancelledOrder),
            (CONFIRMED_NO_STOCK, Invariant::NoConfirmedOrderWithoutStock),
            (NOTIFIED_CANCELLED, Invariant::NoNotificationForCancelledOrder),
            (RESERVATION_HELD, Invariant::NoDanglingReservation),
            (IN_DOUBT, Invariant::NoParticipantInDoubt),
        ] {
            let (was, is) = (old & bit != 0, flags & bit != 0);
            if was != is {
                let f = &mut self.failing[inv.index()];
                if is {
                    *f += 1
                } else {
                    *f = f.saturating_sub(1)
                }
                if is && inv.kind() == InvariantKind::Safety {
                    self.violate(at_ms, inv, Some(order), Some(row.product), None);
                }
            }
        }
        self.touch_product(at_ms, row.product, products);
    }

    /// Re-examines one product's stock after a step touched it.
    pub fn touch_product(&mut self, at_ms: u64, product: ProductId, products: &ProductService) {
        let p = usize::from(product.0);
        let (Some(&stock), Some(&initial)) = (products.stock.get(p), self.initial_stock.get(p)) else {
            return;
        };
        let adjustments = products.adjustments.get(p).copied().unwrap_or(0);
        let unbalanced = stock + self.confirmed_units[p] != initial + adjustments;
        if unbalanced != self.product_unbalanced[p] {
            self.product_unbalanced[p] = unbalanced;
            let f = &mut self.failing[Invariant::StockConserved.index()];
            if unbalanced { *f += 1 } else { *f = f.saturating_sub(1) }
        }
        let reserved = products.reserved.get(p).copied().unwrap_or(0);
        let overreserved = reserved < 0 || reserved > stock.max(0);
        self.set_product_safety(at_ms, product, Invariant::StockCoversReservations, overreserved);
        self.set_product_safety(at_ms, product, Invariant::StockNeverNegative, stock < 0);
    }

    /// Records whether `product` breaks a per-product safety invariant; breaking it is reported.
    fn set_product_safety(&mut self, at_ms: u64, product: ProductId, invariant: Invariant, broken: bool) {
        let p = usize::from(product.0);
        let flags = match invariant {
            Invariant::StockCoversReservations => &mut self.product_overreserved,
            _ => &mut self.product_negative,
        };
        if flags[p] == broken {
            return;
        }
        flags[p] = broken;
        let f = &mut self.failing[invariant.index()];
        if broken {
            *f += 1;
            self.violate(at_ms, invariant, None, Some(product), None);
        } else {
            *f = f.saturating_sub(1);
        }
    }

    /// A handler applied a message's effect a second time.
    pub fn duplicate_effect(&mut self, at_ms: u64, order: Option<OrderId>, service: ServiceId) {
        self.violate(at_ms, Invariant::AtMostOnceEffect, order, None, Some(service));
    }

    /// An event was lost for good: a dual write's gap, or an at-most-once consumer's crash.
    pub fn event_lost(&mut self, at_ms: u64, order: Option<OrderId>, service: ServiceId) {
        self.violate(at_ms, Invariant::NoEventLost, order, None, Some(service));
    }

    /// A published event's change rolled back: the world heard of something that never happened.
    pub fn phantom_event(&mut self, at_ms: u64, order: Option<OrderId>, service: ServiceId) {
        self.violate(at_ms, Invariant::NoPhantomEvent, order, None, Some(service));
    }

    /// Retention deleted records a consumer had not read.
    pub fn lost_to_retention(&mut self, at_ms: u64, service: ServiceId) {
        self.violate(at_ms, Invariant::NoMessageLostToRetention, None, None, Some(service));
    }

    fn violate(
        &mut self,
        at_ms: u64,
        invariant: Invariant,
        order: Option<OrderId>,
        product: Option<ProductId>,
        service: Option<ServiceId>,
    ) {
        let v = Violation { at_ms, invariant, order, product, service };
        let c = &mut self.violation_counts[invariant.index()];
        *c = c.saturating_add(1);
        self.violations_total += 1;
        if self.violations.len() == self.history {
            self.violations.pop_front();
        }
        self.violations.push_back(v);
        self.new_violations.push(v);
    }

    /// Re-evaluates the verdict at the end of a step, given the engine's flow state.
    pub fn evaluate(
        &mut self,
        at_ms: u64,
        quiet: bool,
        lag_zero: bool,
        nothing_in_flight: bool,
        (registry_len, dead_letters): (usize, usize),
    ) {
        self.quiet = quiet;
        self.lag_zero = lag_zero;
        self.nothing_in_flight = nothing_in_flight;
        self.registry_len = registry_len;
        self.dead_letters = dead_letters;
        for inv in Invariant::ALL {
            if inv.kind() != InvariantKind::Convergence {
                continue;
            }
            if self.holds(inv) {
                // Only a failure that healed and came back counts again.
                self.reported_while_quiet[inv.index()] = false;
            } else if quiet && !self.reported_while_quiet[inv.index()] {
                self.reported_while_quiet[inv.index()] = true;
                let (order, product) = self.example(inv);
                self.violate(at_ms, inv, order, product, None);
            }
        }
        let consistent = Invariant::ALL.iter().all(|&inv| inv.is_historical() || self.holds(inv));
        if consistent != self.consistent {
            if consistent {
                let len = at_ms - self.since_ms;
                self.inconsistent_total_ms += len;
                self.longest_window_ms = self.longest_window_ms.max(len);
                if let Some(w) = self.windows.back_mut() {
                    w.to_ms = Some(at_ms);
                }
            } else {
                self.windows_total += 1;
                if self.windows.len() == self.history {
                    self.windows.pop_front();
                }
                self.windows.push_back(Window { from_ms: at_ms, to_ms: None });
            }
            self.consistent = consistent;
            self.since_ms = at_ms;
            self.changed = Some(consistent);
        }
    }

    /// An order or product that breaks `invariant`, to name in its violation.
    fn example(&self, invariant: Invariant) -> (Option<OrderId>, Option<ProductId>) {
        let bit = match invariant {
            Invariant::EveryOrderFinal => PENDING,
            Invariant::DeliveryMatchesOrder => DELIVERY_MISMATCH,
            Invariant::StockMatchesOrder => STOCK_MISMATCH,
            Invariant::NoDanglingReservation => RESERVATION_HELD,
            Invariant::NoParticipantInDoubt => IN_DOUBT,
            Invariant::StockConserved => {
                let p = self.product_unbalanced.iter().position(|&b| b);
                return (None, p.map(|p| ProductId(p as u16)));
            }
            _ => return (None, None),
        };
        let order = self.order_flags.iter_ids().find(|(_, f)| **f & bit != 0).map(|(order, _)| order);
        (order, order.and_then(|o| self.order_product.get(o).copied()))
    }

    /// Whether `invariant` holds right now.
    pub fn holds(&self, invariant: Invariant) -> bool {
        match invariant {
            Invariant::AtMostOnceEffect
            | Invariant::NoMessageLostToRetention
            | Invariant::NoEventLost
            | Invariant::NoPhantomEvent => self.violation_counts[invariant.index()] == 0,
            Invariant::NoConsumerLag => self.lag_zero,
            Invariant::NothingInFlight => self.nothing_in_flight,
            Invariant::RegistryEmpty => self.registry_len == 0,
            Invariant::DeadLetterQueueEmpty => self.dead_letters == 0,
            other => self.failing[other.index()] == 0,
        }
    }

    /// Violations and the verdict change found since the last call, for the trace.
    pub fn take_news(&mut self, violations: &mut Vec<Violation>) -> Option<bool> {
        violations.append(&mut self.new_violations);
        self.changed.take()
    }

    /// Whether every present-state invariant holds now.
    pub fn consistent(&self) -> bool {
        self.consistent
    }

    /// Violations found so far.
    pub fn violations_total(&self) -> u64 {
        self.violations_total
    }

    /// The most recent violations.
    pub fn recent_violations(&self) -> impl Iterator<Item = &Violation> {
        self.violations.iter()
    }

    /// Consistent now, since when, and the total time of closed inconsistency windows, without
    /// building a whole verdict.
    pub fn verdict_summary(&self) -> (bool, u64, u64) {
        (self.consistent, self.since_ms, self.inconsistent_total_ms)
    }

    /// Since when the current verdict has held.
    pub fn since_ms(&self) -> u64 {
        self.since_ms
    }

    /// The verdict as plain data.
    pub fn verdict(&self) -> Verdict {
        let invariants: Vec<InvariantStatus> = Invariant::ALL
            .iter()
            .map(|&invariant| {
                let holds = self.holds(invariant);
                let kind = invariant.kind();
                let mark = match (holds, kind) {
                    (true, _) => Mark::Holds,
                    (false, InvariantKind::Convergence) if !self.quiet => Mark::Pending,
                    (false, _) => Mark::Violated,
                };
                InvariantStatus { invariant, kind, holds, mark, violations: self.violation_counts[invariant.index()] }
            })
            .collect();
        let state = if invariants.iter().any(|i| i.mark == Mark::Violated) {
            VerdictState::Violated
        } else if invariants.iter().any(|i| i.mark == Mark::Pending) {
            VerdictState::Converging
        } else {
            VerdictState::Consistent
        };
        Verdict {
            state,
            consistent: self.consistent,
            since_ms: self.since_ms,
            quiet: self.quiet,
            invariants,
            violations: self.violations.iter().copied().collect(),
            violations_total: self.violations_total,
            windows: self.windows.iter().copied().collect(),
            windows_total: self.windows_total,
            inconsistent_total_ms: self.inconsistent_total_ms,
            longest_window_ms: self.longest_window_ms,
            pending_orders: self.failing[Invariant::EveryOrderFinal.index()],
        }
    }
}

#[cfg(test)]
mod tests {
    //! The two-phase invariants have teeth: a world left holding a reservation, a prepared row or
    //! more reservations than stock is reported. (The swarm proves the protocols never leave one.)

    use super::*;
    use crate::config::PlacementMode;
    use crate::ids::IdempotencyKey;
    use crate::rpc::Rpc;
    use crate::services::Ctx;
    use crate::services::order::PlaceRequest;

    /// One PENDING order for 1 unit of p0, and what the participants then did to it.
    fn world(product_rpc: Option<Rpc>) -> (OrderService, ProductService, DeliveryService) {
        let (mut orders, mut products) = (OrderService::new(&[5]), ProductService::new(&[5]));
        let (mut next, mut emitted) = (0, Vec::new());
        let mut ctx = Ctx { now_ms: 0, next_message_id: &mut next, emitted: &mut emitted };
        let req = PlaceRequest {
            product: ProductId(0),
            quantity: 1,
            key: IdempotencyKey(1),
            mode: PlacementMode::Ap,
            product_reachable: true,
            product_count: 1,
            max_orders: 10,
        };
        orders.place(req, &mut ctx);
        if let Some(rpc) = product_rpc {
            products.handle_command(OrderId(0), &rpc, 0, 1_000);
        }
        (orders, products, DeliveryService::default())
    }

    fn verdict_when_quiet(w: &(OrderService, ProductService, DeliveryService)) -> Vec<Invariant> {
        let mut c = Checker::new(&[5], 16);
        c.touch_order(0, OrderId(0), &w.0, &w.1, &w.2, &[]);
        c.evaluate(1, true, true, true, (0, 0));
        c.recent_violations().map(|v| v.invariant).collect()
    }

    #[test]
    fn a_reservation_left_held_is_dangling() {
        let at = ServiceId::Product;
        let w = world(Some(Rpc::Try { at, product: ProductId(0), quantity: 1 }));
        assert!(verdict_when_quiet(&w).contains(&Invariant::NoDanglingReservation));
    }

    #[test]
    fn a_prepared_row_left_locked_is_in_doubt() {
        let at = ServiceId::Product;
        let w = world(Some(Rpc::Prepare { at, product: ProductId(0), quantity: 1 }));
        assert!(verdict_when_quiet(&w).contains(&Invariant::NoParticipantInDoubt));
    }

    #[test]
    fn more_reserved_than_stock_is_caught_at_once() {
        let (_, mut products, _) = world(None);
        products.reserved[0] = 6;
        let mut c = Checker::new(&[5], 16);
        c.touch_product(0, ProductId(0), &products);
        assert_eq!(c.recent_violations().next().map(|v| v.invariant), Some(Invariant::StockCoversReservations));
    }
}
