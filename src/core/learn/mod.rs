//! The Learn view's computations: the three memory tasks, a reverse-mode autodiff tape, the
//! six families made trainable, and Adam training in slices.

pub mod models;
pub mod tape;
pub mod tasks;
pub mod train;

#[cfg(test)]
mod tests;
