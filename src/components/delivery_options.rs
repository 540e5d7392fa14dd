//! The reliable-delivery switches of seeds 003 and 004, in the settings tab: how services
//! publish (the outbox, dual write, or publish-first), when consumers commit, the tempting
//! restock guess from the stock level (all applied on reset),
//! and, live, a flaky client, a broken handler, a poison message and a crash after a commit.

use crate::i18n::{self, Key, Lang, t};
use crate::msg::UiMsg;
use saga_sim::{Command, DeliverySemantics, Fault, PublishMode, RestockRule, ServiceId, SimConfig};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Props of [`DeliveryOptions`].
#[derive(Properties, PartialEq)]
pub struct DeliveryOptionsProps {
    /// Display language.
    pub lang: Lang,
    /// The configuration of the next reset.
    pub next: Rc<SimConfig>,
    /// Whether the client's network is flaky now.
    pub flaky_client: bool,
    /// Whether Product's handler fails now.
    pub product_failing: bool,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// The publishing choices: everything through the outbox, dual writes at one service or all,
/// or publish-first at Product or Delivery.
const PUBLISH: [(Key, [PublishMode; 3]); 7] = {
    use PublishMode::{DualWrite as D, Outbox as O, PublishFirst as F};
    [
        (Key::PublishOutbox, [O, O, O]),
        (Key::DualWriteOrder, [D, O, O]),
        (Key::DualWriteProduct, [O, D, O]),
        (Key::DualWriteDelivery, [O, O, D]),
        (Key::DualWriteAll, [D, D, D]),
        (Key::PublishFirstProduct, [O, F, O]),
        (Key::PublishFirstDelivery, [O, O, F]),
    ]
};

/// The reliable-delivery switches.
#[component]
pub fn DeliveryOptions(p: &DeliveryOptionsProps) -> Html {
    let lang = p.lang;
    let next = &p.next;
    let publish = {
        let next = next.clone();
        p.on.reform(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            UiMsg::SetNext(Rc::new(SimConfig { publish: publish_modes(v.parse().unwrap_or(0)), ..(*next).clone() }))
        })
    };
    let check = |f: fn(&mut SimConfig, bool)| {
        let next = next.clone();
        p.on.reform(move |e: Event| {
            let mut c = (*next).clone();
            f(&mut c, e.target_unchecked_into::<HtmlInputElement>().checked());
            UiMsg::SetNext(Rc::new(c))
        })
    };
    let chosen = PUBLISH.iter().position(|&(_, modes)| modes == next.publish).unwrap_or(0);
    let at_most_once = next.delivery == DeliverySemantics::AtMostOnce;
    let guess_restock = next.restock_rule == RestockRule::GuessFromStock;
    let live = |c: Command| p.on.reform(move |_: Event| UiMsg::Sim(c));
    let flaky = live(Command::SetFlakyClient { on: !p.flaky_client });
    let failing = live(Command::Fault(Fault::FailHandling { service: ServiceId::Product, on: !p.product_failing }));
    let button = |key: Key, fault: Fault| {
        let click = p.on.reform(move |_: MouseEvent| UiMsg::Sim(Command::Fault(fault)));
        html! { <button class="small" onclick={click}>{ t(lang, key) }</button> }
    };
    html! {
        <fieldset class="delivery-options">
            <legend>{ t(lang, Key::DeliveryGuarantees) }</legend>
            <div class="options">
            <label>
                <span>{ t(lang, Key::Publishing) }</span>
                <select onchange={publish}>
                    { for PUBLISH.iter().enumerate().map(|(i, &(key, _))| html! {
                        <option value={i.to_string()} selected={chosen == i}>{ t(lang, key) }</option>
                    }) }
                </select>
            </label>
            <label class="check"><input type="checkbox" checked={at_most_once}
                onchange={check(|c, on| c.delivery = if on { DeliverySemantics::AtMostOnce } else { DeliverySemantics::AtLeastOnce })} />
                { t(lang, Key::AtMostOnce) }</label>
            <label class="check"><input type="checkbox" checked={guess_restock}
                onchange={check(|c, on| c.restock_rule = if on { RestockRule::GuessFromStock } else { RestockRule::CausationId })} />
                { t(lang, Key::GuessRestock) }</label>
            <label class="check"><input type="checkbox" checked={p.flaky_client} onchange={flaky} />{ t(lang, Key::FlakyClient) }</label>
            <label class="check"><input type="checkbox" checked={p.product_failing} onchange={failing} />{ t(lang, Key::ProductHandlerFails) }</label>
            { button(Key::PoisonNextOrder, Fault::PoisonNextEvent { service: ServiceId::Order }) }
            <span class="commit-crash" role="group" aria-label={t(lang, Key::CrashAtNextCommit)}>
                <span aria-hidden="true">{ t(lang, Key::CrashAtNextCommit) }{ ":" }</span>
                { for [ServiceId::Order, ServiceId::Product, ServiceId::Delivery].into_iter().map(|service| {
                    let click = p.on.reform(move |_: MouseEvent| UiMsg::Sim(Command::Fault(Fault::CrashAfterCommit { service })));
                    let name = i18n::service(lang, service);
                    html! {
                        <button class="small" onclick={click} aria-label={format!("{name}: {}", t(lang, Key::CrashAtNextCommit))}>
                            { name }
                        </button>
                    }
                }) }
            </span>
            </div>
        </fieldset>
    }
}

/// How each service publishes under a publishing choice (an index into the menu).
fn publish_modes(choice: usize) -> [PublishMode; 3] {
    PUBLISH.get(choice).map_or([PublishMode::Outbox; 3], |&(_, modes)| modes)
}
