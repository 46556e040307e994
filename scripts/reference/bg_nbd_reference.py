#!/usr/bin/env python3
"""Write high-precision reference values of the BG/NBD and MBG/NBD models.

Computes, with mpmath at 50 significant digits, each model's log-likelihood,
P(alive), conditional expected purchases, E[X(t)] and P(X(t) = n) for a grid
of parameters and customer summaries that includes the hard cases of the
closed forms: one-time buyers, 300 repeat purchases, five years measured in
days, a + b < 1, a = 1, very large alpha and b, and recency 0 with repeat
purchases. It adds BG/NBD E[X(t)] at 200 random parameter sets and horizons
drawn log-uniformly from wide ranges.

The expectations come from the published closed forms with mpmath's
hypergeometric function. Each is checked against the integral over the
dropout probability p, E = P(alive) * integral of (1/p) [1 - ((alpha + T) /
(alpha + T + p t))^(r + x)] Beta(p; a, b') dp, computed by mpmath's
quadrature; at a = 1, where the closed form is 0/0, the integral is the
value. The probabilities P(X(t) = n) are checked against the incomplete beta
function and must sum to 1.

Formulas: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way",
Marketing Science 24 (2), equations for the likelihood, P(X(t) = n), E[X(t)]
and E[Y(t) | x, t_x, T]; for MBG/NBD, Batislam, Denizel & Filiztekin (2007),
IJRM 24 (3), in the form that lifetimes 0.11.3's ModifiedBetaGeoFitter uses.

Run from the repository root (needs mpmath; written with mpmath 1.3.0):

    python3 scripts/reference/bg_nbd_reference.py

It writes crates/clv-models/tests/data/bg_nbd_reference.csv.
"""

import csv
import pathlib
import random

import mpmath as mp

mp.mp.dps = 50

OUTPUT = pathlib.Path(__file__).resolve().parents[2] / "crates/clv-models/tests/data/bg_nbd_reference.csv"

# Relative agreement required between the closed form and the quadrature.
CROSS_CHECK = mp.mpf("1e-14")

PARAMETERS = {
    "bg_nbd": [
        # Published CDNOW fit, weeks.
        (0.243, 4.414, 0.793, 2.426),
        # The same purchase rates in days.
        (0.243, 30.898, 0.793, 2.426),
        # a + b < 1, so a + b + x - 1 < 0 for one-time buyers.
        (0.243, 4.414, 0.3, 0.5),
        # Very large alpha and b.
        (0.243, 1e4, 0.793, 1e4),
        # a = 1, where the closed form is 0/0, and a next to 1.
        (0.5, 5.0, 1.0, 2.0),
        (0.5, 5.0, 1.000001, 2.0),
        # Large shapes, a > 1.
        (8.0, 3.0, 40.0, 60.0),
    ],
    "mbg_nbd": [
        # CDNOW fit of lifetimes 0.11.3, weeks.
        (0.525, 6.183, 0.891, 1.614),
        (0.525, 43.281, 0.891, 1.614),
        (0.243, 4.414, 0.3, 0.5),
        (0.243, 1e4, 0.793, 1e4),
        (0.5, 5.0, 1.0, 2.0),
        (0.5, 5.0, 1.000001, 2.0),
        (8.0, 3.0, 40.0, 60.0),
    ],
}

# (x, t_x, T): weeks-like and days-like summaries.
SUMMARIES = [
    (0, 0.0, 38.86),
    (2, 30.43, 38.86),
    (0, 0.0, 0.0),
    (3, 0.0, 20.0),
    (1, 39.0, 39.0),
    (300, 38.5, 39.0),
    (0, 0.0, 1826.0),
    (300, 1820.0, 1826.0),
    (5, 1825.0, 1826.0),
    (1, 0.0, 1826.0),
]

HORIZONS = [1.0, 39.0, 365.0]
POPULATION_HORIZONS = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0, 365.0, 5000.0]
COUNTS = [0, 1, 2, 5, 20, 300]

# Random BG/NBD parameters and horizons for E[X(t)], log-uniform over wide
# ranges, from a fixed seed so the table is reproducible.
RANDOM_CASES = 200
RANDOM_SEED = 2005


def mpf(value):
    """Returns the exact value of the double nearest to `value`, as the Rust tests see it."""
    return mp.mpf(float(value))


