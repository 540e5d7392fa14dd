//! The coordinator's command links: commands out to the participants, their local transaction,
//! the answers back, all over links with the same faults as the bus. The coordinator decides
//! (`services/coordinator.rs`); this carries its decisions out.

use super::{Sim, TimerKind};
use crate::ids::{OrderId, RequestId, ServiceId};
use crate::message::Message;
use crate::outcome::Outcome;
use crate::rpc::{Rpc, RpcPacket, RpcResult};
use crate::services::coordinator::{CoordEffect, SagaDecision};
use crate::trace::{LossCause, Lost, TraceEvent};

/// A command or its answer on a coordinator link.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RpcWire {
    pub packet: RpcPacket,
    pub to: ServiceId,
    pub sent_at_ms: u64,
    pub arrives_at_ms: u64,
    /// The participant's epoch when it took the command, so a crash mid-handling drops it.
    pub epoch: u32,
}

impl Sim {
    /// The coordinator handles a bus event: OrderPlaced starts a saga, a customer's
    /// OrderCancelled undoes one.
    ///
    /// Its effects are left in `coord_effects` and carried out after the handled record is
    /// traced, so the trace reads cause, then effect.
    pub(super) fn coordinator_event(&mut self, msg: &Message) -> Outcome {
        let mut fx = std::mem::take(&mut self.coord_effects);
        let outcome = match msg.event {
            crate::message::Event::OrderPlaced { order, product, quantity } if self.config.protocol.is_two_phase() => {
                self.coordinator.begin_tx(order, product, quantity, self.now_ms, &mut fx);
                Outcome::SagaStarted
            }
            crate::message::Event::OrderPlaced { order, product, quantity } => {
                let notify_first = self.config.orchestration.notify_first;
                self.coordinator.start(order, product, quantity, notify_first, self.now_ms, &mut fx);
                Outcome::SagaStarted
            }
            crate::message::Event::OrderCancelled {
                order,
                product,
                quantity,
                reason: crate::message::CancelReason::UserRequest,
            } => {
                if self.config.protocol.is_two_phase() {
                    self.coordinator.tx_user_cancelled(order, product, quantity, self.now_ms, &mut fx);
                } else {
                    self.coordinator.user_cancelled(order, product, quantity, self.now_ms, &mut fx);
                }
                Outcome::SagaCancelRequested
            }
            _ => Outcome::NotForMe,
        };
        self.coord_effects = fx;
        outcome
    }

    /// Carries out the coordinator's effects: commands on the wire, wake-ups, decisions traced.
    #[cfg_attr(saga_size, optimize(size))]
    pub(super) fn run_coord_effects(&mut self, fx: &mut Vec<CoordEffect>) {
        let mut effects = fx.drain(..);
        while let Some(effect) = effects.next() {
            match effect {
                // A coordinator that is down (an operator wrote to its log meanwhile) neither
                // sends nor sets alarms: its restart re-sends and re-arms from the log.
                CoordEffect::Send { .. } | CoordEffect::WakeAt(_) if !self.nodes[ServiceId::Coordinator.index()].up => {
                }
                CoordEffect::Send { order, rpc, from_registry } => self.send_rpc(order, rpc, from_registry),
                CoordEffect::WakeAt(at_ms) => {
                    let at_ms = at_ms.max(self.now_ms);
                    if self.coord_wake_at.is_none_or(|t| at_ms < t) {
                        self.coord_wake_at = Some(at_ms);
                        let epoch = self.nodes[ServiceId::Coordinator.index()].epoch;
                        self.at(at_ms, TimerKind::CoordWake { epoch });
                    }
                }
                CoordEffect::Decision(order, decision) => {
                    self.touched_orders.push(order);
                    self.record(TraceEvent::SagaDecided { order, decision });
                    if let SagaDecision::Decided { .. } = decision
                        && let Some(trap) = self.decision_trap.take()
                        && self.spring_trap(trap)
                    {
                        // The coordinator crashed with the decision logged and nothing sent.
                        effects.for_each(drop);
                        return;
                    }
                }
            }
        }
    }

