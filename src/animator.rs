//! Moves message tokens across the stage from one requestAnimationFrame loop, by setting SVG
//! transforms on elements it owns. Yew never renders these, so a frame costs a few attribute
//! writes, not a re-render.
//!
//! Each message is a labelled pill in its link's pipe (see `layout`); the coordinator's commands
//! and their answers are pills on the rail. `token_layout` keeps the pills of one lane from
//! overlapping: they queue, and a crowded lane folds the tokens furthest from arriving into one
//! "+n" pill. Acknowledgements and offset commits are dots on the pipe's edges.

use crate::format::fixed;
use crate::i18n::{self, Key, Lang, t};
use crate::layout::{self, Geometry, NODE_W, PILL_GAP, PILL_H};
use crate::token_layout::{self, Want};
use saga_sim::InFlight;
use saga_sim::{Message, ServiceId};
use saga_sim::{RpcPacket, RpcResult};
use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

const SVG_NS: &str = "http://www.w3.org/2000/svg";
/// How far a pipe's edge lines sit from its centre: acks and commits travel on them.
const EDGE: f64 = NODE_W / 2.0 - 3.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum TokenKey {
    Batch { batch: u64, arrives_at_ms: u64, index: usize },
    Ack { batch: u64, arrives_at_ms: u64 },
    Commit { service: ServiceId, offset: u64, arrives_at_ms: u64 },
    Delivery { service: ServiceId, offset: u64 },
    Command { request: u64, answer: bool },
    Crowd { lane: usize },
}

/// A lane: a node's pipe (by `ServiceId::index`), or one of the rail's two tracks after them.
const LANES: usize = RAIL_ANSWERS + 1;
/// The rail track commands travel on.
const RAIL_COMMANDS: usize = ServiceId::COUNT;
/// The rail track answers travel back on.
const RAIL_ANSWERS: usize = ServiceId::COUNT + 1;

/// Whether `lane` is a node's pipe (tokens stack along y) rather than a rail track (along x).
const fn is_pipe(lane: usize) -> bool {
    lane < RAIL_COMMANDS
}

struct Token {
    el: Element,
    class: String,
    alive: bool,
    /// The last position written, so an unmoved token costs no DOM write.
    at: (i32, i32),
    /// A crowd token's count as written.
    count: usize,
}

/// A pill that wants a place this frame.
struct Pill<'a> {
    key: TokenKey,
    lane: usize,
    want: Want,
    /// The other coordinate (x in a pipe, y on a track).
    across: f64,
    kind: PillKind<'a>,
}

enum PillKind<'a> {
    Message { message: &'a Message, extra: &'static str },
    Command { packet: &'a RpcPacket },
}

/// The token layer and its elements.
pub struct Animator {
    doc: Document,
    layer: Element,
    tokens: TokenMap,
    reduced_motion: bool,
    last_count: usize,
    lang: Lang,
    /// Each lane's pills this frame (indices), kept between frames.
    lanes: [Vec<usize>; LANES],
    /// One lane's wishes, kept between frames.
    wants: Vec<Want>,
    /// Where and under what name the frame's work is reported (looked up once).
    work_report: Option<(JsValue, JsValue)>,
}

impl Animator {
    /// An animator drawing into `layer` (an SVG `<g>` the stage leaves empty).
    pub fn new(doc: Document, layer: Element, reduced_motion: bool) -> Animator {
        Animator {
            doc,
            layer,
            tokens: TokenMap::default(),
            reduced_motion,
            last_count: usize::MAX,
            lang: Lang::En,
            lanes: Default::default(),
            wants: Vec::new(),
            work_report: None,
        }
    }

