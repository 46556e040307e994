//! The BG/BB transaction process at fixed parameters: likelihood and predictions.

use statrs::function::gamma::digamma;

use crate::btyd::{Rfm, TransactionProcess};
use crate::special::{ln_beta, ln_gamma, log_sum_exp};

/// Largest number of future opportunities summed term by term in
/// [`BgBbProcess::expected_survivals`]; longer horizons use the closed form.
const DIRECT_SUM_MAX: f64 = 10_000.0;

/// Largest |gamma - 1| at which [`mean_digamma`] integrates the digamma
/// function instead of differencing ln-gamma.
const QUADRATURE_MAX_STEP: f64 = 0.25;

/// A fitted BG/BB process: purchase probability `p` ~ Beta(alpha, beta) and
/// dropout probability `theta` ~ Beta(gamma, delta) across customers.
///
/// Time is counted in transaction opportunities. The summary of a customer
/// is read as x (repeat transactions), t_x (the opportunity of the last one,
/// 0 if none) and n = T (opportunities observed). The process takes the
/// floor of x, t_x, n and of a horizon `t`, so a fraction of an opportunity
/// counts for nothing. A summary with `x > t_x` or `t_x > n` after the floor
/// has no BG/BB likelihood, and every method returns NaN for it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BgBbProcess {
    pub alpha: f64,
    pub beta: f64,
    pub gamma: f64,
    pub delta: f64,
}

/// A customer's summary as whole numbers of opportunities.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Opportunities {
    pub x: f64,
    pub t_x: f64,
    pub n: f64,
}

impl Opportunities {
    /// Takes the floor of each field. Returns `None` for a summary that is
    /// impossible in discrete time: `x > t_x`, `t_x > n`, or a negative or
    /// NaN field.
    pub fn of(rfm: Rfm) -> Option<Opportunities> {
        let (x, t_x, n) = (rfm.x.floor(), rfm.t_x.floor(), rfm.t.floor());
        let valid = 0.0 <= x && x <= t_x && t_x <= n;
        valid.then_some(Opportunities { x, t_x, n })
    }
}

impl BgBbProcess {
    /// Creates the process from parameters in the order alpha, beta, gamma, delta.
    pub fn from_params(params: &[f64]) -> BgBbProcess {
        BgBbProcess { alpha: params[0], beta: params[1], gamma: params[2], delta: params[3] }
    }

    /// Natural log of the likelihood term of a customer still alive at opportunity n.
    fn ln_alive_term(&self, customer: Opportunities) -> f64 {
        let Opportunities { x, n, .. } = customer;
        ln_beta(self.alpha + x, self.beta + n - x) - ln_beta(self.alpha, self.beta)
            + ln_beta(self.gamma, self.delta + n)
            - ln_beta(self.gamma, self.delta)
    }

    /// Natural log of the likelihood term of a customer who was alive for
    /// opportunities 1 to t_x + i and dropped out at the start of the next one.
    fn ln_dropout_term(&self, customer: Opportunities, i: f64) -> f64 {
        let Opportunities { x, t_x, .. } = customer;
        ln_beta(self.alpha + x, self.beta + t_x - x + i) - ln_beta(self.alpha, self.beta)
            + ln_beta(self.gamma + 1.0, self.delta + t_x + i)
            - ln_beta(self.gamma, self.delta)
    }

    /// Log-likelihood of one customer: the alive term plus one dropout term
    /// for each opportunity t_x + 1, ..., n at which the customer may have
    /// dropped out unobserved.
    pub(super) fn ln_likelihood(&self, customer: Opportunities) -> f64 {
        let dropout_opportunities = (customer.n - customer.t_x) as u64;
        (0..dropout_opportunities)
            .map(|i| self.ln_dropout_term(customer, i as f64))
            .fold(self.ln_alive_term(customer), log_sum_exp)
    }

