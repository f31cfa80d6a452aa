import { describe, expect, it } from 'vitest';
import { postureReport } from '../../../electron/engine/analytics/posture';
import { fixtureOpener, day, miniBundle } from './fixtures';

const open = fixtureOpener();

describe('logging coverage', () => {
  it('finds the window, retention against the 183-day default, silent days and gaps per table', async () => {
    const r = await postureReport(await open(miniBundle()));
    expect(r).toMatchObject({ first_event: '2026-03-01T10:00:00.000Z', last_event: '2026-03-30T10:00:00.000Z', days_covered: 30, retention_min_days: 183, meets_retention: false });
    expect(r.zero_volume_days).toEqual(['2026-03-06', '2026-03-07']);
    expect(r.gaps).toEqual([
      { table: 'spans', start: '2026-03-06', end: '2026-03-08', days: 2 },
      { table: 'audit_log', start: '2026-03-13', end: '2026-03-16', days: 3 },
    ]);
    const audit = r.tables.find((t) => t.table === 'audit_log');
    expect(audit).toMatchObject({ rows: 29, days_with_data: 27, zero_volume_day_count: 3, continuous: true });
    const events = r.tables.find((t) => t.table === 'deployment_events');
    expect(events).toMatchObject({ continuous: false, zero_volume_day_count: null, gaps: [] });
  });

  it('takes a configurable retention minimum', async () => {
    const r = await postureReport(await open(miniBundle()), { retentionDays: 30 });
    expect(r.meets_retention).toBe(true);
    expect(r.checklist.find((c) => c.id === 'log_retention')).toMatchObject({ verdict: 'met', measure: 30 });
  });

  it('counts a log that starts late or ends early as silent at the window edges', async () => {
    const spec = miniBundle();
    spec.audit_log = [{ log_id: 'a', ts: day(10), target_id: 'x' }];
    const r = await postureReport(await open(spec));
    expect(r.gaps.filter((g) => g.table === 'audit_log')).toEqual([
      { table: 'audit_log', start: '2026-03-01', end: '2026-03-11', days: 10 },
      { table: 'audit_log', start: '2026-03-12', end: '2026-03-31', days: 19 },
    ]);
  });

  it('shares of events with trace id, model version and dataset version', async () => {
    const r = await postureReport(await open(miniBundle()));
    // Roots of 120 traces carry versions; their child spans and the 5 legacy traces do not.
    expect(r.traceability).toEqual([
      { table: 'spans', unit: 'span', total: 250, with_trace_id: 250, with_model_version: 120, with_dataset_version: 120, share_trace_id: 1, share_model_version: 0.48, share_dataset_version: 0.48 },
    ]);
    expect(r.share_with_model_version).toBe(0.48);
  });

  it('matches deployment events to audit-log entries on the same release within the window', async () => {
    const conn = await open(miniBundle());
    const r = await postureReport(conn);
    expect(r.deployment_audit).toMatchObject({ window_hours: 24, total: 10, covered: 5, share: 0.5 });
    expect(r.deployment_audit.uncovered.map((u) => u.event_id)).toEqual(['e0', 'e6', 'e7', 'e8', 'e9']);
    const tight = await postureReport(conn, { auditWindowHours: 0.5 });
    // Only rB's approval at 08:00 is near nothing; dep-a at 01:00 is 1 h after e1.
    expect(tight.deployment_audit.covered).toBe(0);
  });

  it('a log whose rows have no timestamp is not measurable rather than silent; an empty log is silent throughout', async () => {
    const spec = miniBundle();
    spec.audit_log = (spec.audit_log ?? []).map((r) => ({ ...r, ts: null }));
    const r = await postureReport(await open(spec));
    expect(r.tables.find((t) => t.table === 'audit_log')).toMatchObject({ rows_without_ts: 29, zero_volume_day_count: null, gaps: [] });
    expect(r.not_measurable).toContainEqual({ metric: 'logging_coverage.audit_log', reason: '29 rows have no usable ts' });
    const empty = miniBundle();
    empty.audit_log = [];
    const e = await postureReport(await open(empty));
    expect(e.gaps.filter((g) => g.table === 'audit_log')).toEqual([{ table: 'audit_log', start: '2026-03-01', end: '2026-03-31', days: 30 }]);
  });

  it('rows without timestamps are counted and reported', async () => {
    const spec = miniBundle();
    spec.audit_log?.push({ log_id: 'nots', ts: null, actor: 'x' });
    const r = await postureReport(await open(spec));
    expect(r.tables.find((t) => t.table === 'audit_log')?.rows_without_ts).toBe(1);
    expect(r.not_measurable.some((n) => n.metric === 'logging_coverage.audit_log')).toBe(true);
  });
});

