//! The run as a record, under the stage like a video's seek bar: the scrubber over the branch
//! on screen, the branches to switch between, and the ways a run leaves the page (a link, a
//! JSON file) and comes back (a file picked or dropped).

use crate::format;
use crate::i18n::{Key, Lang, t};
use crate::msg::{FileUnread, UiMsg};
use crate::state::TimelineView;
use saga_sim::BranchId;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Props of [`TimelineBar`].
#[derive(Properties, PartialEq)]
pub struct TimelineBarProps {
    /// Display language.
    pub lang: Lang,
    /// The branches and where the screen stands.
    pub timeline: TimelineView,
    /// Virtual time on screen.
    pub now_ms: u64,
    /// The link made last, shown to copy by hand when the clipboard refused.
    pub link: Option<AttrValue>,
    /// Where requests go.
    pub on: Callback<UiMsg>,
}

/// The largest run file read at all (larger ones are refused by their size, unread).
pub const MAX_FILE_BYTES: u64 = saga_record::run_file::MAX_FILE_BYTES as u64;

/// Reads a picked or dropped file and sends it to the app as `OpenFile`. The reader must live
/// until it calls back, so it is kept in `reader`.
pub fn read_file(
    file: web_sys::File,
    on: Callback<UiMsg>,
    reader: &std::rc::Rc<std::cell::RefCell<Option<gloo_file::callbacks::FileReader>>>,
) {
    let name = file.name();
    let size = file.size() as u64;
    if size > MAX_FILE_BYTES {
        on.emit(UiMsg::OpenFile(name, Err(FileUnread::TooLarge(size))));
        return;
    }
    let file = gloo_file::File::from(file);
    let task = gloo_file::callbacks::read_as_text(&file, move |text| {
        on.emit(UiMsg::OpenFile(name, text.map_err(|_| FileUnread::Unreadable)));
    });
    *reader.borrow_mut() = Some(task);
}

/// The time-travel strip.
#[component]
pub fn TimelineBar(p: &TimelineBarProps) -> Html {
    let lang = p.lang;
    let tl = &p.timeline;
    // While playing at the end, the clock may be a frame ahead of the timeline's last look.
    let end = if tl.in_past { tl.end_ms } else { tl.end_ms.max(p.now_ms) };
    let seek = p.on.reform(|e: InputEvent| {
        let v = e.target_unchecked_into::<HtmlInputElement>().value();
        UiMsg::Seek(v.trim().parse().unwrap_or(0))
    });
    // The arrows move by a hundredth of the run, not by a millisecond.
    let keys = {
        let (on, now) = (p.on.clone(), p.now_ms);
        Callback::from(move |e: KeyboardEvent| {
            let notch = (end / 100).max(1);
            let to = match e.key().as_str() {
                "ArrowLeft" | "ArrowDown" => now.saturating_sub(notch),
                "ArrowRight" | "ArrowUp" => now.saturating_add(notch).min(end),
                _ => return,
            };
            e.prevent_default();
            on.emit(UiMsg::Seek(to));
        })
    };
    let switch = p.on.reform(|e: Event| {
        let v = e.target_unchecked_into::<HtmlSelectElement>().value();
        UiMsg::SwitchBranch(BranchId(v.parse().unwrap_or(0)))
    });
    let to_end = p.on.reform(|_: MouseEvent| UiMsg::Seek(u64::MAX));
    let copy = p.on.reform(|_: MouseEvent| UiMsg::CopyLink);
    let export = p.on.reform(|_: MouseEvent| UiMsg::Export);
    let reader = use_mut_ref(|| None);
    let import = {
        let on = p.on.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                read_file(file, on.clone(), &reader);
            }
            // The same file picked again is a new pick.
            input.set_value("");
        })
    };
    let value = p.now_ms.min(end);
    let when = format!("{} / {}", format::clock(value), format::clock(end));
    let branch_label = |id: BranchId, parent: Option<(BranchId, u64)>| match parent {
        None => format!("{} {}", t(lang, Key::Branch), id.0),
        Some((_, at)) => {
            format!("{} {} · {} {}", t(lang, Key::Branch), id.0, t(lang, Key::BranchFrom), format::clock(at))
        }
    };
    html! {
        <div class="timeline-bar" role="group" aria-label={t(lang, Key::Timeline)} data-end-ms={end.to_string()}
            data-branch={tl.current.map(|b| b.0.to_string()).unwrap_or_default()} data-in-past={tl.in_past.to_string()}>
            if tl.branches.len() > 1 {
                <label class="branch">
                    <span class="visually-hidden">{ t(lang, Key::Branch) }</span>
                    <select onchange={switch}>
                        { for tl.branches.iter().map(|b| html! {
                            <option value={b.id.0.to_string()} selected={Some(b.id) == tl.current}>{ branch_label(b.id, b.parent) }</option>
                        }) }
                    </select>
                </label>
            }
            <label class="scrub" title={t(lang, Key::TimelineHint)}>
                <span class="visually-hidden">{ t(lang, Key::Timeline) }</span>
                <input type="range" min="0" max={end.to_string()} step="1" value={value.to_string()}
                    disabled={!tl.replayable || end == 0} oninput={seek} onkeydown={keys}
                    aria-valuetext={when.clone()} />
            </label>
            <span class="when" aria-hidden="true">{ when }</span>
            if tl.in_past {
                <span class="past-badge" title={t(lang, Key::InThePastHint)}>{ "⏮ " }{ t(lang, Key::InThePast) }</span>
                <button class="small" onclick={to_end}>{ t(lang, Key::ToTheEnd) }{ " ⏭" }</button>
            }
            <span class="record-actions">
                <button class="small copy-link" onclick={copy} title={t(lang, Key::CopyLinkHint)}>
                    { t(lang, Key::CopyLink) }
                </button>
                <button class="small export" onclick={export} title={t(lang, Key::ExportHint)}>
                    <span aria-hidden="true">{ "⤓ " }</span>{ t(lang, Key::ExportRun) }
                </button>
                <label class="button small import" title={t(lang, Key::ImportHint)}>
                    <span aria-hidden="true">{ "⤒ " }</span>{ t(lang, Key::ImportRun) }
                    <input type="file" accept=".json,application/json" class="visually-hidden" onchange={import} />
                </label>
            </span>
            if let Some(link) = &p.link {
                <label class="link-field">
                    <span class="visually-hidden">{ t(lang, Key::RunLink) }</span>
                    <input type="text" readonly=true value={link.clone()} onfocus={Callback::from(|e: FocusEvent| {
                        e.target_unchecked_into::<HtmlInputElement>().select();
                    })} />
                </label>
            }
        </div>
    }
}
