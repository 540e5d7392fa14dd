//! The one translation table. Every visible string comes from here, in English and Korean; a
//! key without both is a compile error.
//!
//! Domain identifiers are shown as they are in both languages, as the seed documents themselves
//! do: event type names (OrderPlaced, ...), status codes (PENDING, CONFIRMED, CANCELLED, with a
//! Korean word beside them), ids (o3, m12, p0), product names from the configuration, key names
//! (Space, Esc) and unit symbols (ms, s).

use saga_sim::CancelReason;
use saga_sim::DeliveryStatus;
use saga_sim::Invariant;
use saga_sim::Outcome;
use saga_sim::Refusal;
use saga_sim::ServiceId;
use saga_sim::{OrderStatus, Rejection};

/// A display language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Korean, the language of the seed documents.
    Ko,
}

impl Lang {
    /// The language for a BCP 47 tag such as `ko-KR`; English for anything else.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("ko") { Lang::Ko } else { Lang::En }
    }

    /// The tag for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }
}

/// The Korean half of the `t` table as a file of its own, `static/ko.txt`: a header line, then
/// one text per key in key order. Natively the table is compiled in; the page fetches the file
/// the first time Korean is chosen (at boot, or on the language button) and keeps it.
pub mod korean {
    /// The file's name, relative to the page (so a site in a sub-folder finds it too).
    pub const FILE: &str = "ko.txt";
    /// The header's start; the key count follows, so a stale file is refused, not misread.
    const HEADER: &str = "# saga-lab ko ";

    #[cfg(target_arch = "wasm32")]
    static TABLE: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();

    /// The Korean table, once it is there.
    #[cfg(target_arch = "wasm32")]
    pub fn table() -> Option<&'static [&'static str]> {
        TABLE.get().map(Vec::as_slice)
    }
    /// The Korean table, compiled in.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn table() -> Option<&'static [&'static str]> {
        Some(super::KO)
    }

    /// Whether Korean can be shown now.
    pub fn loaded() -> bool {
        table().is_some()
    }

    /// The file's text for `table`.
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    pub fn file_text(table: &[&str]) -> String {
        let mut out = format!("{HEADER}{}\n", table.len());
        for text in table {
            out.push_str(text);
            out.push('\n');
        }
        out
    }

    /// The texts in `file`, if it is a pack for exactly `keys` keys.
    pub fn parse(file: &str, keys: usize) -> Result<Vec<&str>, String> {
        let mut lines = file.lines();
        let count = lines.next().and_then(|h| h.strip_prefix(HEADER)).and_then(|n| n.trim().parse::<usize>().ok());
        if count != Some(keys) {
            return Err(format!("{FILE} is not the Korean text of this version ({keys} texts expected)"));
        }
        let texts: Vec<&str> = lines.collect();
        if texts.len() != keys {
            return Err(format!("{FILE} has {} texts, not {keys}", texts.len()));
        }
        Ok(texts)
    }

    /// Fetches and keeps the Korean table (once; later calls return at once).
    #[cfg(target_arch = "wasm32")]
    pub async fn load() -> Result<(), String> {
        use wasm_bindgen::JsCast;
        use wasm_bindgen_futures::JsFuture;
        if loaded() {
            return Ok(());
        }
        // Plain fetch rather than gloo-net: a few lines of glue against a new dependency.
        let failed = |what: &str| format!("{FILE}: {what}");
        let window = web_sys::window().ok_or_else(|| failed("no window"))?;
        let response = JsFuture::from(window.fetch_with_str(FILE)).await.map_err(|_| failed("not reachable"))?;
        let response: web_sys::Response = response.dyn_into().map_err(|_| failed("no response"))?;
        if !response.ok() {
            return Err(failed(&format!("HTTP {}", response.status())));
        }
        let text = response.text().map_err(|_| failed("unreadable"))?;
        let text = JsFuture::from(text).await.ok().and_then(|t| t.as_string()).ok_or_else(|| failed("unreadable"))?;
        // Kept for the page's lifetime: the texts are `&'static str` like the English ones.
        let text: &'static str = Box::leak(text.into_boxed_str());
        let table = parse(text, super::Key::ALL.len())?;
        let _ = TABLE.set(table);
        Ok(())
    }
}

macro_rules! keys {
    ($($key:ident => $en:expr, $ko:expr;)*) => {
        /// A piece of visible text.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Key { $($key),* }

        impl Key {
            /// Every key, for the completeness test.
            #[cfg_attr(not(test), allow(dead_code))]
            pub const ALL: &'static [Key] = &[$(Key::$key),*];
        }

        // Tables indexed by key: smaller in the WebAssembly than a match with an arm per key
        // and language. The Korean table is compiled in natively only (for the tests, and as
        // the source of `static/ko.txt`); the page fetches that file when Korean is chosen, so
        // an English visitor never downloads it (see `korean`).
        const EN: &[&str] = &[$($en),*];
        #[cfg(not(target_arch = "wasm32"))]
        const KO: &[&str] = &[$($ko),*];

        /// The text of `key` in `lang` (English until the Korean table is there). Kept out of
        /// line: it is called from hundreds of places.
        #[inline(never)]
        pub fn t(lang: Lang, key: Key) -> &'static str {
            let i = key as usize;
            let ko = if lang == Lang::Ko { korean::table().and_then(|k| k.get(i).copied()) } else { None };
            ko.or_else(|| EN.get(i).copied()).unwrap_or_default()
        }
    };
}

