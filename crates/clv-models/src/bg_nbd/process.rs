//! The fitted BG/NBD transaction process: likelihood, P(alive) and expectations.

use crate::btyd::{Rfm, TransactionProcess};
use crate::special::{ln_beta, ln_gamma, log_sum_exp};

use super::alive::expected_purchases_if_active;

/// The BG/NBD process with purchase rates `λ ~ Gamma(r, alpha)` (shape,
/// rate per time unit) and dropout probabilities `p ~ Beta(a, b)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BgNbdProcess {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
}

impl BgNbdProcess {
    /// Builds the process from `[r, alpha, a, b]`, the order of the likelihood's parameters.
    ///
    /// # Panics
    ///
    /// Panics if `params` does not have exactly four elements.
    pub fn from_params(params: &[f64]) -> BgNbdProcess {
        let [r, alpha, a, b] = <[f64; 4]>::try_from(params)
            .unwrap_or_else(|_| panic!("BG/NBD has 4 parameters, got {}", params.len()));
        BgNbdProcess { r, alpha, a, b }
    }

    /// Returns `(S, D)`, the two terms of one customer's log-likelihood that
    /// depend on the timing, both without the factor
    /// `Γ(r + x) / Γ(r) B(a, b + x) / B(a, b)`.
    ///
    /// `S = r ln α - (r + x) ln(α + T)` is the term of a customer still alive
    /// at `T`. `D = ln(a / (b + x - 1)) + r ln α - (r + x) ln(α + t_x)` is the
    /// term of one who dropped out right after the last purchase, and it is
    /// negative infinity when `x = 0`. `a / (b + x - 1)` is
    /// `B(a + 1, b + x - 1) / B(a, b + x)`.
    /// Returns `ln Γ(r + x) - ln Γ(r) + ln B(a, b + x) - ln B(a, b)`, the part
    /// of a customer's log-likelihood that depends on x alone.
    pub(super) fn ln_frequency_terms(&self, x: f64) -> f64 {
        let BgNbdProcess { r, a, b, .. } = *self;
        ln_gamma(r + x) - ln_gamma(r) + ln_beta(a, b + x) - ln_beta(a, b)
    }

    pub(super) fn ln_alive_and_dropped(&self, rfm: Rfm) -> (f64, f64) {
        let BgNbdProcess { r, alpha, a, b } = *self;
        let Rfm { x, t_x, t } = rfm;
        let alive = -r * (t / alpha).ln_1p() - x * (alpha + t).ln();
        if x == 0.0 {
            return (alive, f64::NEG_INFINITY);
        }
        let dropped = a.ln() - (b + x - 1.0).ln() - r * (t_x / alpha).ln_1p() - x * (alpha + t_x).ln();
        (alive, dropped)
    }

    /// Returns ln of the odds `P(dropped out at t_x) / P(alive)` for a repeat
    /// customer: `ln(a / (b + x - 1)) + (r + x) ln((alpha + T) / (alpha + t_x))`.
    fn ln_dropout_odds(&self, rfm: Rfm) -> f64 {
        let Rfm { x, t_x, t } = rfm;
        let growth = ((t - t_x) / (self.alpha + t_x)).ln_1p();
        self.a.ln() - (self.b + x - 1.0).ln() + (self.r + x) * growth
    }
}

impl TransactionProcess for BgNbdProcess {
    /// Returns ln L with
    ///
    /// ```text
    /// L = B(a, b + x) / B(a, b) Γ(r + x) α^r / (Γ(r) (α + T)^(r + x))
    ///   + [x > 0] B(a + 1, b + x - 1) / B(a, b) Γ(r + x) α^r / (Γ(r) (α + t_x)^(r + x)).
    /// ```
    fn log_likelihood(&self, rfm: Rfm) -> f64 {
        let (alive, dropped) = self.ln_alive_and_dropped(rfm);
        self.ln_frequency_terms(rfm.x) + log_sum_exp(alive, dropped)
    }

    /// Returns `E[Y(t) | x, t_x, T] = P(alive) E(t | alive)`, where the
    /// active customer's `λ ~ Gamma(r + x, α + T)` and `p ~ Beta(a, b + x)`.
    fn conditional_expected_transactions(&self, rfm: Rfm, t: f64) -> f64 {
        let BgNbdProcess { r, alpha, a, b } = *self;
        let Rfm { x, t: age, .. } = rfm;
        let if_active = expected_purchases_if_active(r + x, alpha + age, a, b + x, t);
        self.p_alive(rfm) * if_active
    }

