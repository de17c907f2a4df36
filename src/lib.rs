//! seqmix: how sequence models mix information, visualized.
//!
//! `core` computes (pure Rust, tested natively); `ui` draws what the core returns.

pub mod core;
pub mod ui;

#[cfg(feature = "bench-exports")]
pub mod bench_exports;
