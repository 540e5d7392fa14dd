//! The app's bounded memory of what happened: the event log's entries and the messages they
//! mention, so a selected event's causal chain can be found by causation id.

use saga_sim::EventType;
use saga_sim::{Command, Message, MessageId, OrderId, Reply};
use saga_sim::{TraceEvent, TraceRecord};
use std::collections::{HashMap, VecDeque};

/// Log entries kept; older ones scroll away.
pub const ENTRIES_KEPT: usize = 4_000;
/// A causal chain: message ids, sorted. A few dozen at most, so a sorted vector serves, and
/// spares the WebAssembly a B-tree of its own.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Chain(Vec<MessageId>);

impl Chain {
    /// Whether `id` is in the chain.
    pub fn contains(&self, id: &MessageId) -> bool {
        self.0.binary_search(id).is_ok()
    }

    /// Adds `id`, keeping the order.
    pub fn insert(&mut self, id: MessageId) {
        if let Err(at) = self.0.binary_search(&id) {
            self.0.insert(at, id);
        }
    }

    /// The ids, oldest first.
    pub fn iter(&self) -> std::slice::Iter<'_, MessageId> {
        self.0.iter()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no message is selected.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A selected message's causal picture, for the event detail and the highlights.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CausalView {
    /// The request the tree grows from (a user's command caused it); `None` when nothing is
    /// selected.
    pub root: Option<MessageId>,
    /// The selected message and its ancestors up to the root: its own line.
    pub line: Chain,
    /// Every message of the request's causation tree.
    pub tree: Chain,
    /// Messages about the same order that belong to another request (a user's cancel, say).
    pub same_order: Chain,
}

/// Messages kept for causal chains.
pub const MESSAGES_KEPT: usize = 8_000;

/// One line of the event log.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Entry {
    /// Position in the whole run (unique, increasing).
    pub seq: u64,
    /// The trace record.
    pub rec: TraceRecord,
}

/// The store.
#[derive(Debug, Default)]
pub struct EventStore {
    entries: VecDeque<Entry>,
    messages: HashMap<MessageId, Message>,
    message_order: VecDeque<MessageId>,
    next_seq: u64,
}

impl EventStore {
    /// Adds drained trace records.
    pub fn extend(&mut self, records: &[TraceRecord]) {
        for &rec in records {
            if let TraceEvent::Emitted { message } = rec.event {
                if self.messages.insert(message.id, message).is_none() {
                    self.message_order.push_back(message.id);
                }
                if self.message_order.len() > MESSAGES_KEPT
                    && let Some(old) = self.message_order.pop_front()
                {
                    self.messages.remove(&old);
                }
            }
            self.entries.push_back(Entry { seq: self.next_seq, rec });
            self.next_seq += 1;
            if self.entries.len() > ENTRIES_KEPT {
                self.entries.pop_front();
            }
        }
    }

    /// Forgets everything (a reset).
    pub fn clear(&mut self) {
        *self = EventStore::default();
    }

    /// A message seen in this run, if still remembered.
    pub fn message(&self, id: MessageId) -> Option<&Message> {
        self.messages.get(&id)
    }

