//! The view: a plain-data snapshot of everything the screen can draw.

use crate::bus::Record;
use crate::checker::Verdict;
use crate::config::{LinkFaults, PlacementMode};
use crate::consumer::InHand;
use crate::ids::{MessageId, Offset, OrderId, ServiceId};
use crate::message::Message;
use crate::outbox::OutboxRow;
use crate::services::delivery::DeliveryRow;
use crate::services::order::OrderRow;
use crate::services::product::Ledger;
use crate::sim::{Sim, Stats, TimerKind};
use serde::{Deserialize, Serialize};

/// Records of the log's tail included in a view.
pub const VIEW_LOG_RECORDS: usize = 200;
/// Processed-message ids per service included in a view.
pub const VIEW_PROCESSED_IDS: usize = 32;

/// A transaction an operator should decide now, and how they may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorChoice {
    /// The order.
    pub order: OrderId,
    /// Whether confirming (committing) it would be carried out.
    pub confirm: bool,
    /// Whether cancelling (aborting) it would be carried out.
    pub cancel: bool,
}

/// A product's row as Product holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRow {
    /// Its name.
    pub name: String,
    /// Units in stock now.
    pub stock: i64,
    /// Units at t=0.
    pub initial_stock: i64,
    /// Net units added by operators.
    pub adjustments: i64,
    /// Order's (possibly stale) copy of the stock.
    pub replica_in_order: i64,
    /// TCC: units held by open reservations (available = stock - reserved).
    pub reserved: i64,
    /// 2PC: the lock on the row, if a prepared transaction holds it.
    pub lock: Option<crate::services::product::RowLock>,
    /// 2PC: orders whose prepare waits for the lock, oldest first.
    pub waiting: Vec<OrderId>,
    /// 2PC: other orders for this product still PENDING while the row is locked. None of them
    /// can commit before the lock is released, wherever their prepare is.
    pub blocked: u32,
}

/// A consumer's offsets and the record it is handling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerView {
    /// Next offset it will read.
    pub position: Offset,
    /// The offset the bus has on record.
    pub committed: Offset,
    /// Records in the log it has not committed: log end minus committed offset.
    pub lag: u64,
    /// The record in hand, if any.
    pub in_hand: Option<InHand>,
    /// Records below this offset have been fetched and are local to the consumer.
    pub fetched_until: Offset,
    /// Records handled so far.
    pub handled_total: u64,
    /// The last duplicate it met.
    pub last_duplicate: Option<crate::consumer::DuplicateSeen>,
}

/// One service as the screen shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceView {
    /// Which service.
    pub id: ServiceId,
    /// Whether it runs.
    pub up: bool,
    /// Whether its link to the bus is cut.
    pub partitioned: bool,
    /// Time it spends per message.
    pub handle_ms: u64,
    /// Whether its handler fails on every message (the error switch).
    pub failing: bool,
    /// How it publishes its events.
    pub publish: crate::config::PublishMode,
    /// Dual write: events committed and not yet published.
    pub unpublished: usize,
    /// Faults on its link.
    pub link_faults: LinkFaults,
    /// Its consumer.
    pub consumer: ConsumerView,
    /// Its outbox rows, oldest first: unsent, in flight, and sent ones the cleanup has not yet
    /// removed.
    pub outbox: Vec<OutboxRow>,
    /// Outbox rows not yet published (unsent or in flight): the relay's work left.
    pub outbox_pending: usize,
    /// Ids in its processed-message table.
    pub processed_count: usize,
    /// The most recent processed ids, newest first.
    pub processed_recent: Vec<MessageId>,
}

