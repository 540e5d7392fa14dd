//! Each service's side of reliable delivery (seeds 003, 004): its outbox rows with the relay's
//! state, or the events a dual write has yet to send; its consumer's offsets; and its
//! processed-message table. It only displays, so it is written as markup text.

use crate::i18n::{self, Key, Lang, t};
use crate::markup::Markup;
use crate::state::Snapshot;
use saga_sim::RowState;
use saga_sim::ServiceId;
use saga_sim::ServiceView;
use saga_sim::{DeliverySemantics, PublishMode};
use yew::prelude::*;

/// Processed-message ids listed per service; the count covers the rest.
const PROCESSED_SHOWN: usize = 12;

/// Props of [`OutboxPanel`].
#[derive(Properties, PartialEq)]
pub struct OutboxPanelProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
}

/// What the relay is doing, in words.
fn relay(lang: Lang, s: &ServiceView) -> String {
    let waiting = s.outbox.iter().find_map(|r| match r.state {
        RowState::InFlight { batch } => Some(batch),
        RowState::Unsent | RowState::Sent { .. } => None,
    });
    match (s.up, waiting) {
        (false, _) => t(lang, Key::RelayStopped).to_string(),
        (true, Some(batch)) => format!("{} #{batch}", t(lang, Key::RelayAwaitsAck)),
        (true, None) if s.outbox_pending > 0 => t(lang, Key::RelayPolling).to_string(),
        (true, None) => t(lang, Key::RelayIdle).to_string(),
    }
}

/// One card per service.
#[component]
pub fn OutboxPanel(p: &OutboxPanelProps) -> Html {
    let lang = p.lang;
    let view = &p.snapshot.view;
    let mut m = Markup::default();
    m.open("div", "class=\"outbox-cards\"");
    let semantics =
        if view.delivery == DeliverySemantics::AtMostOnce { Key::AtMostOnceShort } else { Key::AtLeastOnceShort };
    for s in
        view.services.iter().filter(|s| s.id.reads_bus() && (s.id != ServiceId::Coordinator || !s.outbox.is_empty()))
    {
        m.0.push_str("<section class=\"outbox-card\" data-service=\"");
        m.0.push_str(s.id.name());
        m.0.push_str("\">");
        m.el("h3", "", i18n::service(lang, s.id));
        if s.publish != PublishMode::Outbox {
            let line =
                format!("{} · {} {}", i18n::publish_mode(lang, s.publish), t(lang, Key::Unpublished), s.unpublished);
            m.el("p", "class=\"warn\"", &line);
        } else {
            let line = format!("{} · {}", t(lang, Key::OutboxTable), relay(lang, s));
            m.el("p", "class=\"relay\"", &line);
            if s.outbox.is_empty() {
                m.el("p", "class=\"empty\"", t(lang, Key::OutboxEmpty));
            } else {
                // Its own scroll box: a narrow card never lets the table spill into the next one.
                let label = format!("{} · {}", i18n::service(lang, s.id), t(lang, Key::OutboxTable));
                m.0.push_str(&format!(
                    "<div class=\"card-table\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">",
                    crate::markup::escape(&label)
                ));
                m.start_table(
                    t(lang, Key::OutboxTable),
                    &[t(lang, Key::Message), t(lang, Key::Type), t(lang, Key::Status), t(lang, Key::Attempt)],
                );
                for row in &s.outbox {
                    let (class, state) = match row.state {
                        RowState::Unsent => ("class=\"unsent\"", t(lang, Key::RowUnsent).to_string()),
                        RowState::InFlight { batch } => {
                            ("class=\"sent\"", format!("{} #{batch}", t(lang, Key::RowSent)))
                        }
                        RowState::Sent { .. } => ("class=\"published\"", t(lang, Key::RowPublished).to_string()),
                    };
                    m.open("tr", class);
                    m.el("th", "scope=\"row\" class=\"mono\"", &row.message.id.to_string());
                    m.el("td", "", row.message.event.event_type().name());
                    m.el("td", "", &state);
                    m.el("td", "class=\"num\"", &row.attempts.to_string());
                    m.close("tr");
                }
                m.end_table();
                m.close("div");
                m.el("p", "class=\"muted note\"", t(lang, Key::OutboxStatusNote));
            }
        }
        let c = &s.consumer;
        let consumer = format!(
            "{} · {} {} / {} · {}",
            t(lang, semantics),
            t(lang, Key::Offset),
            c.committed.0,
            c.position.0,
            c.in_hand.map_or_else(
                || t(lang, Key::Idle).to_string(),
                |h| format!("{} @{}", t(lang, Key::Handling), h.offset.0)
            )
        );
        m.el("p", "class=\"consumer\"", &consumer);
        if view.idempotent_consumers {
            let ids: Vec<String> = s.processed_recent.iter().take(PROCESSED_SHOWN).map(|id| id.to_string()).collect();
            let more = s.processed_count.saturating_sub(ids.len());
            m.open("p", "class=\"processed\"");
            m.text(&format!("{} ({}): ", t(lang, Key::ProcessedTable), s.processed_count));
            let more = if more > 0 { format!(" … +{more}") } else { String::new() };
            m.el("span", "class=\"mono\"", &format!("{}{more}", ids.join(" ")));
            m.close("p");
        } else {
            m.el("p", "class=\"processed warn\"", t(lang, Key::NoProcessedTable));
        }
        m.0.push_str("</section>");
    }
    m.close("div");
    Html::from_html_unchecked(m.0.into())
}
