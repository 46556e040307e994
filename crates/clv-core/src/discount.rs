//! Discounting of value expected in future time units.
//!
//! The config gives an annual rate `d`. A time unit of `L` days is
//! discounted at the equivalent per-unit rate `(1 + d)^(L / 365.25) - 1`, so
//! compounding 52.18 weekly periods gives back exactly one year at `d`.
//! Value expected in the k-th unit of the horizon, `(k - 1, k]`, is
//! discounted by `(1 + r)^-k`, that is at the end of the unit it falls in.
//! A fractional last unit is discounted like a whole one.

use crate::time::TimeUnit;

/// A per-unit discount rate derived from an annual rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Discount {
    per_unit_rate: f64,
}

impl Discount {
    /// No discounting: every future unit counts in full.
    pub const NONE: Discount = Discount { per_unit_rate: 0.0 };

    /// Builds the per-unit rate equivalent to `annual_rate` (0.1 means 10% a year).
    ///
    /// The caller validates the range; the config accepts `0 <= annual_rate < 1`.
    pub fn from_annual(annual_rate: f64, unit: TimeUnit) -> Discount {
        let per_unit_rate = (1.0 + annual_rate).powf(unit.days() / 365.25) - 1.0;
        Discount { per_unit_rate }
    }

    /// Discount rate per time unit.
    pub fn per_unit_rate(&self) -> f64 {
        self.per_unit_rate
    }

    /// Multiplier applied to value expected in the unit that ends at `k` (k = 1, 2, ...).
    pub fn factor(&self, k: u32) -> f64 {
        (1.0 + self.per_unit_rate).powf(-f64::from(k))
    }

    /// Sums `value_between(start, end)` over the units of `(0, horizon]`, each discounted.
    ///
    /// `value_between` returns the value expected in the interval `(start, end]`,
    /// both ends in time units measured from the start of the horizon.
    pub fn present_value(&self, horizon: f64, mut value_between: impl FnMut(f64, f64) -> f64) -> f64 {
        let mut total = 0.0;
        let mut k = 1u32;
        let mut start = 0.0;
        while start < horizon {
            let end = (k as f64).min(horizon);
            total += value_between(start, end) * self.factor(k);
            start = end;
            k += 1;
        }
        total
    }

    /// Present value of a constant stream of `rate` per unit over `(0, horizon]`.
    ///
    /// Equals [`Discount::present_value`] with `rate * (end - start)` per
    /// unit, in closed form: `n` whole units give the geometric sum
    /// `v (1 - v^n) / (1 - v)` with `v = 1 / (1 + r)`, and a fractional last
    /// unit `f` adds `f v^(n + 1)`. The cost does not grow with the horizon.
    pub fn present_value_of_rate(&self, rate: f64, horizon: f64) -> f64 {
        if horizon.is_nan() || horizon <= 0.0 {
            return 0.0;
        }
        let whole_units = horizon.floor();
        let fraction = horizon - whole_units;
        let whole_sum = if self.per_unit_rate == 0.0 {
            whole_units
        } else {
            let v = 1.0 / (1.0 + self.per_unit_rate);
            v * (1.0 - v.powf(whole_units)) / (1.0 - v)
        };
        let fraction_factor = (1.0 + self.per_unit_rate).powf(-(whole_units + 1.0));
        rate * (whole_sum + fraction * fraction_factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekly_rate_compounds_to_annual() {
        let discount = Discount::from_annual(0.1, TimeUnit::Week);
        let compounded = (1.0 + discount.per_unit_rate()).powf(365.25 / 7.0);
        assert!((compounded - 1.1).abs() < 1e-12, "{compounded}");
    }

    #[test]
    fn rate_closed_form_matches_unit_sum() {
        // The closed form must equal the unit-by-unit sum to 1e-12 relative.
        for annual_rate in [0.0, 0.1, 0.5] {
            let discount = Discount::from_annual(annual_rate, TimeUnit::Week);
            for horizon in [0.0, 0.4, 1.0, 7.5, 52.0, 260.25] {
                let closed = discount.present_value_of_rate(3.0, horizon);
                let summed = discount.present_value(horizon, |start, end| 3.0 * (end - start));
                assert!((closed - summed).abs() <= 1e-12 * summed.abs().max(1.0), "{closed} vs {summed}");
            }
        }
    }

    #[test]
    fn no_discount_sums_the_stream() {
        let value = Discount::NONE.present_value_of_rate(2.5, 10.5);
        assert!((value - 26.25).abs() < 1e-12, "{value}");
    }

    #[test]
    fn annuity_matches_closed_form() {
        // Closed form of an ordinary annuity: sum_{k=1..n} (1+r)^-k = (1 - (1+r)^-n) / r.
        let discount = Discount::from_annual(0.12, TimeUnit::Year);
        let expected = 100.0 * (1.0 - 1.12f64.powi(-5)) / 0.12;
        let value = discount.present_value_of_rate(100.0, 5.0);
        assert!((value - expected).abs() < 1e-9, "{value} vs {expected}");
    }

    #[test]
    fn fractional_last_unit_is_discounted_whole() {
        let discount = Discount::from_annual(0.1, TimeUnit::Year);
        let value = discount.present_value_of_rate(1.0, 1.5);
        let expected = 1.0 / 1.1 + 0.5 / 1.1f64.powi(2);
        assert!((value - expected).abs() < 1e-12, "{value} vs {expected}");
    }
}
