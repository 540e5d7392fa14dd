//! The Product (inventory) service: takes stock for placed orders, restores it for cancelled
//! ones, and decides "restock or not" from the cancellation's causation id.
//!
//! # Restock or not
//!
//! A cancellation gives back what the order took, except the echo of Product's own refusal. When
//! stock is short, Product publishes `ProductOutOfStock` and its ledger remembers that notice
//! (`Ledger::OutOfStock { notice }`); Order then cancels with an `OrderCancelled` whose causation
//! id is the notice, and Product recognises the echo by the id and does not restock. It never
//! guesses from the stock level.
//!
//! Every other cancellation gets an answer, so Order can complete the customer's cancel (seed
//! 000, step 5): `ProductChanged` with the units given back (`Restored`), or with nothing to give
//! back (`Untouched`: the cancel overtook the order, or crossed Product's refusal).
//!
//! Unless told to: `SimConfig::restock_rule` (seeds 003, 004) can be a tempting shortcut.
//! `RestockRule::GuessFromStock` decides "restock on cancel?" from the stock level: only when the
//! stock minus the order's quantity is above zero. It happens to skip the out-of-stock echo. It
//! also skips a legitimate cancel of the last units, which are lost (`Outcome::GuessedNoRestock`;
//! the checker reports `StockConserved` and `StockMatchesOrder`).
//!
//! # The ledger, TCC and 2PC
//!
//! The per-order [`Ledger`] says what Product did for each order: `Taken`, `Restored`,
//! `OutOfStock`, `CancelledFirst` (the cancel overtook the order), `Refused`, and for the two-phase
//! protocols `Reserved`, `Prepared` and `Released`. In phase one TCC reserves units without taking
//! them (`Ledger::Reserved`, and `reserved` per product, so available = stock − reserved); 2PC
//! prepares and **locks the product row** ([`RowLock`]; a prepare that finds it locked waits in the
//! row's queue, see `sim/two_phase.rs`). Confirm or commit makes the units `Taken`. Cancel or abort
//! releases them, or gives them back when they were already taken (a customer's cancel after the
//! commit). An operator's `SetStock` never goes below the units reserved or prepared (see
//! `sim/faults.rs`).

use super::Ctx;
use crate::config::RestockRule;
use crate::ids::{MessageId, OrderId, ProductId, ServiceId};
use crate::message::{Event, Message, StockChange};
use crate::outcome::Outcome;
use crate::rpc::{Rpc, RpcResult};
use serde::{Deserialize, Serialize};

/// What Product has done for one order: its ledger row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Ledger {
    /// Nothing seen for this order yet.
    #[default]
    None,
    /// Units taken and not given back.
    Taken {
        /// The product.
        product: ProductId,
        /// Units held for the order.
        units: u32,
    },
    /// Units given back after a cancellation.
    Restored {
        /// The product.
        product: ProductId,
        /// Units given back.
        units: u32,
    },
    /// Product refused the order and published this ProductOutOfStock.
    OutOfStock {
        /// The ProductOutOfStock message, remembered so its echo is recognised by id.
        notice: MessageId,
    },
    /// The cancellation arrived first (reordering); a later OrderPlaced is ignored.
    CancelledFirst,
    /// Orchestration, TCC or 2PC: the reservation was refused for lack of stock (the coordinator
    /// was told).
    Refused,
    /// TCC: units held by Try, not yet deducted; Confirm makes them final, Cancel releases them.
    Reserved {
        /// The product.
        product: ProductId,
        /// Units held.
        units: u32,
        /// When the reservation was made.
        reserved_at_ms: u64,
        /// When it counts as stale (the sweeper then asks Order what became of the order).
        stale_at_ms: u64,
    },
    /// 2PC: prepared and voted yes; the product row stays locked until commit or abort.
    Prepared {
        /// The product.
        product: ProductId,
        /// Units to take on commit.
        units: u32,
    },
    /// TCC or 2PC: the reservation or prepared work was released without taking stock.
    Released {
        /// The product.
        product: ProductId,
        /// Units that had been held.
        units: u32,
    },
}

