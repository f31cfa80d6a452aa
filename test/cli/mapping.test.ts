import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli';
import { readPdfAttachments } from '../../electron/engine/report/pdf';

const FLIGHTS = path.resolve(__dirname, '..', 'fixtures', 'flights', 'flights-3m-sample.parquet');
const WINDOWS = ['--baseline', 'window=2001-01-01/2001-02-01', '--current', 'window=2001-06-01/2001-07-01'];

describe('the auditor\'s column mapping on the command line', () => {
  let tmp: string;
  let bundle: string;
  const savedDataDir = process.env['AUDITDESK_DATA_DIR'];
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ad-map-cli-'));
    process.env['AUDITDESK_DATA_DIR'] = path.join(tmp, 'data');
    bundle = path.join(tmp, 'flights');
    mkdirSync(bundle);
    copyFileSync(FLIGHTS, path.join(bundle, 'records.parquet'));
  });
  afterAll(() => {
    if (savedDataDir === undefined) delete process.env['AUDITDESK_DATA_DIR'];
    else process.env['AUDITDESK_DATA_DIR'] = savedDataDir;
    rmSync(tmp, { recursive: true, force: true });
  });

  it('inspect shows each mapping with its tag; --map changes it; an unknown column is an error naming the table\'s columns', async () => {
    const plain = await cli('inspect', bundle);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^ {6}ts ← date {2}\[inferred\] {2}alias "date"$/m);
    expect(plain.stdout).toMatch(/^ {6}record_id ← — {2}\[generated\]/m);
    expect(plain.stdout).toContain('records: split, dataset_version, model_version, release_id, trace_id, score, prediction, label');
    const mapped = await cli('inspect', bundle, '--map', 'records.ts=', '--json');
    const s = JSON.parse(mapped.stdout) as { auditor_mapping: unknown; auditor_mapping_from: string; files: { mapping: { column: string; tag: string }[] }[] };
    expect(s.auditor_mapping).toEqual({ records: { ts: '' } });
    expect(s.auditor_mapping_from).toBe('request');
    expect(s.files[0]?.mapping.find((e) => e.column === 'ts')?.tag).toBe('absent');
    const bad = await cli('inspect', bundle, '--map', 'records.tss=date');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('mapping: "tss" is not a column of records (record_id, ts, split');
    const usage = await cli('inspect', bundle, '--map', 'records-ts');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--map expects TABLE.COLUMN=SOURCE (e.g. records.ts=date), got "records-ts"');
  });

  it('drift January vs June; --mapping FILE; nothing computable is "Nothing compared", never "no drift"', async () => {
    const ok = await cli('drift', bundle, '--column', 'delay', ...WINDOWS, '--method', 'ks');
    expect(ok.code).toBe(0);
    // SciPy ks_2samp: D = 0.15198, p = 0.0137; the DKW interval of D straddles the 0.1 threshold, so the decision is
    // inconclusive (#18) — and the headline must not call it drift, nor "no drift".
    expect(ok.stdout).toMatch(/^delay +all +numeric +ks +0\.152 +0\.0137 .* 201 +219 +inconclusive$/m);
    expect(ok.stdout).toContain('delay (all): inconclusive: the interval straddles the threshold');
    expect(ok.stdout).toContain('– Undecided: the one compared column is inconclusive — the interval straddles the threshold');
    expect(ok.stdout).not.toMatch(/no drift in|compared columns drifted/i);

    // A JSON export of the same flights with month-day-hour-minute dates: no usable time column.
    const text = path.join(tmp, 'mmdd');
    mkdirSync(text);
    writeFileSync(path.join(text, 'records.json'), JSON.stringify([{ date: '01010001', delay: 3 }, { date: '06011200', delay: 9 }]));
    const none = await cli('drift', text, '--column', 'delay', ...WINDOWS);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('delay (all, ks): baseline selection has 0 rows: records has no time column with values; map one with --map records.ts=COLUMN');
    expect(none.stdout).toContain('– Nothing compared: none of 1 column could be compared — baseline selection has 0 rows');
    expect(none.stdout).not.toMatch(/no drift/i);

    const file = path.join(tmp, 'mapping.json');
    writeFileSync(file, JSON.stringify({ records: { ts: '' } }));
    const viaFile = await cli('inspect', bundle, '--mapping', file, '--json');
    expect((JSON.parse(viaFile.stdout) as { auditor_mapping: unknown }).auditor_mapping).toEqual({ records: { ts: '' } });
  });

  it('report records the mapping; verify reopens with it even after the workspace beside the bundle changes', async () => {
    const pdf = path.join(tmp, 'r.pdf');
    const r = await cli('report', bundle, '--out', pdf, '--json', path.join(tmp, 'r.json'), '--map', 'records.ts=date', '--no-workspace', '--auditor', 'A. Auditor', '--system', 'flights');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const model = JSON.parse(readFileSync(path.join(tmp, 'r.json'), 'utf8')) as { integrity: { auditor_mapping?: unknown } };
    expect(model.integrity.auditor_mapping).toEqual({ records: { ts: 'date' } });
    const files = await readPdfAttachments(new Uint8Array(readFileSync(pdf)));
    expect(JSON.parse(new TextDecoder().decode(files.get('manifest.json'))).auditor_mapping).toEqual({ records: { ts: 'date' } });

    // A later mapping saved beside the bundle must not change what verify recomputes.
    writeFileSync(`${bundle}.auditdesk.json`, JSON.stringify({ version: 1, root_hash: '', findings: [], signoff: { system: '', auditor: '', approver: '', as_of: '', notes: '' }, params: {}, mapping: { records: { ts: '' } } }));
    const inspect = await cli('inspect', bundle, '--json');
    expect((JSON.parse(inspect.stdout) as { auditor_mapping_from: string }).auditor_mapping_from).toBe(`workspace ${bundle}.auditdesk.json`);
    const v = await cli('verify', pdf, '--bundle', bundle);
    expect(v.stdout).toMatch(/^MATCH: /);
    expect(v.code).toBe(0);
  }, 120_000);
});

