"""Time the summary step and the BG/NBD, Pareto/NBD and Gamma-Gamma fits of
lifetimes 0.11.3 on a transaction log, and compare them with the JSON that
`clv bench` printed for the same log.

Both tools' estimates are scored with lifetimes' own log-likelihood
functions on the unscaled summaries, so the log-likelihoods compare like
with like. Run by bench/compare_lifetimes.sh.
"""

import argparse
import json
import statistics
import sys
import time

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter
from lifetimes.utils import summary_data_from_transaction_data


def timed(function, runs):
    """Run `function` `runs` times; return the seconds of each run and the last result."""
    seconds, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - started)
    return seconds, result


def summarise(csv_path, calibration_end):
    # Reading and date parsing are part of the timed step, as in clv.
    transactions = pd.read_csv(csv_path, dtype={"customer": str})
    return summary_data_from_transaction_data(
        transactions,
        "customer",
        "date",
        monetary_value_col="amount",
        datetime_format="%Y-%m-%d",
        observation_period_end=calibration_end,
        freq="D",
        freq_multiplier=7,
    )


def bg_nbd_log_likelihood(params, summary):
    log_params = np.log([params["r"], params["alpha"], params["a"], params["b"]])
    x, t_x, t = summary["frequency"].values, summary["recency"].values, summary["T"].values
    mean = BetaGeoFitter._negative_log_likelihood(log_params, x, t_x, t, np.ones_like(x), 0.0)
    return -float(mean) * len(x)


def pareto_nbd_log_likelihood(params, summary):
    values = [params["r"], params["alpha"], params["s"], params["beta"]]
    x, t_x, t = summary["frequency"].values, summary["recency"].values, summary["T"].values
    # lifetimes divides the sum by the mean weight, which is 1 here.
    return -float(ParetoNBDFitter._negative_log_likelihood(values, x, t_x, t, np.ones(len(x)), 0.0))


def gamma_gamma_log_likelihood(params, repeat):
    log_params = np.log([params["p"], params["q"], params["gamma"]])
    x, m = repeat["frequency"].values, repeat["monetary_value"].values
    mean = GammaGammaFitter._negative_log_likelihood(log_params, x, m, np.ones(len(x)), 0.0)
    return -float(mean) * len(x)


def compare(name, clv, lifetimes_seconds, lifetimes_params, score):
    """Return one row of the comparison: medians, ratio, parameter agreement and both log-likelihoods."""
    clv_median = statistics.median(clv["seconds"])
    lifetimes_median = statistics.median(lifetimes_seconds)
    relative = {
        key: abs(clv["params"][key] - value) / abs(value) for key, value in lifetimes_params.items()
    }
    return {
        "stage": name,
        "clv_seconds": clv["seconds"],
        "lifetimes_seconds": lifetimes_seconds,
        "speedup": lifetimes_median / clv_median,
        "clv_params": clv["params"],
        "lifetimes_params": lifetimes_params,
        "max_relative_difference": max(relative.values()),
        "clv_log_likelihood": score(clv["params"]),
        "lifetimes_log_likelihood": score(lifetimes_params),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--csv", required=True)
    parser.add_argument("--calibration-end", required=True)
    parser.add_argument("--clv", required=True, help="JSON printed by clv bench")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pareto-runs", type=int, default=1)
    args = parser.parse_args()
    with open(args.clv) as file:
        clv = json.load(file)

    summary_seconds, summary = timed(lambda: summarise(args.csv, args.calibration_end), args.runs)
    x, t_x, t = summary["frequency"], summary["recency"], summary["T"]
    print(f"lifetimes: {len(summary)} customers summarised", file=sys.stderr)

    bg_seconds, bg = timed(lambda: BetaGeoFitter().fit(x, t_x, t), args.runs)
    bg_params = {key: float(value) for key, value in bg.params_.items()}
    print(f"lifetimes: BG/NBD {bg_params}", file=sys.stderr)

    rows = [
        {
            "stage": "summary",
            "clv_seconds": clv["summary_seconds"],
            "lifetimes_seconds": summary_seconds,
            "speedup": statistics.median(summary_seconds) / statistics.median(clv["summary_seconds"]),
            "customers": {"clv": clv["customers"], "lifetimes": len(summary)},
        },
        compare("bg_nbd", clv["bg_nbd"], bg_seconds, bg_params, lambda p: bg_nbd_log_likelihood(p, summary)),
    ]

    if clv.get("pareto_nbd"):
        pareto_seconds, pareto = timed(lambda: ParetoNBDFitter().fit(x, t_x, t), args.pareto_runs)
        pareto_params = {key: float(value) for key, value in pareto.params_.items()}
        print(f"lifetimes: Pareto/NBD {pareto_params}", file=sys.stderr)
        score = lambda p: pareto_nbd_log_likelihood(p, summary)
        rows.append(compare("pareto_nbd", clv["pareto_nbd"], pareto_seconds, pareto_params, score))

    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    gg_seconds, gg = timed(lambda: GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"]), args.runs)
    gg_params = {"p": float(gg.params_["p"]), "q": float(gg.params_["q"]), "gamma": float(gg.params_["v"])}
    score = lambda p: gamma_gamma_log_likelihood(p, repeat)
    rows.append(compare("gamma_gamma", clv["gamma_gamma"], gg_seconds, gg_params, score))

    json.dump(rows, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
