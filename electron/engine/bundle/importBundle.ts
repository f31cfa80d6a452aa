import fs from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/common';
import type { FileReport, ImportSummary, IntegrityReport } from '../../../shared/api/bundle';
import { CANONICAL_TABLES, COLUMN_ROLES, META_TABLES, type CanonicalTableName, type ColumnRole } from '../../../shared/canonical';
import type { ManifestFile } from '../../../shared/manifest';
import { normalizeMapping, type AuditorMapping, type MappingEntry } from '../../../shared/mapping';
import type { EngineConfig, Job } from '../context';
import { duckdbVersion, queryRows, quoteIdent } from '../db';
import { TOOL_VERSION } from '../version';
import { runChecks } from './checks';
import { discoverBundle, type BundleFile, type DiscoveredBundle } from './discover';
import { InflatedFiles } from './gzBatch';
import { STRUCTURED_READERS } from './formats';
import { rootHash, sha256File } from './hash';
import { changedSince, copyAndHash, swappedDirs, type Fingerprint } from './snapshot';
import { loadIntoTable } from './load';
import { csvPlan, drainCsvRejects, dropUnits, jsonKeyTypes, jsonNestedKeys, jsonObjectsSource, jsonStructure, parquetSource, rejectEmptyObjects, stageJsonUnits } from './loadFlat';
import { styleKey } from './mapping';
import { recordColumnMap, tableMappings } from './mappingStore';
import { LINE_KEY, runStructuredReader } from './loadStructured';
import { MANIFEST_NAME, manifestDuplicates, manifestEntries, readManifest, type ManifestRead } from './manifest';
import { addReject, createMetaTables } from './meta';
import { recordColumnRoles, type DeclaredRole } from './roles';
import { analysisConnection, createBundleDb, lockDown, memoryLimitBytes } from './session';
import { recordBlankFreeColumns } from './textFacts';
import { exportSummaryKind, FileProblem, flatFormat, headText, plainFile, refuseNonUtf8Text, type FlatFormat } from './sniff';
import { period, tableSummaries } from './summary';
import { extraTableName, isCanonicalName, tableFromFileName } from './tableRole';
import { TargetTables } from './target';
import { applyRoute, cancelled, chooseTable, leniencyNotes, lowerKeys, nestedPrefixes, routeFile, withRoute, type ImportState, type Loaded, type Route } from './route';
import { Batcher, CsvBatcher, gzBatchCap, ParquetBatcher } from './batchers';

export interface ImportedBundle {
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  /** A second analysis connection to the same database (context.ts, BundleSession.spare). */
  spare: DuckDBConnection;
  summary: ImportSummary;
}

