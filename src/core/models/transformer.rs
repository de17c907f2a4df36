//! Lands with the model-core issue.
