import fs from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/common';
import type { FileReport, ImportSummary, IntegrityReport } from '../../../shared/api/bundle';
import { CANONICAL_TABLES, COLUMN_ROLES, META_TABLES, type CanonicalTableName, type ColumnRole } from '../../../shared/canonical';
import type { ManifestFile } from '../../../shared/manifest';
import { normalizeMapping, type AuditorMapping, type MappingEntry } from '../../../shared/mapping';
import type { EngineConfig, Job } from '../context';
import { duckdbVersion, queryOne, queryRows, quoteIdent } from '../db';
import { TOOL_VERSION } from '../version';
import { runChecks } from './checks';
import { discoverBundle, type BundleFile, type DiscoveredBundle } from './discover';
import { InflatedFiles, type BatchView } from './gzBatch';
import { STRUCTURED_READERS } from './formats';
import { rootHash, sha256File } from './hash';
import { changedSince, copyAndHash, swappedDirs, type Fingerprint } from './snapshot';
import { loadIntoTable, mapSpec, targetParts, type LoadCounts, type SourceSpec } from './load';
import { BATCH_UNITS, batchStructures, batchUnitRejects, batchUnitCounts, batchWhere, dropBatch, loadBatchIntoTable, stageBatch, type BatchStructure, type FileCounts, type UnitCounts } from './loadBatch';
import { csvDialectOpts, CSV_BATCH_FILE_MAX_BYTES, CSV_BATCH_ROWS, csvNonFiniteByFile, drainCsvGroupRejects, dropCsvGroup, isPlainCsv, plainSniffs, sniffCsvFile, stageCsvGroup, type CsvGroupScan, type CsvSniff } from './loadBatchCsv';
import { dropParquetFiles, parquetGroupable, parquetGroupSource, parquetSignatures, stageParquetFiles } from './loadBatchParquet';
import { csvRowLines, type CsvDialect } from './csvLines';
import { csvPlan, drainCsvRejects, dropUnits, jsonKeyTypes, jsonNestedKeys, jsonObjectsSource, jsonStructure, leafType, markNonFiniteText, nonFiniteCandidates, nonFiniteReadNote, numbersAndText, parquetSource, rejectEmptyObjects, stageJsonUnits } from './loadFlat';
import { convert } from './convert';
import { COLUMN_ALIASES, dropInferred, missingRequiredText, planMapping, styleKey, type MappingPlan, type SourceColumn } from './mapping';
import { recordColumnMap, tableMappings } from './mappingStore';
import { LINE_KEY, runStructuredReader } from './loadStructured';
import { MANIFEST_NAME, manifestDuplicates, manifestEntries, readManifest, type ManifestRead } from './manifest';
import { addReject, createMetaTables } from './meta';
import { recordColumnRoles, type DeclaredRole } from './roles';
import { analysisConnection, createBundleDb, lockDown, memoryLimitBytes } from './session';
import { recordBlankFreeColumns } from './textFacts';
import { FileProblem, flatFormat, headText, nonUtf8Reason, plainFile, readHead, refuseNonUtf8Text, type FlatFormat } from './sniff';
import { LIMITS } from './limits';
import { period, tableSummaries } from './summary';
import { extraTableName, isCanonicalName, stemOf, tableFromColumns, tableFromFileName } from './tableRole';
import { TargetTables } from './target';

export interface ImportedBundle {
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  /** A second analysis connection to the same database (context.ts, BundleSession.spare). */
  spare: DuckDBConnection;
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
  mapping?: MappingEntry[];
  notLoadedAs?: { table: string; reason: string };
  leniency?: string[];
  sourceColumns?: string[];
}

