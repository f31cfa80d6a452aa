import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalTablesMarkdown, columnAliasesMarkdown } from '../../../electron/engine/bundle/docTables';

describe('docs/bundle-format.md', () => {
  it('documents the canonical tables exactly as shared/canonical.ts defines them', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'bundle-format.md'), 'utf8');
    const start = doc.indexOf('keeps it in sync -->\n');
    const end = doc.indexOf('<!-- end of generated section -->');
    expect(start).toBeGreaterThan(0);
    expect(doc.slice(start + 'keeps it in sync -->\n'.length, end)).toBe(canonicalTablesMarkdown());
  });

  it('lists the column-mapping aliases exactly as electron/engine/bundle/mapping.ts defines them', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'bundle-format.md'), 'utf8');
    const marker = '<!-- aliases generated from electron/engine/bundle/mapping.ts by columnAliasesMarkdown(); docs.test.ts checks it -->\n';
    const start = doc.indexOf(marker);
    const end = doc.indexOf('<!-- end of generated aliases -->');
    expect(start).toBeGreaterThan(0);
    expect(doc.slice(start + marker.length, end)).toBe(columnAliasesMarkdown());
  });
});
