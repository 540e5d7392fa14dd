//! The compare view: this seed and every command so far, run under all four protocols in step,
//! summed up side by side.

use crate::format;
use crate::i18n::{Key, Lang, t};
use crate::msg::UiMsg;
use saga_sim::{Metrics, Protocol};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`ComparePanel`].
#[derive(Properties, PartialEq)]
pub struct ComparePanelProps {
    /// Display language.
    pub lang: Lang,
    /// Each protocol's figures, in `Protocol::ALL` order; empty when not comparing.
    pub rows: Rc<Vec<(Protocol, Metrics)>>,
    /// The protocol on the stage.
    pub current: Protocol,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

fn protocol_name(lang: Lang, p: Protocol) -> &'static str {
    t(
        lang,
        match p {
            Protocol::Choreography => Key::Choreography,
            Protocol::Orchestration => Key::Orchestration,
            Protocol::Tcc => Key::Tcc,
            Protocol::TwoPc => Key::TwoPc,
        },
    )
}

/// The compare tab.
#[component]
pub fn ComparePanel(p: &ComparePanelProps) -> Html {
    let lang = p.lang;
    let comparing = !p.rows.is_empty();
    let toggle = p.on.reform(move |_: MouseEvent| UiMsg::SetCompare(!comparing));
    // One row per figure: its label and each protocol's value, printed.
    let row = |key: Key, show: fn(&Metrics, Lang) -> String| {
        html! {
            <tr>
                <th scope="row">{ t(lang, key) }</th>
                { for p.rows.iter().map(|(pr, m)| html! {
                    <td class={classes!("num", (*pr == p.current).then_some("current"))}>{ show(m, lang) }</td>
                }) }
            </tr>
        }
    };
    let body = [
        row(Key::MetricOutcome, |m, _| format!("{} / {} / {}", m.confirmed, m.cancelled, m.pending)),
        row(Key::MetricConsistent, |m, l| {
            if m.consistent { format::duration(m.verdict_since_ms) } else { t(l, Key::NotYet).into() }
        }),
        row(Key::MetricInconsistent, |m, _| format::duration(m.inconsistent_ms)),
        row(Key::MetricLongestPending, |m, _| format::duration(m.longest_pending_ms)),
        row(Key::MetricLatency, |m, _| format::duration(m.mean_latency_ms)),
        row(Key::MetricMessages, |m, _| m.messages.to_string()),
        row(Key::MetricLockTime, |m, _| format::duration(m.lock_ms)),
        row(Key::MetricReservedTime, |m, _| format::duration(m.reserved_ms)),
        row(Key::MetricOperator, |m, _| format!("{} ({})", m.operator_actions, m.open_alerts)),
        row(Key::MetricViolations, |m, _| m.violations.to_string()),
    ];
    html! {
        <div class="compare">
            if !comparing { <p class="intro">{ t(lang, Key::CompareIntro) }</p> }
            <button class={classes!("small", comparing.then_some("on"))} onclick={toggle} aria-pressed={comparing.to_string()}>
                { t(lang, if comparing { Key::CompareStop } else { Key::CompareStart }) }
            </button>
            if comparing {
                <table class="data compare-table" data-testid="compare-table">
                    <caption class="visually-hidden">{ t(lang, Key::Compare) }</caption>
                    <thead><tr>
                        <td></td>
                        { for p.rows.iter().map(|(pr, _)| html! {
                            <th scope="col" class={classes!((*pr == p.current).then_some("current"))}>{ protocol_name(lang, *pr) }</th>
                        }) }
                    </tr></thead>
                    <tbody>{ for body }</tbody>
                </table>
            }
        </div>
    }
}
