// Control characters other than tab, newline and carriage return cannot appear in HTML text; they print as U+FFFD.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Escapes text for HTML element content and quoted attribute values. Every string from a bundle goes through this. */
export function esc(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
    .replace(CONTROL_CHARS, '\uFFFD');
}

/** A CSS string literal (for `content:` in @page margin boxes): quotes, backslashes, newlines and `<` escaped. */
export function cssString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\' || ch === '<' || ch === '>' || ch === '&' || code < 0x20 || code === 0x7f) {
      out += `\\${code.toString(16)} `;
    } else {
      out += ch;
    }
  }
  return `${out}"`;
}
