//! Widgets shared by the views.

pub mod format;
pub mod heatmap;
