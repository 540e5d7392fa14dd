//! The consistency panel: each invariant's live mark, since when the system has been consistent
//! (or for how long it has not), and a strip of the inconsistency windows over time.

use crate::format;
use crate::i18n::{self, Key, Lang, t};
use crate::state::Snapshot;
use saga_sim::InvariantKind;
use yew::prelude::*;

/// Props of [`ConsistencyPanel`].
#[derive(Properties, PartialEq)]
pub struct ConsistencyPanelProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
}

/// The consistency panel.
#[component]
pub fn ConsistencyPanel(p: &ConsistencyPanelProps) -> Html {
    let lang = p.lang;
    let view = &p.snapshot.view;
    let v = &view.verdict;
    let now = view.now_ms;
    let headline = if v.consistent {
        format!("{} {}{}", t(lang, Key::ConsistentSince), t(lang, Key::TimeAt), format::duration(v.since_ms))
    } else {
        format!("{} {}", t(lang, Key::InconsistentFor), format::duration(now.saturating_sub(v.since_ms)))
    };
    let group = |kind: InvariantKind| {
        v.invariants.iter().filter(move |s| s.kind == kind).map(move |s| {
            let (name, meaning) = i18n::invariant(lang, s.invariant);
            let (class, icon, word) = if s.holds {
                ("holds", "✔", t(lang, Key::Holds))
            } else if s.kind == InvariantKind::Convergence && !v.quiet {
                ("pending", "…", t(lang, Key::Pending))
            } else {
                ("violated", "✖", t(lang, Key::Violated))
            };
            html! {
                <li class={class} title={meaning} data-invariant={s.invariant.name()}>
                    <span class="mark" aria-hidden="true">{ icon }</span>
                    <span class="name">{ name }</span>
                    <span class="word">{ word }</span>
                    if s.violations > 0 { <span class="tag">{ format!("×{}", s.violations) }</span> }
                </li>
            }
        })
    };
    // The strip maps 0..now onto 0..100 %.
    let span = now.max(1) as f64;
    let windows = v.windows.iter().map(|w| {
        let from = w.from_ms as f64 / span * 100.0;
        let to = w.to_ms.unwrap_or(now) as f64 / span * 100.0;
        html! { <rect x={format!("{}%", format::fixed(from, 2))} width={format!("{}%", format::fixed((to - from).max(0.3), 2))} y="2" height="16" class="window" /> }
    });
    let marks = v.violations.iter().map(|x| {
        let at = x.at_ms as f64 / span * 100.0;
        html! { <text x={format!("{}%", format::fixed(at, 2))} y="30" class="vmark">{ "▲" }</text> }
    });
    html! {
        <section class={classes!("panel", "consistency", if v.consistent { "ok" } else { "bad" })} aria-labelledby="cons-h">
            <h2 id="cons-h">{ t(lang, Key::Consistency) }</h2>
            <p class="verdict">
                // Only the verdict itself is announced; the ticking duration beside it is not.
                <span class="big" role="status">
                    <span aria-hidden="true">{ if v.consistent { "✔ " } else { "✖ " } }</span>
                    { if v.consistent { t(lang, Key::Consistent) } else { t(lang, Key::Inconsistent) } }
                </span>
                <span class="since">{ headline }</span>
                <span class="quiet">{ if v.quiet { t(lang, Key::Quiet) } else { t(lang, Key::Busy) } }</span>
            </p>
            <div class="invariants">
                <h3>{ t(lang, Key::SafetyInvariants) }</h3>
                <ul>{ for group(InvariantKind::Safety) }</ul>
                <h3>{ t(lang, Key::ConvergenceInvariants) }</h3>
                <ul>{ for group(InvariantKind::Convergence) }</ul>
            </div>
            <h3>{ t(lang, Key::Windows) }</h3>
            <svg class="strip" role="img" aria-label={format!("{}: {} · {}: {}", t(lang, Key::Windows), v.windows_total, t(lang, Key::Longest), format::duration(v.longest_window_ms))}>
                <defs>
                    <pattern id="strip-hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">
                        <rect width="6" height="6" class="strip-hatch-bg" />
                        <line x1="0" y1="0" x2="0" y2="6" class="strip-hatch-line" />
                    </pattern>
                </defs>
                <rect x="0" y="2" width="100%" height="16" class="strip-bg" />
                { for windows }
                { for marks }
            </svg>
            <p class="small">
                { format!("{}: {} · {}: {} · {}: {}", t(lang, Key::Windows), v.windows_total, t(lang, Key::Longest),
                    format::duration(v.longest_window_ms), t(lang, Key::Violations), v.violations_total) }
            </p>
        </section>
    }
}
