//! The coordinator's transaction log under TCC and 2PC, doubling as the operator's admin panel:
//! each transaction with every participant's own row beside it, and, where a person must decide,
//! the buttons to confirm or cancel by hand.

use crate::format;
use crate::i18n::{self, Key, Lang, t};
use crate::msg::UiMsg;
use crate::state::Snapshot;
use saga_sim::Ledger;
use saga_sim::{Command, OrderId, Protocol, ServiceId, View};
use saga_sim::{PARTICIPANTS, PartState, TxPhase, TxRow};
use yew::prelude::*;

/// Props of [`TxTable`].
#[derive(Properties, PartialEq)]
pub struct TxTableProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

fn phase(lang: Lang, tx: &TxRow) -> (&'static str, &'static str, &'static str) {
    match tx.phase {
        TxPhase::Voting => ("badge started", "?", t(lang, Key::TxVoting)),
        TxPhase::Deciding { commit: true } => ("badge started", "→", t(lang, Key::TxCommitting)),
        TxPhase::Deciding { commit: false } => ("badge pending", "↩", t(lang, Key::TxAborting)),
        TxPhase::Stuck { .. } => ("badge alarm", "⚠", t(lang, Key::TxStuck)),
        TxPhase::Committed => ("badge confirmed", "✔", t(lang, Key::TxCommitted)),
        TxPhase::Aborted => ("badge cancelled", "✖", t(lang, Key::TxAborted)),
    }
}

/// A participant's own row for `order`, as that service holds it.
fn own_row(lang: Lang, view: &View, service: ServiceId, order: OrderId) -> String {
    match service {
        ServiceId::Product => {
            let ledger = view.ledger.binary_search_by_key(&order, |(o, _)| *o).ok().map(|i| view.ledger[i].1);
            match ledger {
                Some(Ledger::Reserved { units, stale_at_ms, .. }) => {
                    let stale =
                        if view.now_ms >= stale_at_ms { format!(" ({})", t(lang, Key::Stale)) } else { String::new() };
                    format!("{} {units}{stale}", t(lang, Key::Reserved))
                }
                Some(Ledger::Prepared { units, .. }) => format!("PREPARED {units}"),
                Some(Ledger::Taken { units, .. }) => format!("TAKEN {units}"),
                Some(Ledger::Released { .. } | Ledger::Restored { .. }) => "RELEASED".into(),
                Some(Ledger::Refused | Ledger::OutOfStock { .. }) => {
                    i18n::rpc_result(lang, saga_sim::RpcResult::Refused)
                }
                _ => "—".into(),
            }
        }
        ServiceId::Delivery => {
            let row = view.deliveries.binary_search_by_key(&order, |d| d.order).ok().map(|i| view.deliveries[i]);
            row.map_or_else(|| "—".into(), |d| i18n::delivery_status(lang, d.status).to_string())
        }
        _ => view.order(order).map_or_else(
            || "—".into(),
            |o| {
                format!(
                    "{}{}",
                    i18n::status(lang, o.status),
                    if o.locked { format!(" ({})", t(lang, Key::Locked)) } else { String::new() }
                )
            },
        ),
    }
}

fn part_mark(state: PartState) -> &'static str {
    match state {
        PartState::Idle => "·",
        PartState::Waiting => "…",
        PartState::Yes | PartState::Done => "✔",
        PartState::No => "✖",
        PartState::GaveUp => "⇢",
    }
}

