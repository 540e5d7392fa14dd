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
    html! {
        <table class="data">
            <caption class="visually-hidden">{ t(lang, Key::Stock) }</caption>
            <thead><tr>
                <th scope="col">{ t(lang, Key::Product) }</th>
                <th scope="col">{ t(lang, Key::Stock) }</th>
                if protocol == Protocol::Tcc {
                    <th scope="col">{ t(lang, Key::Reserved) }</th>
                    <th scope="col">{ t(lang, Key::Available) }</th>
                }
                if protocol == Protocol::TwoPc {
                    <th scope="col">{ t(lang, Key::RowLock) }</th>
                }
                <th scope="col">{ t(lang, Key::InitialStock) }</th>
                <th scope="col">{ t(lang, Key::ReplicaInOrder) }</th>
                <th scope="col">{ t(lang, Key::Actions) }</th>
            </tr></thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}
