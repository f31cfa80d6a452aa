import { tallyVerdicts, VERDICT_LABEL, VERDICT_MARK, VERDICTS, type CheckVerdict, type Verdict } from '../../../shared/verdict';

const BADGE: Record<Verdict, string> = { met: 'ok', not_met: 'bad', not_applicable: 'na' };

/** A check's verdict as mark + words (never colour alone); not applicable says why right beside it. */
export function VerdictBadge({ v, rule }: { v: CheckVerdict; rule?: string }) {
  return (
    <span className="verdict" data-verdict={v.verdict}>
      <span className={`badge ${BADGE[v.verdict]}`} title={rule}>
        {VERDICT_MARK[v.verdict]} {VERDICT_LABEL[v.verdict]}
      </span>
      {v.verdict === 'not_applicable' && <span className="muted small"> — {v.why}</span>}
    </span>
  );
}

/** "5 met · 1 not met · 3 not applicable": checks over nothing are counted apart from passes. */
export function VerdictTally({ items, testId }: { items: readonly { verdict: Verdict }[]; testId?: string }) {
  const t = tallyVerdicts(items);
  return (
    <div className="row small" data-testid={testId} style={{ gap: 10, marginBottom: 8 }}>
      {VERDICTS.map((v) => (
        <span key={v} className={`badge ${BADGE[v]}`}>
          {VERDICT_MARK[v]} {t[v]} {VERDICT_LABEL[v]}
        </span>
      ))}
    </div>
  );
}
