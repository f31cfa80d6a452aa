// The tests a run skipped, grouped by why (for `npm test`'s summary: skipped is never passed, and says why).

/** Playwright JSON report → [{ file, title, reason }] for every skipped test (reason: its first skip annotation). */
export function playwrightSkips(report) {
  const out = [];
  const walk = (suite, file) => {
    const here = suite.file ?? file;
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        const skipped = t.status === 'skipped' || (t.results ?? []).some((r) => r.status === 'skipped');
        if (!skipped) continue;
        const note = (t.annotations ?? []).find((a) => a.type === 'skip' && a.description);
        out.push({ file: spec.file ?? here ?? '?', title: spec.title, reason: (note?.description ?? 'no reason given').replace(/^SKIPPED, not passed: /, '') });
      }
    }
    for (const child of suite.suites ?? []) walk(child, here);
  };
  for (const s of report?.suites ?? []) walk(s, s.file);
  return out;
}

/** vitest JSON report → [{ file, title, reason }] for every skipped or todo test (vitest records no reason; the suite title usually says it). */
export function vitestSkips(report, root = '') {
  const out = [];
  for (const f of report?.testResults ?? []) {
    for (const a of f.assertionResults ?? []) {
      if (a.status === 'passed' || a.status === 'failed') continue;
      const file = root && f.name.startsWith(root) ? f.name.slice(root.length + 1) : f.name;
      out.push({ file, title: a.fullName ?? a.title, reason: a.ancestorTitles?.[0] ?? `${a.status}, no reason given` });
    }
  }
  return out;
}

/** Lines like "  3 × test/electron/app.spec.ts: no Electron binary …", one per file and reason. */
export function skipLines(skips) {
  const groups = new Map();
  for (const s of skips) {
    const key = `${s.file}\u0000${s.reason}`;
    groups.set(key, { ...s, n: (groups.get(key)?.n ?? 0) + 1 });
  }
  return [...groups.values()].map((g) => `  ${g.n} × ${g.file}: ${g.reason}`);
}
