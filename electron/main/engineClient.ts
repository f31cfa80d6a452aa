import { utilityProcess, type UtilityProcess } from 'electron';
import type { Progress } from '../../shared/api/common';
import type { Envelope } from '../shell/envelope';
import { ENGINE_DATA_DIR_ENV, type HostToMain, type MainToHost } from '../shell/hostProtocol';

export interface EngineGone {
  /** Exit code of the engine process, when it had one. */
  code: number | null;
  /** Calls that were running and were answered with an error. */
  interrupted: number;
  /** How long the process ran: one that dies right after starting is not restarted in a loop. */
  livedMs: number;
}

export interface EngineClient {
  /** Starts the engine process now (it also runs at the first call). */
  start(): void;
  call(method: string, args: unknown): Promise<Envelope<unknown>>;
  /** Quit: asks the engine to close every bundle (removing work folders) and waits for it to exit; kills it after `timeoutMs`. */
  shutdown(timeoutMs?: number): Promise<void>;
  /** The engine process's id, while it runs. */
  readonly pid: number | undefined;
}

export const ENGINE_SERVICE_NAME = 'Audit Desk engine';

/**
 * Starts the engine utility process and forwards calls to it. When it dies unexpectedly, every call
 * in flight is answered with an error, `onGone` tells the shell (which tells the person), and a fresh
 * engine is started on the next call; no bundle is re-opened behind anyone's back.
 */
export function startEngine(opts: {
  hostPath: string;
  dataDir: string;
  onProgress(p: Progress): void;
  print(html: string): Promise<Uint8Array>;
  onGone(gone: EngineGone): void;
}): EngineClient {
  let child: UtilityProcess | null = null;
  let quitting = false;
  let nextId = 1;
  const pending = new Map<number, (e: Envelope<unknown>) => void>();

  const spawn = (): UtilityProcess => {
    const startedAt = Date.now();
    const c = utilityProcess.fork(opts.hostPath, [], {
      serviceName: ENGINE_SERVICE_NAME,
      stdio: 'inherit',
      env: { ...process.env, [ENGINE_DATA_DIR_ENV]: opts.dataDir },
    });
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
    c.once('exit', (code: number) => {
      if (child === c) child = null;
      const interrupted = pending.size;
      for (const [id, resolve] of pending) {
        resolve({
          ok: false,
          error: { code: 'internal', message: `The Audit Desk engine stopped (exit code ${code}) while this was running. Open bundles were closed; open the bundle again.` },
        });
        pending.delete(id);
      }
      if (!quitting) opts.onGone({ code: typeof code === 'number' ? code : null, interrupted, livedMs: Date.now() - startedAt });
    });
    return c;
  };

  return {
    get pid() {
      return child?.pid;
    },
    start() {
      if (!quitting) child ??= spawn();
    },
    call(method, args) {
      if (quitting) return Promise.resolve({ ok: false, error: { code: 'internal', message: 'Audit Desk is quitting.' } });
      child ??= spawn();
      const id = nextId++;
      const target = child;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        target.postMessage({ type: 'call', id, method, args } satisfies MainToHost);
      });
    },
    async shutdown(timeoutMs = 15_000) {
      quitting = true;
      const c = child;
      if (!c) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          c.kill();
          resolve();
        }, timeoutMs);
        c.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        c.postMessage({ type: 'shutdown' } satisfies MainToHost);
      });
      child = null;
    },
  };
}
