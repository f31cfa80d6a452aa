/** Streaming file writers for the demo bundle: JSON Lines (optionally gzip), CSV, and hashing. */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';

const FLUSH_CHARS = 1 << 20;

/** Buffers lines and writes them in ~1 MB chunks, honouring back-pressure so memory stays bounded. */
export class LineWriter {
  private buffer: string[] = [];
  private bufferedChars = 0;
  private readonly file: WriteStream;
  private readonly sink: WriteStream | Gzip;
  private failure: Error | null = null;
  rows = 0;

  constructor(readonly path: string, gzip = false) {
    this.file = createWriteStream(path);
    // Keep stream errors (disk full, permissions) and report them from the next await, naming the file.
    const keep = (e: Error): void => {
      this.failure ??= e;
    };
    this.file.on('error', keep);
    if (gzip) {
      // Node's gzip header has mtime 0 and no file name, so the bytes depend only on the content.
      const gz = createGzip({ level: 6 });
      gz.on('error', keep);
      gz.pipe(this.file);
      this.sink = gz;
    } else {
      this.sink = this.file;
    }
  }

  /** Adds one line (without the newline). Counted as a data row unless `header`. */
  async line(text: string, header = false): Promise<void> {
    this.buffer.push(text, '\n');
    this.bufferedChars += text.length + 1;
    if (!header) this.rows++;
    if (this.bufferedChars >= FLUSH_CHARS) await this.flush();
  }

  async json(value: unknown): Promise<void> {
    await this.line(JSON.stringify(value));
  }

  private check(): void {
    if (this.failure) throw new Error(`cannot write ${this.path}: ${this.failure.message}`);
  }

  private async flush(): Promise<void> {
    this.check();
    if (this.buffer.length === 0) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.bufferedChars = 0;
    if (!this.sink.write(chunk)) {
      // Wait for drain, or for the file to close on an error (then drain never comes); drop the loser's listener.
      const stop = new AbortController();
      try {
        await Promise.race([once(this.sink, 'drain', { signal: stop.signal }), once(this.file, 'close', { signal: stop.signal })]);
      } finally {
        stop.abort();
      }
    }
    this.check();
  }

  async close(): Promise<void> {
    await this.flush();
    if (!this.file.closed) {
      const finished = once(this.file, 'close');
      this.sink.end();
      await finished;
    }
    this.check();
  }

  /** Stops writing without waiting for buffered data (used when generation fails). */
  abort(): void {
    this.sink.destroy();
    this.file.destroy();
  }
}

export type CsvCell = string | number | boolean | null;

/** RFC 4180 cell: quoted only when it holds a comma, quote or line break; NULL is empty. */
export function csvCell(v: CsvCell): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvLine(cells: readonly CsvCell[]): string {
  return cells.map(csvCell).join(',');
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Rounds to `digits` decimals, for compact and stable text output. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
