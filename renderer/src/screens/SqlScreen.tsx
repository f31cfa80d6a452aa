import { useEffect, useMemo, useRef, useState } from 'react';
import { tableFromIPC, DataType, type Table } from 'apache-arrow';
import { call, newJobId, toUiError, type UiError } from '../lib/api';
import { ErrorState, Empty } from '../components/States';
import { VirtualTable, type VColumn } from '../components/VirtualTable';
import { PinButton } from '../components/PinButton';
import { useNavigation } from '../stores/navigation';
import { NO_TABLES, useSession } from '../stores/session';
import { fmtInt, plural } from '../lib/format';
import type { QueryResult } from '../../../shared/api/bundle';

const ROW_LIMIT = 100_000;

interface Grid {
  columns: { name: string; type: string }[];
  count: number;
  cell: (row: number, col: number) => string;
  source: 'arrow' | 'rows';
}

function formatValue(v: unknown, isTimestamp: boolean): string {
  if (v === null || v === undefined) return '∅';
  if (typeof v === 'bigint') return v.toString();
  if (isTimestamp && typeof v === 'number') return new Date(v).toISOString().replace('T', ' ').replace('.000Z', 'Z');
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

/** Decodes the Arrow IPC stream for the grid (types preserved); falls back to the JSON rows. */
function toGrid(r: QueryResult): Grid {
  if (r.arrow && r.arrow.byteLength > 0) {
    try {
      const table: Table = tableFromIPC(r.arrow);
      const vectors = table.schema.fields.map((_, i) => table.getChildAt(i));
      const isTs = table.schema.fields.map((f) => DataType.isTimestamp(f.type) || DataType.isDate(f.type));
      return {
        columns: r.columns.length === table.numCols ? r.columns : table.schema.fields.map((f) => ({ name: f.name, type: String(f.type) })),
        count: table.numRows,
        cell: (row, col) => formatValue(vectors[col]?.get(row), isTs[col] ?? false),
        source: 'arrow',
      };
    } catch {
      // fall through to JSON rows
    }
  }
  return { columns: r.columns, count: r.rows.length, cell: (row, col) => formatValue(r.rows[row]?.[col], false), source: 'rows' };
}

export function SqlScreen({ bundleId }: { bundleId: string }) {
  const route = useNavigation((s) => s.route);
  const setParams = useNavigation((s) => s.setParams);
  const tables = useSession((s) => s.summary?.tables ?? NO_TABLES);
  const [sql, setSql] = useState(route.params.sql ?? 'SELECT release_id, count(*) AS spans FROM spans GROUP BY ALL ORDER BY release_id');
  const [result, setResult] = useState<QueryResult | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [running, setRunning] = useState<string | null>(null);
  const seq = useRef(0);
  const grid = useMemo(() => (result ? toGrid(result) : null), [result]);

  const run = async (text = sql) => {
    const q = text.trim();
    if (!q) return;
    const id = ++seq.current;
    const jobId = newJobId('sql');
    setRunning(jobId);
    setParams({ sql: q }, false);
    try {
      const r = await call('runSql', { bundleId, sql: q, limit: ROW_LIMIT, jobId });
      if (id !== seq.current) return;
      setResult(r);
      setError(null);
    } catch (e) {
      if (id !== seq.current) return;
      setError(toUiError(e));
    } finally {
      if (id === seq.current) setRunning(null);
    }
  };

  // Arriving from an evidence link ("show the rows behind it") runs the query straight away.
  useEffect(() => {
    if (route.params.sql) void run(route.params.sql);
  }, []);

  const cancel = async () => {
    if (!running) return;
    await call('cancelJob', { jobId: running }).catch(() => undefined);
  };

  const columns: VColumn<number>[] = (grid?.columns ?? []).map((c, i) => ({
    key: `${i}`,
    label: c.name,
    width: Math.min(Math.max(90, c.name.length * 9 + 24), 280),
    numeric: /INT|DOUBLE|DECIMAL|FLOAT|REAL|NUMERIC/i.test(c.type),
    render: (row: number) => grid?.cell(row, i) ?? '',
  }));

  return (
    <div>
      <div className="screen-head">
        <div className="titles">
          <h1>SQL console</h1>
          <div className="sub">Read-only DuckDB SQL over the bundle’s tables: {tables.map((t) => t.name).join(', ')}. Writes, file access, ATTACH and settings are refused.</div>
        </div>
      </div>
      <div className="card">
        <label htmlFor="sql-editor" className="visually-hidden">
          SQL query
        </label>
        <textarea
          id="sql-editor"
          className="sql-editor"
          spellCheck={false}
          value={sql}
          onChange={(e) => setSql(e.target.value)}
          onKeyDown={(e) => {
            if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
              e.preventDefault();
              void run();
            }
          }}
        />
        <div className="row" style={{ marginTop: 8 }}>
          <button type="button" className="primary" onClick={() => void run()} disabled={!!running}>
            {running ? 'Running…' : 'Run'} <kbd>Ctrl ↵</kbd>
          </button>
          <button type="button" onClick={() => void cancel()} disabled={!running}>
            Cancel
          </button>
          <span className="flex1" />
          {result && !error && (
            <span className="muted small" data-testid="sql-status">
              {plural(result.row_count, 'row')}{result.truncated_by === 'bytes' ? ' (stopped at the 32 MiB result cap; long cells cut)' : result.truncated ? ` (truncated at ${fmtInt(ROW_LIMIT)})` : ''} · {fmtInt(Math.round(result.elapsed_ms))} ms · via {grid?.source}
            </span>
          )}
          {result && grid && (
            <PinButton
              title={`SQL result: ${sql.slice(0, 120)}`}
              defaultSeverity="low"
              evidence={() => Array.from({ length: Math.min(grid.count, 200) }, (_, r) => Object.fromEntries(grid.columns.map((c, i) => [c.name, grid.cell(r, i)])))}
            />
          )}
        </div>
      </div>
      {error && <ErrorState error={error} what="the query result" />}
      {running && <div className="loading-bar" />}
      {grid && (
        <div className={running ? 'stale' : undefined} style={{ marginTop: 10 }}>
          {grid.count === 0 ? (
            <Empty title="The query returned no rows" />
          ) : (
            <VirtualTable<number> label="Query result" testId="sql-grid" rows={Array.from({ length: grid.count }, (_, i) => i)} columns={columns} rowKey={(r) => String(r)} height={460} />
          )}
        </div>
      )}
      {!grid && !error && <div className="muted">Write a query and press Run (Ctrl+Enter).</div>}
    </div>
  );
}
