import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/main';
import type { ImportSummary } from '../../shared/api/bundle';
import { jsonl, manifestFor, rmDir, tempDir, writeFiles } from '../engine/bundle/helpers';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

describe('auditdesk inspect', () => {
  let root: string;
  let bundle: string;
  beforeAll(() => {
    root = tempDir('cli-inspect');
    process.env['AUDITDESK_DATA_DIR'] = path.join(root, 'data');
    bundle = path.join(root, 'bundle');
    writeFiles(bundle, {
      'spans.jsonl': jsonl([{ trace_id: 't', span_id: 'a', name: 'root' }, { trace_id: 't', span_id: 'b', parent_span_id: 'a' }]) + '{oops\n',
      'releases.csv': 'release_id,released_at\nr1,2026-03-01T00:00:00Z\n',
    });
    writeFiles(bundle, { 'manifest.json': manifestFor(bundle, { 'spans.jsonl': { rows: 3 }, 'releases.csv': { rows: 1 } }) });
  });
  afterAll(() => rmDir(root));

  it('--json prints per-file hashes and row accounting, table counts, integrity and root hash', async () => {
    const r = await cli(['inspect', bundle, '--json']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const s = JSON.parse(r.out) as ImportSummary;
    expect(s.integrity.state).toBe('verified');
    expect(s.integrity.root_hash).toMatch(/^[0-9a-f]{64}$/);
    const spans = s.files.find((f) => f.path === 'spans.jsonl');
    expect(spans).toMatchObject({ rows_read: 3, rows_loaded: 2, rows_rejected: 1, status: 'ok' });
    expect(spans?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(s.tables.find((t) => t.name === 'spans')?.rows).toBe(2);
    expect(s.tables.find((t) => t.name === 'releases')?.rows).toBe(1);
    expect(s.rejects_total).toBe(1);
  });

  it('text output shows the integrity line and each file', async () => {
    const r = await cli(['inspect', bundle]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^integrity: VERIFIED {3}root hash [0-9a-f]{64}$/m);
    expect(r.out).toMatch(/^ {2}spans\.jsonl +jsonl +read 3 {2}loaded 2 {2}rejected 1 {2}ok$/m);
  });

  it('errors go to stderr with exit code 2', async () => {
    const r = await cli(['inspect', path.join(root, 'missing')]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim()).toBe(`error: Bundle not found: ${path.join(root, 'missing')}`);
  });
});
