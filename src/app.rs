//! The root component: owns the simulation driver, runs the one animation loop, and turns
//! components' requests (`UiMsg`) into driver calls and state changes.

use crate::animator::Animator;
use crate::components::consistency_panel::ConsistencyPanel;
use crate::components::event_log::EventLog;
use crate::components::fault_panel::FaultPanel;
use crate::components::help_overlay::HelpOverlay;
use crate::components::notice_bar::NoticeBar;
use crate::components::stage::Stage;
use crate::components::tables::Tables;
use crate::components::timeline_bar::{TimelineBar, read_file};
use crate::components::toolbar::Toolbar;
use crate::driver::{Driver, DriverHandle};
use crate::i18n::{self, Key, Lang, t};
use crate::layout::Arrangement;
use crate::msg::{FileUnread, UiMsg};
use crate::refresh_pace::{self, REFRESH_MS, SLOWEST_REFRESH_MS};
use crate::state::{Action, BranchRow, Filters, Notice, Panel, Snapshot, TimelineView, UiState};
use crate::url_params::{LangParam, ParamProblem};
use saga_record::RunFile;
use saga_sim::{Forked, SimConfig, TraceEvent};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use yew::prelude::*;

/// With more than this many things in flight, the list of them is rebuilt at most every
/// `CROWDED_REBUILD_MS` while only time passes: building it costs a fraction of a millisecond
/// per thousand, and on a slow machine that is most of a frame. Pipes that crowded show a few
/// tokens and a "+n", so a list a few frames old changes nothing one can see.
const CROWDED_IN_FLIGHT: usize = 400;
/// How old the list of a crowded stage may grow (wall time), or as old as the panels' refresh
/// interval when redraws make frames slow, up to a second.
const CROWDED_REBUILD_MS: f64 = 250.0;
/// The clock alone (nothing else changed) is redrawn this often, or as seldom as the panels
/// refresh when redraws make frames slow: on a slow machine the tokens keep moving every frame
/// and the clock's tenths catch up a few times a second.
const CLOCK_MS: f64 = 250.0;
/// While playing, the engine computes for at most about this long per frame; a burst of events
/// longer than that slows virtual time for a moment instead of the page (`Driver::tick_within`).
const ENGINE_SLICE_MS: f64 = 4.0;
/// A fast-forward computes for about this long per frame, so no task nears 50 ms and the page
/// keeps drawing and answering (Pause included) while it runs.
const FAST_FORWARD_SLICE_MS: f64 = 12.0;
/// One keyboard notch of speed: a factor of about 1.78 (a quarter of a decade).
const SPEED_NOTCH: f64 = 0.25;
/// The seed when the URL names none.
pub const DEFAULT_SEED: u64 = 1;
const LANG_STORAGE_KEY: &str = "saga-lab-lang";
/// Said in both languages: the Korean texts are what is missing.
const KOREAN_UNAVAILABLE: &str = "The Korean text could not be loaded / 한국어 텍스트를 불러오지 못했습니다";

/// What the page's URL and the browser say at start-up.
struct Boot {
    lang: Lang,
    seed: u64,
    /// The run the link carries, when it carries a usable one.
    run: Option<RunFile>,
    notice: Option<String>,
    panic_test: bool,
}

/// The language the page opens in: `?lang=`, else the reader's last choice, else the browser's.
pub fn boot_lang() -> Lang {
    let window = web_sys::window();
    let search = window.as_ref().and_then(|w| w.location().search().ok()).unwrap_or_default();
    match crate::url_params::parse(&search).lang {
        Some(LangParam::En) => return Lang::En,
        Some(LangParam::Ko) => return Lang::Ko,
        None => {}
    }
    let stored = window
        .as_ref()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(LANG_STORAGE_KEY).ok().flatten());
    let browser = window.as_ref().and_then(|w| w.navigator().language()).unwrap_or_default();
    Lang::from_tag(stored.as_deref().unwrap_or(&browser))
}

impl Boot {
    fn read() -> Boot {
        let window = web_sys::window();
        let mut lang = boot_lang();
        let search = window.as_ref().and_then(|w| w.location().search().ok()).unwrap_or_default();
        let params = crate::url_params::parse(&search);
        let mut problems: Vec<String> = Vec::new();
        if lang == Lang::Ko && !i18n::korean::loaded() {
            lang = Lang::En;
            problems.push(format!("{} ({})", KOREAN_UNAVAILABLE, i18n::korean::FILE));
        }
        problems.extend(params.problems.iter().map(|p| match p {
            ParamProblem::Lang(v) => format!("lang=\"{v}\": {}", t(lang, Key::LangParamHint)),
            ParamProblem::Seed(v) => format!("seed=\"{v}\": {}", t(lang, Key::SeedInvalid)),
        }));
        // A link's run, when it opens; otherwise the default run, saying what was wrong.
        let run = params.run.as_deref().and_then(|text| match saga_record::link::decode(text) {
            Ok(file) => Some(file),
            Err(p) => {
                problems.push(format!("{}: {}", t(lang, Key::LinkUnusable), i18n::field_problem(lang, &p)));
                None
            }
        });
        let seed = params.seed.unwrap_or(DEFAULT_SEED);
        let notice = (!problems.is_empty()).then(|| problems.join(" · "));
        Boot { lang, seed, run, notice, panic_test: params.panic_test }
    }
}

fn snapshot(d: &Driver) -> Snapshot {
    Snapshot {
        view: Rc::new(d.sim.view()),
        version: d.version,
        compare: Rc::new(d.compare_metrics()),
        trace_hash: d.sim.trace_hash(),
    }
}

/// The timeline as the strip shows it.
fn timeline_view(d: &Driver) -> TimelineView {
    let tl = d.timeline();
    TimelineView {
        branches: Rc::new(
            tl.branches().iter().map(|b| BranchRow { id: b.id, parent: b.parent, end_ms: b.end_ms }).collect(),
        ),
        current: Some(tl.current().id),
        end_ms: tl.current().end_ms,
        in_past: tl.in_past(&d.sim),
        replayable: tl.replayable(),
        shown: d.shown,
    }
}

