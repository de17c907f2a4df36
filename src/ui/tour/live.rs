//! What a chapter's "notice this" line is computed from, read live from the views' own state
//! (the controls as they are now and the results the figures draw), so the line follows the
//! figure when the reader moves a slider. Only the chapter's own view is read.

use crate::core::fading::row_curve;
use crate::core::learn::tasks::Task;
use crate::ui::knobs;
use crate::ui::views::fading::state::FadingState;
use crate::ui::views::flow::state::FlowState;
use crate::ui::views::learn::state::LearnState;
use crate::ui::views::scan::state::ScanState;
use crate::ui::views::ssm::state::SsmState;
use leptos::prelude::*;

/// The selectivity demo as its figure shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Demo {
    /// The demo's own Δ₀ (S4D's Δ for every token in the demo).
    pub delta0: f64,
    /// Δ_t by the demo's rule, one per token (the bars).
    pub delta: Vec<f32>,
    pub marked: Vec<bool>,
    /// The output the curves are read on.
    pub i: usize,
    /// The demo's two curves on output `i`, by distance (`None` while computing).
    pub s4d: Option<Vec<f32>>,
    pub mamba: Option<Vec<f32>>,
}

/// The live settings and results a line may use (the fields of other chapters stay at default).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settings {
    /// Flow's CNN: layers, kernel, dilated.
    pub cnn: (usize, usize, bool),
    /// Fading's measured RNN influence on the selected output, by distance (`None` while
    /// computing or after an error).
    pub rnn_row: Option<Vec<f32>>,
    /// Fading's linear-RNN decay r.
    pub r: f64,
    /// Elements the Scan view scans.
    pub scan_n: usize,
    /// The SSM view's discretization step Δ and its system ("real", "oscillating").
    pub ssm_delta: f64,
    pub ssm_system: String,
    pub demo: Demo,
    /// The Learn view's task and its size.
    pub learn: Option<(Task, usize)>,
}

/// Reads the settings chapter `id` needs from the views' states (tracked: the line follows).
pub fn read(id: &str) -> Settings {
    let mut s = Settings::default();
    match id {
        "cnn" => {
            if let Some(flow) = use_context::<FlowState>() {
                let k = flow.a.knobs;
                s.cnn = (
                    knobs::cnn::LAYERS.count(k.cnn_layers.get()),
                    knobs::cnn::KERNEL.count(k.cnn_kernel.get()),
                    k.cnn_dilated.get(),
                );
            }
        }
        "rnn-fading" => {
            if let Some(fading) = use_context::<FadingState>() {
                s.rnn_row = fading.rows.with(|rows| {
                    rows.iter()
                        .find(|(f, _)| *f == crate::core::models::family::Family::Rnn)
                        .and_then(|(_, row)| row.as_ref().ok())
                        .map(|row| row.measured.clone())
                });
            }
        }
        "linear-rnn" => {
            if let Some(fading) = use_context::<FadingState>() {
                s.r = knobs::linear_rnn::R.clamp(fading.r.get());
            }
        }
        "scan" => {
            if let Some(scan) = use_context::<ScanState>() {
                s.scan_n = scan.inputs.with(|inputs| inputs.a.len());
            }
        }
        "ssm" => {
            if let Some(ssm) = use_context::<SsmState>() {
                s.ssm_delta = ssm.delta.get();
                s.ssm_system = ssm.disc_system.get();
            }
        }
        "selection" => {
            if let Some(fading) = use_context::<FadingState>() {
                s.demo = demo(fading);
            }
        }
        "learn" => {
            if let Some(learn) = use_context::<LearnState>() {
                let task = learn.task.get();
                s.learn = Some((task, learn.knob.get().round().max(0.0) as usize));
            }
        }
        _ => {}
    }
    s
}

/// The selectivity demo's figure data on the selected output.
fn demo(fading: FadingState) -> Demo {
    let i = fading.selected.get();
    let row = |m: &Option<Result<ndarray::Array2<f32>, String>>| {
        m.as_ref()
            .and_then(|r| r.as_ref().ok())
            .map(|m| row_curve(m.view(), i))
            .filter(|r| !r.is_empty())
    };
    Demo {
        delta0: fading.demo_delta0.get(),
        delta: fading.demo.delta.get(),
        marked: fading.demo.marked.get(),
        i,
        s4d: fading.demo.s4d.with(row),
        mamba: fading.demo.mamba.with(row),
    }
}
