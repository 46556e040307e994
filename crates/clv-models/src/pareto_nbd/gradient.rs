//! One pattern's Pareto/NBD log-likelihood and its analytic gradient, both
//! from the fixed rule of [`super::dropout_rule`].
//!
//! With `C = Γ(r+x) α^r β^s / Γ(r)`, the active part
//! `A = (α+T)^-(r+x) (β+T)^-s` and the dropped part `D = s I`,
//! `ln L = ln C + ln(A + D)`. Its derivatives are those of `ln C`, plus
//! those of `ln A` and `ln D` weighted by their shares `A / (A+D)` and
//! `D / (A+D)`. The derivatives of `ln I` are means under the density
//! proportional to the integrand of I: `-E[ln(α+τ)]` in r,
//! `-(r+x) E[1/(α+τ)]` in α, `-E[ln(β+τ)]` in s and `-(s+1) E[1/(β+τ)]` in β.

use statrs::function::gamma::digamma;

use super::ParetoNbdProcess;
use super::dropout_rule::DropoutMoments;
#[cfg(doc)]
use super::dropout_rule::dropout_moments;
use crate::btyd::Rfm;
use crate::special::{ln_gamma, log_sum_exp};

/// Terms that depend on the frequency x alone: `ln Γ(r+x) - ln Γ(r)` and
/// `ψ(r+x) - ψ(r)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct FrequencyTerms {
    pub x: f64,
    ln_gamma_ratio: f64,
    digamma_difference: f64,
}

impl FrequencyTerms {
    /// Computes the terms of frequency `x` for the shape `r`.
    pub fn new(r: f64, x: f64) -> FrequencyTerms {
        FrequencyTerms {
            x,
            ln_gamma_ratio: ln_gamma(r + x) - ln_gamma(r),
            digamma_difference: digamma(r + x) - digamma(r),
        }
    }

    /// Returns the terms of `x`, from `cache` when it contains them, else
    /// computed and stored there. Patterns are sorted by x, so a chunk of
    /// patterns computes them once per distinct x.
    pub fn cached(cache: &mut Option<FrequencyTerms>, r: f64, x: f64) -> FrequencyTerms {
        match *cache {
            Some(terms) if terms.x == x => terms,
            _ => *cache.insert(FrequencyTerms::new(r, x)),
        }
    }
}

/// Returns one customer's log-likelihood and its gradient in (r, α, s, β).
/// `moments` are the [`dropout_moments`] of `rfm`, `None` when t_x = T.
pub(super) fn ln_likelihood_and_gradient(
    process: &ParetoNbdProcess,
    rfm: Rfm,
    frequency: FrequencyTerms,
    moments: Option<&DropoutMoments>,
) -> (f64, [f64; 4]) {
    let ParetoNbdProcess { r, alpha, s, beta } = *process;
    let Rfm { x, t, .. } = rfm;
    let (ln_alpha, ln_beta) = (alpha.ln(), beta.ln());
    let (ln_alpha_age, ln_beta_age) = ((alpha + t).ln(), (beta + t).ln());

    let ln_common = frequency.ln_gamma_ratio + r * ln_alpha + s * ln_beta;
    let ln_active = -(r + x) * ln_alpha_age - s * ln_beta_age;
    let mut gradient = [frequency.digamma_difference + ln_alpha, r / alpha, ln_beta, s / beta];

    let Some(moments) = moments else {
        // t_x = T: the customer cannot have dropped out before T.
        gradient[0] -= ln_alpha_age;
        gradient[1] -= (r + x) / (alpha + t);
        gradient[2] -= ln_beta_age;
        gradient[3] -= s / (beta + t);
        return (ln_common + ln_active, gradient);
    };
    let ln_dropped = s.ln() + moments.ln_integral;
    let ln_total = log_sum_exp(ln_active, ln_dropped);
    let active = (ln_active - ln_total).exp();
    let dropped = (ln_dropped - ln_total).exp();

    gradient[0] -= active * ln_alpha_age + dropped * moments.mean_ln_alpha;
    gradient[1] -= (r + x) * (active / (alpha + t) + dropped * moments.mean_inverse_alpha);
    gradient[2] += dropped * (1.0 / s - moments.mean_ln_beta) - active * ln_beta_age;
    gradient[3] -= active * s / (beta + t) + dropped * (s + 1.0) * moments.mean_inverse_beta;
    (ln_common + ln_total, gradient)
}
