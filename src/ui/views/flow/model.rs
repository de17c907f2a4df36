//! What a pane computes from a run: its diagram and the vector the state inspector shows.

use ndarray::Array2;

use crate::core::flow::{self, FlowDiagram, FlowMode, StepUnit};
use crate::core::models::family::{ModelConfig, ModelParams, ModelRun};
use crate::ui::i18n::Lang;

/// The diagram of a run: layers for CNN and transformer, a chain or a scan for recurrences.
pub fn diagram_of(
    run: &ModelRun,
    params: &ModelParams,
    mode: FlowMode,
    head: Option<usize>,
) -> FlowDiagram {
    let len = run.outputs().nrows();
    let recurrence = match mode {
        FlowMode::Sequential => flow::chain_diagram(len),
        FlowMode::Scan => flow::scan_diagram(len),
    };
    match (run, mode) {
        (ModelRun::Cnn(r), _) => {
            // Kernel size from the trace is not stored; recover it from the receptive fields.
            let kernel = kernel_from_fields(&r.trace.receptive_fields, &r.trace.dilations);
            flow::cnn_diagram(len, kernel, &r.trace.dilations)
        }
        (ModelRun::Transformer(r), _) => flow::transformer_diagram(&r.trace.attention, head),
        (ModelRun::Rnn(_), _) => flow::chain_diagram(len),
        // Mamba's recurrence reads a causal conv of the tokens: its direct edges are drawn.
        (ModelRun::Mamba(_), _) => match params {
            ModelParams::Mamba(p) => flow::with_conv_edges(recurrence, p.config.d_conv),
            _ => recurrence,
        },
        _ => recurrence,
    }
}

/// The configuration of these weights (a trained model's own, not the knobs').
pub fn config_of(params: &ModelParams) -> ModelConfig {
    match params {
        ModelParams::Cnn(p) => ModelConfig::Cnn(p.config.clone()),
        ModelParams::Transformer(p) => ModelConfig::Transformer(p.config.clone()),
        ModelParams::Rnn(p) => ModelConfig::Rnn(p.config.clone()),
        ModelParams::LinearRnn(p) => ModelConfig::LinearRnn(p.config.clone()),
        ModelParams::S4d(p) => ModelConfig::S4d(p.config.clone()),
        ModelParams::Mamba(p) => ModelConfig::Mamba(p.config.clone()),
    }
}

/// What one step of the diagram is, and the depth of the same computation in the Cost view's
/// convention (levels of pairwise combines), on `len` tokens.
pub fn depth_of(params: &ModelParams, len: usize, mode: FlowMode) -> (StepUnit, u64) {
    let config = config_of(params);
    (
        flow::step_unit(&config, mode),
        flow::combine_depth(&config, len, mode),
    )
}

/// The kernel size k from the first layer: RF₁ = 1 + (k − 1)·dil₁.
fn kernel_from_fields(fields: &[usize], dilations: &[usize]) -> usize {
    match (fields.first(), dilations.first()) {
        (Some(&rf), Some(&dil)) if dil > 0 => 1 + (rf - 1) / dil,
        _ => 1,
    }
}

/// The vector shown by the state inspector after `step` steps, with its caption.
pub fn inspected(
    run: &ModelRun,
    diagram: &FlowDiagram,
    step: usize,
    position: usize,
    lang: Lang,
) -> (String, Vec<f32>) {
    let len = diagram.len;
    let step = step.min(diagram.steps.len());
    if step == 0 || len == 0 {
        return (
            lang.pick(
                "Step 0: only the token embeddings exist.",
                "Paso 0: solo existen los embeddings de los tokens.",
            )
            .to_string(),
            Vec::new(),
        );
    }
    let chain_t = (step - 1).min(len - 1);
    let layered = |label: &str, m: &Array2<f32>| {
        (
            match lang {
                Lang::En => format!("{label} at position {position}"),
                Lang::Es => format!("{label} en la posición {position}"),
            },
            m.row(position.min(len - 1)).to_vec(),
        )
    };
    match run {
        ModelRun::Cnn(r) => layered(
            &lang.pick(
                format!("activations after layer {step}"),
                format!("activaciones tras la capa {step}"),
            ),
            &r.trace.activations[step.min(r.trace.activations.len() - 1)],
        ),
        ModelRun::Transformer(r) => layered(
            &lang.pick(
                format!("residual stream after layer {step}"),
                format!("flujo residual tras la capa {step}"),
            ),
            &r.trace.residual[step.min(r.trace.residual.len() - 1)],
        ),
        _ if diagram.rows.len() > 2 => {
            let span = 1usize << step.min(20);
            let first = (position + 1).saturating_sub(span);
            let caption = match lang {
                Lang::En => format!("after scan level {step}, position {position} holds the combined step of tokens {first}..{position}"),
                Lang::Es => format!("tras el nivel {step} del scan, la posición {position} guarda el paso combinado de los tokens {first}..{position}"),
            };
            (caption, Vec::new())
        }
        ModelRun::Rnn(r) => (
            lang.pick(
                format!("hidden state h_{chain_t} (tanh units)"),
                format!("estado oculto h_{chain_t} (unidades tanh)"),
            ),
            r.trace.hidden.row(chain_t).to_vec(),
        ),
        ModelRun::LinearRnn(r) => {
            let (re, im) = (r.trace.h_re.row(chain_t), r.trace.h_im.row(chain_t));
            (
                lang.pick(
                    format!("|h_{chain_t}| per complex state"),
                    format!("|h_{chain_t}| por estado complejo"),
                ),
                re.iter().zip(im).map(|(a, b)| a.hypot(*b)).collect(),
            )
        }
        ModelRun::S4d(r) => (
            lang.pick(
                format!("SSM output s_{chain_t} per channel"),
                format!("salida del SSM s_{chain_t} por canal"),
            ),
            r.trace.ssm_out.row(chain_t).to_vec(),
        ),
        ModelRun::Mamba(r) => (
            lang.pick(
                format!("Δ_{chain_t} per channel (large: overwrite, small: keep)"),
                format!("Δ_{chain_t} por canal (grande: sobrescribe, pequeño: conserva)"),
            ),
            r.trace.delta.row(chain_t).to_vec(),
        ),
    }
}
