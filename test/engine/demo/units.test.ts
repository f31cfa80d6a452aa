import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../electron/engine/demo/prng';
import { RELEASES, servingRelease } from '../../../electron/engine/demo/entities';
import { dailyCounts } from '../../../electron/engine/demo/traffic';
import { csvLine, LineWriter } from '../../../electron/engine/demo/writers';
import { isoMicros } from '../../../electron/engine/demo/time';

describe('demo PRNG', () => {
  it('repeats for the same seed and label and differs across labels and seeds', () => {
    const draw = (seed: number, label: string): number[] => {
      const r = new Rng(seed, label);
      return Array.from({ length: 5 }, () => r.nextU32());
    };
    expect(draw(42, 'a')).toEqual(draw(42, 'a'));
    expect(draw(42, 'a')).not.toEqual(draw(42, 'b'));
    expect(draw(42, 'a')).not.toEqual(draw(43, 'a'));
  });

  it('draws uniform values in range with the expected mean', () => {
    const r = new Rng(1, 'uniform');
    let sum = 0;
    for (let i = 0; i < 20_000; i++) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
    }
    expect(Math.abs(sum / 20_000 - 0.5)).toBeLessThan(0.01);
    expect(r.hex(32)).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('demo calendar', () => {
  it('splits days exactly and routes canary traffic by share', () => {
    const counts = dailyCounts(20_000);
    expect(counts).toHaveLength(184);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(20_000);
    const r3 = RELEASES.find((r) => r.id === 'r3');
    if (!r3) throw new Error('r3 missing');
    const mid = r3.releasedAt + 3_600_000;
    expect(servingRelease(mid, 0.01).id).toBe('r3');
    expect(servingRelease(mid, 0.5).id).toBe('r2');
    expect(servingRelease(r3.canaryEnd, 0.01).id).toBe('r2');
    expect(servingRelease(Date.parse('2026-08-31T23:59:59Z'), 0.5).id).toBe('r5');
  });

  it('formats microsecond timestamps', () => {
    expect(isoMicros(Date.parse('2026-03-01T00:00:12.345Z') * 1000 + 678)).toBe('2026-03-01T00:00:12.345678Z');
  });
});

describe('demo writers', () => {
  it('quotes CSV cells only when needed and writes gzip JSON Lines', async () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', null, 3, true])).toBe('a,"b,c","say ""hi""",,3,true');
    const dir = await mkdtemp(join(tmpdir(), 'ad-demo-test-writer-'));
    try {
      const w = new LineWriter(join(dir, 'x.jsonl.gz'), true);
      await w.json({ a: 1 });
      await w.json({ a: 2 });
      await w.close();
      expect(w.rows).toBe(2);
      expect(gunzipSync(await readFile(join(dir, 'x.jsonl.gz'))).toString('utf8')).toBe('{"a":1}\n{"a":2}\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a file it cannot write instead of crashing the process', async () => {
    const w = new LineWriter('/nonexistent-auditdesk-dir/x.jsonl');
    await w.line('{}');
    await expect(w.close()).rejects.toThrow(/nonexistent-auditdesk-dir/);
  });
});
