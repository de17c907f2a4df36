//! URL state: the view, the sentence, the seed and every control are mirrored in the query
//! string, so a copied link reproduces the exact picture.
//!
//! Widgets register with [`bind`] (or a typed helper) when they mount: the value in the URL, if
//! any, is parsed, clamped and applied; from then on every change is written back (at most every
//! [`WRITE_EVERY_MS`], the last change always written, with `history.replaceState`, no reload —
//! so the address follows a playing animation). A widget that unmounts takes its key out of the URL,
//! so the query string always describes what is on screen. Keys are `<view>.<scope>.<param>`
//! (the scope names e.g. the model family), except the global `view`, `lang`, `text`, `seed`
//! and `d`.
//! A malformed or out-of-range value never blanks the page: it is ignored or clamped, and a
//! notice says so (`data-testid="url-notice"`).

use crate::core::decimal::parse_decimal;
use crate::core::models::family::Family;
use crate::ui::i18n::{lang_untracked, Lang};
use std::cell::RefCell;
use std::collections::HashSet;
use std::time::Duration;

use leptos::prelude::*;

/// Shortest time between two rewrites of the address bar, in milliseconds: while values change
/// continuously (a playing animation, a dragged slider) the link is rewritten this often, and
/// the last change is always written.
pub const WRITE_EVERY_MS: f64 = 250.0;

/// Largest seed accepted (fits a JavaScript number exactly).
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// The outcome of reading one value from the URL.
pub enum Parsed<T> {
    /// The value as written.
    Valid(T),
    /// Out of range: replaced by the nearest allowed value, with the reason.
    Clamped(T, String),
    /// Unreadable: ignored, with the reason.
    Invalid(String),
}

impl<T> Parsed<T> {
    /// Converts the value, keeping the verdict.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Parsed<U> {
        match self {
            Parsed::Valid(v) => Parsed::Valid(f(v)),
            Parsed::Clamped(v, why) => Parsed::Clamped(f(v), why),
            Parsed::Invalid(why) => Parsed::Invalid(why),
        }
    }
}

/// The query-string mirror, provided as context by the app shell.
#[derive(Clone, Copy)]
pub struct UrlState {
    /// The pairs of the URL the page was opened with, consumed by the first render.
    initial: StoredValue<Vec<(String, String)>>,
    /// Keys of `initial` some widget has read.
    consumed: StoredValue<HashSet<String>>,
    /// The text of every key as it was before any link or preset was applied to it: the
    /// default. View state outlives the view's widgets (a tab switch keeps it), so "reset" and
    /// presets rebuild a view from these instead of from freshly created signals.
    defaults: StoredValue<std::collections::HashMap<String, String>>,
    /// The current value of every mounted widget, in registration order.
    live: RwSignal<Vec<(String, String)>>,
    /// Messages about values that were ignored or clamped.
    pub notices: RwSignal<Vec<String>>,
    /// Id of the view being rendered (prefix of its keys).
    view: StoredValue<&'static str>,
    /// The scheduled URL write, if any (it writes `latest` when it runs).
    pending: StoredValue<Option<TimeoutHandle>>,
    /// The pairs the next write will put in the address bar.
    latest: StoredValue<Vec<(String, String)>>,
    /// When the address bar was last rewritten (ms since page load).
    written_at: StoredValue<f64>,
}

