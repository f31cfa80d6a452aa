import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFixture, type DemoFixture } from './demoFixture';

let fx: DemoFixture;
beforeAll(async () => {
  fx = await demoFixture();
});
afterAll(async () => fx.close());

const meanBy = (column: string, region: string, release: string): string =>
  `select avg(${column}) from records where split = 'serving' and region = '${region}' and release_id = '${release}'`;

describe('planted fact 1: merchant_risk drifts for region=EU from release r4 on', () => {
  it('shifts EU merchant_risk by ~0.25 between r2 and r4 (and r5), but no other region', async () => {
    const euShift = (await fx.num(meanBy('merchant_risk', 'EU', 'r4'))) - (await fx.num(meanBy('merchant_risk', 'EU', 'r2')));
    expect(euShift).toBeGreaterThan(0.2);
    expect(euShift).toBeLessThan(0.3);
    const euR5 = (await fx.num(meanBy('merchant_risk', 'EU', 'r5'))) - (await fx.num(meanBy('merchant_risk', 'EU', 'r2')));
    expect(euR5).toBeGreaterThan(0.2);
    for (const region of ['US', 'APAC', 'LATAM']) {
      const d = (await fx.num(meanBy('merchant_risk', region, 'r4'))) - (await fx.num(meanBy('merchant_risk', region, 'r2')));
      expect(Math.abs(d), region).toBeLessThan(0.02);
    }
  });

  it('moves the EU score with it while other EU features and US scores stay put', async () => {
    const scoreEu = (await fx.num(meanBy('score', 'EU', 'r4'))) / (await fx.num(meanBy('score', 'EU', 'r2')));
    expect(scoreEu).toBeGreaterThan(1.5);
    const scoreUs = (await fx.num(meanBy('score', 'US', 'r4'))) / (await fx.num(meanBy('score', 'US', 'r2')));
    expect(Math.abs(scoreUs - 1)).toBeLessThan(0.1);
    for (const [col, tol] of [['device_score', 0.02], ['card_present', 0.03], ['hour_of_day', 0.6], ['txn_count_24h', 0.15]] as const) {
      const d = (await fx.num(meanBy(col, 'EU', 'r4'))) - (await fx.num(meanBy(col, 'EU', 'r2')));
      expect(Math.abs(d), col).toBeLessThan(tol);
    }
    // amount is heavy-tailed: compare medians.
    const med = async (rel: string): Promise<number> => fx.num(`select median(amount) from records where split = 'serving' and region = 'EU' and release_id = '${rel}'`);
    expect(Math.abs((await med('r4')) / (await med('r2')) - 1)).toBeLessThan(0.1);
  });

  it('starts with r4 on 2026-06-20 and leaves the ground truth unchanged', async () => {
    const first = await fx.rows<{ t: string }>(`select min(ts) as t from records where release_id = 'r4'`);
    expect(first[0]?.t).toMatch(/^2026-06-20T1\d:/);
    const fraud = async (rel: string): Promise<number> =>
      fx.num(`select avg(case when label = 'fraud' then 1.0 else 0.0 end) from records where split = 'serving' and region = 'EU' and label is not null and release_id = '${rel}'`);
    expect(Math.abs((await fraud('r4')) - (await fraud('r2')))).toBeLessThan(0.03);
  });
});

