//! SSM view: where state-space models come from — discretization of a continuous system,
//! HiPPO memory (the history rebuilt from the state alone), and diagonal structure
//! (the S4D kernel by recurrence and by a Vandermonde product; the eigenvalues of A).
//!
//! All numbers come from `core::ssm` (f64), memoized on their inputs; the charts only draw.

use leptos::prelude::*;
use num_complex::Complex64;
use web_sys::HtmlCanvasElement;

use super::ViewEntry;

#[cfg(test)]
mod claims;
pub mod discretization;
pub mod hippo;
pub mod state;
pub mod structure;

use crate::ui::charts::ssm::{draw, Plot};
use crate::ui::i18n::{t, Tr};
use crate::ui::state::SharedInput;
use crate::ui::view_boundary::report_fault;
use crate::ui::widgets::format::display_number;

/// Registry entry of the SSM view.
pub const ENTRY: ViewEntry = ViewEntry {
    id: "ssm",
    title: Tr::same("SSM"),
    render: || view! { <SsmView/> }.into_any(),
};

/// A number for a JSON data attribute (`null` when not finite).
pub(crate) fn js(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        "null".to_string()
    }
}

pub(crate) fn js_list(values: impl IntoIterator<Item = f64>) -> String {
    let items: Vec<String> = values.into_iter().map(js).collect();
    format!("[{}]", items.join(","))
}

pub(crate) fn js_complex(values: &[Complex64]) -> String {
    let items: Vec<String> = values
        .iter()
        .map(|z| format!("[{},{}]", js(z.re), js(z.im)))
        .collect();
    format!("[{}]", items.join(","))
}

pub(crate) fn shown(v: f64) -> String {
    display_number(v as f32)
}

/// Redraws `canvas` whenever `plot` changes.
pub(crate) fn chart_effect(canvas: NodeRef<leptos::html::Canvas>, plot: Memo<Option<Plot>>) {
    Effect::new(move |_| {
        let Some(element) = canvas.get() else {
            return;
        };
        let element: &HtmlCanvasElement = &element;
        plot.with(|plot| {
            if let Some(plot) = plot {
                if let Err(why) = draw(element, plot) {
                    report_fault(format!("An SSM chart could not be drawn: {why}"));
                }
            }
        });
    });
}

/// The first embedding dimension of every token (the sentence as a 1-D signal).
pub(crate) fn first_dimension(input: &SharedInput) -> Vec<f64> {
    input.embeddings.with(|e| {
        if e.0.ncols() == 0 {
            Vec::new()
        } else {
            e.0.column(0).iter().map(|&v| f64::from(v)).collect()
        }
    })
}

/// The whole SSM view: three panels.
#[component]
pub fn SsmView() -> impl IntoView {
    view! {
        <section class="view ssm" data-testid="view-ssm">
            <h2>{t("SSM: where state-space models come from", "SSM: de dónde vienen los modelos de espacio de estados")}</h2>
            <p>
                {t("An S4 or Mamba layer starts as a continuous system h′(t) = A h(t) + B x(t). \
                Below: how it becomes a recurrence (discretization, and what goes wrong with a crude rule), \
                why its state is a memory of the whole past (HiPPO: the history rebuilt from the state alone), \
                and why a diagonal A makes it cheap (the convolution kernel in closed form).",
                "Una capa S4 o Mamba parte de un sistema continuo h′(t) = A h(t) + B x(t). \
                Abajo: cómo se convierte en una recurrencia (la discretización, y qué falla con una regla tosca), \
                por qué su estado es una memoria de todo el pasado (HiPPO: la historia reconstruida solo a partir del estado) \
                y por qué una A diagonal lo abarata (el núcleo de la convolución en forma cerrada).")}
            </p>
            <discretization::DiscretizationPanel/>
            <hippo::HippoPanel/>
            <structure::StructurePanel/>
        </section>
    }
}
