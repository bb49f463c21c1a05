//! Checked conversions between the integer types the database, the HTTP
//! layer and the standard library use. Counts and positions here are
//! validated far below any type's limit, so these saturate instead of
//! failing; what they rule out is a silent wrap or sign flip (the lint
//! table forbids bare `as` casts that could do either).

/// A count or index as the `i32` a column stores.
pub(crate) fn to_i32(n: impl TryInto<i32>) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}

/// A count as the `i64` a column or a message argument takes.
pub(crate) fn to_i64(n: impl TryInto<i64>) -> i64 {
    n.try_into().unwrap_or(i64::MAX)
}

/// A stored count or index as a `usize`; negative values become 0.
pub(crate) fn to_usize(n: impl TryInto<usize>) -> usize {
    n.try_into().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_saturate_instead_of_wrapping() {
        assert_eq!(to_i32(usize::MAX), i32::MAX);
        assert_eq!(to_i32(7usize), 7);
        assert_eq!(to_i64(u64::MAX), i64::MAX);
        assert_eq!(to_usize(-3i32), 0);
        assert_eq!(to_usize(12i64), 12);
    }
}
