//! The selected event: its ids, payload and causal chain.

use crate::driver::DriverHandle;
use crate::format;
use crate::i18n::{self, Key, Lang, t};
use crate::markup::Markup;
use crate::msg::UiMsg;
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
    /// Its causal chain.
    pub chain: Rc<crate::store::Chain>,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// The detail box.
#[component]
pub fn EventDetail(p: &EventDetailProps) -> Html {
    let lang = p.lang;
    let driver = p.log.driver.borrow();
    let store = &driver.store;
    // Nothing selected: the log's lines say what to do (their title), and the room is theirs.
    let Some((seq, message)) = p.selected else {
        return html! {};
    };
    let clear = p.on.reform(|_: MouseEvent| UiMsg::Select(None));
    let line = store.entry(seq).map(|e| i18n::trace_line(lang, &e.rec.event)).unwrap_or_default();
    // Everything below the heading only displays, so it is written as markup text.
    let mut b = Markup::default();
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
        b.el("h4", "", t(lang, Key::Chain));
        b.open("ol", "class=\"chain-list\"");
        for c in p.chain.iter().filter_map(|id| store.message(*id)) {
            let comp = c.event.is_compensation();
            let class = match (comp, Some(c.id) == message) {
                (true, true) => "class=\"comp self\"",
                (true, false) => "class=\"comp\"",
                (false, true) => "class=\"self\"",
                (false, false) => "",
            };
            b.open("li", class);
            b.el("span", "class=\"mono\"", &c.id.to_string());
            b.text(" ");
            if comp {
                b.0.push_str("<span aria-hidden=\"true\">↩ </span>");
                b.el("span", "class=\"visually-hidden\"", &format!("{} ", t(lang, Key::Compensation)));
            }
            b.text(c.event.event_type().name());
            let muted = format!(" · {} · {}", i18n::service(lang, c.source), format::duration(c.emitted_at_ms));
            b.el("span", "class=\"muted\"", &muted);
            b.close("li");
        }
        b.close("ol");
    }
    html! {
        <section class="detail" aria-label={t(lang, Key::Details)}>
            <div class="detail-head">
                <h3>{ t(lang, Key::Details) }</h3>
                <button class="small" onclick={clear}>{ t(lang, Key::ClearSelection) }</button>
            </div>
            { Html::from_html_unchecked(b.0.into()) }
        </section>
    }
}
