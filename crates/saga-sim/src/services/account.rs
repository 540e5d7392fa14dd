//! Payment and Points: the participants a two-phase run may add beyond the three services
//! (`TwoPhaseConfig::participants`, seed 001: "참여자가 많을수록 지연 시간이 길어진다").
//!
//! Each is an account-like service with a table of its own, one row per order. It takes only the
//! coordinator's commands, never the bus. Try holds the order's amount (HELD), Prepare prepares
//! and locks it (PREPARED); Confirm or Commit charges it (CHARGED); Cancel or Abort releases a
//! hold (RELEASED) or gives a charge back (REFUNDED). A cancel that comes first leaves a RELEASED
//! tombstone, so a late Try or Prepare is refused rather than leaking a hold. Every command is
//! idempotent: asked again, it answers as it did the first time.

use super::holds::{Hold, HoldRow};
use crate::ids::OrderId;
use crate::rpc::{Rpc, RpcResult};
use serde::{Deserialize, Serialize};

/// Where an order's amount is at Payment or Points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AccountStatus {
    /// TCC: held by Try, until Confirm charges it or Cancel releases it.
    Held,
    /// 2PC: prepared and locked, until commit charges it or abort releases it.
    Prepared,
    /// Charged: the order's payment (or points) is final.
    Charged,
    /// Released before it was charged, or never held (a tombstone).
    Released,
    /// Charged, then given back (the customer cancelled a confirmed order).
    Refunded,
}

impl AccountStatus {
    /// Whether the row still holds something open (a hold, or a prepared lock).
    pub const fn is_open(self) -> bool {
        matches!(self, AccountStatus::Held | AccountStatus::Prepared)
    }
}

/// A row of the payments (or points) table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AccountRow {
    /// The order.
    pub order: OrderId,
    /// The order's units, which the amount is for.
    pub quantity: u32,
    /// Where it is.
    pub status: AccountStatus,
    /// When it last changed.
    pub updated_at_ms: u64,
    /// TCC: when a hold counts as stale (0 otherwise).
    pub stale_at_ms: u64,
}

/// One extra participant's table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountService {
    /// The rows, indexed by order id (None where the order never reached this participant).
    pub rows: crate::order_table::OrderTable<Option<AccountRow>>,
    /// Rows of archived orders (they are gone).
    pub archived: u32,
    /// Amounts held (TCC) or prepared (2PC): how many now, how long in all.
    pub holds: super::holds::Holds,
}

impl HoldRow for AccountRow {
    fn order(&self) -> OrderId {
        self.order
    }
    fn held(&self) -> bool {
        self.status == AccountStatus::Held
    }
    fn open(&self) -> bool {
        self.status.is_open()
    }
    fn updated_at_ms(&self) -> u64 {
        self.updated_at_ms
    }
    fn stale_at_ms(&self) -> u64 {
        self.stale_at_ms
    }
}

impl AccountService {
    /// The row of `order`, if any.
    pub fn get(&self, order: OrderId) -> Option<&AccountRow> {
        self.rows.get(order).and_then(Option::as_ref)
    }

    /// How long amounts have been held or prepared in all, open ones up to `now_ms`.
    pub fn held_ms(&self, now_ms: u64) -> u64 {
        self.holds.held_ms(now_ms, self.rows.iter().flatten())
    }

    /// TCC holds past their time, oldest order first, at most `max`.
    pub fn stale_holds(&self, now_ms: u64, max: usize) -> Vec<OrderId> {
        super::holds::stale(self.rows.iter().flatten(), now_ms, max)
    }

    /// Handles a command from the coordinator (a local transaction), idempotently. `quantity`
    /// is the order's; `ttl_ms` is a TCC hold's lifetime.
    pub fn handle_command(&mut self, order: OrderId, rpc: &Rpc, now_ms: u64, ttl_ms: u64) -> RpcResult {
        let before = Hold::of(self.get(order));
        let result = self.command(order, rpc, now_ms, ttl_ms);
        let after = Hold::of(self.get(order));
        self.holds.track(before, after, now_ms);
        result
    }

