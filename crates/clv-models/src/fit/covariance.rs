//! Standard errors from the observed information matrix.
//!
//! The matrices here have one row per model parameter, three to five in the
//! built-in models, so a hand-written Cholesky factorisation is enough and
//! keeps a linear algebra crate out of the dependencies.

/// Smallest squared Cholesky pivot of the equilibrated information, whose
/// diagonal is 1, for which the matrix counts as positive definite. Below
/// it the matrix is singular within the accuracy of a finite-difference
/// Hessian, and variances from its inverse would be noise.
const MIN_SQUARED_PIVOT: f64 = 1e-12;

/// Computes standard errors as the square roots of the diagonal of the
/// inverse of `information`, a symmetric matrix.
///
/// Every entry is `None` when the matrix has an entry that is not finite or
/// is not positive definite, because its inverse is then no covariance
/// matrix. Otherwise an entry is `None` only where the variance overflows.
pub(crate) fn standard_errors(information: &[Vec<f64>]) -> Vec<Option<f64>> {
    let dimension = information.len();
    let none = vec![None; dimension];
    if information.iter().flatten().any(|value| !value.is_finite()) {
        log::debug!("the observed information has non-finite entries: {information:?}");
        return none;
    }

    // Equilibrate to a unit diagonal, so that parameters on scales as far
    // apart as 1e-3 and 1e3 do not make the factorisation lose precision.
    let diagonal: Vec<f64> = (0..dimension).map(|i| information[i][i]).collect();
    if let Some(index) = diagonal.iter().position(|value| *value <= 0.0) {
        log::debug!(
            "the observed information is not positive definite: diagonal entry {index} is {}",
            diagonal[index]
        );
        return none;
    }
    let scales: Vec<f64> = diagonal.iter().map(|value| value.sqrt()).collect();
    let equilibrated: Vec<Vec<f64>> = (0..dimension)
        .map(|i| (0..dimension).map(|j| information[i][j] / (scales[i] * scales[j])).collect())
        .collect();

    let Some(factor) = cholesky(&equilibrated) else {
        log::debug!("the observed information is not positive definite: {information:?}");
        return none;
    };
    let inverse_factor = invert_lower_triangular(&factor);

    // For S = L L^T, (S^-1)_ii = sum over k of ((L^-1)_ki)^2, and the
    // variance of parameter i is (S^-1)_ii / information_ii.
    (0..dimension)
        .map(|i| {
            let scaled_variance: f64 = (i..dimension).map(|k| inverse_factor[k][i].powi(2)).sum();
            let standard_error = (scaled_variance / diagonal[i]).sqrt();
            (standard_error.is_finite() && standard_error > 0.0).then_some(standard_error)
        })
        .collect()
}

/// Solves `information x = gradient` for a symmetric positive definite
/// `information`, with the same equilibration and pivot check as
/// [`standard_errors`]; `None` when the matrix is not positive definite.
pub(super) fn solve(information: &[Vec<f64>], gradient: &[f64]) -> Option<Vec<f64>> {
    let dimension = information.len();
    if information.iter().flatten().any(|value| !value.is_finite()) {
        return None;
    }
    let diagonal: Vec<f64> = (0..dimension).map(|i| information[i][i]).collect();
    if diagonal.iter().any(|value| *value <= 0.0) {
        return None;
    }
    let scales: Vec<f64> = diagonal.iter().map(|value| value.sqrt()).collect();
    let equilibrated: Vec<Vec<f64>> = (0..dimension)
        .map(|i| (0..dimension).map(|j| information[i][j] / (scales[i] * scales[j])).collect())
        .collect();
    let inverse_factor = invert_lower_triangular(&cholesky(&equilibrated)?);

    // With S = D^-1/2 I D^-1/2 = L L^T, x = D^-1/2 L^-T L^-1 D^-1/2 g.
    let scaled: Vec<f64> = (0..dimension).map(|i| gradient[i] / scales[i]).collect();
    let forward: Vec<f64> =
        (0..dimension).map(|i| (0..=i).map(|k| inverse_factor[i][k] * scaled[k]).sum()).collect();
    let solution = (0..dimension)
        .map(|i| (i..dimension).map(|k| inverse_factor[k][i] * forward[k]).sum::<f64>() / scales[i])
        .collect();
    Some(solution)
}

/// Returns the lower triangular `L` with `matrix = L L^T`, or `None` when a
/// squared pivot falls below [`MIN_SQUARED_PIVOT`].
fn cholesky(matrix: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let dimension = matrix.len();
    let mut factor = vec![vec![0.0; dimension]; dimension];
    for j in 0..dimension {
        let squared_pivot = matrix[j][j] - (0..j).map(|k| factor[j][k] * factor[j][k]).sum::<f64>();
        if squared_pivot.is_nan() || squared_pivot < MIN_SQUARED_PIVOT {
            return None;
        }
        let pivot = squared_pivot.sqrt();
        factor[j][j] = pivot;
        for i in j + 1..dimension {
            let dot: f64 = (0..j).map(|k| factor[i][k] * factor[j][k]).sum();
            factor[i][j] = (matrix[i][j] - dot) / pivot;
        }
    }
    Some(factor)
}

