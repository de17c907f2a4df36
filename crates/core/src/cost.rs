//! Cost of the six families: counted (theory tables over n) and measured (least-squares
//! growth exponent of timings on a log-log scale), plus the CSV the Cost view downloads.
//!
//! The counts come from each model's own `cost` ([`ModelConfig::cost`]); this module only
//! tabulates them over sequence lengths. The growth exponent of `t(n) ≈ c·nᵖ` is the slope
//! of the least-squares line through `(ln n, ln t)`:
//!
//! ```text
//! p = Σ (xᵢ − x̄)(yᵢ − ȳ) / Σ (xᵢ − x̄)²      xᵢ = ln nᵢ, yᵢ = ln tᵢ
//! ```

use crate::models::family::{Family, ModelConfig};
use crate::models::{ceil_log2, Cost};

/// Width of every model in the Cost view and the benchmarks.
pub const D_MODEL: usize = 16;

/// Sequence lengths of the theory table: 16, 32, …, 65 536.
pub const THEORY_LENS: [usize; 13] = [
    16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536,
];

/// Sequence lengths timed in the browser: 64, 128, …, 4096.
pub const MEASURE_LENS: [usize; 7] = [64, 128, 256, 512, 1024, 2048, 4096];

/// Smallest n used for the fitted exponent (below it, fixed per-call costs and the
/// n·d² projections hide the growth of attention).
pub const FIT_MIN_LEN: usize = 512;

/// The growth exponent of the forward pass as the app computes it, for n ≫ d: attention
/// is n² (every query against every key); every other family is linear in n (the CNN's
/// window is fixed, the recurrences are stepped in time, S4D runs as a recurrence).
pub fn expected_exponent(family: Family) -> f64 {
    match family {
        Family::Transformer => 2.0,
        _ => 1.0,
    }
}

/// One row of a theory table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TheoryRow {
    pub len: usize,
    pub cost: Cost,
}

/// The counted cost of `config` at width `d_model` for every length in `lens`, with the
/// depths of [`depths`] (the one convention of the Cost view).
pub fn theory_table(config: &ModelConfig, d_model: usize, lens: &[usize]) -> Vec<TheoryRow> {
    lens.iter()
        .map(|&len| {
            let mut cost = config.cost(d_model, len);
            (cost.sequential_depth, cost.parallel_depth) = depths(config, len);
            TheoryRow { len, cost }
        })
        .collect()
}

/// Levels of pairwise combines that reduce `m` items: ⌈log₂ m⌉, at least one.
pub fn combine_levels(m: usize) -> u64 {
    u64::from(ceil_log2(m)).max(1)
}

/// (sequential depth, parallel depth) of a forward pass on `len` tokens, under one
/// convention for every family (binary-combine accounting): a depth counts the levels that
/// must run one after another when everything independent runs at once, where combining m
/// positions (a sum, a maximum, a scan) takes ⌈log₂ m⌉ levels of pairwise combines, at least
/// one per layer; work inside one position (projections, MLP, gates) is not counted.
/// - CNN: each layer sums k taps: ⌈log₂ k⌉ per layer, both depths.
/// - Transformer: each layer's softmax (maximum, normaliser) and weighted sum run over up to
///   n keys side by side: ⌈log₂ n⌉ per layer, both depths.
/// - tanh RNN: n steps, each needing the previous one, both depths.
/// - Linear RNN, S4D, Mamba: stepped in time (as the app computes them) n steps; by a
///   parallel scan ⌈log₂ n⌉ (Hillis–Steele's levels); the linear RNN's Blelloch form takes
///   2·⌈log₂ n⌉; S4D's convolution form sums up to n kernel terms per output, ⌈log₂ n⌉ for
///   both depths; Mamba's width-k convolution adds ⌈log₂ k⌉ before the scan.
pub fn depths(config: &ModelConfig, len: usize) -> (u64, u64) {
    let scan = combine_levels(len);
    let n = len.max(1) as u64;
    match config {
        ModelConfig::Cnn(c) => {
            let d = c.layers as u64 * combine_levels(c.kernel);
            (d, d)
        }
        ModelConfig::Transformer(c) => {
            let d = c.layers as u64 * scan;
            (d, d)
        }
        ModelConfig::Rnn(_) => (n, n),
        ModelConfig::LinearRnn(c) => (if c.by_scan { 2 * scan } else { n }, scan),
        ModelConfig::S4d(c) => match c.form {
            crate::models::s4d::Form::Recurrence => (n, scan),
            crate::models::s4d::Form::Convolution => (scan, scan),
        },
        ModelConfig::Mamba(c) => {
            let conv = combine_levels(c.d_conv);
            (conv + n, conv + scan)
        }
    }
}

