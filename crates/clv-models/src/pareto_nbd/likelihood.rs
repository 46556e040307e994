//! Pareto/NBD log-likelihood of one customer and of compressed patterns.
//!
//! Given the purchase rate λ and the dropout rate μ, a customer with summary
//! (x, t_x, T) either is still active at T or dropped out at some τ in
//! (t_x, T]. Integrating λ over Gamma(r, α) and μ over Gamma(s, β) gives
//!
//! ```text
//! L = Γ(r+x) α^r β^s / Γ(r) * [ 1 / ((α+T)^(r+x) (β+T)^s) + s I ]
//! I = ∫_{t_x}^{T} (α+τ)^-(r+x) (β+τ)^-(s+1) dτ = A0 / (r+s+x)
//! ```
//!
//! where A0 is the difference of two Gauss hypergeometric terms (Fader &
//! Hardie, "A Note on Deriving the Pareto/NBD Model and Related
//! Expressions", 2005). With `m = r+s+x` and `z(τ) = |α-β| / (max(α,β)+τ)`,
//! the term at τ is `2F1(m, b; m+1; z(τ)) / (max(α,β)+τ)^m`, with `b = s+1`
//! when α >= β and `b = r+x` when α < β. Each term equals
//! `m ∫_τ^∞ (α+u)^-(r+x) (β+u)^-(s+1) du`, so A0 is their difference at t_x
//! and at T.

use std::collections::VecDeque;
use std::f64::consts::LN_2;
use std::sync::Mutex;

use super::ParetoNbdProcess;
use super::dropout_rule::dropout_moments;
use super::gradient::{FrequencyTerms, ln_likelihood_and_gradient};
use super::hessian::{customer_hessian, full_matrix, trigamma_difference};
use super::quadrature::ln_integral;
use crate::btyd::{Pattern, Rfm};
use crate::fit::LogLikelihood;
use crate::fit::sum::sum_arrays_with_state;
use crate::special::{ln_gamma, ln_hyp2f1, log_diff_exp, log_sum_exp};

/// Computes ln A0, negative infinity when `t_x >= T` (A0 is then exactly 0).
///
/// The hypergeometric terms are used when the term at t_x is more than twice
/// the term at T, so their difference loses at most one bit. Otherwise t_x
/// is close to T on the scale of the integrand, and A0 is computed as
/// `m I` by quadrature over (t_x, T], which has no cancellation. The
/// quadrature is also the fallback when 2F1 cannot be evaluated.
pub(super) fn ln_a0(process: &ParetoNbdProcess, rfm: Rfm) -> f64 {
    let Rfm { x, t_x, t } = rfm;
    if t_x >= t {
        return f64::NEG_INFINITY;
    }
    let ParetoNbdProcess { r, alpha, s, beta } = *process;
    let m = r + s + x;

    if alpha == beta {
        // z = 0 and 2F1 = 1, so A0 = (α+t_x)^-m - (α+T)^-m exactly, written
        // as (α+t_x)^-m (1 - ((α+t_x)/(α+T))^m) without cancellation.
        let ln_growth = ((t - t_x) / (alpha + t_x)).ln_1p();
        return -m * (alpha + t_x).ln() + (-(-m * ln_growth).exp_m1()).ln();
    }

    if !quadrature_is_certain(process, rfm) {
        if let Some(ln_value) = ln_a0_hypergeometric(process, rfm) {
            return ln_value;
        }
    }
    m.ln() + ln_dropout_integral(process, rfm)
}

