import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Streams a file through SHA-256; `onBytes` receives the running byte count. */
export async function sha256File(absPath: string, onBytes?: (done: number) => void, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  let done = 0;
  const stream = createReadStream(absPath, { highWaterMark: 1024 * 1024 });
  for await (const chunk of stream) {
    if (signal?.aborted) {
      stream.destroy();
      throw new Error('aborted');
    }
    const buf = chunk as Buffer;
    hash.update(buf);
    done += buf.length;
    onBytes?.(done);
  }
  return hash.digest('hex');
}

/**
 * One sha256sum line. Like GNU sha256sum, a path holding a backslash, newline or carriage return is
 * escaped ("\\", "\n", "\r") and the line starts with a backslash, so no file name can imitate other lines.
 */
export function sha256sumLine(sha256: string, relPath: string): string {
  if (!/[\\\n\r]/.test(relPath)) return `${sha256}  ${relPath}\n`;
  const escaped = relPath.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('\r', '\\r');
  return `\\${sha256}  ${escaped}\n`;
}

/**
 * Bundle root hash: SHA-256 of the sha256sum lines "<sha256>  <path>\n" (two spaces; escaped as above),
 * one per file present in the bundle (manifest.json included), sorted by path in byte order.
 */
export function rootHash(files: { path: string; sha256: string }[]): string {
  const lines = [...files]
    .sort((a, b) => Buffer.compare(Buffer.from(a.path, 'utf8'), Buffer.from(b.path, 'utf8')))
    .map((f) => sha256sumLine(f.sha256, f.path));
  return createHash('sha256').update(lines.join(''), 'utf8').digest('hex');
}