    /// Gradient of [`Self::ln_likelihood`] with respect to (alpha, beta, gamma, delta).
    ///
    /// Each term of the likelihood is a product of beta-function ratios, so
    /// its log derivative is a sum of digamma differences. The gradient of
    /// the log of the sum weights each term's log derivative by its share
    /// of the likelihood.
    pub(super) fn ln_likelihood_gradient(&self, customer: Opportunities) -> [f64; 4] {
        let Opportunities { x, t_x, n } = customer;
        let (alpha, beta, gamma, delta) = (self.alpha, self.beta, self.gamma, self.delta);
        let ln_likelihood = self.ln_likelihood(customer);

        let psi_alpha_x = digamma(alpha + x) - digamma(alpha);
        let psi_alpha_beta = digamma(alpha + beta);
        let psi_beta = digamma(beta);
        let psi_gamma_delta = digamma(gamma + delta);
        let psi_delta = digamma(delta);

        let share = (self.ln_alive_term(customer) - ln_likelihood).exp();
        let mut gradient = [
            share * (psi_alpha_x - digamma(alpha + beta + n) + psi_alpha_beta),
            share * (digamma(beta + n - x) - digamma(alpha + beta + n) - psi_beta + psi_alpha_beta),
            share * (psi_gamma_delta - digamma(gamma + delta + n)),
            share * (digamma(delta + n) - digamma(gamma + delta + n) - psi_delta + psi_gamma_delta),
        ];

        let psi_gamma_step = digamma(gamma + 1.0) - digamma(gamma);
        let dropout_opportunities = (n - t_x) as u64;
        for i in 0..dropout_opportunities {
            let alive = t_x + i as f64;
            let share = (self.ln_dropout_term(customer, i as f64) - ln_likelihood).exp();
            let psi_alive_ab = digamma(alpha + beta + alive);
            let psi_alive_gd = digamma(gamma + delta + 1.0 + alive);
            gradient[0] += share * (psi_alpha_x - psi_alive_ab + psi_alpha_beta);
            gradient[1] += share * (digamma(beta + alive - x) - psi_alive_ab - psi_beta + psi_alpha_beta);
            gradient[2] += share * (psi_gamma_step - psi_alive_gd + psi_gamma_delta);
            gradient[3] += share * (digamma(delta + alive) - psi_alive_gd - psi_delta + psi_gamma_delta);
        }
        gradient
    }

    /// Probability that the customer is alive at opportunity n, the last one observed.
    ///
    /// It is the alive term's share of the likelihood. The probability of
    /// being alive at n + 1, which the BG/BB literature also reports,
    /// further requires surviving the dropout at the start of n + 1.
    fn p_alive_at_n(&self, customer: Opportunities) -> f64 {
        (self.ln_alive_term(customer) - self.ln_likelihood(customer)).exp().min(1.0)
    }

    /// Expected number of the opportunities n0 + 1, ..., n0 + m at which a
    /// new customer is alive, under the Beta(gamma, delta) prior of theta:
    /// `S = sum over k = 1..m of B(gamma, delta + n0 + k) / B(gamma, delta)`.
    ///
    /// Up to [`DIRECT_SUM_MAX`] terms are summed with the ratio
    /// `B(gamma, b + 1) / B(gamma, b) = b / (gamma + b)`. Longer sums use
    /// the closed form of Fader, Hardie & Shang (2010),
    ///
    /// ```text
    /// S = delta / (gamma - 1) * Γ(gamma + delta) / Γ(1 + delta) * [R(n0) - R(n0 + m)]
    /// R(j) = Γ(1 + delta + j) / Γ(gamma + delta + j)
    /// ```
    ///
    /// rewritten so that it stays accurate near and at gamma = 1. An
    /// infinite `m` gives the limit, which is infinite for gamma <= 1.
    pub(super) fn expected_survivals(&self, n0: f64, m: f64) -> f64 {
        let (gamma, delta) = (self.gamma, self.delta);
        if m <= 0.0 {
            return 0.0;
        }
        if m <= DIRECT_SUM_MAX {
            let mut term = (ln_beta(gamma, delta + n0) - ln_beta(gamma, delta)).exp();
            let mut sum = 0.0;
            for k in 0..m as u64 {
                let b = delta + n0 + k as f64;
                term *= b / (gamma + b);
                sum += term;
            }
            return sum;
        }

        let step = gamma - 1.0;
        let start = 1.0 + delta + n0;
        if m.is_infinite() {
            if gamma <= 1.0 {
                return f64::INFINITY;
            }
            // With R(infinity) = 0: delta / (gamma - 1) * R(n0) * Γ(gamma + delta) / Γ(1 + delta).
            return delta / step
                * (step * (mean_digamma(1.0 + delta, step) - mean_digamma(start, step))).exp();
        }

        // With mean_digamma(x) = (ln Γ(x + step) - ln Γ(x)) / step, the ratios
        // are R(j) = exp(-step mean_digamma(1 + delta + j)), so
        // [R(n0) - R(n0 + m)] / step = R(n0 + m) (h_end - h_start) exprel(step (h_end - h_start))
        // with h = mean_digamma, which is well defined at step = 0.
        let end = start + m;
        let h_delta = mean_digamma(1.0 + delta, step);
        let h_start = mean_digamma(start, step);
        let h_end = mean_digamma(end, step);
        let difference = h_end - h_start;
        delta * (step * (h_delta - h_end)).exp() * difference * exprel(step * difference)
    }
}

