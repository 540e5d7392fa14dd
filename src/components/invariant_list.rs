//! Each invariant's mark under the verdict: the broken ones named at a glance, then the full
//! list, safety and convergence apart. A component of its own: it redraws with a new world or
//! language, not with the clock, so a screen reader's place in it survives the ticking time.

use crate::i18n::{self, Key, Lang, t};
use crate::markup::Markup;
use crate::state::Snapshot;
use saga_sim::{InvariantKind, Mark};
use std::fmt::Write;
use yew::prelude::*;

/// Props of [`InvariantList`].
#[derive(Properties, PartialEq)]
pub struct InvariantListProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
}

/// The invariants' marks, written as markup text (they only display).
#[component]
pub fn InvariantList(p: &InvariantListProps) -> Html {
    let lang = p.lang;
    let v = &p.snapshot.view.verdict;
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
    html! {
        <div class="marks">
            { Html::from_html_unchecked(m.0.into()) }
        </div>
    }
}