keys! {
    AppTitle => "Saga Lab", "사가 랩";
    AppSubtitle => "Choreographed & orchestrated sagas, TCC, 2PC", "코레오그래피·오케스트레이션 사가, TCC, 2PC";
    Play => "Play", "재생";
    Pause => "Pause", "일시정지";
    Step => "Step", "한 단계";
    StepHint => "Run to the next visible event", "다음 이벤트까지 실행";
    Speed => "Speed", "속도";
    Transport => "Play, step and speed", "재생, 한 단계, 속도";
    SpeedMeaning => "×1 is real time: one second of virtual time per second. ×0.1 shows one saga in about 5 seconds.", "×1은 실제 시간입니다: 1초에 가상 시간 1초. ×0.1이면 사가 하나가 약 5초에 걸쳐 보입니다.";
    Reset => "Reset", "초기화";
    Behind => "slowed", "느려짐";
    BehindMeaning => "This machine cannot keep up at this speed just now: virtual time runs slower until it catches up.", "이 기기가 지금 이 속도를 따라가지 못합니다: 따라잡을 때까지 가상 시간이 더 느리게 흐릅니다.";
    ProductInStock => "Product (units in stock)", "상품 (재고량)";
    ResetHint => "Start the run again with the same seed and settings", "같은 시드와 설정으로 실행을 다시 시작";
    ResetWithSeed => "Reset with this seed", "이 시드로 초기화";
    SeedHint => "The same seed, settings and actions give the same run, bit for bit.", "같은 시드, 설정, 조작이면 같은 실행이 정확히 재현됩니다.";
    Seed => "Seed", "시드";
    SeedInvalid => "The seed must be a whole number between 0 and 18446744073709551615.", "시드는 0부터 18446744073709551615 사이의 정수여야 합니다.";
    VirtualTime => "Virtual time", "가상 시간";
    Language => "Language", "언어";
    Help => "Keyboard shortcuts", "단축키";
    Close => "Close", "닫기";
    PausedHidden => "Paused while the tab was hidden", "탭이 숨겨져 일시정지됨";
    Stage => "Services and the event bus", "서비스와 이벤트 버스";
    StageDescription => "Order, Product and Delivery exchange events through the bus. Moving labels are messages in flight.", "주문, 상품, 배송 서비스가 버스를 통해 이벤트를 주고받습니다. 움직이는 라벨은 전송 중인 메시지입니다.";
    Client => "Client", "클라이언트";
    Bus => "Bus (log)", "버스 (로그)";
    Up => "UP", "정상";
    Down => "DOWN", "다운";
    Cut => "link cut", "연결 끊김";
    Lag => "lag", "랙";
    Outbox => "outbox", "아웃박스";
    Handling => "handling", "메시지 처리";
    Idle => "idle", "대기";
    Orders => "Orders", "주문";
    Stock => "Stock", "재고";
    Deliveries => "Deliveries", "배송";
    BusLog => "Bus log", "버스 로그";
    Order => "Order", "주문";
    Product => "Product", "상품";
    Quantity => "Quantity", "수량";
    Status => "Status", "상태";
    Reason => "Reason", "사유";
    Idempotency => "Idempotency key", "멱등 키";
    PlacedAt => "Placed at", "주문 시각";
    UpdatedAt => "Updated at", "변경 시각";
    Actions => "Actions", "작업";
    CancelOrder => "Cancel", "취소";
    CancelOrderNamed => "Cancel order", "주문 취소";
    PlaceOrder => "Place order", "주문하기";
    NewOrder => "New order", "새 주문";
    InitialStock => "Initial", "초기 재고";
    ReplicaInOrder => "Order's copy", "주문 서비스의 사본";
    Stale => "stale", "오래됨";
    SetStock => "Set stock", "재고 설정";
    NewStock => "New stock", "새 재고";
    Parcels => "Parcels", "발송 수";
    Complete => "Hand over", "배송 완료";
    CompleteNamed => "Mark delivery handed over for order", "배송 완료 처리: 주문";
    Offset => "Offset", "오프셋";
    Message => "Message", "메시지";
    Type => "Type", "유형";
    Source => "Source", "발행자";
    Committed => "Committed offsets", "커밋된 오프셋";
    CopyRecord => "copy", "중복본";
    NoOrders => "No orders yet. Place one to start the saga.", "아직 주문이 없습니다. 주문을 넣어 사가를 시작하세요.";
    NoDeliveries => "No deliveries yet.", "아직 배송이 없습니다.";
    EmptyLog => "The log is empty.", "로그가 비어 있습니다.";
    EventLog => "Event log", "이벤트 로그";
    FilterOrder => "Filter by order", "주문으로 거르기";
    FilterType => "Filter by event type", "이벤트 유형으로 거르기";
    AllOrders => "All orders", "모든 주문";
    AllTypes => "All types", "모든 유형";
    ShowTransport => "All, with acks, offsets, batches", "모두 + ack, 오프셋, 배치";
    NoEvents => "Nothing has happened yet.", "아직 아무 일도 없습니다.";
    Details => "Selected event", "선택한 이벤트";
    SelectHint => "Select an event to see its ids, payload and causal chain.", "이벤트를 선택하면 ID, 내용, 인과 사슬을 볼 수 있습니다.";
    MessageId => "Message id", "메시지 ID";
    CorrelationId => "Correlation id (order)", "상관관계 ID (주문)";
    CausationId => "Causation id", "원인 ID";
    CausedByUser => "none: a user request", "없음: 사용자 요청";
    EmittedAt => "Emitted at", "발행 시각";
    Payload => "Payload", "내용";
    Chain => "Causal chain: the request's tree, this event's own line marked", "인과 사슬: 요청의 트리, 이 이벤트의 계보 표시";
    JoinTitle => "Order's all-done step joins", "주문 서비스의 완료 단계가 합침";
    JoinDone => "CONFIRMED", "CONFIRMED";
    JoinWaiting => "waits for the other answer", "다른 응답을 기다림";
    SameOrder => "Same order, another request", "같은 주문, 다른 요청";
    ClearSelection => "Clear selection", "선택 해제";
    Compensation => "compensation", "보상 트랜잭션";
    Consistency => "Eventual consistency", "최종 일관성";
    Consistent => "Consistent", "최종 일관성 도달";
    Converging => "Converging", "수렴 중";
    ConvergingMeaning => "Temporarily inconsistent while work is in flight: eventual consistency.", "작업이 진행되는 동안 서비스 사이의 정합성이 잠시 어긋납니다: 최종 일관성입니다.";
    ViolatedVerdict => "Violated", "위반";
    ViolatedMeaning => "An invariant is broken: this will not heal by itself.", "불변식이 깨졌습니다. 저절로 회복되지 않습니다.";
    ConsistentSince => "since", "시작:";
    ConvergingFor => "so far", "경과";
    Latest => "latest", "최근";
    RefusedBadge => "REFUSED", "거절됨";
    FixPoison => "Fix", "수정";
    OperatorNeeded => "An operator must decide", "운영자 결정 필요:";
    OperatorWhy => "stuck PENDING after a failed Confirm", "Confirm 실패 후 처리 중(PENDING)에 멈춤";
    OpenAdmin => "Open the admin panel", "관리 패널 열기";
    WhyNotConsistent => "not consistent now", "지금은 일관되지 않음";
    WhyNoOrder => "no order yet", "아직 주문 없음";
    WhyNoFinalOrder => "no order has finished yet", "아직 끝난 주문 없음";
    WhyNoLocks => "only two-phase commit locks rows", "행을 잠그는 것은 2단계 커밋뿐";
    WhyNoReservations => "only TCC reserves stock", "재고를 예약하는 것은 TCC뿐";
    StillMoving => "Still moving", "진행 중인 작업";
    NothingMoving => "nothing in flight", "전송 중인 것 없음";
    InFlightCount => "in flight", "전송 중";
    PendingOrders => "PENDING", "처리 중";
    WaitingDeadLetters => "dead letters waiting", "대기 중인 데드 레터";
    RegistryWaiting => "compensations parked", "보류된 보상 트랜잭션";
    OutboxRows => "unsent outbox rows", "미발행 아웃박스 행";
    Dash => "—", "—";
    NoWindowClosed => "no inconsistency window has closed yet", "아직 닫힌 불일치 구간이 없습니다";
    AllInvariants => "Every invariant", "모든 불변식";
    Holds => "holds", "충족";
    Violated => "violated", "위반";
    Pending => "pending", "진행 중";
    SafetyInvariants => "Safety (always)", "안전성 (항상)";
    ConvergenceInvariants => "Convergence (once quiet)", "수렴성 (조용해지면)";
    Windows => "Inconsistency windows", "불일치 구간";
    Longest => "longest", "최장";
    Violations => "Violations", "위반 기록";
    Quiet => "quiet", "조용함";
    Busy => "messages in flight", "메시지 전송 중";
    Faults => "Faults", "장애 주입";
    Crash => "Crash", "다운";
    Restart => "Restart", "재시작";
    Partition => "Cut link", "연결 끊기";
    Heal => "Heal link", "연결 복구";
    Slow => "Slow", "느리게";
    Network => "Network weather", "네트워크 상태";
    Scope => "Applies to", "적용 대상";
    AllLinks => "All links", "모든 링크";
    DropPct => "Drop %", "유실 %";
    DuplicatePct => "Duplicate %", "중복 %";
    DelayPct => "Delay %", "지연 %";
    DelayMax => "Delay up to (ms)", "최대 지연 (ms)";
    ReorderPct => "Reorder %", "순서 뒤바뀜 %";
    Apply => "Apply", "적용";
    HealAll => "Heal everything", "모두 복구";
    Placement => "When Product is unreachable", "상품 서비스에 연결할 수 없을 때";
    Ap => "AP: accept as PENDING", "AP: 처리 중(PENDING)으로 접수";
    Cp => "CP: reject the order", "CP: 주문 거절";
    Idempotent => "Idempotent consumers (on reset)", "멱등 소비자 (초기화 시 적용)";
    NumberInvalid => "enter a whole number in the allowed range", "허용 범위의 정수를 입력하세요";
    ShortcutPlay => "Play or pause", "재생 / 일시정지";
    ShortcutStep => "Step to the next event", "다음 이벤트로 한 단계";
    ShortcutFaster => "Faster / slower", "빠르게 / 느리게";
    ShortcutHelp => "Show or hide this help", "이 도움말 열기 / 닫기";
    ShortcutLang => "Switch language", "언어 전환";
    ShortcutEscape => "Close what is open (help, an enlarged panel), clear the selection", "열린 것 닫기 (도움말, 크게 본 패널), 선택 해제";
    ShortcutOrder => "Place an order (the product and quantity in the toolbar)", "주문하기 (도구 모음의 상품과 수량)";
    ShortcutCrash => "Crash or restart Order, Product, Delivery, the coordinator, Payment, Points", "주문 서비스, 상품 서비스, 배송 서비스, 코디네이터, 결제 서비스, 포인트 서비스 다운 / 재시작";
    ShortcutCut => "Cut or heal the link of Order, Product, Delivery, the coordinator, Payment, Points", "주문 서비스, 상품 서비스, 배송 서비스, 코디네이터, 결제 서비스, 포인트 서비스의 연결 끊기 / 복구";
    ShortcutHealAll => "Heal everything", "모든 장애 복구";
    ShortcutReset => "Reset the run (same seed)", "실행 초기화 (같은 시드)";
    ShortcutProtocol => "Switch to the next protocol", "다음 프로토콜로 전환";
    ShortcutEnlarge => "Enlarge the panel with the focus (the stage), or put it back", "포커스가 있는 패널(없으면 무대)을 크게 보기 / 원래대로";
    Legend => "Legend", "범례";
    Timeline => "Time travel", "시간 여행";
    TimelineHint => "Drag to see the run at any earlier moment: tables, messages in flight, checks and log as they were. Acting in the past starts a new branch.", "끌어서 실행의 이전 시점을 그대로 봅니다: 테이블, 전송 중인 메시지, 검사, 로그. 과거에서 조작하면 새 브랜치가 시작됩니다.";
    Branch => "Branch", "브랜치";
    BranchFrom => "from", "시작:";
    InThePast => "in the past", "과거 시점";
    InThePastHint => "You are looking at the past: Play replays what happened next; acting here starts a new branch.", "과거를 보고 있습니다. 재생하면 그다음 일이 그대로 재생되고, 여기서 조작하면 새 브랜치가 시작됩니다.";
    ToTheEnd => "To the end", "끝으로";
    CopyLink => "Copy link", "링크 복사";
    CopyLinkHint => "A link that opens this run, exactly, on any computer", "어느 컴퓨터에서나 이 실행을 그대로 여는 링크";
    ExportRun => "Export", "내보내기";
    ExportHint => "Download the run as a JSON file (saga-cli run reads it)", "실행을 JSON 파일로 내려받기 (saga-cli run으로 재현)";
    ImportRun => "Import", "가져오기";
    ImportHint => "Open a run file (or drop one on the page)", "실행 기록 파일 열기 (페이지에 끌어다 놓아도 됩니다)";
    DropToOpen => "Drop a run file to open it", "실행 기록 파일을 놓으면 열립니다";
    LinkCopied => "Link copied", "링크를 복사했습니다";
    Characters => "characters", "자";
    CopyByHand => "The browser did not allow copying: copy the link from the field.", "브라우저가 복사를 허용하지 않았습니다. 칸의 링크를 직접 복사하세요.";
    RunLink => "Link to this run", "이 실행의 링크";
    LinkUnusable => "The link could not be opened, so this is the default run", "링크를 열 수 없어 기본 실행을 보여 줍니다";
    FileUnusable => "Could not open the file; the current run is kept", "파일을 열 수 없습니다. 지금 실행은 그대로입니다";
    FileUnreadable => "the browser could not read it as text", "브라우저가 텍스트로 읽지 못했습니다";
    Opened => "Opened", "열기 완료";
    InputsReplayedTo => "inputs, replayed to", "개의 입력, 재생 시점:";
    NewBranch => "New branch", "새 브랜치";
    OldFutureKept => "keeps the old future", "(이전 미래가 남아 있습니다)";
    OldestBranchDropped => "the oldest branch was dropped (at most 8 are kept)", "가장 오래된 브랜치는 지웠습니다 (최대 8개)";
    Fingerprint => "Run fingerprint", "실행 지문";
    FingerprintHint => "The same run gives the same fingerprint in any browser and in saga-cli.", "같은 실행이면 어느 브라우저에서도, saga-cli에서도 같은 지문이 나옵니다.";
    NotReplayable => "This run received too many inputs to replay its past.", "입력이 너무 많아 이 실행의 과거를 다시 만들 수 없습니다.";
    LegendNormal => "event", "이벤트";
    LegendCompensation => "compensating transaction (dashed, ↩)", "보상 트랜잭션 (점선, ↩)";
    LegendCommand => "coordinator's command", "코디네이터의 명령";
    LegendAnswer => "answer", "응답";
    LegendCrowd => "more waiting on that link", "그 연결에서 기다리는 메시지 수";
    LegendControl => "ack (the bus got the batch)", "ack (버스가 배치를 받음)";
    End => "end", "끝";
    RejectedShort => "rejected", "거절됨";
    SameIdempotency => "same key", "같은 키";
    TimeAt => "t=", "t=";
    Tables => "Service tables", "서비스 테이블";
    ActiveSagas => "sagas", "진행 사가";
    Registry => "registry", "레지스트리";
    Protocol => "Protocol", "프로토콜";
    Choreography => "Choreography", "코레오그래피";
    Orchestration => "Orchestration", "오케스트레이션";
    Sagas => "Sagas", "사가";
    Phase => "Phase", "단계";
    Attempt => "Attempt", "시도";
    NextRetry => "Next retry", "다음 재시도";
    CurrentCommand => "Current command", "현재 명령";
    NoSagas => "No sagas yet.", "아직 사가가 없습니다.";
    RegistryTitle => "Compensation registry (PENDING)", "보상 트랜잭션 레지스트리 (PENDING 처리 중)";
    RegistryEmptyText => "Empty: no failed compensation waits.", "비어 있음: 기다리는 실패한 보상 트랜잭션이 없습니다.";
    NotifyFirst => "Notify the customer first (the wrong order; applies on reset)", "고객 알림을 먼저 (잘못된 순서, 초기화 시 적용)";
    AllDoneEvent => "Publish AllDone when every step is done, then clear PENDING (seed 000's existing event system; on reset)", "모든 단계가 끝나면 AllDone 이벤트를 발행한 뒤 처리 중 해제 (시드 000의 기존 이벤트 시스템, 초기화 시 적용)";
    CancelAtOnce => "Cancel at once: CANCELLED before the compensations are confirmed (on reset)", "즉시 취소: 보상 트랜잭션 확인 전에 CANCELLED (초기화 시 적용)";
    CancelAtOnceHint => "Off (the default, seed 000), Order answers \"cancel accepted\" and the order is CANCELLING until the compensations are confirmed back.", "끄면 (기본값, 시드 000) 주문 서비스는 \"취소 접수\"로 응답하고, 보상 트랜잭션이 확인될 때까지 주문은 CANCELLING (취소 접수) 상태입니다.";
    AllDoneEventHint => "Off (the default), Order clears PENDING silently when both answers are in.", "끄면 (기본값) 주문 서비스는 두 응답이 모두 오면 조용히 처리 중을 해제합니다.";
    PhaseForward => "forward", "정방향";
    PhaseCompensating => "compensating", "보상 트랜잭션 실행 중";
    LangParamHint => "use en or ko", "en 또는 ko를 쓰세요";
    NoneValue => "none", "없음";
    Tcc => "TCC", "TCC";
    TwoPc => "Two-phase commit", "2단계 커밋 (2PC)";
    AutoConfirm => "auto-confirm", "자동 확정";
    OperatorAlert => "operator alert", "운영자 알림";
    ParticipantSweep => "participants sweep", "참여자 정리";
    Transactions => "Transactions", "트랜잭션";
    NoTransactions => "No transactions yet.", "아직 트랜잭션이 없습니다.";
    Compare => "Compare", "비교";
    CompareStart => "Compare all four protocols", "네 프로토콜 모두 비교";
    CompareStop => "Stop comparing", "비교 끄기";
    CompareIntro => "Runs this seed and every command so far under all four protocols at once, in step, and sums them up side by side. Inject a fault and watch each protocol take it differently.", "같은 시드와 지금까지의 모든 명령을 네 프로토콜로 동시에, 같은 걸음으로 실행해 나란히 요약합니다. 장애를 넣고 프로토콜마다 어떻게 다르게 견디는지 보세요.";
    TooLongToCompare => "This run has too many commands to replay; reset to compare.", "명령이 너무 많아 다시 실행할 수 없습니다. 초기화한 뒤 비교하세요.";
    Reserved => "Reserved", "예약";
    Available => "Available", "가용";
    RowLock => "Row lock", "행 잠금";
    LockedBy => "locked by", "잠금 보유:";
    WaitingForLock => "prepares queued at the row", "행 앞에서 대기 중인 준비 요청";
    OrdersBlocked => "orders blocked behind it", "잠금 뒤에서 막힌 주문";
    Participants => "Participants (each service's own row)", "참여자 (각 서비스의 행)";
    Decide => "Decide by hand", "직접 결정";
    ConfirmByHand => "Confirm", "확정";
    CancelByHand => "Cancel", "취소";
    AlertBadge => "ALERT", "알림";
    Locked => "locked", "잠김";
    TxVoting => "phase 1: voting", "1단계: 투표";
    TxCommitting => "phase 2: commit", "2단계: 커밋";
    TxAborting => "phase 2: abort", "2단계: 롤백(Abort)";
    TxStuck => "stuck: PENDING", "멈춤: 처리 중(PENDING)";
    TxCommitted => "committed", "커밋됨";
    TxAborted => "aborted", "롤백됨";
    AtDecision => "At the next decision", "다음 결정 순간";
    CrashAtDecision => "Crash coordinator", "코디네이터 다운";
    CutProductAtDecision => "Cut Product", "상품 연결 끊기";
    Armed => "armed", "발동 대기";
    DeliveryGuarantees => "Delivery guarantees (seeds 003, 004)", "전달 보장 (시드 003, 004)";
    Publishing => "Publishing (on reset)", "발행 방식 (초기화 시 적용)";
    PublishOutbox => "transactional outbox everywhere", "모든 서비스에서 트랜잭션 Outbox 패턴";
    DualWriteOrder => "dual write at Order (at-most-once publishing)", "주문 서비스에서 이중 쓰기 (최대 한 번 발행)";
    DualWriteProduct => "dual write at Product (at-most-once publishing)", "상품 서비스에서 이중 쓰기 (최대 한 번 발행)";
    DualWriteDelivery => "dual write at Delivery (at-most-once publishing)", "배송 서비스에서 이중 쓰기 (최대 한 번 발행)";
    DualWriteAll => "dual write everywhere (at-most-once publishing)", "모든 서비스에서 이중 쓰기 (최대 한 번 발행)";
    PublishFirstProduct => "publish first, then commit, at Product", "상품 서비스에서 먼저 발행 후 커밋";
    PublishFirstDelivery => "publish first, then commit, at Delivery", "배송 서비스에서 먼저 발행 후 커밋";
    AtMostOnce => "At-most-once consuming: commit before handling (on reset)", "최대 한 번 소비: 처리 전에 커밋 (초기화 시 적용)";
    GuessRestock => "Restock by guessing from the stock level, a tempting shortcut (on reset)", "재고량을 보고 재고 복구 여부를 추측하는 손쉬운 지름길 (초기화 시 적용)";
    FlakyClient => "Flaky client network (answers get lost)", "불안정한 클라이언트 네트워크 (응답 유실)";
    ProductHandlerFails => "Product's handler fails", "상품 서비스 핸들러 실패";
    PoisonNextOrder => "Poison the next order", "다음 주문을 포이즌 메시지로";
    CrashAtNextCommit => "Crash at its next commit", "다음 커밋 시점에 다운";
    DeadLetters => "Dead letters", "데드 레터";
    NoDeadLetters => "The dead-letter queue is empty.", "데드 레터 큐가 비어 있습니다.";
    Consumer => "Consumer", "소비자";
    Replay => "Replay", "재처리";
    Discard => "Discard", "폐기";
    Poison => "poison message", "포이즌 메시지";
    HandlerError => "handler error", "핸들러 오류";
    RelayStopped => "relay stopped (service down)", "릴레이 중지 (서비스 다운)";
    RelayAwaitsAck => "relay waits for the ack of batch", "릴레이가 배치 ack 대기 중:";
    RelayPolling => "relay polling", "릴레이 폴링 중";
    RelayIdle => "relay idle", "릴레이 대기";
    OutboxTable => "outbox table", "아웃박스 테이블";
    OutboxEmpty => "The outbox is empty: every event has been published.", "아웃박스가 비어 있습니다. 모든 이벤트가 발행되었습니다.";
    RowUnsent => "waiting", "대기";
    RowSent => "sent in batch", "전송됨, 배치";
    RowPublished => "published ✓", "발행 완료 ✓";
    OutboxStatusNote => "A published row is marked sent in its status column, not deleted; a cleanup removes sent rows a second later (seed 003).", "발행된 레코드는 삭제하지 않고 상태 컬럼에 발행 완료로 표시합니다. 정리 작업이 1초 뒤 발행 완료 레코드를 지웁니다 (시드 003).";
    AtMostOnceShort => "at-most-once consuming (commits, then handles)", "최대 한 번 소비 (커밋 후 처리)";
    AtLeastOnceShort => "at-least-once consuming (handles, then commits)", "최소 한 번 소비 (처리 후 커밋)";
    ProcessedTable => "processed-message table", "처리 완료 메시지 테이블";
    NoProcessedTable => "no processed-message table: duplicates are applied again", "처리 완료 테이블 없음: 중복이 다시 반영됩니다";
    OutboxAndDlq => "Outbox & DLQ", "아웃박스·DLQ";
    LegendGhost => "redelivered copy", "재전달 사본";
    Recognised => "recognised", "재요청 인식";
    FlakyShort => "flaky network", "불안정한 네트워크";
    FlakyTiny => "flaky", "불안정";
    HandlerFailsShort => "handler fails", "핸들러 실패 중";
    DuplicateApplied => "duplicate applied!", "중복 반영!";
    DuplicateIgnored => "duplicate ignored", "중복 무시";
    DualWriteShort => "dual write", "이중 쓰기";
    Unpublished => "unsent", "미발행";
    MetricOutcome => "Confirmed / cancelled / pending", "확정 / 취소 / 처리 중";
    MetricConsistent => "Consistent since", "일관 상태 시작";
    MetricInconsistent => "Time inconsistent (total)", "불일치였던 시간 (합계)";
    MetricLongestPending => "Longest PENDING", "가장 긴 처리 중(PENDING)";
    MetricLatency => "Mean order latency", "평균 주문 처리 시간";
    MetricMessages => "Messages sent", "보낸 메시지";
    MetricLockTime => "Row lock time (2PC)", "행 잠금 시간 (2PC)";
    MetricReservedTime => "Reservation time (TCC)", "예약 유지 시간 (TCC)";
    MetricHeldTime => "Held by all participants (TCC, 2PC)", "참여자 전체의 자원 점유 시간 (TCC, 2PC)";
    WhyNoHolds => "a saga holds nothing between its steps", "사가는 단계 사이에 자원을 잡아 두지 않음";
    MetricParticipants => "Participants per transaction", "트랜잭션당 참여자 수";
    WhyNoParticipants => "a saga's steps run one after another, with no vote", "사가의 단계는 투표 없이 차례로 실행됨";
    ParticipantCount => "Participants", "참여자";
    ParticipantCountHint => "Seed 001: the more participants, the longer the latency. Changing it starts the run again with the same seed.", "시드 001: 참여하는 노드가 많을수록 지연 시간이 길어집니다. 바꾸면 같은 시드로 처음부터 다시 실행합니다.";
    ParticipantsThree => "3: Order, Product, Delivery", "3: 주문, 상품, 배송";
    ParticipantsFour => "4: + Payment", "4: + 결제";
    ParticipantsFive => "5: + Payment, Points", "5: + 결제, 포인트";
    CommitInTurn => "2PC commits one participant at a time (seed 001; on reset)", "2PC는 참여자에게 순차적으로 커밋을 요청 (시드 001, 초기화 시 적용)";
    CommitInTurnHint => "On (seed 001: \"순차적으로 커밋을 요청한다\"), each participant keeps its locks until its turn; off, the commit goes to all at once.", "켜면 (시드 001: \"순차적으로 커밋을 요청한다\") 각 참여자는 자기 차례까지 잠금을 유지합니다. 끄면 모두에게 한 번에 커밋을 보냅니다.";
    AccountsTables => "The added participants' tables", "추가된 참여자의 테이블";
    NoAccountRows => "No rows yet: one appears when the coordinator asks.", "아직 행이 없습니다. 코디네이터가 요청하면 생깁니다.";
    AcHeld => "HELD (Try)", "HELD 예약";
    AcPrepared => "PREPARED (locked)", "PREPARED 준비됨 (잠김)";
    AcCharged => "CHARGED", "CHARGED 차감";
    AcReleased => "RELEASED", "RELEASED 해제";
    AcRefunded => "REFUNDED", "REFUNDED 환불";
    MetricOperator => "Operator actions (open alerts)", "운영자 조치 (열린 알림)";
    MetricViolations => "Violations", "위반";
    MetricUserWait => "User waited for an answer: mean / longest (timeouts)", "사용자가 응답을 기다린 시간: 평균 / 최장 (시간 초과)";
    WhyNoAnswer => "no answer yet", "아직 응답 없음";
    ReplyTiming => "The client hears back (on reset)", "클라이언트가 응답을 받는 시점 (초기화 시 적용)";
    ReplyTimingSeed => "as the seeds say: choreography at once, the others when all is done (seed 002 §44)", "시드대로: 코레오그래피는 즉시, 나머지는 처리가 모두 끝난 뒤 (시드 002 §44)";
    ReplyTimingAtOnce => "at once, with PENDING (asynchronous; the client polls)", "즉시, PENDING으로 (비동기, 클라이언트가 폴링)";
    ReplyTimingWhenSettled => "when the order is settled (synchronous, with a timeout)", "주문 처리가 끝난 뒤 (동기식, 시간 초과 있음)";
    ClientWaiting => "waiting", "대기 중";
    ClientGaveUp => "timed out", "시간 초과";
    ReservedShort => "reserved", "예약";
    LockShort => "lock", "잠금";
    HeldShort => "held", "예약";
    WaitingShort => "wait", "대기";
    PreparedShort => "prepared", "준비됨";
    CutShort => "cut", "끊김";
    DlqShort => "DLQ", "DLQ";
    AnswerDone => "done", "완료";
    AnswerOutOfStock => "out of stock", "재고 부족";
    AnswerRefused => "refused", "거절";
    AnswerCannotUndo => "cannot undo", "되돌릴 수 없음";
    AnswerBlocked => "waits for lock", "잠금 대기";
    Settings => "Network & settings", "네트워크·설정";
    Enlarge => "Enlarge", "크게 보기";
    PutBack => "Put back", "원래대로";
    NewestShown => "Newest shown", "최근 항목만 표시";
    FastForward => "Fast-forward", "빨리 감기";
    ChaosOrders => "Orders under chaos", "장애 속 주문 수";
    RunChaos => "Run", "실행";
    ChaosHint => "Crashes, cut links, lost, repeated and late messages and a stock-out, then everything heals.", "서비스 다운, 링크 단절, 메시지 유실·중복·지연, 재고 소진을 겪은 뒤 모두 복구됩니다.";
    ChaosPlaced => "orders placed", "건 주문됨";
    ChaosSettling => "Healed; settling…", "복구됨, 안정되는 중…";
    TwoPcCommitRetried => "When a commit fails after a yes vote, the coordinator retries the commit until it succeeds and the participant never rolls back on its own — as seed 002 says (seed 001 speaks of a rollback message).", "찬성 투표 뒤 커밋이 실패하면 코디네이터는 성공할 때까지 커밋을 재시도하고, 참여자는 스스로 롤백하지 않습니다. 시드 002가 말하는 대로입니다 (시드 001은 롤백 메시지를 말합니다).";
    ShortcutsWhen => "Shortcuts work everywhere except while typing in a field or choosing in a menu. Space never presses a button.", "단축키는 입력칸에 입력하거나 메뉴를 고르는 중이 아니면 어디서나 동작합니다. Space는 버튼을 누르지 않습니다.";
    StPending => "PENDING", "PENDING 처리 중";
    StConfirmed => "CONFIRMED", "CONFIRMED 확정";
    StCancelled => "CANCELLED", "CANCELLED 취소";
    StCancelling => "CANCELLING", "CANCELLING 취소 접수";
    WhyUserRequest => "cancelled by the customer", "고객 요청으로 취소";
    WhyOutOfStock => "out of stock", "재고 부족";
    WhySagaFailed => "a step kept failing", "단계가 계속 실패함";
    ExpWholeNumber => "a whole number", "0 이상의 정수";
    ExpInteger => "an integer", "정수";
    ExpNumber => "a number", "숫자";
    ExpBool => "true / false", "true / false";
    ExpText => "a string", "문자열";
    ExpList => "a list", "목록(배열)";
    ExpObject => "an object", "객체";
    DlvStarted => "STARTED", "STARTED 배송 중";
    DlvCompleted => "COMPLETED", "COMPLETED 완료";
    DlvCancelled => "CANCELLED", "CANCELLED 취소";
    DlvHeld => "HELD (Try)", "HELD 슬롯 예약";
    DlvPrepared => "PREPARED (locked)", "PREPARED 준비됨 (잠김)";
    SvcOrder => "Order", "주문";
    SvcProduct => "Product", "상품";
    SvcDelivery => "Delivery", "배송";
    SvcCoordinator => "Coordinator", "코디네이터";
    SvcPayment => "Payment", "결제";
    SvcPoints => "Points", "포인트";
    RejCancelInProgress => "the cancel is already under way", "이미 취소 접수된 주문입니다";
    RejOrderServiceDown => "Order service is unavailable", "주문 서비스를 사용할 수 없습니다";
    RejProductUnreachable => "Product service unreachable; CP mode refuses orders it cannot check", "상품 서비스에 연결할 수 없어 CP 모드가 주문을 거절합니다";
    RejUnknownProduct => "no such product", "없는 상품입니다";
    RejBadQuantity => "quantity must be between 1 and 1000", "수량은 1에서 1000 사이여야 합니다";
    RejOrderLimitReached => "the order table is full (limits.max_orders)", "주문 테이블이 가득 찼습니다 (limits.max_orders)";
    RejOutboxFull => "Order's outbox is full; try again once it drains", "주문 서비스의 아웃박스가 가득 찼습니다. 비워진 뒤 다시 시도하세요";
    RejUnknownOrder => "no such order", "없는 주문입니다";
    RejAlreadyCancelled => "the order is already cancelled", "이미 취소된 주문입니다";
    RejOrderLocked => "a transaction holds the order until its decision arrives", "트랜잭션이 결정을 기다리며 주문을 잡고 있습니다";
    RfOrdersOutOfRange => "a fast-forward takes 1 to 10,000 orders", "빨리 감기는 주문 1건부터 10,000건까지입니다";
    RfScheduleFull => "the schedule is full", "예정된 명령 목록이 가득 찼습니다";
    RfInThePast => "that time is in the past", "이미 지난 시각입니다";
    RfUnknownProduct => "no such product", "없는 상품입니다";
    RfBadStock => "stock must be between 0 and 1,000,000,000", "재고는 0에서 1,000,000,000 사이여야 합니다";
    RfServiceDown => "the service is down", "서비스가 다운되어 있습니다";
    RfOutboxFull => "the service's outbox is full; try again once it drains", "서비스의 아웃박스가 가득 찼습니다. 비워진 뒤 다시 시도하세요";
    RfTooFarAhead => "that time is too far in the future", "너무 먼 미래의 시각입니다";
    RfNothingToResolve => "that order has no open transaction to decide", "결정할 진행 중 트랜잭션이 없는 주문입니다";
    RfContradictsLog => "the coordinator already logged the other decision; follow the log", "코디네이터가 이미 반대 결정을 기록했습니다. 기록을 따르세요";
    RfNotAllPrepared => "cannot commit: some participant holds nothing to commit", "커밋 불가: 준비되지 않은 참여자가 있습니다";
    RfNoSuchDeadLetter => "no such message in that dead-letter queue", "데드 레터 큐에 그런 메시지가 없습니다";
    RfAlreadyDelivered => "cannot cancel: the parcel was already handed over", "취소 불가: 이미 배송이 완료되었습니다";
    RfStockPromised => "stock set, but no lower than the units reserved or locked for open orders", "재고를 설정했지만, 진행 중인 주문에 예약되거나 잠긴 수량보다 낮출 수는 없습니다";
    RfNotInPlay => "this protocol does not run that service", "이 프로토콜에는 그 서비스가 없습니다";
    InvStockNeverNegative => "Stock never negative", "재고는 음수가 아님";
    InvStockNeverNegativeMeaning => "No product's stock is below zero.", "어떤 상품의 재고도 0보다 작지 않습니다.";
    InvNoCompletedDeliveryForCancelledOrder => "No delivery for a cancelled order", "취소된 주문은 배송되지 않음";
    InvNoCompletedDeliveryForCancelledOrderMeaning => "No delivery is handed over for a CANCELLED order.", "CANCELLED 주문의 배송이 완료되지 않습니다.";
    InvNoConfirmedOrderWithoutStock => "Confirmed means stock taken", "확정이면 재고 차감됨";
    InvNoConfirmedOrderWithoutStockMeaning => "No order is CONFIRMED unless Product holds its stock.", "상품 서비스가 재고를 잡지 않은 주문은 CONFIRMED가 아닙니다.";
    InvAtMostOnceEffect => "Each message applied once", "메시지는 한 번만 반영";
    InvAtMostOnceEffectMeaning => "No duplicate was applied twice (stock, parcels).", "중복 메시지가 두 번 반영되지 않았습니다 (재고, 발송).";
    InvNoMessageLostToRetention => "No message lost to retention", "보존 기간 때문에 유실된 메시지 없음";
    InvNoMessageLostToRetentionMeaning => "No consumer lost an unread record when the log was trimmed.", "로그 정리로 읽지 않은 레코드가 유실된 소비자가 없습니다.";
    InvEveryOrderFinal => "Every order final", "모든 주문이 최종 상태";
    InvEveryOrderFinalMeaning => "Every order is CONFIRMED or CANCELLED.", "모든 주문이 CONFIRMED 또는 CANCELLED입니다.";
    InvStockConserved => "Stock conserved", "재고 보존";
    InvStockConservedMeaning => "Stock + confirmed units = initial stock + adjustments.", "재고 + 확정 수량 = 초기 재고 + 조정량.";
    InvDeliveryMatchesOrder => "Delivery matches order", "배송과 주문의 정합성";
    InvDeliveryMatchesOrderMeaning => "Confirmed orders have a delivery; cancelled ones none or a cancelled one.", "확정 주문은 배송이 있고, 취소 주문은 배송이 없거나 취소되었습니다.";
    InvStockMatchesOrder => "Stock matches order", "재고와 주문의 정합성";
    InvStockMatchesOrderMeaning => "Confirmed orders hold their units; cancelled ones hold none.", "확정 주문은 수량을 잡고 있고, 취소 주문은 잡고 있지 않습니다.";
    InvAccountsMatchOrder => "Payment and points match order", "결제·포인트와 주문의 정합성";
    InvAccountsMatchOrderMeaning => "With Payment and Points taking part: confirmed orders are charged at each; cancelled ones at none.", "결제와 포인트가 참여할 때: 확정 주문은 양쪽에서 모두 차감되고, 취소 주문은 어느 쪽에서도 차감되지 않습니다.";
    InvNoConsumerLag => "No consumer lag", "소비자 랙(lag) 없음";
    InvNoConsumerLagMeaning => "Every consumer has read and committed the whole log.", "모든 소비자가 로그 끝까지 읽고 커밋했습니다.";
    InvNothingInFlight => "Nothing in flight", "전송 중인 것 없음";
    InvNothingInFlightMeaning => "No message on a wire, in a consumer's hands or in an outbox.", "전송 중, 처리 중, 아웃박스에 남은 메시지가 없습니다.";
    InvNoNotificationForCancelledOrder => "No apology owed", "사과할 일 없음";
    InvNoNotificationForCancelledOrderMeaning => "No customer was told CONFIRMED for an order the system then cancelled.", "확정 안내를 받은 주문을 시스템이 취소하지 않았습니다.";
    InvRegistryEmpty => "Compensation registry empty", "보상 트랜잭션 레지스트리 비어 있음";
    InvRegistryEmptyMeaning => "No failed compensation is waiting to be retried.", "재시도를 기다리는 실패한 보상 트랜잭션이 없습니다.";
    InvStockCoversReservations => "Reservations covered", "예약은 재고 안에서";
    InvStockCoversReservationsMeaning => "Reserved units are never negative and never exceed the stock.", "예약 수량은 음수가 아니고 재고를 넘지 않습니다.";
    InvNoDanglingReservation => "No dangling reservation", "남은 예약 없음";
    InvNoDanglingReservationMeaning => "Nothing Try held (stock, a delivery slot, a payment, points) is left held.", "Try로 잡아 둔 재고, 배송 슬롯, 결제, 포인트가 남아 있지 않습니다.";
    InvNoParticipantInDoubt => "No participant in doubt", "불확실한 참여자 없음";
    InvNoParticipantInDoubtMeaning => "No participant is left prepared, holding its locks.", "잠금을 쥔 채 준비 상태로 남은 참여자가 없습니다.";
    InvDeadLetterQueueEmpty => "Dead-letter queue empty", "데드 레터 큐 비어 있음";
    InvDeadLetterQueueEmptyMeaning => "No message waits in a dead-letter queue for a person.", "사람을 기다리는 데드 레터 메시지가 없습니다.";
    InvNoEventLost => "No event lost", "유실된 이벤트 없음";
    InvNoEventLostMeaning => "No event was lost between a commit and the bus, or by a consumer that committed first.", "커밋과 발행 사이에서, 또는 먼저 커밋한 소비자 때문에 유실된 이벤트가 없습니다.";
    InvNoPhantomEvent => "No phantom event", "유령 이벤트 없음";
    InvNoPhantomEventMeaning => "No event went out for a change that then rolled back (publish first, then a failed commit).", "롤백된 변경에 대한 이벤트가 발행되지 않았습니다 (먼저 발행한 뒤 커밋 실패).";
    SdStepDone => "step {0} done", "{0} 단계 완료";
    SdCompensate => "backward recovery: {0}", "역방향 복구 시작: {0}";
    SdCannotUndo => "{0} cannot be undone", "{0} 단계는 되돌릴 수 없음";
    SdResumeForward => "{0} happened after all: forward recovery resumes", "{0} 단계가 실제로 일어났음: 정방향 복구 재개";
    SdParked => "{0} keeps failing: PENDING in the compensation registry", "{0} 계속 실패: 보상 트랜잭션 레지스트리에 처리 중(PENDING)으로 기록";
    SdRegistryRetry => "scheduler retries {0} (attempt {1})", "스케줄러가 {0} 재시도 (시도 {1})";
    SdRegistryCleared => "{0} done: removed from the registry", "{0} 완료: 레지스트리에서 삭제";
    SdStuck => "{0} never confirmed: the order stays PENDING", "{0}에서 확정 실패: 주문은 처리 중(PENDING)으로 남음";
    SdLeftToSweeper => "coordinator gives up: {0}'s sweeper will settle it", "코디네이터는 포기: {0}의 스위퍼가 정리";
    PlOrderPlaced => "order {0}, product {1}, quantity {2}", "주문 {0}, 상품 {1}, 수량 {2}";
    PlProductChanged => "order {0}, product {1}, {2} {3}, stock now {4}", "주문 {0}, 상품 {1}, {2}개 {3}, 남은 재고 {4}";
    PlProductOutOfStock => "order {0}, product {1}, requested {2}, available {3}", "주문 {0}, 상품 {1}, 요청 {2}개, 재고 {3}개";
    PlOrderCancelled => "order {0}, product {1}, quantity {2}, reason: {3}", "주문 {0}, 상품 {1}, 수량 {2}, 사유: {3}";
    PlDeliveryStarted => "order {0}", "주문 {0}";
    CmPlaceOrder => "client places {0} x{1}", "클라이언트 주문: {0} {1}개";
    CmCancelOrder => "client cancels {0}", "클라이언트가 {0} 취소 요청";
    CmCompleteDelivery => "courier hands over {0}", "택배 기사가 {0} 배송 완료 처리";
    CmCrash => "fault: {0} crashes", "장애: {0} 다운";
    CmRestart => "{0} restarts", "{0} 재시작";
    CmHeal => "{0}'s link healed", "{0} 연결 복구";
    CmSetHandleTime => "{0} takes {1} ms per message", "{0}: 메시지당 {1} ms";
    CmFastForward => "fast-forward: {0} orders under chaos", "빨리 감기: 장애 속 주문 {0}건";
    TlAccepted => "Order replies: {0} accepted (PENDING)", "주문 서비스 응답: {0} 접수 (PENDING 처리 중)";
    TlAlreadyPlaced => "Order replies: same idempotency key, existing {0}", "주문 서비스 응답: 같은 멱등 키, 기존 주문 {0}";
    TlCancelled => "Order replies: {0} cancelled", "주문 서비스 응답: {0} 취소됨";
    TlCancelAccepted => "Order replies: cancel accepted for {0} (CANCELLING until the compensations are confirmed)", "주문 서비스 응답: {0} 취소 접수 (보상 트랜잭션이 확인될 때까지 처리 중)";
    TlSettled => "Order answers the waiting client: {0} {1}", "주문 서비스가 기다리던 클라이언트에 응답: {0} {1}";
    TlTimedOut => "the client gave up waiting for {0} (timeout); the order goes on", "클라이언트가 {0}의 응답을 기다리다 포기 (시간 초과): 주문은 계속 처리됨";
    TlRejected => "Order rejects: {0}", "주문 서비스 거절: {0}";
    TlLost => "{0} link loses {1} ({2})", "{0} 링크에서 {1} 유실 ({2})";
    TlAcked => "bus acks to {0}: {1} outbox row(s) marked sent", "버스 ack → {0}: 아웃박스 {1}행 발행 완료로 표시";
    TlAckTimeout => "{0} ack timeout: will resend", "{0} ack 시간 초과: 다시 보냄";
    TlHandled => "{0} handles {1} {2} → {3}", "{0}: {1} {2} 처리 → {3}";
    TlOffsetCommitted => "{0} commits offset {1}", "{0} 오프셋 {1} 커밋";
    TlConsumerResumed => "{0} resumes from committed offset {1} ({2} to re-read)", "{0} 재시작: 커밋된 오프셋 {1}부터 ({2}개 다시 읽음)";
    TlOffsetReset => "{0} LOST records {1}..{2} to log retention", "{0}: 로그 보존 한도로 레코드 {1}..{2} 유실";
    TlOutboxFull => "{0} outbox full: takes no new work", "{0} 아웃박스 가득 참: 새 작업을 받지 않음";
    TlRefused => "refused: {0}", "거절됨: {0}";
    TlViolation => "VIOLATION: {0}", "위반: {0}";
    TlRpcHandled => "{0} handles {1} for {2} → {3}", "{0}: {1} ({2}) 처리 → {3}";
    TlClientWaits => "the client waits for {0} to settle (a synchronous answer; it gives up at t={1})", "클라이언트가 {0}의 처리 결과를 기다림 (동기식 응답, t={1}에 포기)";
    TlAppliedByHand => "operator applies {1} for {2} at {0} by hand → {3}", "운영자가 {0}에서 {1} ({2}) 직접 적용 → {3}";
    TlSagaDecided => "Coordinator, saga {0}: {1}", "코디네이터, 사가 {0}: {1}";
    TlEmitted => "{0} emits {1} to its outbox ({2})", "{0}: {1} 발행 → 아웃박스 ({2})";
    TlEmittedComp => "{0} emits {1} to its outbox ({2}), a compensating transaction", "{0}: 보상 트랜잭션 {1} 발행 → 아웃박스 ({2})";
    TlBatchSent => "{0} relay sends {1} message(s), attempt {2}", "{0} 릴레이가 메시지 {1}개 전송, 시도 {2}";
    TlLostSuffix => ": LOST", ": 유실";
    LostBatch => "a batch", "배치";
    LostAck => "an ack", "ack";
    LostFetch => "a fetch", "가져오기";
    LostCommit => "an offset commit", "오프셋 커밋";
    LostRpc => "a command", "명령";
    CauseDropped => "dropped", "네트워크가 버림";
    CausePartitioned => "link cut", "연결 끊김";
    CauseReceiverDown => "receiver down", "수신자 다운";
    CauseHandlerError => "handler failed", "핸들러 실패";
    TlAppended => "bus appends {0} {1} at offset {2}", "버스가 {0} {1} 오프셋 {2}에 추가";
    TlCopySuffix => " (a COPY)", " (중복본)";
    TlStockSet => "Product sets {0} stock to {1}", "상품 서비스: {0} 재고를 {1} 설정";
    TlHandedOver => "Delivery hands over {0}", "배송 서비스: {0} 배송 완료";
    TlCannotHandOver => "Delivery cannot hand over {0}: no started delivery", "배송 서비스: {0} 완료 불가 (시작된 배송 없음)";
    TlCheckerConsistent => "checker: consistent", "검사기: 일관됨";
    TlCheckerInconsistent => "checker: inconsistent (saga in progress)", "검사기: 불일치 (사가 진행 중)";
    TlRpcSent => "{0} sends {1} for {2} to {3}{4}", "{0} → {3}: {4}{1} ({2})";
    TlCompSuffix => ", a compensating transaction", "보상 트랜잭션 ";
    TlRpcAnswered => "{0} receives {2} for {1}", "{0} {1} 응답 받음: {2}";
    TlRecordLost => "{0} crashed handling {1} at offset {2}, already committed: the record is LOST", "{0}: 오프셋 {2}의 {1} 먼저 커밋하고 처리하다 다운: 레코드 유실";
    TlRetryAt => "retry at t={0}", "t={0}에 재시도";
    TlToDlq => "to the dead-letter queue", "데드 레터 큐로";
    TlHandlerFailed => "{0}'s handler FAILED on {1} (offset {2}), attempt {3}: {4}", "{0}: {1}(오프셋 {2}) 처리 실패, 시도 {3}: {4}";
    TlDlQueued => "{0}: {1} dead-lettered after {2} attempts", "{0}: {1} {2}번 실패 후 데드 레터 큐로";
    TlDlReplayed => "{0}: dead letter {1} replayed", "{0}: 데드 레터 {1} 재처리";
    TlDlDiscarded => "{0}: dead letter {1} discarded", "{0}: 데드 레터 {1} 폐기";
    TlDlOverflowed => "{0}: dead letter {1} dropped, the queue is full", "{0}: 큐가 가득 차 데드 레터 {1} 버려짐";
    TlDlFixed => "{0}: poison message {1} fixed, ready to replay", "{0}: 포이즌 메시지 {1} 수정됨, 재처리 가능";
    TlDlHandledAnyway => "{0}: {1} handled after all; its dead letter is gone", "{0}: {1} 결국 처리됨, 데드 레터 삭제";
    TlEventLost => "{0} committed {1} but never published it: the event is LOST", "{0}: {1} 커밋했지만 발행하지 못함: 이벤트 유실";
    TlRolledBack => "{0}'s commit fails after it published {1} event(s) from {2}: ROLLED BACK (a phantom event)", "{0}: 이벤트 {1}개({2}~)를 먼저 발행한 뒤 커밋 실패: 롤백됨 (유령 이벤트)";
    TlReplyLost => "the answer to k{0} is LOST on the client's flaky network: it resends the same request at t={1}", "불안정한 네트워크에서 k{0} 응답 유실: 클라이언트가 t={1}에 같은 요청을 다시 보냄";
    TlSwept => "{0}'s sweeper: {1} is {2} → {3}", "{0}의 스위퍼: {1} {2} → {3}";
    OcNotForMe => "not for me", "관심 없는 이벤트";
    OcDuplicateIgnored => "duplicate ignored (processed-message table)", "중복 무시 (처리 완료 테이블)";
    OcUnknownOrder => "unknown order {0}", "알 수 없는 주문 {0}";
    OcStockTaken => "took {1} of {0}, stock {2}{3}", "{0} {1}개 차감, 재고 {2}{3}";
    OcDuplicateApplied => " (DUPLICATE APPLIED!)", " (중복 반영!)";
    OcOutOfStock => "out of stock: {0} has {2}, wanted {1}", "재고 부족: {0} {2}개, 요청 {1}개";
    OcStockRestored => "restored {1} of {0}, stock {2}{3}", "{0} {1}개 복구, 재고 {2}{3}";
    OcEcho => "no restock: caused by my own ProductOutOfStock {0}", "재고 복구 안 함: 내가 보낸 ProductOutOfStock {0} 때문";
    OcNothingToRestore => "no restock: nothing was taken for this order", "재고 복구 안 함: 이 주문으로 차감한 재고 없음";
    OcCancelledBeforePlaced => "cancel arrived before the order: tombstone kept", "주문보다 취소가 먼저 도착: 툼스톤 기록";
    OcPlacedAfterCancel => "order arrived after its cancel: ignored", "취소 뒤에 도착한 주문: 무시";
    OcDeliveryStarted => "delivery started{0}", "배송 시작{0}";
    OcSecondParcel => " (DUPLICATE APPLIED! second parcel)", " (중복 반영! 두 번째 소포)";
    OcDeliveryCancelled => "delivery cancelled", "배송 취소";
    OcCancelTooLate => "cannot cancel: already handed over", "취소 불가: 이미 배송 완료";
    OcAwaitingOtherReply => "noted, waiting for the other reply", "기록함, 다른 응답 대기";
    OcOrderConfirmed => "all done: order CONFIRMED", "모두 완료: 주문 CONFIRMED";
    OcAllDoneEmitted => "both answers in: AllDone published (the order stays PENDING until Order handles it)", "두 응답 도착: AllDone 발행 (주문 서비스가 처리할 때까지 처리 중)";
    OcOrderCancelled => "cancel begun ({0}): OrderCancelled published", "주문 취소 시작 ({0}): OrderCancelled 발행";
    OcCancelConfirmed => "compensations confirmed: order CANCELLED", "보상 트랜잭션 확인: 주문 CANCELLED (취소 완료)";
    OcAlreadyFinal => "order already final: noted", "이미 최종 상태: 기록만 함";
    OcReplicaUpdated => "product replica updated", "상품 사본 갱신";
    OcSagaStarted => "saga started", "사가 시작";
    OcSagaCancelRequested => "customer cancelled: undo the saga", "고객 취소: 사가 되돌리기";
    OcGuessedNoRestock => "no restock: guessed from the stock level ({0} minus the quantity is not above 0)", "재고 복구 안 함: 재고량({0})에서 수량을 뺀 값이 0보다 크지 않다고 추측";
    OcArchived => "order settled and archived: ignored", "이미 정리되어 보관된 주문: 무시";
    SdNoLimit => "no limit", "제한 없음";
    SdRetryForward => "forward recovery: retry {0}, attempt {1}, next at t={2}", "정방향 복구: {0} 재시도, 시도 {1}, 다음 t={2}";
    SdRetryCompensation => "retry compensation {0}, attempt {1}, next at t={2}", "보상 트랜잭션 {0} 재시도, 시도 {1}, 다음 t={2}";
    SdCancelledBeforeStart => "the cancel arrived before the order: no saga", "주문보다 취소가 먼저 도착: 사가를 시작하지 않음";
    SdFinishedConfirmed => "saga finished: CONFIRMED", "사가 종료: CONFIRMED";
    SdFinishedCancelled => "saga finished: CANCELLED", "사가 종료: CANCELLED";
    SdVotedYes => "{0} votes yes", "{0} 찬성 투표";
    SdVotedNo => "{0} votes no (or never answered)", "{0} 반대 투표 (또는 응답 없음)";
    SdDecidedCommit => "decision logged: COMMIT / CONFIRM", "결정 기록: 커밋 / 확정";
    SdDecidedAbort => "decision logged: ABORT / CANCEL", "결정 기록: 롤백(Abort) / 취소";
    SdAutoConfirm => "pending timeout: confirm again, no limit", "처리 중(PENDING) 시간 초과: 제한 없이 다시 확정";
    SdOperatorAlerted => "pending timeout: operator alerted", "처리 중(PENDING) 시간 초과: 운영자에게 알림";
    SdOperatorConfirm => "operator decides by hand: CONFIRM", "운영자가 직접 결정: 확정";
    SdOperatorCancel => "operator decides by hand: CANCEL", "운영자가 직접 결정: 취소";
    CmSetStock => "operator sets {0} stock to {1}", "운영자가 {0} 재고를 {1} 설정";
    CmPlacementMode => "placement mode {0}", "주문 접수 모드 {0}";
    CmPartition => "fault: {0} cut off from the bus", "장애: {0} 버스 사이 연결 끊김";
    CmPartitionFromCoordinator => "fault: {0} cut off from the coordinator", "장애: {0} 코디네이터 사이 연결 끊김";
    CmLinkFaults => "network ({0}): drop {1}, duplicate {2}, delay {3} (up to {4} ms), reorder {5}", "네트워크 ({0}): 유실 {1}, 중복 {2}, 지연 {3} (최대 {4} ms), 순서 뒤바뀜 {5}";
    CmFailHandling => "fault: {0}'s handler fails on every message", "장애: {0} 핸들러가 모든 메시지에서 실패";
    CmHandlerWorks => "{0}'s handler works again", "{0} 핸들러 복구";
    CmPoisonNext => "fault: {0}'s next event is a poison message", "장애: {0}의 다음 이벤트는 포이즌 메시지";
    CmCrashAfterCommit => "fault armed: {0} crashes at its next commit (after the commit, before publishing; or, publishing first, the commit fails)", "장애 발동 대기: {0} 다음 커밋 시점에 다운 (커밋 후 발행 전, 먼저 발행했다면 커밋 실패)";
    CmTrapCrash => "fault armed: the coordinator crashes at its next decision", "장애 발동 대기: 다음 결정 순간 코디네이터 다운";
    CmTrapCut => "fault armed: {0} is cut off at the coordinator's next decision", "장애 발동 대기: 코디네이터의 다음 결정 순간 {0} 연결 끊김";
    CmReplayDl => "operator replays dead letter {1} at {0}", "운영자가 {0}의 데드 레터 {1} 재처리";
    CmDiscardDl => "operator discards dead letter {1} at {0}", "운영자가 {0}의 데드 레터 {1} 폐기";
    CmFixDl => "operator fixes poison message {1} at {0}", "운영자가 {0}의 포이즌 메시지 {1} 수정";
    CmFlaky => "the client's network turns flaky: answers get lost", "클라이언트 네트워크 불안정: 응답이 유실됨";
    CmSteady => "the client's network is steady again", "클라이언트 네트워크 안정";
    CmResolveConfirm => "operator confirms {0} by hand", "운영자가 {0} 직접 확정";
    CmResolveCancel => "operator cancels {0} by hand", "운영자가 {0} 직접 취소";
    TlTraceOverflow => "{0} older entries discarded", "기록 {0}개가 넘쳐 버려짐";
    LegendCommit => "offset commit (the consumer is done)", "오프셋 커밋 (소비자가 처리 완료)";
    LegendHandling => "being handled (thick edge)", "처리하는 메시지 (굵은 테두리)";
    UncommittedRecords => "records not yet committed", "아직 커밋되지 않은 레코드";
    PbEmpty => "it is empty", "내용이 비어 있습니다";
    PbTooLarge => "it is {0} bytes; a run is at most {1} bytes", "크기 {0} 바이트: 실행 기록은 최대 {1} 바이트입니다";
    PbNotJson => "not JSON (line {0}, column {1})", "JSON이 아닙니다 ({0}행 {1}열)";
    PbNotARun => "JSON, but not a Saga Lab run (it has no seed)", "JSON이지만 사가 랩의 실행 기록이 아닙니다 (seed가 없습니다)";
    PbNewerFormat => "made by a newer version of Saga Lab (format {0}); this version reads format 1", "더 새로운 버전의 사가 랩이 만든 기록입니다 (형식 {0}). 이 버전은 형식 1을 읽습니다";
    PbMissing => "is missing", "값이 없습니다";
    PbWrongType => "must be {0}", "값의 종류가 다릅니다 (필요한 값: {0})";
    PbUnknownField => "is not a field of this format", "이 형식에 없는 필드입니다";
    PbUnknownName => "\"{0}\" is not one of {1}", "알 수 없는 이름 \"{0}\" (가능한 값: {1})";
    PbOutOfRange => "must be between {0} and {1}, got {2}", "{0}부터 {1} 사이여야 합니다 (입력값 {2})";
    PbTooMany => "holds {0}; at most {1}", "항목 {0}개: 최대 {1}개입니다";
    PbNoneGiven => "must not be empty", "비어 있으면 안 됩니다";
    PbMinAboveMax => "min_ms ({0}) is greater than max_ms ({1})", "min_ms {0} > max_ms {1}: 최솟값이 최댓값보다 큽니다";
    PbNoSuchProduct => "no product {0} (the catalogue has {1})", "상품 번호 {0}: 카탈로그에는 상품이 {1}개뿐입니다";
    PbTooLong => "is longer than {0} characters", "최대 {0}자입니다";
    PbPublishFirstAtOrder => "publish-first is modelled at Product and Delivery, not at Order", "먼저 발행은 상품·배송 서비스에만 있고 주문 서비스에는 없습니다";
    PbOutOfOrder => "comes before the input above it; inputs must be in order", "앞 입력보다 이른 시점입니다: 입력은 시간 순서여야 합니다";
    PbTruncated => "the link is cut short", "링크가 잘렸습니다";
    PbChecksumMismatch => "the link was changed or cut (its checksum does not match)", "링크가 바뀌었거나 잘렸습니다 (체크섬 불일치)";
    PbBadCharacter => "'{0}' cannot be in a link", "링크에 쓸 수 없는 문자 '{0}'";
    PbTrailingBytes => "the link has bytes after its run", "링크에 실행 기록 뒤로 남는 내용이 있습니다";
    FfOrders => "{0} orders, {1} rejected: {2} confirmed, {3} cancelled, {4} pending", "주문 {0}건, 거절 {1}건: 확정 {2}, 취소 {3}, 처리 중 {4}";
    FfSettled => "✔ Settled {0} after the heal: consistent, {1} violations", "✔ 복구 {0} 뒤 안정: 일관됨, 위반 {1}건";
    FfSettledInconsistent => "✖ Settled {0} after the heal, but inconsistent: {1} violations", "✖ 복구 {0} 뒤 안정했지만 불일치: 위반 {1}건";
    FfNotSettled => "… Not settled: it waits for an operator or for more time ({0} violations)", "… 안정되지 않음: 운영자나 더 많은 시간이 필요합니다 (위반 {0}건)";
    FfFigures => "{0} events and {1} of virtual time in {2} ({3} events/s)", "이벤트 {0}건, 가상 시간 {1}, 실제 {2} (초당 {3}건)";
}

