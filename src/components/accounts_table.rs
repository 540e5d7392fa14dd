//! The tables of Payment and Points, the participants a TCC or 2PC run may add: one table each,
//! as each service owns it. It only displays, so it is written as markup text.

use crate::format;
use crate::i18n::{self, Key, Lang, t};
use crate::markup::Markup;
use crate::state::Snapshot;
use saga_sim::{AccountRow, AccountStatus, ServiceId};
use std::fmt::Write;
use yew::prelude::*;

/// Props of [`AccountsTable`].
#[derive(Properties, PartialEq)]
pub struct AccountsTableProps {
    /// Display language.
    pub lang: Lang,
    /// The world.
    pub snapshot: Snapshot,
}

fn table(m: &mut Markup, lang: Lang, service: ServiceId, rows: &[AccountRow]) {
    let name = i18n::service(lang, service);
    let _ = write!(m.0, "<div class=\"account-table\" data-service=\"{}\">", service.name());
    m.el("h4", "", name);
    if rows.is_empty() {
        m.el("p", "class=\"empty\"", t(lang, Key::NoAccountRows));
    } else {
        m.start_table(
            name,
            &[t(lang, Key::Order), t(lang, Key::Status), t(lang, Key::Quantity), t(lang, Key::UpdatedAt)],
        );
        for r in rows.iter().rev().take(super::orders_table::ROWS_SHOWN) {
            let (class, icon) = match r.status {
                AccountStatus::Held | AccountStatus::Prepared => ("badge pending", "⏸"),
                AccountStatus::Charged => ("badge confirmed", "✔"),
                AccountStatus::Released | AccountStatus::Refunded => ("badge cancelled", "↩"),
            };
            m.open("tr", "");
            m.el("th", "scope=\"row\"", &r.order.to_string());
            let _ = write!(m.0, "<td><span class=\"{class}\"><span aria-hidden=\"true\">{icon} </span>");
            m.text(i18n::account_status(lang, r.status));
            m.0.push_str("</span></td>");
            m.el("td", "class=\"num\"", &r.quantity.to_string());
            m.el("td", "class=\"num\"", &format::duration(r.updated_at_ms));
            m.close("tr");
        }
        m.end_table();
    }
    m.close("div");
}

/// Payment's and Points' tables, for those taking part in this run.
#[component]
pub fn AccountsTable(p: &AccountsTableProps) -> Html {
    let (lang, view) = (p.lang, &p.snapshot.view);
    let mut m = Markup::default();
    for (service, rows) in [(ServiceId::Payment, &view.payments), (ServiceId::Points, &view.points)] {
        if view.services.iter().any(|v| v.id == service) {
            table(&mut m, lang, service, rows);
        }
    }
    if m.0.is_empty() {
        return Html::default();
    }
    let title = t(lang, Key::AccountsTables);
    html! {
        <section class="accounts" aria-label={title}>
            <h3>{ title }</h3>
            <div class="account-tables">{ Html::from_html_unchecked(m.0.into()) }</div>
        </section>
    }
}
