import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogMemo, columnsOf, freezeCatalog, isCatalogFrozen, memoryDb, tableExists } from '../../electron/engine/db';
import { analysisLease, type BundleSession } from '../../electron/engine/context';
import { mapInOrder } from '../../electron/engine/report/gather';
import type { Engine } from '../../electron/engine/engine';
import { engineIn, errorOf, jsonl, rmDir, tempDir, writeFiles } from './bundle/helpers';

/**
 * The catalog of a bundle's database is read once per session once the import has locked it down (db.ts,
 * freezeCatalog): these tests show that a frozen connection really answers from its cache (so freezing is only
 * right where nothing changes the catalog), that other connections never do, and that the SQL console of an
 * open bundle cannot change the catalog.
 */
describe('frozen catalog', () => {
  it('answers tables and columns from one read once frozen; an unfrozen connection asks DuckDB every time', async () => {
    const { instance, conn } = await memoryDb();
    await conn.run('create table a (x INTEGER, y VARCHAR)');
    expect(isCatalogFrozen(conn)).toBe(false);
    await conn.run('create table b (z DOUBLE)');
    expect(await tableExists(conn, 'b')).toBe(true);
    freezeCatalog(conn);
    expect(await tableExists(conn, 'a')).toBe(true);
    expect(await columnsOf(conn, 'a')).toEqual([
      { name: 'x', type: 'INTEGER' },
      { name: 'y', type: 'VARCHAR' },
    ]);
    // Created after the first read: the frozen connection does not see it (this is why only a read-only database is frozen)…
    await conn.run('create table c (w INTEGER)');
    expect(await tableExists(conn, 'c')).toBe(false);
    expect(await columnsOf(conn, 'c')).toEqual([]);
    // …another connection, not frozen, does; one frozen with it shares its cache.
    const other = await instance.connect();
    expect(await tableExists(other, 'c')).toBe(true);
    const twin = await instance.connect();
    freezeCatalog(twin, conn);
    expect(await tableExists(twin, 'c')).toBe(false);
    // A caller changing what it got does not change the cache.
    (await columnsOf(conn, 'a')).push({ name: 'bogus', type: 'INTEGER' });
    expect((await columnsOf(conn, 'a')).map((c) => c.name)).toEqual(['x', 'y']);
  });

  it('memoises per frozen connection, forgets failures, and never memoises on an unfrozen one', async () => {
    const { conn } = await memoryDb();
    let calls = 0;
    const work = async () => ++calls;
    expect(await catalogMemo(conn, 'k', work)).toBe(1);
    expect(await catalogMemo(conn, 'k', work)).toBe(2);
    freezeCatalog(conn);
    expect(await catalogMemo(conn, 'k', work)).toBe(3);
    expect(await catalogMemo(conn, 'k', work)).toBe(3);
    await expect(catalogMemo(conn, 'bad', async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await catalogMemo(conn, 'bad', work)).toBe(4);
  });
});

describe('an open bundle', () => {
  let root: string;
  let engine: Engine;
  let bundleId: string;
  const tables = async () => (await engine.runSql({ bundleId, sql: "select table_name from duckdb_tables() order by all" })).rows.map((r) => r[0]);

  beforeAll(async () => {
    root = tempDir('catalog');
    writeFiles(path.join(root, 'bundle'), {
      'spans.jsonl': jsonl(Array.from({ length: 12 }, (_, i) => ({ trace_id: `t${i % 3}`, span_id: `s${i}`, name: 'n', start_time: `2026-03-01T00:00:${String(i).padStart(2, '0')}Z`, input_tokens: i }))),
    });
    engine = engineIn(path.join(root, 'data'));
    bundleId = (await engine.openBundle({ path: path.join(root, 'bundle') })).bundleId;
  });
  afterAll(async () => {
    await engine.dispose();
    rmDir(root);
  });

  it('cannot have its catalog changed from the SQL console (the catalog cache stays true)', async () => {
    const before = await tables();
    expect(before).toContain('spans');
    for (const sql of [
      'CREATE TABLE t AS SELECT 1 AS x',
      'CREATE TEMP TABLE t (x INTEGER)',
      'CREATE VIEW v AS SELECT 1 AS x',
      'CREATE MACRO m(x) AS x + 1',
      'CREATE SCHEMA s',
      'DROP TABLE spans',
      'ALTER TABLE spans ADD COLUMN extra INTEGER',
      'ALTER TABLE spans RENAME TO spans2',
      "INSERT INTO spans (span_id) VALUES ('x')",
      'WITH x AS (SELECT 1) CREATE TABLE t AS SELECT * FROM x',
      'EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1',
    ]) {
      expect((await errorOf(() => engine.runSql({ bundleId, sql })))?.code, sql).toMatch(/^sql_(refused|error)$/);
    }
    expect(await tables()).toEqual(before);
    expect((await engine.runSql({ bundleId, sql: 'select count(*) from spans' })).rows[0]?.[0]).toBe(12);
  });
});

describe('analysis connections', () => {
  it('a lease takes the spare connection when it is free, else the main one', async () => {
    const { instance, conn } = await memoryDb();
    const spare = await instance.connect();
    const session = { conn, spare, spareBusy: false } as unknown as BundleSession;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = analysisLease(session, async (c) => {
      await held;
      return c;
    });
    const second = await analysisLease(session, async (c) => c);
    release();
    expect(await first).toBe(spare);
    expect(second).toBe(conn);
    expect(session.spareBusy).toBe(false);
    expect(await analysisLease(session, async (c) => c)).toBe(spare);
  });

  it('mapInOrder keeps the order of its items whatever order the calls finish in, and passes the first failure on', async () => {
    const delays = [30, 5, 20, 1, 10];
    let inFlight = 0;
    let most = 0;
    const out = await mapInOrder(delays, 2, async (ms, i) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      return `${i}:${ms}`;
    });
    expect(out).toEqual(['0:30', '1:5', '2:20', '3:1', '4:10']);
    expect(most).toBe(2);
    const started: number[] = [];
    await expect(
      mapInOrder([1, 2, 3, 4], 1, async (x) => {
        started.push(x);
        if (x === 2) throw new Error('boom');
        return x;
      }),
    ).rejects.toThrow('boom');
    expect(started).toEqual([1, 2]);
  });
});
