//! The settings tab: the seed, network weather on the links, the CAP choice, and what applies on the next
//! reset (idempotent consumers, notify-first, the delivery guarantees of seeds 003 and 004).

use super::delivery_options::DeliveryOptions;
use super::weather_form::WeatherForm;
use crate::hooks::use_field_text;
use crate::i18n::{Key, Lang, t};
use crate::msg::UiMsg;
use crate::state::Snapshot;
use saga_sim::{Command, PlacementMode, Protocol, ReplyTiming, ServiceId, SimConfig};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The choices of when the client hears back: the select's value, the setting, its label.
const TIMINGS: [(&str, ReplyTiming, Key); 3] = [
    ("seed", ReplyTiming::Seed, Key::ReplyTimingSeed),
    ("at_once", ReplyTiming::AtOnce, Key::ReplyTimingAtOnce),
    ("when_settled", ReplyTiming::WhenSettled, Key::ReplyTimingWhenSettled),
];

/// Props of [`SettingsPanel`].
#[derive(Properties, PartialEq)]
pub struct SettingsPanelProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
    /// The configuration of the next reset.
    pub next: Rc<SimConfig>,
    /// The run's seed.
    pub seed: u64,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// The settings tab.
#[component]
pub fn SettingsPanel(p: &SettingsPanelProps) -> Html {
    let lang = p.lang;
    let view = &p.snapshot.view;
    let placement = |mode: PlacementMode| p.on.reform(move |_: Event| UiMsg::Sim(Command::SetPlacementMode { mode }));
    let check = |f: fn(&mut SimConfig, bool)| {
        let next = p.next.clone();
        p.on.reform(move |e: Event| {
            let mut c = (*next).clone();
            f(&mut c, e.target_unchecked_into::<HtmlInputElement>().checked());
            UiMsg::SetNext(Rc::new(c))
        })
    };
    let idem = check(|c, on| c.idempotent_consumers = on);
    let notify_first = check(|c, on| c.orchestration.notify_first = on);
    let all_done = check(|c, on| c.all_done_event = on);
    let at_once = check(|c, on| c.cancel_at_once = on);
    let in_turn = check(|c, on| c.two_phase.commit_in_turn = on);
    let timing = {
        let next = p.next.clone();
        p.on.reform(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            let reply_timing = TIMINGS.iter().find(|t| t.0 == value).map_or(ReplyTiming::Seed, |t| t.1);
            UiMsg::SetNext(Rc::new(SimConfig { reply_timing, ..(*next).clone() }))
        })
    };
    // The text being typed is state: a refresh must never overwrite it.
    let (seed_text, typed) = use_field_text(p.seed.to_string());
    {
        let seed_text = seed_text.clone();
        use_effect_with(p.seed, move |seed| seed_text.set(seed.to_string()));
    }
    let reset = {
        let seed_text = seed_text.clone();
        p.on.reform(move |e: SubmitEvent| {
            e.prevent_default();
            UiMsg::Reset((*seed_text).clone())
        })
    };
    html! {
        <div class="settings">
            <form class="seed" onsubmit={reset}>
                <label>
                    <span>{ t(lang, Key::Seed) }</span>
                    <input type="text" inputmode="numeric" value={(*seed_text).clone()} oninput={typed} size="8" />
                </label>
                <button type="submit">{ t(lang, Key::ResetWithSeed) }</button>
                <span class="muted">{ t(lang, Key::SeedHint) }</span>
            </form>
            <p class="fingerprint" title={t(lang, Key::FingerprintHint)}>
                { t(lang, Key::Fingerprint) }{ ": " }<code>{ format!("{:016x}", p.snapshot.trace_hash) }</code>
                <span class="muted">{ " — " }{ t(lang, Key::FingerprintHint) }</span>
            </p>
            <WeatherForm lang={lang} on={p.on.clone()} />
            <div class="options">
                <fieldset class="placement">
                    <legend>{ t(lang, Key::Placement) }</legend>
                    <label class="check"><input type="radio" name="placement" checked={view.placement == PlacementMode::Ap}
                        onchange={placement(PlacementMode::Ap)} />{ t(lang, Key::Ap) }</label>
                    <label class="check"><input type="radio" name="placement" checked={view.placement == PlacementMode::Cp}
                        onchange={placement(PlacementMode::Cp)} />{ t(lang, Key::Cp) }</label>
                </fieldset>
                <label class="check"><input type="checkbox" checked={p.next.idempotent_consumers} onchange={idem} />{ t(lang, Key::Idempotent) }</label>
                if view.protocol == Protocol::Choreography {
                    <label class="check" title={t(lang, Key::AllDoneEventHint)}>
                        <input type="checkbox" name="all_done_event" checked={p.next.all_done_event} onchange={all_done} />
                        { t(lang, Key::AllDoneEvent) }
                    </label>
                }
                <label class="check" title={t(lang, Key::CancelAtOnceHint)}>
                    <input type="checkbox" name="cancel_at_once" checked={p.next.cancel_at_once} onchange={at_once} />
                    { t(lang, Key::CancelAtOnce) }
                </label>
                <label>
                    <span>{ t(lang, Key::ReplyTiming) }</span>
                    <select name="reply_timing" onchange={timing}>
                        { for TIMINGS.iter().map(|&(value, timing, key)| html! {
                            <option value={value} selected={p.next.reply_timing == timing}>{ t(lang, key) }</option>
                        }) }
                    </select>
                </label>
                if view.protocol == Protocol::TwoPc {
                    <label class="check" title={t(lang, Key::CommitInTurnHint)}>
                        <input type="checkbox" name="commit_in_turn" checked={p.next.two_phase.commit_in_turn} onchange={in_turn} />
                        { t(lang, Key::CommitInTurn) }
                    </label>
                }
                if view.protocol == Protocol::Orchestration {
                    <label class="check"><input type="checkbox" checked={p.next.orchestration.notify_first} onchange={notify_first} />{ t(lang, Key::NotifyFirst) }</label>
                }
            </div>
            <DeliveryOptions lang={lang} next={p.next.clone()} flaky_client={view.flaky_client}
                product_failing={view.services.iter().any(|s| s.id == ServiceId::Product && s.failing)} on={p.on.clone()} />
        </div>
    }
}
