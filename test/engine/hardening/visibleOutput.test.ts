import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cli } from '../../helpers/cli';
import { createEngine } from '../../../electron/engine/engine';
import type { Engine } from '../../../electron/engine/engine';
import { HOSTILE_TIMEOUT, jsonl, rmDir, tempDir, writeFiles } from './helpers';

const RLO = '\u202E';
const ESC = '\u001b';
/** OSC 52: asks the terminal to put "pwned" on the clipboard. */
const OSC52 = `${ESC}]52;c;cHduZWQ=\u0007`;
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069]/;

/**
 * Control, bidi and invisible characters from a bundle reach no person raw: not the terminal (every CLI
 * command goes through one writer), not the report (HTML escape layer), shown instead as ⟨U+XXXX⟩.
 */
describe('bundle text is shown visibly in the CLI and the report', () => {
  let root: string;
  let bundle: string;
  const saved = process.env['AUDITDESK_DATA_DIR'];

  beforeAll(() => {
    root = tempDir('hard-visible');
    process.env['AUDITDESK_DATA_DIR'] = path.join(root, 'data');
    bundle = path.join(root, 'bundle');
    writeFiles(bundle, {
      'spans.jsonl': jsonl([
        // start_time gives the bundle a period, so the report has an as-of time to render with.
        { trace_id: 't1', span_id: 'a', name: `root${OSC52}`, release_id: `r1${ESC}[2J`, start_time: '2026-03-02T00:00:00Z' },
        { trace_id: 't1', span_id: 'b', parent_span_id: 'a', name: `invoice${RLO}cod.exe`, release_id: `r1${ESC}[2J`, start_time: '2026-03-02T00:00:01Z' },
      ]),
      [`notes${ESC}[31mred${RLO}.csv`]: 'a,b\n1,2\n',
      'releases.csv': `release_id,released_at,approved_by\nr1${ESC}[2J,2026-03-01T00:00:00Z,Alice${RLO}ecilA\n`,
    });
  });
  afterAll(() => {
    if (saved === undefined) delete process.env['AUDITDESK_DATA_DIR'];
    else process.env['AUDITDESK_DATA_DIR'] = saved;
    rmDir(root);
  });

  it('inspect, sql, lineage, health and posture print no raw control or bidi character (an OSC 52 clipboard write included)', async () => {
    const runs = [
      await cli('inspect', bundle),
      await cli('sql', bundle, 'SELECT name, release_id FROM spans ORDER BY span_id'),
      await cli('lineage', bundle),
      await cli('health', bundle),
      await cli('posture', bundle),
    ];
    for (const r of runs) {
      expect(r.stdout + r.stderr).not.toMatch(RAW);
    }
    const [inspect, sql] = runs;
    expect(inspect?.stdout).toContain('notes⟨U+001B⟩[31mred⟨U+202E⟩.csv');
    expect(sql?.stdout).toContain('root⟨U+001B⟩]52;c;cHduZWQ=⟨U+0007⟩');
    expect(sql?.stdout).toContain('invoice⟨U+202E⟩cod.exe');
  }, HOSTILE_TIMEOUT);

  it('progress lines on the terminal (--progress) name the bundle\'s files escaped too', async () => {
    // Progress goes straight to the process's stderr (not through the command's writer): catch it there.
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await cli('inspect', bundle, '--progress');
    } finally {
      spy.mockRestore();
    }
    const progress = lines.join('');
    expect(progress).toContain('notes⟨U+001B⟩[31mred⟨U+202E⟩.csv');
    expect(progress).not.toMatch(RAW);
  }, HOSTILE_TIMEOUT);

  it('--json keeps the exact data as \\u escapes, never raw', async () => {
    const r = await cli('sql', bundle, 'SELECT name FROM spans ORDER BY span_id', '--json');
    expect(r.stdout).not.toMatch(RAW);
    const parsed = JSON.parse(r.stdout) as { rows: string[][] };
    expect(parsed.rows).toEqual([[`root${OSC52}`], [`invoice${RLO}cod.exe`]]);
    expect(r.stdout).toContain('invoice\\u202ecod.exe');
  }, HOSTILE_TIMEOUT);

  it('errors naming bundle text are escaped too', async () => {
    const r = await cli('sql', bundle, `SELECT * FROM "no${ESC}]52;c;eA==\u0007table"`);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(RAW);
    expect(r.stderr).toContain('⟨U+001B⟩');
  }, HOSTILE_TIMEOUT);

  describe('the report', () => {
    let engine: Engine;
    beforeAll(() => {
      engine = createEngine({ dataDir: path.join(root, 'data-report'), memoryLimit: '512MB', threads: 1 });
    });
    afterAll(async () => {
      await engine.dispose();
    });

    it('shows control and bidi characters in file names and release ids as ⟨U+XXXX⟩, never raw', async () => {
      const s = await engine.openBundle({ path: bundle });
      const { html } = await engine.reportPreview({ bundleId: s.bundleId });
      const body = html.replace(/<style[\s\S]*?<\/style>/g, '');
      expect(body).not.toMatch(RAW);
      expect(body).toContain('notes⟨U+001B⟩[31mred⟨U+202E⟩.csv');
      expect(body).toContain('r1⟨U+001B⟩[2J');
      await engine.closeBundle({ bundleId: s.bundleId });
    }, 120_000);
  });
});
