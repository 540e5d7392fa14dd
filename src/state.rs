//! The UI's state, as a Yew reducer. The simulation itself lives in the `Driver`; this holds what
//! the components render from and the choices the person made.

use crate::i18n::Lang;
use saga_sim::EventType;
use saga_sim::{MessageId, OrderId, View};
use std::rc::Rc;
use yew::Reducible;

/// A view of the world, compared by version so props stay cheap to compare.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// The view.
    pub view: Rc<View>,
    /// The driver's version when it was taken.
    pub version: u64,
    /// The run's fingerprint (its trace hash) at that moment.
    pub trace_hash: u64,
    /// Each protocol's figures when the compare view runs (empty otherwise).
    pub compare: Rc<Vec<(saga_sim::Protocol, saga_sim::Metrics)>>,
}

impl PartialEq for Snapshot {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && Rc::ptr_eq(&self.view, &other.view)
    }
}

/// A message for the person, shown until dismissed or replaced.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// The text.
    pub text: String,
    /// Whether it reports a problem (an error style) or just informs.
    pub problem: bool,
}

/// One branch as the timeline strip lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BranchRow {
    /// Its number.
    pub id: saga_sim::BranchId,
    /// The branch it left and when, if any.
    pub parent: Option<(saga_sim::BranchId, u64)>,
    /// How far it has been run.
    pub end_ms: u64,
}

/// What the timeline strip shows: the branches, the one on screen, and whether the moment on
/// screen is in its past.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimelineView {
    /// Every branch, oldest first.
    pub branches: Rc<Vec<BranchRow>>,
    /// The branch on screen.
    pub current: Option<saga_sim::BranchId>,
    /// Its end.
    pub end_ms: u64,
    /// Whether the moment on screen is before its end (acting there starts a new branch).
    pub in_past: bool,
    /// Whether the past can be rebuilt at all.
    pub replayable: bool,
    /// Bumped whenever a different past is put on screen (a seek, a switch, a new run), so
    /// a selection made in another past is cleared.
    pub shown: u64,
}

/// Event-log filters.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Filters {
    /// Only this order.
    pub order: Option<OrderId>,
    /// Only this event type.
    pub event_type: Option<EventType>,
    /// Include acks, batches, offsets.
    pub transport: bool,
}

/// A panel of the page that can be enlarged to take most of the screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// The stage.
    Stage,
    /// The tabbed detail: tables, admin panel, settings, compare, fast-forward.
    Detail,
    /// The consistency verdict and its invariants.
    Verdict,
    /// The event log.
    Log,
}

impl Panel {
    /// Its name in the page's markup (`data-panel`, `data-enlarged`).
    pub fn id(self) -> &'static str {
        match self {
            Panel::Stage => "stage",
            Panel::Detail => "detail",
            Panel::Verdict => "verdict",
            Panel::Log => "log",
        }
    }

    /// The panel named `id` in the page's markup.
    pub fn from_id(id: &str) -> Option<Panel> {
        [Panel::Stage, Panel::Detail, Panel::Verdict, Panel::Log].into_iter().find(|p| p.id() == id)
    }
}

/// A tab of the detail panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DetailTab {
    /// Orders.
    Orders,
    /// Stock.
    Stock,
    /// Deliveries.
    Deliveries,
    /// The bus log.
    Bus,
    /// Sagas (orchestration) or transactions, the admin panel (TCC, 2PC).
    Sagas,
    /// Outboxes and the dead-letter queue.
    Reliability,
    /// Network and settings.
    Settings,
    /// The compare view.
    Compare,
    /// The fast-forward.
    FastForward,
    /// The selected event: its ids, payload and causal tree (only while one is selected).
    Event,
}

