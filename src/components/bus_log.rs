//! The bus log's tail, newest first, with each consumer's committed offset.

use crate::i18n::{self, Key, Lang, t};
use crate::state::Snapshot;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`BusLog`].
#[derive(Properties, PartialEq)]
pub struct BusLogProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
    /// The selected causal chain.
    pub chain: Rc<crate::store::Chain>,
}

/// The bus log table.
#[component]
pub fn BusLog(p: &BusLogProps) -> Html {
    let lang = p.lang;
    let view = &p.snapshot.view;
    let consumers = view.services.iter().map(|s| {
        html! {
            <li>
                <strong>{ i18n::service(lang, s.id) }</strong>
                { format!(" {} {} · {} {}", t(lang, Key::Offset), s.consumer.committed.0, t(lang, Key::Lag), s.consumer.lag) }
            </li>
        }
    });
    let rows = view.log.tail.iter().rev().map(|r| {
        let m = &r.message;
        let comp = m.event.is_compensation();
        let markers: Vec<&str> = view
            .services
            .iter()
            .filter(|s| s.consumer.committed == r.offset)
            .map(|s| i18n::service(lang, s.id))
            .collect();
        html! {
            <tr key={r.offset.0} class={classes!(p.chain.contains(&m.id).then_some("chain"))}>
                <th scope="row" class="num">{ r.offset.0 }</th>
                <td class="mono">{ m.id.to_string() }</td>
                <td class={classes!(comp.then_some("comp"))}>
                    if comp { <span aria-hidden="true">{ "↩ " }</span><span class="visually-hidden">{ t(lang, Key::Compensation) }{ " " }</span> }
                    { m.event.event_type().name() }
                    if r.copy { <span class="tag">{ " " }{ t(lang, Key::CopyRecord) }</span> }
                </td>
                <td>{ i18n::service(lang, m.source) }</td>
                <td class="mono">{ m.correlation_id.map(|o| o.to_string()).unwrap_or_default() }</td>
                <td>{ if markers.is_empty() { String::new() } else { format!("◀ {}", markers.join(", ")) } }</td>
            </tr>
        }
    });
    html! {
        <div>
            <ul class="consumers" aria-label={t(lang, Key::Committed)}>{ for consumers }</ul>
            if view.log.tail.is_empty() {
                <p class="empty">{ t(lang, Key::EmptyLog) }</p>
            } else {
                <table class="data">
                    <caption class="visually-hidden">{ t(lang, Key::BusLog) }</caption>
                    <thead><tr>
                        <th scope="col">{ t(lang, Key::Offset) }</th>
                        <th scope="col">{ t(lang, Key::Message) }</th>
                        <th scope="col">{ t(lang, Key::Type) }</th>
                        <th scope="col">{ t(lang, Key::Source) }</th>
                        <th scope="col">{ t(lang, Key::Order) }</th>
                        <th scope="col">{ t(lang, Key::Committed) }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
        </div>
    }
}