fn reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The root component.
#[component]
pub fn App() -> Html {
    let boot = use_memo((), |_| Boot::read());
    let driver = use_mut_ref(|| {
        let mut d = Driver::new(SimConfig::default(), boot.seed);
        if let Some(file) = &boot.run {
            d.load(file);
        }
        d
    });
    let state = {
        let driver = driver.clone();
        let boot = boot.clone();
        use_reducer(move || {
            let d = driver.borrow();
            UiState {
                lang: boot.lang,
                snapshot: snapshot(&d),
                playing: d.playing,
                speed_exp: d.speed_exp,
                behind: false,
                selected: None,
                causal: Rc::default(),
                filters: Filters::default(),
                help_open: false,
                notice: boot.notice.clone().map(|text| Notice { text, problem: true }),
                paused_by_hiding: false,
                seed: d.sim.seed(),
                next: Rc::new(d.sim.config().clone()),
                timeline: timeline_view(&d),
                link: None,
                fast_forward: None,
                arrangement: arrangement_now(),
                enlarged: None,
                tab: crate::state::DetailTab::Orders,
                now_ms: d.sim.now_ms(),
                log_version: d.version,
            }
        })
    };
    let layer = use_node_ref();
    // What the animation loop reads each frame besides the driver: the selected chain, the
    // language of token labels and the stage's arrangement.
    let look: Rc<RefCell<Look>> =
        use_mut_ref(|| Look { causal: Rc::default(), lang: boot.lang, arrangement: Arrangement::Wide });
    *look.borrow_mut() = Look { causal: state.causal.clone(), lang: state.lang, arrangement: state.arrangement };

    // One callback for the app's whole life, reading the newest state when called: a new one
    // each render would make every component's props differ, and every component redraw
    // whenever anything changed (the fast-forward's progress ten times a second, say).
    let latest_state = use_mut_ref(|| state.clone());
    *latest_state.borrow_mut() = state.clone();
    let on = {
        let (driver, latest_state) = (driver.clone(), latest_state.clone());
        (*use_memo((), move |_| {
            Callback::from(move |msg: UiMsg| {
                let state = latest_state.borrow().clone();
                handle(msg, &driver, &state)
            })
        }))
        .clone()
    };
    // Listeners installed once call the newest `on`, which sees the newest state.
    let latest_on = use_mut_ref(|| on.clone());
    *latest_on.borrow_mut() = on.clone();

    {
        let (driver, dispatcher, layer, look) = (driver.clone(), state.dispatcher(), layer.clone(), look.clone());
        use_effect_with((), move |_| start_animation(driver, dispatcher, layer, look));
    }
    {
        let latest_on = latest_on.clone();
        use_effect_with((), move |_| install_keys(latest_on));
    }
    {
        let latest_on = latest_on.clone();
        use_effect_with((), move |_| install_drop(latest_on));
    }
    {
        let (driver, dispatcher) = (driver.clone(), state.dispatcher());
        use_effect_with((), move |_| install_visibility(driver, dispatcher));
    }
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| install_arrangement(dispatcher));
    }
    {
        let (driver, dispatcher) = (driver.clone(), state.dispatcher());
        use_effect_with((), move |_| install_test_hook(driver, dispatcher));
    }
    {
        let lang = state.lang;
        use_effect_with(lang, move |lang| {
            if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
                let _ = root.set_attribute("lang", lang.tag());
            }
        });
    }
    // The first screen comes in two tasks: the toolbar and the stage first, painted at once;
    // the tables, the verdict, the faults and the log in the next task, after that paint. On a
    // slow phone each task (script, then style and layout) is then about half as long, so the
    // page answers sooner and the stage shows sooner (Lighthouse's TBT and LCP).
    let panels_shown = use_state_eq(|| false);
    {
        let show = panels_shown.setter();
        use_effect_with((), move |_| after_paint(move || show.set(true)));
    }
    let panic_test = boot.panic_test;
    use_effect_with(*panels_shown, move |shown| {
        if !*shown {
            return;
        }
        // The budget script measures navigation to this mark: the whole first screen, with
        // its handlers.
        if let Some(w) = web_sys::window() {
            if let Some(p) = w.performance() {
                let _ = p.mark("saga-lab-interactive");
            }
            if let Some(body) = w.document().and_then(|d| d.body()) {
                let _ = body.set_attribute("data-ready", "true");
            }
            // `?panic-test` makes the app panic on purpose once it is running, so the end-to-end
            // tests can prove the panic hook turns a bug into a readable message, not a dead page.
            if panic_test {
                panic!("a deliberate panic, asked for by ?panic-test");
            }
        }
    });

    let lang = state.lang;
    let snap = state.snapshot.clone();
    // The log redraws with the snapshot, not with every change of the driver: while a
    // fast-forward runs, the driver changes each frame and the snapshot waits for its end.
    let log = DriverHandle { driver: driver.clone(), version: state.log_version };
    let products: Vec<(String, i64)> = snap.view.products.iter().map(|p| (p.name.clone(), p.stock)).collect();
    let enlarged = state.enlarged;
    let is = |p: Panel| enlarged == Some(p);
    html! {
        <div class={if state.help_open { "app modal-open" } else { "app" }}>
            <div class="app-body" inert={state.help_open}>
            <Toolbar lang={lang} playing={state.playing} speed_exp={state.speed_exp} behind={state.behind} now_ms={state.now_ms}
                protocol={snap.view.config.protocol} strategy={snap.view.config.two_phase.strategy} products={products} on={on.clone()} />
            if state.paused_by_hiding {
                <p class="visually-hidden" role="status">{ t(lang, Key::PausedHidden) }</p>
            }
            <main class="layout" data-enlarged={enlarged.map(|p| p.id()).unwrap_or_default()}>
                <section class="panel stage-panel" data-panel="stage" aria-labelledby="stage-h"
                    data-trace-hash={format!("{:016x}", snap.trace_hash)}>
                    <h2 id="stage-h" class="visually-hidden">{ t(lang, Key::Stage) }</h2>
                    <Stage lang={lang} snapshot={snap.clone()} arrangement={state.arrangement} layer={layer.clone()}
                        causal={state.causal.clone()} enlarged={is(Panel::Stage)} on={on.clone()}>
                        <TimelineBar lang={lang} timeline={state.timeline.clone()} now_ms={state.now_ms}
                            link={state.link.clone()} on={on.clone()} />
                    </Stage>
                </section>
                if *panels_shown {
                    <Tables lang={lang} snapshot={snap.clone()} causal={state.causal.clone()} fast_forward={state.fast_forward}
                        next={state.next.clone()} seed={state.seed}
                        enlarged={is(Panel::Detail)} tab={state.tab} log={log.clone()} selected={state.selected} on={on.clone()} />
                    <div class="side">
                        <ConsistencyPanel lang={lang} snapshot={snap.clone()} now_ms={state.now_ms} enlarged={is(Panel::Verdict)} on={on.clone()} />
                        <FaultPanel lang={lang} snapshot={snap.clone()} on={on.clone()} />
                        <EventLog lang={lang} log={log.clone()} filters={state.filters} selected={state.selected}
                            causal={state.causal.clone()} order_count={snap.view.orders_total} enlarged={is(Panel::Log)} on={on.clone()} />
                    </div>
                } else {
                    // Their boxes, empty for one frame, so nothing moves when they fill.
                    <section class="panel tables" data-panel="detail" aria-busy="true"></section>
                    <div class="side"></div>
                }
            </main>
            <NoticeBar lang={lang} notice={state.notice.clone()} on={on.clone()} />
            <div class="drop-hint" aria-hidden="true"><span>{ "⤒ " }{ t(lang, Key::DropToOpen) }</span></div>
            </div>
            if state.help_open {
                <HelpOverlay lang={lang} on={on.clone()} />
            }
        </div>
    }
}

