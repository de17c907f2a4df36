//! Component tests in headless Chromium (wasm-bindgen-test): mount `<App/>` and walk the
//! view registry. Run with `cargo test --target wasm32-unknown-unknown --test browser`.
#![cfg(target_arch = "wasm32")]

use leptos::task::tick;
use seqmix::ui::app::App;
use seqmix::ui::views::VIEWS;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

fn by_test_id(id: &str) -> Option<web_sys::Element> {
    document()
        .query_selector(&format!("[data-testid='{id}']"))
        .ok()
        .flatten()
}

/// Mounts the app into a fresh element and keeps it mounted for the rest of the test.
fn mount_app() {
    let host: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&host).unwrap();
    leptos::mount::mount_to(host, App).forget();
}

#[wasm_bindgen_test]
async fn every_registered_view_has_a_nav_control_that_shows_it() {
    mount_app();
    tick().await;
    assert!(!VIEWS.is_empty());
    for entry in VIEWS {
        let nav = by_test_id(&format!("nav-{}", entry.id))
            .unwrap_or_else(|| panic!("nav-{} is missing", entry.id));
        nav.unchecked_into::<web_sys::HtmlElement>().click();
        tick().await;
        assert!(
            by_test_id(&format!("view-{}", entry.id)).is_some(),
            "view-{} not shown",
            entry.id
        );
        for other in VIEWS.iter().filter(|o| o.id != entry.id) {
            assert!(
                by_test_id(&format!("view-{}", other.id)).is_none(),
                "view-{} still shown",
                other.id
            );
        }
    }
}
