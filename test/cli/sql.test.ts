import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/main';
import { jsonl, rmDir, tempDir, writeFiles } from '../engine/bundle/helpers';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

describe('auditdesk sql', () => {
  let root: string;
  let bundle: string;
  beforeAll(() => {
    root = tempDir('cli-sql');
    process.env['AUDITDESK_DATA_DIR'] = path.join(root, 'data');
    bundle = path.join(root, 'bundle');
    writeFiles(bundle, { 'spans.jsonl': jsonl([{ trace_id: 't', span_id: 'a', name: 'root', input_tokens: 5 }, { trace_id: 't', span_id: 'b', name: 'child', input_tokens: 7 }]) });
  });
  afterAll(() => rmDir(root));

  it('--json prints columns and rows', async () => {
    const r = await cli(['sql', bundle, 'SELECT span_id, input_tokens FROM spans ORDER BY span_id', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      columns: [
        { name: 'span_id', type: 'VARCHAR' },
        { name: 'input_tokens', type: 'BIGINT' },
      ],
      rows: [
        ['a', 5],
        ['b', 7],
      ],
      row_count: 2,
      truncated: false,
      truncated_by: null,
    });
  });

  it('prints a text grid and honours --limit', async () => {
    const r = await cli(['sql', bundle, 'SELECT span_id, name FROM spans ORDER BY span_id', '--limit', '1']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('span_id  name\n-------  ----\na        root\n(1 row, truncated at --limit 1)\n');
  });

  it('refuses writes and file access with exit code 2', async () => {
    const r = await cli(['sql', bundle, "COPY spans TO '/tmp/ad-cli.csv'"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: Refused: this session is read-only/);
    const d = await cli(['sql', bundle, 'DROP TABLE spans']);
    expect(d.code).toBe(2);
    expect(d.err).toMatch(/^error: Refused: DROP statements are not allowed in the read-only console\./);
  });

  it('global --memory-limit and --threads reach DuckDB; bad values exit 2', async () => {
    const r = await cli(['--memory-limit', '300MB', 'sql', bundle, "SELECT current_setting('memory_limit') AS m, current_setting('threads') AS t", '--threads=1', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rows = (JSON.parse(r.out) as { rows: unknown[][] }).rows;
    expect(rows[0]?.[0]).toMatch(/^286\.1 MiB$|^300\.0 MB$/);
    expect(rows[0]?.[1]).toBe(1);
    const bad = await cli(['sql', bundle, 'SELECT 1', '--memory-limit', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--memory-limit expects a size such as 2GB');
    const badThreads = await cli(['--threads', '0', 'sql', bundle, 'SELECT 1']);
    expect(badThreads.code).toBe(2);
    expect(badThreads.err).toContain('--threads expects an integer');
  });

  it('usage errors exit 2', async () => {
    const r = await cli(['sql', bundle]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('error: expected BUNDLE and one quoted SQL statement');
    const l = await cli(['sql', bundle, 'SELECT 1', '--limit', 'zero']);
    expect(l.err).toContain('error: --limit must be an integer from 1 to 1000000, got "zero"');
  });
});
