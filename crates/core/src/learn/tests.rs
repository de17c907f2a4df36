//! Independent checks of the trainable models: the tape's block against each family's own
//! `forward`, the tape's gradients against central finite differences, and learning itself.

use ndarray::{s, Array2};

use super::models::{block, learn_config, Trainable, HEAD_LEAVES};
use super::tape::{Tape, Unary};
use super::tasks::{batch, Task};
use super::train::{loss_and_gradients, score, Settings, Training};
use crate::models::family::Family;
use crate::rng::{normal_matrix, rng_for};

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

/// Not a check: native time of 500 steps per family on the default task
/// (`cargo test --release --lib learn_speed -- --ignored --nocapture`).
#[test]
#[ignore]
fn learn_speed() {
    for family in Family::ALL {
        let settings = Settings {
            task: Task::SelectiveCopy,
            knob: 16,
            seed: 42,
            steps: 500,
        };
        let mut run = Training::new(family, settings).expect("training");
        let start = std::time::Instant::now();
        run.advance(500);
        let s = start.elapsed().as_secs_f64();
        let start = std::time::Instant::now();
        let eval = run.evaluate();
        let e = start.elapsed().as_secs_f64();
        println!(
            "{family:?}: 500 steps {s:.2} s ({:.2} ms/step), evaluation {:.0} ms, held-out accuracy {:.3}",
            s * 2.0,
            e * 1000.0,
            eval.accuracy
        );
    }
}

/// Σ R ⊙ op(inputs) with a fixed random R, as a `[1, 1]` node.
fn weighted_sum(tape: &mut Tape, y: usize, salt: u64) -> usize {
    let (rows, cols) = tape.value(y).dim();
    let r = tape.leaf(normal_matrix(
        &mut rng_for(salt, "weights"),
        rows,
        cols,
        1.0,
    ));
    let w = tape.mul(y, r);
    let left = tape.leaf(Array2::ones((1, rows)));
    let right = tape.leaf(Array2::ones((cols, 1)));
    let s = tape.matmul(left, w);
    tape.matmul(s, right)
}

/// Checks every input's gradient of Σ R ⊙ op(inputs) against central differences on O(1)
/// inputs (where f32 differences resolve the gradient of every input).
fn check_op(name: &str, inputs: &[Array2<f32>], build: &dyn Fn(&mut Tape, &[usize]) -> usize) {
    let eval = |xs: &[Array2<f32>]| {
        let mut tape = Tape::new();
        let vars: Vec<usize> = xs.iter().map(|x| tape.leaf(x.clone())).collect();
        let y = build(&mut tape, &vars);
        let loss = weighted_sum(&mut tape, y, 77);
        let value = f64::from(tape.value(loss)[[0, 0]]);
        let grads = tape.backward(loss);
        let grads: Vec<Array2<f32>> = vars
            .iter()
            .zip(xs)
            .map(|(&v, x)| {
                grads[v]
                    .clone()
                    .unwrap_or_else(|| Array2::zeros(x.raw_dim()))
            })
            .collect();
        (value, grads)
    };
    let (_, grads) = eval(inputs);
    for (i, g) in grads.iter().enumerate() {
        let (r, c) = g.dim();
        let dir = normal_matrix(&mut rng_for(i as u64, "op-dir"), r, c, 1.0);
        let analytic: f64 = g.iter().zip(&dir).map(|(a, b)| f64::from(a * b)).sum();
        let eps = 1e-2f32;
        let moved = |sign: f32| {
            let mut xs = inputs.to_vec();
            xs[i] = &xs[i] + &(&dir * (sign * eps));
            eval(&xs).0
        };
        let numeric = (moved(1.0) - moved(-1.0)) / (2.0 * f64::from(eps));
        let tol = 1e-2 * analytic.abs().max(numeric.abs()) + 1e-3;
        assert!(
            (analytic - numeric).abs() <= tol,
            "{name} input {i}: tape {analytic}, finite difference {numeric}"
        );
        assert!(
            numeric.abs() > 2e-3,
            "{name} input {i}: gradient too small to check ({numeric})"
        );
    }
}

fn uniform(rows: usize, cols: usize, lo: f32, hi: f32, salt: u64) -> Array2<f32> {
    crate::rng::uniform_vector(&mut rng_for(salt, "op-input"), rows * cols, lo, hi)
        .into_shape_with_order((rows, cols))
        .expect("shape")
}

