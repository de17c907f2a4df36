//! The "notice this" line of each chapter: words in both languages around numbers computed
//! live by `core::tour` from the chapter's own settings and the current sentence and seed.
//! Every number is rendered as `<strong data-testid="tour-number" data-key=… data-value=…>`,
//! so a test can compare it with the quantity it computes from the figure's own data.

use ndarray::ArrayView2;

use super::chapters::Chapter;
use crate::core::fading::Reach;
use crate::core::learn::tasks::{Task, SELECTIVE_MARKED};
use crate::core::models::family::Family;
use crate::core::models::s4d;
use crate::core::scan::Algorithm;
use crate::core::tour;
use crate::ui::i18n::Lang;

/// A piece of the line: words, or a live number.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Text(String),
    Number {
        key: &'static str,
        value: f64,
        shown: String,
    },
}

/// What the numbers are computed from besides the chapter: the sentence's embeddings and seed.
pub struct Live<'a> {
    pub x: ArrayView2<'a, f32>,
    pub seed: u64,
}

/// `value` with `decimals` decimals, a decimal comma in Spanish, and thin-space thousands.
pub fn format(value: f64, decimals: usize, lang: Lang) -> String {
    let text = format!("{value:.decimals$}");
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text, None),
    };
    let (sign, digits) = match int.strip_prefix('-') {
        Some(d) => ("-", d.to_string()),
        None => ("", int),
    };
    let grouped = if digits.len() > 4 {
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push('\u{202F}');
            }
            out.push(c);
        }
        out
    } else {
        digits
    };
    let mark = lang.pick(".", ",");
    match frac {
        Some(f) => format!("{sign}{grouped}{mark}{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Builds a line from words and numbers.
struct Line {
    lang: Lang,
    parts: Vec<Part>,
}

impl Line {
    fn new(lang: Lang) -> Self {
        Line {
            lang,
            parts: Vec::new(),
        }
    }

    fn text(mut self, en: &str, es: &str) -> Self {
        self.parts
            .push(Part::Text(self.lang.pick(en, es).to_string()));
        self
    }

    fn num(mut self, key: &'static str, value: f64, decimals: usize) -> Self {
        let shown = format(value, decimals, self.lang);
        self.parts.push(Part::Number { key, value, shown });
        self
    }
}

/// The line of `chapter` in `lang`.
pub fn notice(chapter: &Chapter, live: &Live, lang: Lang) -> Vec<Part> {
    let n = live.x.nrows();
    let l = Line::new(lang);
    let setting = |key: &str, default: f64| format(chapter.number(key, default), 1, lang);
    match chapter.id {
        "cnn" => {
            let (layers, kernel) = (
                chapter.number("flow.cnn.layers", 3.0),
                chapter.number("flow.cnn.kernel", 3.0),
            );
            let window = tour::cnn_window(layers as usize, kernel as usize, false, n);
            l.text("the last output sees ", "la última salida ve ")
                .num("window", window as f64, 0)
                .text(
                    &format!(
                        " tokens: {layers} layers × ({kernel} − 1) + 1, and nothing before them."
                    ),
                    &format!(" tokens: {layers} capas × ({kernel} − 1) + 1, y nada anterior."),
                )
                .parts
        }
        "transformer" => {
            l.text(
                "after a single layer the last token draws on all ",
                "tras una sola capa el último token recoge los ",
            )
            .num("reached", n as f64, 0)
            .text(" tokens, from ", " tokens, a partir de ")
            .num("scores", tour::causal_scores(n) as f64, 0)
            .text(
                " attention scores per head and layer (n(n + 1)/2).",
                " puntuaciones de atención por cabeza y capa (n(n + 1)/2).",
            )
            .parts
        }
        "rnn-chain" => {
            l.text("for these ", "con estos ")
                .num("tokens", n as f64, 0)
                .text(" tokens the RNN needs ", " tokens la RNN necesita ")
                .num("steps", tour::chain_steps(n) as f64, 0)
                .text(
                    " sequential steps, one per token.",
                    " pasos secuenciales, uno por token.",
                )
                .parts
        }
        "rnn-fading" => {
            let radius = chapter.number("fading.radius", 0.9) as f32;
            match tour::rnn_half_memory(live.x, live.seed, radius) {
                Ok(Reach::Within(k)) => l
                    .text(
                        "the RNN’s influence on the last output falls to half within ",
                        "la influencia de la RNN sobre la última salida cae a la mitad en ",
                    )
                    .num("half", f64::from(k), 1)
                    .text(" tokens.", " tokens.")
                    .parts,
                Ok(Reach::Beyond(k)) => l
                    .text(
                        "the RNN’s influence is still above half at the first token, ",
                        "la influencia de la RNN sigue por encima de la mitad en el primer token, a ",
                    )
                    .num("half", k as f64, 0)
                    .text(" tokens back.", " tokens.")
                    .parts,
                _ => l
                    .text(
                        "the RNN’s influence has no half-life here (no words, or overflow).",
                        "aquí la influencia de la RNN no tiene vida media (no hay palabras, o se desborda).",
                    )
                    .parts,
            }
        }
        "linear-rnn" => {
            let r = chapter.number("fading.r", 0.9);
            let half = tour::halving_distance(r).unwrap_or(f64::INFINITY);
            l.text(
                &format!(
                    "with r = {} the influence halves every ",
                    setting("fading.r", 0.9)
                ),
                &format!(
                    "con r = {} la influencia se reduce a la mitad cada ",
                    setting("fading.r", 0.9)
                ),
            )
            .num("half", half, 1)
            .text(
                " tokens (ln ½ / ln r), near or far.",
                " tokens (ln ½ / ln r), cerca o lejos.",
            )
            .parts
        }
        "scan" => {
            let size = chapter.number("scan.n", 16.0) as usize;
            let b = tour::scan_counts(Algorithm::Blelloch, size);
            let hs = tour::scan_counts(Algorithm::HillisSteele, size);
            let s = tour::scan_counts(Algorithm::Sequential, size);
            l.text(
                &format!("for n = {size}, Blelloch does "),
                &format!("con n = {size}, Blelloch hace "),
            )
            .num("blelloch-work", b.work as f64, 0)
            .text(" combines in ", " combinaciones en ")
            .num("blelloch-depth", b.depth as f64, 0)
            .text(" levels, Hillis–Steele ", " niveles, Hillis–Steele ")
            .num("hillis-steele-work", hs.work as f64, 0)
            .text(" in ", " en ")
            .num("hillis-steele-depth", hs.depth as f64, 0)
            .text(
                " levels, the plain loop ",
                " niveles y el bucle secuencial ",
            )
            .num("sequential-work", s.work as f64, 0)
            .text(" in ", " en ")
            .num("sequential-depth", s.depth as f64, 0)
            .text(".", ".")
            .parts
        }
        "ssm" => {
            let delta = chapter.number("ssm.delta", 0.3);
            let s = tour::discretization_stability(delta);
            let cmp = |g: f64| if g < 1.0 { " < 1" } else { " > 1" };
            l.text(
                &format!(
                    "at Δ = {} the zero-order hold gives |Ā| = ",
                    setting("ssm.delta", 0.3)
                ),
                &format!(
                    "con Δ = {} la retención de orden cero da |Ā| = ",
                    setting("ssm.delta", 0.3)
                ),
            )
            .num("zoh-gain", s.zoh_gain, 2)
            .text(cmp(s.zoh_gain), cmp(s.zoh_gain))
            .text(", Euler |Ā| = ", " y Euler |Ā| = ")
            .num("euler-gain", s.euler_gain, 2)
            .text(cmp(s.euler_gain), cmp(s.euler_gain))
            .text(
                ": Euler is stable only for Δ < ",
                ": Euler solo es estable para Δ < ",
            )
            .num("euler-threshold", s.euler_threshold, 2)
            .text(".", ".")
            .parts
        }
        "selection" => {
            let base = chapter.number("fading.delta", f64::from(s4d::Config::default().delta));
            let strength = chapter.number("fading.keep-strength", 3.0);
            let (large, small) = tour::selection_deltas(base as f32, strength as f32);
            let l = l
                .text("the marked token gets Δ = ", "el token marcado recibe Δ = ")
                .num("large", f64::from(large), 2)
                .text(", every other token Δ = ", ", todos los demás Δ = ")
                .num("small", f64::from(small), 4)
                .text(
                    &format!(" (S4D: Δ = {} for all)", format(base, 2, lang)),
                    &format!(" (S4D: Δ = {} para todos)", format(base, 2, lang)),
                );
            let marked = chapter
                .param("fading.marks")
                .and_then(|m| m.split(',').next()?.parse().ok())
                .unwrap_or(1usize);
            match tour::selection_ratio(live.x, live.seed, base as f32, strength as f32, marked) {
                Ok(Some(ratio)) => {
                    l.text(
                        "; at the last output, Mamba keeps the marked token ",
                        "; en la última salida, Mamba conserva el token marcado ",
                    )
                    .num("ratio", ratio, if ratio < 10.0 { 1 } else { 0 })
                    .text(" times more than S4D.", " veces más que S4D.")
                    .parts
                }
                _ => l.text(".", ".").parts,
            }
        }
        "learn" => {
            let knob = chapter.number("learn.learn-knob", 16.0) as usize;
            let (len, chance) = tour::learn_example(Task::SelectiveCopy, knob);
            l.text("each example is ", "cada ejemplo mide ")
                .num("length", len as f64, 0)
                .text(
                    &format!(" tokens long ({SELECTIVE_MARKED} marked symbols among {knob} noise tokens and a separator); guessing scores "),
                    &format!(" tokens ({SELECTIVE_MARKED} símbolos marcados entre {knob} de ruido y un separador); adivinando se acierta el "),
                )
                .num("chance", 100.0 * chance, 1)
                .text(" %.", " %.")
                .parts
        }
        "cost" => {
            let n = 4096;
            let t = tour::memory_per_token(Family::Transformer, n);
            let m = tour::memory_per_token(Family::Mamba, n);
            l.text(
                &format!("after {n} tokens a transformer keeps "),
                &format!("tras {n} tokens un transformer guarda "),
            )
            .num("transformer", t as f64, 0)
            .text(
                " numbers to generate the next one, Mamba ",
                " números para generar el siguiente y Mamba ",
            )
            .num("mamba", m as f64, 0)
            .text(": ", ": ")
            .num("ratio", t as f64 / m as f64, 0)
            .text(
                " times fewer, and the gap doubles every time n doubles.",
                " veces menos, y la diferencia se duplica cada vez que n se duplica.",
            )
            .parts
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::tour::chapters::CHAPTERS;

    #[test]
    fn numbers_are_written_for_each_language() {
        assert_eq!(format(6.5788, 1, Lang::En), "6.6");
        assert_eq!(format(6.5788, 1, Lang::Es), "6,6");
        assert_eq!(format(262144.0, 0, Lang::En), "262\u{202F}144");
        assert_eq!(format(4096.0, 0, Lang::Es), "4096");
    }

    #[test]
    fn every_chapter_has_a_line_with_a_number_in_both_languages() {
        let x = ndarray::Array2::from_shape_fn((12, 8), |(t, c)| ((t * 5 + c) as f32).cos());
        let live = Live {
            x: x.view(),
            seed: 42,
        };
        for chapter in CHAPTERS {
            for lang in [Lang::En, Lang::Es] {
                let parts = notice(chapter, &live, lang);
                assert!(
                    parts
                        .iter()
                        .any(|p| matches!(p, Part::Number { value, .. } if value.is_finite())),
                    "{}: {parts:?}",
                    chapter.id
                );
            }
        }
    }
}
