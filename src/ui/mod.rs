//! Leptos components: the app shell, one file per view, shared widgets.

pub mod app;
pub mod charts;
pub mod influence;
pub mod model_controls;
pub mod panic;
pub mod state;
pub mod trained;
pub mod views;
pub mod widgets;
