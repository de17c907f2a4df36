//! Independent checks of the trainable models: the tape's block against each family's own
//! `forward`, the tape's gradients against central finite differences, and learning itself.

use ndarray::{s, Array2};

use super::models::{block, learn_config, Trainable, HEAD_LEAVES};
use super::tape::Tape;
use super::tasks::{batch, Task};
use super::train::{loss_and_gradients, score, Settings, Training};
use crate::core::models::family::Family;
use crate::core::rng::{normal_matrix, rng_for};

/// The differentiable block equals the family's `forward` on the family's own initial
/// weights, for three sequences laid out time-major at once.
#[test]
fn tape_block_equals_family_forward() {
    for family in Family::ALL {
        let (config, d) = learn_config(family);
        let params = config.init(d, 3).expect("valid config");
        let model = Trainable::new(family, 16, 3).expect("model");
        let (len, batch_size) = (7, 3);
        let xs: Vec<Array2<f32>> = (0..batch_size)
            .map(|b| normal_matrix(&mut rng_for(b as u64, "x"), len, d, 1.0))
            .collect();
        let mut stacked = Array2::zeros((len * batch_size, d));
        for t in 0..len {
            for (b, x) in xs.iter().enumerate() {
                stacked.row_mut(t * batch_size + b).assign(&x.row(t));
            }
        }
        let mut tape = Tape::new();
        let vars: Vec<usize> = model.leaves[HEAD_LEAVES..]
            .iter()
            .map(|l| tape.leaf(l.clone()))
            .collect();
        let x = tape.leaf(stacked);
        let y = block(&mut tape, &config, d, &vars, x, batch_size);
        for (b, xb) in xs.iter().enumerate() {
            let want = params.forward(xb.view()).expect("forward");
            let got = tape.value(y).slice(s![b..;batch_size, ..]).to_owned();
            let scale = want.iter().fold(1.0f32, |m, v| m.max(v.abs()));
            let err = (&got - &want).iter().fold(0.0f32, |m, v| m.max(v.abs()));
            assert!(
                err <= 2e-3 * scale,
                "{family:?} sequence {b}: max error {err} (scale {scale})"
            );
        }
        // and the weights rebuilt from the leaves run the same
        let rebuilt = model.params().expect("params");
        let a = rebuilt.forward(xs[0].view()).expect("forward");
        let b = params.forward(xs[0].view()).expect("forward");
        let err = (&a - &b).iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!(err < 1e-5, "{family:?} rebuilt params differ by {err}");
    }
}

/// Loss at the current leaves, with `leaf` moved by `eps·direction`.
fn loss_moved(
    model: &Trainable,
    data: &super::tasks::Batch,
    leaf: usize,
    dir: &Array2<f32>,
    eps: f32,
) -> f64 {
    let mut moved = model.clone();
    moved.leaves[leaf] = &moved.leaves[leaf] + &(dir * eps);
    f64::from(score(&moved, data).loss)
}

/// ⟨∇_leaf L, v⟩ from the tape equals (L(θ + εv) − L(θ − εv)) / 2ε for a random direction
/// v on every leaf of every family (every tape operation lies on some path).
#[test]
fn gradients_match_finite_differences() {
    for family in Family::ALL {
        for task in [Task::SelectiveCopy, Task::AssociativeRecall] {
            let mut model = Trainable::new(family, task.vocab(), 5).expect("model");
            // Move off the initialisation so no weight sits at a special value (S4D's B = 1).
            for (i, leaf) in model.leaves.iter_mut().enumerate() {
                let shape = leaf.dim();
                *leaf += &normal_matrix(&mut rng_for(i as u64, "jitter"), shape.0, shape.1, 0.05);
            }
            if family == Family::S4d {
                model.leaves[HEAD_LEAVES].mapv_inplace(|v| v.min(-0.2));
                model.leaves[HEAD_LEAVES + 4].mapv_inplace(|v| v.abs().max(0.05));
            }
            let data = batch(task, 3, 8, 0, 3);
            let (_, grads) = loss_and_gradients(&model, &data);
            for (i, g) in grads.iter().enumerate() {
                let shape = g.dim();
                let dir = normal_matrix(&mut rng_for(100 + i as u64, "dir"), shape.0, shape.1, 1.0);
                let analytic: f64 = g.iter().zip(&dir).map(|(a, b)| f64::from(a * b)).sum();
                let eps = 2e-3;
                let numeric = (loss_moved(&model, &data, i, &dir, eps)
                    - loss_moved(&model, &data, i, &dir, -eps))
                    / (2.0 * f64::from(eps));
                let tol = 2e-2 * analytic.abs().max(numeric.abs()) + 2e-3;
                assert!(
                    (analytic - numeric).abs() <= tol,
                    "{family:?} {task:?} leaf {i}: tape {analytic}, finite difference {numeric}"
                );
            }
        }
    }
}

/// Every family learns delayed copy with gap 1 (output the previous token): the mean loss of
/// the last 20 of 300 steps is below half the first 5 (chance is ln 8 ≈ 2.08).
#[test]
fn every_family_learns_delayed_copy_k1() {
    for family in Family::ALL {
        let settings = Settings {
            task: Task::DelayedCopy,
            knob: 1,
            seed: 1,
            steps: 300,
        };
        let mut run = Training::new(family, settings).expect("training");
        run.advance(300);
        let first: f32 = run.losses[..5].iter().sum::<f32>() / 5.0;
        let last: f32 = run.losses[280..].iter().sum::<f32>() / 20.0;
        assert!(
            last < 0.5 * first,
            "{family:?}: loss {first} -> {last} (not halved)"
        );
        assert!(first > 1.5, "{family:?}: starts near chance, got {first}");
    }
}

#[test]
fn parameter_counts_in_budget() {
    for family in Family::ALL {
        for task in Task::ALL {
            let n = Trainable::new(family, task.vocab(), 0)
                .expect("model")
                .parameter_count();
            assert!(
                (1500..=5000).contains(&n),
                "{family:?} {task:?}: {n} parameters"
            );
        }
    }
}

/// Not a check: prints what the default runs reach and how long a step takes natively
/// (`cargo test --release --lib learn_report -- --ignored --nocapture`).
#[test]
#[ignore]
fn learn_report() {
    let steps: usize = std::env::var("LEARN_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(super::train::DEFAULT_STEPS);
    for task in Task::ALL {
        for family in Family::ALL {
            let settings = Settings {
                task,
                knob: task.knob_range().2,
                seed: 42,
                steps,
            };
            let mut run = Training::new(family, settings).expect("training");
            let start = std::time::Instant::now();
            run.advance(steps);
            let ms = start.elapsed().as_secs_f64() * 1000.0 / steps as f64;
            let eval = run.evaluate();
            println!(
                "{:?} {:?} params {} ms/step {:.2} final loss {:.3} held-out accuracy {:.3}",
                task,
                family,
                run.model.parameter_count(),
                ms,
                eval.loss,
                eval.accuracy
            );
        }
    }
}
