//! Every family through `family.rs`, uniformly, at d_model = 16 with its default config:
//! forward at L ∈ {64, 256, 1024, 4096}, exact influence matrix at L ∈ {64, 256}, and the
//! Mamba `selective_scan` at L = 1024, D = N = 16 (the reference figure).
//!
//! Short on purpose (sample_size 10, 1 s per point) so `scripts/bench.sh` stays within minutes
//! on 2 cores; results land in `target/criterion/<group>/<family>/<L>/new/estimates.json`.

use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use ndarray::{Array1, Array2};
use seqmix::core::cost::D_MODEL;
use seqmix::core::models::family::{Family, ModelConfig};
use seqmix::core::models::mamba::{selective_scan, SelectiveScanInput};
use seqmix::core::rng::{normal_matrix, rng_for, uniform_vector};

const FORWARD_LENS: [usize; 4] = [64, 256, 1024, 4096];
const INFLUENCE_LENS: [usize; 2] = [64, 256];

fn input(len: usize) -> Array2<f32> {
    normal_matrix(&mut rng_for(1, "bench/x"), len, D_MODEL, 1.0)
}

fn configure(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
}

fn forward(c: &mut Criterion) {
    let mut group = c.benchmark_group("forward");
    configure(&mut group);
    for family in Family::ALL {
        let params = ModelConfig::default_for(family)
            .init(D_MODEL, 7)
            .expect("default config is valid");
        for len in FORWARD_LENS {
            let x = input(len);
            group.bench_with_input(BenchmarkId::new(family.id(), len), &x, |b, x| {
                b.iter(|| params.forward(black_box(x.view())).expect("valid input"))
            });
        }
    }
    group.finish();
}

fn influence(c: &mut Criterion) {
    let mut group = c.benchmark_group("influence");
    configure(&mut group);
    for family in Family::ALL {
        let params = ModelConfig::default_for(family)
            .init(D_MODEL, 7)
            .expect("default config is valid");
        for len in INFLUENCE_LENS {
            let x = input(len);
            group.bench_with_input(BenchmarkId::new(family.id(), len), &x, |b, x| {
                b.iter(|| params.influence(black_box(x.view())).expect("valid input"))
            });
        }
    }
    group.finish();
}

fn scan(c: &mut Criterion) {
    let (l, d, n) = (1024, 16, 16);
    let matrix = |label: &str, rows, cols, lo, hi| {
        Array2::from_shape_vec(
            (rows, cols),
            uniform_vector(&mut rng_for(2, label), rows * cols, lo, hi).to_vec(),
        )
        .expect("shape matches")
    };
    let u = matrix("scan/u", l, d, -1.0, 1.0);
    let delta = matrix("scan/delta", l, d, -4.0, 0.0);
    let a = matrix("scan/a", d, n, -20.0, -0.05);
    let b = matrix("scan/b", l, n, -1.0, 1.0);
    let cm = matrix("scan/c", l, n, -1.0, 1.0);
    let z = matrix("scan/z", l, d, -2.0, 2.0);
    let skip = Array1::<f32>::ones(d);
    let bias = Array1::<f32>::from_elem(d, -1.0);
    let mut group = c.benchmark_group("selective_scan");
    configure(&mut group);
    group.bench_function("L1024_D16_N16", |bch| {
        let input = SelectiveScanInput {
            u: u.view(),
            delta: delta.view(),
            a: a.view(),
            b: b.view(),
            c: cm.view(),
            d: Some(skip.view()),
            z: Some(z.view()),
            delta_bias: Some(bias.view()),
            delta_softplus: true,
        };
        bch.iter(|| black_box(selective_scan(black_box(&input))))
    });
    group.finish();
}

criterion_group!(benches, forward, influence, scan);
criterion_main!(benches);
