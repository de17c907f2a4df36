//! Benchmarks of the scans, the linear RNN and S4D (d_model = 16, default configs).

use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use seqmix::core::models::{linear_rnn, s4d};
use seqmix::core::rng::{normal_matrix, rng_for, uniform_vector};
use seqmix::core::scan;

const D_MODEL: usize = 16;

fn scans(c: &mut Criterion) {
    let mut group = c.benchmark_group("scan");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    for n in [64usize, 1024, 4096] {
        let a = uniform_vector(&mut rng_for(1, "bench/a"), n, 0.5, 1.0).to_vec();
        let b = uniform_vector(&mut rng_for(1, "bench/b"), n, -1.0, 1.0).to_vec();
        group.bench_with_input(BenchmarkId::new("sequential", n), &n, |bench, _| {
            bench.iter(|| scan::sequential(black_box(&a), black_box(&b)))
        });
        group.bench_with_input(BenchmarkId::new("hillis_steele", n), &n, |bench, _| {
            bench.iter(|| scan::hillis_steele(black_box(&a), black_box(&b)))
        });
        group.bench_with_input(BenchmarkId::new("blelloch", n), &n, |bench, _| {
            bench.iter(|| scan::blelloch(black_box(&a), black_box(&b)))
        });
        group.bench_with_input(BenchmarkId::new("blelloch_no_trace", n), &n, |bench, _| {
            bench.iter(|| {
                scan::scan(
                    scan::Algorithm::Blelloch,
                    black_box(&a),
                    black_box(&b),
                    false,
                )
            })
        });
    }
    group.finish();
}

fn models(c: &mut Criterion) {
    let rnn = linear_rnn::Params::init(&linear_rnn::Config::default(), D_MODEL, 7).expect("valid");
    let ssm = s4d::Params::init(&s4d::Config::default(), D_MODEL, 7).expect("valid");
    let mut group = c.benchmark_group("forward");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    for len in [64usize, 256, 1024, 4096] {
        let x = normal_matrix(&mut rng_for(3, "bench/x"), len, D_MODEL, 1.0);
        group.bench_with_input(BenchmarkId::new("linear_rnn", len), &len, |bench, _| {
            bench.iter(|| linear_rnn::forward(&rnn, black_box(x.view())))
        });
        group.bench_with_input(BenchmarkId::new("s4d", len), &len, |bench, _| {
            bench.iter(|| s4d::forward(&ssm, black_box(x.view())))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("influence");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    for len in [64usize, 256] {
        let x = normal_matrix(&mut rng_for(3, "bench/x"), len, D_MODEL, 1.0);
        group.bench_with_input(BenchmarkId::new("linear_rnn", len), &len, |bench, _| {
            bench.iter(|| linear_rnn::influence(&rnn, black_box(x.view())))
        });
        group.bench_with_input(BenchmarkId::new("s4d", len), &len, |bench, _| {
            bench.iter(|| s4d::influence(&ssm, black_box(x.view())))
        });
    }
    group.finish();
}

criterion_group!(benches, scans, models);
criterion_main!(benches);
