//! The stage's legend, folded into a button: the scrubber needs the row under the stage, and the
//! legend is what a newcomer opens once.

use crate::i18n::{Key, Lang, t};
use yew::prelude::*;

/// Props of [`Legend`].
#[derive(Properties, PartialEq)]
pub struct LegendProps {
    /// Display language.
    pub lang: Lang,
    /// Whether the coordinator takes part (its commands and answers get a line).
    pub coordinator: bool,
}

/// What the tokens' shapes mean.
#[component]
pub fn Legend(p: &LegendProps) -> Html {
    let lang = p.lang;
    html! {
        <details class="legend-pop">
            <summary>{ t(lang, Key::Legend) }</summary>
            <div class="legend">
                <span class="item"><span class="swatch ev" aria-hidden="true">{ "OrderPlaced" }</span>{ t(lang, Key::LegendNormal) }</span>
                <span class="item"><span class="swatch comp" aria-hidden="true">{ "↩ OrderCancelled" }</span>{ t(lang, Key::LegendCompensation) }</span>
                if p.coordinator {
                    <span class="item"><span class="swatch cmd" aria-hidden="true">{ "Prepare" }</span>{ t(lang, Key::LegendCommand) }</span>
                    <span class="item"><span class="swatch answer" aria-hidden="true">{ "✓" }</span>{ t(lang, Key::LegendAnswer) }</span>
                }
                <span class="item"><span class="swatch handling" aria-hidden="true">{ "OrderPlaced" }</span>{ t(lang, Key::LegendHandling) }</span>
                <span class="item"><span class="swatch ctl ack" aria-hidden="true">{ "●" }</span>{ t(lang, Key::LegendControl) }</span>
                <span class="item"><span class="swatch ctl commit" aria-hidden="true">{ "○" }</span>{ t(lang, Key::LegendCommit) }</span>
                <span class="item"><span class="swatch ghost" aria-hidden="true">{ "OrderPlaced" }</span>{ t(lang, Key::LegendGhost) }</span>
                <span class="item"><span class="swatch crowd" aria-hidden="true">{ "+12" }</span>{ t(lang, Key::LegendCrowd) }</span>
            </div>
        </details>
    }
}
