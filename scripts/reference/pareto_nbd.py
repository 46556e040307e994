#!/usr/bin/env python3
"""Write reference values of the Pareto/NBD model for clv's unit tests.

Every value is computed with mpmath at 50 significant digits from the
definitions, by numerical integration over the dropout time, and checked
against a second route before it is written:

- ln_likelihood and p_alive: the integral over the dropout time in (t_x, T],
  checked against the Gauss hypergeometric form of A0 (Fader & Hardie 2005);
- conditional_expected: the closed form with its s = 1 limit, checked against
  P(alive) (r+x)/(alpha+T) * integral_0^t ((beta+T)/(beta+T+u))^s du;
- expected: the closed form, checked against (r/alpha) integral_0^t (beta/(beta+u))^s du;
- probability: the integral over the dropout time in (0, t]; for n = 0 it is
  checked against the hypergeometric form, and for every case the
  probabilities of n = 0..N are checked to sum to 1 and to have mean E[X(t)].

Parameters are Python floats, converted to mpmath numbers exactly, so the
script computes with the same f64 values that the Rust tests parse back from
their shortest repr.

Usage: python3 scripts/reference/pareto_nbd.py (needs mpmath; writes
crates/clv-models/tests/data/pareto_nbd_reference.csv).
"""

import csv
import pathlib

import mpmath as mp

mp.mp.dps = 50

OUTPUT = (
    pathlib.Path(__file__).resolve().parents[2]
    / "crates/clv-models/tests/data/pareto_nbd_reference.csv"
)

# (name, r, alpha, s, beta), the rates in the time unit of the customers below.
WEEKLY = {
    "cdnow": (0.553, 10.578, 0.606, 11.669),
    "alpha_above_beta": (0.8, 15.0, 1.4, 6.0),
    "alpha_equals_beta": (0.5, 10.0, 0.7, 10.0),
    "s_just_above_1": (0.553, 10.578, 1.0 + 1e-7, 11.669),
    "s_just_below_1": (0.553, 10.578, 1.0 - 1e-9, 11.669),
    "s_is_1": (0.553, 10.578, 1.0, 11.669),
    "large_alpha_beta": (1.3, 1e4, 0.9, 1.5e4),
    "large_alpha_small_beta": (0.9, 1e4, 0.4, 0.5),
    "small_alpha_large_beta": (0.7, 0.5, 1.6, 1e4),
}
DAILY = {
    "cdnow_days": (0.553, 10.578 / 7.0, 0.606, 11.669 / 7.0),
    "alpha_above_beta_days": (0.8, 15.0 / 7.0, 1.4, 6.0 / 7.0),
}

# (name, x, t_x, T) in weeks, then in days (T = 1826 is five years).
WEEKLY_CUSTOMERS = [
    ("one_time", 0.0, 0.0, 38.86),
    ("typical", 2.0, 30.43, 38.86),
    ("recency_is_age", 5.0, 38.86, 38.86),
    ("recency_near_age", 7.0, 38.86 - 1e-6, 38.86),
    ("recency_one_day_before_age", 4.0, 38.86 - 1.0 / 7.0, 38.86),
    ("frequent", 300.0, 38.5, 38.86),
    ("new_customer", 0.0, 0.0, 0.0),
]
DAILY_CUSTOMERS = [
    ("one_time_5y", 0.0, 0.0, 1826.0),
    ("typical_5y", 10.0, 1000.0, 1826.0),
    ("frequent_5y", 300.0, 1800.0, 1826.0),
    ("recency_is_age_5y", 40.0, 1826.0, 1826.0),
]

# Parameter sets whose P(X(t) = n) falls below 1e-30 within a few hundred n,
# so that summing the distribution stays quick.
DISTRIBUTION_CHECKS = {"cdnow", "alpha_above_beta", "s_is_1", "large_alpha_beta"}

WEEKLY_HORIZON = 52.0
DAILY_HORIZON = 365.0
COUNTS = [0, 1, 2, 5, 20]
# Relative agreement required between the two routes of each value.
AGREEMENT = mp.mpf("1e-25")


def integrate(f, lower, upper):
    """Integrate a positive f over [lower, upper], scaled to a maximum near 1.

    mp.quad stops when its error estimate is small in absolute terms, so an
    integrand of size 1e-500 must be scaled up for a relative accuracy.
    """
    scale = max(f(point) for point in mp.linspace(lower, upper, 65))
    if scale == 0:
        scale = mp.mpf(1)
    return scale * mp.quad(lambda tau: f(tau) / scale, mp.linspace(lower, upper, 5))


def dropout_integral(r, alpha, s, beta, x, t_x, age):
    """Integral over tau in (t_x, T] of (alpha+tau)^-(r+x) (beta+tau)^-(s+1)."""
    if t_x >= age:
        return mp.mpf(0)
    f = lambda tau: (alpha + tau) ** (-(r + x)) * (beta + tau) ** (-(s + 1))
    return integrate(f, t_x, age)


def a0_hypergeometric(r, alpha, s, beta, x, t_x, age):
    m = r + s + x
    if alpha >= beta:
        larger, b = alpha, s + 1
    else:
        larger, b = beta, r + x
    difference = abs(alpha - beta)

    def term(tau):
        return mp.hyp2f1(m, b, m + 1, difference / (larger + tau)) / (larger + tau) ** m

    return term(t_x) - term(age)


