//! Product's stock table, with Order's possibly stale copy beside it and a set-stock form.

use super::stock_row::StockRow;
use crate::i18n::{Key, Lang, t};
use crate::msg::UiMsg;
use crate::state::Snapshot;
use saga_sim::{ProductId, Protocol};
use yew::prelude::*;

/// Props of [`StockTable`].
#[derive(Properties, PartialEq)]
pub struct StockTableProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// The stock table.
#[component]
pub fn StockTable(p: &StockTableProps) -> Html {
    let lang = p.lang;
    let protocol = p.snapshot.view.protocol;
    let rows = p.snapshot.view.products.iter().enumerate().map(|(i, prod)| {
        html! {
            <StockRow key={i} lang={lang} product={ProductId(i as u16)} name={prod.name.clone()} stock={prod.stock}
                initial={prod.initial_stock} replica={prod.replica_in_order} protocol={protocol}
                reserved={prod.reserved} lock={prod.lock} waiting={prod.waiting.len()} blocked={prod.blocked}
                on={p.on.clone()} />
        }
    });
    let mut cols = vec![t(lang, Key::Product), t(lang, Key::Stock)];
    if protocol == Protocol::Tcc {
        cols.extend([t(lang, Key::Reserved), t(lang, Key::Available)]);
    }
    if protocol == Protocol::TwoPc {
        cols.push(t(lang, Key::RowLock));
    }
    cols.extend([t(lang, Key::InitialStock), t(lang, Key::ReplicaInOrder), t(lang, Key::Actions)]);
    html! {
        <table class="data">
            <caption class="visually-hidden">{ t(lang, Key::Stock) }</caption>
            { super::cells::head(&cols) }
            <tbody>{ for rows }</tbody>
        </table>
    }
}