fn refresh(driver: &Rc<RefCell<Driver>>, dispatcher: &UseReducerDispatcher<UiState>) {
    refresh_with(driver, dispatcher, true);
}

/// Dispatches a new view; with `log` false the event log keeps its lines until `LogCatchUp`.
fn refresh_with(driver: &Rc<RefCell<Driver>>, dispatcher: &UseReducerDispatcher<UiState>, log: bool) {
    let (snap, playing, speed_exp, behind, fast_forward, timeline) = {
        let d = driver.borrow();
        (snapshot(&d), d.playing, d.speed_exp, d.behind(), d.fast_forward_status(), timeline_view(&d))
    };
    dispatcher.dispatch(Action::Transport { playing, speed_exp, behind });
    dispatcher.dispatch(if log { Action::Refresh(snap) } else { Action::RefreshAllButLog(snap) });
    dispatcher.dispatch(Action::FastForward(fast_forward));
    dispatcher.dispatch(Action::Timeline(timeline));
}

/// Tells the person that acting in the past started a new branch.
fn forked_notice(
    dispatcher: &UseReducerDispatcher<UiState>,
    lang: Lang,
    forked: Forked,
    parent: Option<u32>,
    at_ms: u64,
) {
    let mut text = format!(
        "{} {} · {} {}",
        t(lang, Key::NewBranch),
        forked.branch.0,
        t(lang, Key::BranchFrom),
        crate::format::clock(at_ms)
    );
    if let Some(parent) = parent {
        text.push_str(&format!(" · {} {} {}", t(lang, Key::Branch), parent, t(lang, Key::OldFutureKept)));
    }
    if forked.dropped.is_some() {
        text.push_str(&format!(" · {}", t(lang, Key::OldestBranchDropped)));
    }
    notice(dispatcher, text, false);
}

/// Opens a run from a file or a link in place of the current one, and says what was opened.
fn open_run(
    driver: &Rc<RefCell<Driver>>,
    dispatcher: &UseReducerDispatcher<UiState>,
    lang: Lang,
    name: &str,
    file: &RunFile,
) {
    let seed = {
        let mut d = driver.borrow_mut();
        d.load(file);
        d.sim.seed()
    };
    dispatcher.dispatch(Action::NewRun { seed });
    dispatcher.dispatch(Action::SetNext(Rc::new(file.run.config.clone())));
    dispatcher.dispatch(Action::SetLink(None));
    let at = driver.borrow().sim.now_ms();
    let text = format!(
        "{} {name}: {} {} {}",
        t(lang, Key::Opened),
        file.run.inputs.len(),
        t(lang, Key::InputsReplayedTo),
        crate::format::clock(at)
    );
    notice(dispatcher, text, false);
    refresh(driver, dispatcher);
}

/// The address of this page carrying the run on screen: any static host, sub-folder included,
/// since only the query changes.
fn run_link(driver: &Rc<RefCell<Driver>>) -> Option<String> {
    let location = web_sys::window()?.location();
    let base = format!("{}{}", location.origin().ok()?, location.pathname().ok()?);
    let (run, end) = driver.borrow().record();
    Some(format!("{base}?{}={}", saga_record::link::PARAM, saga_record::link::encode(&run, Some(end))))
}

