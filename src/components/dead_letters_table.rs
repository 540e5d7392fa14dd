//! The dead-letter queue: messages a consumer gave up on, each with its payload, attempts and
//! reason to inspect, and a Replay and a Discard.

use crate::format;
use crate::i18n::{self, Key, Lang, t};
use crate::msg::UiMsg;
use crate::state::Snapshot;
use saga_sim::Command;
use yew::prelude::*;

/// Props of [`DeadLettersTable`].
#[derive(Properties, PartialEq)]
pub struct DeadLettersTableProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// The dead-letter queue.
#[component]
pub fn DeadLettersTable(p: &DeadLettersTableProps) -> Html {
    let lang = p.lang;
    let letters = &p.snapshot.view.dead_letters;
    if letters.is_empty() {
        return html! { <p class="empty">{ t(lang, Key::NoDeadLetters) }</p> };
    }
    let rows = letters.iter().map(|e| {
        let (service, message) = (e.service, e.message.id);
        let act = |replay: bool| {
            let command = if replay {
                Command::ReplayDeadLetter { service, message }
            } else {
                Command::DiscardDeadLetter { service, message }
            };
            let key = if replay { Key::Replay } else { Key::Discard };
            let click = p.on.reform(move |_: MouseEvent| UiMsg::Sim(command));
            html! {
                <button class="small" onclick={click} aria-label={format!("{} {message} ({})", t(lang, key), i18n::service(lang, service))}>
                    { t(lang, key) }
                </button>
            }
        };
        // A poison message is fixed first (its data corrected), then replayed.
        let fix = e.poison.then(|| {
            let click = p.on.reform(move |_: MouseEvent| UiMsg::Sim(Command::FixDeadLetter { service, message }));
            html! {
                <button class="small" onclick={click} aria-label={format!("{} {message} ({})", t(lang, Key::FixPoison), i18n::service(lang, service))}>
                    { t(lang, Key::FixPoison) }
                </button>
            }
        });
        html! {
            <tr key={format!("{}-{}", service.name(), message.0)} data-letter={message.0.to_string()}>
                <th scope="row">{ i18n::service(lang, service) }</th>
                { super::cells::mono(format!("{message} {}", e.message.event.event_type())) }
                { super::cells::mono(i18n::payload(lang, &e.message.event)) }
                { super::cells::num(e.attempts.to_string()) }
                <td>{ if e.poison { t(lang, Key::Poison) } else { t(lang, Key::HandlerError) } }</td>
                { super::cells::num(format::duration(e.at_ms)) }
                <td>{ fix.unwrap_or_default() }{ act(true) }{ act(false) }</td>
            </tr>
        }
    });
    html! {
        <table class="data">
            <caption class="visually-hidden">{ t(lang, Key::DeadLetters) }</caption>
            { super::cells::head(&[t(lang, Key::Consumer), t(lang, Key::Message), t(lang, Key::Payload), t(lang, Key::Attempt), t(lang, Key::Reason), t(lang, Key::UpdatedAt), t(lang, Key::Actions)]) }
            <tbody>{ for rows }</tbody>
        </table>
    }
}
