//! The Scan view's words about the computation: the caption of the level shown and the
//! arithmetic of one node, in both languages (the core returns the numbers and phases).

use crate::core::scan::{Affine, Phase};
use crate::core::scan_view::{phase_caption, span_label, Picture};
use crate::ui::i18n::Lang;
use crate::ui::widgets::format::display_number;

/// The sentence above the level diagram: what the level shown does.
pub fn scan_caption(p: &Picture, lang: Lang) -> String {
    let mut caption = p.phase.map_or_else(
        || {
            lang.pick(
                "the inputs (a_t, b_t): press ▶| to run the first level",
                "las entradas (a_t, b_t): pulsa ▶| para ejecutar el primer nivel",
            )
            .to_string()
        },
        |phase| phase_text(phase, lang),
    );
    if p.moves.iter().any(|m| m.from.is_none()) {
        caption.push_str(lang.pick(
            " — first the root is cleared to the identity (1, 0)",
            " — primero se vacía la raíz con la identidad (1, 0)",
        ));
    }
    caption
}

/// A factor inside a product: negative numbers in parentheses.
fn factor(v: f32) -> String {
    if v < 0.0 {
        format!("({})", display_number(v))
    } else {
        display_number(v)
    }
}

pub fn pair_text(p: Affine<f32>) -> String {
    format!("({}, {})", display_number(p.a), display_number(p.b))
}

/// A scan level's caption in `lang` (the core words it in English; the same cases here).
pub fn phase_text(phase: Phase, lang: Lang) -> String {
    match lang {
        Lang::En => phase_caption(phase),
        Lang::Es => match phase {
            Phase::Sequential => {
                "secuencial: una combinación, esperando a la anterior".to_string()
            }
            Phase::HillisSteele { offset } => format!(
                "Hillis–Steele, desplazamiento {offset}: cada nodo i ≥ {offset} toma nodo i−{offset} ∘ nodo i"
            ),
            Phase::UpSweep { stride } => format!(
                "Blelloch, barrido ascendente, paso {stride}: los pares se reducen en el nodo derecho"
            ),
            Phase::DownSweep { stride } => format!(
                "Blelloch, barrido descendente, paso {stride}: izquierdo ← padre (discontinua), derecho ← padre ∘ izquierdo anterior"
            ),
            Phase::Local { step } => format!(
                "por bloques, paso local {step}: cada bloque extiende a la vez su propio prefijo"
            ),
            Phase::Carry { block } => format!(
                "por bloques, acarreo al bloque {block}: cada nodo del bloque toma el final del bloque {} ∘ nodo",
                block - 1
            ),
        },
    }
}

/// The arithmetic of node `i` of the "before" row or of the "after" row (`after`).
pub fn node_tip(p: &Picture, after: bool, i: usize, lang: Lang) -> String {
    let row = if after { &p.after } else { &p.before };
    let Some(nv) = row.get(i) else {
        return String::new();
    };
    if !after {
        let (span, pair) = (span_label(nv.span, nv.padding), pair_text(nv.value));
        let tail = match nv.span {
            Some(s) if s.first == 0 && !nv.padding => {
                let (last, b) = (s.last, display_number(nv.value.b));
                match lang {
                    Lang::En => format!(" — a prefix from step 0, so h_{last} = b = {b}"),
                    Lang::Es => {
                        format!(" — un prefijo desde el paso 0, así que h_{last} = b = {b}")
                    }
                }
            }
            None => lang
                .pick(
                    " — the identity (1, 0): do nothing",
                    " — la identidad (1, 0): no hace nada",
                )
                .to_string(),
            _ => String::new(),
        };
        return format!("{} {i}: {span} = {pair}{tail}", lang.pick("node", "nodo"));
    }
    let operand = |node: usize| p.before.get(node).map_or(Affine::identity(), |v| v.value);
    if let Some(c) = p.combines.iter().find(|c| c.dest == i) {
        let (e, l) = (operand(c.earlier.node), operand(c.later.node));
        return format!(
            "{} {i} ← {} ∘ {} = {} ∘ {} = ({}·{}, {}·{} + {}) = {}",
            lang.pick("node", "nodo"),
            span_label(c.earlier.span, false),
            span_label(c.later.span, false),
            pair_text(e),
            pair_text(l),
            factor(e.a),
            factor(l.a),
            factor(l.a),
            factor(e.b),
            display_number(l.b),
            pair_text(nv.value),
        );
    }
    match p.moves.iter().find(|m| m.to == i) {
        Some(m) => match m.from {
            Some(f) => {
                let pair = pair_text(nv.value);
                match lang {
                    Lang::En => format!("node {i} ← copy of node {f} = {pair} (no arithmetic)"),
                    Lang::Es => format!("nodo {i} ← copia del nodo {f} = {pair} (sin aritmética)"),
                }
            }
            None => match lang {
                Lang::En => format!("node {i} ← the identity (1, 0): the root is cleared"),
                Lang::Es => format!("nodo {i} ← la identidad (1, 0): se vacía la raíz"),
            },
        },
        None => {
            let pair = pair_text(nv.value);
            match lang {
                Lang::En => format!("node {i}: unchanged at this level, {pair}"),
                Lang::Es => format!("nodo {i}: sin cambios en este nivel, {pair}"),
            }
        }
    }
}
