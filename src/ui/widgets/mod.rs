//! Widgets shared by the views.

pub mod format;
pub mod heatmap;
pub mod player;
pub mod slider;
