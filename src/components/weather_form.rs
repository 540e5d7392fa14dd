//! Network weather: drop, duplicate, delay and reorder chances for one link or all.

use crate::i18n::{self, Key, Lang, t};
use crate::msg::UiMsg;
use saga_sim::{Command, Fault, LinkFaults, MsRange, ServiceId};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The longest delay the form accepts.
const MAX_DELAY_MS: u64 = 60_000;

/// Props of [`WeatherForm`].
#[derive(Properties, PartialEq)]
pub struct WeatherFormProps {
    /// Display language.
    pub lang: Lang,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// Drop, duplicate, delay and reorder chances for one link or all.
#[component]
pub fn WeatherForm(p: &WeatherFormProps) -> Html {
    let lang = p.lang;
    // Field texts are state so a refresh never overwrites what is being typed: scope, then drop,
    // duplicate, delay and reorder percentages, then the delay in ms.
    let fields = use_state(|| ["all", "0", "0", "0", "0", "2000"].map(String::from));
    let set = |i: usize| {
        let fields = fields.clone();
        Callback::from(move |v: String| {
            let mut next = (*fields).clone();
            next[i] = v;
            fields.set(next);
        })
    };
    let choose = set(0).reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value());
    let submit = {
        let fields = fields.clone();
        p.on.reform(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |i: usize| fields[i].clone();
            let scope = value(0);
            let pct =
                |i: usize| value(i).trim().parse::<u32>().ok().filter(|v| *v <= 100).map(|v| f64::from(v) / 100.0);
            let delay = value(5).trim().parse::<u64>().ok().filter(|v| *v <= MAX_DELAY_MS);
            let service = match scope.as_str() {
                "Order" => Some(ServiceId::Order),
                "Product" => Some(ServiceId::Product),
                "Delivery" => Some(ServiceId::Delivery),
                _ => None,
            };
            match (pct(1), pct(2), pct(3), pct(4), delay) {
                (Some(drop), Some(dup), Some(delay_p), Some(reorder), Some(delay_ms)) => {
                    UiMsg::Sim(Command::Fault(Fault::SetLinkFaults {
                        service,
                        faults: LinkFaults {
                            drop_probability: drop,
                            duplicate_probability: dup,
                            delay_probability: delay_p,
                            delay_ms: MsRange::new(delay_ms / 4, delay_ms),
                            reorder_probability: reorder,
                        },
                    }))
                }
                _ => UiMsg::BadInput(format!(
                    "{}: {}: 0–100 %, 0–{MAX_DELAY_MS} ms",
                    t(lang, Key::Network),
                    t(lang, Key::NumberInvalid)
                )),
            }
        })
    };
    let pct_input = |i: usize, key: Key, name: &'static str| {
        let oninput = set(i).reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
        html! {
            <label>
                <span>{ t(lang, key) }</span>
                <input name={name} type="number" min="0" max="100" step="1" value={fields[i].clone()} {oninput} size="3" />
            </label>
        }
    };
    let delay_input = set(5).reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    html! {
        <form class="weather" onsubmit={submit} aria-label={t(lang, Key::Network)} novalidate=true>
            <fieldset>
                <legend>{ t(lang, Key::Network) }</legend>
                <label>
                    <span>{ t(lang, Key::Scope) }</span>
                    <select name="scope" onchange={choose}>
                        <option value="all" selected={fields[0] == "all"}>{ t(lang, Key::AllLinks) }</option>
                        { for ServiceId::ALL.iter().map(|s| html! {
                            <option value={s.name()} selected={fields[0] == s.name()}>{ i18n::service(lang, *s) }</option>
                        }) }
                    </select>
                </label>
                { pct_input(1, Key::DropPct, "drop") }
                { pct_input(2, Key::DuplicatePct, "duplicate") }
                { pct_input(3, Key::DelayPct, "delay") }
                { pct_input(4, Key::ReorderPct, "reorder") }
                <label>
                    <span>{ t(lang, Key::DelayMax) }</span>
                    <input name="delay_ms" type="number" min="0" max={MAX_DELAY_MS.to_string()} step="100" value={fields[5].clone()} oninput={delay_input} size="5" />
                </label>
                <button type="submit">{ t(lang, Key::Apply) }</button>
            </fieldset>
        </form>
    }
}
