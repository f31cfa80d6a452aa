import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { ManifestFile } from '../../../shared/manifest';
import type { Job } from '../context';
import { quoteIdent } from '../db';
import type { BundleFile } from './discover';
import type { BatchView } from './gzBatch';
import { STRUCTURED_READERS } from './formats';
import { mapSpec, targetParts, type LoadCounts, type SourceSpec } from './load';
import { BATCH_UNITS, batchStructures, batchUnitRejects, batchUnitCounts, batchWhere, dropBatch, loadBatchIntoTable, stageBatch, type BatchStructure, type FileCounts, type UnitCounts } from './loadBatch';
import { csvDialectOpts, CSV_BATCH_FILE_MAX_BYTES, CSV_BATCH_ROWS, csvNonFiniteByFile, drainCsvGroupRejects, dropCsvGroup, isPlainCsv, plainSniffs, sniffCsvFile, stageCsvGroup, type CsvGroupScan, type CsvSniff } from './loadBatchCsv';
import { dropParquetFiles, parquetGroupable, parquetGroupSource, parquetSignatures, stageParquetFiles } from './loadBatchParquet';
import { csvRowLines, type CsvDialect } from './csvLines';
import { jsonObjectsSource, leafType, markNonFiniteText, nonFiniteCandidates, nonFiniteReadNote, numbersAndText, parquetShapeProblem, parquetSource } from './loadFlat';
import { styleKey, type MappingPlan } from './mapping';
import { MANIFEST_NAME } from './manifest';
import { exportSummaryKind, headText, nonUtf8Reason, readHead } from './sniff';
import { LIMITS } from './limits';
import { tableFromFileName } from './tableRole';
import { cancelled, chooseTable, nestedPrefixes, routeFile, vetFailures, withRoute, type ImportState, type Loaded, type Route } from './route';

/**
 * Many small files loaded together (#14 item 14): JSON Lines and JSON arrays (Batcher), CSV / TSV (CsvBatcher) and
 * Parquet (ParquetBatcher), plain or through a small .gz's inflated copy (gzBatch.ts). Each gives a file exactly what
 * the per-file path in importBundle.ts gives it alone; a file a batcher cannot vouch for is left to that path.
 */

