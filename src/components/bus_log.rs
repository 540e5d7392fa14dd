//! The bus log's tail, newest first, with each consumer's committed offset. It only displays,
//! so it is written as markup text (see `markup`).

use crate::i18n::{self, Key, Lang, t};
use crate::markup::Markup;
use crate::state::Snapshot;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`BusLog`].
#[derive(Properties, PartialEq)]
pub struct BusLogProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
    /// The selected message's causal picture.
    pub causal: Rc<crate::store::CausalView>,
}

/// The bus log table.
#[component]
pub fn BusLog(p: &BusLogProps) -> Html {
    let lang = p.lang;
    let view = &p.snapshot.view;
    let mut m = Markup::default();
    m.open("div", "");
    m.0.push_str("<ul class=\"consumers\" aria-label=\"");
    m.text(t(lang, Key::Committed));
    m.0.push_str("\">");
    for s in view.services.iter().filter(|s| s.id.reads_bus()) {
        m.open("li", "");
        m.el("strong", "", i18n::service(lang, s.id));
        let offsets =
            format!(" {} {} · {} {}", t(lang, Key::Offset), s.consumer.committed.0, t(lang, Key::Lag), s.consumer.lag);
        m.text(&offsets);
        m.close("li");
    }
    m.close("ul");
    if view.log.tail.is_empty() {
        m.el("p", "class=\"empty\"", t(lang, Key::EmptyLog));
    } else {
        m.start_table(
            t(lang, Key::BusLog),
            &[
                t(lang, Key::Offset),
                t(lang, Key::Message),
                t(lang, Key::Type),
                t(lang, Key::Source),
                t(lang, Key::Order),
                t(lang, Key::Committed),
            ],
        );
        for r in view.log.tail.iter().rev() {
            let msg = &r.message;
            let comp = msg.event.is_compensation();
            m.open("tr", if p.causal.tree.contains(&msg.id) { "class=\"chain\"" } else { "" });
            m.el("th", "scope=\"row\" class=\"num\"", &r.offset.0.to_string());
            m.el("td", "class=\"mono\"", &msg.id.to_string());
            m.open("td", if comp { "class=\"comp\"" } else { "" });
            if comp {
                m.0.push_str("<span aria-hidden=\"true\">↩ </span>");
                m.el("span", "class=\"visually-hidden\"", &format!("{} ", t(lang, Key::Compensation)));
            }
            m.text(msg.event.event_type().name());
            if r.copy {
                m.el("span", "class=\"tag\"", &format!(" {}", t(lang, Key::CopyRecord)));
            }
            m.close("td");
            m.el("td", "", i18n::service(lang, msg.source));
            m.el("td", "class=\"mono\"", &msg.correlation_id.map(|o| o.to_string()).unwrap_or_default());
            let markers: Vec<&str> = view
                .services
                .iter()
                .filter(|s| s.consumer.committed == r.offset)
                .map(|s| i18n::service(lang, s.id))
                .collect();
            let mark = if markers.is_empty() { String::new() } else { format!("◀ {}", markers.join(", ")) };
            m.el("td", "", &mark);
            m.close("tr");
        }
        m.end_table();
    }
    m.close("div");
    Html::from_html_unchecked(m.0.into())
}