    fn command(&mut self, order: OrderId, rpc: &Rpc, now_ms: u64, ttl_ms: u64) -> RpcResult {
        use AccountStatus::{Charged, Held, Prepared, Refunded, Released};
        let slot = self.rows.slot(order);
        let new =
            |quantity, status, stale_at_ms| AccountRow { order, quantity, status, updated_at_ms: now_ms, stale_at_ms };
        let (status, result) = match (*rpc, slot.as_ref().map(|r| r.status)) {
            (Rpc::Try { quantity, .. }, None) => {
                *slot = Some(new(quantity, Held, now_ms.saturating_add(ttl_ms)));
                return RpcResult::Done;
            }
            (Rpc::Prepare { quantity, .. }, None) => {
                *slot = Some(new(quantity, Prepared, 0));
                return RpcResult::Done;
            }
            // A tombstone, or an order already given back: too late to hold anything.
            (Rpc::Try { .. } | Rpc::Prepare { .. }, Some(Released | Refunded)) => return RpcResult::Refused,
            (Rpc::Try { .. } | Rpc::Prepare { .. }, Some(_)) => return RpcResult::Done,
            (Rpc::Confirm { .. } | Rpc::Commit { .. }, Some(Held | Prepared)) => (Charged, RpcResult::Done),
            (Rpc::Confirm { .. } | Rpc::Commit { .. }, Some(Charged)) => return RpcResult::Done,
            (Rpc::Cancel { .. } | Rpc::Abort { .. }, None) => {
                *slot = Some(new(0, Released, 0));
                return RpcResult::Done;
            }
            (Rpc::Cancel { .. } | Rpc::Abort { .. }, Some(Held | Prepared)) => (Released, RpcResult::Done),
            (Rpc::Cancel { .. } | Rpc::Abort { .. }, Some(Charged)) => (Refunded, RpcResult::Done),
            (Rpc::Cancel { .. } | Rpc::Abort { .. }, Some(Released | Refunded)) => return RpcResult::Done,
            _ => return RpcResult::Refused,
        };
        if let Some(row) = slot.as_mut() {
            row.status = status;
            row.updated_at_ms = now_ms;
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ProductId, ServiceId};
    use crate::message::CancelReason;
    use AccountStatus::*;

    const AT: ServiceId = ServiceId::Payment;
    const O: OrderId = OrderId(1);

    /// Commands in; the answers, the row's status and the holds open out.
    type Case<'a> = (&'a [Rpc], &'a [RpcResult], Option<AccountStatus>, u32);

    fn run(commands: &[Rpc]) -> (Vec<RpcResult>, Option<AccountStatus>, u32) {
        let mut a = AccountService::default();
        let results = commands.iter().map(|rpc| a.handle_command(O, rpc, 10, 100)).collect();
        (results, a.get(O).map(|r| r.status), a.holds.held)
    }

    #[test]
    fn every_command_is_idempotent_and_a_cancel_first_leaves_a_tombstone() {
        let try_ = Rpc::Try { at: AT, product: ProductId(0), quantity: 2 };
        let prepare = Rpc::Prepare { at: AT, product: ProductId(0), quantity: 2 };
        let confirm = Rpc::Confirm { at: AT };
        let commit = Rpc::Commit { at: AT };
        let cancel = Rpc::Cancel { at: AT, reason: CancelReason::SagaFailed };
        let abort = Rpc::Abort { at: AT, reason: CancelReason::SagaFailed };
        let (done, refused) = (RpcResult::Done, RpcResult::Refused);
        #[rustfmt::skip]
        let table: [Case; 9] = [
            (&[try_], &[done], Some(Held), 1),
            (&[try_, try_], &[done, done], Some(Held), 1),
            (&[try_, confirm, confirm], &[done, done, done], Some(Charged), 0),
            (&[try_, cancel, cancel], &[done, done, done], Some(Released), 0),
            (&[prepare, commit, abort], &[done, done, done], Some(Refunded), 0),
            (&[prepare, abort, commit], &[done, done, refused], Some(Released), 0),
            (&[cancel, try_], &[done, refused], Some(Released), 0),
            (&[abort, prepare], &[done, refused], Some(Released), 0),
            (&[confirm], &[refused], None, 0),
        ];
        for (commands, results, status, held) in table {
            assert_eq!(run(commands), (results.to_vec(), status, held), "{commands:?}");
        }
    }
}
