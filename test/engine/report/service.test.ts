import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { generatedFileList, readBundleManifest } from '../../../electron/engine/report/service';
import { buildReportModel } from '../../../electron/engine/report/model';
import { effectiveParams } from '../../../electron/engine/report/params';
import { renderReportHtml } from '../../../electron/engine/report/html/render';
import { inputs, signoff, summary } from './fixtures';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ad-report-service-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('manifest attachment', () => {
  it('reads manifest.json from a folder bundle and from a zip (also under one top folder)', async () => {
    const folder = path.join(dir, 'folder');
    await mkdir(folder);
    await writeFile(path.join(folder, 'manifest.json'), '{"m":1}');
    expect(new TextDecoder().decode((await readBundleManifest(folder))!)).toBe('{"m":1}');

    const zip = path.join(dir, 'b.zip');
    await writeFile(zip, zipSync({ 'manifest.json': strToU8('{"z":1}'), 'data/manifest.json': strToU8('{"deeper":1}'), 'spans.jsonl': strToU8('{}\n') }));
    expect(new TextDecoder().decode((await readBundleManifest(zip))!)).toBe('{"z":1}');

    const nested = path.join(dir, 'nested.zip');
    await writeFile(nested, zipSync({ 'export/manifest.json': strToU8('{"n":1}'), 'export/spans.jsonl': strToU8('{}\n') }));
    expect(new TextDecoder().decode((await readBundleManifest(nested))!)).toBe('{"n":1}');

    const none = path.join(dir, 'none');
    await mkdir(none);
    expect(await readBundleManifest(none)).toBeNull();
  });

  it('generates a sorted file list when the bundle has no manifest', () => {
    const list = JSON.parse(new TextDecoder().decode(generatedFileList(summary()))) as { files: { path: string }[]; root_hash: string };
    expect(list.files.map((f) => f.path)).toEqual(['manifest.json', 'records.parquet', 'spans.jsonl']);
    expect(list.root_hash).toBe('d'.repeat(64));
  });
});

describe('paper size', () => {
  it('prints Letter when asked', () => {
    const eff = effectiveParams({ paper: 'Letter' }, signoff(), { exported_at: null, period_end: '2026-08-31T23:59:59Z' });
    const html = renderReportHtml(buildReportModel(inputs(), { signoff: signoff(), findings: [] }, { paper: 'Letter' }, eff));
    expect(html).toContain('size: Letter;');
    expect(html).not.toContain('size: A4;');
  });
});
