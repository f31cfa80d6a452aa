import type { Command } from '../io';
import { json, parse, UsageError } from '../io';
import { engineForCli, MAPPING_OPTIONS, MAPPING_USAGE, mappingFromFlags, stderrProgress } from '../engineForCli';
import type { QueryResult } from '../../../shared/api/bundle';
import type { Cell } from '../../../shared/api/common';

function cellText(c: Cell): string {
  return c === null ? 'NULL' : String(c);
}

/** Plain-text grid: header, rule, rows; long cells cut at 60 characters. */
export function sqlText(r: QueryResult): string {
  const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 59)}…` : s);
  const header = r.columns.map((c) => c.name);
  const body = r.rows.map((row) => row.map((c) => clip(cellText(c))));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  out.push(`(${r.row_count} row${r.row_count === 1 ? '' : 's'}${r.truncated_by === 'bytes' ? ', stopped at the 32 MiB result cap (long cells cut)' : r.truncated ? `, truncated at --limit ${r.row_count}` : ''})`);
  return out.join('\n');
}

export const sqlCommand: Command = {
  name: 'sql',
  summary: 'Run one read-only SQL statement over a bundle\'s tables (SELECT, WITH, SHOW, DESCRIBE, SUMMARIZE, EXPLAIN).',
  usage: `auditdesk sql BUNDLE "SELECT ..." ${MAPPING_USAGE} [--json] [--limit N] [--progress]`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...MAPPING_OPTIONS,  json: { type: 'boolean' }, limit: { type: 'string' }, progress: { type: 'boolean' } });
    const [bundle, sql, ...rest] = positionals;
    if (!bundle || !sql || rest.length > 0) throw new UsageError('expected BUNDLE and one quoted SQL statement');
    let limit: number | undefined;
    if (values.limit !== undefined) {
      limit = Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1_000_000) throw new UsageError(`--limit must be an integer from 1 to 1000000, got "${values.limit}"`);
    }
    const mapping = await mappingFromFlags(values);
    const engine = engineForCli({ progress: stderrProgress(values.progress === true) });
    try {
      const summary = await engine.openBundle({ path: bundle, ...(mapping ? { mapping } : {}) });
      const result = await engine.runSql({ bundleId: summary.bundleId, sql, ...(limit !== undefined ? { limit } : {}) });
      if (values.json) {
        io.out(json({ columns: result.columns, rows: result.rows, row_count: result.row_count, truncated: result.truncated, truncated_by: result.truncated_by }));
      } else {
        io.out(sqlText(result));
      }
      return 0;
    } finally {
      await engine.dispose();
    }
  },
};
