import { visibleText } from '../../../../shared/visibleText';

/**
 * Escapes text for HTML element content and quoted attribute values. Every string from a bundle goes through
 * this: control, bidi and invisible characters first become visible ⟨U+XXXX⟩ tokens (a right-to-left override
 * must not reverse a name in the signed report), then markup is escaped.
 */
export function esc(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  return visibleText(String(value), { multiline: true })
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A CSS string literal (for `content:` in @page margin boxes): quotes, backslashes, newlines and `<` escaped. */
export function cssString(value: string): string {
  let out = '"';
  for (const ch of visibleText(value)) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\' || ch === '<' || ch === '>' || ch === '&' || code < 0x20 || code === 0x7f) {
      out += `\\${code.toString(16)} `;
    } else {
      out += ch;
    }
  }
  return `${out}"`;
}