    /// Sends a command over the coordinator's link to its participant.
    fn send_rpc(&mut self, order: OrderId, rpc: Rpc, from_registry: bool) {
        self.stats.rpcs_sent += 1;
        self.next_request += 1;
        let request = RequestId(self.next_request);
        self.coordinator.sent(request, order, rpc, from_registry);
        let to = rpc.target();
        let epoch = self.nodes[ServiceId::Coordinator.index()].epoch;
        let timeout = self.config.orchestration.request_timeout_ms;
        self.at(self.now_ms.saturating_add(timeout), TimerKind::RpcTimeout { request, epoch });
        let latency = self.latency();
        let fate = if self.nodes[ServiceId::Coordinator.index()].partitioned {
            Err(LossCause::Partitioned)
        } else {
            self.transit(to)
        };
        let packet = RpcPacket { request, order, rpc, result: None };
        match fate {
            Ok(extra) => {
                let arrives = self.now_ms.saturating_add(latency + extra);
                self.record(TraceEvent::RpcSent { to, packet, arrives_at_ms: Some(arrives) });
                let wire =
                    self.put_wire(RpcWire { packet, to, sent_at_ms: self.now_ms, arrives_at_ms: arrives, epoch: 0 });
                self.at(arrives, TimerKind::RpcArrive { wire });
            }
            Err(cause) => {
                self.stats.lost += 1;
                self.record(TraceEvent::RpcSent { to, packet, arrives_at_ms: None });
                self.record(TraceEvent::Lost { service: to, what: Lost::Rpc { request }, cause });
            }
        }
    }

    /// A sweeper's question to Order, over the participant's own link. No timeout: the sweeper
    /// asks again on its next round if the answer is lost.
    pub(super) fn send_query(&mut self, from: ServiceId, order: OrderId) {
        self.stats.rpcs_sent += 1;
        self.next_request += 1;
        let request = RequestId(self.next_request);
        let packet = RpcPacket { request, order, rpc: Rpc::QueryOrder { from }, result: None };
        let latency = self.latency();
        let fate = if self.nodes[from.index()].partitioned { Err(LossCause::Partitioned) } else { self.transit(from) };
        match fate {
            Ok(extra) => {
                let arrives = self.now_ms.saturating_add(latency + extra);
                self.record(TraceEvent::RpcSent { to: ServiceId::Order, packet, arrives_at_ms: Some(arrives) });
                let to = ServiceId::Order;
                let wire =
                    self.put_wire(RpcWire { packet, to, sent_at_ms: self.now_ms, arrives_at_ms: arrives, epoch: 0 });
                self.at(arrives, TimerKind::RpcArrive { wire });
            }
            Err(cause) => {
                self.stats.lost += 1;
                self.record(TraceEvent::RpcSent { to: ServiceId::Order, packet, arrives_at_ms: None });
                self.record(TraceEvent::Lost { service: from, what: Lost::Rpc { request }, cause });
            }
        }
    }

    pub(super) fn put_wire(&mut self, wire: RpcWire) -> u32 {
        self.rpc_live += 1;
        match self.free_rpc_wires.pop() {
            Some(id) => {
                self.rpc_wires[id as usize] = Some(wire);
                id
            }
            None => {
                self.rpc_wires.push(Some(wire));
                (self.rpc_wires.len() - 1) as u32
            }
        }
    }

    /// Forgets a wire (a crash lost it).
    pub(super) fn drop_wire(&mut self, id: u32) {
        self.take_wire(id);
    }

    fn take_wire(&mut self, id: u32) -> Option<RpcWire> {
        let wire = self.rpc_wires.get_mut(id as usize).and_then(Option::take)?;
        self.free_rpc_wires.push(id);
        self.rpc_live -= 1;
        Some(wire)
    }

    fn rpc_lost(&mut self, service: ServiceId, request: RequestId, cause: LossCause) {
        self.stats.lost += 1;
        self.record(TraceEvent::Lost { service, what: Lost::Rpc { request }, cause });
    }

    pub(super) fn rpc_arrive(&mut self, id: u32) {
        let Some(mut wire) = self.take_wire(id) else { return };
        let n = &self.nodes[wire.to.index()];
        let lost = if n.partitioned {
            Some(LossCause::Partitioned)
        } else if !n.up {
            Some(LossCause::ReceiverDown)
        } else {
            None
        };
        if let Some(cause) = lost {
            return self.rpc_lost(wire.to, wire.packet.request, cause);
        }
        wire.epoch = n.epoch;
        let done_at = self.now_ms.saturating_add(n.handle_ms);
        let id = self.put_wire(wire);
        self.at(done_at, TimerKind::RpcHandled { wire: id });
    }

