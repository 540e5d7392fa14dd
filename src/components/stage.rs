//! The stage: the client, the three services and the bus as nodes, their links, lags and
//! faults. Message tokens are drawn into `layer` by the animator, never by this component.

use crate::i18n::{self, Key, Lang, t};
use crate::layout::{self, BUS, CLIENT, NodeBox};
use crate::state::Snapshot;
use saga_sim::view::ServiceView;
use saga_sim::{MessageId, Reply, ServiceId};
use std::collections::BTreeSet;
use std::rc::Rc;
use yew::prelude::*;

/// Records of the log drawn inside the bus node.
const MINI_LOG_ROWS: usize = 12;

/// Props of [`Stage`].
#[derive(Properties, PartialEq)]
pub struct StageProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
    /// The `<g>` the animator owns.
    pub layer: NodeRef,
    /// The selected causal chain.
    pub chain: Rc<BTreeSet<MessageId>>,
}

/// The stage.
#[component]
pub fn Stage(p: &StageProps) -> Html {
    let lang = p.lang;
    let view = &p.snapshot.view;
    let summary: Vec<String> = view
        .services
        .iter()
        .map(|s| {
            let state = if !s.up { t(lang, Key::Down) } else { t(lang, Key::Up) };
            let cut = if s.partitioned { format!(", {}", t(lang, Key::Cut)) } else { String::new() };
            format!("{}: {state}{cut}, {} {}", i18n::service(lang, s.id), t(lang, Key::Lag), s.consumer.lag)
        })
        .collect();
    html! {
        <figure class="stage-wrap">
            <svg class="stage" viewBox={format!("0 0 {} {}", layout::WIDTH, layout::HEIGHT)}
                role="img" aria-labelledby="stage-title stage-desc" preserveAspectRatio="xMidYMid meet">
                <title id="stage-title">{ t(lang, Key::Stage) }</title>
                <desc id="stage-desc">{ t(lang, Key::StageDescription) }{ " " }{ summary.join("; ") }</desc>
                <defs>
                    <pattern id="hatch" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">
                        <rect width="8" height="8" class="hatch-bg" />
                        <line x1="0" y1="0" x2="0" y2="8" class="hatch-line" />
                    </pattern>
                    <marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0,0 L8,4 L0,8 z" class="arrow-head" />
                    </marker>
                </defs>
                { client(lang, view) }
                { for view.services.iter().map(|s| link(lang, s)) }
                { for view.services.iter().map(|s| service(lang, s)) }
                { bus(lang, view, &p.chain) }
                <g ref={p.layer.clone()} class="tokens" aria-hidden="true"></g>
            </svg>
            <figcaption class="legend">
                <span class="visually-hidden">{ t(lang, Key::Legend) }{ ": " }</span>
                <span class="swatch ev" aria-hidden="true">{ "OrderPlaced" }</span>{ t(lang, Key::LegendNormal) }
                <span class="swatch comp" aria-hidden="true">{ "↩ OrderCancelled" }</span>{ t(lang, Key::LegendCompensation) }
                <span class="swatch ctl" aria-hidden="true">{ "●" }</span>{ t(lang, Key::LegendControl) }
            </figcaption>
        </figure>
    }
}

/// A consumer's one-letter marker, in the display language.
fn initial(lang: Lang, s: ServiceId) -> char {
    i18n::service(lang, s).chars().next().unwrap_or('?')
}

fn rect(b: NodeBox, class: &'static str) -> Html {
    html! { <rect class={class} x={b.left().to_string()} y={b.top().to_string()} width={b.w.to_string()} height={b.h.to_string()} rx="10" /> }
}

fn text(x: f64, y: f64, class: &'static str, s: impl Into<String>) -> Html {
    html! { <text x={format!("{x:.1}")} y={format!("{y:.1}")} class={class}>{ s.into() }</text> }
}

fn client(lang: Lang, view: &saga_sim::View) -> Html {
    // The client polls its latest order's status, so it sees PENDING turn final (seed 002 §44).
    let (line1, line2) = match view.replies.last().map(|r| r.1) {
        Some(Reply::Accepted { order } | Reply::AlreadyPlaced { order } | Reply::Cancelled { order }) => {
            let status = view.orders.get(order.0 as usize).map(|o| i18n::status(lang, o.status)).unwrap_or_default();
            (order.to_string(), status.split(' ').next().unwrap_or_default().to_string())
        }
        Some(Reply::Rejected { .. }) => ("✕".to_string(), t(lang, Key::RejectedShort).to_string()),
        None => (String::new(), String::new()),
    };
    let order = layout::service_box(ServiceId::Order);
    html! {
        <g class="node client">
            <line class="client-link" x1={CLIENT.right().to_string()} y1={CLIENT.cy.to_string()}
                x2={order.left().to_string()} y2={CLIENT.cy.to_string()} marker-end="url(#arrow)" />
            { rect(CLIENT, "box") }
            { text(CLIENT.cx, CLIENT.top() + 18.0, "title", t(lang, Key::Client)) }
            { text(CLIENT.cx, CLIENT.top() + 36.0, "small", line1) }
            { text(CLIENT.cx, CLIENT.top() + 51.0, "small", line2) }
        </g>
    }
}

