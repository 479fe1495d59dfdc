#!/usr/bin/env python3
"""The engine's benchmark plan as a vectorized NumPy program, timed beside the engine.

The plan of `benches/engine.rs` (`engine/simulate/10000x30`): $1,000,000, 60/40 stocks and
bonds rebalanced every year, $40,000 a year in today's dollars from the first year,
30 years, lognormal returns with the default assumptions, correlated normal inflation
floored at -50 %, 0.1 % fees, 10,000 paths. Same model, same outputs: the share of paths
that never ran out, and the 5th to 95th percentiles (type 7, as the engine) of every
year's real balance and real spending, and the mean real legacy. Every year is one set of
array operations over all paths, as a NumPy user would write it; the random numbers are
NumPy's own (PCG64), so the figures agree with the engine's within Monte Carlo error, not
to the bit.

    python3 scripts/bench-numpy.py                 # NumPy alone
    python3 scripts/bench-numpy.py --engine        # and the criterion bench, same run
    python3 scripts/bench-numpy.py --engine BINARY # a bench binary built before
                                                   # (cargo bench --bench engine --no-run)

Needs NumPy (`pip install numpy`). BENCHMARKS.md records the numbers and the machine.
"""

import argparse
import math
import re
import statistics
import subprocess
import sys
import time

import numpy as np

PATHS = 10_000
YEARS = 30
BALANCE = 1_000_000.0
SPENDING = 40_000.0
STOCKS, BONDS = 0.6, 0.4
FEES = 0.001
# PlanDefaults: arithmetic means and volatilities, and the correlations.
STOCK_MEAN, STOCK_VOL = 0.09, 0.17
BOND_MEAN, BOND_VOL = 0.045, 0.06
INFLATION_MEAN, INFLATION_VOL = 0.025, 0.015
RHO_SB, RHO_SI, RHO_BI = 0.1, -0.1, -0.2
PERCENTILES = [5, 10, 25, 50, 75, 90, 95]
BENCH = "engine/simulate/10000x30$"


def lognormal(mean, vol):
    """exp(mu) and sigma of a gross return with arithmetic mean 1 + mean and sd vol."""
    v = (vol / (1.0 + mean)) ** 2
    return (1.0 + mean) / math.sqrt(1.0 + v), math.sqrt(math.log1p(v))


def simulate(seed, paths=PATHS, years=YEARS):
    gs, ss = lognormal(STOCK_MEAN, STOCK_VOL)
    gb, sb = lognormal(BOND_MEAN, BOND_VOL)
    l11 = math.sqrt(1.0 - RHO_SB**2)
    l21 = (RHO_BI - RHO_SI * RHO_SB) / l11
    l22 = math.sqrt(1.0 - RHO_SI**2 - l21**2)
    z = np.random.default_rng(seed).standard_normal((years, 3, paths))
    balance = np.full(paths, BALANCE)
    price = np.ones(paths)
    ran_out = np.zeros(paths, dtype=bool)
    real_balance = np.empty((years, paths))
    real_spending = np.empty((years, paths))
    for t in range(years):
        z1, z2, z3 = z[t]
        want = SPENDING * price
        ran_out |= want > balance
        spent = np.minimum(want, balance)
        balance = balance - spent
        stocks = gs * np.exp(ss * z1)
        bonds = gb * np.exp(sb * (RHO_SB * z1 + l11 * z2))
        inflation = 1.0 + np.maximum(
            INFLATION_MEAN + INFLATION_VOL * (RHO_SI * z1 + l21 * z2 + l22 * z3), -0.5
        )
        balance *= (STOCKS * stocks + BONDS * bonds) * (1.0 - FEES)
        real_spending[t] = spent / price
        price = price * inflation
        real_balance[t] = balance / price
    return {
        "success": 1.0 - ran_out.mean(),
        "balance": np.percentile(real_balance, PERCENTILES, axis=1),
        "spending": np.percentile(real_spending, PERCENTILES, axis=1),
        "legacy_mean": real_balance[-1].mean(),
    }


def time_numpy(runs):
    simulate(0)  # warm: imports, allocator
    times = []
    for k in range(runs):
        start = time.perf_counter()
        simulate(k + 1)
        times.append(time.perf_counter() - start)
    return times


def engine_median(binary):
    """The criterion median of the engine's 10,000 x 30 bench, in seconds."""
    args = ["--bench", "--warm-up-time", "2", "--measurement-time", "5", "--noplot", BENCH]
    cmd = [binary, *args] if binary else ["cargo", "bench", "--bench", "engine", "--", *args]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    match = re.search(r"time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", out)
    if not match:
        sys.exit(f"no criterion time in:\n{out}")
    value, unit = float(match.group(1)), match.group(2)
    return value * {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}[unit]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed NumPy runs (median)")
    parser.add_argument(
        "--engine",
        nargs="?",
        const="",
        default=None,
        metavar="BINARY",
        help="also run the engine's criterion bench (cargo, or this bench binary)",
    )
    args = parser.parse_args()
    result = simulate(42)
    print(
        f"NumPy {np.__version__}: success {result['success']:.4f}, "
        f"median real balance in year {YEARS} ${result['balance'][3][-1]:,.0f}, "
        f"mean legacy ${result['legacy_mean']:,.0f}"
    )
    times = time_numpy(args.runs)
    numpy_median = statistics.median(times)
    print(
        f"NumPy 10,000 x 30: median {numpy_median * 1e3:.2f} ms over {args.runs} runs "
        f"(best {min(times) * 1e3:.2f} ms)"
    )
    if args.engine is not None:
        engine = engine_median(args.engine or None)
        print(f"engine 10,000 x 30 (criterion median): {engine * 1e3:.3f} ms")
        # NumPy again after the engine, so a drift of the machine shows.
        after = statistics.median(time_numpy(args.runs))
        print(f"NumPy again after the engine: median {after * 1e3:.2f} ms")
        print(f"NumPy / engine: {min(numpy_median, after) / engine:.1f}x (the faster NumPy)")


if __name__ == "__main__":
    main()