/// Something on a wire right now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum InFlight {
    /// One message of a produce batch from a service to the bus (a batch of three is three of
    /// these: no list to copy for each frame that draws them).
    Batch {
        /// The producer.
        service: ServiceId,
        /// The batch id.
        batch: u64,
        /// The message's place in its batch.
        index: usize,
        /// The message.
        message: Message,
        /// When it left.
        sent_at_ms: u64,
        /// When it arrives.
        arrives_at_ms: u64,
    },
    /// The bus's acknowledgement on its way back to a producer.
    Ack {
        /// The producer.
        service: ServiceId,
        /// The batch.
        batch: u64,
        /// When it left.
        sent_at_ms: u64,
        /// When it arrives.
        arrives_at_ms: u64,
    },
    /// A record on its way from the bus to a consumer, or being handled there.
    Delivery {
        /// The consumer.
        service: ServiceId,
        /// The record.
        offset: Offset,
        /// The message.
        message: Message,
        /// When the consumer asked for it.
        fetched_at_ms: u64,
        /// When it reaches the consumer.
        delivered_at_ms: u64,
        /// When handling completes.
        done_at_ms: u64,
        /// True when this consumer has handled this record before (a redelivery, or a re-read
        /// after a restart), or the record is a second copy in the log. The screen draws it as a
        /// ghost.
        repeat: bool,
    },
    /// A coordinator command (or its answer) on a command link.
    Command {
        /// Sender.
        from: ServiceId,
        /// Receiver.
        to: ServiceId,
        /// The command, with its answer when on the way back.
        packet: crate::rpc::RpcPacket,
        /// When it left.
        sent_at_ms: u64,
        /// When it arrives.
        arrives_at_ms: u64,
    },
    /// An offset commit on its way to the bus.
    Commit {
        /// The consumer.
        service: ServiceId,
        /// The offset.
        offset: Offset,
        /// When it left.
        sent_at_ms: u64,
        /// When it arrives.
        arrives_at_ms: u64,
    },
}

/// The bus log's bounds and tail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogView {
    /// Oldest retained offset.
    pub start: Offset,
    /// Log-end offset.
    pub end: Offset,
    /// Records the log retains at most.
    pub retention: u32,
    /// The last `VIEW_LOG_RECORDS` records, oldest first.
    pub tail: Vec<Record>,
}

/// Everything the screen draws, as plain data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct View {
    /// Virtual time.
    pub now_ms: u64,
    /// The run's seed.
    pub seed: u64,
    /// The CAP choice in force.
    pub placement: PlacementMode,
    /// Whether the client's network loses Order's answers.
    pub flaky_client: bool,
    /// When consumers commit their offsets.
    pub delivery: crate::config::DeliverySemantics,
    /// How Product decides whether a cancel restocks.
    pub restock_rule: crate::config::RestockRule,
    /// Whether consumers are idempotent.
    pub idempotent_consumers: bool,
    /// Order's table.
    pub orders: Vec<OrderRow>,
    /// Orders placed in the run, archived ones included (`orders` holds the kept ones).
    pub orders_total: u32,
    /// Deliveries in the run, archived ones included (`deliveries` holds the kept ones).
    pub deliveries_total: u32,
    /// Product's stock table.
    pub products: Vec<ProductRow>,
    /// Product's ledger, per order id.
    pub ledger: Vec<(OrderId, Ledger)>,
    /// Delivery's table.
    pub deliveries: Vec<DeliveryRow>,
    /// Payment's table (empty unless Payment takes part).
    pub payments: Vec<crate::services::account::AccountRow>,
    /// Points' table (empty unless Points takes part).
    pub points: Vec<crate::services::account::AccountRow>,
    /// The nodes in play, in `ServiceId::NODES` order (the coordinator only when the protocol
    /// has one).
    pub services: Vec<ServiceView>,
    /// The protocol.
    pub protocol: crate::protocol::Protocol,
    /// The coordinator's sagas, by order.
    pub sagas: Vec<crate::services::coordinator::SagaRow>,
    /// The compensation registry.
    pub registry: Vec<crate::services::coordinator::RegistryEntry>,
    /// The orchestrator's retry settings (for "attempt n / max").
    pub orchestration: crate::config::OrchestrationConfig,
    /// TCC and 2PC transactions, by order (the coordinator's log).
    pub txs: Vec<crate::services::coordinator::TxRow>,
    /// The transactions a person should decide now, with the decisions the engine accepts.
    pub operator_choices: Vec<OperatorChoice>,
    /// TCC's strategy and reservation lifetime.
    pub two_phase: crate::config::TwoPhaseConfig,
    /// The summary figures.
    pub metrics: crate::metrics::Metrics,
    /// A fault armed for the coordinator's next decision, if any.
    pub decision_trap: Option<crate::command::DecisionTrap>,
    /// The dead-letter queue, oldest first.
    pub dead_letters: Vec<crate::sim::DeadLetterEntry>,
    /// The bus.
    pub log: LogView,
    /// How many packets are on a wire or records in a consumer's hands (`Sim::in_flight` lists
    /// them, for the animation).
    pub in_flight_count: usize,
    /// The client's most recent replies from Order, with their times, oldest first.
    pub replies: Vec<crate::sim::TimedReply>,
    /// Synchronous requests the client is still waiting on, oldest first.
    pub client_waits: Vec<crate::sim::ClientWait>,
    /// Whether the client waits for an order to settle under this run's protocol and setting
    /// (seed 002 §44), rather than hearing PENDING at once.
    pub client_waits_for_outcome: bool,
    /// The most recent placements Order refused, oldest first (they never became orders).
    pub refused_orders: Vec<crate::services::order::RefusedOrder>,
    /// The checker's verdict.
    pub verdict: Verdict,
    /// Running totals.
    pub stats: Stats,
    /// When the next thing is due, if anything is.
    pub next_due_ms: Option<u64>,
    /// The config the run uses (after clamping), so the screen never guesses one.
    pub config: crate::config::SimConfig,
}

