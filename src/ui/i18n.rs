//! Interface text in English and Spanish.
//!
//! Completeness is enforced by the compiler, not by a test: a [`Tr`] can only be built with
//! [`tr`] / [`t`], which take the English *and* the Spanish string, and texts with numbers in
//! them are written as `match lang() { Lang::En => …, Lang::Es => … }` (an exhaustive match,
//! so a third language would not compile until every text has it). Symbols and formulas that
//! read the same in both languages (Δ, ρ(W), "rad") use [`Tr::same`], which names the choice.
//!
//! The current language lives in one context signal ([`Locale`]); every text reads it, so a
//! switch re-renders only the text nodes, never a model run.

use leptos::prelude::*;

/// An interface language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    /// BCP 47 code, for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The browser's preferred language: Spanish when `navigator.language` starts with "es".
    pub fn from_browser() -> Lang {
        let language = web_sys::window()
            .and_then(|w| w.navigator().language())
            .unwrap_or_default();
        Lang::from_tag(&language)
    }

    /// Spanish for any `es…` tag ("es", "es-AR"), English otherwise.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("es") {
            Lang::Es
        } else {
            Lang::En
        }
    }

    /// The other language (what the toggle switches to).
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Es,
            Lang::Es => Lang::En,
        }
    }

    /// `en` or `es` by language.
    pub fn pick<T>(self, en: T, es: T) -> T {
        match self {
            Lang::En => en,
            Lang::Es => es,
        }
    }
}

/// The language signal, provided by the app shell.
#[derive(Clone, Copy)]
pub struct Locale(pub RwSignal<Lang>);

/// The current language (tracked). English when no [`Locale`] is provided (isolated tests).
pub fn lang() -> Lang {
    use_context::<Locale>().map_or(Lang::En, |l| l.0.get())
}

/// The current language, not tracked (for work that must not rerun on a switch).
pub fn lang_untracked() -> Lang {
    use_context::<Locale>().map_or(Lang::En, |l| l.0.get_untracked())
}

/// A text in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tr {
    en: &'static str,
    es: &'static str,
}

/// A text in English and Spanish.
pub const fn tr(en: &'static str, es: &'static str) -> Tr {
    Tr { en, es }
}

impl Tr {
    /// A symbol or formula that is the same in both languages ("Δ", "rad", "×").
    pub const fn same(text: &'static str) -> Tr {
        Tr { en: text, es: text }
    }

    /// The text in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        lang.pick(self.en, self.es)
    }

    /// The text in the current language (tracked).
    pub fn now(self) -> &'static str {
        self.get(lang())
    }

    /// Whether the text is empty in both languages.
    pub fn is_empty(self) -> bool {
        self.en.is_empty() && self.es.is_empty()
    }
}

/// A reactive text for `view!` (as a child or an attribute): re-renders on a language switch.
pub fn t(
    en: &'static str,
    es: &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let text = tr(en, es);
    let locale = use_context::<Locale>();
    move || locale.map_or(text.en, |l| text.get(l.0.get()))
}

/// A [`Tr`] as a reactive text for `view!`.
pub fn show(text: Tr) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let locale = use_context::<Locale>();
    move || locale.map_or(text.en, |l| text.get(l.0.get()))
}

/// A core error in words, in the current language (tracked only when there is an error).
pub fn core_error(error: &crate::core::error::CoreError) -> String {
    core_error_in(error, lang())
}

