//! The influence I[i, j] = ‖∂y_i/∂x_j‖_F (DESIGN.md, "Influence") of a family block computed by
//! the reverse pass of the training tape — the same differentiable block and the same backward
//! code that train the Learn models, so the Fading view's curve of a trained model comes from
//! the gradients that trained it.
//!
//! Reverse mode gives one output row per pass: with the one-hot seed e_{i,c} the backward pass
//! returns ∂y_{i,c}/∂x (Griewank & Walther 2008, ch. 3), so row i of the influence needs d_model
//! passes over one forward tape. That suits a fading curve (one row); the Flow view's whole
//! matrix stays with each family's forward-mode `influence_columns` (L passes, progressive).

use ndarray::{Array2, ArrayView2};

use super::models::{block, family_leaves};
use super::tape::Tape;
use crate::error::{CoreError, CoreResult};
use crate::models::family::{ModelConfig, ModelParams};

/// Row `i` of the influence of `params` (built from `config`, e.g. the Learn view's
/// `learn_config`) on `x` `[L, d_model]`: `[I[i, 0], …, I[i, i]]` (later inputs cannot reach a
/// causal output, so the row stops at i).
pub fn influence_row(
    config: &ModelConfig,
    params: &ModelParams,
    x: ArrayView2<f32>,
    i: usize,
) -> CoreResult<Vec<f32>> {
    let (len, d_model) = x.dim();
    if len == 0 {
        return Err(CoreError::EmptyInput);
    }
    if i >= len {
        return Err(CoreError::OutOfRange {
            param: "output position i",
            value: i as f64,
            min: 0.0,
            max: (len - 1) as f64,
        });
    }
    if x.iter().any(|v| !v.is_finite()) {
        return Err(CoreError::NonFinite { what: "the input" });
    }
    let (leaves, _) = family_leaves(params);
    check_layout(config, d_model, &leaves)?;
    // Forward once, on a batch of one sequence: x is `[L, d]` time-major already.
    let mut tape = Tape::new();
    let w: Vec<usize> = leaves.into_iter().map(|l| tape.leaf(l)).collect();
    let x_var = tape.leaf(x.to_owned());
    let y = block(&mut tape, config, d_model, &w, x_var, 1);
    let d_out = tape.value(y).ncols();
    // Σ_c (∂y_{i,c}/∂x_{j,·})² summed over the channels c of output i.
    let mut squares = vec![0.0f32; i + 1];
    for c in 0..d_out {
        let mut seed = Array2::zeros((len, d_out));
        seed[[i, c]] = 1.0;
        let grads = tape.backward_from(y, seed);
        let Some(dx) = &grads[x_var] else {
            continue; // no path from x to this channel
        };
        for (j, square) in squares.iter_mut().enumerate() {
            *square += dx.row(j).iter().map(|v| v * v).sum::<f32>();
        }
    }
    Ok(squares.into_iter().map(f32::sqrt).collect())
}

/// The block on the tape indexes its weights by the layout of `config`: refuse weights of
/// another configuration (another family, layer count or kernel) instead of misreading them.
fn check_layout(config: &ModelConfig, d_model: usize, leaves: &[Array2<f32>]) -> CoreResult<()> {
    let (expected, _) = family_leaves(&config.init(d_model, 0)?);
    let shapes = |ls: &[Array2<f32>]| ls.iter().map(|l| l.dim()).collect::<Vec<_>>();
    if shapes(&expected) == shapes(leaves) {
        Ok(())
    } else {
        Err(CoreError::Shape {
            what: "the weights for this configuration",
            expected: format!("{} weight matrices {:?}", expected.len(), shapes(&expected)),
            got: format!("{} weight matrices {:?}", leaves.len(), shapes(leaves)),
        })
    }
}
