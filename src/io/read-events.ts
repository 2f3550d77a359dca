/** Picks the reader by file extension: `.csv` is CSV, anything else NDJSON. */
import { extname } from 'node:path';
import { readCsv } from './csv-reader.js';
import type { ReadItem, ReadProgress, ReaderOptions } from './event-record.js';
import { readNdjson } from './ndjson-reader.js';

export function isCsvFile(file: string): boolean {
  return extname(file).toLowerCase() === '.csv';
}

/** `path` is opened; `file` (default: the path) is how messages name it. */
export function readEvents(
  path: string,
  options: ReaderOptions,
  progress: ReadProgress = { bytes: 0 },
  file: string = path,
): AsyncGenerator<ReadItem[]> {
  return isCsvFile(path) ? readCsv(path, options, progress, file) : readNdjson(path, options, progress, file);
}
