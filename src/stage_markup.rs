//! The stage's SVG as text: the client, the services, the coordinator, the bus, the dead-letter
//! queue and the pipes and rail between them (positions from `layout`).
//!
//! The stage changes only when the world does, and then mostly as a whole, so it is written as
//! one string that Yew inserts as it is. Building text with `write!` costs far less WebAssembly
//! than a virtual-DOM node per shape (about 4 KB gzipped less), and it keeps this module pure:
//! its tests run natively. Message tokens are not here: the animator draws them.
//!
//! Every label is one line of [`layout::TEXT`]-unit type inside its box, and its width is checked
//! against the box (see the tests), so nothing overlaps in either language.

use crate::format::fixed;
use crate::i18n::{self, Key, Lang, t};
use crate::layout::{self, Geometry, LINE, NodeBox};
use crate::markup::escape;
use crate::store::CausalView;
use saga_sim::DeliveryStatus;
use saga_sim::Ledger;
use saga_sim::OrderId;
use saga_sim::PublishMode;
use saga_sim::SagaPhase;
use saga_sim::ServiceView;
use saga_sim::{OutboxRow, RowState};
use saga_sim::{Protocol, Reply, ServiceId, View};
use std::fmt::Write;

/// Outbox rows drawn as cells in a service's node; more show as "+n".
const OUTBOX_CELLS: usize = 6;
/// Order ids shown in a badge line before "+n".
const IDS_SHOWN: usize = 3;
/// How long a "duplicate ignored / applied" badge stays up, in virtual time.
pub const BADGE_MS: u64 = 2_000;

/// A duplicate badge's text: "m12 duplicate ignored", or only "duplicate ignored" when a long
/// message id (after a fast-forward, "m35819") would push it past its node's edge.
fn badge_label(lang: Lang, message: &str, key: Key, room: f64) -> String {
    let full = format!("{message} {}", t(lang, key));
    // The badge is bold, but the regular estimate is generous enough for DejaVu Sans Bold at
    // these lengths (the e2e overlap test measures the real boxes).
    if layout::text_width(&full) <= room { full } else { t(lang, key).to_string() }
}

/// The stage's inner SVG markup (without the token layer).
pub fn stage_svg(lang: Lang, view: &View, g: &Geometry, causal: &CausalView) -> String {
    let mut s = Svg { out: String::with_capacity(8_192), labels: Vec::new() };
    s.defs();
    s.rail(view, g);
    s.client(lang, view, g);
    for v in &view.services {
        s.pipe(v, g);
    }
    for v in &view.services {
        match v.id {
            ServiceId::Coordinator => s.coordinator(lang, v, view, g),
            ServiceId::Payment | ServiceId::Points => s.participant(lang, v, view, g),
            _ => s.service(lang, v, view, g),
        }
    }
    s.bus(lang, view, g, causal);
    s.dlq(lang, view, g);
    s.out
}

/// The stage's one-line summary for screen readers: each service's state and lag.
pub fn summary(lang: Lang, view: &View) -> String {
    let mut out = String::new();
    for (i, s) in view.services.iter().enumerate() {
        let state = t(lang, if s.up { Key::Up } else { Key::Down });
        let sep = if i > 0 { "; " } else { "" };
        let _ = write!(out, "{sep}{}: {state}", i18n::service(lang, s.id));
        if s.partitioned {
            let _ = write!(out, ", {}", t(lang, Key::Cut));
        }
        if s.id.reads_bus() {
            let _ = write!(out, ", {} {}", t(lang, Key::Lag), s.consumer.lag);
        }
    }
    if !view.dead_letters.is_empty() {
        let _ = write!(out, "; {} {}", t(lang, Key::DeadLetters), view.dead_letters.len());
    }
    out
}

/// A consumer's one-letter marker, in the display language.
fn initial(lang: Lang, s: ServiceId) -> char {
    i18n::service(lang, s).chars().next().unwrap_or('?')
}

/// Order ids as "o3 o4 o5 +2".
fn ids(list: impl Iterator<Item = saga_sim::OrderId>) -> String {
    let all: Vec<_> = list.collect();
    let mut s = String::new();
    for (i, id) in all.iter().take(IDS_SHOWN).enumerate() {
        let _ = write!(s, "{}{id}", if i > 0 { " " } else { "" });
    }
    if all.len() > IDS_SHOWN {
        let _ = write!(s, " +{}", all.len() - IDS_SHOWN);
    }
    s
}

