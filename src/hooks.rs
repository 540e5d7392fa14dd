//! Hooks shared by components.

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The text of an input field, held as state so a refresh never overwrites what someone is
/// typing; returns the text and the `oninput` handler that keeps it.
#[hook]
pub fn use_field_text(initial: String) -> (UseStateHandle<String>, Callback<InputEvent>) {
    let text = use_state(move || initial);
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| text.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    (text, oninput)
}
