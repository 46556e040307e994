//! The BG/NBD and MBG/NBD log-likelihoods in separated form, with their
//! analytic gradient and Hessian, computed in one pass over the patterns.
//!
//! One customer's log-likelihood is `A(x) + S + ln(1 + e^u)` with
//!
//! ```text
//! A(x) = ln Γ(r + x) - ln Γ(r) + ln B(a, b + n) - ln B(a, b)
//! S    = r ln α - (r + x) ln(α + T)
//! u    = ln a - ln(b + x + k) + (r + x) (ln(α + T) - ln(α + t_x))
//! ```
//!
//! where BG/NBD has `n = x`, `k = -1` and no dropout term at `x = 0`
//! (Fader, Hardie & Lee 2005, equation 6), and MBG/NBD has `n = x + 1` and
//! `k = 0` (Batislam, Denizel & Filiztekin 2007). `e^u` is the odds of
//! "dropped out after the last purchase" against "alive at T".
//!
//! For whole x, `ln Γ(r + x) - ln Γ(r) = Σ_{j<x} ln(r + j)` and
//! `ln B(a, b + n) - ln B(a, b) = -Σ_{j<n} ln(1 + a / (b + j))`, so `A` and
//! its derivatives come from running sums up to the largest frequency. With
//! the shares `σ = 1 / (1 + e^-u)`, the dropout term adds
//! `σ ∇u` to the gradient and `σ (1 - σ) ∇u ∇uᵀ + σ ∇²u` to the Hessian.

use crate::fit::Derivatives;
use crate::fit::sum::sum_arrays_with_state;

use super::tables::{DropoutRow, PatternTables};

/// Log-likelihood, gradient and Hessian at one point, with respect to
/// `[r, alpha, a, b]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Evaluation {
    pub value: f64,
    pub gradient: [f64; 4],
    pub hessian: [[f64; 4]; 4],
}

impl From<Evaluation> for Derivatives {
    fn from(evaluation: Evaluation) -> Derivatives {
        Derivatives {
            value: evaluation.value,
            gradient: evaluation.gradient.to_vec(),
            hessian: evaluation.hessian.iter().map(|row| row.to_vec()).collect(),
        }
    }
}

/// Per-frequency values that the pass over the rows reads.
#[derive(Clone, Copy, Debug, Default)]
struct FrequencyTerms {
    /// `r + x`.
    shape: f64,
    /// `ln(b + x + k)`.
    ln_denominator: f64,
    /// `1 / (b + x + k)`.
    inverse_denominator: f64,
}

/// `A(x)` and its nonzero derivatives, summed over customers.
#[derive(Clone, Copy, Debug, Default)]
struct FrequencySums {
    value: f64,
    d_r: f64,
    d_a: f64,
    d_b: f64,
    d_rr: f64,
    d_aa: f64,
    d_ab: f64,
    d_bb: f64,
}

impl PatternTables {
    /// Computes the log-likelihood at `params` without derivatives.
    pub(crate) fn log_likelihood(&self, params: [f64; 4]) -> f64 {
        let [r, alpha, a, _] = params;
        let frequency = self.frequency_sums(params, false);
        let terms = self.frequency_terms(params);
        let ln_durations: Vec<f64> = self.durations.iter().map(|duration| (alpha + duration).ln()).collect();
        let ln_a = a.ln();

        let [dropout] = sum_arrays_with_state(&self.rows, |_: &mut (), row: &DropoutRow| {
            let frequency = &terms[row.frequency as usize];
            let growth = ln_durations[row.age as usize] - ln_durations[row.recency as usize];
            let u = ln_a - frequency.ln_denominator + frequency.shape * growth;
            [row.count * softplus_and_shares(u).0]
        });

        let ln_age_sum: f64 = self
            .ages
            .iter()
            .map(|age| (r * age.count + age.frequency_sum) * ln_durations[age.duration as usize])
            .sum();
        frequency.value + r * alpha.ln() * self.customers - ln_age_sum + dropout
    }