/** Small JSON Lines / JSON files are batched up to this size each; every batcher's batches hold up to these files and bytes. */
const BATCH_FILE_MAX_BYTES = 1024 * 1024;
const BATCH_MAX_FILES = 5000;
const BATCH_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Paths no batch takes: glob characters (DuckDB's list readers expand them), and a folder named like a hive
 * partition ("date=2026-01-01/"), from which DuckDB's readers add a column to a file read alone that a group's read
 * of other paths would not give it.
 */
function unbatchablePath(absPath: string): boolean {
  return /[*?[\]{}\\]/.test(absPath) || /(^|[\\/])[^\\/=]+=[^\\/]*[\\/]/.test(absPath);
}

/** A .gz file a batcher may take only through its inflated copy (a .gz that is not gzip is the per-file path's to refuse). */
function gzNotInflated(f: BatchView): boolean {
  return /\.gz$/i.test(f.relPath) && !f.gz;
}

/**
 * Whether a file can join a batch: a non-empty, small JSON Lines or JSON file (a JSON array, checked when staged;
 * plain, or a small .gz through its inflated copy: gzBatch.ts) that no structured reader claims, UTF-8 by its first
 * bytes, with nothing declared for it beyond its hash, row count and format. Anything else takes the per-file path.
 */
async function batchable(f: BatchView, m: ManifestFile | undefined): Promise<boolean> {
  if (f.relPath === MANIFEST_NAME || f.bytes === 0 || f.bytes > BATCH_FILE_MAX_BYTES || gzNotInflated(f) || declaresMore(m)) return false;
  const declared = declaredFormat(m);
  if (declared !== undefined ? declared !== 'jsonl' && declared !== 'ndjson' && declared !== 'json' : !/\.(jsonl|ndjson|json)$/i.test(f.innerPath)) return false;
  if (unbatchablePath(f.absPath)) return false;
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

/**
 * Whether the manifest declares more for a file than its hash, row count and format (a table, a column map, column
 * types, a header): such a file is read by the per-file path, which applies them.
 */
function declaresMore(m: ManifestFile | undefined): boolean {
  return m !== undefined && (m.table !== undefined || m.map !== undefined || m.columns !== undefined || m.header !== undefined);
}

/** The format the manifest declares, as the per-file path reads it (a ".gz" suffix says nothing more). */
function declaredFormat(m: ManifestFile | undefined): string | undefined {
  return m?.format?.toLowerCase().replace(/\.gz$/, '');
}

/**
 * The largest inflated size at which a gzipped file can still join a batch (InflatedFiles), by what the batchers take
 * (batchable, csvBatchable); null: it would not be batched, so it is not inflated ahead.
 */
export function gzBatchCap(f: BundleFile, m: ManifestFile | undefined): number | null {
  if (declaresMore(m)) return null;
  const declared = declaredFormat(m);
  if (declared !== undefined) return declared === 'jsonl' || declared === 'ndjson' || declared === 'json' ? BATCH_FILE_MAX_BYTES : null;
  const inner = f.relPath.slice(0, -3);
  return /\.(jsonl|ndjson|json)$/i.test(inner) ? BATCH_FILE_MAX_BYTES : /\.(csv|tsv|tab)$/i.test(inner) ? CSV_BATCH_FILE_MAX_BYTES : null;
}

/**
 * What the batchers (JSON, CSV / TSV, Parquet) share: batchable files taken in bundle order into batches of up to
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
export class Batcher extends FileBatcher<BatchView> {
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
  if (declaresMore(m) || m?.format !== undefined) return null;
  const fmt = /\.csv$/i.test(f.innerPath) ? 'csv' : /\.(tsv|tab)$/i.test(f.innerPath) ? 'tsv' : null;
  if (!fmt || unbatchablePath(f.absPath)) return null;
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
export class CsvBatcher extends FileBatcher<CsvMember> {
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
 * row count, its size and magic bytes those of a Parquet file (else the per-file path names what is wrong), its path
 * batchable (unbatchablePath), not claimed by a structured reader.
 */
async function parquetBatchable(f: BundleFile, m: ManifestFile | undefined): Promise<boolean> {
  if (f.relPath === MANIFEST_NAME || f.bytes > PARQUET_BATCH_FILE_MAX_BYTES || declaresMore(m) || m?.format !== undefined) return false;
  if (!/\.parquet$/i.test(f.relPath) || unbatchablePath(f.absPath)) return false;
  if ((await parquetShapeProblem(f.absPath, f.bytes)) !== null) return false;
  // A structured reader's Parquet export (Phoenix evaluations, trace datasets: known by name) is its reader's to load.
  const head = await headText(f.absPath);
  return !STRUCTURED_READERS.some((r) => r.sniff({ relPath: f.relPath, head }));
}

/**
 * Loads small Parquet files in groups: files of one schema (parquetSignatures) and one table-by-name are read by one
 * read_parquet and loaded by one statement. A file whose metadata cannot be read, whose schema no other file of its
 * batch shares, whose inferred time column would be dropped, or whose group fails, is loaded alone.
 */
export class ParquetBatcher extends FileBatcher<BundleFile> {
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
    const { conn, job } = this.state;
    let sigs: (string | null)[];
    try {
      sigs = await parquetSignatures(
        conn,
        files.map((f) => f.absPath),
        () => job.signal.aborted,
      );
      cancelled(job);
      await stageParquetFiles(conn, files);
    } catch {
      // The batch's metadata could not be read or recorded: every file of it alone.
      cancelled(job);
      return false;
    }
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
