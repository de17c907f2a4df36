//! Flow view: how each model moves information between positions.
//!
//! The diagram is drawn from the model's real structure and trace (`core::flow`); the heat
//! map is the exact influence I[i, j] = ‖∂y_i/∂x_j‖_F, filled in progressively. Two models
//! can run side by side on the same sentence and the same step counter.

use leptos::prelude::*;
use ndarray::Array2;

use super::ViewEntry;
use crate::core::flow::{self, FlowDiagram, FlowMode};
use crate::core::models::family::{Family, ModelParams, ModelRun};
use crate::core::models::{linear_rnn, rnn};
use crate::core::tokens::MAX_TOKENS;
use crate::ui::i18n::{core_error, family_name, flow_label, lang, t, tr, Lang};
use crate::ui::influence::{self, InfluenceKind, InfluenceState};
use crate::ui::model_controls::{FamilySelect, ModelControls, ModelKnobs};
use crate::ui::state::{AppReady, Shared, SharedInput};
use crate::ui::trained::{ModelSource, TrainedBanner, TrainedModel, TrainedModels};
use crate::ui::url_state::url_state;
use crate::ui::widgets::flow_diagram::{DiagramFrame, FlowDiagramView};
use crate::ui::widgets::format::display_number;
use crate::ui::widgets::heatmap::Heatmap;
use crate::ui::widgets::player::Player;
use crate::ui::widgets::slider::Slider;

/// Registry entry of the Flow view.
pub const ENTRY: ViewEntry = ViewEntry {
    id: "flow",
    title: tr("Flow", "Flujo"),
    render: || view! { <FlowView/> }.into_any(),
};

/// Everything one pane computes, memoized on its inputs.
#[derive(Clone, Copy)]
struct PaneModel {
    knobs: ModelKnobs,
    mode: RwSignal<FlowMode>,
    head: RwSignal<Option<usize>>,
    kind: RwSignal<InfluenceKind>,
    run: Memo<Result<Shared<ModelRun>, String>>,
    diagram: Memo<Option<Shared<FlowDiagram>>>,
    /// Per-position strength of the selected token in the state row (RNN, linear RNN).
    state_influence: Memo<Option<Shared<Array2<f32>>>>,
    influence: RwSignal<InfluenceState>,
    /// Token labels of the input (the sentence, or a trained model's task example).
    labels: Memo<Vec<String>>,
    /// Whether the pane shows a model trained in the Learn view.
    is_trained: Memo<bool>,
}

impl PaneModel {
    fn new(
        family: Family,
        input: SharedInput,
        active: Signal<bool>,
        trained: Option<RwSignal<Option<TrainedModel>>>,
    ) -> Self {
        let knobs = ModelKnobs::new(family);
        // Learn view hook: a trained model replaces the random weights and the sentence.
        let source = ModelSource::new(input, trained);
        let (x_source, labels) = (source.x, source.labels);
        let is_trained = Memo::new(move |_| source.is_trained());
        Effect::new(move |_| {
            if let Some(t) = source.trained.get() {
                knobs.family.set(t.params.family());
            }
        });
        let mode = RwSignal::new(FlowMode::Sequential);
        let head = RwSignal::new(None);
        let kind = RwSignal::new(InfluenceKind::Full);
        let config = Memo::new(move |_| knobs.config(input.d_model.get()));
        let params = source.params(move || {
            let (d_model, seed) = (input.d_model.get(), input.seed.get());
            config
                .with(|c| c.init(d_model, seed))
                .map(Shared::new)
                .map_err(|e| core_error(&e))
        });
        let run = Memo::new(move |_| {
            let params = params.get()?;
            x_source.with(|x| {
                if x.0.nrows() == 0 {
                    return Err(lang()
                        .pick(
                            "Type a sentence to run the model.",
                            "Escribe una frase para ejecutar el modelo.",
                        )
                        .to_string());
                }
                params
                    .run(x.0.view())
                    .map(Shared::new)
                    .map_err(|e| core_error(&e))
            })
        });
        let diagram = Memo::new(move |_| {
            let run = run.get().ok()?;
            let mode = mode.get();
            let head = head.get();
            Some(Shared::new(diagram_of(&run, mode, head)))
        });
        let state_influence = Memo::new(move |_| {
            let params = params.get().ok()?;
            x_source
                .with(|x| {
                    let x = x.0.view();
                    match &*params {
                        ModelParams::Rnn(p) => rnn::state_influence(p, x).ok(),
                        ModelParams::LinearRnn(p) => linear_rnn::state_influence(p, x).ok(),
                        _ => None,
                    }
                })
                .map(Shared::new)
        });
        let influence = RwSignal::new(InfluenceState::default());
        let generation = StoredValue::new(0u64);
        Effect::new(move |_| {
            let kind = kind.get();
            if !active.get() {
                return; // a hidden pane computes nothing
            }
            let Ok(params) = params.get() else {
                influence.set(InfluenceState::default());
                return;
            };
            let x = x_source.with(|x| Shared::new(x.0.clone()));
            if x.nrows() == 0 {
                influence.set(InfluenceState::default());
                return;
            }
            influence::start(params, x, kind, influence, generation);
        });
        PaneModel {
            knobs,
            mode,
            head,
            kind,
            run,
            diagram,
            state_influence,
            influence,
            labels,
            is_trained,
        }
    }