/// A finished fast-forward, in three lines: the orders' fates, the verdict, and the figures.
pub fn chaos_outcome(lang: Lang, o: &saga_sim::ChaosOutcome, elapsed_ms: f64) -> [String; 3] {
    use crate::format::{count, duration};
    let (orders, rejected) = (count(o.orders.into()), count(u64::from(o.orders) - o.accepted.min(u64::from(o.orders))));
    let (confirmed, cancelled, pending) =
        (count(u64::from(o.confirmed)), count(u64::from(o.cancelled)), count(u64::from(o.pending)));
    let events = count(o.events);
    let rate = count((o.events as f64 / (elapsed_ms.max(1.0) / 1_000.0)) as u64);
    let wall = format!("{} s", crate::format::fixed(elapsed_ms / 1_000.0, 2));
    let virt = duration(o.virtual_ms);
    let violations = count(o.violations);
    let settled = o.settled_at_ms.map(|at| duration(at.saturating_sub(o.healed_at_ms)));
    let verdict = match (settled, o.consistent) {
        (Some(after), true) => fill(t(lang, Key::FfSettled), &[&after, &violations]),
        (Some(after), false) => fill(t(lang, Key::FfSettledInconsistent), &[&after, &violations]),
        (None, _) => fill(t(lang, Key::FfNotSettled), &[&violations]),
    };
    [
        fill(t(lang, Key::FfOrders), &[&orders, &rejected, &confirmed, &cancelled, &pending]),
        verdict,
        fill(t(lang, Key::FfFigures), &[&events, &virt, &wall, &rate]),
    ]
}