/// A 2PC lock on a product row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RowLock {
    /// The order whose prepare holds it.
    pub holder: OrderId,
    /// Since when.
    pub since_ms: u64,
}

/// Product's tables.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductService {
    /// Units in stock, per product.
    pub stock: Vec<i64>,
    /// Net units added by operators (SetStock), per product, for the conservation check.
    pub adjustments: Vec<i64>,
    /// The ledger, indexed by order id.
    pub ledger: crate::order_table::OrderTable<Ledger>,
    /// TCC: units held by open reservations, per product (available = stock - reserved).
    pub reserved: Vec<i64>,
    /// 2PC: the lock on each product row, if a prepared transaction holds it.
    pub locks: Vec<Option<RowLock>>,
    /// 2PC: total time product rows spent locked, over closed locks.
    pub lock_ms_total: u64,
    /// TCC: total time reservations stayed open before Confirm or Cancel.
    pub reserved_ms_total: u64,
    /// How a cancellation's restock is decided.
    pub restock_rule: RestockRule,
    /// `SimConfig::cancel_at_once`: Order does not wait, so a cancel that gives nothing back
    /// goes unanswered.
    pub cancel_at_once: bool,
}

impl ProductService {
    /// Product's tables at the start of a run.
    pub fn new(initial_stock: &[i64]) -> ProductService {
        let n = initial_stock.len();
        ProductService {
            stock: initial_stock.to_vec(),
            adjustments: vec![0; n],
            ledger: Default::default(),
            reserved: vec![0; n],
            locks: vec![None; n],
            lock_ms_total: 0,
            reserved_ms_total: 0,
            restock_rule: RestockRule::CausationId,
            cancel_at_once: false,
        }
    }

    /// Units of `product` not in stock or already reserved.
    pub fn available(&self, product: ProductId) -> i64 {
        let i = usize::from(product.0);
        self.stock.get(i).copied().unwrap_or(0) - self.reserved.get(i).copied().unwrap_or(0)
    }

    /// TCC reservations whose time is up, oldest order first, at most `max`.
    pub fn stale_reservations(&self, now_ms: u64, max: usize) -> Vec<OrderId> {
        let stale = |(order, l): (OrderId, &Ledger)| match *l {
            Ledger::Reserved { stale_at_ms, .. } if stale_at_ms <= now_ms => Some(order),
            _ => None,
        };
        self.ledger.iter_ids().filter_map(stale).take(max).collect()
    }

    /// The ledger row of `order`.
    pub fn ledger_of(&self, order: OrderId) -> Ledger {
        self.ledger.get(order).copied().unwrap_or_default()
    }

    /// Units Product holds for `order` (0 unless its ledger says Taken).
    pub fn units_held(&self, order: OrderId) -> u32 {
        match self.ledger_of(order) {
            Ledger::Taken { units, .. } => units,
            _ => 0,
        }
    }

    /// An operator sets a product's stock; publishes ProductChanged so replicas follow. Returns
    /// the stock applied: never below the units reserved or prepared, which are promised.
    pub fn set_stock(&mut self, product: ProductId, stock: i64, ctx: &mut Ctx<'_>) -> Option<i64> {
        let i = usize::from(product.0);
        let held = self.reserved.get(i).copied().unwrap_or(0)
            + match self.locks.get(i).copied().flatten().map(|l| self.ledger_of(l.holder)) {
                Some(Ledger::Prepared { units, .. }) => i64::from(units),
                _ => 0,
            };
        let current = self.stock.get_mut(i)?;
        // Reserved and prepared units are promised: an operator cannot take them away, only
        // what is still available.
        let stock = stock.max(held);
        let delta = stock - *current;
        *current = stock;
        self.adjustments[i] += delta;
        let event = Event::ProductChanged {
            order: None,
            product,
            quantity: delta,
            change: StockChange::Adjusted,
            stock_after: stock,
        };
        ctx.emit(ServiceId::Product, event, None);
        Some(stock)
    }

