//! Small pieces shared by the tables. Each is a function the compiler keeps out of line, so a
//! table's header is one call rather than a copy of the virtual-DOM code per cell: together
//! they keep several kilobytes out of the WebAssembly.

use yew::prelude::*;

/// A table head: one row of column titles.
#[inline(never)]
pub fn head(titles: &[&'static str]) -> Html {
    html! {
        <thead><tr>{ for titles.iter().map(|&title| html! { <th scope="col">{ title }</th> }) }</tr></thead>
    }
}

/// A number's cell (right-aligned). Its class is a literal, a plain attribute: `class={..}`
/// would build a class set for every cell of every refresh.
#[inline(never)]
pub fn num(text: String) -> Html {
    html! { <td class="num">{ text }</td> }
}

/// An identifier's cell (monospace).
#[inline(never)]
pub fn mono(text: String) -> Html {
    html! { <td class="mono">{ text }</td> }
}

/// Under a table that shows only its newest rows: how many of how many, so nobody looks for
/// an older row that is not drawn. Nothing when every row is shown.
#[inline(never)]
pub fn newest_note(lang: crate::i18n::Lang, total: usize) -> Html {
    let shown = super::orders_table::ROWS_SHOWN;
    if total <= shown {
        return Html::default();
    }
    let text = format!(
        "{}: {} / {}",
        crate::i18n::t(lang, crate::i18n::Key::NewestShown),
        crate::format::count(shown as u64),
        crate::format::count(total as u64)
    );
    html! { <p class="newest-note">{ text }</p> }
}

/// A small toggle button's classes: "small", and "on" while its fault or mode is on. Plain
/// strings rather than `classes!`, which would bring a hash set's code into the download.
pub fn small_button(on: bool) -> &'static str {
    if on { "small on" } else { "small" }
}
