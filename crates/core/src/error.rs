//! Errors are values: invalid input gives a typed error the UI can put into words,
//! never a panic.

use std::fmt;
use std::ops::Range;

use ndarray::ArrayView2;

/// Why a core computation refused its input. Data only: the UI words each case in the
/// reader's language (`ui::i18n::core_error`); [`fmt::Display`] is an English form for logs
/// and native tests.
#[derive(Debug, Clone, PartialEq)]
pub enum CoreError {
    /// The sequence has no positions (L = 0).
    EmptyInput,
    /// An input contained NaN or ±∞; `what` names the input as the code spells it (`"x"`).
    NonFinite { what: &'static str },
    /// A hyper-parameter lies outside its documented range; `param` is its name in the code
    /// (`"delta"`, `"d_model"`).
    OutOfRange {
        param: &'static str,
        value: f64,
        min: f64,
        max: f64,
    },
    /// Arrays whose shapes do not fit together.
    Shape {
        what: &'static str,
        expected: String,
        got: String,
    },
    /// Attention heads that do not divide the model width.
    HeadsDoNotDivide { heads: usize, d_model: usize },
    /// S4D-Lin keeps its states in conjugate pairs, so it needs an even count.
    OddStates { states: usize },
    /// A random draw gave a matrix that cannot be scaled (spectral radius 0 or not finite).
    DegenerateWeights { spectral_radius: f32 },
    /// A time outside the signal that was recorded (`1..=len`).
    TimeOutOfRange { t: usize, len: usize },
    /// Two pieces of work that belong together were given parts of different runs: a bug,
    /// never the reader's input.
    Mismatch(Mismatch),
}

/// What did not belong together in a [`CoreError::Mismatch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mismatch {
    /// An influence plan used with another model, input or family than it was made for.
    InfluencePlan,
    /// A sliced forward pass resumed with parameters of another width.
    SlicedPass,
    /// Weights (random or trained) that do not fit the configuration.
    Weights,
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoreError::EmptyInput => write!(f, "the sequence is empty: type at least one word"),
            CoreError::NonFinite { what } => {
                write!(f, "{what} contains a value that is not a finite number")
            }
            CoreError::OutOfRange {
                param,
                value,
                min,
                max,
            } => {
                write!(f, "{param} = {value} is outside its range [{min}, {max}]")
            }
            CoreError::Shape {
                what,
                expected,
                got,
            } => {
                write!(f, "{what} has shape {got}, expected {expected}")
            }
            CoreError::HeadsDoNotDivide { heads, d_model } => {
                write!(f, "{heads} heads do not divide d_model = {d_model}")
            }
            CoreError::OddStates { states } => write!(
                f,
                "S4D-Lin needs an even number of states (conjugate pairs), got {states}"
            ),
            CoreError::DegenerateWeights { spectral_radius } => {
                write!(f, "random W has spectral radius {spectral_radius}")
            }
            CoreError::TimeOutOfRange { t, len } => write!(f, "time {t} is outside 1..={len}"),
            CoreError::Mismatch(what) => write!(f, "internal mismatch: {what:?}"),
        }
    }
}

impl std::error::Error for CoreError {}

/// Result of a core computation.
pub type CoreResult<T> = Result<T, CoreError>;

/// Checks that `value` lies in `[min, max]` (and is not NaN).
pub fn check_range(param: &'static str, value: f64, min: f64, max: f64) -> CoreResult<()> {
    if value >= min && value <= max {
        Ok(())
    } else {
        Err(CoreError::OutOfRange {
            param,
            value,
            min,
            max,
        })
    }
}

/// Checks that every value of an array is finite.
pub fn check_finite<'a>(
    what: &'static str,
    values: impl IntoIterator<Item = &'a f32>,
) -> CoreResult<()> {
    if values.into_iter().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(CoreError::NonFinite { what })
    }
}

/// Checks a model input `x: [L, d_model]`: at least one position, the right width, finite.
pub fn check_sequence(x: ArrayView2<f32>, d_model: usize) -> CoreResult<()> {
    if x.nrows() == 0 {
        return Err(CoreError::EmptyInput);
    }
    if x.ncols() != d_model {
        return Err(CoreError::Shape {
            what: "x",
            expected: format!("[L, {d_model}]"),
            got: format!("[{}, {}]", x.nrows(), x.ncols()),
        });
    }
    check_finite("x", x.iter())
}

/// Checks that `inputs` is a range of influence columns within `0..len`.
pub fn check_columns(inputs: &Range<usize>, len: usize) -> CoreResult<()> {
    if inputs.start > inputs.end || inputs.end > len {
        return Err(CoreError::Shape {
            what: "influence columns",
            expected: format!("a range within 0..{len}"),
            got: format!("{}..{}", inputs.start, inputs.end),
        });
    }
    Ok(())
}