    /// Handles a command from the coordinator (a local transaction). Idempotent: a repeated
    /// command returns the first answer and changes nothing. `ttl_ms` is a TCC reservation's
    /// lifetime.
    pub fn handle_command(&mut self, order: OrderId, rpc: &Rpc, now_ms: u64, ttl_ms: u64) -> RpcResult {
        match *rpc {
            Rpc::Try { product, quantity, .. } => self.try_reserve(order, product, quantity, now_ms, ttl_ms),
            Rpc::Prepare { product, quantity, .. } => self.prepare(order, product, quantity, now_ms),
            Rpc::Confirm { .. } | Rpc::Commit { .. } => self.make_final(order, now_ms),
            Rpc::Cancel { .. } | Rpc::Abort { .. } => self.release(order, now_ms),
            Rpc::ReserveStock { product, quantity } => {
                let Some(&available) = self.stock.get(usize::from(product.0)) else { return RpcResult::Refused };
                let row = self.ledger.slot(order);
                match *row {
                    Ledger::Taken { .. } => RpcResult::Done,
                    Ledger::Refused | Ledger::OutOfStock { .. } => RpcResult::OutOfStock { available },
                    // The release overtook the reservation: taking now would leak the units.
                    Ledger::CancelledFirst
                    | Ledger::Restored { .. }
                    | Ledger::Reserved { .. }
                    | Ledger::Prepared { .. }
                    | Ledger::Released { .. } => RpcResult::Refused,
                    Ledger::None if available < i64::from(quantity) => {
                        *row = Ledger::Refused;
                        RpcResult::OutOfStock { available }
                    }
                    Ledger::None => {
                        self.stock[usize::from(product.0)] = available - i64::from(quantity);
                        *row = Ledger::Taken { product, units: quantity };
                        RpcResult::Done
                    }
                }
            }
            Rpc::ReleaseStock { .. } => {
                let row = self.ledger.slot(order);
                match *row {
                    Ledger::Taken { product, units } => {
                        if let Some(s) = self.stock.get_mut(usize::from(product.0)) {
                            *s += i64::from(units);
                        }
                        *row = Ledger::Restored { product, units };
                    }
                    Ledger::None => *row = Ledger::CancelledFirst,
                    _ => {}
                }
                RpcResult::Done
            }
            _ => RpcResult::Refused,
        }
    }

    fn try_reserve(
        &mut self,
        order: OrderId,
        product: ProductId,
        quantity: u32,
        now_ms: u64,
        ttl_ms: u64,
    ) -> RpcResult {
        let i = usize::from(product.0);
        if i >= self.stock.len() {
            return RpcResult::Refused;
        }
        let available = self.available(product);
        let row = self.ledger.slot(order);
        match *row {
            Ledger::Reserved { .. } | Ledger::Taken { .. } => RpcResult::Done,
            Ledger::Refused => RpcResult::OutOfStock { available },
            Ledger::None if available < i64::from(quantity) => {
                *row = Ledger::Refused;
                RpcResult::OutOfStock { available }
            }
            Ledger::None => {
                self.reserved[i] += i64::from(quantity);
                *row = Ledger::Reserved {
                    product,
                    units: quantity,
                    reserved_at_ms: now_ms,
                    stale_at_ms: now_ms.saturating_add(ttl_ms),
                };
                RpcResult::Done
            }
            // Cancel overtook Try (a tombstone), or it was already released.
            _ => RpcResult::Refused,
        }
    }

