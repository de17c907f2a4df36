//! The words of Flow's captions, in both languages. Each sentence that states a fact about
//! the computation has a test in `claims.rs` (listed in `docs/claims.md`, "## Flow").

use crate::ui::i18n::{tr, Tr};
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
