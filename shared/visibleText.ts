/**
 * Text from a bundle shown to people (screens, terminal, PDF) never carries raw control, bidirectional or
 * invisible characters: each is replaced by a visible ⟨U+XXXX⟩ token. This defeats right-to-left-override
 * spoofing ("invoice\u202Ecod.exe"), terminal escape injection (ESC, OSC 52) and zero-width look-alikes.
 *
 * Escaped: C0 and C1 controls and DEL (tab and newline too, unless `multiline`), every Unicode format
 * character (category Cf: bidi embeddings, overrides and isolates, LRM/RLM/ALM, zero-width space/joiners,
 * word joiner, BOM, soft hyphen, ...), line and paragraph separators, and lone surrogates.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;
// eslint-disable-next-line no-control-regex
const INVISIBLE_MULTILINE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\p{Cf}\p{Zl}\p{Zp}]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;

export function codePointToken(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return `⟨U+${cp.toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

/** The text with every control / bidi / invisible character made visible. `multiline` keeps \n and \t. */
export function visibleText(value: string, opts: { multiline?: boolean } = {}): string {
  return value.replace(opts.multiline ? INVISIBLE_MULTILINE : INVISIBLE, codePointToken);
}

/** Whether `visibleText` would change the value. */
export function hasInvisible(value: string, opts: { multiline?: boolean } = {}): boolean {
  const re = opts.multiline ? INVISIBLE_MULTILINE : INVISIBLE;
  re.lastIndex = 0;
  const found = re.test(value);
  re.lastIndex = 0;
  return found;
}

/**
 * JSON text with every control / bidi / invisible character (but its own layout newlines) written as a \uXXXX escape: the same data for a
 * JSON reader, nothing raw for a terminal. (JSON.stringify already escapes C0 controls and lone surrogates.)
 */
export function jsonWithVisibleEscapes(json: string): string {
  return json.replace(INVISIBLE_MULTILINE, (ch) => {
    let out = '';
    for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });
}
