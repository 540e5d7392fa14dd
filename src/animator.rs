//! Moves message tokens across the stage from one requestAnimationFrame loop, by setting SVG
//! transforms on elements it owns. Yew never renders these, so a frame costs a few attribute
//! writes, not a re-render.

use crate::format::fixed;
use crate::layout;
use saga_sim::OrderStatus;
use saga_sim::rpc::{RpcPacket, RpcResult};
use saga_sim::view::InFlight;
use saga_sim::{Message, ServiceId};
use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

const SVG_NS: &str = "http://www.w3.org/2000/svg";
/// Messages of one batch are fanned out by this much so each stays visible.
const FAN_PX: f64 = 4.0;
/// With more than this many things in flight, each lane draws only its first
/// [`DRAWN_PER_LANE`] and sums up the rest in one "+n" token, so a frame stays within budget
/// however busy the run (and the screen says so rather than dropping frames silently).
const CROWD_ABOVE: usize = 400;
/// Tokens drawn per lane when crowded: the soonest to arrive.
const DRAWN_PER_LANE: usize = 30;
/// Lanes: each node's link to the bus both ways, and its command link both ways.
const LANES: usize = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum TokenKey {
    Batch { batch: u64, arrives_at_ms: u64, index: usize },
    Ack { batch: u64, arrives_at_ms: u64 },
    Commit { service: ServiceId, offset: u64, arrives_at_ms: u64 },
    Delivery { service: ServiceId, offset: u64 },
    Command { request: u64, answer: bool },
    Crowd { lane: usize },
}

struct Token {
    el: Element,
    class: String,
    alive: bool,
}

/// The token layer and its elements.
pub struct Animator {
    doc: Document,
    layer: Element,
    tokens: TokenMap,
    reduced_motion: bool,
    last_count: usize,
}

impl Animator {
    /// An animator drawing into `layer` (an SVG `<g>` the stage leaves empty).
    pub fn new(doc: Document, layer: Element, reduced_motion: bool) -> Animator {
        Animator { doc, layer, tokens: TokenMap::default(), reduced_motion, last_count: usize::MAX }
    }

    /// Draws `items` at virtual time `now_ms`, highlighting messages in `chain`.
    pub fn draw(&mut self, items: &[InFlight], now_ms: f64, chain: &crate::store::Chain) -> Result<(), JsValue> {
        for (_, t) in &mut self.tokens.0 {
            t.alive = false;
        }
        let mut count = 0;
        let crowded = items.len() > CROWD_ABOVE;
        let mut per_lane = [0usize; LANES];
        for item in items {
            let lane = lane_of(item);
            per_lane[lane] += 1;
            if crowded && per_lane[lane] > DRAWN_PER_LANE {
                count += 1;
                continue;
            }
            match item {
                InFlight::Batch { service, batch, messages, sent_at_ms, arrives_at_ms } => {
                    let p = self.progress(now_ms, *sent_at_ms, *arrives_at_ms);
                    for (index, m) in messages.iter().enumerate() {
                        let key = TokenKey::Batch { batch: *batch, arrives_at_ms: *arrives_at_ms, index };
                        let (x, y) = layout::along(*service, true, p);
                        let fan = index as f64 * FAN_PX;
                        self.place_message(key, m, x - fan, y - fan * 0.5, chain, "")?;
                        count += 1;
                    }
                }
                InFlight::Ack { service, batch, sent_at_ms, arrives_at_ms } => {
                    let p = self.progress(now_ms, *sent_at_ms, *arrives_at_ms);
                    let (x, y) = layout::along(*service, false, p);
                    self.place_control(TokenKey::Ack { batch: *batch, arrives_at_ms: *arrives_at_ms }, x, y, "ack")?;
                    count += 1;
                }
                InFlight::Commit { service, offset, sent_at_ms, arrives_at_ms } => {
                    let p = self.progress(now_ms, *sent_at_ms, *arrives_at_ms);
                    let (x, y) = layout::along(*service, true, p);
                    let key = TokenKey::Commit { service: *service, offset: offset.0, arrives_at_ms: *arrives_at_ms };
                    self.place_control(key, x, y, "commit")?;
                    count += 1;
                }
                InFlight::Command { from, to, packet, sent_at_ms, arrives_at_ms } => {
                    let p = self.progress(now_ms, *sent_at_ms, *arrives_at_ms);
                    let (x, y) = match packet.rpc {
                        // A sweeper's question to Order and its answer, on the participant's own
                        // path to Order.
                        saga_sim::rpc::Rpc::QueryOrder { from: asker } => layout::along_query(asker, *from == asker, p),
                        _ => {
                            let outbound = *from == ServiceId::Coordinator;
                            layout::along_command(if outbound { *to } else { *from }, outbound, p)
                        }
                    };
                    let outbound = *to != packet.rpc.requester();
                    let key = TokenKey::Command { request: packet.request.0, answer: !outbound };
                    self.place_command(key, packet, x, y)?;
                    count += 1;
                }
                InFlight::Delivery { service, offset, message, fetched_at_ms, delivered_at_ms, repeat, .. } => {
                    let arrived = now_ms >= *delivered_at_ms as f64;
                    let p = if arrived { 1.0 } else { self.progress(now_ms, *fetched_at_ms, *delivered_at_ms) };
                    let (x, y) = layout::along(*service, false, p);
                    // A message this consumer met before travels as a ghost copy.
                    let extra = match (arrived, *repeat) {
                        (true, true) => " handling ghost",
                        (true, false) => " handling",
                        (false, true) => " ghost",
                        (false, false) => "",
                    };
                    self.place_message(
                        TokenKey::Delivery { service: *service, offset: offset.0 },
                        message,
                        x,
                        y,
                        chain,
                        extra,
                    )?;
                    count += 1;
                }
            }
        }
        let mut summed = 0;
        for (lane, &n) in per_lane.iter().enumerate() {
            if crowded && n > DRAWN_PER_LANE {
                let hidden = n - DRAWN_PER_LANE;
                summed += hidden;
                self.place_crowd(lane, hidden)?;
            }
        }
        self.tokens.0.retain(|(_, t)| {
            if !t.alive {
                t.el.remove();
            }
            t.alive
        });
        if count != self.last_count {
            self.last_count = count;
            self.layer.set_attribute("data-in-flight", &count.to_string())?;
            self.layer.set_attribute("data-summed", &summed.to_string())?;
        }
        Ok(())
    }