async function loadJsonFile(state: ImportState, file: string, plainPath: string, kind: 'jsonl' | 'json', innerPath: string, m: ManifestFile | undefined): Promise<Loaded> {
  const { conn, targets } = state;
  const inferred: string[] = [];
  try {
    const units = await stageJsonUnits(conn, file, plainPath, kind, { workDir: path.join(state.workDir, 'screen'), lineLimit: state.jsonLineLimit, signal: state.job.signal });
    const found = await jsonStructure(conn, targets, (keys) => chooseTable(state, innerPath, m, keys, []));
    const badUnits = units.invalid + units.notObject;
    if (!found) {
      const table = m?.table ? chooseTable(state, innerPath, m, [], inferred) : tableFromFileName(innerPath);
      return { table, format: kind, rows_read: units.units, rows_loaded: 0, rows_rejected: badUnits, inferred: units.units === 0 ? ['no rows'] : inferred };
    }
    const { structure } = found;
    const columns = Object.entries(structure).map(([name, type]) => ({ name, type }));
    let notes: string[] = [];
    let route = routeFile(state, innerPath, m, columns, notes);
    // Keys one level down ("spanContext.traceId") can be mapped too: looked up only under the object keys that an
    // alias or a mapping of a still-unfilled canonical column points into, and loaded only when mapped.
    const base = route.plan ?? route.refusedPlan ?? null;
    const wanted = base ? nestedPrefixes(base, m?.map, state.mapping[base.table]) : new Set<string>();
    const objectKeys = Object.entries(structure).filter(([k, t]) => t === 'JSON' && wanted.has(styleKey(k))).map(([k]) => k);
    const nested = objectKeys.length > 0 ? (await jsonNestedKeys(conn, objectKeys)).filter((n) => !(n.name.toLowerCase() in lowerKeys(structure))) : [];
    if (nested.length > 0) {
      notes = [];
      route = routeFile(state, innerPath, m, [...columns, ...nested], notes);
    }
    inferred.push(...notes);
    // Keys named like a canonical column but left unmapped stay extra columns: they get their own JSON type.
    const plan = route.plan;
    const untyped = plan ? Object.keys(structure).filter((k) => !plan.bySource.has(k.toLowerCase()) && targets.column(route.table, k)?.canonical) : [];
    if (untyped.length > 0) Object.assign(structure, await jsonKeyTypes(conn, untyped));
    const used = nested.filter((n) => route.plan?.bySource.has(n.name.toLowerCase()));
    const withNested = { ...structure, ...Object.fromEntries(used.map((n) => [n.name, n.type])) };
    const empty = await rejectEmptyObjects(conn, file);
    const spec = await applyRoute(conn, jsonObjectsSource(targets, route.table, withNested, null, route.plan, used), route, file);
    const counts = await loadIntoTable(conn, targets, file, route.table, spec);
    return { table: route.table, format: kind, rows_read: units.units, rows_loaded: counts.loaded, rows_rejected: counts.rejected + badUnits + empty, inferred, ...withRoute(state, file, route, counts) };
  } finally {
    await dropUnits(conn);
  }
}