    /// Draws `items` at virtual time `now_ms` on the stage `g`, highlighting the selected
    /// message's causal tree and, more strongly, its own line.
    #[cfg_attr(saga_size, optimize(speed))]
    pub fn draw(
        &mut self,
        g: &Geometry,
        lang: Lang,
        items: &[InFlight],
        now_ms: f64,
        causal: &crate::store::CausalView,
    ) -> Result<(), JsValue> {
        if lang != self.lang {
            // Labels are written once per token: start again in the new language.
            for (_, t) in self.tokens.0.drain(..) {
                t.el.remove();
            }
            self.lang = lang;
        }
        for (_, t) in &mut self.tokens.0 {
            t.alive = false;
        }
        let mut pills: Vec<Pill> = Vec::with_capacity(items.len());
        let mut count = 0;
        for item in items {
            count += self.collect(g, item, now_ms, &mut pills)?;
        }
        // Lay out each lane, then draw what it shows. The lanes' lists are kept from frame to
        // frame, so thousands in flight cost no new allocations.
        let mut summed = 0;
        let mut lanes = std::mem::take(&mut self.lanes);
        for l in &mut lanes {
            l.clear();
        }
        for (i, p) in pills.iter().enumerate() {
            lanes[p.lane].push(i);
        }
        for (lane, mine) in lanes.iter().enumerate() {
            if mine.is_empty() {
                continue;
            }
            let mut wants = std::mem::take(&mut self.wants);
            wants.clear();
            wants.extend(mine.iter().map(|&i| pills[i].want));
            let (lo, hi, crowd_size, across) = self.lane_extent(g, lane);
            let placed = token_layout::place(&wants, lo, hi, PILL_GAP, crowd_size);
            self.wants = wants;
            for (k, &i) in mine.iter().enumerate() {
                let Some(at) = placed.at[k] else { continue };
                let p = &pills[i];
                let (x, y) = if is_pipe(lane) { (p.across, at) } else { (at, p.across) };
                match p.kind {
                    PillKind::Message { message, extra } => self.place_message(p.key, message, x, y, causal, extra)?,
                    PillKind::Command { packet } => self.place_command(p.key, packet, x, y)?,
                }
            }
            if let Some((at, n)) = placed.crowd {
                summed += n;
                let (x, y) = if is_pipe(lane) { (across, at) } else { (at, across) };
                self.place_crowd(lane, n, x, y)?;
            }
        }
        self.lanes = lanes;
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

    /// Turns one thing in flight into pills (returned in `pills`) or dots (drawn now); returns
    /// how many messages it is.
    #[cfg_attr(saga_size, optimize(speed))]
    fn collect<'a>(
        &mut self,
        g: &Geometry,
        item: &'a InFlight,
        now_ms: f64,
        pills: &mut Vec<Pill<'a>>,
    ) -> Result<usize, JsValue> {
        let pipe_lane = |s: ServiceId| s.index();
        match item {
            InFlight::Batch { service, batch, index, message, sent_at_ms, arrives_at_ms } => {
                let Some(pipe) = g.pipe(*service) else { return Ok(0) };
                let p = self.progress(now_ms, *sent_at_ms, *arrives_at_ms);
                pills.push(Pill {
                    key: TokenKey::Batch { batch: *batch, arrives_at_ms: *arrives_at_ms, index: *index },
                    lane: pipe_lane(*service),
                    want: Want { at: pipe.y(true, p), size: PILL_H, urgency: p },
                    across: pipe.cx,
                    kind: PillKind::Message { message, extra: "" },
                });
                Ok(1)
            }
            InFlight::Ack { service, batch, sent_at_ms, arrives_at_ms } => {
                let Some(pipe) = g.pipe(*service) else { return Ok(0) };
                let p = self.progress(now_ms, *sent_at_ms, *arrives_at_ms);
                let key = TokenKey::Ack { batch: *batch, arrives_at_ms: *arrives_at_ms };
                self.place_control(key, pipe.cx + EDGE, pipe.y(false, p), "ack")?;
                Ok(1)
            }
            InFlight::Commit { service, offset, sent_at_ms, arrives_at_ms } => {
                let Some(pipe) = g.pipe(*service) else { return Ok(0) };
                let p = self.progress(now_ms, *sent_at_ms, *arrives_at_ms);
                let key = TokenKey::Commit { service: *service, offset: offset.0, arrives_at_ms: *arrives_at_ms };
                self.place_control(key, pipe.cx - EDGE, pipe.y(true, p), "commit")?;
                Ok(1)
            }
            InFlight::Command { from, to, packet, sent_at_ms, arrives_at_ms } => {
                let (Some([out_y, back_y]), Some(x0), Some(x1)) = (g.rail, g.rail_x(*from), g.rail_x(*to)) else {
                    return Ok(0);
                };
                let p = self.progress(now_ms, *sent_at_ms, *arrives_at_ms);
                let answer = packet.result.is_some();
                let label = command_label(self.lang, packet);
                pills.push(Pill {
                    key: TokenKey::Command { request: packet.request.0, answer },
                    lane: if answer { RAIL_ANSWERS } else { RAIL_COMMANDS },
                    want: Want { at: x0 + (x1 - x0) * p, size: layout::pill_width(&label), urgency: p },
                    across: if answer { back_y } else { out_y },
                    kind: PillKind::Command { packet },
                });
                Ok(1)
            }
            InFlight::Delivery { service, offset, message, fetched_at_ms, delivered_at_ms, repeat, .. } => {
                let Some(pipe) = g.pipe(*service) else { return Ok(0) };
                let arrived = now_ms >= *delivered_at_ms as f64;
                let p = if arrived { 1.0 } else { self.progress(now_ms, *fetched_at_ms, *delivered_at_ms) };
                // A message this consumer met before travels as a ghost copy.
                let extra = match (arrived, *repeat) {
                    (true, true) => " handling ghost",
                    (true, false) => " handling",
                    (false, true) => " ghost",
                    (false, false) => "",
                };
                pills.push(Pill {
                    key: TokenKey::Delivery { service: *service, offset: offset.0 },
                    lane: pipe_lane(*service),
                    // The one being handled is never folded away.
                    want: Want { at: pipe.y(false, p), size: PILL_H, urgency: if arrived { 2.0 } else { p } },
                    across: pipe.cx,
                    kind: PillKind::Message { message, extra },
                });
                Ok(1)
            }
        }
    }