/// `template` with `{0}`, `{1}`… replaced by `args`: the translation table's sentences with
/// blanks, so a sentence's Korean travels in `static/ko.txt`, not in the WebAssembly.
pub fn fill(template: &str, args: &[&dyn std::fmt::Display]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find('}').and_then(|j| after[..j].parse::<usize>().ok().map(|n| (j, n))) {
            Some((j, n)) => {
                if let Some(a) = args.get(n) {
                    let _ = write!(out, "{a}");
                }
                rest = &after[j + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// An order status badge's text.
pub fn status(lang: Lang, s: OrderStatus) -> &'static str {
    t(
        lang,
        match s {
            OrderStatus::Pending => Key::StPending,
            OrderStatus::Confirmed => Key::StConfirmed,
            OrderStatus::Cancelled(_) => Key::StCancelled,
            OrderStatus::Cancelling(_) => Key::StCancelling,
        },
    )
}

/// A cancellation reason.
pub fn reason(lang: Lang, r: CancelReason) -> &'static str {
    t(
        lang,
        match r {
            CancelReason::UserRequest => Key::WhyUserRequest,
            CancelReason::OutOfStock => Key::WhyOutOfStock,
            CancelReason::SagaFailed => Key::WhySagaFailed,
        },
    )
}

/// What a field needs, in a few words.
fn expected(lang: Lang, e: saga_sim::Expected) -> &'static str {
    use saga_sim::Expected as E;
    t(
        lang,
        match e {
            E::WholeNumber => Key::ExpWholeNumber,
            E::Integer => Key::ExpInteger,
            E::Number => Key::ExpNumber,
            E::Bool => Key::ExpBool,
            E::Text => Key::ExpText,
            E::List => Key::ExpList,
            E::Object => Key::ExpObject,
        },
    )
}

/// What is wrong with a run file or a link, naming the field; sentences that need no particle
/// after a name, so any field or value fits.
pub fn field_problem(lang: Lang, p: &saga_sim::FieldProblem) -> String {
    use crate::format::count;
    use saga_sim::Problem as P;
    // Each problem is a sentence of the table with its blanks: the Korean stays in `ko.txt`.
    let (key, args): (Key, Vec<String>) = match &p.problem {
        P::Empty => (Key::PbEmpty, vec![]),
        P::TooLarge { bytes, max_bytes } => (Key::PbTooLarge, vec![count(*bytes), count(*max_bytes)]),
        P::NotJson { line, column } => (Key::PbNotJson, vec![line.to_string(), column.to_string()]),
        P::NotARun => (Key::PbNotARun, vec![]),
        P::NewerFormat { format } => (Key::PbNewerFormat, vec![format.to_string()]),
        P::Missing => (Key::PbMissing, vec![]),
        P::WrongType { expected: e } => (Key::PbWrongType, vec![expected(lang, *e).to_string()]),
        P::UnknownField => (Key::PbUnknownField, vec![]),
        P::UnknownName { got, known } => (Key::PbUnknownName, vec![got.to_string(), known.join(", ")]),
        P::OutOfRange { got, min, max } => (Key::PbOutOfRange, vec![min.to_string(), max.to_string(), got.to_string()]),
        P::TooMany { got, max } => (Key::PbTooMany, vec![got.to_string(), max.to_string()]),
        P::NoneGiven => (Key::PbNoneGiven, vec![]),
        P::MinAboveMax { min_ms, max_ms } => (Key::PbMinAboveMax, vec![min_ms.to_string(), max_ms.to_string()]),
        P::NoSuchProduct { got, products } => (Key::PbNoSuchProduct, vec![got.to_string(), products.to_string()]),
        P::TooLong { max_chars } => (Key::PbTooLong, vec![max_chars.to_string()]),
        P::PublishFirstAtOrder => (Key::PbPublishFirstAtOrder, vec![]),
        P::OutOfOrder => (Key::PbOutOfOrder, vec![]),
        P::Truncated => (Key::PbTruncated, vec![]),
        P::ChecksumMismatch => (Key::PbChecksumMismatch, vec![]),
        P::BadCharacter { got } => (Key::PbBadCharacter, vec![got.to_string()]),
        P::TrailingBytes => (Key::PbTrailingBytes, vec![]),
    };
    let args: Vec<&dyn std::fmt::Display> = args.iter().map(|a| a as &dyn std::fmt::Display).collect();
    let what = fill(t(lang, key), &args);
    if p.field.is_empty() { what } else { format!("`{}`: {what}", p.field) }
}

/// How a service publishes, in a few words. Dual write is named for what it is on the
/// producer's side, at-most-once publishing (seed 003: publish once, then do not care).
pub fn publish_mode(lang: Lang, mode: saga_sim::PublishMode) -> &'static str {
    use saga_sim::PublishMode as P;
    match (mode, lang) {
        (P::Outbox, _) => t(lang, Key::Outbox),
        (P::DualWrite, Lang::En) => "dual write (at-most-once publishing)",
        (P::DualWrite, Lang::Ko) => "이중 쓰기 (최대 한 번 발행)",
        (P::PublishFirst, Lang::En) => "publish first",
        (P::PublishFirst, Lang::Ko) => "먼저 발행",
    }
}

