import type { DuckDBConnection } from '@duckdb/node-api';
import { CANONICAL_TABLES, type CanonicalColumn } from '../../../shared/canonical';
import { quoteIdent } from '../db';
import { isCanonicalName } from './tableRole';
import { isFloat, isInteger } from './convert';

export interface TargetColumn {
  name: string;
  type: string;
  canonical: CanonicalColumn | null;
}

/** The tables being filled during an import, with their columns (names matched case-insensitively, as DuckDB does). */
export class TargetTables {
  private readonly tables = new Map<string, Map<string, TargetColumn>>();
  constructor(private readonly conn: DuckDBConnection) {}

  /** Every canonical table exists after import, empty when the bundle has none of its rows. */
  async createCanonical(): Promise<void> {
    for (const t of CANONICAL_TABLES) {
      const cols = new Map<string, TargetColumn>();
      for (const c of t.columns) cols.set(c.name.toLowerCase(), { name: c.name, type: c.type, canonical: c });
      await this.conn.run(`CREATE TABLE ${quoteIdent(t.name)} (${t.columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ')})`);
      this.tables.set(t.name, cols);
    }
  }

  has(table: string): boolean {
    return this.tables.has(table);
  }

  names(): string[] {
    return [...this.tables.keys()];
  }

  column(table: string, name: string): TargetColumn | undefined {
    return this.tables.get(table)?.get(name.toLowerCase());
  }

  isCanonical(table: string): boolean {
    return isCanonicalName(table);
  }

  /** Creates an extra table on first use. */
  async ensureTable(table: string, firstColumns: { name: string; type: string }[]): Promise<void> {
    if (this.tables.has(table)) return;
    const cols = new Map<string, TargetColumn>();
    for (const c of firstColumns) if (!cols.has(c.name.toLowerCase())) cols.set(c.name.toLowerCase(), { name: c.name, type: c.type, canonical: null });
    const defs = [...cols.values()].map((c) => `${quoteIdent(c.name)} ${c.type}`);
    await this.conn.run(`CREATE TABLE ${quoteIdent(table)} (${defs.length > 0 ? defs.join(', ') : '"_empty" VARCHAR'})`);
    this.tables.set(table, cols);
  }

  /** Adds an extra column, or widens an existing extra integer column to DOUBLE when a file brings fractions. */
  async ensureColumn(table: string, name: string, type: string): Promise<TargetColumn> {
    const cols = this.tables.get(table);
    if (!cols) throw new Error(`table ${table} not created`);
    const existing = cols.get(name.toLowerCase());
    if (!existing) {
      await this.conn.run(`ALTER TABLE ${quoteIdent(table)} ADD COLUMN ${quoteIdent(name)} ${type}`);
      const c: TargetColumn = { name, type, canonical: null };
      cols.set(name.toLowerCase(), c);
      return c;
    }
    if (!existing.canonical && isInteger(existing.type) && isFloat(type)) {
      await this.conn.run(`ALTER TABLE ${quoteIdent(table)} ALTER COLUMN ${quoteIdent(existing.name)} TYPE DOUBLE`);
      existing.type = 'DOUBLE';
    }
    return existing;
  }
}
