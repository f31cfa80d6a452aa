/**
 * Messages between the Electron main process and the engine's utility process. Kept free of
 * Electron imports so the protocol is tested with plain Node message ports.
 */
import type { Progress } from '../../shared/api/common';
import type { Envelope } from './envelope';

export type MainToHost =
  | { type: 'call'; id: number; method: string; args: unknown }
  | { type: 'printed'; id: number; pdf?: Uint8Array; error?: string }
  /** Close every bundle (removing its work folder), answer `closed`, then exit. */
  | { type: 'shutdown' };

export type HostToMain =
  | { type: 'ready' }
  | { type: 'result'; id: number; envelope: Envelope<unknown> }
  | { type: 'progress'; progress: Progress }
  | { type: 'print'; id: number; html: string }
  | { type: 'closed' };

export interface Port<In, Out> {
  onMessage(listener: (msg: In) => void): void;
  post(msg: Out): void;
}

/** The engine host reads its data folder from this variable (utility process argv layouts differ from Node's). */
export const ENGINE_DATA_DIR_ENV = 'AUDITDESK_ENGINE_DATA_DIR';
