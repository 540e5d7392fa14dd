//! The keyboard shortcuts, as a modal dialog.

use crate::i18n::{Key, Lang, t};
use crate::msg::UiMsg;
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
            // On close, focus goes back to the button that opened the dialog.
            || {
                use wasm_bindgen::JsCast;
                let button = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.query_selector(".help-button").ok().flatten())
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
                if let Some(b) = button {
                    let _ = b.focus();
                }
            }
        });
    }
    let close = p.on.reform(|_: MouseEvent| UiMsg::Help(false));
    let rows = [
        ("Space", Key::ShortcutPlay),
        ("→", Key::ShortcutStep),
        ("+ / −", Key::ShortcutFaster),
        ("L", Key::ShortcutLang),
        ("?", Key::ShortcutHelp),
        ("Esc", Key::ShortcutEscape),
    ];
    html! {
        <div class="overlay">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="help-h">
                <h2 id="help-h">{ t(lang, Key::Help) }</h2>
                <p>{ t(lang, Key::ShortcutsWhen) }</p>
                <table class="shortcuts">
                    <tbody>
                        { for rows.iter().map(|(k, d)| html! { <tr><th scope="row"><kbd>{ *k }</kbd></th><td>{ t(lang, *d) }</td></tr> }) }
                    </tbody>
                </table>
                <button ref={close_ref} class="primary" onclick={close}>{ t(lang, Key::Close) }</button>
            </div>
        </div>
    }
}
