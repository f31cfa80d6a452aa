import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootHash } from '../../../electron/engine/bundle/hash';
import { engineIn, jsonl, manifestFor, rmDir, sha256, tempDir, writeFiles } from './helpers';
import type { Engine } from '../../../electron/engine/engine';

const SPANS = jsonl([
  { trace_id: 't', span_id: 'a', name: 'x' },
  { trace_id: 't', span_id: 'b', parent_span_id: 'a', name: 'y' },
]);
const RELEASES = 'release_id,released_at\nr1,2026-03-01T00:00:00Z\n';

describe('integrity against manifest.json', () => {
  let root: string;
  let engine: Engine;
  let n = 0;
  beforeAll(() => {
    root = tempDir('integrity');
    engine = engineIn(path.join(root, 'data'));
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  /** A fresh bundle with spans.jsonl + releases.csv and a manifest built by `manifest`. */
  function bundle(manifest: (dir: string) => string | null, extra: Record<string, string> = {}): string {
    const dir = path.join(root, `b${n++}`);
    writeFiles(dir, { 'spans.jsonl': SPANS, 'releases.csv': RELEASES });
    const m = manifest(dir);
    writeFiles(dir, { ...(m === null ? {} : { 'manifest.json': m }), ...extra });
    return dir;
  }

  it('verified when every file matches; root hash follows the documented construction', async () => {
    const dir = bundle((d) => manifestFor(d, { 'spans.jsonl': { rows: 2 }, 'releases.csv': { rows: 1 } }));
    const s = await engine.openBundle({ path: dir });
    expect(s.integrity).toEqual({ state: 'verified', root_hash: s.integrity.root_hash, problems: [] });
    const lines = ['manifest.json', 'releases.csv', 'spans.jsonl']
      .map((p) => `${sha256(fs.readFileSync(path.join(dir, p)))}  ${p}\n`)
      .join('');
    expect(s.integrity.root_hash).toBe(sha256(lines));
    expect(s.files.find((f) => f.path === 'spans.jsonl')).toMatchObject({ status: 'ok', manifest_rows: 2, rows_read: 2, sha256: sha256(SPANS) });
    await engine.closeBundle({ bundleId: s.bundleId });
  });

  it('root hash is independent of listing order and changes with any byte', () => {
    const a = rootHash([
      { path: 'b.csv', sha256: '1'.repeat(64) },
      { path: 'a.csv', sha256: '2'.repeat(64) },
    ]);
    const b = rootHash([
      { path: 'a.csv', sha256: '2'.repeat(64) },
      { path: 'b.csv', sha256: '1'.repeat(64) },
    ]);
    expect(a).toBe(b);
    expect(rootHash([{ path: 'a.csv', sha256: '3'.repeat(64) }, { path: 'b.csv', sha256: '1'.repeat(64) }])).not.toBe(a);
  });

  it('unverified without a manifest', async () => {
    const s = await engine.openBundle({ path: bundle(() => null) });
    expect(s.integrity.state).toBe('unverified');
    expect(s.integrity.problems).toEqual([]);
    expect(s.tables.find((t) => t.name === 'spans')?.rows).toBe(2);
    await engine.closeBundle({ bundleId: s.bundleId });
  });

  it('altered on a hash mismatch, naming the file and both hashes', async () => {
    const dir = bundle((d) => manifestFor(d, { 'spans.jsonl': {}, 'releases.csv': {} }));
    fs.appendFileSync(path.join(dir, 'releases.csv'), 'r2,2026-03-02T00:00:00Z\n');
    const s = await engine.openBundle({ path: dir });
    const real = sha256(fs.readFileSync(path.join(dir, 'releases.csv')));
    expect(s.integrity.state).toBe('altered');
    expect(s.integrity.problems).toEqual([
      { path: 'releases.csv', status: 'hash_mismatch', detail: `SHA-256 is ${real}, manifest.json declares ${sha256(RELEASES)}` },
    ]);
    // the data stays usable
    expect(s.tables.find((t) => t.name === 'releases')?.rows).toBe(2);
    await engine.closeBundle({ bundleId: s.bundleId });
  });

  it('altered on a missing file and on an extra file', async () => {
    const dir = bundle((d) => manifestFor(d, { 'spans.jsonl': {}, 'releases.csv': {}, 'eval_results.jsonl': { rows: 3 } }), { 'notes/extra.csv': 'a,b\n1,2\n' });
    const s = await engine.openBundle({ path: dir });
    expect(s.integrity.state).toBe('altered');
    expect(s.integrity.problems).toEqual([
      { path: 'eval_results.jsonl', status: 'missing', detail: 'declared in manifest.json but not in the bundle' },
      { path: 'notes/extra.csv', status: 'extra', detail: 'in the bundle but not declared in manifest.json' },
    ]);
    expect(s.files.find((f) => f.path === 'eval_results.jsonl')).toMatchObject({ status: 'missing', rows_read: 0, manifest_rows: 3 });
    // the extra file is still loaded, into an extra table named after it
    expect(s.tables.find((t) => t.name === 'extra')).toMatchObject({ canonical: false, rows: 1 });
    await engine.closeBundle({ bundleId: s.bundleId });
  });

  it('altered on a wrong row count', async () => {
    const dir = bundle((d) => manifestFor(d, { 'spans.jsonl': { rows: 5 }, 'releases.csv': { rows: 1 } }));
    const s = await engine.openBundle({ path: dir });
    expect(s.integrity.problems).toEqual([{ path: 'spans.jsonl', status: 'rowcount_mismatch', detail: '2 rows read, manifest.json declares 5' }]);
    await engine.closeBundle({ bundleId: s.bundleId });
  });

  it('an invalid manifest is reported, not fatal', async () => {
    const dir = bundle(() => '{"format_version": "1.0", "files": [{"path": ""}]}');
    const s = await engine.openBundle({ path: dir });
    expect(s.integrity.state).toBe('altered');
    expect(s.integrity.problems).toEqual([
      { path: 'manifest.json', status: 'unreadable', detail: 'manifest.json does not match the manifest schema at files.0.path: Too small: expected string to have >=1 characters' },
    ]);
    expect(s.tables.find((t) => t.name === 'spans')?.rows).toBe(2);
    await engine.closeBundle({ bundleId: s.bundleId });
  });

  it('a manifest declaring an unknown format marks that file unreadable with the reason', async () => {
    const dir = bundle((d) => manifestFor(d, { 'spans.jsonl': { format: 'avro' }, 'releases.csv': {} }));
    const s = await engine.openBundle({ path: dir });
    expect(s.files.find((f) => f.path === 'spans.jsonl')).toMatchObject({ status: 'unreadable', rows_loaded: 0 });
    const rej = await engine.listRejects({ bundleId: s.bundleId, file: 'spans.jsonl', offset: 0, limit: 10 });
    expect(rej.rows).toEqual([{ file: 'spans.jsonl', line: null, column: null, reason: 'unknown format "avro" declared in manifest.json', raw: null }]);
    await engine.closeBundle({ bundleId: s.bundleId });
  });

  it('never writes into the bundle', async () => {
    const dir = bundle((d) => manifestFor(d, { 'spans.jsonl': {}, 'releases.csv': {} }));
    const before = fs.readdirSync(dir, { recursive: true }).map(String).sort();
    const s = await engine.openBundle({ path: dir });
    await engine.closeBundle({ bundleId: s.bundleId });
    expect(fs.readdirSync(dir, { recursive: true }).map(String).sort()).toEqual(before);
  });
});