    fn prepare(&mut self, order: OrderId, product: ProductId, quantity: u32, now_ms: u64) -> RpcResult {
        let i = usize::from(product.0);
        let Some(&stock) = self.stock.get(i) else { return RpcResult::Refused };
        let lock = self.locks[i];
        let row = self.ledger.slot(order);
        let result = match *row {
            Ledger::Prepared { .. } | Ledger::Taken { .. } => RpcResult::Done,
            Ledger::Refused => RpcResult::OutOfStock { available: stock },
            // Another transaction holds the row: this prepare waits for its commit or abort.
            Ledger::None if lock.is_some_and(|l| l.holder != order) => return RpcResult::Blocked,
            Ledger::None if stock < i64::from(quantity) => {
                *row = Ledger::Refused;
                RpcResult::OutOfStock { available: stock }
            }
            Ledger::None => {
                let since_ms = lock.map_or(now_ms, |l| l.since_ms);
                self.locks[i] = Some(RowLock { holder: order, since_ms });
                *row = Ledger::Prepared { product, units: quantity };
                return RpcResult::Done;
            }
            _ => RpcResult::Refused,
        };
        // A lock handed over from the queue to a prepare that did not take it goes on to the
        // next in line.
        if !matches!(self.ledger_of(order), Ledger::Prepared { .. }) {
            self.unlock(product, order, now_ms);
        }
        result
    }

    /// Confirm (TCC) or commit (2PC): the held units are taken for good.
    fn make_final(&mut self, order: OrderId, now_ms: u64) -> RpcResult {
        let Some(&row) = self.ledger.get(order) else { return RpcResult::Refused };
        match row {
            Ledger::Reserved { product, units, reserved_at_ms, .. } => {
                let i = usize::from(product.0);
                self.reserved[i] -= i64::from(units);
                self.stock[i] -= i64::from(units);
                self.reserved_ms_total += now_ms.saturating_sub(reserved_at_ms);
            }
            Ledger::Prepared { product, units } => {
                self.stock[usize::from(product.0)] -= i64::from(units);
                self.unlock(product, order, now_ms);
            }
            Ledger::Taken { .. } => return RpcResult::Done,
            _ => return RpcResult::Refused,
        }
        if let Ledger::Reserved { product, units, .. } | Ledger::Prepared { product, units } = row {
            *self.ledger.slot(order) = Ledger::Taken { product, units };
        }
        RpcResult::Done
    }

    /// Cancel (TCC) or abort (2PC): held units are released; units already taken (after a
    /// confirm, when the customer or an operator cancels) are given back.
    fn release(&mut self, order: OrderId, now_ms: u64) -> RpcResult {
        let row = self.ledger.slot(order);
        match *row {
            Ledger::Reserved { product, units, reserved_at_ms, .. } => {
                self.reserved[usize::from(product.0)] -= i64::from(units);
                self.reserved_ms_total += now_ms.saturating_sub(reserved_at_ms);
                *row = Ledger::Released { product, units };
            }
            Ledger::Prepared { product, units } => {
                *row = Ledger::Released { product, units };
                self.unlock(product, order, now_ms);
            }
            Ledger::Taken { product, units } => {
                self.stock[usize::from(product.0)] += i64::from(units);
                *row = Ledger::Restored { product, units };
            }
            // A tombstone, so a late Try or Prepare is refused.
            Ledger::None => *row = Ledger::CancelledFirst,
            _ => {}
        }
        RpcResult::Done
    }

    /// Hands `product`'s free row lock to the oldest waiting prepare, so nobody can overtake it
    /// while it is being handled. Returns whether the lock was free.
    pub fn grant_lock(&mut self, product: usize, order: OrderId, now_ms: u64) -> bool {
        match self.locks.get_mut(product) {
            Some(lock @ None) => {
                *lock = Some(RowLock { holder: order, since_ms: now_ms });
                true
            }
            _ => false,
        }
    }

