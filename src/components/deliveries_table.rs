//! Delivery's table.

use crate::format;
use crate::i18n::{self, Key, Lang, t};
use crate::msg::UiMsg;
use crate::state::Snapshot;
use saga_sim::{Command, DeliveryStatus};
use yew::prelude::*;

/// Props of [`DeliveriesTable`].
#[derive(Properties, PartialEq)]
pub struct DeliveriesTableProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// The deliveries table.
#[component]
pub fn DeliveriesTable(p: &DeliveriesTableProps) -> Html {
    let lang = p.lang;
    let view = &p.snapshot.view;
    if view.deliveries.is_empty() {
        return html! { <p class="empty">{ t(lang, Key::NoDeliveries) }</p> };
    }
    let rows = view.deliveries.iter().rev().take(super::orders_table::ROWS_SHOWN).map(|d| {
        let order = d.order;
        let complete = p.on.reform(move |_: MouseEvent| UiMsg::Sim(Command::CompleteDelivery { order }));
        let (class, icon) = match d.status {
            DeliveryStatus::Started => ("badge started", "➜"),
            DeliveryStatus::Completed => ("badge confirmed", "✔"),
            DeliveryStatus::Cancelled => ("badge cancelled", "✖"),
            DeliveryStatus::Held => ("badge pending", "⏸"),
            DeliveryStatus::Prepared => ("badge pending", "⏸"),
        };
        html! {
            <tr key={order.0}>
                <th scope="row">{ order.to_string() }</th>
                <td><span class={class}><span aria-hidden="true">{ icon }{ " " }</span>{ i18n::delivery_status(lang, d.status) }</span></td>
                <td class={if d.parcels > 1 { "num alarm" } else { "num" }}>{ d.parcels }</td>
                { super::cells::num(format::duration(d.updated_at_ms)) }
                <td>
                    if d.status == DeliveryStatus::Started {
                        <button class="small" onclick={complete} aria-label={format!("{} {order}", t(lang, Key::CompleteNamed))}>
                            { t(lang, Key::Complete) }
                        </button>
                    }
                </td>
            </tr>
        }
    });
    html! {
        <>
        <table class="data">
            <caption class="visually-hidden">{ t(lang, Key::Deliveries) }</caption>
            { super::cells::head(&[t(lang, Key::Order), t(lang, Key::Status), t(lang, Key::Parcels), t(lang, Key::UpdatedAt), t(lang, Key::Actions)]) }
            <tbody>{ for rows }</tbody>
        </table>
        { super::cells::newest_note(lang, view.deliveries_total as usize) }
        </>
    }
}
