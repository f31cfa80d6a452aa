"""Baseline a data scientist would use: KS (scipy.stats.ks_2samp), Wasserstein (scipy.stats.wasserstein_distance)
and PSI (NumPy, 10 baseline-quantile bins + out-of-range bins, half-count smoothing) on data already in memory.

    python3 bench/drift_scipy.py DIR   # DIR holds base.csv and cur.csv written by bench/drift.bench.ts --scipy
Loading the CSV is not timed; the computation is. Prints timings and one JSON line {column: {ks, w1}}.
"""
import json
import sys
import time

import numpy as np
from scipy import stats


def load(path):
    with open(path) as f:
        header = f.readline().strip().split(',')
    data = np.loadtxt(path, delimiter=',', skiprows=1)
    return header, data


def psi(b, c, bins=10):
    edges = np.unique(np.quantile(b, np.linspace(0, 1, bins + 1)[1:-1], method='inverted_cdf'))
    lo, hi = b.min(), b.max()
    edges = edges[(edges > lo) & (edges <= hi)]
    def counts(x):
        idx = np.searchsorted(edges, x, side='right')
        inside = np.bincount(idx[(x >= lo) & (x <= hi)], minlength=len(edges) + 1)
        return np.concatenate([[np.sum(x < lo)], inside, [np.sum(x > hi)]]).astype(float)
    cb, cc = counts(b), counts(c)
    keep = (cb + cc) > 0
    cb, cc = cb[keep], cc[keep]
    cb[cb == 0] = 0.5
    cc[cc == 0] = 0.5
    pb, pc = cb / cb.sum(), cc / cc.sum()
    return float(np.sum((pb - pc) * np.log(pb / pc)))


def main():
    d = sys.argv[1]
    t0 = time.perf_counter()
    header, base = load(f'{d}/base.csv')
    _, cur = load(f'{d}/cur.csv')
    print(f'scipy: loaded {base.shape[0]} + {cur.shape[0]} rows × {base.shape[1]} columns in {time.perf_counter() - t0:.1f} s (not counted)')
    numeric = [i for i, h in enumerate(header) if h.startswith('x')]
    out = {}
    timings = {'ks': 0.0, 'wasserstein': 0.0, 'psi': 0.0}
    for i in numeric:
        b = base[:, i]
        c = cur[:, i]
        b = b[np.isfinite(b)]
        c = c[np.isfinite(c)]
        t = time.perf_counter(); ks = stats.ks_2samp(b, c); timings['ks'] += time.perf_counter() - t
        t = time.perf_counter(); w1 = stats.wasserstein_distance(b, c); timings['wasserstein'] += time.perf_counter() - t
        t = time.perf_counter(); psi(b, c); timings['psi'] += time.perf_counter() - t
        out[header[i]] = {'ks': float(ks.statistic), 'w1': float(w1)}
    total = sum(timings.values())
    print(f"scipy: {len(numeric)} numeric columns: ks {timings['ks'] * 1000:.0f} ms, wasserstein {timings['wasserstein'] * 1000:.0f} ms, psi {timings['psi'] * 1000:.0f} ms, total {total * 1000:.0f} ms")
    print(json.dumps(out))


if __name__ == '__main__':
    main()
