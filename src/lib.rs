//! seqmix: how sequence models mix information, visualized.
//!
//! `core` computes (pure Rust, tested natively); `ui` draws what the core returns.

/// The computations (the `seqmix-core` crate, `crates/core`), under the name the UI uses.
pub use seqmix_core as core;
pub mod ui;

#[cfg(feature = "bench-exports")]
pub mod bench_exports;
