import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layering rule: no module may reach itself through its imports (type-only imports included,
 * since they still tie two modules' designs together). Also: the engine never imports `electron`,
 * and `shared/` imports neither Node nor the DOM-side renderer.
 */
const ROOT = path.resolve(__dirname, '../..');
const SOURCE_DIRS = ['shared', 'electron', 'renderer/src'];
const IMPORT_RE = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

function importGraph(): Map<string, { local: string[]; bare: string[] }> {
  const graph = new Map<string, { local: string[]; bare: string[] }>();
  for (const dir of SOURCE_DIRS) {
    for (const file of sourceFiles(path.join(ROOT, dir))) {
      const text = readFileSync(file, 'utf8');
      const local: string[] = [];
      const bare: string[] = [];
      for (const m of text.matchAll(IMPORT_RE)) {
        const spec = m[1] ?? '';
        const target = resolveImport(file, spec);
        if (target) local.push(target);
        else if (!spec.startsWith('.')) bare.push(spec);
      }
      graph.set(file, { local, bare });
    }
  }
  return graph;
}

/** Every cycle, as the list of files on it, found by a depth-first search with an explicit colour map. */
function findCycles(graph: Map<string, { local: string[] }>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file)?.local ?? []) {
      const s = state.get(next);
      if (s === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (s === undefined && graph.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

const rel = (f: string): string => path.relative(ROOT, f);

describe('module layering', () => {
  const graph = importGraph();

  it('reads the source tree', () => {
    expect(graph.size).toBeGreaterThan(100);
  });

  it('has no import cycles', () => {
    expect(findCycles(graph).map((c) => c.map(rel).join(' → '))).toEqual([]);
  });

  it('finds a cycle when there is one (the checker itself works)', () => {
    const fake = new Map([
      ['a', { local: ['b'] }],
      ['b', { local: ['c'] }],
      ['c', { local: ['a'] }],
    ]);
    expect(findCycles(fake)).toEqual([['a', 'b', 'c', 'a']]);
  });

  it('keeps electron out of the engine and Node out of shared/', () => {
    const offenders: string[] = [];
    for (const [file, { bare, local }] of graph) {
      const r = rel(file);
      if (r.startsWith('electron/engine/') && bare.some((b) => b === 'electron' || b.startsWith('electron/'))) offenders.push(`${r} imports electron`);
      if (r.startsWith('shared/')) {
        if (bare.some((b) => b.startsWith('node:') || ['fs', 'path', 'os', 'crypto'].includes(b))) offenders.push(`${r} imports Node`);
        if (local.some((l) => !rel(l).startsWith('shared/'))) offenders.push(`${r} imports outside shared/`);
      }
      if (r.startsWith('renderer/') && local.some((l) => rel(l).startsWith('electron/'))) offenders.push(`${r} imports electron/`);
    }
    expect(offenders).toEqual([]);
  });
});
