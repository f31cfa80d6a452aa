import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../../../electron/engine/report/model';
import { effectiveParams } from '../../../electron/engine/report/params';
import { compareReportModels, looksLikeReportModel } from '../../../electron/engine/report/verify';
import { inputs, signoff, summary } from './fixtures';
import type { ReportInputs } from '../../../electron/engine/report/gather';

function model(inp: ReportInputs) {
  const eff = effectiveParams({}, signoff(), { exported_at: '2026-09-01T00:00:00Z', period_end: null });
  return buildReportModel(inp, { signoff: signoff(), findings: [] }, {}, eff);
}

describe('verify comparison', () => {
  it('matches a recomputation of the same inputs', () => {
    const out = compareReportModels(model(inputs()), model(inputs()));
    expect(out.match).toBe(true);
    expect(out.differences).toEqual([]);
    expect(out.changed_files).toEqual([]);
  });

  it('names the changed file and lists the differences when one file hash differs', () => {
    const base = summary();
    const changedFiles = base.files.map((f) => (f.path === 'records.parquet' ? { ...f, sha256: '9'.repeat(64), status: 'hash_mismatch' as const } : f));
    const altered = summary({
      files: changedFiles,
      integrity: { state: 'altered', root_hash: '8'.repeat(64), problems: [{ path: 'records.parquet', status: 'hash_mismatch', detail: 'sha256 differs from the manifest' }] },
    });
    const out = compareReportModels(model(inputs()), model(inputs({ summary: altered })));
    expect(out.match).toBe(false);
    expect(out.changed_files).toEqual([{ path: 'records.parquet', status: 'changed', embedded_sha256: 'c'.repeat(64), current_sha256: '9'.repeat(64) }]);
    const paths = out.differences.map((d) => d.path);
    expect(paths).toContain('integrity.state');
    expect(paths).toContain('integrity.root_hash');
    // findings are matched by id: the new integrity finding is one added entry, not a shifted list
    expect(paths.filter((p) => p.startsWith('executive_summary.findings['))).toHaveLength(1);
  });

  it('recognizes a report model', () => {
    expect(looksLikeReportModel(JSON.parse(JSON.stringify(model(inputs()))))).toBe(true);
    expect(looksLikeReportModel({ model_version: 2 })).toBe(false);
  });
});
