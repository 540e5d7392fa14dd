//! The services' tables behind tabs: orders, stock, deliveries, bus log.

use super::bus_log::BusLog;
use super::deliveries_table::DeliveriesTable;
use super::orders_table::OrdersTable;
use super::stock_table::StockTable;
use crate::i18n::{Key, Lang, t};
use crate::msg::UiMsg;
use crate::state::Snapshot;
use saga_sim::MessageId;
use std::collections::BTreeSet;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Orders,
    Stock,
    Deliveries,
    Bus,
}

impl Tab {
    const ALL: [Tab; 4] = [Tab::Orders, Tab::Stock, Tab::Deliveries, Tab::Bus];

    fn key(self) -> Key {
        match self {
            Tab::Orders => Key::Orders,
            Tab::Stock => Key::Stock,
            Tab::Deliveries => Key::Deliveries,
            Tab::Bus => Key::BusLog,
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tab::Orders => "orders",
            Tab::Stock => "stock",
            Tab::Deliveries => "deliveries",
            Tab::Bus => "bus",
        }
    }
}

/// Props of [`Tables`].
#[derive(Properties, PartialEq)]
pub struct TablesProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
    /// The selected causal chain.
    pub chain: Rc<BTreeSet<MessageId>>,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// The tabbed tables.
#[component]
pub fn Tables(p: &TablesProps) -> Html {
    let lang = p.lang;
    let tab = use_state(|| Tab::Orders);
    let counts = |tb: Tab| match tb {
        Tab::Orders => p.snapshot.view.orders.len(),
        Tab::Stock => p.snapshot.view.products.len(),
        Tab::Deliveries => p.snapshot.view.deliveries.len(),
        Tab::Bus => p.snapshot.view.log.end.0 as usize,
    };
    let buttons = Tab::ALL.iter().map(|&tb| {
        let select = {
            let tab = tab.clone();
            Callback::from(move |_: MouseEvent| tab.set(tb))
        };
        let selected = *tab == tb;
        html! {
            <button role="tab" id={format!("tab-{}", tb.id())} aria-selected={selected.to_string()}
                aria-controls={format!("panel-{}", tb.id())} tabindex={if selected { "0" } else { "-1" }}
                class={classes!(selected.then_some("selected"))} onclick={select}>
                { t(lang, tb.key()) }<span class="count">{ format!(" {}", counts(tb)) }</span>
            </button>
        }
    });
    let onkeydown = {
        let tab = tab.clone();
        Callback::from(move |e: KeyboardEvent| {
            let i = Tab::ALL.iter().position(|x| *x == *tab).unwrap_or(0);
            let next = match e.key().as_str() {
                "ArrowRight" => (i + 1) % Tab::ALL.len(),
                "ArrowLeft" => (i + Tab::ALL.len() - 1) % Tab::ALL.len(),
                _ => return,
            };
            e.prevent_default();
            e.stop_propagation();
            tab.set(Tab::ALL[next]);
            if let Some(el) = gloo_focus(&format!("tab-{}", Tab::ALL[next].id())) {
                let _ = el.focus();
            }
        })
    };
    let body = match *tab {
        Tab::Orders => html! { <OrdersTable lang={lang} snapshot={p.snapshot.clone()} on={p.on.clone()} /> },
        Tab::Stock => html! { <StockTable lang={lang} snapshot={p.snapshot.clone()} on={p.on.clone()} /> },
        Tab::Deliveries => html! { <DeliveriesTable lang={lang} snapshot={p.snapshot.clone()} on={p.on.clone()} /> },
        Tab::Bus => html! { <BusLog lang={lang} snapshot={p.snapshot.clone()} chain={p.chain.clone()} /> },
    };
    html! {
        <section class="panel tables">
            <div role="tablist" aria-label={t(lang, Key::Tables)} {onkeydown}>{ for buttons }</div>
            <div role="tabpanel" id={format!("panel-{}", tab.id())} aria-labelledby={format!("tab-{}", tab.id())}
                class="table-scroll" tabindex="0">
                { body }
            </div>
        </section>
    }
}

fn gloo_focus(id: &str) -> Option<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    web_sys::window()?.document()?.get_element_by_id(id)?.dyn_into().ok()
}
