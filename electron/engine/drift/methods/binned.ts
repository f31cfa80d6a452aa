import type { DriftMethod } from '../../../../shared/api/drift';
import { chi2Homogeneity } from './chi2';
import { hellinger } from './hellinger';
import { jensenShannon } from './js';
import { klDivergence } from './kl';
import { lInfinity } from './linf';
import { psi, psiPValue } from './psi';
import { SMOOTHING_NOTE } from './shares';
import { notComputable, type ColumnData, type Outcome } from './types';
import { binsBootstrap } from '../interval';

type BinnedMethod = Extract<DriftMethod, 'psi' | 'js' | 'kl' | 'hellinger' | 'linf' | 'chi2'>;

const EFFECT_NAME: Record<BinnedMethod, string> = {
  psi: 'PSI',
  js: 'JS distance (base 2)',
  kl: 'KL(baseline‖current)',
  hellinger: 'Hellinger',
  linf: 'L∞',
  chi2: "Cramér's V",
};

/** PSI, JS, KL, Hellinger, L∞ and chi-square over the same bins (counts aggregated in SQL). */
export async function binnedMethod(method: BinnedMethod, col: ColumnData, seedKey: string): Promise<Outcome> {
  const { bins, rule } = await col.bins();
  const b = bins.map((x) => x.baseline_count);
  const c = bins.map((x) => x.current_count);
  const used = bins.filter((x) => x.baseline_count + x.current_count > 0).length;
  const chi = chi2Homogeneity(b, c);
  if (!chi) return notComputable('fewer than two non-empty bins: the column takes a single value in both samples', EFFECT_NAME[method]);
  const chiNote = `p-value from the chi-square test of homogeneity on the same ${used} bins (df ${chi.df})`;
  const detail = [rule];
  let statistic: number;
  let pValue: number | null = chi.p;
  let effect: number;
  switch (method) {
    case 'psi': {
      statistic = psi(b, c);
      pValue = psiPValue(statistic, col.nBaseline, col.nCurrent, used);
      effect = statistic;
      detail.push(SMOOTHING_NOTE, `p-value: PSI/(1/n_b + 1/n_c) ~ χ²(${used - 1}) under no change`, psiBand(statistic));
      break;
    }
    case 'kl':
      statistic = klDivergence(b, c);
      effect = statistic;
      detail.push('natural log', SMOOTHING_NOTE, chiNote);
      break;
    case 'js':
      statistic = jensenShannon(b, c, 2);
      effect = statistic;
      detail.push('Jensen–Shannon distance, base 2, in [0, 1]; no smoothing needed', chiNote);
      break;
    case 'hellinger':
      statistic = hellinger(b, c);
      effect = statistic;
      detail.push('no smoothing needed', chiNote);
      break;
    case 'linf':
      statistic = lInfinity(b, c);
      effect = statistic;
      detail.push(chiNote);
      break;
    case 'chi2':
      statistic = chi.statistic;
      effect = chi.cramersV;
      detail.push(`chi-square test of homogeneity, 2×${used} table, df ${chi.df}; effect Cramér's V = √(χ²/N)`);
      break;
  }
  const ci = binsBootstrap(effect, b, c, (bb, cc) => effectOf(method, bb, cc), seedKey, method === 'psi' || method === 'kl' ? Number.POSITIVE_INFINITY : 1);
  return { statistic, p_value: pValue, effect, effect_name: EFFECT_NAME[method], detail, not_computable: null, bins, ci };
}

/** The effect of a binned method on counts (what the bootstrap recomputes per replicate). */
export function effectOf(method: BinnedMethod, b: number[], c: number[]): number | null {
  switch (method) {
    case 'psi':
      return psi(b, c);
    case 'kl':
      return klDivergence(b, c);
    case 'js':
      return jensenShannon(b, c, 2);
    case 'hellinger':
      return hellinger(b, c);
    case 'linf':
      return lInfinity(b, c);
    case 'chi2':
      return chi2Homogeneity(b, c)?.cramersV ?? null;
  }
}

function psiBand(value: number): string {
  if (value < 0.1) return 'band: < 0.10 (no significant change, banking convention)';
  if (value < 0.25) return 'band: 0.10–0.25 (moderate change, banking convention)';
  return 'band: ≥ 0.25 (major change, banking convention)';
}
