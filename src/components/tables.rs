//! The services' tables behind tabs: orders, stock, deliveries, bus log, sagas, outbox and DLQ;
//! the settings; and two tools: the compare view and the fast-forward. Every tab is a stop of its
//! own for Tab: the arrow keys step the run everywhere on the page.

use super::bus_log::BusLog;
use super::compare_panel::ComparePanel;
use super::dead_letters_table::DeadLettersTable;
use super::deliveries_table::DeliveriesTable;
use super::enlarge_button::EnlargeButton;
use super::event_detail::EventDetail;
use super::fast_forward_form::FastForwardForm;
use super::orders_table::OrdersTable;
use super::outbox_panel::OutboxPanel;
use super::sagas_table::SagasTable;
use super::settings_panel::SettingsPanel;
use super::stock_table::StockTable;
use super::tx_table::TxTable;
use crate::i18n::{Key, Lang, t};
use crate::msg::UiMsg;
use crate::state::Snapshot;
use crate::state::{DetailTab as Tab, Panel};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`Tables`].
#[derive(Properties, PartialEq)]
pub struct TablesProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
    /// The selected message's causal picture.
    pub causal: Rc<crate::store::CausalView>,
    /// The current or last fast-forward.
    pub fast_forward: Option<crate::driver::FastForwardStatus>,
    /// The configuration of the next reset.
    pub next: std::rc::Rc<saga_sim::SimConfig>,
    /// The run's seed.
    pub seed: u64,
    /// Whether this panel is enlarged.
    pub enlarged: bool,
    /// The open tab.
    pub tab: Tab,
    /// The driver, for the selected event's causal tree.
    pub log: crate::driver::DriverHandle,
    /// The selected log entry.
    pub selected: Option<(u64, Option<saga_sim::MessageId>)>,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// The tabbed tables.
#[component]
pub fn Tables(p: &TablesProps) -> Html {
    let lang = p.lang;
    let counts = |tb: Tab| match tb {
        Tab::Orders => p.snapshot.view.orders_total as usize,
        Tab::Stock => p.snapshot.view.products.len(),
        Tab::Deliveries => p.snapshot.view.deliveries_total as usize,
        Tab::Bus => p.snapshot.view.log.end.0 as usize,
        Tab::Sagas if p.snapshot.view.protocol.is_two_phase() => p.snapshot.view.txs.len(),
        Tab::Sagas => p.snapshot.view.sagas.len(),
        Tab::Reliability => {
            p.snapshot.view.dead_letters.len()
                + p.snapshot.view.services.iter().map(|s| s.outbox_pending + s.unpublished).sum::<usize>()
        }
        Tab::Settings | Tab::Compare | Tab::FastForward | Tab::Event => 0,
    };
    // While a fast-forward runs, its tab shows how far it is, whichever tab is open.
    let progress = p.fast_forward.and_then(|s| match s.progress {
        saga_sim::ChaosProgress::Running { placed, .. } => Some(u64::from(placed) * 100 / u64::from(s.orders.max(1))),
        saga_sim::ChaosProgress::Done(_) => None,
    });
    let two_phase = p.snapshot.view.protocol.is_two_phase();
    let has_sagas = p.snapshot.view.protocol.has_coordinator();
    // The Sagas tab exists only when a coordinator runs sagas; the selected event's only while
    // one is selected.
    let tabs: Vec<Tab> = Tab::ALL
        .iter()
        .copied()
        .filter(|t| (*t != Tab::Sagas || has_sagas) && (*t != Tab::Event || p.selected.is_some()))
        .collect();
    let current = if tabs.contains(&p.tab) { p.tab } else { Tab::Orders };
    let buttons = tabs.iter().map(|&tb| {
        let select = p.on.reform(move |_: MouseEvent| UiMsg::SetTab(tb));
        let selected = current == tb;
        html! {
            <button role="tab" id={format!("tab-{}", tb.id())} aria-selected={selected.to_string()}
                aria-controls={format!("panel-{}", tb.id())}
                class={selected.then_some("selected")} onclick={select}>
                { t(lang, if tb == Tab::Sagas && two_phase { Key::Transactions } else { tb.key() }) }
                if tb == Tab::FastForward {
                    if let Some(percent) = progress { <span class="count">{ format!(" {percent}%") }</span> }
                } else if !matches!(tb, Tab::Compare | Tab::Settings | Tab::Event) {
                    <span class="count">{ format!(" {}", counts(tb)) }</span>
                }
            </button>
        }
    });
    let body = match current {
        Tab::Orders => html! { <OrdersTable lang={lang} snapshot={p.snapshot.clone()} on={p.on.clone()} /> },
        Tab::Stock => html! { <StockTable lang={lang} snapshot={p.snapshot.clone()} on={p.on.clone()} /> },
        Tab::Deliveries => html! { <DeliveriesTable lang={lang} snapshot={p.snapshot.clone()} on={p.on.clone()} /> },
        Tab::Bus => html! { <BusLog lang={lang} snapshot={p.snapshot.clone()} causal={p.causal.clone()} /> },
        Tab::Sagas if two_phase => html! { <TxTable lang={lang} snapshot={p.snapshot.clone()} on={p.on.clone()} /> },
        Tab::Sagas => html! { <SagasTable lang={lang} snapshot={p.snapshot.clone()} /> },
        Tab::Reliability => html! {
            <>
                <OutboxPanel lang={lang} snapshot={p.snapshot.clone()} />
                <h3>{ t(lang, Key::DeadLetters) }</h3>
                <DeadLettersTable lang={lang} snapshot={p.snapshot.clone()} on={p.on.clone()} />
            </>
        },
        Tab::Settings => html! {
            <SettingsPanel lang={lang} snapshot={p.snapshot.clone()} next={p.next.clone()} seed={p.seed} on={p.on.clone()} />
        },
        Tab::Compare => html! {
            <ComparePanel lang={lang} rows={p.snapshot.compare.clone()} current={p.snapshot.view.protocol} on={p.on.clone()} />
        },
        Tab::FastForward => html! { <FastForwardForm lang={lang} status={p.fast_forward} on={p.on.clone()} /> },
        Tab::Event => html! {
            <EventDetail lang={lang} log={p.log.clone()} selected={p.selected} causal={p.causal.clone()} on={p.on.clone()} />
        },
    };
    html! {
        <section class="panel tables" data-panel="detail" aria-labelledby="detail-h">
            <h2 id="detail-h" class="visually-hidden">{ t(lang, Key::Tables) }</h2>
            <div class="tab-row">
                <div role="tablist" aria-label={t(lang, Key::Tables)}>{ for buttons }</div>
                <EnlargeButton lang={lang} panel={Panel::Detail} name={t(lang, Key::Tables)} enlarged={p.enlarged} on={p.on.clone()} />
            </div>
            <div role="tabpanel" id={format!("panel-{}", current.id())} aria-labelledby={format!("tab-{}", current.id())}
                class="table-scroll" tabindex="0">
                { body }
            </div>
        </section>
    }
}