def likelihood(r, alpha, s, beta, x, t_x, age):
    integral = dropout_integral(r, alpha, s, beta, x, t_x, age)
    m = r + s + x
    check = a0_hypergeometric(r, alpha, s, beta, x, t_x, age) / m
    assert_close(integral, check, "A0")
    active = (alpha + age) ** (-(r + x)) * (beta + age) ** (-s)
    dropped = s * integral
    common = mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(alpha) + s * mp.log(beta)
    return common + mp.log(active + dropped), 1 / (1 + dropped / active)


def conditional_expected(r, alpha, s, beta, x, t_x, age, t):
    _, p_alive = likelihood(r, alpha, s, beta, x, t_x, age)
    scale = beta + age
    if s == 1:
        closed = p_alive * (r + x) * scale / (alpha + age) * mp.log((scale + t) / scale)
    else:
        closed = (
            p_alive * (r + x) * scale / ((alpha + age) * (s - 1))
            * (1 - (scale / (scale + t)) ** (s - 1))
        )
    survival = integrate(lambda u: (scale / (scale + u)) ** s, 0, t)
    assert_close(closed, p_alive * (r + x) / (alpha + age) * survival, "E[Y(t)]")
    return closed


def expected(r, alpha, s, beta, t):
    if s == 1:
        closed = r * beta / alpha * mp.log((beta + t) / beta)
    else:
        closed = r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + t)) ** (s - 1))
    survival = integrate(lambda u: (beta / (beta + u)) ** s, 0, t)
    assert_close(closed, r / alpha * survival, "E[X(t)]")
    return closed


def probability(r, alpha, s, beta, n, t):
    coefficient = mp.exp(mp.loggamma(r + n) - mp.loggamma(r) - mp.loggamma(n + 1))
    active = (alpha / (alpha + t)) ** r * (t / (alpha + t)) ** n * (beta / (beta + t)) ** s
    f = lambda tau: tau**n * (alpha + tau) ** (-(r + n)) * (beta + tau) ** (-(s + 1))
    integral = integrate(f, 0, t)
    if n == 0:
        # For n = 0 the integral is A0 / (r + s) with x = 0 over (0, t].
        check = a0_hypergeometric(r, alpha, s, beta, 0, 0, t) / (r + s)
        assert_close(integral, check, "P(X(t) = 0)")
    return coefficient * (active + s * alpha**r * beta**s * integral)


def check_distribution(r, alpha, s, beta, t):
    """Check that P(X(t) = n) sums to 1 and has mean E[X(t)] over n = 0..N."""
    total, mean, n = mp.mpf(0), mp.mpf(0), 0
    while True:
        p = probability(r, alpha, s, beta, n, t)
        total += p
        mean += n * p
        n += 1
        if n > 20 and p < mp.mpf("1e-30"):
            break
        if n > 5000:
            raise AssertionError("P(X(t) = n) does not fall off")
    # The tail beyond the last n is below 1e-30 but its mean need not be, so
    # the mean is compared more loosely.
    assert_close(total, mp.mpf(1), "sum of P(X(t) = n)", mp.mpf("1e-20"))
    assert_close(mean, expected(r, alpha, s, beta, t), "mean of P(X(t) = n)", mp.mpf("1e-12"))


def assert_close(value, reference, quantity, tolerance=AGREEMENT):
    if reference == 0:
        ok = abs(value) <= tolerance
    else:
        ok = abs(value / reference - 1) <= tolerance
    if not ok:
        raise AssertionError(f"{quantity}: {value} vs {reference}")


def exact(*values):
    """Convert f64 values to mpmath numbers exactly, so that no arithmetic happens in f64."""
    return [mp.mpf(value) for value in values]


def rows_for(case, params, customers, horizon):
    """Compute every quantity of one parameter set; rows keep the f64 inputs for the CSV."""
    r, alpha, s, beta = exact(*params)
    (t,) = exact(horizon)
    rows = []
    for name, *summary in customers:
        x, t_x, age = exact(*summary)
        ln_l, p_alive = likelihood(r, alpha, s, beta, x, t_x, age)
        values = [
            ("ln_likelihood", ln_l, ""),
            ("p_alive", p_alive, ""),
            ("conditional_expected", conditional_expected(r, alpha, s, beta, x, t_x, age, t), horizon),
        ]
        for quantity, value, horizon_field in values:
            rows.append([f"{case}/{name}", quantity, *params, *summary, horizon_field, "", value])
    population = [f"{case}/population", "expected", *params, "", "", "", horizon, ""]
    rows.append(population + [expected(r, alpha, s, beta, t)])
    for n in COUNTS:
        population = [f"{case}/population", "probability", *params, "", "", "", horizon, n]
        rows.append(population + [probability(r, alpha, s, beta, n, t)])
    return rows


def main():
    rows = []
    for case, params in WEEKLY.items():
        if case in DISTRIBUTION_CHECKS:
            check_distribution(*exact(*params, WEEKLY_HORIZON))
        rows += rows_for(case, params, WEEKLY_CUSTOMERS, WEEKLY_HORIZON)
    for case, params in DAILY.items():
        if case in DISTRIBUTION_CHECKS:
            check_distribution(*exact(*params, DAILY_HORIZON))
        rows += rows_for(case, params, DAILY_CUSTOMERS, DAILY_HORIZON)

    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with OUTPUT.open("w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            ["case", "quantity", "r", "alpha", "s", "beta", "x", "t_x", "T", "t", "n", "value"]
        )
        for row in rows:
            *fields, value = row
            writer.writerow([repr(f) if isinstance(f, float) else f for f in fields]
                            + [mp.nstr(value, 20)])
    print(f"wrote {len(rows)} rows to {OUTPUT}")


if __name__ == "__main__":
    main()
