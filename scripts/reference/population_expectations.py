"""Reference values of E[X(t)], the expected repeat transactions of a new
customer over (0, t], for the population tests of the fitted models.

Closed forms, evaluated with mpmath at 30 digits:
- BG/NBD (Fader, Hardie and Lee 2005, "Counting your customers the easy
  way", eq. 9): (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))];
- MBG/NBD (Batislam, Denizel and Filiztekin 2007):
  b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))];
- Pareto/NBD (Schmittlein, Morrison and Colombo 1987):
  r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)].

Run: python3 scripts/reference/population_expectations.py
"""

import mpmath as mp

mp.mp.dps = 30


def bg_nbd(r, alpha, a, b, t):
    z = t / (alpha + t)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * mp.hyp2f1(r, b, a + b - 1, z))


def mbg_nbd(r, alpha, a, b, t):
    z = t / (alpha + t)
    return b / (a - 1) * (1 - (alpha / (alpha + t)) ** r * mp.hyp2f1(r, b + 1, a + b, z))


def pareto_nbd(r, alpha, s, beta, t):
    return r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + t)) ** (s - 1))


for t in (39, 78):
    t = mp.mpf(t)
    print("bg_nbd", t, mp.nstr(bg_nbd(mp.mpf("0.243"), mp.mpf("4.414"), mp.mpf("0.793"), mp.mpf("2.426"), t), 17))
    print("mbg_nbd", t, mp.nstr(mbg_nbd(mp.mpf("0.525"), mp.mpf("6.183"), mp.mpf("0.891"), mp.mpf("1.614"), t), 17))
    print("pareto_nbd", t, mp.nstr(pareto_nbd(mp.mpf("0.553"), mp.mpf("10.578"), mp.mpf("0.606"), mp.mpf("11.669"), t), 17))