/// What a participant holds for open transactions, as one badge line (TCC and 2PC) within
/// `room` units: Product's reservations or row lock and the orders queued behind it, Delivery's
/// held or prepared slots, Payment's and Points' held or prepared amounts, Order's locked orders.
/// Fewer order ids are named as room runs out, down to a count.
pub fn holdings(lang: Lang, view: &View, s: ServiceId, room: f64) -> Option<String> {
    if !view.protocol.is_two_phase() {
        return None;
    }
    let two_pc = view.protocol == Protocol::TwoPc;
    let (word, held, waiting): (Key, Vec<OrderId>, Vec<OrderId>) = match s {
        ServiceId::Product if two_pc => (
            Key::LockShort,
            view.products.iter().filter_map(|p| p.lock.map(|l| l.holder)).collect(),
            view.products.iter().flat_map(|p| p.waiting.iter().copied()).collect(),
        ),
        ServiceId::Product => (
            Key::ReservedShort,
            view.ledger.iter().filter(|(_, l)| matches!(l, Ledger::Reserved { .. })).map(|(o, _)| *o).collect(),
            Vec::new(),
        ),
        ServiceId::Delivery => (
            if two_pc { Key::PreparedShort } else { Key::ReservedShort },
            view.deliveries
                .iter()
                .filter(|d| matches!(d.status, DeliveryStatus::Held | DeliveryStatus::Prepared))
                .map(|d| d.order)
                .collect(),
            Vec::new(),
        ),
        ServiceId::Order => {
            (Key::LockShort, view.orders.iter().filter(|o| o.locked).map(|o| o.id).collect(), Vec::new())
        }
        ServiceId::Payment | ServiceId::Points => {
            let rows = if s == ServiceId::Payment { &view.payments } else { &view.points };
            // Short words: a compact box.
            let word = if two_pc { Key::LockShort } else { Key::HeldShort };
            (word, rows.iter().filter(|r| r.status.is_open()).map(|r| r.order).collect(), Vec::new())
        }
        ServiceId::Coordinator => return None,
    };
    if held.is_empty() && waiting.is_empty() {
        return None;
    }
    // Words, not emoji: a classroom browser may have no emoji font.
    let line = |shown: usize| {
        let mut line = listed(t(lang, word), &held, shown);
        if !waiting.is_empty() {
            let _ = write!(line, " · {}", listed(t(lang, Key::WaitingShort), &waiting, shown));
        }
        line
    };
    let fits = |text: &String| layout::bold_width(text) <= room;
    Some((0..=IDS_SHOWN).rev().map(line).find(fits).unwrap_or_else(|| line(0)))
}

/// "word o3 o4 +2": the first `shown` order ids and how many more, or "word 6" (how many) when
/// none is shown.
fn listed(word: &str, list: &[OrderId], shown: usize) -> String {
    if shown == 0 && !list.is_empty() {
        return format!("{word} {}", list.len());
    }
    format!("{word} {}", ids(list.iter().copied().take(shown)).trim_end())
        + &if list.len() > shown { format!(" +{}", list.len() - shown) } else { String::new() }
}

/// The markup being written, and every label written so far with the width it may take (for
/// the tests). Writing to a `String` cannot fail, so results are ignored.
struct Svg {
    out: String,
    /// Every label and the room it has left (negative when it does not fit).
    labels: Vec<(String, f64)>,
}

impl Svg {
    fn open(&mut self, class: &str, service: Option<ServiceId>) {
        let _ = write!(self.out, "<g class=\"{class}\"");
        if let Some(id) = service {
            let _ = write!(self.out, " data-service=\"{}\"", id.name());
        }
        self.out.push('>');
    }

    fn close(&mut self) {
        self.out.push_str("</g>");
    }

    fn rect(&mut self, class: &str, x: f64, y: f64, w: f64, h: f64, rx: u32) {
        let _ = write!(
            self.out,
            "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{rx}\"/>",
            fixed(x, 1),
            fixed(y, 1),
            fixed(w, 1),
            fixed(h, 1)
        );
    }

    fn node_box(&mut self, b: NodeBox, class: &str) {
        self.rect(class, b.left(), b.top(), b.w, b.h, 10);
    }

    /// A spinning arc centred at (x, y): someone is waiting.
    fn spinner(&mut self, x: f64, y: f64) {
        let _ = write!(self.out, "<circle class=\"spinner\" cx=\"{}\" cy=\"{}\" r=\"7\"/>", fixed(x, 1), fixed(y, 1));
    }

    /// A label centred at `x`, which may take `room` units of width.
    fn text(&mut self, x: f64, y: f64, class: &str, text: &str, room: f64) {
        // The width it takes, for the tests: titles are 18 units and bold, status lines bold.
        let w = if class.contains("title-sm")
            || class.contains("status")
            || class.contains("strong")
            || class.contains("marker")
            || class.contains("holds")
        {
            layout::bold_width(text)
        } else if class.contains("title") {
            layout::bold_width(text) * 18.0 / 16.0
        } else {
            layout::text_width(text)
        };
        self.labels.push((text.to_string(), room - w));
        let _ = write!(
            self.out,
            "<text x=\"{}\" y=\"{}\" class=\"{class}\">{}</text>",
            fixed(x, 1),
            fixed(y, 1),
            escape(text)
        );
    }

    /// Line `k` of a node (0 is the title).
    fn line_in(&mut self, b: NodeBox, k: usize, class: &str, text: &str) {
        self.text(b.cx, b.top() + layout::TEXT + 6.0 + LINE * k as f64, class, text, b.w - 10.0);
    }

