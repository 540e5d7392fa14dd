//! The stage: the client, the three services and the bus as nodes, their links, lags and
//! faults, written as one SVG string by `stage_markup`. Message tokens are drawn into `layer` by
//! the animator, never by this component.

use crate::i18n::{Key, Lang, t};
use crate::layout;
use crate::stage_markup;
use crate::state::Snapshot;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`Stage`].
#[derive(Properties, PartialEq)]
pub struct StageProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
    /// The `<g>` the animator owns.
    pub layer: NodeRef,
    /// The selected causal chain.
    pub chain: Rc<crate::store::Chain>,
}

/// The stage.
#[component]
pub fn Stage(p: &StageProps) -> Html {
    let lang = p.lang;
    let view = &p.snapshot.view;
    let markup = Html::from_html_unchecked(stage_markup::stage_svg(lang, view, &p.chain).into());
    html! {
        <figure class="stage-wrap">
            <svg class="stage" viewBox={layout::VIEW_BOX}
                role="img" aria-labelledby="stage-title stage-desc" preserveAspectRatio="xMidYMid meet">
                <title id="stage-title">{ t(lang, Key::Stage) }</title>
                <desc id="stage-desc">{ t(lang, Key::StageDescription) }{ " " }{ stage_markup::summary(lang, view) }</desc>
                { markup }
                <g ref={p.layer.clone()} class="tokens" aria-hidden="true"></g>
            </svg>
            <figcaption class="legend">
                <span class="visually-hidden">{ t(lang, Key::Legend) }{ ": " }</span>
                <span class="swatch ev" aria-hidden="true">{ "OrderPlaced" }</span>{ t(lang, Key::LegendNormal) }
                <span class="swatch comp" aria-hidden="true">{ "↩ OrderCancelled" }</span>{ t(lang, Key::LegendCompensation) }
                <span class="swatch ctl" aria-hidden="true">{ "●" }</span>{ t(lang, Key::LegendControl) }
                <span class="swatch ghost" aria-hidden="true">{ "OrderPlaced" }</span>{ t(lang, Key::LegendGhost) }
            </figcaption>
        </figure>
    }
}