/// The fused operations, one by one, on inputs where every gradient is large enough to see.
#[test]
fn fused_operations_match_finite_differences() {
    let (len, batch) = (5, 2);
    let rows = len * batch;
    check_op(
        "selective scan",
        &[
            uniform(rows, 3, 0.2, 1.0, 1),  // Δ
            uniform(rows, 3, -1.0, 1.0, 2), // u
            uniform(3, 2, -0.5, 0.5, 3),    // A_log
            uniform(rows, 2, -1.0, 1.0, 4), // B
            uniform(rows, 2, -1.0, 1.0, 5), // C
        ],
        &|t, v| t.selective_scan(v[0], v[1], v[2], v[3], v[4], batch),
    );
    check_op(
        "S4D kernel",
        &[
            uniform(3, 2, -2.0, -0.3, 6), // A
            uniform(3, 2, 0.5, 1.5, 7),   // B
            uniform(3, 2, -1.0, 1.0, 8),  // C
            uniform(1, 3, 0.2, 0.8, 9),   // Δ
        ],
        &|t, v| t.s4d_kernel(v[0], v[1], v[2], v[3], len),
    );
    check_op(
        "depthwise conv",
        &[
            uniform(rows, 3, -1.0, 1.0, 10),
            uniform(3, 3, -1.0, 1.0, 11),
        ],
        &|t, v| t.depthwise_conv(v[0], v[1], batch),
    );
    check_op(
        "complex scan",
        &[
            uniform(rows, 4, -1.0, 1.0, 12),
            uniform(1, 4, -0.6, 0.6, 13),
        ],
        &|t, v| t.complex_scan(v[0], v[1], batch),
    );
    check_op(
        "tanh RNN",
        &[
            uniform(rows, 3, -1.0, 1.0, 14),
            uniform(3, 3, -0.8, 0.8, 15),
        ],
        &|t, v| t.tanh_rnn(v[0], v[1], batch),
    );
    check_op(
        "attention",
        &[
            uniform(rows, 4, -1.0, 1.0, 16),
            uniform(rows, 4, -1.0, 1.0, 17),
            uniform(rows, 4, -1.0, 1.0, 18),
        ],
        &|t, v| t.attention(v[0], v[1], v[2], 2, batch, 0.7),
    );
    check_op("normalize", &[uniform(rows, 4, -1.0, 1.0, 19)], &|t, v| {
        t.normalize(v[0])
    });
    check_op("shift", &[uniform(rows, 3, -1.0, 1.0, 20)], &|t, v| {
        t.shift(v[0], 2, batch)
    });
    check_op("gather", &[uniform(4, 3, -1.0, 1.0, 21)], &|t, v| {
        t.gather(v[0], &[3, 0, 3, 2, 1])
    });
    for f in [Unary::Tanh, Unary::Gelu, Unary::Silu, Unary::Softplus] {
        check_op("unary", &[uniform(rows, 3, -2.0, 2.0, 22)], &|t, v| {
            t.unary(v[0], f)
        });
    }
    check_op(
        "mul_row/add_row/scale",
        &[
            uniform(rows, 3, -1.0, 1.0, 23),
            uniform(1, 3, -1.0, 1.0, 24),
        ],
        &|t, v| {
            let m = t.mul_row(v[0], v[1]);
            let a = t.add_row(m, v[1]);
            t.scale(a, 1.5)
        },
    );
    check_op("cross-entropy", &[uniform(4, 5, -2.0, 2.0, 25)], &|t, v| {
        t.cross_entropy(v[0], &[Some(1), None, Some(4), Some(0)])
    });
}

/// A step computed in parts (`Training::work`) is the step on the whole batch: its loss is the
/// whole batch's loss, and the first Adam update (zero moments, so Δw = −η·ĝ/(|ĝ| + ε) with ĝ
/// the gradient clipped to norm 1; Kingma & Ba 2015, Algorithm 1) follows the gradient of one
/// tape over all `BATCH` examples.
#[test]
fn a_step_in_parts_is_the_step_on_the_whole_batch() {
    use super::tasks::BATCH;
    use super::train::{LEARNING_RATE, PARTS};
    use approx::assert_abs_diff_eq;
    for family in Family::ALL {
        let settings = Settings {
            task: Task::SelectiveCopy,
            knob: 16,
            seed: 3,
            steps: 1,
        };
        let mut run = Training::new(family, settings).expect("model");
        let before = run.model.leaves.clone();
        let whole = batch(settings.task, settings.knob, settings.seed, 0, BATCH);
        let (score, grads) = loss_and_gradients(&run.model, &whole);
        for part in 0..PARTS {
            let finished = run.work();
            assert_eq!(finished, part + 1 == PARTS, "{family:?}: part {part}");
        }
        assert_eq!(run.step_count(), 1);
        assert_abs_diff_eq!(run.losses[0], score.loss, epsilon = 1e-4);
        assert_abs_diff_eq!(run.accuracies[0], score.accuracy, epsilon = 1e-6);
        if family != Family::Cnn {
            continue; // other families project some leaves after the update (models::project)
        }
        let norm = grads
            .iter()
            .map(|g| g.iter().map(|v| v * v).sum::<f32>())
            .sum::<f32>()
            .sqrt();
        let clip = if norm > 1.0 { 1.0 / norm } else { 1.0 };
        for ((w0, w1), g) in before.iter().zip(&run.model.leaves).zip(&grads) {
            for ((&a, &b), &g) in w0.iter().zip(w1).zip(g) {
                let g = g * clip;
                if g.abs() > 1e-5 {
                    let expected = a - LEARNING_RATE * g / (g.abs() + 1e-8);
                    assert_abs_diff_eq!(b, expected, epsilon = 1e-3 * LEARNING_RATE);
                }
            }
        }
    }
}

