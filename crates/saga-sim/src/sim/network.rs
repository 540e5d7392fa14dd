//! The wire between a node and the bus: latency, and the link's faults (drop, delay,
//! partition) drawn for each packet.

use super::*;

impl Sim {
    pub(super) fn latency(&mut self) -> u64 {
        let r = self.config.latency_ms;
        self.rng.in_range(r.min_ms, r.max_ms)
    }

    /// Draws the fate of one packet on `service`'s link: lost, or its extra delay.
    pub(super) fn transit(&mut self, service: ServiceId) -> Result<u64, LossCause> {
        let node = &self.nodes[service.index()];
        if node.partitioned {
            return Err(LossCause::Partitioned);
        }
        let (c, delay) = (node.chances, node.faults.delay_ms);
        if self.rng.chance(c.drop) {
            return Err(LossCause::Dropped);
        }
        let extra = if self.rng.chance(c.delay) { self.rng.in_range(delay.min_ms, delay.max_ms) } else { 0 };
        Ok(extra)
    }
}
