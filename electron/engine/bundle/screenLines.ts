import fsp from 'node:fs/promises';

/**
 * Line-by-line screening of a JSON Lines file that DuckDB could not read whole (invalid UTF-8 somewhere,
 * or one line too big for memory). Lines that are not valid UTF-8 or exceed the line limit are found
 * with bounded memory (one chunk plus the start of the current line), then a copy is written with
 * those lines emptied, so every other line keeps its number.
 */

/** One rejected line: 1-based number, byte range of its content (without "\n"), reason, start of its text. */
export interface ScreenedLine {
  line: number;
  start: number;
  end: number;
  reason: string;
  raw: string;
}

/** Above this many bad lines the file is an encoding problem, not a line problem: it is refused whole. */
export const SCREEN_MAX_BAD_LINES = 100_000;

const CHUNK = 1024 * 1024;
const RAW_BYTES = 500;

/** Incremental strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF). */
class Utf8State {
  private need = 0;
  private lo = 0x80;
  private hi = 0xbf;

  reset(): void {
    this.need = 0;
    this.lo = 0x80;
    this.hi = 0xbf;
  }

  /** Index of the first invalid byte in buf[from, to), or -1. */
  scan(buf: Buffer, from: number, to: number): number {
    for (let i = from; i < to; i++) {
      const b = buf[i] as number;
      if (this.need === 0) {
        if (b < 0x80) continue;
        if (b >= 0xc2 && b <= 0xdf) this.expect(1, 0x80, 0xbf);
        else if (b === 0xe0) this.expect(2, 0xa0, 0xbf);
        else if (b === 0xed) this.expect(2, 0x80, 0x9f);
        else if (b >= 0xe1 && b <= 0xef) this.expect(2, 0x80, 0xbf);
        else if (b === 0xf0) this.expect(3, 0x90, 0xbf);
        else if (b >= 0xf1 && b <= 0xf3) this.expect(3, 0x80, 0xbf);
        else if (b === 0xf4) this.expect(3, 0x80, 0x8f);
        else return i;
      } else {
        if (b < this.lo || b > this.hi) return i;
        this.expect(this.need - 1, 0x80, 0xbf);
      }
    }
    return -1;
  }

  /** True when the text so far does not stop inside a multi-byte character. */
  complete(): boolean {
    return this.need === 0;
  }

  private expect(need: number, lo: number, hi: number): void {
    this.need = need;
    this.lo = lo;
    this.hi = hi;
  }
}

function hexByte(b: number): string {
  return `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * Finds the lines that are not valid UTF-8 or are longer than `lineLimit` bytes. Stops early (returning
 * maxBad + 1 entries) when there are more.
 */
export async function screenJsonLines(plainPath: string, lineLimit: number, maxBad = SCREEN_MAX_BAD_LINES, signal?: AbortSignal): Promise<ScreenedLine[]> {
  const bad: ScreenedLine[] = [];
  const fh = await fsp.open(plainPath, 'r');
  try {
    const buf = Buffer.alloc(CHUNK);
    const utf8 = new Utf8State();
    let line = 1;
    let lineStart = 0;
    let lineBytes = 0;
    let head: Buffer[] = [];
    let headBytes = 0;
    let invalid: string | null = null;
    let pos = 0;
    const finishLine = (end: number): boolean => {
      if (invalid === null && !utf8.complete()) invalid = 'not valid UTF-8 (the line ends inside a multi-byte character)';
      const tooLong = lineBytes > lineLimit;
      if (tooLong || invalid !== null) {
        const reason = tooLong ? `line is ${lineBytes} bytes, above the ${lineLimit}-byte limit for one JSON line (1/8 of the session memory limit)` : (invalid as string);
        const raw = Buffer.concat(head).toString('utf8').replace(/\r$/, '');
        bad.push({ line, start: lineStart, end, reason, raw });
      }
      line += 1;
      lineStart = end + 1;
      lineBytes = 0;
      head = [];
      headBytes = 0;
      invalid = null;
      utf8.reset();
      return bad.length <= maxBad;
    };
    for (;;) {
      if (signal?.aborted) throw new Error('screening cancelled');
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
      if (bytesRead === 0) break;
      let from = 0;
      while (from < bytesRead) {
        const nl = buf.indexOf(10, from);
        const to = nl < 0 || nl >= bytesRead ? bytesRead : nl;
        if (headBytes < RAW_BYTES && to > from) {
          const take = Math.min(RAW_BYTES - headBytes, to - from);
          head.push(Buffer.from(buf.subarray(from, from + take)));
          headBytes += take;
        }
        // Validation stops at the first bad byte of a line, or once the line is over the limit anyway.
        if (invalid === null && lineBytes + (to - from) <= lineLimit) {
          const at = utf8.scan(buf, from, to);
          if (at >= 0) invalid = `not valid UTF-8 (byte ${hexByte(buf[at] as number)} at byte ${lineBytes + (at - from) + 1} of the line)`;
        }
        lineBytes += to - from;
        if (to === bytesRead) break;
        if (!finishLine(pos + to)) return bad;
        from = to + 1;
      }
      pos += bytesRead;
    }
    if (lineBytes > 0) finishLine(pos);
    return bad;
  } finally {
    await fh.close();
  }
}

/** Copies `src` to `dest` with the content of each screened line removed (its "\n" kept, so line numbers hold). */
export async function copyWithoutLines(src: string, dest: string, lines: ScreenedLine[]): Promise<void> {
  const input = await fsp.open(src, 'r');
  const output = await fsp.open(dest, 'wx');
  try {
    const size = (await input.stat()).size;
    const buf = Buffer.alloc(CHUNK);
    const copy = async (from: number, to: number): Promise<void> => {
      for (let at = from; at < to; ) {
        const { bytesRead } = await input.read(buf, 0, Math.min(CHUNK, to - at), at);
        if (bytesRead === 0) return;
        await output.write(buf, 0, bytesRead);
        at += bytesRead;
      }
    };
    let pos = 0;
    for (const l of lines) {
      await copy(pos, l.start);
      pos = l.end;
    }
    await copy(pos, size);
  } finally {
    await input.close();
    await output.close();
  }
}
