"""What a data scientist would run on the same data already in memory: per release × group (intersection of a1 and
a2) confusion matrix, accuracy / precision / recall / FPR with Wilson intervals, roc_auc_score with a DeLong interval
(midranks), brier_score_loss, ECE over 10 bins; impact ratios against the most-selected group; r1 → r2 differences.

    /usr/bin/python3 bench/performance_sklearn.py FILE   # FILE written by bench/performance.bench.ts --sklearn
Loading the CSV is not timed; the computation is. Prints timings and one JSON line {"rel:a1:a2": auc}.
"""
import json
import sys
import time

import numpy as np
from scipy import stats
from sklearn import metrics

Z = stats.norm.ppf(0.975)


def wilson(k, n):
    if n == 0:
        return (np.nan, np.nan)
    p = k / n
    d = 1 + Z * Z / n
    c = p + Z * Z / (2 * n)
    h = Z * np.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return (max(0.0, (c - h) / d), min(1.0, (c + h) / d))


def delong(y, s):
    pos, neg = s[y == 1], s[y == 0]
    m, n = len(pos), len(neg)
    tz = stats.rankdata(np.concatenate([pos, neg]))
    tx, ty = stats.rankdata(pos), stats.rankdata(neg)
    auc = (tz[:m].sum() - m * (m + 1) / 2) / (m * n)
    v01 = (tz[:m] - tx) / n
    v10 = 1.0 - (tz[m:] - ty) / m
    return auc, np.var(v01, ddof=1) / m + np.var(v10, ddof=1) / n


def group_metrics(y_all, yhat, s):
    lab = y_all >= 0
    y = y_all[lab]
    out = {'n': len(y_all), 'selected': int(yhat.sum())}
    tn, fp, fn, tp = metrics.confusion_matrix(y, yhat[lab], labels=[0, 1]).ravel()
    for name, k, n in [('accuracy', tp + tn, tp + tn + fp + fn), ('precision', tp, tp + fp), ('recall', tp, tp + fn), ('fpr', fp, fp + tn)]:
        out[name] = (k / n if n else np.nan, wilson(k, n))
    out['auc'] = delong(y, s[lab])
    out['sklearn_auc'] = metrics.roc_auc_score(y, s[lab])
    out['brier'] = metrics.brier_score_loss(y, s[lab])
    bins = np.minimum(np.floor(s[lab] * 10), 9).astype(int)
    out['ece'] = sum(abs(s[lab][bins == b].sum() - y[bins == b].sum()) for b in range(10)) / len(y)
    return out


def main(path):
    data = np.loadtxt(path, delimiter=',', skiprows=1)
    rel, a1, a2, score, label, pred = (data[:, i] for i in range(6))
    label = label.astype(int)
    pred = pred.astype(int)
    t0 = time.perf_counter()
    results = {}
    for r in (0, 1):
        for g1 in range(8):
            for g2 in range(5):
                m = (rel == r) & (a1 == g1) & (a2 == g2)
                results[(r, g1, g2)] = group_metrics(label[m], pred[m], score[m])
    for r in (0, 1):
        keys = [k for k in results if k[0] == r]
        rates = {k: results[k]['selected'] / results[k]['n'] for k in keys}
        ref = max(rates, key=rates.get)
        for k in keys:
            ir = rates[k] / rates[ref]
    for g1 in range(8):
        for g2 in range(5):
            b, c = results[(0, g1, g2)], results[(1, g1, g2)]
            d = c['auc'][0] - b['auc'][0]
            se = np.sqrt(b['auc'][1] + c['auc'][1])
            _ = (d - Z * se, d + Z * se)
    t1 = time.perf_counter()
    print(f'numpy/scikit-learn, {len(score)} rows in memory, 40 groups × 2 releases, all metrics: {(t1 - t0) * 1000:.0f} ms')
    print(json.dumps({f'{k[0]}:{k[1]}:{k[2]}': float(v['sklearn_auc']) for k, v in results.items()}))


main(sys.argv[1])
