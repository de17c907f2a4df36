//! The one family palette: every chart, diagram, legend and export draws a family in the same
//! colour. Okabe & Ito (2008), "Color Universal Design": eight colours told apart under the
//! common colour-vision deficiencies; six of them name the six families, in `Family::ALL` order.

use crate::core::models::family::Family;

/// The colour of `family` as `(r, g, b)`.
pub const fn family_rgb(family: Family) -> (u8, u8, u8) {
    match family {
        Family::Cnn => (230, 159, 0),
        Family::Transformer => (86, 180, 233),
        Family::Rnn => (0, 158, 115),
        Family::LinearRnn => (0, 114, 178),
        Family::S4d => (213, 94, 0),
        Family::Mamba => (204, 121, 167),
    }
}

/// The colour of `family` as CSS (`rgb(r, g, b)`), for HTML legends and swatches.
pub fn family_css(family: Family) -> String {
    let (r, g, b) = family_rgb(family);
    format!("rgb({r}, {g}, {b})")
}

/// The palette as CSS custom properties (`--family-<id>: rgb(..)`), written on `<html>` by the
/// app shell so style/main.css can colour by family without restating a colour.
pub fn css_variables() -> String {
    Family::ALL
        .iter()
        .map(|&f| format!("--family-{}: {}", f.id(), family_css(f)))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_has_its_own_colour() {
        let colours: Vec<_> = Family::ALL.iter().map(|&f| family_rgb(f)).collect();
        for (i, a) in colours.iter().enumerate() {
            for b in &colours[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