/** Where a file's rows go and how its columns map (canonical tables only). */
interface Route {
  table: string;
  plan: MappingPlan | null;
  /** The file's columns (offered by the app's "Map columns" editor). */
  columns: string[];
  /** The plan of a file refused by its table (kept to look for nested sources). */
  refusedPlan?: MappingPlan;
  notLoadedAs?: { table: string; reason: string };
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
  /** The auditor's column mapping (table → canonical column → source column). */
  mapping: AuditorMapping;
  /** Mapping entries per file, recorded in _ad_column_map after the load. */
  mapped: { file: string; table: string; entries: MappingEntry[] }[];
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

/**
 * Chooses the table, then plans the column mapping for a canonical table. A file whose columns cannot fill the
 * table's required columns is not loaded as NULL rows: it goes to an extra table named after the file, with the
 * reason (what is missing, which columns could serve, how to map them).
 */
function routeFile(state: ImportState, innerPath: string, m: ManifestFile | undefined, columns: SourceColumn[], inferred: string[], typedTimesOnly = false): Route {
  const table = chooseTable(state, innerPath, m, columns.map((c) => c.name), inferred);
  const names = columns.map((c) => c.name);
  if (!isCanonicalName(table)) return { table, plan: null, columns: names };
  const plan = planMapping({ table, columns, declaredMap: m?.map, declaredRoles: m?.columns, auditor: state.mapping[table], typedTimesOnly });
  if (plan.missingRequired.length === 0) return { table, plan, columns: names };
  const extra = extraTableName(stemOf(innerPath), state.reserved);
  const reason = missingRequiredText(plan, columns.map((c) => c.name));
  inferred.push(`not loaded into ${table}: ${reason}`);
  return { table: extra, plan: null, notLoadedAs: { table, reason }, columns: names, refusedPlan: plan };
}

/** Style keys of the object columns a nested source could come from, for the canonical columns still unfilled. */
function nestedPrefixes(plan: MappingPlan, declared: Record<string, string> | undefined, auditor: Record<string, string> | undefined): Set<string> {
  const out = new Set<string>();
  const open = new Set(plan.entries.filter((e) => e.tag === 'absent' || e.tag === 'generated').map((e) => e.column));
  for (const [col, aliases] of Object.entries(COLUMN_ALIASES[plan.table])) {
    if (!open.has(col)) continue;
    for (const a of aliases) if (a.includes('.')) out.add(styleKey(a.split('.')[0] as string));
  }
  for (const src of [...Object.values(declared ?? {}), ...Object.values(auditor ?? {})]) if (src.includes('.')) out.add(styleKey(src.split('.')[0] as string));
  return out;
}

function lowerKeys(o: Record<string, unknown>): Record<string, true> {
  return Object.fromEntries(Object.keys(o).map((k) => [k.toLowerCase(), true]));
}

function withRoute(state: ImportState, file: string, route: Route, counts: LoadCounts | null): Pick<Loaded, 'mapping' | 'notLoadedAs' | 'leniency' | 'sourceColumns'> {
  const out: Pick<Loaded, 'mapping' | 'notLoadedAs' | 'leniency' | 'sourceColumns'> = {};
  if (route.plan || route.notLoadedAs) out.sourceColumns = route.columns;
  if (route.plan) {
    out.mapping = route.plan.entries;
    state.mapped.push({ file, table: route.table, entries: route.plan.entries });
  }
  if (route.notLoadedAs) out.notLoadedAs = route.notLoadedAs;
  if (counts && counts.lenient.length > 0) out.leniency = leniencyNotes(counts);
  return out;
}

/** A file's leniency lines from what its load counted ("value: 2 values non-finite …"). */
function leniencyNotes(counts: LoadCounts): string[] {
  return counts.lenient.map((l) => `${l.column}: ${l.count} value${l.count === 1 ? '' : 's'} ${l.plain ? l.note : `read leniently (${l.note})`}`);
}

/** Checks inferred time columns read from text or numbers, then renames the mapped source columns. */
async function applyRoute(conn: DuckDBConnection, spec: SourceSpec, route: Route, file: string): Promise<SourceSpec> {
  if (!route.plan) return spec;
  for (const column of [...route.plan.vet]) await vetTime(conn, spec, route.plan, column);
  return mapSpec(spec, route.plan, file);
}

/**
 * An inferred time column given as text or numbers is used only when every value reads as a time after 1990
 * (so "01010001", a month-day-hour-minute stamp, is not taken for epoch seconds in 1970).
 */
async function vetTime(conn: DuckDBConnection, spec: SourceSpec, plan: MappingPlan, column: string): Promise<void> {
  const source = plan.entries.find((e) => e.column === column)?.source;
  const src = source ? spec.columns.find((c) => c.name.toLowerCase() === source.toLowerCase()) : undefined;
  if (!source || !src) return;
  const { bad, present } = vetSql(src.type);
  const row = await queryOne<{ bad: number; n: number; example: string | null }>(
    conn,
    `SELECT count(*) FILTER (WHERE ${bad})::BIGINT AS bad, count(*) FILTER (WHERE ${present})::BIGINT AS n, CAST(first(v) FILTER (WHERE ${bad}) AS VARCHAR) AS example FROM (SELECT ${src.expr} AS v FROM ${spec.from})`,
  );
  const n = Number(row?.bad ?? 0);
  if (n === 0) return;
  dropInferred(
    plan,
    column,
    `"${source}" was not used for ${column}: ${n} of ${Number(row?.n ?? 0)} values do not read as times after 1990 (e.g. ${JSON.stringify(row?.example ?? '')}); map it explicitly (--map ${plan.table}.${column}=${source}) if they are`,
  );
}

/** SQL over a value v of an inferred time column: present, and present but not a time after 1990. */
function vetSql(srcType: string): { bad: string; present: string } {
  const text = srcType.toUpperCase() === 'VARCHAR';
  const conv = convert('v', srcType, 'TIMESTAMP').expr;
  const present = text ? `nullif(trim(v), '') IS NOT NULL` : 'v IS NOT NULL';
  const numeric = text ? `regexp_full_match(trim(v), '[+-]?[0-9.]+([eE][+-]?[0-9]+)?')` : 'true';
  return { present, bad: `${present} AND ((${conv}) IS NULL OR (${numeric} AND (${conv}) < TIMESTAMP '1990-01-01'))` };
}

/** Batch files (of one source over a batch) in which an inferred time column would be dropped by vetTime. */
async function vetFailures(conn: DuckDBConnection, spec: SourceSpec, plan: MappingPlan): Promise<Set<number>> {
  const out = new Set<number>();
  for (const column of plan.vet) {
    const source = plan.entries.find((e) => e.column === column)?.source;
    const src = source ? spec.columns.find((c) => c.name.toLowerCase() === source.toLowerCase()) : undefined;
    if (!src) continue;
    const rows = await queryRows<{ f: number }>(conn, `SELECT DISTINCT _f AS f FROM (SELECT _f, ${src.expr} AS v FROM ${spec.from}) WHERE ${vetSql(src.type).bad}`);
    for (const r of rows) out.add(Number(r.f));
  }
  return out;
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

/** Small JSON Lines files are loaded in batches (#14 item 14): files up to this size, batches up to these sizes. */
const BATCH_FILE_MAX_BYTES = 1024 * 1024;
const BATCH_MAX_FILES = 5000;
const BATCH_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Whether a file can join a batch: a non-empty, small JSON Lines or JSON file (a JSON array, checked when staged;
 * plain, or a small .gz through its inflated copy: gzBatch.ts) that no structured reader claims, UTF-8 by its first
 * bytes, with nothing declared for it beyond its hash, row count and format. Anything else takes the per-file path.
 */
async function batchable(f: BatchView, m: ManifestFile | undefined): Promise<boolean> {
  if (f.relPath === MANIFEST_NAME || f.bytes === 0 || f.bytes > BATCH_FILE_MAX_BYTES) return false;
  if (m && (m.table !== undefined || m.map !== undefined || m.columns !== undefined || m.header !== undefined)) return false;
  const declared = declaredFormat(m);
  if (declared !== undefined ? declared !== 'jsonl' && declared !== 'ndjson' && declared !== 'json' : !/\.(jsonl|ndjson|json)$/i.test(f.innerPath)) return false;
  // read_text expands glob characters; such a path is read alone.
  if (/[*?[\]{}\\]/.test(f.absPath)) return false;
  const head = await readHead(f.absPath, Math.min(LIMITS.sniffBytes, f.bytes + 1));
  if (head[0] === 0x1f && head[1] === 0x8b) return false;
  if (nonUtf8Reason(head) !== null) return false;
  const text = head.toString('utf8');
  if (STRUCTURED_READERS.some((r) => r.sniff({ relPath: f.innerPath, head: text }))) return false;
  return declared !== undefined || exportSummaryKind(text) === null;
}

/** A batchable file the per-file path reads as JSON (an array, or else as it finds it): declared so, or named .json. */
function jsonArrayFile(f: BatchView, m: ManifestFile | undefined): boolean {
  const declared = declaredFormat(m);
  return declared !== undefined ? declared === 'json' : /\.json$/i.test(f.innerPath);
}

/** The format the manifest declares, as the per-file path reads it (a ".gz" suffix says nothing more). */
function declaredFormat(m: ManifestFile | undefined): string | undefined {
  return m?.format?.toLowerCase().replace(/\.gz$/, '');
}

/**
 * The largest inflated size at which a gzipped file can still join a batch (InflatedFiles), by what the batchers take
 * (batchable, csvBatchable); null: it would not be batched, so it is not inflated ahead.
 */
function gzBatchCap(f: BundleFile, m: ManifestFile | undefined): number | null {
  if (m && (m.table !== undefined || m.map !== undefined || m.columns !== undefined || m.header !== undefined)) return null;
  const declared = declaredFormat(m);
  if (declared !== undefined) return declared === 'jsonl' || declared === 'ndjson' || declared === 'json' ? BATCH_FILE_MAX_BYTES : null;
  const inner = f.relPath.slice(0, -3);
  return /\.(jsonl|ndjson|json)$/i.test(inner) ? BATCH_FILE_MAX_BYTES : /\.(csv|tsv|tab)$/i.test(inner) ? CSV_BATCH_FILE_MAX_BYTES : null;
}

/**
 * What the two batchers (JSON Lines, CSV / TSV) share: batchable files taken in bundle order into batches of up to
 * BATCH_MAX_FILES (a last batch of one file is not a batch); a batch staged when its first file is reached; a file's
 * group loaded when its first file is reached; results handed out as each file is reached, so the column map lists
 * files in bundle order, as the per-file path does. A file with no result is loaded alone by the per-file path.
 */
abstract class FileBatcher<T> {
  private readonly batchOf = new Map<string, number>();
  /** Each batched file's place in its batch. */
  private readonly indexOf = new Map<string, number>();
  protected readonly batches: T[][] = [];
  private staged = -1;
  /** Per staged batch: the group of each file number not loaded yet. */
  protected groupOf = new Map<number, number[]>();
  private readonly results = new Map<string, Loaded>();

  protected constructor(
    protected readonly state: ImportState,
    private readonly fileOf: (x: T) => BundleFile,
  ) {}

  /** The batchable files among `files` (memberOf reads a file's head: 64 files looked at a time); null: not batchable. */
  protected static async members<V, M>(job: Job, files: V[], memberOf: (f: V) => Promise<M | null>): Promise<M[]> {
    const out: M[] = [];
    for (let at = 0; at < files.length; at += 64) {
      cancelled(job);
      const part = files.slice(at, at + 64);
      for (const x of await Promise.all(part.map((f) => memberOf(f).catch(() => null)))) if (x !== null) out.push(x);
    }
    return out;
  }

  /** fill() with batches of up to BATCH_MAX_FILES files and BATCH_MAX_BYTES bytes. */
  protected fillBySize(members: T[]): void {
    let bytes = 0;
    this.fill(members, (current, x) => {
      const size = this.fileOf(x).bytes;
      const full = current.length >= BATCH_MAX_FILES || bytes + size > BATCH_MAX_BYTES;
      bytes = (full ? 0 : bytes) + size;
      return full;
    });
  }

  /**
   * Loads the files of a group whose inferred time column passes the vet (the others are loaded alone), by one
   * statement in one transaction; `also` runs inside it too and gives each file's extra rejected rows. Null: the
   * load failed, and the whole group is loaded alone.
   */
  protected async loadMembers(
    group: number[],
    route: Route,
    sourceOf: (members: number[]) => SourceSpec,
    also?: (members: number[]) => Promise<Map<number, number>>,
  ): Promise<{ members: number[]; counts: Map<number, FileCounts>; extra: Map<number, number> } | null> {
    const { conn, targets } = this.state;
    const plan = route.plan as MappingPlan;
    const failing = await vetFailures(conn, sourceOf(group), plan);
    const members = group.filter((i) => !failing.has(i));
    if (members.length === 0) return null;
    const spec = mapSpec(sourceOf(members), plan, '');
    const { parts } = await targetParts(targets, route.table, spec);
    await conn.run('BEGIN TRANSACTION');
    try {
      const counts = await loadBatchIntoTable(conn, parts, route.table, spec);
      const extra = also ? await also(members) : new Map<number, number>();
      await conn.run('COMMIT');
      return { members, counts, extra };
    } catch {
      await conn.run('ROLLBACK');
      cancelled(this.state.job);
      return null;
    }
  }

  /** A file's result from its group's load: its counts, with `read` rows read and `rejectedElsewhere` rejected before the load. */
  protected loadedFile(file: string, route: Route, format: string, notes: string[], c: FileCounts | undefined, read: number | null, rejectedElsewhere: number): Loaded {
    const counts = c ?? { loaded: 0, rejected: 0, lenient: [] };
    const loadCounts: LoadCounts = { loaded: counts.loaded, rejected: counts.rejected, addedColumns: [], lenient: counts.lenient };
    const rejected = counts.rejected + rejectedElsewhere;
    return {
      table: route.table,
      format,
      rows_read: read ?? counts.loaded + rejected,
      rows_loaded: counts.loaded,
      rows_rejected: rejected,
      inferred: [...notes],
      ...withRoute({ ...this.state, mapped: [] }, file, route, loadCounts),
    };
  }

  /** Puts the batchable files into batches, in order; `full` says when a batch takes no more. */
  protected fill(members: T[], full: (batch: T[], next: T) => boolean): void {
    let current: T[] = [];
    for (const x of members) {
      if (full(current, x)) {
        this.batches.push(current);
        current = [];
      }
      this.batchOf.set(this.fileOf(x).relPath, this.batches.length);
      this.indexOf.set(this.fileOf(x).relPath, current.length);
      current.push(x);
    }
    if (current.length > 1) this.batches.push(current);
    else for (const x of current) this.batchOf.delete(this.fileOf(x).relPath);
  }

  /** The file's result when it was (or now is) loaded with others; null: load it alone. */
  async resultFor(f: BundleFile, m: ManifestFile | undefined): Promise<Loaded | null> {
    const batch = this.batchOf.get(f.relPath);
    if (batch === undefined) return null;
    const done = this.results.get(f.relPath);
    if (done) {
      this.results.delete(f.relPath);
      // Recorded as the file is reached, so the column map lists files in bundle order, as the per-file path does.
      if (done.mapping && done.table) this.state.mapped.push({ file: f.relPath, table: done.table, entries: done.mapping });
      return done;
    }
    const files = this.batches[batch] as T[];
    if (batch !== this.staged) {
      this.staged = batch;
      this.groupOf = new Map();
      if (!(await this.stage(files))) {
        for (const x of files) this.batchOf.delete(this.fileOf(x).relPath);
        return null;
      }
    }
    const group = this.groupOf.get(this.indexOf.get(f.relPath) as number);
    if (!group) return null;
    for (const i of group) this.groupOf.delete(i);
    const loaded = await this.loadGroup(files, group, m);
    for (const [i, r] of loaded) this.results.set(this.fileOf(files[i] as T).relPath, r);
    return this.results.has(f.relPath) ? this.resultFor(f, m) : null;
  }

  /** Reads a batch and sets groupOf; false: every file of the batch is loaded alone. */
  protected abstract stage(files: T[]): Promise<boolean>;

  /** Loads one group (file numbers in the batch); the files it could not load are missing from the map. */
  protected abstract loadGroup(files: T[], group: number[], m: ManifestFile | undefined): Promise<Map<number, Loaded>>;
}

/**
 * Loads batchable files together. Files are taken in bundle order, a batch of up to BATCH_MAX_FILES at a time; the
 * files of one structure (and one table-by-name) are loaded together when the first of them is reached, so the tables
 * and columns they create are the ones the per-file path would create (only the order of rows differs). A file whose
 * structure no other file of its batch shares, whose inferred time column would be dropped, or whose group fails to
 * load, is loaded alone by the per-file path.
 */
class Batcher extends FileBatcher<BatchView> {
  /** Per staged batch: each file's unit counts, and the structure of each group. */
  private counts = new Map<number, UnitCounts>();
  private readonly structures = new Map<number[], BatchStructure['keys']>();
  /** The batched JSON array files (.json), by bundle path: their units are array elements, their format "json". */
  private readonly arrays = new Set<string>();

  private constructor(state: ImportState) {
    super(state, (f) => f);
  }

  static async create(state: ImportState, files: BatchView[], entries: Map<string, ManifestFile>): Promise<Batcher> {
    const b = new Batcher(state);
    if (files.length > 64) state.job.progress({ phase: 'load', message: `Looking for small files to load together among ${files.length} files`, fraction: 0.2 });
    const ok = await FileBatcher.members(state.job, files, async (f) => ((await batchable(f, entries.get(f.relPath))) ? f : null));
    for (const f of ok) if (jsonArrayFile(f, entries.get(f.relPath))) b.arrays.add(f.relPath);
    b.fillBySize(ok);
    return b;
  }

  async close(): Promise<void> {
    await dropBatch(this.state.conn);
  }

  protected async stage(files: BatchView[]): Promise<boolean> {
    const { conn } = this.state;
    try {
      await stageBatch(conn, files.map((f) => ({ ...f, array: this.arrays.has(f.relPath) })));
    } catch {
      // A file that cannot be read as text (not UTF-8 past its head, too long a line): every file of the batch alone.
      cancelled(this.state.job);
      await dropBatch(conn).catch(() => undefined);
      return false;
    }
    this.counts = await batchUnitCounts(conn);
    for (const s of await batchStructures(conn)) {
      const byName = new Map<string, number[]>();
      for (const i of s.files) {
        const key = tableFromFileName((files[i] as BatchView).innerPath) ?? '';
        byName.set(key, [...(byName.get(key) ?? []), i]);
      }
      for (const group of byName.values()) {
        if (group.length < 2) continue;
        this.structures.set(group, s.keys);
        for (const i of group) this.groupOf.set(i, group);
      }
    }
    return true;
  }

  /** Loads one group of same-structure files; an empty map when the group has to be loaded file by file. */
  protected async loadGroup(files: BatchView[], group: number[], m: ManifestFile | undefined): Promise<Map<number, Loaded>> {
    const { conn, targets } = this.state;
    const out = new Map<number, Loaded>();
    const keys = this.structures.get(group) ?? [];
    this.structures.delete(group);
    const first = files[group[0] as number] as BatchView;
    const names = keys.map((k) => k.k);
    if (names.some((n) => n.includes('\u0000'))) return out;
    const table = chooseTable(this.state, first.innerPath, m, names, []);
    const typeOf = new Map(
      keys.map((k) => {
        const seen = new Set(k.t);
        if (k.nf === true && numbersAndText(seen)) markNonFiniteText(seen);
        return [k.k, leafType(seen)];
      }),
    );
    const structure = Object.create(null) as Record<string, string>;
    for (const k of names) structure[k] = targets.column(table, k) ? 'VARCHAR' : (typeOf.get(k) as string);
    const notes: string[] = [];
    const route = routeFile(this.state, first.innerPath, m, Object.entries(structure).map(([name, type]) => ({ name, type })), notes);
    const plan = route.plan;
    if (!plan) return out;
    const wanted = nestedPrefixes(plan, m?.map, this.state.mapping[plan.table]);
    if (Object.entries(structure).some(([k, t]) => t === 'JSON' && wanted.has(styleKey(k)))) return out;
    for (const k of names) if (!plan.bySource.has(k.toLowerCase()) && targets.column(route.table, k)?.canonical) structure[k] = typeOf.get(k) as string;
    const sourceOf = (members: number[]): SourceSpec => jsonObjectsSource(targets, route.table, structure, null, plan, [], { units: BATCH_UNITS, where: batchWhere(members) });
    // The units that are not objects, or empty ones, are rejected inside the load's transaction.
    const done = await this.loadMembers(group, route, sourceOf, async (members) => {
      await batchUnitRejects(conn, members);
      return new Map();
    });
    for (const i of done?.members ?? []) {
      const f = files[i] as BatchView;
      const u = this.counts.get(i) as UnitCounts;
      const format = (this.arrays.has(f.relPath) ? 'json' : 'jsonl') + (f.gz ? '.gz' : '');
      out.set(i, this.loadedFile(f.relPath, route, format, notes, done?.counts.get(i), u.units, u.invalid + u.notObject + u.empty));
    }
    return out;
  }
}

/** Whether a CSV / TSV file can join a group: as batchable() for JSON Lines, by its extension, nothing declared. */
async function csvBatchable(f: BatchView, m: ManifestFile | undefined): Promise<CsvMember | null> {
  if (f.relPath === MANIFEST_NAME || f.bytes === 0 || f.bytes > CSV_BATCH_FILE_MAX_BYTES) return null;
  if (m && (m.table !== undefined || m.map !== undefined || m.columns !== undefined || m.header !== undefined || m.format !== undefined)) return null;
  const fmt = /\.csv$/i.test(f.innerPath) ? 'csv' : /\.(tsv|tab)$/i.test(f.innerPath) ? 'tsv' : null;
  if (!fmt || /[*?[\]{}\\]/.test(f.absPath)) return null;
  // The whole file (it is smaller than LIMITS.sniffBytes), and one byte more should it have grown.
  const head = await readHead(f.absPath, Math.min(LIMITS.sniffBytes, f.bytes + 1));
  if (head[0] === 0x1f && head[1] === 0x8b) return null;
  if (nonUtf8Reason(head) !== null) return null;
  const text = head.toString('utf8');
  if (STRUCTURED_READERS.some((r) => r.sniff({ relPath: f.innerPath, head: text })) || exportSummaryKind(text) !== null) return null;
  return { f, fmt, plain: head.length === f.bytes && isPlainCsv(head, fmt === 'tsv' ? '\t' : ',') };
}

/** A file of a CSV batch: its format, and whether its dialect is plain (isPlainCsv; then it is sniffed with it given). */
interface CsvMember {
  f: BatchView;
  fmt: 'csv' | 'tsv';
  plain: boolean;
}

/** Plain files sniffed in one statement. */
const PLAIN_SNIFFS_PER_STATEMENT = 25;

/** How the per-file path would read one small CSV / TSV file (CsvBatcher.planFile). */
interface CsvFilePlan {
  sniff: CsvSniff;
  route: Route;
  /** Notes of the route (table chosen, mapping). */
  notes: string[];
  /** Each column with the type it is read as. */
  read: { name: string; type: string }[];
  /** Columns that may be numbers with inf / nan cells (sniffed as text, dates or times: nonFiniteCandidates). */
  textCols: string[];
  /** The reader's notes (delimiter, header). */
  inferred: string[];
}

/**
 * Loads small CSV / TSV files in groups. Each file of a batch is sniffed as the per-file path sniffs it; files the
 * per-file path would read alike (format, dialect, header, the type each column is read as, the table and column
 * mapping) form a group, split further by the text columns that hold inf / nan cells, and each part is read by one read_csv and loaded by one statement. A file the
 * sniff cannot vouch for, whose inferred time column would be dropped, or whose group fails, is loaded alone.
 */
class CsvBatcher extends FileBatcher<CsvMember> {
  private plans = new Map<number, CsvFilePlan>();

  /** Connections that sniff beside the import's own (a tiny file's sniff is a few ms of mostly one-thread work). */
  private sniffers: DuckDBConnection[] = [];

  private constructor(
    state: ImportState,
    private readonly instance: DuckDBInstance,
  ) {
    super(state, (x) => x.f);
  }

  static async create(state: ImportState, instance: DuckDBInstance, files: BatchView[], entries: Map<string, ManifestFile>): Promise<CsvBatcher> {
    const b = new CsvBatcher(state, instance);
    const ok = await FileBatcher.members(state.job, files, (f) => csvBatchable(f, entries.get(f.relPath)));
    b.fill(ok, (current) => current.length >= BATCH_MAX_FILES);
    return b;
  }

  protected async stage(files: CsvMember[]): Promise<boolean> {
    this.plans = new Map();
    const sniffs = await this.sniffAll(files);
    const byKey = new Map<string, number[]>();
    for (let i = 0; i < files.length; i++) {
      const { f, fmt } = files[i] as CsvMember;
      const s = sniffs[i];
      const p = s ? this.planFile(f, fmt, s) : null;
      if (!p) continue;
      this.plans.set(i, p);
      const plan = p.route.plan as MappingPlan;
      // Files are read alike when the per-file path would read them alike: same dialect, header, read types, route.
      const key = JSON.stringify([fmt, s?.dialect, p.read, p.route.table, plan.entries, [...plan.bySource], plan.generated, plan.vet, plan.derived, p.notes]);
      const group = byKey.get(key);
      if (group) group.push(i);
      else byKey.set(key, [i]);
    }
    for (const group of byKey.values()) for (const i of group) this.groupOf.set(i, group);
    return true;
  }

  /**
   * Each file's sniff, as sniffCsvFile gives it, on the import's connection and three more. A plain file (isPlainCsv)
   * is sniffed with its dialect given, many in one statement; the batch's first plain file is also sniffed in full,
   * and if the two differ no file of the batch is taken as plain. Null: the sniff failed or cannot vouch for the file.
   */
  private async sniffAll(files: CsvMember[]): Promise<(CsvSniff | null)[]> {
    const { conn } = this.state;
    if (this.sniffers.length === 0) this.sniffers = [conn, ...(await Promise.all([1, 2, 3].map(() => this.instance.connect())))];
    const sniffs: (CsvSniff | null)[] = new Array<CsvSniff | null>(files.length).fill(null);
    const full = async (c: DuckDBConnection, i: number): Promise<CsvSniff | null> => {
      const { f, fmt } = files[i] as CsvMember;
      return sniffCsvFile(c, f.absPath, fmt === 'tsv' ? '\t' : null).catch(() => null);
    };
    const plain = (fmt: 'csv' | 'tsv'): number[] => files.flatMap((x, i) => (x.plain && x.fmt === fmt ? [i] : []));
    // Chunks of plain files sniffed with the dialect given; every other file alone, in full.
    const work: { files: number[]; given: boolean }[] = [];
    const single = new Set(files.keys());
    for (const fmt of ['csv', 'tsv'] as const) {
      const members = plain(fmt);
      const first = members[0];
      if (first === undefined) continue;
      const path0 = (files[first] as CsvMember).f.absPath;
      const [given] = await plainSniffs(conn, [path0], fmt === 'tsv' ? '\t' : ',');
      const own = await full(conn, first);
      sniffs[first] = own;
      single.delete(first);
      if (JSON.stringify(given ?? null) !== JSON.stringify(own)) continue;
      for (let at = 1; at < members.length; at += PLAIN_SNIFFS_PER_STATEMENT) {
        const chunk = members.slice(at, at + PLAIN_SNIFFS_PER_STATEMENT);
        for (const i of chunk) single.delete(i);
        work.push({ files: chunk, given: true });
      }
    }
    for (const i of single) work.push({ files: [i], given: false });
    let next = 0;
    await Promise.all(
      this.sniffers.map(async (c) => {
        while (next < work.length) {
          const { files: chunk, given } = work[next++] as { files: number[]; given: boolean };
          cancelled(this.state.job);
          if (!given) {
            sniffs[chunk[0] as number] = await full(c, chunk[0] as number);
            continue;
          }
          const fmt = (files[chunk[0] as number] as CsvMember).fmt;
          const got = await plainSniffs(
            c,
            chunk.map((i) => (files[i] as CsvMember).f.absPath),
            fmt === 'tsv' ? '\t' : ',',
          );
          chunk.forEach((i, k) => (sniffs[i] = got[k] ?? null));
        }
      }),
    );
    return sniffs;
  }

  close(): void {
    for (const c of this.sniffers.slice(1)) c.disconnectSync();
    this.sniffers = [];
  }

  /**
   * How the per-file path (csvPlan) would read the file: its route, and each column's read type (a canonical column
   * by its canonical type, the rest as sniffed); null when it would not go to a canonical table.
   */
  private planFile(f: BatchView, fmt: 'csv' | 'tsv', sniff: CsvSniff): CsvFilePlan | null {
    const { targets } = this.state;
    const notes: string[] = [];
    const route = routeFile(this.state, f.innerPath, undefined, sniff.columns, notes, true);
    const plan = route.plan;
    if (!plan) return null;
    const typed = new Set<string>();
    const read = sniff.columns.map((c) => {
      const target = plan.bySource.get(c.name.toLowerCase())?.target ?? (plan.entries.some((e) => e.column === c.name.toLowerCase()) ? null : c.name);
      const canonical = target === null ? null : (targets.column(route.table, target)?.canonical?.type ?? null);
      if (canonical) typed.add(c.name);
      const t = canonical ? (canonical === 'TIMESTAMP' ? 'TIMESTAMPTZ' : canonical === 'JSON' ? 'VARCHAR' : canonical) : c.type;
      return { name: c.name, type: t === 'TIMESTAMP WITH TIME ZONE' ? 'TIMESTAMPTZ' : t };
    });
    const textCols = nonFiniteCandidates(sniff.columns.filter((c) => !typed.has(c.name)));
    const inferred = [
      ...(fmt === 'tsv' ? [] : [`delimiter ${JSON.stringify(sniff.delimiter)} (sniffed)`]),
      sniff.hasHeader ? 'header row (sniffed)' : 'no header row (sniffed): columns named column0..N; declare "header" in the manifest to name them',
    ];
    return { sniff, route, notes, read, textCols, inferred };
  }

  /** Loads one group of files read alike; the files it could not load are missing from the map (loaded alone). */
  protected async loadGroup(files: CsvMember[], group: number[]): Promise<Map<number, Loaded>> {
    try {
      return await this.loadGroupParts(files, group);
    } catch {
      cancelled(this.state.job);
      return new Map();
    }
  }

  private async loadGroupParts(files: CsvMember[], group: number[]): Promise<Map<number, Loaded>> {
    const { conn } = this.state;
    const out = new Map<number, Loaded>();
    const { fmt } = files[group[0] as number] as { f: BundleFile; fmt: 'csv' | 'tsv' };
    const p = this.plans.get(group[0] as number) as CsvFilePlan;
    const dialect = csvDialectOpts(p.sniff.delimiter, p.sniff.hasHeader);
    // Text columns that are numbers with inf / nan cells are read as DOUBLE, per file (as nonFiniteNumericColumns does).
    const nonFinite = await csvNonFiniteByFile(conn, group.map((i) => (files[i] as { f: BundleFile }).f.absPath), dialect, p.textCols);
    const parts = new Map<string, number[]>();
    for (const i of group) {
      const key = JSON.stringify(nonFinite.get((files[i] as { f: BundleFile }).f.absPath) ?? []);
      parts.set(key, [...(parts.get(key) ?? []), i]);
    }
    for (const [key, members] of parts) {
      const nf = JSON.parse(key) as string[];
      const inferred = [...p.inferred, ...nf.map((name) => nonFiniteReadNote(name, p.sniff.columns.find((c) => c.name === name)?.type ?? 'VARCHAR')), ...p.notes];
      const columns = p.read.map((c) => (nf.includes(c.name) ? { name: c.name, type: 'DOUBLE' } : c));
      for (const [i, r] of await this.loadPart(files, members, { opts: dialect, sniffed: p.sniff.sniffed }, columns, p.route, inferred, fmt)) out.set(i, r);
    }
    return out;
  }

  private async loadPart(
    files: { f: BatchView }[],
    members: number[],
    { opts: dialect, sniffed }: { opts: string[]; sniffed: CsvDialect },
    columns: { name: string; type: string }[],
    route: Route,
    inferred: string[],
    fmt: 'csv' | 'tsv',
  ): Promise<Map<number, Loaded>> {
    const { conn } = this.state;
    const out = new Map<number, Loaded>();
    let scan: CsvGroupScan | null = null;
    try {
      try {
        scan = await stageCsvGroup(conn, members.map((i) => ({ f: i, relPath: (files[i] as { f: BundleFile }).f.relPath, absPath: (files[i] as { f: BundleFile }).f.absPath })), dialect, columns);
      } catch {
        return out;
      }
      const sourceOf = (ms: number[]): SourceSpec => ({
        from: `(SELECT _f, _p, _row, ${columns.map((c) => quoteIdent(c.name)).join(', ')} FROM ${CSV_BATCH_ROWS} WHERE ${batchWhere(ms)})`,
        lineExpr: null,
        rawExpr: null,
        columns: columns.map((c) => ({ name: c.name, type: c.type, expr: quoteIdent(c.name) })),
        fileExpr: '_p',
        rowExpr: '_row',
        rowLines: (c, emitted) => {
          const lineFiles = ms.map((i) => ({ f: i, path: (files[i] as { f: BundleFile }).f.absPath }));
          return scan ? csvRowLines(c, { files: lineFiles, read: { dialect: sniffed }, rejectsTable: scan.rejectsTable, rejectsScan: scan.rejectsScan, columns: columns.length }, emitted) : Promise.resolve(false);
        },
      });
      // DuckDB's own rejects of the read are drained inside the load's transaction.
      const done = await this.loadMembers(members, route, sourceOf, (loadable) => drainCsvGroupRejects(conn, scan as CsvGroupScan, loadable));
      for (const i of done?.members ?? []) {
        const f = (files[i] as { f: BatchView }).f;
        out.set(i, this.loadedFile(f.relPath, route, f.gz ? `${fmt}.gz` : fmt, inferred, done?.counts.get(i), null, done?.extra.get(i) ?? 0));
      }
      return out;
    } finally {
      await dropCsvGroup(conn, scan);
    }
  }
}

/** Largest Parquet file grouped (bigger files gain little from sharing a statement). */
const PARQUET_BATCH_FILE_MAX_BYTES = 1024 * 1024;

/**
 * Whether a Parquet file can join a group: a small `.parquet` file with nothing declared for it beyond its hash and
 * row count, its magic bytes at both ends (else the per-file path names what is wrong), its path free of glob characters.
 */
async function parquetBatchable(f: BundleFile, m: ManifestFile | undefined): Promise<boolean> {
  if (f.relPath === MANIFEST_NAME || f.bytes < 12 || f.bytes > PARQUET_BATCH_FILE_MAX_BYTES) return false;
  if (m && (m.table !== undefined || m.map !== undefined || m.columns !== undefined || m.header !== undefined || m.format !== undefined)) return false;
  if (!/\.parquet$/i.test(f.relPath) || /[*?[\]{}\\]/.test(f.absPath)) return false;
  const fh = await fs.open(f.absPath, 'r');
  try {
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    await fh.read(tail, 0, 4, f.bytes - 4);
    return head.toString('latin1') === 'PAR1' && tail.toString('latin1') === 'PAR1';
  } finally {
    await fh.close();
  }
}

/**
 * Loads small Parquet files in groups: files of one schema (parquetSignatures) and one table-by-name are read by one
 * read_parquet and loaded by one statement. A file whose metadata cannot be read, whose schema no other file of its
 * batch shares, whose inferred time column would be dropped, or whose group fails, is loaded alone.
 */
class ParquetBatcher extends FileBatcher<BundleFile> {
  private constructor(state: ImportState) {
    super(state, (f) => f);
  }

  static async create(state: ImportState, files: BundleFile[], entries: Map<string, ManifestFile>): Promise<ParquetBatcher> {
    const b = new ParquetBatcher(state);
    b.fillBySize(await FileBatcher.members(state.job, files, async (f) => ((await parquetBatchable(f, entries.get(f.relPath))) ? f : null)));
    return b;
  }

  async close(): Promise<void> {
    await dropParquetFiles(this.state.conn);
  }

  protected async stage(files: BundleFile[]): Promise<boolean> {
    const { conn } = this.state;
    const sigs = await parquetSignatures(
      conn,
      files.map((f) => f.absPath),
    );
    cancelled(this.state.job);
    await stageParquetFiles(conn, files);
    const byKey = new Map<string, number[]>();
    sigs.forEach((sig, i) => {
      if (sig === null) return;
      const key = JSON.stringify([sig, tableFromFileName((files[i] as BundleFile).relPath)]);
      byKey.set(key, [...(byKey.get(key) ?? []), i]);
    });
    for (const group of byKey.values()) if (group.length > 1) for (const i of group) this.groupOf.set(i, group);
    return true;
  }

  protected async loadGroup(files: BundleFile[], group: number[], m: ManifestFile | undefined): Promise<Map<number, Loaded>> {
    try {
      return await this.loadGroupOnce(files, group, m);
    } catch {
      cancelled(this.state.job);
      return new Map();
    }
  }

  private async loadGroupOnce(files: BundleFile[], group: number[], m: ManifestFile | undefined): Promise<Map<number, Loaded>> {
    const { conn } = this.state;
    const out = new Map<number, Loaded>();
    const first = files[group[0] as number] as BundleFile;
    const own = await parquetSource(conn, first.absPath, first.bytes);
    if (own.lineExpr === null || !parquetGroupable(own.columns)) return out;
    const notes: string[] = [];
    const route = routeFile(this.state, first.relPath, m, own.columns, notes);
    const plan = route.plan;
    if (!plan) return out;
    const sourceOf = (ms: number[]): SourceSpec =>
      parquetGroupSource(
        ms.map((i) => (files[i] as BundleFile).absPath),
        own.columns,
      );
    const done = await this.loadMembers(group, route, sourceOf);
    for (const i of done?.members ?? []) out.set(i, this.loadedFile((files[i] as BundleFile).relPath, route, 'parquet', notes, done?.counts.get(i), null, 0));
    return out;
  }
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
 * Bookkeeping files other tools write beside their data (mlflow-export-import's summaries: {"system": {"script": …},
 * "info": …, "mlflow": …} that no reader recognised): listed as `other`, never loaded as rows.
 */
function exportSummaryKind(head: string): string | null {
  const m = /^\uFEFF?\s*\{\s*"system"\s*:\s*\{[^{}]*"script"\s*:\s*"([^"]{1,100})"/.exec(head);
  if (m && /"mlflow"\s*:/.test(head)) return `mlflow-export-import summary written by ${m[1]}`;
  return null;
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
