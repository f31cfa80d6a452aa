import { describe, expect, it } from 'vitest';
import { tallyVerdicts, verdictOver } from '../../shared/verdict';

describe('verdicts', () => {
  it('a check over nothing is not applicable, never met', () => {
    expect(verdictOver(0, true, 'no spans')).toEqual({ verdict: 'not_applicable', why: 'no spans' });
    expect(verdictOver(null, true, 'no table')).toEqual({ verdict: 'not_applicable', why: 'no table' });
    expect(verdictOver(Number.NaN, true, 'unknown')).toEqual({ verdict: 'not_applicable', why: 'unknown' });
  });

  it('a check over something is met or not met', () => {
    expect(verdictOver(3, true, 'x').verdict).toBe('met');
    expect(verdictOver(3, false, 'x').verdict).toBe('not_met');
  });

  it('counts not applicable apart from passes', () => {
    const t = tallyVerdicts([{ verdict: 'met' }, { verdict: 'not_applicable' }, { verdict: 'not_applicable' }, { verdict: 'not_met' }]);
    expect(t).toEqual({ met: 1, not_met: 1, not_applicable: 2 });
  });
});
