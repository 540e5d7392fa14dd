//! The stage: the client, the three services and the bus as nodes, their links, lags and
//! faults. Message tokens are drawn into `layer` by the animator, never by this component.

use crate::format::fixed;
use crate::i18n::{self, Key, Lang, t};
use crate::layout::{self, CLIENT, NodeBox};
use crate::state::Snapshot;
use saga_sim::services::coordinator::SagaPhase;
use saga_sim::view::ServiceView;
use saga_sim::{Reply, ServiceId};
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
    pub chain: Rc<crate::store::Chain>,
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
            <svg class="stage" viewBox={layout::VIEW_BOX}
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
                { for view.services.iter().filter(|s| s.id != ServiceId::Coordinator).map(|s| link(lang, s)) }
                { for view.services.iter().filter(|s| s.id == ServiceId::Coordinator).map(|s| coordinator(lang, s, view)) }
                { for view.services.iter().filter(|s| s.id != ServiceId::Coordinator).map(|s| service(lang, s)) }
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
    html! { <rect class={class} x={fixed(b.left(), 1)} y={fixed(b.top(), 1)} width={fixed(b.w, 1)} height={fixed(b.h, 1)} rx="10" /> }
}

fn text(x: f64, y: f64, class: &'static str, s: impl Into<String>) -> Html {
    html! { <text x={fixed(x, 1)} y={fixed(y, 1)} class={class}>{ s.into() }</text> }
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
            <line class="client-link" x1={fixed(CLIENT.right(), 1)} y1={fixed(CLIENT.cy, 1)}
                x2={fixed(order.left(), 1)} y2={fixed(CLIENT.cy, 1)} marker-end="url(#arrow)" />
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
            <line class="lane" x1={fixed(sx, 1)} y1={fixed(up, 1)} x2={fixed(bx, 1)} y2={fixed(up, 1)} marker-end="url(#arrow)" />
            <line class="lane" x1={fixed(bx, 1)} y1={fixed(down, 1)} x2={fixed(sx, 1)} y2={fixed(down, 1)} marker-end="url(#arrow)" />
            if cut {
                <g class="cut-mark">
                    <rect x={fixed(mid - 40.0, 1)} y={fixed(up - 16.0, 1)} width="80" height="58" class="gap" />
                    { text(mid, up + 4.0, "cut-icon", "✂") }
                    { text(mid, down + 14.0, "cut-text", t(lang, Key::Cut)) }
                </g>
            }
            <g class={classes!("lag", (s.consumer.lag > 0).then_some("behind"))}>
                <rect x={fixed(lag_x - 30.0, 1)} y={fixed(down + 8.0, 1)} width="60" height="17" rx="8" />
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
            <rect class="box" x={fixed(b.left(), 1)} y={fixed(b.top(), 1)} width={fixed(b.w, 1)} height={fixed(b.h, 1)} rx="10" />
            if !s.up {
                <rect class="hatched" x={fixed(b.left(), 1)} y={fixed(b.top(), 1)} width={fixed(b.w, 1)} height={fixed(b.h, 1)} rx="10" />
            }
            { text(b.cx, b.top() + 22.0, "title", i18n::service(lang, s.id)) }
            { text(b.cx, b.top() + 42.0, "status", status) }
            { text(b.cx, b.top() + 62.0, "small", format!("{} {}", t(lang, Key::Outbox), s.outbox.len())) }
            { text(b.cx, b.top() + 80.0, "small", hand) }
            { text(b.cx, b.top() + 98.0, "small", format!("{} {} / {}", t(lang, Key::Offset), s.consumer.committed.0, s.consumer.position.0)) }
        </g>
    }
}

