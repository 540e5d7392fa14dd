//! The stage: the client, the services, the coordinator, the bus and the dead-letter queue as
//! nodes, with their pipes, rail, lags and faults, written as one SVG string by `stage_markup`.
//! Message tokens are drawn into `layer` by the animator, never by this component.

use super::enlarge_button::EnlargeButton;
use crate::i18n::{Key, Lang, t};
use crate::layout::{Arrangement, Geometry};
use crate::stage_markup;
use crate::state::Panel;
use crate::state::Snapshot;
use saga_sim::ServiceId;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`Stage`].
#[derive(Properties, PartialEq)]
pub struct StageProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
    /// How the nodes are arranged (wide screens, or a phone held upright).
    pub arrangement: Arrangement,
    /// The `<g>` the animator owns.
    pub layer: NodeRef,
    /// The selected causal chain.
    pub chain: Rc<crate::store::Chain>,
    /// Whether the stage is enlarged.
    pub enlarged: bool,
    /// Where requests go.
    pub on: Callback<crate::msg::UiMsg>,
}

/// The stage's geometry for a view.
pub fn geometry(arrangement: Arrangement, view: &saga_sim::View) -> Geometry {
    let nodes: Vec<ServiceId> = view.services.iter().map(|s| s.id).collect();
    Geometry::new(arrangement, &nodes)
}

/// The stage.
#[component]
pub fn Stage(p: &StageProps) -> Html {
    let lang = p.lang;
    let view = &p.snapshot.view;
    let g = geometry(p.arrangement, view);
    let markup = Html::from_html_unchecked(stage_markup::stage_svg(lang, view, &g, &p.chain).into());
    let coordinator = view.protocol.has_coordinator();
    html! {
        <figure class="stage-wrap">
            <svg class="stage" viewBox={g.view_box()}
                role="img" aria-labelledby="stage-title stage-desc" preserveAspectRatio="xMidYMid meet">
                <title id="stage-title">{ t(lang, Key::Stage) }</title>
                <desc id="stage-desc">{ t(lang, Key::StageDescription) }{ " " }{ stage_markup::summary(lang, view) }</desc>
                { markup }
                <g ref={p.layer.clone()} class="tokens" aria-hidden="true"></g>
            </svg>
            <figcaption class="legend">
                <span class="visually-hidden">{ t(lang, Key::Legend) }{ ": " }</span>
                <span class="item"><span class="swatch ev" aria-hidden="true">{ "OrderPlaced" }</span>{ t(lang, Key::LegendNormal) }</span>
                <span class="item"><span class="swatch comp" aria-hidden="true">{ "↩ OrderCancelled" }</span>{ t(lang, Key::LegendCompensation) }</span>
                if coordinator {
                    <span class="item"><span class="swatch cmd" aria-hidden="true">{ "Prepare" }</span>{ t(lang, Key::LegendCommand) }</span>
                    <span class="item"><span class="swatch answer" aria-hidden="true">{ "✓" }</span>{ t(lang, Key::LegendAnswer) }</span>
                }
                <span class="item"><span class="swatch ctl" aria-hidden="true">{ "●" }</span>{ t(lang, Key::LegendControl) }</span>
                <span class="item"><span class="swatch ghost" aria-hidden="true">{ "OrderPlaced" }</span>{ t(lang, Key::LegendGhost) }</span>
                <span class="item"><span class="swatch crowd" aria-hidden="true">{ "+12" }</span>{ t(lang, Key::LegendCrowd) }</span>
                <EnlargeButton lang={lang} panel={Panel::Stage} name={t(lang, Key::Stage)} enlarged={p.enlarged} on={p.on.clone()} />
            </figcaption>
        </figure>
    }
}
