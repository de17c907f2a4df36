//! The computations every view draws: pure Rust + ndarray, no web dependency.
//!
//! Everything here is a pure function of its inputs (text, parameters, seed), so the
//! UI can memoize it and tests can run it natively with `cargo test`.

pub mod cost;
pub mod decimal;
pub mod error;
pub mod fading;
pub mod fast_math;
pub mod flow;
pub mod learn;
pub mod models;
pub mod rng;
pub mod scan;
pub mod scan_view;
pub mod ssm;
pub mod tokens;
pub mod tour;
pub mod workloads;
