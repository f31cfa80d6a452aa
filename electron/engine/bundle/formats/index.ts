import type { StructuredReader } from './types';

/** Structured readers, tried in order; the first whose sniff() matches reads the file. */
export const STRUCTURED_READERS: StructuredReader[] = [];
