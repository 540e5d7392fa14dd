//! What a component asks the app to do. Components stay thin: they render props and send these.

use crate::i18n::Lang;
use crate::state::Filters;
use saga_sim::Command;

/// A request from a component to the app.
#[derive(Clone, Debug, PartialEq)]
pub enum UiMsg {
    /// Play or pause.
    TogglePlay,
    /// Run to the next visible event.
    Step,
    /// Set the speed (a power of ten).
    SetSpeedExp(f64),
    /// One notch faster (keyboard).
    SpeedUp,
    /// One notch slower (keyboard).
    SpeedDown,
    /// Switch to the other language (keyboard).
    ToggleLang,
    /// Close the help if open, otherwise clear the selection (keyboard).
    Escape,
    /// Start again with the seed typed in the seed box (validated by the app).
    Reset(String),
    /// Switch language.
    SetLang(Lang),
    /// Open or close the help overlay.
    Help(bool),
    /// Send a command to the simulation.
    Sim(Command),
    /// Select a log entry by sequence number, or clear the selection.
    Select(Option<u64>),
    /// Change the event-log filters.
    SetFilters(Filters),
    /// The configuration the next reset starts with.
    SetNext(std::rc::Rc<saga_sim::SimConfig>),
    /// Switch protocol (and, for TCC, the strategy for stuck orders): the run starts again.
    SetProtocol(saga_sim::Protocol, saga_sim::StuckStrategy),
    /// How many participants a TCC or 2PC transaction has (3 to 5): the run starts again.
    SetParticipants(u32),
    /// Turn the compare view on or off.
    SetCompare(bool),
    /// Run this many orders under chaos (the text typed, validated by the app).
    FastForward(String),
    /// Report bad input the component could not turn into a command.
    BadInput(String),
    /// Dismiss the notice.
    DismissNotice,
    /// Enlarge this panel, or put it back if it is the one enlarged.
    Enlarge(crate::state::Panel),
    /// Enlarge the panel that holds the focus (the stage when none does), or put it back
    /// (keyboard).
    EnlargeFocused,
    /// Place an order with what the order form holds (keyboard).
    PlaceOrderKey,
    /// Crash the node (or restart it when down), by its place in `ServiceId::NODES` (keyboard).
    CrashKey(usize),
    /// Cut the node's link (or heal it when cut) (keyboard).
    CutKey(usize),
    /// Start the run again with the same seed (keyboard).
    ResetKey,
    /// Switch to the next protocol in the menu (keyboard).
    NextProtocol,
    /// Open a tab of the detail panel.
    SetTab(crate::state::DetailTab),
    /// Open the admin panel at this order's row, its decision buttons in reach.
    OpenAdmin(saga_sim::OrderId),
    /// Show the run as it was at this virtual time (`u64::MAX`: its end).
    Seek(u64),
    /// Put another branch of the run on screen.
    SwitchBranch(saga_sim::BranchId),
    /// Put a link to the run on the clipboard (and in the strip, to copy by hand).
    CopyLink,
    /// Download the run as a JSON file.
    Export,
    /// Open a run file the person picked or dropped: its name, and its text or why it could
    /// not be read.
    OpenFile(String, Result<String, FileUnread>),
}

/// Why a picked or dropped file was not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileUnread {
    /// Larger than a run file can be: not read at all.
    TooLarge(u64),
    /// The browser could not read it, or it is not UTF-8 text.
    Unreadable,
}
