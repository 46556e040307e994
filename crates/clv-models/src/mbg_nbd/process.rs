//! The fitted MBG/NBD transaction process: likelihood, P(alive) and expectations.

use crate::bg_nbd::{
    expected_purchases_if_active, ln_negative_binomial, ln_negative_binomial_tail, logistic,
};
use crate::btyd::{Rfm, TransactionProcess};
use crate::special::{ln_beta, ln_gamma, log_sum_exp};

/// The MBG/NBD process with purchase rates `λ ~ Gamma(r, alpha)` (shape,
/// rate per time unit) and dropout probabilities `p ~ Beta(a, b)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MbgNbdProcess {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
}

impl MbgNbdProcess {
    /// Builds the process from `[r, alpha, a, b]`, the order of the likelihood's parameters.
    ///
    /// # Panics
    ///
    /// Panics if `params` does not have exactly four elements.
    pub fn from_params(params: &[f64]) -> MbgNbdProcess {
        let [r, alpha, a, b] = <[f64; 4]>::try_from(params)
            .unwrap_or_else(|_| panic!("MBG/NBD has 4 parameters, got {}", params.len()));
        MbgNbdProcess { r, alpha, a, b }
    }

    /// Returns `(S, D)`, the two terms of one customer's log-likelihood that
    /// depend on the timing, both without the factor
    /// `Γ(r + x) / Γ(r) B(a, b + x + 1) / B(a, b)`.
    ///
    /// `S = r ln α - (r + x) ln(α + T)` is the term of a customer still alive
    /// at `T`. `D = ln(a / (b + x)) + r ln α - (r + x) ln(α + t_x)` is the term
    /// of one who dropped out right after the last purchase, or right after
    /// the first when `x = 0`. `a / (b + x)` is `B(a + 1, b + x) / B(a, b + x + 1)`.
    pub(super) fn ln_alive_and_dropped(&self, rfm: Rfm) -> (f64, f64) {
        let MbgNbdProcess { r, alpha, a, b } = *self;
        let Rfm { x, t_x, t } = rfm;
        let alive = -r * (t / alpha).ln_1p() - x * (alpha + t).ln();
        let dropped = a.ln() - (b + x).ln() - r * (t_x / alpha).ln_1p() - x * (alpha + t_x).ln();
        (alive, dropped)
    }
}

impl TransactionProcess for MbgNbdProcess {
    /// Returns ln L with
    ///
    /// ```text
    /// L = B(a, b + x + 1) / B(a, b) Γ(r + x) α^r / (Γ(r) (α + T)^(r + x))
    ///   + B(a + 1, b + x) / B(a, b) Γ(r + x) α^r / (Γ(r) (α + t_x)^(r + x)).
    /// ```
    fn log_likelihood(&self, rfm: Rfm) -> f64 {
        let MbgNbdProcess { r, a, b, .. } = *self;
        let x = rfm.x;
        let common = ln_gamma(r + x) - ln_gamma(r) + ln_beta(a, b + x + 1.0) - ln_beta(a, b);
        let (alive, dropped) = self.ln_alive_and_dropped(rfm);
        common + log_sum_exp(alive, dropped)
    }

    /// Returns `E[Y(t) | x, t_x, T] = P(alive) E(t | alive)`, where the
    /// active customer's `λ ~ Gamma(r + x, α + T)` and `p ~ Beta(a, b + x + 1)`.
    fn conditional_expected_transactions(&self, rfm: Rfm, t: f64) -> f64 {
        let MbgNbdProcess { r, alpha, a, b } = *self;
        let Rfm { x, t: age, .. } = rfm;
        let if_active = expected_purchases_if_active(r + x, alpha + age, a, b + x + 1.0, t);
        self.p_alive(rfm) * if_active
    }

    fn conditional_expected_transactions_at(&self, rfm: Rfm, times: &[f64]) -> Vec<f64> {
        let p_alive = self.p_alive(rfm);
        let if_alive = self.expected_transactions_if_alive_at(rfm.x, rfm.t, times);
        if_alive.unwrap_or_default().into_iter().map(|expected| p_alive * expected).collect()
    }

    /// Returns the expectation of a customer alive at `T`, whose rate is
    /// Gamma(r + x, α + T) and whose dropout probability is Beta(a, b + x + 1).
    fn expected_transactions_if_alive_at(&self, x: f64, age: f64, times: &[f64]) -> Option<Vec<f64>> {
        let MbgNbdProcess { r, alpha, a, b } = *self;
        let if_active = |t| expected_purchases_if_active(r + x, alpha + age, a, b + x + 1.0, t);
        Some(times.iter().map(|&t| if_active(t)).collect())
    }

    /// Returns `1 / (1 + a / (b + x) ((α + T) / (α + t_x))^(r + x))`, which is
    /// below 1 even for `x = 0` because a customer can drop out right after
    /// the first purchase.
    fn p_alive(&self, rfm: Rfm) -> f64 {
        let Rfm { x, t_x, t } = rfm;
        let growth = ((t - t_x) / (self.alpha + t_x)).ln_1p();
        let ln_dropout_odds = self.a.ln() - (self.b + x).ln() + (self.r + x) * growth;
        logistic(-ln_dropout_odds)
    }

    /// Returns `E[X(t)] = b / (a - 1) [1 - (α / (α + t))^r 2F1(r, b + 1; a + b; t / (α + t))]`:
    /// the customer is active after the first purchase with probability
    /// `b / (a + b)`, and then `p ~ Beta(a, b + 1)`.
    fn expected_transactions(&self, t: f64) -> f64 {
        let MbgNbdProcess { r, alpha, a, b } = *self;
        b / (a + b) * expected_purchases_if_active(r, alpha, a, b + 1.0, t)
    }

    /// Returns `P(X(t) = n)`:
    /// `B(a, b + n + 1) / B(a, b) NB(n) + B(a + 1, b + n) / B(a, b) P(NB >= n)`,
    /// where `NB` is the negative binomial count of purchases in `t` of a
    /// customer who never drops out, `Γ(r + n) / (Γ(r) n!) (α / (α + t))^r (t / (α + t))^n`.
    fn probability_of_transactions(&self, n: u32, t: f64) -> f64 {
        let MbgNbdProcess { r, alpha, a, b } = *self;
        if t.is_nan() || t <= 0.0 {
            return if n == 0 { 1.0 } else { 0.0 };
        }
        let n = f64::from(n);
        let still_active = ln_beta(a, b + n + 1.0) - ln_beta(a, b) + ln_negative_binomial(r, alpha, n, t);
        let ln_tail = if n == 0.0 { 0.0 } else { ln_negative_binomial_tail(r, alpha, n, t) };
        let dropped = ln_beta(a + 1.0, b + n) - ln_beta(a, b) + ln_tail;
        log_sum_exp(still_active, dropped).exp().min(1.0)
    }

    fn parameters(&self) -> Vec<(&'static str, f64)> {
        vec![("r", self.r), ("alpha", self.alpha), ("a", self.a), ("b", self.b)]
    }
}
