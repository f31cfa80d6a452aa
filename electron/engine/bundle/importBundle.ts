import fs from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/common';
import type { FileReport, ImportSummary, IntegrityReport } from '../../../shared/api/bundle';
import { COLUMN_ROLES, META_TABLES, type ColumnRole } from '../../../shared/canonical';
import type { ManifestFile } from '../../../shared/manifest';
import type { EngineConfig, Job } from '../context';
import { duckdbVersion, queryRows, quoteIdent } from '../db';
import { TOOL_VERSION } from '../version';
import { runChecks } from './checks';
import { discoverBundle, type BundleFile } from './discover';
import { STRUCTURED_READERS } from './formats';
import { rootHash, sha256File } from './hash';
import { loadIntoTable } from './load';
import { csvPlan, drainCsvRejects, dropUnits, jsonObjectsSource, jsonStructure, parquetSource, rejectEmptyObjects, stageJsonUnits } from './loadFlat';
import { LINE_KEY, runStructuredReader } from './loadStructured';
import { MANIFEST_NAME, manifestDuplicates, manifestEntries, readManifest, type ManifestRead } from './manifest';
import { addReject, createMetaTables } from './meta';
import { recordColumnRoles, type DeclaredRole } from './roles';
import { createBundleDb, lockDown, memoryLimitBytes } from './session';
import { FileProblem, flatFormat, headText, plainFile, refuseNonUtf8Text, type FlatFormat } from './sniff';
import { period, tableSummaries } from './summary';
import { extraTableName, isCanonicalName, stemOf, tableFromColumns, tableFromFileName } from './tableRole';
import { TargetTables } from './target';

export interface ImportedBundle {
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  summary: ImportSummary;
}

interface Loaded {
  table: string | null;
  format: string;
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  inferred: string[];
  unreadable?: string;
}

interface ImportState {
  conn: DuckDBConnection;
  targets: TargetTables;
  reserved: Set<string>;
  workDir: string;
  job: Job;
  stageCount: number;
  /** Longest JSON line accepted when a JSON Lines file has to be screened line by line (1/8 of the memory limit). */
  jsonLineLimit: number;
}

function cancelled(job: Job): void {
  if (job.signal.aborted) throw new ApiError('cancelled', 'Cancelled.');
}

/** Which table a file goes to: manifest, else file name, else columns, else an extra table named after the file. */
function chooseTable(state: ImportState, innerPath: string, m: ManifestFile | undefined, columns: string[], inferred: string[]): string {
  if (m?.table) return isCanonicalName(m.table) ? m.table : extraTableName(m.table, state.reserved);
  const byName = tableFromFileName(innerPath);
  if (byName) {
    inferred.push(`table ${byName} (from the file name)`);
    return byName;
  }
  const byCols = tableFromColumns(columns);
  if (byCols) {
    inferred.push(`table ${byCols} (from the columns)`);
    return byCols;
  }
  const extra = extraTableName(stemOf(innerPath), state.reserved);
  inferred.push(`extra table ${extra} (no canonical role recognised)`);
  return extra;
}

async function loadJsonFile(state: ImportState, file: string, plainPath: string, kind: 'jsonl' | 'json', innerPath: string, m: ManifestFile | undefined): Promise<Loaded> {
  const { conn, targets } = state;
  const inferred: string[] = [];
  try {
    const units = await stageJsonUnits(conn, file, plainPath, kind, { workDir: path.join(state.workDir, 'screen'), lineLimit: state.jsonLineLimit, signal: state.job.signal });
    const found = await jsonStructure(conn, targets, (keys) => chooseTable(state, innerPath, m, keys, inferred));
    const badUnits = units.invalid + units.notObject;
    if (!found) {
      const table = m?.table ? chooseTable(state, innerPath, m, [], inferred) : tableFromFileName(innerPath);
      return { table, format: kind, rows_read: units.units, rows_loaded: 0, rows_rejected: badUnits, inferred: units.units === 0 ? ['no rows'] : inferred };
    }
    const { table, structure } = found;
    const empty = await rejectEmptyObjects(conn, file);
    const spec = jsonObjectsSource(targets, table, structure, null);
    const counts = await loadIntoTable(conn, targets, file, table, spec);
    return { table, format: kind, rows_read: units.units, rows_loaded: counts.loaded, rows_rejected: counts.rejected + badUnits + empty, inferred };
  } finally {
    await dropUnits(conn);
  }
}

