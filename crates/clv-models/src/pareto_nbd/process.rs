//! The fitted Pareto/NBD transaction process and its predictions.

use super::likelihood::likelihood_parts;
use super::quadrature::ln_integral;
use crate::btyd::{Rfm, TransactionProcess};
use crate::special::{ln_gamma, log_sum_exp};

/// Pareto/NBD parameters: purchase rates λ ~ Gamma(shape r, rate alpha) and
/// dropout rates μ ~ Gamma(shape s, rate beta) across customers. `alpha` and
/// `beta` are in the time unit of the fit, and all four must be positive.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParetoNbdProcess {
    pub r: f64,
    pub alpha: f64,
    pub s: f64,
    pub beta: f64,
}

impl ParetoNbdProcess {
    /// Builds the process from parameters in the order r, alpha, s, beta.
    ///
    /// # Panics
    ///
    /// Panics unless `params` has exactly four values.
    pub fn from_params(params: &[f64]) -> ParetoNbdProcess {
        let [r, alpha, s, beta] = params else {
            panic!("the Pareto/NBD process has 4 parameters, got {}", params.len());
        };
        ParetoNbdProcess { r: *r, alpha: *alpha, s: *s, beta: *beta }
    }
}

/// Computes `∫_0^length e^(-rate u) du = (1 - e^(-rate length)) / rate`,
/// which is `length` when `rate = 0`.
///
/// `expm1` keeps full relative accuracy for `rate` near 0, where the
/// quotient form would cancel. Both expectations of the model use it with
/// `rate = s - 1`.
fn integral_of_exponential(rate: f64, length: f64) -> f64 {
    if rate == 0.0 {
        return length;
    }
    -(-rate * length).exp_m1() / rate
}

impl TransactionProcess for ParetoNbdProcess {
    fn log_likelihood(&self, rfm: Rfm) -> f64 {
        likelihood_parts(self, rfm).ln_likelihood
    }

    /// Computes `P(alive) (r+x)(β+T) / ((α+T)(s-1)) [1 - ((β+T)/(β+T+t))^(s-1)]`,
    /// whose limit at `s = 1` is `P(alive) (r+x)(β+T) / (α+T) ln((β+T+t)/(β+T))`.
    ///
    /// For `t = ∞` this is infinite when `s <= 1`, because the expected
    /// lifetime of an active customer is then infinite.
    fn conditional_expected_transactions(&self, rfm: Rfm, t: f64) -> f64 {
        let p_alive = self.p_alive(rfm);
        if p_alive == 0.0 || t <= 0.0 {
            return 0.0;
        }
        let ParetoNbdProcess { r, alpha, s, beta } = *self;
        let Rfm { x, t: age, .. } = rfm;
        let ln_growth = (t / (beta + age)).ln_1p();
        p_alive * (r + x) / (alpha + age) * (beta + age) * integral_of_exponential(s - 1.0, ln_growth)
    }

    fn conditional_expected_transactions_at(&self, rfm: Rfm, times: &[f64]) -> Vec<f64> {
        let p_alive = self.p_alive(rfm);
        let if_alive = self.expected_transactions_if_alive_at(rfm.x, rfm.t, times);
        if_alive.unwrap_or_default().into_iter().map(|expected| p_alive * expected).collect()
    }

    /// Returns the expectation of a customer alive at `T`, whose purchase
    /// rate is Gamma(r + x, α + T) and dropout rate Gamma(s, β + T).
    fn expected_transactions_if_alive_at(&self, x: f64, age: f64, times: &[f64]) -> Option<Vec<f64>> {
        let ParetoNbdProcess { r, alpha, s, beta } = *self;
        let expected = |t: f64| {
            if t <= 0.0 {
                return 0.0;
            }
            let ln_growth = (t / (beta + age)).ln_1p();
            (r + x) / (alpha + age) * (beta + age) * integral_of_exponential(s - 1.0, ln_growth)
        };
        Some(times.iter().map(|&t| expected(t)).collect())
    }