describe('every command that opens a bundle takes --map / --mapping', () => {
  let tmp: string;
  let bundle: string;
  const savedDataDir = process.env['AUDITDESK_DATA_DIR'];
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ad-map-every-'));
    process.env['AUDITDESK_DATA_DIR'] = path.join(tmp, 'data');
    bundle = path.join(tmp, 'b');
    mkdirSync(bundle);
    writeFileSync(path.join(bundle, 'records.json'), JSON.stringify([{ date: '2001-01-02', delay: 3, origin: 'ORD' }, { date: '2001-06-02', delay: 9, origin: 'ATL' }]));
    writeFileSync(path.join(tmp, 'policy.json'), JSON.stringify({ version: 1 }));
  });
  afterAll(() => {
    if (savedDataDir === undefined) delete process.env['AUDITDESK_DATA_DIR'];
    else process.env['AUDITDESK_DATA_DIR'] = savedDataDir;
    rmSync(tmp, { recursive: true, force: true });
  });

  it('each one names the flags in its usage and hands a bad mapping to the engine, which refuses it by name', async () => {
    const { COMMANDS } = await import('../../electron/cli/commands/index');
    // verify reopens with the mapping the report recorded, never one given now; demo opens nothing.
    const opening = COMMANDS.filter((c) => c.usage.includes(`auditdesk ${c.name} BUNDLE`));
    expect(opening.map((c) => c.name).sort()).toEqual(['check', 'coverage', 'drift', 'evals', 'fairness', 'health', 'inspect', 'lineage', 'performance', 'posture', 'report', 'sql'].sort());
    const extra: Record<string, string[]> = {
      sql: ['SELECT 1'],
      drift: ['--baseline', 'window=2001-01-01/2001-02-01', '--current', 'window=2001-06-01/2001-07-01'],
      performance: ['--by', 'origin'],
      fairness: ['--by', 'origin'],
      report: ['--out', path.join(tmp, 'r.pdf'), '--auditor', 'A', '--system', 'S'],
      check: ['--policy', path.join(tmp, 'policy.json')],
    };
    for (const c of opening) {
      expect(c.usage, c.name).toContain('[--map TABLE.COLUMN=SOURCE]… [--mapping FILE]');
      const r = await cli(c.name, bundle, ...(extra[c.name] ?? []), '--map', 'records.tss=date');
      expect(r.stderr, c.name).toContain('mapping: "tss" is not a column of records');
      expect(r.code, c.name).toBe(2);
    }
  }, 120_000);
});
