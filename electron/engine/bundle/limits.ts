/** Guards against hostile bundles. Documented in docs/bundle-format.md ("Limits"). */
export const LIMITS = {
  /** Entries in one zip. */
  zipMaxEntries: 100_000,
  /** Total uncompressed bytes extracted from one zip. */
  zipMaxTotalBytes: 64 * 1024 ** 3,
  /** Largest allowed uncompressed / compressed ratio for an entry above zipRatioMinBytes. */
  zipMaxRatio: 1_000,
  zipRatioMinBytes: 1024 * 1024,
  /** Largest decompressed .gz file. */
  gzipMaxBytes: 64 * 1024 ** 3,
  gzipMaxRatio: 1_000,
  /** Files in a folder bundle. */
  folderMaxFiles: 100_000,
  /** Head of a file given to structured readers' sniff(). */
  sniffBytes: 64 * 1024,
  /** Longest CSV / TSV line: the reader and the dialect sniffer both get it (the sniffer's default was 2 MB). */
  csvMaxLineBytes: 64 * 1024 * 1024,
  /**
   * CSV files read once more to find the line of a row the load rejects (csvLines.ts): up to this size each. A
   * 30 MB file took 25 s more under load; above the limit such a reject names file and column, not the line.
   */
  csvLineLookupBytes: 8 * 1024 * 1024,
  /** Raw text kept per reject row. */
  rejectRawChars: 500,
} as const;

/** Files never treated as bundle content (OS litter). */
export function isIgnoredFile(relPath: string): boolean {
  const base = relPath.split('/').pop() ?? relPath;
  return base === '.DS_Store' || base === 'Thumbs.db' || relPath.startsWith('__MACOSX/');
}