thread_local! {
    /// Scopes entered while building widgets (e.g. `["b", "cnn"]` for Flow's second pane).
    static SCOPES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Builds `build()` with `scope` added to the keys of every widget it creates.
pub fn with_scope<R>(scope: &str, build: impl FnOnce() -> R) -> R {
    if scope.is_empty() {
        return build();
    }
    SCOPES.with(|s| s.borrow_mut().push(scope.to_string()));
    let result = build();
    SCOPES.with(|s| s.borrow_mut().pop());
    result
}

/// Parses a query string (with or without the leading `?`) into key/value pairs.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    let query = query.strip_prefix('?').unwrap_or(query);
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Encodes key/value pairs as a query string (without the leading `?`).
pub fn encode_query(pairs: &[(String, String)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        out.append_pair(k, v);
    }
    out.finish()
}

/// A notice in the language the page is shown in when it is made (notices about a link are
/// made once, while the page opens).
fn say(en: String, es: String) -> String {
    lang_untracked().pick(en, es)
}

/// Reads a number within `[min, max]`; `whole` rounds it to an integer.
pub fn parse_number(raw: &str, min: f64, max: f64, whole: bool) -> Parsed<f64> {
    let Some(value) = parse_decimal(raw.trim()) else {
        return Parsed::Invalid(say(
            format!("“{raw}” is not a number"),
            format!("«{raw}» no es un número"),
        ));
    };
    if !value.is_finite() {
        return Parsed::Invalid(say(
            format!("“{raw}” is not a finite number"),
            format!("«{raw}» no es un número finito"),
        ));
    }
    let value = if whole { value.round() } else { value };
    if value < min || value > max {
        let clamped = value.clamp(min, max);
        Parsed::Clamped(
            clamped,
            say(
                format!("{raw} is outside {min}…{max}, so {clamped} is used"),
                format!("{raw} está fuera de {min}…{max}, así que se usa {clamped}"),
            ),
        )
    } else {
        Parsed::Valid(value)
    }
}

/// Reads a whole number within `[min, max]`.
pub fn parse_whole(raw: &str, min: u64, max: u64) -> Parsed<u64> {
    match raw.trim().parse::<u64>() {
        Ok(v) if (min..=max).contains(&v) => Parsed::Valid(v),
        Ok(v) => {
            let clamped = v.clamp(min, max);
            Parsed::Clamped(
                clamped,
                say(
                    format!("{raw} is outside {min}…{max}, so {clamped} is used"),
                    format!("{raw} está fuera de {min}…{max}, así que se usa {clamped}"),
                ),
            )
        }
        Err(_) => Parsed::Invalid(say(
            format!("“{raw}” is not a whole number from {min} to {max}"),
            format!("«{raw}» no es un número entero de {min} a {max}"),
        )),
    }
}

/// Reads a seed: a whole number from 0 to [`MAX_SEED`]. Anything else is refused, never
/// clamped (another seed would draw other weights than the ones asked for).
pub fn parse_seed(raw: &str) -> Parsed<u64> {
    match raw.trim().parse::<u64>() {
        Ok(seed) if seed <= MAX_SEED => Parsed::Valid(seed),
        _ => Parsed::Invalid(say(
            format!("“{raw}” is not a seed: a seed is a whole number from 0 to {MAX_SEED}"),
            format!("«{raw}» no es una semilla: una semilla es un número entero de 0 a {MAX_SEED}"),
        )),
    }
}

/// Reads an interface language: `en` or `es` (a regional tag such as `es-AR` counts as `es`).
pub fn parse_lang(raw: &str) -> Parsed<Lang> {
    let tag = raw.trim().to_ascii_lowercase();
    let is = |code: &str| tag == code || tag.starts_with(&format!("{code}-"));
    if is("es") {
        Parsed::Valid(Lang::Es)
    } else if is("en") {
        Parsed::Valid(Lang::En)
    } else {
        Parsed::Invalid(say(
            format!("“{raw}” is not a language of seqmix (en or es)"),
            format!("«{raw}» no es un idioma de seqmix (en o es)"),
        ))
    }
}

/// Reads `1`/`0` (or `true`/`false`).
pub fn parse_bool(raw: &str) -> Parsed<bool> {
    match raw.trim() {
        "1" | "true" => Parsed::Valid(true),
        "0" | "false" => Parsed::Valid(false),
        _ => Parsed::Invalid(say(
            format!("“{raw}” is not 1 or 0"),
            format!("«{raw}» no es 1 ni 0"),
        )),
    }
}

/// Reads one of the named `choices`.
pub fn parse_choice<T: Clone>(raw: &str, choices: &[(T, &str)]) -> Parsed<T> {
    match choices.iter().find(|(_, name)| *name == raw.trim()) {
        Some((value, _)) => Parsed::Valid(value.clone()),
        None => {
            let names: Vec<&str> = choices.iter().map(|(_, n)| *n).collect();
            Parsed::Invalid(say(
                format!("“{raw}” is not one of {}", names.join(", ")),
                format!("«{raw}» no es ninguno de {}", names.join(", ")),
            ))
        }
    }
}

/// Choices that are plain strings, each named by itself.
pub fn strings(names: &[&'static str]) -> Vec<(String, &'static str)> {
    names.iter().map(|n| (n.to_string(), *n)).collect()
}

/// Indices written as `1,3,5`.
pub fn index_list(indices: impl Iterator<Item = usize>) -> String {
    indices.map(|i| i.to_string()).collect::<Vec<_>>().join(",")
}

/// Reads `1,3,5` as indices below `limit` (out-of-range ones are dropped, with a notice).
pub fn parse_index_list(raw: &str, limit: usize) -> Parsed<Vec<usize>> {
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse::<usize>() {
            Ok(i) if i < limit => kept.push(i),
            Ok(_) => dropped.push(part.to_string()),
            Err(_) => {
                return Parsed::Invalid(say(
                    format!("“{part}” is not a position"),
                    format!("«{part}» no es una posición"),
                ))
            }
        }
    }
    if dropped.is_empty() {
        Parsed::Valid(kept)
    } else {
        Parsed::Clamped(
            kept,
            say(
                format!(
                    "positions {} are past the last one and were dropped",
                    dropped.join(", ")
                ),
                format!(
                    "las posiciones {} pasan de la última y se descartan",
                    dropped.join(", ")
                ),
            ),
        )
    }
}

/// Reads model family ids separated by commas (repeats are dropped).
pub fn parse_families(raw: &str) -> Parsed<Vec<Family>> {
    let mut families = Vec::new();
    for id in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match Family::from_id(id) {
            Some(f) if !families.contains(&f) => families.push(f),
            Some(_) => {}
            None => {
                return Parsed::Invalid(say(
                    format!("“{id}” is not a model"),
                    format!("«{id}» no es un modelo"),
                ))
            }
        }
    }
    Parsed::Valid(families)
}

