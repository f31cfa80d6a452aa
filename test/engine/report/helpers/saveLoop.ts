// Child process for the kill-during-save test: saves two alternating workspaces in a loop, printing after each save.
import { saveWorkspaceFile, defaultWorkspace } from '../../../../electron/engine/workspace/workspaceFile';

const bundlePath = process.argv[2];
if (!bundlePath) throw new Error('usage: saveLoop BUNDLE_PATH');

function variant(tag: 'A' | 'B') {
  const ws = defaultWorkspace('f'.repeat(64), 'loop');
  ws.signoff.notes = tag.repeat(19_000);
  ws.findings = Array.from({ length: 400 }, (_, i) => ({
    id: `${tag}-${i}`,
    created_at: '2026-09-01T00:00:00Z',
    severity: 'low' as const,
    title: `finding ${tag} ${i}`,
    note: `${tag} note `.repeat(50),
    source: { screen: 'drift', params: { i: String(i) } },
    evidence: [{ tag, i }],
  }));
  return ws;
}

const variants = [variant('A'), variant('B')];
let n = 0;
for (;;) {
  await saveWorkspaceFile(bundlePath, variants[n % 2]!);
  n += 1;
  process.stdout.write(`saved ${n}\n`);
}