impl View {
    /// The row of `order`, when it is kept (rows are in id order).
    pub fn order(&self, order: OrderId) -> Option<&OrderRow> {
        self.orders.binary_search_by_key(&order, |o| o.id).ok().map(|i| &self.orders[i])
    }
}

/// The messages that brought an order's two answers to Order (choreography): its "all done"
/// step joins them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderAnswers {
    /// Product's ProductChanged (stock taken).
    pub stock: Option<MessageId>,
    /// Delivery's DeliveryStarted.
    pub delivery: Option<MessageId>,
}

impl Sim {
    /// Which messages answered `order` so far, when it is kept and any has; cheap, for the
    /// selected event's causal tree.
    pub fn order_answers(&self, order: Option<OrderId>) -> Option<OrderAnswers> {
        let row = self.order.orders.get(order?)?;
        let [stock, delivery] = row.answered_by;
        (stock.is_some() || delivery.is_some()).then_some(OrderAnswers { stock, delivery })
    }

    /// A snapshot of the world. Costs O(tables); call it when drawing, not on every step.
    #[cfg_attr(saga_size, optimize(size))]
    pub fn view(&self) -> View {
        let log_end = self.log.end();
        let services = self
            .nodes_in_play()
            .iter()
            .map(|&id| {
                let n = &self.nodes[id.index()];
                ServiceView {
                    id,
                    up: n.up,
                    partitioned: n.partitioned,
                    handle_ms: n.handle_ms,
                    failing: n.failing,
                    publish: self.config.publish.get(id.index()).copied().unwrap_or_default(),
                    unpublished: n.unpublished.len(),
                    link_faults: n.faults,
                    consumer: ConsumerView {
                        position: n.consumer.position,
                        committed: n.consumer.committed,
                        lag: log_end.0.saturating_sub(n.consumer.committed.0),
                        in_hand: n.consumer.in_hand,
                        fetched_until: n.consumer.fetched_until,
                        handled_total: n.consumer.handled_total,
                        last_duplicate: n.consumer.last_duplicate,
                    },
                    outbox: n.outbox.rows.iter().copied().collect(),
                    outbox_pending: n.outbox.pending(),
                    processed_count: n.consumer.processed.len(),
                    processed_recent: n.consumer.processed.recent(VIEW_PROCESSED_IDS).collect(),
                }
            })
            .collect();
        View {
            now_ms: self.now_ms,
            seed: self.seed,
            placement: self.placement,
            flaky_client: self.flaky_client,
            delivery: self.config.delivery,
            restock_rule: self.config.restock_rule,
            idempotent_consumers: self.config.idempotent_consumers,
            orders: self.order.orders.iter().cloned().collect(),
            orders_total: self.order.orders.end(),
            deliveries_total: self.delivery.archived + self.delivery.deliveries.iter().flatten().count() as u32,
            products: self
                .config
                .products
                .iter()
                .enumerate()
                .map(|(i, spec)| ProductRow {
                    name: spec.name.clone(),
                    stock: self.product.stock[i],
                    initial_stock: spec.initial_stock,
                    adjustments: self.product.adjustments[i],
                    replica_in_order: self.order.product_replica.get(i).copied().unwrap_or(0),
                    reserved: self.product.reserved[i],
                    lock: self.product.locks[i],
                    waiting: self.lock_queue(i),
                    blocked: self.blocked_behind(i),
                })
                .collect(),
            ledger: self
                .product
                .ledger
                .iter_ids()
                .filter(|(_, l)| **l != Ledger::None)
                .map(|(order, l)| (order, *l))
                .collect(),
            deliveries: self.delivery.deliveries.iter().flatten().copied().collect(),
            payments: self.payment.rows.iter().flatten().copied().collect(),
            points: self.points.rows.iter().flatten().copied().collect(),
            services,
            protocol: self.config.protocol,
            sagas: self.coordinator.sagas.iter().flatten().copied().collect(),
            registry: self.coordinator.registry.iter().copied().collect(),
            orchestration: self.config.orchestration,
            txs: self.coordinator.txs.iter().flatten().copied().collect(),
            operator_choices: self.operator_choices(),
            two_phase: self.config.two_phase,
            metrics: self.metrics(),
            decision_trap: self.decision_trap,
            dead_letters: self.dead_letters.iter().copied().collect(),
            log: LogView {
                start: self.log.start(),
                end: log_end,
                retention: self.config.limits.log_retention_records,
                tail: self.log.newest(VIEW_LOG_RECORDS),
            },
            in_flight_count: self.in_flight_count(),
            replies: self.replies.iter().copied().collect(),
            client_waits: self.client_waits.iter().copied().collect(),
            client_waits_for_outcome: self.config.reply_timing.waits(self.config.protocol),
            refused_orders: self.refused_orders.iter().copied().collect(),
            verdict: self.checker.verdict(),
            stats: self.stats,
            next_due_ms: self.next_due_ms(),
            config: self.config.clone(),
        }
    }

