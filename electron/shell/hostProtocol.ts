/**
 * Messages between the Electron main process and the engine's utility process. Kept free of
 * Electron imports so the protocol is tested with plain Node message ports.
 */
import type { Progress } from '../../shared/api/common';
import type { Envelope } from './envelope';

export type MainToHost =
  | { type: 'call'; id: number; method: string; args: unknown }
  | { type: 'printed'; id: number; pdf?: Uint8Array; error?: string };

export type HostToMain =
  | { type: 'ready' }
  | { type: 'result'; id: number; envelope: Envelope<unknown> }
  | { type: 'progress'; progress: Progress }
  | { type: 'print'; id: number; html: string };

export interface Port<In, Out> {
  onMessage(listener: (msg: In) => void): void;
  post(msg: Out): void;
}
