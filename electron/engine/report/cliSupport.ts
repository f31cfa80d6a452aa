import { promises as fs } from 'node:fs';
import { ApiError } from '../../../shared/api/common';

/** Reads and parses a JSON file given on the command line, with errors that name it. */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new ApiError('bad_argument', `Cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { file });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ApiError('bad_argument', `${what} ${file} is not valid JSON: ${(e as Error).message}`, { file });
  }
}
