import type { DriftMethod } from '../../../../shared/api/drift';
import { binnedMethod } from './binned';
import { ks } from './ks';
import { nullRate } from './nullRate';
import type { ColumnData, Outcome } from './types';
import { wasserstein, wassersteinNorm } from './wasserstein';
import { zMethod } from './zTest';

/** Runs one method; `seedKey` names the comparison (column, cohort, method) for its seeded bootstrap interval. */
export async function runMethod(method: DriftMethod, col: ColumnData, seedKey: string): Promise<Outcome> {
  switch (method) {
    case 'ks':
      return ks(col);
    case 'wasserstein':
      return wasserstein(col, seedKey);
    case 'wasserstein_norm':
      return wassersteinNorm(col, seedKey);
    case 'z':
      return zMethod(col);
    case 'null_rate':
      return nullRate(col);
    case 'psi':
    case 'js':
    case 'kl':
    case 'hellinger':
    case 'linf':
    case 'chi2':
      return binnedMethod(method, col, seedKey);
  }
}
