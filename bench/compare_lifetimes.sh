#!/usr/bin/env bash
# Times clv and Python's lifetimes 0.11.3 side by side on one simulated log:
# the summaries from the transaction CSV (date parsing included), and the
# BG/NBD, Pareto/NBD and Gamma-Gamma fits. Prints both times, the ratio of
# the medians and how far the estimates agree, and writes the raw results to
# bench/out/. Then times `clv run` end to end with the five models of
# bench/simulated.toml and prints its wall time and peak memory. Needs
# python3 (3.11), GNU time (/usr/bin/time) and network access to PyPI for
# the first run, which makes the venv bench/.venv.
#
# Usage: bench/compare_lifetimes.sh [CUSTOMERS] [RUNS] [PARETO_RUNS]
#   CUSTOMERS    customers to simulate (default 1000000, about 11M rows)
#   RUNS         runs of each stage; the ratio compares medians (default 3)
#   PARETO_RUNS  runs of lifetimes' Pareto/NBD fit, which takes minutes at
#                1M customers (default 1); 0 skips the Pareto/NBD fit in both tools
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -x /usr/bin/time ]]; then
    echo "error: /usr/bin/time (GNU time) is missing; install it (Debian: apt-get install time)" >&2
    exit 1
fi

customers=${1:-1000000}
runs=${2:-3}
pareto_runs=${3:-1}
venv=bench/.venv
mkdir -p bench/data bench/out

if [[ ! -x $venv/bin/python ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet lifetimes==0.11.3 numpy==1.24.4 scipy==1.10.1 pandas==2.0.3 \
        autograd==1.6.2 dill==0.3.6 setuptools
fi

cargo build --release --quiet
clv=target/release/clv
log=bench/data/transactions.csv
"$clv" -v simulate --customers "$customers" --out "$log"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), \
$(free -g | awk '/Mem:/ {print $2}') GiB RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "log: $(wc -l < "$log") lines, $(du -m "$log" | cut -f1) MB"

skip_pareto=()
if [[ $pareto_runs == 0 ]]; then
    skip_pareto=(--skip-pareto)
fi
"$clv" bench bench/simulated.toml --runs "$runs" "${skip_pareto[@]}" > bench/out/clv.json
"$venv/bin/python" bench/lifetimes_bench.py --csv "$log" --calibration-end 2021-06-30 \
    --clv bench/out/clv.json --runs "$runs" --pareto-runs "$pareto_runs" > bench/out/lifetimes.json

"$venv/bin/python" - bench/out/lifetimes.json "$log" "$runs" <<'PY'
import json, statistics, subprocess, sys, time

rows = json.load(open(sys.argv[1]))

# wc -l reads the same bytes once: the floor for any reader of the file.
def time_wc():
    started = time.perf_counter()
    subprocess.run(["wc", "-l", sys.argv[2]], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started

wc = statistics.median(time_wc() for _ in range(int(sys.argv[3])))
print(f"{'stage':<12} {'clv s':>9} {'lifetimes s':>12} {'ratio':>8}  agreement")
for row in rows:
    clv, lifetimes = statistics.median(row["clv_seconds"]), statistics.median(row["lifetimes_seconds"])
    if row["stage"] == "summary":
        note = f"customers {row['customers']}; wc -l {wc:.3f} s, clv / wc -l = {clv / wc:.1f}"
    else:
        note = (
            f"max relative parameter difference {row['max_relative_difference']:.2e}; "
            f"LL clv {row['clv_log_likelihood']:.4f}, lifetimes {row['lifetimes_log_likelihood']:.4f}"
        )
    print(f"{row['stage']:<12} {clv:>9.3f} {lifetimes:>12.3f} {row['speedup']:>7.1f}x  {note}")
PY

# The whole run: summaries, five fits, predictions and the reports, with the
# Pareto/NBD fit included even when PARETO_RUNS is 0.
for run in $(seq 1 "$runs"); do
    /usr/bin/time -f "%e %M" -o bench/out/run_time.txt "$clv" -q run bench/simulated.toml
    read -r wall kilobytes < bench/out/run_time.txt
    echo "clv run, five models, run $run: $wall s wall, peak resident memory $((kilobytes / 1024)) MiB"
done
