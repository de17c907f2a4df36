//! Mamba benches: selective_scan at L = 1024, D = N = 16 (random negative A); block forward at
//! L ∈ {64, 256, 1024, 4096}; full-Jacobian influence at L ∈ {64, 256}; d_model = 16.

use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use ndarray::{Array1, Array2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use seqmix::core::models::mamba::{
    forward, hidden_influence, influence, selective_scan, Config, Params, SelectiveScanInput,
};

fn random(rng: &mut ChaCha8Rng, shape: (usize, usize), lo: f32, hi: f32) -> Array2<f32> {
    Array2::from_shape_simple_fn(shape, || rng.random_range(lo..hi))
}

fn bench_scan(c: &mut Criterion) {
    let (l, d, n) = (1024, 16, 16);
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let u = random(&mut rng, (l, d), -1.0, 1.0);
    let delta = random(&mut rng, (l, d), -4.0, 0.0);
    let a = random(&mut rng, (d, n), -20.0, -0.05);
    let b = random(&mut rng, (l, n), -1.0, 1.0);
    let cm = random(&mut rng, (l, n), -1.0, 1.0);
    let z = random(&mut rng, (l, d), -2.0, 2.0);
    let dskip = Array1::ones(d);
    let bias = Array1::from_elem(d, -1.0f32);
    let mut group = c.benchmark_group("mamba_selective_scan");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(2));
    group.bench_function("full_L1024_D16_N16", |bch| {
        let input = SelectiveScanInput {
            u: u.view(),
            delta: delta.view(),
            a: a.view(),
            b: b.view(),
            c: cm.view(),
            d: Some(dskip.view()),
            z: Some(z.view()),
            delta_bias: Some(bias.view()),
            delta_softplus: true,
        };
        bch.iter(|| black_box(selective_scan(black_box(&input))))
    });
    group.bench_function("plain_L1024_D16_N16", |bch| {
        let input = SelectiveScanInput {
            u: u.view(),
            delta: delta.view(),
            a: a.view(),
            b: b.view(),
            c: cm.view(),
            d: None,
            z: None,
            delta_bias: None,
            delta_softplus: false,
        };
        bch.iter(|| black_box(selective_scan(black_box(&input))))
    });
    // Calibration under a shared machine: the straightforward scalar loop (std exp, [D, N]
    // layout), so the ratio to `plain` is meaningful even when absolute times are inflated.
    group.bench_function("naive_scalar_reference_L1024_D16_N16", |bch| {
        let (us, ds, as_, bs, cs) = (
            u.as_slice().unwrap_or(&[]),
            delta.as_slice().unwrap_or(&[]),
            a.as_slice().unwrap_or(&[]),
            b.as_slice().unwrap_or(&[]),
            cm.as_slice().unwrap_or(&[]),
        );
        bch.iter(|| {
            let mut h = vec![0.0f32; d * n];
            let mut y = vec![0.0f32; l * d];
            for t in 0..l {
                for dd in 0..d {
                    let (dt, ut) = (ds[t * d + dd], us[t * d + dd]);
                    let mut acc = 0.0;
                    for k in 0..n {
                        let hk = &mut h[dd * n + k];
                        *hk = (dt * as_[dd * n + k]).exp() * *hk + dt * bs[t * n + k] * ut;
                        acc += cs[t * n + k] * *hk;
                    }
                    y[t * d + dd] = acc;
                }
            }
            black_box((h, y))
        })
    });
    group.finish();
}

fn bench_block(c: &mut Criterion) {
    let d_model = 16;
    let params = Params::init(&Config::default(), d_model, 7).expect("valid default config");
    let mut group = c.benchmark_group("mamba_forward");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(2));
    for l in [64usize, 256, 1024, 4096] {
        let x = random(
            &mut ChaCha8Rng::seed_from_u64(l as u64),
            (l, d_model),
            -1.0,
            1.0,
        );
        group.bench_with_input(BenchmarkId::from_parameter(l), &x, |bch, x| {
            bch.iter(|| black_box(forward(&params, x.view())))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("mamba_influence");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(2));
    for l in [64usize, 256] {
        let x = random(
            &mut ChaCha8Rng::seed_from_u64(l as u64),
            (l, d_model),
            -1.0,
            1.0,
        );
        group.bench_with_input(BenchmarkId::from_parameter(l), &x, |bch, x| {
            bch.iter(|| black_box(influence(&params, x.view())))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("mamba_hidden_influence");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(2));
    for l in [64usize, 256] {
        let x = random(
            &mut ChaCha8Rng::seed_from_u64(l as u64),
            (l, d_model),
            -1.0,
            1.0,
        );
        group.bench_with_input(BenchmarkId::from_parameter(l), &x, |bch, x| {
            bch.iter(|| black_box(hidden_influence(&params, x.view())))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_scan, bench_block);
criterion_main!(benches);
