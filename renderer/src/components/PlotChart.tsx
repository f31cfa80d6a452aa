import { useEffect, useRef, useState, type DependencyList } from 'react';

/**
 * Hosts one Observable Plot figure. `plot(width)` builds the SVG/figure; it re-runs when the
 * container resizes or `deps` change. `data-rendered-at` marks when the chart was last drawn,
 * which the latency benchmark waits for.
 */
export function PlotChart({
  plot,
  deps,
  label,
  testId,
  minHeight = 60,
}: {
  plot: (width: number) => Element;
  deps: DependencyList;
  label: string;
  testId?: string;
  minHeight?: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      setWidth((prev) => (Math.abs(prev - w) > 4 ? w : prev));
    });
    ro.observe(el);
    setWidth(Math.floor(el.getBoundingClientRect().width));
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const el = ref.current;
    if (!el || width <= 0) return;
    let node: Element;
    try {
      node = plot(width);
    } catch (e) {
      const msg = document.createElement('div');
      msg.className = 'state error';
      msg.textContent = `Chart failed to render: ${e instanceof Error ? e.message : String(e)}`;
      node = msg;
    }
    el.replaceChildren(node);
    el.dataset.renderedAt = String(performance.now());
    return () => {
      el.replaceChildren();
    };
  }, [width, ...deps]);

  return <div ref={ref} className="chart" role="img" aria-label={label} data-testid={testId} style={{ minHeight }} />;
}
