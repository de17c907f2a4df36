//! Forward passes (L ∈ {64, 256, 1024, 4096}) and exact influence matrices (L ∈ {64, 256})
//! of the CNN, RNN and transformer at d_model = 16 with the default configurations.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ndarray::Array2;
use seqmix::core::models::{cnn, rnn, transformer};
use seqmix::core::rng::{normal_matrix, rng_for};

const D_MODEL: usize = 16;
const FORWARD_LENS: [usize; 4] = [64, 256, 1024, 4096];
const INFLUENCE_LENS: [usize; 2] = [64, 256];

fn input(len: usize) -> Array2<f32> {
    normal_matrix(&mut rng_for(1, "bench/x"), len, D_MODEL, 1.0)
}

/// Benchmarks `forward` and `influence` of one family under `name/forward` and `name/influence`.
macro_rules! bench_family {
    ($c:expr, $name:literal, $family:ident) => {{
        let params = $family::Params::init(&$family::Config::default(), D_MODEL, 7).unwrap();
        let mut group = $c.benchmark_group(concat!($name, "/forward"));
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(2));
        for len in FORWARD_LENS {
            let x = input(len);
            group.bench_with_input(BenchmarkId::from_parameter(len), &x, |b, x| {
                b.iter(|| $family::forward(&params, x.view()).unwrap())
            });
        }
        group.finish();
        let mut group = $c.benchmark_group(concat!($name, "/influence"));
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(2));
        for len in INFLUENCE_LENS {
            let x = input(len);
            group.bench_with_input(BenchmarkId::from_parameter(len), &x, |b, x| {
                b.iter(|| $family::influence(&params, x.view()).unwrap())
            });
        }
        group.finish();
    }};
}

fn benches(c: &mut Criterion) {
    bench_family!(c, "cnn", cnn);
    bench_family!(c, "rnn", rnn);
    bench_family!(c, "transformer", transformer);
}

criterion_group!(nonlinear, benches);
criterion_main!(nonlinear);