/// Inverts a lower triangular matrix with a positive diagonal by forward
/// substitution, one row at a time.
fn invert_lower_triangular(lower: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let dimension = lower.len();
    let mut inverse: Vec<Vec<f64>> = Vec::with_capacity(dimension);
    for (row, lower_row) in lower.iter().enumerate() {
        let mut inverse_row = vec![0.0; dimension];
        for (column, entry) in inverse_row.iter_mut().enumerate().take(row + 1) {
            let identity = if row == column { 1.0 } else { 0.0 };
            let dot: f64 = (column..row).map(|k| lower_row[k] * inverse[k][column]).sum();
            *entry = (identity - dot) / lower_row[row];
        }
        inverse.push(inverse_row);
    }
    inverse
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_close(actual: Option<f64>, expected: f64, relative: f64) {
        let actual = actual.expect("a standard error");
        assert!((actual - expected).abs() <= relative * expected, "{actual} != {expected}");
    }

    #[test]
    fn diagonal_information() {
        // Variances are the reciprocals of the diagonal.
        let errors = standard_errors(&[vec![4.0, 0.0], vec![0.0, 0.25]]);
        assert_close(errors[0], 0.5, 1e-15);
        assert_close(errors[1], 2.0, 1e-15);
    }

    #[test]
    fn correlated_information() {
        // [[2, 1], [1, 3]] has inverse [[3, -1], [-1, 2]] / 5.
        let errors = standard_errors(&[vec![2.0, 1.0], vec![1.0, 3.0]]);
        assert_close(errors[0], (3.0_f64 / 5.0).sqrt(), 1e-14);
        assert_close(errors[1], (2.0_f64 / 5.0).sqrt(), 1e-14);
    }

    #[test]
    fn badly_scaled_information() {
        // Information diag(1/p^2) * [[2, 1], [1, 3]] * diag(1/p^2) for
        // p = (1e-3, 1e3) has variances p_i^2 times those of the unscaled
        // matrix above.
        let scale = [1e-3, 1e3];
        let base = [[2.0, 1.0], [1.0, 3.0]];
        let information: Vec<Vec<f64>> =
            (0..2).map(|i| (0..2).map(|j| base[i][j] / (scale[i] * scale[j])).collect()).collect();
        let errors = standard_errors(&information);
        assert_close(errors[0], 1e-3 * (3.0_f64 / 5.0).sqrt(), 1e-13);
        assert_close(errors[1], 1e3 * (2.0_f64 / 5.0).sqrt(), 1e-13);
    }

    /// The solution of a 2x2 system, against its closed form.
    #[test]
    fn solve_two_by_two() {
        let information = vec![vec![4.0, 1.0], vec![1.0, 3.0]];
        let solution = solve(&information, &[1.0, 2.0]).unwrap();
        // Closed form: the inverse of [[4, 1], [1, 3]] is [[3, -1], [-1, 4]] / 11.
        assert!((solution[0] - 1.0 / 11.0).abs() < 1e-15, "{solution:?}");
        assert!((solution[1] - 7.0 / 11.0).abs() < 1e-15, "{solution:?}");
        assert_eq!(solve(&[vec![1.0, 2.0], vec![2.0, 1.0]], &[1.0, 1.0]), None);
    }

    #[test]
    fn three_by_three_inverse() {
        // The matrix [[4, 2, 0], [2, 5, 1], [0, 1, 3]] has determinant 44 and
        // inverse diagonal (14, 12, 16) / 44 by cofactors.
        let information = vec![vec![4.0, 2.0, 0.0], vec![2.0, 5.0, 1.0], vec![0.0, 1.0, 3.0]];
        let errors = standard_errors(&information);
        for (error, cofactor) in errors.into_iter().zip([14.0, 12.0, 16.0]) {
            assert_close(error, (cofactor / 44.0_f64).sqrt(), 1e-14);
        }
    }

    #[test]
    fn indefinite_information() {
        let errors = standard_errors(&[vec![1.0, 2.0], vec![2.0, 1.0]]);
        assert_eq!(errors, vec![None, None]);
    }

    #[test]
    fn non_positive_diagonal() {
        let errors = standard_errors(&[vec![0.0, 0.0], vec![0.0, 1.0]]);
        assert_eq!(errors, vec![None, None]);
    }

    #[test]
    fn singular_information() {
        let errors = standard_errors(&[vec![1.0, 1.0], vec![1.0, 1.0]]);
        assert_eq!(errors, vec![None, None]);
    }

    #[test]
    fn non_finite_information() {
        let errors = standard_errors(&[vec![f64::NAN, 0.0], vec![0.0, 1.0]]);
        assert_eq!(errors, vec![None, None]);
    }
}
