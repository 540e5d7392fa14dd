//! The coordinator's transaction log under TCC and 2PC, doubling as the operator's admin panel:
//! each transaction with every participant's own row beside it, and, where a person must decide,
//! the buttons to confirm or cancel by hand.

use super::accounts_table::AccountsTable;
use crate::format;
use crate::i18n::{self, Key, Lang, t};
use crate::markup::Markup;
use crate::msg::UiMsg;
use crate::state::Snapshot;
use saga_sim::Ledger;
use saga_sim::{Command, OrderId, Protocol, ServiceId, View};
use saga_sim::{PARTICIPANTS, PartState, TxPhase, TxRow};
use std::fmt::Write;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// The participant counts offered, with their labels.
const PARTICIPANT_CHOICES: [(u32, Key); 3] =
    [(3, Key::ParticipantsThree), (4, Key::ParticipantsFour), (5, Key::ParticipantsFive)];

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
        ServiceId::Payment | ServiceId::Points => {
            let rows = if service == ServiceId::Payment { &view.payments } else { &view.points };
            let row = rows.binary_search_by_key(&order, |r| r.order).ok().map(|i| rows[i]);
            row.map_or_else(|| "—".into(), |r| i18n::account_status(lang, r.status).to_string())
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
        "{} {} · {} {} · {} {} · {} {} · {} {} ({})",
        t(lang, held_key),
        shown(held_ms),
        t(lang, Key::MetricHeldTime),
        shown(m.held_ms),
        t(lang, Key::MetricLatency),
        shown(m.mean_latency_ms),
        t(lang, Key::MetricLongestPending),
        shown(m.longest_pending_ms),
        t(lang, Key::MetricOperator),
        m.operator_actions,
        m.open_alerts,
    );
    // Every transaction of a run has the same participants.
    let taking_part = &PARTICIPANTS[..(view.two_phase.participants as usize).clamp(3, PARTICIPANTS.len())];
    // The decisions a person should take now, as buttons of their own above the log: keyed by
    // order, so they keep the keyboard's focus while the log below is redrawn. The engine says
    // which transactions need a person and which decisions it would carry out (2PC's logged
    // decision binds, a delivered parcel cannot be cancelled, ...).
    let decisions = view.operator_choices.iter().map(|choice| {
        let order = choice.order;
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
            <span class="decision" key={order.0} data-order={order.0.to_string()}>
                <strong>{ order.to_string() }</strong>
                if choice.confirm { { button(true) } }
                if choice.cancel { { button(false) } }
            </span>
        }
    });
    let set_participants = p.on.reform(|e: Event| {
        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
        UiMsg::SetParticipants(value.parse().unwrap_or(3))
    });
    html! {
        <div>
            <label class="participants" title={t(lang, Key::ParticipantCountHint)}>
                <span>{ t(lang, Key::ParticipantCount) }</span>
                <select name="participants" onchange={set_participants}>
                    { for PARTICIPANT_CHOICES.iter().map(|&(n, key)| html! {
                        <option value={n.to_string()} selected={view.two_phase.participants == n}>{ t(lang, key) }</option>
                    }) }
                </select>
            </label>
            <p class="figures" data-testid="tx-figures">{ figures }</p>
            // Where seeds 001 and 002 disagree, the screen says which one the app follows.
            if view.protocol == Protocol::TwoPc {
                <p class="muted note" data-testid="seed-note">{ t(lang, Key::TwoPcCommitRetried) }</p>
            }
            if !view.operator_choices.is_empty() {
                <div class="decisions" role="group" aria-label={t(lang, Key::Decide)}>
                    <span>{ t(lang, Key::Decide) }{ ":" }</span>
                    { for decisions }
                </div>
            }
            // The log only displays, so it is markup text.
            { Html::from_html_unchecked(table(lang, view, taking_part).into()) }
            <AccountsTable lang={lang} snapshot={p.snapshot.clone()} />
        </div>
    }
}

/// The transaction log as markup: each transaction's phase, every participant's own row and the
/// attempt.
fn table(lang: Lang, view: &View, taking_part: &[ServiceId]) -> String {
    let mut m = Markup::default();
    if view.txs.is_empty() {
        m.el("p", "class=\"empty\"", t(lang, Key::NoTransactions));
        return m.0;
    }
    m.open("table", "class=\"data\"");
    m.el("caption", "class=\"visually-hidden\"", t(lang, Key::Transactions));
    m.0.push_str("<thead><tr>");
    m.el("th", "scope=\"col\" rowspan=\"2\"", t(lang, Key::Order));
    m.el("th", "scope=\"col\" rowspan=\"2\"", t(lang, Key::Phase));
    let _ = write!(m.0, "<th scope=\"colgroup\" colspan=\"{}\">", taking_part.len());
    m.text(t(lang, Key::Participants));
    m.close("th");
    m.el("th", "scope=\"col\" rowspan=\"2\"", t(lang, Key::Attempt));
    m.0.push_str("</tr><tr>");
    for &s in taking_part {
        m.el("th", "scope=\"col\"", i18n::service(lang, s));
    }
    m.0.push_str("</tr></thead><tbody>");
    for tx in view.txs.iter().rev().take(super::orders_table::ROWS_SHOWN) {
        let (class, icon, label) = phase(lang, tx);
        let order = tx.order;
        let _ = write!(m.0, "<tr data-order=\"{}\"{}>", order.0, if tx.alerted { " class=\"alert-row\"" } else { "" });
        m.el("th", "scope=\"row\"", &order.to_string());
        let _ = write!(m.0, "<td><span class=\"{class}\"><span aria-hidden=\"true\">{icon} </span>");
        m.text(label);
        m.0.push_str("</span>");
        if tx.alerted {
            m.0.push_str("<span class=\"badge alarm\"> ⚠ ");
            m.text(t(lang, Key::AlertBadge));
            m.0.push_str("</span>");
        }
        m.close("td");
        for (i, &s) in tx.participants().iter().enumerate() {
            let _ = write!(
                m.0,
                "<td class=\"part\"><span class=\"mark\" aria-hidden=\"true\">{} </span>",
                part_mark(tx.parts[i].state)
            );
            m.text(&own_row(lang, view, s, order));
            m.close("td");
        }
        let attempt = tx.parts.iter().filter(|x| x.state == PartState::Waiting).map(|x| x.attempt).max().unwrap_or(0);
        m.el("td", "class=\"num\"", &if attempt > 0 { attempt.to_string() } else { String::new() });
        m.close("tr");
    }
    m.0.push_str("</tbody></table>");
    m.0
}