impl DetailTab {
    /// Every tab, in order; the selected event's comes first, so it is in view when it opens.
    pub const ALL: [DetailTab; 10] = [
        DetailTab::Event,
        DetailTab::Orders,
        DetailTab::Stock,
        DetailTab::Deliveries,
        DetailTab::Bus,
        DetailTab::Sagas,
        DetailTab::Reliability,
        DetailTab::Settings,
        DetailTab::Compare,
        DetailTab::FastForward,
    ];

    /// Its label.
    pub fn key(self) -> crate::i18n::Key {
        use crate::i18n::Key;
        match self {
            DetailTab::Orders => Key::Orders,
            DetailTab::Stock => Key::Stock,
            DetailTab::Deliveries => Key::Deliveries,
            DetailTab::Bus => Key::BusLog,
            DetailTab::Sagas => Key::Sagas,
            DetailTab::Reliability => Key::OutboxAndDlq,
            DetailTab::Settings => Key::Settings,
            DetailTab::Compare => Key::Compare,
            DetailTab::FastForward => Key::FastForward,
            DetailTab::Event => Key::Details,
        }
    }

    /// Its name in the page's markup.
    pub fn id(self) -> &'static str {
        match self {
            DetailTab::Orders => "orders",
            DetailTab::Stock => "stock",
            DetailTab::Deliveries => "deliveries",
            DetailTab::Bus => "bus",
            DetailTab::Sagas => "sagas",
            DetailTab::Reliability => "reliability",
            DetailTab::Settings => "settings",
            DetailTab::Compare => "compare",
            DetailTab::FastForward => "fast-forward",
            DetailTab::Event => "event",
        }
    }
}

/// The UI state.
#[derive(Clone, Debug, PartialEq)]
pub struct UiState {
    /// Display language.
    pub lang: Lang,
    /// The latest view.
    pub snapshot: Snapshot,
    /// Playing or paused.
    pub playing: bool,
    /// Speed as a power of ten.
    pub speed_exp: f64,
    /// Whether the engine fell behind that speed just now (`Driver::behind`).
    pub behind: bool,
    /// The selected log entry (by sequence number) and its message, if it has one.
    pub selected: Option<(u64, Option<MessageId>)>,
    /// The selected message's causal picture (its line, its request's tree, the same order).
    pub causal: Rc<crate::store::CausalView>,
    /// Event-log filters.
    pub filters: Filters,
    /// Whether the help overlay is open.
    pub help_open: bool,
    /// A message for the person.
    pub notice: Option<Notice>,
    /// Whether the run was paused because the tab was hidden.
    pub paused_by_hiding: bool,
    /// The seed shown in the seed box.
    pub seed: u64,
    /// The configuration the next reset starts with: the run's own, changed by the settings
    /// that apply on reset (the protocol menu resets at once).
    pub next: Rc<saga_sim::SimConfig>,
    /// The run's timeline as the strip shows it.
    pub timeline: TimelineView,
    /// The link made last, to copy by hand (the clipboard may refuse).
    pub link: Option<yew::AttrValue>,
    /// The current or last fast-forward, if any since the reset. Updated on its own while a
    /// fast-forward runs: the rest of the page waits for its end instead of redrawing every
    /// table for thousands of orders ten times a second.
    pub fast_forward: Option<crate::driver::FastForwardStatus>,
    /// How the stage arranges its nodes (wide screens, or a phone held upright).
    pub arrangement: crate::layout::Arrangement,
    /// The panel enlarged to take most of the screen, if any.
    pub enlarged: Option<Panel>,
    /// The detail panel's open tab.
    pub tab: DetailTab,
    /// Virtual time as the clock shows it: it moves with every snapshot, and on its own a few
    /// times a second while nothing else changes.
    pub now_ms: u64,
    /// The snapshot version the event log shows: it may lag one frame behind, so that the
    /// redraw after a fast-forward is two tasks (the panels, then the log), not one long one.
    pub log_version: u64,
}

