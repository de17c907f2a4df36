//! Component tests in headless Chromium (wasm-bindgen-test): mount `<App/>` and walk the
//! view registry. Run with `cargo test --target wasm32-unknown-unknown --test browser`.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
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

/// A view that reports a fault from an event, or renders an `Err` in its tree, on request.
#[component]
fn FaultyView() -> impl IntoView {
    use seqmix::ui::view_boundary::{report_fault, ViewFault};
    let broken = RwSignal::new(false);
    view! {
        <p data-testid="faulty-child">"child is drawn"</p>
        <button data-testid="faulty-report" on:click=move |_| report_fault("a chart could not be drawn")>"fail"</button>
        <button data-testid="faulty-break" on:click=move |_| broken.set(true)>"break"</button>
        {move || if broken.get() { Err(ViewFault("the run returned garbage".into())) } else { Ok(()) }}
    }
}

fn render_probe(id: &str) -> Option<AnyView> {
    (id == "probe").then(|| view! { <FaultyView/> }.into_any())
}

/// Lets effects that trigger other effects run to the end.
async fn settle() {
    for _ in 0..5 {
        tick().await;
    }
}

fn click(id: &str) {
    by_test_id(id)
        .unwrap_or_else(|| panic!("{id} is missing"))
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
}

#[wasm_bindgen_test]
async fn a_failing_view_shows_a_recoverable_message_and_rebuilds() {
    use seqmix::ui::view_boundary::ViewBoundary;

    let host: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&host).unwrap();
    let (current, _) = signal("probe");
    leptos::mount::mount_to(host, move || {
        view! {
            <ViewBoundary current render=render_probe/>
            <p data-testid="outside">"outside the boundary"</p>
        }
    })
    .forget();
    settle().await;
    assert!(by_test_id("faulty-child").is_some());
    assert!(by_test_id("view-error-probe").is_none());

    // A fault reported from an event or effect replaces the view with the message.
    click("faulty-report");
    settle().await;
    let alert = by_test_id("view-error-probe").expect("the boundary shows the fault");
    assert!(alert
        .text_content()
        .unwrap()
        .contains("a chart could not be drawn"));
    assert!(by_test_id("faulty-child").is_none());
    assert!(
        by_test_id("outside").is_some(),
        "the rest of the page keeps working"
    );

    // Rebuilding starts the view again.
    click("view-error-rebuild");
    settle().await;
    assert!(by_test_id("view-error-probe").is_none());
    assert!(by_test_id("faulty-child").is_some());

    // An `Err` rendered in the view's tree is caught too; rebuilding recovers from it.
    click("faulty-break");
    settle().await;
    let alert = by_test_id("view-error-probe").expect("the boundary shows the Err");
    assert!(alert
        .text_content()
        .unwrap()
        .contains("the run returned garbage"));
    click("view-error-rebuild");
    settle().await;
    assert!(by_test_id("view-error-probe").is_none());
    assert!(by_test_id("faulty-child").is_some());
}
