import { create } from 'zustand';
import type { Finding, Severity, Signoff, Workspace } from '../../../shared/api/workspace';
import { SEVERITIES } from '../../../shared/severity';
import { call, toUiError, type UiError } from '../lib/api';
import { isEmptyMapping, normalizeMapping, type AuditorMapping } from '../../../shared/mapping';

export const SEVERITY_ORDER: readonly Severity[] = SEVERITIES;

export type SaveState = 'idle' | 'saving' | 'saved' | 'error';

interface WorkspaceState {
  bundleId: string | null;
  workspace: Workspace | null;
  path: string | null;
  loadError: UiError | null;
  /** Something the engine wants the auditor to know about the saved workspace (e.g. a different root hash). */
  notice: string | null;
  saveState: SaveState;
  saveError: UiError | null;
  savedAt: string | null;
  load(bundleId: string, rootHash: string): Promise<void>;
  addFinding(f: Omit<Finding, 'id' | 'created_at'>): Finding;
  updateFinding(id: string, patch: Partial<Pick<Finding, 'note' | 'severity' | 'title'>>): void;
  removeFinding(id: string): void;
  /** The finding deleted last, with its position, until it is restored or another is deleted. */
  deleted: { finding: Finding; index: number } | null;
  undoRemove(): void;
  dismissUndo(): void;
  setSignoff(patch: Partial<Signoff>): void;
  setParams(patch: Record<string, string | number | boolean>): void;
  /** Sets the auditor's column mapping and saves the workspace now (the bundle is then re-imported with it). */
  setMapping(mapping: AuditorMapping): Promise<void>;
  saveNow(): Promise<void>;
}

const AUTOSAVE_MS = 600;
let saveTimer: ReturnType<typeof setTimeout> | null = null;
let saveSeq = 0;

function emptyWorkspace(rootHash: string): Workspace {
  return { version: 1, root_hash: rootHash, findings: [], signoff: { system: '', auditor: '', approver: '', as_of: '', notes: '' }, params: {} };
}

function findingId(): string {
  const rnd = new Uint32Array(2);
  crypto.getRandomValues(rnd);
  return `f-${Array.from(rnd, (n) => n.toString(36)).join('')}`;
}

export const useWorkspace = create<WorkspaceState>((set, get) => {
  function scheduleSave(): void {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => void get().saveNow(), AUTOSAVE_MS);
  }
  function mutate(fn: (w: Workspace) => Workspace): void {
    const w = get().workspace;
    if (!w) return;
    set({ workspace: fn(w), saveState: 'saving' });
    scheduleSave();
  }
  return {
    bundleId: null,
    workspace: null,
    path: null,
    loadError: null,
    notice: null,
    saveState: 'idle',
    saveError: null,
    savedAt: null,

    async load(bundleId, rootHash) {
      set({ bundleId, workspace: null, path: null, loadError: null, notice: null, saveState: 'idle', saveError: null, deleted: null });
      try {
        const { workspace, path, notice } = await call('loadWorkspace', { bundleId });
        if (get().bundleId !== bundleId) return;
        set({ workspace, path, notice });
      } catch (e) {
        if (get().bundleId !== bundleId) return;
        // Keep working in memory, but say loudly that nothing is persisted.
        set({ workspace: emptyWorkspace(rootHash), loadError: toUiError(e) });
      }
    },

    addFinding(f) {
      const finding: Finding = { ...f, id: findingId(), created_at: new Date().toISOString() };
      mutate((w) => ({ ...w, findings: [...w.findings, finding] }));
      return finding;
    },
    updateFinding(id, patch) {
      mutate((w) => ({ ...w, findings: w.findings.map((f) => (f.id === id ? { ...f, ...patch } : f)) }));
    },
    deleted: null,
    removeFinding(id) {
      const findings = get().workspace?.findings ?? [];
      const index = findings.findIndex((f) => f.id === id);
      const finding = findings[index];
      if (!finding) return;
      set({ deleted: { finding, index } });
      mutate((w) => ({ ...w, findings: w.findings.filter((f) => f.id !== id) }));
    },
    undoRemove() {
      const d = get().deleted;
      if (!d) return;
      set({ deleted: null });
      mutate((w) => (w.findings.some((f) => f.id === d.finding.id) ? w : { ...w, findings: [...w.findings.slice(0, d.index), d.finding, ...w.findings.slice(d.index)] }));
    },
    dismissUndo() {
      set({ deleted: null });
    },
    setSignoff(patch) {
      mutate((w) => ({ ...w, signoff: { ...w.signoff, ...patch } }));
    },
    setParams(patch) {
      mutate((w) => ({ ...w, params: { ...w.params, ...patch } }));
    },
    async setMapping(mapping) {
      mutate((w) => {
        const next: Workspace = { ...w, mapping: normalizeMapping(mapping) };
        if (isEmptyMapping(next.mapping)) delete next.mapping;
        return next;
      });
      await get().saveNow();
    },

    async saveNow() {
      if (saveTimer) {
        clearTimeout(saveTimer);
        saveTimer = null;
      }
      const { bundleId, workspace } = get();
      if (!bundleId || !workspace) return;
      const seq = ++saveSeq;
      set({ saveState: 'saving' });
      try {
        const res = await call('saveWorkspace', { bundleId, workspace });
        if (seq !== saveSeq) return;
        set({ saveState: 'saved', saveError: null, savedAt: res.saved_at, path: res.path });
      } catch (e) {
        if (seq !== saveSeq) return;
        set({ saveState: 'error', saveError: toUiError(e) });
      }
    },
  };
});
