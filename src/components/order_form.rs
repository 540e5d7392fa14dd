//! Place an order: product and quantity (in the toolbar; the O key submits it too).

use crate::hooks::use_field_text;
use crate::i18n::{Key, Lang, t};
use crate::msg::UiMsg;
use saga_sim::MAX_QUANTITY;
use saga_sim::{Command, ProductId};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Props of [`OrderForm`].
#[derive(Properties, PartialEq)]
pub struct OrderFormProps {
    /// Display language.
    pub lang: Lang,
    /// Product names and stock, in catalogue order.
    pub products: Vec<(String, i64)>,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// The new-order form.
#[component]
pub fn OrderForm(p: &OrderFormProps) -> Html {
    let lang = p.lang;
    // The selection is state, not the DOM's: option labels change with the stock on every
    // refresh, and the browser would otherwise lose track of the chosen one.
    let product = use_state(|| 0u16);
    let (qty, typed) = use_field_text("1".to_string());
    let choose = {
        let product = product.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            product.set(v.parse().unwrap_or(0));
        })
    };
    let submit = {
        let (product, qty) = (product.clone(), qty.clone());
        p.on.reform(move |e: SubmitEvent| {
            e.prevent_default();
            match qty.trim().parse::<u32>() {
                Ok(quantity) if (1..=MAX_QUANTITY).contains(&quantity) => {
                    UiMsg::Sim(Command::PlaceOrder { product: ProductId(*product), quantity, idempotency_key: None })
                }
                _ => UiMsg::BadInput(format!(
                    "{}: {}: 1–{MAX_QUANTITY}",
                    t(lang, Key::Quantity),
                    t(lang, Key::NumberInvalid)
                )),
            }
        })
    };
    html! {
        <form class="order-form" onsubmit={submit} aria-label={t(lang, Key::NewOrder)} novalidate=true>
            <label for="order-product" class="visually-hidden">{ t(lang, Key::Product) }</label>
            <select id="order-product" onchange={choose} title={t(lang, Key::ProductInStock)}>
                { for p.products.iter().enumerate().map(|(i, (name, stock))| html! {
                    <option value={i.to_string()} selected={i == usize::from(*product)}>
                        { format!("{name} ({stock})") }
                    </option>
                }) }
            </select>
            <span class="qty-label" aria-hidden="true">{ "×" }</span>
            <input id="order-quantity" aria-label={t(lang, Key::Quantity)} type="number" min="1" max={MAX_QUANTITY.to_string()} value={(*qty).clone()} oninput={typed} size="3" />
            <button type="submit" class="place" aria-keyshortcuts="O">{ t(lang, Key::PlaceOrder) }</button>
        </form>
    }
}
