import { utilityProcess, type UtilityProcess } from 'electron';
import type { Progress } from '../../shared/api/common';
import type { Envelope } from '../shell/envelope';
import type { HostToMain, MainToHost } from '../shell/hostProtocol';

export interface EngineClient {
  call(method: string, args: unknown): Promise<Envelope<unknown>>;
  dispose(): void;
}

/** Starts the engine utility process and forwards calls to it; restarts it if it dies. */
export function startEngine(opts: {
  hostPath: string;
  dataDir: string;
  onProgress(p: Progress): void;
  print(html: string): Promise<Uint8Array>;
}): EngineClient {
  let child: UtilityProcess | null = null;
  let nextId = 1;
  const pending = new Map<number, (e: Envelope<unknown>) => void>();

  const spawn = (): UtilityProcess => {
    const c = utilityProcess.fork(opts.hostPath, [opts.dataDir], { serviceName: 'Audit Desk engine', stdio: 'inherit' });
    c.on('message', (msg: HostToMain) => {
      if (msg.type === 'result') {
        const resolve = pending.get(msg.id);
        pending.delete(msg.id);
        resolve?.(msg.envelope);
      } else if (msg.type === 'progress') {
        opts.onProgress(msg.progress);
      } else if (msg.type === 'print') {
        opts.print(msg.html).then(
          (pdf) => c.postMessage({ type: 'printed', id: msg.id, pdf } satisfies MainToHost),
          (e: unknown) => c.postMessage({ type: 'printed', id: msg.id, error: e instanceof Error ? e.message : String(e) } satisfies MainToHost),
        );
      }
    });
    c.on('exit', (code) => {
      child = null;
      for (const [id, resolve] of pending) {
        resolve({ ok: false, error: { code: 'internal', message: `The engine process stopped (exit code ${code}). Open the bundle again.` } });
        pending.delete(id);
      }
    });
    return c;
  };

  return {
    call(method, args) {
      child ??= spawn();
      const id = nextId++;
      const target = child;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        target.postMessage({ type: 'call', id, method, args } satisfies MainToHost);
      });
    },
    dispose() {
      child?.kill();
      child = null;
    },
  };
}