    /// How many things `in_flight` would list.
    pub fn in_flight_count(&self) -> usize {
        let mut n = 0;
        self.each_in_flight(&mut |_| n += 1);
        n
    }

    /// Everything on a wire or in a consumer's hands, in no particular order (the caller lays
    /// each lane out itself). Cheap enough for every animation frame: it neither copies nor
    /// sorts the timer heap.
    pub fn in_flight(&self) -> Vec<InFlight> {
        let mut in_flight = Vec::new();
        self.in_flight_into(&mut in_flight);
        in_flight
    }

    /// The same, into `in_flight` (cleared first), so a caller drawing every frame reuses one
    /// allocation.
    pub fn in_flight_into(&self, in_flight: &mut Vec<InFlight>) {
        in_flight.clear();
        in_flight.reserve(self.timers.len());
        self.each_in_flight(&mut |f| in_flight.push(f));
    }

    /// Calls `f` with each thing in flight: one walk of the timer heap for the list and for
    /// its count (a view counts them on every refresh, thousands on a crowded stage). A `dyn`
    /// callback: one copy of the walk in the download, not one per caller.
    fn each_in_flight(&self, f: &mut dyn FnMut(InFlight)) {
        for std::cmp::Reverse(t) in self.timers.iter() {
            match t.kind {
                TimerKind::ProduceArrive { packet } => {
                    if let Some(Some(p)) = self.packets.get(packet as usize) {
                        for (index, &message) in p.messages.as_slice().iter().enumerate() {
                            f(InFlight::Batch {
                                service: p.service,
                                batch: p.batch,
                                index,
                                message,
                                sent_at_ms: p.sent_at_ms,
                                arrives_at_ms: p.arrives_at_ms,
                            });
                        }
                    }
                }
                TimerKind::AckArrive { service, batch, sent_at_ms, .. } => {
                    f(InFlight::Ack { service, batch, sent_at_ms, arrives_at_ms: t.at_ms });
                }
                TimerKind::CommitArrive { service, offset, sent_at_ms } => {
                    f(InFlight::Commit { service, offset, sent_at_ms, arrives_at_ms: t.at_ms });
                }
                TimerKind::HandleDone { service, epoch, offset } => {
                    let n = &self.nodes[service.index()];
                    if let (true, Some(h), Some(r)) = (n.epoch == epoch, n.consumer.in_hand, self.log.get(offset))
                        && h.offset == offset
                    {
                        f(InFlight::Delivery {
                            service,
                            offset,
                            message: r.message,
                            fetched_at_ms: h.fetched_at_ms,
                            delivered_at_ms: h.delivered_at_ms,
                            done_at_ms: h.done_at_ms,
                            repeat: offset < n.consumer.handled_until || r.copy,
                        });
                    }
                }
                TimerKind::RpcArrive { wire } | TimerKind::RpcReplyArrive { wire } => {
                    if let Some(Some(w)) = self.rpc_wires.get(wire as usize) {
                        let asker = w.packet.rpc.requester();
                        let (from, to) = match w.packet.result {
                            None => (asker, w.to),
                            Some(_) => (w.to, asker),
                        };
                        f(InFlight::Command {
                            from,
                            to,
                            packet: w.packet,
                            sent_at_ms: w.sent_at_ms,
                            arrives_at_ms: w.arrives_at_ms,
                        });
                    }
                }
                TimerKind::RpcHandled { .. }
                | TimerKind::RpcTimeout { .. }
                | TimerKind::CoordWake { .. }
                | TimerKind::Sweep { .. }
                | TimerKind::DualPublish { .. }
                | TimerKind::OutboxCleanup { .. }
                | TimerKind::ClientTimeout { .. }
                | TimerKind::BatchTimeout { .. }
                | TimerKind::CommitCheck { .. } => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{Command, Fault};
    use crate::config::{LinkFaults, SimConfig};
    use crate::ids::ProductId;

    /// Each delivery Product is handling at the moment, as (offset, repeat), sampled every ms.
    fn product_deliveries(sim: &mut Sim, until_ms: u64) -> Vec<(u64, bool)> {
        let mut seen = Vec::new();
        for t in 1..=until_ms {
            sim.advance_until(t);
            for f in sim.in_flight() {
                if let InFlight::Delivery { service: ServiceId::Product, offset, repeat, .. } = f
                    && seen.last() != Some(&(offset.0, repeat))
                {
                    seen.push((offset.0, repeat));
                }
            }
        }
        seen
    }

    #[test]
    fn a_redelivered_record_is_a_ghost_the_first_delivery_is_not() {
        let mut sim = Sim::new(SimConfig::default(), 3);
        let faults = LinkFaults { duplicate_probability: 1.0, ..LinkFaults::NONE };
        sim.apply(Command::Fault(Fault::SetLinkFaults { service: Some(ServiceId::Product), faults }));
        sim.apply(Command::PlaceOrder { product: ProductId(0), quantity: 1, idempotency_key: None });
        let seen = product_deliveries(&mut sim, 1_500);
        assert_eq!(&seen[..2], &[(0, false), (0, true)], "OrderPlaced at offset 0, then its ghost: {seen:?}");
    }
}
