//! Each family's knobs, written once: link key, label in both languages, unit, range, step and
//! scale. Flow's model controls, Fading's sliders and the link binding all render and clamp
//! from these tables, so the same knob looks and behaves the same in every view.
//!
//! Adding a knob: one constant here, one field in `ModelKnobs` (`model_controls.rs`) and its
//! use in `ModelKnobs::config`.

use crate::core::decimal::parse_decimal;
use crate::ui::i18n::{tr, Tr};

/// One numeric hyper-parameter as the interface shows it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Knob {
    /// Link key (`<view>.[<pane>.]<family>.<key>`) and test id (`slider-<key>`).
    pub key: &'static str,
    /// Label before the slider.
    pub label: Tr,
    /// Unit after the value (empty for none).
    pub unit: Tr,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Step between values (on the log10 scale when `log`).
    pub step: f64,
    /// Log scale (for quantities spanning decades, such as Δ); `min` is then positive.
    pub log: bool,
}

impl Knob {
    /// Whether the knob takes whole numbers only (counts: layers, heads, states…).
    pub const fn whole(&self) -> bool {
        self.step >= 1.0 && !self.log
    }

    /// `value` brought into range (NaN becomes `min`).
    pub fn clamp(&self, value: f64) -> f64 {
        if value.is_nan() {
            self.min
        } else {
            value.clamp(self.min, self.max)
        }
    }

    /// `value` as a count within range.
    pub fn count(&self, value: f64) -> usize {
        self.clamp(value).round() as usize
    }

    /// `value` rounded to the slider's step (linear knobs) or to 4 significant digits (log
    /// knobs), as written in a link: a link carries `0.9`, never `0.8999999761581421`.
    pub fn rounded(&self, value: f64) -> f64 {
        if !value.is_finite() || value == 0.0 {
            return value;
        }
        let (value, decimals) = if self.log {
            (value, 3 - value.abs().log10().floor() as i32)
        } else {
            let steps = ((value - self.min) / self.step).round();
            (
                self.min + steps * self.step,
                -(self.step.log10().floor() as i32),
            )
        };
        // Printed with as many decimals as the step has, and read back: 0.9, not 0.9000000001.
        let decimals = decimals.clamp(0, 12) as usize;
        parse_decimal(&format!("{value:.decimals$}")).unwrap_or(value)
    }
}

const NO_UNIT: Tr = Tr::same("");

const fn knob(key: &'static str, label: Tr, min: f64, max: f64, step: f64) -> Knob {
    Knob {
        key,
        label,
        unit: NO_UNIT,
        min,
        max,
        step,
        log: false,
    }
}

/// CNN: causal convolutions.
pub mod cnn {
    use super::*;
    pub const LAYERS: Knob = knob("layers", tr("layers", "capas"), 1.0, 8.0, 1.0);
    pub const KERNEL: Knob = Knob {
        unit: tr("taps", "coeficientes"),
        ..knob("kernel", tr("kernel", "núcleo"), 2.0, 9.0, 1.0)
    };
}

/// Transformer: causal softmax attention.
pub mod transformer {
    use super::*;
    pub const LAYERS: Knob = knob("layers", tr("layers", "capas"), 1.0, 4.0, 1.0);
    pub const HEADS: Knob = knob(
        "heads",
        tr("heads (divides d_model)", "cabezas (divide a d_model)"),
        1.0,
        4.0,
        1.0,
    );
    pub const TEMPERATURE: Knob = Knob {
        log: true,
        ..knob(
            "temperature",
            tr("temperature τ", "temperatura τ"),
            0.05,
            10.0,
            0.01,
        )
    };
}

/// RNN: h_t = tanh(W h_{t−1} + U x_t + b).
pub mod rnn {
    use super::*;
    pub const HIDDEN: Knob = knob("hidden", tr("hidden size", "tamaño oculto"), 2.0, 32.0, 1.0);
    pub const RADIUS: Knob = knob(
        "radius",
        tr("spectral radius ρ(W)", "radio espectral ρ(W)"),
        0.1,
        2.0,
        0.01,
    );
}

/// Linear RNN: h_t = λ ⊙ h_{t−1} + B x_t, λ = r·e^{iθ}.
pub mod linear_rnn {
    use super::*;
    pub const STATES: Knob = knob(
        "states",
        tr("complex states", "estados complejos"),
        1.0,
        32.0,
        1.0,
    );
    pub const R: Knob = knob(
        "r",
        tr("decay r = |λ|", "decaimiento r = |λ|"),
        0.0,
        1.05,
        0.01,
    );
    pub const THETA: Knob = Knob {
        unit: Tr::same("rad"),
        ..knob(
            "theta",
            tr("rotation θ = arg λ", "rotación θ = arg λ"),
            0.0,
            std::f64::consts::PI,
            0.01,
        )
    };
}

/// S4D: a diagonal state-space model discretized with step Δ.
pub mod s4d {
    use super::*;
    pub const STATES: Knob = knob(
        "states",
        tr("state size N", "tamaño del estado N"),
        2.0,
        64.0,
        1.0,
    );
    pub const DELTA: Knob = Knob {
        log: true,
        ..knob("delta", tr("step Δ", "paso Δ"), 0.001, 10.0, 0.01)
    };
}

/// Mamba: a selective state-space block.
pub mod mamba {
    use super::*;
    pub const EXPAND: Knob = Knob {
        unit: Tr::same("×"),
        ..knob("expand", tr("expand", "expansión"), 1.0, 4.0, 1.0)
    };
    pub const STATE: Knob = knob(
        "states",
        tr("state size N", "tamaño del estado N"),
        1.0,
        32.0,
        1.0,
    );
    pub const CONV: Knob = knob(
        "conv",
        tr("conv kernel", "núcleo de la convolución"),
        1.0,
        8.0,
        1.0,
    );
    pub const DELTA_BIAS: Knob = knob(
        "delta-bias",
        tr("Δ bias shift", "desplazamiento del sesgo de Δ"),
        -10.0,
        10.0,
        0.1,
    );
    pub const SELECTIVITY: Knob = knob(
        "selectivity",
        tr("selectivity (× W_Δ)", "selectividad (× W_Δ)"),
        0.0,
        10.0,
        0.1,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_writes_the_step_not_float_noise() {
        assert_eq!(rnn::RADIUS.rounded(f64::from(0.9f32)).to_string(), "0.9");
        assert_eq!(s4d::DELTA.rounded(f64::from(0.1f32)).to_string(), "0.1");
        assert_eq!(mamba::DELTA_BIAS.rounded(-2.3000001).to_string(), "-2.3");
        assert_eq!(cnn::LAYERS.rounded(2.6), 3.0);
    }

    #[test]
    fn counts_and_values_stay_in_range() {
        assert_eq!(cnn::LAYERS.count(99.0), 8);
        assert_eq!(cnn::LAYERS.count(f64::NAN), 1);
        assert_eq!(linear_rnn::R.clamp(-1.0), 0.0);
        assert!(cnn::KERNEL.whole() && !s4d::DELTA.whole() && !rnn::RADIUS.whole());
    }
}
