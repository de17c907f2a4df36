//! Chart of the scan view (lands with its issue).
