import { readFileSync } from 'node:fs';
import { readPageContents, comparePages } from './electron/engine/report/pdfPages';
const t = Date.now();
const a = await readPageContents(new Uint8Array(readFileSync('/tmp/i14/r1.pdf')));
const b = await readPageContents(new Uint8Array(readFileSync('/tmp/i14/r2.pdf')));
console.log(Date.now() - t, a.length);
for (const p of a.slice(0, 3)) console.log(p.page, p.drawing_sha256.slice(0, 8), p.text.slice(0, 400));
console.log(comparePages(a, b));
