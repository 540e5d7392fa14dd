//! The keyboard shortcuts, as a modal dialog.

use crate::i18n::{Key, Lang, t};
use crate::markup::{Markup, escape};
use crate::msg::UiMsg;
use std::fmt::Write;
use yew::prelude::*;

/// Props of [`HelpOverlay`].
#[derive(Properties, PartialEq)]
pub struct HelpOverlayProps {
    /// Display language.
    pub lang: Lang,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// The help dialog. It takes focus when it opens so Escape and Tab work at once.
#[component]
pub fn HelpOverlay(p: &HelpOverlayProps) -> Html {
    let lang = p.lang;
    let close_ref = use_node_ref();
    {
        let close_ref = close_ref.clone();
        use_effect_with((), move |_| {
            if let Some(b) = close_ref.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
            // Where the focus goes on close is the app's choice: back to the help button after
            // Close, to the page itself after Escape.
            || ()
        });
    }
    let close = p.on.reform(|_: MouseEvent| UiMsg::Help(false));
    // The text only displays, so it is written as markup (see `markup`); the button stays a
    // Yew element so it can take focus.
    let mut m = Markup::default();
    m.el("p", "", t(lang, Key::ShortcutsWhen));
    m.0.push_str("<table class=\"shortcuts\"><tbody>");
    for (k, d) in [
        ("Space", Key::ShortcutPlay),
        ("→", Key::ShortcutStep),
        ("+ / −", Key::ShortcutFaster),
        ("O", Key::ShortcutOrder),
        ("1 … 6", Key::ShortcutCrash),
        ("Shift + 1 … 6", Key::ShortcutCut),
        ("H", Key::ShortcutHealAll),
        ("R", Key::ShortcutReset),
        ("P", Key::ShortcutProtocol),
        ("F", Key::ShortcutEnlarge),
        ("L", Key::ShortcutLang),
        ("?", Key::ShortcutHelp),
        ("Esc", Key::ShortcutEscape),
    ] {
        let _ = write!(m.0, "<tr><th scope=\"row\"><kbd>{}</kbd></th>", escape(k));
        m.el("td", "", t(lang, d));
        m.close("tr");
    }
    m.0.push_str("</tbody></table>");
    html! {
        <div class="overlay">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="help-h">
                <h2 id="help-h">{ t(lang, Key::Help) }</h2>
                { Html::from_html_unchecked(m.0.into()) }
                <button ref={close_ref} class="primary" onclick={close}>{ t(lang, Key::Close) }</button>
            </div>
        </div>
    }
}
