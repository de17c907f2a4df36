//! State shared by every view, passed by context.

use leptos::prelude::*;
use ndarray::Array2;

use crate::core::tokens::{embed, tokenize, Tokens};

/// The example sentence the app opens with.
pub const EXAMPLE_TEXT: &str =
    "The cat that the dog chased ran up the old tree, and the dog waited below.";

/// The example sentence for a reader whose browser asks for Spanish.
pub const EXAMPLE_TEXT_ES: &str =
    "El gato que el perro persiguió subió al viejo árbol, y el perro esperó abajo.";

/// Default seed of every random weight and embedding.
pub const DEFAULT_SEED: u64 = 42;

/// Default width of the token embeddings.
pub const DEFAULT_D_MODEL: usize = 8;

/// The sentence, the seed and the embedding width every view reads.
#[derive(Clone, Copy)]
pub struct SharedInput {
    pub text: RwSignal<String>,
    pub seed: RwSignal<u64>,
    pub d_model: RwSignal<usize>,
    /// Tokens of `text` (memoized on the text only).
    pub tokens: Memo<Tokens>,
    /// Embeddings `[L, d_model]` (memoized on tokens, width and seed).
    pub embeddings: Memo<EmbeddingMatrix>,
}

/// An embedding matrix with the equality `Memo` needs to skip needless updates.
#[derive(Clone, Debug, PartialEq)]
pub struct EmbeddingMatrix(pub Array2<f32>);

impl SharedInput {
    /// Creates the shared input signals with the app's defaults.
    pub fn new() -> Self {
        let text = RwSignal::new(EXAMPLE_TEXT.to_string());
        let seed = RwSignal::new(DEFAULT_SEED);
        let d_model = RwSignal::new(DEFAULT_D_MODEL);
        let tokens = Memo::new(move |_| text.with(|t| tokenize(t)));
        let embeddings = Memo::new(move |_| {
            let (width, seed) = (d_model.get(), seed.get());
            tokens.with(|t| EmbeddingMatrix(embed(&t.tokens, width, seed)))
        });
        SharedInput {
            text,
            seed,
            d_model,
            tokens,
            embeddings,
        }
    }
}

impl Default for SharedInput {
    fn default() -> Self {
        Self::new()
    }
}

/// The id of the view on screen (the navigation's signal): a view sets it to send the reader
/// to another view, as the Learn view does to open a trained model in Flow.
#[derive(Clone, Copy)]
pub struct CurrentView(pub RwSignal<&'static str>);

/// The token the reader selected, shared by the sentence row (focusable tokens: arrow keys
/// move, Enter selects) and the view on screen. The selection is the view's own state: a view
/// that has a selected token *claims* this context with its signal while it is mounted
/// (`expect_context::<SelectedToken>().claim(state.selected)`), and from then on the sentence
/// row shows and sets that signal. With no view claiming, the row keeps a selection of its own.
#[derive(Clone, Copy)]
pub struct SelectedToken {
    claimed: RwSignal<Option<RwSignal<usize>>>,
    own: RwSignal<usize>,
}

impl SelectedToken {
    /// Nothing claimed yet; token 0 selected.
    pub fn new() -> Self {
        SelectedToken {
            claimed: RwSignal::new(None),
            own: RwSignal::new(0),
        }
    }

    /// Makes `signal` the selected token while the calling component (or owner) lives.
    pub fn claim(&self, signal: RwSignal<usize>) {
        let claimed = self.claimed;
        claimed.set(Some(signal));
        on_cleanup(move || {
            claimed.try_update(|c| {
                if *c == Some(signal) {
                    *c = None;
                }
            });
        });
    }

    /// The signal in force: the claiming view's, or the row's own.
    fn target(&self) -> RwSignal<usize> {
        self.claimed
            .get()
            .filter(|s| s.try_get_untracked().is_some())
            .unwrap_or(self.own)
    }

    /// The selected token's index (tracked).
    pub fn get(&self) -> usize {
        self.target().get()
    }

    /// Selects token `index`.
    pub fn select(&self, index: usize) {
        self.target().set(index);
    }
}

impl Default for SelectedToken {
    fn default() -> Self {
        Self::new()
    }
}

/// Set to true by the first view once it has drawn real data.
#[derive(Clone, Copy)]
pub struct AppReady(pub RwSignal<bool>);

/// A large immutable value shared between memos without cloning it: equal only to itself,
/// so a memo holding it notifies readers exactly when it was recomputed.
#[derive(Debug)]
pub struct Shared<T>(pub std::sync::Arc<T>);

impl<T> Shared<T> {
    /// Wraps a freshly computed value.
    pub fn new(value: T) -> Self {
        Shared(std::sync::Arc::new(value))
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
