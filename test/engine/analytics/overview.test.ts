import { describe, expect, it } from 'vitest';
import { overviewReport } from '../../../electron/engine/analytics/overview';
import type { ImportSummary } from '../../../shared/api/bundle';
import { fixtureOpener, miniBundle } from './fixtures';

const open = fixtureOpener();

describe('overview', () => {
  it('summarises period, systems, versions and releases with their events', async () => {
    const o = await overviewReport(await open(miniBundle()));
    expect(o.period).toEqual({ start: '2026-03-01T10:00:00.000Z', end: '2026-03-30T10:00:00.000Z' });
    expect(o.systems).toEqual(['svc']);
    expect(o.model_names).toEqual(['gpt-x', 'scorer']);
    expect(o.model_versions).toEqual(['m:1', 'm:2']);
    expect(o.releases.map((r) => [r.release_id, r.outcome, r.events.length])).toEqual([
      ['rA', 'promoted', 3],
      ['rB', 'promoted', 2],
      ['rC', 'rolled_back', 5],
    ]);
    expect(o.releases[2]?.events.map((e) => e.event_type)).toEqual(['canary_start', 'canary_fail', 'incident_open', 'rollback', 'incident_resolved']);
  });

  it('lists headline findings, high first, each with a screen to open', async () => {
    const o = await overviewReport(await open(miniBundle()));
    const ids = o.headline.map((h) => h.id);
    expect(ids).toEqual(expect.arrayContaining(['canary:rC', 'coverage:missing:rB', 'eval:rB', 'logging:audit_log:2026-03-13', 'logging:spans:2026-03-06', 'lineage:spans', 'logging:retention']));
    const sev = o.headline.map((h) => h.severity);
    expect([...sev].sort((a, b) => ['high', 'medium', 'low'].indexOf(a) - ['high', 'medium', 'low'].indexOf(b))).toEqual(sev);
    expect(o.headline.find((h) => h.id === 'coverage:missing:rB')).toMatchObject({ severity: 'high', target: { screen: 'coverage', params: { release: 'rB' } } });
    expect(o.headline.find((h) => h.id === 'eval:rB')?.target).toEqual({ screen: 'evals', params: { release: 'rB' } });
    expect(o.headline.find((h) => h.id === 'lineage:spans')).toMatchObject({ value: 0.96, target: { screen: 'lineage', params: { view: 'completeness', table: 'spans' } } });
  });

  it('adds integrity findings from the import summary', async () => {
    const summary = {
      integrity: { state: 'altered', root_hash: 'x', problems: [{ path: 'spans.jsonl', status: 'hash_mismatch', detail: 'sha differs' }] },
      rejects_total: 2,
      files: [{ path: 'spans.jsonl', rows_rejected: 2, rows_loaded: 998 }],
      checks: [{ check: 'orphan_parent_span', table: 'spans', count: 3, detail: 'parent missing', examples: [] }],
      period: { start: null, end: null },
    } as unknown as ImportSummary;
    const o = await overviewReport(await open(miniBundle()), summary);
    expect(o.headline.find((h) => h.id === 'integrity:altered')).toMatchObject({ severity: 'high', detail: 'hash_mismatch: spans.jsonl' });
    expect(o.headline.find((h) => h.id === 'integrity:rejects')?.value).toBe(2);
    expect(o.headline.find((h) => h.id === 'integrity:orphan_parent_span:spans')).toMatchObject({ severity: 'low', title: 'Import check not met in spans: orphan parent span (3 hits)' });
    expect(o.headline.find((h) => h.id === 'integrity:rejects')).toMatchObject({ severity: 'low', title: '2 rows rejected at import', detail: 'spans.jsonl: 2 rows' });
  });

  it('grades rejected rows by their share of the input: a bundle that barely opened is high, as in the report', async () => {
    // sklearn's breast_cancer.csv opened as records: its first line is not a header, one row loads.
    const barely = { integrity: { state: 'unverified', root_hash: 'x', problems: [] }, rejects_total: 15363, files: [{ path: 'records.csv', rows_rejected: 15363, rows_loaded: 1 }], checks: [], period: { start: null, end: null } } as unknown as ImportSummary;
    const o = await overviewReport(await open(miniBundle()), barely);
    expect(o.headline.find((h) => h.id === 'integrity:rejects')).toMatchObject({ severity: 'high', title: '15,363 rows rejected at import', detail: 'records.csv: 15,363 rows' });
    expect(o.headline[0]?.severity).toBe('high');
    const some = { ...barely, rejects_total: 60, files: [{ path: 'records.csv', rows_rejected: 60, rows_loaded: 940 }] } as unknown as ImportSummary;
    expect((await overviewReport(await open(miniBundle()), some)).headline.find((h) => h.id === 'integrity:rejects')?.severity).toBe('medium');
  });

  it('writes counts in one number format with the noun agreeing', async () => {
    const o = await overviewReport(await open(miniBundle()));
    for (const h of o.headline) {
      expect(h.title, h.title).not.toMatch(/\(s\)|\b1 days\b|\b\d{4,}\b(?![-:])/);
    }
    expect(o.headline.find((h) => h.id === 'logging:retention')?.title).toMatch(/^Logs cover \d+ days?, below the \d+-day minimum$/);
  });

  it('an empty database gives an empty overview', async () => {
    const o = await overviewReport(await open({}));
    expect(o).toEqual({ period: { start: null, end: null }, systems: [], model_names: [], model_versions: [], releases: [], headline: [] });
  });
});