/// Row i of the influence read from the tape's reverse pass equals each family's own
/// influence (forward mode, `ModelParams::influence`) and central finite differences of the
/// family's own `forward`: ‖∂y_i/∂x_j‖_F ≈ ‖(y_i(x + h e_{j,k}) − y_i(x − h e_{j,k})) / 2h‖ over k.
#[test]
fn tape_influence_row_matches_forward_mode_and_finite_differences() {
    use super::influence::influence_row;
    for family in Family::ALL {
        let (config, d) = learn_config(family);
        let params = config.init(d, 5).expect("valid config");
        let len = 9;
        let x = normal_matrix(&mut rng_for(11, "x"), len, d, 1.0);
        let exact = params.influence(x.view()).expect("influence");
        for i in [len - 1, 4] {
            let row = influence_row(&config, &params, x.view(), i).expect("tape influence");
            assert_eq!(row.len(), i + 1);
            let scale = row.iter().fold(1e-3f32, |m, v| m.max(*v));
            let h = 1e-2f32;
            for j in 0..=i {
                let mut square = 0.0f64;
                for k in 0..d {
                    let (mut plus, mut minus) = (x.clone(), x.clone());
                    plus[[j, k]] += h;
                    minus[[j, k]] -= h;
                    let yp = params.forward(plus.view()).expect("forward");
                    let ym = params.forward(minus.view()).expect("forward");
                    for c in 0..yp.ncols() {
                        let slope = f64::from(yp[[i, c]] - ym[[i, c]]) / f64::from(2.0 * h);
                        square += slope * slope;
                    }
                }
                let fd = square.sqrt() as f32;
                assert!(
                    (row[j] - exact[[i, j]]).abs() <= 1e-2 * scale,
                    "{family:?} I[{i},{j}]: tape {} vs forward mode {}",
                    row[j],
                    exact[[i, j]]
                );
                assert!(
                    (row[j] - fd).abs() <= 2e-2 * scale,
                    "{family:?} I[{i},{j}]: tape {} vs finite differences {fd}",
                    row[j]
                );
            }
        }
    }
}

/// Weights of another configuration are refused, not misread.
#[test]
fn tape_influence_refuses_weights_of_another_layout() {
    use super::influence::influence_row;
    let (config, d) = learn_config(Family::Cnn);
    let other = crate::models::family::ModelConfig::default_for(Family::Rnn)
        .init(d, 1)
        .expect("valid config");
    let x = Array2::zeros((4, d));
    assert!(influence_row(&config, &other, x.view(), 3).is_err());
    let own = config.init(d, 1).expect("valid config");
    assert!(influence_row(&config, &own, x.view(), 4).is_err());
}

/// The presets' fair rules (`learn::presets`): every family present once; one training recipe
/// per preset (the `Preset` holds one steps / batch / lr for all six, and the batch is the one
/// the training loop uses); trained parameter counts within 25 % of each other (largest ≤
/// 1.25 · smallest); the time-invariant SSMs' state ≥ Mamba's; ≤ 2 blocks.
#[test]
fn presets_follow_the_fair_rules() {
    use super::presets::presets;
    use super::tasks::BATCH;
    assert!(presets().len() >= 3);
    for p in presets() {
        let families: Vec<Family> = p.models.iter().map(|m| m.family).collect();
        assert_eq!(
            families,
            Family::ALL.to_vec(),
            "{}: one model per family",
            p.id
        );
        assert_eq!(p.batch, BATCH, "{}: the batch the training loop uses", p.id);
        let counts: Vec<usize> = Family::ALL
            .iter()
            .map(|&f| {
                let run = p.training(f, 0).expect("preset model");
                assert_eq!(run.lr, p.lr, "{} {f:?}: the preset's step size", p.id);
                assert_eq!(run.settings.steps, p.steps);
                run.model.parameter_count()
            })
            .collect();
        let (lo, hi) = (
            *counts.iter().min().expect("counts"),
            *counts.iter().max().expect("counts"),
        );
        assert!(
            hi as f64 <= 1.25 * lo as f64,
            "{}: parameter counts {counts:?} (largest > 1.25 · smallest)",
            p.id
        );
        assert!(lo > 0 && hi > 0);
        let mamba = p.model(Family::Mamba).state_size().expect("Mamba state");
        for f in [Family::S4d, Family::LinearRnn] {
            let s = p.model(f).state_size().expect("LTI state");
            assert!(s >= mamba, "{} {f:?}: state {s} < Mamba's {mamba}", p.id);
        }
        assert!(p.models.iter().all(|m| (1..=2).contains(&m.layers)));
    }
}

