//! Chart of the ssm view (lands with its issue).
