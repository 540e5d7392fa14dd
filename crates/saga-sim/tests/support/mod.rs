//! Helpers shared by the integration tests.

#![allow(dead_code)]

use saga_sim::{
    Command, Fault, IdempotencyKey, OrderId, ProductId, Protocol, Scenario, ServiceId, SimConfig, TimedCommand,
};

/// `PlaceOrder` at `at_ms`.
pub fn place(at_ms: u64, product: u16, quantity: u32) -> TimedCommand {
    TimedCommand {
        at_ms,
        command: Command::PlaceOrder {
            product: ProductId(product),
            quantity,
            idempotency_key: Some(IdempotencyKey(at_ms)),
        },
    }
}

/// `CancelOrder` at `at_ms`.
pub fn cancel(at_ms: u64, order: u32) -> TimedCommand {
    TimedCommand { at_ms, command: Command::CancelOrder { order: OrderId(order) } }
}

/// A fault at `at_ms`.
pub fn fault(at_ms: u64, fault: Fault) -> TimedCommand {
    TimedCommand { at_ms, command: Command::Fault(fault) }
}

/// Crash `service` at `at_ms`.
pub fn crash(at_ms: u64, service: ServiceId) -> TimedCommand {
    fault(at_ms, Fault::Crash { service })
}

/// Restart `service` at `at_ms`.
pub fn restart(at_ms: u64, service: ServiceId) -> TimedCommand {
    fault(at_ms, Fault::Restart { service })
}

/// A scenario on the default config.
pub fn scenario(seed: u64, commands: Vec<TimedCommand>) -> Scenario {
    Scenario { seed, config: SimConfig::default(), commands }
}

/// A scenario on the default config under orchestration.
pub fn orchestrated(seed: u64, commands: Vec<TimedCommand>) -> Scenario {
    Scenario { seed, config: SimConfig { protocol: Protocol::Orchestration, ..SimConfig::default() }, commands }
}

/// A scenario on the default config under TCC, with `strategy` for stuck orders.
pub fn tcc(seed: u64, strategy: saga_sim::StuckStrategy, commands: Vec<TimedCommand>) -> Scenario {
    let two_phase = saga_sim::TwoPhaseConfig { strategy, ..saga_sim::TwoPhaseConfig::default() };
    Scenario { seed, config: SimConfig { protocol: Protocol::Tcc, two_phase, ..SimConfig::default() }, commands }
}

/// A scenario on the default config under two-phase commit.
pub fn two_pc(seed: u64, commands: Vec<TimedCommand>) -> Scenario {
    Scenario { seed, config: SimConfig { protocol: Protocol::TwoPc, ..SimConfig::default() }, commands }
}

/// The same scenario with `participants` taking part in each transaction (Payment, then Points).
pub fn with_participants(participants: u32, mut scenario: Scenario) -> Scenario {
    scenario.config.two_phase.participants = participants;
    scenario
}

/// Arms a fault for the coordinator's next decision at `at_ms`.
pub fn at_decision(at_ms: u64, then: saga_sim::DecisionTrap) -> TimedCommand {
    fault(at_ms, Fault::AtNextDecision { then })
}

/// Heals `service`'s link at `at_ms`.
pub fn heal(at_ms: u64, service: ServiceId) -> TimedCommand {
    fault(at_ms, Fault::Heal { service })
}

/// An operator decides `order` by hand at `at_ms`.
pub fn resolve(at_ms: u64, order: u32, commit: bool) -> TimedCommand {
    TimedCommand { at_ms, command: Command::Resolve { order: OrderId(order), commit } }
}
