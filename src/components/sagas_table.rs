//! The coordinator's saga table and its compensation registry (orchestration), written as
//! markup text since it only displays.

use crate::format;
use crate::i18n::{self, Key, Lang, t};
use crate::markup::Markup;
use crate::state::Snapshot;
use saga_sim::Rpc;
use saga_sim::{SagaPhase, SagaRow};
use std::fmt::Write;
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

/// The sagas and the registry. It only displays, so it is written as markup text.
#[component]
pub fn SagasTable(p: &SagasTableProps) -> Html {
    let lang = p.lang;
    let view = &p.snapshot.view;
    let mut m = Markup::default();
    m.open("div", "");
    m.el("h3", "class=\"registry-title\"", t(lang, Key::RegistryTitle));
    if view.registry.is_empty() {
        m.el("p", "class=\"empty\"", t(lang, Key::RegistryEmptyText));
    } else {
        m.open("ul", "class=\"registry\"");
        for e in &view.registry {
            m.open("li", "");
            m.0.push_str("<span class=\"badge pending\"><span aria-hidden=\"true\">◷ </span>PENDING</span>");
            let next =
                if e.next_retry_at_ms == u64::MAX { "…".to_string() } else { format::duration(e.next_retry_at_ms) };
            let line = format!(
                " {} · {} · {} {} · {} {next}",
                e.order,
                e.rpc,
                t(lang, Key::Attempt),
                e.attempts,
                t(lang, Key::NextRetry)
            );
            m.text(&line);
            m.close("li");
        }
        m.close("ul");
    }
    if view.sagas.is_empty() {
        m.el("p", "class=\"empty\"", t(lang, Key::NoSagas));
    } else {
        m.start_table(
            t(lang, Key::Sagas),
            &[
                t(lang, Key::Order),
                t(lang, Key::Phase),
                t(lang, Key::CurrentCommand),
                t(lang, Key::Attempt),
                t(lang, Key::NextRetry),
            ],
        );
        for r in view.sagas.iter().rev().take(super::orders_table::ROWS_SHOWN) {
            let (class, icon, phase) = match r.phase {
                SagaPhase::Forward => ("badge started", "→", t(lang, Key::PhaseForward).to_string()),
                SagaPhase::Compensating { recovery, .. } => (
                    "badge pending",
                    "↩",
                    format!("{}: {}", t(lang, Key::PhaseCompensating), i18n::recovery(lang, recovery)),
                ),
                SagaPhase::Confirmed => ("badge confirmed", "✔", "CONFIRMED".to_string()),
                SagaPhase::Cancelled => ("badge cancelled", "✖", "CANCELLED".to_string()),
            };
            let finished = matches!(r.phase, SagaPhase::Confirmed | SagaPhase::Cancelled);
            m.open("tr", "");
            m.el("th", "scope=\"row\"", &r.order.to_string());
            m.open("td", "");
            let _ = write!(m.0, "<span class=\"{class}\"><span aria-hidden=\"true\">{icon} </span>");
            m.text(&phase);
            m.0.push_str("</span>");
            m.close("td");
            let current = if finished { String::new() } else { r.current.map(|c| c.to_string()).unwrap_or_default() };
            m.el("td", "class=\"mono\"", &current);
            m.el("td", "class=\"num\"", &attempt(r, view.orchestration.max_attempts));
            let next = r.next_retry_at_ms.filter(|_| !finished).map(format::duration).unwrap_or_default();
            m.el("td", "class=\"num\"", &next);
            m.close("tr");
        }
        m.end_table();
    }
    m.close("div");
    Html::from_html_unchecked(m.0.into())
}
