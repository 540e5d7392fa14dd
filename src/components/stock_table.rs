//! Product's stock table, with Order's possibly stale copy beside it and a set-stock form.

use crate::i18n::{Key, Lang, t};
use crate::msg::UiMsg;
use crate::state::Snapshot;
use saga_sim::config::MAX_STOCK;
use saga_sim::{Command, ProductId};
use web_sys::HtmlInputElement;
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
    let rows = p.snapshot.view.products.iter().enumerate().map(|(i, prod)| {
        let input = NodeRef::default();
        let submit = {
            let input = input.clone();
            p.on.reform(move |e: SubmitEvent| {
                e.prevent_default();
                let v = input.cast::<HtmlInputElement>().map(|x| x.value()).unwrap_or_default();
                match v.trim().parse::<i64>() {
                    Ok(stock) if (0..=MAX_STOCK).contains(&stock) => {
                        UiMsg::Sim(Command::SetStock { product: ProductId(i as u16), stock })
                    }
                    _ => UiMsg::BadInput(format!("{} {} (0–{MAX_STOCK})", t(lang, Key::Stock), t(lang, Key::NumberInvalid))),
                }
            })
        };
        let stale = prod.replica_in_order != prod.stock;
        html! {
            <tr key={i}>
                <th scope="row">{ &prod.name }</th>
                <td class="num strong">{ prod.stock }</td>
                <td class="num">{ prod.initial_stock }</td>
                <td class="num">
                    { prod.replica_in_order }
                    if stale { <span class="tag">{ " " }{ t(lang, Key::Stale) }</span> }
                </td>
                <td>
                    <form class="inline" onsubmit={submit}>
                        <input ref={input} type="number" min="0" max={MAX_STOCK.to_string()} value={prod.stock.to_string()}
                            aria-label={format!("{} {}", t(lang, Key::NewStock), prod.name)} size="6" />
                        <button class="small" type="submit">{ t(lang, Key::SetStock) }</button>
                    </form>
                </td>
            </tr>
        }
    });
    html! {
        <table class="data">
            <caption class="visually-hidden">{ t(lang, Key::Stock) }</caption>
            <thead><tr>
                <th scope="col">{ t(lang, Key::Product) }</th>
                <th scope="col">{ t(lang, Key::Stock) }</th>
                <th scope="col">{ t(lang, Key::InitialStock) }</th>
                <th scope="col">{ t(lang, Key::ReplicaInOrder) }</th>
                <th scope="col">{ t(lang, Key::Actions) }</th>
            </tr></thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}
