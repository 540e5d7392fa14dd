//! Golden traces: one readable line per trace event, compared with files under `tests/golden/`.
//! Re-bless after an intended change with `BLESS=1 cargo test --test golden`, then read the diff.

mod support;

use saga_sim::DecisionTrap::{CrashCoordinator, Partition};
use saga_sim::{Command, ProductId, Scenario, ServiceId, StuckStrategy};
use std::path::PathBuf;
use support::*;

/// The golden scenarios, as data: name and scenario.
fn cases() -> Vec<(&'static str, Scenario)> {
    vec![
        // Seed 000, "when the user places an order".
        ("choreography_place", scenario(1, vec![place(0, 0, 2)])),
        // Seed 000's figure after "PENDING 이라는 메세지를 출력": the existing event system's way.
        // Both answers in, Order publishes AllDone, and the order turns CONFIRMED only when
        // Order handles it.
        (
            "choreography_all_done",
            Scenario {
                seed: 1,
                config: saga_sim::SimConfig { all_done_event: true, ..saga_sim::SimConfig::default() },
                commands: vec![place(0, 0, 2)],
            },
        ),
        // Seed 000, "when the user cancels an order", after it was confirmed: Order answers
        // "cancel accepted" (steps 2), the order is CANCELLING, and it turns CANCELLED when
        // DeliveryCancelled and the restock's ProductChanged are back (step 5).
        ("choreography_user_cancel", scenario(2, vec![place(0, 0, 2), cancel(1_500, 0)])),
        // The same, with `cancel_at_once`: CANCELLED the moment the cancel is taken.
        (
            "choreography_cancel_at_once",
            Scenario {
                seed: 2,
                config: saga_sim::SimConfig { cancel_at_once: true, ..saga_sim::SimConfig::default() },
                commands: vec![place(0, 0, 2), cancel(1_500, 0)],
            },
        ),
        // The orchestrated saga undoes its steps in reverse; its last command, RejectOrder,
        // completes the cancel at Order.
        ("orchestration_user_cancel", orchestrated(2, vec![place(0, 0, 2), cancel(1_500, 0)])),
        // Seed 000, "roll-back when out of stock": Monitor has 3, the order wants 5.
        ("choreography_out_of_stock", scenario(3, vec![place(0, 1, 5)])),
        // Product down: the order waits PENDING, Product catches up from its committed offset.
        (
            "product_crash_and_catch_up",
            scenario(4, vec![crash(0, ServiceId::Product), place(100, 0, 1), restart(3_000, ServiceId::Product)]),
        ),
        // An operator sets stock to zero first, so the order is rolled back.
        (
            "stock_set_to_zero",
            scenario(
                5,
                vec![
                    saga_sim::TimedCommand { at_ms: 0, command: Command::SetStock { product: ProductId(0), stock: 0 } },
                    place(500, 0, 1),
                ],
            ),
        ),
        // Seed 001: the orchestrator runs reserve stock, schedule delivery, notify the customer.
        // The client waits for the outcome and hears CONFIRMED (seed 002 §44: synchronous).
        ("orchestration_place", orchestrated(6, vec![place(0, 0, 2)])),
        // Seed 002 §44 with an impatient client: Delivery is down, the saga takes longer than
        // the client's timeout, and the client stops waiting; the order goes on without it.
        (
            "orchestration_client_times_out",
            Scenario {
                seed: 6,
                config: saga_sim::SimConfig {
                    protocol: saga_sim::Protocol::Orchestration,
                    client_timeout_ms: 1_000,
                    ..saga_sim::SimConfig::default()
                },
                commands: vec![crash(0, ServiceId::Delivery), place(10, 0, 2), restart(3_000, ServiceId::Delivery)],
            },
        ),
        // A business failure: nothing to undo but the order itself.
        ("orchestration_out_of_stock", orchestrated(7, vec![place(0, 1, 5)])),
        // The coordinator crashes mid-saga; on restart it re-sends the current step from its
        // saga table, and the idempotent participant answers without acting twice.
        (
            "orchestration_coordinator_crash",
            orchestrated(
                8,
                vec![place(0, 0, 1), crash(450, ServiceId::Coordinator), restart(2_000, ServiceId::Coordinator)],
            ),
        ),
        // Delivery is down for good: scheduling times out three times (forward recovery), then the
        // saga compensates (backward recovery); CancelDelivery fails too and is parked PENDING in
        // the registry, whose scheduler clears it once Delivery is back.
        (
            "orchestration_failed_compensation",
            orchestrated(9, vec![crash(0, ServiceId::Delivery), place(10, 0, 1), restart(12_000, ServiceId::Delivery)]),
        ),
        // Seed 002: Try holds stock and a delivery slot, Confirm makes both final, Order last.
        ("tcc_place", tcc(10, StuckStrategy::AutoConfirm, vec![place(0, 0, 2)])),
        // Try fails at Product: everyone is told to Cancel.
        ("tcc_out_of_stock", tcc(11, StuckStrategy::AutoConfirm, vec![place(0, 1, 5)])),
        // Product is cut off the moment the coordinator decides to confirm: Confirm runs out of
        // retries, the order stays PENDING, and after the pending timeout auto-confirm retries
        // without a limit until the link is back (seed 002 §26, first strategy).
        (
            "tcc_failed_confirm_auto_confirm",
            tcc(
                12,
                StuckStrategy::AutoConfirm,
                vec![
                    at_decision(0, Partition { service: ServiceId::Product }),
                    place(10, 0, 1),
                    heal(9_000, ServiceId::Product),
                ],
            ),
        ),
        // The same failure under the operator strategy: an alert, then a person confirms by hand.
        (
            "tcc_failed_confirm_operator",
            tcc(
                13,
                StuckStrategy::OperatorAlert,
                vec![
                    at_decision(0, Partition { service: ServiceId::Product }),
                    place(10, 0, 1),
                    heal(3_000, ServiceId::Product),
                    resolve(9_000, 0, true),
                ],
            ),
        ),
        // The same failure under the sweep strategy: the coordinator gives up on Product and
        // confirms Order; Product's sweeper finds its stale reservation, asks Order, confirms.
        (
            "tcc_failed_confirm_sweep",
            tcc(
                14,
                StuckStrategy::ParticipantSweep,
                vec![
                    at_decision(0, Partition { service: ServiceId::Product }),
                    place(10, 0, 1),
                    heal(3_000, ServiceId::Product),
                ],
            ),
        ),
        // Seed 002 §26, the seed's own sweep case: the order is CANCELLED, but one participant's
        // reservation was never released. Delivery is down, so its Try times out and the
        // coordinator decides to cancel; Product is cut off at that moment, so its Cancel runs
        // out of retries and the coordinator gives up on it. Once the link is back, Product's
        // sweeper finds the stale reservation, asks Order (CANCELLED) and cancels its own.
        (
            "tcc_cancelled_order_swept",
            tcc(
                15,
                StuckStrategy::ParticipantSweep,
                vec![
                    crash(0, ServiceId::Delivery),
                    at_decision(0, Partition { service: ServiceId::Product }),
                    place(10, 0, 1),
                    heal(9_000, ServiceId::Product),
                    restart(9_000, ServiceId::Delivery),
                ],
            ),
        ),
        // Seed 003: dual write. Order commits the order, then crashes before publishing:
        // OrderPlaced is lost and the order stays PENDING for ever.
        (
            "dual_write_loss",
            Scenario {
                seed: 19,
                config: {
                    let mut c = saga_sim::SimConfig::default();
                    c.publish[ServiceId::Order.index()] = saga_sim::config::PublishMode::DualWrite;
                    c
                },
                commands: vec![
                    fault(0, saga_sim::Fault::CrashAfterCommit { service: ServiceId::Order }),
                    place(10, 0, 1),
                    restart(1_000, ServiceId::Order),
                ],
            },
        ),
        // Seed 003, the other ordering: Product publishes ProductChanged first, then its commit
        // fails and rolls back. Order confirms on the strength of a change that never happened;
        // after the restart Product handles OrderPlaced again and the stock is finally taken.
        (
            "publish_first_rollback",
            Scenario {
                seed: 22,
                config: {
                    let mut c = saga_sim::SimConfig::default();
                    c.publish[ServiceId::Product.index()] = saga_sim::config::PublishMode::PublishFirst;
                    c
                },
                commands: vec![
                    fault(0, saga_sim::Fault::CrashAfterCommit { service: ServiceId::Product }),
                    place(10, 0, 1),
                    restart(1_000, ServiceId::Product),
                ],
            },
        ),
        // Seed 003: the outbox's relay crashes after sending and before the acknowledgement; after
        // the restart it publishes the rows again, and idempotent consumers ignore the copies.
        (
            "outbox_double_publish",
            scenario(20, vec![place(0, 0, 1), crash(60, ServiceId::Order), restart(300, ServiceId::Order)]),
        ),
        // Seeds 003/004: Product's handler fails; the consumer retries with back-off, then moves
        // the message to the dead-letter queue and goes on. Once the handler is fixed, a person
        // replays it and the order completes.
        (
            "dead_letter_round_trip",
            scenario(
                21,
                vec![
                    fault(0, saga_sim::Fault::FailHandling { service: ServiceId::Product, on: true }),
                    place(10, 0, 1),
                    fault(3_000, saga_sim::Fault::FailHandling { service: ServiceId::Product, on: false }),
                    saga_sim::TimedCommand {
                        at_ms: 3_500,
                        command: Command::ReplayDeadLetter {
                            service: ServiceId::Product,
                            message: saga_sim::MessageId(0),
                        },
                    },
                ],
            ),
        ),
        // Two-phase commit: everyone prepares and locks, then commits, one participant at a
        // time (seed 001, "순차적으로 커밋을 요청한다"), Order last.
        ("two_pc_place", two_pc(15, vec![place(0, 0, 2)])),
        // Seed 001, more participants: Payment and Points prepare too, and the commit goes to
        // Points, Payment, Delivery, Product and Order in turn. Product's row stays locked
        // through the extra commits (compare `two_pc_place`).
        ("two_pc_five_participants", with_participants(5, two_pc(15, vec![place(0, 0, 2)]))),
        // TCC with five participants, then the customer cancels the confirmed order: Cancel goes
        // to Product, Delivery, Payment and Points, and to Order once they have given back.
        (
            "tcc_five_participants_cancel",
            with_participants(5, tcc(2, StuckStrategy::AutoConfirm, vec![place(0, 0, 2), cancel(2_000, 0)])),
        ),
        // Seed 002 §26 with an added participant: Payment never hears the Cancel (cut off at the
        // decision), the coordinator gives up on it and cancels the order; Payment's sweeper
        // finds the stale hold, asks Order, and releases it itself.
        (
            "tcc_payment_swept",
            with_participants(
                4,
                tcc(
                    15,
                    StuckStrategy::ParticipantSweep,
                    vec![
                        crash(0, ServiceId::Delivery),
                        at_decision(0, Partition { service: ServiceId::Payment }),
                        place(10, 0, 1),
                        heal(9_000, ServiceId::Payment),
                        restart(9_000, ServiceId::Delivery),
                    ],
                ),
            ),
        ),
        // Seed 002: a commit fails after a yes vote (Product is cut off the moment the coordinator
        // decides). The coordinator retries the commit without a limit; Product, which voted
        // yes, holds its row lock and never rolls back on its own; once the link is back the
        // retried commit lands. (Seed 001 speaks of a rollback message; the app follows 002.)
        (
            "two_pc_commit_retried",
            two_pc(
                25,
                vec![
                    at_decision(0, Partition { service: ServiceId::Product }),
                    place(10, 0, 1),
                    heal(6_000, ServiceId::Product),
                ],
            ),
        ),
        // Product votes no: abort ripples out to everyone.
        ("two_pc_vote_no", two_pc(16, vec![place(0, 1, 5)])),
        // Three orders for one product at once: the first prepare locks the row, the others wait
        // in its queue and get the lock in turn.
        ("two_pc_lock_queue", two_pc(18, vec![place(0, 0, 1), place(20, 0, 1), place(40, 0, 1)])),
        // The coordinator crashes after every vote is in: participants stay in doubt holding their
        // locks until it is back and re-sends its logged decision; a second order waits meanwhile.
        (
            "two_pc_coordinator_crash",
            two_pc(
                17,
                vec![
                    at_decision(0, CrashCoordinator),
                    place(10, 0, 1),
                    place(600, 0, 2),
                    restart(6_000, ServiceId::Coordinator),
                ],
            ),
        ),
    ]
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn render(s: &Scenario) -> String {
    let (mut sim, outcome) = s.run();
    let mut out = String::new();
    for rec in sim.drain_trace() {
        out.push_str(&rec.to_string());
        out.push('\n');
    }
    out.push_str(&format!(
        "# converged={} violations={} trace_hash={:016x}\n",
        outcome.converged, outcome.violations_total, outcome.trace_hash
    ));
    out
}

#[test]
fn golden_traces() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for (name, scenario) in cases() {
        let actual = render(&scenario);
        let path = golden_dir().join(format!("{name}.txt"));
        if bless {
            std::fs::write(&path, &actual).expect("write golden file");
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if expected != actual {
            let line = expected
                .lines()
                .zip(actual.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
            failures.push(format!(
                "{name}: first difference at line {}\n  expected: {}\n  actual:   {}",
                line + 1,
                expected.lines().nth(line).unwrap_or("<end>"),
                actual.lines().nth(line).unwrap_or("<end>"),
            ));
        }
    }
    assert!(failures.is_empty(), "golden traces differ (BLESS=1 to accept):\n{}", failures.join("\n"));
}
