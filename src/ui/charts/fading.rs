//! Chart of the fading view (lands with its issue).
