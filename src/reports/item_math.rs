//! The statistics of item analysis, from sums a database aggregate returns
//! (no per-answer data): point-biserial correlation and the 2 × 2
//! chi-square test with its p-value. Pure functions.

/// Point-biserial correlation between a 0/1 item score `x` and the rest of
/// the score `y`, from n, Σx, Σy, Σy², Σxy (Σx² = Σx for a 0/1 variable).
/// None when either variable does not vary.
pub(crate) fn point_biserial(n: f64, sx: f64, sy: f64, syy: f64, sxy: f64) -> Option<f64> {
    let cov = n * sxy - sx * sy;
    let var_x = n * sx - sx * sx;
    let var_y = n * syy - sy * sy;
    if var_x <= 0.0 || var_y <= 1e-9 * n * n {
        return None;
    }
    Some((cov / (var_x.sqrt() * var_y.sqrt())).clamp(-1.0, 1.0))
}

/// A 2 × 2 comparison: whether one group's share of successes differs from
/// the other's beyond chance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct ChiSquare {
    pub statistic: f64,
    pub p_value: f64,
}

/// The chi-square test of independence (one degree of freedom, Yates'
/// continuity correction) on `[[a, b], [c, d]]`: group 1 has `a` successes
/// and `b` failures, group 2 `c` and `d`. None when an expected count is
/// below 5, where the test's approximation does not hold.
pub(crate) fn chi_square_2x2(a: f64, b: f64, c: f64, d: f64) -> Option<ChiSquare> {
    let n = a + b + c + d;
    let (r1, r2, c1, c2) = (a + b, c + d, a + c, b + d);
    if n <= 0.0 || [r1 * c1, r1 * c2, r2 * c1, r2 * c2].iter().any(|e| e / n < 5.0) {
        return None;
    }
    let diff = ((a * d - b * c).abs() - n / 2.0).max(0.0);
    let statistic = n * diff * diff / (r1 * r2 * c1 * c2);
    // With one degree of freedom, P(X > s) = erfc(sqrt(s / 2)).
    Some(ChiSquare {
        statistic,
        p_value: erfc((statistic / 2.0).sqrt()).clamp(0.0, 1.0),
    })
}

/// The complementary error function (Numerical Recipes' Chebyshev fit,
/// relative error below 1.2e-7 everywhere).
pub(crate) fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07 + t * (-1.135_203_98 + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erfc_matches_known_values() {
        for (x, want) in [
            (0.0, 1.0),
            (0.5, 0.479_500_122),
            (1.0, 0.157_299_207),
            (2.0, 0.004_677_735),
            (-1.0, 1.842_700_793),
        ] {
            assert!((erfc(x) - want).abs() < 1e-6, "erfc({x}) = {}", erfc(x));
        }
    }

    #[test]
    fn chi_square_of_a_textbook_table() {
        // 40/60 against 60/40 successes: Yates' chi-square 7.22, p = 0.0072.
        let t = chi_square_2x2(40.0, 60.0, 60.0, 40.0).unwrap();
        assert!((t.statistic - 7.22).abs() < 1e-9, "{t:?}");
        assert!((t.p_value - 0.00721).abs() < 1e-4, "{t:?}");
        // Equal shares: no evidence at all.
        assert_eq!(chi_square_2x2(30.0, 10.0, 60.0, 20.0).unwrap().p_value, 1.0);
        // An expected count under 5: no test.
        assert!(chi_square_2x2(2.0, 1.0, 50.0, 50.0).is_none());
    }

    #[test]
    fn point_biserial_from_sums() {
        // x = 1,1,0,0 with y = 3,2,1,0: r = 0.894.
        let (x, y) = ([1.0, 1.0, 0.0, 0.0], [3.0, 2.0, 1.0, 0.0]);
        let n = 4.0;
        let sx: f64 = x.iter().sum();
        let sy: f64 = y.iter().sum();
        let syy: f64 = y.iter().map(|v| v * v).sum();
        let sxy: f64 = x.iter().zip(y).map(|(a, b)| a * b).sum();
        let r = point_biserial(n, sx, sy, syy, sxy).unwrap();
        assert!((r - 0.894_427_191).abs() < 1e-6, "{r}");
        assert!(point_biserial(n, 4.0, sy, syy, sy).is_none(), "x does not vary");
    }
}
