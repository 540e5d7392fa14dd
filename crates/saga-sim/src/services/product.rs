//! The Product (inventory) service: takes stock for placed orders, restores it for cancelled
//! ones, and decides "restock or not" from the cancellation's causation id.

use super::{Ctx, slot};
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
    /// Orchestration: the reservation was refused for lack of stock (the coordinator was told).
    Refused,
}

/// Product's tables.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductService {
    /// Units in stock, per product.
    pub stock: Vec<i64>,
    /// Net units added by operators (SetStock), per product, for the conservation check.
    pub adjustments: Vec<i64>,
    /// The ledger, indexed by order id.
    pub ledger: Vec<Ledger>,
}

impl ProductService {
    /// Product's tables at the start of a run.
    pub fn new(initial_stock: &[i64]) -> ProductService {
        ProductService { stock: initial_stock.to_vec(), adjustments: vec![0; initial_stock.len()], ledger: Vec::new() }
    }

    /// The ledger row of `order`.
    pub fn ledger_of(&self, order: OrderId) -> Ledger {
        self.ledger.get(order.0 as usize).copied().unwrap_or_default()
    }

    /// Units Product holds for `order` (0 unless its ledger says Taken).
    pub fn units_held(&self, order: OrderId) -> u32 {
        match self.ledger_of(order) {
            Ledger::Taken { units, .. } => units,
            _ => 0,
        }
    }

    /// An operator sets a product's stock; publishes ProductChanged so replicas follow.
    pub fn set_stock(&mut self, product: ProductId, stock: i64, ctx: &mut Ctx<'_>) -> bool {
        let i = usize::from(product.0);
        let Some(current) = self.stock.get_mut(i) else { return false };
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
        true
    }

    /// Handles a command from the coordinator (a local transaction). Idempotent: a repeated
    /// command returns the first answer and changes nothing.
    pub fn handle_command(&mut self, order: OrderId, rpc: &Rpc) -> RpcResult {
        match *rpc {
            Rpc::ReserveStock { product, quantity } => {
                let Some(&available) = self.stock.get(usize::from(product.0)) else { return RpcResult::Refused };
                let row = slot(&mut self.ledger, order);
                match *row {
                    Ledger::Taken { .. } => RpcResult::Done,
                    Ledger::Refused | Ledger::OutOfStock { .. } => RpcResult::OutOfStock { available },
                    // The release overtook the reservation: taking now would leak the units.
                    Ledger::CancelledFirst | Ledger::Restored { .. } => RpcResult::Refused,
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
                let row = slot(&mut self.ledger, order);
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
        let row = slot(&mut self.ledger, order);
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

    fn restore(
        &mut self,
        msg: &Message,
        order: OrderId,
        product: ProductId,
        quantity: u32,
        ctx: &mut Ctx<'_>,
    ) -> Outcome {
        let row = slot(&mut self.ledger, order);
        let again = match *row {
            // The seed's rule, decided from ids: this cancellation's causation id is the
            // ProductOutOfStock Product itself published, so the saga began here and there is
            // nothing to give back.
            Ledger::OutOfStock { notice } if msg.causation_id == Some(notice) => {
                return Outcome::EchoOfOwnEvent { own_message: notice };
            }
            Ledger::OutOfStock { .. } => return Outcome::NothingToRestore,
            Ledger::None => {
                *row = Ledger::CancelledFirst;
                return Outcome::CancelledBeforePlaced;
            }
            Ledger::CancelledFirst | Ledger::Refused => return Outcome::NothingToRestore,
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
}
