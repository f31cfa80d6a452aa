import fs from 'node:fs';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../../shared/api/common';
import type { Engine } from '../../../electron/engine/engine';
import { generateDemoBundle } from '../../../electron/engine/demo/generate';
import { WriteGuard, engineIn, errorOf, rmDir, tempDir, workLeft } from './helpers';

/**
 * Cancelling leaves the engine usable: an import cancelled at its first progress event (or while
 * extracting a zip, or mid-load) rejects with code "cancelled", registers no session, removes its work
 * folder, and the same bundle then opens; a long query cancelled with cancelJob leaves the session usable.
 */
describe('cancel leaves the engine usable', () => {
  let root: string;
  let dataDir: string;
  let bundle: string;
  let zipPath: string;
  let engine: Engine;
  const events: Progress[] = [];
  /** Cancels the job at the first progress event matching this predicate. */
  let cancelWhen: ((p: Progress) => boolean) | null = null;

  beforeAll(async () => {
    root = tempDir('hard-cancel');
    dataDir = path.join(root, 'data');
    bundle = path.join(root, 'bundles', 'demo2');
    await generateDemoBundle({ outDir: bundle, seed: 42, scale: 2, spansFormat: 'parquet' });
    const files: Zippable = {};
    for (const name of fs.readdirSync(bundle)) files[`demo2/${name}`] = new Uint8Array(fs.readFileSync(path.join(bundle, name)));
    zipPath = path.join(root, 'bundles', 'demo2.zip');
    fs.writeFileSync(zipPath, zipSync(files, { level: 1 }));
    engine = engineIn(dataDir, (p) => {
      events.push(p);
      if (cancelWhen?.(p)) {
        cancelWhen = null;
        void engine.cancelJob({ jobId: p.jobId });
      }
    });
  }, 120_000);
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  async function cancelledOpen(target: string, jobId: string, when: (p: Progress) => boolean): Promise<void> {
    const guard = new WriteGuard(target);
    events.length = 0;
    cancelWhen = when;
    const sessionsBefore = engine.context.sessions.size;
    const e = await errorOf(() => engine.openBundle({ path: target, jobId }));
    expect(e).toMatchObject({ code: 'cancelled', message: 'Cancelled.' });
    expect(events.some((p) => p.phase === 'done'), 'the import must not have finished').toBe(false);
    expect(engine.context.sessions.size).toBe(sessionsBefore);
    expect(workLeft(dataDir)).toEqual([]);
    expect(await engine.cancelJob({ jobId }), 'the job is gone').toEqual({ cancelled: false });
    guard.check();
  }

  it('an import cancelled at its first progress event rejects as cancelled; the same bundle then opens', async () => {
    await cancelledOpen(bundle, 'open-first', () => true);
    expect(events[0]).toMatchObject({ jobId: 'open-first', phase: 'open' });
    const s = await engine.openBundle({ path: bundle, jobId: 'open-again' });
    expect(s.integrity.state).toBe('verified');
    expect(s.tables.find((t) => t.name === 'spans')?.rows).toBeGreaterThan(40_000);
    await engine.closeBundle({ bundleId: s.bundleId });
    expect(workLeft(dataDir)).toEqual([]);
  }, 120_000);

  it('an import cancelled while loading the big Parquet file interrupts DuckDB and cleans up', async () => {
    await cancelledOpen(bundle, 'open-mid', (p) => p.phase === 'load' && p.file === 'spans.parquet' && p.message.startsWith('Loading'));
    expect(events.some((p) => p.phase === 'load' && p.file === 'spans.parquet')).toBe(true);
  }, 120_000);

  it('a zip import cancelled during extraction leaves no extracted files; the zip then opens', async () => {
    await cancelledOpen(zipPath, 'open-zip', (p) => p.phase === 'open');
    const s = await engine.openBundle({ path: zipPath });
    expect(s.name).toBe('demo2');
    expect(s.integrity.state).toBe('verified');
    await engine.closeBundle({ bundleId: s.bundleId });
    expect(workLeft(dataDir)).toEqual([]);
  }, 120_000);

  it('a long query (cross join) cancelled with cancelJob rejects as cancelled; the session keeps answering', async () => {
    const s = await engine.openBundle({ path: bundle });
    const spans = s.tables.find((t) => t.name === 'spans')?.rows ?? 0;
    const p = engine.runSql({ bundleId: s.bundleId, sql: 'SELECT sum(a.duration_ms * b.duration_ms) FROM spans a, spans b, range(100) r', jobId: 'long-q' });
    // Let the query start; correctness does not depend on the delay (cancel before or during both must reject as cancelled).
    await new Promise((r) => setTimeout(r, 300));
    expect(await engine.cancelJob({ jobId: 'long-q' })).toEqual({ cancelled: true });
    expect(await errorOf(() => p)).toMatchObject({ code: 'cancelled', message: 'Cancelled.' });
    expect((await engine.runSql({ bundleId: s.bundleId, sql: 'SELECT count(*) FROM spans' })).rows).toEqual([[spans]]);
    // analyses on the engine connection still work after the console's connection was interrupted
    expect((await engine.health({ bundleId: s.bundleId })).releases.length).toBeGreaterThan(0);
    await engine.closeBundle({ bundleId: s.bundleId });
  }, 120_000);

  it('closing a bundle while an analysis and a console query run interrupts them, waits for them, then closes', async () => {
    const s = await engine.openBundle({ path: bundle });
    const settled: string[] = [];
    const overview = engine.overview({ bundleId: s.bundleId }).then(
      () => settled.push('overview ok'),
      (e: unknown) => settled.push(`overview ${(e as { code?: string }).code ?? 'error'}`),
    );
    const query = engine.runSql({ bundleId: s.bundleId, sql: 'SELECT sum(a.duration_ms * b.duration_ms) FROM spans a, spans b, range(100) r', jobId: 'long-q2' }).then(
      () => settled.push('query ok'),
      (e: unknown) => settled.push(`query ${(e as { code?: string }).code ?? 'error'}`),
    );
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await engine.closeBundle({ bundleId: s.bundleId });
    // Both calls had settled before DuckDB closed: close waited for them.
    expect(settled).toHaveLength(2);
    expect(settled.find((x) => x.startsWith('query'))).not.toBe('query ok');
    expect(Date.now() - started).toBeLessThan(20_000);
    await Promise.all([overview, query]);
    expect(workLeft(dataDir)).toEqual([]);
    expect(await errorOf(() => engine.health({ bundleId: s.bundleId }))).toMatchObject({ code: 'not_found' });
    // The engine carries on: the bundle opens again and answers.
    const again = await engine.openBundle({ path: bundle });
    expect((await engine.health({ bundleId: again.bundleId })).releases.length).toBeGreaterThan(0);
    await engine.closeBundle({ bundleId: again.bundleId });
  }, 120_000);
});