    /// The participant's local transaction for a command, then its answer on the wire.
    pub(super) fn rpc_handled(&mut self, id: u32) {
        let Some(wire) = self.take_wire(id) else { return };
        let n = &self.nodes[wire.to.index()];
        if !n.up || n.epoch != wire.epoch {
            // It crashed while handling: nothing was committed, no answer goes out.
            return;
        }
        if self.nodes[wire.to.index()].failing {
            // The error switch: the command's local transaction fails, nothing is committed,
            // and the coordinator hears nothing (a technical failure it retries). A row lock
            // handed to this prepare for the attempt goes to the next in line.
            if wire.to == ServiceId::Product {
                self.product.release_if_unprepared(wire.packet.order, self.now_ms);
                self.wake_lock_waiters();
            }
            return self.rpc_lost(wire.to, wire.packet.request, LossCause::HandlerError);
        }
        let (order, rpc) = (wire.packet.order, wire.packet.rpc);
        let result = self.participant_command(wire.to, order, &rpc);
        self.record(TraceEvent::RpcHandled { service: wire.to, packet: wire.packet, result });
        if result == RpcResult::Blocked {
            return self.wait_for_lock(wire);
        }
        if wire.to == ServiceId::Product {
            self.wake_lock_waiters();
        }
        self.answer(wire, result);
    }

    /// Sends a participant's answer back to whoever asked.
    pub(super) fn answer(&mut self, mut wire: RpcWire, result: RpcResult) {
        let now = self.now_ms;
        let latency = self.latency();
        let fate = if self.nodes[wire.packet.rpc.requester().index()].partitioned {
            Err(LossCause::Partitioned)
        } else {
            self.transit(wire.to)
        };
        match fate {
            Ok(extra) => {
                wire.packet.result = Some(result);
                wire.sent_at_ms = now;
                wire.arrives_at_ms = now.saturating_add(latency + extra);
                let at = wire.arrives_at_ms;
                let id = self.put_wire(wire);
                self.at(at, TimerKind::RpcReplyArrive { wire: id });
            }
            Err(cause) => self.rpc_lost(wire.to, wire.packet.request, cause),
        }
    }

    /// A participant's local transaction for a command from the coordinator (or a sweeper's
    /// question to Order).
    #[cfg_attr(saga_size, optimize(size))]
    pub(super) fn participant_command(&mut self, service: ServiceId, order: OrderId, rpc: &Rpc) -> RpcResult {
        let (now, ttl) = (self.now_ms, self.config.two_phase.reservation_ttl_ms);
        if self.order.orders.is_archived(order) {
            // Settled long ago: a late copy of a command must not act on a row that is gone,
            // and must not keep a row lock it was handed on its way in.
            self.product.release_if_unprepared(order, now);
            self.wake_lock_waiters();
            return RpcResult::Refused;
        }
        let result = match service {
            ServiceId::Product => self.product.handle_command(order, rpc, now, ttl),
            ServiceId::Delivery => self.delivery.handle_command(order, rpc, now, ttl),
            ServiceId::Order => self.order.handle_command(order, rpc, now),
            ServiceId::Payment => self.payment.handle_command(order, rpc, now, ttl),
            ServiceId::Points => self.points.handle_command(order, rpc, now, ttl),
            ServiceId::Coordinator => RpcResult::Refused,
        };
        self.touched_orders.push(order);
        if let Some(row) = self.order.get(order) {
            self.touched_products.push(row.product);
        }
        result
    }

    pub(super) fn rpc_reply_arrive(&mut self, id: u32) {
        let Some(wire) = self.take_wire(id) else { return };
        let requester = wire.packet.rpc.requester();
        let c = &self.nodes[requester.index()];
        let lost = if c.partitioned || self.nodes[wire.to.index()].partitioned {
            Some(LossCause::Partitioned)
        } else if !c.up {
            Some(LossCause::ReceiverDown)
        } else {
            None
        };
        if let Some(cause) = lost {
            return self.rpc_lost(requester, wire.packet.request, cause);
        }
        let result = wire.packet.result.unwrap_or(RpcResult::Refused);
        self.record(TraceEvent::RpcAnswered { packet: wire.packet, result });
        if let RpcResult::Status { status } = result {
            return self.swept(requester, wire.packet.order, status);
        }
        let mut fx = std::mem::take(&mut self.coord_effects);
        self.coordinator.reply(wire.packet, result, self.now_ms, &mut fx);
        self.run_coord_effects(&mut fx);
        self.coord_effects = fx;
    }
}
