/**
 * Properties of per-group performance and disparities on random data (fast-check with the run's printed seed,
 * test/helpers/propertySeed.ts; FC_SEED replays). Permuting rows changes nothing; a group and its exact copy have no disparity; taking the other label
 * as positive swaps recall with specificity and FPR with FNR, and turns AUC into 1 − AUC.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { memoryDb } from '../../../electron/engine/db';
import { performanceReport } from '../../../electron/engine/analytics/performance';


interface R {
  g: string;
  label: string | null;
  prediction: string | null;
  score: number | null;
}

const rowArb = fc.record({
  g: fc.constantFrom('a', 'b', 'c'),
  label: fc.constantFrom('yes', 'no', null, ''),
  prediction: fc.constantFrom('yes', 'no', null),
  // Few distinct scores: ties on purpose.
  score: fc.option(fc.integer({ min: 0, max: 20 }).map((i) => i / 20), { freq: 8 }),
});
const rowsArb = fc.array(rowArb, { minLength: 40, maxLength: 160 });

let instance: DuckDBInstance;
let conn: DuckDBConnection;
let tableNo = 0;

async function table(rows: R[]): Promise<string> {
  const name = `t${++tableNo}`;
  await conn.run(`create table ${name} (g VARCHAR, label VARCHAR, prediction VARCHAR, score DOUBLE)`);
  for (let i = 0; i < rows.length; i += 100) {
    const chunk = rows.slice(i, i + 100);
    const params: DuckDBValue[] = chunk.flatMap((r) => [r.g, r.label, r.prediction, r.score]);
    await conn.run(`insert into ${name} values ${chunk.map(() => '(?, ?, ?, ?)').join(', ')}`, params);
  }
  return name;
}

function shuffle<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('performance and fairness properties', () => {
  beforeAll(async () => {
    ({ instance, conn } = await memoryDb());
  });
  afterAll(() => {
    conn?.closeSync();
    instance?.closeSync();
  });

  it('permuting the rows changes nothing (byte-identical JSON)', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, fc.integer({ min: 1, max: 1_000_000 }), async (rows, seed) => {
        const opts = { by: ['g'], positive: 'yes', predictedPositive: ['yes'], minRows: 5 };
        const ta = await table(rows);
        const tb = await table(shuffle(rows, seed));
        const a = JSON.stringify(await performanceReport(conn, { ...opts, table: ta })).replaceAll(ta, 'T');
        const b = JSON.stringify(await performanceReport(conn, { ...opts, table: tb })).replaceAll(tb, 'T');
        expect(b).toBe(a);
      }),
      { numRuns: 15 },
    );
  });

  it('a group and an exact copy of it have impact ratio 1 and every difference 0; one group alone has no disparity', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, async (rows) => {
        const copy = [...rows.map((r) => ({ ...r, g: 'x' })), ...rows.map((r) => ({ ...r, g: 'y' }))];
        const r = await performanceReport(conn, { table: await table(copy), by: ['g'], positive: 'yes', predictedPositive: ['yes'], minRows: 1, minShare: 0 });
        for (const d of r.disparities) {
          if (d.impact_ratio) expect(d.impact_ratio.value).toBeCloseTo(1, 12);
          if (d.demographic_parity_difference) expect(d.demographic_parity_difference.value).toBe(0);
          if (d.equal_opportunity_difference) expect(d.equal_opportunity_difference.value).toBe(0);
          if (d.equalized_odds_difference) expect(d.equalized_odds_difference.value).toBe(0);
        }
        const one = await performanceReport(conn, { table: await table(rows.map((x) => ({ ...x, g: 'only' }))), by: ['g'], positive: 'yes', predictedPositive: ['yes'], minRows: 1, minShare: 0 });
        expect(one.disparities).toEqual([]);
        expect(one.references[0]?.group).toBe('g=only');
      }),
      { numRuns: 12 },
    );
  });

  it('taking the other label as positive mirrors the rates: recall ↔ specificity, FPR ↔ FNR, AUC → 1 − AUC', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, async (rows) => {
        const t = await table(rows);
        const yes = await performanceReport(conn, { table: t, by: ['g'], positive: 'yes', predictedPositive: ['yes'], minRows: 1 });
        const no = await performanceReport(conn, { table: t, by: ['g'], positive: 'no', predictedPositive: ['no'], minRows: 1 });
        for (const gy of yes.groups) {
          const a = gy.classification;
          const b = no.groups.find((x) => x.group === gy.group)?.classification;
          if (!a || !b) throw new Error('missing group');
          expect(b.recall).toEqual(a.specificity);
          expect(b.specificity).toEqual(a.recall);
          expect(b.fpr).toEqual(a.fnr);
          expect(b.fnr).toEqual(a.fpr);
          expect(b.accuracy).toEqual(a.accuracy);
          if (a.auc.value === null) expect(b.auc.value).toBeNull();
          else expect(b.auc.value).toBeCloseTo(1 - a.auc.value, 12);
          if (a.auc.se !== null) expect(b.auc.se).toBeCloseTo(a.auc.se, 12);
        }
      }),
      { numRuns: 15 },
    );
  });
});
