import { describe, expect, it } from 'vitest';
import type { DriftDecision } from '../../shared/api/drift';
import { driftHeadline, driftVerdict, tallyDrift } from '../../shared/driftVerdict';

type Row = { column: string; cohort: string; method: string; drifted: boolean; not_computable: string | null; decision: DriftDecision; section: 'drift' | 'data_quality'; why: string };

function row(column: string, decision: DriftDecision, opts: { method?: string; cohort?: string; section?: 'drift' | 'data_quality'; why?: string } = {}): Row {
  return {
    column,
    cohort: opts.cohort ?? 'all',
    method: opts.method ?? 'ks',
    drifted: decision === 'drift',
    not_computable: decision === 'not_computable' ? 'baseline selection has 0 rows: x' : null,
    decision,
    section: opts.section ?? (decision === 'data_quality' ? 'data_quality' : 'drift'),
    why: opts.why ?? `${decision}: …`,
  };
}

describe('driftHeadline / driftVerdict read the decision, not only `drifted`', () => {
  it('a table whose compared columns are all inconclusive never reads "No drift" and is not met', () => {
    const rs = [
      row('a', 'inconclusive', { why: 'inconclusive: the interval straddles the threshold — D 0.1' }),
      row('b', 'inconclusive'),
    ];
    expect(driftHeadline(rs)).not.toMatch(/no drift/i);
    expect(driftHeadline(rs)).toBe('Undecided: both compared columns are inconclusive — the interval straddles the threshold — D 0.1');
    const v = driftVerdict(rs);
    expect(v.verdict).toBe('not_applicable');
    expect(v.why).toBe('no column could be decided: 2 of 2 compared columns inconclusive');
  });

  it('no drift in some columns and inconclusive in others: the headline says both, and the check is not met', () => {
    const rs = [row('a', 'no_drift'), row('b', 'inconclusive'), row('c', 'not_computable')];
    expect(driftHeadline(rs)).toBe('No drift in 1 of 2 compared columns, 1 inconclusive (1 of 3 columns not computable)');
    expect(driftVerdict(rs)).toEqual({ verdict: 'not_applicable', why: '1 of 2 compared columns inconclusive; no drift in the other 1' });
  });

  it('a column inconclusive in one cohort and no drift in another is inconclusive, not "no drift"', () => {
    const rs = [row('a', 'no_drift', { cohort: 'all' }), row('a', 'inconclusive', { cohort: 'region=EU' })];
    expect(tallyDrift(rs)).toMatchObject({ columns: 1, compared: 1, drifted: 0, inconclusive: 1, noDrift: 0 });
  });

  it('label coverage (data quality) rows are not compared columns, and never make a drift', () => {
    const onlyQuality = [row('label', 'data_quality', { method: 'null_rate' })];
    expect(tallyDrift(onlyQuality)).toMatchObject({ columns: 0, compared: 0 });
    expect(driftHeadline(onlyQuality)).toBe('Nothing compared: no column to compare');
    expect(driftVerdict(onlyQuality).verdict).toBe('not_applicable');
    const rs = [row('score', 'no_drift'), row('label', 'not_computable'), row('label', 'data_quality', { method: 'null_rate' })];
    expect(tallyDrift(rs)).toMatchObject({ columns: 2, compared: 1, noDrift: 1 });
    expect(driftHeadline(rs)).toBe('No drift in 1 column compared (1 of 2 columns not computable)');
    // A data-quality row that somehow says drifted still does not count as a drifted column.
    const odd = [row('score', 'no_drift'), { ...row('label', 'data_quality', { method: 'null_rate' }), drifted: true }];
    expect(driftVerdict(odd)).toEqual({ verdict: 'met', why: 'no drift in 1 compared column' });
  });

  it('drift wins over inconclusive; the headline names what was undecided', () => {
    const rs = [row('a', 'drift'), row('b', 'inconclusive'), row('c', 'no_drift')];
    expect(driftHeadline(rs)).toBe('1 of 3 compared columns drifted, 1 inconclusive');
    expect(driftVerdict(rs)).toEqual({ verdict: 'not_met', why: '1 of 3 compared columns drifted' });
  });

  it('a null-rate drift on an otherwise uncomputable column counts that column as compared and drifted', () => {
    const rs = [row('a', 'not_computable'), row('a', 'drift', { method: 'null_rate' }), row('b', 'no_drift')];
    expect(tallyDrift(rs)).toMatchObject({ columns: 2, compared: 2, drifted: 1 });
    expect(driftHeadline(rs)).toBe('1 of 2 compared columns drifted');
  });

  it('results without a decision (older shapes) are read from drifted / not_computable as before', () => {
    const r = (column: string, drifted: boolean, nc: string | null, method = 'ks') => ({ column, method, drifted, not_computable: nc });
    expect(driftHeadline([r('a', false, null), r('b', false, 'current has no non-null values')])).toBe('No drift in 1 column compared (1 of 2 columns not computable)');
    expect(driftVerdict([r('a', true, null), r('a', false, null, 'null_rate')])).toEqual({ verdict: 'not_met', why: '1 of 1 compared columns drifted' });
  });
});
