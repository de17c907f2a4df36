//! One `MutationObserver` helper for the widgets that follow what a view renders into `<main>`
//! (the folded paragraphs, present mode's lifted figure).

use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use web_sys::{Element, MutationObserver, MutationObserverInit};

/// An observer that calls `on_change` after each batch of changes it is told to watch; the
/// callback lives for the page's life (each user creates one observer, once).
pub fn tree_observer(on_change: impl FnMut() + 'static) -> Option<MutationObserver> {
    let callback = Closure::<dyn FnMut()>::new(on_change);
    let observer = MutationObserver::new(callback.as_ref().unchecked_ref()).ok();
    callback.forget();
    observer
}

/// Watches elements added to or removed from `root`'s subtree and, with `classes`, changes of
/// any `class` in it (the callback must then do nothing when it changes a class itself, or it
/// would call itself again).
pub fn observe_subtree(observer: &MutationObserver, root: &Element, classes: bool) {
    let options = MutationObserverInit::new();
    options.set_child_list(true);
    options.set_subtree(true);
    if classes {
        options.set_attribute_filter(&js_sys::Array::of1(&JsValue::from_str("class")));
    }
    let _ = observer.observe_with_options(root, &options);
}
