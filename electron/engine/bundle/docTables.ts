import { CANONICAL_TABLES } from '../../../shared/canonical';

/** The "Canonical tables" section of docs/bundle-format.md, generated from shared/canonical.ts (a test keeps them equal). */
export function canonicalTablesMarkdown(): string {
  const out: string[] = [];
  for (const t of CANONICAL_TABLES) {
    out.push(`### \`${t.name}\``, '', `${t.description}${t.key ? ` Key: \`${t.key}\`.` : ''}${t.open ? ' Extra columns are kept.' : ''}`, '');
    out.push('| column | type | role | required | description |', '|---|---|---|---|---|');
    for (const c of t.columns) out.push(`| \`${c.name}\` | ${c.type} | ${c.role ?? ''} | ${c.required ? 'yes' : ''} | ${c.description.replaceAll('|', '\\|')} |`);
    out.push('');
  }
  return out.join('\n');
}