/// Downloads `text` as a file named `name`.
fn download(name: &str, text: &str) {
    let blob = gloo_file::Blob::new_with_options(text, Some("application/json"));
    let url = gloo_file::ObjectUrl::from(blob);
    let anchor = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(a) = anchor {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    // The download reads the object URL after the click returns: revoke it a minute later.
    gloo_timers::callback::Timeout::new(60_000, move || drop(url)).forget();
}

fn notice(dispatcher: &UseReducerDispatcher<UiState>, text: String, problem: bool) {
    dispatcher.dispatch(Action::SetNotice(Some(Notice { text, problem })));
}

fn handle(msg: UiMsg, driver: &Rc<RefCell<Driver>>, state: &UseReducerHandle<UiState>) {
    let dispatcher = state.dispatcher();
    let lang = state.lang;
    // The help dialog is modal: behind it nothing happens, shortcuts included.
    if state.help_open && !matches!(msg, UiMsg::Help(_) | UiMsg::Escape | UiMsg::DismissNotice) {
        return;
    }
    match msg {
        UiMsg::TogglePlay => {
            {
                let mut d = driver.borrow_mut();
                let playing = !d.playing;
                d.set_playing(playing);
            }
            dispatcher.dispatch(Action::PausedByHiding(false));
            refresh(driver, &dispatcher);
        }
        UiMsg::Step => {
            {
                let mut d = driver.borrow_mut();
                d.set_playing(false);
                d.step();
            }
            refresh(driver, &dispatcher);
        }
        UiMsg::SetSpeedExp(exp) => {
            driver.borrow_mut().set_speed_exp(exp);
            refresh(driver, &dispatcher);
        }
        UiMsg::Reset(text) => match text.trim().parse::<u64>() {
            Ok(seed) => {
                driver.borrow_mut().reset((*state.next).clone(), seed);
                dispatcher.dispatch(Action::NewRun { seed });
                dispatcher.dispatch(Action::SetLink(None));
                dispatcher.dispatch(Action::SetNotice(None));
                refresh(driver, &dispatcher);
            }
            Err(_) => notice(&dispatcher, format!("\"{}\": {}", text.trim(), t(lang, Key::SeedInvalid)), true),
        },
        UiMsg::SpeedUp | UiMsg::SpeedDown => {
            let notch = if msg == UiMsg::SpeedUp { SPEED_NOTCH } else { -SPEED_NOTCH };
            let exp = driver.borrow().speed_exp + notch;
            driver.borrow_mut().set_speed_exp((exp / SPEED_NOTCH).round() * SPEED_NOTCH);
            refresh(driver, &dispatcher);
        }
        UiMsg::ToggleLang => handle(UiMsg::SetLang(if lang == Lang::En { Lang::Ko } else { Lang::En }), driver, state),
        UiMsg::Escape => {
            // Close what is open, innermost first, and give the focus back to the page, so the
            // next key is a shortcut again.
            if state.help_open {
                dispatcher.dispatch(Action::SetHelp(false));
            } else if state.enlarged.is_some() {
                dispatcher.dispatch(Action::Enlarge(None));
            } else {
                dispatcher.dispatch(Action::Select(None, Rc::default()));
            }
            // At once, so a key pressed right after Escape is already a shortcut (before, a quick
            // F could still find the focus in the panel just put back), and again after the
            // render, which may move it.
            focus_page();
            after_render(focus_page);
        }
        UiMsg::Enlarge(panel) => {
            let next = if state.enlarged == Some(panel) { None } else { Some(panel) };
            dispatcher.dispatch(Action::Enlarge(next));
        }
        UiMsg::EnlargeFocused => {
            let focused = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .and_then(|el| el.closest("[data-panel]").ok().flatten())
                .and_then(|el| el.get_attribute("data-panel"))
                .and_then(|id| Panel::from_id(&id));
            let next = match (state.enlarged, focused) {
                (Some(_), _) => None,
                (None, p) => Some(p.unwrap_or(Panel::Stage)),
            };
            dispatcher.dispatch(Action::Enlarge(next));
        }
        UiMsg::PlaceOrderKey => {
            // The order form holds the product and quantity: submit it as a click would.
            let button = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector("form.order-form button[type=submit]").ok().flatten())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(b) = button {
                b.click();
            }
        }
        UiMsg::CrashKey(i) | UiMsg::CutKey(i) => {
            let Some(&service) = saga_sim::ServiceId::NODES.get(i) else { return };
            let node = state.snapshot.view.services.iter().find(|s| s.id == service);
            let fault = match (msg, node) {
                (UiMsg::CrashKey(_), Some(n)) if !n.up => saga_sim::Fault::Restart { service },
                (UiMsg::CrashKey(_), _) => saga_sim::Fault::Crash { service },
                (_, Some(n)) if n.partitioned => saga_sim::Fault::Heal { service },
                _ => saga_sim::Fault::Partition { service },
            };
            handle(UiMsg::Sim(saga_sim::Command::Fault(fault)), driver, state);
        }
        UiMsg::ResetKey => handle(UiMsg::Reset(state.seed.to_string()), driver, state),
        UiMsg::SetTab(tab) => dispatcher.dispatch(Action::SetTab(tab)),
        UiMsg::OpenAdmin(order) => {
            dispatcher.dispatch(Action::Enlarge(None));
            dispatcher.dispatch(Action::SetTab(crate::state::DetailTab::Sagas));
            // Once the tab is drawn: the order's row in view, its first decision button focused.
            after_render(move || {
                let selector = format!("#panel-sagas tr[data-order=\"{}\"]", order.0);
                let row = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.query_selector(&selector).ok().flatten());
                if let Some(row) = row {
                    row.scroll_into_view();
                    focus_selector(&format!("#panel-sagas .decision[data-order=\"{}\"] button", order.0));
                }
            });
        }
        UiMsg::NextProtocol => {
            let c = &state.snapshot.view.config;
            let (protocol, strategy) = crate::components::toolbar::next_choice(c.protocol, c.two_phase.strategy);
            handle(UiMsg::SetProtocol(protocol, strategy), driver, state);
        }
        UiMsg::SetLang(Lang::Ko) if !i18n::korean::loaded() => {
            // Fetched the first time it is chosen; the page switches once the texts are there.
            let (driver, state) = (driver.clone(), state.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match i18n::korean::load().await {
                    Ok(()) => handle(UiMsg::SetLang(Lang::Ko), &driver, &state),
                    Err(why) => notice(&state.dispatcher(), format!("{KOREAN_UNAVAILABLE}: {why}"), true),
                }
            });
        }
        UiMsg::SetLang(lang) => {
            if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
                let _ = s.set_item(LANG_STORAGE_KEY, lang.tag());
            }
            dispatcher.dispatch(Action::SetLang(lang));
        }
        UiMsg::Help(open) => {
            dispatcher.dispatch(Action::SetHelp(open));
            if !open {
                // Back to the button that opened it, once the dialog is gone and the page is no
                // longer inert.
                after_render(|| focus_selector(".help-button"));
            }
        }
        UiMsg::Sim(command) => {
            let (problem, forked, parent, at) = {
                let mut d = driver.borrow_mut();
                let parent = d.timeline().current().id.0;
                let forked = d.apply(command);
                (d.last_problem(), forked, parent, d.sim.now_ms())
            };
            if let Some(f) = forked {
                forked_notice(&dispatcher, lang, f, Some(parent), at);
            }
            match problem {
                Some(TraceEvent::Reply { reply: saga_sim::Reply::Rejected { reason } }) => {
                    notice(&dispatcher, i18n::rejection(lang, reason).to_string(), true)
                }
                Some(TraceEvent::Refused { reason }) => {
                    notice(&dispatcher, i18n::refusal(lang, reason).to_string(), true)
                }
                _ => {}
            }
            refresh(driver, &dispatcher);
        }
        UiMsg::Select(None) => dispatcher.dispatch(Action::Select(None, Rc::default())),
        UiMsg::Select(Some(seq)) => {
            let (message, causal) = {
                let d = driver.borrow();
                let message = d.store.entry(seq).and_then(|e| d.store.message_of(&e.rec.event));
                let causal = message.map(|m| d.store.causal_view(m)).unwrap_or_default();
                (message, causal)
            };
            dispatcher.dispatch(Action::Select(Some((seq, message)), Rc::new(causal)));
            // Its ids, payload and causal tree open in the detail panel, where there is room.
            dispatcher.dispatch(Action::SetTab(crate::state::DetailTab::Event));
        }
        UiMsg::SetFilters(f) => dispatcher.dispatch(Action::SetFilters(f)),
        UiMsg::SetNext(next) => dispatcher.dispatch(Action::SetNext(next)),
        UiMsg::SetProtocol(..) | UiMsg::SetParticipants(_) => {
            let seed = driver.borrow().sim.seed();
            let mut next = (*state.next).clone();
            match msg {
                UiMsg::SetProtocol(protocol, strategy) => {
                    next.protocol = protocol;
                    next.two_phase.strategy = strategy;
                }
                UiMsg::SetParticipants(n) => next.two_phase.participants = n,
                _ => {}
            }
            driver.borrow_mut().reset(next.clone(), seed);
            dispatcher.dispatch(Action::SetNext(Rc::new(next)));
            dispatcher.dispatch(Action::NewRun { seed });
            dispatcher.dispatch(Action::SetLink(None));
            dispatcher.dispatch(Action::SetNotice(None));
            refresh(driver, &dispatcher);
        }
        UiMsg::SetCompare(on) => {
            if !driver.borrow_mut().set_compare(on) {
                notice(&dispatcher, t(lang, Key::TooLongToCompare).to_string(), true);
            }
            refresh(driver, &dispatcher);
        }
        UiMsg::FastForward(text) => {
            let max = saga_sim::MAX_FAST_FORWARD_ORDERS;
            let parent = driver.borrow().timeline().current().id.0;
            let at = driver.borrow().sim.now_ms();
            let started = text.trim().parse::<u32>().ok().map(|n| driver.borrow_mut().start_fast_forward(n));
            if let Some(Ok(forked)) = started {
                if let Some(f) = forked {
                    forked_notice(&dispatcher, lang, f, Some(parent), at);
                }
                // A fast-forward runs only while the run plays.
                let mut d = driver.borrow_mut();
                if !d.playing {
                    d.set_playing(true);
                }
                // An earlier complaint about the number no longer applies.
                if forked.is_none() {
                    dispatcher.dispatch(Action::SetNotice(None));
                }
            } else {
                let text = format!(
                    "{}: {}: 1–{}",
                    t(lang, Key::ChaosOrders),
                    t(lang, Key::NumberInvalid),
                    crate::format::count(max.into())
                );
                notice(&dispatcher, text, true);
            }
            refresh(driver, &dispatcher);
        }
        UiMsg::BadInput(text) => notice(&dispatcher, text, true),
        UiMsg::Seek(t_ms) => {
            driver.borrow_mut().seek(t_ms);
            dispatcher.dispatch(Action::PausedByHiding(false));
            refresh(driver, &dispatcher);
        }
        UiMsg::SwitchBranch(id) => {
            driver.borrow_mut().switch_branch(id);
            refresh(driver, &dispatcher);
        }
        UiMsg::CopyLink => {
            let Some(link) = run_link(driver) else { return };
            let chars = link.len();
            dispatcher.dispatch(Action::SetLink(Some(link.clone().into())));
            let copied = format!(
                "{} ({} {})",
                t(lang, Key::LinkCopied),
                crate::format::count(chars as u64),
                t(lang, Key::Characters)
            );
            let clipboard = web_sys::window().map(|w| w.navigator().clipboard());
            let dispatcher = dispatcher.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let done = match clipboard {
                    Some(c) => wasm_bindgen_futures::JsFuture::from(c.write_text(&link)).await.is_ok(),
                    None => false,
                };
                if done {
                    notice(&dispatcher, copied, false);
                } else {
                    notice(&dispatcher, t(lang, Key::CopyByHand).to_string(), true);
                    after_render(|| focus_selector(".link-field input"));
                }
            });
        }
        UiMsg::Export => {
            let (text, seed) = {
                let d = driver.borrow();
                let (run, end) = d.record();
                (saga_record::run_file::write(&run, Some(end)), run.seed)
            };
            download(&format!("saga-lab-run-{seed}.json"), &text);
        }
        UiMsg::OpenFile(name, text) => {
            let read = match text {
                Ok(text) => saga_record::run_file::read(&text).map_err(|p| i18n::field_problem(lang, &p)),
                Err(FileUnread::TooLarge(bytes)) => Err(i18n::field_problem(
                    lang,
                    &saga_sim::FieldProblem::new(
                        "",
                        saga_sim::Problem::TooLarge {
                            bytes,
                            max_bytes: crate::components::timeline_bar::MAX_FILE_BYTES,
                        },
                    ),
                )),
                Err(FileUnread::Unreadable) => Err(t(lang, Key::FileUnreadable).to_string()),
            };
            match read {
                Ok(file) => open_run(driver, &dispatcher, lang, &name, &file),
                Err(problem) => {
                    notice(&dispatcher, format!("{} — {name}: {problem}", t(lang, Key::FileUnusable)), true)
                }
            }
        }
        UiMsg::DismissNotice => dispatcher.dispatch(Action::SetNotice(None)),
    }
}

