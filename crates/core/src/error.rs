//! Errors are values: invalid input gives a typed error the UI can put into words,
//! never a panic.

use std::fmt;
use std::ops::Range;

use ndarray::ArrayView2;

/// Why a core computation refused its input.
#[derive(Debug, Clone, PartialEq)]
pub enum CoreError {
    /// The sequence has no positions (L = 0).
    EmptyInput,
    /// An input contained NaN or ±∞; `what` names the input.
    NonFinite { what: &'static str },
    /// A hyper-parameter lies outside its documented range.
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
    /// A combination of valid values that does not work together (e.g. heads ∤ d_model).
    Invalid(String),
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
            CoreError::Invalid(why) => write!(f, "{why}"),
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