/// How a service publishes and how many events wait unsent, short enough for a node's line.
pub fn publish_mode_short(lang: Lang, mode: saga_sim::PublishMode) -> String {
    use saga_sim::PublishMode as P;
    let name = match (mode, lang) {
        (P::PublishFirst, Lang::En) => "pub. first",
        (P::DualWrite, _) => t(lang, Key::DualWriteShort),
        _ => publish_mode(lang, mode),
    };
    format!("{name}: {}", t(lang, Key::Unpublished))
}

/// A Payment or Points row's status badge text.
pub fn account_status(lang: Lang, s: saga_sim::AccountStatus) -> &'static str {
    use saga_sim::AccountStatus as A;
    t(
        lang,
        match s {
            A::Held => Key::AcHeld,
            A::Prepared => Key::AcPrepared,
            A::Charged => Key::AcCharged,
            A::Released => Key::AcReleased,
            A::Refunded => Key::AcRefunded,
        },
    )
}

/// A delivery status badge's text.
pub fn delivery_status(lang: Lang, s: DeliveryStatus) -> &'static str {
    t(
        lang,
        match s {
            DeliveryStatus::Started => Key::DlvStarted,
            DeliveryStatus::Completed => Key::DlvCompleted,
            DeliveryStatus::Cancelled => Key::DlvCancelled,
            DeliveryStatus::Held => Key::DlvHeld,
            DeliveryStatus::Prepared => Key::DlvPrepared,
        },
    )
}

/// A service's name.
pub fn service(lang: Lang, s: ServiceId) -> &'static str {
    t(
        lang,
        match s {
            ServiceId::Order => Key::SvcOrder,
            ServiceId::Product => Key::SvcProduct,
            ServiceId::Delivery => Key::SvcDelivery,
            ServiceId::Coordinator => Key::SvcCoordinator,
            ServiceId::Payment => Key::SvcPayment,
            ServiceId::Points => Key::SvcPoints,
        },
    )
}

/// A service's name inside a sentence. Korean uses the long form, as the seeds do (주문 서비스,
/// 상품 서비스, 배송 서비스), so a particle attaches to 서비스; labels keep the short [`service`].
pub fn service_long(lang: Lang, s: ServiceId) -> &'static str {
    match (s, lang) {
        (ServiceId::Order, Lang::Ko) => "주문 서비스",
        (ServiceId::Product, Lang::Ko) => "상품 서비스",
        (ServiceId::Delivery, Lang::Ko) => "배송 서비스",
        (ServiceId::Payment, Lang::Ko) => "결제 서비스",
        (ServiceId::Points, Lang::Ko) => "포인트 서비스",
        _ => service(lang, s),
    }
}

/// A Korean particle whose form depends on the word before it: one form after a final
/// consonant (받침), the other after a vowel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Josa {
    /// 이 / 가 (subject).
    I,
    /// 을 / 를 (object).
    Eul,
    /// 과 / 와 (and, with).
    Gwa,
    /// 은 / 는 (topic).
    Eun,
    /// 으로 / 로 (to, as): 로 also after ㄹ.
    Euro,
}

