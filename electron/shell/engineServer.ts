import { createEngine } from '../engine/engine';
import { errorShape } from './envelope';
import type { HostToMain, MainToHost, Port } from './hostProtocol';

/**
 * Runs the engine behind a message port: calls in, results and progress out. PDF printing is
 * asked of the other side (Electron's printToPDF lives in the main process).
 * Arguments were already validated by the main process's dispatcher.
 */
/** How long quitting waits for calls still running after every bundle was closed. */
const SHUTDOWN_SETTLE_MS = 10_000;

export function serveEngine(port: Port<MainToHost, HostToMain>, dataDir: string, onClosed: () => void = () => undefined): void {
  let nextPrint = 1;
  const pendingPrints = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>();
  const engine = createEngine({
    dataDir,
    onProgress: (progress) => port.post({ type: 'progress', progress }),
    printPdf: (html) =>
      new Promise<Uint8Array>((resolve, reject) => {
        const id = nextPrint++;
        pendingPrints.set(id, { resolve, reject });
        port.post({ type: 'print', id, html });
      }),
  });
  let closing: Promise<void> | null = null;
  /** Calls running now: quitting waits for them (a closeBundle sent as the window closed must finish removing its folder). */
  const inflight = new Set<Promise<unknown>>();
  port.onMessage((msg) => {
    if (msg.type === 'shutdown') {
      // Quit: close every bundle (each removes its work folder; running analyses are interrupted), let the
      // calls still running settle, say so, then let the host exit.
      const settled = () => Promise.race([Promise.allSettled([...inflight]), new Promise((resolve) => setTimeout(resolve, SHUTDOWN_SETTLE_MS).unref())]);
      closing ??= engine
        .dispose()
        .then(settled)
        .then(
          () => {
            port.post({ type: 'closed' });
            onClosed();
          },
          () => onClosed(),
        );
      return;
    }
    if (msg.type === 'printed') {
      const p = pendingPrints.get(msg.id);
      pendingPrints.delete(msg.id);
      if (!p) return;
      if (msg.pdf) p.resolve(msg.pdf);
      else p.reject(new Error(msg.error ?? 'printing failed'));
      return;
    }
    if (closing) {
      port.post({ type: 'result', id: msg.id, envelope: { ok: false, error: { code: 'internal', message: 'Audit Desk is quitting.' } } });
      return;
    }
    const own = Object.prototype.hasOwnProperty.call(engine, msg.method);
    const fn = own ? (engine as unknown as Record<string, unknown>)[msg.method] : undefined;
    if (typeof fn !== 'function') {
      port.post({ type: 'result', id: msg.id, envelope: { ok: false, error: { code: 'bad_argument', message: `Unknown call ${msg.method}.` } } });
      return;
    }
    const running = Promise.resolve()
      .then(() => (fn as (a: unknown) => Promise<unknown>).call(engine, msg.args))
      .then(
        (result) => port.post({ type: 'result', id: msg.id, envelope: { ok: true, result } }),
        (e: unknown) => port.post({ type: 'result', id: msg.id, envelope: { ok: false, error: errorShape(e) } }),
      );
    inflight.add(running);
    void running.finally(() => inflight.delete(running));
  });
  port.post({ type: 'ready' });
}