/// The coordinator: its node, its dotted command links to each participant and its link to
/// the bus (it reads OrderPlaced and the customer's OrderCancelled from there).
fn coordinator(lang: Lang, s: &ServiceView, view: &saga_sim::View) -> Html {
    let b = layout::COORDINATOR;
    let two_phase = view.protocol.is_two_phase();
    let active = if two_phase {
        view.txs.iter().filter(|t| !t.finished()).count()
    } else {
        view.sagas.iter().filter(|r| !matches!(r.phase, SagaPhase::Confirmed | SagaPhase::Cancelled)).count()
    };
    let (second_key, second) = if view.protocol == saga_sim::Protocol::TwoPc {
        (Key::RowLock, view.products.iter().filter(|p| p.lock.is_some()).count())
    } else if two_phase {
        (Key::AlertBadge, view.metrics.open_alerts as usize)
    } else {
        (Key::Registry, view.registry.len())
    };
    // A sweeper's questions to Order travel their own path (TCC, participant sweep).
    let sweeping = view.protocol == saga_sim::Protocol::Tcc
        && view.two_phase.strategy == saga_sim::StuckStrategy::ParticipantSweep;
    let queries = [ServiceId::Product, ServiceId::Delivery].into_iter().filter(|_| sweeping).map(|p| {
        let pts: Vec<String> =
            layout::query_path(p).iter().map(|(x, y)| format!("{},{}", fixed(*x, 1), fixed(*y, 1))).collect();
        html! { <polyline class="query-link" points={pts.join(" ")} /> }
    });
    let status = if s.up { t(lang, Key::Up) } else { t(lang, Key::Down) };
    let commands = ServiceId::ALL.iter().map(|&p| {
        let ((x0, y0), (x1, y1)) = layout::command_link(p);
        html! {
            <line class={classes!("command-link", s.partitioned.then_some("cut"))} x1={fixed(x0, 1)} y1={fixed(y0, 1)}
                x2={fixed(x1, 1)} y2={fixed(y1, 1)} />
        }
    });
    let (top, bottom) = (b.cy + b.h / 2.0, layout::BUS_UNDER_COORDINATOR.top());
    html! {
        <g class={classes!("node", "service", "coordinator", (!s.up).then_some("down"), s.partitioned.then_some("partitioned"))}
            data-service={s.id.name()}>
            { for commands }
            { for queries }
            <g class={classes!("link", s.partitioned.then_some("cut"))} data-service={s.id.name()}>
                <line class="lane" x1={fixed(b.cx - layout::LANE_GAP, 1)} y1={fixed(top, 1)}
                    x2={fixed(b.cx - layout::LANE_GAP, 1)} y2={fixed(bottom, 1)} marker-end="url(#arrow)" />
                <line class="lane" x1={fixed(b.cx + layout::LANE_GAP, 1)} y1={fixed(bottom, 1)}
                    x2={fixed(b.cx + layout::LANE_GAP, 1)} y2={fixed(top, 1)} marker-end="url(#arrow)" />
                { text(b.cx + 48.0, (top + bottom) / 2.0 + 4.0, "lag-text", format!("{} {}", t(lang, Key::Lag), s.consumer.lag)) }
            </g>
            <rect class="box" x={fixed(b.left(), 1)} y={fixed(b.top(), 1)} width={fixed(b.w, 1)} height={fixed(b.h, 1)} rx="10" />
            if !s.up {
                <rect class="hatched" x={fixed(b.left(), 1)} y={fixed(b.top(), 1)} width={fixed(b.w, 1)} height={fixed(b.h, 1)} rx="10" />
            }
            { text(b.cx, b.top() + 19.0, "title", i18n::service(lang, s.id)) }
            { text(b.cx, b.top() + 37.0, "small", format!("{}{} · {} {} · {} {}",
                if s.up { "● " } else { "✕ " }, status,
                t(lang, if two_phase { Key::Transactions } else { Key::ActiveSagas }), active, t(lang, second_key), second)) }
        </g>
    }
}

fn bus(lang: Lang, view: &saga_sim::View, chain: &crate::store::Chain) -> Html {
    let b = layout::bus(view.protocol.has_coordinator());
    let tail = &view.log.tail;
    let rows_fit = if view.protocol.has_coordinator() { MINI_LOG_ROWS - 3 } else { MINI_LOG_ROWS };
    let shown = &tail[tail.len().saturating_sub(rows_fit)..];
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
                <rect x={fixed(b.left() + 8.0, 1)} y={fixed(y - 14.0, 1)} width={fixed(b.w - 16.0, 1)} height="18" rx="3" />
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