    /// After a crash: a lock granted to a prepare that never ran is released; prepared rows keep
    /// theirs (a prepared transaction survives the crash, as in a database).
    pub fn release_unprepared_locks(&mut self, now_ms: u64) {
        for i in 0..self.locks.len() {
            if let Some(l) = self.locks[i]
                && !matches!(self.ledger_of(l.holder), Ledger::Prepared { .. })
            {
                self.unlock(ProductId(i as u16), l.holder, now_ms);
            }
        }
    }

    /// A prepare's local transaction failed: the lock handed to it for the attempt goes back,
    /// or the row would stay locked by a transaction that never prepared.
    pub fn release_if_unprepared(&mut self, order: OrderId, now_ms: u64) {
        if matches!(self.ledger_of(order), Ledger::Prepared { .. }) {
            return;
        }
        for i in 0..self.locks.len() {
            if self.locks[i].is_some_and(|l| l.holder == order) {
                self.unlock(ProductId(i as u16), order, now_ms);
            }
        }
    }

    fn unlock(&mut self, product: ProductId, order: OrderId, now_ms: u64) {
        let lock = &mut self.locks[usize::from(product.0)];
        if let Some(l) = *lock
            && l.holder == order
        {
            self.lock_ms_total += now_ms.saturating_sub(l.since_ms);
            *lock = None;
        }
    }

    /// The lock `product`'s row is under, if any.
    pub fn lock_of(&self, product: ProductId) -> Option<RowLock> {
        self.locks.get(usize::from(product.0)).copied().flatten()
    }

    /// Handles one message from the bus (its local transaction).
    pub fn handle(&mut self, msg: &Message, ctx: &mut Ctx<'_>) -> Outcome {
        match msg.event {
            Event::OrderPlaced { order, product, quantity } => self.take(msg, order, product, quantity, ctx),
            Event::OrderCancelled { order, product, quantity, .. } => self.restore(msg, order, product, quantity, ctx),
            _ => Outcome::NotForMe,
        }
    }

    fn take(&mut self, msg: &Message, order: OrderId, product: ProductId, quantity: u32, ctx: &mut Ctx<'_>) -> Outcome {
        let Some(&available) = self.stock.get(usize::from(product.0)) else {
            return Outcome::UnknownOrder { order };
        };
        let row = self.ledger.slot(order);
        let already = match *row {
            Ledger::CancelledFirst => return Outcome::PlacedAfterCancel,
            // Without a processed-message table a duplicate OrderPlaced reaches this point and is
            // applied again: the harm the idempotent consumer exists to prevent.
            Ledger::Taken { units, .. } => units,
            _ => 0,
        };
        if available < i64::from(quantity) {
            let notice = ctx.emit(
                ServiceId::Product,
                Event::ProductOutOfStock { order, product, requested: quantity, available },
                Some(msg.id),
            );
            if already == 0 {
                *row = Ledger::OutOfStock { notice };
            }
            return Outcome::OutOfStock { product, requested: quantity, available };
        }
        let stock_after = available - i64::from(quantity);
        self.stock[usize::from(product.0)] = stock_after;
        *row = Ledger::Taken { product, units: already + quantity };
        let event = Event::ProductChanged {
            order: Some(order),
            product,
            quantity: i64::from(quantity),
            change: StockChange::Taken,
            stock_after,
        };
        ctx.emit(ServiceId::Product, event, Some(msg.id));
        Outcome::StockTaken { product, quantity, stock_after, again: already > 0 }
    }

