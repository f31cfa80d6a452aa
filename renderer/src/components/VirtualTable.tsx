import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { shownNode } from '../lib/format';

export interface VColumn<T> {
  key: string;
  label: string;
  width: number;
  numeric?: boolean;
  render: (row: T) => ReactNode;
}

const ROW_HEIGHT = 28;

/** A virtualised grid: only visible rows are in the DOM, so 100k-row results stay fast. */
export function VirtualTable<T>({
  rows,
  columns,
  height = 420,
  rowKey,
  onRowClick,
  selectedKey,
  label,
  testId,
}: {
  rows: readonly T[];
  columns: readonly VColumn<T>[];
  height?: number;
  rowKey: (row: T, index: number) => string;
  onRowClick?: (row: T) => void;
  selectedKey?: string | null;
  label: string;
  testId?: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const totalWidth = columns.reduce((s, c) => s + c.width, 0);
  // Short results do not leave a tall empty box.
  const boxHeight = Math.min(height, (rows.length + 1) * ROW_HEIGHT + 16);

  const onKey = (e: KeyboardEvent<HTMLDivElement>, row: T, index: number) => {
    if ((e.key === 'Enter' || e.key === ' ') && onRowClick) {
      e.preventDefault();
      onRowClick(row);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = index + (e.key === 'ArrowDown' ? 1 : -1);
      if (next < 0 || next >= rows.length) return;
      virtualizer.scrollToIndex(next);
      requestAnimationFrame(() => {
        scrollRef.current?.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus();
      });
    }
  };

  return (
    <div ref={scrollRef} className="vgrid" style={{ height: boxHeight }} role="grid" aria-label={label} aria-rowcount={rows.length + 1} data-testid={testId}>
      <div className="vgrid-row head" role="row" style={{ width: Math.max(totalWidth, 0) }}>
        {columns.map((c) => (
          <div key={c.key} role="columnheader" className="vgrid-cell" style={{ width: c.width, textAlign: c.numeric ? 'right' : 'left' }}>
            {shownNode(c.label)}
          </div>
        ))}
      </div>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: totalWidth }}>
        {virtualizer.getVirtualItems().map((v) => {
          const row = rows[v.index] as T;
          const key = rowKey(row, v.index);
          return (
            <div
              key={key}
              role="row"
              data-index={v.index}
              aria-rowindex={v.index + 2}
              tabIndex={onRowClick ? 0 : -1}
              className={`vgrid-row${onRowClick ? ' clickable' : ''}${selectedKey === key ? ' selected' : ''}`}
              style={{ position: 'absolute', top: 0, left: 0, width: totalWidth, height: ROW_HEIGHT, transform: `translateY(${v.start}px)` }}
              onClick={onRowClick ? () => onRowClick(row) : undefined}
              onKeyDown={(e) => onKey(e, row, v.index)}
            >
              {columns.map((c) => (
                <div key={c.key} role="gridcell" className="vgrid-cell" style={{ width: c.width, textAlign: c.numeric ? 'right' : 'left' }}>
                  {shownNode(c.render(row))}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
