import { constants as fsConstants, promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../../shared/api/common';
import { workspaceSchema, type Workspace } from '../../../shared/api/workspace';
import { atomicWriteFile, removeStaleTempFiles } from '../fs/atomicWrite';
import { sha256Hex } from '../report/canonicalJson';
import { isEmptyMapping, normalizeMapping, type AuditorMapping } from '../../../shared/mapping';

export const WORKSPACE_SUFFIX = '.auditdesk.json';

/** The auditor's work file lives next to the bundle, never inside it: /x/b → /x/b.auditdesk.json, /x/b.zip → /x/b.zip.auditdesk.json. */
export function workspacePathFor(bundlePath: string): string {
  const resolved = path.resolve(bundlePath);
  return `${resolved}${WORKSPACE_SUFFIX}`;
}

export function defaultWorkspace(rootHash: string, system = ''): Workspace {
  return {
    version: 1,
    root_hash: rootHash,
    findings: [],
    signoff: { system, auditor: '', approver: '', as_of: '', notes: '' },
    params: {},
  };
}

export type LoadedWorkspace = { workspace: Workspace; path: string; exists: boolean };

function describeZodProblem(e: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const issue = e.issues[0];
  if (!issue) return 'invalid content';
  const field = issue.path.map(String).join('.');
  return `${field ? `field ${field}: ` : ''}${issue.message}`;
}

/** Validates the text of a workspace file; null + reason when it is not a valid workspace. */
export function parseWorkspaceText(text: string): { ok: true; workspace: Workspace } | { ok: false; reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    // V8's message quotes the file's first bytes; say only where it failed.
    const at = /position (\d+)/.exec(e instanceof Error ? e.message : '');
    return { ok: false, reason: at ? `not valid JSON (at character ${at[1]})` : 'not valid JSON' };
  }
  const parsed = workspaceSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: describeZodProblem(parsed.error) };
  return { ok: true, workspace: parsed.data };
}

/** Moves a corrupt file aside (name derived from its content, so repeated loads do not pile up copies) and returns the new path. */
async function setAside(file: string, bytes: Buffer): Promise<string> {
  const aside = `${file}.corrupt-${sha256Hex(bytes).slice(0, 12)}`;
  await fs.rename(file, aside);
  return aside;
}

/**
 * Reads the workspace file without following a symbolic link (O_NOFOLLOW): a link placed beside a bundle
 * must not make Audit Desk read, quote or move another file. Only a regular file is read.
 */
async function readNoFollow(file: string): Promise<Buffer> {
  let fh;
  try {
    fh = await fs.open(file, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw linkRefused(file);
    throw e;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new ApiError('bad_argument', `The workspace file ${path.basename(file)} is not a regular file; it was not read.`, { file });
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

function linkRefused(file: string): ApiError {
  return new ApiError('bad_argument', `The workspace file ${path.basename(file)} is a symbolic link; Audit Desk does not follow links there. Remove the link or replace it with the file itself.`, { file });
}

/**
 * Reads the workspace next to the bundle. Absent → a default workspace. Corrupt → the file is renamed aside
 * (kept, never overwritten) and an error names both paths.
 */
export async function loadWorkspaceFile(bundlePath: string, defaults: Workspace): Promise<LoadedWorkspace> {
  const file = workspacePathFor(bundlePath);
  let bytes: Buffer;
  try {
    bytes = await readNoFollow(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { workspace: defaults, path: file, exists: false };
    if (e instanceof ApiError) throw e;
    throw new ApiError('internal', `Cannot read the workspace file ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { file });
  }
  const parsed = parseWorkspaceText(bytes.toString('utf8'));
  if (parsed.ok) return { workspace: parsed.workspace, path: file, exists: true };
  const aside = await setAside(file, bytes);
  throw new ApiError(
    'bad_argument',
    `The workspace file ${path.basename(file)} is damaged (${parsed.reason}). It was kept as ${path.basename(aside)}; a new, empty workspace will be used from now on.`,
    { file },
  );
}

/**
 * The auditor's column mapping saved in the workspace beside the bundle, or null (no file, no mapping, or a file
 * that is not a valid workspace: opening never moves or rewrites it; loadWorkspace reports a damaged one).
 */
export async function readWorkspaceMapping(bundlePath: string): Promise<{ mapping: AuditorMapping; path: string } | null> {
  const file = workspacePathFor(bundlePath);
  const text = await fs.readFile(file, 'utf8').catch(() => null);
  if (text === null) return null;
  const parsed = parseWorkspaceText(text);
  if (!parsed.ok || !parsed.workspace.mapping || isEmptyMapping(parsed.workspace.mapping)) return null;
  return { mapping: parsed.workspace.mapping, path: file };
}

/** Saves the auditor's mapping into the workspace beside the bundle (creating it when absent), atomically. */
export async function saveWorkspaceMapping(bundlePath: string, defaults: Workspace, mapping: AuditorMapping): Promise<string> {
  let ws = defaults;
  try {
    ws = (await loadWorkspaceFile(bundlePath, defaults)).workspace;
  } catch {
    // A damaged file was set aside by loadWorkspaceFile; start from the defaults.
  }
  const next: Workspace = { ...ws, mapping: normalizeMapping(mapping) };
  if (isEmptyMapping(next.mapping)) delete next.mapping;
  return (await saveWorkspaceFile(bundlePath, next)).path;
}

export function workspaceText(ws: Workspace): string {
  return `${JSON.stringify(ws, null, 2)}\n`;
}

/** Validates and saves atomically. An existing file that is not a valid workspace is moved aside first, never silently replaced. */
export async function saveWorkspaceFile(bundlePath: string, ws: Workspace): Promise<{ path: string; set_aside: string | null }> {
  const checked = workspaceSchema.safeParse(ws);
  if (!checked.success) throw new ApiError('bad_argument', `Workspace not saved: ${describeZodProblem(checked.error)}`);
  const file = workspacePathFor(bundlePath);
  let setAsidePath: string | null = null;
  try {
    const existing = await readNoFollow(file);
    if (!parseWorkspaceText(existing.toString('utf8')).ok) setAsidePath = await setAside(file, existing);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await atomicWriteFile(file, workspaceText(checked.data));
  await removeStaleTempFiles(file);
  return { path: file, set_aside: setAsidePath };
}
