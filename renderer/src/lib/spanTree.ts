/**
 * The span tree of one trace, built so that hostile parent links cannot hang the screen: each span is placed
 * once and each span id is expanded once (a visited set), so self-parents, a↔b cycles and duplicate span ids
 * cost linear time. Spans whose parent chain never reaches a root (a cycle) are listed at the top level and
 * marked `inCycle`, never dropped.
 */
export interface SpanLike {
  span_id: string;
  parent_span_id: string;
  /** Start in epoch milliseconds (0 when unknown). */
  startMs: number;
  durMs: number;
}

export interface SpanTreeNode<T> {
  row: T;
  depth: number;
  startMs: number;
  durMs: number;
  /** The span's parent chain loops (self-parent, a↔b, ...) instead of reaching a root. */
  inCycle: boolean;
}

export function buildSpanTree<T>(rows: T[], view: (row: T) => SpanLike): { nodes: SpanTreeNode<T>[]; t0: number; total: number } {
  const spans = rows.map((row) => ({ row, v: view(row) }));
  const ids = new Set(spans.map((s) => s.v.span_id));
  const byParent = new Map<string, typeof spans>();
  for (const s of spans) {
    const parent = s.v.parent_span_id;
    const key = parent && ids.has(parent) ? parent : '';
    const list = byParent.get(key) ?? [];
    list.push(s);
    byParent.set(key, list);
  }
  for (const list of byParent.values()) list.sort((a, b) => a.v.startMs - b.v.startMs);
  const t0 = spans.length > 0 ? Math.min(...spans.map((s) => s.v.startMs)) : 0;
  let end = t0;
  const nodes: SpanTreeNode<T>[] = [];
  const placed = new Set<(typeof spans)[number]>();
  const expanded = new Set<string>();
  // Iterative pre-order walk: no recursion depth to exhaust; each id's children are pushed once, each span placed once.
  const walkFrom = (rootKey: string, inCycle: boolean, startDepth: number) => {
    const stack: { s: (typeof spans)[number]; depth: number }[] = [];
    const pushKids = (key: string, depth: number) => {
      if (expanded.has(key)) return;
      expanded.add(key);
      const kids = byParent.get(key) ?? [];
      for (let i = kids.length - 1; i >= 0; i--) {
        const k = kids[i] as (typeof spans)[number];
        if (!placed.has(k)) stack.push({ s: k, depth });
      }
    };
    pushKids(rootKey, startDepth);
    while (stack.length > 0) {
      const { s, depth } = stack.pop() as { s: (typeof spans)[number]; depth: number };
      if (placed.has(s)) continue;
      placed.add(s);
      end = Math.max(end, s.v.startMs + s.v.durMs);
      nodes.push({ row: s.row, depth, startMs: s.v.startMs - t0, durMs: s.v.durMs, inCycle });
      pushKids(s.v.span_id, depth + 1);
    }
  };
  walkFrom('', false, 0);
  // What is left has no path to a root: show it, marked, each cycle entered once.
  for (const s of spans) {
    if (placed.has(s)) continue;
    placed.add(s);
    end = Math.max(end, s.v.startMs + s.v.durMs);
    nodes.push({ row: s.row, depth: 0, startMs: s.v.startMs - t0, durMs: s.v.durMs, inCycle: true });
    walkFrom(s.v.span_id, true, 1);
  }
  return { nodes, t0, total: Math.max(end - t0, 1) };
}
