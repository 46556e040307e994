//! Gauss hypergeometric function 2F1(a, b; c; z) for real arguments.

/// Errors of [`hyp2f1`] and [`ln_hyp2f1`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Hyp2f1Error {
    #[error("2F1({a}, {b}; {c}; {z}) is outside the supported domain: {reason}")]
    Domain { a: f64, b: f64, c: f64, z: f64, reason: String },
    #[error("2F1({a}, {b}; {c}; {z}) did not converge after {terms} terms")]
    NoConvergence { a: f64, b: f64, c: f64, z: f64, terms: usize },
}

/// Computes 2F1(a, b; c; z).
pub fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Result<f64, Hyp2f1Error> {
    let (ln_abs, sign) = ln_hyp2f1(a, b, c, z)?;
    Ok(sign * ln_abs.exp())
}

/// Computes ln|2F1(a, b; c; z)| and the sign of 2F1, so that large values do not overflow.
pub fn ln_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Result<(f64, f64), Hyp2f1Error> {
    let _ = (a, b, c, z);
    todo!("series in log space with transformations near z = 1")
}