/// The state sizes the fairness rule compares, from the definitions: Mamba carries
/// h ∈ ℝ^{D_inner × N} with D_inner = expand · d; S4D one N-vector per channel; the linear RNN
/// N complex numbers (2N reals); the tanh RNN its hidden vector.
#[test]
fn state_sizes_are_the_carried_numbers() {
    use super::presets::state_size;
    use crate::models::family::ModelConfig;
    use crate::models::{linear_rnn, mamba, rnn, s4d};
    let m = ModelConfig::Mamba(mamba::Config {
        expand: 2,
        d_state: 3,
        ..mamba::Config::default()
    });
    assert_eq!(state_size(&m, 5), Some(2 * 5 * 3));
    let s = ModelConfig::S4d(s4d::Config {
        states: 7,
        ..s4d::Config::default()
    });
    assert_eq!(state_size(&s, 5), Some(35));
    let l = ModelConfig::LinearRnn(linear_rnn::Config {
        states: 9,
        ..linear_rnn::Config::default()
    });
    assert_eq!(state_size(&l, 5), Some(18));
    let r = ModelConfig::Rnn(rnn::Config {
        hidden: 11,
        ..rnn::Config::default()
    });
    assert_eq!(state_size(&r, 5), Some(11));
}

/// A two-block model is the one-block model's block applied twice: its first block is the
/// one-block model (same seed), and the stack's output differs from one block's.
#[test]
fn a_stacked_model_starts_with_the_one_block_model() {
    for family in Family::ALL {
        let (config, d) = learn_config(family);
        let one = Trainable::with_config(config.clone(), d, 10, 3).expect("model");
        let two = Trainable::stacked(config, d, 2, 10, 3).expect("model");
        assert_eq!(two.layers, 2);
        assert_eq!(two.leaves.len(), HEAD_LEAVES + 2 * one.per_layer);
        assert_eq!(&two.leaves[..one.leaves.len()], &one.leaves[..]);
        assert_eq!(
            two.parameter_count() - one.parameter_count(),
            one.parameter_count()
                - one.leaves[..HEAD_LEAVES]
                    .iter()
                    .map(|l| l.len())
                    .sum::<usize>(),
            "{family:?}: the second block has as many weights as the first"
        );
        assert!(two.layer_params(1).is_ok() && two.layer_params(2).is_err());
    }
}

/// The Learn CNN's reach: 3 layers, kernel 3, dilations 1, 2, 4 see back 2·(1 + 2 + 4) = 14
/// positions (receptive field 15 = distances 0–14), so it fails delayed copy at k = 15; two
/// stacked blocks reach 28.
#[test]
fn cnn_reach_is_fourteen_back_per_block() {
    use super::models::cnn_largest_gap;
    let (config, _) = learn_config(Family::Cnn);
    assert_eq!(cnn_largest_gap(&config, 1), Some(2 * (1 + 2 + 4)));
    assert_eq!(cnn_largest_gap(&config, 2), Some(28));
    // The CNN's output at position t does not move when the token 15 back changes.
    let model = Trainable::new(Family::Cnn, 8, 5).expect("model");
    let run = |tokens: &[usize]| {
        let mut tape = Tape::new();
        let (_, logits) = model.logits(&mut tape, tokens, 1);
        tape.value(logits).row(tokens.len() - 1).to_owned()
    };
    let mut a = vec![0usize; 20];
    let base = run(&a);
    a[20 - 1 - 15] = 3;
    assert_eq!(run(&a), base, "distance 15 is out of reach");
    a[20 - 1 - 15] = 0;
    a[20 - 1 - 14] = 3;
    assert_ne!(run(&a), base, "distance 14 is in reach");
    let (mamba, _) = learn_config(Family::Mamba);
    assert_eq!(cnn_largest_gap(&mamba, 1), None);
}