async function loadFlatFile(state: ImportState, f: BundleFile, plainPath: string, innerPath: string, gz: boolean, m: ManifestFile | undefined): Promise<Loaded> {
  const fmt = await flatFormat(innerPath, plainPath, m?.format, f.bytes === 0 && plainPath === f.absPath);
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
    const source = await parquetSource(conn, plainPath, plainBytes);
    const inferred: string[] = [];
    const route = routeFile(state, innerPath, m, source.columns, inferred);
    const counts = await loadIntoTable(conn, targets, f.relPath, route.table, await applyRoute(conn, source, route, f.relPath));
    return { table: route.table, format: fmt + suffix, rows_read: counts.loaded + counts.rejected, rows_loaded: counts.loaded, rows_rejected: counts.rejected, inferred, ...withRoute(state, f.relPath, route, counts) };
  }
  const inferredTable: string[] = [];
  let route: Route | null = null;
  const plan = await csvPlan(
    conn,
    plainPath,
    fmt === 'tsv' ? '\t' : null,
    innerPath.toLowerCase().endsWith('.csv'),
    m?.header,
    (cols) => {
      route = routeFile(state, innerPath, m, cols, inferredTable, true);
      return route.table;
    },
    (table, col) => {
      const target = route?.plan?.bySource.get(col.toLowerCase())?.target ?? (route?.plan && route.plan.entries.some((e) => e.column === col.toLowerCase()) ? null : col);
      return target === null ? null : (targets.column(table, target)?.canonical?.type ?? null);
    },
  );
  const csvRoute = (route as Route | null) ?? { table: plan.table, plan: null, columns: [] };
  let counts;
  try {
    counts = await loadIntoTable(conn, targets, f.relPath, plan.table, await applyRoute(conn, plan.spec, csvRoute, f.relPath));
  } catch (e) {
    await drainCsvRejects(conn, f.relPath, plan).catch(() => 0);
    throw new FileProblem(`unreadable CSV: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
  const csvRejected = await drainCsvRejects(conn, f.relPath, plan);
  const rejected = counts.rejected + csvRejected;
  return {
    table: plan.table,
    format: fmt + suffix,
    rows_read: counts.loaded + rejected,
    rows_loaded: counts.loaded,
    rows_rejected: rejected,
    inferred: [...plan.inferred, ...inferredTable],
    ...withRoute(state, f.relPath, csvRoute, counts),
  };
}

/** A structured reader fills canonical columns by name: each column it produced is inferred "by the reader". */
function readerEntries(table: CanonicalTableName, keys: string[], format: string): MappingEntry[] {
  const have = new Set(keys.map((k) => k.toLowerCase()));
  const def = CANONICAL_TABLES.find((t) => t.name === table);
  return (def?.columns ?? []).map((c) =>
    have.has(c.name) ? { column: c.name, source: c.name, tag: 'inferred', note: `mapped by the ${format} reader` } : { column: c.name, source: null, tag: 'absent' },
  );
}

async function loadStructuredFile(state: ImportState, f: BundleFile, plainPath: string, gz: boolean, reader: (typeof STRUCTURED_READERS)[number]): Promise<Loaded> {
  const { conn, targets, job } = state;
  const stageDir = path.join(state.workDir, 'stage', String(++state.stageCount));
  try {
    const out = await runStructuredReader(conn, reader, f.relPath, plainPath, stageDir, job.signal);
    let loaded = 0;
    let rejected = out.rejected;
    const tables: string[] = [];
    /** What the load itself noted (non-finite values kept, lenient readings), per column. */
    const notes: string[] = [];
    for (const t of out.tables) {
      const table = isCanonicalName(t.table) ? t.table : extraTableName(t.table, state.reserved);
      tables.push(table);
      try {
        await stageJsonUnits(conn, f.relPath, t.stagePath, 'jsonl');
        const found = await jsonStructure(conn, targets, table);
        if (!found) continue;
        if (isCanonicalName(table)) state.mapped.push({ file: f.relPath, table, entries: readerEntries(table, Object.keys(found.structure), reader.format) });
        const counts = await loadIntoTable(conn, targets, f.relPath, table, jsonObjectsSource(targets, table, found.structure, LINE_KEY));
        loaded += counts.loaded;
        rejected += counts.rejected;
        notes.push(...leniencyNotes(counts));
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
      ...(out.leniency.size > 0 || notes.length > 0 ? { leniency: [...[...out.leniency].map(([note, n]) => `${n} value${n === 1 ? '' : 's'}: ${note}`), ...notes] } : {}),
    };
  } finally {
    await fs.rm(stageDir, { recursive: true, force: true });
  }
}

/**
 * Loads one file. Messages name the file as the bundle has it, never the engine's private copy it was read from
 * (a folder file's copy, a zip's extraction, an inflated .gz).
 */
async function loadOne(state: ImportState, f: BundleFile, m: ManifestFile | undefined): Promise<Loaded> {
  const r = await loadOneAs(state, f, m);
  if (!r.unreadable) return r;
  const inner = f.relPath.replace(/\.gz$/i, '');
  const privateDir = path.resolve(state.workDir);
  let msg = r.unreadable.replaceAll(f.absPath, f.relPath);
  // Any other path under the work folder (an inflated copy, a screened copy) is named by the file it came from.
  msg = msg.replace(new RegExp(`${privateDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^"'\\s]*`, 'g'), inner);
  return { ...r, unreadable: msg };
}

async function loadOneAs(state: ImportState, f: BundleFile, m: ManifestFile | undefined): Promise<Loaded> {
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
      const summary = declared === undefined ? exportSummaryKind(head) : null;
      if (summary) return { table: null, format: 'other', rows_read: 0, rows_loaded: 0, rows_rejected: 0, inferred: [`${summary}: hashed, not loaded`] };
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

/** What makes an open a failure in substance, one line each, in full: no row loaded, unreadable files. */
function openProblems(files: FileReport[]): string[] {
  const data = files.filter((f) => f.format !== 'manifest' && f.format !== 'other' && f.status !== 'missing');
  const out: string[] = [];
  const loaded = data.reduce((a, f) => a + f.rows_loaded, 0);
  if (loaded === 0) {
    out.push(
      data.length === 0
        ? 'No data row was loaded: the bundle holds no data file (Parquet, CSV, TSV, JSON Lines, JSON or a recognised export).'
        : `No data row was loaded from the ${data.length} data file${data.length === 1 ? '' : 's'} of this bundle.`,
    );
  }
  for (const f of files) {
    if (f.status === 'unreadable') {
      const why = (f.inferred ?? []).find((x) => x.startsWith('unreadable: '))?.slice('unreadable: '.length) ?? 'unreadable';
      out.push(`${f.path}: ${why}`);
    } else if (f.format !== 'manifest' && f.rows_read > 0 && f.rows_loaded === 0) {
      out.push(`${f.path}: none of its ${f.rows_read} rows could be loaded (${f.rows_rejected} rejected; see the rejects)`);
    }
    if (f.not_loaded_as) out.push(`${f.path}: not loaded into ${f.not_loaded_as.table} — ${f.not_loaded_as.reason}`);
  }
  return out;
}

function integrityOf(read: ManifestRead, files: FileReport[], allHashes: { path: string; sha256: string }[], anyUndeclaredHash: boolean): IntegrityReport {
  const root_hash = rootHash(allHashes);
  if (read.state === 'absent' || read.state === 'foreign') return { state: 'unverified', root_hash, problems: [] };
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

/** The files table through an appender (a statement per file cost ~5 ms each, 500 rows per statement ~200 ms on a 100 000-file bundle). */
async function writeFilesTable(conn: DuckDBConnection, files: FileReport[]): Promise<void> {
  const app = await conn.createAppender(META_TABLES.files);
  try {
    const text = (v: string | null): void => (v === null ? app.appendNull() : app.appendVarchar(v));
    const int = (v: number | null): void => (v === null ? app.appendNull() : app.appendBigInt(BigInt(v)));
    for (const f of files) {
      text(f.path);
      int(f.bytes);
      text(f.sha256);
      text(f.table);
      text(f.format);
      int(f.rows_read);
      int(f.rows_loaded);
      int(f.rows_rejected);
      text(f.status);
      text(f.manifest_sha256 ?? null);
      int(f.manifest_rows ?? null);
      text(JSON.stringify(f.inferred ?? []));
      app.endRow();
    }
    app.flushSync();
  } finally {
    app.closeSync();
  }
}

/** What a file report and the open problems say about a file that changed on disk during the import. */
function changedNote(why: string): string {
  return `changed on disk during the import (${why}): the rows loaded are from the copy that was read and hashed (SHA-256 above); open the bundle again to read the file as it is now`;
}

interface HashedFiles {
  /** The files as they are loaded: a folder bundle's are private copies made while hashing. */
  files: BundleFile[];
  hashes: Map<string, string>;
  /** Folder files: where each was read and what it looked like then (checked again at the end). */
  reads: Map<string, { src: string; read: Fingerprint }>;
  /** Files seen changing while they were copied, with why. */
  changes: Map<string, string>;
}

/**
 * Hashes every file. A folder bundle's files are copied into the private work folder as they are hashed and the
 * copies are loaded, so the bytes hashed are the bytes loaded (#14 item 2); a zip's are already private copies.
 */
async function hashBundleFiles(bundle: DiscoveredBundle, workDir: string, bytesTotal: number, job: Job): Promise<HashedFiles> {
  const out: HashedFiles = { files: [], hashes: new Map(), reads: new Map(), changes: new Map() };
  const copyDir = bundle.kind === 'folder' ? path.join(workDir, 'files') : null;
  if (copyDir) await fs.mkdir(copyDir, { recursive: true });
  let bytesBefore = 0;
  const hashOne = async (f: BundleFile, i: number, before: number): Promise<() => void> => {
    job.progress({ phase: 'hash', message: `Hashing ${f.relPath}`, file: f.relPath, bytesDone: before, bytesTotal, fraction: bytesTotal ? (0.2 * before) / bytesTotal : 0 });
    let nextReport = 64 * 1024 * 1024;
    const onBytes = (done: number): void => {
      if (done < nextReport) return;
      nextReport += 64 * 1024 * 1024;
      const at = before + done;
      job.progress({ phase: 'hash', message: `Hashing ${f.relPath}`, file: f.relPath, bytesDone: at, bytesTotal, fraction: bytesTotal ? (0.2 * at) / bytesTotal : 0 });
    };
    if (copyDir) {
      const dest = path.join(copyDir, `${i}${path.extname(f.relPath).slice(0, 16)}`);
      let snap: Awaited<ReturnType<typeof copyAndHash>>;
      try {
        snap = await copyAndHash(f.absPath, dest, f.bytes, onBytes, job.signal, f.listed);
      } catch (e) {
        cancelled(job);
        throw new ApiError('bad_bundle', `${f.relPath} could not be read: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`, { file: f.relPath });
      }
      return () => {
        out.files.push({ relPath: f.relPath, absPath: dest, bytes: snap.bytes });
        out.hashes.set(f.relPath, snap.sha256);
        out.reads.set(f.relPath, { src: f.absPath, read: snap.read });
        if (snap.changed) out.changes.set(f.relPath, snap.changed);
      };
    }
    const sha = await sha256File(f.absPath, onBytes, job.signal);
    return () => {
      out.files.push(f);
      out.hashes.set(f.relPath, sha);
    };
  };
  // Small files are read HASH_PARALLEL at a time (a bundle of 100 000 tiny files spends its time opening files);
  // results are recorded in bundle order.
  for (let at = 0; at < bundle.files.length; ) {
    cancelled(job);
    const window: number[] = [at];
    while (window.length < HASH_PARALLEL && at + window.length < bundle.files.length && (bundle.files[at + window.length] as BundleFile).bytes <= HASH_SMALL_BYTES && (bundle.files[at] as BundleFile).bytes <= HASH_SMALL_BYTES) {
      window.push(at + window.length);
    }
    let before = bytesBefore;
    const settled = await Promise.allSettled(
      window.map((i) => {
        const p = hashOne(bundle.files[i] as BundleFile, i, before);
        before += (bundle.files[i] as BundleFile).bytes;
        return p;
      }),
    );
    for (const r of settled) if (r.status === 'rejected') throw r.reason;
    for (const r of settled) if (r.status === 'fulfilled') r.value();
    for (const i of window) bytesBefore += (bundle.files[i] as BundleFile).bytes;
    at += window.length;
  }
  await noteSwappedDirs(bundle.dirs, out.files, out.changes);
  return out;
}

/**
 * A folder of the bundle replaced while the import ran (by a symbolic link to elsewhere, say): every file under it
 * may have been read from somewhere else, so each is reported as changed, naming the folder (#14).
 */
async function noteSwappedDirs(dirs: DiscoveredBundle['dirs'], files: BundleFile[], changes: Map<string, string>): Promise<void> {
  const swapped = await swappedDirs(dirs);
  if (swapped.length === 0) return;
  for (const f of files) {
    const d = swapped.find((x) => x.rel === '' || f.relPath.startsWith(`${x.rel}/`));
    if (d && !changes.get(f.relPath)?.includes('folder')) {
      const folder = d.rel === '' ? 'the bundle folder' : `the folder ${JSON.stringify(d.rel)}`;
      changes.set(f.relPath, `${folder} ${d.why} during the import${changes.has(f.relPath) ? `; ${changes.get(f.relPath)}` : ''}`);
    }
  }
}

/** Files up to this size are hashed HASH_PARALLEL at a time. */
const HASH_SMALL_BYTES = 1024 * 1024;
const HASH_PARALLEL = 16;

export interface ImportOptions {
  /** The auditor's column mapping and where it came from ("request", "workspace <path>"). */
  mapping?: AuditorMapping;
  mappingFrom?: string | null;
  /** Load every file by itself, never in a batch: the reference the batched load is tested against. */
  loadAlone?: boolean;
}

/**
 * Imports a bundle into a fresh in-memory DuckDB: discover (extract zips), hash, read manifest,
 * load every file, record roles, run checks, lock down. On failure or cancel everything is closed
 * and the caller deletes the work dir.
 */
export async function importBundle(config: EngineConfig, inputPath: string, bundleId: string, workDir: string, job: Job, opts: ImportOptions = {}): Promise<ImportedBundle> {
  const auditorMapping = normalizeMapping(opts.mapping);
  const started = Date.now();
  await fs.mkdir(path.join(workDir, 'spill'), { recursive: true });
  job.progress({ phase: 'open', message: `Opening ${inputPath}` });
  const bundle = await discoverBundle(inputPath, path.join(workDir, 'zip'), job.signal);
  cancelled(job);

  const bytesTotal = bundle.files.reduce((a, f) => a + f.bytes, 0);
  const { files, hashes, reads, changes } = await hashBundleFiles(bundle, workDir, bytesTotal, job);
  const manifestRead = await readManifest(files);
  const manifest = manifestRead.state === 'ok' ? manifestRead.manifest : null;
  const entries = manifestEntries(manifest);

  const { instance, conn } = await createBundleDb(config, path.join(workDir, 'spill'));
  job.onCancel(() => conn.interrupt());
  let spare: DuckDBConnection | undefined;
  try {
    cancelled(job);
    await createMetaTables(conn);
    const targets = new TargetTables(conn);
    await targets.createCanonical();
    const reserved = new Set((await queryRows<{ k: string }>(conn, `SELECT keyword_name AS k FROM duckdb_keywords() WHERE keyword_category = 'reserved'`)).map((r) => r.k));
    const jsonLineLimit = Math.floor(((await memoryLimitBytes(conn)) ?? 512 * 1024 * 1024) / 8);
    const state: ImportState = { conn, targets, reserved, workDir, job, stageCount: 0, jsonLineLimit, mapping: auditorMapping, mapped: [] };

    const reports: FileReport[] = [];
    // Small gzipped files join the batches through inflated copies (gzBatch.ts).
    const inflated = opts.loadAlone
      ? null
      : await InflatedFiles.create(
          files,
          path.join(workDir, 'gzb'),
          job.signal,
          (f) => gzBatchCap(f, entries.get(f.relPath)),
          (n) => job.progress({ phase: 'load', message: `Inflating ${n} small gzipped file${n === 1 ? '' : 's'} to load them together`, fraction: 0.2 }),
        );
    cancelled(job);
    const views = inflated?.viewsOf(files) ?? [];
    const batcher = opts.loadAlone ? null : await Batcher.create(state, views, entries);
    const csvBatcher = opts.loadAlone ? null : await CsvBatcher.create(state, instance, views, entries);
    const parquetBatcher = opts.loadAlone ? null : await ParquetBatcher.create(state, files, entries);
    let loadedBytes = 0;
    let rowsDone = 0;
    for (const f of files) {
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
        if (manifestRead.state === 'foreign') {
          reports.push({ ...base, table: null, format: 'other', rows_read: 0, rows_loaded: 0, rows_rejected: 0, status: 'ok', inferred: [`foreign manifest: ${manifestRead.detail}`] });
          continue;
        }
        reports.push({ ...base, table: null, format: 'manifest', rows_read: 0, rows_loaded: 0, rows_rejected: 0, status: manifestRead.state === 'invalid' ? 'unreadable' : 'ok' });
        continue;
      }
      job.progress({ phase: 'load', message: `Loading ${f.relPath}`, file: f.relPath, bytesDone: loadedBytes, bytesTotal, rowsDone, fraction: 0.2 + (bytesTotal ? (0.75 * loadedBytes) / bytesTotal : 0) });
      const r = (await batcher?.resultFor(f, m)) ?? (await csvBatcher?.resultFor(f, m)) ?? (await parquetBatcher?.resultFor(f, m)) ?? (await loadOne(state, f, m));
      await inflated?.release(f.relPath);
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
      reports.push({
        ...base,
        table: r.table,
        format: r.format,
        rows_read: r.rows_read,
        rows_loaded: r.rows_loaded,
        rows_rejected: r.rows_rejected,
        status,
        ...(inferred.length > 0 ? { inferred } : {}),
        ...(r.mapping ? { mapping: r.mapping } : {}),
        ...(r.notLoadedAs ? { not_loaded_as: r.notLoadedAs } : {}),
        ...(r.leniency && r.leniency.length > 0 ? { leniency: r.leniency } : {}),
        ...(r.sourceColumns ? { source_columns: r.sourceColumns } : {}),
      });
      job.progress({ phase: 'load', message: `Loaded ${f.relPath}: ${r.rows_loaded} rows, ${r.rows_rejected} rejected`, file: f.relPath, bytesDone: loadedBytes, bytesTotal, rowsDone });
    }
    await batcher?.close();
    csvBatcher?.close();
    await parquetBatcher?.close();
    await inflated?.dispose();
    // A folder file that changed on disk after it was read is reported (what loaded is the copy that was hashed).
    await noteSwappedDirs(bundle.dirs, files, changes);
    for (const [rel, r] of reads) {
      if (changes.has(rel)) continue;
      const why = await changedSince(r.src, r.read);
      if (why) changes.set(rel, why);
    }
    for (const rep of reports) {
      const why = changes.get(rep.path);
      if (why) rep.inferred = [...(rep.inferred ?? []), changedNote(why)];
    }
    const present = new Set(files.map((f) => f.relPath));
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
    await recordColumnMap(conn, state.mapped);
    const { findings: checks, outcomes: checkOutcomes } = await runChecks(conn);
    const tables = tableMappings(await tableSummaries(conn, tableNames), state.mapped);
    // Rows, not reject entries: a row with several unreadable values has one entry per value but is one rejected row
    // (the files' rows_rejected count it once; an entry without a line, a whole unreadable file, counts once).
    const rejectsTotal = Number(
      (await queryRows<{ n: number }>(conn, `SELECT (count(DISTINCT (file, line)) FILTER (WHERE line IS NOT NULL) + count(*) FILTER (WHERE line IS NULL))::BIGINT AS n FROM ${quoteIdent(META_TABLES.rejects)}`))[0]?.n ?? 0,
    );
    job.progress({ phase: 'check', message: 'Noting the text columns that hold no blank value', fraction: 0.98 });
    await recordBlankFreeColumns(conn);
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
      period: await period(conn, tableNames.filter((t) => !isCanonicalName(t))),
      tool_version: TOOL_VERSION,
      duckdb_version: await duckdbVersion(conn),
      import_ms: Date.now() - started,
      auditor_mapping: auditorMapping,
      auditor_mapping_from: Object.keys(auditorMapping).length > 0 ? (opts.mappingFrom ?? 'request') : null,
      open_problems: [...openProblems(reports), ...[...changes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([rel, why]) => `${rel}: ${changedNote(why)}`)],
      ...(manifestRead.state === 'foreign' ? { foreign_manifest: manifestRead.detail } : {}),
    };
    cancelled(job);
    spare = await analysisConnection(instance);
    await lockDown(conn, [spare]);
    await Promise.all(['zip', 'files', 'gz', 'gzb', 'stage', 'screen'].map((d) => fs.rm(path.join(workDir, d), { recursive: true, force: true })));
    job.progress({ phase: 'done', message: `Imported ${bundle.inputPath}`, fraction: 1 });
    return { instance, conn, spare, summary };
  } catch (e) {
    for (const c of [conn, spare]) {
      try {
        c?.disconnectSync();
      } catch {
        // already closed
      }
    }
    instance.closeSync();
    if (job.signal.aborted) throw new ApiError('cancelled', 'Cancelled.');
    throw e;
  }
}
