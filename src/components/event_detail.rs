//! The selected event: its ids, payload and causal chain.

use crate::driver::DriverHandle;
use crate::format;
use crate::i18n::{self, Key, Lang, t};
use crate::msg::UiMsg;
use saga_sim::MessageId;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`EventDetail`].
#[derive(Properties, PartialEq)]
pub struct EventDetailProps {
    /// Display language.
    pub lang: Lang,
    /// The driver, for its event store.
    pub log: DriverHandle,
    /// The selected entry.
    pub selected: Option<(u64, Option<MessageId>)>,
    /// Its causal chain.
    pub chain: Rc<crate::store::Chain>,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// The detail box.
#[component]
pub fn EventDetail(p: &EventDetailProps) -> Html {
    let lang = p.lang;
    let driver = p.log.driver.borrow();
    let store = &driver.store;
    let Some((seq, message)) = p.selected else {
        return html! { <p class="detail hint">{ t(lang, Key::SelectHint) }</p> };
    };
    let clear = p.on.reform(|_: MouseEvent| UiMsg::Select(None));
    let line = store.entry(seq).map(|e| i18n::trace_line(lang, &e.rec.event)).unwrap_or_default();
    let msg = message.and_then(|m| store.message(m));
    let chain = p.chain.iter().filter_map(|id| store.message(*id)).map(|m| {
        html! {
            <li class={classes!(m.event.is_compensation().then_some("comp"), (Some(m.id) == message).then_some("self"))}>
                <span class="mono">{ m.id.to_string() }</span>{ " " }
                if m.event.is_compensation() { <span aria-hidden="true">{ "↩ " }</span><span class="visually-hidden">{ t(lang, Key::Compensation) }{ " " }</span> }
                { m.event.event_type().name() }
                <span class="muted">{ format!(" · {} · {}", i18n::service(lang, m.source), format::duration(m.emitted_at_ms)) }</span>
            </li>
        }
    });
    html! {
        <section class="detail" aria-label={t(lang, Key::Details)}>
            <div class="detail-head">
                <h3>{ t(lang, Key::Details) }</h3>
                <button class="small" onclick={clear}>{ t(lang, Key::ClearSelection) }</button>
            </div>
            <p>{ line }</p>
            if let Some(m) = msg {
                <dl>
                    <dt>{ t(lang, Key::MessageId) }</dt><dd class="mono">{ m.id.to_string() }</dd>
                    <dt>{ t(lang, Key::CorrelationId) }</dt>
                    <dd class="mono">{ m.correlation_id.map(|o| o.to_string()).unwrap_or_else(|| t(lang, Key::NoneValue).into()) }</dd>
                    <dt>{ t(lang, Key::CausationId) }</dt>
                    <dd class="mono">{ m.causation_id.map(|c| c.to_string()).unwrap_or_else(|| t(lang, Key::CausedByUser).to_string()) }</dd>
                    <dt>{ t(lang, Key::Source) }</dt><dd>{ i18n::service(lang, m.source) }</dd>
                    <dt>{ t(lang, Key::EmittedAt) }</dt><dd>{ format::duration(m.emitted_at_ms) }</dd>
                    <dt>{ t(lang, Key::Payload) }</dt><dd class="mono">{ i18n::payload(lang, &m.event) }</dd>
                </dl>
                <h4>{ t(lang, Key::Chain) }</h4>
                <ol class="chain-list">{ for chain }</ol>
            }
        </section>
    }
}
