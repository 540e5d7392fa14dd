//! A message for the person: bad input, a refused link, a paused run.

use crate::i18n::{Key, Lang, t};
use crate::msg::UiMsg;
use crate::state::Notice;
use yew::prelude::*;

/// Props of [`NoticeBar`].
#[derive(Properties, PartialEq)]
pub struct NoticeBarProps {
    /// Display language.
    pub lang: Lang,
    /// The notice, if any.
    pub notice: Option<Notice>,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// The notice bar; an empty live region when there is nothing to say, so screen readers hear
/// new notices.
#[component]
pub fn NoticeBar(p: &NoticeBarProps) -> Html {
    let dismiss = p.on.reform(|_: MouseEvent| UiMsg::DismissNotice);
    html! {
        <div class="notice-area" role="status" aria-live="polite">
            if let Some(n) = &p.notice {
                <div class={if n.problem { "notice problem" } else { "notice" }}>
                    <span aria-hidden="true">{ if n.problem { "⚠ " } else { "ℹ " } }</span>
                    <span class="text">{ &n.text }</span>
                    <button class="small" onclick={dismiss}>{ t(p.lang, Key::Close) }</button>
                </div>
            }
        </div>
    }
}