/// Shortest text that reads back as the same `f64`.
pub fn format_number(value: f64) -> String {
    format!("{value}")
}

fn format_bool(value: bool) -> String {
    if value { "1" } else { "0" }.to_string()
}

impl UrlState {
    /// Reads the page's current query string.
    pub fn from_location() -> Self {
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        Self::from_query(&search)
    }

    /// A state opened with `query`.
    pub fn from_query(query: &str) -> Self {
        UrlState {
            initial: StoredValue::new(parse_query(query)),
            consumed: StoredValue::new(HashSet::new()),
            defaults: StoredValue::new(std::collections::HashMap::new()),
            live: RwSignal::new(Vec::new()),
            notices: RwSignal::new(Vec::new()),
            view: StoredValue::new(""),
            pending: StoredValue::new(None),
            latest: StoredValue::new(Vec::new()),
            written_at: StoredValue::new(f64::NEG_INFINITY),
        }
    }

    /// Sets the view whose widgets are about to be built (the prefix of their keys).
    pub fn enter_view(&self, id: &'static str) {
        self.view.set_value(id);
    }

    /// The full key of `param` for a widget built now.
    fn key(&self, param: &str, global: bool) -> String {
        if global {
            return param.to_string();
        }
        let mut parts = vec![self.view.get_value().to_string()];
        SCOPES.with(|s| parts.extend(s.borrow().iter().cloned()));
        parts.push(param.to_string());
        parts.retain(|p| !p.is_empty());
        parts.join(".")
    }

    /// Makes the next widgets built read `pairs` as the opening link (a view preset), or
    /// nothing (their defaults) when empty.
    pub fn replace_initial(&self, pairs: Vec<(String, String)>) {
        self.initial.set_value(pairs);
    }

    /// The pairs that rebuild view `view` from its defaults with `preset` on top: every key of
    /// the view ever bound, at its default, then the preset's pairs (read last, so they win).
    pub fn defaults_with(
        &self,
        view: &str,
        preset: Vec<(String, String)>,
    ) -> Vec<(String, String)> {
        let prefix = format!("{view}.");
        let mut pairs: Vec<(String, String)> = self.defaults.with_value(|d| {
            d.iter()
                .filter(|(k, _)| k.starts_with(&prefix))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        });
        pairs.sort();
        pairs.extend(preset);
        pairs
    }

