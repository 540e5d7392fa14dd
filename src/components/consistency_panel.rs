//! The consistency panel: eventual consistency in one word (consistent, converging while work is
//! in flight, or violated), how long it has been so, what is still moving, each invariant's
//! mark, and a strip of the inconsistency windows over time. The engine decides every mark and
//! the word (`Verdict::state`); this panel only draws them.

use super::enlarge_button::EnlargeButton;
use crate::format;
use crate::i18n::{self, Key, Lang, t};
use crate::markup::Markup;
use crate::msg::UiMsg;
use crate::state::{Panel, Snapshot};
use saga_sim::{InvariantKind, Mark, Verdict, VerdictState};
use std::fmt::Write;
use yew::prelude::*;

/// Props of [`ConsistencyPanel`].
#[derive(Properties, PartialEq)]
pub struct ConsistencyPanelProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
    /// Virtual time now (it moves between snapshots).
    pub now_ms: u64,
    /// Whether this panel is enlarged.
    pub enlarged: bool,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// What is still moving, in a few words: messages in flight, orders PENDING, dead letters and
/// parked compensations waiting, unsent outbox rows, records read but not yet committed. Should
/// none of these count, the invariants still pending are named, so the line never says
/// "nothing" beside "converging".
fn activity(lang: Lang, view: &saga_sim::View) -> String {
    let outbox: usize = view.services.iter().map(|s| s.outbox_pending + s.unpublished).sum();
    let uncommitted: u64 = view.services.iter().map(|s| s.consumer.lag).sum();
    let mut parts: Vec<String> = [
        (view.in_flight_count, Key::InFlightCount),
        (view.verdict.pending_orders as usize, Key::PendingOrders),
        (view.dead_letters.len(), Key::WaitingDeadLetters),
        (view.registry.len(), Key::RegistryWaiting),
        (outbox, Key::OutboxRows),
        (uncommitted as usize, Key::UncommittedRecords),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, k)| format!("{n} {}", t(lang, k)))
    .collect();
    if parts.is_empty() {
        parts = (view.verdict.invariants.iter())
            .filter(|s| s.mark == Mark::Pending)
            .map(|s| i18n::invariant(lang, s.invariant).0.to_string())
            .collect();
    }
    if parts.is_empty() { t(lang, Key::NothingMoving).to_string() } else { parts.join(" · ") }
}

/// Each invariant's mark as markup text: the broken ones named at a glance, then the full list,
/// safety and convergence apart.
fn invariant_marks(lang: Lang, v: &Verdict) -> String {
    let mut m = Markup::default();
    // A broken invariant is named at a glance; pending ones are what "still moving" explains,
    // and the full list below marks them.
    m.open("ul", "class=\"open-marks\"");
    for s in v.invariants.iter().filter(|s| s.mark == Mark::Violated) {
        let (name, meaning) = i18n::invariant(lang, s.invariant);
        let _ = write!(m.0, "<li class=\"violated\" data-invariant=\"{}\" title=\"", s.invariant.name());
        m.text(meaning);
        m.0.push_str("\"><span class=\"mark\" aria-hidden=\"true\">✖</span>");
        m.el("span", "class=\"name\"", name);
        m.close("li");
    }
    m.close("ul");
    m.0.push_str("<details class=\"invariants\"><summary>");
    m.text(&format!(
        "{} ({}/{})",
        t(lang, Key::AllInvariants),
        v.invariants.iter().filter(|s| s.mark == Mark::Holds).count(),
        v.invariants.len()
    ));
    m.0.push_str("</summary>");
    for (kind, title) in
        [(InvariantKind::Safety, Key::SafetyInvariants), (InvariantKind::Convergence, Key::ConvergenceInvariants)]
    {
        m.el("h3", "", t(lang, title));
        m.open("ul", "");
        for s in v.invariants.iter().filter(|s| s.kind == kind) {
            let (name, meaning) = i18n::invariant(lang, s.invariant);
            let (class, icon, word) = match s.mark {
                Mark::Holds => ("holds", "✔", t(lang, Key::Holds)),
                Mark::Pending => ("pending", "…", t(lang, Key::Pending)),
                Mark::Violated => ("violated", "✖", t(lang, Key::Violated)),
            };
            let _ = write!(m.0, "<li class=\"{class}\" data-invariant=\"{}\" title=\"", s.invariant.name());
            m.text(meaning);
            let _ = write!(m.0, "\"><span class=\"mark\" aria-hidden=\"true\">{icon}</span>");
            m.el("span", "class=\"name\"", name);
            m.el("span", "class=\"word\"", word);
            if s.violations > 0 {
                m.el("span", "class=\"tag\"", &format!("×{}", s.violations));
            }
            m.close("li");
        }
        m.close("ul");
    }
    m.0.push_str("</details>");
    m.0
}

