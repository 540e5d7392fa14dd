//! The stage: the client, the services, the coordinator, the bus and the dead-letter queue as
//! nodes, with their pipes, rail, lags and faults, written as one SVG string by `stage_markup`,
//! and the controls under it.
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
    /// The selected message's causal picture.
    pub causal: Rc<crate::store::CausalView>,
    /// Whether the stage is enlarged.
    pub enlarged: bool,
    /// Where requests go.
    pub on: Callback<crate::msg::UiMsg>,
    /// The controls under the stage (the time-travel strip).
    #[prop_or_default]
    pub children: Html,
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
    // The picture and its summary are rebuilt only with a new world, language, arrangement or
    // selected chain: the clock's ticks redraw the controls under the stage, not this string.
    let picture = {
        let (snapshot, g, causal) = (p.snapshot.clone(), g.clone(), p.causal.clone());
        use_memo((lang, p.snapshot.clone(), p.arrangement, p.causal.clone()), move |_| {
            let view = &snapshot.view;
            (AttrValue::from(stage_markup::stage_svg(lang, view, &g, &causal)), stage_markup::summary(lang, view))
        })
    };
    let coordinator = view.protocol.has_coordinator();
    // An operator's alert stands over the controls, loud, with the way to the decision.
    let alerted: Vec<saga_sim::OrderId> = view.txs.iter().filter(|t| t.alerted).map(|t| t.order).collect();
    let banner = alerted.first().map(|&order| {
        let open = p.on.reform(move |_: MouseEvent| crate::msg::UiMsg::OpenAdmin(order));
        let others = alerted.len() - 1;
        html! {
            <div class="alert-banner" role="alert">
                <span aria-hidden="true">{ "⚠ " }</span>
                <strong>{ t(lang, Key::OperatorNeeded) }{ " " }{ order.to_string() }</strong>
                { " — " }{ t(lang, Key::OperatorWhy) }
                if others > 0 { { format!(" (+{others})") } }
                <button class="small" onclick={open}>{ t(lang, Key::OpenAdmin) }</button>
            </div>
        }
    });
    html! {
        <figure class="stage-wrap">
            <div class="stage-box">
                <svg class="stage" viewBox={g.view_box()}
                    role="img" aria-labelledby="stage-title stage-desc" preserveAspectRatio="xMidYMid meet">
                    <title id="stage-title">{ t(lang, Key::Stage) }</title>
                    <desc id="stage-desc">{ t(lang, Key::StageDescription) }{ " " }{ picture.1.clone() }</desc>
                    { Html::from_html_unchecked(picture.0.clone()) }
                </svg>
                // The moving tokens live in an SVG of their own laid exactly over the stage: a
                // frame then repaints only them, not every label of the stage.
                <svg class="stage-tokens" viewBox={g.view_box()} preserveAspectRatio="xMidYMid meet" aria-hidden="true">
                    <g ref={p.layer.clone()} class="tokens"></g>
                </svg>
            </div>
            <figcaption class="stage-foot">
                if let Some(b) = banner { { b } }
                <div class="stage-controls">
                    { p.children.clone() }
                    { Html::from_html_unchecked(super::legend::legend(lang, coordinator).into()) }
                    <EnlargeButton lang={lang} panel={Panel::Stage} name={t(lang, Key::Stage)} enlarged={p.enlarged} on={p.on.clone()} />
                </div>
            </figcaption>
        </figure>
    }
}
