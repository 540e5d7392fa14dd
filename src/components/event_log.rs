//! The event log: newest first, filtered by order and event type; selecting a line shows its
//! details and highlights its causal chain.

use super::event_detail::EventDetail;
use crate::driver::DriverHandle;
use crate::format;
use crate::i18n::{self, Key, Lang, t};
use crate::msg::UiMsg;
use crate::state::Filters;
use crate::store::is_transport;
use saga_sim::message::EventType;
use saga_sim::{MessageId, OrderId, TraceEvent};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Lines drawn at most (the store keeps more, for the filters and the causal chains). Fifty
/// scroll back a good while; after a fast-forward every one of them is new, and drawing a
/// hundred took the redraw past 50 ms on a slow machine.
const LINES_SHOWN: usize = 50;

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
    /// Its causal chain.
    pub chain: Rc<crate::store::Chain>,
    /// Orders that exist, for the filter.
    pub order_count: u32,
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
            let in_chain = message.is_some_and(|m| p.chain.contains(&m));
            let select = p.on.reform(move |_: MouseEvent| UiMsg::Select(if selected { None } else { Some(seq) }));
            let (class, icon) = kind(
                &e.rec.event,
                store.message(message.unwrap_or(MessageId(u64::MAX))).map(|m| m.event.is_compensation()),
            );
            html! {
                <li key={seq} class={format!("{class}{}{}", if selected { " selected" } else { "" }, if in_chain { " chain" } else { "" })}>
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
    let set_type = {
        let on = p.on.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            let event_type = EventType::ALL.iter().copied().find(|t| t.name() == v);
            on.emit(UiMsg::SetFilters(Filters { event_type, ..f }));
        })
    };
    let set_transport = p.on.reform(move |e: Event| {
        UiMsg::SetFilters(Filters { transport: e.target_unchecked_into::<HtmlInputElement>().checked(), ..f })
    });
    let newest_orders = p.order_count.saturating_sub(300)..p.order_count;
    html! {
        <section class="panel event-log" aria-labelledby="log-h">
            <h2 id="log-h">{ t(lang, Key::EventLog) }</h2>
            <div class="filters">
                <label>
                    <span class="visually-hidden">{ t(lang, Key::FilterOrder) }</span>
                    <select onchange={set_order} aria-label={t(lang, Key::FilterOrder)}>
                        <option value="" selected={f.order.is_none()}>{ t(lang, Key::AllOrders) }</option>
                        { for newest_orders.rev().map(|o| html! {
                            <option value={o.to_string()} selected={f.order == Some(OrderId(o))}>{ OrderId(o).to_string() }</option>
                        }) }
                    </select>
                </label>
                <label>
                    <span class="visually-hidden">{ t(lang, Key::FilterType) }</span>
                    <select onchange={set_type} aria-label={t(lang, Key::FilterType)}>
                        <option value="" selected={f.event_type.is_none()}>{ t(lang, Key::AllTypes) }</option>
                        { for EventType::ALL.iter().map(|ty| html! {
                            <option value={ty.name()} selected={f.event_type == Some(*ty)}>{ ty.name() }</option>
                        }) }
                    </select>
                </label>
                <label class="check">
                    <input type="checkbox" checked={f.transport} onchange={set_transport} />{ t(lang, Key::ShowTransport) }
                </label>
            </div>
            <EventDetail lang={lang} log={p.log.clone()} selected={p.selected} chain={p.chain.clone()} on={p.on.clone()} />
            if empty {
                <p class="empty">{ t(lang, Key::NoEvents) }</p>
            } else {
                <ol class="log" aria-label={t(lang, Key::EventLog)}>{ lines }</ol>
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
