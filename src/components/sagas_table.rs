//! The coordinator's saga table and its compensation registry (orchestration).

use crate::format;
use crate::i18n::{self, Key, Lang, t};
use crate::state::Snapshot;
use saga_sim::rpc::Rpc;
use saga_sim::services::coordinator::{SagaPhase, SagaRow};
use yew::prelude::*;

/// Props of [`SagasTable`].
#[derive(Properties, PartialEq)]
pub struct SagasTableProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
}

/// "n / max" for a reversible step; "n" alone where the saga retries without limit (the
/// irreversible step, and telling Order to cancel).
fn attempt(r: &SagaRow, max: u32) -> String {
    let unlimited = matches!(r.current, Some(Rpc::NotifyCustomer | Rpc::RejectOrder { .. }));
    match (r.phase, r.attempt) {
        (SagaPhase::Confirmed | SagaPhase::Cancelled, _) | (_, 0) => String::new(),
        (_, n) if unlimited => n.to_string(),
        (_, n) => format!("{n} / {max}"),
    }
}

/// The sagas and the registry.
#[component]
pub fn SagasTable(p: &SagasTableProps) -> Html {
    let lang = p.lang;
    let view = &p.snapshot.view;
    let rows = view.sagas.iter().rev().take(super::orders_table::ROWS_SHOWN).map(|r| {
        let (class, icon, phase) = match r.phase {
            SagaPhase::Forward => ("badge started", "→", t(lang, Key::PhaseForward).to_string()),
            SagaPhase::Compensating { recovery, .. } => {
                ("badge pending", "↩", format!("{}: {}", t(lang, Key::PhaseCompensating), i18n::recovery(lang, recovery)))
            }
            SagaPhase::Confirmed => ("badge confirmed", "✔", "CONFIRMED".to_string()),
            SagaPhase::Cancelled => ("badge cancelled", "✖", "CANCELLED".to_string()),
        };
        let finished = matches!(r.phase, SagaPhase::Confirmed | SagaPhase::Cancelled);
        html! {
            <tr key={r.order.0}>
                <th scope="row">{ r.order.to_string() }</th>
                <td><span class={class}><span aria-hidden="true">{ icon }{ " " }</span>{ phase }</span></td>
                <td class="mono">{ if finished { String::new() } else { r.current.map(|c| c.to_string()).unwrap_or_default() } }</td>
                <td class="num">{ attempt(r, view.orchestration.max_attempts) }</td>
                <td class="num">{ r.next_retry_at_ms.filter(|_| !finished).map(format::duration).unwrap_or_default() }</td>
            </tr>
        }
    });
    let registry = view.registry.iter().map(|e| {
        html! {
            <li>
                <span class="badge pending"><span aria-hidden="true">{ "◷ " }</span>{ "PENDING" }</span>
                { format!(" {} · {} · {} {} · {} {}", e.order, e.rpc, t(lang, Key::Attempt), e.attempts, t(lang, Key::NextRetry),
                    if e.next_retry_at_ms == u64::MAX { "…".to_string() } else { format::duration(e.next_retry_at_ms) }) }
            </li>
        }
    });
    html! {
        <div>
            <h3 class="registry-title">{ t(lang, Key::RegistryTitle) }</h3>
            if view.registry.is_empty() {
                <p class="empty">{ t(lang, Key::RegistryEmptyText) }</p>
            } else {
                <ul class="registry">{ for registry }</ul>
            }
            if view.sagas.is_empty() {
                <p class="empty">{ t(lang, Key::NoSagas) }</p>
            } else {
                <table class="data">
                    <caption class="visually-hidden">{ t(lang, Key::Sagas) }</caption>
                    <thead><tr>
                        <th scope="col">{ t(lang, Key::Order) }</th>
                        <th scope="col">{ t(lang, Key::Phase) }</th>
                        <th scope="col">{ t(lang, Key::CurrentCommand) }</th>
                        <th scope="col">{ t(lang, Key::Attempt) }</th>
                        <th scope="col">{ t(lang, Key::NextRetry) }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
        </div>
    }
}
