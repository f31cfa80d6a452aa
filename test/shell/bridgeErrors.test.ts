import { describe, expect, it } from 'vitest';
import { createAuditBridge, type WindowTransport } from '../../electron/shell/windowApi';
import { toUiError } from '../../renderer/src/lib/uiError';

// The window API throws an error carrying code and place both as properties and as JSON in its message (contextBridge
// keeps only the message). The renderer must show the message for people either way, never the JSON.
describe('engine errors through the window API', () => {
  const transport: WindowTransport = {
    invoke: () => Promise.resolve({ ok: false, error: { code: 'not_computable', message: 'predictions (High, Low) are not label values (0, 1)', where: { field: 'threshold' } } }),
    onProgress: () => () => undefined,
    pathForFile: () => null,
  };
  const failing = (): Promise<unknown> => (createAuditBridge(transport).api.performance as unknown as (a: unknown) => Promise<unknown>)({});

  it('keeps the code, the message and the place when the error object arrives whole (no context isolation)', async () => {
    const e = toUiError(await failing().catch((x: unknown) => x));
    expect(e).toMatchObject({ code: 'not_computable', message: 'predictions (High, Low) are not label values (0, 1)', where: { field: 'threshold' } });
  });

  it('recovers them from the message alone (what contextBridge copies)', async () => {
    const thrown = (await failing().catch((x: unknown) => x)) as Error;
    const e = toUiError(new Error(`Error invoking remote method 'x': Error: ${thrown.message}`));
    expect(e).toMatchObject({ code: 'not_computable', message: 'predictions (High, Low) are not label values (0, 1)', where: { field: 'threshold' } });
  });
});
