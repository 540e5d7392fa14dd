//! Order's table: every order with its status badge and reason.

use crate::format;
use crate::i18n::{self, Key, Lang, t};
use crate::msg::UiMsg;
use crate::state::Snapshot;
use saga_sim::{Command, OrderStatus};
use yew::prelude::*;

/// Rows drawn at most; the newest are shown. A hundred fill several screens of a scrolled
/// table, and drawing them after a fast-forward of thousands of orders stays within a frame or
/// three.
pub const ROWS_SHOWN: usize = 100;

/// Props of [`OrdersTable`].
#[derive(Properties, PartialEq)]
pub struct OrdersTableProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// An order status as a badge: icon and word, so colour is never the only cue.
pub fn status_badge(lang: Lang, s: OrderStatus) -> Html {
    let (class, icon) = match s {
        OrderStatus::Pending => ("badge pending", "◷"),
        // Cancel accepted: a PENDING state of its own, drawn as one.
        OrderStatus::Cancelling(_) => ("badge pending cancelling", "◷"),
        OrderStatus::Confirmed => ("badge confirmed", "✔"),
        OrderStatus::Cancelled(_) => ("badge cancelled", "✖"),
    };
    html! { <span class={class}><span aria-hidden="true">{ icon }{ " " }</span>{ i18n::status(lang, s) }</span> }
}

/// The orders table.
#[component]
pub fn OrdersTable(p: &OrdersTableProps) -> Html {
    let lang = p.lang;
    let view = &p.snapshot.view;
    if view.orders.is_empty() && view.refused_orders.is_empty() {
        return html! { <p class="empty">{ t(lang, Key::NoOrders) }</p> };
    }
    let name =
        |p: saga_sim::ProductId| view.products.get(usize::from(p.0)).map_or_else(|| p.to_string(), |r| r.name.clone());
    // Placements Order refused never became orders, but the client was told why: they are rows
    // too, among the orders by time.
    let refused = view.refused_orders.iter().rev().take(ROWS_SHOWN).map(|r| {
        (
            r.at_ms,
            html! {
                <tr class="refused" data-refused={r.at_ms.to_string()}>
                    <th scope="row">{ t(lang, Key::Dash) }</th>
                    <td>{ name(r.product) }</td>
                    { super::cells::num(r.quantity.to_string()) }
                    <td><span class="badge refused"><span aria-hidden="true">{ "⊘ " }</span>{ t(lang, Key::RefusedBadge) }</span></td>
                    <td>{ i18n::rejection(lang, r.reason) }</td>
                    <td></td>
                    { super::cells::num(format::duration(r.at_ms)) }
                    <td></td>
                </tr>
            },
        )
    });
    let rows = view.orders.iter().rev().take(ROWS_SHOWN).map(|o| {
        let id = o.id;
        let cancel = p.on.reform(move |_: MouseEvent| UiMsg::Sim(Command::CancelOrder { order: id }));
        let product = name(o.product);
        let reason = match o.status {
            OrderStatus::Cancelled(r) | OrderStatus::Cancelling(r) => i18n::reason(lang, r),
            _ => "",
        };
        let cancellable = o.status.cancellable();
        (o.placed_at_ms, html! {
            <tr key={id.0} data-order={id.0.to_string()}>
                <th scope="row">{ id.to_string() }</th>
                <td>{ product }</td>
                { super::cells::num(o.quantity.to_string()) }
                <td>
                    { status_badge(lang, o.status) }
                    if o.locked { <span class="tag lock">{ " " }{ t(lang, Key::Locked) }</span> }
                </td>
                <td>{ reason }</td>
                { super::cells::mono(format!("k{}", o.idempotency_key.0 & 0xffff)) }
                { super::cells::num(format::duration(o.placed_at_ms)) }
                <td>
                    if cancellable {
                        <button class="small" onclick={cancel} aria-label={format!("{} {id}", t(lang, Key::CancelOrderNamed))}>
                            { t(lang, Key::CancelOrder) }
                        </button>
                    }
                </td>
            </tr>
        })
    });
    // Newest first: merge the two lists by time (each is newest first already).
    let mut all: Vec<(u64, Html)> = rows.chain(refused).collect();
    all.sort_by_key(|r| std::cmp::Reverse(r.0));
    let rows = all.into_iter().take(ROWS_SHOWN).map(|(_, row)| row);
    html! {
        <>
        <table class="data">
            <caption class="visually-hidden">{ t(lang, Key::Orders) }</caption>
            { super::cells::head(&[t(lang, Key::Order), t(lang, Key::Product), t(lang, Key::Quantity), t(lang, Key::Status), t(lang, Key::Reason), t(lang, Key::Idempotency), t(lang, Key::PlacedAt), t(lang, Key::Actions)]) }
            <tbody>{ for rows }</tbody>
        </table>
        { super::cells::newest_note(lang, view.orders_total as usize) }
        </>
    }
}
