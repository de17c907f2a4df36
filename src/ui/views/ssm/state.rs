//! The SSM view's state, owned by the app shell: every control of the three panels and the
//! HiPPO player's position, kept while another view is open.

use leptos::prelude::*;

/// Everything the SSM view's controls hold.
#[derive(Clone, Copy)]
pub struct SsmState {
    /// Discretization: the input ("sentence", "step", "sine").
    pub disc_source: RwSignal<String>,
    /// Discretization: the system ("real", "oscillating").
    pub disc_system: RwSignal<String>,
    /// Discretization: the step Δ.
    pub delta: RwSignal<f64>,
    /// HiPPO: the input ("sentence", "walk", "smooth").
    pub hippo_source: RwSignal<String>,
    /// HiPPO: the measure ("legs", "legt").
    pub hippo_measure: RwSignal<String>,
    /// HiPPO: the state size N.
    pub hippo_n: RwSignal<f64>,
    /// HiPPO: the LegT window, in tokens.
    pub window: RwSignal<f64>,
    /// HiPPO: the player's position, in percent of the signal.
    pub hippo_step: RwSignal<usize>,
    /// Structure: the initialisation ("lin", "real").
    pub variant: RwSignal<String>,
    /// Structure: the state size N.
    pub states: RwSignal<f64>,
    /// Structure: the kernel's step Δ.
    pub kdelta: RwSignal<f64>,
}

impl Default for SsmState {
    fn default() -> Self {
        SsmState {
            disc_source: RwSignal::new("sentence".to_string()),
            disc_system: RwSignal::new("real".to_string()),
            delta: RwSignal::new(0.3),
            hippo_source: RwSignal::new("sentence".to_string()),
            hippo_measure: RwSignal::new("legs".to_string()),
            hippo_n: RwSignal::new(8.0),
            window: RwSignal::new(8.0),
            hippo_step: RwSignal::new(100),
            variant: RwSignal::new("lin".to_string()),
            states: RwSignal::new(16.0),
            kdelta: RwSignal::new(0.1),
        }
    }
}