/// Returns whether the hypergeometric terms at t_x and T are certain to
/// differ by at most a factor of 2, so [`ln_a0`] would integrate anyway and
/// both 2F1 evaluations can be skipped.
///
/// With the integrand `f(u) = (α+u)^-(r+x) (β+u)^-(s+1)`, decreasing in u,
/// and `c = min(α, β)`, the terms differ by at most 2 when
/// `∫_{t_x}^T f <= ∫_T^∞ f`. The left side is at most `(T - t_x) f(t_x)`.
/// For `u = T + v`, both `(α+u) / (α+T)` and `(β+u) / (β+T)` are at most
/// `1 + v / (c+T)`, so the right side is at least `f(T) (c+T) / m`.
/// The check compares those two bounds, so it can return `false` where the
/// terms are close, and then the 2F1 terms decide.
fn quadrature_is_certain(process: &ParetoNbdProcess, rfm: Rfm) -> bool {
    let ParetoNbdProcess { r, alpha, s, beta } = *process;
    let Rfm { x, t_x, t } = rfm;
    let m = r + s + x;
    let ln_decay =
        (r + x) * ((t - t_x) / (alpha + t_x)).ln_1p() + (s + 1.0) * ((t - t_x) / (beta + t_x)).ln_1p();
    let ln_interval_bound = (t - t_x).ln() + ln_decay;
    let ln_tail_bound = (alpha.min(beta) + t).ln() - m.ln();
    ln_interval_bound <= ln_tail_bound
}

/// Computes ln A0 from the two hypergeometric terms, or `None` when their
/// difference would cancel or 2F1 cannot be evaluated.
fn ln_a0_hypergeometric(process: &ParetoNbdProcess, rfm: Rfm) -> Option<f64> {
    let ParetoNbdProcess { r, alpha, s, beta } = *process;
    let m = r + s + rfm.x;
    let (larger, b) = if alpha >= beta { (alpha, s + 1.0) } else { (beta, r + rfm.x) };
    let difference = (alpha - beta).abs();

    let ln_term = |tau: f64| -> Option<f64> {
        let (ln_abs, sign) = ln_hyp2f1(m, b, m + 1.0, difference / (larger + tau)).ok()?;
        // All arguments are positive and z is in [0, 1), so 2F1 > 0.
        (sign > 0.0 && ln_abs.is_finite()).then(|| ln_abs - m * (larger + tau).ln())
    };
    let at_recency = ln_term(rfm.t_x)?;
    let at_age = ln_term(rfm.t)?;
    (at_recency - at_age > LN_2).then(|| log_diff_exp(at_recency, at_age))
}

/// Computes ln I, the integral over the dropout time τ in (t_x, T].
///
/// The integrand is taken relative to its value at t_x, through `ln_1p` of
/// `τ - t_x`, so that its rounding noise stays near 1e-16 where it is
/// largest, even for x = 300.
pub(super) fn ln_dropout_integral(process: &ParetoNbdProcess, rfm: Rfm) -> f64 {
    let ParetoNbdProcess { r, alpha, s, beta } = *process;
    let Rfm { x, t_x, t } = rfm;
    let ln_at_recency = -(r + x) * (alpha + t_x).ln() - (s + 1.0) * (beta + t_x).ln();
    let ln_relative =
        |delta: f64| -(r + x) * (delta / (alpha + t_x)).ln_1p() - (s + 1.0) * (delta / (beta + t_x)).ln_1p();
    ln_at_recency + ln_integral(ln_relative, t_x, t, alpha.min(beta))
}

/// One customer's log-likelihood, with the logarithms of its two parts
/// before the common factor `Γ(r+x) α^r β^s / Γ(r)`: still active at T
/// (`ln_active`), and dropped out in (t_x, T] (`ln_dropped`, which is ln(s I)).
pub(super) struct LikelihoodParts {
    pub ln_likelihood: f64,
    pub ln_active: f64,
    pub ln_dropped: f64,
}

/// Splits one customer's likelihood into its two parts.
pub(super) fn likelihood_parts(process: &ParetoNbdProcess, rfm: Rfm) -> LikelihoodParts {
    let ParetoNbdProcess { r, alpha, s, beta } = *process;
    let Rfm { x, t, .. } = rfm;
    let m = r + s + x;

    let ln_common = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln() + s * beta.ln();
    let ln_active = -(r + x) * (alpha + t).ln() - s * (beta + t).ln();
    let ln_dropped = s.ln() - m.ln() + ln_a0(process, rfm);
    LikelihoodParts { ln_likelihood: ln_common + log_sum_exp(ln_active, ln_dropped), ln_active, ln_dropped }
}