    fn line(&mut self, class: &str, (x1, y1): (f64, f64), (x2, y2): (f64, f64), arrow: bool) {
        let _ = write!(
            self.out,
            "<line class=\"{class}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"{}/>",
            fixed(x1, 1),
            fixed(y1, 1),
            fixed(x2, 1),
            fixed(y2, 1),
            if arrow { " marker-end=\"url(#arrow)\"" } else { "" }
        );
    }

    fn defs(&mut self) {
        self.out.push_str(concat!(
            "<defs><pattern id=\"hatch\" patternUnits=\"userSpaceOnUse\" width=\"8\" height=\"8\" ",
            "patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" class=\"hatch-bg\"/>",
            "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" class=\"hatch-line\"/></pattern>",
            "<marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"7\" markerHeight=\"7\" ",
            "orient=\"auto-start-reverse\"><path d=\"M0,0 L8,4 L0,8 z\" class=\"arrow-head\"/></marker></defs>"
        ));
    }

    /// The coordinator's rail: two tracks (commands out, answers back) above the nodes, and a
    /// connector from each node that takes part down to it.
    fn rail(&mut self, view: &View, g: &Geometry) {
        let Some([out_y, back_y]) = g.rail else { return };
        let (lo, hi) = g.rail_span();
        let cut = view.services.iter().any(|s| s.id == ServiceId::Coordinator && s.partitioned);
        self.open(if cut { "rail cut" } else { "rail" }, None);
        self.line("track", (lo, out_y), (hi, out_y), false);
        self.line("track back", (lo, back_y), (hi, back_y), false);
        for s in ServiceId::NODES {
            let (Some(b), Some(x)) = (g.node(s), g.rail_x(s)) else { continue };
            if g.reached_from_side(s) {
                // A node below the bus, or under the client: down the stage's edge, then in at
                // its side.
                let side = if x < b.cx { b.left() } else { b.right() };
                self.line("connector", (x, out_y), (x, b.cy), false);
                self.line("connector", (x, b.cy), (side, b.cy), false);
            } else {
                self.line("connector", (x, out_y), (x, b.top()), false);
            }
        }
        self.close();
    }

    fn client(&mut self, lang: Lang, view: &View, g: &Geometry) {
        // The client polls its latest order's status, so it sees PENDING turn final (seed 002
        // §44). A resubmitted request that Order recognised by its key says so.
        // A synchronous answer (seed 002 §44): the client waits, with a spinner, for its newest
        // request's order to settle.
        let waiting = view.client_waits.last();
        let (line1, line2) = match (waiting, view.replies.last().map(|r| r.reply)) {
            (Some(w), _) => (
                format!("{} {}", w.order, crate::format::duration(view.now_ms.saturating_sub(w.since_ms))),
                t(lang, Key::ClientWaiting).to_string(),
            ),
            (None, Some(Reply::AlreadyPlaced { order })) => {
                (format!("↻ {order}"), t(lang, Key::Recognised).to_string())
            }
            (
                None,
                Some(
                    Reply::Accepted { order }
                    | Reply::Cancelled { order }
                    | Reply::CancelAccepted { order }
                    | Reply::Settled { order, .. },
                ),
            ) => {
                let status = view.order(order).map(|o| i18n::status(lang, o.status)).unwrap_or_default();
                (order.to_string(), status.split(' ').next().unwrap_or_default().to_string())
            }
            (None, Some(Reply::TimedOut { order })) => (format!("◷ {order}"), t(lang, Key::ClientGaveUp).to_string()),
            (None, Some(Reply::Rejected { .. })) => ("✕".to_string(), t(lang, Key::RejectedShort).to_string()),
            (None, None) => (String::new(), String::new()),
        };
        let c = g.client;
        self.open(if view.flaky_client { "node client flaky" } else { "node client" }, None);
        if let Some((from, to)) = g.client_link() {
            self.line("client-link", from, to, true);
        }
        self.node_box(c, "box");
        if waiting.is_some() {
            // Below the status lines in the wide box; at the left end of the one-line tall box.
            match g.arrangement {
                layout::Arrangement::Wide => self.spinner(c.cx, c.top() + layout::TEXT + 1.0 + LINE * 3.0),
                layout::Arrangement::Tall => self.spinner(c.left() + 14.0, c.cy),
            }
        }
        match g.arrangement {
            layout::Arrangement::Wide => {
                self.line_in(c, 0, "title", t(lang, Key::Client));
                self.line_in(c, 1, "small", &line1);
                self.line_in(c, 2, "small strong", &line2);
                if view.flaky_client {
                    self.line_in(c, 4, "small warn", t(lang, Key::FlakyTiny));
                }
            }
            layout::Arrangement::Tall => {
                let mut text = format!("{}: {line1} {line2}", t(lang, Key::Client));
                if view.flaky_client {
                    let _ = write!(text, " · {}", t(lang, Key::FlakyTiny));
                }
                self.text(c.cx, c.cy + 5.5, "small", text.trim_end(), c.w - 10.0);
            }
        }
        self.close();
    }

