//! The six model families, one file each, all with the same shape of API:
//!
//! ```text
//! Config   hyper-parameters (Default = the app's defaults), `validate(d_model)`
//! Params   weights drawn from the seed: `Params::init(&config, d_model, seed)`
//! forward  trace-free forward pass  x: [L, d_model] -> y: [L, d_model]
//! run      forward pass with the step trace the UI animates
//! influence_columns / influence   exact I[i, j] = ‖∂y_i/∂x_j‖_F, [L, L]
//! cost     multiply-adds, depth and memory per generated token
//! ```

pub mod cnn;
pub mod family;
pub mod linear_rnn;
pub mod mamba;
pub mod rnn;
pub mod s4d;
pub mod transformer;

/// What a forward pass on `len` tokens costs, counted from the model's definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cost {
    /// Multiply-adds of one forward pass over the whole sequence.
    pub multiply_adds: u64,
    /// Steps that must run one after another when computed the way `forward` computes it
    /// (a recurrence stepped in time: `len` per layer; a CNN or transformer: one per layer).
    pub sequential_depth: u64,
    /// Dependent steps with the best parallel algorithm (a linear recurrence by a parallel
    /// scan: ⌈log₂ len⌉ per layer; a non-linear RNN cannot do better than `len` per layer).
    pub parallel_depth: u64,
    /// Numbers kept in memory to generate the next token after a context of `len` tokens:
    /// the KV cache for attention (grows with `len`), the fixed state for a recurrence.
    pub memory_floats_per_token: u64,
}

/// ⌈log₂ n⌉ for n ≥ 1 (0 for n ≤ 1).
pub fn ceil_log2(n: usize) -> u32 {
    if n <= 1 {
        0
    } else {
        usize::BITS - (n - 1).leading_zeros()
    }
}

#[cfg(test)]
mod tests {
    use super::ceil_log2;

    #[test]
    fn ceil_log2_small_values() {
        let expected = [
            (1, 0),
            (2, 1),
            (3, 2),
            (4, 2),
            (5, 3),
            (8, 3),
            (9, 4),
            (64, 6),
            (65, 7),
        ];
        for (n, want) in expected {
            assert_eq!(ceil_log2(n), want, "n = {n}");
        }
    }
}
