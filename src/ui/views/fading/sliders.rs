//! The model knobs of the Fading view (rendered from `ui::knobs`), with what the RNN's recurrent
//! matrix guarantees and the CNN's receptive field.

use leptos::prelude::*;

use super::state::FadingState;
use crate::core::fading::{cnn_cutoff, largest_singular_value, rnn_gradients, Gradients};
use crate::core::models::family::ModelParams;
use crate::ui::i18n::{lang, t, Lang};
use crate::ui::knobs;
use crate::ui::widgets::format::display_number;
use crate::ui::widgets::slider::KnobSlider;

/// The RNN's hint: ρ(W) and σ_max(W), and what they guarantee (Pascanu et al. 2013: with
/// |tanh'| ≤ 1, σ_max(W) < 1 is sufficient for vanishing; σ_max(W) > 1 is necessary for
/// exploding).
pub fn rnn_hint(rho: f32, sigma: f32, lang: Lang) -> String {
    let (rho_s, sigma_s) = (display_number(rho), display_number(sigma));
    match (rnn_gradients(sigma, rho), lang) {
        (Gradients::MustVanish, Lang::En) => format!("ρ(W) = {rho_s}, σ_max(W) = {sigma_s} < 1: each step multiplies ∂h by at most σ_max (|tanh′| ≤ 1), so the influence must vanish geometrically (Pascanu et al. 2013)."),
        (Gradients::MustVanish, Lang::Es) => format!("ρ(W) = {rho_s}, σ_max(W) = {sigma_s} < 1: cada paso multiplica ∂h por σ_max como mucho (|tanh′| ≤ 1), así que la influencia se desvanece geométricamente sin remedio (Pascanu et al. 2013)."),
        (Gradients::NoGuarantee, Lang::En) => format!("ρ(W) = {rho_s} but σ_max(W) = {sigma_s} ≥ 1: vanishing is not guaranteed (the sufficient condition is σ_max(W) < 1; Pascanu et al. 2013). ρ ≤ 1 only says W^k does not grow; the curve shows what happens here."),
        (Gradients::NoGuarantee, Lang::Es) => format!("ρ(W) = {rho_s} pero σ_max(W) = {sigma_s} ≥ 1: no está garantizado que se desvanezca (la condición suficiente es σ_max(W) < 1; Pascanu et al. 2013). ρ ≤ 1 solo dice que W^k no crece; la curva muestra lo que pasa aquí."),
        (Gradients::MayExplode, Lang::En) => format!("ρ(W) = {rho_s} > 1 (σ_max(W) = {sigma_s}): W^k grows, so gradients may explode; tanh saturation can still tame them."),
        (Gradients::MayExplode, Lang::Es) => format!("ρ(W) = {rho_s} > 1 (σ_max(W) = {sigma_s}): W^k crece, así que los gradientes pueden explotar; la saturación de tanh aún puede contenerlos."),
    }
}

/// σ_max of the RNN's W for a spectral radius: W is the seed's matrix rescaled, so σ_max
/// scales with ρ.
fn rnn_sigma(state: FadingState) -> Memo<Option<(f32, f32)>> {
    let job = state.families[2];
    Memo::new(move |_| {
        job.params.with(|p| match p.as_ref().ok().map(|p| &**p) {
            Some(ModelParams::Rnn(p)) => {
                Some((p.config.spectral_radius, largest_singular_value(p.w.view())))
            }
            _ => None,
        })
    })
}

/// Every family's knobs.
#[component]
pub fn ModelSliders() -> impl IntoView {
    let state = expect_context::<FadingState>();
    debug_assert_eq!(
        state.families[2].family,
        crate::core::models::family::Family::Rnn
    );
    let sigma = rnn_sigma(state);
    let rnn_text = move || sigma.get().map(|(rho, s)| rnn_hint(rho, s, lang()));
    let cnn_text = move || {
        let n = state.configs.with(|c| cnn_cutoff(&c.cnn)) + 1;
        match lang() {
            Lang::En => format!("receptive field {n} tokens: influence is exactly 0 from distance {n} on."),
            Lang::Es => format!("campo receptivo de {n} tokens: la influencia es exactamente 0 a partir de la distancia {n}."),
        }
    };
    view! {
        <div class="fading-sliders">
            <fieldset>
                <legend>{t("Linear RNN", "RNN lineal")}</legend>
                <KnobSlider knob=knobs::linear_rnn::R value=state.r />
                <KnobSlider knob=knobs::linear_rnn::THETA value=state.theta />
            </fieldset>
            <fieldset>
                <legend>"S4D"</legend>
                <KnobSlider knob=knobs::s4d::DELTA value=state.s4d_delta />
            </fieldset>
            <fieldset>
                <legend>"RNN"</legend>
                <KnobSlider knob=knobs::rnn::RADIUS value=state.radius />
                <p class="fading-hint" data-testid="rnn-hint">{rnn_text}</p>
            </fieldset>
            <fieldset>
                <legend>"CNN"</legend>
                <KnobSlider knob=knobs::cnn::LAYERS value=state.layers />
                <KnobSlider knob=knobs::cnn::KERNEL value=state.kernel />
                <label class="fading-toggle">
                    <input type="checkbox" data-testid="toggle-dilation"
                        prop:checked=move || state.dilated.get()
                        on:change:target=move |ev| state.dilated.set(ev.target().checked())
                    />
                    {t("dilation 2^ℓ", "dilatación 2^ℓ")}
                </label>
                <p class="fading-hint" data-testid="cnn-hint">{cnn_text}</p>
            </fieldset>
            <fieldset>
                <legend>"Transformer"</legend>
                <KnobSlider knob=knobs::transformer::TEMPERATURE value=state.temperature />
            </fieldset>
            <fieldset>
                <legend>"Mamba"</legend>
                <KnobSlider knob=knobs::mamba::DELTA_BIAS value=state.delta_bias />
                <KnobSlider knob=knobs::mamba::SELECTIVITY value=state.selectivity />
            </fieldset>
        </div>
    }
}
