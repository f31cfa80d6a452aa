import { describe, expect, it } from 'vitest';
import { evidenceCellText, evidenceColumns, evidenceHeading } from '../../shared/evidenceText';
import { plural } from '../../shared/plural';
import { driftSeverity, lineageSeverity, loggingGapSeverity, SEVERITIES, severityRank } from '../../shared/severity';

describe('plural-aware counts in the one number format', () => {
  it('agrees the noun with the count and groups thousands', () => {
    expect(plural(1, 'file')).toBe('1 file');
    expect(plural(0, 'file')).toBe('0 files');
    expect(plural(57068, 'row')).toBe('57,068 rows');
    expect(plural(3, 'entry', 'entries')).toBe('3 entries');
    expect(plural(null, 'row')).toBe('— rows');
  });
});

describe('raw evidence as people read it', () => {
  it('orders columns by meaning, not alphabetically', () => {
    expect(evidenceColumns([{ zeta: 1, p_value: 0.1, column: 'a', n_current: 3, method: 'ks' }])).toEqual(['column', 'method', 'p_value', 'n_current', 'zeta']);
  });

  it('never prints 17-digit floats; p-values read as p; counts group thousands; missing is a dash', () => {
    expect(evidenceCellText('statistic', 0.25449525294654324)).toBe('0.2545');
    expect(evidenceCellText('p_value', 0)).toBe('< 0.0001');
    expect(evidenceCellText('p_adjusted', 0.0312345)).toBe('0.0312');
    expect(evidenceCellText('n_baseline', 2498)).toBe('2,498');
    expect(evidenceCellText('current_share', 0.4567)).toBe('45.7%');
    expect(evidenceCellText('effect', 1.2e-7)).toBe('1.200e-7');
    expect(evidenceCellText('drifted', true)).toBe('yes');
    expect(evidenceCellText('cohort', null)).toBe('—');
    expect(evidenceCellText('cohort', 'EU\u202Eevil')).toBe('EU⟨U+202E⟩evil');
    expect(evidenceHeading('p_adjusted')).toBe('p adjusted');
  });
});

describe('one severity model', () => {
  it('grades the same fact the same way for the Overview and the report', () => {
    expect(SEVERITIES).toEqual(['high', 'medium', 'low', 'info']);
    expect(severityRank('high')).toBeLessThan(severityRank('info'));
    expect(driftSeverity(0.61, 0.1)).toBe('high');
    expect(driftSeverity(0.15, 0.1)).toBe('medium');
    expect(driftSeverity(null, 0.1)).toBe('medium');
    expect(lineageSeverity(0.9)).toBe('high');
    expect(lineageSeverity(0.97)).toBe('medium');
    expect(lineageSeverity(0.995)).toBe('low');
    expect(loggingGapSeverity('audit_log', 1)).toBe('high');
    expect(loggingGapSeverity('spans', 2)).toBe('medium');
    expect(loggingGapSeverity('spans', 3)).toBe('high');
  });
});