async function loadFlatFile(state: ImportState, f: BundleFile, plainPath: string, innerPath: string, gz: boolean, m: ManifestFile | undefined): Promise<Loaded> {
  const fmt = await flatFormat(innerPath, plainPath, m?.format);
  try {
    return await loadFlatAs(state, f, plainPath, innerPath, gz, m, fmt);
  } catch (e) {
    if (e instanceof FileProblem && !e.format && fmt) e.format = fmt + (gz ? '.gz' : '');
    throw e;
  }
}

async function loadFlatAs(state: ImportState, f: BundleFile, plainPath: string, innerPath: string, gz: boolean, m: ManifestFile | undefined, fmt: FlatFormat | null): Promise<Loaded> {
  const { conn, targets } = state;
  const suffix = gz ? '.gz' : '';
  if (fmt === null) {
    return { table: null, format: 'other', rows_read: 0, rows_loaded: 0, rows_rejected: 0, inferred: ['not a data file: hashed, not loaded'] };
  }
  const plainBytes = (await fs.stat(plainPath)).size;
  if (plainBytes === 0 && fmt !== 'parquet') {
    const inferred: string[] = ['empty file'];
    const table = m?.table ? chooseTable(state, innerPath, m, [], inferred) : tableFromFileName(innerPath);
    return { table, format: fmt + suffix, rows_read: 0, rows_loaded: 0, rows_rejected: 0, inferred };
  }
  if (fmt !== 'parquet') await refuseNonUtf8Text(plainPath);
  if (fmt === 'jsonl' || fmt === 'json') {
    const r = await loadJsonFile(state, f.relPath, plainPath, fmt, innerPath, m);
    return { ...r, format: r.format + suffix };
  }
  if (fmt === 'parquet') {
    const spec = await parquetSource(conn, plainPath, plainBytes);
    const inferred: string[] = [];
    const table = chooseTable(state, innerPath, m, spec.columns.map((c) => c.name), inferred);
    const counts = await loadIntoTable(conn, targets, f.relPath, table, spec);
    return { table, format: fmt + suffix, rows_read: counts.loaded + counts.rejected, rows_loaded: counts.loaded, rows_rejected: counts.rejected, inferred };
  }
  const inferredTable: string[] = [];
  const plan = await csvPlan(
    conn,
    plainPath,
    fmt === 'tsv' ? '\t' : null,
    innerPath.toLowerCase().endsWith('.csv'),
    m?.header,
    (cols) => chooseTable(state, innerPath, m, cols, inferredTable),
    (table, col) => targets.column(table, col)?.canonical?.type ?? null,
  );
  let counts;
  try {
    counts = await loadIntoTable(conn, targets, f.relPath, plan.table, plan.spec);
  } catch (e) {
    await drainCsvRejects(conn, f.relPath, plan).catch(() => 0);
    throw new FileProblem(`unreadable CSV: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
  const csvRejected = await drainCsvRejects(conn, f.relPath, plan);
  const rejected = counts.rejected + csvRejected;
  return { table: plan.table, format: fmt + suffix, rows_read: counts.loaded + rejected, rows_loaded: counts.loaded, rows_rejected: rejected, inferred: [...plan.inferred, ...inferredTable] };
}

async function loadStructuredFile(state: ImportState, f: BundleFile, plainPath: string, gz: boolean, reader: (typeof STRUCTURED_READERS)[number]): Promise<Loaded> {
  const { conn, targets, job } = state;
  const stageDir = path.join(state.workDir, 'stage', String(++state.stageCount));
  try {
    const out = await runStructuredReader(conn, reader, f.relPath, plainPath, stageDir, job.signal);
    let loaded = 0;
    let rejected = out.rejected;
    const tables: string[] = [];
    for (const t of out.tables) {
      const table = isCanonicalName(t.table) ? t.table : extraTableName(t.table, state.reserved);
      tables.push(table);
      try {
        await stageJsonUnits(conn, f.relPath, t.stagePath, 'jsonl');
        const found = await jsonStructure(conn, targets, table);
        if (!found) continue;
        const counts = await loadIntoTable(conn, targets, f.relPath, table, jsonObjectsSource(targets, table, found.structure, LINE_KEY));
        loaded += counts.loaded;
        rejected += counts.rejected;
      } finally {
        await dropUnits(conn);
      }
    }
    const read = Math.max(out.read, loaded + rejected);
    return {
      table: tables.length === 1 ? (tables[0] as string) : tables.length === 0 ? null : tables.join(','),
      format: reader.format + (gz ? '.gz' : ''),
      rows_read: read,
      rows_loaded: loaded,
      rows_rejected: read - loaded,
      inferred: [`format ${reader.format} (recognised by its reader)`],
    };
  } finally {
    await fs.rm(stageDir, { recursive: true, force: true });
  }
}

async function loadOne(state: ImportState, f: BundleFile, m: ManifestFile | undefined): Promise<Loaded> {
  const { job } = state;
  let plain;
  try {
    plain = await plainFile(f.relPath, f.absPath, f.bytes, state.workDir, job.signal);
  } catch (e) {
    if (e instanceof FileProblem) return { table: null, format: 'gzip', rows_read: 0, rows_loaded: 0, rows_rejected: 0, inferred: [], unreadable: e.message };
    throw e;
  }
  const declared = m?.format?.toLowerCase().replace(/\.gz$/, '');
  const reader = STRUCTURED_READERS.find((r) => r.format === declared);
  try {
    if (reader) return await loadStructuredFile(state, f, plain.plainPath, plain.gz, reader);
    const flatDeclared = declared === undefined || ['parquet', 'csv', 'tsv', 'jsonl', 'ndjson', 'json'].includes(declared);
    if (!flatDeclared) {
      return { table: null, format: m?.format ?? 'unknown', rows_read: 0, rows_loaded: 0, rows_rejected: 0, inferred: [], unreadable: `unknown format "${m?.format}" declared in manifest.json` };
    }
    if (f.bytes > 0 && declared !== 'parquet' && declared !== 'csv' && declared !== 'tsv') {
      const head = await headText(plain.plainPath);
      const sniffed = STRUCTURED_READERS.find((r) => r.sniff({ relPath: plain.innerPath, head }));
      if (sniffed) return await loadStructuredFile(state, f, plain.plainPath, plain.gz, sniffed);
    }
    return await loadFlatFile(state, f, plain.plainPath, plain.innerPath, plain.gz, m);
  } catch (e) {
    if (job.signal.aborted) throw new ApiError('cancelled', 'Cancelled.');
    if (e instanceof FileProblem) return { table: null, format: e.format ?? declared ?? 'unknown', rows_read: 0, rows_loaded: 0, rows_rejected: 0, inferred: [], unreadable: e.message };
    // Any other failure stays confined to this file (each insert is one statement, so nothing half-loaded).
    const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
    return { table: null, format: declared ?? 'unknown', rows_read: 0, rows_loaded: 0, rows_rejected: 0, inferred: [], unreadable: `could not load: ${msg}` };
  } finally {
    if (plain.gz) await fs.rm(plain.plainPath, { force: true });
  }
}

function integrityOf(read: ManifestRead, files: FileReport[], allHashes: { path: string; sha256: string }[], anyUndeclaredHash: boolean): IntegrityReport {
  const root_hash = rootHash(allHashes);
  if (read.state === 'absent') return { state: 'unverified', root_hash, problems: [] };
  const problems: IntegrityReport['problems'] = [];
  if (read.state === 'invalid') problems.push({ path: MANIFEST_NAME, status: 'unreadable', detail: read.detail });
  for (const d of manifestDuplicates(read.state === 'ok' ? read.manifest : null)) {
    const listed = d.spellings.map((x) => JSON.stringify(x)).join(', ');
    problems.push({ path: d.path, status: 'duplicate_entry', detail: `manifest.json lists this file ${d.spellings.length} times (${listed}); which declaration holds is ambiguous` });
  }
  for (const f of files) {
    if (f.status === 'hash_mismatch') problems.push({ path: f.path, status: f.status, detail: `SHA-256 is ${f.sha256}, manifest.json declares ${f.manifest_sha256}` });
    else if (f.status === 'missing') problems.push({ path: f.path, status: f.status, detail: 'declared in manifest.json but not in the bundle' });
    else if (f.status === 'extra') problems.push({ path: f.path, status: f.status, detail: 'in the bundle but not declared in manifest.json' });
    else if (f.status === 'rowcount_mismatch') problems.push({ path: f.path, status: f.status, detail: `${f.rows_read} rows read, manifest.json declares ${f.manifest_rows}` });
  }
  if (problems.length > 0) return { state: 'altered', root_hash, problems };
  return { state: anyUndeclaredHash ? 'unverified' : 'verified', root_hash, problems };
}

async function writeFilesTable(conn: DuckDBConnection, files: FileReport[]): Promise<void> {
  for (const f of files) {
    await conn.run(`INSERT INTO ${quoteIdent(META_TABLES.files)} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, CAST($12 AS JSON))`, [
      f.path,
      f.bytes,
      f.sha256,
      f.table,
      f.format,
      f.rows_read,
      f.rows_loaded,
      f.rows_rejected,
      f.status,
      f.manifest_sha256 ?? null,
      f.manifest_rows ?? null,
      JSON.stringify(f.inferred ?? []),
    ]);
  }
}

/**
 * Imports a bundle into a fresh in-memory DuckDB: discover (extract zips), hash, read manifest,
 * load every file, record roles, run checks, lock down. On failure or cancel everything is closed
 * and the caller deletes the work dir.
 */
export async function importBundle(config: EngineConfig, inputPath: string, bundleId: string, workDir: string, job: Job): Promise<ImportedBundle> {
  const started = Date.now();
  await fs.mkdir(path.join(workDir, 'spill'), { recursive: true });
  job.progress({ phase: 'open', message: `Opening ${inputPath}` });
  const bundle = await discoverBundle(inputPath, path.join(workDir, 'zip'), job.signal);
  cancelled(job);

  const bytesTotal = bundle.files.reduce((a, f) => a + f.bytes, 0);
  const hashes = new Map<string, string>();
  let bytesBefore = 0;
  for (const f of bundle.files) {
    cancelled(job);
    job.progress({ phase: 'hash', message: `Hashing ${f.relPath}`, file: f.relPath, bytesDone: bytesBefore, bytesTotal, fraction: bytesTotal ? (0.2 * bytesBefore) / bytesTotal : 0 });
    let nextReport = 64 * 1024 * 1024;
    const onBytes = (done: number): void => {
      if (done < nextReport) return;
      nextReport += 64 * 1024 * 1024;
      const at = bytesBefore + done;
      job.progress({ phase: 'hash', message: `Hashing ${f.relPath}`, file: f.relPath, bytesDone: at, bytesTotal, fraction: bytesTotal ? (0.2 * at) / bytesTotal : 0 });
    };
    hashes.set(f.relPath, await sha256File(f.absPath, onBytes, job.signal));
    bytesBefore += f.bytes;
  }
  const manifestRead = await readManifest(bundle.files);
  const manifest = manifestRead.state === 'ok' ? manifestRead.manifest : null;
  const entries = manifestEntries(manifest);

  const { instance, conn } = await createBundleDb(config, path.join(workDir, 'spill'));
  job.onCancel(() => conn.interrupt());
  try {
    cancelled(job);
    await createMetaTables(conn);
    const targets = new TargetTables(conn);
    await targets.createCanonical();
    const reserved = new Set((await queryRows<{ k: string }>(conn, `SELECT keyword_name AS k FROM duckdb_keywords() WHERE keyword_category = 'reserved'`)).map((r) => r.k));
    const jsonLineLimit = Math.floor(((await memoryLimitBytes(conn)) ?? 512 * 1024 * 1024) / 8);
    const state: ImportState = { conn, targets, reserved, workDir, job, stageCount: 0, jsonLineLimit };

    const reports: FileReport[] = [];
    let loadedBytes = 0;
    let rowsDone = 0;
    for (const f of bundle.files) {
      cancelled(job);
      const sha256 = hashes.get(f.relPath) as string;
      const m = entries.get(f.relPath);
      const base: Pick<FileReport, 'path' | 'bytes' | 'sha256' | 'manifest_sha256' | 'manifest_rows'> = {
        path: f.relPath,
        bytes: f.bytes,
        sha256,
        manifest_sha256: manifest ? (m?.sha256?.toLowerCase() ?? null) : null,
        manifest_rows: manifest ? (m?.rows ?? null) : null,
      };
      if (f.relPath === MANIFEST_NAME) {
        reports.push({ ...base, table: null, format: 'manifest', rows_read: 0, rows_loaded: 0, rows_rejected: 0, status: manifestRead.state === 'invalid' ? 'unreadable' : 'ok' });
        continue;
      }
      job.progress({ phase: 'load', message: `Loading ${f.relPath}`, file: f.relPath, bytesDone: loadedBytes, bytesTotal, rowsDone, fraction: 0.2 + (bytesTotal ? (0.75 * loadedBytes) / bytesTotal : 0) });
      const r = await loadOne(state, f, m);
      if (r.unreadable) await addReject(conn, f.relPath, null, null, r.unreadable, null);
      loadedBytes += f.bytes;
      rowsDone += r.rows_loaded;
      let status: FileReport['status'] = r.unreadable ? 'unreadable' : 'ok';
      if (manifest) {
        if (!m) status = 'extra';
        else if (m.sha256 && m.sha256.toLowerCase() !== sha256) status = 'hash_mismatch';
        else if (!r.unreadable && m.rows !== undefined && m.rows !== r.rows_read) status = 'rowcount_mismatch';
      }
      const inferred = r.unreadable ? [...r.inferred, `unreadable: ${r.unreadable}`] : r.inferred;
      reports.push({ ...base, table: r.table, format: r.format, rows_read: r.rows_read, rows_loaded: r.rows_loaded, rows_rejected: r.rows_rejected, status, ...(inferred.length > 0 ? { inferred } : {}) });
      job.progress({ phase: 'load', message: `Loaded ${f.relPath}: ${r.rows_loaded} rows, ${r.rows_rejected} rejected`, file: f.relPath, bytesDone: loadedBytes, bytesTotal, rowsDone });
    }
    const present = new Set(bundle.files.map((f) => f.relPath));
    for (const [p, m] of entries) {
      if (present.has(p)) continue;
      reports.push({ path: p, bytes: 0, sha256: '', table: m.table ?? null, format: m.format ?? '', rows_read: 0, rows_loaded: 0, rows_rejected: 0, status: 'missing', manifest_sha256: m.sha256?.toLowerCase() ?? null, manifest_rows: m.rows ?? null });
    }
    reports.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const anyUndeclaredHash = manifest !== null && [...entries.values()].some((m) => !m.sha256);
    const integrity = integrityOf(manifestRead, reports, [...hashes].map(([p, h]) => ({ path: p, sha256: h })), anyUndeclaredHash);
    await writeFilesTable(conn, reports);

    cancelled(job);
    job.progress({ phase: 'check', message: 'Recording column roles and running referential checks', fraction: 0.96 });
    const declared: DeclaredRole[] = [];
    for (const f of reports) {
      const m = entries.get(f.path);
      if (!m?.columns || !f.table) continue;
      for (const [column, role] of Object.entries(m.columns)) if ((COLUMN_ROLES as readonly string[]).includes(role)) declared.push({ table: f.table, column, role: role as ColumnRole });
    }
    const tableNames = targets.names();
    await recordColumnRoles(conn, tableNames, declared);
    const { findings: checks, outcomes: checkOutcomes } = await runChecks(conn);
    const tables = await tableSummaries(conn, tableNames);
    const rejectsTotal = Number((await queryRows<{ n: number }>(conn, `SELECT count(*)::BIGINT AS n FROM ${quoteIdent(META_TABLES.rejects)}`))[0]?.n ?? 0);
    const summary: ImportSummary = {
      bundleId,
      path: bundle.inputPath,
      name: path.basename(bundle.inputPath).replace(/\.zip$/i, ''),
      format_version: manifest?.format_version ?? null,
      exporter: manifest?.exporter ? `${manifest.exporter.system}${manifest.exporter.version ? ` ${manifest.exporter.version}` : ''}` : null,
      exported_at: manifest?.exported_at ?? null,
      files: reports,
      tables,
      integrity,
      checks,
      check_outcomes: checkOutcomes,
      rejects_total: rejectsTotal,
      period: await period(conn),
      tool_version: TOOL_VERSION,
      duckdb_version: await duckdbVersion(conn),
      import_ms: Date.now() - started,
    };
    cancelled(job);
    await lockDown(conn);
    await Promise.all(['zip', 'gz', 'stage', 'screen'].map((d) => fs.rm(path.join(workDir, d), { recursive: true, force: true })));
    job.progress({ phase: 'done', message: `Imported ${bundle.inputPath}`, fraction: 1 });
    return { instance, conn, summary };
  } catch (e) {
    try {
      conn.disconnectSync();
    } catch {
      // already closed
    }
    instance.closeSync();
    if (job.signal.aborted) throw new ApiError('cancelled', 'Cancelled.');
    throw e;
  }
}
