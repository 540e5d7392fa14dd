//! Saga Lab's browser app: a Yew front end over the `saga-sim` engine.

// Natively only the pure modules and their tests are built; the web front end uses them.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
// The release site's build (scripts/build.sh, nightly) sets `saga_size`: the app is built for
// size, but the few functions that walk every token in flight on every frame for speed.
#![cfg_attr(saga_size, feature(optimize_attribute))]

// Pure modules: compiled and tested natively too.
mod boundary;
mod driver;
mod format;
mod i18n;
mod layout;
mod markup;
mod refresh_pace;
mod stage_markup;
mod store;
mod token_layout;
mod url_params;

// The browser front end.
#[cfg(target_arch = "wasm32")]
mod animator;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod hooks;
#[cfg(target_arch = "wasm32")]
mod msg;
#[cfg(target_arch = "wasm32")]
mod state;
#[cfg(all(test, target_arch = "wasm32"))]
mod tests;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::JsCast;

// Talc instead of the default dlmalloc: smaller in the download, and faster (see its WebAssembly
// benchmarks). The app is single-threaded, as the dynamic allocator assumes.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// If anything ever panics, the page says so in words instead of freezing silently. Installed
/// through Yew: a hook set with `std::panic::set_hook` is replaced by Yew's own (a console
/// message only) when the app renders, as the end-to-end test of this hook found.
#[cfg(target_arch = "wasm32")]
fn install_panic_hook() {
    yew::set_custom_panic_hook(Box::new(|info| {
        // Both languages: the panic may come before the app knows which one the person reads.
        let text = format!(
            "Saga Lab stopped because of a bug. Reload the page to start again. / 사가 랩이 오류로 멈췄습니다. 페이지를 새로 고치세요. ({info})"
        );
        web_sys::console::error_1(&text.clone().into());
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        let Ok(el) = doc.create_element("div") else { return };
        el.set_id("panic");
        let _ = el.set_attribute("role", "alert");
        el.set_text_content(Some(&text));
        if let Some(body) = doc.body() {
            let _ = body.append_child(&el);
            if let Ok(b) = body.dyn_into::<web_sys::HtmlElement>() {
                let _ = b.set_attribute("data-panicked", "true");
            }
        }
    }));
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Saga Lab is a web app. Serve it with scripts/serve.sh; run headless with saga-cli.");
}

#[cfg(target_arch = "wasm32")]
fn main() {
    install_panic_hook();
    // A Korean reader's first screen waits for the Korean texts (a few KB, fetched only then);
    // if they cannot be had, the page opens in English and says why.
    if app::boot_lang() == i18n::Lang::Ko {
        wasm_bindgen_futures::spawn_local(async {
            let _ = i18n::korean::load().await;
            render();
        });
    } else {
        render();
    }
}

#[cfg(target_arch = "wasm32")]
fn render() {
    let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            yew::Renderer::<app::App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<app::App>::new().render();
        }
    }
}
