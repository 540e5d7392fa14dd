//! One product's stock row, with a set-stock field whose text survives refreshes.

use crate::format;
use crate::hooks::use_field_text;
use crate::i18n::{Key, Lang, t};
use crate::msg::UiMsg;
use saga_sim::MAX_STOCK;
use saga_sim::RowLock;
use saga_sim::{Command, ProductId, Protocol};
use yew::prelude::*;

/// Props of [`StockRow`].
#[derive(Properties, PartialEq)]
pub struct StockRowProps {
    /// Display language.
    pub lang: Lang,
    /// The product.
    pub product: ProductId,
    /// Its name.
    pub name: String,
    /// Units in stock.
    pub stock: i64,
    /// Units at t=0.
    pub initial: i64,
    /// Order's copy of the stock.
    pub replica: i64,
    /// The protocol, which decides the extra columns.
    pub protocol: Protocol,
    /// TCC: units held by reservations.
    pub reserved: i64,
    /// 2PC: the row's lock.
    pub lock: Option<RowLock>,
    /// 2PC: prepares waiting for the lock.
    pub waiting: usize,
    /// 2PC: other PENDING orders for the product while it is locked.
    pub blocked: u32,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// A stock row.
#[component]
pub fn StockRow(p: &StockRowProps) -> Html {
    let lang = p.lang;
    let (text, typed) = use_field_text(p.stock.to_string());
    let submit = {
        let (text, product) = (text.clone(), p.product);
        p.on.reform(move |e: SubmitEvent| {
            e.prevent_default();
            match text.trim().parse::<i64>() {
                Ok(stock) if (0..=MAX_STOCK).contains(&stock) => UiMsg::Sim(Command::SetStock { product, stock }),
                _ => {
                    UiMsg::BadInput(format!("{}: {}: 0–{MAX_STOCK}", t(lang, Key::Stock), t(lang, Key::NumberInvalid)))
                }
            }
        })
    };
    let stale = p.replica != p.stock;
    html! {
        <tr>
            <th scope="row">{ &p.name }</th>
            <td class="num strong">{ p.stock }</td>
            if p.protocol == Protocol::Tcc {
                <td class={if p.reserved > 0 { "num held" } else { "num" }}>{ p.reserved }</td>
                { super::cells::num((p.stock - p.reserved).to_string()) }
            }
            if p.protocol == Protocol::TwoPc {
                <td class="lock-cell">
                    if let Some(l) = p.lock {
                        <span class="badge pending">{ format!("{} {} · {}{}", t(lang, Key::LockedBy), l.holder, t(lang, Key::TimeAt), format::duration(l.since_ms)) }</span>
                    } else {
                        { "—" }
                    }
                    if p.blocked > 0 {
                        <span class="tag" title={format!("{} {}", p.waiting, t(lang, Key::WaitingForLock))}>
                            { format!(" · {}: {}", t(lang, Key::OrdersBlocked), p.blocked) }
                        </span>
                    }
                </td>
            }
            { super::cells::num(p.initial.to_string()) }
            <td class="num">
                { p.replica }
                if stale { <span class="tag">{ " " }{ t(lang, Key::Stale) }</span> }
            </td>
            <td>
                <form class="inline" onsubmit={submit} novalidate=true>
                    <input type="number" min="0" max={MAX_STOCK.to_string()} value={(*text).clone()} oninput={typed}
                        aria-label={format!("{} {}", t(lang, Key::NewStock), p.name)} size="6" />
                    <button class="small" type="submit">{ t(lang, Key::SetStock) }</button>
                </form>
            </td>
        </tr>
    }
}
