//! The Cost view's words for the core's enums, in both languages.

use crate::core::cost::Metric;
use crate::core::models::family::Family;
use crate::ui::i18n::{tr, Lang, Tr};

/// How each family's forward pass computes the sequence mixing (the form that is timed).
pub fn form_timed(family: Family) -> Tr {
    match family {
        Family::Cnn => tr(
            "causal convolution, 3 layers × kernel 3",
            "convolución causal, 3 capas × núcleo 3",
        ),
        Family::Transformer => tr(
            "causal softmax attention, 2 layers, the n(n+1)/2 causal scores (lower half of n×n)",
            "atención softmax causal, 2 capas, las n(n+1)/2 puntuaciones causales (mitad inferior de n×n)",
        ),
        Family::Rnn => tr(
            "tanh recurrence, stepped in time",
            "recurrencia tanh, paso a paso en el tiempo",
        ),
        Family::LinearRnn => tr(
            "diagonal recurrence, stepped in time",
            "recurrencia diagonal, paso a paso en el tiempo",
        ),
        Family::S4d => tr(
            "recurrence (Eqn 2a); a direct convolution would be 2, FFT n log n",
            "recurrencia (ec. 2a); una convolución directa sería 2, con FFT n log n",
        ),
        Family::Mamba => tr(
            "selective scan, stepped in time",
            "scan selectivo, paso a paso en el tiempo",
        ),
    }
}

/// A counted quantity's name in `lang` (the core names it in English).
pub fn metric_label(metric: Metric, lang: Lang) -> &'static str {
    match metric {
        Metric::MultiplyAdds => lang.pick(
            metric.label(),
            "multiplicaciones-sumas por pasada hacia delante",
        ),
        Metric::SequentialDepth => lang.pick(
            metric.label(),
            "profundidad secuencial (niveles, tal como se calcula)",
        ),
        Metric::ParallelDepth => lang.pick(
            metric.label(),
            "profundidad paralela (niveles, con el mejor algoritmo paralelo)",
        ),
        Metric::Memory => lang.pick(
            metric.label(),
            "memoria por token generado (números en coma flotante)",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::models::family::ModelConfig;

    /// "causal convolution, 3 layers × kernel 3" and "causal softmax attention, 2 layers": the
    /// default configurations the Cost view times.
    #[test]
    fn form_timed_states_the_default_sizes() {
        let ModelConfig::Cnn(c) = ModelConfig::default_for(Family::Cnn) else {
            unreachable!()
        };
        let cnn = format!("{} layers × kernel {}", c.layers, c.kernel);
        assert!(
            form_timed(Family::Cnn).get(Lang::En).contains(&cnn),
            "{cnn}"
        );
        let ModelConfig::Transformer(t) = ModelConfig::default_for(Family::Transformer) else {
            unreachable!()
        };
        let tf = format!("{} layers", t.layers);
        assert!(
            form_timed(Family::Transformer).get(Lang::En).contains(&tf),
            "{tf}"
        );
    }
}
