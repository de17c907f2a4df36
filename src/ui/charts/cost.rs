//! Chart of the cost view (lands with its issue).
