import type { Page } from '@playwright/test';

/**
 * Holds every answer of one bridge method in the page until openGate() is called, so "while a request runs" is a
 * state a test controls rather than a race it hopes to win. The call itself runs; only its answer waits.
 */
export async function holdAnswers(page: Page, method: string): Promise<void> {
  await page.evaluate((m) => {
    const w = window as unknown as { auditDesk: { api: Record<string, (a: unknown) => Promise<unknown>> }; __release?: () => void; __gate?: Promise<void> };
    const real = w.auditDesk.api;
    w.__gate = new Promise<void>((resolve) => {
      w.__release = resolve;
    });
    const gated = new Proxy(real, {
      get(target, key: string) {
        const fn = target[key];
        if (key !== m || !fn) return fn;
        return async (args: unknown) => {
          const answer = await fn(args);
          await w.__gate;
          return answer;
        };
      },
    });
    w.auditDesk = { ...w.auditDesk, api: gated };
  }, method);
}

export async function openGate(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as { __release?: () => void }).__release?.());
}
