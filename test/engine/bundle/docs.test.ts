import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalTablesMarkdown } from '../../../electron/engine/bundle/docTables';

describe('docs/bundle-format.md', () => {
  it('documents the canonical tables exactly as shared/canonical.ts defines them', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'bundle-format.md'), 'utf8');
    const start = doc.indexOf('keeps it in sync -->\n');
    const end = doc.indexOf('<!-- end of generated section -->');
    expect(start).toBeGreaterThan(0);
    expect(doc.slice(start + 'keeps it in sync -->\n'.length, end)).toBe(canonicalTablesMarkdown());
  });
});