    /// A lane's start and end along it, its crowd pill's size, and its other coordinate.
    fn lane_extent(&self, g: &Geometry, lane: usize) -> (f64, f64, f64, f64) {
        if is_pipe(lane) {
            let pipe = ServiceId::NODES.get(lane).and_then(|&s| g.pipe(s));
            let Some(pipe) = pipe else { return (0.0, 0.0, PILL_H, 0.0) };
            let (lo, hi) = pipe.span();
            (lo - PILL_H / 2.0, hi + PILL_H / 2.0, PILL_H, pipe.cx)
        } else {
            let (lo, hi) = g.rail_span();
            let y = g.rail.map_or(0.0, |r| r[lane - RAIL_COMMANDS]);
            (lo, hi, layout::pill_width("+000"), y)
        }
    }

    /// The "+n" token of a crowded lane.
    fn place_crowd(&mut self, lane: usize, hidden: usize, x: f64, y: f64) -> Result<(), JsValue> {
        let key = TokenKey::Crowd { lane };
        let label = format!("+{hidden}");
        if let Some(t) = self.tokens.get_mut(&key) {
            // Only a new count is written: an unchanged page must cost nothing to draw.
            if t.count != hidden
                && let Some(text) = t.el.last_element_child()
            {
                text.set_text_content(Some(&label));
                t.count = hidden;
            }
        } else {
            // Wide enough for any count up to 999 (more shows the same width).
            let g = self.pill("+000", false, 0)?;
            if let Some(text) = g.last_element_child() {
                text.set_text_content(Some(&label));
            }
            self.layer.append_child(&g)?;
            self.tokens
                .insert(key, Token { el: g, class: String::new(), alive: true, at: (i32::MIN, 0), count: hidden });
        }
        self.update(key, x, y, "token crowd".into())
    }

    /// Records how long the last frame's work took, for the budget script to read
    /// (`window.__sagaFrameWorkMs`): a property, not an attribute, so reporting it changes
    /// nothing on the page to lay out or paint.
    pub fn report_work_ms(&mut self, ms: f64) {
        let (window, key) = self.work_report.get_or_insert_with(|| {
            (web_sys::window().map(JsValue::from).unwrap_or_default(), JsValue::from_str("__sagaFrameWorkMs"))
        });
        let _ = js_sys::Reflect::set(window, key, &JsValue::from_f64(ms));
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
        causal: &crate::store::CausalView,
        extra: &str,
    ) -> Result<(), JsValue> {
        let comp = m.event.is_compensation();
        let mut class = String::from(if comp { "token comp" } else { "token ev" });
        // The selected event's own line stands out; the rest of its request's tree is marked;
        // everything else fades.
        if causal.line.contains(&m.id) {
            class.push_str(" chain line");
        } else if causal.tree.contains(&m.id) {
            class.push_str(" chain");
        }
        if !causal.tree.is_empty() && !causal.tree.contains(&m.id) {
            class.push_str(" dim");
        }
        class.push_str(extra);
        if !self.tokens.contains_key(&key) {
            let name = m.event.event_type().name();
            let label = if comp { format!("↩ {name}") } else { name.to_string() };
            let el = self.pill(&label, comp, m.id.0)?;
            el.set_attribute("data-type", name)?;
            self.layer.append_child(&el)?;
            self.tokens.insert(key, Token { el, class: String::new(), alive: true, at: (i32::MIN, 0), count: 0 });
        }
        self.update(key, x, y, class)
    }

