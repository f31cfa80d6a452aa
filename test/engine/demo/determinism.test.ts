import { createHash } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/common';
import { generateDemoBundle } from '../../../electron/engine/demo/generate';
import { tempDir } from './demoFixture';

const dirs: string[] = [];
async function generate(seed: number, scale: number, spansFormat: 'jsonl' | 'parquet' = 'jsonl'): Promise<{ dir: string; hashes: Record<string, string> }> {
  const dir = await tempDir('det');
  dirs.push(dir);
  await generateDemoBundle({ outDir: dir, seed, scale, spansFormat });
  const hashes: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) hashes[name] = createHash('sha256').update(await readFile(join(dir, name))).digest('hex');
  return { dir, hashes };
}

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('demo bundle determinism', () => {
  it('writes byte-identical files for the same seed and scale, and exactly the bundle files', async () => {
    const a = await generate(42, 1);
    const b = await generate(42, 1);
    expect(Object.keys(a.hashes)).toEqual([
      'audit_log.jsonl',
      'cohorts.csv',
      'dataset_versions.csv',
      'deployment_events.jsonl',
      'eval_results.jsonl.gz',
      'manifest.json',
      'model_versions.json',
      'records.parquet',
      'releases.csv',
      'spans.jsonl',
      'training_runs.json',
    ]);
    expect(b.hashes).toEqual(a.hashes);
  });

  it('changes the data when the seed changes', async () => {
    const a = await generate(7, 0.1);
    const b = await generate(8, 0.1);
    expect(b.hashes['spans.jsonl']).not.toEqual(a.hashes['spans.jsonl']);
    expect(b.hashes['records.parquet']).not.toEqual(a.hashes['records.parquet']);
  });

  it('writes stable Parquet spans with --spans-format parquet', async () => {
    const a = await generate(42, 0.1, 'parquet');
    const b = await generate(42, 0.1, 'parquet');
    expect(a.hashes['spans.parquet']).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hashes['spans.jsonl']).toBeUndefined();
    expect(b.hashes).toEqual(a.hashes);
  });

  it('replaces its own files when regenerating into the same folder', async () => {
    const { dir } = await generate(42, 0.1, 'parquet');
    await generateDemoBundle({ outDir: dir, seed: 42, scale: 0.1, spansFormat: 'jsonl' });
    const names = await readdir(dir);
    expect(names).toContain('spans.jsonl');
    expect(names).not.toContain('spans.parquet');
  });

  it('refuses an output folder holding other files, naming the file', async () => {
    const dir = await tempDir('foreign');
    dirs.push(dir);
    await writeFile(join(dir, 'notes.txt'), 'mine');
    const run = generateDemoBundle({ outDir: dir, seed: 42, scale: 0.1, spansFormat: 'jsonl' });
    await expect(run).rejects.toBeInstanceOf(ApiError);
    await expect(run).rejects.toMatchObject({ code: 'bad_argument', message: expect.stringContaining('notes.txt') });
    expect(await readdir(dir)).toEqual(['notes.txt']);
  });

  it('rejects a bad scale or seed', async () => {
    await expect(generateDemoBundle({ outDir: '/nonexistent/x', seed: 1, scale: 0, spansFormat: 'jsonl' })).rejects.toMatchObject({ code: 'bad_argument' });
    await expect(generateDemoBundle({ outDir: '/nonexistent/x', seed: -1, scale: 1, spansFormat: 'jsonl' })).rejects.toMatchObject({ code: 'bad_argument' });
  });
});
