//! The stage's picture: the nodes, pipes, rail, lags and faults as one SVG, written by
//! `stage_markup`. A component of its own so that the clock's ticks, which redraw the controls
//! under the stage, do not rebuild this string: it redraws only with a new world, language,
//! arrangement or selected chain.

use crate::i18n::{Key, Lang, t};
use crate::layout::Geometry;
use crate::stage_markup;
use crate::state::Snapshot;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`StageSvg`].
#[derive(Properties, PartialEq)]
pub struct StageSvgProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
    /// Where each node stands.
    pub geometry: Geometry,
    /// The selected event's causal chain, drawn on the stage.
    pub causal: Rc<crate::store::CausalView>,
}

/// The stage's SVG, with its title and a summary for screen readers.
#[component]
pub fn StageSvg(p: &StageSvgProps) -> Html {
    let (lang, view) = (p.lang, &p.snapshot.view);
    let markup = Html::from_html_unchecked(stage_markup::stage_svg(lang, view, &p.geometry, &p.causal).into());
    html! {
        <svg class="stage" viewBox={p.geometry.view_box()}
            role="img" aria-labelledby="stage-title stage-desc" preserveAspectRatio="xMidYMid meet">
            <title id="stage-title">{ t(lang, Key::Stage) }</title>
            <desc id="stage-desc">{ t(lang, Key::StageDescription) }{ " " }{ stage_markup::summary(lang, view) }</desc>
            { markup }
        </svg>
    }
}