    /// A node's pipe to the bus: the left edge carries messages towards the bus, the right
    /// edge back to the node.
    fn pipe(&mut self, s: &ServiceView, g: &Geometry) {
        let Some(p) = g.pipe(s.id) else { return };
        let e = layout::NODE_W / 2.0 - 3.0;
        self.open(if s.partitioned { "link cut" } else { "link" }, Some(s.id));
        self.rect("pipe", p.cx - e, p.node_y.min(p.bus_y), 2.0 * e, (p.bus_y - p.node_y).abs(), 0);
        self.line("lane", (p.cx - e, p.node_y), (p.cx - e, p.bus_y), true);
        self.line("lane", (p.cx + e, p.bus_y), (p.cx + e, p.node_y), true);
        self.close();
    }

    fn status_line(lang: Lang, s: &ServiceView) -> String {
        match (s.up, s.partitioned) {
            (false, _) => format!("✕ {}", t(lang, Key::Down)),
            (true, true) => format!("● {} · ✂ {}", t(lang, Key::Up), t(lang, Key::CutShort)),
            (true, false) => format!("● {}", t(lang, Key::Up)),
        }
    }

    fn node_class(s: &ServiceView, base: &'static str) -> String {
        let mut class = String::from(base);
        if !s.up {
            class.push_str(" down");
        }
        if s.partitioned {
            class.push_str(" partitioned");
        }
        class
    }

    fn service(&mut self, lang: Lang, s: &ServiceView, view: &View, g: &Geometry) {
        let Some(b) = g.node(s.id) else { return };
        self.open(&Self::node_class(s, "node service"), Some(s.id));
        self.node_box(b, "box");
        if !s.up {
            self.node_box(b, "hatched");
        }
        self.line_in(b, 0, "title", i18n::service(lang, s.id));
        self.line_in(b, 1, "status", &Self::status_line(lang, s));
        self.outbox(lang, s, b);
        if let Some(h) = holdings(lang, view, s.id, b.w - 10.0) {
            self.line_in(b, 5, "small holds", &h);
        }
        let now_ms = view.now_ms;
        match s.consumer.last_duplicate.filter(|d| now_ms.saturating_sub(d.at_ms) < BADGE_MS) {
            Some(d) => {
                let (class, key) = if d.applied {
                    ("dup-badge bad", Key::DuplicateApplied)
                } else {
                    ("dup-badge", Key::DuplicateIgnored)
                };
                let label = badge_label(lang, &d.message.to_string(), key, b.w - 10.0);
                let w = layout::text_width(&label) + 12.0;
                let y = b.top() + layout::TEXT + 6.0 + LINE * 3.0;
                self.open(class, None);
                self.rect("", b.cx - w / 2.0, y - 15.0, w, 20.0, 9);
                self.text(b.cx, y, "", &label, b.w - 10.0);
                self.close();
            }
            None => {
                let hand = match s.consumer.in_hand {
                    _ if s.failing => format!("⚠ {}", t(lang, Key::HandlerFailsShort)),
                    Some(h) => format!("{} @{}", t(lang, Key::Handling), h.offset.0),
                    None => t(lang, Key::Idle).to_string(),
                };
                self.line_in(b, 3, if s.failing { "small warn" } else { "small" }, &hand);
            }
        }
        self.line_in(b, 4, if s.consumer.lag > 0 { "small lag behind" } else { "small lag" }, &Self::offsets(lang, s));
        self.close();
    }

    /// Payment or Points: a compact box with its name and one line, what it holds for open
    /// transactions, or its state when it is down or cut off. It reads no bus, so it has no
    /// outbox, offsets or pipe.
    fn participant(&mut self, lang: Lang, s: &ServiceView, view: &View, g: &Geometry) {
        let Some(b) = g.node(s.id) else { return };
        self.open(&Self::node_class(s, "node service participant"), Some(s.id));
        self.node_box(b, "box");
        if !s.up {
            self.node_box(b, "hatched");
        }
        self.line_in(b, 0, "title", i18n::service(lang, s.id));
        // One line: a compact box has no room for "up" beside "cut", and a cut link is the news.
        match (holdings(lang, view, s.id, b.w - 10.0), s.up, s.partitioned) {
            (_, false, _) => self.line_in(b, 1, "status", &Self::status_line(lang, s)),
            (_, true, true) => self.line_in(b, 1, "status", &format!("✂ {}", t(lang, Key::CutShort))),
            (Some(h), true, false) => self.line_in(b, 1, "small holds", &h),
            (None, true, false) => self.line_in(b, 1, "status", &Self::status_line(lang, s)),
        }
        self.close();
    }

    /// "offset 7/9 · lag 2": the consumer's committed offset, how far it has read, and its lag.
    fn offsets(lang: Lang, s: &ServiceView) -> String {
        format!("@{}/{} · {} {}", s.consumer.committed.0, s.consumer.position.0, t(lang, Key::Lag), s.consumer.lag)
    }

