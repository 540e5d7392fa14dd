//! The selected event: its ids, payload and causal chain, drawn as the tree of its request: the
//! selected event's own line of ancestors stands apart from the other branches, the step that
//! waited on two messages is drawn as one join, and messages about the same order from another
//! request are listed apart.

use crate::driver::DriverHandle;
use crate::format;
use crate::i18n::{self, Key, Lang, t};
use crate::markup::Markup;
use crate::msg::UiMsg;
use crate::store::{CausalView, EventStore};
use saga_sim::MessageId;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`EventDetail`].
#[derive(Properties, PartialEq)]
pub struct EventDetailProps {
    /// Display language.
    pub lang: Lang,
    /// The driver, for its event store.
    pub log: DriverHandle,
    /// The selected entry.
    pub selected: Option<(u64, Option<MessageId>)>,
    /// The selected message's causal picture.
    pub causal: Rc<crate::store::CausalView>,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// The detail box.
#[component]
pub fn EventDetail(p: &EventDetailProps) -> Html {
    let lang = p.lang;
    let driver = p.log.driver.borrow();
    let store = &driver.store;
    // Nothing selected: the tab is not shown.
    let Some((seq, message)) = p.selected else {
        return html! {};
    };
    let clear = p.on.reform(|_: MouseEvent| UiMsg::Select(None));
    let line = store.entry(seq).map(|e| i18n::trace_line(lang, &e.rec.event)).unwrap_or_default();
    // Everything below the heading only displays, so it is written as markup text.
    let mut b = Markup::default();
    b.open("div", "class=\"detail-ids\"");
    b.el("p", "", &line);
    if let Some(m) = message.and_then(|m| store.message(m)) {
        b.open("dl", "");
        let none = t(lang, Key::NoneValue);
        let rows = [
            (Key::MessageId, "class=\"mono\"", m.id.to_string()),
            (Key::CorrelationId, "class=\"mono\"", m.correlation_id.map_or_else(|| none.into(), |o| o.to_string())),
            (
                Key::CausationId,
                "class=\"mono\"",
                m.causation_id.map_or_else(|| t(lang, Key::CausedByUser).into(), |c| c.to_string()),
            ),
            (Key::Source, "", i18n::service(lang, m.source).into()),
            (Key::EmittedAt, "", format::duration(m.emitted_at_ms)),
            (Key::Payload, "class=\"mono\"", i18n::payload(lang, &m.event)),
        ];
        for (key, attrs, value) in rows {
            b.el("dt", "", t(lang, key));
            b.el("dd", attrs, &value);
        }
        b.close("dl");
        b.close("div");
        b.open("div", "class=\"detail-tree\"");
        b.el("h4", "", t(lang, Key::Chain));
        causal_tree(&mut b, lang, store, &p.causal, message, driver.sim.order_answers(m.correlation_id));
    }
    b.close("div");
    html! {
        <section class="detail" aria-label={t(lang, Key::Details)}>
            <div class="detail-head">
                <h3>{ t(lang, Key::Details) }</h3>
                <button class="small" onclick={clear}>{ t(lang, Key::ClearSelection) }</button>
            </div>
            <div class="detail-body">{ Html::from_html_unchecked(b.0.into()) }</div>
        </section>
    }
}

/// One message as a line of the tree: id, type (↩ for a compensation), source and time.
fn message_line(b: &mut Markup, lang: Lang, m: &saga_sim::Message) {
    b.el("span", "class=\"mono\"", &m.id.to_string());
    b.text(" ");
    if m.event.is_compensation() {
        b.0.push_str("<span aria-hidden=\"true\">↩ </span>");
        b.el("span", "class=\"visually-hidden\"", &format!("{} ", t(lang, Key::Compensation)));
    }
    b.text(m.event.event_type().name());
    let muted = format!(" · {} · {}", i18n::service(lang, m.source), format::duration(m.emitted_at_ms));
    b.el("span", "class=\"muted\"", &muted);
}

/// A message and its descendants in the tree, nested.
fn branch(
    b: &mut Markup,
    lang: Lang,
    store: &EventStore,
    v: &CausalView,
    id: MessageId,
    selected: Option<MessageId>,
    depth: u32,
) {
    let Some(m) = store.message(id) else { return };
    let class = match (Some(id) == selected, v.line.contains(&id)) {
        (true, _) => "class=\"self line\"",
        (false, true) => "class=\"line\"",
        (false, false) => "class=\"branch\"",
    };
    b.open("li", class);
    if Some(id) == selected {
        b.0.push_str("<span aria-hidden=\"true\">▶ </span>");
    }
    message_line(b, lang, m);
    let children = store.children(&v.tree, id);
    if !children.is_empty() && depth < 32 {
        b.open("ul", "");
        for c in children {
            branch(b, lang, store, v, c, selected, depth + 1);
        }
        b.close("ul");
    }
    b.close("li");
}

/// The request's causation tree, the all-done join, and the same order's other messages.
fn causal_tree(
    b: &mut Markup,
    lang: Lang,
    store: &EventStore,
    v: &CausalView,
    selected: Option<MessageId>,
    answers: Option<saga_sim::OrderAnswers>,
) {
    let Some(root) = v.root else { return };
    b.open("ul", "class=\"causal-tree\"");
    branch(b, lang, store, v, root, selected, 0);
    b.close("ul");
    // Order's "all done" needed both answers: one step with two causes, drawn as one.
    if let Some(a) = answers
        .filter(|a| a.stock.is_some_and(|m| v.tree.contains(&m)) || a.delivery.is_some_and(|m| v.tree.contains(&m)))
    {
        let name = |m: Option<MessageId>, fallback: &str| {
            m.and_then(|m| store.message(m))
                .map_or_else(|| fallback.to_string(), |x| format!("{} {}", x.id, x.event.event_type().name()))
        };
        let both = format!("{} + {}", name(a.stock, "ProductChanged"), name(a.delivery, "DeliveryStarted"));
        let outcome =
            if a.stock.is_some() && a.delivery.is_some() { t(lang, Key::JoinDone) } else { t(lang, Key::JoinWaiting) };
        b.open("p", "class=\"join\"");
        b.0.push_str("<span aria-hidden=\"true\">⋈ </span>");
        b.text(&format!("{}: {both} → {outcome}", t(lang, Key::JoinTitle)));
        b.close("p");
    }
    if !v.same_order.is_empty() {
        b.el("h4", "", t(lang, Key::SameOrder));
        b.open("ul", "class=\"same-order\"");
        for m in v.same_order.iter().filter_map(|id| store.message(*id)) {
            b.open("li", "");
            message_line(b, lang, m);
            b.close("li");
        }
        b.close("ul");
    }
}
