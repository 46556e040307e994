"""Reference values of the Gamma-Gamma spend model at fixed parameters.

Writes crates/clv-models/tests/data/gamma_gamma_reference.csv. Every value
comes from numerical integration over a customer's rate nu with mpmath at
30 significant digits, not from the closed forms that clv implements:

- log_likelihood: ln of the integral over nu of f(m | nu) g(nu), where
  f is the density of the mean of x independent Gamma(p, nu) values
  (x m is Gamma(p x, nu)) and g is the Gamma(q, gamma) density of nu;
- d_p, d_q, d_gamma: the posterior mean of the derivative of
  ln f(m | nu) + ln g(nu) with respect to each parameter, which is the
  derivative of the log-likelihood (differentiation under the integral);
- expected_value: the posterior mean of p / nu, the expected value of a
  future purchase day.

Run from the workspace root: python3 scripts/reference/gamma_gamma_reference.py
Needs mpmath (tested with 1.3.0).
"""

import csv
import pathlib

import mpmath as mp

mp.mp.dps = 30

CASES = [
    # p, q, gamma, x, m
    (6.25, 3.74, 15.44, 1, 10.0),
    (6.25, 3.74, 15.44, 3, 35.5),
    (6.25, 3.74, 15.44, 12, 2.75),
    (0.8, 1.5, 200.0, 2, 1234.5),
    (2.0, 5.0, 0.3, 7, 0.04),
    (6.25, 3.74, 15.44, 500, 42.0),
    (6.25, 3.74, 15.44, 2, 1.0e6),
    (6.25, 3.74, 15.44, 500, 1.0e6),
]

OUTPUT = pathlib.Path("crates/clv-models/tests/data/gamma_gamma_reference.csv")


def posterior_integral(p, q, gamma, x, m, weight):
    """Integral over nu of weight(nu) f(m | nu) g(nu)."""
    shape = p * x
    total = x * m

    def integrand(u):
        nu = mode * mp.exp(u)
        log_f = mp.log(x) + shape * mp.log(nu) + (shape - 1) * mp.log(total) - nu * total - mp.loggamma(shape)
        log_g = q * mp.log(gamma) + (q - 1) * mp.log(nu) - gamma * nu - mp.loggamma(q)
        # d nu = nu du under the substitution nu = mode e^u.
        return weight(nu) * mp.exp(log_f + log_g) * nu

    # The posterior of nu is Gamma(a, gamma + x m) with a = p x + q. In
    # u = ln(nu / mode) its density is about exp(a (u - e^u)), which is below
    # e^-115 of its peak outside [-1 - 115 / a, ln(2 + 150 / a) + 1]. The
    # range is split into steps of its width 1 / sqrt(a) so that quad sees
    # the peak.
    post_shape = shape + q
    mode = (post_shape - 1) / (gamma + total) if post_shape > 1 else post_shape / (gamma + total)
    low = -1 - 115 / post_shape
    high = mp.log(2 + 150 / post_shape) + 1
    steps = int(min(200, max(8, (high - low) * mp.sqrt(post_shape))))
    points = [low + (high - low) * k / steps for k in range(steps + 1)]
    return mp.quad(integrand, points)


def reference(p, q, gamma, x, m):
    p, q, gamma, x, m = (mp.mpf(v) for v in (p, q, gamma, x, m))
    likelihood = posterior_integral(p, q, gamma, x, m, lambda nu: 1)
    d_p = posterior_integral(
        p, q, gamma, x, m, lambda nu: x * mp.log(nu) + x * mp.log(x * m) - x * mp.digamma(p * x)
    ) / likelihood
    d_q = posterior_integral(
        p, q, gamma, x, m, lambda nu: mp.log(gamma) + mp.log(nu) - mp.digamma(q)
    ) / likelihood
    d_gamma = posterior_integral(p, q, gamma, x, m, lambda nu: q / gamma - nu) / likelihood
    expected = posterior_integral(p, q, gamma, x, m, lambda nu: p / nu) / likelihood
    return [mp.log(likelihood), d_p, d_q, d_gamma, expected]


def main():
    with OUTPUT.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["p", "q", "gamma", "x", "m", "log_likelihood", "d_p", "d_q", "d_gamma", "expected_value"])
        for case in CASES:
            values = reference(*case)
            writer.writerow([repr(v) for v in case] + [mp.nstr(v, 20) for v in values])


if __name__ == "__main__":
    main()
