import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/engine';
import { createDispatcher } from '../../electron/shell/dispatch';
import { serveEngine } from '../../electron/shell/engineServer';
import type { HostToMain, MainToHost } from '../../electron/shell/hostProtocol';
import { API_METHOD_NAMES } from '../../shared/methods';
import { argSchemas } from '../../shared/contract';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'auditdesk-shell-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('IPC dispatcher', () => {
  const engine = createEngine({ dataDir });
  const trusted = { trusted: true };
  const dispatch = createDispatcher(engine, { isTrustedSender: (s) => s === trusted });

  it('registers a schema for every method the preload exposes, and no other', () => {
    expect(Object.keys(argSchemas).sort()).toEqual([...API_METHOD_NAMES].sort());
  });

  it('calls the engine with validated arguments', async () => {
    const env = await dispatch(trusted, 'cancelJob', { jobId: 'nothing-running' });
    expect(env).toEqual({ ok: true, result: { cancelled: false } });
  });

  it('refuses a sender that is not an app window', async () => {
    const env = await dispatch({ trusted: false }, 'cancelJob', { jobId: 'x' });
    expect(env.ok).toBe(false);
    if (!env.ok) expect(env.error.message).toContain('did not come from an Audit Desk window');
  });

  it('refuses invalid arguments and names the field', async () => {
    const env = await dispatch(trusted, 'listRejects', { bundleId: 'b', offset: -1, limit: 10 });
    expect(env.ok).toBe(false);
    if (!env.ok) {
      expect(env.error.code).toBe('bad_argument');
      expect(env.error.where?.field).toBe('offset');
    }
  });

  it('refuses extra properties (strict schemas)', async () => {
    const env = await dispatch(trusted, 'cancelJob', { jobId: 'x', evil: true });
    expect(env.ok).toBe(false);
  });

  it('refuses unknown methods, including prototype names', async () => {
    for (const m of ['nope', 'constructor', '__proto__', 'toString']) {
      const env = await dispatch(trusted, m, {});
      expect(env.ok).toBe(false);
      if (!env.ok) expect(env.error.message).toContain('Unknown call');
    }
  });

  it('returns engine errors as data with their code', async () => {
    const env = await dispatch(trusted, 'getSummary', { bundleId: 'not-open' });
    expect(env).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('engine host protocol', () => {
  it('answers calls over a message port and reports errors as envelopes', async () => {
    const toHost: ((m: MainToHost) => void)[] = [];
    const fromHost: HostToMain[] = [];
    let notify: (() => void) | undefined;
    serveEngine(
      {
        onMessage: (l) => toHost.push(l),
        post: (m) => {
          fromHost.push(m);
          notify?.();
        },
      },
      dataDir,
    );
    expect(fromHost[0]).toEqual({ type: 'ready' });
    const wait = (n: number) =>
      new Promise<void>((resolve) => {
        notify = () => fromHost.length >= n && resolve();
        notify();
      });
    toHost[0]!({ type: 'call', id: 1, method: 'cancelJob', args: { jobId: 'j' } });
    toHost[0]!({ type: 'call', id: 2, method: 'getSummary', args: { bundleId: 'missing' } });
    toHost[0]!({ type: 'call', id: 3, method: 'noSuchCall', args: {} });
    toHost[0]!({ type: 'call', id: 4, method: 'constructor', args: {} });
    await wait(5);
    const results = fromHost.filter((m) => m.type === 'result').sort((a, b) => (a.type === 'result' && b.type === 'result' ? a.id - b.id : 0));
    expect(results).toEqual([
      { type: 'result', id: 1, envelope: { ok: true, result: { cancelled: false } } },
      { type: 'result', id: 2, envelope: { ok: false, error: expect.objectContaining({ code: 'not_found' }) } },
      { type: 'result', id: 3, envelope: { ok: false, error: { code: 'bad_argument', message: 'Unknown call noSuchCall.' } } },
      { type: 'result', id: 4, envelope: { ok: false, error: { code: 'bad_argument', message: 'Unknown call constructor.' } } },
    ]);
  });
});

describe('engine host shutdown (quit)', () => {
  it('a closeBundle sent just before shutdown finishes removing its work folder before the host says closed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'auditdesk-shutdown-'));
    const bundle = path.join(dir, 'bundle');
    const data = path.join(dir, 'data');
    mkdirSync(bundle);
    writeFileSync(path.join(bundle, 'spans.jsonl'), '{"trace_id":"t1","span_id":"a","name":"root"}\n');
    try {
      let deliver: (m: MainToHost) => void = () => undefined;
      const posted: HostToMain[] = [];
      const waiters: (() => void)[] = [];
      serveEngine(
        {
          onMessage: (l) => (deliver = l),
          post: (m) => {
            posted.push(m);
            waiters.splice(0).forEach((w) => w());
          },
        },
        data,
        () => undefined,
      );
      const until = (pred: () => boolean) =>
        new Promise<void>((resolve) => {
          const check = () => (pred() ? resolve() : waiters.push(check));
          check();
        });
      deliver({ type: 'call', id: 1, method: 'openBundle', args: { path: bundle } });
      await until(() => posted.some((m) => m.type === 'result' && m.id === 1));
      const opened = posted.find((m) => m.type === 'result' && m.id === 1);
      if (opened?.type !== 'result' || !opened.envelope.ok) throw new Error(JSON.stringify(opened));
      const { bundleId } = opened.envelope.result as { bundleId: string };
      expect(readdirSync(path.join(data, 'work'))).toEqual([bundleId]);
      // What the main process sends when the window closes during quit: a closeBundle, then shutdown.
      deliver({ type: 'call', id: 2, method: 'closeBundle', args: { bundleId } });
      deliver({ type: 'shutdown' });
      await until(() => posted.some((m) => m.type === 'closed'));
      expect(readdirSync(path.join(data, 'work'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