def ln_likelihood(model, r, alpha, a, b, x, t_x, T):
    rate_part = mp.gamma(r + x) * alpha**r / mp.gamma(r)
    if model == "bg_nbd":
        alive = mp.beta(a, b + x) / mp.beta(a, b) * rate_part / (alpha + T) ** (r + x)
        dropped = 0
        if x > 0:
            dropped = mp.beta(a + 1, b + x - 1) / mp.beta(a, b) * rate_part / (alpha + t_x) ** (r + x)
    else:
        alive = mp.beta(a, b + x + 1) / mp.beta(a, b) * rate_part / (alpha + T) ** (r + x)
        dropped = mp.beta(a + 1, b + x) / mp.beta(a, b) * rate_part / (alpha + t_x) ** (r + x)
    return mp.log(alive + dropped)


def p_alive(model, r, alpha, a, b, x, t_x, T):
    ratio = ((alpha + T) / (alpha + t_x)) ** (r + x)
    if model == "bg_nbd":
        if x == 0:
            return mp.mpf(1)
        return 1 / (1 + a / (b + x - 1) * ratio)
    return 1 / (1 + a / (b + x) * ratio)


def active_integral(k, beta, a, b_post, t):
    """Integral over p of (1/p) [1 - (beta / (beta + p t))^k] Beta(p; a, b_post)."""

    # mp.quad stops on an absolute error estimate, so the density is
    # normalised inside the integrand to keep its values of order 1.
    normaliser = mp.beta(a, b_post)

    # 1 - (1 + p t / beta)^-k cancels completely at 50 digits once p t / beta
    # is below about 1e-50, so it is computed with expm1 and log1p.
    def gain_per_p(p):
        if p == 0:
            return k * t / beta
        return -mp.expm1(-k * mp.log1p(p * t / beta)) / p

    def density(p):
        return p ** (a - 1) * (1 - p) ** (b_post - 1) / normaliser

    # For a < 1 much of the mass can sit at p far below any quadrature node
    # (a quarter below 1e-30 for a = 0.02 and b = 8), so below p = 1/2 the
    # integral is taken over v = p^a, where p^(a - 1) dp = dv / a. Likewise
    # above 1/2 for b < 1, over w = (1 - p)^b.
    def near_zero(v):
        p = v ** (1 / a)
        return gain_per_p(p) * (1 - p) ** (b_post - 1) / (a * normaliser)

    def near_one(w):
        p = 1 - w ** (1 / b_post)
        return gain_per_p(p) * p ** (a - 1) / (b_post * normaliser)

    def plain(p):
        return gain_per_p(p) * density(p)

    # Break the interval around the bulk of the beta density, so that the
    # tanh-sinh rule resolves a narrow peak as well as endpoint singularities.
    mean = a / (a + b_post)
    spread = mp.sqrt(mean * (1 - mean) / (a + b_post + 1))
    candidates = {mean * f for f in (mp.mpf("0.001"), mp.mpf("0.01"), mp.mpf("0.1"), 10, 100)}
    candidates |= {mean + sign * j * spread for sign in (-1, 1) for j in (0, 1, 2, 4, 8, 16, 32)}
    half = mp.mpf(1) / 2
    lower = sorted({mp.mpf(0), half} | {p for p in candidates if 0 < p < half})
    upper = sorted({half, mp.mpf(1)} | {p for p in candidates if half < p < 1})

    if a < 1:
        total = mp.quad(near_zero, [p**a for p in lower], maxdegree=10)
    else:
        total = mp.quad(plain, lower, maxdegree=10)
    if b_post < 1:
        total += mp.quad(near_one, sorted((1 - p) ** b_post for p in upper), maxdegree=10)
    else:
        total += mp.quad(plain, upper, maxdegree=10)
    return total


def hyp_bracket(c, a, k, b_post, beta, t):
    z = t / (beta + t)
    return c / (a - 1) * (1 - (beta / (beta + t)) ** k * mp.hyp2f1(k, b_post, c, z))


def checked(closed, integral, label):
    if closed is None:
        return integral
    if abs(closed - integral) > CROSS_CHECK * abs(closed):
        raise AssertionError(f"{label}: closed form {closed} and quadrature {integral} disagree")
    return closed


def conditional_expectation(model, r, alpha, a, b, x, t_x, T, t):
    k, beta = r + x, alpha + T
    b_post = b + x if model == "bg_nbd" else b + x + 1
    c = a + b_post - 1
    closed = None
    if a != 1:
        # Fader, Hardie & Lee (2005), equation (10); MBG/NBD as lifetimes 0.11.3 computes it.
        closed = hyp_bracket(c, a, k, b_post, beta, t)
    if closed is not None:
        closed *= p_alive(model, r, alpha, a, b, x, t_x, T)
    integral = p_alive(model, r, alpha, a, b, x, t_x, T) * active_integral(k, beta, a, b_post, t)
    return checked(closed, integral, f"{model} E[Y({t}) | {x}, {t_x}, {T}] at {r, alpha, a, b}")