/// The animation loop's callback, which schedules itself again each frame.
type FrameCallback = Closure<dyn FnMut(f64)>;

/// Starts the one requestAnimationFrame loop: advance virtual time, move tokens, and refresh the
/// components when the world changed. Returns the clean-up that stops it.
fn start_animation(
    driver: Rc<RefCell<Driver>>,
    dispatcher: UseReducerDispatcher<UiState>,
    layer: NodeRef,
    look: Rc<RefCell<Look>>,
) -> impl FnOnce() {
    let stopped = Rc::new(Cell::new(false));
    let pending = Rc::new(Cell::new(None::<i32>));
    let window = web_sys::window();
    let animator = match (window.as_ref().and_then(|w| w.document()), layer.cast::<web_sys::Element>()) {
        (Some(doc), Some(el)) => Some(Animator::new(doc, el, reduced_motion())),
        _ => None,
    };
    let frame: Rc<RefCell<Option<FrameCallback>>> = Rc::new(RefCell::new(None));
    let (frame2, stopped2, pending2) = (frame.clone(), stopped.clone(), pending.clone());
    let mut animator = animator;
    let mut published_version = 0u64;
    let mut published_at = f64::NEG_INFINITY;
    let mut clock_at = f64::NEG_INFINITY;
    let mut refresh_due = false;
    let mut log_due = false;
    // How often the panels refresh now: it backs off when refreshes make frames slow, and
    // comes back when they do not.
    let mut refresh_ms = REFRESH_MS;
    let mut last_frame = f64::NEG_INFINITY;
    let mut redrew_last_frame = false;
    // What is in flight changes only when the engine steps or a command lands: between those,
    // frames reuse the list (with thousands in flight, building it is most of a frame's work).
    // Built at (steps, virtual ms, version, acts).
    let mut in_flight: (Option<[u64; 4]>, Vec<saga_sim::InFlight>) = (None, Vec::new());
    let mut in_flight_built_at = f64::NEG_INFINITY;
    // Looked up once: each lookup is a call out to JavaScript, and this runs every frame.
    let (window2, perf) = (window.clone(), window.as_ref().and_then(|w| w.performance()));
    *frame.borrow_mut() = Some(Closure::new(move |now: f64| {
        if stopped2.get() {
            return;
        }
        let started = perf.as_ref().map_or(0.0, |p| p.now());
        if redrew_last_frame {
            let gap = now - last_frame;
            refresh_ms = refresh_pace::after_redraw(refresh_ms, gap);
        }
        last_frame = now;
        redrew_last_frame = false;
        let (publish, clock_only, fast_forwarding, just_finished) = {
            let mut d = driver.borrow_mut();
            let was_fast_forwarding = d.fast_forwarding();
            if let Some(p) = perf.as_ref() {
                d.fast_forward_slice(&|| p.now(), FAST_FORWARD_SLICE_MS);
            }
            match perf.as_ref() {
                Some(p) => d.tick_within(now, &|| p.now(), ENGINE_SLICE_MS),
                None => d.tick(now),
            }
            if let Some(a) = animator.as_mut() {
                let stamp = Some([d.sim.stats().steps, d.sim.now_ms(), d.version, d.acts]);
                // A person's act always shows at once; the run going on by itself, on a
                // crowded stage, only every so often.
                let recent_enough = in_flight.1.len() > CROWDED_IN_FLIGHT
                    && now - in_flight_built_at < CROWDED_REBUILD_MS.max(refresh_ms.min(SLOWEST_REFRESH_MS))
                    && in_flight.0.map(|s| s[3]) == Some(d.acts);
                if in_flight.0 != stamp && !recent_enough {
                    in_flight.0 = stamp;
                    in_flight_built_at = now;
                    d.sim.in_flight_into(&mut in_flight.1);
                }
                let look = look.borrow();
                let g = crate::layout::Geometry::new(look.arrangement, d.sim.nodes_in_play());
                let _ = a.draw(&g, look.lang, &in_flight.1, d.virtual_ms, &look.causal);
                if let Some(p) = perf.as_ref() {
                    a.report_work_ms(p.now() - started);
                }
            }
            let changed = d.version != published_version;
            let publish = (changed && now - published_at >= refresh_ms) || refresh_due;
            // Nothing changed but the time: only the clock needs drawing.
            let clock_only = !publish && d.playing && now - clock_at >= CLOCK_MS.max(refresh_ms);
            let fast_forwarding = d.fast_forwarding();
            (publish, clock_only, fast_forwarding, was_fast_forwarding && !fast_forwarding)
        };
        if just_finished || (publish && fast_forwarding) {
            // Only the progress (or the verdict): the tables would be redrawn whole for the
            // thousands of orders each slice adds. After the last slice the whole page is
            // redrawn in the next frame, so the slice and the redraw are two tasks, not one.
            let status = driver.borrow().fast_forward_status();
            dispatcher.dispatch(Action::FastForward(status));
            published_at = now;
            refresh_due = just_finished;
        } else if publish {
            published_at = now;
            clock_at = now;
            redrew_last_frame = true;
            published_version = driver.borrow().version;
            // The first redraw after a fast-forward, or any while redraws make frames slow:
            // the panels now, the event log (its new lines) in the next frame, as two tasks of
            // a frame's size each rather than one of two or three.
            let split = refresh_due || refresh_ms > REFRESH_MS;
            refresh_with(&driver, &dispatcher, !split);
            log_due = split;
            refresh_due = false;
        } else if log_due {
            log_due = false;
            dispatcher.dispatch(Action::LogCatchUp);
        } else if clock_only {
            clock_at = now;
            redrew_last_frame = true;
            let d = driver.borrow();
            dispatcher.dispatch(Action::Clock(d.sim.now_ms(), d.behind()));
        }
        if let (Some(w), Some(f)) = (window2.as_ref(), frame2.borrow().as_ref()) {
            pending2.set(w.request_animation_frame(f.as_ref().unchecked_ref()).ok());
        }
    }));
    if let (Some(w), Some(f)) = (window.as_ref(), frame.borrow().as_ref()) {
        pending.set(w.request_animation_frame(f.as_ref().unchecked_ref()).ok());
    }
    move || {
        stopped.set(true);
        // Cancel the frame the browser still holds before dropping the closure it would call.
        if let (Some(w), Some(id)) = (web_sys::window(), pending.get()) {
            let _ = w.cancel_animation_frame(id);
        }
        frame.borrow_mut().take();
    }
}