/// The growth exponent of the counted multiply-adds of `family`'s default configuration:
/// the least-squares slope on log-log axes over the lengths of `lens` with `len ≥ min_len`
/// (the same window as the fitted exponent of the measurements).
pub fn counted_exponent(family: Family, lens: &[usize], min_len: usize) -> Option<f64> {
    let config = ModelConfig::default_for(family);
    let points: Vec<(f64, f64)> = lens
        .iter()
        .filter(|&&n| n >= min_len)
        .map(|&n| (n as f64, config.cost(D_MODEL, n).multiply_adds as f64))
        .collect();
    loglog_slope(&points)
}

/// Which counted quantity a chart or column shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    MultiplyAdds,
    SequentialDepth,
    ParallelDepth,
    Memory,
}

impl Metric {
    pub const ALL: [Metric; 4] = [
        Metric::MultiplyAdds,
        Metric::SequentialDepth,
        Metric::ParallelDepth,
        Metric::Memory,
    ];

    /// Short id for test ids.
    pub fn id(self) -> &'static str {
        match self {
            Metric::MultiplyAdds => "multiply-adds",
            Metric::SequentialDepth => "sequential-depth",
            Metric::ParallelDepth => "parallel-depth",
            Metric::Memory => "memory",
        }
    }

    /// Label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Metric::MultiplyAdds => "multiply-adds per forward pass",
            Metric::SequentialDepth => "sequential depth (levels, as computed)",
            Metric::ParallelDepth => "parallel depth (levels, best parallel algorithm)",
            Metric::Memory => "memory per generated token (floats)",
        }
    }

    /// The metric's value in `cost`.
    pub fn of(self, cost: &Cost) -> u64 {
        match self {
            Metric::MultiplyAdds => cost.multiply_adds,
            Metric::SequentialDepth => cost.sequential_depth,
            Metric::ParallelDepth => cost.parallel_depth,
            Metric::Memory => cost.memory_floats_per_token,
        }
    }
}

/// Least-squares slope of `ln y` against `ln x` over the points with finite, positive
/// coordinates. `None` with fewer than two distinct x.
pub fn loglog_slope(points: &[(f64, f64)]) -> Option<f64> {
    let logs: Vec<(f64, f64)> = points
        .iter()
        .filter(|(x, y)| x.is_finite() && y.is_finite() && *x > 0.0 && *y > 0.0)
        .map(|(x, y)| (x.ln(), y.ln()))
        .collect();
    if logs.len() < 2 {
        return None;
    }
    let count = logs.len() as f64;
    let mean_x = logs.iter().map(|p| p.0).sum::<f64>() / count;
    let mean_y = logs.iter().map(|p| p.1).sum::<f64>() / count;
    let sxx: f64 = logs.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = logs.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    if sxx <= f64::EPSILON {
        return None;
    }
    Some(sxy / sxx)
}

/// Median of the finite values (mean of the two middle ones for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    percentile(values, 0.5)
}

/// Percentile `q ∈ [0, 1]` of the finite values, linear interpolation between ranks
/// (q = 0.5 is the median).
pub fn percentile(values: &[f64], q: f64) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let rank = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (low, high) = (rank.floor() as usize, rank.ceil() as usize);
    let frac = rank - low as f64;
    Some(sorted[low] + (sorted[high] - sorted[low]) * frac)
}

/// How many forward passes to time together so one batch takes about `target_ms`, given
/// one pass takes about `single_ms`: at least 1, at most `max`.
pub fn forwards_per_batch(single_ms: f64, target_ms: f64, max: usize) -> usize {
    if !(single_ms.is_finite() && single_ms > 0.0) {
        return max.max(1);
    }
    ((target_ms / single_ms).floor() as usize).clamp(1, max.max(1))
}

/// One timed point: the median time of one forward pass at length `len`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measurement {
    pub family: Family,
    pub len: usize,
    /// Median over the batches of (batch time / forwards in the batch), milliseconds.
    pub median_ms: f64,
    pub batches: usize,
    pub forwards_per_batch: usize,
}

/// The fitted exponent of `family`'s measurements with `len ≥ min_len`.
pub fn fitted_exponent(
    measurements: &[Measurement],
    family: Family,
    min_len: usize,
) -> Option<f64> {
    let points: Vec<(f64, f64)> = measurements
        .iter()
        .filter(|m| m.family == family && m.len >= min_len)
        .map(|m| (m.len as f64, m.median_ms))
        .collect();
    loglog_slope(&points)
}

