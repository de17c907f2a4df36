//! Exploration harness (not shipped): train one family on a sized task and print held-out accuracy.
use seqmix_core::learn::tasks::{Task, TaskSpec};
use seqmix_core::learn::train::Training;
use seqmix_core::models::family::ModelConfig;
use seqmix_core::models::{cnn, linear_rnn, mamba, rnn, s4d, transformer};
use std::collections::HashMap;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut m: HashMap<String, String> = HashMap::new();
    for w in args.chunks(2) {
        m.insert(w[0].trim_start_matches("--").to_string(), w[1].clone());
    }
    let g = |k: &str, d: &str| m.get(k).cloned().unwrap_or(d.to_string());
    let n = |k: &str, d: usize| g(k, &d.to_string()).parse::<usize>().unwrap();
    let task = match g("task", "sel").as_str() {
        "sel" => Task::SelectiveCopy,
        "recall" => Task::AssociativeRecall,
        _ => Task::DelayedCopy,
    };
    let spec = TaskSpec {
        task,
        knob: n("knob", 16),
        marked: n("marked", 4),
        symbols: n("symbols", 8),
    };
    let steps = n("steps", 300);
    let lr: f32 = g("lr", "0.003").parse().unwrap();
    let seeds = n("seeds", 1);
    let seed0 = n("seed0", 1);
    for fam in g("families", "mamba").split(',') {
        let d = n(&format!("{fam}.d"), 16);
        let st = n(&format!("{fam}.n"), 16);
        let config = match fam {
            "cnn" => ModelConfig::Cnn(cnn::Config {
                layers: n("cnn.layers", 3),
                kernel: 3,
                dilation: cnn::Dilation::Exponential,
                activation: cnn::Activation::Gelu,
                residual: true,
            }),
            "transformer" => ModelConfig::Transformer(transformer::Config {
                layers: 2,
                heads: 2,
                temperature: 1.0,
            }),
            "rnn" => ModelConfig::Rnn(rnn::Config {
                hidden: st,
                spectral_radius: 0.9,
            }),
            "linear-rnn" => ModelConfig::LinearRnn(linear_rnn::Config {
                states: st,
                r: 0.9,
                theta: 0.3,
                spread: true,
                residual: true,
                by_scan: false,
            }),
            "s4d" => ModelConfig::S4d(s4d::Config {
                variant: s4d::Variant::Real,
                states: st,
                delta: 0.1,
                form: s4d::Form::Recurrence,
            }),
            _ => ModelConfig::Mamba(mamba::Config {
                expand: 2,
                d_state: st,
                dt_rank: None,
                d_conv: 4,
                delta_bias_shift: 0.0,
                selectivity: 1.0,
            }),
        };
        let mut accs = Vec::new();
        for seed in seed0..seed0 + seeds {
            let mut run = Training::custom(
                config.clone(),
                d,
                n("layers", 1),
                spec,
                seed as u64,
                steps,
                lr,
            )
            .expect("training");
            let t = std::time::Instant::now();
            run.advance(steps);
            let ms = t.elapsed().as_secs_f64() * 1000.0 / steps as f64;
            let e = run.evaluate();
            accs.push(e.accuracy);
            println!(
                "{fam} d={d} n={st} params={} ms/step={ms:.1} seed={seed} loss={:.3} acc={:.3}",
                run.model.parameter_count(),
                e.loss,
                e.accuracy
            );
        }
    }
}
