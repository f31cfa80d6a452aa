import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli } from '../helpers/cli';
import type { Disparity } from '../../shared/api/performance';

// A file another tool wrote, shaped like ProPublica's COMPAS export (compas-scores-two-years.csv: the outcome in
// `two_year_recid`, the risk band in `score_text`, the group in `race`): no manifest, no canonical names. The
// auditor maps the label and prediction columns on the command line, as with every other command.
describe('auditdesk performance / fairness with --map', () => {
  let tmp: string;
  let bundle: string;
  const savedDataDir = process.env['AUDITDESK_DATA_DIR'];

  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ad-performance-map-'));
    process.env['AUDITDESK_DATA_DIR'] = path.join(tmp, 'data');
    bundle = path.join(tmp, 'bundle');
    const lines = ['id,race,score_text,two_year_recid'];
    // Group A: 60 of 100 rated High/Medium; group B: 30 of 100 (impact ratio 0.5).
    for (let i = 0; i < 200; i++) {
      const a = i < 100;
      const j = i % 100;
      const rated = a ? j < 60 : j < 30;
      lines.push(`${i + 1},${a ? 'A' : 'B'},${rated ? (j % 2 === 0 ? 'High' : 'Medium') : 'Low'},${j % 3 === 0 ? 1 : 0}`);
    }
    mkdirSync(bundle);
    writeFileSync(path.join(bundle, 'records.csv'), `${lines.join('\n')}\n`);
  });
  afterAll(() => {
    if (savedDataDir === undefined) delete process.env['AUDITDESK_DATA_DIR'];
    else process.env['AUDITDESK_DATA_DIR'] = savedDataDir;
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('fairness reads the mapped label and prediction columns', async () => {
    const r = await cli('fairness', bundle, '--map', 'records.label=two_year_recid', '--map', 'records.prediction=score_text', '--predicted-positive', 'High,Medium', '--by', 'race', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { disparities: Disparity[]; references: { group: string | null }[] };
    expect(out.references[0]?.group).toBe('race=A');
    expect(out.disparities.map((d) => [d.group, d.impact_ratio?.value])).toEqual([['race=B', 0.5]]);
  });

  it('performance says which label column is missing when nothing is mapped', async () => {
    const r = await cli('performance', bundle, '--by', 'race');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no label column/);
  });
});