    /// The entries, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().rev()
    }

    /// The entry with this sequence number.
    pub fn entry(&self, seq: u64) -> Option<&Entry> {
        let first = self.entries.front()?.seq;
        self.entries.get(usize::try_from(seq.checked_sub(first)?).ok()?)
    }

    /// The message an entry is about, if any.
    pub fn message_of(&self, e: &TraceEvent) -> Option<MessageId> {
        match *e {
            TraceEvent::Emitted { message } => Some(message.id),
            TraceEvent::Handled { message, .. } | TraceEvent::Appended { message, .. } => Some(message),
            TraceEvent::BatchSent { first, .. } => Some(first),
            _ => None,
        }
    }

    /// The order an entry is about, if any.
    pub fn order_of(&self, e: &TraceEvent) -> Option<OrderId> {
        match *e {
            TraceEvent::Command { command: Command::CancelOrder { order } | Command::CompleteDelivery { order } } => {
                Some(order)
            }
            TraceEvent::Reply {
                reply: Reply::Accepted { order } | Reply::AlreadyPlaced { order } | Reply::Cancelled { order },
            } => Some(order),
            TraceEvent::DeliveryCompleted { order, .. } | TraceEvent::SagaDecided { order, .. } => Some(order),
            TraceEvent::RpcSent { packet, .. }
            | TraceEvent::RpcHandled { packet, .. }
            | TraceEvent::RpcAnswered { packet, .. } => Some(packet.order),
            TraceEvent::Violation { violation } => violation.order,
            _ => self.message_of(e).and_then(|m| self.message(m)).and_then(|m| m.correlation_id),
        }
    }

    /// The event type an entry is about, if any.
    pub fn type_of(&self, e: &TraceEvent) -> Option<EventType> {
        match *e {
            TraceEvent::Emitted { message } => Some(message.event.event_type()),
            TraceEvent::Handled { event_type, .. } | TraceEvent::Appended { event_type, .. } => Some(event_type),
            _ => self.message_of(e).and_then(|m| self.message(m)).map(|m| m.event.event_type()),
        }
    }

    /// The causal picture of `id`: its own line of ancestors, the whole tree of its request,
    /// and the other messages about the same order (same correlation id, another request).
    pub fn causal_view(&self, id: MessageId) -> CausalView {
        let tree = self.causal_chain(id);
        let mut line = Chain::default();
        let mut at = Some(id);
        let mut guard = 0;
        while let Some(m) = at.filter(|m| tree.contains(m) && guard <= 64) {
            line.insert(m);
            at = self.message(m).and_then(|x| x.causation_id);
            guard += 1;
        }
        let root = tree
            .iter()
            .copied()
            .find(|m| self.message(*m).is_none_or(|x| x.causation_id.is_none_or(|c| !tree.contains(&c))));
        let order = self.message(id).and_then(|m| m.correlation_id);
        let mut same_order = Chain::default();
        if let Some(order) = order {
            for m in self.messages.values() {
                if m.correlation_id == Some(order) && !tree.contains(&m.id) {
                    same_order.insert(m.id);
                }
            }
        }
        CausalView { root: Some(root.unwrap_or(id)), line, tree, same_order }
    }

    /// The messages of `tree` caused by `parent`, oldest first.
    pub fn children(&self, tree: &Chain, parent: MessageId) -> Vec<MessageId> {
        tree.iter().copied().filter(|m| self.message(*m).and_then(|x| x.causation_id) == Some(parent)).collect()
    }

    /// Every message linked to `id` by causation ids: its ancestors up to the user's request and
    /// all of their descendants.
    pub fn causal_chain(&self, id: MessageId) -> Chain {
        let mut root = id;
        let mut guard = 0;
        while let Some(parent) = self.message(root).and_then(|m| m.causation_id) {
            if !self.messages.contains_key(&parent) || guard > 64 {
                break;
            }
            root = parent;
            guard += 1;
        }
        let mut chain = Chain::default();
        chain.insert(root);
        chain.insert(id);
        // Descendants by repeated sweeps; chains are short, so a few passes suffice.
        loop {
            let before = chain.len();
            for m in self.messages.values() {
                if let Some(c) = m.causation_id
                    && chain.contains(&c)
                {
                    chain.insert(m.id);
                }
            }
            if chain.len() == before {
                return chain;
            }
        }
    }
}