describe('compliance checklist', () => {
  it('maps each evidence item to frameworks with a status and the number behind it', async () => {
    const r = await postureReport(await open(miniBundle()), { minRows: 5 });
    const get = (id: string) => r.checklist.find((c) => c.id === id);
    expect(r.checklist.map((c) => c.id)).toEqual([
      'log_retention',
      'log_continuity',
      'traceability',
      'release_lineage',
      'release_approval',
      'pre_release_eval',
      'cohort_coverage',
      'cohort_performance',
      'release_health',
      'incidents',
      'post_market_monitoring',
      'deployment_audit_trail',
      'limitations',
    ]);
    expect(get('log_retention')).toMatchObject({ verdict: 'not_met', measure: 30 });
    expect(get('log_retention')?.frameworks.eu_ai_act).toEqual(['Art. 12(1)', 'Art. 19(1)', 'Art. 26(6)']);
    expect(get('log_continuity')).toMatchObject({ verdict: 'not_met', measure: 0.1 });
    expect(get('traceability')).toMatchObject({ verdict: 'not_met', measure: 0.96 });
    expect(get('release_lineage')).toMatchObject({ verdict: 'met', measure: 1 });
    expect(get('release_approval')).toMatchObject({ verdict: 'met', measure: 1 });
    expect(get('pre_release_eval')).toMatchObject({ verdict: 'not_met', measure: 2 / 3 });
    expect(get('cohort_coverage')).toMatchObject({ verdict: 'not_met', measure: 0.5 });
    expect(get('release_health')).toMatchObject({ verdict: 'met', measure: 1 / 3 });
    expect(get('post_market_monitoring')).toMatchObject({ verdict: 'met', measure: 1 });
    expect(get('deployment_audit_trail')).toMatchObject({ verdict: 'not_met', measure: 0.5 });
    for (const c of r.checklist) expect(c.frameworks.eu_ai_act.length + c.frameworks.nist_ai_rmf.length + c.frameworks.iso_42001.length).toBeGreaterThan(0);
  });

  it('an empty database: every data-dependent item is not applicable, with why, nothing throws', async () => {
    const r = await postureReport(await open({}));
    expect(r).toMatchObject({ first_event: null, days_covered: 0, meets_retention: null, gaps: [], tables: [] });
    const verdicts = Object.fromEntries(r.checklist.map((c) => [c.id, c.verdict]));
    // Nothing to check is never a pass: each of these says why it is not applicable.
    for (const c of r.checklist) if (c.verdict === 'not_applicable') expect(c.why.length).toBeGreaterThan(5);
    expect(verdicts).toMatchObject({
      release_approval: 'not_applicable',
      cohort_performance: 'not_applicable',
      incidents: 'not_applicable',
      log_retention: 'not_applicable',
      log_continuity: 'not_applicable',
      traceability: 'not_applicable',
      release_lineage: 'not_applicable',
      pre_release_eval: 'not_applicable',
      cohort_coverage: 'not_applicable',
      release_health: 'not_applicable',
      post_market_monitoring: 'not_applicable',
      deployment_audit_trail: 'not_applicable',
    });
  });

  it('is deterministic', async () => {
    const conn = await open(miniBundle());
    expect(JSON.stringify(await postureReport(conn))).toBe(JSON.stringify(await postureReport(conn)));
  });
});
