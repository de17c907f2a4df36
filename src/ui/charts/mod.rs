//! Charts drawn with plotters on a canvas: one file per chart, each exposing
//! `draw(canvas, &data) -> Result<..>`; the data is computed elsewhere and passed in.

pub mod canvas;
pub mod cost;
pub mod fading;
pub mod learn;
pub mod scan;
pub mod ssm;
