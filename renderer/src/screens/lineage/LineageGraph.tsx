import { useMemo, type KeyboardEvent } from 'react';
import dagre from '@dagrejs/dagre';
import { NODE_COLORS } from '../../lib/colors';
import type { LineageEdge, LineageNode } from '../../../../shared/api/analytics';

const NODE_W = 168;
const NODE_H = 44;

interface Laid {
  nodes: (LineageNode & { x: number; y: number })[];
  edges: { from: string; to: string; points: { x: number; y: number }[] }[];
  width: number;
  height: number;
}

function layout(nodes: LineageNode[], edges: LineageEdge[]): Laid {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 56, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(nodes.map((n) => n.id));
  for (const n of nodes) g.setNode(n.id, { width: NODE_W, height: NODE_H });
  for (const e of edges) if (ids.has(e.from) && ids.has(e.to)) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const graph = g.graph();
  return {
    nodes: nodes.map((n) => {
      const p = g.node(n.id);
      return { ...n, x: p.x, y: p.y };
    }),
    edges: g.edges().map((e) => ({ from: e.v, to: e.w, points: g.edge(e).points ?? [] })),
    width: graph.width ?? 400,
    height: graph.height ?? 200,
  };
}

const STATUS_MARK: Record<LineageNode['status'], string> = { ok: '', warning: '⚠ ', error: '✗ ' };

export function LineageGraph({
  nodes,
  edges,
  selected,
  highlight,
  onSelect,
}: {
  nodes: LineageNode[];
  edges: LineageEdge[];
  selected: string | null;
  highlight: Set<string>;
  onSelect: (n: LineageNode) => void;
}) {
  const laid = useMemo(() => layout(nodes, edges), [nodes, edges]);
  const onKey = (e: KeyboardEvent<SVGGElement>, n: LineageNode) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect(n);
    }
  };
  return (
    <div style={{ overflow: 'auto', maxHeight: 560 }}>
      <svg
        className="lineage-svg"
        width={laid.width}
        height={laid.height}
        viewBox={`0 0 ${laid.width} ${laid.height}`}
        role="group"
        aria-label="Lineage graph, left to right"
        data-testid="lineage-graph"
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="var(--muted)" />
          </marker>
        </defs>
        {laid.edges.map((e) => (
          <path
            key={`${e.from}->${e.to}`}
            className="edge"
            markerEnd="url(#arrow)"
            d={e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ')}
            strokeOpacity={highlight.size && !(highlight.has(e.from) && highlight.has(e.to)) ? 0.25 : 1}
          />
        ))}
        {laid.nodes.map((n) => {
          const color = NODE_COLORS[n.type] ?? '#888';
          const dim = highlight.size > 0 && !highlight.has(n.id);
          const stroke = n.status === 'error' ? 'var(--bad)' : n.status === 'warning' ? 'var(--warn)' : 'var(--border)';
          const label = n.label.length > 22 ? `${n.label.slice(0, 21)}…` : n.label;
          return (
            <g
              key={n.id}
              className="node"
              transform={`translate(${n.x - NODE_W / 2},${n.y - NODE_H / 2})`}
              tabIndex={0}
              role="button"
              aria-label={`${n.type.replace('_', ' ')} ${n.label}, status ${n.status}`}
              aria-pressed={selected === n.id}
              onClick={() => onSelect(n)}
              onKeyDown={(e) => onKey(e, n)}
              opacity={dim ? 0.35 : 1}
              data-node={n.id}
            >
              <rect
                width={NODE_W}
                height={NODE_H}
                rx={6}
                fill="var(--panel)"
                stroke={selected === n.id ? 'var(--focus)' : stroke}
                strokeWidth={selected === n.id ? 3 : n.status === 'ok' ? 1 : 2}
                strokeDasharray={n.status === 'error' ? '5 3' : undefined}
              />
              <rect width={6} height={NODE_H} rx={3} fill={color} />
              <text x={14} y={17} style={{ fontSize: 10.5, fill: 'var(--muted)' }}>
                {n.type.replace('_', ' ')}
              </text>
              <text x={14} y={34} style={{ fontWeight: 600 }}>
                {STATUS_MARK[n.status]}
                {label}
              </text>
              <title>{`${n.type}: ${n.label} (${n.status})`}</title>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
