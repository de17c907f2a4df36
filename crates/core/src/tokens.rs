//! Tokenizer and seeded embeddings.
//!
//! Text is split into words and punctuation with the Unicode word-boundary rules (UAX #29,
//! via `unicode-segmentation`), lower-cased; whitespace and invisible characters are dropped.
//! Each distinct token maps to a deterministic vector drawn from (token, seed), so the same
//! word has the same vector anywhere in the sentence, in every browser, for every release.

use ndarray::Array2;
use unicode_segmentation::UnicodeSegmentation;

use super::rng::{normal_vector, rng_for};

/// Longest sequence the visual views draw; longer text is truncated with a notice.
pub const MAX_TOKENS: usize = 64;

/// Longest single token kept (in chars), so a pasted run of letters cannot make a huge label.
pub const MAX_TOKEN_CHARS: usize = 24;

/// The text cut into tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    /// The kept tokens, at most `MAX_TOKENS`.
    pub tokens: Vec<String>,
    /// How many tokens the whole text had (more than `tokens.len()` when truncated).
    pub total: usize,
}

impl Tokens {
    /// Whether tokens were dropped to respect `MAX_TOKENS`.
    pub fn truncated(&self) -> bool {
        self.total > self.tokens.len()
    }

    /// Number of kept tokens (the sequence length L).
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Whether no token was found (empty or whitespace-only text).
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
}

/// Whether a character carries no visible content of its own (controls, zero-width and
/// other format characters): such characters never make up a token by themselves.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || c.is_whitespace()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Splits `text` into at most `limit` lower-cased tokens (words, numbers, punctuation, emoji).
pub fn tokenize_with_limit(text: &str, limit: usize) -> Tokens {
    let mut tokens = Vec::new();
    let mut total = 0;
    for piece in text.split_word_bounds() {
        let visible: String = piece.chars().filter(|&c| !is_invisible(c)).collect();
        // A piece of only combining marks (e.g. after a stripped zero-width char) has no base.
        if visible.is_empty()
            || visible
                .chars()
                .all(|c| !c.is_alphanumeric() && is_combining(c))
        {
            continue;
        }
        total += 1;
        if tokens.len() < limit {
            let lower = visible.to_lowercase();
            tokens.push(lower.chars().take(MAX_TOKEN_CHARS).collect());
        }
    }
    Tokens { tokens, total }
}

/// Whether `c` is a combining mark (the ranges of the common combining blocks).
fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// Splits `text` into at most `MAX_TOKENS` tokens.
pub fn tokenize(text: &str) -> Tokens {
    tokenize_with_limit(text, MAX_TOKENS)
}

/// The embedding of one token: `d_model` N(0, 1) draws from the stream ("embed/" + token, seed).
pub fn embed_token(token: &str, d_model: usize, seed: u64) -> Vec<f32> {
    let mut rng = rng_for(seed, &format!("embed/{token}"));
    normal_vector(&mut rng, d_model, 1.0).to_vec()
}

/// The embeddings of a token sequence: `[L, d_model]`, row t = `embed_token(tokens[t])`.
pub fn embed(tokens: &[String], d_model: usize, seed: u64) -> Array2<f32> {
    let mut x = Array2::zeros((tokens.len(), d_model));
    for (mut row, token) in x.rows_mut().into_iter().zip(tokens) {
        row.assign(&ndarray::ArrayView1::from(&embed_token(
            token, d_model, seed,
        )));
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokenize(text).tokens
    }

    #[test]
    fn splits_words_and_punctuation_lower_cased() {
        assert_eq!(
            words("The cat sat, then ran!"),
            ["the", "cat", "sat", ",", "then", "ran", "!"]
        );
    }

    #[test]
    fn keeps_unicode_words_whole() {
        assert_eq!(
            words("Él comió pingüino. Ünïcode"),
            ["él", "comió", "pingüino", ".", "ünïcode"]
        );
        // Right-to-left script: one token per word.
        assert_eq!(words("שלום עולם"), ["שלום", "עולם"]);
    }

    #[test]
    fn emoji_are_tokens() {
        assert_eq!(words("hi 🙂 there"), ["hi", "🙂", "there"]);
        // A family emoji (ZWJ sequence) stays one token.
        assert_eq!(words("👨‍👩‍👧").len(), 1);
    }

    #[test]
    fn empty_and_whitespace_give_no_tokens() {
        assert!(tokenize("").is_empty());
        assert!(tokenize(" \t\n  ").is_empty());
        assert!(tokenize("\u{200B}\u{200B}\0").is_empty());
    }

    #[test]
    fn html_is_just_punctuation_and_words() {
        assert_eq!(words("<b>x</b>"), ["<", "b", ">", "x", "<", "/", "b", ">"]);
    }

    #[test]
    fn truncates_at_the_limit_and_counts_all() {
        let text = "a ".repeat(100);
        let t = tokenize(&text);
        assert_eq!(t.len(), MAX_TOKENS);
        assert_eq!(t.total, 100);
        assert!(t.truncated());
        assert!(!tokenize("a b").truncated());
    }

    #[test]
    fn long_token_is_clipped() {
        let t = tokenize(&"x".repeat(1000));
        assert_eq!(t.tokens[0].chars().count(), MAX_TOKEN_CHARS);
    }

    #[test]
    fn same_token_same_vector_anywhere() {
        let tokens = words("the cat saw the dog");
        let x = embed(&tokens, 8, 42);
        assert_eq!(x.row(0), x.row(3));
        assert_ne!(x.row(0), x.row(1));
        assert_eq!(x.row(1).to_vec(), embed_token("cat", 8, 42));
    }

    #[test]
    fn seed_changes_vectors_and_is_deterministic() {
        assert_eq!(embed_token("cat", 16, 1), embed_token("cat", 16, 1));
        assert_ne!(embed_token("cat", 16, 1), embed_token("cat", 16, 2));
    }

    #[test]
    fn embedding_draws_look_standard_normal() {
        // Mean ≈ 0 and variance ≈ 1 over many draws (loose bounds: 4096 samples).
        let v: Vec<f32> = (0..256)
            .flat_map(|i| embed_token(&format!("w{i}"), 16, 3))
            .collect();
        let n = v.len() as f32;
        let mean = v.iter().sum::<f32>() / n;
        let var = v.iter().map(|a| (a - mean).powi(2)).sum::<f32>() / n;
        assert!(mean.abs() < 0.06, "mean {mean}");
        assert!((var - 1.0).abs() < 0.08, "var {var}");
    }
}
