import { describe, expect, it } from 'vitest';
import { playwrightSkips, skipLines, vitestSkips } from '../../scripts/skipReasons.mjs';

// The shapes of Playwright's and vitest's JSON reports (as `npm test` writes them to test-results/).
const playwright = {
  suites: [
    {
      title: 'test/electron/app.spec.ts',
      file: 'test/electron/app.spec.ts',
      specs: [],
      suites: [
        {
          title: 'Electron shell',
          file: 'test/electron/app.spec.ts',
          specs: ['window is locked down', 'opens the demo'].map((title) => ({
            title,
            file: 'test/electron/app.spec.ts',
            tests: [{ status: 'skipped', annotations: [{ type: 'skip', description: 'SKIPPED, not passed: no Electron 45.5.0 binary at /x/electron' }], results: [{ status: 'skipped' }] }],
          })),
        },
      ],
    },
    {
      title: 'test/e2e/open.e2e.ts',
      file: 'test/e2e/open.e2e.ts',
      specs: [{ title: 'opens the demo', file: 'test/e2e/open.e2e.ts', tests: [{ status: 'expected', annotations: [], results: [{ status: 'passed' }] }] }],
    },
  ],
};
const vitest = {
  testResults: [
    {
      name: '/repo/test/engine/hardening/no-network.test.ts',
      assertionResults: [
        { status: 'skipped', title: 'opened no AF_INET socket', fullName: 'no network at runtime (strace; skipped when /usr/bin/strace is absent) opened no AF_INET socket', ancestorTitles: ['no network at runtime (strace; skipped when /usr/bin/strace is absent)'] },
        { status: 'passed', title: 'x', fullName: 'x', ancestorTitles: [] },
      ],
    },
  ],
};

describe('npm test summary: what was skipped, and why', () => {
  it('groups skipped tests by file and reason, from both runners; passed tests are not listed', () => {
    const lines = skipLines([...vitestSkips(vitest, '/repo'), ...playwrightSkips(playwright)]);
    expect(lines).toEqual([
      '  1 × test/engine/hardening/no-network.test.ts: no network at runtime (strace; skipped when /usr/bin/strace is absent)',
      '  2 × test/electron/app.spec.ts: no Electron 45.5.0 binary at /x/electron',
    ]);
  });

  it('a skip without a reason says so', () => {
    const bare = { suites: [{ file: 'a.spec.ts', specs: [{ title: 't', file: 'a.spec.ts', tests: [{ status: 'skipped', annotations: [], results: [] }] }] }] };
    expect(skipLines(playwrightSkips(bare))).toEqual(['  1 × a.spec.ts: no reason given']);
    expect(playwrightSkips(null)).toEqual([]);
    expect(vitestSkips(undefined)).toEqual([]);
  });
});