    /// The outbox as a row of cells that fill as a local transaction writes events and drain as
    /// the relay publishes them: solid while unsent, hollow while their batch awaits its
    /// acknowledgement. Under dual write and publish-first there is no outbox, only events waiting
    /// to be sent.
    fn outbox(&mut self, lang: Lang, s: &ServiceView, b: NodeBox) {
        let y = b.top() + layout::TEXT + 6.0 + LINE * 2.0;
        if s.publish != PublishMode::Outbox {
            let label = format!("{} {}", i18n::publish_mode_short(lang, s.publish), s.unpublished);
            self.text(b.cx, y, "small warn", &label, b.w - 10.0);
            return;
        }
        let label = t(lang, Key::Outbox);
        let label_w = layout::text_width(label);
        let strip = |cells: usize| {
            let more = (s.outbox.len() > cells).then(|| format!("+{}", s.outbox.len() - cells));
            let tail = match &more {
                Some(m) => layout::text_width(m) + 6.0,
                None if cells == 0 => 16.0,
                None => 0.0,
            };
            (more, tail, label_w + 8.0 + 12.0 * cells as f64 + tail)
        };
        // As many cells as fit beside the label and the "+n" of the rest, in either language.
        let mut cells = s.outbox.len().min(OUTBOX_CELLS);
        while cells > 1 && strip(cells).2 > b.w - 10.0 {
            cells -= 1;
        }
        let (more, tail, total_w) = strip(cells);
        let x0 = b.cx - total_w / 2.0;
        let _ = write!(self.out, "<g class=\"outbox-strip\" data-rows=\"{}\">", s.outbox.len());
        self.text(x0 + label_w / 2.0, y, "small", label, label_w);
        let cx = x0 + label_w + 8.0;
        // Work first (unsent, then in flight in table order), then the rows marked sent that
        // the cleanup has yet to remove.
        let published = |r: &&OutboxRow| matches!(r.state, RowState::Sent { .. });
        let rows = s.outbox.iter().filter(|r| !published(r)).chain(s.outbox.iter().filter(published));
        for (i, row) in rows.take(cells).enumerate() {
            let class = match row.state {
                RowState::Unsent => "cell unsent",
                RowState::InFlight { .. } => "cell sent",
                RowState::Sent { .. } => "cell published",
            };
            self.rect(class, cx + 12.0 * i as f64, y - 12.0, 9.0, 13.0, 1);
        }
        let after = cx + 12.0 * cells as f64;
        match more {
            Some(m) => self.text(after + tail / 2.0, y, "small", &m, tail),
            None if cells == 0 => self.text(after + 5.0, y, "small", "0", 16.0),
            None => {}
        }
        // The whole strip fits the node, whatever the count.
        self.labels.push((String::from("outbox strip"), b.w - 10.0 - total_w));
        self.close();
    }

    /// The coordinator: its state, its transactions or sagas, and what waits on it.
    fn coordinator(&mut self, lang: Lang, s: &ServiceView, view: &View, g: &Geometry) {
        let Some(b) = g.node(s.id) else { return };
        let two_phase = view.protocol.is_two_phase();
        let active = if two_phase {
            view.txs.iter().filter(|t| !t.finished()).count()
        } else {
            view.sagas.iter().filter(|r| !matches!(r.phase, SagaPhase::Confirmed | SagaPhase::Cancelled)).count()
        };
        let (second_key, second) = if view.protocol == Protocol::TwoPc {
            (Key::RowLock, view.products.iter().filter(|p| p.lock.is_some()).count())
        } else if two_phase {
            (Key::AlertBadge, view.metrics.open_alerts as usize)
        } else {
            (Key::Registry, view.registry.len())
        };
        self.open(&Self::node_class(s, "node service coordinator"), Some(s.id));
        self.node_box(b, "box");
        if !s.up {
            self.node_box(b, "hatched");
        }
        self.line_in(b, 0, "title", i18n::service(lang, s.id));
        self.line_in(b, 1, "status", &Self::status_line(lang, s));
        let first = format!("{} {active}", t(lang, if two_phase { Key::Transactions } else { Key::ActiveSagas }));
        self.line_in(b, 2, "small", &first);
        let alert = second_key == Key::AlertBadge && second > 0;
        self.line_in(b, 3, if alert { "small warn" } else { "small" }, &format!("{} {second}", t(lang, second_key)));
        self.line_in(b, 4, if s.consumer.lag > 0 { "small lag behind" } else { "small lag" }, &Self::offsets(lang, s));
        self.close();
    }

