//! The top bar: transport (play, step, speed, time), a new order, the protocol, reset, language
//! and help. The seed is set in the settings tab.

use super::order_form::OrderForm;
use crate::driver::{SPEED_EXP_MAX, SPEED_EXP_MIN};
use crate::format;
use crate::i18n::{Key, Lang, t};
use crate::msg::UiMsg;
use saga_sim::{Protocol, StuckStrategy};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The protocol menu: TCC appears once per strategy for orders stuck PENDING, since the
/// strategy is what tells its failures apart.
pub const CHOICES: [(&str, Protocol, StuckStrategy, Key, Option<Key>); 6] = [
    ("choreography", Protocol::Choreography, StuckStrategy::AutoConfirm, Key::Choreography, None),
    ("orchestration", Protocol::Orchestration, StuckStrategy::AutoConfirm, Key::Orchestration, None),
    ("tcc", Protocol::Tcc, StuckStrategy::AutoConfirm, Key::Tcc, Some(Key::AutoConfirm)),
    ("tcc-operator", Protocol::Tcc, StuckStrategy::OperatorAlert, Key::Tcc, Some(Key::OperatorAlert)),
    ("tcc-sweep", Protocol::Tcc, StuckStrategy::ParticipantSweep, Key::Tcc, Some(Key::ParticipantSweep)),
    ("2pc", Protocol::TwoPc, StuckStrategy::AutoConfirm, Key::TwoPc, None),
];

/// The protocol menu's entry after the one for `protocol` and `strategy`, wrapping around.
pub fn next_choice(protocol: Protocol, strategy: StuckStrategy) -> (Protocol, StuckStrategy) {
    let i = CHOICES.iter().position(|c| c.1 == protocol && (protocol != Protocol::Tcc || c.2 == strategy)).unwrap_or(0);
    let c = CHOICES[(i + 1) % CHOICES.len()];
    (c.1, c.2)
}

/// Props of [`Toolbar`].
#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    /// Display language.
    pub lang: Lang,
    /// Playing or paused.
    pub playing: bool,
    /// Speed as a power of ten.
    pub speed_exp: f64,
    /// Whether the engine cannot keep that speed just now.
    pub behind: bool,
    /// Virtual time.
    pub now_ms: u64,
    /// The run's protocol.
    pub protocol: Protocol,
    /// TCC's strategy for stuck orders.
    pub strategy: StuckStrategy,
    /// Product names and stock, in catalogue order, for the order form.
    pub products: Vec<(String, i64)>,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// The top bar.
#[component]
pub fn Toolbar(p: &ToolbarProps) -> Html {
    let lang = p.lang;
    let on = p.on.clone();
    let toggle = on.reform(|_: MouseEvent| UiMsg::TogglePlay);
    let step = on.reform(|_: MouseEvent| UiMsg::Step);
    let speed = on.reform(|e: InputEvent| {
        // Integer tenths: the slider's step is 0.1, and parsing floats costs download size.
        let v = e.target_unchecked_into::<HtmlInputElement>().value();
        let tenths = v.trim().replace('.', "").parse::<i32>().unwrap_or(0);
        let tenths = if v.contains('.') { tenths } else { tenths * 10 };
        UiMsg::SetSpeedExp(f64::from(tenths) / 10.0)
    });
    let reset = on.reform(|_: MouseEvent| UiMsg::ResetKey);
    let toggle_lang = on.reform(|_: MouseEvent| UiMsg::ToggleLang);
    let help = on.reform(|_: MouseEvent| UiMsg::Help(true));
    let set_protocol = on.reform(|e: Event| {
        let v = e.target_unchecked_into::<HtmlSelectElement>().value();
        let choice = CHOICES.iter().find(|c| c.0 == v).unwrap_or(&CHOICES[0]);
        UiMsg::SetProtocol(choice.1, choice.2)
    });
    let mult = format::pow10(p.speed_exp);
    let play_label = if p.playing { t(lang, Key::Pause) } else { t(lang, Key::Play) };
    html! {
        <header class="toolbar">
            <div class="brand">
                <h1>{ t(lang, Key::AppTitle) }</h1>
                <span class="subtitle">{ t(lang, Key::AppSubtitle) }</span>
            </div>
            <div class="transport" role="group" aria-label={t(lang, Key::Transport)}>
                <button class={if p.playing { "primary on" } else { "primary" }} onclick={toggle}
                    aria-pressed={p.playing.to_string()} aria-keyshortcuts="Space" title={format!("{play_label} (Space)")}>
                    <span aria-hidden="true">{ if p.playing { "❚❚ " } else { "▶ " } }</span>{ play_label }
                </button>
                <button onclick={step} aria-keyshortcuts="ArrowRight" title={format!("{} (→)", t(lang, Key::StepHint))}>
                    <span aria-hidden="true">{ "▶❘ " }</span>{ t(lang, Key::Step) }
                </button>
                <label class="speed" title={t(lang, Key::SpeedMeaning)}>
                    <span class="visually-hidden">{ t(lang, Key::Speed) }</span>
                    <input type="range" min={format::fixed(SPEED_EXP_MIN, 0)} max={format::fixed(SPEED_EXP_MAX, 0)} step="0.1"
                        value={format::fixed(p.speed_exp, 1)} oninput={speed}
                        aria-valuetext={format::speed(mult)} />
                    <output>{ format::speed(mult) }</output>
                    if p.behind {
                        <span class="behind" title={t(lang, Key::BehindMeaning)}>{ t(lang, Key::Behind) }</span>
                    }
                </label>
            </div>
            <span class="clock" title={t(lang, Key::VirtualTime)} data-now-ms={p.now_ms.to_string()}>
                <span class="visually-hidden">{ t(lang, Key::VirtualTime) }{ " " }</span>
                { format!("t = {}", format::clock(p.now_ms)) }
            </span>
            <OrderForm lang={lang} products={p.products.clone()} on={p.on.clone()} />
            <label class="protocol">
                <span class="visually-hidden">{ t(lang, Key::Protocol) }</span>
                <select onchange={set_protocol} aria-keyshortcuts="P">
                    { for CHOICES.iter().map(|&(value, pr, strategy, key, sub)| html! {
                        <option value={value} selected={pr == p.protocol && (pr != Protocol::Tcc || strategy == p.strategy)}>
                            { t(lang, key) }{ sub.map(|k| format!(": {}", t(lang, k))).unwrap_or_default() }
                        </option>
                    }) }
                </select>
            </label>
            <button class="reset" onclick={reset} aria-keyshortcuts="R" title={format!("{} (R)", t(lang, Key::ResetHint))}>
                <span aria-hidden="true">{ "↺ " }</span>{ t(lang, Key::Reset) }
            </button>
            // One button naming the other language, in that language.
            <button class="lang" lang={if lang == Lang::En { "ko" } else { "en" }} onclick={toggle_lang} aria-keyshortcuts="L"
                title={format!("{} (L)", t(lang, Key::Language))}>
                { if lang == Lang::En { "한국어" } else { "English" } }
            </button>
            <button class="help-button" onclick={help} aria-keyshortcuts="?" title={t(lang, Key::Help)}>
                <span aria-hidden="true">{ "?" }</span><span class="visually-hidden">{ t(lang, Key::Help) }</span>
            </button>
        </header>
    }
}