/// A core error in words, in `lang`. The core returns the case and its numbers; every word is
/// here.
pub fn core_error_in(error: &crate::core::error::CoreError, lang: Lang) -> String {
    use crate::core::error::{CoreError, Mismatch};
    match error {
        CoreError::EmptyInput => lang
            .pick(
                "the sequence is empty: type at least one word",
                "la secuencia está vacía: escribe al menos una palabra",
            )
            .to_string(),
        CoreError::NonFinite { what } => {
            let what = param_name(what, lang);
            match lang {
                Lang::En => format!("{what} contains a value that is not a finite number"),
                Lang::Es => format!("{what} contiene un valor que no es un número finito"),
            }
        }
        CoreError::OutOfRange {
            param,
            value,
            min,
            max,
        } => {
            let param = param_name(param, lang);
            match lang {
                Lang::En => format!("{param} = {value} is outside its range [{min}, {max}]"),
                Lang::Es => format!("{param} = {value} está fuera de su rango [{min}, {max}]"),
            }
        }
        CoreError::Shape {
            what,
            expected,
            got,
        } => {
            let what = param_name(what, lang);
            match lang {
                Lang::En => format!("{what} has shape {got}, expected {expected}"),
                Lang::Es => format!("{what} tiene forma {got}; se esperaba {expected}"),
            }
        }
        CoreError::HeadsDoNotDivide { heads, d_model } => match lang {
            Lang::En => format!(
                "{heads} attention heads do not divide the model width {d_model}: choose a number of heads that divides it"
            ),
            Lang::Es => format!(
                "{heads} cabezas de atención no dividen el ancho del modelo {d_model}: elige un número de cabezas que lo divida"
            ),
        },
        CoreError::OddStates { states } => match lang {
            Lang::En => format!(
                "S4D-Lin keeps its states in conjugate pairs, so it needs an even number of states (got {states})"
            ),
            Lang::Es => format!(
                "S4D-Lin guarda sus estados en pares conjugados, así que necesita un número par de estados (hay {states})"
            ),
        },
        CoreError::DegenerateWeights { spectral_radius } => match lang {
            Lang::En => format!(
                "the random recurrent matrix W has spectral radius {spectral_radius} and cannot be scaled: try another seed"
            ),
            Lang::Es => format!(
                "la matriz recurrente aleatoria W tiene radio espectral {spectral_radius} y no se puede escalar: prueba otra semilla"
            ),
        },
        CoreError::TimeOutOfRange { t, len } => match lang {
            Lang::En => format!("time {t} is outside the recorded signal (1 to {len})"),
            Lang::Es => format!("el instante {t} está fuera de la señal registrada (de 1 a {len})"),
        },
        CoreError::Mismatch(what) => {
            let what = match what {
                Mismatch::InfluencePlan => lang.pick(
                    "an influence plan was used with another model or sentence",
                    "se usó un plan de influencia con otro modelo u otra frase",
                ),
                Mismatch::SlicedPass => lang.pick(
                    "a forward pass in slices resumed with another model width",
                    "una pasada hacia delante por partes se reanudó con otro ancho de modelo",
                ),
                Mismatch::Weights => lang.pick(
                    "the weights do not fit the model's configuration",
                    "los pesos no encajan con la configuración del modelo",
                ),
            };
            match lang {
                Lang::En => format!("internal error: {what} (please report it)"),
                Lang::Es => format!("error interno: {what} (por favor, avísanos)"),
            }
        }
    }
}

/// A parameter or input named by the core (as the code spells it, e.g. `d_model`) in `lang`;
/// symbols the page shows as they are (`x`, `r`, `Δ`) stay as they are.
pub fn param_name(id: &str, lang: Lang) -> &str {
    let (en, es) = match id {
        "x" | "the input" => ("the input x", "la entrada x"),
        "d_model" => ("the model width d_model", "el ancho del modelo d_model"),
        "delta" => ("the step Δ", "el paso Δ"),
        "layers" => ("the number of layers", "el número de capas"),
        "kernel" => ("the kernel size", "el tamaño del núcleo"),
        "heads" => ("the number of heads", "el número de cabezas"),
        "temperature" => ("the temperature", "la temperatura"),
        "hidden" => ("the hidden size", "el tamaño oculto"),
        "spectral_radius" => ("the spectral radius ρ", "el radio espectral ρ"),
        "states" | "state size N" => ("the state size N", "el tamaño del estado N"),
        "r" => ("the decay r", "el decaimiento r"),
        "expand" => ("the expansion factor", "el factor de expansión"),
        "d_state" => ("the state size d_state", "el tamaño del estado d_state"),
        "dt_rank" => (
            "the rank of Δ's projection",
            "el rango de la proyección de Δ",
        ),
        "d_conv" => ("the convolution width", "el ancho de la convolución"),
        "selectivity" => ("the selectivity", "la selectividad"),
        "horizon" => ("the time horizon", "el horizonte de tiempo"),
        "window θ" => ("the window θ", "la ventana θ"),
        "signal" => ("the signal", "la señal"),
        "influence columns" => ("the influence columns", "las columnas de influencia"),
        "the weights for this configuration" => (
            "the weights for this configuration",
            "los pesos de esta configuración",
        ),
        _ => return id,
    };
    lang.pick(en, es)
}

/// The name of a model family in `lang` (ids stay the same).
pub fn family_name(family: crate::core::models::family::Family, lang: Lang) -> &'static str {
    use crate::core::models::family::Family;
    match family {
        Family::LinearRnn => lang.pick("Linear RNN", "RNN lineal"),
        other => other.name(),
    }
}

