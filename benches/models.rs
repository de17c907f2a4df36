//! Every family through `family.rs`, uniformly, at d_model = 16 with its default config:
//! forward at L ∈ {64, 256, 1024, 4096}, exact influence matrix at L ∈ {64, 256}, and the
//! Mamba `selective_scan` at L = 1024, D = N = 16 (the reference figure).
//!
//! Short on purpose (sample_size 10, 1 s per point) so `scripts/bench.sh` stays within minutes
//! on 2 cores; results land in `target/criterion/<group>/<family>/<L>/new/estimates.json`.

use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use seqmix::core::cost::D_MODEL;
use seqmix::core::models::family::{Family, ModelConfig};
use seqmix::core::models::mamba::selective_scan;
use seqmix::core::workloads::{model_input, ScanWorkload};

const FORWARD_LENS: [usize; 4] = [64, 256, 1024, 4096];
const INFLUENCE_LENS: [usize; 2] = [64, 256];

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
            let x = model_input(len);
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
            let x = model_input(len);
            group.bench_with_input(BenchmarkId::new(family.id(), len), &x, |b, x| {
                b.iter(|| params.influence(black_box(x.view())).expect("valid input"))
            });
        }
    }
    group.finish();
}

fn scan(c: &mut Criterion) {
    let workload = ScanWorkload::reference();
    let mut group = c.benchmark_group("selective_scan");
    configure(&mut group);
    group.bench_function("L1024_D16_N16", |bch| {
        let input = workload.input();
        bch.iter(|| black_box(selective_scan(black_box(&input))))
    });
    group.finish();
}

criterion_group!(benches, forward, influence, scan);
criterion_main!(benches);
