//! Interface text in English and Spanish.
//!
//! Completeness is enforced by the compiler, not by a test: a [`Tr`] can only be built with
//! [`tr`] / [`t`], which take the English *and* the Spanish string, and texts with numbers in
//! them are written as `match lang() { Lang::En => …, Lang::Es => … }` (an exhaustive match,
//! so a third language would not compile until every text has it). Symbols and formulas that
//! read the same in both languages (Δ, ρ(W), "rad") use [`Tr::same`], which names the choice.
//!
//! The current language lives in one context signal ([`Locale`]); every text reads it, so a
//! switch re-renders only the text nodes, never a model run.

use leptos::prelude::*;

/// An interface language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    /// BCP 47 code, for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The browser's preferred language: Spanish when `navigator.language` starts with "es".
    pub fn from_browser() -> Lang {
        let language = web_sys::window()
            .and_then(|w| w.navigator().language())
            .unwrap_or_default();
        Lang::from_tag(&language)
    }

    /// Spanish for any `es…` tag ("es", "es-AR"), English otherwise.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("es") {
            Lang::Es
        } else {
            Lang::En
        }
    }

    /// The other language (what the toggle switches to).
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Es,
            Lang::Es => Lang::En,
        }
    }

    /// `en` or `es` by language.
    pub fn pick<T>(self, en: T, es: T) -> T {
        match self {
            Lang::En => en,
            Lang::Es => es,
        }
    }
}

/// The language signal, provided by the app shell.
#[derive(Clone, Copy)]
pub struct Locale(pub RwSignal<Lang>);

/// The current language (tracked). English when no [`Locale`] is provided (isolated tests).
pub fn lang() -> Lang {
    use_context::<Locale>().map_or(Lang::En, |l| l.0.get())
}

/// The current language, not tracked (for work that must not rerun on a switch).
pub fn lang_untracked() -> Lang {
    use_context::<Locale>().map_or(Lang::En, |l| l.0.get_untracked())
}

/// A text in both languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tr {
    en: &'static str,
    es: &'static str,
}

/// A text in English and Spanish.
pub const fn tr(en: &'static str, es: &'static str) -> Tr {
    Tr { en, es }
}

impl Tr {
    /// A symbol or formula that is the same in both languages ("Δ", "rad", "×").
    pub const fn same(text: &'static str) -> Tr {
        Tr { en: text, es: text }
    }

    /// The text in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        lang.pick(self.en, self.es)
    }

    /// The text in the current language (tracked).
    pub fn now(self) -> &'static str {
        self.get(lang())
    }

    /// Whether the text is empty in both languages.
    pub fn is_empty(self) -> bool {
        self.en.is_empty() && self.es.is_empty()
    }
}

/// A reactive text for `view!` (as a child or an attribute): re-renders on a language switch.
pub fn t(
    en: &'static str,
    es: &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let text = tr(en, es);
    let locale = use_context::<Locale>();
    move || locale.map_or(text.en, |l| text.get(l.0.get()))
}

/// A [`Tr`] as a reactive text for `view!`.
pub fn show(text: Tr) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let locale = use_context::<Locale>();
    move || locale.map_or(text.en, |l| text.get(l.0.get()))
}

/// A core error in words, in the current language (tracked only when there is an error).
pub fn core_error(error: &crate::core::error::CoreError) -> String {
    core_error_in(error, lang())
}

/// A core error in words, in `lang`.
pub fn core_error_in(error: &crate::core::error::CoreError, lang: Lang) -> String {
    use crate::core::error::CoreError;
    match error {
        CoreError::EmptyInput => lang
            .pick(
                "the sequence is empty: type at least one word",
                "la secuencia está vacía: escribe al menos una palabra",
            )
            .to_string(),
        CoreError::NonFinite { what } => match lang {
            Lang::En => format!("{what} contains a value that is not a finite number"),
            Lang::Es => format!("{what} contiene un valor que no es un número finito"),
        },
        CoreError::OutOfRange {
            param,
            value,
            min,
            max,
        } => match lang {
            Lang::En => format!("{param} = {value} is outside its range [{min}, {max}]"),
            Lang::Es => format!("{param} = {value} está fuera de su rango [{min}, {max}]"),
        },
        CoreError::Shape {
            what,
            expected,
            got,
        } => match lang {
            Lang::En => format!("{what} has shape {got}, expected {expected}"),
            Lang::Es => format!("{what} tiene forma {got}; se esperaba {expected}"),
        },
        // Free-form reasons are written in the core; they stay in English (listed in the report).
        CoreError::Invalid(why) => why.clone(),
    }
}

