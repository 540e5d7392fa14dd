//! Faults for a demo, at hand beside the stage: crash and restart, cut and heal, slow each node;
//! heal everything; and, under TCC and 2PC, a fault armed for the coordinator's next decision.
//! Network weather and the settings that apply on reset are in the settings tab.

use crate::i18n::{self, Key, Lang, t};
use crate::msg::UiMsg;
use crate::state::Snapshot;
use saga_sim::{Command, DecisionTrap, Fault, ServiceId};
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
        let key = ServiceId::NODES.iter().position(|&n| n == id).map_or(0, |i| i + 1);
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
        let base = view.config.handle_ms;
        let slow = p.on.reform(move |_: MouseEvent| {
            sim(Command::Fault(Fault::SetHandleTime { service: id, handle_ms: if slow_now { base } else { SLOW_HANDLE_MS } }))
        });
        html! {
            <div class={if s.up { "svc" } else { "svc down" }} role="group" aria-label={format!("{}: {name}", t(lang, Key::Faults))}>
                <span class="svc-name">{ name }</span>
                <button class={super::cells::small_button(!s.up)} onclick={crash} aria-keyshortcuts={key.to_string()}>
                    { if s.up { t(lang, Key::Crash) } else { t(lang, Key::Restart) } }
                    <span class="visually-hidden">{ format!(" {name}") }</span>
                </button>
                <button class={super::cells::small_button(s.partitioned)} onclick={cut} aria-keyshortcuts={format!("Shift+{key}")}>
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
                <button class="small" onclick={heal_all} aria-keyshortcuts="H">{ t(lang, Key::HealAll) }</button>
            </div>
            <div class="svcs">{ for rows }</div>
            if view.protocol.is_two_phase() {
                <div class="traps" role="group" aria-label={t(lang, Key::AtDecision)}>
                    <span>{ t(lang, Key::AtDecision) }{ ":" }</span>
                    { trap(DecisionTrap::CrashCoordinator, Key::CrashAtDecision) }
                    { trap(DecisionTrap::Partition { service: ServiceId::Product }, Key::CutProductAtDecision) }
                </div>
            }
        </section>
    }
}
