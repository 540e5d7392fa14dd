//! The compare view: this seed and every command so far, run under all four protocols in step,
//! summed up side by side.
//!
//! The driver builds the compared runs (`Driver::set_compare`): one `Sim` per other protocol with
//! the same seed and config, which replays the engine's input log so far (each input landing after
//! every event at its moment), then gets every new command and is advanced to the same virtual time
//! every frame. An operator's decisions (`Resolve`, and replaying, discarding or fixing a dead
//! letter) are not mirrored: each run has its own stuck orders and letters. Replaying gives exactly
//! the run that would have happened had the others run alongside from the start (a unit test in
//! `driver.rs` checks this).
//!
//! Comparing stops when a fast-forward starts, when acting in the past starts a branch, on a seek
//! or a branch switch, and when a file or link is opened; a reset keeps it on for the new run. It
//! refuses to start on a run with a fast-forward among its inputs (replaying thousands of orders
//! under three more protocols would hold the page for seconds) or whose input log overflowed. This
//! panel sets each run's `Metrics` side by side.

use crate::format;
use crate::i18n::{Key, Lang, t};
use crate::markup::Markup;
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

/// How one figure is printed from a run's metrics: its text, or why it does not apply.
type Figure = fn(&Metrics) -> Result<String, Key>;

/// A duration, or why there is none.
fn ms(value: Option<u64>, why: Key) -> Result<String, Key> {
    value.map(format::duration).ok_or(why)
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
    // The table only displays, so it is written as markup (see `markup`): one row per figure,
    // its label and each protocol's value.
    let mut m = Markup::default();
    if comparing {
        m.0.push_str("<table class=\"data compare-table\" data-testid=\"compare-table\">");
        m.el("caption", "class=\"visually-hidden\"", t(lang, Key::Compare));
        m.0.push_str("<thead><tr><td></td>");
        for (pr, _) in p.rows.iter() {
            m.el(
                "th",
                if *pr == p.current { "scope=\"col\" class=\"current\"" } else { "scope=\"col\"" },
                protocol_name(lang, *pr),
            );
        }
        m.0.push_str("</tr></thead><tbody>");
        let figures: [(Key, Figure); 13] = [
            (Key::MetricOutcome, |m| Ok(format!("{} / {} / {}", m.confirmed, m.cancelled, m.pending))),
            (Key::MetricConsistent, |m| ms(m.consistent.then_some(m.verdict_since_ms), Key::WhyNotConsistent)),
            (Key::MetricInconsistent, |m| Ok(format::duration(m.inconsistent_ms))),
            (Key::MetricLongestPending, |m| ms(m.longest_pending_ms, Key::WhyNoOrder)),
            (Key::MetricLatency, |m| ms(m.mean_latency_ms, Key::WhyNoFinalOrder)),
            (Key::MetricMessages, |m| Ok(m.messages.to_string())),
            (Key::MetricLockTime, |m| ms(m.lock_ms, Key::WhyNoLocks)),
            (Key::MetricReservedTime, |m| ms(m.reserved_ms, Key::WhyNoReservations)),
            (Key::MetricParticipants, |m| m.participants.map(|n| n.to_string()).ok_or(Key::WhyNoParticipants)),
            (Key::MetricHeldTime, |m| ms(m.held_ms, Key::WhyNoHolds)),
            (Key::MetricOperator, |m| Ok(format!("{} ({})", m.operator_actions, m.open_alerts))),
            (Key::MetricViolations, |m| Ok(m.violations.to_string())),
            (Key::MetricUserWait, |m| match (m.user_wait_mean_ms, m.user_wait_longest_ms) {
                (Some(mean), Some(longest)) => {
                    Ok(format!("{} / {} ({})", format::duration(mean), format::duration(longest), m.client_timeouts))
                }
                _ => Err(Key::WhyNoAnswer),
            }),
        ];
        for (key, show) in figures {
            m.open("tr", "");
            m.el("th", "scope=\"row\"", t(lang, key));
            for (pr, metrics) in p.rows.iter() {
                m.open("td", if *pr == p.current { "class=\"num current\"" } else { "class=\"num\"" });
                match show(metrics) {
                    Ok(text) => m.text(&text),
                    Err(why) => m.not_applicable(t(lang, why)),
                }
                m.close("td");
            }
            m.close("tr");
        }
        m.0.push_str("</tbody></table>");
    }
    html! {
        <div class="compare">
            if !comparing { <p class="intro">{ t(lang, Key::CompareIntro) }</p> }
            <button class={super::cells::small_button(comparing)} onclick={toggle} aria-pressed={comparing.to_string()}>
                { t(lang, if comparing { Key::CompareStop } else { Key::CompareStart }) }
            </button>
            { Html::from_html_unchecked(m.0.into()) }
        </div>
    }
}
