//! The Learn view's computations: the three memory tasks, a reverse-mode autodiff tape, the
//! six families made trainable, Adam training in slices, and the influence read from the
//! tape's reverse pass.

pub mod influence;
pub mod models;
pub mod presets;
pub mod tape;
pub mod tasks;
pub mod train;

#[cfg(test)]
mod tests;