    /// Computes `1 / (1 + (s / (r+s+x)) (α+T)^(r+x) (β+T)^s A0)`, which is 1
    /// when `t_x = T` because A0 is then 0.
    fn p_alive(&self, rfm: Rfm) -> f64 {
        let parts = likelihood_parts(self, rfm);
        // ln of the odds of having dropped out rather than being active.
        let ln_odds = parts.ln_dropped - parts.ln_active;
        if ln_odds > 0.0 {
            let inverse_odds = (-ln_odds).exp();
            inverse_odds / (1.0 + inverse_odds)
        } else {
            1.0 / (1.0 + ln_odds.exp())
        }
    }

    /// Computes `r β / (α (s-1)) [1 - (β/(β+t))^(s-1)]`, whose limit at
    /// `s = 1` is `(r β / α) ln((β+t)/β)`. Infinite for `t = ∞` and `s <= 1`.
    fn expected_transactions(&self, t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        let ParetoNbdProcess { r, alpha, s, beta } = *self;
        r / alpha * beta * integral_of_exponential(s - 1.0, (t / beta).ln_1p())
    }

    /// Computes P(X(t) = n) by numerical integration over the dropout time.
    ///
    /// A customer active through t buys NBD(r, α) over (0, t], and one who
    /// dropped out at τ <= t buys NBD over (0, τ]. With τ ~ Exp(μ) and
    /// μ ~ Gamma(s, β):
    ///
    /// ```text
    /// P(X(t) = n) = Γ(r+n) / (Γ(r) n!) * [ α^r t^n β^s / ((α+t)^(r+n) (β+t)^s)
    ///               + s α^r β^s ∫_0^t τ^n (α+τ)^-(r+n) (β+τ)^-(s+1) dτ ]
    /// ```
    ///
    /// The closed form of Fader & Hardie's 2006 note subtracts a sum of
    /// hypergeometric terms from another, which cancels for large n, so the
    /// integral is computed by quadrature instead (relative error about
    /// 1e-13). An infinite `t` is taken as `f64::MAX`.
    fn probability_of_transactions(&self, n: u32, t: f64) -> f64 {
        if t.is_nan() || t <= 0.0 {
            return if n == 0 { 1.0 } else { 0.0 };
        }
        // NOTE: past f64::MAX the integrand falls off as τ^-(r+s+1), so the
        // truncation for t = ∞ is only negligible when r + s is not tiny.
        let t = t.min(f64::MAX);
        let ParetoNbdProcess { r, alpha, s, beta } = *self;
        let count = f64::from(n);

        let ln_coefficient = ln_gamma(r + count) - ln_gamma(r) - ln_gamma(count + 1.0);
        let ln_active = -r * (t / alpha).ln_1p() - count * (alpha / t).ln_1p() - s * (t / beta).ln_1p();

        // τ^n (α+τ)^-(r+n) is written as (1 + α/τ)^-n (α+τ)^-r, because the
        // two logarithms of size n ln τ would leave rounding noise far above
        // the quadrature's tolerance for large n.
        let ln_integrand = |tau: f64| {
            let ln_power = if n == 0 { 0.0 } else { -count * (alpha / tau).ln_1p() };
            ln_power - r * (alpha + tau).ln() - (s + 1.0) * (beta + tau).ln()
        };
        let ln_dropped =
            s.ln() + r * alpha.ln() + s * beta.ln() + ln_integral(ln_integrand, 0.0, t, alpha.min(beta));

        (ln_coefficient + log_sum_exp(ln_active, ln_dropped)).exp().min(1.0)
    }

    fn parameters(&self) -> Vec<(&'static str, f64)> {
        vec![("r", self.r), ("alpha", self.alpha), ("s", self.s), ("beta", self.beta)]
    }
}
