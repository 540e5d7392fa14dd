//! One row of Order's table. A component of its own so a refresh redraws only the rows whose
//! order changed: with a hundred rows shown and messages arriving every frame, rebuilding them
//! all was most of a refresh's work on a slow machine.

use super::orders_table::status_badge;
use crate::format;
use crate::i18n::{self, Key, Lang, t};
use crate::msg::UiMsg;
use saga_sim::{Command, OrderRow, OrderStatus};
use yew::prelude::*;

/// Props of [`OrderTableRow`].
#[derive(Properties, PartialEq)]
pub struct OrderTableRowProps {
    /// Display language.
    pub lang: Lang,
    /// The order.
    pub order: OrderRow,
    /// Its product's name.
    pub product: String,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// An order: id, product, quantity, status badge, reason, key, time placed and its cancel button.
#[component]
pub fn OrderTableRow(p: &OrderTableRowProps) -> Html {
    let (lang, o) = (p.lang, &p.order);
    let id = o.id;
    let cancel = p.on.reform(move |_: MouseEvent| UiMsg::Sim(Command::CancelOrder { order: id }));
    let reason = match o.status {
        OrderStatus::Cancelled(r) | OrderStatus::Cancelling(r) => i18n::reason(lang, r),
        _ => "",
    };
    html! {
        <tr data-order={id.0.to_string()}>
            <th scope="row">{ id.to_string() }</th>
            <td>{ p.product.clone() }</td>
            { super::cells::td("num", o.quantity.to_string()) }
            <td>
                { status_badge(lang, o.status) }
                if o.locked { <span class="tag lock">{ " " }{ t(lang, Key::Locked) }</span> }
            </td>
            <td>{ reason }</td>
            { super::cells::td("mono", format!("k{}", o.idempotency_key.0 & 0xffff)) }
            { super::cells::td("num", format::duration(o.placed_at_ms)) }
            <td>
                if o.status.cancellable() {
                    <button class="small" onclick={cancel} aria-label={format!("{} {id}", t(lang, Key::CancelOrderNamed))}>
                        { t(lang, Key::CancelOrder) }
                    </button>
                }
            </td>
        </tr>
    }
}
