//! Leptos components: the app shell, one file per view, shared widgets.

pub mod app;
pub mod charts;
pub mod i18n;
pub mod influence;
pub mod knobs;
pub mod model_controls;
pub mod palette;
pub mod panic;
pub mod scheduler;
pub mod state;
pub mod theme;
pub mod tour;
pub mod trained;
pub mod url_state;
pub mod view_boundary;
pub mod views;
pub mod widgets;
