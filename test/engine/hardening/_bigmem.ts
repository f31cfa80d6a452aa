// ad-hoc measurement (not committed): import a big bundle with an explicit DuckDB memory limit
import path from 'node:path';
import fs from 'node:fs';
import { createEngine } from '../../../electron/engine/engine';
const [bundle, limit, dataDir] = process.argv.slice(2) as [string, string, string];
const engine = createEngine({ dataDir, memoryLimit: limit });
let maxSpill = 0;
const t0 = Date.now();
const timer = setInterval(() => {
  try {
    const w = path.join(dataDir, 'work');
    for (const b of fs.readdirSync(w)) {
      const sp = path.join(w, b, 'spill');
      let n = 0;
      for (const f of fs.existsSync(sp) ? fs.readdirSync(sp) : []) n += fs.statSync(path.join(sp, f)).size;
      maxSpill = Math.max(maxSpill, n);
    }
  } catch { /* racing with cleanup */ }
}, 1000);
const s = await engine.openBundle({ path: bundle });
const t1 = Date.now();
const r = await engine.runSql({ bundleId: s.bundleId, sql: 'select count(*) from spans' });
const t2 = Date.now();
clearInterval(timer);
console.log(JSON.stringify({ limit, import_ms: t1 - t0, sql_ms: t2 - t1, count: r.rows[0]?.[0], maxSpillBytes: maxSpill, spans: s.tables.find((t) => t.name === 'spans')?.rows }));
await engine.dispose();