def expected_transactions(model, r, alpha, a, b, t):
    closed = None
    z = t / (alpha + t)
    if model == "bg_nbd":
        if a != 1:
            closed = (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * mp.hyp2f1(r, b, a + b - 1, z))
        integral = active_integral(r, alpha, a, b, t)
    else:
        if a != 1:
            closed = b / (a - 1) * (1 - (alpha / (alpha + t)) ** r * mp.hyp2f1(r, b + 1, a + b, z))
        integral = b / (a + b) * active_integral(r, alpha, a, b + 1, t)
    return checked(closed, integral, f"{model} E[X({t})] at {r, alpha, a, b}")


def probability(model, r, alpha, a, b, n, t):
    q = t / (alpha + t)

    def negative_binomial(j):
        return mp.gamma(r + j) / (mp.gamma(r) * mp.factorial(j)) * (1 - q) ** r * q**j

    tail = 1 - mp.fsum(negative_binomial(j) for j in range(n))
    regularized = mp.betainc(n, r, 0, q, regularized=True) if n > 0 else mp.mpf(1)
    if abs(tail - regularized) > CROSS_CHECK * abs(regularized) + mp.mpf("1e-45"):
        raise AssertionError(f"tail {tail} and incomplete beta {regularized} disagree")
    if model == "bg_nbd":
        value = mp.beta(a, b + n) / mp.beta(a, b) * negative_binomial(n)
        if n > 0:
            value += mp.beta(a + 1, b + n - 1) / mp.beta(a, b) * regularized
    else:
        value = mp.beta(a, b + n + 1) / mp.beta(a, b) * negative_binomial(n)
        value += mp.beta(a + 1, b + n) / mp.beta(a, b) * regularized
    return value


def check_probabilities_sum_to_one(model, r, alpha, a, b, t):
    total = mp.nsum(lambda n: probability(model, r, alpha, a, b, int(n), t), [0, mp.inf])
    if abs(total - 1) > mp.mpf("1e-15"):
        raise AssertionError(f"{model} P(X({t}) = n) sums to {total} at {r, alpha, a, b}")


def table_row(inputs, quantity, t, n, value):
    """Returns one table row: the inputs with the quantity's name, t, n and the value."""
    return [inputs[0], quantity, *inputs[2:], t, n, value]


def main():
    rows = []
    for model, parameter_sets in PARAMETERS.items():
        for raw in parameter_sets:
            r, alpha, a, b = (mpf(value) for value in raw)
            params = (r, alpha, a, b)
            for x, t_x, T in SUMMARIES:
                summary = (x, mpf(t_x), mpf(T))
                inputs = [model, "", *raw, x, t_x, T]
                if T > 0:
                    rows.append(table_row(inputs, "log_likelihood", "", "", ln_likelihood(model, *params, *summary)))
                rows.append(table_row(inputs, "p_alive", "", "", p_alive(model, *params, *summary)))
                for t in HORIZONS:
                    value = conditional_expectation(model, *params, *summary, mpf(t))
                    rows.append(table_row(inputs, "conditional_expectation", t, "", value))

            population = [model, "", *raw, "", "", ""]
            for t in POPULATION_HORIZONS:
                value = expected_transactions(model, *params, mpf(t))
                rows.append(table_row(population, "expected_transactions", t, "", value))
            for t in HORIZONS:
                for n in COUNTS:
                    value = probability(model, *params, n, mpf(t))
                    rows.append(table_row(population, "probability", t, n, value))
                # The sum converges slowly for long horizons, so it is checked on the short ones.
                if t < 100 and raw[1] < 1e3:
                    check_probabilities_sum_to_one(model, *params, mpf(t))
            print(f"{model} {raw}: done")

    generator = random.Random(RANDOM_SEED)
    for _ in range(RANDOM_CASES):
        raw = tuple(10 ** generator.uniform(low, high) for low, high in ((-3, 3), (-2, 4), (-3, 3), (-3, 3)))
        t = 10 ** generator.uniform(-2, 4)
        value = expected_transactions("bg_nbd", *(mpf(v) for v in raw), mpf(t))
        rows.append(table_row(["bg_nbd", "", *raw, "", "", ""], "expected_transactions", t, "", value))
    print(f"{RANDOM_CASES} random cases: done")

    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with OUTPUT.open("w", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["model", "quantity", "r", "alpha", "a", "b", "x", "t_x", "T", "t", "n", "value"])
        for row in rows:
            writer.writerow([*(repr(v) if isinstance(v, float) else v for v in row[:-1]), mp.nstr(row[-1], 20)])
    print(f"wrote {len(rows)} rows to {OUTPUT}")


if __name__ == "__main__":
    main()
