//! Widgets shared by the views.

pub mod export;
pub mod flow_diagram;
pub mod format;
pub mod heatmap;
pub mod player;
pub mod shortcuts;
pub mod slider;
