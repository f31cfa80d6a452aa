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
 * Bundle root hash: SHA-256 of the lines "<sha256>  <path>\n" (two spaces, like sha256sum),
 * one per file present in the bundle (manifest.json included), sorted by path in byte order.
 */
export function rootHash(files: { path: string; sha256: string }[]): string {
  const lines = files
    .map((f) => `${f.sha256}  ${f.path}\n`)
    .sort((a, b) => {
      const pa = a.slice(66);
      const pb = b.slice(66);
      return Buffer.compare(Buffer.from(pa, 'utf8'), Buffer.from(pb, 'utf8'));
    });
  return createHash('sha256').update(lines.join(''), 'utf8').digest('hex');
}
