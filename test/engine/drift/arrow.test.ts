import { describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { memoryDb } from '../../../electron/engine/db';
import { computeDrift } from '../../../electron/engine/drift/compute';
import { driftBinsIpc, driftSeriesIpc } from '../../../electron/engine/drift/arrow';
import { makeRecords, request } from './helpers';

describe('Arrow IPC for charts', () => {
  it('bins and series round-trip with the same counts as the JSON report', async () => {
    const { instance, conn } = await memoryDb();
    try {
      const base = Array.from({ length: 60 }, (_, i) => i);
      await makeRecords(conn, { x: { type: 'DOUBLE', baseline: base, current: base.map((x) => x + 30) } });
      const report = await computeDrift(conn, request(['x'], { methods: ['psi'], bins: 4, chunks: 2, arrow: true }));
      expect(report.arrow?.bins).toEqual(driftBinsIpc(report));
      const bins = tableFromIPC(report.arrow?.bins as Uint8Array);
      const json = report.results[0]?.bins ?? [];
      expect(bins.numRows).toBe(json.length);
      expect(bins.getChild('label')?.toArray()).toEqual(json.map((b) => b.label));
      expect(Array.from(bins.getChild('current_count')?.toArray() as Float64Array)).toEqual(json.map((b) => b.current_count));
      expect(bins.getChild('upper')?.get(json.length - 1)).toBeNull();
      const series = tableFromIPC(driftSeriesIpc(report));
      expect(series.numRows).toBe(2);
      expect(series.getChild('bucket')?.toArray()).toEqual(['chunk 1/2', 'chunk 2/2']);
      expect(series.getChild('drifted')?.get(1)).toBe(report.series[1]?.drifted);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});
