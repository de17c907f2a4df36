//! The words of Flow's captions, in both languages. Each sentence that states a fact about
//! the computation has a test in `claims.rs` (listed in `docs/claims.md`, "## Flow").

use crate::core::flow::StepUnit;
use crate::ui::i18n::{tr, Lang, Tr};
use crate::ui::influence::InfluenceKind;

/// The view's intro.
pub const INTRO: Tr = tr(
    "Tokens sit on the bottom row; each row above is what one sequential step computes. \
     Step through: a CNN widens its window layer by layer, a transformer links every earlier token in one step, \
     an RNN passes a state along the chain one token at a time, and a linear recurrence can be combined by a parallel scan in ⌈log₂ L⌉ steps. \
     Click a token to follow its information (orange nodes); the heat map is the exact influence of every input on every output.",
    "Los tokens están en la fila de abajo; cada fila de encima es lo que calcula un paso secuencial. \
     Avanza paso a paso: una CNN ensancha su ventana capa a capa, un transformer conecta todos los tokens anteriores en un solo paso, \
     una RNN pasa un estado a lo largo de la cadena, token a token, y una recurrencia lineal puede combinarse con un scan paralelo en ⌈log₂ L⌉ pasos. \
     Haz clic en un token para seguir su información (nodos naranjas); el mapa de calor es la influencia exacta de cada entrada sobre cada salida.",
);

/// What a step counts, against the Cost view's depth convention.
pub const STEPS_NOTE: Tr = tr(
    "A step is one row of the diagram: a layer (CNN, transformer), a token (a recurrence stepped in time) or a level of the parallel scan. \
     The Cost view counts depth in levels of pairwise combines instead, where combining m positions takes ⌈log₂ m⌉ levels: \
     a CNN layer summing k taps is ⌈log₂ k⌉ levels, an attention layer weighing L keys ⌈log₂ L⌉, a scan level one, and Mamba's width-k conv adds ⌈log₂ k⌉.",
    "Un paso es una fila del diagrama: una capa (CNN, transformer), un token (una recurrencia paso a paso en el tiempo) o un nivel del scan paralelo. \
     La vista Coste cuenta la profundidad en niveles de combinaciones por pares, donde combinar m posiciones lleva ⌈log₂ m⌉ niveles: \
     una capa de CNN con un núcleo de k coeficientes suma k términos en ⌈log₂ k⌉ niveles, una capa de atención que pondera L claves, en ⌈log₂ L⌉; un nivel del scan es uno, y la convolución de ancho k de Mamba añade ⌈log₂ k⌉.",
);

/// "CNN needs 3 sequential steps, one per layer (6 levels …)": one model's part of the steps line.
pub fn steps_phrase(name: &str, steps: usize, unit: StepUnit, depth: u64, lang: Lang) -> String {
    let per = match (unit, lang) {
        (StepUnit::Layer, Lang::En) => "layer",
        (StepUnit::Layer, Lang::Es) => "uno por capa",
        (StepUnit::Token, Lang::En) => "token",
        (StepUnit::Token, Lang::Es) => "uno por token",
        (StepUnit::ScanLevel, Lang::En) => "scan level",
        (StepUnit::ScanLevel, Lang::Es) => "uno por nivel del scan",
    };
    match lang {
        Lang::En => format!(
            "{name} needs {steps} sequential steps, one per {per} ({depth} levels of pairwise combines in the Cost view's depth)"
        ),
        Lang::Es => format!(
            "{name} necesita {steps} pasos secuenciales, {per} ({depth} niveles de combinaciones por pares en la profundidad de la vista Coste)"
        ),
    }
}

/// How to read the heat map, by what it shows.
pub fn heat_caption(kind: InfluenceKind) -> Tr {
    match kind {
        InfluenceKind::Full => tr(
            "How to read this: influence ‖∂yᵢ/∂xⱼ‖ (the exact Jacobian norm), row i = output, column j = input; click a cell or press Enter on it to follow input j.",
            "Cómo leerlo: influencia ‖∂yᵢ/∂xⱼ‖ (la norma exacta del jacobiano), fila i = salida, columna j = entrada; haz clic en una celda o pulsa Intro sobre ella para seguir la entrada j.",
        ),
        InfluenceKind::Hidden => tr(
            "Mamba's hidden attention as published (Ali, Zimerman & Wolf 2024): α[i, j] = Cᵢ·(∏ₖ₌ⱼ₊₁..ᵢ Āₖ)·B̄ⱼ per channel, shown as its norm over channels. \
             It is ∂(C·h)ᵢ/∂uⱼ: the SSM's scan output with respect to its input u (after the conv), with Δ, B, C frozen at their values, before the gate and out_proj, without the D·u skip. \
             The full influence ‖∂yᵢ/∂xⱼ‖ is the other choice of the menu.",
            "La atención oculta de Mamba tal como se publicó (Ali, Zimerman y Wolf, 2024): α[i, j] = Cᵢ·(∏ₖ₌ⱼ₊₁..ᵢ Āₖ)·B̄ⱼ por canal, mostrada como su norma sobre los canales. \
             Es ∂(C·h)ᵢ/∂uⱼ: la salida del scan del SSM respecto a su entrada u (tras la convolución), con Δ, B, C fijos en sus valores, antes de la compuerta y de out_proj, sin el salto D·u. \
             La influencia completa ‖∂yᵢ/∂xⱼ‖ es la otra opción del menú.",
        ),
    }
}

/// Shown instead of the figures when there is nothing to run.
pub const EMPTY: Tr = tr(
    "No tokens: type a sentence above (at least one word) and the diagram and the heat map appear here.",
    "No hay tokens: escribe una frase arriba (al menos una palabra) y aquí aparecerán el diagrama y el mapa de calor.",
);
