import { CANONICAL_TABLES } from '../../../shared/canonical';
import { COLUMN_ALIASES, DURATION_SOURCES } from './mapping';

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

/** The alias list of docs/bundle-format.md ("Column mapping"), generated from electron/engine/bundle/mapping.ts. */
export function columnAliasesMarkdown(): string {
  const out: string[] = ['| table | canonical column | also matched from |', '|---|---|---|'];
  for (const t of CANONICAL_TABLES) {
    for (const [col, aliases] of Object.entries(COLUMN_ALIASES[t.name])) out.push(`| \`${t.name}\` | \`${col}\` | ${aliases.map((a) => `\`${a}\``).join(', ')} |`);
  }
  out.push(
    `| \`spans\` | \`duration_ms\` | ${DURATION_SOURCES.map((d) => `\`${d.name}\` (${d.unit.split(' (')[0]}${d.integerOnly ? ', integer columns only' : ''})`).join(', ')} |`,
  );
  return `${out.join('\n')}\n`;
}