    /// The bus: one row of its newest records, and under each the consumers that read it next.
    fn bus(&mut self, lang: Lang, view: &View, g: &Geometry, causal: &CausalView) {
        let b = g.bus;
        let tail = &view.log.tail;
        let n = g.bus_slots();
        let shown = &tail[tail.len().saturating_sub(n)..];
        self.open("node bus", None);
        self.node_box(b, "box");
        let title = format!("{} · {} {}–{}", t(lang, Key::Bus), t(lang, Key::Offset), view.log.start.0, view.log.end.0);
        let title_w = layout::text_width(&title);
        self.text(b.left() + 10.0 + title_w / 2.0, b.top() + 21.0, "title-sm", &title, b.w - 20.0);
        let next = |s: &ServiceView| s.consumer.committed;
        for (i, r) in shown.iter().enumerate() {
            let (cx, cy, w) = g.bus_slot(i);
            let comp = r.message.event.is_compensation();
            let id = r.message.id;
            let _ = write!(
                self.out,
                "<g class=\"log-row{}{}{}{}\">",
                if comp { " comp" } else { "" },
                if r.copy { " copy" } else { "" },
                if causal.tree.contains(&id) { " chain" } else { "" },
                if causal.line.contains(&id) { " line" } else { "" }
            );
            self.rect("", cx - w / 2.0, cy - 13.0, w, 24.0, 3);
            let label =
                format!("{}{} {}", if comp { "↩" } else { "" }, r.offset.0, r.message.event.event_type().name());
            self.text(cx, cy + 5.0, "row-text", &label, w - 6.0);
            self.close();
            let here: String = view
                .services
                .iter()
                .filter(|s| s.id.reads_bus() && next(s) == r.offset)
                .map(|s| initial(lang, s.id))
                .collect();
            if !here.is_empty() {
                self.text(cx, cy + 34.0, "marker", &format!("▲{here}"), w);
            }
        }
        // Consumers that have read everything wait after the last record; those behind the
        // shown records are named at the start.
        let at_end: String = view
            .services
            .iter()
            .filter(|s| s.id.reads_bus() && next(s) >= view.log.end)
            .map(|s| initial(lang, s.id))
            .collect();
        let first_shown = shown.first().map_or(view.log.end, |r| r.offset);
        // Grouped by offset: "PD@3".
        let mut behind: Vec<(u64, String)> = Vec::new();
        for s in view.services.iter().filter(|s| s.id.reads_bus() && next(s) < first_shown) {
            match behind.iter_mut().find(|(o, _)| *o == next(s).0) {
                Some((_, names)) => names.push(initial(lang, s.id)),
                None => behind.push((next(s).0, initial(lang, s.id).to_string())),
            }
        }
        let (cx, cy, w) = g.bus_slot(shown.len().min(n.saturating_sub(1)));
        let end_x = if shown.len() < n { cx - w / 2.0 + 8.0 } else { cx + w / 2.0 - 8.0 };
        if !at_end.is_empty() {
            // "end ▲OPD", or without the word when a slot is narrow.
            let label = [format!("{} ▲{at_end}", t(lang, Key::End)), format!("▲{at_end}")]
                .into_iter()
                .find(|l| layout::bold_width(l) <= w / 2.0)
                .unwrap_or_else(|| format!("▲{}", at_end.chars().count()));
            let x = if shown.len() < n {
                end_x + layout::text_width(&label) / 2.0
            } else {
                end_x - layout::text_width(&label) / 2.0
            };
            self.text(x, cy + 34.0, "marker end", &label, w / 2.0);
        }
        if !behind.is_empty() {
            let list: Vec<String> = behind.iter().map(|(o, names)| format!("{names}@{o}")).collect();
            let room = b.w - 36.0 - title_w;
            // Who is behind and where, or, on a narrow bus, only who.
            let names: String = behind.iter().map(|(_, names)| names.as_str()).collect();
            let label = [format!("◀ {}", list.join(" ")), format!("◀ {names}")]
                .into_iter()
                .find(|l| layout::bold_width(l) <= room)
                .unwrap_or_else(|| format!("◀ {}", names.chars().count()));
            let w = layout::text_width(&label);
            self.text(b.right() - 10.0 - w / 2.0, b.top() + 21.0, "marker behind", &label, room);
        }
        self.close();
    }

    /// The dead-letter queue, as a node of its own with its count.
    fn dlq(&mut self, lang: Lang, view: &View, g: &Geometry) {
        let b = g.dlq;
        let n = view.dead_letters.len();
        self.open(if n > 0 { "node dlq full" } else { "node dlq" }, None);
        self.node_box(b, "box");
        self.text(b.cx, b.top() + 21.0, "small strong", t(lang, Key::DlqShort), b.w - 8.0);
        self.text(b.cx, b.top() + 42.0, "small", &n.to_string(), b.w - 8.0);
        self.close();
    }
}