    /// The value the page was opened with for `key` (the last one if repeated).
    pub fn initial(&self, key: &str) -> Option<String> {
        self.initial.with_value(|pairs| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        })
    }

    /// Adds a notice about `key`.
    pub fn notify(&self, key: &str, message: &str) {
        self.notices.update(|n| {
            n.push(say(
                format!("Link parameter “{key}”: {message}."),
                format!("Parámetro del enlace «{key}»: {message}."),
            ))
        });
    }

    /// Mirrors `signal` in the query string under `param`; see the module documentation.
    pub fn bind<T, F, P>(&self, param: &str, global: bool, signal: RwSignal<T>, format: F, parse: P)
    where
        T: Send + Sync + 'static,
        F: Fn(&T) -> String + Send + Sync + 'static,
        P: Fn(&str) -> Parsed<T>,
    {
        // Only two small closures are generic; the binding itself is compiled once (wasm size).
        let apply = |raw: &str| match parse(raw) {
            Parsed::Valid(v) => {
                signal.set(v);
                None
            }
            Parsed::Clamped(v, why) => {
                signal.set(v);
                Some(why)
            }
            Parsed::Invalid(why) => {
                Some(say(format!("{why}; ignored"), format!("{why}; se ignora")))
            }
        };
        let read: Box<dyn Fn() -> Option<String> + Send + Sync> =
            Box::new(move || signal.try_with(&format));
        self.bind_erased(param, global, &apply, read);
    }

    /// [`Self::bind`] without type parameters: `apply` sets the value from the URL text (and
    /// returns a notice), `read` formats the current value (tracked; `None` once disposed).
    fn bind_erased(
        &self,
        param: &str,
        global: bool,
        apply: &dyn Fn(&str) -> Option<String>,
        read: Box<dyn Fn() -> Option<String> + Send + Sync>,
    ) {
        let mut key = self.key(param, global);
        // Two live widgets may not share a key: the later one gets a numbered key.
        let taken = |k: &str| self.live.with_untracked(|l| l.iter().any(|(x, _)| x == k));
        if taken(&key) {
            let base = key.clone();
            key = (2..)
                .map(|i| format!("{base}~{i}"))
                .find(|k| !taken(k))
                .unwrap_or(base);
        }
        if !self.defaults.with_value(|d| d.contains_key(&key)) {
            let default = untrack(&read).unwrap_or_default();
            self.defaults.update_value(|d| {
                d.insert(key.clone(), default);
            });
        }
        if let Some(raw) = self.initial(&key) {
            self.consumed.update_value(|c| {
                c.insert(key.clone());
            });
            if let Some(why) = apply(&raw) {
                self.notify(&key, &why);
            }
        }
        let live = self.live;
        let text = untrack(&read).unwrap_or_default();
        live.update(|l| l.push((key.clone(), text)));
        let effect_key = key.clone();
        Effect::new(move |_| {
            let Some(text) = read() else {
                return;
            };
            live.try_update(|l| match l.iter_mut().find(|(k, _)| *k == effect_key) {
                Some(entry) if entry.1 != text => entry.1 = text,
                Some(_) => {}
                None => l.push((effect_key.clone(), text)),
            });
        });
        on_cleanup(move || {
            live.try_update(|l| l.retain(|(k, _)| *k != key));
        });
    }

    /// Mirrors a number in `[min, max]` (rounded when `whole`).
    pub fn bind_number(&self, param: &str, signal: RwSignal<f64>, min: f64, max: f64, whole: bool) {
        self.bind(
            param,
            false,
            signal,
            move |v: &f64| {
                if whole {
                    format_number(v.round())
                } else {
                    format_number(*v)
                }
            },
            |raw| parse_number(raw, min, max, whole),
        );
    }

    /// Mirrors a checkbox as `1`/`0`.
    pub fn bind_bool(&self, param: &str, signal: RwSignal<bool>) {
        self.bind(param, false, signal, |v| format_bool(*v), parse_bool);
    }

    /// Mirrors a whole number in `[0, max]`.
    pub fn bind_index(&self, param: &str, signal: RwSignal<usize>, max: usize) {
        self.bind(
            param,
            false,
            signal,
            |v| v.to_string(),
            move |raw| match parse_whole(raw, 0, max as u64) {
                Parsed::Valid(v) => Parsed::Valid(v as usize),
                Parsed::Clamped(v, why) => Parsed::Clamped(v as usize, why),
                Parsed::Invalid(why) => Parsed::Invalid(why),
            },
        );
    }

    /// Mirrors a list of model families, written as their ids (`cnn,mamba`).
    pub fn bind_families(&self, param: &str, signal: RwSignal<Vec<Family>>) {
        self.bind(
            param,
            false,
            signal,
            |s| s.iter().map(|f| f.id()).collect::<Vec<_>>().join(","),
            parse_families,
        );
    }

    /// Mirrors a choice among named values.
    pub fn bind_choice<T>(&self, param: &str, signal: RwSignal<T>, choices: Vec<(T, &'static str)>)
    where
        T: Clone + PartialEq + Send + Sync + 'static,
    {
        let names = choices.clone();
        self.bind(
            param,
            false,
            signal,
            move |v| {
                names
                    .iter()
                    .find(|(c, _)| c == v)
                    .map(|(_, n)| n.to_string())
                    .unwrap_or_default()
            },
            |raw| parse_choice(raw, &choices),
        );
    }

    /// After the first render: reports URL keys no widget read, then forgets the opening URL
    /// (widgets built later start from their defaults).
    pub fn finish_first_render(&self) {
        let unread: Vec<String> = self.initial.with_value(|pairs| {
            self.consumed.with_value(|c| {
                let mut seen = HashSet::new();
                pairs
                    .iter()
                    .filter(|(k, _)| !c.contains(k) && seen.insert(k.clone()))
                    .map(|(k, _)| k.clone())
                    .collect()
            })
        });
        for key in unread {
            self.notify(
                &key,
                lang_untracked().pick(
                    "not a setting of this view; ignored",
                    "no es un ajuste de esta vista; se ignora",
                ),
            );
        }
        self.initial.set_value(Vec::new());
    }

    /// Rewrites the address bar from the live values (tracked: call it in an effect) with
    /// `history.replaceState`: at once after a quiet spell, then at most every
    /// [`WRITE_EVERY_MS`] while values keep changing, the last value always written (a throttle
    /// with a trailing write).
    pub fn write_later(&self) {
        self.latest.set_value(self.live.get());
        if self.pending.with_value(Option::is_some) {
            return; // the write already scheduled will take the latest pairs
        }
        let wait = write_wait(self.written_at.get_value(), crate::ui::scheduler::now_ms());
        let this = *self;
        let write = move || {
            let _ = this.pending.try_update_value(|p| *p = None);
            let _ = this
                .written_at
                .try_update_value(|t| *t = crate::ui::scheduler::now_ms());
            let _ = this.latest.try_with_value(|pairs| write_url(pairs));
        };
        let delay = Duration::from_secs_f64(wait / 1000.0);
        let handle = set_timeout_with_handle(write, delay).ok();
        self.pending.set_value(handle);
    }
}

/// How long to wait before writing, at `now`, when the last write was at `written_at` (ms):
/// nothing after a quiet spell, the rest of [`WRITE_EVERY_MS`] otherwise.
fn write_wait(written_at: f64, now: f64) -> f64 {
    (written_at + WRITE_EVERY_MS - now).clamp(0.0, WRITE_EVERY_MS)
}

/// Replaces the address bar's query string without reloading or adding a history entry.
fn write_url(pairs: &[(String, String)]) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let path = location.pathname().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    let query = encode_query(pairs);
    let url = if query.is_empty() {
        format!("{path}{hash}")
    } else {
        format!("{path}?{query}{hash}")
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The mirror, if the app shell provided one (component tests may mount widgets alone).
pub fn url_state() -> Option<UrlState> {
    use_context::<UrlState>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_round_trip_keeps_text_and_order() {
        let pairs = vec![
            ("view".to_string(), "flow".to_string()),
            ("text".to_string(), "a b&c=d ¿é?".to_string()),
            ("flow.cnn.layers".to_string(), "3".to_string()),
        ];
        assert_eq!(parse_query(&format!("?{}", encode_query(&pairs))), pairs);
    }

    #[test]
    fn numbers_are_clamped_or_rejected() {
        assert!(matches!(parse_number("0.5", 0.0, 1.0, false), Parsed::Valid(v) if v == 0.5));
        assert!(matches!(parse_number("999", 1.0, 8.0, true), Parsed::Clamped(v, _) if v == 8.0));
        assert!(matches!(parse_number("2.6", 1.0, 8.0, true), Parsed::Valid(v) if v == 3.0));
        assert!(matches!(
            parse_number("abc", 0.0, 1.0, false),
            Parsed::Invalid(_)
        ));
        assert!(matches!(
            parse_number("NaN", 0.0, 1.0, false),
            Parsed::Invalid(_)
        ));
        assert!(matches!(
            parse_number("inf", 0.0, 1.0, false),
            Parsed::Invalid(_)
        ));
        assert!(matches!(parse_whole("-1", 0, 10), Parsed::Invalid(_)));
        assert!(matches!(parse_whole("11", 0, 10), Parsed::Clamped(10, _)));
    }

    #[test]
    fn seeds_out_of_range_are_refused_not_clamped() {
        assert!(matches!(parse_seed("42"), Parsed::Valid(42)));
        assert!(matches!(parse_seed(" 0 "), Parsed::Valid(0)));
        assert!(matches!(
            parse_seed("9007199254740991"),
            Parsed::Valid(MAX_SEED)
        ));
        for bad in [
            "-5",
            "99999999999999999999999",
            "9007199254740992",
            "4.5",
            "",
            "abc",
        ] {
            assert!(matches!(parse_seed(bad), Parsed::Invalid(_)), "{bad}");
        }
    }

    #[test]
    fn languages_read_from_a_link() {
        assert!(matches!(parse_lang("es"), Parsed::Valid(Lang::Es)));
        assert!(matches!(parse_lang("ES-ar"), Parsed::Valid(Lang::Es)));
        assert!(matches!(parse_lang("en"), Parsed::Valid(Lang::En)));
        assert!(matches!(parse_lang("fr"), Parsed::Invalid(_)));
        assert!(matches!(parse_lang("esperanto"), Parsed::Invalid(_)));
    }

    #[test]
    fn writes_are_throttled_with_nothing_to_wait_after_a_quiet_spell() {
        assert_eq!(write_wait(f64::NEG_INFINITY, 10.0), 0.0);
        assert_eq!(write_wait(1000.0, 2000.0), 0.0);
        assert_eq!(write_wait(1000.0, 1100.0), 150.0);
        assert_eq!(write_wait(1000.0, 1000.0), WRITE_EVERY_MS);
        // A clock that went backwards never makes a write wait longer than one period.
        assert_eq!(write_wait(1000.0, 0.0), WRITE_EVERY_MS);
    }

    #[test]
    fn numbers_format_to_the_same_value() {
        for v in [0.1, 1.0 / 3.0, 1e-3, 4096.0, -2.5] {
            assert_eq!(format_number(v).parse::<f64>().unwrap(), v);
        }
    }

    #[test]
    fn index_lists_round_trip_and_drop_out_of_range() {
        assert_eq!(index_list([1, 3, 5].into_iter()), "1,3,5");
        assert!(matches!(parse_index_list("1,3,5", 64), Parsed::Valid(v) if v == [1, 3, 5]));
        assert!(matches!(parse_index_list("", 64), Parsed::Valid(v) if v.is_empty()));
        assert!(matches!(parse_index_list("1,99", 64), Parsed::Clamped(v, _) if v == [1]));
        assert!(matches!(parse_index_list("1,x", 64), Parsed::Invalid(_)));
    }

    #[test]
    fn choices_and_booleans() {
        let choices = [(1, "one"), (2, "two")];
        assert!(matches!(parse_choice("two", &choices), Parsed::Valid(2)));
        assert!(matches!(parse_choice("nope", &choices), Parsed::Invalid(_)));
        assert!(matches!(parse_bool("1"), Parsed::Valid(true)));
        assert!(matches!(parse_bool("yes"), Parsed::Invalid(_)));
        assert!(
            matches!(parse_families("mamba,cnn,mamba"), Parsed::Valid(f) if f == [Family::Mamba, Family::Cnn])
        );
        assert!(matches!(parse_families("cnn,gpt"), Parsed::Invalid(_)));
    }
}