/// The name of a model family in `lang` (ids stay the same).
pub fn family_name(family: crate::core::models::family::Family, lang: Lang) -> &'static str {
    use crate::core::models::family::Family;
    match family {
        Family::LinearRnn => lang.pick("Linear RNN", "RNN lineal"),
        other => other.name(),
    }
}

/// A row or step label of a flow diagram (written in English by `core::flow`, which has no
/// notion of language) in `lang`. The core's label formats are few and fixed; each is matched
/// here, and an unknown label is shown as it is.
pub fn core_label(label: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return label.to_string();
    }
    let number_then = |rest: &str| -> Option<(String, String)> {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        (!digits.is_empty()).then(|| (digits.clone(), rest[digits.len()..].to_string()))
    };
    match label {
        "tokens" => return "tokens".to_string(),
        "state" => return "estado".to_string(),
        "step 0: only the tokens" => return "paso 0: solo los tokens".to_string(),
        _ => {}
    }
    if let Some((n, tail)) = label.strip_prefix("layer ").and_then(number_then) {
        if tail.is_empty() {
            return format!("capa {n}");
        }
        if tail == ": all positions at once" {
            return format!("capa {n}: todas las posiciones a la vez");
        }
        if let Some(dil) = tail.strip_prefix(" (dilation ") {
            return format!("capa {n} (dilatación {dil}");
        }
    }
    if let Some((n, tail)) = label.strip_prefix("level ").and_then(number_then) {
        if tail.is_empty() {
            return format!("nivel {n}");
        }
        if let Some(offset) = tail
            .strip_prefix(": combine with the prefix ")
            .and_then(|r| r.strip_suffix(" back"))
        {
            return format!("nivel {n}: se combina con el prefijo {offset} posiciones atrás");
        }
    }
    if let Some(n) = label.strip_prefix("token ") {
        return format!("token {n}");
    }
    label.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_tags_choose_spanish_only_for_es() {
        assert_eq!(Lang::from_tag("es"), Lang::Es);
        assert_eq!(Lang::from_tag("es-AR"), Lang::Es);
        assert_eq!(Lang::from_tag("ES-es"), Lang::Es);
        assert_eq!(Lang::from_tag("en-US"), Lang::En);
        assert_eq!(Lang::from_tag(""), Lang::En);
        assert_eq!(Lang::from_tag("et"), Lang::En);
    }

    #[test]
    fn every_core_flow_label_has_a_spanish_form() {
        use crate::core::flow::{chain_diagram, cnn_diagram, scan_diagram};
        let diagrams = [
            cnn_diagram(5, 3, &[1, 2]),
            chain_diagram(4),
            scan_diagram(8),
        ];
        for diagram in &diagrams {
            let labels = diagram
                .rows
                .iter()
                .chain(diagram.steps.iter().map(|s| &s.label));
            for label in labels {
                let spanish = core_label(label, Lang::Es);
                let untouched = ["tokens", "token "].iter().any(|p| label.starts_with(p));
                assert!(untouched || spanish != *label, "no Spanish for {label:?}");
            }
        }
        assert_eq!(
            core_label("layer 2 (dilation 4)", Lang::Es),
            "capa 2 (dilatación 4)"
        );
        assert_eq!(
            core_label("level 3: combine with the prefix 4 back", Lang::Es),
            "nivel 3: se combina con el prefijo 4 posiciones atrás"
        );
    }

    #[test]
    fn a_text_answers_in_each_language() {
        let text = tr("layers", "capas");
        assert_eq!(text.get(Lang::En), "layers");
        assert_eq!(text.get(Lang::Es), "capas");
        assert_eq!(Tr::same("Δ").get(Lang::Es), "Δ");
    }
}
