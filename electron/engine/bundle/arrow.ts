import { Bool, Float64, Int32, Int64, Table, TimeUnit, Timestamp, Utf8, vectorFromArray, tableToIPC, type DataType, type Vector } from 'apache-arrow';
import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import type { Cell } from '../../../shared/api/common';
import { toCell } from '../db';

type Kind = 'bool' | 'int32' | 'int64' | 'float64' | 'timestamp' | 'utf8';

function kindOf(t: DuckDBType): Kind {
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return 'bool';
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
      return 'int32';
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
      return 'int64';
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
      return 'float64';
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.DATE:
      return 'timestamp';
    default:
      // HUGEINT / UBIGINT beyond 2^53, nested values, intervals...: text keeps them exact.
      return 'utf8';
  }
}

function vector(kind: Kind, values: unknown[]): Vector {
  const nullable = <T>(f: (v: unknown) => T) => values.map((v) => (v === null || v === undefined ? null : f(v)));
  let type: DataType;
  let data: unknown[];
  switch (kind) {
    case 'bool':
      type = new Bool();
      data = nullable((v) => Boolean(v));
      break;
    case 'int32':
      type = new Int32();
      data = nullable((v) => Number(v));
      break;
    case 'int64':
      type = new Int64();
      data = nullable((v) => (typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)))));
      break;
    case 'float64':
      type = new Float64();
      data = nullable((v) => Number(v));
      break;
    case 'timestamp':
      type = new Timestamp(TimeUnit.MILLISECOND, 'UTC');
      data = nullable((v) => (v instanceof Date ? v.getTime() : Number(v)));
      break;
    default:
      type = new Utf8();
      data = nullable((v) => {
        const c = toCell(v);
        return c === null ? null : String(c);
      });
  }
  return vectorFromArray(data, type);
}

/**
 * Arrow IPC stream of a result; column names made unique (Arrow tables key columns by name). The columns
 * object has no prototype, so a column named `__proto__` (or `constructor`) is an ordinary column.
 */
export function toArrowIpc(names: string[], types: DuckDBType[], rows: unknown[][]): Uint8Array {
  const seen = new Set<string>();
  const cols = Object.create(null) as Record<string, Vector>;
  names.forEach((n, i) => {
    let name = n;
    for (let k = 2; seen.has(name); k++) name = `${n}_${k}`;
    seen.add(name);
    cols[name] = vector(kindOf(types[i] as DuckDBType), rows.map((r) => r[i]));
  });
  return tableToIPC(new Table(cols), 'stream');
}

export function toCells(rows: unknown[][]): Cell[][] {
  return rows.map((r) => r.map(toCell));
}

/** Console cells: like toCells, but NaN and ±Infinity stay visible as text instead of becoming NULL. */
export function toConsoleCells(rows: unknown[][]): Cell[][] {
  return rows.map((r) => r.map((v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : toCell(v))));
}
