import type { ReportModel } from '../../../shared/api/report';
import { normalizeForJson } from './canonicalJson';

export interface VerifyOutcome {
  match: boolean;
  /** Bundle files whose content differs from what the report was made from. */
  changed_files: { path: string; status: 'changed' | 'missing' | 'added'; embedded_sha256: string | null; current_sha256: string | null }[];
  root_hash: { embedded: string; current: string };
  /** Every differing JSON path (objects compared by key, arrays by index). */
  differences: { path: string; embedded: string; current: string }[];
}

function short(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 160 ? `${s.slice(0, 157)}...` : s;
}

/** Arrays of objects with unique string ids (findings, limitations) are compared by id, so one insertion is one difference. */
function keyed(arr: unknown[]): Map<string, unknown> | null {
  const m = new Map<string, unknown>();
  for (const x of arr) {
    if (!x || typeof x !== 'object' || Array.isArray(x)) return null;
    const id = (x as Record<string, unknown>)['id'];
    if (typeof id !== 'string' || m.has(id)) return null;
    m.set(id, x);
  }
  return m.size > 0 ? m : null;
}

function diff(a: unknown, b: unknown, path: string, out: VerifyOutcome['differences']): void {
  if (a === b) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    const ka = keyed(a);
    const kb = keyed(b);
    if (ka && kb) {
      for (const id of [...new Set([...ka.keys(), ...kb.keys()])].sort()) {
        const p = `${path}[id=${id}]`;
        if (!ka.has(id)) out.push({ path: p, embedded: '(absent)', current: short(kb.get(id)) });
        else if (!kb.has(id)) out.push({ path: p, embedded: short(ka.get(id)), current: '(absent)' });
        else diff(ka.get(id), kb.get(id), p, out);
      }
      return;
    }
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (i >= a.length) out.push({ path: `${path}[${i}]`, embedded: '(absent)', current: short(b[i]) });
      else if (i >= b.length) out.push({ path: `${path}[${i}]`, embedded: short(a[i]), current: '(absent)' });
      else diff(a[i], b[i], `${path}[${i}]`, out);
    }
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    for (const k of [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort()) {
      const p = path ? `${path}.${k}` : k;
      if (!(k in ao)) out.push({ path: p, embedded: '(absent)', current: short(bo[k]) });
      else if (!(k in bo)) out.push({ path: p, embedded: short(ao[k]), current: '(absent)' });
      else diff(ao[k], bo[k], p, out);
    }
    return;
  }
  out.push({ path, embedded: short(a), current: short(b) });
}

/** Compares the model embedded in a report with one recomputed from the bundle now. */
export function compareReportModels(embedded: ReportModel, current: ReportModel): VerifyOutcome {
  const e = normalizeForJson(embedded);
  const c = normalizeForJson(current);
  const differences: VerifyOutcome['differences'] = [];
  diff(e, c, '', differences);
  const before = new Map(embedded.integrity.files.map((f) => [f.path, f.sha256]));
  const now = new Map(current.integrity.files.map((f) => [f.path, f.sha256]));
  const changed_files: VerifyOutcome['changed_files'] = [];
  for (const p of [...new Set([...before.keys(), ...now.keys()])].sort()) {
    const a = before.get(p) ?? null;
    const b = now.get(p) ?? null;
    if (a === b) continue;
    changed_files.push({ path: p, status: a === null ? 'added' : b === null ? 'missing' : 'changed', embedded_sha256: a, current_sha256: b });
  }
  return {
    match: differences.length === 0,
    changed_files,
    root_hash: { embedded: embedded.integrity.root_hash, current: current.integrity.root_hash },
    differences,
  };
}

/** A structural check that the embedded JSON is a report model this version can recompute. */
export function looksLikeReportModel(x: unknown): x is ReportModel {
  if (!x || typeof x !== 'object') return false;
  const o = x as Record<string, unknown>;
  return o['model_version'] === 1 && typeof o['integrity'] === 'object' && typeof o['signoff'] === 'object' && Array.isArray(o['auditor_findings']) && typeof o['requested_params'] === 'object';
}
