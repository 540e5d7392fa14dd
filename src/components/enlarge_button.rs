//! The button that enlarges a panel to take most of the screen, and puts it back.

use crate::i18n::{Key, Lang, t};
use crate::msg::UiMsg;
use crate::state::Panel;
use yew::prelude::*;

/// Props of [`EnlargeButton`].
#[derive(Properties, PartialEq)]
pub struct EnlargeButtonProps {
    /// Display language.
    pub lang: Lang,
    /// The panel it enlarges.
    pub panel: Panel,
    /// The panel's name, for the button's accessible name.
    pub name: AttrValue,
    /// Whether that panel is the one enlarged.
    pub enlarged: bool,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// ⤢ to enlarge, ⤡ to put back (F does the same for the panel that holds the focus).
#[component]
pub fn EnlargeButton(p: &EnlargeButtonProps) -> Html {
    let panel = p.panel;
    let click = p.on.reform(move |_: MouseEvent| UiMsg::Enlarge(panel));
    let word = t(p.lang, if p.enlarged { Key::PutBack } else { Key::Enlarge });
    html! {
        <button class="enlarge" onclick={click} aria-pressed={p.enlarged.to_string()} aria-keyshortcuts="F"
            aria-label={format!("{word}: {}", p.name)} title={format!("{word} (F)")}>
            <span aria-hidden="true">{ if p.enlarged { "⤡" } else { "⤢" } }</span>
        </button>
    }
}
