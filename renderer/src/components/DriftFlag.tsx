import type { DriftDecision } from '../../../shared/api/drift';
import { DRIFT_DECISION_LABEL, DRIFT_DECISION_MARK } from '../../../shared/driftMethods';

const CLASS: Record<DriftDecision, string> = { drift: 'bad', no_drift: 'ok', inconclusive: 'warn', not_computable: 'na', data_quality: 'na' };

/** Drift verdict as mark + word (never colour alone); the why is the tooltip. */
export function DriftFlag({ r }: { r: { decision: DriftDecision; why: string } }) {
  return (
    <span className={`badge ${CLASS[r.decision]}`} title={r.why}>
      {DRIFT_DECISION_MARK[r.decision]} {DRIFT_DECISION_LABEL[r.decision]}
    </span>
  );
}