    /// The "+n" token in the middle of a crowded lane.
    fn place_crowd(&mut self, lane: usize, hidden: usize) -> Result<(), JsValue> {
        let key = TokenKey::Crowd { lane };
        let label = format!("+{hidden}");
        let fresh = !self.tokens.contains_key(&key);
        if fresh {
            let g = self.pill(&label, false, 0)?;
            self.layer.append_child(&g)?;
            self.tokens.insert(key, Token { el: g, class: String::new(), alive: true });
        }
        let service = ServiceId::NODES[lane % 4];
        let (x, y) = match lane / 4 {
            0 => layout::along(service, true, 0.5),
            1 => layout::along(service, false, 0.5),
            2 => layout::along_command(service, true, 0.5),
            _ => layout::along_command(service, false, 0.5),
        };
        if let Some(t) = self.tokens.get_mut(&key)
            && !fresh
            && let Some(text) = t.el.last_element_child()
        {
            text.set_text_content(Some(&label));
        }
        self.update(key, x, y, "token crowd".into())
    }

    /// Records how long the last frame's work took, for the budget script to read.
    pub fn report_work_ms(&self, ms: f64) {
        let _ = self.layer.set_attribute("data-frame-work-ms", &crate::format::fixed(ms, 2));
    }

    /// How far along its wire a packet is. With reduced motion, tokens do not glide: they sit
    /// half way, so each step shows where every message is without movement.
    fn progress(&self, now_ms: f64, from_ms: u64, to_ms: u64) -> f64 {
        if self.reduced_motion {
            return 0.5;
        }
        let span = to_ms.saturating_sub(from_ms).max(1) as f64;
        ((now_ms - from_ms as f64) / span).clamp(0.0, 1.0)
    }

    fn place_message(
        &mut self,
        key: TokenKey,
        m: &Message,
        x: f64,
        y: f64,
        chain: &crate::store::Chain,
        extra: &str,
    ) -> Result<(), JsValue> {
        let comp = m.event.is_compensation();
        let mut class = String::from(if comp { "token comp" } else { "token ev" });
        if chain.contains(&m.id) {
            class.push_str(" chain");
        }
        if !chain.is_empty() && !chain.contains(&m.id) {
            class.push_str(" dim");
        }
        class.push_str(extra);
        if !self.tokens.contains_key(&key) {
            let el = self.message_element(m, comp)?;
            self.layer.append_child(&el)?;
            self.tokens.insert(key, Token { el, class: String::new(), alive: true });
        }
        self.update(key, x, y, class)
    }

    fn place_command(&mut self, key: TokenKey, packet: &RpcPacket, x: f64, y: f64) -> Result<(), JsValue> {
        let comp = packet.rpc.is_compensation();
        if !self.tokens.contains_key(&key) {
            // A command shows its name; an answer shows the result, as a participant would say it.
            let label = match packet.result {
                None => packet.rpc.name().to_string(),
                Some(RpcResult::Done) => "✓ done".to_string(),
                Some(RpcResult::OutOfStock { .. }) => "✗ out of stock".to_string(),
                Some(RpcResult::Refused) => "✗ refused".to_string(),
                Some(RpcResult::CannotUndo) => "✗ cannot undo".to_string(),
                Some(RpcResult::Blocked) => "⏸ waits for lock".to_string(),
                Some(RpcResult::Status { status: OrderStatus::Pending }) => "PENDING".to_string(),
                Some(RpcResult::Status { status: OrderStatus::Confirmed }) => "CONFIRMED".to_string(),
                Some(RpcResult::Status { status: OrderStatus::Cancelled(_) }) => "CANCELLED".to_string(),
            };
            let el = self.pill(&label, comp, packet.request.0)?;
            self.layer.append_child(&el)?;
            self.tokens.insert(key, Token { el, class: String::new(), alive: true });
        }
        let kind = if packet.result.is_some() { "token cmd answer" } else { "token cmd" };
        self.update(key, x, y, format!("{kind}{}", if comp { " comp" } else { "" }))
    }