/// What the animation loop draws with, besides the driver.
struct Look {
    causal: Rc<crate::store::CausalView>,
    lang: Lang,
    arrangement: Arrangement,
}

/// Whether the element is a field that uses the key itself: a text field or a select takes
/// every key; a slider takes the arrow keys (and only those).
fn field_takes(el: &web_sys::Element, key: &str) -> bool {
    let tag = el.tag_name().to_ascii_lowercase();
    if tag == "textarea" || tag == "select" || el.has_attribute("contenteditable") {
        return true;
    }
    if tag != "input" {
        return false;
    }
    match el.get_attribute("type").unwrap_or_default().to_ascii_lowercase().as_str() {
        "checkbox" | "radio" | "button" | "submit" | "reset" | "file" | "color" => false,
        "range" => key.starts_with("Arrow"),
        _ => true,
    }
}

/// The shortcut for a key press, if it is one: demo keys for everything a lecture needs, acting
/// everywhere but in a text field or a select. A button never takes Space (it plays or pauses)
/// and the arrows always step.
fn shortcut(e: &web_sys::KeyboardEvent) -> Option<UiMsg> {
    if e.ctrl_key() || e.meta_key() || e.alt_key() {
        return None;
    }
    let key = e.key();
    if key == "Escape" {
        return Some(UiMsg::Escape);
    }
    let target = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    if target.as_ref().is_some_and(|el| field_takes(el, &key)) {
        return None;
    }
    // Digits by their physical key, so Shift+1 reads as 1 on any keyboard layout.
    let code = e.code();
    if let Some(d) = code
        .strip_prefix("Digit")
        .and_then(|d| d.parse::<usize>().ok())
        .filter(|d| (1..=saga_sim::ServiceId::COUNT).contains(d))
    {
        return Some(if e.shift_key() { UiMsg::CutKey(d - 1) } else { UiMsg::CrashKey(d - 1) });
    }
    Some(match key.as_str() {
        " " => UiMsg::TogglePlay,
        "ArrowRight" => UiMsg::Step,
        "?" => UiMsg::Help(true),
        "+" | "=" => UiMsg::SpeedUp,
        "-" | "_" => UiMsg::SpeedDown,
        "l" | "L" => UiMsg::ToggleLang,
        "o" | "O" => UiMsg::PlaceOrderKey,
        "h" | "H" => UiMsg::Sim(saga_sim::Command::Fault(saga_sim::Fault::HealAll)),
        "r" | "R" => UiMsg::ResetKey,
        "p" | "P" => UiMsg::NextProtocol,
        "f" | "F" => UiMsg::EnlargeFocused,
        _ => return None,
    })
}

