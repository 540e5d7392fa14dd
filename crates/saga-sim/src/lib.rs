//! `saga-sim`: a deterministic, sans-IO simulation of an Order, a Product and a Delivery service
//! keeping their data consistent through a choreographed saga on a Kafka-like bus.
//!
//! Construct a [`Sim`] from a [`SimConfig`] and a seed; [`Sim::apply`] user [`Command`]s;
//! advance with [`Sim::step`] or [`Sim::advance_until`]; ask [`Sim::next_due_ms`]; read a
//! [`View`]; drain the [`TraceRecord`]s. No clock, no OS randomness, no I/O: the same seed,
//! config and commands give the same trace, bit for bit, on every platform.
// The release site's build (scripts/build.sh, nightly) sets `saga_size`: functions a person's
// action or a screen refresh calls, not each event, are then optimised for size, not speed.
#![cfg_attr(saga_size, feature(optimize_attribute))]

pub mod bench;
pub mod bus;
pub mod chaos;
pub mod checker;
pub mod command;
pub mod config;
pub mod consumer;
pub mod decimal;
pub mod ids;
pub mod input;
pub mod message;
pub mod metrics;
pub mod order_table;
pub mod outbox;
pub mod outcome;
pub mod problem;
pub mod processed_table;
pub mod protocol;
pub mod rng;
pub mod rpc;
pub mod run;
pub mod scenario;
pub mod services;
pub mod sim;
pub mod stable_hash;
pub mod swarm;
pub mod timeline;
pub mod trace;
pub mod view;

// The façade: everything a screen needs, at the crate root. The app imports from here (and from
// `saga-record`, which writes runs as files and links), never from the engine's inner modules,
// so they can move.
pub use chaos::{ChaosOutcome, ChaosProgress, ChaosRefusal, ChaosRun, MAX_ORDERS as MAX_FAST_FORWARD_ORDERS};
pub use checker::{Invariant, InvariantKind, Mark, Verdict, VerdictState, Violation};
pub use command::{Command, DecisionTrap, Fault, TimedCommand};
pub use config::{
    DeliverySemantics, LinkFaults, MAX_STOCK, MsRange, PlacementMode, ProductSpec, PublishMode, ReplyTiming,
    RestockRule, SimConfig, StuckStrategy, TwoPhaseConfig,
};
pub use ids::{IdempotencyKey, MessageId, Offset, OrderId, ProductId, RequestId, ServiceId};
pub use input::{Input, InputLog, Position};
pub use message::{CancelReason, Event, EventType, Message, StockChange};
pub use metrics::Metrics;
pub use outbox::{OutboxRow, RowState};
pub use outcome::Outcome;
pub use problem::{Expected, FieldProblem, Problem};
pub use protocol::Protocol;
pub use rpc::{Rpc, RpcPacket, RpcResult};
pub use run::Run;
pub use scenario::{RunOutcome, Scenario};
pub use services::account::{AccountRow, AccountStatus};
pub use services::coordinator::{PARTICIPANTS, PartState, Recovery, SagaDecision, SagaPhase, SagaRow, TxPhase, TxRow};
pub use services::delivery::DeliveryStatus;
pub use services::order::{MAX_QUANTITY, OrderRow, OrderStatus, Rejection, Reply};
pub use services::product::{Ledger, RowLock};
pub use sim::{ClientWait, Sim, Stats, StepResult, TimedReply};
pub use timeline::{BranchId, Forked, Timeline};
pub use trace::{DeadLetterAction, LossCause, Lost, Refusal, TraceEvent, TraceRecord};
pub use view::{InFlight, OperatorChoice, OrderAnswers, ServiceView, View};