/// How a word ends when read aloud in Korean, which is what a particle agrees with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ending {
    /// A vowel: 가, 를, 와, 는, 로.
    Vowel,
    /// A final consonant other than ㄹ: 이, 을, 과, 은, 으로.
    Consonant,
    /// The final consonant ㄹ: 이, 을, 과, 은, but 로.
    Rieul,
}

/// How `word` ends when read aloud. A Hangul syllable by its final consonant; a digit as it is
/// read (영 일 이 삼 사 오 육 칠 팔 구; a 0 after other digits closes 십, 백, 천 or 만, all with a
/// final consonant); a Latin letter by the usual convention for names and ids, which reads l and
/// r as ㄹ (엘, 알), m and n as consonants (엠, 엔) and every other letter as a vowel. Trailing
/// punctuation is skipped, and so is a closing parenthesis with what it holds, since a particle
/// agrees with the word before it: 롤백(Abort)을.
fn ending(word: &str) -> Ending {
    let mut w = word.trim_end();
    loop {
        match w.chars().next_back() {
            None => return Ending::Vowel,
            Some(')') => w = w[..w.rfind('(').unwrap_or(w.len() - 1)].trim_end(),
            Some(c) if !c.is_alphanumeric() => w = w[..w.len() - c.len_utf8()].trim_end(),
            Some(c @ '가'..='힣') => {
                return match (u32::from(c) - 0xAC00) % 28 {
                    0 => Ending::Vowel,
                    8 => Ending::Rieul,
                    _ => Ending::Consonant,
                };
            }
            Some('1' | '7' | '8' | 'l' | 'L' | 'r' | 'R') => return Ending::Rieul,
            Some('0' | '3' | '6' | 'm' | 'M' | 'n' | 'N') => return Ending::Consonant,
            Some(_) => return Ending::Vowel,
        }
    }
}

/// The form of `josa` that fits `word`.
pub fn josa(word: &str, josa: Josa) -> &'static str {
    let (after_consonant, after_vowel) = match josa {
        Josa::I => ("이", "가"),
        Josa::Eul => ("을", "를"),
        Josa::Gwa => ("과", "와"),
        Josa::Eun => ("은", "는"),
        Josa::Euro => ("으로", "로"),
    };
    match (ending(word), josa) {
        (Ending::Vowel, _) | (Ending::Rieul, Josa::Euro) => after_vowel,
        _ => after_consonant,
    }
}

/// `word` followed by the form of `josa` that fits it: `with_josa("주문 서비스", Josa::I)` is
/// "주문 서비스가".
pub fn with_josa(word: impl std::fmt::Display, j: Josa) -> String {
    let word = word.to_string();
    let particle = josa(&word, j);
    word + particle
}

/// Why Order refused a request.
pub fn rejection(lang: Lang, r: Rejection) -> &'static str {
    use Rejection::*;
    t(
        lang,
        match r {
            CancelInProgress => Key::RejCancelInProgress,
            OrderServiceDown => Key::RejOrderServiceDown,
            ProductUnreachable => Key::RejProductUnreachable,
            UnknownProduct => Key::RejUnknownProduct,
            BadQuantity => Key::RejBadQuantity,
            OrderLimitReached => Key::RejOrderLimitReached,
            OutboxFull => Key::RejOutboxFull,
            UnknownOrder => Key::RejUnknownOrder,
            AlreadyCancelled => Key::RejAlreadyCancelled,
            OrderLocked => Key::RejOrderLocked,
        },
    )
}

/// A participant's answer to a command.
pub fn rpc_result(lang: Lang, r: saga_sim::RpcResult) -> String {
    use saga_sim::RpcResult as R;
    match (r, lang) {
        (R::Done, Lang::En) => "done".into(),
        (R::Done, Lang::Ko) => "완료".into(),
        (R::OutOfStock { available }, Lang::En) => format!("out of stock ({available} left)"),
        (R::OutOfStock { available }, Lang::Ko) => format!("재고 부족 ({available}개 남음)"),
        (R::Refused, Lang::En) => "refused".into(),
        (R::Refused, Lang::Ko) => "거절".into(),
        (R::CannotUndo, Lang::En) => "cannot be undone".into(),
        (R::CannotUndo, Lang::Ko) => "되돌릴 수 없음".into(),
        (R::Blocked, Lang::En) => "waits for the row lock".into(),
        (R::Blocked, Lang::Ko) => "행 잠금 대기".into(),
        (R::Status { status }, _) => self::status(lang, status).into(),
    }
}

/// Why a saga went backwards.
pub fn recovery(lang: Lang, r: saga_sim::Recovery) -> String {
    use saga_sim::Recovery as Rc;
    match (r, lang) {
        (Rc::Business { step, result }, Lang::En) => {
            format!("business failure at {} ({}): undo, retrying cannot help", step.name(), rpc_result(lang, result))
        }
        (Rc::Business { step, result }, Lang::Ko) => {
            format!("{} 단계의 비즈니스 실패 ({}): 재시도해도 소용없으니 되돌림", step.name(), rpc_result(lang, result))
        }
        (Rc::Technical { step, attempts }, Lang::En) => {
            format!("technical failure at {}: no answer after {attempts} attempts, undo", step.name())
        }
        (Rc::Technical { step, attempts }, Lang::Ko) => {
            format!("{} 단계의 기술적인 실패: {attempts}번 시도해도 응답 없음, 되돌림", step.name())
        }
        (Rc::UserCancel, Lang::En) => "the customer cancelled".into(),
        (Rc::UserCancel, Lang::Ko) => "고객이 취소함".into(),
    }
}

/// What the coordinator decided, as a sentence.
pub fn saga_decision(lang: Lang, d: &saga_sim::SagaDecision) -> String {
    use saga_sim::SagaDecision as D;
    let ko = lang == Lang::Ko;
    match *d {
        D::Started => t(lang, Key::OcSagaStarted).into(),
        D::StepDone { step } => fill(t(lang, Key::SdStepDone), &[&step.name()]),
        D::Retry { rpc, attempt, max, at_ms } => {
            let limit = if max == 0 { t(lang, Key::SdNoLimit).to_string() } else { format!("{attempt} / {max}") };
            let key = if rpc.is_compensation() { Key::SdRetryCompensation } else { Key::SdRetryForward };
            fill(t(lang, key), &[&rpc, &limit, &crate::format::duration(at_ms)])
        }
        D::Compensate { recovery: r } => fill(t(lang, Key::SdCompensate), &[&recovery(lang, r)]),
        D::CannotUndo { step } => fill(t(lang, Key::SdCannotUndo), &[&step.name()]),
        D::CancelledBeforeStart => t(lang, Key::SdCancelledBeforeStart).into(),
        D::ResumeForward { step } => fill(t(lang, Key::SdResumeForward), &[&step.name()]),
        D::Parked { rpc } => fill(t(lang, Key::SdParked), &[&rpc]),
        D::RegistryRetry { rpc, attempt } => fill(t(lang, Key::SdRegistryRetry), &[&rpc, &attempt]),
        D::RegistryCleared { rpc } => fill(t(lang, Key::SdRegistryCleared), &[&rpc]),
        D::Finished { confirmed } => {
            t(lang, if confirmed { Key::SdFinishedConfirmed } else { Key::SdFinishedCancelled }).into()
        }
        D::Voted { at, yes } => {
            let who = if ko { with_josa(service_long(lang, at), Josa::I) } else { service_long(lang, at).to_string() };
            fill(t(lang, if yes { Key::SdVotedYes } else { Key::SdVotedNo }), &[&who])
        }
        D::Decided { commit } => t(lang, if commit { Key::SdDecidedCommit } else { Key::SdDecidedAbort }).into(),
        D::Stuck { at } => fill(t(lang, Key::SdStuck), &[&service_long(lang, at)]),
        D::AutoConfirm => t(lang, Key::SdAutoConfirm).into(),
        D::OperatorAlerted => t(lang, Key::SdOperatorAlerted).into(),
        D::OperatorResolved { commit } => {
            t(lang, if commit { Key::SdOperatorConfirm } else { Key::SdOperatorCancel }).into()
        }
        D::LeftToSweeper { at } => fill(t(lang, Key::SdLeftToSweeper), &[&service_long(lang, at)]),
    }
}

/// A message's payload, as the detail box shows it.
pub fn payload(lang: Lang, e: &saga_sim::Event) -> String {
    use saga_sim::Event as Ev;
    use saga_sim::StockChange;
    let ko = lang == Lang::Ko;
    match *e {
        Ev::OrderPlaced { order, product, quantity } => {
            fill(t(lang, Key::PlOrderPlaced), &[&order, &product, &quantity])
        }
        Ev::ProductChanged { order, product, quantity, change, stock_after } => {
            let what = match (change, ko) {
                (StockChange::Taken, false) => "taken",
                (StockChange::Taken, true) => "차감",
                (StockChange::Restored, false) => "restored",
                (StockChange::Restored, true) => "복구",
                (StockChange::Adjusted, false) => "adjusted by an operator",
                (StockChange::Adjusted, true) => "운영자 조정",
                (StockChange::Untouched, false) => "nothing to give back",
                (StockChange::Untouched, true) => "복구할 재고 없음",
            };
            let order = order.map_or_else(|| t(lang, Key::NoneValue).to_string(), |o| o.to_string());
            fill(t(lang, Key::PlProductChanged), &[&order, &product, &quantity, &what, &stock_after])
        }
        Ev::ProductOutOfStock { order, product, requested, available } => {
            fill(t(lang, Key::PlProductOutOfStock), &[&order, &product, &requested, &available])
        }
        Ev::OrderCancelled { order, product, quantity, reason: r } => {
            fill(t(lang, Key::PlOrderCancelled), &[&order, &product, &quantity, &reason(lang, r)])
        }
        Ev::DeliveryStarted { order } | Ev::DeliveryCancelled { order } | Ev::AllDone { order } => {
            fill(t(lang, Key::PlDeliveryStarted), &[&order])
        }
    }
}

/// A user command, as a sentence.
pub fn command(lang: Lang, c: &saga_sim::Command) -> String {
    use saga_sim::{Command as C, Fault as F};
    let ko = lang == Lang::Ko;
    let svc = |s: ServiceId| service_long(lang, s);
    match *c {
        C::PlaceOrder { product, quantity, .. } => fill(t(lang, Key::CmPlaceOrder), &[&product, &quantity]),
        C::CancelOrder { order } => fill(t(lang, Key::CmCancelOrder), &[&order]),
        C::CompleteDelivery { order } => fill(t(lang, Key::CmCompleteDelivery), &[&order]),
        C::SetStock { product, stock } => {
            let stock = if ko { with_josa(stock, Josa::Euro) } else { stock.to_string() };
            fill(t(lang, Key::CmSetStock), &[&product, &stock])
        }
        C::SetPlacementMode { mode } => {
            let mode = if mode == saga_sim::PlacementMode::Ap { "AP" } else { "CP" };
            fill(t(lang, Key::CmPlacementMode), &[&mode])
        }
        C::Fault(f) => match f {
            F::Crash { service: s } => fill(t(lang, Key::CmCrash), &[&svc(s)]),
            F::Restart { service: s } => fill(t(lang, Key::CmRestart), &[&svc(s)]),
            F::Partition { service: s } => {
                // Payment and Points read no bus: what they are cut off from is the coordinator.
                let key = if s.reads_bus() { Key::CmPartition } else { Key::CmPartitionFromCoordinator };
                let who = if ko { with_josa(svc(s), Josa::Gwa) } else { svc(s).to_string() };
                fill(t(lang, key), &[&who])
            }
            F::Heal { service: s } => fill(t(lang, Key::CmHeal), &[&svc(s)]),
            F::SetLinkFaults { service: s, faults: l } => {
                let scope = s.map_or_else(|| t(lang, Key::AllLinks).to_string(), |s| svc(s).to_string());
                let pct = |p: f64| format!("{}%", crate::format::fixed(p * 100.0, 0));
                let args: [&dyn std::fmt::Display; 6] = [
                    &scope,
                    &pct(l.drop_probability),
                    &pct(l.duplicate_probability),
                    &pct(l.delay_probability),
                    &l.delay_ms.max_ms,
                    &pct(l.reorder_probability),
                ];
                fill(t(lang, Key::CmLinkFaults), &args)
            }
            F::SetHandleTime { service: s, handle_ms } => fill(t(lang, Key::CmSetHandleTime), &[&svc(s), &handle_ms]),
            F::HealAll => t(lang, Key::HealAll).to_string(),
            F::FailHandling { service: s, on } => {
                fill(t(lang, if on { Key::CmFailHandling } else { Key::CmHandlerWorks }), &[&svc(s)])
            }
            F::PoisonNextEvent { service: s } => fill(t(lang, Key::CmPoisonNext), &[&svc(s)]),
            F::CrashAfterCommit { service: s } => {
                let who = if ko { with_josa(svc(s), Josa::I) } else { svc(s).to_string() };
                fill(t(lang, Key::CmCrashAfterCommit), &[&who])
            }
            F::AtNextDecision { then } => match then {
                saga_sim::DecisionTrap::CrashCoordinator => t(lang, Key::CmTrapCrash).into(),
                saga_sim::DecisionTrap::Partition { service: s } => fill(t(lang, Key::CmTrapCut), &[&svc(s)]),
            },
        },
        C::ReplayDeadLetter { service: s, message } => fill(t(lang, Key::CmReplayDl), &[&svc(s), &message]),
        C::DiscardDeadLetter { service: s, message } => fill(t(lang, Key::CmDiscardDl), &[&svc(s), &message]),
        C::FixDeadLetter { service: s, message } => fill(t(lang, Key::CmFixDl), &[&svc(s), &message]),
        C::FastForward { orders } => fill(t(lang, Key::CmFastForward), &[&orders]),
        C::SetFlakyClient { on } => t(lang, if on { Key::CmFlaky } else { Key::CmSteady }).into(),
        C::Resolve { order, commit } => {
            let order = if ko { with_josa(order, Josa::Eul) } else { order.to_string() };
            fill(t(lang, if commit { Key::CmResolveConfirm } else { Key::CmResolveCancel }), &[&order])
        }
    }
}

/// Why a command was refused before reaching the world.
pub fn refusal(lang: Lang, r: Refusal) -> &'static str {
    t(
        lang,
        match r {
            Refusal::OrdersOutOfRange => Key::RfOrdersOutOfRange,
            Refusal::ScheduleFull => Key::RfScheduleFull,
            Refusal::InThePast => Key::RfInThePast,
            Refusal::UnknownProduct => Key::RfUnknownProduct,
            Refusal::BadStock => Key::RfBadStock,
            Refusal::ServiceDown => Key::RfServiceDown,
            Refusal::OutboxFull => Key::RfOutboxFull,
            Refusal::TooFarAhead => Key::RfTooFarAhead,
            Refusal::NothingToResolve => Key::RfNothingToResolve,
            Refusal::ContradictsLog => Key::RfContradictsLog,
            Refusal::NotAllPrepared => Key::RfNotAllPrepared,
            Refusal::NoSuchDeadLetter => Key::RfNoSuchDeadLetter,
            Refusal::AlreadyDelivered => Key::RfAlreadyDelivered,
            Refusal::StockPromised => Key::RfStockPromised,
            Refusal::NotInPlay => Key::RfNotInPlay,
        },
    )
}

