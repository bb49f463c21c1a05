//! The headquarters course catalogue: courses, lessons, translations with per-field fallback, publishing to branches.
