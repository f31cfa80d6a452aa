#!/usr/bin/env node
// Entry for `npx auditdesk`: runs the CLI built by `npm run build` (out/cli/main.js).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const built = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'out', 'cli', 'main.js');
if (!existsSync(built)) {
  process.stderr.write('error: the CLI is not built yet. Run `npm run build` first.\n');
  process.exit(2);
}
const { main } = await import(pathToFileURL(built).href);
await main();
