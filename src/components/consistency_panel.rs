//! The consistency panel: each invariant's live mark, since when the system has been consistent
//! (or for how long it has not), and a strip of the inconsistency windows over time.

use crate::format;
use crate::i18n::{self, Key, Lang, t};
use crate::markup::Markup;
use crate::state::Snapshot;
use saga_sim::InvariantKind;
use std::fmt::Write;
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
    // The lists and the strip only display, so they are written as markup text; the verdict
    // stays a live element so screen readers hear it change.
    let mut m = Markup::default();
    m.open("div", "class=\"invariants\"");
    for (kind, title) in
        [(InvariantKind::Safety, Key::SafetyInvariants), (InvariantKind::Convergence, Key::ConvergenceInvariants)]
    {
        m.el("h3", "", t(lang, title));
        m.open("ul", "");
        for s in v.invariants.iter().filter(|s| s.kind == kind) {
            let (name, meaning) = i18n::invariant(lang, s.invariant);
            let (class, icon, word) = if s.holds {
                ("holds", "✔", t(lang, Key::Holds))
            } else if s.kind == InvariantKind::Convergence && !v.quiet {
                ("pending", "…", t(lang, Key::Pending))
            } else {
                ("violated", "✖", t(lang, Key::Violated))
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
    m.close("div");
    // The strip moves with time, so it is a string of its own: the lists above are rebuilt only
    // when a mark changes, and a screen reader's place in them survives the ticking clock.
    let lists = m;
    let mut m = Markup::default();
    m.el("h3", "", t(lang, Key::Windows));
    let label = format!(
        "{}: {} · {}: {}",
        t(lang, Key::Windows),
        v.windows_total,
        t(lang, Key::Longest),
        format::duration(v.longest_window_ms)
    );
    m.0.push_str("<svg class=\"strip\" role=\"img\" aria-label=\"");
    m.text(&label);
    m.0.push_str(concat!(
        "\"><defs><pattern id=\"strip-hatch\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" ",
        "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" class=\"strip-hatch-bg\"/>",
        "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" class=\"strip-hatch-line\"/></pattern></defs>",
        "<rect x=\"0\" y=\"2\" width=\"100%\" height=\"16\" class=\"strip-bg\"/>"
    ));
    // The strip maps 0..now onto 0..100 %.
    let span = now.max(1) as f64;
    for w in &v.windows {
        let from = w.from_ms as f64 / span * 100.0;
        let to = w.to_ms.unwrap_or(now) as f64 / span * 100.0;
        let (x, width) = (format::fixed(from, 2), format::fixed((to - from).max(0.3), 2));
        let _ = write!(m.0, "<rect x=\"{x}%\" width=\"{width}%\" y=\"2\" height=\"16\" class=\"window\"/>");
    }
    for x in &v.violations {
        let at = format::fixed(x.at_ms as f64 / span * 100.0, 2);
        let _ = write!(m.0, "<text x=\"{at}%\" y=\"30\" class=\"vmark\">▲</text>");
    }
    m.0.push_str("</svg>");
    let summary = format!(
        "{}: {} · {}: {} · {}: {}",
        t(lang, Key::Windows),
        v.windows_total,
        t(lang, Key::Longest),
        format::duration(v.longest_window_ms),
        t(lang, Key::Violations),
        v.violations_total
    );
    m.el("p", "class=\"small\"", &summary);
    html! {
        <section class={if v.consistent { "panel consistency ok" } else { "panel consistency bad" }} aria-labelledby="cons-h">
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
            { Html::from_html_unchecked(lists.0.into()) }
            { Html::from_html_unchecked(m.0.into()) }
        </section>
    }
}
