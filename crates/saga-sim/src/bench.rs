//! The standard workload for throughput figures: many orders under faults, then a heal.
//! Shared by `saga-cli bench` and the divan benchmark. (The app's fast-forward is `chaos.rs`:
//! the same idea, drawn from the run's seed and shaped for the run's own world.)

use crate::command::{Command, Fault};
use crate::config::{Limits, LinkFaults, MsRange, ProductSpec, SimConfig};
use crate::ids::{IdempotencyKey, OrderId, ProductId, ServiceId};
use crate::sim::Sim;
use crate::trace::TraceRecord;

/// Virtual time between two orders.
pub const ORDER_SPACING_MS: u64 = 5;
/// The heal comes this long after the last order; convergence is then due within the bound.
pub const HEAL_AFTER_LAST_ORDER_MS: u64 = 2_000;
/// Convergence bound after the heal.
pub const BENCH_CONVERGENCE_BOUND_MS: u64 = 120_000;

/// The benchmark's configuration for `orders` orders.
pub fn config(orders: u32) -> SimConfig {
    SimConfig {
        products: vec![
            ProductSpec { name: "Keyboard".into(), initial_stock: 1_000_000_000 },
            ProductSpec { name: "Monitor".into(), initial_stock: 1_000_000_000 },
            ProductSpec { name: "Mouse".into(), initial_stock: 1_000_000_000 },
            // Scarce: most of its orders are rolled back, so compensations are part of the load.
            ProductSpec { name: "Scarce".into(), initial_stock: 50 },
        ],
        latency_ms: MsRange::new(1, 10),
        handle_ms: 1,
        link_faults: weather(),
        ack_timeout_ms: 100,
        retry_backoff_max_ms: 1_000,
        commit_interval_ms: 50,
        limits: Limits { max_orders: orders.max(1), log_retention_records: 200_000, ..Limits::default() },
        ..SimConfig::default()
    }
}

fn weather() -> LinkFaults {
    LinkFaults {
        drop_probability: 0.02,
        duplicate_probability: 0.02,
        delay_probability: 0.05,
        delay_ms: MsRange::new(0, 300),
        reorder_probability: 0.02,
    }
}

/// Drives `sim` through `orders` orders under faults, then heals and runs to quiet.
/// `sink` receives the trace as it is drained. Returns whether it became quiet in time.
pub fn drive(sim: &mut Sim, orders: u32, sink: &mut Vec<TraceRecord>) -> bool {
    for i in 0..orders {
        let t = u64::from(i) * ORDER_SPACING_MS;
        sim.advance_until(t);
        // Every 10,000 orders a service crashes and another is cut off for two seconds.
        if i % 10_000 == 5_000 {
            let s = ServiceId::ALL[(i / 10_000) as usize % 3];
            let p = ServiceId::ALL[(i / 10_000 + 1) as usize % 3];
            sim.apply(Command::Fault(Fault::Crash { service: s }));
            sim.schedule(t + 2_000, Command::Fault(Fault::Restart { service: s }));
            sim.apply(Command::Fault(Fault::Partition { service: p }));
            sim.schedule(t + 2_000, Command::Fault(Fault::Heal { service: p }));
        }
        let product = ProductId((i % 4) as u16);
        let quantity = 1 + i % 3;
        sim.apply(Command::PlaceOrder { product, quantity, idempotency_key: Some(IdempotencyKey(u64::from(i))) });
        if i % 10 == 9 {
            sim.schedule(t + 50, Command::CancelOrder { order: OrderId(i - 5) });
        }
        if i % 256 == 0 {
            sink.clear();
            sim.drain_trace_into(sink);
        }
    }
    let heal_at = u64::from(orders) * ORDER_SPACING_MS + HEAL_AFTER_LAST_ORDER_MS;
    sim.schedule(heal_at, Command::Fault(Fault::HealAll));
    sim.advance_until(heal_at);
    let quiet = sim.run_until_quiet(heal_at + BENCH_CONVERGENCE_BOUND_MS);
    sink.clear();
    sim.drain_trace_into(sink);
    quiet
}