/// The transactions and the admin panel.
#[component]
pub fn TxTable(p: &TxTableProps) -> Html {
    let lang = p.lang;
    let view = &p.snapshot.view;
    let m = &view.metrics;
    let (held_key, held_ms) = if view.protocol == Protocol::TwoPc {
        (Key::MetricLockTime, m.lock_ms)
    } else {
        (Key::MetricReservedTime, m.reserved_ms)
    };
    // A figure that does not mean anything yet is "—", not zero.
    let dash = t(lang, Key::Dash);
    let shown = |v: Option<u64>| v.map_or_else(|| dash.to_string(), format::duration);
    let figures = format!(
        "{} {} · {} {} · {} {} · {} {} ({})",
        t(lang, held_key),
        shown(held_ms),
        t(lang, Key::MetricLatency),
        shown(m.mean_latency_ms),
        t(lang, Key::MetricLongestPending),
        shown(m.longest_pending_ms),
        t(lang, Key::MetricOperator),
        m.operator_actions,
        m.open_alerts,
    );
    let rows = view.txs.iter().rev().take(super::orders_table::ROWS_SHOWN).map(|tx| {
        let (class, icon, label) = phase(lang, tx);
        let order = tx.order;
        let parts = PARTICIPANTS.iter().enumerate().map(|(i, &s)| {
            html! {
                <td class="part">
                    <span class="mark" aria-hidden="true">{ part_mark(tx.parts[i].state) }{ " " }</span>
                    { own_row(lang, view, s, order) }
                </td>
            }
        });
        let attempt = tx.parts.iter().filter(|x| x.state == PartState::Waiting).map(|x| x.attempt).max().unwrap_or(0);
        // The engine says which transactions need a person and which decisions it would carry
        // out (2PC's logged decision binds, a delivered parcel cannot be cancelled, ...).
        let choice = view.operator_choices.iter().find(|c| c.order == order).copied();
        let operator = choice.map(|choice| {
            let button = |commit: bool| {
                let click = p.on.reform(move |_: MouseEvent| UiMsg::Sim(Command::Resolve { order, commit }));
                let key = if commit { Key::ConfirmByHand } else { Key::CancelByHand };
                html! {
                    <button class="small" onclick={click} aria-label={format!("{} {order}: {}", t(lang, Key::Decide), t(lang, key))}>
                        { t(lang, key) }
                    </button>
                }
            };
            html! {
                <>
                    if choice.confirm { { button(true) } }
                    if choice.cancel { { button(false) } }
                </>
            }
        });
        html! {
            <tr key={order.0} data-order={order.0.to_string()} class={tx.alerted.then_some("alert-row")}>
                <th scope="row">{ order.to_string() }</th>
                <td>
                    { super::cells::badge(class, icon, label.to_string()) }
                    if tx.alerted { <span class="badge alarm">{ " ⚠ " }{ t(lang, Key::AlertBadge) }</span> }
                </td>
                { for parts }
                { super::cells::td("num", if attempt > 0 { attempt.to_string() } else { String::new() }) }
                <td>{ operator.unwrap_or_default() }</td>
            </tr>
        }
    });
    html! {
        <div>
            <p class="figures" data-testid="tx-figures">{ figures }</p>
            // Where seeds 001 and 002 disagree, the screen says which one the app follows.
            if view.protocol == Protocol::TwoPc {
                <p class="muted note" data-testid="seed-note">{ t(lang, Key::TwoPcCommitRetried) }</p>
            }
            if view.txs.is_empty() {
                <p class="empty">{ t(lang, Key::NoTransactions) }</p>
            } else {
                <table class="data">
                    <caption class="visually-hidden">{ t(lang, Key::Transactions) }</caption>
                    <thead>
                        <tr>
                            <th scope="col" rowspan="2">{ t(lang, Key::Order) }</th>
                            <th scope="col" rowspan="2">{ t(lang, Key::Phase) }</th>
                            <th scope="colgroup" colspan="3">{ t(lang, Key::Participants) }</th>
                            <th scope="col" rowspan="2">{ t(lang, Key::Attempt) }</th>
                            <th scope="col" rowspan="2">{ t(lang, Key::Decide) }</th>
                        </tr>
                        <tr>
                            { for PARTICIPANTS.iter().map(|&s| html! { <th scope="col">{ i18n::service(lang, s) }</th> }) }
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            }
        </div>
    }
}
