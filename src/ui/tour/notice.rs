//! The "notice this" line of each chapter: words in both languages around numbers computed
//! live by `core::tour` from the chapter's own settings and the current sentence and seed.
//! Every number is rendered as `<strong data-testid="tour-number" data-key=… data-value=…>`,
//! so a test can compare it with the quantity it computes from the figure's own data.

use super::chapters::Chapter;
use super::live::{Demo, Settings};
use crate::core::fading::{memory_from, Reach};
use crate::core::learn::tasks::{Task, SELECTIVE_MARKED};
use crate::core::models::family::Family;
use crate::core::scan::Algorithm;
use crate::core::tour;
use crate::ui::i18n::Lang;
use crate::ui::views::ssm::discretization::system_named;

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

/// The line of `chapter` in `lang` for a sentence of `n` tokens, from the views' live
/// `settings` (see `tour::live`).
pub fn notice(chapter: &Chapter, n: usize, settings: &Settings, lang: Lang) -> Vec<Part> {
    let l = Line::new(lang);
    match chapter.id {
        "cnn" => {
            let (layers, kernel, dilated) = settings.cnn;
            let window = tour::cnn_window(layers, kernel, dilated, n);
            let rule = if dilated {
                lang.pick(
                    "(k − 1)(2^L − 1) + 1 with dilations 1, 2, 4…",
                    "(k − 1)(2^L − 1) + 1 con dilataciones 1, 2, 4…",
                )
                .to_string()
            } else {
                format!("{layers} × ({kernel} − 1) + 1")
            };
            let line = l.text("the last output sees ", "la última salida ve ").num(
                "window",
                window as f64,
                0,
            );
            if window < n {
                line.text(
                    &format!(" tokens: {rule}, and nothing before them."),
                    &format!(" tokens: {rule}, y nada anterior."),
                )
                .parts
            } else {
                line.text(
                    &format!(" tokens — the whole sentence: its window, {rule}, is as long as the sentence or longer."),
                    &format!(" tokens, la frase entera: su ventana, {rule}, ya es tan larga como la frase o más."),
                )
                .parts
            }
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
        "rnn-fading" => rnn_half(l, settings.rnn_row.as_deref()),
        "linear-rnn" => {
            let r = settings.r;
            let shown_r = format(r, 2, lang);
            match tour::halving_distance(r) {
                Some(half) => l
                    .text(
                        &format!("with r = {shown_r} the influence halves every "),
                        &format!("con r = {shown_r} la influencia se reduce a la mitad cada "),
                    )
                    .num("half", half, 1)
                    .text(
                        " tokens (ln ½ / ln r), near or far.",
                        " tokens (ln ½ / ln r), cerca o lejos.",
                    )
                    .parts,
                None => l
                    .text(
                        &format!("with r = {shown_r} the influence never halves: r^k does not fall. The decay is "),
                        &format!("con r = {shown_r} la influencia nunca se reduce a la mitad: r^k no baja. El decaimiento es "),
                    )
                    .num("r", r, 2)
                    .text(".", ".")
                    .parts,
            }
        }
        "scan" => scan(l, settings.scan_n),
        "ssm" => ssm(l, &settings.ssm_system, settings.ssm_delta),
        "selection" => selection(l, &settings.demo),
        "learn" => learn(l, settings.learn),
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

/// The RNN's half-life on Fading's selected output, read as the view's memory table reads it:
/// ½ of the maximum over distances ≥ 1 (distance 0, the token's own path, left out).
fn rnn_half(l: Line, row: Option<&[f32]>) -> Vec<Part> {
    let Some(row) = row else {
        return l
            .text(
                "the RNN’s influence curve is being computed…",
                "se está calculando la curva de influencia de la RNN…",
            )
            .parts;
    };
    match memory_from(row, 1).half {
        Reach::Within(k) => l
            .text(
                "from the other tokens (distances ≥ 1; the token itself, at distance 0, left out), the RNN’s influence on the output falls to half of its largest value within ",
                "desde los demás tokens (distancias ≥ 1; el propio token, a distancia 0, queda fuera), la influencia de la RNN sobre la salida cae a la mitad de su valor máximo en ",
            )
            .num("half", f64::from(k), 1)
            .text(
                " tokens — the memory table’s “remembers ≈”.",
                " tokens: el «recuerda ≈» de la tabla de memoria.",
            )
            .parts,
        Reach::Beyond(k) => l
            .text(
                "from the other tokens (distances ≥ 1), the RNN’s influence is still above half of its largest value at the first token, ",
                "desde los demás tokens (distancias ≥ 1), la influencia de la RNN sigue por encima de la mitad de su máximo en el primer token, a ",
            )
            .num("half", k as f64, 0)
            .text(" tokens back.", " tokens.")
            .parts,
        Reach::Undefined => l
            .text(
                "the RNN’s influence has no half-life here (a single token, or overflow): ",
                "aquí la influencia de la RNN no tiene vida media (un solo token, o se desborda): ",
            )
            .num("tokens", row.len() as f64, 0)
            .text(" token(s).", " token(s).")
            .parts,
    }
}

/// Work and depth of the three scans over the Scan view's `size` elements.
fn scan(l: Line, size: usize) -> Vec<Part> {
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

/// |Ā| under zero-order hold and Euler at the SSM view's step `delta`.
fn ssm(l: Line, system: &str, delta: f64) -> Vec<Part> {
    let s = tour::discretization_stability(&system_named(system), delta);
    let cmp = |g: f64| if g < 1.0 { " < 1" } else { " ≥ 1" };
    let shown = format(delta, 2, l.lang);
    l.text(
        &format!("at Δ = {shown} the zero-order hold gives |Ā| = "),
        &format!("con Δ = {shown} el retenedor de orden cero da |Ā| = "),
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

/// The selectivity demo's Δ of a marked and an unmarked token, and how many times more the
/// marked token reaches the output through Mamba than through S4D — read from the demo's
/// own data (its bars and its two curves).
fn selection(l: Line, demo: &Demo) -> Vec<Part> {
    let lang = l.lang;
    let first = |marked: bool| {
        demo.marked
            .iter()
            .zip(&demo.delta)
            .find(|(m, _)| **m == marked)
            .map(|(_, d)| f64::from(*d))
    };
    let (Some(large), Some(small)) = (first(true), first(false)) else {
        return l
            .text(
                "no token is marked: every token gets the same Δ, so Mamba cannot choose. Marked tokens: ",
                "no hay ningún token marcado: todos reciben el mismo Δ y Mamba no puede elegir. Tokens marcados: ",
            )
            .num("marked", 0.0, 0)
            .text(".", ".")
            .parts;
    };
    let base = format(demo.delta0, 2, lang);
    let l = l
        .text("the marked token gets Δ = ", "el token marcado recibe Δ = ")
        .num("large", large, 2)
        .text(", every other token Δ = ", ", todos los demás Δ = ")
        .num("small", small, 4)
        .text(
            &format!(" (S4D: Δ₀ = {base} for all)"),
            &format!(" (S4D: Δ₀ = {base} para todos)"),
        );
    // The first marked token at or before the output, read at its distance.
    let marked = demo.marked.iter().take(demo.i + 1).position(|m| *m);
    let ratio = match (marked, &demo.s4d, &demo.mamba) {
        (Some(t), Some(s4d), Some(mamba)) => {
            let k = demo.i - t;
            match (s4d.get(k), mamba.get(k)) {
                (Some(&s), Some(&m)) if s > 0.0 && s.is_finite() && m.is_finite() => {
                    Some((f64::from(m) / f64::from(s), t))
                }
                _ => None,
            }
        }
        _ => None,
    };
    match ratio {
        Some((ratio, t)) => {
            l.text(
                &format!("; at output {}, Mamba keeps token {t} ", demo.i),
                &format!("; en la salida {}, Mamba conserva el token {t} ", demo.i),
            )
            .num("ratio", ratio, if ratio < 10.0 { 2 } else { 0 })
            .text(" times as strongly as S4D.", " veces más que S4D.")
            .parts
        }
        None => l.text(".", ".").parts,
    }
}

/// Length of one Learn example and, for selective copying, its parts and the chance score.
fn learn(l: Line, learn: Option<(Task, usize)>) -> Vec<Part> {
    let (task, knob) = learn.unwrap_or((Task::SelectiveCopy, 16));
    let (len, chance) = tour::learn_example(task, knob);
    let l = l
        .text("each example is ", "cada ejemplo mide ")
        .num("length", len as f64, 0);
    if task != Task::SelectiveCopy {
        return l.text(" tokens long.", " tokens.").parts;
    }
    l.text(
        &format!(" tokens long ({SELECTIVE_MARKED} marked symbols among {knob} noise tokens and a separator); guessing scores "),
        &format!(" tokens ({SELECTIVE_MARKED} símbolos marcados entre {knob} de ruido y un separador); adivinando se acierta el "),
    )
    .num("chance", 100.0 * chance, 1)
    .text(" %.", " %.")
    .parts
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

    fn numbers(parts: &[Part]) -> Vec<(&'static str, f64)> {
        parts
            .iter()
            .filter_map(|p| match p {
                Part::Number { key, value, .. } => Some((*key, *value)),
                Part::Text(_) => None,
            })
            .collect()
    }

    /// Settings as the chapters open them (independent numbers written here).
    fn opened() -> Settings {
        // The RNN row: a spike at distance 0 (the skip path), then 0.8^k from k = 1.
        let rnn: Vec<f32> = (0..12)
            .map(|k| if k == 0 { 5.0 } else { 0.8f32.powi(k) })
            .collect();
        Settings {
            cnn: (3, 3, false),
            rnn_row: Some(rnn),
            r: 0.9,
            scan_n: 16,
            ssm_delta: 0.8,
            ssm_system: "real".to_string(),
            demo: Demo {
                delta0: 1.0,
                delta: vec![0.05, 20.0, 0.05, 0.05],
                marked: vec![false, true, false, false],
                i: 3,
                s4d: Some(vec![1.0, 0.5, 0.25, 0.125]),
                mamba: Some(vec![1.0, 0.5, 1.0, 0.01]),
            },
            learn: Some((Task::SelectiveCopy, 16)),
        }
    }

    #[test]
    fn every_chapter_has_a_line_with_a_number_in_both_languages() {
        for chapter in CHAPTERS {
            for lang in [Lang::En, Lang::Es] {
                let parts = notice(chapter, 12, &opened(), lang);
                assert!(
                    numbers(&parts).iter().any(|(_, v)| v.is_finite()),
                    "{}: {parts:?}",
                    chapter.id
                );
            }
        }
    }

    fn chapter(id: &str) -> &'static Chapter {
        CHAPTERS.iter().find(|c| c.id == id).unwrap()
    }

    #[test]
    fn the_rnn_half_life_leaves_out_distance_zero() {
        // Over k ≥ 1 the maximum is 0.8 (k = 1); half of it at 1 + ln ½ / ln 0.8 = 4.106.
        // With the spike at k = 0 counted, the curve would fall below half already at k < 1.
        let parts = notice(chapter("rnn-fading"), 12, &opened(), Lang::En);
        let half = numbers(&parts)[0].1;
        assert!(
            (half - (1.0 + 0.5f64.ln() / 0.8f64.ln())).abs() < 1e-4,
            "{half}"
        );
    }

    #[test]
    fn the_selection_line_reads_the_demo_data() {
        // Marked token 1, output 3: distance 2, Mamba 1.0 against S4D 0.25 → 4 times.
        let got = numbers(&notice(chapter("selection"), 4, &opened(), Lang::En));
        assert_eq!(
            got,
            vec![
                ("large", 20.0),
                ("small", 0.05000000074505806),
                ("ratio", 4.0)
            ]
        );
        let mut none = opened();
        none.demo.marked = vec![false; 4];
        assert_eq!(
            numbers(&notice(chapter("selection"), 4, &none, Lang::Es)),
            vec![("marked", 0.0)]
        );
    }

    #[test]
    fn a_window_longer_than_the_sentence_is_the_whole_sentence() {
        let parts = notice(chapter("cnn"), 5, &opened(), Lang::En);
        assert_eq!(numbers(&parts), vec![("window", 5.0)]);
    }
}