/// Whether an entry is transport detail (acks, batches, offsets) rather than the saga's story.
pub fn is_transport(e: &TraceEvent) -> bool {
    matches!(
        e,
        TraceEvent::BatchSent { .. }
            | TraceEvent::Appended { .. }
            | TraceEvent::Acked { .. }
            | TraceEvent::AckTimeout { .. }
            | TraceEvent::OffsetCommitted { .. }
            | TraceEvent::Lost { .. }
            | TraceEvent::Handled { outcome: saga_sim::Outcome::NotForMe, .. }
            | TraceEvent::RpcAnswered { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use saga_sim::{Command, EventType, ProductId, Scenario, SimConfig, TimedCommand};

    #[test]
    fn the_out_of_stock_chain_is_found_from_any_of_its_messages() {
        // Monitor has 3; an order for 5 runs the rollback flow of seed 000.
        let s = Scenario {
            seed: 3,
            config: SimConfig::default(),
            commands: vec![TimedCommand {
                at_ms: 0,
                command: Command::PlaceOrder { product: ProductId(1), quantity: 5, idempotency_key: None },
            }],
        };
        let (mut sim, _) = s.run();
        let mut store = EventStore::default();
        store.extend(&sim.drain_trace());
        let id_of = |t: EventType| {
            store.newest_first().find_map(|e| match e.rec.event {
                TraceEvent::Emitted { message } if message.event.event_type() == t => Some(message.id),
                _ => None,
            })
        };
        let cancel = id_of(EventType::DeliveryCancelled).expect("DeliveryCancelled");
        let chain = store.causal_chain(cancel);
        let types: std::collections::BTreeSet<EventType> =
            chain.iter().filter_map(|m| store.message(*m)).map(|m| m.event.event_type()).collect();
        for t in [
            EventType::OrderPlaced,
            EventType::ProductOutOfStock,
            EventType::OrderCancelled,
            EventType::DeliveryCancelled,
        ] {
            assert!(types.contains(&t), "{t} in chain {types:?}");
        }
        // From the root, the same chain.
        let placed = id_of(EventType::OrderPlaced).expect("OrderPlaced");
        assert_eq!(store.causal_chain(placed), chain);
        let entry = store.newest_first().find(|e| matches!(e.rec.event, TraceEvent::Handled { .. })).copied();
        let entry = entry.expect("a handled entry");
        assert_eq!(store.order_of(&entry.rec.event), Some(saga_sim::OrderId(0)));
    }

    #[test]
    fn a_selected_message_has_its_own_line_apart_from_its_siblings_and_the_same_orders_other_requests() {
        // The happy path, then the customer cancels: a request of its own about the same order.
        let place = Command::PlaceOrder { product: ProductId(0), quantity: 1, idempotency_key: None };
        let cancel = Command::CancelOrder { order: saga_sim::OrderId(0) };
        let commands = vec![TimedCommand { at_ms: 0, command: place }, TimedCommand { at_ms: 2_000, command: cancel }];
        let (mut sim, _) = Scenario { seed: 1, config: SimConfig::default(), commands }.run();
        let mut store = EventStore::default();
        store.extend(&sim.drain_trace());
        let first = |t: EventType| {
            store
                .newest_first()
                .filter_map(|e| match e.rec.event {
                    TraceEvent::Emitted { message } if message.event.event_type() == t => Some(message.id),
                    _ => None,
                })
                .last()
        };
        let (placed, changed, started) = (
            first(EventType::OrderPlaced).unwrap(),
            first(EventType::ProductChanged).unwrap(),
            first(EventType::DeliveryStarted).unwrap(),
        );
        let v = store.causal_view(changed);
        assert_eq!(v.root, Some(placed));
        assert!(v.line.contains(&placed) && v.line.contains(&changed) && v.line.len() == 2, "{v:?}");
        assert!(v.tree.contains(&started) && !v.line.contains(&started), "the sibling is in the tree, not the line");
        assert_eq!(
            store.children(&v.tree, placed),
            vec![started, changed]
                .into_iter()
                .min()
                .into_iter()
                .chain([started, changed].into_iter().max())
                .collect::<Vec<_>>()
        );
        let cancelled = first(EventType::OrderCancelled).unwrap();
        assert!(
            v.same_order.contains(&cancelled) && !v.tree.contains(&cancelled),
            "the cancel is the same order, not the same request"
        );
    }

    #[test]
    fn the_store_is_bounded() {
        let mut store = EventStore::default();
        let rec = TraceRecord { at_ms: 0, event: TraceEvent::ConsistencyChanged { consistent: true } };
        for _ in 0..(ENTRIES_KEPT + 500) {
            store.extend(&[rec]);
        }
        assert_eq!(store.newest_first().count(), ENTRIES_KEPT);
        let newest = store.newest_first().next().map(|e| e.seq);
        assert_eq!(newest.and_then(|s| store.entry(s)).map(|e| e.seq), newest);
        assert!(store.entry(0).is_none(), "the oldest entries are gone");
    }
}