/// Pareto/NBD log-likelihood of compressed customer patterns, each weighted
/// by its count. Parameters are in the order r, alpha, s, beta.
///
/// The value, the gradient and the Hessian integrate over the dropout time
/// with the fixed rule of [`super::dropout_rule`], which agrees with the
/// per-customer log-likelihood (2F1 or adaptive quadrature) to about 1e-11.
#[derive(Debug)]
pub struct ParetoNbdLikelihood {
    patterns: Vec<Pattern>,
    /// The parameters, log-likelihood and gradient of the last passes, the
    /// newest last. The optimiser requests the value and then the gradient
    /// at the same point, and one pass computes both. The observed information
    /// probes the same points around an optimum each time it is computed
    /// there, so the fit's last steps reuse the passes of the first. A
    /// Hessian pass stores its value and gradient here too, so a Newton step
    /// costs one pass.
    recent: Mutex<VecDeque<Evaluation>>,
    /// The parameters and Hessian of the last Hessian pass. The fit computes
    /// the Hessian at its optimum for the standard errors and again for the
    /// first Newton step.
    last_hessian: Mutex<Option<HessianEvaluation>>,
}

/// The Hessian at `params`.
#[derive(Clone, Debug)]
struct HessianEvaluation {
    params: Vec<f64>,
    hessian: Vec<Vec<f64>>,
}

/// Number of recent passes kept: the centre and the 8 probes of the
/// observed information, and a few more.
const RECENT: usize = 12;

/// The log-likelihood and its gradient at `params`.
#[derive(Clone, Debug)]
struct Evaluation {
    params: Vec<f64>,
    value: f64,
    gradient: Vec<f64>,
}

impl Clone for ParetoNbdLikelihood {
    fn clone(&self) -> ParetoNbdLikelihood {
        ParetoNbdLikelihood::new(self.patterns.clone())
    }
}

impl ParetoNbdLikelihood {
    /// Creates the likelihood of `patterns`.
    pub fn new(patterns: Vec<Pattern>) -> ParetoNbdLikelihood {
        ParetoNbdLikelihood {
            patterns,
            recent: Mutex::new(VecDeque::with_capacity(RECENT)),
            last_hessian: Mutex::new(None),
        }
    }

    /// Returns the patterns that the likelihood sums over.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }
}

impl LogLikelihood for ParetoNbdLikelihood {
    fn dimension(&self) -> usize {
        4
    }

    /// Returns negative infinity unless all four parameters are finite and positive.
    fn log_likelihood(&self, params: &[f64]) -> f64 {
        self.value_and_gradient(params).map_or(f64::NEG_INFINITY, |(value, _)| value)
    }

    /// Returns `None` unless all four parameters are finite and positive.
    fn gradient(&self, params: &[f64]) -> Option<Vec<f64>> {
        self.value_and_gradient(params).map(|(_, gradient)| gradient)
    }

    /// Returns `None` unless all four parameters are finite and positive and
    /// every frequency is a whole number.
    fn hessian(&self, params: &[f64]) -> Option<Vec<Vec<f64>>> {
        if params.len() != 4 || !params.iter().all(|value| value.is_finite() && *value > 0.0) {
            return None;
        }
        let mut last = self.last_hessian.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(evaluation) = last.as_ref().filter(|evaluation| evaluation.params == params) {
            return Some(evaluation.hessian.clone());
        }
        let (value, gradient, entries) = self.pass_with_hessian(params);
        self.remember(params, value, &gradient);
        let hessian = entries.iter().all(|entry| entry.is_finite()).then(|| full_matrix(&entries))?;
        *last = Some(HessianEvaluation { params: params.to_vec(), hessian: hessian.clone() });
        Some(hessian)
    }
}

