//! The stage's legend, folded into a button: the scrubber needs the row under the stage, and the
//! legend is what a newcomer opens once. It only displays, so it is written as markup text
//! (see `markup`): a fraction of the download a component of virtual-DOM nodes costs.

use crate::i18n::{Key, Lang, t};
use crate::markup::Markup;

/// The legend's markup: one swatch per kind of token the stage can draw, the coordinator's
/// commands and answers only when it takes part. Each swatch carries its token's class.
pub fn legend(lang: Lang, coordinator: bool) -> String {
    let mut m = Markup::default();
    m.0.push_str("<details class=\"legend-pop\"><summary>");
    m.text(t(lang, Key::Legend));
    m.0.push_str("</summary><div class=\"legend\">");
    let mut item = |swatch: &'static str, sample: &str, meaning: Key| {
        m.open("span", "class=\"item\"");
        m.0.push_str("<span class=\"swatch ");
        m.0.push_str(swatch);
        m.0.push_str("\" aria-hidden=\"true\">");
        m.text(sample);
        m.0.push_str("</span>");
        m.text(t(lang, meaning));
        m.close("span");
    };
    item("ev", "OrderPlaced", Key::LegendNormal);
    item("comp", "↩ OrderCancelled", Key::LegendCompensation);
    if coordinator {
        item("cmd", "Prepare", Key::LegendCommand);
        item("answer", "✓", Key::LegendAnswer);
    }
    item("handling", "OrderPlaced", Key::LegendHandling);
    item("ctl ack", "●", Key::LegendControl);
    item("ctl commit", "○", Key::LegendCommit);
    item("ghost", "OrderPlaced", Key::LegendGhost);
    item("crowd", "+12", Key::LegendCrowd);
    m.0.push_str("</div></details>");
    m.0
}