/// Mean of the digamma function over `[x, x + step]` (or `[x + step, x]`),
/// which is `(ln Γ(x + step) - ln Γ(x)) / step`, and `ψ(x)` at step 0.
///
/// For a small |step| the difference of ln-gamma values cancels, so the mean
/// is computed by 8-point Gauss-Legendre quadrature of ψ instead. ψ is
/// analytic away from 0, -1, -2, ..., and every caller passes x > 1, so with
/// |step| <= 0.25 the interval stays at least 0.75 from 0 and the quadrature
/// error is far below f64 rounding.
fn mean_digamma(x: f64, step: f64) -> f64 {
    if step.abs() > QUADRATURE_MAX_STEP {
        return (ln_gamma(x + step) - ln_gamma(x)) / step;
    }
    // Nodes on [-1, 1] (positive half) and their weights, which sum to 1 over
    // the positive half, so the mean over the interval is the weighted sum / 2.
    const NODES: [f64; 4] =
        [0.183_434_642_495_649_8, 0.525_532_409_916_329, 0.796_666_477_413_626_7, 0.960_289_856_497_536_3];
    const WEIGHTS: [f64; 4] =
        [0.362_683_783_378_362, 0.313_706_645_877_887_3, 0.222_381_034_453_374_5, 0.101_228_536_290_376_3];
    let middle = x + 0.5 * step;
    let half = 0.5 * step;
    NODES
        .iter()
        .zip(WEIGHTS)
        .map(|(node, weight)| weight * (digamma(middle - half * node) + digamma(middle + half * node)))
        .sum::<f64>()
        / 2.0
}

/// Returns `(e^y - 1) / y`, and 1 at y = 0.
fn exprel(y: f64) -> f64 {
    if y == 0.0 { 1.0 } else { y.exp_m1() / y }
}

/// Natural log of the binomial coefficient C(n, k) for whole n >= k >= 0.
///
/// The ends are exactly 0, which ln-gamma values of 1 would miss by rounding.
fn ln_choose(n: f64, k: f64) -> f64 {
    if k == 0.0 || k == n {
        return 0.0;
    }
    ln_gamma(n + 1.0) - ln_gamma(k + 1.0) - ln_gamma(n - k + 1.0)
}

impl TransactionProcess for BgBbProcess {
    fn log_likelihood(&self, rfm: Rfm) -> f64 {
        Opportunities::of(rfm).map_or(f64::NAN, |customer| self.ln_likelihood(customer))
    }

    /// Expected transactions in the next `floor(t)` opportunities after n:
    /// `B(alpha + x + 1, beta + n - x) / B(alpha, beta) / L` times the
    /// expected number of those opportunities the customer is alive for.
    fn conditional_expected_transactions(&self, rfm: Rfm, t: f64) -> f64 {
        let Some(customer) = Opportunities::of(rfm) else {
            return f64::NAN;
        };
        let Opportunities { x, n, .. } = customer;
        let ln_purchase = ln_beta(self.alpha + x + 1.0, self.beta + n - x) - ln_beta(self.alpha, self.beta);
        let weight = (ln_purchase - self.ln_likelihood(customer)).exp();
        weight * self.expected_survivals(n, t.floor())
    }

    /// Probability that the customer is alive at opportunity n, the last one observed.
    fn p_alive(&self, rfm: Rfm) -> f64 {
        Opportunities::of(rfm).map_or(f64::NAN, |customer| self.p_alive_at_n(customer))
    }

    /// E[X(n)] over the first `floor(t)` opportunities:
    /// `alpha / (alpha + beta)` times the expected opportunities alive.
    fn expected_transactions(&self, t: f64) -> f64 {
        self.alpha / (self.alpha + self.beta) * self.expected_survivals(0.0, t.floor())
    }

    /// P(X(n) = k) over the first `floor(t)` opportunities: alive through all
    /// n with k purchases among them, or dropped out after i >= k opportunities
    /// with k purchases among those i. Returns NaN for an infinite `t`.
    ///
    /// NOTE: the sum has one term per opportunity, so its cost grows with `t`.
    fn probability_of_transactions(&self, k: u32, t: f64) -> f64 {
        let n = t.floor();
        let k = f64::from(k);
        if !n.is_finite() {
            return f64::NAN;
        }
        if n < k {
            return 0.0;
        }
        let ln_ab = ln_beta(self.alpha, self.beta);
        let ln_gd = ln_beta(self.gamma, self.delta);
        let alive = ln_choose(n, k) + ln_beta(self.alpha + k, self.beta + n - k) - ln_ab
            + ln_beta(self.gamma, self.delta + n)
            - ln_gd;
        let dropped_out = (k as u64..n as u64).map(|i| {
            let i = i as f64;
            ln_choose(i, k) + ln_beta(self.alpha + k, self.beta + i - k) - ln_ab
                + ln_beta(self.gamma + 1.0, self.delta + i)
                - ln_gd
        });
        // Rounding can push a certain event a few ulps above 1.
        dropped_out.fold(alive, log_sum_exp).exp().min(1.0)
    }

    fn parameters(&self) -> Vec<(&'static str, f64)> {
        vec![("alpha", self.alpha), ("beta", self.beta), ("gamma", self.gamma), ("delta", self.delta)]
    }
}