/// The consistency panel.
#[component]
pub fn ConsistencyPanel(p: &ConsistencyPanelProps) -> Html {
    let lang = p.lang;
    let view = &p.snapshot.view;
    let v = &view.verdict;
    let now = p.now_ms.max(view.now_ms);
    let (class, icon, word, meaning) = match v.state {
        VerdictState::Consistent => ("ok", "✔", Key::Consistent, None),
        VerdictState::Converging => ("converging", "◔", Key::Converging, Some(Key::ConvergingMeaning)),
        VerdictState::Violated => ("bad", "✖", Key::ViolatedVerdict, Some(Key::ViolatedMeaning)),
    };
    let since = match v.state {
        VerdictState::Converging => {
            format!("{} {}", format::duration(now.saturating_sub(v.since_ms)), t(lang, Key::ConvergingFor))
        }
        VerdictState::Consistent => {
            format!("{} {}{}", t(lang, Key::ConsistentSince), t(lang, Key::TimeAt), format::duration(v.since_ms))
        }
        // A violation stays on the record: how many, and the latest.
        VerdictState::Violated => match v.violations.last() {
            Some(x) => format!(
                "{}: {} · {} {}{}",
                t(lang, Key::Violations),
                v.violations_total,
                t(lang, Key::Latest),
                t(lang, Key::TimeAt),
                format::duration(x.at_ms)
            ),
            None => String::new(),
        },
    };
    // The lists and the strip only display, so they are written as markup text; the verdict
    // stays a live element so screen readers hear it change. The lists are rebuilt only with a
    // new world or language, not with the clock.
    let lists = use_memo((lang, p.snapshot.clone()), |(lang, snapshot)| {
        AttrValue::from(invariant_marks(*lang, &snapshot.view.verdict))
    });
    // The strip moves with time, so it is a string of its own: the lists above are rebuilt only
    // when the world changes, and a screen reader's place in them survives the ticking clock.
    let mut m = Markup::default();
    // The longest window means something only once a window has closed.
    let longest = if v.windows_total > 0 && (v.windows.len() > 1 || v.windows.iter().any(|w| w.to_ms.is_some())) {
        format::duration(v.longest_window_ms)
    } else {
        t(lang, Key::Dash).to_string()
    };
    let label = format!("{}: {} · {}: {longest}", t(lang, Key::Windows), v.windows_total, t(lang, Key::Longest));
    m.0.push_str("<svg class=\"strip\" role=\"img\" aria-label=\"");
    m.text(&label);
    m.0.push_str(concat!(
        "\"><defs><pattern id=\"strip-hatch\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" ",
        "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" class=\"strip-hatch-bg\"/>",
        "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" class=\"strip-hatch-line\"/></pattern></defs>",
        "<rect x=\"0\" y=\"1\" width=\"100%\" height=\"12\" class=\"strip-bg\"/>"
    ));
    // The strip maps 0..now onto 0..100 %.
    let span = now.max(1) as f64;
    for w in &v.windows {
        let from = w.from_ms as f64 / span * 100.0;
        let to = w.to_ms.unwrap_or(now) as f64 / span * 100.0;
        let (x, width) = (format::fixed(from, 2), format::fixed((to - from).max(0.3), 2));
        let _ = write!(m.0, "<rect x=\"{x}%\" width=\"{width}%\" y=\"1\" height=\"12\" class=\"window\"/>");
    }
    for x in &v.violations {
        let at = format::fixed(x.at_ms as f64 / span * 100.0, 2);
        let _ = write!(m.0, "<text x=\"{at}%\" y=\"25\" class=\"vmark\">▲</text>");
    }
    m.0.push_str("</svg>");
    let _ =
        write!(m.0, "<p class=\"small\">{}: {} · {}: ", t(lang, Key::Windows), v.windows_total, t(lang, Key::Longest));
    if longest == t(lang, Key::Dash) {
        m.0.push_str("<abbr tabindex=\"0\" title=\"");
        m.text(t(lang, Key::NoWindowClosed));
        m.0.push_str("\">—</abbr>");
    } else {
        m.text(&longest);
    }
    let _ = write!(m.0, " · {}: {}</p>", t(lang, Key::Violations), v.violations_total);
    html! {
        <section class={format!("panel consistency {class}")} aria-labelledby="cons-h" data-panel="verdict">
            <div class="panel-head">
                <h2 id="cons-h">{ t(lang, Key::Consistency) }</h2>
                <EnlargeButton lang={lang} panel={Panel::Verdict} name={t(lang, Key::Consistency)} enlarged={p.enlarged} on={p.on.clone()} />
            </div>
            <p class="verdict" title={meaning.map(|k| t(lang, k))}>
                // Only the verdict itself is announced; the ticking duration beside it is not.
                <span class="big" role="status">
                    <span aria-hidden="true">{ icon }{ " " }</span>{ t(lang, word) }
                </span>
                <span class="since">{ since }</span>
            </p>
            if let Some(k) = meaning {
                <p class="meaning">{ t(lang, k) }</p>
            }
            <p class="activity"><span class="label">{ t(lang, Key::StillMoving) }{ ": " }</span>{ activity(lang, view) }</p>
            <div class="marks">
                { Html::from_html_unchecked((*lists).clone()) }
            </div>
            { Html::from_html_unchecked(m.0.into()) }
        </section>
    }
}