    /// Sequential steps of the current diagram.
    fn total_steps(&self) -> usize {
        self.diagram
            .with(|d| d.as_ref().map_or(0, |d| d.steps.len()))
    }
}

/// The diagram of a run: layers for CNN and transformer, a chain or a scan for recurrences.
fn diagram_of(run: &ModelRun, mode: FlowMode, head: Option<usize>) -> FlowDiagram {
    let len = run.outputs().nrows();
    match (run, mode) {
        (ModelRun::Cnn(r), _) => {
            // Kernel size from the trace is not stored; recover it from the receptive fields.
            let kernel = kernel_from_fields(&r.trace.receptive_fields, &r.trace.dilations);
            flow::cnn_diagram(len, kernel, &r.trace.dilations)
        }
        (ModelRun::Transformer(r), _) => flow::transformer_diagram(&r.trace.attention, head),
        (ModelRun::Rnn(_), _) => flow::chain_diagram(len),
        (_, FlowMode::Sequential) => flow::chain_diagram(len),
        (_, FlowMode::Scan) => flow::scan_diagram(len),
    }
}

/// The kernel size k from the first layer: RF₁ = 1 + (k − 1)·dil₁.
fn kernel_from_fields(fields: &[usize], dilations: &[usize]) -> usize {
    match (fields.first(), dilations.first()) {
        (Some(&rf), Some(&dil)) if dil > 0 => 1 + (rf - 1) / dil,
        _ => 1,
    }
}