/// Keyboard shortcuts on the whole page. They listen in the capture phase, before the focused
/// element sees the key, so a focused button never turns Space into its own click.
fn install_keys(on: Rc<RefCell<Callback<UiMsg>>>) -> impl FnOnce() {
    // Space on a button clicks it on key-up: a Space that was a shortcut is swallowed there too.
    let swallow_up = Rc::new(Cell::new(false));
    let swallow = swallow_up.clone();
    let down = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
        if e.default_prevented() || e.is_composing() {
            return;
        }
        let Some(msg) = shortcut(&e) else { return };
        e.prevent_default();
        e.stop_propagation();
        swallow.set(e.key() == " ");
        // Holding a key repeats it: a held Space must not flicker play and pause.
        if e.repeat() && matches!(msg, UiMsg::TogglePlay | UiMsg::Help(_) | UiMsg::EnlargeFocused | UiMsg::ResetKey) {
            return;
        }
        on.borrow().emit(msg);
    });
    let up = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
        if e.key() == " " && swallow_up.replace(false) {
            e.prevent_default();
            e.stop_propagation();
        }
    });
    let window = web_sys::window();
    if let Some(w) = window.as_ref() {
        let _ = w.add_event_listener_with_callback_and_bool("keydown", down.as_ref().unchecked_ref(), true);
        let _ = w.add_event_listener_with_callback_and_bool("keyup", up.as_ref().unchecked_ref(), true);
    }
    move || {
        if let Some(w) = window {
            let _ = w.remove_event_listener_with_callback_and_bool("keydown", down.as_ref().unchecked_ref(), true);
            let _ = w.remove_event_listener_with_callback_and_bool("keyup", up.as_ref().unchecked_ref(), true);
        }
    }
}

/// Whether a drag carries files (not a text or a link being dragged about).
fn drags_files(e: &web_sys::DragEvent) -> bool {
    e.data_transfer().is_some_and(|dt| dt.types().iter().any(|t| t.as_string().as_deref() == Some("Files")))
}