impl ParetoNbdLikelihood {
    /// Returns the log-likelihood and its gradient, from a recent pass when
    /// one was at `params`.
    fn value_and_gradient(&self, params: &[f64]) -> Option<(f64, Vec<f64>)> {
        if params.len() != 4 || !params.iter().all(|value| value.is_finite() && *value > 0.0) {
            return None;
        }
        // A poisoned lock only means that another thread panicked during a
        // pass, so the cache is still valid.
        let recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(evaluation) = recent.iter().find(|evaluation| evaluation.params == params) {
            return Some((evaluation.value, evaluation.gradient.clone()));
        }
        drop(recent);
        let (value, gradient) = self.pass(params);
        self.remember(params, value, &gradient);
        Some((value, gradient))
    }

    /// Stores the log-likelihood and gradient at `params` as the newest pass.
    fn remember(&self, params: &[f64], value: f64, gradient: &[f64]) {
        let mut recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if recent.len() == RECENT {
            recent.pop_front();
        }
        recent.push_back(Evaluation { params: params.to_vec(), value, gradient: gradient.to_vec() });
    }

    /// Computes the log-likelihood and its gradient in one pass over the
    /// patterns, with the fixed rule of [`super::dropout_rule`].
    fn pass(&self, params: &[f64]) -> (f64, Vec<f64>) {
        let process = ParetoNbdProcess::from_params(params);
        let [value, gradient @ ..] =
            sum_arrays_with_state(&self.patterns, |cache: &mut Option<FrequencyTerms>, pattern| {
                let frequency = FrequencyTerms::cached(cache, process.r, pattern.rfm.x);
                let moments = dropout_moments(&process, pattern.rfm, false);
                let (value, gradient) =
                    ln_likelihood_and_gradient(&process, pattern.rfm, frequency, moments.as_ref());
                let count = pattern.count;
                [
                    count * value,
                    count * gradient[0],
                    count * gradient[1],
                    count * gradient[2],
                    count * gradient[3],
                ]
            });
        (value, gradient.to_vec())
    }

    /// Computes the log-likelihood, its gradient and the upper triangle of its
    /// Hessian in one pass, so each pattern integrates over the dropout time
    /// once. The Hessian entries are NaN when a frequency is not whole.
    fn pass_with_hessian(&self, params: &[f64]) -> (f64, Vec<f64>, [f64; 10]) {
        let process = ParetoNbdProcess::from_params(params);
        let sums = sum_arrays_with_state(&self.patterns, |cache: &mut HessianCache, pattern| {
            let rfm = pattern.rfm;
            let frequency = FrequencyTerms::cached(&mut cache.frequency, process.r, rfm.x);
            let trigamma = match cache.trigamma {
                Some((cached_x, trigamma)) if cached_x == rfm.x => trigamma,
                _ => {
                    cache
                        .trigamma
                        .insert((rfm.x, trigamma_difference(process.r, rfm.x).unwrap_or(f64::NAN)))
                        .1
                }
            };
            let moments = dropout_moments(&process, rfm, true);
            let (value, gradient) = ln_likelihood_and_gradient(&process, rfm, frequency, moments.as_ref());
            let hessian = customer_hessian(&process, rfm, trigamma, moments.as_ref());

            let mut sums = [0.0; 15];
            sums[0] = value;
            sums[1..5].copy_from_slice(&gradient);
            sums[5..].copy_from_slice(&hessian);
            sums.map(|entry| pattern.count * entry)
        });
        let mut hessian = [0.0; 10];
        hessian.copy_from_slice(&sums[5..]);
        (sums[0], sums[1..5].to_vec(), hessian)
    }
}

/// Per-chunk cache of a Hessian pass: the terms of the last frequency, and
/// its [`trigamma_difference`].
#[derive(Default)]
struct HessianCache {
    frequency: Option<FrequencyTerms>,
    trigamma: Option<(f64, f64)>,
}