fn link(lang: Lang, s: &ServiceView) -> Html {
    let (sx, bx) = layout::link_ends(s.id);
    let up = layout::lane_y(s.id, true);
    let down = layout::lane_y(s.id, false);
    let cut = s.partitioned;
    let mid = (sx + bx) / 2.0;
    let lag_x = bx + if bx > sx { -34.0 } else { 34.0 };
    html! {
        <g class={classes!("link", cut.then_some("cut"))} data-service={s.id.name()}>
            <line class="lane" x1={sx.to_string()} y1={up.to_string()} x2={bx.to_string()} y2={up.to_string()} marker-end="url(#arrow)" />
            <line class="lane" x1={bx.to_string()} y1={down.to_string()} x2={sx.to_string()} y2={down.to_string()} marker-end="url(#arrow)" />
            if cut {
                <g class="cut-mark">
                    <rect x={(mid - 40.0).to_string()} y={(up - 16.0).to_string()} width="80" height="58" class="gap" />
                    { text(mid, up + 4.0, "cut-icon", "✂") }
                    { text(mid, down + 14.0, "cut-text", t(lang, Key::Cut)) }
                </g>
            }
            <g class={classes!("lag", (s.consumer.lag > 0).then_some("behind"))}>
                <rect x={(lag_x - 30.0).to_string()} y={(down + 8.0).to_string()} width="60" height="17" rx="8" />
                { text(lag_x, down + 20.5, "lag-text", format!("{} {}", t(lang, Key::Lag), s.consumer.lag)) }
            </g>
        </g>
    }
}

fn service(lang: Lang, s: &ServiceView) -> Html {
    let b = layout::service_box(s.id);
    let status = match (s.up, s.partitioned) {
        (false, _) => format!("✕ {}", t(lang, Key::Down)),
        (true, true) => format!("● {} · ✂", t(lang, Key::Up)),
        (true, false) => format!("● {}", t(lang, Key::Up)),
    };
    let hand = match s.consumer.in_hand {
        Some(h) => format!("{} @{}", t(lang, Key::Handling), h.offset.0),
        None => t(lang, Key::Idle).to_string(),
    };
    let class = classes!("node", "service", (!s.up).then_some("down"), s.partitioned.then_some("partitioned"));
    html! {
        <g class={class} data-service={s.id.name()}>
            <rect class="box" x={b.left().to_string()} y={b.top().to_string()} width={b.w.to_string()} height={b.h.to_string()} rx="10" />
            if !s.up {
                <rect class="hatched" x={b.left().to_string()} y={b.top().to_string()} width={b.w.to_string()} height={b.h.to_string()} rx="10" />
            }
            { text(b.cx, b.top() + 22.0, "title", i18n::service(lang, s.id)) }
            { text(b.cx, b.top() + 42.0, "status", status) }
            { text(b.cx, b.top() + 62.0, "small", format!("{} {}", t(lang, Key::Outbox), s.outbox.len())) }
            { text(b.cx, b.top() + 80.0, "small", hand) }
            { text(b.cx, b.top() + 98.0, "small", format!("{} {} / {}", t(lang, Key::Offset), s.consumer.committed.0, s.consumer.position.0)) }
        </g>
    }
}

fn bus(lang: Lang, view: &saga_sim::View, chain: &BTreeSet<MessageId>) -> Html {
    let b = BUS;
    let tail = &view.log.tail;
    let shown = &tail[tail.len().saturating_sub(MINI_LOG_ROWS)..];
    let row_h = 21.0;
    let top = b.top() + 52.0;
    let rows = shown.iter().enumerate().map(|(i, r)| {
        let y = top + i as f64 * row_h;
        let comp = r.message.event.is_compensation();
        let markers: String = view
            .services
            .iter()
            .filter(|s| s.consumer.committed == r.offset)
            .map(|s| initial(lang, s.id))
            .collect::<String>();
        let label = format!("{}{} {}", if comp { "↩" } else { "" }, r.offset.0, r.message.event.event_type().name());
        html! {
            <g class={classes!("log-row", comp.then_some("comp"), r.copy.then_some("copy"), chain.contains(&r.message.id).then_some("chain"))}>
                <rect x={(b.left() + 8.0).to_string()} y={(y - 14.0).to_string()} width={(b.w - 16.0).to_string()} height="18" rx="3" />
                { text(b.left() + 14.0, y, "row-text", label) }
                if !markers.is_empty() {
                    { text(b.right() - 12.0, y, "marker", format!("◀{markers}")) }
                }
            </g>
        }
    });
    let end_markers: String = view
        .services
        .iter()
        .filter(|s| s.consumer.committed >= view.log.end)
        .map(|s| initial(lang, s.id))
        .collect::<String>();
    html! {
        <g class="node bus">
            { rect(b, "box") }
            { text(b.cx, b.top() + 20.0, "title", t(lang, Key::Bus)) }
            { text(b.cx, b.top() + 38.0, "small", format!("{} {}–{}", t(lang, Key::Offset), view.log.start.0, view.log.end.0)) }
            { for rows }
            { text(b.left() + 14.0, top + shown.len() as f64 * row_h, "row-text end", t(lang, Key::End)) }
            if !end_markers.is_empty() {
                { text(b.right() - 12.0, top + shown.len() as f64 * row_h, "marker", format!("◀{end_markers}")) }
            }
        </g>
    }
}
