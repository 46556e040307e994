"""Write the reference values of the Gauss hypergeometric function 2F1.

Rerun from the repository root, with mpmath in a virtual environment:

    python3 -m venv /tmp/mpmath-venv
    /tmp/mpmath-venv/bin/pip install mpmath
    /tmp/mpmath-venv/bin/python scripts/reference/hyp2f1.py

It writes crates/clv-models/tests/data/hyp2f1_reference.csv with the
columns a,b,c,z,ln_abs,sign: ln|2F1(a, b; c; z)| and the sign of 2F1,
computed by mpmath.hyp2f1 at 50 significant digits (mp.dps = 50). The
inputs are the f64 values printed in the CSV, so the Rust test reads back
exactly the arguments mpmath saw.

mpmath.hyp2f1 (mpmath 1.4.1) can return wrong digits, or a wrong sign,
for large parameters or c far below zero, and with parameters above 1e3 it
can run for minutes and fail. So for |z| <= 0.9 the script also sums the
power series directly with mpmath numbers, at a working precision raised
by the digits its terms cancel (where that takes at most 100,000 terms and
loses at most 300 digits). With parameters up to 1e3 the row takes
mpmath.hyp2f1, which must agree with itself at 80 digits and with the
direct sum. Beyond 1e3 the row takes the direct sum. The script stops with
an error on any disagreement beyond 1e-30 relative.

The rows cover small parameters, the 2F1 calls of the BG/NBD, MBG/NBD and
Pareto/NBD models at the parameters fitted to the CDNOW data (BG/NBD
r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, also used for the MBG/NBD
shape; Pareto/NBD r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669),
and extreme ones: x up to 500, a + b < 1 (so that c < 0), z up to
1 - 1e-12, alpha and beta up to 1e4, and values beyond 1e300.
"""

import csv
import pathlib
import sys

from mpmath import fabs, hyp2f1, log, mp, mpf

OUTPUT = pathlib.Path(__file__).resolve().parents[2] / "crates/clv-models/tests/data/hyp2f1_reference.csv"

REFERENCE_DIGITS = 50
CHECK_DIGITS = 80
AGREEMENT = mpf(10) ** -30
DIRECT_MAX_Z = 0.9
DIRECT_MAX_TERMS = 100_000
DIRECT_MAX_LOST_DIGITS = 300
LARGE_PARAMETER = 1000.0

NEAR_ONE = [0.5, 0.9, 0.99, 0.999999, 1.0 - 1e-12]


def mpmath_value(a, b, c, z, digits):
    """Return mpmath.hyp2f1 at the given working precision."""
    mp.dps = digits
    return hyp2f1(mpf(a), mpf(b), mpf(c), mpf(z))


def direct_sum(a, b, c, z, digits):
    """Sum the power series at the given precision; None if it is too long.

    Returns the sum and the largest absolute term.
    """
    mp.dps = digits
    a, b, c, z = mpf(a), mpf(b), mpf(c), mpf(z)
    last_sign_change = max(0, -a, -b, -c)
    total = mpf(0)
    term = mpf(1)
    largest = mpf(1)
    tolerance = mpf(10) ** -(digits - 5)
    for n in range(DIRECT_MAX_TERMS):
        total += term
        largest = max(largest, fabs(term))
        ratio = (a + n) * (b + n) / ((c + n) * (n + 1)) * z
        term *= ratio
        if term == 0:
            return total, largest
        settled = n > last_sign_change + 2 and fabs(ratio) < 0.99
        if settled and fabs(term) < tolerance * fabs(total) * (1 - fabs(ratio)):
            return total, largest
    return None, None


def direct_value(a, b, c, z):
    """Return the directly summed series, with enough digits for its cancellation.

    Returns None where that takes too long: more than DIRECT_MAX_TERMS
    terms, or terms that cancel to fewer than 10^-DIRECT_MAX_LOST_DIGITS
    of the largest one.
    """
    total, largest = direct_sum(a, b, c, z, 60)
    if total is None:
        return None
    lost_digits = max(0, int(mp.log10(largest / fabs(total)))) + 10 if total != 0 else DIRECT_MAX_LOST_DIGITS + 1
    if lost_digits > DIRECT_MAX_LOST_DIGITS:
        return None
    precise, _ = direct_sum(a, b, c, z, 60 + lost_digits)
    check, _ = direct_sum(a, b, c, z, 90 + lost_digits)
    if precise is None or check is None:
        return None
    mp.dps = CHECK_DIGITS
    if fabs(precise - check) > AGREEMENT * fabs(check):
        raise RuntimeError(f"direct series unstable for 2F1({a}, {b}; {c}; {z})")
    return check


def reference(a, b, c, z):
    """Return ln|2F1| and its sign, checked as the module docstring describes."""
    direct = direct_value(a, b, c, z) if abs(z) <= DIRECT_MAX_Z else None
    if max(abs(a), abs(b), abs(c)) > LARGE_PARAMETER:
        # mpmath.hyp2f1 runs for minutes and then fails here, so the series
        # summed directly is the reference.
        if direct is None:
            raise RuntimeError(f"no reference method for 2F1({a}, {b}; {c}; {z})")
        value = direct
    else:
        value = mpmath_value(a, b, c, z, REFERENCE_DIGITS)
        check = mpmath_value(a, b, c, z, CHECK_DIGITS)
        if value == 0 or fabs(value - check) > AGREEMENT * fabs(check):
            raise RuntimeError(f"mpmath at {REFERENCE_DIGITS} and {CHECK_DIGITS} digits disagree on 2F1({a}, {b}; {c}; {z})")
        if direct is not None and fabs(direct - check) > AGREEMENT * fabs(direct):
            raise RuntimeError(f"mpmath and the direct series disagree on 2F1({a}, {b}; {c}; {z})")
    mp.dps = REFERENCE_DIGITS
    return log(fabs(value)), (1 if value > 0 else -1)


