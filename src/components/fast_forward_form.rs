//! Fast-forward: run many orders under chaos, with progress and the verdict at the end. The
//! toolbar's Pause (or the space bar) holds it.

use crate::driver::FastForwardStatus;
use crate::format::count;
use crate::hooks::use_field_text;
use crate::i18n::{Key, Lang, t};
use crate::markup::Markup;
use crate::msg::UiMsg;
use saga_sim::ChaosProgress;
use std::fmt::Write;
use yew::prelude::*;

/// Props of [`FastForwardForm`].
#[derive(Properties, PartialEq)]
pub struct FastForwardFormProps {
    /// Display language.
    pub lang: Lang,
    /// The current or last fast-forward.
    pub status: Option<FastForwardStatus>,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// The "run N orders under chaos" form.
#[component]
pub fn FastForwardForm(p: &FastForwardFormProps) -> Html {
    let lang = p.lang;
    let (orders, typed) = use_field_text("1000".to_string());
    let submit = {
        let orders = orders.clone();
        p.on.reform(move |e: SubmitEvent| {
            e.prevent_default();
            UiMsg::FastForward((*orders).clone())
        })
    };
    let running = p.status.is_some_and(|s| matches!(s.progress, ChaosProgress::Running { .. }));
    let body = Html::from_html_unchecked(status_markup(lang, p.status).0.into());
    html! {
        <form class="fast-forward" onsubmit={submit} aria-labelledby="tab-fast-forward" novalidate=true>
            <div class="row">
                <div class="field">
                    <label for="ff-orders">{ t(lang, Key::ChaosOrders) }</label>
                    <input id="ff-orders" name="ff_orders" type="number" min="1" max={saga_sim::MAX_FAST_FORWARD_ORDERS.to_string()}
                        value={(*orders).clone()} oninput={typed} size="6" />
                </div>
                <button type="submit" disabled={running}>{ t(lang, Key::RunChaos) }</button>
                <div class="ff-status" role="status">{ body }</div>
            </div>
        </form>
    }
}

/// The progress bar while running, the verdict and figures once done, or a hint before. Plain
/// markup: it only displays, and it changes many times a second while a fast-forward runs.
fn status_markup(lang: Lang, status: Option<FastForwardStatus>) -> Markup {
    let mut m = Markup::default();
    match status {
        Some(FastForwardStatus { orders, progress: ChaosProgress::Running { placed, healed }, .. }) => {
            let _ = write!(m.0, "<progress max=\"{orders}\" value=\"{placed}\" aria-hidden=\"true\"></progress>");
            let text = if healed {
                t(lang, Key::ChaosSettling).to_string()
            } else {
                format!("{} / {} {}", count(placed.into()), count(orders.into()), t(lang, Key::ChaosPlaced))
            };
            m.el("p", "", &text);
        }
        Some(FastForwardStatus { progress: ChaosProgress::Done(o), elapsed_ms, .. }) => {
            let [fates, verdict, figures] = crate::i18n::chaos_outcome(lang, &o, elapsed_ms);
            let good = o.consistent && o.settled_at_ms.is_some() && o.violations == 0;
            m.el("p", "", &fates);
            m.el("p", if good { "class=\"ff-verdict good\"" } else { "class=\"ff-verdict bad\"" }, &verdict);
            m.el("p", "class=\"muted\"", &figures);
        }
        None => m.el("p", "class=\"muted\"", t(lang, Key::ChaosHint)),
    }
    m
}