/// The vector shown by the state inspector after `step` steps, with its caption.
fn inspected(
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

/// One model: controls, diagram, heat map and inspector.
#[component]
fn FlowPane(
    model: PaneModel,
    step: RwSignal<usize>,
    selected: RwSignal<usize>,
    suffix: &'static str,
) -> impl IntoView {
    let labels = model.labels;
    let log_scale = RwSignal::new(false);
    if let Some(url) = url_state() {
        url.bind_choice(
            &format!("mode{suffix}"),
            model.mode,
            vec![
                (FlowMode::Sequential, "sequential"),
                (FlowMode::Scan, "scan"),
            ],
        );
        let heads = [None, Some(0), Some(1), Some(2), Some(3)];
        let names = ["mean", "0", "1", "2", "3"];
        url.bind_choice(
            &format!("head{suffix}"),
            model.head,
            heads.into_iter().zip(names).collect(),
        );
        url.bind_choice(
            &format!("influence{suffix}"),
            model.kind,
            vec![
                (InfluenceKind::Full, "full"),
                (InfluenceKind::Hidden, "hidden"),
            ],
        );
        url.bind_bool(&format!("log{suffix}"), log_scale);
    }
    let frame = Memo::new(move |_| {
        let diagram = model.diagram.get()?;
        let source = selected.get().min(diagram.len.saturating_sub(1));
        let strength = model.state_influence.with(|m| {
            m.as_ref().filter(|_| diagram.rows.len() == 2).map(|m| {
                let column: Vec<f32> = (0..m.nrows()).map(|i| m[[i, source]]).collect();
                let max = column
                    .iter()
                    .copied()
                    .filter(|v| v.is_finite())
                    .fold(0.0f32, f32::max);
                column
                    .iter()
                    .map(|v| if max > 0.0 { v / max } else { 0.0 })
                    .collect()
            })
        });
        Some(DiagramFrame::new(&diagram, step.get(), source, strength))
    });
    let heat_values = Signal::derive(move || model.influence.with(|s| s.values.clone()));
    let family = model.knobs.family;
    let is_recurrence = move || family.get().is_linear_recurrence();
    let inspector = move || {
        let run = model.run.get().ok()?;
        let diagram = model.diagram.get()?;
        let (caption, values) = inspected(&run, &diagram, step.get(), selected.get(), lang());
        let max = values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0f32, |m, v| m.max(v.abs()))
            .max(1e-12);
        Some(view! {
            <div class="inspector" data-testid=format!("state-inspector{suffix}")>
                <p>{caption}</p>
                <div class="bars">
                    {values.into_iter().enumerate().map(|(k, v)| {
                        let h = if v.is_finite() { (v.abs() / max * 100.0).clamp(0.0, 100.0) } else { 100.0 };
                        view! {
                            <div class="bar" title=format!("{k}: {}", display_number(v))>
                                <div class="bar-fill" class:negative=v < 0.0 style=format!("height: {h:.1}%")></div>
                                <span>{display_number(v)}</span>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </div>
        })
    };
    view! {
        <div class="flow-pane" data-testid=format!("pane{suffix}")>
            <div class="pane-head">
                <FamilySelect family=family test_id=if suffix.is_empty() { "model-select" } else { "model-select-b" } />
                <Show when=is_recurrence>
                    <label>{t("computed ", "calculado ")}
                        <select data-testid=format!("mode-select{suffix}")
                            on:change:target=move |ev| model.mode.set(if ev.target().value() == "scan" { FlowMode::Scan } else { FlowMode::Sequential })
                            prop:value=move || if model.mode.get() == FlowMode::Scan { "scan" } else { "sequential" }>
                            <option value="sequential">{t("sequentially (L steps)", "en secuencia (L pasos)")}</option>
                            <option value="scan">{t("by parallel scan (⌈log₂ L⌉ steps)", "con scan paralelo (⌈log₂ L⌉ pasos)")}</option>
                        </select>
                    </label>
                </Show>
                <Show when=move || family.get() == Family::Transformer>
                    <label>{t("edges ", "aristas ")}
                        <select data-testid=format!("head-select{suffix}")
                            prop:value=move || model.head.get().map_or("mean".to_string(), |h| h.to_string())
                            on:change:target=move |ev| model.head.set(ev.target().value().parse::<usize>().ok())>
                            <option value="mean">{t("mean of heads", "media de las cabezas")}</option>
                            {(0..4).map(|h| view! { <option value=h.to_string()>{move || format!("{} {}", tr("head", "cabeza").now(), h + 1)}</option> }).collect_view()}
                        </select>
                    </label>
                </Show>
                <Show when=move || family.get() == Family::Mamba>
                    <label>{t("influence ", "influencia ")}
                        <select data-testid=format!("influence-kind{suffix}")
                            prop:value=move || if model.kind.get() == InfluenceKind::Hidden { "hidden" } else { "full" }
                            on:change:target=move |ev| model.kind.set(if ev.target().value() == "hidden" { InfluenceKind::Hidden } else { InfluenceKind::Full })>
                            <option value="full">{t("full Jacobian (through Δ, B, C)", "jacobiano completo (a través de Δ, B, C)")}</option>
                            <option value="hidden">{t("hidden attention (Δ, B, C fixed)", "atención oculta (Δ, B, C fijos)")}</option>
                        </select>
                    </label>
                </Show>
            </div>
            <Show when=move || !model.is_trained.get()>
                <ModelControls knobs=model.knobs url_scope=suffix />
            </Show>
            <p class="notice" role="status">{move || model.run.get().err()}</p>
            <p class="flow-step-label">{move || frame.with(|f| f.as_ref().map(|f| flow_label(f.label, lang())))}</p>
            <div class="flow-figures">
                {move || frame.get().map(|f| view! {
                    <FlowDiagramView frame=f tokens=labels selected=selected test_id=if suffix.is_empty() { "flow-diagram" } else { "flow-diagram-b" } />
                })}
                <div class="flow-heat">
                    <Heatmap values=heat_values row_labels=labels
                        test_id=if suffix.is_empty() { "influence-heatmap" } else { "influence-heatmap-b" }
                        caption=tr("How to read this: influence ‖∂yᵢ/∂xⱼ‖, row i = output, column j = input; bright = strong, dark = none. Click a cell to follow input j.", "Cómo leerlo: influencia ‖∂yᵢ/∂xⱼ‖, fila i = salida, columna j = entrada; claro = fuerte, oscuro = nula. Haz clic en una celda para seguir la entrada j.")
                        log=log_scale
                        on_select=Callback::new(move |(_, j)| selected.set(j)) />
                    <div class="heat-meta">
                        <label><input type="checkbox" data-testid=format!("log-scale{suffix}") prop:checked=move || log_scale.get()
                            on:change:target=move |ev| log_scale.set(ev.target().checked()) />{t(" log colour scale", " escala de color logarítmica")}</label>
                        <span data-testid=format!("influence-progress{suffix}")
                            data-complete=move || model.influence.with(|s| s.complete().to_string())>
                            {move || { let lang = lang(); model.influence.with(|s| match &s.error {
                                Some(e) => e.clone(),
                                None if s.complete() => lang.pick("exact influence: complete", "influencia exacta: completa").to_string(),
                                None => format!("{} {} / {}", lang.pick("computing columns…", "calculando columnas…"), s.done, s.values.len()),
                            })}}
                        </span>
                    </div>
                </div>
            </div>
            {inspector}
        </div>
    }
}

/// The Flow view: one model, or two side by side, on the shared sentence.
#[component]
pub fn FlowView() -> impl IntoView {
    let input = expect_context::<SharedInput>();
    let ready = expect_context::<AppReady>();
    let compare = RwSignal::new(false);
    let trained = use_context::<TrainedModels>().map(|t| t.0);
    let a = PaneModel::new(Family::Cnn, input, Signal::stored(true), trained);
    let b = PaneModel::new(Family::Transformer, input, compare.into(), None);
    let step = RwSignal::new(0usize);
    let selected = RwSignal::new(0usize);
    let d_model = RwSignal::new(input.d_model.get_untracked() as f64);
    if let Some(url) = url_state() {
        url.bind_bool("compare", compare);
        url.bind_index("token", selected, MAX_TOKENS - 1);
    }
    // The sentence row's keyboard selection is this view's selected token.
    if let Some(shared) = use_context::<crate::ui::state::SelectedToken>() {
        shared.claim(selected);
    }
    Effect::new(move |_| {
        let width = d_model.get().round().clamp(2.0, 32.0) as usize;
        input.d_model.set(width);
    });
    let embedding_rows = Signal::derive(move || {
        input.embeddings.with(|e| {
            e.0.rows()
                .into_iter()
                .map(|r| r.to_vec())
                .collect::<Vec<_>>()
        })
    });
    let token_labels = Signal::derive(move || input.tokens.with(|t| t.tokens.clone()));
    let total = Signal::derive(move || {
        let tb = if compare.get() { b.total_steps() } else { 0 };
        a.total_steps().max(tb)
    });
    Effect::new(move |_| {
        if a.diagram.with(Option::is_some) {
            ready.0.set(true);
        }
    });
    let steps_line = move || {
        let len = a.labels.with(|l| l.len());
        let lang = lang();
        let describe = |m: &PaneModel| {
            let (name, steps) = (family_name(m.knobs.family.get(), lang), m.total_steps());
            match lang {
                Lang::En => format!("{name} needs {steps} sequential steps"),
                Lang::Es => format!("{name} necesita {steps} pasos secuenciales"),
            }
        };
        let mut line = match lang {
            Lang::En => format!("For L = {len}: {}", describe(&a)),
            Lang::Es => format!("Para L = {len}: {}", describe(&a)),
        };
        if compare.get() {
            line.push_str(&format!("; {}", describe(&b)));
        }
        line + "."
    };
    view! {
        <section class="view" data-testid="view-flow">
            <h2>{t("Flow: who sees whom, and after how many steps", "Flujo: quién ve a quién, y tras cuántos pasos")}</h2>
            <p class="intro">
                {t("Tokens sit on the bottom row; each row above is what one sequential step computes. \
                Step through: a CNN widens its window layer by layer, a transformer links every earlier token in one step, \
                an RNN passes a state along the chain one token at a time, and a linear recurrence can be combined by a parallel scan in ⌈log₂ L⌉ steps. \
                Click a token to follow its information (orange nodes); the heat map is the exact influence of every input on every output.",
                "Los tokens están en la fila de abajo; cada fila de encima es lo que calcula un paso secuencial. \
                Avanza paso a paso: una CNN ensancha su ventana capa a capa, un transformer conecta todos los tokens anteriores en un solo paso, \
                una RNN pasa un estado a lo largo de la cadena, un token cada vez, y una recurrencia lineal puede combinarse con un scan paralelo en ⌈log₂ L⌉ pasos. \
                Haz clic en un token para seguir su información (nodos naranjas); el mapa de calor es la influencia exacta de cada entrada sobre cada salida.")}
            </p>
            <div class="flow-global">
                <Slider label=tr("embedding width d_model", "ancho del embedding d_model") param="d-model" min=2.0 max=32.0 step=1.0 value=d_model />
                <label class="toggle"><input type="checkbox" data-testid="toggle-compare" prop:checked=move || compare.get()
                    on:change:target=move |ev| compare.set(ev.target().checked()) />{t(" compare two models", " comparar dos modelos")}</label>
            </div>
            {trained.map(|trained| view! {
                <TrainedBanner trained=trained prefix="flow"
                    note=tr("Flow runs them on the tokens shown (the first model when comparing two);", "Flujo los aplica a los tokens mostrados (el primer modelo si se comparan dos);")
                    back=tr("back to random weights and the sentence", "volver a los pesos aleatorios y a la frase") />
            })}
            <Player step=step total=total />
            <p class="steps-line" data-testid="steps-line">{steps_line}</p>
            <div class="flow-panes" class:compare=move || compare.get()>
                <FlowPane model=a step=step selected=selected suffix="" />
                <Show when=move || compare.get()>
                    <FlowPane model=b step=step selected=selected suffix="-b" />
                </Show>
            </div>
            <details class="embeddings">
                <summary>{t("Token embeddings (the model inputs x)", "Embeddings de los tokens (las entradas x del modelo)")}</summary>
                <Heatmap values=embedding_rows row_labels=token_labels test_id="embedding-heatmap" diverging=true
                    caption=tr("How to read this: one row per token, one column per dimension; the same word always gets the same vector.", "Cómo leerlo: una fila por token, una columna por dimensión; la misma palabra recibe siempre el mismo vector.") />
            </details>
        </section>
    }
}