    fn conditional_expected_transactions_at(&self, rfm: Rfm, times: &[f64]) -> Vec<f64> {
        let p_alive = self.p_alive(rfm);
        let if_alive = self.expected_transactions_if_alive_at(rfm.x, rfm.t, times);
        if_alive.unwrap_or_default().into_iter().map(|expected| p_alive * expected).collect()
    }

    /// Returns the expectation of a customer alive at `T`, whose rate is
    /// Gamma(r + x, α + T) and whose dropout probability is Beta(a, b + x).
    fn expected_transactions_if_alive_at(&self, x: f64, age: f64, times: &[f64]) -> Option<Vec<f64>> {
        let BgNbdProcess { r, alpha, a, b } = *self;
        Some(times.iter().map(|&t| expected_purchases_if_active(r + x, alpha + age, a, b + x, t)).collect())
    }

    /// Returns `1 / (1 + [x > 0] a / (b + x - 1) ((α + T) / (α + t_x))^(r + x))`.
    /// A customer without repeat purchases is alive with certainty, because
    /// BG/NBD customers can drop out only right after a purchase.
    fn p_alive(&self, rfm: Rfm) -> f64 {
        if rfm.x == 0.0 {
            return 1.0;
        }
        logistic(-self.ln_dropout_odds(rfm))
    }

    /// Returns `E[X(t)] = (a + b - 1) / (a - 1) [1 - (α / (α + t))^r 2F1(r, b; a + b - 1; t / (α + t))]`,
    /// the expectation of a customer active at 0 with no history.
    fn expected_transactions(&self, t: f64) -> f64 {
        expected_purchases_if_active(self.r, self.alpha, self.a, self.b, t)
    }

    /// Returns `P(X(t) = n)`:
    /// `B(a, b + n) / B(a, b) NB(n) + [n > 0] B(a + 1, b + n - 1) / B(a, b) P(NB >= n)`,
    /// where `NB` is the negative binomial count of purchases in `t` of a
    /// customer who never drops out, `Γ(r + n) / (Γ(r) n!) (α / (α + t))^r (t / (α + t))^n`.
    fn probability_of_transactions(&self, n: u32, t: f64) -> f64 {
        let BgNbdProcess { r, alpha, a, b } = *self;
        if t.is_nan() || t <= 0.0 {
            return if n == 0 { 1.0 } else { 0.0 };
        }
        let n = f64::from(n);
        let still_active = ln_beta(a, b + n) - ln_beta(a, b) + ln_negative_binomial(r, alpha, n, t);
        if n == 0.0 {
            return still_active.exp().min(1.0);
        }
        let dropped =
            ln_beta(a + 1.0, b + n - 1.0) - ln_beta(a, b) + ln_negative_binomial_tail(r, alpha, n, t);
        log_sum_exp(still_active, dropped).exp().min(1.0)
    }

    fn parameters(&self) -> Vec<(&'static str, f64)> {
        vec![("r", self.r), ("alpha", self.alpha), ("a", self.a), ("b", self.b)]
    }
}

/// Returns `1 / (1 + e^-u)`, which is in [0, 1] for every non-NaN `u`.
pub(crate) fn logistic(u: f64) -> f64 {
    if u >= 0.0 { 1.0 / (1.0 + (-u).exp()) } else { u.exp() / (1.0 + u.exp()) }
}

/// Returns ln P(N = n) for `N ~ NB(r, α / (α + t))`, the count of purchases in
/// `t` of a customer whose rate is `Gamma(r, α)`. Requires `t > 0`.
pub(crate) fn ln_negative_binomial(r: f64, alpha: f64, n: f64, t: f64) -> f64 {
    let ln_coefficient = ln_gamma(r + n) - ln_gamma(r) - ln_gamma(n + 1.0);
    let ln_count_part = if n == 0.0 { 0.0 } else { n * (t.ln() - (alpha + t).ln()) };
    ln_coefficient - r * (t / alpha).ln_1p() + ln_count_part
}

/// Returns ln P(N >= n) for the same count, the regularised incomplete beta
/// function `I_q(n, r)` with `q = t / (α + t)`. Requires `n >= 1` and `t > 0`.
///
/// NOTE: statrs 0.19 stops its continued fraction after 140 iterations, so
/// the tail loses accuracy when `n` and `r` are both large: against mpmath,
/// the error of `I_0.5(m, m)` is 6e-11 at m = 1e4 and 6e-7 at m = 1e5.
pub(crate) fn ln_negative_binomial_tail(r: f64, alpha: f64, n: f64, t: f64) -> f64 {
    let q = t / (alpha + t);
    statrs::function::beta::checked_beta_reg(n, r, q)
        .map_or(f64::NEG_INFINITY, |tail| tail.clamp(0.0, 1.0).ln())
}
