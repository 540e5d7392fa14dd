//! The stage's SVG as text: the client, the services, the coordinator, the bus and their links.
//!
//! The stage changes only when the world does, and then mostly as a whole, so it is written as
//! one string that Yew inserts as it is. Building text with `write!` costs far less WebAssembly
//! than a virtual-DOM node per shape (about 4 KB gzipped less), and it keeps this module pure:
//! its tests run natively. Message tokens are not here: the animator draws them.

use crate::format::fixed;
use crate::i18n::{self, Key, Lang, t};
use crate::layout::{self, CLIENT, NodeBox};
use crate::markup::escape;
use crate::store::Chain;
use saga_sim::config::PublishMode;
use saga_sim::outbox::RowState;
use saga_sim::services::coordinator::SagaPhase;
use saga_sim::view::ServiceView;
use saga_sim::{Protocol, Reply, ServiceId, StuckStrategy, View};
use std::fmt::Write;

/// Records of the log drawn inside the bus node.
const MINI_LOG_ROWS: usize = 12;
/// Outbox rows drawn as cells in a service's node; more show as "+n".
const OUTBOX_CELLS: usize = 6;
/// How long a "duplicate ignored / applied" badge stays up, in virtual time.
pub const BADGE_MS: u64 = 2_000;

/// The stage's inner SVG markup (without the token layer).
pub fn stage_svg(lang: Lang, view: &View, chain: &Chain) -> String {
    let mut s = Svg(String::with_capacity(8_192));
    s.defs();
    s.client(lang, view);
    for v in view.services.iter().filter(|v| v.id != ServiceId::Coordinator) {
        s.link(lang, v);
    }
    for v in view.services.iter().filter(|v| v.id == ServiceId::Coordinator) {
        s.coordinator(lang, v, view);
    }
    for v in view.services.iter().filter(|v| v.id != ServiceId::Coordinator) {
        s.service(lang, v, view.now_ms);
    }
    s.bus(lang, view, chain);
    s.0
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
        let _ = write!(out, ", {} {}", t(lang, Key::Lag), s.consumer.lag);
    }
    out
}

/// About how wide `text` is in the stage's small type, without measuring it: Hangul and other
/// wide characters take about twice a Latin letter's width.
fn text_width(text: &str) -> f64 {
    text.chars().map(|c| if c.is_ascii() { 6.1 } else { 11.0 }).sum()
}

/// A consumer's one-letter marker, in the display language.
fn initial(lang: Lang, s: ServiceId) -> char {
    i18n::service(lang, s).chars().next().unwrap_or('?')
}

/// The markup being written. Writing to a `String` cannot fail, so results are ignored.
struct Svg(String);

impl Svg {
    fn open(&mut self, class: &str, service: Option<ServiceId>) {
        let _ = write!(self.0, "<g class=\"{class}\"");
        if let Some(id) = service {
            let _ = write!(self.0, " data-service=\"{}\"", id.name());
        }
        self.0.push('>');
    }

    fn close(&mut self) {
        self.0.push_str("</g>");
    }

