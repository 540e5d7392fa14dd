//! Behaviour scenarios as a table: commands in, expected facts out.

mod support;

use saga_sim::{
    AccountStatus, CancelReason, Command, DeliveryStatus, Fault, IdempotencyKey, Invariant, MessageId, MsRange,
    OrderId, OrderStatus, Outcome, PlacementMode, ProductId, Rejection, Reply, Scenario, ServiceId, SimConfig,
    TimedCommand, TraceEvent,
};
use support::*;

/// A fact about the run.
#[derive(Debug)]
enum Expect {
    /// Order `o` ends in this status.
    Order(u32, OrderStatus),
    /// Product `p` ends with this stock.
    Stock(u16, i64),
    /// Order `o`'s delivery ends in this status (None: no delivery row).
    Delivery(u32, Option<DeliveryStatus>),
    /// The client received this reply.
    Replied(Reply),
    /// Some handler decided this.
    Decided(ServiceId, Outcome),
    /// The checker reported this invariant broken.
    Violated(Invariant),
    /// No violation at all, and the run converged.
    Clean,
    /// The checker never reported this invariant broken.
    NotViolated(Invariant),
    /// The checker reported this invariant broken exactly this many times, naming an order.
    ViolatedTimes(Invariant, u32),
    /// The trace holds an event matching this predicate (named for the failure message).
    Traced(&'static str, fn(&TraceEvent) -> bool),
    /// The trace holds no event matching this predicate.
    NotTraced(&'static str, fn(&TraceEvent) -> bool),
    /// At `at_ms`, order `o` has this status.
    OrderAt(u64, u32, OrderStatus),
    /// At `at_ms`, this service's lag is at least `n`.
    LagAtLeast(u64, ServiceId, u64),
    /// Order `o`'s row at Payment or Points ends in this status (None: no row).
    Account(ServiceId, u32, Option<AccountStatus>),
}

struct Case {
    name: &'static str,
    config: fn(&mut SimConfig),
    commands: Vec<TimedCommand>,
    expect: Vec<Expect>,
}

fn default(_: &mut SimConfig) {}

/// Fixed latencies make the timing of a crash exact.
fn fixed_timing(c: &mut SimConfig) {
    c.latency_ms = MsRange::new(50, 50);
    c.handle_ms = 10;
}

fn fixed_timing_not_idempotent(c: &mut SimConfig) {
    fixed_timing(c);
    c.idempotent_consumers = false;
}

fn waits(e: &TraceEvent) -> bool {
    matches!(e, TraceEvent::ClientWaits { .. })
}

fn accepted_at_once(e: &TraceEvent) -> bool {
    matches!(e, TraceEvent::Reply { reply: Reply::Accepted { .. } })
}

fn settled_answer(e: &TraceEvent) -> bool {
    matches!(e, TraceEvent::Reply { reply: Reply::Settled { .. } })
}

fn orchestration_impatient_client(c: &mut SimConfig) {
    orchestration(c);
    c.client_timeout_ms = 1_000;
}

fn orchestration_answers_at_once(c: &mut SimConfig) {
    orchestration(c);
    c.reply_timing = saga_sim::ReplyTiming::AtOnce;
}

fn choreography_waits(c: &mut SimConfig) {
    c.reply_timing = saga_sim::ReplyTiming::WhenSettled;
}

fn cancel_at_once(c: &mut SimConfig) {
    c.cancel_at_once = true;
}

fn always_reorder(c: &mut SimConfig) {
    c.link_faults.reorder_probability = 1.0;
}

fn tiny_log(c: &mut SimConfig) {
    c.limits.log_retention_records = 16;
}

fn tiny_outbox(c: &mut SimConfig) {
    c.limits.outbox_capacity = 4;
}

fn two_orders_max(c: &mut SimConfig) {
    c.limits.max_orders = 2;
}

fn always_duplicate(c: &mut SimConfig) {
    c.link_faults.duplicate_probability = 1.0;
}

fn always_reorder_not_idempotent(c: &mut SimConfig) {
    c.link_faults.reorder_probability = 1.0;
    c.idempotent_consumers = false;
}

fn lazy_commits_tiny_log(c: &mut SimConfig) {
    c.commit_interval_ms = 3_600_000;
    c.limits.log_retention_records = 16;
}

fn outbox_of_one(c: &mut SimConfig) {
    c.limits.outbox_capacity = 1;
}

fn orchestration(c: &mut SimConfig) {
    c.protocol = saga_sim::Protocol::Orchestration;
}

fn orchestration_notify_first(c: &mut SimConfig) {
    orchestration(c);
    c.orchestration.notify_first = true;
}

fn tcc_config(c: &mut SimConfig) {
    c.protocol = saga_sim::Protocol::Tcc;
}

fn guess_restock(c: &mut SimConfig) {
    c.restock_rule = saga_sim::config::RestockRule::GuessFromStock;
}

fn at_most_once(c: &mut SimConfig) {
    fixed_timing(c);
    c.delivery = saga_sim::config::DeliverySemantics::AtMostOnce;
}

fn product_publishes_first(c: &mut SimConfig) {
    c.publish[ServiceId::Product.index()] = saga_sim::config::PublishMode::PublishFirst;
}

fn product_publishes_first_commits_at_once(c: &mut SimConfig) {
    product_publishes_first(c);
    c.commit_interval_ms = 0;
}

fn order_dual_write(c: &mut SimConfig) {
    c.publish[ServiceId::Order.index()] = saga_sim::config::PublishMode::DualWrite;
}

fn tcc_operator(c: &mut SimConfig) {
    tcc_config(c);
    c.two_phase.strategy = saga_sim::StuckStrategy::OperatorAlert;
}

fn two_pc_config(c: &mut SimConfig) {
    c.protocol = saga_sim::Protocol::TwoPc;
}

fn two_pc_five(c: &mut SimConfig) {
    two_pc_config(c);
    c.two_phase.participants = 5;
}

fn tcc_five(c: &mut SimConfig) {
    tcc_config(c);
    c.two_phase.participants = 5;
}

fn tcc_sweep(c: &mut SimConfig) {
    tcc_config(c);
    c.two_phase.strategy = saga_sim::StuckStrategy::ParticipantSweep;
}

fn all_done(c: &mut SimConfig) {
    c.all_done_event = true;
}

fn all_done_on_bus(e: &TraceEvent) -> bool {
    matches!(e, TraceEvent::Appended { event_type: saga_sim::EventType::AllDone, .. })
}

fn tcc_four(c: &mut SimConfig) {
    tcc_config(c);
    c.two_phase.participants = 4;
}

fn cmd(at_ms: u64, command: Command) -> TimedCommand {
    TimedCommand { at_ms, command }
}

fn cases() -> Vec<Case> {
    use Expect::*;
    vec![
        // Seed 000's figure after "PENDING 이라는 메세지를 출력", the existing event system's way:
        // with the switch, Order publishes AllDone once both answers are in, and the order turns
        // CONFIRMED only when Order handles it; without it, PENDING clears silently.
        Case {
            name: "all-done event: AllDone goes on the bus, and the order confirms when Order handles it",
            config: all_done,
            commands: vec![place(0, 0, 2)],
            expect: vec![
                Decided(ServiceId::Order, Outcome::AllDoneEmitted),
                Decided(ServiceId::Order, Outcome::OrderConfirmed),
                Traced("AllDone appended to the bus", all_done_on_bus),
                Order(0, OrderStatus::Confirmed),
                Clean,
            ],
        },
        Case {
            name: "without the all-done switch PENDING clears silently: no AllDone",
            config: default,
            commands: vec![place(0, 0, 2)],
            expect: vec![
                NotTraced("AllDone appended to the bus", all_done_on_bus),
                Order(0, OrderStatus::Confirmed),
                Clean,
            ],
        },
        // Seed 002 §26, the seed's own case: the order is CANCELLED but Product's reservation was
        // never released (its Cancel was cut off and the coordinator gave up on it). Product's
        // sweeper finds the stale reservation, asks Order, and cancels it itself.
        Case {
            name: "TCC participant sweep: the order is CANCELLED, Product's reservation left; its sweeper asks Order and releases it",
            config: tcc_sweep,
            commands: vec![
                crash(0, ServiceId::Delivery),
                fault(
                    0,
                    Fault::AtNextDecision { then: saga_sim::DecisionTrap::Partition { service: ServiceId::Product } },
                ),
                place(10, 0, 1),
                fault(9_000, Fault::Heal { service: ServiceId::Product }),
                restart(9_000, ServiceId::Delivery),
            ],
            expect: vec![
                Order(0, OrderStatus::Cancelled(CancelReason::SagaFailed)),
                Traced("Product's sweeper asks Order and cancels its own reservation", |e| {
                    matches!(
                        e,
                        TraceEvent::SweptOwnReservation {
                            service: ServiceId::Product,
                            status: OrderStatus::Cancelled(_),
                            result: saga_sim::RpcResult::Done,
                            ..
                        }
                    )
                }),
                Stock(0, 10),
                Clean,
            ],
        },
        // Seed 002: a commit that fails after a yes vote is retried by the coordinator until it
        // lands, and the participant, which voted yes, never rolls back on its own.
        Case {
            name: "2PC: a commit cut off after the yes votes is retried until it lands; nothing rolls back",
            config: two_pc_config,
            commands: vec![
                fault(
                    0,
                    Fault::AtNextDecision { then: saga_sim::DecisionTrap::Partition { service: ServiceId::Product } },
                ),
                place(10, 0, 1),
                fault(6_000, Fault::Heal { service: ServiceId::Product }),
            ],
            expect: vec![
                Traced("the coordinator retries Commit at Product", |e| {
                    matches!(
                        e,
                        TraceEvent::SagaDecided {
                            decision: saga_sim::SagaDecision::Retry {
                                rpc: saga_sim::Rpc::Commit { at: ServiceId::Product },
                                ..
                            },
                            ..
                        }
                    )
                }),
                NotTraced(
                    "an abort",
                    |e| matches!(e, TraceEvent::RpcSent { packet, .. } if matches!(packet.rpc, saga_sim::Rpc::Abort { .. })),
                ),
                Order(0, OrderStatus::Confirmed),
                Stock(0, 9),
                Clean,
            ],
        },
        // Seed 001: more participants. Payment and Points vote and carry out the decision like
        // the three services, each in a table of its own.
        Case {
            name: "TCC with five participants: Payment and Points charge a confirmed order",
            config: tcc_five,
            commands: vec![place(0, 0, 1)],
            expect: vec![
                Order(0, OrderStatus::Confirmed),
                Account(ServiceId::Payment, 0, Some(AccountStatus::Charged)),
                Account(ServiceId::Points, 0, Some(AccountStatus::Charged)),
                Clean,
            ],
        },
        Case {
            name: "TCC with four participants: Payment takes part, Points does not",
            config: tcc_four,
            commands: vec![place(0, 0, 1), fault(5, Fault::Crash { service: ServiceId::Points })],
            expect: vec![
                Order(0, OrderStatus::Confirmed),
                Account(ServiceId::Payment, 0, Some(AccountStatus::Charged)),
                Account(ServiceId::Points, 0, None),
                Traced("a crash of a node not in play is refused", |e| {
                    matches!(e, TraceEvent::Refused { reason: saga_sim::Refusal::NotInPlay })
                }),
                Clean,
            ],
        },
        Case {
            name: "2PC with five participants: a cancel after the commit gives back the charge at Payment and Points",
            config: two_pc_five,
            commands: vec![place(0, 0, 1), cancel(3_000, 0)],
            expect: vec![
                Order(0, OrderStatus::Cancelled(CancelReason::UserRequest)),
                Account(ServiceId::Payment, 0, Some(AccountStatus::Refunded)),
                Account(ServiceId::Points, 0, Some(AccountStatus::Refunded)),
                Delivery(0, Some(DeliveryStatus::Cancelled)),
                Clean,
            ],
        },
        Case {
            name: "2PC with five participants: Payment down through the vote aborts; it releases when back",
            config: two_pc_five,
            commands: vec![
                fault(0, Fault::Crash { service: ServiceId::Payment }),
                place(10, 0, 1),
                fault(20_000, Fault::Restart { service: ServiceId::Payment }),
            ],
            expect: vec![
                Order(0, OrderStatus::Cancelled(CancelReason::SagaFailed)),
                Account(ServiceId::Payment, 0, Some(AccountStatus::Released)),
                Account(ServiceId::Points, 0, Some(AccountStatus::Released)),
                Delivery(0, Some(DeliveryStatus::Cancelled)),
                Clean,
            ],
        },
        Case {
            name: "place: PENDING, then CONFIRMED when both answers are in",
            config: default,
            commands: vec![place(0, 0, 2)],
            expect: vec![
                OrderAt(1, 0, OrderStatus::Pending),
                Order(0, OrderStatus::Confirmed),
                Stock(0, 8),
                Delivery(0, Some(DeliveryStatus::Started)),
                Decided(ServiceId::Order, Outcome::AwaitingOtherReply),
                Decided(ServiceId::Order, Outcome::OrderConfirmed),
                Clean,
            ],
        },
        Case {
            name: "user cancel after confirmation: delivery cancelled, stock restored",
            config: default,
            commands: vec![place(0, 0, 2), cancel(2_000, 0)],
            expect: vec![
                Order(0, OrderStatus::Cancelled(CancelReason::UserRequest)),
                Stock(0, 10),
                Delivery(0, Some(DeliveryStatus::Cancelled)),
                Replied(Reply::CancelAccepted { order: OrderId(0) }),
                Clean,
            ],
        },
        Case {
            name: "user cancel while still PENDING",
            config: default,
            commands: vec![place(0, 0, 2), cancel(10, 0)],
            expect: vec![Order(0, OrderStatus::Cancelled(CancelReason::UserRequest)), Stock(0, 10), Clean],
        },
        Case {
            name: "out of stock: rollback, and Product ignores the echo by causation id",
            config: default,
            commands: vec![place(0, 1, 5)],
            expect: vec![
                Order(0, OrderStatus::Cancelled(CancelReason::OutOfStock)),
                Stock(1, 3),
                Delivery(0, Some(DeliveryStatus::Cancelled)),
                Traced("Product ignores its own echo", |e| {
                    matches!(
                        e,
                        TraceEvent::Handled {
                            service: ServiceId::Product,
                            outcome: Outcome::EchoOfOwnEvent { .. },
                            ..
                        }
                    )
                }),
                Clean,
            ],
        },
        Case {
            name: "Product down: the order stays PENDING while its lag grows, then catches up",
            config: default,
            commands: vec![
                crash(0, ServiceId::Product),
                place(100, 0, 1),
                place(200, 1, 1),
                restart(5_000, ServiceId::Product),
            ],
            expect: vec![
                OrderAt(4_000, 0, OrderStatus::Pending),
                LagAtLeast(4_000, ServiceId::Product, 3),
                Order(0, OrderStatus::Confirmed),
                Order(1, OrderStatus::Confirmed),
                Clean,
            ],
        },
        Case {
            name: "Product partitioned: same story as a crash, healed by repairing the link",
            config: default,
            commands: vec![
                fault(0, Fault::Partition { service: ServiceId::Product }),
                place(100, 0, 1),
                fault(5_000, Fault::Heal { service: ServiceId::Product }),
            ],
            expect: vec![OrderAt(4_000, 0, OrderStatus::Pending), Order(0, OrderStatus::Confirmed), Clean],
        },
        Case {
            name: "CP refuses orders while Product is unreachable",
            config: |c| c.placement = PlacementMode::Cp,
            commands: vec![
                crash(0, ServiceId::Product),
                place(100, 0, 1),
                restart(1_000, ServiceId::Product),
                place(1_100, 0, 1),
            ],
            expect: vec![
                Replied(Reply::Rejected { reason: Rejection::ProductUnreachable }),
                Order(0, OrderStatus::Confirmed),
                Clean,
            ],
        },
        Case {
            name: "AP accepts the same order as PENDING",
            config: |c| c.placement = PlacementMode::Ap,
            commands: vec![crash(0, ServiceId::Product), place(100, 0, 1), restart(1_000, ServiceId::Product)],
            expect: vec![Replied(Reply::Accepted { order: OrderId(0) }), Order(0, OrderStatus::Confirmed), Clean],
        },
        Case {
            name: "a resubmitted request with the same key makes one order",
            config: default,
            commands: vec![
                cmd(
                    0,
                    Command::PlaceOrder {
                        product: ProductId(0),
                        quantity: 1,
                        idempotency_key: Some(IdempotencyKey(9)),
                    },
                ),
                cmd(
                    30,
                    Command::PlaceOrder {
                        product: ProductId(0),
                        quantity: 1,
                        idempotency_key: Some(IdempotencyKey(9)),
                    },
                ),
            ],
            expect: vec![Replied(Reply::AlreadyPlaced { order: OrderId(0) }), Stock(0, 9), Clean],
        },
        Case {
            name: "crash after handling, before the commit: redelivered, and the duplicate is ignored",
            config: fixed_timing,
            // OrderPlaced reaches the log at 50, Product handles it 100..110, its commit would
            // reach the bus at 160: the crash at 130 loses it.
            commands: vec![place(0, 0, 1), crash(130, ServiceId::Product), restart(300, ServiceId::Product)],
            expect: vec![
                Traced("Product resumes with a record to re-read", |e| {
                    matches!(e, TraceEvent::ConsumerResumed { service: ServiceId::Product, rereads: 1.., .. })
                }),
                Decided(ServiceId::Product, Outcome::DuplicateIgnored),
                Stock(0, 9),
                Clean,
            ],
        },
        Case {
            name: "the same redelivery without idempotency takes the stock twice",
            config: fixed_timing_not_idempotent,
            commands: vec![place(0, 0, 1), crash(130, ServiceId::Product), restart(300, ServiceId::Product)],
            expect: vec![Stock(0, 8), Violated(Invariant::AtMostOnceEffect), Violated(Invariant::StockConserved)],
        },
        Case {
            name: "a cancel after the parcel was handed over breaks safety",
            config: default,
            commands: vec![
                place(0, 0, 1),
                cmd(2_000, Command::CompleteDelivery { order: OrderId(0) }),
                cancel(2_100, 0),
            ],
            expect: vec![
                Decided(ServiceId::Delivery, Outcome::CancelTooLate),
                Violated(Invariant::NoCompletedDeliveryForCancelledOrder),
                // Delivery cannot undo its part, so the cancel never completes.
                Order(0, OrderStatus::Cancelling(CancelReason::UserRequest)),
                Violated(Invariant::EveryOrderFinal),
            ],
        },
        Case {
            name: "cancelled at once (cancel_at_once), the same cancel breaks the delivery check",
            config: cancel_at_once,
            commands: vec![
                place(0, 0, 1),
                cmd(2_000, Command::CompleteDelivery { order: OrderId(0) }),
                cancel(2_100, 0),
            ],
            expect: vec![
                Order(0, OrderStatus::Cancelled(CancelReason::UserRequest)),
                Violated(Invariant::NoCompletedDeliveryForCancelledOrder),
                Violated(Invariant::DeliveryMatchesOrder),
            ],
        },
        Case {
            name: "choreography answers at once with PENDING (seed 002 §44)",
            config: default,
            commands: vec![place(0, 0, 2)],
            expect: vec![Replied(Reply::Accepted { order: OrderId(0) }), NotTraced("a client waiting", waits), Clean],
        },
        Case {
            name: "orchestration answers when all is done: the client waits, then hears CONFIRMED",
            config: orchestration,
            commands: vec![place(0, 0, 2)],
            expect: vec![
                Traced("a client waiting", waits),
                Replied(Reply::Settled { order: OrderId(0), status: OrderStatus::Confirmed }),
                NotTraced("an answer at once", accepted_at_once),
                Clean,
            ],
        },
        Case {
            name: "a waiting client gives up after its timeout; the order goes on without it",
            config: orchestration_impatient_client,
            commands: vec![crash(0, ServiceId::Delivery), place(10, 0, 2), restart(3_000, ServiceId::Delivery)],
            expect: vec![
                Replied(Reply::TimedOut { order: OrderId(0) }),
                NotTraced("a settled answer", settled_answer),
                Clean,
            ],
        },
        Case {
            name: "the switch: orchestration answering at once with PENDING",
            config: orchestration_answers_at_once,
            commands: vec![place(0, 0, 2)],
            expect: vec![Replied(Reply::Accepted { order: OrderId(0) }), NotTraced("a client waiting", waits), Clean],
        },
        Case {
            name: "the switch: choreography answering only when the order is settled",
            config: choreography_waits,
            commands: vec![place(0, 0, 2), cancel(3_000, 0)],
            expect: vec![
                Replied(Reply::Settled { order: OrderId(0), status: OrderStatus::Confirmed }),
                Replied(Reply::Settled {
                    order: OrderId(0),
                    status: OrderStatus::Cancelled(CancelReason::UserRequest),
                }),
                Clean,
            ],
        },
        Case {
            name: "cancel accepted, then completed (seed 000): CANCELLING until both compensations are confirmed",
            config: fixed_timing,
            commands: vec![place(0, 0, 2), cancel(2_000, 0)],
            expect: vec![
                Replied(Reply::CancelAccepted { order: OrderId(0) }),
                OrderAt(2_001, 0, OrderStatus::Cancelling(CancelReason::UserRequest)),
                Decided(
                    ServiceId::Product,
                    Outcome::StockRestored { product: ProductId(0), quantity: 2, stock_after: 10, again: false },
                ),
                Decided(ServiceId::Delivery, Outcome::DeliveryCancelled),
                Decided(ServiceId::Order, Outcome::AwaitingOtherReply),
                Decided(ServiceId::Order, Outcome::CancelConfirmed),
                Order(0, OrderStatus::Cancelled(CancelReason::UserRequest)),
                Stock(0, 10),
                Clean,
            ],
        },
        Case {
            name: "cancelled at once (cancel_at_once): CANCELLED before any compensation is done",
            config: cancel_at_once,
            commands: vec![place(0, 0, 2), cancel(2_000, 0)],
            expect: vec![
                Replied(Reply::Cancelled { order: OrderId(0) }),
                OrderAt(2_001, 0, OrderStatus::Cancelled(CancelReason::UserRequest)),
                Stock(0, 10),
                Clean,
            ],
        },
        Case {
            name: "out of stock: CANCELLING until Delivery confirms; Product gives nothing back",
            config: default,
            commands: vec![place(0, 1, 5)],
            expect: vec![
                Decided(ServiceId::Order, Outcome::OrderCancelled { reason: CancelReason::OutOfStock }),
                Decided(ServiceId::Order, Outcome::CancelConfirmed),
                Order(0, OrderStatus::Cancelled(CancelReason::OutOfStock)),
                Stock(1, 3),
                Clean,
            ],
        },
        Case {
            name: "a cancel that overtakes its order is still answered, so it completes",
            config: always_reorder,
            // OrderPlaced's batch takes a detour; the weather clears before the cancel's.
            commands: vec![
                place(0, 0, 2),
                cmd(1, Command::Fault(Fault::SetLinkFaults { service: None, faults: saga_sim::LinkFaults::NONE })),
                cancel(2, 0),
            ],
            expect: vec![
                Decided(ServiceId::Delivery, Outcome::CancelledBeforePlaced),
                Decided(ServiceId::Product, Outcome::CancelledBeforePlaced),
                Decided(ServiceId::Order, Outcome::CancelConfirmed),
                Order(0, OrderStatus::Cancelled(CancelReason::UserRequest)),
                Stock(0, 10),
                Clean,
            ],
        },
        Case {
            name: "orchestration: the cancel completes when the saga's last undo, RejectOrder, reaches Order",
            config: orchestration,
            commands: vec![place(0, 0, 3), cancel(2_000, 0)],
            expect: vec![
                OrderAt(2_001, 0, OrderStatus::Cancelling(CancelReason::UserRequest)),
                Order(0, OrderStatus::Cancelled(CancelReason::UserRequest)),
                Stock(0, 10),
                Clean,
            ],
        },
        Case {
            name: "2PC: a committed order's cancel completes when Order hears the abort, last",
            config: two_pc_config,
            commands: vec![place(0, 0, 3), cancel(3_000, 0)],
            expect: vec![
                OrderAt(3_001, 0, OrderStatus::Cancelling(CancelReason::UserRequest)),
                Order(0, OrderStatus::Cancelled(CancelReason::UserRequest)),
                Stock(0, 10),
                Delivery(0, Some(DeliveryStatus::Cancelled)),
                Clean,
            ],
        },
        Case {
            name: "log retention deleting unread records is reported, not silent",
            config: tiny_log,
            commands: {
                let mut v = vec![crash(0, ServiceId::Delivery)];
                v.extend((0..12).map(|i| place(100 + i * 10, 0, 1)));
                v.push(restart(10_000, ServiceId::Delivery));
                v
            },
            expect: vec![
                Traced("Delivery loses records to retention", |e| {
                    matches!(e, TraceEvent::OffsetReset { service: ServiceId::Delivery, .. })
                }),
                Violated(Invariant::NoMessageLostToRetention),
                Violated(Invariant::EveryOrderFinal),
            ],
        },
        Case {
            name: "a full outbox refuses new orders instead of growing",
            config: tiny_outbox,
            commands: {
                let mut v = vec![fault(0, Fault::Partition { service: ServiceId::Order })];
                v.extend((0..5).map(|i| place(10 + i, 0, 1)));
                v.push(fault(3_000, Fault::Heal { service: ServiceId::Order }));
                v
            },
            expect: vec![
                Replied(Reply::Rejected { reason: Rejection::OutboxFull }),
                Order(1, OrderStatus::Confirmed),
                Clean,
            ],
        },
        Case {
            name: "the order table's bound refuses with a reason",
            config: two_orders_max,
            commands: vec![place(0, 0, 1), place(1, 0, 1), place(2, 0, 1)],
            expect: vec![Replied(Reply::Rejected { reason: Rejection::OrderLimitReached }), Clean],
        },
        Case {
            name: "bad requests are refused with reasons, nothing breaks",
            config: default,
            commands: vec![
                place(0, 7, 1),
                place(1, 0, 0),
                place(2, 0, 5_000),
                cancel(3, 42),
                cmd(4, Command::SetStock { product: ProductId(0), stock: -5 }),
                cmd(5, Command::SetStock { product: ProductId(9), stock: 5 }),
                cmd(6, Command::CompleteDelivery { order: OrderId(77) }),
            ],
            expect: vec![
                Replied(Reply::Rejected { reason: Rejection::UnknownProduct }),
                Replied(Reply::Rejected { reason: Rejection::BadQuantity }),
                Replied(Reply::Rejected { reason: Rejection::UnknownOrder }),
                Traced("bad stock refused", |e| matches!(e, TraceEvent::Refused { .. })),
                Stock(0, 10),
                Clean,
            ],
        },
        Case {
            name: "regression: a 100 % duplicate chance redelivers once, it does not hang",
            config: always_duplicate,
            commands: vec![place(0, 0, 1)],
            expect: vec![Decided(ServiceId::Product, Outcome::DuplicateIgnored), Stock(0, 9), Clean],
        },
        Case {
            name: "regression: set-stock respects the outbox bound",
            config: tiny_outbox,
            commands: {
                let mut v = vec![fault(0, Fault::Partition { service: ServiceId::Product })];
                v.extend((0..6).map(|i| cmd(10 + i, Command::SetStock { product: ProductId(0), stock: i as i64 })));
                v.push(fault(3_000, Fault::Heal { service: ServiceId::Product }));
                v
            },
            expect: vec![
                Traced("refused: outbox full", |e| {
                    matches!(e, TraceEvent::Refused { reason: saga_sim::trace::Refusal::OutboxFull })
                }),
                Clean,
            ],
        },
        Case {
            name: "regression: records handled before a restart are not reported lost to retention",
            config: lazy_commits_tiny_log,
            commands: {
                let mut v: Vec<_> = (0..8).map(|i| place(i * 10, 0, 1)).collect();
                v.push(crash(5_000, ServiceId::Product));
                v.push(restart(6_000, ServiceId::Product));
                v
            },
            expect: vec![NotViolated(Invariant::NoMessageLostToRetention), Stock(0, 2)],
        },
        Case {
            name: "regression: reordering alone causes no duplicate",
            config: always_reorder_not_idempotent,
            commands: vec![place(0, 0, 1), place(5, 1, 1)],
            expect: vec![NotViolated(Invariant::AtMostOnceEffect), Clean],
        },
        Case {
            name: "regression: an outbox capacity below the headroom is raised, not a deadlock",
            config: outbox_of_one,
            commands: vec![place(0, 0, 1)],
            expect: vec![Order(0, OrderStatus::Confirmed), Clean],
        },
        Case {
            name: "a lasting inconsistency is counted once, naming the order",
            config: default,
            commands: vec![
                place(0, 0, 1),
                cmd(2_000, Command::CompleteDelivery { order: OrderId(0) }),
                cancel(2_100, 0),
                place(9_000, 1, 1),
                place(15_000, 1, 1),
            ],
            expect: vec![ViolatedTimes(Invariant::NoCompletedDeliveryForCancelledOrder, 1)],
        },
        Case {
            name: "orchestration: the happy path confirms and notifies",
            config: orchestration,
            commands: vec![place(0, 0, 2)],
            expect: vec![
                Order(0, OrderStatus::Confirmed),
                Stock(0, 8),
                Delivery(0, Some(DeliveryStatus::Started)),
                Clean,
            ],
        },
        Case {
            name: "orchestration: out of stock is compensated, nobody was told anything",
            config: orchestration,
            commands: vec![place(0, 1, 5)],
            expect: vec![
                Order(0, OrderStatus::Cancelled(CancelReason::OutOfStock)),
                Stock(1, 3),
                NotViolated(Invariant::NoNotificationForCancelledOrder),
                Clean,
            ],
        },
        Case {
            name: "orchestration with the irreversible step first: the customer is told, then cancelled",
            config: orchestration_notify_first,
            commands: vec![place(0, 1, 5)],
            expect: vec![
                Order(0, OrderStatus::Cancelled(CancelReason::OutOfStock)),
                Violated(Invariant::NoNotificationForCancelledOrder),
            ],
        },
        Case {
            name: "orchestration: a brief outage is ridden out by retries (forward recovery)",
            config: orchestration,
            commands: vec![crash(0, ServiceId::Delivery), place(10, 0, 1), restart(900, ServiceId::Delivery)],
            expect: vec![
                Traced("a retry", |e| {
                    matches!(
                        e,
                        TraceEvent::SagaDecided {
                            decision: saga_sim::services::coordinator::SagaDecision::Retry { .. },
                            ..
                        }
                    )
                }),
                Order(0, OrderStatus::Confirmed),
                Clean,
            ],
        },
        Case {
            name: "orchestration: a long outage ends in backward recovery and a cleared registry",
            config: orchestration,
            commands: vec![crash(0, ServiceId::Delivery), place(10, 0, 1), restart(12_000, ServiceId::Delivery)],
            expect: vec![
                Traced("parked in the registry", |e| {
                    matches!(
                        e,
                        TraceEvent::SagaDecided {
                            decision: saga_sim::services::coordinator::SagaDecision::Parked { .. },
                            ..
                        }
                    )
                }),
                Order(0, OrderStatus::Cancelled(CancelReason::SagaFailed)),
                Stock(0, 10),
                Clean,
            ],
        },
        Case {
            name: "orchestration: the customer cancels mid-saga; what may have happened is undone",
            config: orchestration,
            commands: vec![place(0, 0, 3), cancel(300, 0)],
            expect: vec![Order(0, OrderStatus::Cancelled(CancelReason::UserRequest)), Stock(0, 10), Clean],
        },
        Case {
            name: "an operator sets stock to zero: the next order is rolled back",
            config: default,
            commands: vec![cmd(0, Command::SetStock { product: ProductId(0), stock: 0 }), place(500, 0, 1)],
            expect: vec![Order(0, OrderStatus::Cancelled(CancelReason::OutOfStock)), Stock(0, 0), Clean],
        },
        Case {
            name: "TCC: the customer cannot cancel while Try holds the order; a confirmed order is given back",
            config: tcc_config,
            commands: vec![place(0, 0, 3), cancel(400, 0), cancel(2_000, 0)],
            expect: vec![
                Replied(Reply::Rejected { reason: Rejection::OrderLocked }),
                // TCC answers when all is done (seed 002 §44): the cancel's answer is the outcome.
                Replied(Reply::Settled {
                    order: OrderId(0),
                    status: OrderStatus::Cancelled(CancelReason::UserRequest),
                }),
                Order(0, OrderStatus::Cancelled(CancelReason::UserRequest)),
                Stock(0, 10),
                Delivery(0, Some(DeliveryStatus::Cancelled)),
                Clean,
            ],
        },
        Case {
            name: "TCC: a cancel before Try reaches Order is a no vote; everything is released",
            config: tcc_config,
            commands: vec![place(0, 0, 3), cancel(50, 0)],
            expect: vec![Order(0, OrderStatus::Cancelled(CancelReason::UserRequest)), Stock(0, 10), Clean],
        },
        Case {
            name: "the stock-level guess (a tempting shortcut) loses the last units on a legitimate cancel",
            config: guess_restock,
            // Monitor has 3: the order takes all of them, then the customer cancels.
            commands: vec![place(0, 1, 3), cancel(2_000, 0)],
            expect: vec![
                Decided(ServiceId::Product, Outcome::GuessedNoRestock { stock: 0 }),
                Order(0, OrderStatus::Cancelled(CancelReason::UserRequest)),
                Stock(1, 0),
                Violated(Invariant::StockConserved),
                Violated(Invariant::StockMatchesOrder),
            ],
        },
        Case {
            name: "the causation-id rule gives the last units back on the same cancel",
            config: default,
            commands: vec![place(0, 1, 3), cancel(2_000, 0)],
            expect: vec![Order(0, OrderStatus::Cancelled(CancelReason::UserRequest)), Stock(1, 3), Clean],
        },
        Case {
            name: "a flaky client resubmits; the same idempotency key gives exactly one order",
            config: default,
            commands: vec![cmd(0, Command::SetFlakyClient { on: true }), place(10, 0, 2)],
            expect: vec![
                Traced("reply lost", |e| matches!(e, TraceEvent::ReplyLost { .. })),
                Replied(Reply::AlreadyPlaced { order: OrderId(0) }),
                Order(0, OrderStatus::Confirmed),
                Stock(0, 8),
                Clean,
            ],
        },
        Case {
            name: "a flaky client keeps resubmitting while Order is down, until its key is recognised",
            config: default,
            commands: vec![
                cmd(0, Command::SetFlakyClient { on: true }),
                place(10, 0, 1),
                crash(200, ServiceId::Order),
                restart(1_000, ServiceId::Order),
            ],
            expect: vec![
                Replied(Reply::Rejected { reason: Rejection::OrderServiceDown }),
                Replied(Reply::AlreadyPlaced { order: OrderId(0) }),
                Order(0, OrderStatus::Confirmed),
                Clean,
            ],
        },
        Case {
            name: "a flaky client's order whose OrderPlaced a dual write lost is still reported PENDING",
            config: order_dual_write,
            commands: vec![
                cmd(0, Command::SetFlakyClient { on: true }),
                fault(0, Fault::CrashAfterCommit { service: ServiceId::Order }),
                place(10, 0, 1),
                restart(1_000, ServiceId::Order),
            ],
            expect: vec![Violated(Invariant::NoEventLost), Violated(Invariant::EveryOrderFinal)],
        },
        Case {
            name: "at-most-once: a consumer that committed before handling and crashed loses the record",
            config: at_most_once,
            commands: vec![
                fault(0, Fault::SetHandleTime { service: ServiceId::Product, handle_ms: 2_000 }),
                place(10, 0, 1),
                crash(800, ServiceId::Product),
                restart(3_000, ServiceId::Product),
                fault(3_000, Fault::SetHandleTime { service: ServiceId::Product, handle_ms: 10 }),
            ],
            expect: vec![
                Traced("record lost", |e| matches!(e, TraceEvent::RecordLost { service: ServiceId::Product, .. })),
                Violated(Invariant::NoEventLost),
                Order(0, OrderStatus::Pending),
                Stock(0, 10),
            ],
        },
        Case {
            name: "at-least-once: the same crash makes the bus deliver the record again",
            config: fixed_timing,
            commands: vec![
                fault(0, Fault::SetHandleTime { service: ServiceId::Product, handle_ms: 2_000 }),
                place(10, 0, 1),
                crash(800, ServiceId::Product),
                restart(3_000, ServiceId::Product),
                fault(3_000, Fault::SetHandleTime { service: ServiceId::Product, handle_ms: 10 }),
            ],
            expect: vec![NotViolated(Invariant::NoEventLost), Order(0, OrderStatus::Confirmed), Stock(0, 9), Clean],
        },
        Case {
            name: "dual write: a crash between commit and publish loses OrderPlaced; the order is PENDING for ever",
            config: order_dual_write,
            commands: vec![
                fault(0, Fault::CrashAfterCommit { service: ServiceId::Order }),
                place(10, 0, 1),
                restart(1_000, ServiceId::Order),
            ],
            expect: vec![
                Traced("event lost", |e| matches!(e, TraceEvent::EventLost { service: ServiceId::Order, .. })),
                Violated(Invariant::NoEventLost),
                Violated(Invariant::EveryOrderFinal),
                Order(0, OrderStatus::Pending),
                Stock(0, 10),
            ],
        },
        Case {
            name: "publish first: Product's commit fails after ProductChanged went out; Order confirms an order with no stock taken",
            config: product_publishes_first,
            commands: vec![fault(0, Fault::CrashAfterCommit { service: ServiceId::Product }), place(10, 0, 1)],
            expect: vec![
                Traced("rolled back", |e| {
                    matches!(e, TraceEvent::RolledBack { service: ServiceId::Product, messages: 1, .. })
                }),
                Violated(Invariant::NoPhantomEvent),
                Violated(Invariant::NoConfirmedOrderWithoutStock),
                Order(0, OrderStatus::Confirmed),
                Stock(0, 10),
            ],
        },
        Case {
            name: "publish first: after the restart Product handles OrderPlaced again and takes the stock",
            config: product_publishes_first,
            commands: vec![
                fault(0, Fault::CrashAfterCommit { service: ServiceId::Product }),
                place(10, 0, 1),
                restart(1_000, ServiceId::Product),
            ],
            expect: vec![Violated(Invariant::NoPhantomEvent), Order(0, OrderStatus::Confirmed), Stock(0, 9)],
        },
        Case {
            name: "publish first, offsets committed at once: the rolled-back record is still read again after the restart",
            config: product_publishes_first_commits_at_once,
            commands: vec![
                fault(0, Fault::CrashAfterCommit { service: ServiceId::Product }),
                place(10, 0, 1),
                restart(1_000, ServiceId::Product),
            ],
            expect: vec![Violated(Invariant::NoPhantomEvent), Order(0, OrderStatus::Confirmed), Stock(0, 9)],
        },
        Case {
            name: "publish first: a dead letter replayed into a failing commit stays in the queue, and a second replay lands",
            config: product_publishes_first,
            commands: vec![
                fault(0, Fault::FailHandling { service: ServiceId::Product, on: true }),
                place(10, 0, 1),
                fault(3_000, Fault::FailHandling { service: ServiceId::Product, on: false }),
                fault(3_000, Fault::CrashAfterCommit { service: ServiceId::Product }),
                cmd(3_500, Command::ReplayDeadLetter { service: ServiceId::Product, message: MessageId(0) }),
                restart(4_000, ServiceId::Product),
                cmd(4_500, Command::ReplayDeadLetter { service: ServiceId::Product, message: MessageId(0) }),
            ],
            expect: vec![
                Traced("rolled back", |e| matches!(e, TraceEvent::RolledBack { service: ServiceId::Product, .. })),
                Traced("the second replay", |e| {
                    matches!(
                        e,
                        TraceEvent::Handled { service: ServiceId::Product, outcome: Outcome::StockTaken { .. }, .. }
                    )
                }),
                NotViolated(Invariant::NoEventLost),
                Order(0, OrderStatus::Confirmed),
                Stock(0, 9),
            ],
        },
        Case {
            // Found by the property test over fault schedules: healing the coordinator's link
            // under choreography used to start its consumer, which ran an orchestrated saga too.
            name: "a fault aimed at a service the protocol does not run is refused and changes nothing",
            config: default,
            commands: vec![
                place(0, 0, 1),
                fault(0, Fault::Partition { service: ServiceId::Coordinator }),
                fault(2_000, Fault::Heal { service: ServiceId::Coordinator }),
                fault(2_000, Fault::Restart { service: ServiceId::Coordinator }),
            ],
            expect: vec![
                Traced("refused", |e| matches!(e, TraceEvent::Refused { reason: saga_sim::trace::Refusal::NotInPlay })),
                Order(0, OrderStatus::Confirmed),
                Stock(0, 9),
                Clean,
            ],
        },
        Case {
            name: "publish first without a failing commit behaves like the outbox",
            config: product_publishes_first,
            commands: vec![place(10, 0, 1)],
            expect: vec![NotViolated(Invariant::NoPhantomEvent), Order(0, OrderStatus::Confirmed), Stock(0, 9), Clean],
        },
        Case {
            name: "outbox: the same crash loses nothing; the relay publishes after the restart",
            config: default,
            commands: vec![
                fault(0, Fault::CrashAfterCommit { service: ServiceId::Order }),
                place(10, 0, 1),
                restart(1_000, ServiceId::Order),
            ],
            expect: vec![NotViolated(Invariant::NoEventLost), Order(0, OrderStatus::Confirmed), Stock(0, 9), Clean],
        },
        Case {
            name: "outbox: a relay that crashes before the ack publishes twice; idempotent consumers absorb it",
            config: fixed_timing,
            commands: vec![place(0, 0, 1), crash(60, ServiceId::Order), restart(300, ServiceId::Order)],
            expect: vec![
                Decided(ServiceId::Product, Outcome::DuplicateIgnored),
                Order(0, OrderStatus::Confirmed),
                Stock(0, 9),
                Clean,
            ],
        },
        Case {
            name: "a failing handler is retried, then dead-lettered; once fixed, a replay completes the order",
            config: default,
            commands: vec![
                fault(0, Fault::FailHandling { service: ServiceId::Product, on: true }),
                place(10, 0, 1),
                fault(3_000, Fault::FailHandling { service: ServiceId::Product, on: false }),
                cmd(3_500, Command::ReplayDeadLetter { service: ServiceId::Product, message: MessageId(0) }),
            ],
            expect: vec![
                Traced("dead-lettered after 3 attempts", |e| {
                    matches!(
                        e,
                        TraceEvent::DeadLetter {
                            action: saga_sim::trace::DeadLetterAction::Queued { attempts: 3 },
                            ..
                        }
                    )
                }),
                OrderAt(3_400, 0, OrderStatus::Pending),
                Order(0, OrderStatus::Confirmed),
                Stock(0, 9),
                Clean,
            ],
        },
        Case {
            name: "a poison message is dead-lettered everywhere; discarding it leaves the order PENDING for ever",
            config: default,
            commands: vec![
                fault(0, Fault::PoisonNextEvent { service: ServiceId::Order }),
                place(10, 0, 1),
                cmd(4_000, Command::ReplayDeadLetter { service: ServiceId::Product, message: MessageId(0) }),
                cmd(4_100, Command::DiscardDeadLetter { service: ServiceId::Product, message: MessageId(0) }),
                cmd(4_100, Command::DiscardDeadLetter { service: ServiceId::Delivery, message: MessageId(0) }),
            ],
            expect: vec![
                Traced("replayed poison fails again", |e| {
                    matches!(e, TraceEvent::HandlerFailed { attempt: 4, retry_at_ms: None, .. })
                }),
                Order(0, OrderStatus::Pending),
                Violated(Invariant::EveryOrderFinal),
                NotViolated(Invariant::NoEventLost),
            ],
        },
        Case {
            name: "a poison message, fixed by a person, then replayed at each consumer, confirms the order",
            config: default,
            commands: vec![
                fault(0, Fault::PoisonNextEvent { service: ServiceId::Order }),
                place(10, 0, 1),
                // Replayed before it is fixed, it fails again; fixed once, it succeeds everywhere.
                cmd(4_000, Command::ReplayDeadLetter { service: ServiceId::Product, message: MessageId(0) }),
                cmd(4_100, Command::FixDeadLetter { service: ServiceId::Product, message: MessageId(0) }),
                cmd(4_200, Command::ReplayDeadLetter { service: ServiceId::Product, message: MessageId(0) }),
                cmd(4_300, Command::ReplayDeadLetter { service: ServiceId::Delivery, message: MessageId(0) }),
            ],
            expect: vec![
                Traced("dead-lettered as poison", |e| {
                    matches!(e, TraceEvent::DeadLetter { action: saga_sim::trace::DeadLetterAction::Queued { .. }, .. })
                }),
                Traced("fixed by a person", |e| {
                    matches!(e, TraceEvent::DeadLetter { action: saga_sim::trace::DeadLetterAction::Fixed, .. })
                }),
                OrderAt(4_150, 0, OrderStatus::Pending),
                Order(0, OrderStatus::Confirmed),
                Stock(0, 9),
                Clean,
            ],
        },
        Case {
            name: "a handler that fails is the service's error, not the message's: there is nothing to fix",
            config: default,
            commands: vec![
                fault(0, Fault::FailHandling { service: ServiceId::Product, on: true }),
                place(10, 0, 1),
                cmd(3_000, Command::FixDeadLetter { service: ServiceId::Product, message: MessageId(0) }),
            ],
            expect: vec![Traced("refused: not a poison letter", |e| {
                matches!(e, TraceEvent::Refused { reason: saga_sim::trace::Refusal::NoSuchDeadLetter })
            })],
        },
        Case {
            name: "TCC: a parcel handed over while Confirm is stuck can be confirmed by hand, never cancelled",
            config: tcc_operator,
            commands: vec![
                at_decision(0, saga_sim::DecisionTrap::Partition { service: ServiceId::Product }),
                place(10, 0, 1),
                cmd(1_500, Command::CompleteDelivery { order: OrderId(0) }),
                heal(3_000, ServiceId::Product),
                resolve(9_000, 0, false),
                resolve(9_100, 0, true),
            ],
            expect: vec![
                Traced("refused: AlreadyDelivered", |e| {
                    matches!(e, TraceEvent::Refused { reason: saga_sim::trace::Refusal::AlreadyDelivered })
                }),
                Order(0, OrderStatus::Confirmed),
                Delivery(0, Some(DeliveryStatus::Completed)),
                Stock(0, 9),
                Clean,
            ],
        },
        Case {
            name: "2PC: an operator cannot commit what a participant never prepared",
            config: two_pc_config,
            commands: vec![
                crash(0, ServiceId::Delivery),
                place(10, 0, 1),
                resolve(400, 0, true),
                restart(5_000, ServiceId::Delivery),
            ],
            expect: vec![
                Traced("refused: NotAllPrepared", |e| {
                    matches!(e, TraceEvent::Refused { reason: saga_sim::trace::Refusal::NotAllPrepared })
                }),
                Order(0, OrderStatus::Cancelled(CancelReason::SagaFailed)),
                Stock(0, 10),
                Clean,
            ],
        },
        Case {
            name: "2PC: with the coordinator down after its decision, an operator follows the log by hand",
            config: two_pc_config,
            commands: vec![
                at_decision(0, saga_sim::DecisionTrap::CrashCoordinator),
                place(10, 0, 2),
                resolve(2_000, 0, false),
                resolve(2_100, 0, true),
                restart(9_000, ServiceId::Coordinator),
            ],
            expect: vec![
                Traced("refused: ContradictsLog", |e| {
                    matches!(e, TraceEvent::Refused { reason: saga_sim::trace::Refusal::ContradictsLog })
                }),
                OrderAt(2_050, 0, OrderStatus::Pending),
                OrderAt(2_200, 0, OrderStatus::Confirmed),
                Stock(0, 8),
                Clean,
            ],
        },
        Case {
            name: "2PC: an operator may abort an undecided transaction while its coordinator is down",
            config: two_pc_config,
            commands: vec![crash(300, ServiceId::Coordinator), place(0, 0, 2), resolve(2_000, 0, false)],
            expect: vec![Order(0, OrderStatus::Cancelled(CancelReason::SagaFailed)), Stock(0, 10)],
        },
    ]
}

fn check(case: &Case) -> Vec<String> {
    let mut config = SimConfig::default();
    (case.config)(&mut config);
    let s = Scenario { seed: 1, config, commands: case.commands.clone() };
    let mut errors = Vec::new();
    // Point-in-time expectations first, on a separate run stopped at that time.
    for e in &case.expect {
        match *e {
            Expect::OrderAt(t, o, status) => {
                let mut sim = s.start();
                sim.advance_until(t);
                let got = sim.view().orders.get(o as usize).map(|r| r.status);
                if got != Some(status) {
                    errors.push(format!("at t={t} order {o}: expected {status:?}, got {got:?}"));
                }
            }
            Expect::LagAtLeast(t, service, n) => {
                let mut sim = s.start();
                sim.advance_until(t);
                let lag = sim.view().services[service.index()].consumer.lag;
                if lag < n {
                    errors.push(format!("at t={t} {service} lag {lag} < {n}"));
                }
            }
            _ => {}
        }
    }
    let (mut sim, outcome) = s.run();
    let trace = sim.drain_trace();
    let view = sim.view();
    for e in &case.expect {
        let ok = match *e {
            Expect::Order(o, status) => view.orders.get(o as usize).map(|r| r.status) == Some(status),
            Expect::Stock(p, n) => view.products[usize::from(p)].stock == n,
            Expect::Delivery(o, status) => {
                view.deliveries.iter().find(|d| d.order == OrderId(o)).map(|d| d.status) == status
            }
            Expect::Account(service, o, status) => {
                let rows = if service == ServiceId::Payment { &view.payments } else { &view.points };
                rows.iter().find(|r| r.order == OrderId(o)).map(|r| r.status) == status
            }
            Expect::Replied(reply) => trace.iter().any(|r| r.event == TraceEvent::Reply { reply }),
            Expect::Decided(service, outcome) => trace.iter().any(|r| {
                matches!(r.event, TraceEvent::Handled { service: s, outcome: o, .. } if s == service && o == outcome)
            }),
            Expect::Violated(inv) => view.verdict.violations.iter().any(|v| v.invariant == inv),
            Expect::Clean => outcome.converged && outcome.violations_total == 0,
            Expect::NotViolated(inv) => view.verdict.violations.iter().all(|v| v.invariant != inv),
            Expect::ViolatedTimes(inv, n) => {
                let found: Vec<_> = view.verdict.violations.iter().filter(|v| v.invariant == inv).collect();
                found.len() == n as usize && found.iter().all(|v| v.order.is_some())
            }
            Expect::Traced(_, pred) => trace.iter().any(|r| pred(&r.event)),
            Expect::NotTraced(_, pred) => !trace.iter().any(|r| pred(&r.event)),
            Expect::OrderAt(..) | Expect::LagAtLeast(..) => true,
        };
        if !ok {
            let what = match e {
                Expect::Traced(name, _) => format!("trace event: {name}"),
                Expect::NotTraced(name, _) => format!("no trace event: {name}"),
                other => format!("{other:?}"),
            };
            errors.push(format!("expected {what}; violations: {:?}", outcome.violations));
        }
    }
    errors
}

#[test]
fn behaviour_table() {
    let mut failures = Vec::new();
    for case in cases() {
        for err in check(&case) {
            failures.push(format!("{}: {err}", case.name));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Seed 001-004: with 2PC, rows stay locked while the slowest participant works, so slower
/// work means longer lock time and longer order latency.
#[test]
fn two_pc_lock_time_and_latency_grow_with_slower_work() {
    let run = |handle_ms: u64| {
        let mut config = SimConfig { protocol: saga_sim::Protocol::TwoPc, ..SimConfig::default() };
        config.handle_ms = handle_ms;
        let commands = (0..5).map(|i| place(i * 2_000, 0, 1)).collect();
        let (sim, outcome) = Scenario { seed: 3, config, commands }.run();
        assert!(outcome.converged && outcome.violations_total == 0);
        sim.metrics()
    };
    let (quick, slow) = (run(20), run(400));
    assert_eq!((quick.confirmed, slow.confirmed), (5, 5));
    let (quick_lock, slow_lock) = (quick.lock_ms.unwrap(), slow.lock_ms.unwrap());
    assert!(slow_lock > 3 * quick_lock, "lock time {slow_lock} ms vs {quick_lock} ms");
    assert!(slow.mean_latency_ms.unwrap() > 2 * quick.mean_latency_ms.unwrap());
}

/// Seed 002 §44: a synchronous answer makes the user wait for the whole saga; an answer at once
/// (PENDING) does not. The metrics say how long.
#[test]
fn the_user_waits_for_the_whole_saga_only_when_the_answer_is_synchronous() {
    let run = |protocol: saga_sim::Protocol| {
        let config = SimConfig { protocol, ..SimConfig::default() };
        let commands = (0..5).map(|i| place(i * 2_000, 0, 1)).collect();
        let (sim, outcome) = Scenario { seed: 3, config, commands }.run();
        assert!(outcome.converged && outcome.violations_total == 0);
        sim.metrics()
    };
    let at_once = run(saga_sim::Protocol::Choreography);
    assert_eq!((at_once.user_wait_mean_ms, at_once.user_wait_longest_ms), (Some(0), Some(0)));
    for protocol in [saga_sim::Protocol::Orchestration, saga_sim::Protocol::Tcc, saga_sim::Protocol::TwoPc] {
        let m = run(protocol);
        let (wait, latency) = (m.user_wait_mean_ms.unwrap(), m.mean_latency_ms.unwrap());
        assert!(wait > 0 && wait == latency, "{protocol:?}: waited {wait} ms, order latency {latency} ms");
        assert_eq!(m.client_timeouts, 0);
    }
}

/// Seed 003's status column: the relay marks a published row sent, and a cleanup removes it
/// later; a sent row is not work left (the run is quiet with it still in the table).
#[test]
fn an_outbox_row_is_marked_sent_then_cleaned_up() {
    use saga_sim::{RowState, Sim};
    let mut sim = Sim::new(SimConfig::default(), 1);
    sim.apply(Command::PlaceOrder { product: ProductId(0), quantity: 1, idempotency_key: None });
    let mut sent_seen_at = None;
    for t in (0..5_000u64).step_by(5) {
        sim.advance_until(t);
        let order = &sim.view().services[0];
        if order.outbox.iter().any(|r| matches!(r.state, RowState::Sent { .. })) {
            assert_eq!(
                order.outbox_pending,
                order.outbox.iter().filter(|r| !matches!(r.state, RowState::Sent { .. })).count()
            );
            sent_seen_at = Some(t);
            break;
        }
    }
    let t = sent_seen_at.expect("OrderPlaced's row is marked sent once the bus acknowledges it");
    sim.advance_until(t + saga_sim::outbox::SENT_RETENTION_MS + 5);
    assert!(sim.view().services[0].outbox.is_empty(), "the cleanup removed it");
}

/// Seed 001: "2단계 커밋은 참여하는 노드가 많을수록 더 높은 지연시간이 발생하게 된다". Every
/// participant more is one more vote the coordinator waits for, and under 2PC one more commit in
/// turn while the others keep their locks: the participants together hold their resources longer
/// (each one more holds its own for about a whole transaction), Product's row stays locked longer
/// (2PC), and every order takes longer to settle.
#[test]
fn lock_time_and_latency_grow_with_the_number_of_participants() {
    for protocol in [saga_sim::Protocol::TwoPc, saga_sim::Protocol::Tcc] {
        let run = |participants: u32| {
            let mut config = SimConfig { protocol, ..SimConfig::default() };
            config.two_phase.participants = participants;
            config.products[0].initial_stock = 2_000;
            let commands = (0..1_000).map(|i| place(i * 1_000, 0, 1)).collect();
            let (sim, outcome) = Scenario { seed: 11, config, commands }.run();
            assert!(outcome.converged && outcome.violations_total == 0, "{protocol:?} x{participants}");
            let m = sim.metrics();
            assert_eq!((m.confirmed, m.participants), (1_000, Some(participants)), "{protocol:?}");
            (m.held_ms.unwrap_or(0), m.lock_ms.unwrap_or(0), m.mean_latency_ms.unwrap_or(0))
        };
        let figures: Vec<(u64, u64, u64)> = (3..=5).map(run).collect();
        eprintln!("{protocol:?}, 3 to 5 participants: (held ms, row-lock ms, mean latency ms) {figures:?}");
        for pair in figures.windows(2) {
            let ((held_a, lock_a, latency_a), (held_b, lock_b, latency_b)) = (pair[0], pair[1]);
            // One participant more holds its own resources for about a transaction's length.
            assert!(held_b > held_a + held_a / 5, "{protocol:?}: held {figures:?}");
            assert!(latency_b > latency_a, "{protocol:?}: latency {figures:?}");
            if protocol == saga_sim::Protocol::TwoPc {
                // One more commit in turn before Product's: its row stays locked a round trip longer.
                assert!(lock_b > lock_a + lock_a / 5, "{protocol:?}: row lock {figures:?}");
            }
        }
    }
}
