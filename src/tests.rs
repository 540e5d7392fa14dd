//! Tests that run in headless Chromium (`cargo test --target wasm32-unknown-unknown -p saga-lab`).

use crate::app::App;
use crate::components::consistency_panel::ConsistencyPanel;
use crate::i18n::Lang;
use crate::state::Snapshot;
use saga_sim::swarm::SwarmKnobs;
use saga_sim::{Sim, SimConfig};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn mount() -> Element {
    let doc = web_sys::window().and_then(|w| w.document()).expect("document");
    let div = doc.create_element("div").expect("div");
    doc.body().expect("body").append_child(&div).expect("append");
    div
}

fn text(root: &Element) -> String {
    root.text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
fn the_browser_reproduces_the_native_trace_hash_of_every_protocol() {
    // The pins of crates/saga-sim/tests/determinism.rs, read from that file: one swarm seed per
    // protocol, faults and all, must give the same trace hash natively and in wasm32.
    let source = include_str!("../crates/saga-sim/tests/determinism.rs");
    let pins: Vec<(&str, u64, &str)> = source
        .lines()
        .filter_map(|l| {
            let l = l.trim().strip_prefix("(\"")?.strip_suffix("\"),")?;
            let (name, rest) = l.split_once("\", ")?;
            let (seed, hash) = rest.split_once(", \"")?;
            Some((name, seed.parse().ok()?, hash))
        })
        .collect();
    assert_eq!(pins.len(), saga_sim::Protocol::ALL.len(), "a pin per protocol");
    for (name, seed, pinned) in pins {
        let protocol = saga_sim::Protocol::from_name(name).expect("protocol");
        let r = saga_sim::swarm::run_seed(seed, SwarmKnobs::for_protocol(protocol));
        assert_eq!(format!("{:016x}", r.trace_hash), pinned, "{name} seed {seed}");
    }
}

#[wasm_bindgen_test]
fn the_browser_reproduces_the_orchestration_golden_trace() {
    // The golden file's last line holds the native run's hash; the wasm run must match it.
    let golden = include_str!("../crates/saga-sim/tests/golden/orchestration_place.txt");
    let pinned = golden.lines().last().and_then(|l| l.split("trace_hash=").nth(1)).expect("hash line");
    let scenario = saga_sim::Scenario {
        seed: 6,
        config: SimConfig { protocol: saga_sim::Protocol::Orchestration, ..SimConfig::default() },
        commands: vec![saga_sim::TimedCommand {
            at_ms: 0,
            command: saga_sim::Command::PlaceOrder {
                product: saga_sim::ProductId(0),
                quantity: 2,
                idempotency_key: Some(saga_sim::IdempotencyKey(0)),
            },
        }],
    };
    assert_eq!(format!("{:016x}", scenario.run().1.trace_hash), pinned);
}

#[wasm_bindgen_test]
async fn consistency_panel_reports_a_fresh_world_consistent() {
    let root = mount();
    let view = Rc::new(Sim::new(SimConfig::default(), 1).view());
    #[derive(Properties, PartialEq)]
    struct P {
        snapshot: Snapshot,
    }
    #[component]
    fn Host(p: &P) -> Html {
        html! { <ConsistencyPanel lang={Lang::En} snapshot={p.snapshot.clone()} now_ms={0} enlarged={false} on={Callback::noop()} /> }
    }
    yew::Renderer::<Host>::with_root_and_props(
        root.clone(),
        P { snapshot: Snapshot { view, version: 1, compare: Rc::default(), trace_hash: 0 } },
    )
    .render();
    sleep(20).await;
    let s = text(&root);
    assert!(s.contains("Consistent"), "{s}");
    assert!(s.contains("Stock conserved"), "{s}");
    assert_eq!(
        root.query_selector_all("li.holds").map(|l| l.length()).unwrap_or(0) as usize,
        saga_sim::Invariant::ALL.len()
    );
}

#[wasm_bindgen_test]
async fn the_app_places_an_order_that_goes_pending_then_confirmed() {
    let root = mount();
    yew::Renderer::<App>::with_root(root.clone()).render();
    sleep(50).await;
    assert_eq!(root.query_selector_all("g.service").map(|l| l.length()).unwrap_or(0), 3, "three service nodes");
    let place: HtmlElement = root
        .query_selector(".order-form button[type=submit]")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into().ok())
        .expect("place button");
    place.click();
    sleep(30).await;
    let badge = root.query_selector("[data-order='0'] .badge").ok().flatten().expect("order row");
    assert!(text(&badge).contains("PENDING"), "{}", text(&badge));
    // The test hook advances virtual time past the happy path's 491 ms, whatever the wall clock.
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&wasm_bindgen::JsValue::from_f64(600.0));
    let advance = web_sys::CustomEvent::new_with_event_init_dict("saga-advance", &init).expect("event");
    web_sys::window().expect("window").dispatch_event(&advance).expect("dispatch");
    sleep(30).await;
    let badge = root.query_selector("[data-order='0'] .badge").ok().flatten().expect("order row");
    assert!(text(&badge).contains("CONFIRMED"), "{}", text(&root));
}

#[wasm_bindgen_test]
async fn a_bad_quantity_is_reported_on_screen_and_changes_nothing() {
    let root = mount();
    yew::Renderer::<App>::with_root(root.clone()).render();
    sleep(50).await;
    let qty: HtmlInputElement = root
        .query_selector(".order-form input[type=number]")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into().ok())
        .expect("quantity");
    qty.set_value("99999");
    // Fire the input event a person's typing would (bubbling, as Yew listens at the root).
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let input = web_sys::Event::new_with_event_init_dict("input", &init).expect("event");
    qty.dispatch_event(&input).expect("dispatch");
    let place: HtmlElement = root
        .query_selector(".order-form button[type=submit]")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into().ok())
        .expect("place");
    place.click();
    sleep(30).await;
    let notice = root.query_selector(".notice.problem").ok().flatten().expect("notice shown");
    assert!(text(&notice).contains("1000"), "{}", text(&notice));
    assert!(root.query_selector("[data-order='0']").ok().flatten().is_none(), "no order was placed");
}