def small_parameter_rows():
    rows = []
    for a in (0.5, 2.5):
        for b in (-0.7, 1.25):
            for c in (1.5, -0.5, 4.75):
                for z in (-3.0, -0.4, 0.3, 0.8, 0.99):
                    rows.append((a, b, c, z))
    # Closed forms, a terminating series and integer c - a - b (0, -2 and 2).
    for z in (0.3, 0.9, 0.999999):
        rows.append((1.0, 1.0, 2.0, z))
        rows.append((-3.0, 1.5, 2.25, z))
        rows.append((1.5, 2.5, 2.0, z))
        rows.append((2.0, 3.0, 7.0, z))
    return rows


BG_NBD = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)
PARETO_NBD = dict(r=0.553, alpha=10.578, s=0.606, beta=11.669)


def bg_nbd(r, a, b, x, z):
    """Return (a, b, c, z) of the 2F1 in the BG/NBD conditional expectation."""
    return (r + x, b + x, a + b + x - 1.0, z)


def mbg_nbd(r, a, b, x, z):
    """Return (a, b, c, z) of the 2F1 in the MBG/NBD conditional expectation."""
    return (r + x, b + x + 1.0, a + b + x, z)


def pareto_s_form(r, s, x, z):
    """Return (a, b, c, z) of the 2F1 in the Pareto/NBD likelihood for alpha >= beta."""
    return (r + s + x, s + 1.0, r + s + x + 1.0, z)


def pareto_r_form(r, s, x, z):
    """Return (a, b, c, z) of the 2F1 in the Pareto/NBD likelihood for alpha < beta."""
    return (r + s + x, r + x, r + s + x + 1.0, z)


def bg_nbd_rows():
    r, alpha, a, b = BG_NBD["r"], BG_NBD["alpha"], BG_NBD["a"], BG_NBD["b"]
    rows = []
    for x in (0, 1, 2, 5, 10, 20, 30):
        for big_t in (0.0, 20.0, 40.0):
            for t in (39.0, 52.0):
                rows.append(bg_nbd(r, a, b, x, t / (alpha + big_t + t)))
    for x in (0, 1, 5, 30):
        for big_t in (0.0, 40.0):
            for t in (39.0, 52.0):
                rows.append(mbg_nbd(r, a, b, x, t / (alpha + big_t + t)))
    for x in (200, 500):
        for z in NEAR_ONE:
            rows.append(bg_nbd(r, a, b, x, z))
            rows.append(mbg_nbd(r, a, b, x, z))
    # a + b < 1, so c = a + b - 1 < 0 at x = 0.
    for x in (0, 1, 3):
        for z in [0.1] + NEAR_ONE:
            rows.append(bg_nbd(r, 0.3, 0.5, x, z))
    # Parameters from 1e-3 to 1e4, with alpha setting z through t / (alpha + T + t).
    for r_extreme in (1e-3, 1e4):
        for a_extreme in (1e-3, 5.0, 1e4):
            for b_extreme in (1e-3, 1e4):
                for alpha_extreme in (1e-3, 1e4):
                    for x in (0, 10):
                        z = 52.0 / (alpha_extreme + 20.0 + 52.0)
                        rows.append(bg_nbd(r_extreme, a_extreme, b_extreme, x, z))
    return rows


def pareto_nbd_rows():
    r, alpha, s, beta = PARETO_NBD["r"], PARETO_NBD["alpha"], PARETO_NBD["s"], PARETO_NBD["beta"]
    rows = []
    for x in (0, 1, 2, 5, 10, 20, 30):
        for big_t in (0.0, 20.0, 40.0):
            z = (beta - alpha) / (beta + big_t)
            rows.append(pareto_r_form(r, s, x, z))
            rows.append(pareto_s_form(r, s, x, z))
    for x in (0, 5, 30, 200, 500):
        for z in NEAR_ONE:
            rows.append(pareto_s_form(r, s, x, z))
            rows.append(pareto_r_form(r, s, x, z))
    for large in (1e3, 1e4):
        for big_t in (0.0, 40.0):
            for x in (0, 30, 500):
                rows.append(pareto_s_form(r, s, x, (large - beta) / (large + big_t)))
                rows.append(pareto_r_form(r, s, x, (large - alpha) / (large + big_t)))
    # r = 1 makes c - a - b = -x an integer in the r form, and r = 1 + 1e-9 nearly so.
    for r_integer in (1.0, 1.0 + 1e-9):
        for x in (0, 3, 30):
            for z in (0.9, 0.999999, 1.0 - 1e-12):
                rows.append(pareto_r_form(r_integer, s, x, z))
    return rows


def negative_z_rows():
    r, a, b = BG_NBD["r"], BG_NBD["a"], BG_NBD["b"]
    rows = []
    for x in (0, 5):
        for z in (-0.5, -10.0, -1e4):
            rows.append(bg_nbd(r, a, b, x, z))
            rows.append(pareto_r_form(PARETO_NBD["r"], PARETO_NBD["s"], x, z))
    return rows


def main():
    rows = small_parameter_rows() + bg_nbd_rows() + pareto_nbd_rows() + negative_z_rows()
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with OUTPUT.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["a", "b", "c", "z", "ln_abs", "sign"])
        for a, b, c, z in rows:
            ln_abs, sign = reference(a, b, c, z)
            writer.writerow([repr(float(a)), repr(float(b)), repr(float(c)), repr(float(z)), mp.nstr(ln_abs, 25), sign])
    print(f"wrote {len(rows)} rows to {OUTPUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