    fn place_control(&mut self, key: TokenKey, x: f64, y: f64, kind: &str) -> Result<(), JsValue> {
        if !self.tokens.contains_key(&key) {
            let g = self.doc.create_element_ns(Some(SVG_NS), "g")?;
            let c = self.doc.create_element_ns(Some(SVG_NS), "circle")?;
            c.set_attribute("r", "4")?;
            g.append_child(&c)?;
            self.layer.append_child(&g)?;
            self.tokens.insert(key, Token { el: g, class: String::new(), alive: true });
        }
        self.update(key, x, y, format!("token ctl {kind}"))
    }

    fn update(&mut self, key: TokenKey, x: f64, y: f64, class: String) -> Result<(), JsValue> {
        let Some(t) = self.tokens.get_mut(&key) else { return Ok(()) };
        t.alive = true;
        t.el.set_attribute("transform", &format!("translate({} {})", fixed(x, 1), fixed(y, 1)))?;
        if t.class != class {
            t.el.set_attribute("class", &class)?;
            t.class = class;
        }
        Ok(())
    }

    fn message_element(&self, m: &Message, comp: bool) -> Result<Element, JsValue> {
        let name = m.event.event_type().name();
        let g = self.pill(name, comp, m.id.0)?;
        g.set_attribute("data-type", name)?;
        Ok(g)
    }

    /// A labelled pill; compensations get square corners, a dashed edge (by CSS) and ↩.
    fn pill(&self, name: &str, comp: bool, id: u64) -> Result<Element, JsValue> {
        let label = if comp { format!("↩ {name}") } else { name.to_string() };
        // Width from the label's length keeps the pill snug without measuring text.
        let w = 10.0 + 6.1 * label.chars().count() as f64;
        let g = self.doc.create_element_ns(Some(SVG_NS), "g")?;
        g.set_attribute("data-message", &id.to_string())?;
        let r = self.doc.create_element_ns(Some(SVG_NS), "rect")?;
        r.set_attribute("x", &fixed(-w / 2.0, 1))?;
        r.set_attribute("y", "-8")?;
        r.set_attribute("width", &fixed(w, 1))?;
        r.set_attribute("height", "16")?;
        // Shape, not only colour, tells a compensation apart: square corners and a dashed edge.
        r.set_attribute("rx", if comp { "1" } else { "8" })?;
        let t = self.doc.create_element_ns(Some(SVG_NS), "text")?;
        t.set_attribute("y", "3.5")?;
        t.set_attribute("text-anchor", "middle")?;
        t.set_text_content(Some(&label));
        g.append_child(&r)?;
        g.append_child(&t)?;
        Ok(g)
    }
}

/// Which lane a thing in flight travels: a node's link to the bus (up or down) or its command
/// link (out or back), as `direction * 4 + node`.
fn lane_of(item: &InFlight) -> usize {
    let node = |s: &ServiceId| match s {
        ServiceId::Order => 0,
        ServiceId::Product => 1,
        ServiceId::Delivery => 2,
        ServiceId::Coordinator => 3,
    };
    match item {
        InFlight::Batch { service, .. } | InFlight::Commit { service, .. } => node(service),
        InFlight::Ack { service, .. } | InFlight::Delivery { service, .. } => 4 + node(service),
        InFlight::Command { from, to, .. } if *from == ServiceId::Coordinator => 8 + node(to),
        InFlight::Command { from, .. } => 12 + node(from),
    }
}

/// The tokens on the stage by key, kept sorted: a binary search per token keeps a frame with
/// thousands of them cheap, with less download than a hash map's code.
#[derive(Default)]
struct TokenMap(Vec<(TokenKey, Token)>);

impl TokenMap {
    fn find(&self, key: &TokenKey) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.cmp(key))
    }

    fn contains_key(&self, key: &TokenKey) -> bool {
        self.find(key).is_ok()
    }

    fn insert(&mut self, key: TokenKey, token: Token) {
        if let Err(i) = self.find(&key) {
            self.0.insert(i, (key, token));
        }
    }

    fn get_mut(&mut self, key: &TokenKey) -> Option<&mut Token> {
        let i = self.find(key).ok()?;
        self.0.get_mut(i).map(|(_, t)| t)
    }
}
