//! Last line of defence: a panic is reported in the console *and* on screen, in words, with a
//! way to recover (reload). The core returns typed errors, so this should never show.

use wasm_bindgen::JsCast;

/// Installs the hook: console report (console_error_panic_hook) plus an on-screen banner.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_banner(&info.to_string());
    }));
}

fn show_banner(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(banner) = document.create_element("div") else {
        return;
    };
    banner.set_class_name("panic-banner");
    let _ = banner.set_attribute("role", "alert");
    let _ = banner.set_attribute("data-testid", "panic-banner");
    // Text, never HTML: the message may contain user input.
    // The language in force is on <html lang> (set by the app shell); no signal is read here.
    let spanish = document
        .document_element()
        .and_then(|html| html.get_attribute("lang"))
        .is_some_and(|code| code.starts_with("es"));
    banner.set_text_content(Some(&if spanish {
        format!("Algo falló dentro de seqmix y la página se detuvo: {message}. Recarga la página para empezar de nuevo.")
    } else {
        format!("Something went wrong inside seqmix and the page stopped: {message}. Reload the page to start again.")
    }));
    if let Some(body) = document.body() {
        let _ = body
            .unchecked_ref::<web_sys::Node>()
            .insert_before(&banner, body.first_child().as_ref());
    }
}
