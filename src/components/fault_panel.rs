//! Fault injection: crash and restart, cut and heal, slow a service, network weather, the CAP
//! choice, and idempotent consumers (applied on reset).

use super::delivery_options::DeliveryOptions;
use super::weather_form::WeatherForm;
use crate::i18n::{self, Key, Lang, t};
use crate::msg::UiMsg;
use crate::state::Reliability;
use crate::state::Snapshot;
use saga_sim::{Command, DecisionTrap, Fault, PlacementMode, ServiceId};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// A slowed service takes this long per message.
const SLOW_HANDLE_MS: u64 = 1_500;

/// Props of [`FaultPanel`].
#[derive(Properties, PartialEq)]
pub struct FaultPanelProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
    /// Whether the next reset uses idempotent consumers.
    pub idempotent: bool,
    /// Whether the next reset runs the irreversible step first.
    pub notify_first: bool,
    /// The reliable-delivery switches for the next reset.
    pub reliability: Reliability,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// The fault panel.
#[component]
pub fn FaultPanel(p: &FaultPanelProps) -> Html {
    let lang = p.lang;
    let view = &p.snapshot.view;
    let sim = |c: Command| UiMsg::Sim(c);
    let rows = view.services.iter().map(|s| {
        let id = s.id;
        let name = i18n::service(lang, id);
        let crash = if s.up {
            p.on.reform(move |_: MouseEvent| sim(Command::Fault(Fault::Crash { service: id })))
        } else {
            p.on.reform(move |_: MouseEvent| sim(Command::Fault(Fault::Restart { service: id })))
        };
        let cut = if s.partitioned {
            p.on.reform(move |_: MouseEvent| sim(Command::Fault(Fault::Heal { service: id })))
        } else {
            p.on.reform(move |_: MouseEvent| sim(Command::Fault(Fault::Partition { service: id })))
        };
        let slow_now = s.handle_ms >= SLOW_HANDLE_MS;
        let base = view_handle_ms(view);
        let slow = p.on.reform(move |_: MouseEvent| {
            sim(Command::Fault(Fault::SetHandleTime { service: id, handle_ms: if slow_now { base } else { SLOW_HANDLE_MS } }))
        });
        html! {
            <div class={if s.up { "svc" } else { "svc down" }} role="group" aria-label={format!("{}: {name}", t(lang, Key::Faults))}>
                <span class="svc-name">{ name }</span>
                <button class={super::cells::small_button(!s.up)} onclick={crash}>
                    { if s.up { t(lang, Key::Crash) } else { t(lang, Key::Restart) } }
                    <span class="visually-hidden">{ format!(" {name}") }</span>
                </button>
                <button class={super::cells::small_button(s.partitioned)} onclick={cut}>
                    { if s.partitioned { t(lang, Key::Heal) } else { t(lang, Key::Partition) } }
                    <span class="visually-hidden">{ format!(" {name}") }</span>
                </button>
                <button class={super::cells::small_button(slow_now)} onclick={slow} aria-pressed={slow_now.to_string()}>
                    { t(lang, Key::Slow) }<span class="visually-hidden">{ format!(" {name}") }</span>
                </button>
            </div>
        }
    });
    let heal_all = p.on.reform(|_: MouseEvent| UiMsg::Sim(Command::Fault(Fault::HealAll)));
    let placement = |mode: PlacementMode| p.on.reform(move |_: Event| UiMsg::Sim(Command::SetPlacementMode { mode }));
    let idem = p.on.reform(|e: Event| UiMsg::SetIdempotent(e.target_unchecked_into::<HtmlInputElement>().checked()));
    let notify_first =
        p.on.reform(|e: Event| UiMsg::SetNotifyFirst(e.target_unchecked_into::<HtmlInputElement>().checked()));
    let trap = |then: DecisionTrap, key: Key| {
        let armed = view.decision_trap == Some(then);
        let click = p.on.reform(move |_: MouseEvent| UiMsg::Sim(Command::Fault(Fault::AtNextDecision { then })));
        html! {
            <button class={super::cells::small_button(armed)} onclick={click} aria-pressed={armed.to_string()}
                aria-label={format!("{}: {}", t(lang, Key::AtDecision), t(lang, key))}>
                { t(lang, key) }
            </button>
        }
    };
    html! {
        <section class="panel fault-panel" aria-labelledby="faults-h">
            <div class="panel-head">
                <h2 id="faults-h">{ t(lang, Key::Faults) }</h2>
                <button class="small" onclick={heal_all}>{ t(lang, Key::HealAll) }</button>
            </div>
            <div class="svcs">{ for rows }</div>
            <WeatherForm lang={lang} on={p.on.clone()} />
            <div class="options">
            <fieldset class="placement">
                <legend>{ t(lang, Key::Placement) }</legend>
                <label><input type="radio" name="placement" checked={view.placement == PlacementMode::Ap} onchange={placement(PlacementMode::Ap)} />{ t(lang, Key::Ap) }</label>
                <label><input type="radio" name="placement" checked={view.placement == PlacementMode::Cp} onchange={placement(PlacementMode::Cp)} />{ t(lang, Key::Cp) }</label>
            </fieldset>
            <label class="check"><input type="checkbox" checked={p.idempotent} onchange={idem} />{ t(lang, Key::Idempotent) }</label>
            if view.protocol == saga_sim::Protocol::Orchestration {
                <label class="check"><input type="checkbox" checked={p.notify_first} onchange={notify_first} />{ t(lang, Key::NotifyFirst) }</label>
            }
            <DeliveryOptions lang={lang} next={p.reliability} flaky_client={view.flaky_client}
                product_failing={view.services.iter().any(|s| s.id == ServiceId::Product && s.failing)} on={p.on.clone()} />
            if view.protocol.is_two_phase() {
                <div class="traps" role="group" aria-label={t(lang, Key::AtDecision)}>
                    <span>{ t(lang, Key::AtDecision) }{ ":" }</span>
                    { trap(DecisionTrap::CrashCoordinator, Key::CrashAtDecision) }
                    { trap(DecisionTrap::Partition { service: ServiceId::Product }, Key::CutProductAtDecision) }
                </div>
            }
            </div>
        </section>
    }
}

fn view_handle_ms(view: &saga_sim::View) -> u64 {
    view.services.iter().map(|s| s.handle_ms).filter(|&h| h < SLOW_HANDLE_MS).min().unwrap_or(60)
}
