import type { DriftResult } from '../../../shared/api/drift';

/** Drift verdict as icon + text (never colour alone). */
export function DriftFlag({ r }: { r: Pick<DriftResult, 'drifted' | 'not_computable'> }) {
  if (r.not_computable) {
    return (
      <span className="badge na" title={r.not_computable}>
        – n/a
      </span>
    );
  }
  return r.drifted ? <span className="badge bad">▲ drift</span> : <span className="badge ok">✓ stable</span>;
}
