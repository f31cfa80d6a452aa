/** Multiple-testing corrections over a family of p-values (nulls are skipped and stay null). */

export type Correction = 'bh' | 'bonferroni' | 'none';

export function adjustPValues(pValues: readonly (number | null)[], method: Correction): (number | null)[] {
  const idx: number[] = [];
  pValues.forEach((p, i) => {
    if (p !== null) idx.push(i);
  });
  const m = idx.length;
  const out: (number | null)[] = pValues.map(() => null);
  if (m === 0) return out;
  if (method === 'none') {
    for (const i of idx) out[i] = pValues[i] as number;
    return out;
  }
  if (method === 'bonferroni') {
    for (const i of idx) out[i] = Math.min(1, (pValues[i] as number) * m);
    return out;
  }
  // Benjamini–Hochberg step-up: p_(k)·m/k, made monotone from the largest p down. Ties keep input order.
  const sorted = [...idx].sort((a, b) => (pValues[a] as number) - (pValues[b] as number) || a - b);
  let running = 1;
  for (let k = m; k >= 1; k--) {
    const i = sorted[k - 1] as number;
    running = Math.min(running, ((pValues[i] as number) * m) / k);
    out[i] = Math.min(1, running);
  }
  return out;
}