/// A run file dropped anywhere on the page opens it; while a file is dragged over the page, a
/// hint says so.
fn install_drop(on: Rc<RefCell<Callback<UiMsg>>>) -> impl FnOnce() {
    use gloo_events::{EventListener, EventListenerOptions};
    let Some(window) = web_sys::window() else { return Box::new(|| ()) as Box<dyn FnOnce()> };
    let app = || web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector(".app").ok().flatten());
    let depth = Rc::new(Cell::new(0i32));
    let reader = Rc::new(RefCell::new(None));
    let options = EventListenerOptions::enable_prevent_default();
    let enter = {
        let depth = depth.clone();
        EventListener::new_with_options(&window, "dragenter", options, move |e| {
            let Some(e) = e.dyn_ref::<web_sys::DragEvent>().filter(|e| drags_files(e)) else { return };
            e.prevent_default();
            depth.set(depth.get() + 1);
            if let Some(a) = app() {
                let _ = a.class_list().add_1("dropping");
            }
        })
    };
    let over = EventListener::new_with_options(&window, "dragover", options, move |e| {
        // Without this the browser would open the file itself, leaving the page.
        if let Some(e) = e.dyn_ref::<web_sys::DragEvent>().filter(|e| drags_files(e)) {
            e.prevent_default();
        }
    });
    let leave = {
        let depth = depth.clone();
        EventListener::new(&window, "dragleave", move |_| {
            depth.set((depth.get() - 1).max(0));
            if depth.get() == 0
                && let Some(a) = app()
            {
                let _ = a.class_list().remove_1("dropping");
            }
        })
    };
    let dropped = EventListener::new_with_options(&window, "drop", options, move |e| {
        let Some(e) = e.dyn_ref::<web_sys::DragEvent>() else { return };
        e.prevent_default();
        depth.set(0);
        if let Some(a) = app() {
            let _ = a.class_list().remove_1("dropping");
        }
        if let Some(file) = e.data_transfer().and_then(|dt| dt.files()).and_then(|f| f.get(0)) {
            read_file(file, on.borrow().clone(), &reader);
        }
    });
    Box::new(move || std::mem::drop((enter, over, leave, dropped)))
}

/// Runs `f` once the browser has painted the current frame: a zero timeout queued from a frame
/// callback runs after that frame's paint. A hidden page gets no frames, so a timeout runs `f`
/// anyway; `f` must bear being asked twice.
fn after_paint(f: impl Fn() + Clone + 'static) {
    let Some(w) = web_sys::window() else { return f() };
    let late = f.clone();
    let frame = Closure::once_into_js(move || after_render(f));
    let _ = w.request_animation_frame(frame.unchecked_ref());
    gloo_timers::callback::Timeout::new(200, late).forget();
}

/// Runs `f` after the render that the current event causes (a timeout of zero runs after Yew's
/// scheduled render).
fn after_render(f: impl FnOnce() + 'static) {
    gloo_timers::callback::Timeout::new(0, f).forget();
}

/// Focuses the first element matching `selector`.
fn focus_selector(selector: &str) {
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = el {
        let _ = el.focus();
    }
}

/// Moves the focus back to the page itself, so the next key press is a shortcut.
fn focus_page() {
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = active {
        let _ = el.blur();
    }
}

/// The end-to-end tests' hook: `dispatchEvent(new CustomEvent("saga-advance", {detail: ms}))`
/// pauses the run and advances virtual time by exactly `ms` (0 only pauses). Tests drive time
/// with it instead of waiting for the wall clock, so they never pass or fail by timing luck.
/// Harmless on a published page: only the page's own scripts can send it.
fn install_test_hook(driver: Rc<RefCell<Driver>>, dispatcher: UseReducerDispatcher<UiState>) -> impl FnOnce() {
    let handler = Closure::<dyn FnMut(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
        let ms = e.detail().as_f64().filter(|x| x.is_finite() && *x >= 0.0).unwrap_or(0.0);
        driver.borrow_mut().advance_by(ms as u64);
        dispatcher.dispatch(Action::PausedByHiding(false));
        refresh(&driver, &dispatcher);
    });
    let window = web_sys::window();
    if let Some(w) = window.as_ref() {
        let _ = w.add_event_listener_with_callback("saga-advance", handler.as_ref().unchecked_ref());
    }
    move || {
        if let Some(w) = window {
            let _ = w.remove_event_listener_with_callback("saga-advance", handler.as_ref().unchecked_ref());
        }
    }
}

/// Below this width the stage stands upright (a phone); above it, it lies wide.
const TALL_BELOW: &str = "(max-width: 640px)";

/// The arrangement the screen's width asks for now.
fn arrangement_now() -> Arrangement {
    let narrow = web_sys::window().and_then(|w| w.match_media(TALL_BELOW).ok().flatten()).is_some_and(|m| m.matches());
    if narrow { Arrangement::Tall } else { Arrangement::Wide }
}

/// Follows the screen's width: a phone turned sideways gets the wide stage, and back.
fn install_arrangement(dispatcher: UseReducerDispatcher<UiState>) -> impl FnOnce() {
    let query = web_sys::window().and_then(|w| w.match_media(TALL_BELOW).ok().flatten());
    let handler = Closure::<dyn FnMut()>::new(move || dispatcher.dispatch(Action::SetArrangement(arrangement_now())));
    if let Some(q) = query.as_ref() {
        let _ = q.add_event_listener_with_callback("change", handler.as_ref().unchecked_ref());
    }
    move || {
        if let Some(q) = query {
            let _ = q.remove_event_listener_with_callback("change", handler.as_ref().unchecked_ref());
        }
    }
}

/// Pauses the run while the tab is hidden, and resumes it if it was playing.
fn install_visibility(driver: Rc<RefCell<Driver>>, dispatcher: UseReducerDispatcher<UiState>) -> impl FnOnce() {
    let auto_paused = Rc::new(Cell::new(false));
    let doc = web_sys::window().and_then(|w| w.document());
    let doc2 = doc.clone();
    let handler = Closure::<dyn FnMut()>::new(move || {
        let Some(doc) = doc2.as_ref() else { return };
        if doc.hidden() {
            let playing = driver.borrow().playing;
            if playing {
                driver.borrow_mut().set_playing(false);
                auto_paused.set(true);
                dispatcher.dispatch(Action::PausedByHiding(true));
                refresh(&driver, &dispatcher);
            }
        } else if auto_paused.replace(false) {
            driver.borrow_mut().set_playing(true);
            dispatcher.dispatch(Action::PausedByHiding(false));
            refresh(&driver, &dispatcher);
        }
    });
    if let Some(d) = doc.as_ref() {
        let _ = d.add_event_listener_with_callback("visibilitychange", handler.as_ref().unchecked_ref());
    }
    move || {
        if let Some(d) = doc {
            let _ = d.remove_event_listener_with_callback("visibilitychange", handler.as_ref().unchecked_ref());
        }
    }
}