    /// Computes the log-likelihood with its gradient and Hessian at `params`.
    pub(crate) fn evaluate(&self, params: [f64; 4]) -> Evaluation {
        let [r, alpha, a, _] = params;
        let frequency = self.frequency_sums(params, true);
        let terms = self.frequency_terms(params);
        let ln_durations: Vec<f64> = self.durations.iter().map(|duration| (alpha + duration).ln()).collect();
        let inverse_durations: Vec<f64> =
            self.durations.iter().map(|duration| 1.0 / (alpha + duration)).collect();
        let ln_a = a.ln();

        // The sums that the dropout term adds, with w = count σ and
        // v = count σ (1 - σ), g = ∂u/∂r and h = ∂g/∂α.
        let sums = sum_arrays_with_state(&self.rows, |_: &mut (), row: &DropoutRow| {
            let frequency = &terms[row.frequency as usize];
            let (age, recency) = (row.age as usize, row.recency as usize);
            let g = ln_durations[age] - ln_durations[recency];
            let u = ln_a - frequency.ln_denominator + frequency.shape * g;
            let (softplus, share, complement) = softplus_and_shares(u);

            let w = row.count * share;
            let v = w * complement;
            let (inverse_age, inverse_recency) = (inverse_durations[age], inverse_durations[recency]);
            let h = inverse_age - inverse_recency;
            let u_alpha = frequency.shape * h;
            let u_alpha_alpha =
                frequency.shape * (inverse_recency * inverse_recency - inverse_age * inverse_age);
            let q = frequency.inverse_denominator;
            [
                row.count * softplus,
                w * g,
                w * u_alpha,
                w,
                w * q,
                v * g * g,
                v * g * u_alpha + w * h,
                v * g,
                v * g * q,
                v * u_alpha * u_alpha + w * u_alpha_alpha,
                v * u_alpha,
                v * u_alpha * q,
                v - w,
                v * q,
                (v + w) * q * q,
            ]
        });
        let [
            dropout,
            w_g,
            w_alpha,
            w,
            w_q,
            v_gg,
            rate_cross,
            v_g,
            v_gq,
            alpha_alpha,
            v_alpha,
            v_alpha_q,
            a_a,
            v_q,
            b_b,
        ] = sums;

        // The terms of S, summed over ages.
        let customers = self.customers;
        let (
            mut ln_sum,
            mut weighted_ln_sum,
            mut inverse_sum,
            mut weighted_inverse_sum,
            mut weighted_square_sum,
        ) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for age in &self.ages {
            let index = age.duration as usize;
            let weight = r * age.count + age.frequency_sum;
            let inverse = inverse_durations[index];
            ln_sum += age.count * ln_durations[index];
            weighted_ln_sum += weight * ln_durations[index];
            inverse_sum += age.count * inverse;
            weighted_inverse_sum += weight * inverse;
            weighted_square_sum += weight * inverse * inverse;
        }
        let value = frequency.value + r * alpha.ln() * customers - weighted_ln_sum + dropout;

        let gradient = [
            frequency.d_r + customers * alpha.ln() - ln_sum + w_g,
            customers * r / alpha - weighted_inverse_sum + w_alpha,
            frequency.d_a + w / a,
            frequency.d_b - w_q,
        ];

        let r_alpha = customers / alpha - inverse_sum + rate_cross;
        let alpha_alpha = -customers * r / (alpha * alpha) + weighted_square_sum + alpha_alpha;
        let r_a = v_g / a;
        let r_b = -v_gq;
        let alpha_a = v_alpha / a;
        let alpha_b = -v_alpha_q;
        let a_a = frequency.d_aa + a_a / (a * a);
        let a_b = frequency.d_ab - v_q / a;
        let b_b = frequency.d_bb + b_b;
        let hessian = [
            [frequency.d_rr + v_gg, r_alpha, r_a, r_b],
            [r_alpha, alpha_alpha, alpha_a, alpha_b],
            [r_a, alpha_a, a_a, a_b],
            [r_b, alpha_b, a_b, b_b],
        ];
        Evaluation { value, gradient, hessian }
    }

    /// Returns the per-frequency values of the dropout term, one per frequency group.
    fn frequency_terms(&self, params: [f64; 4]) -> Vec<FrequencyTerms> {
        let [r, _, _, b] = params;
        let offset = self.variant.dropout_offset();
        self.frequencies
            .iter()
            .map(|group| {
                let x = f64::from(group.x);
                let denominator = b + x + offset;
                FrequencyTerms {
                    shape: r + x,
                    ln_denominator: denominator.ln(),
                    inverse_denominator: 1.0 / denominator,
                }
            })
            .collect()
    }

    /// Sums `A(x)` and, when `derivatives` is set, its derivatives over the
    /// customers, from running sums over `j` up to the largest shift.
    fn frequency_sums(&self, params: [f64; 4], derivatives: bool) -> FrequencySums {
        let [r, _, a, b] = params;
        let mut sums = FrequencySums::default();
        // Running sums over j < x for the gamma part: ln(r + j), 1/(r + j), -1/(r + j)².
        let (mut gamma_j, mut gamma_ln, mut gamma_d, mut gamma_dd) = (0_u32, 0.0, 0.0, 0.0);
        // Running sums over j < n for the beta part: -ln(1 + a/(b + j)),
        // -1/(a + b + j), 1/(b + j) - 1/(a + b + j), 1/(a + b + j)² and
        // 1/(a + b + j)² - 1/(b + j)².
        let (mut beta_j, mut beta_ln, mut beta_da, mut beta_db, mut beta_daa, mut beta_dbb) =
            (0_u32, 0.0, 0.0, 0.0, 0.0, 0.0);

        for group in &self.frequencies {
            while gamma_j < group.x {
                let z = r + f64::from(gamma_j);
                gamma_ln += z.ln();
                if derivatives {
                    gamma_d += 1.0 / z;
                    gamma_dd -= 1.0 / (z * z);
                }
                gamma_j += 1;
            }
            let shift = self.variant.beta_shift(group.x);
            while beta_j < shift {
                let base = b + f64::from(beta_j);
                beta_ln -= (a / base).ln_1p();
                if derivatives {
                    let total = a + base;
                    let inverse_total = 1.0 / total;
                    let inverse_base = 1.0 / base;
                    beta_da -= inverse_total;
                    beta_db += inverse_base - inverse_total;
                    beta_daa += inverse_total * inverse_total;
                    beta_dbb += inverse_total * inverse_total - inverse_base * inverse_base;
                }
                beta_j += 1;
            }

            let count = group.count;
            sums.value += count * (gamma_ln + beta_ln);
            sums.d_r += count * gamma_d;
            sums.d_rr += count * gamma_dd;
            sums.d_a += count * beta_da;
            sums.d_b += count * beta_db;
            sums.d_aa += count * beta_daa;
            sums.d_ab += count * beta_daa;
            sums.d_bb += count * beta_dbb;
        }
        sums
    }
}

/// Returns `ln(1 + e^u)`, `σ = 1 / (1 + e^-u)` and `1 - σ`, with one
/// exponential and no cancellation for large `|u|`.
fn softplus_and_shares(u: f64) -> (f64, f64, f64) {
    let small = (-u.abs()).exp();
    let ln_term = small.ln_1p();
    let larger_share = 1.0 / (1.0 + small);
    let smaller_share = small * larger_share;
    if u >= 0.0 { (u + ln_term, larger_share, smaller_share) } else { (ln_term, smaller_share, larger_share) }
}
