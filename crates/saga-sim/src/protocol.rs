//! Which way the services keep their data consistent.

use serde::{Deserialize, Serialize};

/// The consistency protocol a run uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Protocol {
    /// Services react to each other's events on the bus (seed 000).
    #[default]
    Choreography,
    /// A coordinator sends commands step by step and compensates in reverse order (seed 001).
    Orchestration,
    /// Try reserves, then Confirm makes final or Cancel releases (seed 002).
    Tcc,
    /// Two-phase commit: prepare (vote and lock), then commit or abort (seeds 001-004).
    TwoPc,
}

impl Protocol {
    /// Every protocol the engine implements.
    pub const ALL: [Protocol; 4] = [Protocol::Choreography, Protocol::Orchestration, Protocol::Tcc, Protocol::TwoPc];

    /// Whether the coordinator node takes part.
    pub const fn has_coordinator(self) -> bool {
        !matches!(self, Protocol::Choreography)
    }

    /// Whether the coordinator runs a two-phase transaction (TCC or 2PC) rather than a saga.
    pub const fn is_two_phase(self) -> bool {
        matches!(self, Protocol::Tcc | Protocol::TwoPc)
    }

    /// The protocol's name for command lines and files.
    pub const fn name(self) -> &'static str {
        match self {
            Protocol::Choreography => "choreography",
            Protocol::Orchestration => "orchestration",
            Protocol::Tcc => "tcc",
            Protocol::TwoPc => "2pc",
        }
    }

    /// The protocol named `s`, if any.
    pub fn from_name(s: &str) -> Option<Protocol> {
        Protocol::ALL.iter().copied().find(|p| p.name() == s)
    }
}
