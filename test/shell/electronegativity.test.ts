import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');

/** Parses electronegativity's CSV (quoted fields, commas inside quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
    const cells: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (ch === '"') quoted = !quoted;
      else if (ch === ',' && !quoted) {
        cells.push(cur.trim());
        cur = '';
      } else cur += ch;
    }
    cells.push(cur.trim());
    rows.push(cells);
  }
  return rows;
}

describe('Electron security audit (@doyensec/electronegativity)', () => {
  it('finds nothing of high severity in the shell, preload and renderer page', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'auditdesk-eneg-'));
    try {
      cpSync(path.join(root, 'electron', 'main'), path.join(dir, 'main'), { recursive: true });
      cpSync(path.join(root, 'electron', 'preload'), path.join(dir, 'preload'), { recursive: true });
      cpSync(path.join(root, 'renderer', 'index.html'), path.join(dir, 'index.html'));
      const out = path.join(dir, 'result.csv');
      const bin = path.join(root, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js');
      const r = spawnSync(process.execPath, [bin, '-i', dir, '-o', out, '-r', '-e', '45.0.0', '-v', 'false'], { encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      const [header, ...rows] = parseCsv(readFileSync(out, 'utf8'));
      expect(header?.[0]).toBe('issue');
      const high = rows.filter((row) => /HIGH|CRITICAL/.test(row[1] ?? ''));
      expect(high.map((row) => `${row[0]} ${row[3]}:${row[4]}`)).toEqual([]);
      // The page's CSP must be found: without one the tool reports "No CSP has been detected".
      expect(rows.filter((row) => /No CSP/i.test(row[6] ?? ''))).toEqual([]);
      // A strict policy yields no CSP row at all; a weak one would be reported against index.html.
      expect(rows.filter((row) => row[0] === 'CSP_GLOBAL_CHECK' && row[3] === 'index.html' && /HIGH|MEDIUM/.test(row[1] ?? ''))).toEqual([]);
      expect(readFileSync(path.join(root, 'renderer', 'index.html'), 'utf8')).toMatch(/http-equiv="Content-Security-Policy"[\s\S]*default-src 'self'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
