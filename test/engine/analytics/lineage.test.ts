import { describe, expect, it } from 'vitest';
import { lineageReport } from '../../../electron/engine/analytics/lineage';
import { healthReport } from '../../../electron/engine/analytics/health';
import { fixtureOpener, day, miniBundle } from './fixtures';

const open = fixtureOpener();

describe('lineage graph and change log', () => {
  it('links dataset → run → model → release → events, in time order, with statuses', async () => {
    const r = await lineageReport(await open(miniBundle()));
    expect(r.nodes.filter((n) => n.type === 'release').map((n) => n.label)).toEqual(['rA', 'rB', 'rC']);
    // Events were inserted out of order; the graph lists them by time.
    expect(r.nodes.filter((n) => n.type === 'deployment_event').map((n) => n.label)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e0', 'e6', 'e7', 'e8', 'e9']);
    expect(r.edges).toContainEqual({ from: 'dataset_version:ds1', to: 'dataset_version:ds2', relation: 'derived_from' });
    expect(r.edges).toContainEqual({ from: 'training_run:run2', to: 'model_version:m:2', relation: 'produced' });
    expect(r.edges).toContainEqual({ from: 'model_version:m:2', to: 'release:rC', relation: 'shipped_in' });
    expect(r.edges).toContainEqual({ from: 'release:rC', to: 'deployment_event:e8', relation: 'event' });
    // 1 derived + 2 trained_on + 2 produced + 3 shipped_in + 10 events
    expect(r.edges).toHaveLength(18);
    const byId = new Map(r.nodes.map((n) => [n.id, n]));
    expect(byId.get('release:rA')?.status).toBe('ok');
    expect(byId.get('release:rB')?.issues).toEqual(['no passing pre-release eval']);
    expect(byId.get('release:rC')?.status).toBe('error');
    expect(byId.get('deployment_event:e6')?.status).toBe('error');
  });

  it('builds the change log in release order with approvals from the record or the audit log', async () => {
    const r = await lineageReport(await open(miniBundle()));
    expect(r.changelog.map((c) => [c.release_id, c.outcome, c.approved_by, c.approval_source, c.passing_eval_before_release])).toEqual([
      ['rA', 'promoted', 'alice', 'release_record', true],
      ['rB', 'promoted', 'bob', 'audit_log', false],
      ['rC', 'rolled_back', 'carol', 'release_record', true],
    ]);
    expect(r.changelog[1]?.changed).toEqual(['model_version', 'dataset_version']);
    expect(r.changelog[2]?.changed).toEqual(['prompt_version']);
    expect(r.changelog[0]?.previous_model_version).toBeNull();
  });

  it('marks ids referenced but not defined', async () => {
    const spec = miniBundle();
    spec.releases?.push({ release_id: 'rD', released_at: day(25), model_version: 'm:9', dataset_version: 'ds1', approved_by: 'x' });
    spec.model_versions?.push({ model_version: 'm:3', run_id: 'run-missing' });
    const r = await lineageReport(await open(spec));
    const m9 = r.nodes.find((n) => n.id === 'model_version:m:9');
    expect(m9?.defined).toBe(false);
    expect(m9?.status).toBe('error');
    expect(m9?.issues[0]).toMatch(/release rD/);
    expect(r.nodes.find((n) => n.id === 'training_run:run-missing')?.defined).toBe(false);
  });

  it('a release named only in eval_results is undefined: defined=false, status error, in the graph, the change log and health', async () => {
    const spec = miniBundle();
    spec.eval_results?.push({ eval_id: 'ev-ghost', release_id: 'rGhost', stage: 'validation', evaluator: 'acc', passed: true, ts: day(3) });
    const conn = await open(spec);
    const r = await lineageReport(conn);
    const ghost = r.nodes.find((n) => n.id === 'release:rGhost');
    expect(ghost?.defined).toBe(false);
    expect(ghost?.status).toBe('error');
    expect(ghost?.issues).toContain('referenced by deployment events or eval results but not defined in releases');
    expect(r.changelog.find((c) => c.release_id === 'rGhost')?.defined).toBe(false);
    expect(r.changelog.find((c) => c.release_id === 'rA')?.defined).toBe(true);
    expect(r.nodes.find((n) => n.id === 'release:rA')?.defined).toBe(true);
    const h = await healthReport(conn);
    expect(h.releases.find((x) => x.release_id === 'rGhost')?.defined).toBe(false);
    expect(h.releases.find((x) => x.release_id === 'rA')?.defined).toBe(true);
  });
});

describe('lineage completeness', () => {
  it('counts traces resolving to model, dataset and release, with reasons and examples', async () => {
    const r = await lineageReport(await open(miniBundle()));
    const spans = r.completeness.find((c) => c.table === 'spans');
    expect(spans).toMatchObject({ unit: 'trace', total: 125, with_model_version: 120, with_dataset_version: 120, with_release: 120, complete: 120, share_complete: 120 / 125 });
    expect(spans?.gaps.map((g) => [g.reason, g.count])).toEqual([
      ['no model_version on any span', 5],
      ['no dataset_version on any span', 5],
      ['no release_id on any span', 5],
    ]);
    expect(spans?.gaps[0]?.examples).toEqual(['tz0', 'tz1', 'tz2', 'tz3', 'tz4']);
    expect(r.not_measurable.map((n) => n.metric)).toContain('lineage_completeness.records');
  });

  it('counts serving records only, and flags ids unknown to their table', async () => {
    const spec = miniBundle();
    spec.records = [
      { record_id: 'r1', split: 'serving', ts: day(1), model_version: 'm:1', dataset_version: 'ds1', release_id: 'rA', trace_id: 'ta001' },
      { record_id: 'r2', split: 'serving', ts: day(1), model_version: 'm:7', dataset_version: 'ds1', release_id: 'rA' },
      { record_id: 'r3', split: 'serving', ts: day(1), model_version: null, dataset_version: null, release_id: 'rZ' },
      { record_id: 't1', split: 'train', ts: day(-30), dataset_version: 'ds1' },
    ];
    const r = await lineageReport(await open(spec));
    const rec = r.completeness.find((c) => c.table === 'records');
    expect(rec).toMatchObject({ total: 3, complete: 1, with_model_version: 1, with_dataset_version: 2, with_release: 2, scope: "records with split = 'serving'" });
    expect(rec?.gaps.map((g) => [g.reason, g.count, g.examples])).toEqual([
      ['no model_version on the record', 1, ['r3']],
      ['model_version not defined in model_versions', 1, ['r2']],
      ['no dataset_version on the record', 1, ['r3']],
      ['release_id not defined in releases', 1, ['r3']],
    ]);
  });
});

describe('lineage lookup', () => {
  it('resolves a trace id to its full chain', async () => {
    const r = await lineageReport(await open(miniBundle()), { id: 'tb3' });
    expect(r.chain).toMatchObject({
      found_as: 'trace',
      trace_id: 'tb3',
      spans_in_trace: 2,
      model_version: 'm:2',
      training_run: 'run2',
      dataset_version: 'ds2',
      dataset_version_source: 'row',
      feature_pipeline: 'feat@2',
      release_id: 'rB',
      approved_by: 'bob',
      missing: [],
    });
    expect(r.chain?.deployment_events.map((e) => e.event_type)).toEqual(['canary_start', 'promote']);
  });

  it('resolves a child span without versions through its trace', async () => {
    const r = await lineageReport(await open(miniBundle()), { id: 'tc1-llm' });
    expect(r.chain).toMatchObject({ found_as: 'span', trace_id: 'tc1', model_version: 'm:2', release_id: 'rC' });
    expect(r.chain?.deployment_events.map((e) => e.event_id)).toEqual(['e0', 'e6', 'e7', 'e8', 'e9']);
  });

  it('resolves a record, taking the dataset version from the training run when the row lacks one', async () => {
    const spec = miniBundle();
    spec.records = [{ record_id: 'rec-1', split: 'serving', ts: day(2), model_version: 'm:1', dataset_version: null, release_id: 'rA', trace_id: null }];
    spec.eval_results?.push({ eval_id: 'x1', stage: 'monitoring', passed: false, record_id: 'rec-1' });
    const r = await lineageReport(await open(spec), { id: 'rec-1' });
    expect(r.chain).toMatchObject({ found_as: 'record', model_version: 'm:1', training_run: 'run1', dataset_version: 'ds1', dataset_version_source: 'training_run', feature_pipeline: 'feat@1', evals: { n: 1, failures: 1 } });
  });

  it('names what is missing for an unversioned trace and for an unknown id', async () => {
    const conn = await open(miniBundle());
    const gap = await lineageReport(conn, { id: 'tz2' });
    expect(gap.chain?.missing).toEqual(['model_version', 'dataset_version', 'release_id']);
    const none = await lineageReport(conn, { id: 'no-such-id' });
    expect(none.chain?.found_as).toBeNull();
    expect(none.chain?.missing[0]).toMatch(/not found/);
  });
});

describe('lineage edge cases', () => {
  it('an empty database gives empty results and says why, without throwing', async () => {
    const r = await lineageReport(await open({}), { id: 'x' });
    expect(r.nodes).toEqual([]);
    expect(r.changelog).toEqual([]);
    expect(r.completeness).toEqual([]);
    expect(r.chain?.found_as).toBeNull();
    expect(r.not_measurable.map((n) => n.metric)).toEqual(['change_log', 'lineage_completeness.spans', 'lineage_completeness.records']);
  });

  it('releases without timestamps fall back to their first event, then id; missing timestamps never crash', async () => {
    const r = await lineageReport(
      await open({
        releases: [
          { release_id: 'b', released_at: null },
          { release_id: 'a', released_at: null },
          { release_id: 'c', released_at: day(1) },
        ],
        deployment_events: [
          { event_id: 'x', release_id: 'b', ts: day(0), event_type: 'promote' },
          { event_id: 'y', release_id: 'a', ts: null, event_type: 'promote' },
        ],
      }),
    );
    expect(r.changelog.map((c) => c.release_id)).toEqual(['b', 'c', 'a']);
    expect(r.changelog.every((c) => c.outcome === 'promoted' || c.outcome === 'unknown')).toBe(true);
  });

  it('is deterministic: same input, byte-identical JSON', async () => {
    const conn = await open(miniBundle());
    const a = JSON.stringify(await lineageReport(conn, { id: 'ta050' }));
    const b = JSON.stringify(await lineageReport(conn, { id: 'ta050' }));
    expect(a).toBe(b);
  });
});