/// Every label the stage would write, with the room it has left, for the fitting tests.
#[cfg(test)]
fn labels(lang: Lang, view: &View, g: &Geometry) -> Vec<(String, f64)> {
    let mut s = Svg { out: String::new(), labels: Vec::new() };
    s.rail(view, g);
    s.client(lang, view, g);
    for v in &view.services {
        match v.id {
            ServiceId::Coordinator => s.coordinator(lang, v, view, g),
            ServiceId::Payment | ServiceId::Points => s.participant(lang, v, view, g),
            _ => s.service(lang, v, view, g),
        }
    }
    s.bus(lang, view, g, &CausalView::default());
    s.dlq(lang, view, g);
    s.labels
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Arrangement;
    use saga_sim::{Command, Fault, ProductId, Sim, SimConfig};

    fn geometry(view: &View) -> Geometry {
        let nodes: Vec<ServiceId> = view.services.iter().map(|s| s.id).collect();
        Geometry::new(Arrangement::Wide, &nodes)
    }

    fn svg_after(config: SimConfig, commands: &[Command], run_ms: u64) -> (View, String) {
        let mut sim = Sim::new(config, 7);
        for c in commands {
            sim.apply(*c);
        }
        sim.advance_until(run_ms);
        let view = sim.view();
        let svg = stage_svg(Lang::En, &view, &geometry(&view), &CausalView::default());
        (view, svg)
    }

    fn place() -> Command {
        Command::PlaceOrder { product: ProductId(0), quantity: 1, idempotency_key: None }
    }

    #[test]
    fn the_summary_reads_as_a_sentence() {
        let cut = Command::Fault(Fault::Partition { service: ServiceId::Product });
        let (view, _) = svg_after(SimConfig::default(), &[cut], 0);
        assert_eq!(summary(Lang::En, &view), "Order: UP, lag 0; Product: UP, link cut, lag 0; Delivery: UP, lag 0");
    }

    #[test]
    fn the_client_finds_its_order_after_older_ones_were_archived() {
        let mut config = SimConfig::default();
        config.products[0].initial_stock = 1_000;
        (config.limits.orders_kept, config.limits.archive_after_ms) = (16, 0);
        let mut sim = Sim::new(config, 7);
        for k in 0..40 {
            sim.apply(place());
            sim.advance_until(k * 2_000);
        }
        sim.apply(place());
        let view = sim.view();
        assert!(view.orders[0].id.0 > 0, "older orders were archived");
        let svg = stage_svg(Lang::En, &view, &geometry(&view), &CausalView::default());
        assert!(svg.contains(">o40<") && svg.contains(">PENDING<"), "{svg}");
    }

    #[test]
    fn every_element_is_closed() {
        let (_, svg) = svg_after(SimConfig::default(), &[place(), place()], 120);
        assert_eq!(svg.matches("<g").count(), svg.matches("</g>").count(), "{svg}");
        assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
        for id in ["Order", "Product", "Delivery"] {
            assert!(svg.contains(&format!("data-service=\"{id}\"")), "{id}");
        }
    }

    #[test]
    fn the_outbox_strip_fills_then_drains() {
        let (view, svg) = svg_after(SimConfig::default(), &[place()], 0);
        let rows = view.services[0].outbox.len();
        assert_eq!(rows, 1, "OrderPlaced waits in Order's outbox at t=0");
        assert!(svg.contains("data-rows=\"1\"") && svg.contains("cell "), "{svg}");
        let (view, svg) = svg_after(SimConfig::default(), &[place()], 5_000);
        assert!(view.services.iter().all(|s| s.outbox.is_empty()));
        assert!(!svg.contains("cell "), "the relay drained every outbox");
    }

    #[test]
    fn a_long_outbox_draws_as_many_cells_as_its_count_leaves_room_for() {
        // Order's link cut: every order's event waits in the outbox, thousands of them.
        let cut = Command::Fault(Fault::Partition { service: ServiceId::Order });
        let mut commands = vec![cut];
        commands.extend(std::iter::repeat_n(place(), 2_000));
        let (view, svg) = svg_after(SimConfig::default(), &commands, 10);
        let rows = view.services[0].outbox.len();
        assert!(rows >= 1_000, "{rows}");
        let strip = &svg[svg.find("outbox-strip").expect("a strip")..];
        let strip = &strip[..strip.find("</g>").expect("closed")];
        let cells = strip.matches("class=\"cell ").count();
        let more: usize =
            strip.split(">+").nth(1).and_then(|r| r.split('<').next()).and_then(|n| n.parse().ok()).expect("a +n");
        assert_eq!(cells + more, rows, "the cells drawn and the +n count every row once: {strip}");
    }

    #[test]
    fn a_cut_link_and_a_crash_are_drawn() {
        let cut = Command::Fault(Fault::Partition { service: ServiceId::Product });
        let crash = Command::Fault(Fault::Crash { service: ServiceId::Delivery });
        let (_, svg) = svg_after(SimConfig::default(), &[cut, crash], 10);
        assert!(svg.contains("class=\"link cut\" data-service=\"Product\""), "{svg}");
        assert!(svg.contains("class=\"node service down\" data-service=\"Delivery\""), "{svg}");
        assert!(svg.contains("class=\"hatched\""));
    }

    #[test]
    fn payment_and_points_show_what_they_hold_in_their_compact_boxes() {
        // Many orders at once under TCC and 2PC with five participants: while the votes are
        // out, Payment and Points hold the orders' amounts, and say so within their boxes.
        for protocol in [Protocol::Tcc, Protocol::TwoPc] {
            let mut c = SimConfig { protocol, ..SimConfig::default() };
            c.two_phase.participants = 5;
            c.products[0].initial_stock = 1_000;
            let mut sim = Sim::new(c, 4);
            let mut seen = false;
            for k in 0..400u64 {
                if k < 40 {
                    sim.apply(place());
                }
                sim.advance_until(k * 10);
                let view = sim.view();
                let held = holdings(Lang::En, &view, ServiceId::Payment, layout::EXTRA_W - 10.0);
                if held.as_deref().is_some_and(|h| !h.contains(" o") || h.contains('+')) {
                    seen = true;
                    let svg = stage_svg(Lang::En, &view, &geometry(&view), &CausalView::default());
                    assert!(svg.contains("data-service=\"Payment\"") && svg.contains("data-service=\"Points\""));
                    for lang in [Lang::En, Lang::Ko] {
                        for arr in [Arrangement::Wide, Arrangement::Tall] {
                            let nodes: Vec<ServiceId> = view.services.iter().map(|s| s.id).collect();
                            for (text, left) in labels(lang, &view, &Geometry::new(arr, &nodes)) {
                                assert!(left >= 0.0, "{protocol:?} {lang:?} {arr:?}: \"{text}\" is {left:.0} too wide");
                            }
                        }
                    }
                }
            }
            assert!(seen, "{protocol:?}: Payment held several orders at once");
        }
    }

    #[test]
    fn dual_write_shows_no_outbox() {
        let c = SimConfig { publish: [PublishMode::DualWrite; 3], ..SimConfig::default() };
        let (_, svg) = svg_after(c, &[place()], 0);
        assert!(svg.contains("dual write"), "{svg}");
        assert!(!svg.contains("outbox-strip"));
    }

    #[test]
    fn a_two_pc_lock_and_its_queue_show_on_product() {
        // Three orders for one product at once: the first prepare locks the row, the others
        // wait in its queue (as in the golden trace two_pc_lock_queue).
        let mut sim = Sim::new(SimConfig { protocol: Protocol::TwoPc, ..SimConfig::default() }, 18);
        let mut seen = None;
        for t in 0..200u64 {
            if t % 20 == 0 && t <= 40 {
                sim.apply(place());
            }
            sim.advance_until(t * 5);
            let h = holdings(Lang::En, &sim.view(), ServiceId::Product, f64::INFINITY);
            if h.as_deref().is_some_and(|h| h.contains("lock") && h.contains("wait")) {
                seen = h;
                break;
            }
        }
        let h = seen.expect("a lock with orders queued behind it");
        assert!(h.starts_with("lock o0 · wait o1"), "{h}");
    }

    #[test]
    fn a_duplicate_badge_drops_a_long_message_id_rather_than_overflow() {
        let nodes = [ServiceId::Order, ServiceId::Product, ServiceId::Delivery];
        for arr in [Arrangement::Wide, Arrangement::Tall] {
            let g = Geometry::new(arr, &nodes);
            let room = g.node(ServiceId::Product).map(|b| b.w - 10.0).unwrap_or(0.0);
            for lang in [Lang::En, Lang::Ko] {
                for key in [Key::DuplicateIgnored, Key::DuplicateApplied] {
                    for message in ["m7", "m35819", "m1234567"] {
                        let label = badge_label(lang, message, key, room);
                        assert!(layout::text_width(&label) <= room, "{label}");
                    }
                    let short = badge_label(lang, "m7", key, room);
                    assert!(short.starts_with("m7 "), "{short} in {room}: {arr:?} {lang:?}");
                }
            }
        }
    }

    /// Every label fits its box, in both languages, in every state a run can show: each
    /// protocol, faults on every node, a poison message in the DLQ, the outbox filling.
    #[test]
    fn every_label_fits_its_box() {
        let mut worst = Vec::new();
        // Two-phase runs also with Payment and Points taking part.
        let runs =
            Protocol::ALL.into_iter().flat_map(|p| [(p, 3), (p, 5)]).filter(|&(p, n)| n == 3 || p.is_two_phase());
        for (protocol, participants) in runs {
            for publish in [PublishMode::Outbox, PublishMode::DualWrite] {
                let mut c = SimConfig { protocol, publish: [publish; 3], ..SimConfig::default() };
                c.two_phase.participants = participants;
                c.products[0].initial_stock = 100;
                let mut sim = Sim::new(c, 3);
                sim.apply(Command::SetFlakyClient { on: true });
                for k in 0..12u64 {
                    sim.apply(place());
                    if k == 3 {
                        for s in ServiceId::NODES {
                            sim.apply(Command::Fault(Fault::Partition { service: s }));
                        }
                        sim.apply(Command::Fault(Fault::Crash { service: ServiceId::Delivery }));
                    }
                    sim.advance_until(k * 97);
                }
                for lang in [Lang::En, Lang::Ko] {
                    for arr in [Arrangement::Wide, Arrangement::Tall] {
                        let view = sim.view();
                        let nodes: Vec<ServiceId> = view.services.iter().map(|s| s.id).collect();
                        for (text, left) in labels(lang, &view, &Geometry::new(arr, &nodes)) {
                            if left < 0.0 {
                                worst.push(format!(
                                    "{protocol:?} x{participants} {lang:?} {arr:?}: \"{text}\" is {:.0} too wide",
                                    -left
                                ));
                            }
                        }
                    }
                }
            }
        }
        assert!(worst.is_empty(), "labels wider than their room:\n{}", worst.join("\n"));
    }
}
