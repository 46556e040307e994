"""Reference values of the BG/BB model at fixed parameters.

Writes crates/clv-models/tests/data/bg_bb_reference.csv. Every value comes
from the individual-level model, integrated numerically over the purchase
probability p ~ Beta(alpha, beta) and the dropout probability
theta ~ Beta(gamma, delta) with mpmath at 30 significant digits, not from
the beta-function closed forms that clv implements.

Given (p, theta), a customer alive at an opportunity transacts with
probability p, and drops out for good at the start of each opportunity with
probability theta. A customer with summary (x, t_x, n) was either alive
through opportunity n or dropped out after opportunity t_x + i for some
i = 0 .. n - t_x - 1, so the individual likelihood is a sum over those
cases. Each case is a product of a function of p and a function of theta,
so each double integral is a sum of products of one-dimensional integrals.

Columns:
- log_likelihood, d_alpha, d_beta, d_gamma, d_delta: ln L and its
  derivatives, by differentiating the Beta densities under the integral;
- p_alive: P(alive at opportunity n | x, t_x, n);
- conditional_expected: expected transactions in the next `horizon`
  opportunities given (x, t_x, n);
- expected_new: E[X(horizon)] of a new customer;
- probability_x: P(X(n) = x) of a new customer.

An infinite horizon is written as `inf`. The script also checks every plain
integral against the exact beta function, to confirm the quadrature.

Run from the workspace root: python3 scripts/reference/bg_bb_reference.py
Needs mpmath (tested with 1.3.0). It took about 8 minutes on a 2-core
machine, mostly on the cases with n = 200.
"""

import csv
import functools
import pathlib

import mpmath as mp

mp.mp.dps = 30

PUBLISHED = (1.204, 0.750, 0.657, 2.783)
INF = float("inf")

CASES = [
    # (alpha, beta, gamma, delta), x, t_x, n, horizon
    (PUBLISHED, 0, 0, 6, 5),
    (PUBLISHED, 1, 1, 6, 5),
    (PUBLISHED, 3, 5, 6, 5),
    (PUBLISHED, 6, 6, 6, 5),
    (PUBLISHED, 3, 6, 6, 10),
    (PUBLISHED, 2, 4, 6, 1),
    (PUBLISHED, 0, 0, 0, 3),
    (PUBLISHED, 50, 150, 200, 20),
    (PUBLISHED, 0, 0, 200, 20),
    (PUBLISHED, 200, 200, 200, 20),
    ((1.0e4, 1.0e4, 0.657, 2.783), 5, 100, 200, 10),
    ((1.0e4, 1.0e4, 1.0e4, 1.0e4), 3, 10, 20, 5),
    ((0.3, 5.0, 0.2, 40.0), 1, 2, 10, 50),
    ((1.2, 0.75, 1.0, 2.78), 2, 3, 6, 20000),
    ((1.2, 0.75, 2.5, 2.78), 2, 3, 6, 20000),
    ((1.2, 0.75, 0.657, 2.78), 2, 3, 6, 20000),
    ((1.2, 0.75, 2.5, 2.78), 2, 3, 6, INF),
]

OUTPUT = pathlib.Path("crates/clv-models/tests/data/bg_bb_reference.csv")


def beta_expectation(a, b, power, co_power, weight):
    """E[u^power (1 - u)^co_power weight(u)] for u ~ Beta(a, b), by quadrature.

    The integrand is a Beta(a + power, b + co_power) shape, so the interval
    is split around that shape's mean in steps of 3 standard deviations.
    """
    shape_a = a + power
    shape_b = b + co_power
    mean = shape_a / (shape_a + shape_b)
    sd = mp.sqrt(shape_a * shape_b / ((shape_a + shape_b) ** 2 * (shape_a + shape_b + 1)))
    points = {mp.mpf(0), mp.mpf(1)}
    for k in range(-30, 31, 3):
        point = mean + k * sd
        if 0 < point < 1:
            points.add(point)
    points = sorted(points)
    ln_norm = mp.log(mp.beta(a, b))

    def log_density(u):
        return (shape_a - 1) * mp.log(u) + (shape_b - 1) * mp.log(1 - u) - ln_norm

    # mp.quad stops on an absolute error, so the integrand is scaled to about
    # 1 at the shape's mean and the scale is multiplied back afterwards.
    log_scale = log_density(mean)

    def regular(u):
        if u <= 0 or u >= 1:
            return mp.mpf(0)
        return mp.exp(log_density(u) - log_scale) * weight(u)

    # A shape below 1 has an integrable singularity at that end. With shape
    # 0.2, mp.quad resolved it only to about 1e-7 relative. Substituting s = u^shape_a near 0
    # (or s = (1 - u)^shape_b near 1) removes it: u^(shape_a - 1) du = ds / shape_a.
    def near_zero(s):
        u = s ** (1 / shape_a)
        if u <= 0 or u >= 1:
            return mp.mpf(0)
        return mp.exp((shape_b - 1) * mp.log(1 - u) - ln_norm - log_scale) * weight(u) / shape_a

    def near_one(s):
        u = 1 - s ** (1 / shape_b)
        if u <= 0 or u >= 1:
            return mp.mpf(0)
        return mp.exp((shape_a - 1) * mp.log(u) - ln_norm - log_scale) * weight(u) / shape_b

    total = mp.mpf(0)
    for low, high in zip(points, points[1:]):
        if low == 0 and shape_a < 1:
            total += mp.quad(near_zero, [0, high**shape_a])
        elif high == 1 and shape_b < 1:
            total += mp.quad(near_one, [0, (1 - low) ** shape_b])
        else:
            total += mp.quad(regular, [low, high])
    return total * mp.exp(log_scale)


