//! Every family and every scan, on random (also out-of-range) configurations and inputs
//! (also NaN and huge values): no panic, and a result that is either a typed error or an
//! array of the right shape (overflow to ±∞ is allowed — the UI shows it as "overflow").
#![cfg(not(target_arch = "wasm32"))]

use ndarray::Array2;
use proptest::prelude::*;
use seqmix::core::models::family::ModelConfig;
use seqmix::core::models::{cnn, linear_rnn, mamba, rnn, s4d, transformer};
use seqmix::core::scan::{self, Algorithm};

fn any_config() -> impl Strategy<Value = ModelConfig> {
    prop_oneof![
        (
            0usize..11,
            0usize..12,
            any::<bool>(),
            any::<bool>(),
            0usize..3
        )
            .prop_map(|(layers, kernel, dil, residual, act)| {
                ModelConfig::Cnn(cnn::Config {
                    layers,
                    kernel,
                    dilation: if dil {
                        cnn::Dilation::Exponential
                    } else {
                        cnn::Dilation::Fixed
                    },
                    activation: [
                        cnn::Activation::Relu,
                        cnn::Activation::Gelu,
                        cnn::Activation::Silu,
                    ][act],
                    residual,
                })
            }),
        (0usize..6, 0usize..6, -1.0f32..20.0).prop_map(|(layers, heads, temperature)| {
            ModelConfig::Transformer(transformer::Config {
                layers,
                heads,
                temperature,
            })
        }),
        (0usize..40, -0.5f32..3.0).prop_map(|(hidden, spectral_radius)| {
            ModelConfig::Rnn(rnn::Config {
                hidden,
                spectral_radius,
            })
        }),
        (
            0usize..40,
            -0.2f32..1.3,
            -1.0f32..4.0,
            any::<bool>(),
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(|(states, r, theta, spread, residual, by_scan)| {
                ModelConfig::LinearRnn(linear_rnn::Config {
                    states,
                    r,
                    theta,
                    spread,
                    residual,
                    by_scan,
                })
            }),
        (0usize..70, 1e-4f32..20.0, any::<bool>(), any::<bool>()).prop_map(
            |(states, delta, lin, conv)| {
                ModelConfig::S4d(s4d::Config {
                    variant: if lin {
                        s4d::Variant::Lin
                    } else {
                        s4d::Variant::Real
                    },
                    states,
                    delta,
                    form: if conv {
                        s4d::Form::Convolution
                    } else {
                        s4d::Form::Recurrence
                    },
                })
            }
        ),
        (
            0usize..6,
            0usize..40,
            0usize..10,
            -15.0f32..15.0,
            -1.0f32..12.0
        )
            .prop_map(|(expand, d_state, d_conv, delta_bias_shift, selectivity)| {
                ModelConfig::Mamba(mamba::Config {
                    expand,
                    d_state,
                    dt_rank: None,
                    d_conv,
                    delta_bias_shift,
                    selectivity,
                })
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn any_family_any_config_never_panics(
        config in any_config(),
        d_model in 0usize..36,
        len in 0usize..10,
        seed in any::<u64>(),
        scale in prop_oneof![Just(1.0f32), Just(1e6), Just(f32::NAN)],
    ) {
        let x = Array2::from_shape_fn((len, d_model), |(t, k)| scale * ((t * 7 + k * 3) % 5) as f32 - 2.0);
        if let Ok(params) = config.init(d_model, seed) {
            if let Ok(y) = params.forward(x.view()) {
                prop_assert_eq!(y.dim(), (len, d_model));
            }
            if let Ok(run) = params.run(x.view()) {
                prop_assert_eq!(run.outputs().dim(), (len, d_model));
            }
            if let Ok(m) = params.influence(x.view()) {
                prop_assert_eq!(m.dim(), (len, len));
            }
            let _ = params.influence_columns(x.view(), 0..len + 1);
        }
        let _ = config.cost(d_model, len);
    }

    #[test]
    fn every_scan_never_panics(a in proptest::collection::vec(-1e3f32..1e3, 0..70), b in proptest::collection::vec(-1e3f32..1e3, 0..70), block in 0usize..80) {
        for algorithm in [Algorithm::Sequential, Algorithm::HillisSteele, Algorithm::Blelloch, Algorithm::Chunked { block }] {
            let run = scan::scan(algorithm, &a, &b, true);
            prop_assert_eq!(run.h.len(), a.len().min(b.len()));
        }
        let _ = scan::tanh_hillis_steele(&a, &b);
    }
}