/// An invariant's name and one-line meaning.
pub fn invariant(lang: Lang, i: Invariant) -> (&'static str, &'static str) {
    use Invariant::*;
    let (name, meaning) = match i {
        StockNeverNegative => (Key::InvStockNeverNegative, Key::InvStockNeverNegativeMeaning),
        NoCompletedDeliveryForCancelledOrder => {
            (Key::InvNoCompletedDeliveryForCancelledOrder, Key::InvNoCompletedDeliveryForCancelledOrderMeaning)
        }
        NoConfirmedOrderWithoutStock => {
            (Key::InvNoConfirmedOrderWithoutStock, Key::InvNoConfirmedOrderWithoutStockMeaning)
        }
        AtMostOnceEffect => (Key::InvAtMostOnceEffect, Key::InvAtMostOnceEffectMeaning),
        NoMessageLostToRetention => (Key::InvNoMessageLostToRetention, Key::InvNoMessageLostToRetentionMeaning),
        EveryOrderFinal => (Key::InvEveryOrderFinal, Key::InvEveryOrderFinalMeaning),
        StockConserved => (Key::InvStockConserved, Key::InvStockConservedMeaning),
        DeliveryMatchesOrder => (Key::InvDeliveryMatchesOrder, Key::InvDeliveryMatchesOrderMeaning),
        StockMatchesOrder => (Key::InvStockMatchesOrder, Key::InvStockMatchesOrderMeaning),
        NoConsumerLag => (Key::InvNoConsumerLag, Key::InvNoConsumerLagMeaning),
        NothingInFlight => (Key::InvNothingInFlight, Key::InvNothingInFlightMeaning),
        NoNotificationForCancelledOrder => {
            (Key::InvNoNotificationForCancelledOrder, Key::InvNoNotificationForCancelledOrderMeaning)
        }
        RegistryEmpty => (Key::InvRegistryEmpty, Key::InvRegistryEmptyMeaning),
        StockCoversReservations => (Key::InvStockCoversReservations, Key::InvStockCoversReservationsMeaning),
        NoDanglingReservation => (Key::InvNoDanglingReservation, Key::InvNoDanglingReservationMeaning),
        NoParticipantInDoubt => (Key::InvNoParticipantInDoubt, Key::InvNoParticipantInDoubtMeaning),
        DeadLetterQueueEmpty => (Key::InvDeadLetterQueueEmpty, Key::InvDeadLetterQueueEmptyMeaning),
        NoEventLost => (Key::InvNoEventLost, Key::InvNoEventLostMeaning),
        NoPhantomEvent => (Key::InvNoPhantomEvent, Key::InvNoPhantomEventMeaning),
        AccountsMatchOrder => (Key::InvAccountsMatchOrder, Key::InvAccountsMatchOrderMeaning),
    };
    (t(lang, name), t(lang, meaning))
}

/// What a handler decided, as a short sentence.
pub fn outcome(lang: Lang, o: &Outcome) -> String {
    use Outcome::*;
    let word = |key: Key| t(lang, key).to_string();
    let again = |applied: bool, key: Key| if applied { t(lang, key) } else { "" };
    match *o {
        NotForMe => word(Key::OcNotForMe),
        DuplicateIgnored => word(Key::OcDuplicateIgnored),
        UnknownOrder { order } => fill(t(lang, Key::OcUnknownOrder), &[&order]),
        StockTaken { product, quantity, stock_after, again: a } => {
            fill(t(lang, Key::OcStockTaken), &[&product, &quantity, &stock_after, &again(a, Key::OcDuplicateApplied)])
        }
        OutOfStock { product, requested, available } => {
            fill(t(lang, Key::OcOutOfStock), &[&product, &requested, &available])
        }
        StockRestored { product, quantity, stock_after, again: a } => fill(
            t(lang, Key::OcStockRestored),
            &[&product, &quantity, &stock_after, &again(a, Key::OcDuplicateApplied)],
        ),
        EchoOfOwnEvent { own_message } => fill(t(lang, Key::OcEcho), &[&own_message]),
        NothingToRestore => word(Key::OcNothingToRestore),
        CancelledBeforePlaced => word(Key::OcCancelledBeforePlaced),
        PlacedAfterCancel => word(Key::OcPlacedAfterCancel),
        DeliveryStarted { again: a } => fill(t(lang, Key::OcDeliveryStarted), &[&again(a, Key::OcSecondParcel)]),
        DeliveryCancelled => word(Key::OcDeliveryCancelled),
        CancelTooLate => word(Key::OcCancelTooLate),
        AwaitingOtherReply => word(Key::OcAwaitingOtherReply),
        OrderConfirmed => word(Key::OcOrderConfirmed),
        AllDoneEmitted => word(Key::OcAllDoneEmitted),
        OrderCancelled { reason: r } => fill(t(lang, Key::OcOrderCancelled), &[&reason(lang, r)]),
        CancelConfirmed => word(Key::OcCancelConfirmed),
        AlreadyFinal => word(Key::OcAlreadyFinal),
        ReplicaUpdated => word(Key::OcReplicaUpdated),
        SagaStarted => word(Key::OcSagaStarted),
        SagaCancelRequested => word(Key::OcSagaCancelRequested),
        GuessedNoRestock { stock } => fill(t(lang, Key::OcGuessedNoRestock), &[&stock]),
        Archived => word(Key::OcArchived),
    }
}

/// One trace event as a sentence for the event log.
pub fn trace_line(lang: Lang, e: &saga_sim::TraceEvent) -> String {
    use saga_sim::TraceEvent as E;
    use saga_sim::{LossCause, Lost};
    let ko = lang == Lang::Ko;
    let svc = |s: ServiceId| service_long(lang, s);
    match *e {
        E::Command { command: c } => command(lang, &c),
        E::Reply { reply } => match reply {
            saga_sim::Reply::Accepted { order } => fill(t(lang, Key::TlAccepted), &[&order]),
            saga_sim::Reply::AlreadyPlaced { order } => fill(t(lang, Key::TlAlreadyPlaced), &[&order]),
            saga_sim::Reply::Cancelled { order } => fill(t(lang, Key::TlCancelled), &[&order]),
            saga_sim::Reply::CancelAccepted { order } => fill(t(lang, Key::TlCancelAccepted), &[&order]),
            saga_sim::Reply::Settled { order, status: st } => {
                fill(t(lang, Key::TlSettled), &[&order, &self::status(lang, st)])
            }
            saga_sim::Reply::TimedOut { order } => fill(t(lang, Key::TlTimedOut), &[&order]),
            saga_sim::Reply::Rejected { reason } => fill(t(lang, Key::TlRejected), &[&rejection(lang, reason)]),
        },
        E::Emitted { message: m } => {
            // The events that undo a step are named as the seeds name them; ProductOutOfStock
            // starts the way back but undoes nothing itself.
            let undoes = m.event.is_compensation() && !matches!(m.event, saga_sim::Event::ProductOutOfStock { .. });
            let key = if undoes { Key::TlEmittedComp } else { Key::TlEmitted };
            fill(t(lang, key), &[&svc(m.source), &m.event.event_type(), &m.id])
        }
        E::BatchSent { service: s, messages, attempt, arrives_at_ms, .. } => {
            let line = fill(t(lang, Key::TlBatchSent), &[&svc(s), &messages, &attempt]);
            if arrives_at_ms.is_none() { line + t(lang, Key::TlLostSuffix) } else { line }
        }
        E::Lost { service: s, what, cause } => {
            let what = t(
                lang,
                match what {
                    Lost::Batch { .. } => Key::LostBatch,
                    Lost::Ack { .. } => Key::LostAck,
                    Lost::Fetch { .. } => Key::LostFetch,
                    Lost::Commit { .. } => Key::LostCommit,
                    Lost::Rpc { .. } => Key::LostRpc,
                },
            );
            let cause = t(
                lang,
                match cause {
                    LossCause::Dropped => Key::CauseDropped,
                    LossCause::Partitioned => Key::CausePartitioned,
                    LossCause::ReceiverDown => Key::CauseReceiverDown,
                    LossCause::HandlerError => Key::CauseHandlerError,
                },
            );
            fill(t(lang, Key::TlLost), &[&svc(s), &what, &cause])
        }
        E::Appended { offset, message, event_type, copy } => {
            // Korean puts its object particle on the message id, in the sound of its last digit.
            let message = if ko { with_josa(message, Josa::Eul) } else { message.to_string() };
            let line = fill(t(lang, Key::TlAppended), &[&event_type, &message, &offset.0]);
            if copy { line + t(lang, Key::TlCopySuffix) } else { line }
        }
        E::Acked { service: s, rows, .. } => fill(t(lang, Key::TlAcked), &[&svc(s), &rows]),
        E::AckTimeout { service: s, .. } => fill(t(lang, Key::TlAckTimeout), &[&svc(s)]),
        E::Handled { service: s, event_type, message, outcome: o, .. } => {
            fill(t(lang, Key::TlHandled), &[&svc(s), &event_type, &message, &outcome(lang, &o)])
        }
        E::OffsetCommitted { service: s, offset } => fill(t(lang, Key::TlOffsetCommitted), &[&svc(s), &offset.0]),
        E::ConsumerResumed { service: s, from, rereads } => {
            fill(t(lang, Key::TlConsumerResumed), &[&svc(s), &from.0, &rereads])
        }
        E::OffsetReset { service: s, from, to } => fill(t(lang, Key::TlOffsetReset), &[&svc(s), &from.0, &to.0]),
        E::OutboxFull { service: s } => fill(t(lang, Key::TlOutboxFull), &[&svc(s)]),
        E::StockSet { product, stock } => {
            let stock = if ko { with_josa(stock, Josa::Euro) } else { stock.to_string() };
            fill(t(lang, Key::TlStockSet), &[&product, &stock])
        }
        E::DeliveryCompleted { order, done } => {
            fill(t(lang, if done { Key::TlHandedOver } else { Key::TlCannotHandOver }), &[&order])
        }
        E::Refused { reason } => fill(t(lang, Key::TlRefused), &[&refusal(lang, reason)]),
        E::ConsistencyChanged { consistent } => {
            t(lang, if consistent { Key::TlCheckerConsistent } else { Key::TlCheckerInconsistent }).to_string()
        }
        E::Violation { violation } => {
            let (name, _) = invariant(lang, violation.invariant);
            fill(t(lang, Key::TlViolation), &[&name])
        }
        E::RpcSent { to, packet, arrives_at_ms } => {
            let from = svc(packet.rpc.requester());
            // The orchestrator's undo commands are compensating transactions; TCC's Cancel and
            // 2PC's Abort are not (nothing was committed yet), and say so by their names.
            let undoes = matches!(
                packet.rpc,
                saga_sim::Rpc::ReleaseStock { .. } | saga_sim::Rpc::CancelDelivery | saga_sim::Rpc::RejectOrder { .. }
            );
            let comp = if undoes { t(lang, Key::TlCompSuffix) } else { "" };
            let line = fill(t(lang, Key::TlRpcSent), &[&from, &packet.rpc, &packet.order, &svc(to), &comp]);
            if arrives_at_ms.is_none() { line + t(lang, Key::TlLostSuffix) } else { line }
        }
        E::RpcHandled { service: s, packet, result } => {
            fill(t(lang, Key::TlRpcHandled), &[&svc(s), &packet.rpc, &packet.order, &rpc_result(lang, result)])
        }
        E::RpcAnswered { packet, result } => {
            let to = svc(packet.rpc.requester());
            let to = if ko { with_josa(to, Josa::I) } else { to.to_string() };
            fill(t(lang, Key::TlRpcAnswered), &[&to, &packet.rpc, &rpc_result(lang, result)])
        }
        E::RecordLost { service: s, offset, message } => {
            let message = if ko { with_josa(message, Josa::Eul) } else { message.to_string() };
            fill(t(lang, Key::TlRecordLost), &[&svc(s), &message, &offset.0])
        }
        E::HandlerFailed { service: s, offset, message, attempt, retry_at_ms } => {
            let then = match retry_at_ms {
                Some(at) => fill(t(lang, Key::TlRetryAt), &[&crate::format::duration(at)]),
                None => t(lang, Key::TlToDlq).to_string(),
            };
            fill(t(lang, Key::TlHandlerFailed), &[&svc(s), &message, &offset.0, &attempt, &then])
        }
        E::DeadLetter { service: s, message, action } => {
            use saga_sim::DeadLetterAction as A;
            let (key, attempts) = match action {
                A::Queued { attempts } => (Key::TlDlQueued, attempts),
                A::Replayed => (Key::TlDlReplayed, 0),
                A::Discarded => (Key::TlDlDiscarded, 0),
                A::Overflowed => (Key::TlDlOverflowed, 0),
                A::Fixed => (Key::TlDlFixed, 0),
                A::HandledAnyway => (Key::TlDlHandledAnyway, 0),
            };
            fill(t(lang, key), &[&svc(s), &message, &attempts])
        }
        E::EventLost { service: s, message } => fill(t(lang, Key::TlEventLost), &[&svc(s), &message]),
        E::RolledBack { service: s, first, messages } => {
            fill(t(lang, Key::TlRolledBack), &[&svc(s), &messages, &first])
        }
        E::ClientWaits { order, timeout_at_ms } => {
            let at = crate::format::duration(timeout_at_ms);
            fill(t(lang, Key::TlClientWaits), &[&order, &at])
        }
        E::ReplyLost { key, resubmit_at_ms } => {
            let at = crate::format::duration(resubmit_at_ms);
            fill(t(lang, Key::TlReplyLost), &[&(key.0 & 0xffff), &at])
        }
        E::SweptOwnReservation { service: s, order, status, result } => {
            let order = if ko { with_josa(order, Josa::Eun) } else { order.to_string() };
            fill(t(lang, Key::TlSwept), &[&svc(s), &order, &self::status(lang, status), &rpc_result(lang, result)])
        }
        E::AppliedByHand { service: s, order, rpc, result } => {
            fill(t(lang, Key::TlAppliedByHand), &[&svc(s), &rpc, &order, &rpc_result(lang, result)])
        }
        E::SagaDecided { order, decision } => {
            fill(t(lang, Key::TlSagaDecided), &[&order, &saga_decision(lang, &decision)])
        }
        E::TraceOverflow { discarded } => fill(t(lang, Key::TlTraceOverflow), &[&discarded]),
    }
}