/// The measurements as CSV, one row per point, with the counted multiply-adds of the
/// family's default configuration at `d_model` next to the time.
pub fn measurements_csv(measurements: &[Measurement], d_model: usize) -> String {
    let mut out = String::from(
        "model,n,d_model,median_ms_per_forward,batches,forwards_per_batch,multiply_adds\n",
    );
    for m in measurements {
        let macs = ModelConfig::default_for(m.family)
            .cost(d_model, m.len)
            .multiply_adds;
        out.push_str(&format!(
            "{},{},{},{:.6},{},{},{}\n",
            m.family.id(),
            m.len,
            d_model,
            m.median_ms,
            m.batches,
            m.forwards_per_batch,
            macs
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn slope_of_exact_power_laws() {
        for p in [0.5, 1.0, 2.0, 3.0] {
            let points: Vec<(f64, f64)> = MEASURE_LENS
                .iter()
                .map(|&n| (n as f64, 3.7 * (n as f64).powf(p)))
                .collect();
            assert_abs_diff_eq!(loglog_slope(&points).unwrap(), p, epsilon = 1e-12);
        }
    }

    #[test]
    fn slope_ignores_non_positive_and_needs_two_x() {
        assert_eq!(loglog_slope(&[(10.0, 1.0)]), None);
        assert_eq!(loglog_slope(&[(10.0, 1.0), (10.0, 2.0)]), None);
        let slope = loglog_slope(&[(1.0, 1.0), (2.0, 0.0), (4.0, f64::NAN), (4.0, 16.0)]);
        assert_abs_diff_eq!(slope.unwrap(), 2.0, epsilon = 1e-12);
    }

    #[test]
    fn slope_of_n_log_n_is_between_one_and_two() {
        let points: Vec<(f64, f64)> = [512.0f64, 1024.0, 2048.0, 4096.0]
            .iter()
            .map(|&n| (n, n * n.log2()))
            .collect();
        let slope = loglog_slope(&points).unwrap();
        assert!(slope > 1.0 && slope < 1.2, "{slope}");
    }

    #[test]
    fn median_and_percentiles() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[f64::NAN, 5.0]), Some(5.0));
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0, 5.0], 1.0), Some(5.0));
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.0), Some(1.0));
        assert_abs_diff_eq!(
            percentile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.95).unwrap(),
            4.8,
            epsilon = 1e-12
        );
    }

    #[test]
    fn batch_sizing_is_clamped() {
        assert_eq!(forwards_per_batch(0.1, 15.0, 1000), 150);
        assert_eq!(forwards_per_batch(40.0, 15.0, 1000), 1);
        assert_eq!(forwards_per_batch(0.0001, 15.0, 1000), 1000);
        assert_eq!(forwards_per_batch(f64::NAN, 15.0, 64), 64);
    }

    #[test]
    fn transformer_theory_matches_its_formulas() {
        let config = ModelConfig::default_for(Family::Transformer);
        let ModelConfig::Transformer(t) = &config else {
            unreachable!()
        };
        let layers = t.layers as u64;
        let table = theory_table(&config, D_MODEL, &THEORY_LENS);
        assert_eq!(table.len(), 13);
        for row in &table {
            let (n, d) = (row.len as u64, D_MODEL as u64);
            assert_eq!(row.cost.memory_floats_per_token, 2 * layers * d * n);
            assert_eq!(
                row.cost.multiply_adds,
                layers * (12 * n * d * d + n * (n + 1) * d)
            );
        }
    }

    #[test]
    fn counted_growth_matches_expected_exponents_at_large_n() {
        // Slope of the counted multiply-adds over 16k..64k: attention's n² dominates by then.
        for family in Family::ALL {
            let config = ModelConfig::default_for(family);
            let points: Vec<(f64, f64)> = theory_table(&config, D_MODEL, &THEORY_LENS[10..])
                .iter()
                .map(|r| (r.len as f64, r.cost.multiply_adds as f64))
                .collect();
            let slope = loglog_slope(&points).unwrap();
            assert_abs_diff_eq!(slope, expected_exponent(family), epsilon = 0.05);
        }
    }

    #[test]
    fn recurrent_memory_is_flat_and_kv_cache_grows() {
        for family in Family::ALL {
            let table = theory_table(&ModelConfig::default_for(family), D_MODEL, &THEORY_LENS);
            let first = table[0].cost.memory_floats_per_token;
            let last = table[12].cost.memory_floats_per_token;
            if family == Family::Transformer {
                assert_eq!(last, first * 4096);
            } else {
                assert_eq!(first, last, "{family:?}");
            }
        }
    }

    #[test]
    fn fitted_exponent_uses_only_long_points_and_csv_has_a_row_each() {
        let mut ms = Vec::new();
        for &len in &MEASURE_LENS {
            let n = len as f64;
            // Flat below 512 (fixed overhead), quadratic above.
            let t = if len < FIT_MIN_LEN {
                1.0
            } else {
                (n / 512.0).powi(2)
            };
            ms.push(Measurement {
                family: Family::Transformer,
                len,
                median_ms: t,
                batches: 5,
                forwards_per_batch: 1,
            });
        }
        let p = fitted_exponent(&ms, Family::Transformer, FIT_MIN_LEN).unwrap();
        assert_abs_diff_eq!(p, 2.0, epsilon = 1e-12);
        assert_eq!(fitted_exponent(&ms, Family::Mamba, FIT_MIN_LEN), None);
        let csv = measurements_csv(&ms, D_MODEL);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 1 + MEASURE_LENS.len());
        assert!(lines[0].starts_with("model,n,"));
        assert!(lines[1].starts_with("transformer,64,16,1.000000,5,1,"));
    }

    /// The depth convention at the defaults, from formulas written here: attention
    /// layers·⌈log₂ n⌉, the scans ⌈log₂ n⌉, the tanh RNN n, the CNN layers·⌈log₂ k⌉; S4D's
    /// convolution form no deeper in parallel than sequentially. Every family's parallel depth
    /// is at most its sequential depth.
    #[test]
    fn claims_one_depth_convention() {
        let log2 = |n: usize| (n as f64).log2().ceil() as u64;
        for n in THEORY_LENS {
            for family in Family::ALL {
                let config = ModelConfig::default_for(family);
                let (seq, par) = depths(&config, n);
                assert!(par <= seq, "{family:?} at {n}: {par} > {seq}");
                let want = match &config {
                    ModelConfig::Cnn(c) => c.layers as u64 * log2(c.kernel),
                    ModelConfig::Transformer(c) => c.layers as u64 * log2(n),
                    ModelConfig::Rnn(_) => n as u64,
                    ModelConfig::Mamba(c) => log2(c.d_conv) + log2(n),
                    _ => log2(n),
                };
                assert_eq!(par, want, "{family:?} at {n}");
                let row = theory_table(&config, D_MODEL, &[n])[0];
                assert_eq!(row.cost.parallel_depth, par);
            }
            let conv = ModelConfig::S4d(crate::models::s4d::Config {
                form: crate::models::s4d::Form::Convolution,
                ..Default::default()
            });
            assert_eq!(depths(&conv, n), (log2(n), log2(n)));
        }
        // At n = 4096 the two-layer transformer needs 2·12 levels, as many as a scan's 12 per layer.
        let t = ModelConfig::default_for(Family::Transformer);
        assert_eq!(depths(&t, 4096).1, 24);
    }

    /// "n(n+1)·d and 12·n·d² are equal at n ≈ 12·d": below 12·d − 1 the projections are more,
    /// from 12·d on the scores are more.
    #[test]
    fn claims_attention_overtakes_projections_at_twelve_d() {
        let d = D_MODEL as u64;
        let scores = |n: u64| n * (n + 1) * d;
        let projections = |n: u64| 12 * n * d * d;
        assert!(scores(12 * d - 2) < projections(12 * d - 2));
        assert_eq!(scores(12 * d - 1), projections(12 * d - 1));
        assert!(scores(12 * d) > projections(12 * d));
    }

    /// The counted slope the fitted exponent is compared with: over n = 512…4096 the
    /// transformer's counted multiply-adds grow with slope ≈ 1.87, not 2; the others 1.
    #[test]
    fn claims_counted_slope_over_the_measured_window() {
        let d = D_MODEL as f64;
        let xs: Vec<f64> = [512.0f64, 1024.0, 2048.0, 4096.0]
            .iter()
            .map(|n| n.ln())
            .collect();
        let ys: Vec<f64> = [512.0f64, 1024.0, 2048.0, 4096.0]
            .iter()
            .map(|&n| (2.0 * (12.0 * n * d * d + n * (n + 1.0) * d)).ln())
            .collect();
        let (mx, my) = (xs.iter().sum::<f64>() / 4.0, ys.iter().sum::<f64>() / 4.0);
        let slope = xs
            .iter()
            .zip(&ys)
            .map(|(x, y)| (x - mx) * (y - my))
            .sum::<f64>()
            / xs.iter().map(|x| (x - mx).powi(2)).sum::<f64>();
        let counted = counted_exponent(Family::Transformer, &MEASURE_LENS, FIT_MIN_LEN).unwrap();
        assert_abs_diff_eq!(counted, slope, epsilon = 1e-9);
        assert!((counted - 1.87).abs() < 0.01, "{counted}");
        for family in Family::ALL
            .into_iter()
            .filter(|f| *f != Family::Transformer)
        {
            let p = counted_exponent(family, &MEASURE_LENS, FIT_MIN_LEN).unwrap();
            assert_abs_diff_eq!(p, 1.0, epsilon = 1e-9);
        }
    }
}