def one(_u):
    return mp.mpf(1)


def log_u(u):
    return mp.log(u)


def log_co(u):
    return mp.log(1 - u)


class Model:
    def __init__(self, alpha, beta, gamma, delta):
        self.alpha, self.beta, self.gamma, self.delta = (mp.mpf(v) for v in (alpha, beta, gamma, delta))

    @functools.lru_cache(maxsize=None)
    def p_part(self, power, co_power, weight):
        value = beta_expectation(self.alpha, self.beta, power, co_power, weight)
        if weight is one:
            exact = mp.beta(self.alpha + power, self.beta + co_power) / mp.beta(self.alpha, self.beta)
            assert abs(value / exact - 1) < mp.mpf("1e-20"), (value, exact)
        return value

    @functools.lru_cache(maxsize=None)
    def theta_part(self, power, co_power, weight):
        value = beta_expectation(self.gamma, self.delta, power, co_power, weight)
        if weight is one:
            exact = mp.beta(self.gamma + power, self.delta + co_power) / mp.beta(self.gamma, self.delta)
            assert abs(value / exact - 1) < mp.mpf("1e-20"), (value, exact)
        return value

    def cases(self, x, t_x, n):
        """(p power, 1 - p power, theta power, 1 - theta power) of each likelihood case."""
        yield (x, n - x, 0, n)
        for i in range(n - t_x):
            yield (x, t_x - x + i, 1, t_x + i)

    def likelihood(self, x, t_x, n, p_weight=one, theta_weight=one):
        return mp.fsum(
            self.p_part(a, b, p_weight) * self.theta_part(c, d, theta_weight)
            for a, b, c, d in self.cases(x, t_x, n)
        )

    def gradient(self, x, t_x, n):
        total = self.likelihood(x, t_x, n)
        ab = mp.digamma(self.alpha + self.beta)
        gd = mp.digamma(self.gamma + self.delta)
        return [
            self.likelihood(x, t_x, n, p_weight=log_u) / total - mp.digamma(self.alpha) + ab,
            self.likelihood(x, t_x, n, p_weight=log_co) / total - mp.digamma(self.beta) + ab,
            self.likelihood(x, t_x, n, theta_weight=log_u) / total - mp.digamma(self.gamma) + gd,
            self.likelihood(x, t_x, n, theta_weight=log_co) / total - mp.digamma(self.delta) + gd,
        ]

    def p_alive(self, x, t_x, n):
        return self.p_part(x, n - x, one) * self.theta_part(0, n, one) / self.likelihood(x, t_x, n)

    def alive_opportunities(self, horizon):
        """Weight sum over k = 1 .. horizon of (1 - theta)^k, as a function of theta."""

        def weight(theta):
            survive = 1 - theta
            if horizon == INF:
                return survive / theta
            # 1 - (1 - theta)^horizon, without cancellation at a tiny theta.
            never_dropped = -mp.expm1(int(horizon) * mp.log1p(-theta))
            return survive * never_dropped / theta

        return weight

    def conditional_expected(self, x, t_x, n, horizon):
        purchase = self.p_part(x + 1, n - x, one)
        alive = beta_expectation(self.gamma, self.delta, 0, n, self.alive_opportunities(horizon))
        return purchase * alive / self.likelihood(x, t_x, n)

    def expected_new(self, horizon):
        purchase = self.alpha / (self.alpha + self.beta)
        alive = beta_expectation(self.gamma, self.delta, 0, 0, self.alive_opportunities(horizon))
        return purchase * alive

    def probability(self, k, n):
        total = mp.binomial(n, k) * self.p_part(k, n - k, one) * self.theta_part(0, n, one)
        for i in range(k, n):
            total += mp.binomial(i, k) * self.p_part(k, i - k, one) * self.theta_part(1, i, one)
        return total


def main():
    header = [
        "alpha", "beta", "gamma", "delta", "x", "t_x", "n", "horizon",
        "log_likelihood", "d_alpha", "d_beta", "d_gamma", "d_delta",
        "p_alive", "conditional_expected", "expected_new", "probability_x",
    ]
    with OUTPUT.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for params, x, t_x, n, horizon in CASES:
            model = Model(*params)
            values = [mp.log(model.likelihood(x, t_x, n))]
            values += model.gradient(x, t_x, n)
            values += [
                model.p_alive(x, t_x, n),
                model.conditional_expected(x, t_x, n, horizon),
                model.expected_new(horizon),
                model.probability(x, n),
            ]
            horizon_text = "inf" if horizon == INF else str(horizon)
            row = [repr(v) for v in params] + [x, t_x, n, horizon_text] + [mp.nstr(v, 20) for v in values]
            writer.writerow(row)
            print(row, flush=True)


if __name__ == "__main__":
    main()
