//! Widgets shared by the views.

pub mod export;
pub mod export_card;
pub mod flow_diagram;
pub mod fold;
pub mod format;
pub mod grid_keys;
pub mod heatmap;
pub mod player;
pub mod present;
pub mod shortcuts;
pub mod slider;
pub mod tree_observer;
