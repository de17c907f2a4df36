//! The view registry: adding a view means adding one file and one line to `VIEWS`.

use leptos::prelude::*;

use crate::ui::i18n::Tr;
use crate::ui::url_state::UrlState;

pub mod cost;
pub mod fading;
pub mod flow;
pub mod learn;
pub mod presets;
pub mod scan;
pub mod ssm;

/// One entry of the navigation: its id (used in test ids and URLs), title and renderer.
pub struct ViewEntry {
    /// Short id: `nav-<id>` and `view-<id>` are its test ids.
    pub id: &'static str,
    /// Title shown in the navigation.
    pub title: Tr,
    /// Builds the view.
    pub render: fn() -> AnyView,
}

/// Every view, in navigation order.
pub const VIEWS: &[ViewEntry] = &[
    flow::ENTRY,
    fading::ENTRY,
    scan::ENTRY,
    cost::ENTRY,
    ssm::ENTRY,
    learn::ENTRY,
];

/// Creates every view's state once, owned by the app shell: a tab switch unmounts a view's
/// components but keeps its state (controls, player step, selection, results). One line per
/// view, each providing its `<View>State` (`views/<view>/state.rs`) as context.
pub fn provide_view_states() {
    provide_context(scan::state::ScanState::default());
    provide_context(cost::state::CostState::default());
    provide_context(ssm::state::SsmState::default());
    provide_context(fading::state::FadingState::default());
    provide_context(flow::state::FlowState::default());
    provide_context(crate::ui::trained::TrainedLink::default());
    provide_context(learn::state::LearnState::default());
}

/// Builds the view with this id, if there is one.
pub fn render(id: &str) -> Option<AnyView> {
    let entry = find(id)?;
    // Widgets built from here on key their URL parameters by this view.
    if let Some(url) = use_context::<UrlState>() {
        url.enter_view(entry.id);
    }
    Some((entry.render)())
}

/// The entry with this id, if any.
pub fn find(id: &str) -> Option<&'static ViewEntry> {
    VIEWS.iter().find(|entry| entry.id == id)
}