    /// A tempting shortcut (no seed states it): no ledger, no ids, just the stock level. Restock when the
    /// stock minus the order's quantity is above zero. That happens to skip the out-of-stock
    /// echo, but it also skips a legitimate cancel of the last units, which are then lost.
    fn guess_restock(
        &mut self,
        msg: &Message,
        order: OrderId,
        product: ProductId,
        quantity: u32,
        ctx: &mut Ctx<'_>,
    ) -> Outcome {
        let Some(stock) = self.stock.get_mut(usize::from(product.0)) else {
            return Outcome::UnknownOrder { order };
        };
        if *stock - i64::from(quantity) <= 0 {
            let stock = *stock;
            self.untouched(msg, order, product, stock, ctx);
            return Outcome::GuessedNoRestock { stock };
        }
        *stock += i64::from(quantity);
        let stock_after = *stock;
        let row = self.ledger.slot(order);
        let again = matches!(*row, Ledger::Restored { .. });
        if let Ledger::Taken { .. } | Ledger::None | Ledger::OutOfStock { .. } = *row {
            *row = Ledger::Restored { product, units: quantity };
        }
        Self::restored(msg, order, product, quantity, stock_after, again, ctx)
    }

    /// Publishes the restock (ProductChanged, a compensation) and says what happened.
    fn restored(
        msg: &Message,
        order: OrderId,
        product: ProductId,
        quantity: u32,
        stock_after: i64,
        again: bool,
        ctx: &mut Ctx<'_>,
    ) -> Outcome {
        let event = Event::ProductChanged {
            order: Some(order),
            product,
            quantity: i64::from(quantity),
            change: StockChange::Restored,
            stock_after,
        };
        ctx.emit(ServiceId::Product, event, Some(msg.id));
        Outcome::StockRestored { product, quantity, stock_after, again }
    }

    /// Answers a cancellation that gives nothing back (ProductChanged, `Untouched`), so Order
    /// knows Product's part of the cancel is settled.
    fn untouched(&self, msg: &Message, order: OrderId, product: ProductId, stock_after: i64, ctx: &mut Ctx<'_>) {
        if self.cancel_at_once {
            return;
        }
        let change = StockChange::Untouched;
        let event = Event::ProductChanged { order: Some(order), product, quantity: 0, change, stock_after };
        ctx.emit(ServiceId::Product, event, Some(msg.id));
    }

    fn restore(
        &mut self,
        msg: &Message,
        order: OrderId,
        product: ProductId,
        quantity: u32,
        ctx: &mut Ctx<'_>,
    ) -> Outcome {
        if self.restock_rule == RestockRule::GuessFromStock {
            return self.guess_restock(msg, order, product, quantity, ctx);
        }
        let row = self.ledger.slot(order);
        let again = match *row {
            // The seed's rule, decided from ids: this cancellation's causation id is the
            // ProductOutOfStock Product itself published, so the saga began here and there is
            // nothing to give back.
            Ledger::OutOfStock { notice } if msg.causation_id == Some(notice) => {
                return Outcome::EchoOfOwnEvent { own_message: notice };
            }
            // The customer's cancel crossed Product's refusal: nothing was taken, and Order
            // hears so.
            Ledger::OutOfStock { .. } => {
                let stock_after = self.stock.get(usize::from(product.0)).copied().unwrap_or(0);
                self.untouched(msg, order, product, stock_after, ctx);
                return Outcome::NothingToRestore;
            }
            Ledger::None => {
                *row = Ledger::CancelledFirst;
                let stock_after = self.stock.get(usize::from(product.0)).copied().unwrap_or(0);
                self.untouched(msg, order, product, stock_after, ctx);
                return Outcome::CancelledBeforePlaced;
            }
            Ledger::CancelledFirst
            | Ledger::Refused
            | Ledger::Reserved { .. }
            | Ledger::Prepared { .. }
            | Ledger::Released { .. } => return Outcome::NothingToRestore,
            Ledger::Taken { .. } => false,
            // Only a duplicate OrderCancelled with idempotency off gets here.
            Ledger::Restored { .. } => true,
        };
        let Some(stock) = self.stock.get_mut(usize::from(product.0)) else {
            return Outcome::UnknownOrder { order };
        };
        *stock += i64::from(quantity);
        let stock_after = *stock;
        *row = Ledger::Restored { product, units: quantity };
        Self::restored(msg, order, product, quantity, stock_after, again, ctx)
    }
}