// Native only: the Korean table these tests read is compiled in natively (the page fetches it).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn every_translation_has_the_blanks_of_its_english() {
        // A sentence with blanks (`fill`) must take the same arguments in both languages.
        let blanks = |s: &str| {
            let mut v: Vec<usize> = s.split('{').skip(1).filter_map(|p| p.split_once('}')?.0.parse().ok()).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        for (i, (en, ko)) in EN.iter().zip(KO).enumerate() {
            assert_eq!(blanks(en), blanks(ko), "{:?}: {en} / {ko}", Key::ALL[i]);
        }
    }

    #[test]
    fn fill_puts_each_argument_in_its_blank() {
        assert_eq!(fill("{1} then {0}.", &[&"a", &7]), "7 then a.");
        assert_eq!(fill("{9} {x} {", &[&1]), " {x} {", "a blank with no argument is empty; others stay");
    }

    /// `static/ko.txt` is the Korean table, as the page fetches it. Regenerate it after changing
    /// a Korean text with `BLESS=1 cargo test -p saga-lab korean_file`.
    #[test]
    fn the_korean_file_is_the_korean_table() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static").join(korean::FILE);
        let want = korean::file_text(KO);
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(&path, &want).expect("writable");
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(have == want, "static/ko.txt is stale: run BLESS=1 cargo test -p saga-lab korean_file");
        assert_eq!(korean::parse(&have, Key::ALL.len()).as_deref(), Ok(KO), "it reads back as the table");
        assert!(KO.iter().all(|t| !t.contains('\n')), "one text per line");
    }

    #[test]
    fn a_stale_or_broken_korean_file_is_refused() {
        let n = Key::ALL.len();
        for bad in ["", "ko", "# saga-lab ko 3\na\nb\nc\n", &korean::file_text(&KO[..n - 1])] {
            assert!(korean::parse(bad, n).is_err(), "{bad:?}");
        }
        let mut short = korean::file_text(KO);
        short.truncate(short.trim_end().rfind('\n').unwrap_or(0));
        assert!(korean::parse(&short, n).is_err(), "a file cut short");
    }

    #[test]
    fn every_key_has_both_languages() {
        for &k in Key::ALL {
            assert!(!t(Lang::En, k).is_empty(), "{k:?} en");
            assert!(!t(Lang::Ko, k).is_empty(), "{k:?} ko");
        }
    }

    #[test]
    fn browser_tags() {
        assert_eq!(Lang::from_tag("ko-KR"), Lang::Ko);
        assert_eq!(Lang::from_tag("KO"), Lang::Ko);
        assert_eq!(Lang::from_tag("en-US"), Lang::En);
        assert_eq!(Lang::from_tag(""), Lang::En);
    }

    /// The Korean names the sentence builders insert, long and short, with how each ends when
    /// read aloud, written out by hand so the check does not lean on the helper it checks.
    const KOREAN_NAMES: [(&str, Ending); 7] = [
        ("주문 서비스", Ending::Vowel),
        ("상품 서비스", Ending::Vowel),
        ("배송 서비스", Ending::Vowel),
        ("코디네이터", Ending::Vowel),
        ("주문", Ending::Consonant),
        ("상품", Ending::Consonant),
        ("배송", Ending::Consonant),
    ];

    /// How the digits end when read: 영 일 이 삼 사 오 육 칠 팔 구.
    const DIGIT_ENDINGS: [Ending; 10] = {
        use Ending::{Consonant as C, Rieul as R, Vowel as V};
        [C, R, V, C, V, V, C, R, R, V]
    };

    /// How an id, a number or a Latin word ends when read, by the test's own reading: a digit as
    /// the table says, a 0 after other digits as 십, 백, 천 or 만 (a final consonant), and a
    /// letter by the convention for names (l, r: ㄹ; m, n: a consonant; others: a vowel).
    fn token_ending(token: &str) -> Ending {
        let mut chars = token.chars().rev();
        match (chars.next(), chars.next()) {
            (Some('0'), Some(c)) if c.is_ascii_digit() => Ending::Consonant,
            (Some(d @ '0'..='9'), _) => DIGIT_ENDINGS[usize::from(d as u8 - b'0')],
            (Some('l' | 'r' | 'L' | 'R'), _) => Ending::Rieul,
            (Some('m' | 'n' | 'M' | 'N'), _) => Ending::Consonant,
            _ => Ending::Vowel,
        }
    }

    /// The particles, each as (after a consonant, after a vowel); 으로 before 이 so that a
    /// longer form is recognised first.
    const PARTICLES: [(&str, &str); 5] = [("으로", "로"), ("이", "가"), ("을", "를"), ("과", "와"), ("은", "는")];

    /// The particle that follows a word with this ending.
    fn right_form(ending: Ending, (after_consonant, after_vowel): (&'static str, &'static str)) -> &'static str {
        match (ending, after_consonant) {
            (Ending::Vowel, _) | (Ending::Rieul, "으로") => after_vowel,
            _ => after_consonant,
        }
    }

    /// Every particle in `sentence` that does not fit the name before it: after a Korean
    /// service name, or after any id, number or Latin word (a run of ASCII letters and digits);
    /// and every hedged form such as (으)로 or 은(는), which leaves the choice to the reader.
    fn wrong_particles(sentence: &str) -> Vec<String> {
        let mut wrong = Vec::new();
        for hedge in ["(으)", "(이)", "(가)", "(을)", "(를)", "(과)", "(와)", "(은)", "(는)"] {
            if sentence.contains(hedge) {
                wrong.push(format!("hedged {hedge}"));
            }
        }
        let mut names: Vec<(usize, &str, Ending)> = Vec::new();
        for (name, ending) in KOREAN_NAMES {
            for (at, _) in sentence.match_indices(name) {
                // A whole word only: 주문 in 재주문 is not the service.
                if !sentence[..at].chars().next_back().is_some_and(char::is_alphanumeric) {
                    names.push((at, name, ending));
                }
            }
        }
        let mut rest = sentence;
        while let Some(start) = rest.find(|c: char| c.is_ascii_alphanumeric()) {
            let len = rest[start..].find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len() - start);
            let token = &rest[start..start + len];
            names.push((sentence.len() - rest.len() + start, token, token_ending(token)));
            rest = &rest[start + len..];
        }
        for (at, name, ending) in names {
            let after = &sentence[at + name.len()..];
            let Some(&pair) = PARTICLES.iter().find(|(c, v)| after.starts_with(c) || after.starts_with(v)) else {
                continue;
            };
            let right = right_form(ending, pair);
            if !after.starts_with(right) {
                wrong.push(format!("\"{name}\" takes {right}"));
            }
        }
        wrong
    }

    /// A few ids and numbers ending in every digit, a 0 after other digits included.
    const NUMBERS: [u32; 12] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 27];

    /// Every sentence a builder makes in Korean with a name in it: each command and trace event
    /// that names a service, for every service, or an id or a number, for ids ending in every
    /// digit; then the whole trace of a run of each protocol under faults, with the payload of
    /// every message.
    fn korean_sentences() -> Vec<String> {
        use saga_sim::{
            Command as C, DeadLetterAction, DecisionTrap, Event, EventType, Fault as F, LinkFaults, LossCause, Lost,
            MessageId, Offset, OrderId, OrderStatus, ProductId, Protocol, PublishMode, RequestId, Rpc, RpcPacket,
            RpcResult, SagaDecision as D, Sim, SimConfig, TraceEvent as E,
        };
        let ko = Lang::Ko;
        let mut events = Vec::new();
        let mut commands =
            vec![C::Fault(F::HealAll), C::Fault(F::AtNextDecision { then: DecisionTrap::CrashCoordinator })];
        for s in ServiceId::NODES {
            commands.extend([
                C::Fault(F::Crash { service: s }),
                C::Fault(F::Restart { service: s }),
                C::Fault(F::Partition { service: s }),
                C::Fault(F::Heal { service: s }),
                C::Fault(F::SetLinkFaults { service: Some(s), faults: LinkFaults::NONE }),
                C::Fault(F::SetHandleTime { service: s, handle_ms: 40 }),
                C::Fault(F::FailHandling { service: s, on: true }),
                C::Fault(F::FailHandling { service: s, on: false }),
                C::Fault(F::PoisonNextEvent { service: s }),
                C::Fault(F::CrashAfterCommit { service: s }),
                C::Fault(F::AtNextDecision { then: DecisionTrap::Partition { service: s } }),
            ]);
            for yes in [true, false] {
                events.push(E::SagaDecided { order: OrderId(1), decision: D::Voted { at: s, yes } });
            }
            events.push(E::SagaDecided { order: OrderId(1), decision: D::Stuck { at: s } });
            events.push(E::SagaDecided { order: OrderId(1), decision: D::LeftToSweeper { at: s } });
            for n in NUMBERS {
                let (order, message, offset) = (OrderId(n), MessageId(n.into()), Offset(n.into()));
                commands.extend([
                    C::ReplayDeadLetter { service: s, message },
                    C::DiscardDeadLetter { service: s, message },
                    C::FixDeadLetter { service: s, message },
                ]);
                for rpc in [
                    Rpc::QueryOrder { from: s },
                    Rpc::Confirm { at: s },
                    Rpc::ReleaseStock { product: ProductId(0), quantity: n },
                ] {
                    let packet = RpcPacket { request: RequestId(n.into()), order, rpc, result: None };
                    events.extend([
                        E::RpcSent { to: s, packet, arrives_at_ms: Some(1) },
                        E::RpcSent { to: s, packet, arrives_at_ms: None },
                        E::RpcHandled { service: s, packet, result: RpcResult::OutOfStock { available: n.into() } },
                        E::RpcAnswered { packet, result: RpcResult::Done },
                        E::AppliedByHand { service: s, order, rpc, result: RpcResult::Done },
                    ]);
                }
                events.extend([
                    E::Lost { service: s, what: Lost::Batch { batch: n.into() }, cause: LossCause::Dropped },
                    E::Lost { service: s, what: Lost::Commit { offset }, cause: LossCause::ReceiverDown },
                    E::Acked { service: s, batch: n.into(), rows: n },
                    E::OffsetCommitted { service: s, offset },
                    E::ConsumerResumed { service: s, from: offset, rereads: n.into() },
                    E::OffsetReset { service: s, from: offset, to: offset },
                    E::OutboxFull { service: s },
                    E::SweptOwnReservation { service: s, order, status: OrderStatus::Pending, result: RpcResult::Done },
                    E::RecordLost { service: s, offset, message },
                    E::HandlerFailed { service: s, offset, message, attempt: n, retry_at_ms: None },
                    E::DeadLetter { service: s, message, action: DeadLetterAction::Queued { attempts: n } },
                    E::EventLost { service: s, message },
                    E::RolledBack { service: s, first: message, messages: n },
                ]);
            }
        }
        for n in NUMBERS {
            let (order, product) = (OrderId(n), ProductId(n as u16));
            commands.extend([
                C::PlaceOrder { product, quantity: n, idempotency_key: None },
                C::CancelOrder { order },
                C::CompleteDelivery { order },
                C::SetStock { product, stock: n.into() },
                C::Resolve { order, commit: true },
                C::Resolve { order, commit: false },
                C::FastForward { orders: n },
            ]);
            for copy in [false, true] {
                events.push(E::Appended {
                    offset: Offset(n.into()),
                    message: MessageId(n.into()),
                    event_type: EventType::OrderPlaced,
                    copy,
                });
            }
            events.push(E::StockSet { product, stock: n.into() });
            events.push(E::DeliveryCompleted { order, done: false });
        }
        events.extend(commands.into_iter().map(|command| E::Command { command }));
        let mut out: Vec<String> = events.iter().map(|e| trace_line(ko, e)).collect();
        // Whole runs, for the sentences only a run makes (handlers' outcomes, the coordinator's
        // decisions, payloads).
        for protocol in Protocol::ALL {
            for publish in [PublishMode::Outbox, PublishMode::DualWrite] {
                let mut sim = Sim::new(SimConfig { protocol, publish: [publish; 3], ..SimConfig::default() }, 5);
                let place = C::PlaceOrder { product: ProductId(1), quantity: 2, idempotency_key: None };
                let mut records = Vec::new();
                for k in 0..8u64 {
                    sim.apply(place);
                    match k {
                        1 => sim.apply(C::Fault(F::Crash { service: ServiceId::Product })),
                        2 => sim.apply(C::Fault(F::CrashAfterCommit { service: ServiceId::Delivery })),
                        3 => sim.apply(C::Fault(F::Restart { service: ServiceId::Product })),
                        4 => sim.apply(C::CancelOrder { order: OrderId(0) }),
                        5 => sim.apply(C::Fault(F::AtNextDecision { then: DecisionTrap::CrashCoordinator })),
                        _ => {}
                    }
                    sim.advance_until(k * 150);
                    sim.drain_trace_into(&mut records);
                }
                sim.apply(C::Fault(F::HealAll));
                sim.run_until_quiet(60_000);
                sim.drain_trace_into(&mut records);
                for r in &records {
                    out.push(trace_line(ko, &r.event));
                    if let E::Emitted { message } = r.event {
                        out.push(payload(ko, &message.event));
                    }
                }
            }
        }
        // A payload with every id; and a command with a product id and a quantity.
        out.push(payload(ko, &Event::DeliveryStarted { order: OrderId(7) }));
        out
    }

    #[test]
    fn the_particle_checker_rejects_a_wrong_particle() {
        for wrong in
            ["장애: 주문와 버스 사이 연결 끊김", "상품가 찬성", "배송를 다운", "o3로 설정", "m2을 추가", "10(으)로"]
        {
            assert!(!wrong_particles(wrong).is_empty(), "{wrong} passes");
        }
        for right in
            ["주문 서비스와 버스", "상품 서비스가 찬성", "o3으로", "o1로", "m2를", "m10을", "p7로", "코디네이터가"]
        {
            assert_eq!(wrong_particles(right), Vec::<String>::new(), "{right}");
        }
    }

    #[test]
    fn every_korean_sentence_puts_the_right_particle_after_a_name() {
        let sentences = korean_sentences();
        assert!(sentences.len() > 1_000, "only {} sentences", sentences.len());
        for name in ["주문 서비스", "상품 서비스", "배송 서비스", "코디네이터"] {
            assert!(sentences.iter().any(|s| s.contains(name)), "no sentence names {name}");
        }
        let wrong: Vec<String> = sentences
            .iter()
            .filter_map(|s| {
                let w = wrong_particles(s);
                (!w.is_empty()).then(|| format!("{s}: {}", w.join(", ")))
            })
            .collect();
        assert!(wrong.is_empty(), "wrong particles:\n{}", wrong.join("\n"));
    }

    #[test]
    fn the_particle_fits_the_word_it_follows() {
        // Service names, product names of every kind (Korean ending in a consonant, a vowel or
        // ㄹ; a digit; Latin letters; the default catalogue), ids and a parenthesis.
        let mut words: Vec<(String, Ending)> = KOREAN_NAMES.iter().map(|&(n, e)| (n.to_string(), e)).collect();
        words.extend(
            [
                ("키보드", Ending::Vowel),
                ("모니터", Ending::Vowel),
                ("책상", Ending::Consonant),
                ("연필", Ending::Rieul),
                ("의자 2", Ending::Vowel),
                ("모니터 27", Ending::Rieul),
                ("모니터 \"27\"", Ending::Rieul),
                ("USB 허브", Ending::Vowel),
                ("Pen", Ending::Consonant),
                ("Mouse", Ending::Vowel),
                ("Gel", Ending::Rieul),
                ("o10", Ending::Consonant),
                ("m3", Ending::Consonant),
                ("p0", Ending::Consonant),
                ("롤백(Abort)", Ending::Consonant),
            ]
            .map(|(n, e)| (n.to_string(), e)),
        );
        words.extend(saga_sim::SimConfig::default().products.into_iter().map(|p| {
            let e = token_ending(&p.name);
            (p.name, e)
        }));
        for (word, e) in &words {
            assert_eq!(ending(word), *e, "{word}");
            for (j, pair) in [Josa::Euro, Josa::I, Josa::Eul, Josa::Gwa, Josa::Eun].into_iter().zip(PARTICLES) {
                assert_eq!(josa(word, j), right_form(*e, pair), "{word} {j:?}");
                assert_eq!(with_josa(word, j), format!("{word}{}", right_form(*e, pair)));
            }
        }
        assert_eq!(with_josa("주문 서비스", Josa::Gwa), "주문 서비스와");
        assert_eq!(with_josa(saga_sim::OrderId(3), Josa::Euro), "o3으로");
        assert_eq!(with_josa(8, Josa::Euro), "8로");
    }
}