    fn rect(&mut self, class: &str, x: f64, y: f64, w: f64, h: f64, rx: u32) {
        let _ = write!(
            self.0,
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

    fn text(&mut self, x: f64, y: f64, class: &str, text: &str) {
        let _ = write!(
            self.0,
            "<text x=\"{}\" y=\"{}\" class=\"{class}\">{}</text>",
            fixed(x, 1),
            fixed(y, 1),
            escape(text)
        );
    }

    fn line(&mut self, class: &str, (x1, y1): (f64, f64), (x2, y2): (f64, f64), arrow: bool) {
        let _ = write!(
            self.0,
            "<line class=\"{class}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"{}/>",
            fixed(x1, 1),
            fixed(y1, 1),
            fixed(x2, 1),
            fixed(y2, 1),
            if arrow { " marker-end=\"url(#arrow)\"" } else { "" }
        );
    }

    fn defs(&mut self) {
        self.0.push_str(concat!(
            "<defs><pattern id=\"hatch\" patternUnits=\"userSpaceOnUse\" width=\"8\" height=\"8\" ",
            "patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" class=\"hatch-bg\"/>",
            "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" class=\"hatch-line\"/></pattern>",
            "<marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"7\" markerHeight=\"7\" ",
            "orient=\"auto-start-reverse\"><path d=\"M0,0 L8,4 L0,8 z\" class=\"arrow-head\"/></marker></defs>"
        ));
    }

    fn client(&mut self, lang: Lang, view: &View) {
        // The client polls its latest order's status, so it sees PENDING turn final (seed 002
        // §44). A resubmitted request that Order recognised by its key says so.
        let (line1, line2) = match view.replies.last().map(|r| r.1) {
            Some(Reply::AlreadyPlaced { order }) => (format!("↻ {order}"), t(lang, Key::Recognised).to_string()),
            Some(Reply::Accepted { order } | Reply::Cancelled { order }) => {
                let status = view.order(order).map(|o| i18n::status(lang, o.status)).unwrap_or_default();
                (order.to_string(), status.split(' ').next().unwrap_or_default().to_string())
            }
            Some(Reply::Rejected { .. }) => ("✕".to_string(), t(lang, Key::RejectedShort).to_string()),
            None => (String::new(), String::new()),
        };
        let order = layout::service_box(ServiceId::Order);
        self.open(if view.flaky_client { "node client flaky" } else { "node client" }, None);
        self.line("client-link", (CLIENT.right(), CLIENT.cy), (order.left(), CLIENT.cy), true);
        self.node_box(CLIENT, "box");
        self.text(CLIENT.cx, CLIENT.top() + 18.0, "title", t(lang, Key::Client));
        self.text(CLIENT.cx, CLIENT.top() + 36.0, "small", &line1);
        self.text(CLIENT.cx, CLIENT.top() + 51.0, "small", &line2);
        if view.flaky_client {
            self.text(CLIENT.cx, CLIENT.top() - 6.0, "small warn", t(lang, Key::FlakyShort));
        }
        self.close();
    }

    fn link(&mut self, lang: Lang, s: &ServiceView) {
        let (sx, bx) = layout::link_ends(s.id);
        let up = layout::lane_y(s.id, true);
        let down = layout::lane_y(s.id, false);
        let mid = (sx + bx) / 2.0;
        let lag_x = bx + if bx > sx { -34.0 } else { 34.0 };
        self.open(if s.partitioned { "link cut" } else { "link" }, Some(s.id));
        self.line("lane", (sx, up), (bx, up), true);
        self.line("lane", (bx, down), (sx, down), true);
        if s.partitioned {
            self.open("cut-mark", None);
            self.rect("gap", mid - 40.0, up - 16.0, 80.0, 58.0, 0);
            self.text(mid, up + 4.0, "cut-icon", "✂");
            self.text(mid, down + 14.0, "cut-text", t(lang, Key::Cut));
            self.close();
        }
        self.open(if s.consumer.lag > 0 { "lag behind" } else { "lag" }, None);
        self.rect("", lag_x - 30.0, down + 8.0, 60.0, 17.0, 8);
        self.text(lag_x, down + 20.5, "lag-text", &format!("{} {}", t(lang, Key::Lag), s.consumer.lag));
        self.close();
        self.close();
    }

    fn service(&mut self, lang: Lang, s: &ServiceView, now_ms: u64) {
        let b = layout::service_box(s.id);
        let status = match (s.up, s.partitioned) {
            (false, _) => format!("✕ {}", t(lang, Key::Down)),
            (true, true) => format!("● {} · ✂", t(lang, Key::Up)),
            (true, false) => format!("● {}", t(lang, Key::Up)),
        };
        let hand = match s.consumer.in_hand {
            _ if s.failing => format!("⚠ {}", t(lang, Key::HandlerFailsShort)),
            Some(h) => format!("{} @{}", t(lang, Key::Handling), h.offset.0),
            None => t(lang, Key::Idle).to_string(),
        };
        let class = match (s.up, s.partitioned) {
            (false, true) => "node service down partitioned",
            (false, false) => "node service down",
            (true, true) => "node service partitioned",
            (true, false) => "node service",
        };
        self.open(class, Some(s.id));
        self.node_box(b, "box");
        if !s.up {
            self.node_box(b, "hatched");
        }
        self.text(b.cx, b.top() + 22.0, "title", i18n::service(lang, s.id));
        self.text(b.cx, b.top() + 42.0, "status", &status);
        self.outbox(lang, s, b);
        self.text(b.cx, b.top() + 80.0, if s.failing { "small warn" } else { "small" }, &hand);
        let offsets = format!("{} {} / {}", t(lang, Key::Offset), s.consumer.committed.0, s.consumer.position.0);
        self.text(b.cx, b.top() + 98.0, "small", &offsets);
        if let Some(d) = s.consumer.last_duplicate.filter(|d| now_ms.saturating_sub(d.at_ms) < BADGE_MS) {
            let (class, key) =
                if d.applied { ("dup-badge bad", Key::DuplicateApplied) } else { ("dup-badge", Key::DuplicateIgnored) };
            let label = format!("{} {}", d.message, t(lang, key));
            let w = 12.0 + text_width(&label);
            self.open(class, None);
            self.rect("", b.cx - w / 2.0, b.top() - 10.0, w, 18.0, 9);
            self.text(b.cx, b.top() + 3.0, "", &label);
            self.close();
        }
        self.close();
    }

    /// The outbox as a row of cells that fill as a local transaction writes events and drain as
    /// the relay publishes them: solid while unsent, hollow while their batch awaits its
    /// acknowledgement. Under dual write and publish-first there is no outbox, only events waiting
    /// to be sent.
    fn outbox(&mut self, lang: Lang, s: &ServiceView, b: NodeBox) {
        let y = b.top() + 62.0;
        if s.publish != PublishMode::Outbox {
            let label =
                format!("{} · {} {}", i18n::publish_mode(lang, s.publish), t(lang, Key::Unpublished), s.unpublished);
            self.text(b.cx, y, "small warn", &label);
            return;
        }
        let label = t(lang, Key::Outbox);
        let cells = s.outbox.len().min(OUTBOX_CELLS);
        let label_w = text_width(label);
        let total_w = label_w + 8.0 + 10.0 * cells.max(1) as f64 + 18.0;
        let x0 = b.cx - total_w / 2.0;
        let _ = write!(self.0, "<g class=\"outbox-strip\" data-rows=\"{}\">", s.outbox.len());
        self.text(x0 + label_w / 2.0, y, "small", label);
        let cx = x0 + label_w + 8.0;
        for (i, row) in s.outbox.iter().take(OUTBOX_CELLS).enumerate() {
            let class = match row.state {
                RowState::Unsent => "cell unsent",
                RowState::InFlight { .. } => "cell sent",
            };
            self.rect(class, cx + 10.0 * i as f64, y - 9.0, 8.0, 10.0, 1);
        }
        if cells == 0 {
            self.text(cx + 6.0, y, "small", "0");
        } else if s.outbox.len() > OUTBOX_CELLS {
            self.text(cx + 10.0 * cells as f64 + 9.0, y, "small", &format!("+{}", s.outbox.len() - OUTBOX_CELLS));
        }
        self.close();
    }

    /// The coordinator: its node, its dotted command links to each participant and its link to
    /// the bus (it reads OrderPlaced and the customer's OrderCancelled from there).
    fn coordinator(&mut self, lang: Lang, s: &ServiceView, view: &View) {
        let b = layout::COORDINATOR;
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
        let class = match (s.up, s.partitioned) {
            (false, true) => "node service coordinator down partitioned",
            (false, false) => "node service coordinator down",
            (true, true) => "node service coordinator partitioned",
            (true, false) => "node service coordinator",
        };
        self.open(class, Some(s.id));
        for &p in ServiceId::ALL.iter() {
            let (from, to) = layout::command_link(p);
            self.line(if s.partitioned { "command-link cut" } else { "command-link" }, from, to, false);
        }
        // A sweeper's questions to Order travel their own path (TCC, participant sweep).
        if view.protocol == Protocol::Tcc && view.two_phase.strategy == StuckStrategy::ParticipantSweep {
            for p in [ServiceId::Product, ServiceId::Delivery] {
                self.0.push_str("<polyline class=\"query-link\" points=\"");
                for (i, (x, y)) in layout::query_path(p).iter().enumerate() {
                    let _ = write!(self.0, "{}{},{}", if i > 0 { " " } else { "" }, fixed(*x, 1), fixed(*y, 1));
                }
                self.0.push_str("\"/>");
            }
        }
        let (top, bottom) = (b.cy + b.h / 2.0, layout::BUS_UNDER_COORDINATOR.top());
        self.open(if s.partitioned { "link cut" } else { "link" }, Some(s.id));
        self.line("lane", (b.cx - layout::LANE_GAP, top), (b.cx - layout::LANE_GAP, bottom), true);
        self.line("lane", (b.cx + layout::LANE_GAP, bottom), (b.cx + layout::LANE_GAP, top), true);
        let lag = format!("{} {}", t(lang, Key::Lag), s.consumer.lag);
        self.text(b.cx + 48.0, (top + bottom) / 2.0 + 4.0, "lag-text", &lag);
        self.close();
        self.node_box(b, "box");
        if !s.up {
            self.node_box(b, "hatched");
        }
        self.text(b.cx, b.top() + 19.0, "title", i18n::service(lang, s.id));
        let line = format!(
            "{}{} · {} {active} · {} {second}",
            if s.up { "● " } else { "✕ " },
            t(lang, if s.up { Key::Up } else { Key::Down }),
            t(lang, if two_phase { Key::Transactions } else { Key::ActiveSagas }),
            t(lang, second_key),
        );
        self.text(b.cx, b.top() + 37.0, "small", &line);
        self.close();
    }

    fn bus(&mut self, lang: Lang, view: &View, chain: &Chain) {
        let b = layout::bus(view.protocol.has_coordinator());
        let tail = &view.log.tail;
        let rows_fit = if view.protocol.has_coordinator() { MINI_LOG_ROWS - 3 } else { MINI_LOG_ROWS };
        let shown = &tail[tail.len().saturating_sub(rows_fit)..];
        let row_h = 21.0;
        let top = b.top() + 52.0;
        let markers = |at: &dyn Fn(&ServiceView) -> bool| -> String {
            view.services.iter().filter(|s| at(s)).map(|s| initial(lang, s.id)).collect()
        };
        self.open("node bus", None);
        self.node_box(b, "box");
        self.text(b.cx, b.top() + 20.0, "title", t(lang, Key::Bus));
        let range = format!("{} {}–{}", t(lang, Key::Offset), view.log.start.0, view.log.end.0);
        self.text(b.cx, b.top() + 38.0, "small", &range);
        for (i, r) in shown.iter().enumerate() {
            let y = top + i as f64 * row_h;
            let comp = r.message.event.is_compensation();
            let _ = write!(
                self.0,
                "<g class=\"log-row{}{}{}\">",
                if comp { " comp" } else { "" },
                if r.copy { " copy" } else { "" },
                if chain.contains(&r.message.id) { " chain" } else { "" }
            );
            self.rect("", b.left() + 8.0, y - 14.0, b.w - 16.0, 18.0, 3);
            let label =
                format!("{}{} {}", if comp { "↩" } else { "" }, r.offset.0, r.message.event.event_type().name());
            self.text(b.left() + 14.0, y, "row-text", &label);
            let here = markers(&|s| s.consumer.committed == r.offset);
            if !here.is_empty() {
                self.text(b.right() - 12.0, y, "marker", &format!("◀{here}"));
            }
            self.close();
        }
        let end_y = top + shown.len() as f64 * row_h;
        self.text(b.left() + 14.0, end_y, "row-text end", t(lang, Key::End));
        let at_end = markers(&|s| s.consumer.committed >= view.log.end);
        if !at_end.is_empty() {
            self.text(b.right() - 12.0, end_y, "marker", &format!("◀{at_end}"));
        }
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use saga_sim::{Command, Fault, ProductId, Sim, SimConfig};

    fn svg_after(config: SimConfig, commands: &[Command], run_ms: u64) -> (View, String) {
        let mut sim = Sim::new(config, 7);
        for c in commands {
            sim.apply(*c);
        }
        sim.advance_until(run_ms);
        let view = sim.view();
        let svg = stage_svg(Lang::En, &view, &Chain::default());
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
        let svg = stage_svg(Lang::En, &view, &Chain::default());
        assert!(svg.contains(">o40<") && svg.contains(">PENDING<"), "{svg}");
    }

    #[test]
    fn hangul_counts_wider_than_latin() {
        assert!(text_width("아웃박스") > text_width("outbox"));
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
    fn a_cut_link_and_a_crash_are_drawn() {
        let cut = Command::Fault(Fault::Partition { service: ServiceId::Product });
        let crash = Command::Fault(Fault::Crash { service: ServiceId::Delivery });
        let (_, svg) = svg_after(SimConfig::default(), &[cut, crash], 10);
        assert!(svg.contains("class=\"link cut\" data-service=\"Product\""), "{svg}");
        assert!(svg.contains("class=\"node service down\" data-service=\"Delivery\""), "{svg}");
        assert!(svg.contains("class=\"hatched\""));
    }

    #[test]
    fn dual_write_shows_no_outbox() {
        let c = SimConfig { publish: [PublishMode::DualWrite; 3], ..SimConfig::default() };
        let (_, svg) = svg_after(c, &[place()], 0);
        assert!(svg.contains("dual write"), "{svg}");
        assert!(!svg.contains("outbox-strip"));
    }
}
