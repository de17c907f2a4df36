//! The user's edits of a_t and b_t, and their link form (`scan.edits=a3=0.5,b7=-1.25`).

use crate::core::scan_view::{parse_value, A_LIMIT, B_LIMIT, MAX_N};
use crate::ui::i18n::lang_untracked;
use crate::ui::url_state::Parsed;

/// Per-index overrides of a_t and b_t typed by the user.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Edits {
    pub a: Vec<Option<f32>>,
    pub b: Vec<Option<f32>>,
}

impl Edits {
    /// No value edited.
    pub fn new() -> Self {
        Edits {
            a: vec![None; MAX_N],
            b: vec![None; MAX_N],
        }
    }
}

impl Edits {
    /// The edited values only, as `a3=0.5,b7=-1.25` (the link form).
    pub fn to_url(&self) -> String {
        let named = |name: &'static str, values: &[Option<f32>]| {
            values
                .iter()
                .enumerate()
                .filter_map(move |(t, v)| v.map(|v| format!("{name}{t}={v}")))
                .collect::<Vec<_>>()
        };
        let mut parts = named("a", &self.a);
        parts.extend(named("b", &self.b));
        parts.join(",")
    }

    /// Reads [`Edits::to_url`]'s form: positions past `MAX_N` are invalid, values beyond the
    /// limits are clamped exactly as typed ones are (`parse_value`).
    pub fn from_url(raw: &str) -> Parsed<Edits> {
        let mut edits = Edits::new();
        let mut clamped = Vec::new();
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let invalid = || {
                Parsed::Invalid(
                    lang_untracked()
                        .pick(
                            format!("“{part}” is not an edit like a3=0.5"),
                            format!("«{part}» no es un cambio como a3=0.5"),
                        )
                        .to_string(),
                )
            };
            let Some((slot, value)) = part.split_once('=') else {
                return invalid();
            };
            let (is_b, position) = match slot.split_at_checked(1) {
                Some(("a", t)) => (false, t),
                Some(("b", t)) => (true, t),
                _ => return invalid(),
            };
            let Some(t) = position.parse::<usize>().ok().filter(|&t| t < MAX_N) else {
                return invalid();
            };
            let Ok((v, note)) = parse_value(value, if is_b { B_LIMIT } else { A_LIMIT }) else {
                return invalid();
            };
            if note.is_some() {
                clamped.push(format!("{slot} → {v}"));
            }
            if is_b {
                edits.b[t] = Some(v);
            } else {
                edits.a[t] = Some(v);
            }
        }
        if clamped.is_empty() {
            Parsed::Valid(edits)
        } else {
            let list = clamped.join(", ");
            let why = lang_untracked().pick(
                format!("values outside the limits were clamped: {list}"),
                format!("los valores fuera de los límites se recortaron: {list}"),
            );
            Parsed::Clamped(edits, why)
        }
    }
}
