import zlib from 'node:zlib';
import { PDFArray, PDFName, type PDFRawStream } from 'pdf-lib';
import { ApiError } from '../../../shared/api/common';

/**
 * The most bytes one PDF stream (an attachment, a page's content, a font) may inflate to while a report is
 * read back. A report's own streams are far smaller (results.json of a large bundle is a few MB); a hostile
 * PDF whose 0.75 MB attachment inflates to 600 MB is refused instead of exhausting memory.
 */
export const MAX_INFLATED_STREAM_BYTES = 128 * 1024 * 1024;

function filtersOf(stream: PDFRawStream): string[] {
  const f = stream.dict.get(PDFName.of('Filter'));
  if (f === undefined) return [];
  if (f instanceof PDFName) return [f.decodeText()];
  if (f instanceof PDFArray) return f.asArray().map((x) => (x instanceof PDFName ? x.decodeText() : String(x)));
  return [String(f)];
}

/**
 * A stream's decoded bytes, inflated with a hard output cap. Only FlateDecode (what Chromium and pdf-lib
 * write) or no filter is accepted: other filters are refused rather than decoded without a bound.
 */
export function decodeStreamCapped(stream: PDFRawStream, what: string, cap = MAX_INFLATED_STREAM_BYTES): Uint8Array {
  let bytes = stream.contents;
  for (const filter of filtersOf(stream)) {
    if (filter !== 'FlateDecode') throw new ApiError('bad_argument', `${what} uses the ${filter} filter, which a report never uses; it is not decoded.`);
    try {
      bytes = new Uint8Array(zlib.inflateSync(bytes, { maxOutputLength: cap, finishFlush: zlib.constants.Z_SYNC_FLUSH }));
    } catch (e) {
      if (e instanceof RangeError || (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new ApiError('bad_argument', `${what} inflates to more than ${cap} bytes (the limit for one stream in a report); refused.`);
      }
      throw new ApiError('bad_argument', `${what} is not valid compressed data: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (bytes.length > cap) throw new ApiError('bad_argument', `${what} is larger than ${cap} bytes (the limit for one stream in a report); refused.`);
  return bytes;
}
