//! Ranking measures of a model against the customers' actual value: the
//! gains (Lorenz) curve, normalised Gini and top-decile capture.
//!
//! Customers are ranked by the model's score, highest first. A group of
//! customers with the same score has no order, so within it the curve rises
//! linearly, as if the group's actual value were spread evenly over its
//! members. That keeps every measure independent of how ties are sorted.

/// Cumulative share of the actual total held by the first `i` customers of
/// the ranking, for `i` = 1..=n; `None` when the actual total is not
/// positive or the slices differ in length or are empty.
pub fn gains_curve(score: &[f64], actual: &[f64]) -> Option<Vec<f64>> {
    let total: f64 = actual.iter().sum();
    if score.len() != actual.len() || score.is_empty() || total <= 0.0 {
        return None;
    }
    let mut order: Vec<usize> = (0..score.len()).collect();
    order.sort_by(|&i, &j| score[j].total_cmp(&score[i]));

    let mut curve = Vec::with_capacity(score.len());
    let mut held = 0.0;
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && score[order[end]] == score[order[start]] {
            end += 1;
        }
        let group_value: f64 = order[start..end].iter().map(|&i| actual[i]).sum();
        let size = (end - start) as f64;
        for member in 1..=end - start {
            curve.push((held + group_value * member as f64 / size) / total);
        }
        held += group_value;
        start = end;
    }
    Some(curve)
}

/// Gini of a ranking: the mean over `i` of the curve's height above the
/// diagonal, `(1/n) sum_i (L_i - i/n)`.
fn gini(curve: &[f64]) -> f64 {
    let n = curve.len() as f64;
    curve.iter().enumerate().map(|(i, share)| share - (i + 1) as f64 / n).sum::<f64>() / n
}

/// Normalised Gini: the Gini of the model's ranking over the Gini of the
/// ranking by actual value, 1 for a perfect ranking and about 0 for a random
/// one. `None` without a positive actual total or when every customer has
/// the same actual value, so no ranking is better than another.
pub fn normalised_gini(score: &[f64], actual: &[f64]) -> Option<f64> {
    let model = gini(&gains_curve(score, actual)?);
    let perfect = gini(&gains_curve(actual, actual)?);
    (perfect > 0.0).then(|| model / perfect)
}

/// Share of the actual total held by the model's top 10% of customers,
/// `ceil(n / 10)` of them; `None` without a positive actual total.
pub fn top_decile_capture(score: &[f64], actual: &[f64]) -> Option<f64> {
    let curve = gains_curve(score, actual)?;
    Some(curve[curve.len().div_ceil(10) - 1])
}

/// Heights of the gains curve at `points` evenly spaced shares of the
/// customers, `k / points` for k = 1..=points: the curve at customer
/// `ceil(k n / points)`. Charts draw this instead of all n points.
pub fn sample_curve(curve: &[f64], points: usize) -> Vec<f64> {
    let n = curve.len();
    (1..=points).map(|k| curve[(k * n).div_ceil(points).max(1) - 1]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Hand-computed on actual values (0, 1, 3): the perfect ranking captures
    // 3/4 after one customer and all after two, so its Gini is
    // ((3/4 - 1/3) + (1 - 2/3) + (1 - 1)) / 3 = 1/4.
    const ACTUAL: [f64; 3] = [0.0, 1.0, 3.0];

    #[test]
    fn gains_curve_of_perfect_ranking() {
        assert_eq!(gains_curve(&ACTUAL, &ACTUAL), Some(vec![0.75, 1.0, 1.0]));
    }

    #[test]
    fn gains_curve_spreads_ties() {
        // Scores tie on the customers worth 1 and 3: the group's 4 is spread
        // evenly, 2 each, ahead of the customer worth 0 who scores lower.
        assert_eq!(gains_curve(&[0.0, 5.0, 5.0], &ACTUAL), Some(vec![0.5, 1.0, 1.0]));
    }

    #[test]
    fn normalised_gini_cases() {
        assert_eq!(normalised_gini(&[0.0, 1.0, 2.0], &ACTUAL), Some(1.0));
        assert_eq!(normalised_gini(&[2.0, 1.0, 0.0], &ACTUAL), Some(-1.0));
        // Ranking 1, 3, 0: curve (1/4, 1, 1), Gini ((1/4 - 1/3) + 1/3 + 0) / 3 = 1/12,
        // a third of the perfect 1/4.
        let gini = normalised_gini(&[0.0, 2.0, 1.0], &ACTUAL).unwrap();
        assert!((gini - 1.0 / 3.0).abs() < 1e-12, "{gini}");
        assert_eq!(normalised_gini(&[1.0, 2.0, 3.0], &[2.0, 2.0, 2.0]), None);
        assert_eq!(normalised_gini(&[1.0, 2.0], &[0.0, 0.0]), None);
    }

    #[test]
    fn top_decile_capture_cases() {
        // Ten customers: the top decile is one customer.
        let actual = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 8.0];
        let perfect = top_decile_capture(&actual, &actual).unwrap();
        assert!((perfect - 0.8).abs() < 1e-12, "{perfect}");
        let score = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 1.0];
        let capture = top_decile_capture(&score, &actual).unwrap();
        assert!((capture - 0.2).abs() < 1e-12, "{capture}");
        // Eleven customers: ceil(11 / 10) = 2 in the top decile.
        let actual: Vec<f64> = (1..=11).map(f64::from).collect();
        let capture = top_decile_capture(&actual, &actual).unwrap();
        assert!((capture - 21.0 / 66.0).abs() < 1e-12, "{capture}");
    }

    #[test]
    fn sample_curve_points() {
        let curve: Vec<f64> = (1..=10).map(|i| f64::from(i) / 10.0).collect();
        assert_eq!(sample_curve(&curve, 5), vec![0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(sample_curve(&[1.0], 3), vec![1.0, 1.0, 1.0]);
    }
}