    fn place_command(&mut self, key: TokenKey, packet: &RpcPacket, x: f64, y: f64) -> Result<(), JsValue> {
        let comp = packet.rpc.is_compensation();
        if !self.tokens.contains_key(&key) {
            let label = command_label(self.lang, packet);
            let el = self.pill(&label, comp, packet.request.0)?;
            self.layer.append_child(&el)?;
            self.tokens.insert(key, Token { el, class: String::new(), alive: true, at: (i32::MIN, 0), count: 0 });
        }
        let kind = if packet.result.is_some() { "token cmd answer" } else { "token cmd" };
        self.update(key, x, y, format!("{kind}{}", if comp { " comp" } else { "" }))
    }

    fn place_control(&mut self, key: TokenKey, x: f64, y: f64, kind: &str) -> Result<(), JsValue> {
        if !self.tokens.contains_key(&key) {
            let g = self.doc.create_element_ns(Some(SVG_NS), "g")?;
            let c = self.doc.create_element_ns(Some(SVG_NS), "circle")?;
            c.set_attribute("r", "4.5")?;
            g.append_child(&c)?;
            self.layer.append_child(&g)?;
            self.tokens.insert(key, Token { el: g, class: String::new(), alive: true, at: (i32::MIN, 0), count: 0 });
        }
        self.update(key, x, y, format!("token ctl {kind}"))
    }

    fn update(&mut self, key: TokenKey, x: f64, y: f64, class: String) -> Result<(), JsValue> {
        let Some(t) = self.tokens.get_mut(&key) else { return Ok(()) };
        t.alive = true;
        // Tenths of a unit: finer than a pixel, and an unmoved token writes nothing.
        let at = ((x * 10.0).round() as i32, (y * 10.0).round() as i32);
        if t.at != at {
            t.at = at;
            t.el.set_attribute("transform", &format!("translate({} {})", fixed(x, 1), fixed(y, 1)))?;
        }
        if t.class != class {
            t.el.set_attribute("class", &class)?;
            t.class = class;
        }
        Ok(())
    }

    /// A labelled pill; compensations (`square`) get square corners and a dashed edge (by CSS),
    /// and their labels start with ↩.
    fn pill(&self, label: &str, square: bool, id: u64) -> Result<Element, JsValue> {
        // Width from the label's length keeps the pill snug without measuring text.
        let w = layout::pill_width(label);
        let g = self.doc.create_element_ns(Some(SVG_NS), "g")?;
        g.set_attribute("data-message", &id.to_string())?;
        let r = self.doc.create_element_ns(Some(SVG_NS), "rect")?;
        r.set_attribute("x", &fixed(-w / 2.0, 1))?;
        r.set_attribute("y", &fixed(-PILL_H / 2.0, 1))?;
        r.set_attribute("width", &fixed(w, 1))?;
        r.set_attribute("height", &fixed(PILL_H, 1))?;
        // Shape, not only colour, tells a compensation apart: square corners and a dashed edge.
        r.set_attribute("rx", if square { "1" } else { "11" })?;
        let t = self.doc.create_element_ns(Some(SVG_NS), "text")?;
        t.set_attribute("y", "5.5")?;
        t.set_attribute("text-anchor", "middle")?;
        t.set_text_content(Some(label));
        g.append_child(&r)?;
        g.append_child(&t)?;
        Ok(g)
    }
}

/// A command shows its name; an answer shows the result, as a participant would say it.
pub fn command_label(lang: Lang, packet: &RpcPacket) -> String {
    let name = packet.rpc.name();
    let comp = if packet.rpc.is_compensation() { "↩ " } else { "" };
    match packet.result {
        None => format!("{comp}{name}"),
        Some(r) => match r {
            RpcResult::Done => format!("✓ {}", t(lang, Key::AnswerDone)),
            RpcResult::OutOfStock { .. } => format!("✗ {}", t(lang, Key::AnswerOutOfStock)),
            RpcResult::Refused => format!("✗ {}", t(lang, Key::AnswerRefused)),
            RpcResult::CannotUndo => format!("✗ {}", t(lang, Key::AnswerCannotUndo)),
            RpcResult::Blocked => format!("⏸ {}", t(lang, Key::AnswerBlocked)),
            RpcResult::Status { status } => {
                i18n::status(lang, status).split(' ').next().unwrap_or_default().to_string()
            }
        },
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
