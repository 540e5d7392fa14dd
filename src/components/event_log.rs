//! The event log: newest first, filtered by order and event type; selecting a line shows its
//! details and highlights its causal chain.

use super::enlarge_button::EnlargeButton;
use crate::driver::DriverHandle;
use crate::format;
use crate::i18n::{self, Key, Lang, t};
use crate::msg::UiMsg;
use crate::state::Filters;
use crate::state::Panel;
use crate::store::is_transport;
use saga_sim::EventType;
use saga_sim::{MessageId, OrderId, TraceEvent};
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Lines drawn at most (the store keeps more, for the filters and the causal chains). Fifty
/// scroll back a good while; after a fast-forward every one of them is new, and drawing a
/// hundred took the redraw past 50 ms on a slow machine.
const LINES_SHOWN: usize = 50;

/// The menu value that shows every type with the transport details.
const TRANSPORT: &str = "+transport";

/// Props of [`EventLog`].
#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    /// Display language.
    pub lang: Lang,
    /// The driver, for its event store.
    pub log: DriverHandle,
    /// Filters.
    pub filters: Filters,
    /// The selected entry.
    pub selected: Option<(u64, Option<MessageId>)>,
    /// The selected message's causal picture.
    pub causal: Rc<crate::store::CausalView>,
    /// Orders that exist, for the filter.
    pub order_count: u32,
    /// Whether this panel is enlarged.
    pub enlarged: bool,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// The event log.
#[component]
pub fn EventLog(p: &EventLogProps) -> Html {
    let lang = p.lang;
    let f = p.filters;
    let driver = p.log.driver.borrow();
    let store = &driver.store;
    let lines = store
        .newest_first()
        .filter(|e| f.transport || !is_transport(&e.rec.event))
        .filter(|e| f.order.is_none() || store.order_of(&e.rec.event) == f.order)
        .filter(|e| f.event_type.is_none() || store.type_of(&e.rec.event) == f.event_type)
        .take(LINES_SHOWN)
        .map(|e| {
            let seq = e.seq;
            let message = store.message_of(&e.rec.event);
            let selected = p.selected.map(|s| s.0) == Some(seq);
            let in_chain = message.is_some_and(|m| p.causal.tree.contains(&m));
            let in_line = message.is_some_and(|m| p.causal.line.contains(&m));
            let select = p.on.reform(move |_: MouseEvent| UiMsg::Select(if selected { None } else { Some(seq) }));
            let (class, icon) = kind(
                &e.rec.event,
                store.message(message.unwrap_or(MessageId(u64::MAX))).map(|m| m.event.is_compensation()),
            );
            html! {
                <li key={seq} class={format!(
                    "{class}{}{}{}",
                    if selected { " selected" } else { "" },
                    if in_chain { " chain" } else { "" },
                    if in_line { " line" } else { "" }
                )}>
                    <button onclick={select} aria-pressed={selected.to_string()}>
                        <span class="time">{ format::duration(e.rec.at_ms) }</span>
                        <span class="icon" aria-hidden="true">{ icon }</span>
                        <span class="text">{ i18n::trace_line(lang, &e.rec.event) }</span>
                    </button>
                </li>
            }
        })
        .collect::<Html>();
    let empty = store.newest_first().next().is_none();
    let set_order = {
        let on = p.on.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            on.emit(UiMsg::SetFilters(Filters { order: v.parse().ok().map(OrderId), ..f }));
        })
    };
    // One menu for what to show: every type, every type with the transport details (acks,
    // offsets, batches), or one event type.
    let set_type = {
        let on = p.on.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            let event_type = EventType::ALL.iter().copied().find(|t| t.name() == v);
            on.emit(UiMsg::SetFilters(Filters { event_type, transport: v == TRANSPORT, ..f }));
        })
    };
    let newest_orders = p.order_count.saturating_sub(300)..p.order_count;
    html! {
        <section class="panel event-log" aria-labelledby="log-h" data-panel="log">
            <div class="panel-head">
                <h2 id="log-h">{ t(lang, Key::EventLog) }</h2>
                <div class="filters">
                    <select onchange={set_order} aria-label={t(lang, Key::FilterOrder)}>
                        <option value="" selected={f.order.is_none()}>{ t(lang, Key::AllOrders) }</option>
                        { for newest_orders.rev().map(|o| html! {
                            <option value={o.to_string()} selected={f.order == Some(OrderId(o))}>{ OrderId(o).to_string() }</option>
                        }) }
                    </select>
                    <select onchange={set_type} aria-label={t(lang, Key::FilterType)}>
                        <option value="" selected={f.event_type.is_none() && !f.transport}>{ t(lang, Key::AllTypes) }</option>
                        <option value={TRANSPORT} selected={f.event_type.is_none() && f.transport}>{ t(lang, Key::ShowTransport) }</option>
                        { for EventType::ALL.iter().map(|ty| html! {
                            <option value={ty.name()} selected={f.event_type == Some(*ty)}>{ ty.name() }</option>
                        }) }
                    </select>
                </div>
                <EnlargeButton lang={lang} panel={Panel::Log} name={t(lang, Key::EventLog)} enlarged={p.enlarged} on={p.on.clone()} />
            </div>
            if empty {
                <p class="empty">{ t(lang, Key::NoEvents) }</p>
            } else {
                <ol class="log" aria-label={t(lang, Key::EventLog)} title={t(lang, Key::SelectHint)}>{ lines }</ol>
            }
        </section>
    }
}

/// The style class and icon of a log line. Icons make the kind readable without colour.
fn kind(e: &TraceEvent, compensation: Option<bool>) -> (&'static str, &'static str) {
    match e {
        TraceEvent::Violation { .. } => ("violation", "⚠"),
        TraceEvent::Command { .. } => ("command", "⌨"),
        TraceEvent::Reply { .. } => ("reply", "↵"),
        TraceEvent::ConsistencyChanged { consistent: true } => ("consistent", "✔"),
        TraceEvent::ConsistencyChanged { consistent: false } => ("inconsistent", "…"),
        TraceEvent::Lost { .. } | TraceEvent::OffsetReset { .. } => ("lost", "✕"),
        _ if compensation == Some(true) => ("comp", "↩"),
        TraceEvent::Emitted { .. } => ("emit", "→"),
        TraceEvent::SagaDecided { .. } => ("saga", "◆"),
        TraceEvent::RpcSent { .. } => ("emit", "⇢"),
        TraceEvent::RpcHandled { .. } => ("handled", "⚙"),
        TraceEvent::Handled { .. } => ("handled", "⚙"),
        _ => ("transport", "·"),
    }
}