/// Something that changes the UI state.
#[derive(Clone, Debug)]
pub enum Action {
    /// A new view from the driver.
    Refresh(Snapshot),
    /// Play state and speed as the driver has them.
    Transport { playing: bool, speed_exp: f64, behind: bool },
    /// The language changed.
    SetLang(Lang),
    /// An entry was selected (or the selection cleared).
    Select(Option<(u64, Option<MessageId>)>, Rc<crate::store::CausalView>),
    /// Filters changed.
    SetFilters(Filters),
    /// Open or close help.
    SetHelp(bool),
    /// Show or clear a notice.
    SetNotice(Option<Notice>),
    /// Remember a pause caused by hiding the tab.
    PausedByHiding(bool),
    /// A new run started (a reset, a protocol switch, a link or a file) with this seed.
    NewRun { seed: u64 },
    /// The configuration of the next reset changed.
    SetNext(Rc<saga_sim::SimConfig>),
    /// The timeline changed (a new branch, a switch, the end moved).
    Timeline(TimelineView),
    /// Show a link to copy, or hide it.
    SetLink(Option<yew::AttrValue>),
    /// Where the fast-forward stands.
    FastForward(Option<crate::driver::FastForwardStatus>),
    /// A new view for every panel but the event log, which catches up with `LogCatchUp`.
    RefreshAllButLog(Snapshot),
    /// The event log shows what the latest view shows.
    LogCatchUp,
    /// The screen became narrow or wide.
    SetArrangement(crate::layout::Arrangement),
    /// Enlarge a panel, or put it back (`None`).
    Enlarge(Option<Panel>),
    /// Open a tab of the detail panel.
    SetTab(DetailTab),
    /// Only the time moved (and whether the engine is behind the speed asked for).
    Clock(u64, bool),
}

impl Reducible for UiState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Refresh(snapshot) => {
                if snapshot == s.snapshot {
                    return self;
                }
                s.log_version = snapshot.version;
                s.now_ms = snapshot.view.now_ms;
                s.snapshot = snapshot;
            }
            Action::RefreshAllButLog(snapshot) => {
                if snapshot == s.snapshot {
                    return self;
                }
                s.now_ms = snapshot.view.now_ms;
                s.snapshot = snapshot;
            }
            Action::LogCatchUp => {
                if s.log_version == s.snapshot.version {
                    return self;
                }
                s.log_version = s.snapshot.version;
            }
            Action::Transport { playing, speed_exp, behind } => {
                s.playing = playing;
                s.speed_exp = speed_exp;
                s.behind = behind;
            }
            Action::SetLang(lang) => s.lang = lang,
            Action::Select(sel, causal) => {
                s.selected = sel;
                s.causal = causal;
            }
            Action::SetFilters(f) => s.filters = f,
            Action::SetHelp(open) => s.help_open = open,
            Action::SetNotice(n) => s.notice = n,
            Action::PausedByHiding(p) => s.paused_by_hiding = p,
            Action::NewRun { seed } => {
                s.seed = seed;
                s.selected = None;
                s.causal = Rc::default();
            }
            Action::SetNext(next) => s.next = next,
            Action::SetLink(link) => s.link = link,
            Action::Timeline(timeline) => {
                if timeline == s.timeline {
                    return self;
                }
                // Another past: the selected event's number now means another event.
                if timeline.shown != s.timeline.shown {
                    s.selected = None;
                    s.causal = Rc::default();
                }
                s.timeline = timeline;
            }
            Action::SetArrangement(a) => s.arrangement = a,
            Action::Enlarge(p) => s.enlarged = p,
            Action::SetTab(t) => s.tab = t,
            Action::Clock(now, behind) => {
                if now == s.now_ms && behind == s.behind {
                    return self;
                }
                s.now_ms = now;
                s.behind = behind;
            }
            Action::FastForward(status) => {
                if status == s.fast_forward {
                    return self;
                }
                s.fast_forward = status;
            }
        }
        Rc::new(s)
    }
}