/// A row or step label of a flow diagram in `lang` (the core returns it as data).
pub fn flow_label(label: crate::core::flow::FlowLabel, lang: Lang) -> String {
    use crate::core::flow::FlowLabel;
    match (label, lang) {
        (FlowLabel::Tokens, _) => "tokens".to_string(),
        (FlowLabel::State, Lang::En) => "state".to_string(),
        (FlowLabel::State, Lang::Es) => "estado".to_string(),
        (FlowLabel::Layer(n), Lang::En) => format!("layer {n}"),
        (FlowLabel::Layer(n), Lang::Es) => format!("capa {n}"),
        (FlowLabel::Level(n), Lang::En) => format!("level {n}"),
        (FlowLabel::Level(n), Lang::Es) => format!("nivel {n}"),
        (FlowLabel::Start, Lang::En) => "step 0: only the tokens".to_string(),
        (FlowLabel::Start, Lang::Es) => "paso 0: solo los tokens".to_string(),
        (FlowLabel::ConvLayer { layer, dilation }, Lang::En) => {
            format!("layer {layer} (dilation {dilation})")
        }
        (FlowLabel::ConvLayer { layer, dilation }, Lang::Es) => {
            format!("capa {layer} (dilatación {dilation})")
        }
        (FlowLabel::AttentionLayer(n), Lang::En) => format!("layer {n}: all positions at once"),
        (FlowLabel::AttentionLayer(n), Lang::Es) => {
            format!("capa {n}: todas las posiciones a la vez")
        }
        (FlowLabel::Token(n), _) => format!("token {n}"),
        (FlowLabel::ScanLevel { level, offset }, Lang::En) => {
            format!("level {level}: combine with the prefix {offset} back")
        }
        (FlowLabel::ScanLevel { level, offset }, Lang::Es) => {
            format!("nivel {level}: se combina con el prefijo {offset} posiciones atrás")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_tags_choose_spanish_only_for_es() {
        assert_eq!(Lang::from_tag("es"), Lang::Es);
        assert_eq!(Lang::from_tag("es-AR"), Lang::Es);
        assert_eq!(Lang::from_tag("ES-es"), Lang::Es);
        assert_eq!(Lang::from_tag("en-US"), Lang::En);
        assert_eq!(Lang::from_tag(""), Lang::En);
        assert_eq!(Lang::from_tag("et"), Lang::En);
    }

    #[test]
    fn flow_labels_read_as_before_in_english_and_in_spanish() {
        use crate::core::flow::{chain_diagram, cnn_diagram, scan_diagram, FlowLabel};
        assert_eq!(
            flow_label(
                FlowLabel::ConvLayer {
                    layer: 2,
                    dilation: 4
                },
                Lang::En
            ),
            "layer 2 (dilation 4)"
        );
        assert_eq!(
            flow_label(
                FlowLabel::ConvLayer {
                    layer: 2,
                    dilation: 4
                },
                Lang::Es
            ),
            "capa 2 (dilatación 4)"
        );
        assert_eq!(
            flow_label(
                FlowLabel::ScanLevel {
                    level: 3,
                    offset: 4
                },
                Lang::Es
            ),
            "nivel 3: se combina con el prefijo 4 posiciones atrás"
        );
        // Every label a diagram carries has its own Spanish form, except the words the two
        // languages share ("tokens", "token 3").
        let diagrams = [
            cnn_diagram(5, 3, &[1, 2]),
            chain_diagram(4),
            scan_diagram(8),
        ];
        for diagram in &diagrams {
            let labels = diagram
                .rows
                .iter()
                .chain(diagram.steps.iter().map(|s| &s.label));
            for &label in labels {
                let shared = matches!(label, FlowLabel::Tokens | FlowLabel::Token(_));
                let (en, es) = (flow_label(label, Lang::En), flow_label(label, Lang::Es));
                assert!(shared || en != es, "no Spanish for {label:?}");
            }
        }
    }

    #[test]
    fn every_core_error_is_worded_in_both_languages() {
        use crate::core::error::{CoreError, Mismatch};
        let errors = [
            CoreError::EmptyInput,
            CoreError::NonFinite { what: "x" },
            CoreError::OutOfRange {
                param: "delta",
                value: 20.0,
                min: 0.001,
                max: 10.0,
            },
            CoreError::HeadsDoNotDivide {
                heads: 3,
                d_model: 8,
            },
            CoreError::OddStates { states: 7 },
            CoreError::DegenerateWeights {
                spectral_radius: 0.0,
            },
            CoreError::TimeOutOfRange { t: 9, len: 4 },
            CoreError::Mismatch(Mismatch::Weights),
        ];
        for e in &errors {
            let (en, es) = (core_error_in(e, Lang::En), core_error_in(e, Lang::Es));
            assert!(!en.is_empty() && en != es, "{e:?}: {en} / {es}");
        }
        assert_eq!(
            core_error_in(&errors[2], Lang::Es),
            "el paso Δ = 20 está fuera de su rango [0.001, 10]"
        );
        assert_eq!(param_name("an unknown id", Lang::Es), "an unknown id");
    }

    #[test]
    fn a_text_answers_in_each_language() {
        let text = tr("layers", "capas");
        assert_eq!(text.get(Lang::En), "layers");
        assert_eq!(text.get(Lang::Es), "capas");
        assert_eq!(Tr::same("Δ").get(Lang::Es), "Δ");
    }
}
