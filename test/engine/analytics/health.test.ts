import { describe, expect, it } from 'vitest';
import { healthReport } from '../../../electron/engine/analytics/health';
import { fixtureOpener, day, miniBundle } from './fixtures';

const open = fixtureOpener();

describe('deployment health (DORA)', () => {
  it('computes canary failure, rollback and change failure rates and time to recover', async () => {
    const r = await healthReport(await open(miniBundle()));
    expect(r.releases.map((h) => [h.release_id, h.deployed, h.canary_runs, h.canary_failures, h.rolled_back, h.incidents, h.change_failed])).toEqual([
      ['rA', true, 1, 0, false, 0, false],
      ['rB', true, 0, 0, false, 0, false],
      ['rC', true, 1, 1, true, 1, true],
    ]);
    // incident_open 07:00 → rollback 09:00 (before incident_resolved 12:00): 2 h.
    expect(r.releases[2]?.time_to_recover_hours).toBe(2);
    expect(r.overall).toMatchObject({
      releases: 3,
      deployments: 3,
      canary_runs: 2,
      canary_failures: 1,
      canary_failure_rate: 0.5,
      rollbacks: 1,
      rollback_rate: 1 / 3,
      change_failures: 1,
      change_failure_rate: 1 / 3,
      mean_time_to_recover_hours: 2,
      median_time_to_recover_hours: 2,
      incidents: 1,
    });
  });

  it('counts an incident as a change failure even without rollback, and measures recovery to its resolution', async () => {
    const spec = miniBundle();
    spec.deployment_events?.push(
      { event_id: 'i1', release_id: 'rB', ts: day(15, 3), event_type: 'incident_open' },
      { event_id: 'i2', release_id: 'rB', ts: day(15, 4, 30), event_type: 'incident_resolved' },
      { event_id: 'i3', release_id: 'rA', ts: day(3), event_type: 'incident_open' },
    );
    const r = await healthReport(await open(spec));
    expect(r.releases.find((h) => h.release_id === 'rB')).toMatchObject({ change_failed: true, time_to_recover_hours: 1.5, unresolved_incidents: 0 });
    expect(r.releases.find((h) => h.release_id === 'rA')).toMatchObject({ change_failed: true, time_to_recover_hours: null, unresolved_incidents: 1 });
    expect(r.overall.change_failure_rate).toBe(1);
    expect(r.overall.rollback_rate).toBe(1 / 3);
    expect(r.overall.mean_time_to_recover_hours).toBe((2 + 1.5) / 2);
    expect(r.overall.median_time_to_recover_hours).toBe(1.75);
  });

  it('events without timestamps are counted but cannot give a recovery time', async () => {
    const spec = miniBundle();
    for (const e of spec.deployment_events ?? []) if (e['release_id'] === 'rC') e['ts'] = null;
    const r = await healthReport(await open(spec));
    expect(r.releases[2]).toMatchObject({ canary_failures: 1, rolled_back: true, time_to_recover_hours: null });
    expect(r.overall.mean_time_to_recover_hours).toBeNull();
  });

  it('no deployment events: rates not measurable, releases with a date count as deployed', async () => {
    const spec = miniBundle();
    delete spec.deployment_events;
    const r = await healthReport(await open(spec));
    expect(r.overall).toMatchObject({ deployments: 3, canary_runs: 0, canary_failure_rate: null, change_failure_rate: null, rollback_rate: null });
    expect(r.not_measurable.map((n) => n.metric)).toContain('change_failure_rate');
  });

  it('no releases: empty per-release list, overall rates null', async () => {
    const r = await healthReport(await open({ spans: miniBundle().spans }));
    expect(r.releases).toEqual([]);
    expect(r.overall).toMatchObject({ releases: 0, deployments: 0, change_failure_rate: null, rollback_rate: null });
    expect(r.overall.traffic.traces).toBe(125);
  });
});