describe('planted fact 2: language=es missing from r4 eval data', () => {
  it('has zero es eval rows for r4 and some for every other release', async () => {
    const rows = await fx.rows<{ release_id: string; es: number; n: number }>(
      `select release_id, count(*) filter (where language = 'es') as es, count(*) as n from eval_results where release_id is not null group by release_id order by release_id`,
    );
    expect(rows.map((r) => r.release_id)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    for (const r of rows) {
      if (r.release_id === 'r4') expect(r.es).toBe(0);
      else expect(r.es, r.release_id).toBeGreaterThanOrEqual(20);
      expect(r.n).toBeGreaterThan(100);
    }
  });

  it('marks language=es release-critical and r4 still covers the other release-critical cohorts', async () => {
    const critical = await fx.rows<{ attribute: string; value: string }>(`select attribute, value from cohorts where release_critical order by cohort_id`);
    expect(critical).toContainEqual({ attribute: 'language', value: 'es' });
    expect(critical).toHaveLength(6);
    for (const c of critical) {
      if (c.attribute === 'language') continue;
      const n = await fx.num(`select count(*) from eval_results where release_id = 'r4' and ${c.attribute} = ?`, [c.value]);
      expect(n, `${c.attribute}=${c.value}`).toBeGreaterThan(20);
    }
    // Spanish traffic exists while r4 serves, so the gap is in the eval data, not the traffic.
    expect(await fx.num(`select count(*) from records where release_id = 'r4' and language = 'es'`)).toBeGreaterThan(300);
  });
});

describe('planted fact 3: r3 failed its canary and was rolled back', () => {
  it('has the canary_fail / rollback / incident events for r3 and clean canaries elsewhere', async () => {
    const events = await fx.rows<{ release_id: string; types: string }>(
      `select release_id, string_agg(event_type, ',' order by ts) as types from deployment_events group by release_id order by release_id`,
    );
    for (const e of events) {
      if (e.release_id === 'r3') expect(e.types).toBe('canary_start,incident_open,canary_fail,rollback,incident_resolved');
      else expect(e.types, e.release_id).toBe('canary_start,canary_pass,promote');
    }
    const rollback = await fx.rows<{ ts: string; detail: string }>(`select ts::varchar as ts, detail from deployment_events where event_type = 'rollback'`);
    expect(rollback[0]?.ts.startsWith('2026-05-21')).toBe(true);
    expect(rollback[0]?.detail).toContain('r2');
  });

  it('shows ~15% span errors for r3 against ~1% for the other releases', async () => {
    const rows = await fx.rows<{ release_id: string; err: number; n: number }>(
      `select release_id, avg(case when status_code = 'ERROR' then 1.0 else 0.0 end) as err, count(*) as n from spans where release_id is not null group by release_id order by release_id`,
    );
    for (const r of rows) {
      if (r.release_id === 'r3') {
        expect(r.err).toBeGreaterThan(0.13);
        expect(r.err).toBeLessThan(0.17);
        expect(r.n).toBeGreaterThan(200);
      } else {
        expect(r.err, r.release_id).toBeLessThan(0.02);
      }
    }
    // r3 spans only exist during its canary window.
    const window = await fx.rows<{ lo: string; hi: string }>(`select min(start_time)::varchar as lo, max(start_time)::varchar as hi from spans where release_id = 'r3'`);
    expect((window[0]?.lo ?? '') >= '2026-05-20 10:00:00').toBe(true);
    expect((window[0]?.hi ?? '9') < '2026-05-21 08:15:00').toBe(true);
  });
});

describe('planted fact 4: ~8% of traces carry no model or dataset version', () => {
  it('has ~8% of traces without lineage on any span, all legacy-router dispute chats', async () => {
    await fx.conn.run(`create temp table trace_lineage as
      select trace_id,
             bool_or(model_version is not null) as has_model,
             bool_or(dataset_version is not null) as has_dataset,
             bool_or(service_name = 'dispute-assistant') as dispute,
             bool_or(json_extract_string(attributes, '$."northwind.router"') = 'legacy-router') as legacy
      from spans group by trace_id`);
    const share = await fx.num(`select avg(case when not has_model and not has_dataset then 1.0 else 0.0 end) from trace_lineage`);
    expect(share).toBeGreaterThan(0.07);
    expect(share).toBeLessThan(0.09);
    expect(await fx.num(`select count(*) from trace_lineage where not has_model and (has_dataset or not dispute or not legacy)`)).toBe(0);
    expect(await fx.num(`select count(*) from trace_lineage where has_model and legacy`)).toBe(0);
  });
});

describe('planted fact 5: audit log gap 2026-06-10 to 2026-06-17', () => {
  it('logs nothing in the gap while traffic continues, and has no other day-long silence', async () => {
    expect(await fx.num(`select count(*) from audit_log where ts >= '2026-06-10T00:00:00' and ts < '2026-06-17T00:00:00'`)).toBe(0);
    expect(await fx.num(`select count(*) from spans where start_time >= '2026-06-10' and start_time < '2026-06-17'`)).toBeGreaterThan(500);
    const gaps = await fx.rows<{ from_ts: string; to_ts: string; hours: number }>(`
      select prev::varchar as from_ts, ts::varchar as to_ts, date_diff('second', prev, ts) / 3600.0 as hours
      from (select ts::timestamp as ts, lag(ts::timestamp) over (order by ts, log_id) as prev from audit_log)
      where prev is not null and date_diff('second', prev, ts) > 12 * 3600 order by hours desc`);
    expect(gaps).toHaveLength(1);
    expect((gaps[0]?.from_ts ?? '9') < '2026-06-10').toBe(true);
    expect((gaps[0]?.to_ts ?? '') >= '2026-06-17').toBe(true);
    expect(gaps[0]?.hours).toBeGreaterThan(7 * 24);
  });
});

describe('planted fact 6: r5 promoted without a passing pre-release eval', () => {
  it('has only failed validation evals for r5, all before its release, and a promote anyway', async () => {
    const releasedAt = (await fx.rows<{ t: string }>(`select strftime(released_at::timestamptz, '%Y-%m-%dT%H:%M:%S') as t from releases where release_id = 'r5'`))[0]?.t;
    expect(releasedAt).toBe('2026-08-05T10:00:00');
    const pre = await fx.rows<{ stage: string; n: number; passed: number }>(
      `select stage, count(*) as n, count(*) filter (where passed) as passed from eval_results e join releases r using (release_id)
       where release_id = 'r5' and e.ts::timestamptz < r.released_at::timestamptz group by stage`,
    );
    expect(pre).toHaveLength(1);
    expect(pre[0]?.stage).toBe('validation');
    expect(pre[0]?.n).toBeGreaterThan(100);
    expect(pre[0]?.passed).toBe(0);
    expect(await fx.num(`select count(*) from deployment_events where release_id = 'r5' and event_type = 'promote'`)).toBe(1);
    expect(await fx.num(`select count(*) from releases where release_id = 'r5' and approved_by is null`)).toBe(1);
    expect(await fx.num(`select count(*) from audit_log where action = 'release.approve' and target_id = 'r5' and actor = 'j.alvarez'`)).toBe(1);
  });

  it('has a passing validation eval before every other release', async () => {
    const rows = await fx.rows<{ release_id: string; passed: number }>(`
      select r.release_id, count(e.eval_id) filter (where e.passed and e.evaluator = 'release-gate') as passed
      from releases r left join eval_results e on e.release_id = r.release_id and e.stage = 'validation' and e.ts::timestamptz < r.released_at::timestamptz
      group by r.release_id order by r.release_id`);
    for (const r of rows) expect(r.passed > 0, r.release_id).toBe(r.release_id !== 'r5');
  });
});

describe('everything else is healthy', () => {
  it('keeps eval fail rates low outside the planted r5 / r3 failures, ~70% labels, and daily traffic', async () => {
    const fail = await fx.num(`select avg(case when passed then 0.0 else 1.0 end) from eval_results where coalesce(release_id, '') not in ('r3', 'r5')`);
    expect(fail).toBeLessThan(0.06);
    const labelled = await fx.num(`select avg(case when label is null then 0.0 else 1.0 end) from records where split = 'serving'`);
    expect(labelled).toBeGreaterThan(0.65);
    expect(labelled).toBeLessThan(0.75);
    expect(await fx.num(`select count(*) from records where split = 'serving' and ts >= '2026-08-02' and label is not null`)).toBe(0);
    expect(await fx.num(`select count(distinct ts::date) from records where split = 'serving'`)).toBe(184);
    expect(await fx.num(`select count(distinct start_time::timestamp::date) from spans`)).toBe(184);
    const p99 = await fx.rows<{ release_id: string; p99: number }>(
      `select release_id, quantile_disc(duration_ms, 0.99) as p99 from spans where name = 'fraud.score' and release_id is not null group by release_id`,
    );
    for (const r of p99) expect(r.p99, r.release_id).toBeLessThan(60);
  });
});
