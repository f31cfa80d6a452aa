import { describe, expect, it } from 'vitest';
import { META_TABLES } from '../../../shared/canonical';
import { queryRows } from '../../../electron/engine/db';
import { recordBlankFreeColumns } from '../../../electron/engine/bundle/textFacts';
import { BundleSchema } from '../../../electron/engine/analytics/schema';
import { healthReport } from '../../../electron/engine/analytics/health';
import { lineageCompletenessWithGaps, lineageReport } from '../../../electron/engine/analytics/lineage';
import { postureReport } from '../../../electron/engine/analytics/posture';
import { fixtureOpener, miniBundle } from './fixtures';

const open = fixtureOpener();

/** miniBundle with blank text (space, tab, LF, empty) planted in some span and event columns, and a text that only starts with a space. */
function blankyBundle(): ReturnType<typeof miniBundle> {
  const spec = miniBundle();
  spec.spans = (spec.spans ?? []).map((s, i) => ({
    ...s,
    ...(i % 3 === 0 ? { release_id: i % 2 === 0 ? ' ' : '\t' } : {}),
    ...(i % 4 === 1 ? { model_version: '' } : {}),
    ...(i === 2 ? { service_name: ' leading space, not blank' } : {}),
  }));
  spec.deployment_events = (spec.deployment_events ?? []).map((e, i) => (i === 0 ? { ...e, release_id: '\n' } : e));
  return spec;
}

describe('text columns without blank values (the import records them; the analyses read them as they are)', () => {
  it('lists exactly the canonical text columns where no value starts like a blank text', async () => {
    const conn = await open(blankyBundle());
    await recordBlankFreeColumns(conn);
    const listed = new Set((await queryRows<{ t: string; c: string }>(conn, `select table_name as t, column_name as c from ${META_TABLES.blankFree}`)).map((r) => `${r.t}.${r.c}`));
    expect(listed.has('spans.trace_id')).toBe(true);
    expect(listed.has('spans.span_id')).toBe(true);
    for (const c of ['spans.release_id', 'spans.model_version', 'spans.service_name', 'deployment_events.release_id']) expect(listed.has(c), c).toBe(false);
    // Every listed column really holds no value starting with white space or empty.
    for (const key of listed) {
      const [t, c] = key.split('.') as [string, string];
      const n = await queryRows<{ n: number }>(conn, `select count(*) as n from "${t}" where ascii("${c}") in (0, 9, 10, 11, 12, 13, 32)`);
      expect(n[0]?.n, key).toBe(0);
    }
  });

  it('gives the same answers as testing every value: plain column only where it is listed', async () => {
    const conn = await open(blankyBundle());
    const before = {
      completeness: await lineageCompletenessWithGaps(conn),
      health: await healthReport(conn),
      lineage: await lineageReport(conn),
      posture: await postureReport(conn),
    };
    expect((await BundleSchema.load(conn)).text('spans', 'trace_id')).toContain('CASE');
    await recordBlankFreeColumns(conn);
    const schema = await BundleSchema.load(conn);
    expect(schema.text('spans', 'trace_id')).toBe('"trace_id"');
    expect(schema.text('spans', 'trace_id', 's')).toBe('s."trace_id"');
    expect(schema.text('spans', 'release_id')).toContain('CASE');
    const after = {
      completeness: await lineageCompletenessWithGaps(conn),
      health: await healthReport(conn),
      lineage: await lineageReport(conn),
      posture: await postureReport(conn),
    };
    expect(JSON.stringify(after)).toBe(JSON.stringify(before));
    // The planted blanks are counted as missing release ids, with or without the list.
    const spans = after.completeness.completeness.find((c) => c.table === 'spans');
    expect(spans?.gaps.some((g) => /release/.test(g.reason) && g.count > 0)).toBe(true);
  });
});