describe('traffic health per release', () => {
  it('gives exact percentiles (smallest latency whose cumulative share reaches q)', async () => {
    const r = await healthReport(await open(miniBundle()));
    // rA: 100 traces with root latency 1..100 ms.
    expect(r.releases[0]).toMatchObject({ traces: 100, spans: 200, p50_ms: 50, p95_ms: 95, p99_ms: 99 });
    // rB: 200..209 ms: p50 = 5th value (204), p95 = 10th (209) — not an interpolation.
    expect(r.releases[1]).toMatchObject({ p50_ms: 204, p95_ms: 209, p99_ms: 209 });
  });

  it('computes error, retry, token, cost and gateway rates', async () => {
    const r = await healthReport(await open(miniBundle()));
    const [a, b, c] = r.releases;
    expect(c?.error_rate).toBe(0.3);
    expect(a?.error_rate).toBe(0);
    expect(b).toMatchObject({ retry_rate: 0.1, fallback_rate: 0.1, input_tokens: 100, output_tokens: 50, total_tokens: 150 });
    expect(b?.cost_usd).toBeCloseTo(0.01, 12);
    expect(b?.route_targets).toEqual([
      { target: 'primary', spans: 9, share: 0.9 },
      { target: 'backup', spans: 1, share: 0.1 },
    ]);
    expect(c?.guardrail_block_rate).toBe(0.1);
  });

  it('compares each release with the previous one', async () => {
    const r = await healthReport(await open(miniBundle()));
    expect(r.releases[0]?.vs_previous).toBeNull();
    expect(r.releases[2]?.vs_previous).toMatchObject({ previous_release_id: 'rB', p50_ms_delta: 96, p99_ms_delta: 91, error_rate_delta: 0.3, retry_rate_delta: -0.1 });
  });

  it('reports overall and unattributed traffic', async () => {
    const r = await healthReport(await open(miniBundle()));
    expect(r.overall.traffic).toMatchObject({ traces: 125, spans: 250, error_rate: 3 / 125 });
    expect(r.overall.unattributed).toMatchObject({ traces: 5, p50_ms: 50, p99_ms: 50 });
  });

  it('falls back to end − start when duration_ms is missing, and to the trace span when there is no root', async () => {
    const r = await healthReport(
      await open({
        spans: [
          { trace_id: 't1', span_id: 'a', parent_span_id: null, start_time: '2026-03-01T00:00:00.000Z', end_time: '2026-03-01T00:00:00.250Z', duration_ms: null },
          { trace_id: 't2', span_id: 'b', parent_span_id: 'gone', start_time: '2026-03-01T00:00:00.000Z', end_time: '2026-03-01T00:00:00.100Z' },
          { trace_id: 't2', span_id: 'c', parent_span_id: 'gone', start_time: '2026-03-01T00:00:00.050Z', end_time: '2026-03-01T00:00:00.400Z' },
        ],
      }),
    );
    expect(r.overall.traffic).toMatchObject({ traces: 2, p50_ms: 250, p99_ms: 400, error_rate: null, retry_rate: null, cost_usd: null });
  });

  it('a blank parent_span_id marks a root span, as the orphan_parent_span import check reads it', async () => {
    const r = await healthReport(
      await open({
        spans: [
          // Root by an empty-string parent: its own 100 ms, not the 300 ms trace span.
          { trace_id: 't1', span_id: 'a', parent_span_id: '', start_time: '2026-03-01T00:00:00.000Z', end_time: '2026-03-01T00:00:00.100Z', duration_ms: 100 },
          { trace_id: 't1', span_id: 'b', parent_span_id: 'a', start_time: '2026-03-01T00:00:00.000Z', end_time: '2026-03-01T00:00:00.300Z', duration_ms: 300 },
          { trace_id: 't2', span_id: 'c', parent_span_id: ' ', start_time: '2026-03-01T00:00:00.000Z', end_time: '2026-03-01T00:00:00.200Z', duration_ms: 200 },
          { trace_id: 't2', span_id: 'd', parent_span_id: 'c', start_time: '2026-03-01T00:00:00.000Z', end_time: '2026-03-01T00:00:00.900Z', duration_ms: 900 },
        ],
      }),
    );
    expect(r.overall.traffic).toMatchObject({ traces: 2, p50_ms: 100, p99_ms: 200 });
  });

  it('an empty database does not crash', async () => {
    const r = await healthReport(await open({}));
    expect(r.releases).toEqual([]);
    expect(r.overall.traffic.traces).toBe(0);
    expect(r.not_measurable.map((n) => n.metric)).toEqual(expect.arrayContaining(['change_failure_rate', 'latency_percentiles', 'release_health']));
  });
});
